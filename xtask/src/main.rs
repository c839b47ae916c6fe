//! `cargo xtask codegen [--check]`: a thin command line over the generator library.
//!
//! Exit codes: 0 success, 1 spec errors (or drift with `--check`), 2 usage or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask codegen [--check] [--specs DIR] [--out DIR]

Generates the Rust client crate from the YAML specs.

Options:
  --check        Write nothing; exit 1 and list every stale, missing or extra file
                 when the generated crate differs from what the specs produce.
  --specs DIR    Folder of specs to read (default: specs/ in the workspace).
  --out DIR      Generated crate to write or check (default: generated/ in the workspace).
  -h, --help     Show this help.

Exit codes: 0 success, 1 spec errors or drift, 2 usage or I/O errors.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Codegen { check, specs, out }) => codegen(check, &specs, &out),
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

enum Command {
    Help,
    Codegen {
        check: bool,
        specs: PathBuf,
        out: PathBuf,
    },
}

fn parse(args: &[String]) -> Result<Command, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("codegen") => {}
        Some("-h" | "--help") | None => return Ok(Command::Help),
        Some(other) => return Err(format!("unknown task `{other}`; the task is `codegen`")),
    }
    let mut check = false;
    let mut specs = workspace.join("specs");
    let mut out = workspace.join("generated");
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--specs" => specs = PathBuf::from(iter.next().ok_or("`--specs` needs a folder")?),
            "--out" => out = PathBuf::from(iter.next().ok_or("`--out` needs a folder")?),
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(Command::Codegen { check, specs, out })
}

fn codegen(check: bool, specs: &Path, out: &Path) -> ExitCode {
    if !specs.is_dir() {
        eprintln!("error: specs folder {} does not exist", specs.display());
        return ExitCode::from(2);
    }
    let generated = match generator::generate(specs) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return ExitCode::from(1);
        }
    };
    for warning in generated.warnings.warnings() {
        eprintln!("{warning}");
    }
    if check {
        return match generator::output::check(out, &generated.plan) {
            Ok(drift) if drift.is_empty() => {
                println!(
                    "codegen --check: {} spec files, {} generated files up to date",
                    generated.spec_files,
                    generated.plan.len()
                );
                ExitCode::SUCCESS
            }
            Ok(drift) => {
                for d in &drift {
                    eprintln!("{d}");
                }
                eprintln!(
                    "error: {} generated file(s) differ from the specs; run `cargo xtask codegen`",
                    drift.len()
                );
                ExitCode::from(1)
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        };
    }
    match generator::output::write(out, &generated.plan) {
        Ok(report) => {
            println!(
                "codegen: {} spec files read, {} files written, {} unchanged, {} removed",
                generated.spec_files,
                report.written.len(),
                report.unchanged.len(),
                report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
