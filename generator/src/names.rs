//! Rust names derived from wire names (heck), shared by the validator (to find collisions) and
//! the IR (to name things). Spec authors never write Rust names.

use std::cell::RefCell;
use std::collections::HashMap;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that a raw identifier (`r#type`) can stand in for.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const RESERVED: &[&str] = &["crate", "self", "super", "Self", "_"];

/// A snake_case identifier for a field, parameter, module or method, made valid: keywords become
/// raw identifiers (`r#type`), and a leading digit gets an `n` prefix (`1stKey` -> `n1st_key`).
pub fn snake(wire: &str) -> String {
    remembered(Case::Snake, wire, snake_uncached)
}

fn snake_uncached(wire: &str) -> String {
    let mut name = wire.to_snake_case();
    if name.is_empty() {
        name = "value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    escape(name)
}

/// An UpperCamelCase identifier for a type or variant.
pub fn camel(wire: &str) -> String {
    remembered(Case::Camel, wire, camel_uncached)
}

fn camel_uncached(wire: &str) -> String {
    let mut name = wire.to_upper_camel_case();
    if name.is_empty() {
        name = "Value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    escape(name)
}

/// A SCREAMING_SNAKE_CASE identifier for a constant or static.
pub fn shouty(wire: &str) -> String {
    let mut name = wire.to_shouty_snake_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        name.insert(0, 'N');
    }
    name
}

#[derive(Clone, Copy)]
enum Case {
    Snake,
    Camel,
}

thread_local! {
    /// Names already derived on this thread, by case. Validation, the IR and every emitter
    /// derive the same few names again and again, and heck's Unicode-aware conversion costs
    /// thousands of instructions a call (3 % of a whole generation before this).
    static REMEMBERED: RefCell<[HashMap<String, String>; 2]> = RefCell::default();
}

fn remembered(case: Case, wire: &str, derive: fn(&str) -> String) -> String {
    REMEMBERED.with(|maps| {
        let map = &mut maps.borrow_mut()[case as usize];
        if let Some(name) = map.get(wire) {
            return name.clone();
        }
        let name = derive(wire);
        map.insert(wire.to_owned(), name.clone());
        name
    })
}

fn escape(name: String) -> String {
    if RESERVED.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Whether `name` is usable as written as a Rust identifier in generated code: ASCII letters,
/// digits and `_`, not starting with a digit, not `_` alone, and either no keyword or a keyword
/// written as a raw identifier (`r#type`; `crate`, `self`, `super` and `Self` cannot be raw).
/// heck keeps every alphanumeric character, so a wire name like `größe` or `x²` derives a name
/// that this refuses: the generator only emits ASCII identifiers.
pub fn is_valid_ident(name: &str) -> bool {
    let (raw, bare) = match name.strip_prefix("r#") {
        Some(bare) => (true, bare),
        None => (false, name),
    };
    let shaped = !bare.is_empty()
        && bare != "_"
        && bare.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !shaped {
        return false;
    }
    if raw {
        RAW_KEYWORDS.contains(&bare) || !RESERVED.contains(&bare)
    } else {
        !RAW_KEYWORDS.contains(&bare) && !RESERVED.contains(&bare)
    }
}

/// The type that implements rotation for the resource kind `resource` of a `rotation` entry
/// (`NamespaceAuthorizationRule` -> `NamespaceAuthorizationRuleKeys`).
pub fn rotation_target(resource: &str) -> String {
    format!("{}Keys", camel(resource))
}

/// The name without a raw-identifier prefix, for building derived names (`r#type` -> `type`).
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_idiomatic_names() {
        assert_eq!(snake("subscriptionId"), "subscription_id");
        assert_eq!(snake("api-version"), "api_version");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("1stKey"), "n1st_key");
        assert_eq!(camel("authKey1"), "AuthKey1");
        assert_eq!(camel("Self"), "Self_");
        assert_eq!(
            snake("Namespaces_RegenerateKeys"),
            "namespaces_regenerate_keys"
        );
        assert_eq!(
            camel("Namespaces_RegenerateKeys"),
            "NamespacesRegenerateKeys"
        );
        assert_eq!(shouty("namespaceName"), "NAMESPACE_NAME");
        assert_eq!(snake("service-bus"), "service_bus");
        assert_eq!(snake("x-ms-version"), "x_ms_version");
        assert_eq!(snake("ref"), "r#ref");
    }

    #[test]
    fn accepts_only_ascii_identifiers() {
        for ok in ["a", "r#type", "self_", "Self_", "n1st_key", "_x", "A1"] {
            assert!(is_valid_ident(ok), "{ok}");
        }
        for bad in [
            "", "_", "1a", "type", "self", "r#self", "größe", "a-b", "x²", "r#",
        ] {
            assert!(!is_valid_ident(bad), "{bad}");
        }
        assert!(!is_valid_ident(&snake("größe")));
    }
}
