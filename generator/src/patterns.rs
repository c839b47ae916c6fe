//! Regular-expression constraints, checked once at generation time. The generated crate uses the
//! `regex` crate (linear time, no backtracking), which has no look-around; Azure's length idiom
//! `^(?=.{1,60}$)rest` is lowered to a length check plus `^rest`. Anything else that the `regex`
//! crate cannot compile is an error, never a silently weaker check.

use regex_syntax::ParserBuilder;

/// A pattern ready for the `regex` crate, and the length bounds its look-ahead carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lowered {
    /// The pattern without the look-ahead.
    pub pattern: String,
    /// Minimum length in characters taken from the look-ahead.
    pub min_length: Option<u64>,
    /// Maximum length in characters taken from the look-ahead.
    pub max_length: Option<u64>,
}

/// Lowers and checks one pattern. The error explains what the `regex` crate rejected.
pub fn lower(pattern: &str) -> Result<Lowered, String> {
    let (rest, min_length, max_length) = match split_length_lookahead(pattern) {
        Some((min, max, rest)) => (format!("^{rest}"), Some(min), max),
        None => (pattern.to_string(), None, None),
    };
    if let Err(err) = ParserBuilder::new().build().parse(&rest) {
        let hint = if rest.contains("(?=") || rest.contains("(?!") || rest.contains("(?<") {
            "; look-around is supported only as a leading `^(?=.{min,max}$)` length check"
        } else {
            ""
        };
        return Err(format!("{}{hint}", first_line(&err.to_string())));
    }
    Ok(Lowered {
        pattern: rest,
        min_length,
        max_length,
    })
}

/// Matches `^(?=.{a,b}$)`, `^(?=.{a}$)` and `^(?=.{a,}$)` at the start of a pattern.
fn split_length_lookahead(pattern: &str) -> Option<(u64, Option<u64>, &str)> {
    let body = pattern.strip_prefix("^(?=.{")?;
    let close = body.find("}$)")?;
    let bounds = &body[..close];
    let rest = &body[close + 3..];
    let (min, max) = match bounds.split_once(',') {
        Some((min, "")) => (min.parse().ok()?, None),
        Some((min, max)) => (min.parse().ok()?, Some(max.parse().ok()?)),
        None => {
            let exact = bounds.parse().ok()?;
            (exact, Some(exact))
        }
    };
    Some((min, max, rest))
}

fn first_line(text: &str) -> String {
    // regex-syntax errors draw the pattern with a caret over several lines; keep the reason.
    text.lines().last().unwrap_or(text).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowers_the_azure_length_lookahead() {
        let lowered = lower("^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$").unwrap();
        assert_eq!(lowered.pattern, "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$");
        assert_eq!(
            (lowered.min_length, lowered.max_length),
            (Some(1), Some(60))
        );
    }

    #[test]
    fn keeps_plain_patterns() {
        let lowered = lower(r"^[-\w\._\(\)]+$").unwrap();
        assert_eq!(lowered.pattern, r"^[-\w\._\(\)]+$");
        assert_eq!(lowered.min_length, None);
    }

    #[test]
    fn refuses_other_lookaround() {
        let err = lower("^(?!foo).*$").unwrap_err();
        assert!(err.contains("look-around"), "{err}");
        assert!(lower("^[a-").is_err());
    }
}
