//! Safe output: write mode rewrites only what changed (the rest keeps its modification time),
//! removes generated files whose spec is gone, never touches hand-written files, and a write that
//! fails midway (a full disk, simulated through the injectable file system) leaves every file
//! whole.

mod common;

use common::copy_dir;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use generator::output::{self, Drift, FileSystem, Plan, RealFs};
use generator::render::MARKER;

/// Every file below `root`: content and modification time, by relative path.
fn tree(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, SystemTime)>) {
        for entry in fs::read_dir(dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let meta = fs::metadata(&path).expect("metadata");
                out.insert(
                    path.strip_prefix(root).expect("below root").to_path_buf(),
                    (
                        fs::read(&path).expect("readable file"),
                        meta.modified().expect("mtime"),
                    ),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Folders below `root`, by relative path.
fn folders(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.push(path.strip_prefix(root).expect("below root").to_path_buf());
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Sets every file's modification time to a fixed moment in the past, so that any rewrite shows.
fn age(root: &Path) {
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for path in tree(root).keys() {
        fs::File::options()
            .write(true)
            .open(root.join(path))
            .and_then(|f| f.set_modified(past))
            .expect("set mtime");
    }
}

fn generated(body: &str) -> String {
    format!("{MARKER} from specs/test.yaml.\n// Do not edit.\n\n{body}\n")
}

fn plan(files: &[(&str, &str)]) -> Plan {
    files
        .iter()
        .map(|(path, body)| (path.to_string(), generated(body)))
        .collect()
}

/// A crate folder with hand-written files beside the generated ones.
fn crate_with_hand_written_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join("src/support")).expect("mkdir");
    fs::write(root.join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    fs::write(
        root.join("src/support/mod.rs"),
        "//! Hand-written runtime support.\n",
    )
    .expect("write");
    fs::write(root.join("src/notes.rs"), "// hand-written notes\n").expect("write");
    dir
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let dir = crate_with_hand_written_files();
    let root = dir.path();
    let first = plan(&[
        ("src/lib.rs", "pub mod a;"),
        ("src/a/mod.rs", "pub struct A;"),
        ("tests/examples_a.rs", "#[test] fn t() {}"),
    ]);
    let report = output::write(root, &first).expect("first write");
    assert_eq!(report.written.len(), 3);
    age(root);
    let before = tree(root);

    let mut second = first.clone();
    second.insert("src/a/mod.rs".into(), generated("pub struct A(u8);"));
    let report = output::write(root, &second).expect("second write");
    assert_eq!(report.written, ["src/a/mod.rs"]);
    assert_eq!(report.unchanged, ["src/lib.rs", "tests/examples_a.rs"]);
    assert!(report.removed.is_empty());

    let after = tree(root);
    for (path, (content, mtime)) in &before {
        if path == Path::new("src/a/mod.rs") {
            assert_ne!(after[path].1, *mtime, "the changed file is rewritten");
            assert_eq!(after[path].0, second["src/a/mod.rs"].as_bytes());
        } else {
            assert_eq!(after[path], (content.clone(), *mtime), "{}", path.display());
        }
    }

    // A third run with nothing changed writes nothing.
    let report = output::write(root, &second).expect("third write");
    assert!(report.written.is_empty() && report.removed.is_empty());
    assert_eq!(output::check(root, &second), Ok(Vec::new()));
}

#[test]
fn generated_files_whose_spec_is_gone_are_removed() {
    let dir = crate_with_hand_written_files();
    let root = dir.path();
    let both = plan(&[
        ("src/lib.rs", "pub mod a; pub mod b;"),
        ("src/a/mod.rs", "pub struct A;"),
        ("src/b/mod.rs", "pub struct B;"),
        ("src/b/models.rs", "pub struct BModel;"),
        ("tests/examples_b.rs", "#[test] fn t() {}"),
    ]);
    output::write(root, &both).expect("write both");
    let only_a = plan(&[
        ("src/lib.rs", "pub mod a;"),
        ("src/a/mod.rs", "pub struct A;"),
    ]);
    assert_eq!(
        output::check(root, &only_a),
        Ok(vec![
            Drift::Extra("src/b/mod.rs".into()),
            Drift::Extra("src/b/models.rs".into()),
            Drift::Stale("src/lib.rs".into()),
            Drift::Extra("tests/examples_b.rs".into()),
        ])
    );
    let report = output::write(root, &only_a).expect("write a");
    assert_eq!(
        report.removed,
        ["src/b/mod.rs", "src/b/models.rs", "tests/examples_b.rs"]
    );
    assert!(!root.join("src/b").exists(), "the emptied folder goes too");
    assert!(root.join("tests").is_dir(), "owned top folders stay");
    assert!(root.join("src/support/mod.rs").is_file());
    assert!(root.join("src/notes.rs").is_file());
}

#[test]
fn removing_a_spec_removes_its_generated_files() {
    // End to end with the real specs: drop one service and regenerate.
    let specs = tempfile::tempdir().expect("temp dir");
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    copy_dir(&real, specs.path());
    let out = crate_with_hand_written_files();
    let first = generator::generate(specs.path()).expect("the real specs generate");
    output::write(out.path(), &first.plan).expect("write");
    assert!(out.path().join("src/service_bus/client.rs").is_file());

    fs::remove_dir_all(specs.path().join("service-bus")).expect("remove a service");
    let second = generator::generate(specs.path()).expect("the rest generate");
    let report = output::write(out.path(), &second.plan).expect("write");
    let gone: Vec<&String> = first
        .plan
        .keys()
        .filter(|p| !second.plan.contains_key(*p))
        .collect();
    assert!(gone.len() >= 3, "{gone:?}");
    assert!(gone.iter().all(|p| p.contains("service_bus")), "{gone:?}");
    assert_eq!(report.removed.iter().collect::<Vec<_>>(), gone);
    assert!(report.written.contains(&"src/lib.rs".to_string()));
    assert!(!out.path().join("src/service_bus").exists());
    assert_eq!(output::check(out.path(), &second.plan), Ok(Vec::new()));
}

#[test]
fn hand_written_files_are_never_touched() {
    let dir = crate_with_hand_written_files();
    let root = dir.path();
    age(root);
    let before = tree(root);
    output::write(root, &plan(&[("src/lib.rs", "pub mod a;")])).expect("write");
    let after = tree(root);
    for (path, state) in &before {
        assert_eq!(&after[path], state, "{} was touched", path.display());
    }

    // A plan that would overwrite a hand-written file is refused before anything is written.
    age(root);
    let before = tree(root);
    let clash = plan(&[
        ("src/a/mod.rs", "pub struct A;"),
        ("src/support/mod.rs", "pub struct Oops;"),
    ]);
    let err = output::write(root, &clash).expect_err("refused");
    assert!(err.contains("hand-written"), "{err}");
    assert_eq!(tree(root), before);
    assert!(!root.join("src/a").exists());
}

/// The real file system, except that the Nth staged write fails after writing half its bytes
/// (as a full disk would), or the Nth rename fails.
struct Failing {
    write_fails_at: Option<usize>,
    rename_fails_at: Option<usize>,
    writes: usize,
    renames: usize,
}

impl Failing {
    fn on_write(n: usize) -> Self {
        Failing {
            write_fails_at: Some(n),
            rename_fails_at: None,
            writes: 0,
            renames: 0,
        }
    }

    fn on_rename(n: usize) -> Self {
        Failing {
            write_fails_at: None,
            rename_fails_at: Some(n),
            writes: 0,
            renames: 0,
        }
    }
}

impl FileSystem for Failing {
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()> {
        RealFs.create_dir_all(path)
    }

    fn write_new(&mut self, path: &Path, content: &[u8]) -> io::Result<()> {
        self.writes += 1;
        if Some(self.writes) == self.write_fails_at {
            fs::write(path, &content[..content.len() / 2])?;
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "No space left on device (simulated)",
            ));
        }
        RealFs.write_new(path, content)
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.renames += 1;
        if Some(self.renames) == self.rename_fails_at {
            return Err(io::Error::other("rename failed (simulated)"));
        }
        RealFs.rename(from, to)
    }

    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        RealFs.remove_file(path)
    }

    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        RealFs.remove_dir(path)
    }
}

