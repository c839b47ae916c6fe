//! The valid edge cases compile and work: a crate generated from `tests/valid/` (wire names that
//! are Rust keywords, or not identifiers at all; every kind of caller-set parameter) is built by
//! cargo with no warning in it, and its generated example tests run against their local servers
//! (see `scratch/` for how the crate is put together).

mod common;
mod scratch;

use std::path::Path;

#[test]
fn odd_names_generate_a_crate_that_compiles_without_warnings() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid");
    let generated = generator::generate(&specs).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated.warnings.0.is_empty(),
        "the valid edge cases warn:\n{}",
        generated.warnings
    );
    let tests = scratch::build_and_test(&specs, &[], &["examples"])
        .assert_clean("the crate generated from tests/valid");
    assert!(
        tests.contains("test result: ok. 3 passed"),
        "the three example tests ran:\n{tests}"
    );
}
