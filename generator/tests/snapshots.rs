//! Snapshots of every file the generator emits for the real specs: a change to the generator or
//! a spec shows up as a reviewed diff (`cargo insta review`).

use std::path::Path;

#[test]
fn every_generated_file_is_snapshotted() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let generated =
        generator::generate(&specs).unwrap_or_else(|d| panic!("the real specs generate:\n{d}"));
    for (path, content) in &generated.plan {
        let name = path.replace('/', "__");
        insta::assert_snapshot!(name, content);
    }
    // The command-line tool's generated commands, beside the crate's files.
    for (path, content) in &generated.cli_plan {
        let name = format!("cli__{}", path.replace('/', "__"));
        insta::assert_snapshot!(name, content);
    }
}

#[test]
fn generation_is_deterministic() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let first = generator::generate(&specs).expect("generates");
    let second = generator::generate(&specs).expect("generates");
    assert_eq!(first.plan, second.plan);
    assert_eq!(first.cli_plan, second.cli_plan);
}