fn old_and_new() -> (Plan, Plan) {
    let old = plan(&[
        ("src/lib.rs", "pub mod a; pub mod b;"),
        ("src/a/mod.rs", "pub struct A;"),
        ("src/b/mod.rs", "pub struct B;"),
        ("tests/examples_a.rs", "#[test] fn a() {}"),
    ]);
    let new = plan(&[
        ("src/lib.rs", "pub mod a; pub mod b; pub mod c;"),
        ("src/a/mod.rs", "pub struct A(u32);"),
        ("src/b/mod.rs", "pub struct B(u64);"),
        ("src/c/mod.rs", "pub struct C;"),
        ("src/c/deep/models.rs", "pub struct Deep;"),
        ("tests/examples_a.rs", "#[test] fn a2() {}"),
    ]);
    (old, new)
}

#[test]
fn a_full_disk_midway_leaves_the_crate_unchanged() {
    let (old, new) = old_and_new();
    let changed = new.len();
    for n in 1..=changed {
        let dir = crate_with_hand_written_files();
        let root = dir.path();
        output::write(root, &old).expect("first write");
        age(root);
        let before = tree(root);
        let folders_before = folders(root);

        let err = output::write_with(root, &new, &mut Failing::on_write(n))
            .expect_err("the simulated full disk fails the write");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
        assert_eq!(
            tree(root),
            before,
            "failure on file {n}: the crate is byte-identical, mtimes included, and no temporary file is left"
        );
        assert_eq!(
            folders(root),
            folders_before,
            "failure on file {n}: no new folder is left"
        );

        // The next run, with space again, completes.
        output::write(root, &new).expect("write after the failure");
        assert_eq!(output::check(root, &new), Ok(Vec::new()));
    }
}

