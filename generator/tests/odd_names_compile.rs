//! The valid edge cases compile and work: a crate generated from `tests/valid/` (wire names that
//! are Rust keywords, or not identifiers at all; every kind of caller-set parameter; every shape
//! of response: paged lists, several success statuses with and without bodies, long-running PUT,
//! PATCH and DELETE) is built by cargo with no warning in it, and its generated example tests run
//! against their local servers (see `scratch/` for how the crate is put together).
//!
//! Next to the generated example tests, the hand-written tests in `tests/valid_crate/` run in the
//! scratch crate: behaviour of the generated code that no real spec exercises.

mod common;
mod scratch;

use std::fs;
use std::path::Path;

/// The test targets in `tests/valid_crate/`, run against the crate generated from `tests/valid`.
const HAND_WRITTEN_TESTS: &[&str] = &["body_rules"];

#[test]
fn odd_names_generate_a_crate_that_compiles_without_warnings() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid");
    let generated = generator::generate(&specs).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated.warnings.0.is_empty(),
        "the valid edge cases warn:\n{}",
        generated.warnings
    );
    let hand_written_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid_crate");
    let hand_written: Vec<(String, String)> = HAND_WRITTEN_TESTS
        .iter()
        .map(|test| {
            let file = format!("{test}.rs");
            let text =
                fs::read_to_string(hand_written_dir.join(&file)).expect("a hand-written test");
            (file, text)
        })
        .collect();
    let tests: Vec<(&str, &str)> = hand_written
        .iter()
        .map(|(file, text)| (file.as_str(), text.as_str()))
        .collect();
    let mut targets = vec!["examples"];
    targets.extend(HAND_WRITTEN_TESTS);
    let output = scratch::build_and_test(&specs, &tests, &targets)
        .assert_clean("the crate generated from tests/valid");
    // One test per example: every one of them ran, and passed.
    let examples: usize = generator::load::load(&specs)
        .expect("the valid specs load")
        .services
        .iter()
        .flat_map(|service| &service.operations)
        .map(|op| op.spec.examples.len())
        .sum();
    assert!(
        output
            .contains("test an_int32_outside_its_bounds_is_refused_before_anything_is_sent ... ok"),
        "the hand-written tests ran:\n{output}"
    );
    assert!(
        output.contains(&format!("test result: ok. {examples} passed")),
        "the {examples} example tests ran:\n{output}"
    );
}
