//! The checked-in specs load: every file parses against the serde types in `load.rs`
//! (`deny_unknown_fields`), and the layout is the one the seeds call for. Nothing here counts the
//! specs: what must be there is read from the specs folder itself.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use generator::load::{COMMON_FILE, SERVICE_FILE, SpecSet, load};
use heck::ToKebabCase;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn specs() -> SpecSet {
    match load(&root()) {
        Ok(set) => set,
        Err(diags) => panic!("specs failed to load:\n{diags:#?}"),
    }
}

/// Every `.yaml` file below the specs folder, relative to it (hidden entries skipped, as the
/// loader skips them).
fn yaml_files_on_disk() -> BTreeSet<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
        for entry in fs::read_dir(dir).expect("readable specs folder") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if path.is_dir() {
                walk(&path, &format!("{rel}/"), out);
            } else if name.ends_with(".yaml") {
                out.insert(rel);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&root(), "", &mut out);
    out
}

#[test]
fn specs_load() {
    let set = specs();

    // Every YAML file on disk is loaded, in its place: nothing skipped, nothing invented.
    let mut loaded: BTreeSet<String> = BTreeSet::new();
    if set.common.is_some() {
        loaded.insert(COMMON_FILE.to_string());
    }
    for service in &set.services {
        assert_eq!(
            service.manifest.path,
            format!("{}/{SERVICE_FILE}", service.folder)
        );
        loaded.insert(service.manifest.path.clone());
        for op in &service.operations {
            assert!(
                op.path.starts_with(&format!("{}/", service.folder)),
                "{} is loaded into service `{}`",
                op.path,
                service.folder
            );
            loaded.insert(op.path.clone());
        }
        assert!(
            !service.operations.is_empty(),
            "service `{}` has a {SERVICE_FILE} but no operation",
            service.folder
        );
    }
    assert_eq!(loaded, yaml_files_on_disk());

    // Services come in folder order, each once.
    let folders: Vec<&str> = set.services.iter().map(|s| s.folder.as_str()).collect();
    let mut sorted = folders.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(folders, sorted);

    let common = set.common.as_ref().expect("specs/common.yaml is loaded");
    for name in ["ErrorResponse", "ErrorDetail", "ErrorAdditionalInfo"] {
        assert!(
            common.spec.schemas.contains_key(name),
            "common.yaml lacks `{name}`"
        );
    }
}

#[test]
fn each_operation_file_is_named_after_its_operation_id() {
    let set = specs();
    for op in set.services.iter().flat_map(|s| s.operations.iter()) {
        let id = &op.spec.operation_id;
        let file = op.path.rsplit('/').next().expect("a file name");
        assert_eq!(
            file,
            format!("{}.yaml", id.to_kebab_case()),
            "{}: the file is not named after `{id}`",
            op.path
        );
    }
}
