//! The corpus of broken specs: each folder under `tests/corpus/` is a specs folder with one kind
//! of mistake (its README.md says which), and the diagnostics it must produce are pinned by an
//! insta snapshot in `tests/corpus_snapshots/<case>.snap`. Paths in the messages are relative to
//! the case's folder, so the snapshots do not depend on where the repository is checked out.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use generator::diagnostics::Severity;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(corpus())
        .expect("tests/corpus exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn name(case: &Path) -> String {
    case.file_name()
        .expect("a case folder")
        .to_string_lossy()
        .into_owned()
}

/// What one run says about a case: the rendered diagnostics (errors, or the warnings of a case
/// that generates).
fn run(case: &Path) -> String {
    match generator::generate(case) {
        Err(diagnostics) => format!("fails:\n{diagnostics}"),
        Ok(generated) => {
            assert!(
                !generated.warnings.0.is_empty(),
                "corpus case `{}` generates without a word: it is not broken",
                name(case)
            );
            format!("generates, with warnings:\n{}", generated.warnings)
        }
    }
}

#[test]
fn every_broken_spec_gets_its_diagnostics() {
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "the corpus has {} cases, fewer than 30",
        cases.len()
    );
    let mut failed = Vec::new();
    for case in &cases {
        let case_name = name(case);
        let readme = fs::read_to_string(case.join("README.md"))
            .unwrap_or_else(|_| panic!("corpus case `{case_name}` has no README.md"));
        let what = readme.lines().skip(2).collect::<Vec<_>>().join(" ");
        let rendered = run(case);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("corpus_snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(what.trim().to_string());
        settings.set_omit_expression(true);
        let result = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(case_name.as_str(), rendered));
        }));
        if result.is_err() {
            failed.push(case_name);
        }
    }
    assert!(
        failed.is_empty(),
        "diagnostics changed for {} corpus case(s): {}; review with `cargo insta review`",
        failed.len(),
        failed.join(", ")
    );
}

#[test]
fn every_snapshot_belongs_to_a_case() {
    let names: Vec<String> = cases().iter().map(|c| name(c)).collect();
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus_snapshots");
    for entry in fs::read_dir(snapshots).expect("tests/corpus_snapshots exists") {
        let file = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(case) = file.strip_suffix(".snap") {
            assert!(
                names.iter().any(|n| n == case),
                "snapshot `{file}` has no corpus case; delete it"
            );
        }
    }
}

#[test]
fn three_unrelated_mistakes_give_three_diagnostics_in_one_run() {
    let diagnostics = generator::generate(&corpus().join("three-unrelated-mistakes"))
        .expect_err("the case is broken");
    let errors: Vec<&str> = diagnostics.errors().map(|d| d.field.as_str()).collect();
    assert_eq!(
        errors,
        [
            "parameters[2].pattern",
            "responses.200.schema",
            "responses.2xx"
        ],
        "{diagnostics}"
    );
    assert!(diagnostics.warnings().next().is_none(), "{diagnostics}");
}

#[test]
fn errors_in_every_file_are_reported_together() {
    let diagnostics = generator::generate(&corpus().join("errors-in-several-files"))
        .expect_err("the case is broken");
    let files: Vec<&str> = diagnostics.errors().map(|d| d.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "widgets/widgets-regenerate-key.yaml",
            "gadgets/gadgets-regenerate-key.yaml"
        ],
        "{diagnostics}"
    );
}

#[test]
fn every_semantic_diagnostic_is_located() {
    // A diagnostic about a field has a line and column, except the few about a whole folder.
    for case in cases() {
        let Err(diagnostics) = generator::generate(&case) else {
            continue;
        };
        for d in &diagnostics.0 {
            if !d.field.is_empty() {
                assert!(
                    d.position.is_some() && d.source_line.is_some(),
                    "{}: unlocated diagnostic\n{d}",
                    name(&case)
                );
            }
            assert!(d.severity == Severity::Error || d.severity == Severity::Warning);
        }
    }
}
