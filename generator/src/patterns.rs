//! Regular-expression constraints, checked once at generation time.
//!
//! The generated crate matches with the `regex` crate: linear time, no backtracking, and no
//! look-around. Patterns use its syntax and semantics (Unicode classes, `.` refuses only `\n`,
//! `$` is the end of the text), and, as in JSON Schema, a pattern matches anywhere in the value
//! unless it is anchored with `^` and `$`.
//!
//! Azure's length idiom `^(?=.{1,60}$)R` is lowered to a length check plus a pattern, and only
//! where that is exact. The look-ahead says two things about the whole value: its length in
//! characters is within the bounds, and it holds no `\n` (`.` does not match one). The length
//! becomes the length check. The "no `\n`" part is implied by `^R` when `R` cannot match `\n` and
//! must reach the end of the value, so then the pattern is `^R`. When `R` cannot match `\n` but
//! may stop before the end (`^(?=.{1,10}$)[a-z]+`), the rest of the value is still bound to hold
//! no `\n`, so the pattern becomes `^(?:R).*$`. When `R` itself can match `\n` (`\s`, `[^/]`),
//! no `regex` pattern states "R and no newline" without rewriting `R`'s classes, so that is an
//! error that shows the fix, never a silently weaker check. Any other look-around, and anything
//! else the `regex` crate refuses (a syntax it lacks, a compiled size over its limit), is an error.
//!
//! [`accepted_lengths`] gives the lengths, in characters, of the values a pattern can accept, so
//! that the validator can compare them with `minLength`/`maxLength`.

use regex_syntax::ParserBuilder;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

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

/// The lengths, in characters, of the values a pattern can accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lengths {
    /// No shorter value matches.
    pub min: u64,
    /// No longer value matches; `None` when unbounded.
    pub max: Option<u64>,
}

/// Why a pattern cannot be checked, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// What the `regex` crate rejected, or why the pattern cannot be lowered exactly.
    pub reason: String,
    /// How to fix it.
    pub help: String,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.reason)
    }
}

const SYNTAX_HELP: &str = "patterns use the syntax of the Rust `regex` crate";

fn error(reason: impl Into<String>, help: impl Into<String>) -> PatternError {
    PatternError {
        reason: reason.into(),
        help: help.into(),
    }
}

/// Lowers and checks one pattern. The error explains what the `regex` crate rejected, or why
/// the pattern cannot be lowered exactly.
///
/// Memoised per process: the same patterns recur across operations (every ARM resource name),
/// and parsing, analysing and compiling each again was most of validate's time at scale.
pub fn lower(pattern: &str) -> Result<Lowered, PatternError> {
    static CACHE: Memo<Result<Lowered, PatternError>> = Memo::new();
    CACHE.get_or_insert(pattern, || lower_uncached(pattern))
}

/// The lowered pattern compiled by the `regex` crate, as the generated crate compiles it
/// (memoised per process); `None` when the pattern does not lower.
pub fn compiled(pattern: &str) -> Option<regex::Regex> {
    static CACHE: Memo<Option<regex::Regex>> = Memo::new();
    CACHE.get_or_insert(pattern, || {
        lower(pattern)
            .ok()
            .and_then(|l| regex::Regex::new(&l.pattern).ok())
    })
}

/// A process-wide map from pattern to a derived value; values are cloned out (a `Regex` clone
/// shares its compiled program).
struct Memo<T>(std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, T>>>);

impl<T: Clone> Memo<T> {
    const fn new() -> Self {
        Memo(std::sync::OnceLock::new())
    }

    fn get_or_insert(&self, key: &str, make: impl FnOnce() -> T) -> T {
        let map = self.0.get_or_init(Default::default);
        if let Some(value) = map.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
            return value.clone();
        }
        // Computed outside the lock: a pattern's analysis may itself call `lower`.
        let value = make();
        map.lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.to_string())
            .or_insert(value)
            .clone()
    }
}

fn lower_uncached(pattern: &str) -> Result<Lowered, PatternError> {
    let lowered = match split_length_lookahead(pattern) {
        Some((min, max, rest)) => lower_lookahead(min, max, rest)?,
        None => {
            parse(pattern)?;
            Lowered {
                pattern: pattern.to_string(),
                min_length: None,
                max_length: None,
            }
        }
    };
    if let (Some(min), Some(max)) = (lowered.min_length, lowered.max_length)
        && min > max
    {
        return Err(error(
            format!("the look-ahead `.{{{min},{max}}}` admits no length: {min} is above {max}"),
            "swap the bounds",
        ));
    }
    // The generated crate compiles the pattern with the same crate and the same limits.
    regex::Regex::new(&lowered.pattern).map_err(|e| {
        error(
            first_line(&e.to_string()),
            "simplify the pattern: the `regex` crate bounds the size of a compiled pattern",
        )
    })?;
    Ok(lowered)
}