/// A second crate written with the first, as xtask writes generated/ and cli/.
fn cli_old_and_new() -> (Plan, Plan) {
    let old = plan(&[
        ("src/generated/mod.rs", "pub mod a;"),
        ("src/generated/a.rs", "pub fn a() {}"),
    ]);
    let new = plan(&[
        ("src/generated/mod.rs", "pub mod a; pub mod b;"),
        ("src/generated/a.rs", "pub fn a2() {}"),
        ("src/generated/b/mod.rs", "pub fn b() {}"),
    ]);
    (old, new)
}

#[test]
fn a_full_disk_in_either_crate_leaves_both_unchanged() {
    let (old, new) = old_and_new();
    let (cli_old, cli_new) = cli_old_and_new();
    for n in 1..=new.len() + cli_new.len() {
        let first = crate_with_hand_written_files();
        let second = tempfile::tempdir().expect("temp dir");
        let (a, b) = (first.path(), second.path());
        output::write_all(&[(a, &old), (b, &cli_old)]).expect("first write");
        age(a);
        age(b);
        let before = (tree(a), tree(b), folders(a), folders(b));

        let err = output::write_all_with(&[(a, &new), (b, &cli_new)], &mut Failing::on_write(n))
            .expect_err("the simulated full disk fails the write");
        assert!(err.contains("nothing was changed"), "{err}");
        assert_eq!(
            (tree(a), tree(b), folders(a), folders(b)),
            before,
            "failure on file {n}: both crates are byte-identical, mtimes and folders included"
        );

        let reports = output::write_all(&[(a, &new), (b, &cli_new)]).expect("write after");
        assert_eq!(output::check(a, &new), Ok(Vec::new()));
        assert_eq!(output::check(b, &cli_new), Ok(Vec::new()));
        // One report per crate, each with its own files.
        let written: Vec<Vec<String>> = reports.into_iter().map(|r| r.written).collect();
        assert_eq!(
            written,
            vec![
                new.keys().cloned().collect::<Vec<_>>(),
                cli_new.keys().cloned().collect::<Vec<_>>()
            ]
        );
    }
}

/// The real file system renames on several threads; one rename failing (over a folder, here)
/// leaves every file whole, old or new, and no temporary file, and the error counts the files
/// replaced: those that now hold their new content.
#[test]
fn a_failed_rename_on_the_real_file_system_leaves_every_file_whole() {
    let (old, new) = old_and_new();
    let dir = crate_with_hand_written_files();
    let root = dir.path();
    output::write(root, &old).expect("first write");
    fs::remove_file(root.join("src/b/mod.rs")).expect("remove a generated file");
    fs::create_dir_all(root.join("src/b/mod.rs/inside")).expect("a folder in its place");
    let err = output::write(root, &new).expect_err("a rename over a folder fails");
    assert!(
        err.starts_with(&format!(
            "cannot replace {}",
            root.join("src/b/mod.rs").display()
        )),
        "{err}"
    );
    let mut replaced = 0;
    for (path, (content, _)) in tree(root) {
        let rel = path.to_string_lossy().replace('\\', "/");
        assert!(!rel.contains("codegen-tmp"), "temporary file left: {rel}");
        let Some(planned) = new.get(&rel) else {
            continue;
        };
        if content == planned.as_bytes() {
            replaced += 1;
        } else {
            assert_eq!(
                old.get(&rel).map(String::as_bytes),
                Some(content.as_slice()),
                "{rel} is neither the old nor the new file"
            );
        }
    }
    assert!(replaced > 0, "the other renames go on: {err}");
    assert!(
        err.contains(&format!(
            "{replaced} of {} changed files were replaced",
            new.len()
        )),
        "{err}"
    );
    fs::remove_dir_all(root.join("src/b/mod.rs")).expect("remove the folder");
    output::write(root, &new).expect("write after the failure");
    assert_eq!(output::check(root, &new), Ok(Vec::new()));
}

