//! The command line, run as a user runs it: exit codes (0 success, 1 spec errors or drift, 2 usage
//! or I/O errors), diagnostics on stderr, one summary line on success, `--help`, and a failed run
//! that leaves the generated crate byte-identical.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

/// Runs xtask. A run given `--out DIR` but no `--cli-out` writes the command-line tool's files
/// to `DIR-cli` ([`cli_dir`]), never to the workspace's `cli/`.
fn xtask(args: &[&str]) -> Output {
    let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    if let Some(i) = args.iter().position(|a| a == "--out")
        && !args.iter().any(|a| a == "--cli-out")
        && let Some(out) = args.get(i + 1)
    {
        let cli = cli_dir(Path::new(out));
        args.extend(["--cli-out".to_owned(), path(&cli).to_owned()]);
    }
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

/// Where [`xtask`] sends the command-line tool's files for a run that writes to `out`.
fn cli_dir(out: &Path) -> PathBuf {
    let mut name = out.file_name().expect("named").to_os_string();
    name.push("-cli");
    out.with_file_name(name)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("readable") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

/// Every file below `root` with its bytes and modification time.
fn tree(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, SystemTime)>) {
        for entry in fs::read_dir(dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root).expect("below").to_path_buf(),
                    (
                        fs::read(&path).expect("read"),
                        fs::metadata(&path)
                            .and_then(|m| m.modified())
                            .expect("mtime"),
                    ),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn help_explains_every_flag() {
    for args in [&["--help"][..], &["-h"], &["codegen", "--help"]] {
        let out = xtask(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let help = text(&out.stdout);
        for flag in [
            "--check",
            "--specs DIR",
            "--out DIR",
            "--cli-out DIR",
            "-h, --help",
        ] {
            assert!(
                help.contains(flag),
                "--help does not explain `{flag}`:\n{help}"
            );
        }
        for code in ["0  success", "1  a spec has errors", "2  usage error"] {
            assert!(
                help.contains(code),
                "--help does not explain `{code}`:\n{help}"
            );
        }
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["build"],
        &["codegen", "--chek"],
        &["codegen", "--specs"],
    ] {
        let out = xtask(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains("Usage: cargo xtask codegen"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn io_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-specs");
    let out = xtask(&["codegen", "--specs", path(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("does not exist"));

    // A specs folder with no specs: generating would remove every generated file.
    let empty = dir.path().join("empty-specs");
    fs::create_dir_all(&empty).expect("mkdir");
    fs::write(empty.join("README.md"), "# nothing yet\n").expect("write");
    let out_dir = dir.path().join("kept");
    copy_dir(&workspace().join("generated"), &out_dir);
    let before = tree(&out_dir);
    let out = xtask(&["codegen", "--specs", path(&empty), "--out", path(&out_dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no specs found"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(tree(&out_dir), before);

    // The output folder is a file: nothing can be written there.
    let blocker = dir.path().join("generated");
    fs::write(&blocker, "not a folder").expect("write");
    let specs = workspace().join("specs");
    let out = xtask(&["codegen", "--specs", path(&specs), "--out", path(&blocker)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("error: cannot "),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read_to_string(&blocker).expect("read"), "not a folder");
}

/// A new generated crate: only its hand-written manifest, with an empty generated block.
fn new_crate(out_dir: &Path) {
    let real = fs::read_to_string(workspace().join("generated/Cargo.toml")).expect("manifest");
    let block = generator::manifest::features_block(&[]);
    let manifest =
        generator::manifest::splice(&real, &block).expect("the real manifest has its block");
    fs::create_dir_all(out_dir).expect("mkdir");
    fs::write(out_dir.join("Cargo.toml"), manifest).expect("write");
}

#[test]
fn a_crate_without_its_manifest_is_an_io_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("generated");
    let specs = workspace().join("specs");
    let run = xtask(&["codegen", "--specs", path(&specs), "--out", path(&out_dir)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = text(&run.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("Cargo.toml"),
        "{stderr}"
    );
    assert!(!out_dir.exists(), "nothing was written");
}

/// How many spec files a specs folder holds: every `.yaml` file below it, hidden ones aside.
fn spec_files(dir: &Path) -> usize {
    fs::read_dir(dir)
        .expect("readable")
        .map(|entry| entry.expect("entry").path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .map(|p| {
            if p.is_dir() {
                spec_files(&p)
            } else {
                usize::from(p.extension().is_some_and(|e| e == "yaml"))
            }
        })
        .sum()
}

#[test]
fn success_ends_with_one_summary_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("generated");
    new_crate(&out_dir);
    let specs = workspace().join("specs");
    let read = spec_files(&specs);

    let first = xtask(&["codegen", "--specs", path(&specs), "--out", path(&out_dir)]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let stdout = text(&first.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    // The crate's Cargo.toml is hand-written around its generated block, and counts as written.
    let files = tree(&out_dir).len() + tree(&cli_dir(&out_dir)).len();
    assert!(
        tree(&cli_dir(&out_dir)).contains_key(Path::new("src/generated/mod.rs")),
        "the command-line tool's commands are generated beside the crate"
    );
    assert_eq!(
        lines[0],
        format!("codegen: {read} spec files read, {files} files written, 0 unchanged, 0 removed")
    );
    // The specs' warnings, and nothing else, go to stderr, each rendered like a compiler's,
    // then how many the specs acknowledge.
    let generated = generator::generate(&specs).expect("the real specs generate");
    let mut expected = String::new();
    for warning in generated.warnings.warnings() {
        let rendered = warning.to_string();
        assert!(rendered.starts_with("warning["), "{rendered}");
        assert!(
            rendered.contains(&format!("--> {}:", warning.file)),
            "{rendered}"
        );
        expected.push_str(&rendered);
        expected.push('\n');
    }
    if !generated.acknowledged.is_empty() {
        expected.push_str(&format!(
            "note: {} warning(s) acknowledged by the specs (their `acknowledge` lists say why)\n",
            generated.acknowledged.len()
        ));
    }
    assert_eq!(text(&first.stderr), expected);

    let again = xtask(&["codegen", "--specs", path(&specs), "--out", path(&out_dir)]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        text(&again.stdout),
        format!("codegen: {read} spec files read, 0 files written, {files} unchanged, 0 removed\n")
    );

    let check = xtask(&[
        "codegen",
        "--check",
        "--specs",
        path(&specs),
        "--out",
        path(&out_dir),
    ]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert_eq!(
        text(&check.stdout),
        format!("codegen --check: {read} spec files read, {files} generated files up to date\n")
    );
}

#[test]
fn check_mode_lists_drift_and_exits_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("generated");
    new_crate(&out_dir);
    let specs = workspace().join("specs");
    let write = xtask(&["codegen", "--specs", path(&specs), "--out", path(&out_dir)]);
    assert_eq!(write.status.code(), Some(0));
    let lib = out_dir.join("src/lib.rs");
    let mut content = fs::read_to_string(&lib).expect("read");
    content.push_str("// edited by hand\n");
    fs::write(&lib, content).expect("write");
    fs::remove_file(out_dir.join("src/common.rs")).expect("remove");
    let before = tree(&out_dir);

    let check = xtask(&[
        "codegen",
        "--check",
        "--specs",
        path(&specs),
        "--out",
        path(&out_dir),
    ]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(stderr.contains("missing: src/common.rs"), "{stderr}");
    assert!(stderr.contains("stale:   src/lib.rs"), "{stderr}");
    assert!(stderr.contains("2 generated file(s) differ"), "{stderr}");
    assert!(check.stdout.is_empty());
    assert_eq!(tree(&out_dir), before, "--check writes nothing");

    // Drift in the command-line tool's generated files is drift too, named with its folder.
    let cli = cli_dir(&out_dir);
    fs::remove_file(cli.join("src/generated/mod.rs")).expect("remove");
    let check = xtask(&[
        "codegen",
        "--check",
        "--specs",
        path(&specs),
        "--out",
        path(&out_dir),
    ]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains(&format!(
            "missing: src/generated/mod.rs (in {})",
            cli.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("3 generated file(s) differ"), "{stderr}");
}

#[test]
fn a_hand_written_file_in_either_crate_stops_the_whole_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("generated");
    new_crate(&out_dir);
    let cli = cli_dir(&out_dir);
    fs::create_dir_all(cli.join("src/generated")).expect("mkdir");
    fs::write(cli.join("src/generated/mod.rs"), "// mine\n").expect("write");
    let before = tree(&out_dir);
    let cli_before = tree(&cli);
    let specs = workspace().join("specs");
    let out = xtask(&["codegen", "--specs", path(&specs), "--out", path(&out_dir)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("is hand-written"), "{stderr}");
    assert!(
        stderr.ends_with("error: codegen failed; nothing was written\n"),
        "{stderr}"
    );
    assert_eq!(tree(&out_dir), before, "the client crate is untouched");
    assert_eq!(tree(&cli), cli_before, "and the command-line tool");
}

#[test]
fn spec_errors_exit_1_and_leave_the_crate_byte_identical() {
    // A copy of the real generated crate, hand-written parts included.
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("generated");
    copy_dir(&workspace().join("generated"), &out_dir);
    copy_dir(&workspace().join("cli/src"), &cli_dir(&out_dir).join("src"));
    let before = tree(&out_dir);
    let cli_before = tree(&cli_dir(&out_dir));

    let broken = workspace().join("generator/tests/corpus/three-unrelated-mistakes");
    let out = xtask(&["codegen", "--specs", path(&broken), "--out", path(&out_dir)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no summary line on failure");
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error: ")).count(),
        4,
        "three diagnostics and the closing line:\n{stderr}"
    );
    assert!(stderr.contains("unknown schema `AcessKeys`"), "{stderr}");
    assert!(
        stderr.contains("--> widgets/widgets-regenerate-key.yaml:30:13"),
        "{stderr}"
    );
    assert!(
        stderr.contains("3 errors in 1 file, 0 warnings"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("error: codegen failed; nothing was written\n"),
        "{stderr}"
    );
    assert_eq!(
        tree(&out_dir),
        before,
        "a failed run leaves the generated crate byte-identical, modification times included"
    );
    assert_eq!(
        tree(&cli_dir(&out_dir)),
        cli_before,
        "and the command-line tool"
    );

    // The same for a spec set whose problem is a YAML syntax error, with --check too.
    let syntax = workspace().join("generator/tests/corpus/yaml-tab-indentation");
    for extra in [&[][..], &["--check"]] {
        let mut args = vec!["codegen", "--specs", path(&syntax), "--out", path(&out_dir)];
        args.extend(extra);
        let out = xtask(&args);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr).contains("invalid YAML"));
        assert_eq!(tree(&out_dir), before);
    }
}
