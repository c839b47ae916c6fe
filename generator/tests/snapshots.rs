//! Snapshots of every file the generator emits for the real specs: a change to the generator or
//! a spec shows up as a reviewed diff (`cargo insta review`).

use std::path::Path;

#[test]
fn every_generated_file_is_snapshotted() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let generated =
        generator::generate(&specs).unwrap_or_else(|d| panic!("the real specs generate:\n{d}"));
    // Warnings on the checked-in specs are deliberate, of the one kind a spec may keep: a
    // documented pattern beside documented lengths it overrules (Event Hubs' namespaceName
    // pattern admits 8 to 52 characters beside minLength 6 / maxLength 50). The warning asks
    // the spec to keep both and explain in a comment, so the file must mention the parameter
    // in a comment.
    for warning in generated.warnings.warnings() {
        assert!(
            warning.field.ends_with(".pattern") && warning.message.starts_with("the pattern of `"),
            "only the pattern-vs-length warning is acknowledged in the real specs:\n{warning}"
        );
        let parameter = warning
            .message
            .split('`')
            .nth(1)
            .expect("the warning names the parameter");
        let text = std::fs::read_to_string(specs.join(&warning.file)).expect("the spec is there");
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with('#') && l.contains(parameter)),
            "{} keeps a pattern and lengths that disagree for `{parameter}` without a comment \
             saying why:\n{warning}",
            warning.file
        );
    }
    for (path, content) in &generated.plan {
        let name = path.replace('/', "__");
        insta::assert_snapshot!(name, content);
    }
}

#[test]
fn generation_is_deterministic() {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let first = generator::generate(&specs).expect("generates").plan;
    let second = generator::generate(&specs).expect("generates").plan;
    assert_eq!(first, second);
}
