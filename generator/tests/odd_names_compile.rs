//! The valid edge cases compile and work: a crate generated from `tests/valid/` (wire names that
//! are Rust keywords, or not identifiers at all; every kind of caller-set parameter; every shape
//! of response: paged lists, several success statuses with and without bodies, long-running PUT,
//! PATCH and DELETE) is put together with the hand-written parts of the real generated crate,
//! built by cargo with no warning in it, and its generated example tests run against their local
//! servers.
//!
//! The scratch crate is a workspace of its own (the generated crate and the test kit) with the
//! real workspace's root manifest and Cargo.lock, so dependency versions and features match and
//! cargo reuses what it has built before. It builds in `target/odd-names/` (not the workspace's
//! own target folder, whose lock the running `cargo test` may hold), so the first run checks the
//! dependencies once (about a minute on two cores) and later runs only the scratch crate (seconds).
//!
//! Next to the generated example tests, the hand-written tests in `tests/valid_crate/` run in the
//! scratch crate: behaviour of the generated code that no real spec exercises.

mod common;

use common::copy_dir;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root")
}

/// The workspace manifest with only the scratch members.
fn root_manifest(real: &str) -> String {
    let mut out = String::new();
    let mut replaced = false;
    for line in real.lines() {
        if line.trim_start().starts_with("members") && !replaced {
            out.push_str("members = [\"generated\", \"testkit\"]\n");
            replaced = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(replaced, "the workspace manifest has a `members` line");
    out
}

/// The generated crate's hand-written manifest without its `[[example]]` targets, whose
/// sources use the real services.
fn crate_manifest(real: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in real.lines() {
        if line.starts_with('[') {
            skipping = line.trim() == "[[example]]";
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The test targets in `tests/valid_crate/`, run against the crate generated from `tests/valid`.
const HAND_WRITTEN_TESTS: &[&str] = &["body_rules"];

#[test]
fn odd_names_generate_a_crate_that_compiles_without_warnings() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid");
    let mut generated = generator::generate(&specs).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        generated.warnings.0.is_empty(),
        "the valid edge cases warn:\n{}",
        generated.warnings
    );

    let real = workspace();
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path();
    fs::write(
        root.join("Cargo.toml"),
        root_manifest(&fs::read_to_string(real.join("Cargo.toml")).expect("root manifest")),
    )
    .expect("write");
    fs::copy(real.join("Cargo.lock"), root.join("Cargo.lock")).expect("copy lock");
    copy_dir(&real.join("testkit"), &root.join("testkit"));
    let crate_dir = root.join("generated");
    fs::create_dir_all(&crate_dir).expect("mkdir");
    fs::write(
        crate_dir.join("Cargo.toml"),
        crate_manifest(
            &fs::read_to_string(real.join("generated/Cargo.toml")).expect("crate manifest"),
        ),
    )
    .expect("write");
    copy_dir(
        &real.join("generated/src/support"),
        &crate_dir.join("src/support"),
    );
    generator::manifest::add_to_plan(&crate_dir, &generated.features_block, &mut generated.plan)
        .expect("the manifest has its generated block");
    generator::output::write(&crate_dir, &generated.plan).expect("write the generated files");
    // Hand-written end-to-end tests of the generated crate, which need its types.
    let hand_written = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid_crate");
    fs::create_dir_all(crate_dir.join("tests")).expect("mkdir");
    for test in HAND_WRITTEN_TESTS {
        fs::copy(
            hand_written.join(format!("{test}.rs")),
            crate_dir.join(format!("tests/{test}.rs")),
        )
        .expect("copy a hand-written test");
    }

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| real.join("target"))
        .join("odd-names");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "test",
            "--offline",
            "-p",
            "azure-mgmt",
            "--test",
            "examples",
            "--test",
            "body_rules",
            "--message-format",
            "json",
        ])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut problems = Vec::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let from_scratch = message["package_id"]
            .as_str()
            .is_some_and(|id| id.contains("azure-mgmt") || id.contains("generated"));
        let level = message["message"]["level"].as_str().unwrap_or_default();
        if from_scratch && (level == "warning" || level == "error") {
            problems.push(
                message["message"]["rendered"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    assert!(
        output.status.success() && problems.is_empty(),
        "the crate generated from tests/valid does not build cleanly or its example tests fail (kept in {}):\n{}\n{}\n{}",
        scratch.keep().display(),
        problems.join("\n"),
        stdout
            .lines()
            .filter(|l| !l.starts_with('{'))
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    // One test per example: every one of them ran, and passed.
    let examples: usize = generator::load::load(&specs)
        .expect("the valid specs load")
        .services
        .iter()
        .flat_map(|service| &service.operations)
        .map(|op| op.spec.examples.len())
        .sum();
    assert!(
        stdout
            .contains("test an_int32_outside_its_bounds_is_refused_before_anything_is_sent ... ok"),
        "the hand-written tests ran:\n{stdout}"
    );
    assert!(
        stdout.contains(&format!("test result: ok. {examples} passed")),
        "the {examples} example tests ran:\n{stdout}"
    );
}
