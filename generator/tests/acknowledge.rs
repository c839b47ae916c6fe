//! A spec acknowledges a deliberate warning: it is left out of the warnings and counted, and an
//! acknowledgement that no longer matches is reported.

mod common;

use common::copy_dir;
use std::fs;
use std::path::Path;

fn case_with(acknowledge: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/pattern-looser-length-warning");
    copy_dir(&case, dir.path());
    let op = dir.path().join("widgets/widgets-regenerate-key.yaml");
    let mut text = fs::read_to_string(&op).expect("the case's operation");
    text.push_str(acknowledge);
    fs::write(&op, text).expect("write");
    dir
}

#[test]
fn an_acknowledged_warning_is_counted_not_shown() {
    let dir = case_with(
        "acknowledge:\n  - warning: pattern-length\n    field: parameters[2].pattern\n    reason: The page documents both.\n",
    );
    let generated = generator::generate(dir.path()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(
        generated.warnings.warnings().count(),
        0,
        "{}",
        generated.warnings
    );
    assert_eq!(generated.acknowledged.len(), 1);
    assert_eq!(generated.acknowledged[0].code, Some("pattern-length"));
    assert_eq!(generated.acknowledged[0].field, "parameters[2].pattern");
}

#[test]
fn an_acknowledgement_of_another_field_leaves_the_warning_and_is_reported() {
    let dir = case_with(
        "acknowledge:\n  - warning: pattern-length\n    field: parameters[1].pattern\n    reason: Wrong field.\n",
    );
    let generated = generator::generate(dir.path()).unwrap_or_else(|d| panic!("{d}"));
    let codes: Vec<_> = generated.warnings.warnings().map(|w| w.code).collect();
    assert_eq!(
        codes,
        [Some("pattern-length"), Some("unused-acknowledgement")]
    );
    assert!(generated.acknowledged.is_empty());
}