fn lower_lookahead(min: u64, max: Option<u64>, rest: &str) -> Result<Lowered, PatternError> {
    // `^(?=...)a|b` applies the look-ahead to `a` only; lowering it as a check on the whole
    // value would be wrong.
    if let Ok(regex_syntax::ast::Ast::Alternation(_)) =
        regex_syntax::ast::parse::Parser::new().parse(rest)
    {
        return Err(error(
            format!("the look-ahead applies only to the first alternative of `{rest}`"),
            format!("wrap the alternatives in a group: `(?:{rest})`"),
        ));
    }
    let hir = parse(rest)?;
    if can_match_newline(&hir) {
        return Err(error(
            format!(
                "the look-ahead's `.` refuses a line break, but `{rest}` accepts one, so no length check plus pattern states it exactly"
            ),
            format!(
                "a length check plus `^{rest}` would accept values the pattern refuses; exclude the line break where a class admits it (`[^/\\n]` for `[^/]`, `[ \\t]` for `\\s`)"
            ),
        ));
    }
    let anchored = parse(&format!("^{rest}"))?;
    let pattern = if anchored.properties().look_set_suffix().contains(Look::End) {
        format!("^{rest}")
    } else {
        format!("^(?:{rest}).*$")
    };
    Ok(Lowered {
        pattern,
        min_length: Some(min),
        max_length: max,
    })
}

/// The lengths of the values `pattern` accepts, after lowering; `None` when it does not lower.
pub fn accepted_lengths(pattern: &str) -> Option<Lengths> {
    static CACHE: Memo<Option<Lengths>> = Memo::new();
    CACHE.get_or_insert(pattern, || accepted_lengths_uncached(pattern))
}

fn accepted_lengths_uncached(pattern: &str) -> Option<Lengths> {
    let lowered = lower(pattern).ok()?;
    let hir = parse(&lowered.pattern).ok()?;
    let (mut min, mut max) = char_lengths(&hir);
    let props = hir.properties();
    if !(props.look_set_prefix().contains(Look::Start)
        && props.look_set_suffix().contains(Look::End))
    {
        // A match may sit anywhere inside a longer value.
        max = None;
    }
    if let Some(la_min) = lowered.min_length {
        min = min.max(la_min);
    }
    if let Some(la_max) = lowered.max_length {
        max = Some(max.map_or(la_max, |m| m.min(la_max)));
    }
    Some(Lengths { min, max })
}

/// The shortest and longest match of `hir` in characters (Unicode scalar values).
///
/// regex-syntax's own `minimum_len`/`maximum_len` count UTF-8 bytes, which equal characters
/// only for ASCII: `\w` matches one character of one to four bytes. So the count is made here:
/// a class matches exactly one character (a byte class only exists under `(?-u)`, where the
/// `regex` crate admits ASCII bytes only), a literal matches its characters, and look-around
/// assertions match none.
pub fn char_lengths(hir: &Hir) -> (u64, Option<u64>) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => (0, Some(0)),
        HirKind::Literal(lit) => {
            let n = match std::str::from_utf8(&lit.0) {
                Ok(text) => text.chars().count(),
                Err(_) => lit.0.len(),
            } as u64;
            (n, Some(n))
        }
        HirKind::Class(_) => (1, Some(1)),
        HirKind::Repetition(rep) => {
            let (sub_min, sub_max) = char_lengths(&rep.sub);
            let min = sub_min.saturating_mul(u64::from(rep.min));
            let max = match (rep.max, sub_max) {
                (Some(0), _) | (_, Some(0)) => Some(0),
                (Some(n), Some(m)) => Some(m.saturating_mul(u64::from(n))),
                _ => None,
            };
            (min, max)
        }
        HirKind::Capture(cap) => char_lengths(&cap.sub),
        HirKind::Concat(subs) => {
            subs.iter()
                .map(char_lengths)
                .fold((0u64, Some(0u64)), |(min, max), (m, x)| {
                    (
                        min.saturating_add(m),
                        max.zip(x).map(|(a, b)| a.saturating_add(b)),
                    )
                })
        }
        HirKind::Alternation(subs) => {
            let lengths: Vec<(u64, Option<u64>)> = subs.iter().map(char_lengths).collect();
            let min = lengths.iter().map(|l| l.0).min().unwrap_or(0);
            let max = lengths
                .iter()
                .try_fold(0u64, |acc, l| l.1.map(|m| acc.max(m)));
            (min, max)
        }
    }
}

