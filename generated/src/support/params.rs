//! A parameter's constraints from the spec, checked before anything is sent.

use super::error::{Error, Result};
use regex::Regex;
use std::sync::LazyLock;

/// One parameter's wire name and constraints, emitted as a `static` next to the method.
#[derive(Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    /// Minimum length in characters (Unicode scalar values).
    pub min_length: Option<usize>,
    /// Maximum length in characters.
    pub max_length: Option<usize>,
    /// Compiled once, on first use; the generator has already checked that it compiles.
    pub pattern: Option<&'static LazyLock<Regex>>,
}

impl ParamSpec {
    /// A parameter the spec puts no length or pattern rule on; it is still refused when empty
    /// or a dot segment in a path.
    pub const fn named(name: &'static str) -> Self {
        ParamSpec {
            name,
            min_length: None,
            max_length: None,
            pattern: None,
        }
    }
}

/// Checks `value` against the spec's length and pattern rules.
pub(crate) fn check_constraints(param: &ParamSpec, value: &str) -> Result<()> {
    let shown = value.escape_debug();
    if param.min_length.is_some() || param.max_length.is_some() {
        let length = value.chars().count();
        if let Some(min) = param.min_length.filter(|min| length < *min) {
            return Err(Error::invalid_parameter(
                param.name,
                value,
                format!(
                    "`{shown}` is {length} {}; the minimum is {min}",
                    chars(length)
                ),
            ));
        }
        if let Some(max) = param.max_length.filter(|max| length > *max) {
            return Err(Error::invalid_parameter(
                param.name,
                value,
                format!(
                    "`{shown}` is {length} {}; the maximum is {max}",
                    chars(length)
                ),
            ));
        }
    }
    if let Some(pattern) = param.pattern
        && !pattern.is_match(value)
    {
        return Err(Error::invalid_parameter(
            param.name,
            value,
            format!(
                "`{shown}` does not match the pattern `{}`",
                pattern.as_str()
            ),
        ));
    }
    Ok(())
}

fn chars(n: usize) -> &'static str {
    if n == 1 {
        "character long"
    } else {
        "characters long"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::error::ErrorKind;

    static NAME_PATTERN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("^[a-zA-Z][a-zA-Z0-9-]*$").unwrap());
    static NAMESPACE_NAME: ParamSpec = ParamSpec {
        name: "namespaceName",
        min_length: Some(6),
        max_length: Some(50),
        pattern: Some(&NAME_PATTERN),
    };

    fn message(value: &str) -> String {
        check_constraints(&NAMESPACE_NAME, value)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn too_short() {
        assert_eq!(
            message("ab"),
            "invalid value for parameter `namespaceName`: `ab` is 2 characters long; the minimum is 6"
        );
    }

    #[test]
    fn too_long_counts_characters_not_bytes() {
        assert_eq!(
            message(&"a".repeat(51)),
            format!(
                "invalid value for parameter `namespaceName`: `{}` is 51 characters long; the maximum is 50",
                "a".repeat(51)
            )
        );
        // 6 characters, 12 bytes: long enough, but the pattern refuses it.
        assert!(
            message("éééééé").ends_with("does not match the pattern `^[a-zA-Z][a-zA-Z0-9-]*$`")
        );
    }

    #[test]
    fn pattern_mismatch_and_kind() {
        let error = check_constraints(&NAMESPACE_NAME, "1abcdef").unwrap_err();
        match error.kind() {
            ErrorKind::InvalidParameter {
                parameter, value, ..
            } => {
                assert_eq!(*parameter, "namespaceName");
                assert_eq!(value, "1abcdef");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(check_constraints(&NAMESPACE_NAME, "sb-namespace1").is_ok());
    }

    #[test]
    fn control_characters_are_escaped_in_the_message() {
        assert!(message("a\nb").contains(r"`a\nb` is 3 characters long"));
    }
}
