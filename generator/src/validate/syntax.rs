//! What a valid string of each kind looks like: identifiers, header names, XML names, origins
//! and URLs, and the kebab-case that file and folder names follow.

pub(super) fn is_identifier_like(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// RFC 9110 token characters.
pub(super) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// An XML element name without a prefix (ASCII subset).
pub(super) fn is_xml_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !name.to_ascii_lowercase().starts_with("xml")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

pub(super) fn is_origin(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("https://") else {
        return false;
    };
    let rest = rest.trim_end_matches('/');
    !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' '])
}

pub(super) fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/') && !rest.contains(' '))
}

/// `Namespaces_RegenerateKeys` -> `namespaces-regenerate-keys`.
pub(super) fn kebab(name: &str) -> String {
    use heck::ToKebabCase;
    name.to_kebab_case()
}
