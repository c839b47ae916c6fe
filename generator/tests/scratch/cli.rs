//! The command-line tool in a scratch workspace: only for the tests that use it (a module of
//! its own, so the others do not see it as dead code).

use super::common::copy_dir;
use super::scratch::{Built, workspace};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Adds the command-line tool to a scratch workspace that [`build_and_test`] built: its
/// hand-written sources from `cli/`, and the commands generated from `specs` in
/// `src/generated/`. Then builds it (the binary and its unit tests): proof that the generated
/// commands compile without a warning for shapes no real spec has.
pub fn build_cli(built: &Built, specs: &Path) -> Built {
    let generated = generator::generate(specs).unwrap_or_else(|d| panic!("{d}"));
    let real = workspace();
    let root = built.dir.path();
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("root manifest");
    let manifest = manifest.replace(
        "members = [\"generated\", \"testkit\"]",
        "members = [\"generated\", \"testkit\", \"cli\"]",
    );
    fs::write(root.join("Cargo.toml"), manifest).expect("write");
    let cli = root.join("cli");
    fs::create_dir_all(&cli).expect("mkdir");
    fs::copy(real.join("cli/Cargo.toml"), cli.join("Cargo.toml")).expect("copy manifest");
    copy_dir(&real.join("cli/src"), &cli.join("src"));
    // Only the hand-written sources: the generated part comes from `specs`.
    fs::remove_dir_all(cli.join("src/generated")).expect("remove the real commands");
    generator::output::write(&cli, &generated.cli_plan).expect("write the generated commands");

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
            "cli",
            "--lib",
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
        let from_cli = message["package_id"]
            .as_str()
            .is_some_and(|id| id.contains("/cli#"));
        let level = message["message"]["level"].as_str().unwrap_or_default();
        if message["reason"] == "compiler-message"
            && from_cli
            && (level == "warning" || level == "error")
        {
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
        dir: tempfile::tempdir().expect("an empty stand-in: the caller keeps the real folder"),
    }
}
