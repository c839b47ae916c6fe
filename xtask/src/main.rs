//! `cargo xtask codegen [--check]`: a thin command line over the generator library.
//!
//! Exit codes: 0 success, 1 spec errors (or drift with `--check`), 2 usage or I/O errors.
//! Diagnostics and warnings go to stderr; a successful run ends with one summary line on stdout.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask codegen [--check] [--specs DIR] [--out DIR]

Generates the Rust client crate (generated/) from the YAML specs (specs/).

Every spec is loaded and checked before anything is written: a mistake is reported with its
file, line, column and field, and then nothing is written at all. Write mode replaces only the
files whose content changed (the others keep their modification time), removes generated files
whose spec is gone, and never touches hand-written files (those without the `// @generated`
first line, such as src/support/).

Options:
  --check        Write nothing; list every stale, missing or extra generated file and exit 1
                 when the generated crate differs from what the specs produce (for CI).
  --specs DIR    Folder of specs to read (default: specs/ in the workspace).
  --out DIR      Generated crate to write or check (default: generated/ in the workspace).
  -h, --help     Show this help.

Output: diagnostics and warnings on stderr; on success, one summary line on stdout
(spec files read, files written, files unchanged, files removed).

Exit codes:
  0  success (--check: the generated crate is up to date)
  1  a spec has errors (nothing was written), or --check found differences
  2  usage error, or an I/O error (unreadable specs, a failed write, rustfmt missing)";

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

#[derive(Debug, PartialEq, Eq)]
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
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some(other) => return Err(format!("unknown task `{other}`; the task is `codegen`")),
        None => return Err("no task given; the task is `codegen`".to_string()),
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
        eprintln!(
            "error: specs folder {} does not exist or is not a folder",
            specs.display()
        );
        return ExitCode::from(2);
    }
    let mut generated = match generator::generate(specs) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("error: codegen failed; nothing was written");
            return ExitCode::from(if diagnostics.has_io_errors() { 2 } else { 1 });
        }
    };
    for warning in generated.warnings.warnings() {
        eprintln!("{warning}");
    }
    if !generated.acknowledged.is_empty() {
        eprintln!(
            "note: {} warning(s) acknowledged by the specs (their `acknowledge` lists say why)",
            generated.acknowledged.len()
        );
    }
    if let Err(message) =
        generator::manifest::add_to_plan(out, &generated.features_block, &mut generated.plan)
    {
        eprintln!("error: {message}");
        eprintln!("error: codegen failed; nothing was written");
        return ExitCode::from(2);
    }
    if check {
        return match generator::output::check(out, &generated.plan) {
            Ok(drift) if drift.is_empty() => {
                println!(
                    "codegen --check: {} spec files read, {} generated files up to date",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_the_command_line() {
        assert_eq!(parse(&args(&["--help"])), Ok(Command::Help));
        assert_eq!(parse(&args(&["codegen", "-h"])), Ok(Command::Help));
        let Ok(Command::Codegen { check, specs, out }) =
            parse(&args(&["codegen", "--check", "--specs", "a", "--out", "b"]))
        else {
            panic!("parses");
        };
        assert!(check);
        assert_eq!((specs, out), (PathBuf::from("a"), PathBuf::from("b")));
        assert!(parse(&args(&[])).is_err());
        assert!(parse(&args(&["build"])).is_err());
        assert!(parse(&args(&["codegen", "--chek"])).is_err());
        assert!(parse(&args(&["codegen", "--specs"])).is_err());
    }
}
