//! A crate generated from test specs, put together with the hand-written parts of the real
//! generated crate (its manifest, `src/support/`, the test kit), built by cargo, and some of its
//! test targets run: proof that generated code compiles without a warning and works.
//!
//! The scratch crate is a workspace of its own (the generated crate and the test kit) with the
//! real workspace's root manifest and Cargo.lock, so dependency versions and features match and
//! cargo reuses what it has built before. It builds in `target/odd-names/` (not the workspace's
//! own target folder, whose lock the running `cargo test` may hold), so the first run checks the
//! dependencies once (about a minute on two cores) and later runs only the scratch crate (seconds).

use super::common::copy_dir;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What building and testing the scratch crate gave.
pub struct Built {
    /// cargo succeeded: it built, and every test ran and passed.
    pub success: bool,
    /// Warnings and errors rustc reported in the scratch crate itself.
    pub problems: Vec<String>,
    /// cargo's standard output without its JSON messages: the tests' own output.
    pub tests: String,
    /// cargo's standard error.
    pub stderr: String,
    /// The scratch folder; `keep()` it to look at a failure.
    pub dir: tempfile::TempDir,
}

impl Built {
    /// Panics, keeping the folder, unless the crate built without a warning and its tests
    /// passed.
    pub fn assert_clean(self, what: &str) -> String {
        if self.success && self.problems.is_empty() {
            return self.tests;
        }
        panic!(
            "{what} does not build cleanly or its tests fail (kept in {}):\n{}\n{}\n{}",
            self.dir.keep().display(),
            self.problems.join("\n"),
            self.tests,
            self.stderr
        );
    }
}

/// The real workspace's root.
pub fn workspace() -> PathBuf {
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

/// Generates a crate from `specs`, adds `tests` (file name under `tests/`, contents), builds it
/// and runs the test targets `targets`.
pub fn build_and_test(specs: &Path, tests: &[(&str, &str)], targets: &[&str]) -> Built {
    let mut generated = generator::generate(specs).unwrap_or_else(|d| panic!("{d}"));

    let real = workspace();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::write(
        root.join("Cargo.toml"),
        root_manifest(&fs::read_to_string(real.join("Cargo.toml")).expect("root manifest")),
    )
    .expect("write");
    fs::copy(real.join("Cargo.lock"), root.join("Cargo.lock")).expect("copy lock");
    copy_dir(&real.join("testkit"), &root.join("testkit"));
    let crate_dir = root.join("generated");
    fs::create_dir_all(crate_dir.join("tests")).expect("mkdir");
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
    for (name, text) in tests {
        fs::write(crate_dir.join("tests").join(name), text).expect("write a test");
    }

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| real.join("target"))
        .join("odd-names");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = vec!["test", "--offline", "-p", "azure-mgmt"];
    for target in targets {
        args.extend(["--test", target]);
    }
    args.extend(["--message-format", "json"]);
    let output = Command::new(cargo)
        .args(&args)
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
    Built {
        success: output.status.success(),
        problems,
        tests: stdout
            .lines()
            .filter(|l| !l.starts_with('{'))
            .collect::<Vec<_>>()
            .join("\n"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        dir,
    }
}
