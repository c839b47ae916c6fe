//! `cargo xtask codegen [--check]`: a thin command line over the generator library.
//!
//! Exit codes: 0 success, 1 spec errors (or drift with `--check`), 2 usage or I/O errors.
//! Diagnostics and warnings go to stderr; a successful run ends with one summary line on stdout.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Rendering allocates and frees millions of small token and AST nodes, most of them on worker
// threads: mimalloc takes 40% off the generator's CPU time against the system allocator
// (BENCHMARKS.md, codegen).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
Usage: cargo xtask codegen [--check] [--specs DIR] [--out DIR] [--cli-out DIR]

Generates the Rust client crate (generated/) and the command-line tool's per-operation
commands (cli/src/generated/) from the YAML specs (specs/).

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
  --cli-out DIR  Command-line tool crate whose src/generated/ to write or check (default: cli/
                 in the workspace).
  -h, --help     Show this help.

Output: diagnostics and warnings on stderr; on success, one summary line on stdout
(spec files read, files written, files unchanged, files removed, both crates together).
Nothing is written to either crate unless both pass the checks that come before writing, and
a failure while staging the new files (a full disk) leaves both crates as they were.

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
        Ok(Command::Codegen {
            check,
            specs,
            out,
            cli_out,
        }) => codegen(check, &specs, &[&out, &cli_out]),
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
        cli_out: PathBuf,
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
    let mut cli_out = workspace.join("cli");
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--specs" => specs = PathBuf::from(iter.next().ok_or("`--specs` needs a folder")?),
            "--out" => out = PathBuf::from(iter.next().ok_or("`--out` needs a folder")?),
            "--cli-out" => {
                cli_out = PathBuf::from(iter.next().ok_or("`--cli-out` needs a folder")?)
            }
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(Command::Codegen {
        check,
        specs,
        out,
        cli_out,
    })
}

/// Generates into `roots`: the client crate, then the command-line tool.
fn codegen(check: bool, specs: &Path, roots: &[&Path; 2]) -> ExitCode {
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
        generator::manifest::add_to_plan(roots[0], &generated.features_block, &mut generated.plan)
    {
        eprintln!("error: {message}");
        eprintln!("error: codegen failed; nothing was written");
        return ExitCode::from(2);
    }
    let plans = [(roots[0], &generated.plan), (roots[1], &generated.cli_plan)];
    let files: usize = plans.iter().map(|(_, plan)| plan.len()).sum();
    if check {
        let mut drift = Vec::new();
        for (root, plan) in plans {
            match generator::output::check(root, plan) {
                Ok(found) => drift.extend(found.into_iter().map(|d| (root, d))),
                Err(message) => {
                    eprintln!("error: {message}");
                    return ExitCode::from(2);
                }
            }
        }
        if drift.is_empty() {
            println!(
                "codegen --check: {} spec files read, {files} generated files up to date",
                generated.spec_files,
            );
            return ExitCode::SUCCESS;
        }
        for (root, d) in &drift {
            eprintln!("{d} (in {})", root.display());
        }
        eprintln!(
            "error: {} generated file(s) differ from the specs; run `cargo xtask codegen`",
            drift.len()
        );
        return ExitCode::from(1);
    }
    // Every refusal (a hand-written file in the way) before anything is written anywhere.
    for (root, plan) in plans {
        if let Err(message) = generator::output::preflight(root, plan) {
            eprintln!("error: {message}");
            eprintln!("error: codegen failed; nothing was written");
            return ExitCode::from(2);
        }
    }
    // Both crates in one two-phase write: a full disk while staging the second leaves the
    // first unchanged too.
    let mut total = generator::output::WriteReport::default();
    match generator::output::write_all(&plans) {
        Ok(reports) => {
            for report in reports {
                total.written.extend(report.written);
                total.unchanged.extend(report.unchanged);
                total.removed.extend(report.removed);
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    }
    println!(
        "codegen: {} spec files read, {} files written, {} unchanged, {} removed",
        generated.spec_files,
        total.written.len(),
        total.unchanged.len(),
        total.removed.len()
    );
    ExitCode::SUCCESS
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
        let Ok(Command::Codegen {
            check,
            specs,
            out,
            cli_out,
        }) = parse(&args(&[
            "codegen",
            "--check",
            "--specs",
            "a",
            "--out",
            "b",
            "--cli-out",
            "c",
        ]))
        else {
            panic!("parses");
        };
        assert!(check);
        assert_eq!(
            (specs, out, cli_out),
            (PathBuf::from("a"), PathBuf::from("b"), PathBuf::from("c"))
        );
        assert!(parse(&args(&[])).is_err());
        assert!(parse(&args(&["build"])).is_err());
        assert!(parse(&args(&["codegen", "--chek"])).is_err());
        assert!(parse(&args(&["codegen", "--specs"])).is_err());
    }
}