/// Whether some match of `hir` can hold a `\n`. Conservative: a class or literal that holds one
/// counts, unless it sits under a repetition of at most zero.
fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => lit.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(rep) => rep.max != Some(0) && can_match_newline(&rep.sub),
        HirKind::Capture(cap) => can_match_newline(&cap.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
    }
}

fn parse(pattern: &str) -> Result<Hir, PatternError> {
    ParserBuilder::new().build().parse(pattern).map_err(|err| {
        let reason = first_line(&err.to_string());
        let help = if reason.contains("look-around") {
            "the only look-around supported is a leading `^(?=.{min,max}$)` length check; state the rule without it".to_string()
        } else if reason.contains("backreference") {
            format!("{SYNTAX_HELP}, which has no backreferences")
        } else {
            SYNTAX_HELP.to_string()
        };
        error(reason, help)
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
    let reason = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .or_else(|| text.lines().last())
        .unwrap_or(text)
        .trim();
    reason.strip_prefix("error: ").unwrap_or(reason).to_string()
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
        let exact = lower("^(?=.{3}$)[a-z]+$").unwrap();
        assert_eq!((exact.min_length, exact.max_length), (Some(3), Some(3)));
        let open = lower("^(?=.{3,}$)[a-z]+$").unwrap();
        assert_eq!((open.min_length, open.max_length), (Some(3), None));
    }

    #[test]
    fn binds_the_rest_of_the_value_when_the_pattern_stops_early() {
        let lowered = lower("^(?=.{1,10}$)[a-z]+").unwrap();
        assert_eq!(lowered.pattern, "^(?:[a-z]+).*$");
        let re = regex::Regex::new(&lowered.pattern).unwrap();
        assert!(re.is_match("abc123"));
        assert!(
            !re.is_match("abc\n12"),
            "the look-ahead refuses a line break"
        );
    }

    #[test]
    fn refuses_a_lowering_that_would_be_weaker() {
        let err = lower("^(?=.{1,60}$)[^/]+$").unwrap_err();
        assert!(err.reason.contains("refuses a line break"), "{err}");
        assert!(lower("^(?=.{1,60}$)a\\s+b$").is_err());
        let err = lower("^(?=.{1,5}$)a|b").unwrap_err();
        assert!(err.reason.contains("first alternative"), "{err}");
        assert!(lower("^(?=.{5,1}$)a$").is_err());
    }

    #[test]
    fn keeps_plain_patterns() {
        let lowered = lower(r"^[-\w\._\(\)]+$").unwrap();
        assert_eq!(lowered.pattern, r"^[-\w\._\(\)]+$");
        assert_eq!(lowered.min_length, None);
    }

    #[test]
    fn refuses_other_lookaround_and_bad_syntax() {
        let err = lower("^(?!foo).*$").unwrap_err();
        assert!(err.reason.contains("look-around"), "{err}");
        assert!(err.help.contains("length check"), "{err:?}");
        assert!(lower("^[a-").is_err());
        assert!(lower("^(?=.{1,5}$)(?=x).*$").is_err());
    }

    #[test]
    fn refuses_patterns_over_the_size_limit() {
        let err = lower(r"^\w{1000}\w{1000}\w{1000}$").unwrap_err();
        assert!(err.reason.contains("size limit"), "{err}");
    }

    #[test]
    fn counts_accepted_lengths_in_characters() {
        let event_hubs = accepted_lengths("^[a-zA-Z][a-zA-Z0-9-]{6,50}[a-zA-Z0-9]$").unwrap();
        assert_eq!(
            event_hubs,
            Lengths {
                min: 8,
                max: Some(52)
            }
        );
        let redis = accepted_lengths("^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$").unwrap();
        assert_eq!(
            redis,
            Lengths {
                min: 1,
                max: Some(60)
            }
        );
        let unicode = accepted_lengths(r"^\w{2}é$").unwrap();
        assert_eq!(
            unicode,
            Lengths {
                min: 3,
                max: Some(3)
            }
        );
        let unanchored = accepted_lengths("[a-z]{2,4}").unwrap();
        assert_eq!(unanchored, Lengths { min: 2, max: None });
        let alternatives = accepted_lengths("^(ab|c{3,5})$").unwrap();
        assert_eq!(
            alternatives,
            Lengths {
                min: 2,
                max: Some(5)
            }
        );
        let zero = accepted_lengths("^a(b){0}$").unwrap();
        assert_eq!(
            zero,
            Lengths {
                min: 1,
                max: Some(1)
            }
        );
    }
}
