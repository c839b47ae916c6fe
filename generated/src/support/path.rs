//! Path segments: the one place a caller's value enters a URL path.

use super::error::{Error, Result};
use super::params::ParamSpec;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded, so an
/// encoded value can never hold `/`, `?`, `#`, `%` (other than as `%XX`) or anything else
/// with a meaning in a URL.
pub(crate) const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One piece of a path template, as generated code lists them.
#[derive(Clone, Copy, Debug)]
pub enum PathPart<'a> {
    /// Fixed text from the spec, slashes included, e.g. `"/subscriptions/"`.
    Literal(&'static str),
    /// A caller's value, encoded as (part of) one segment.
    Param(&'static ParamSpec, &'a str),
}

/// Percent-encodes `value` as a path segment, refusing values no encoding makes safe.
///
/// An empty value and the dot segments `.` and `..` are always refused, whatever the client
/// options say: the `url` crate silently drops or resolves dot segments however a URL is
/// built, so `..` would address a different resource. (`%2E` is safe: it encodes to `%252E`.)
pub(crate) fn encode_segment(parameter: &'static str, value: &str) -> Result<String> {
    let reason = match value {
        "" => "the value is empty; a path parameter must not be empty",
        "." | ".." => "is a dot segment, which would change the URL path; it is always refused",
        _ => return Ok(utf8_percent_encode(value, UNRESERVED).to_string()),
    };
    let reason = if value.is_empty() {
        reason.to_owned()
    } else {
        format!("`{value}` {reason}")
    };
    Err(Error::invalid_parameter(parameter, value, reason))
}

/// Builds the path below the endpoint from the parts, checking and encoding each parameter.
pub(crate) fn build_path(parts: &[PathPart<'_>], check_constraints: bool) -> Result<String> {
    let mut path = String::new();
    for part in parts {
        match part {
            PathPart::Literal(literal) => path.push_str(literal),
            PathPart::Param(spec, value) => {
                let encoded = encode_segment(spec.name, value)?;
                if check_constraints {
                    super::params::check_constraints(spec, value)?;
                }
                path.push_str(&encoded);
            }
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::error::ErrorKind;
    use proptest::prelude::*;

    fn encode(value: &str) -> Result<String> {
        encode_segment("name", value)
    }

    fn refused_reason(value: &str) -> String {
        match encode(value).unwrap_err().kind() {
            ErrorKind::InvalidParameter {
                parameter,
                value: v,
                reason,
            } => {
                assert_eq!(*parameter, "name");
                assert_eq!(v, value);
                reason.clone()
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        assert_eq!(
            refused_reason(""),
            "the value is empty; a path parameter must not be empty"
        );
        assert!(refused_reason(".").starts_with("`.` is a dot segment"));
        assert!(refused_reason("..").starts_with("`..` is a dot segment"));
        assert_eq!(
            encode("..").unwrap_err().to_string(),
            "invalid value for parameter `name`: `..` is a dot segment, which would change the URL path; it is always refused"
        );
    }

    #[test]
    fn hostile_values_are_encoded() {
        let cases = [
            ("/", "%2F"),
            ("a/b", "a%2Fb"),
            ("?", "%3F"),
            ("#", "%23"),
            ("%2F", "%252F"),
            (" ", "%20"),
            ("é", "%C3%A9"),
            ("...", "..."),
            ("%2E%2E", "%252E%252E"),
            ("a-b_c.d~e", "a-b_c.d~e"),
            ("\\", "%5C"),
            ("@:", "%40%3A"),
        ];
        for (value, expected) in cases {
            assert_eq!(encode(value).unwrap(), expected, "{value}");
        }
    }

    #[test]
    fn build_path_checks_constraints_only_when_asked() {
        static SHORT: ParamSpec = ParamSpec {
            name: "rg",
            min_length: Some(3),
            max_length: None,
            pattern: None,
        };
        let parts = [
            PathPart::Literal("/resourceGroups/"),
            PathPart::Param(&SHORT, "a b"),
            PathPart::Literal("/x"),
        ];
        assert_eq!(build_path(&parts, true).unwrap(), "/resourceGroups/a%20b/x");
        let short = [PathPart::Param(&SHORT, "ab")];
        assert!(build_path(&short, true).is_err());
        assert_eq!(build_path(&short, false).unwrap(), "ab");
        // The dot-segment refusal is never off.
        assert!(build_path(&[PathPart::Param(&SHORT, "..")], false).is_err());
    }

    proptest! {
        #[test]
        fn encoded_segments_are_inert_and_round_trip(value in any::<String>()) {
            prop_assume!(!matches!(value.as_str(), "" | "." | ".."));
            let encoded = encode(&value).unwrap();
            let bytes = encoded.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if b == b'%' {
                    prop_assert!(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit));
                    prop_assert!(bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
                    i += 3;
                } else {
                    prop_assert!(b.is_ascii_alphanumeric() || b"-._~".contains(&b), "{encoded}");
                    i += 1;
                }
            }
            prop_assert!(!encoded.contains(['/', '?', '#']));
            prop_assert_ne!(encoded.as_str(), ".");
            prop_assert_ne!(encoded.as_str(), "..");
            let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().unwrap();
            prop_assert_eq!(decoded.as_ref(), value.as_str());
        }

        #[test]
        fn dot_only_strings_are_refused_or_stay_inert(value in "[.]{0,4}") {
            match value.as_str() {
                "" | "." | ".." => prop_assert!(encode(&value).is_err()),
                _ => prop_assert_eq!(encode(&value).unwrap(), value),
            }
        }
    }
}
