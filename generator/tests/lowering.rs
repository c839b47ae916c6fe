//! Look-ahead lowering is exact: for every pattern `patterns::lower` accepts, its length check
//! plus lowered pattern (linear-time `regex`) accepts exactly the values the original pattern
//! accepts in a backtracking engine with look-around (fancy-regex, a test-only oracle). And the
//! lengths `accepted_lengths` reports bound every value the pattern accepts.

use generator::patterns::{accepted_lengths, lower};
use proptest::prelude::*;

/// Patterns that lower, among them the Azure idiom, and ones whose rest may stop early.
const LOWERED: &[&str] = &[
    "^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$",
    "^(?=.{3,8}$)[a-z]+",
    "^(?=.{2}$)(a|b)+$",
    "^(?=.{0,5}$)[a-zé]*",
    "^(?=.{1,}$)\\w+$",
    "^(?=.{2,4}$)a.*",
    "^(?=.{1,3}$)(?:a$|b)",
    "^(?=.{1,6}$)(?:ab|é-)",
    "^[-\\w\\._\\(\\)]+$",
    "^[a-zA-Z][a-zA-Z0-9-]{1,4}[a-zA-Z0-9]$",
    "[a-z]{2}",
];

/// Values drawn from an alphabet that holds what the patterns care about: letters, digits,
/// `-`, a non-ASCII letter, line breaks and a slash.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        anything(),
        // Values the patterns nearly accept, with a line break or a stray character inside.
        "[abz]{1,5}[\n/é-]?[abz0]{0,4}",
        "[a-zA-Z0-9-]{1,6}\n?",
    ]
}

fn anything() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(
            &['a', 'b', 'z', 'A', '0', '-', 'é', '\n', '\r', ' ', '/', '_'][..],
        ),
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn lowered_accepts(pattern: &str, value: &str) -> bool {
    let lowered = lower(pattern).expect("the pattern lowers");
    let len = value.chars().count() as u64;
    lowered.min_length.is_none_or(|min| len >= min)
        && lowered.max_length.is_none_or(|max| len <= max)
        && regex::Regex::new(&lowered.pattern)
            .expect("compiles")
            .is_match(value)
}

fn original_accepts(pattern: &str, value: &str) -> bool {
    fancy_regex::Regex::new(pattern)
        .expect("the oracle compiles it")
        .is_match(value)
        .expect("the oracle matches")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn lowering_accepts_exactly_what_the_pattern_accepts(
        pattern in proptest::sample::select(LOWERED),
        value in value(),
    ) {
        prop_assert_eq!(
            lowered_accepts(pattern, &value),
            original_accepts(pattern, &value),
            "pattern {:?}, value {:?}, lowered {:?}",
            pattern,
            value,
            lower(pattern)
        );
    }

    #[test]
    fn accepted_lengths_bound_every_accepted_value(
        pattern in proptest::sample::select(LOWERED),
        value in value(),
    ) {
        if original_accepts(pattern, &value) {
            let lengths = accepted_lengths(pattern).expect("lowers");
            let len = value.chars().count() as u64;
            prop_assert!(len >= lengths.min, "{pattern:?} accepts {value:?}, shorter than {lengths:?}");
            prop_assert!(lengths.max.is_none_or(|max| len <= max), "{pattern:?} accepts {value:?}, longer than {lengths:?}");
        }
    }
}

#[test]
fn the_refused_lowering_would_have_been_weaker() {
    // `[^/]` admits a line break that the look-ahead's `.` refuses: a length check plus `^[^/]+$`
    // would accept "a\nb", which the pattern refuses. So the pattern is an error.
    let pattern = "^(?=.{1,60}$)[^/]+$";
    assert!(!original_accepts(pattern, "a\nb"));
    assert!(regex::Regex::new("^[^/]+$").unwrap().is_match("a\nb"));
    assert!(lower(pattern).is_err());
    // Written without the line break, it lowers, exactly.
    let fixed = "^(?=.{1,60}$)[^/\\n]+$";
    for value in ["a\nb", "ab", "a/b", "", "é"] {
        assert_eq!(
            lowered_accepts(fixed, value),
            original_accepts(fixed, value),
            "{value:?}"
        );
    }
}

#[test]
fn event_hubs_lengths_are_attained() {
    // `{6,50}` between two single characters: 8 to 52 characters, both ends reachable.
    let pattern = "^[a-zA-Z][a-zA-Z0-9-]{6,50}[a-zA-Z0-9]$";
    let lengths = accepted_lengths(pattern).expect("lowers");
    assert_eq!((lengths.min, lengths.max), (8, Some(52)));
    assert!(original_accepts(pattern, &"a".repeat(8)));
    assert!(original_accepts(pattern, &"a".repeat(52)));
    assert!(!original_accepts(pattern, &"a".repeat(7)));
    assert!(!original_accepts(pattern, &"a".repeat(53)));
}