#[test]
fn a_failed_rename_leaves_every_file_whole() {
    let (old, new) = old_and_new();
    for n in 1..=new.len() {
        let dir = crate_with_hand_written_files();
        let root = dir.path();
        output::write(root, &old).expect("first write");
        let err = output::write_with(root, &new, &mut Failing::on_rename(n))
            .expect_err("the simulated rename failure fails the write");
        assert!(
            err.contains(&format!(
                "{} of {} changed files were replaced",
                n - 1,
                new.len()
            )),
            "{err}"
        );
        let after = tree(root);
        for (path, (content, _)) in &after {
            let rel = path.to_string_lossy().replace('\\', "/");
            if !rel.starts_with("src/") && !rel.starts_with("tests/") {
                continue;
            }
            if rel == "src/support/mod.rs" || rel == "src/notes.rs" {
                continue;
            }
            let whole = old
                .get(&rel)
                .is_some_and(|c| c.as_bytes() == content.as_slice())
                || new
                    .get(&rel)
                    .is_some_and(|c| c.as_bytes() == content.as_slice());
            assert!(
                whole,
                "rename failure {n}: {rel} is neither the old nor the new file"
            );
            assert!(!rel.contains("codegen-tmp"), "temporary file left: {rel}");
        }
        output::write(root, &new).expect("write after the failure");
        assert_eq!(output::check(root, &new), Ok(Vec::new()));
    }
}

#[test]
fn a_planned_path_cannot_leave_the_crate() {
    let dir = tempfile::tempdir().expect("temp dir");
    for bad in ["../escape.rs", "/abs.rs", "src/../../x.rs"] {
        let err = output::write(dir.path(), &plan(&[(bad, "x")])).expect_err("refused");
        assert!(err.contains("leaves the generated crate"), "{err}");
    }
}

/// The crate's hand-written manifest: codegen owns only its generated block (the features),
/// `--check` reports a stale block, and a manifest without the block is refused by name.
#[test]
fn only_the_manifests_generated_block_is_rewritten() {
    use generator::manifest::{self, BEGIN, END};
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let hand_written = format!(
        "[package]\nname = \"x\"\n\n{BEGIN}\n[features]\nold = []\n{END}\n\n[dependencies]\nserde = \"1\"\n"
    );
    fs::write(root.join("Cargo.toml"), &hand_written).expect("write");

    let block = manifest::features_block(&["service-bus".into()]);
    let mut planned = plan(&[("src/lib.rs", &generated("lib"))]);
    manifest::add_to_plan(root, &block, &mut planned).expect("the block is there");
    assert_eq!(
        output::check(root, &planned).expect("check"),
        vec![
            Drift::Stale("Cargo.toml".into()),
            Drift::Missing("src/lib.rs".into())
        ]
    );
    output::write(root, &planned).expect("write");
    let written = fs::read_to_string(root.join("Cargo.toml")).expect("read");
    assert_eq!(
        written,
        hand_written.replace("[features]\nold = []\n", "# Edit the specs, not these lines: codegen rewrites them.\n[features]\nall-services = [\"service-bus\"]\nservice-bus = []\n")
    );
    assert!(output::check(root, &planned).expect("check").is_empty());

    // A plan that would change the hand-written part is refused, and nothing is written.
    let mut tampered = planned.clone();
    tampered.insert(
        "Cargo.toml".into(),
        written.replace("serde = \"1\"", "serde = \"2\""),
    );
    let error =
        output::write(root, &tampered).expect_err("hand-written lines are not the generator's");
    assert!(error.contains("hand-written"), "{error}");
    assert_eq!(
        fs::read_to_string(root.join("Cargo.toml")).expect("read"),
        written
    );

    fs::write(root.join("Cargo.toml"), "[package]\nname = \"x\"\n").expect("write");
    let error = manifest::add_to_plan(root, &block, &mut planned).expect_err("no block");
    assert!(
        error.contains("Cargo.toml") && error.contains("generated block once"),
        "{error}"
    );
}
