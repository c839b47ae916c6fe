//! Robustness: arbitrary text and mutations of the real specs, fed through load and validate,
//! never panic; and a mutated spec set that validation accepts always renders, so that the
//! later stages never meet a spec validation should have refused.
//!
//! Bounded so that it runs in every `cargo test` (a few seconds in a debug build): each property
//! runs `PROPTEST_CASES` cases (default 128), and shrinking stops after 10 s. A failure is saved
//! under `proptest-regressions/` and replayed first on the next run.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_yaml::Value;

/// Every real spec file by relative path.
fn real_specs() -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).expect("readable specs") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let rel = path
                    .strip_prefix(root)
                    .expect("below root")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, fs::read_to_string(&path).expect("readable spec"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(128);
    Config {
        cases,
        max_shrink_time: 10_000,
        ..Config::default()
    }
}

/// `common.yaml` and the files of the service that holds `key` (or of the first service).
fn neighbourhood(files: &BTreeMap<String, String>, key: &str) -> BTreeMap<String, String> {
    let folder = key
        .split_once('/')
        .map(|(f, _)| f.to_string())
        .or_else(|| {
            files
                .keys()
                .find_map(|k| k.split_once('/').map(|(f, _)| f.to_string()))
        })
        .unwrap_or_default();
    files
        .iter()
        .filter(|(k, _)| *k == "common.yaml" || k.starts_with(&format!("{folder}/")))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Loads and validates; when nothing is wrong, builds, emits and renders every file too.
fn pipeline(files: &BTreeMap<String, String>) {
    let (set, mut diagnostics) = generator::load::load_files(files);
    diagnostics.extend(generator::validate::validate(&set));
    // Rendering diagnostics must not panic either (they locate and quote source lines).
    let _ = diagnostics.to_string();
    if diagnostics.has_errors() {
        return;
    }
    let ir = generator::ir::build(&set);
    for file in generator::emit::plan(&ir) {
        if let Err(message) = generator::render::render(&file) {
            panic!("a validated spec set does not render: {message}\n{files:#?}");
        }
    }
}

/// Pieces of YAML and values that mean something to the spec format.
const SNIPPETS: &[&str] = &[
    "\n",
    ": ",
    "- ",
    "  ",
    "\t",
    "'",
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "&a ",
    "*a",
    "!tag ",
    "---\n",
    "~",
    "null",
    "true",
    "0",
    "-1",
    "1.5",
    "{x}",
    "{}",
    "type",
    "self",
    "Self",
    "1stKey",
    "x-ms-version",
    "common.",
    "common.ErrorResponse",
    "array",
    "object",
    "UnknownValue",
    "^(?=.{1,5}$)",
    "(?!x)",
    "[^/]",
    "\\s",
    "é",
    "größe",
    "\u{0}",
];

/// Values a mutated node can take.
fn interesting_value() -> impl Strategy<Value = Value> {
    let scalars = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        (-1e6f64..1e6).prop_map(|f| Value::Number(f.into())),
        proptest::sample::select(SNIPPETS).prop_map(|s| Value::String(s.to_string())),
        "[a-zA-Z0-9_.{}^$()?=*+|\\[\\] -]{0,12}".prop_map(Value::String),
    ];
    scalars.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Sequence),
            proptest::collection::vec(("[a-zA-Z]{1,6}", inner), 0..3).prop_map(|entries| {
                Value::Mapping(
                    entries
                        .into_iter()
                        .map(|(k, v)| (Value::String(k), v))
                        .collect(),
                )
            }),
        ]
    })
}

/// Every path to a node of `value`, as child indexes.
fn node_paths(value: &Value, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(prefix.clone());
    match value {
        Value::Mapping(map) => {
            for (i, (_, v)) in map.iter().enumerate() {
                prefix.push(i);
                node_paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Sequence(seq) => {
            for (i, v) in seq.iter().enumerate() {
                prefix.push(i);
                node_paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(value: &'a mut Value, path: &[usize]) -> &'a mut Value {
    let Some((first, rest)) = path.split_first() else {
        return value;
    };
    match value {
        Value::Mapping(map) => {
            let key = map
                .keys()
                .nth(*first)
                .cloned()
                .expect("path from node_paths");
            node_mut(map.get_mut(&key).expect("present"), rest)
        }
        Value::Sequence(seq) => node_mut(&mut seq[*first], rest),
        _ => value,
    }
}

/// A tree edit: replace a node, drop a mapping entry, or rename a mapping key.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, Value),
    Remove(usize),
    Rename(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), interesting_value()).prop_map(|(i, v)| Edit::Replace(i, v)),
        any::<usize>().prop_map(Edit::Remove),
        (
            any::<usize>(),
            prop_oneof![
                proptest::sample::select(SNIPPETS).prop_map(str::to_string),
                "[a-zA-Z_-]{1,10}"
            ]
        )
            .prop_map(|(i, k)| Edit::Rename(i, k)),
    ]
}

fn apply(value: &mut Value, edit: &Edit) {
    let mut paths = Vec::new();
    node_paths(value, &mut Vec::new(), &mut paths);
    match edit {
        Edit::Replace(i, new) => {
            let path = &paths[i % paths.len()];
            *node_mut(value, path) = new.clone();
        }
        Edit::Remove(i) | Edit::Rename(i, _) => {
            let path = &paths[i % paths.len()];
            let Some((last, parent)) = path.split_last() else {
                return;
            };
            let Value::Mapping(map) = node_mut(value, parent) else {
                return;
            };
            let Some(key) = map.keys().nth(*last).cloned() else {
                return;
            };
            let old = map.remove(&key).expect("present");
            if let Edit::Rename(_, name) = edit {
                map.insert(Value::String(name.clone()), old);
            }
        }
    }
}

/// A text edit at a relative position.
#[derive(Debug, Clone)]
enum TextEdit {
    Insert(f64, &'static str),
    Delete(f64, usize),
    DuplicateLine(f64),
    DropLine(f64),
    Indent(f64, usize),
}

fn text_edit() -> impl Strategy<Value = TextEdit> {
    prop_oneof![
        (0.0..1.0, proptest::sample::select(SNIPPETS)).prop_map(|(at, s)| TextEdit::Insert(at, s)),
        (0.0..1.0, 1..40usize).prop_map(|(at, n)| TextEdit::Delete(at, n)),
        (0.0..1.0).prop_map(TextEdit::DuplicateLine),
        (0.0..1.0).prop_map(TextEdit::DropLine),
        (0.0..1.0, 0..6usize).prop_map(|(at, n)| TextEdit::Indent(at, n)),
    ]
}

fn boundary(text: &str, at: f64) -> usize {
    let mut i = ((text.len() as f64) * at) as usize;
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

fn apply_text(text: &str, edit: &TextEdit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let line_at = |at: f64, n: usize| ((n as f64) * at) as usize % n.max(1);
    match edit {
        TextEdit::Insert(at, snippet) => {
            let i = boundary(text, *at);
            format!("{}{snippet}{}", &text[..i], &text[i..])
        }
        TextEdit::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, (*at + *n as f64 / text.len().max(1) as f64).min(1.0));
            format!("{}{}", &text[..start], &text[end.max(start)..])
        }
        TextEdit::DuplicateLine(at) if !lines.is_empty() => {
            let i = line_at(*at, lines.len());
            lines.insert(i, lines[i].clone());
            lines.join("\n")
        }
        TextEdit::DropLine(at) if !lines.is_empty() => {
            lines.remove(line_at(*at, lines.len()));
            lines.join("\n")
        }
        TextEdit::Indent(at, n) if !lines.is_empty() => {
            let i = line_at(*at, lines.len());
            lines[i] = format!("{}{}", " ".repeat(*n), lines[i].trim_start());
            lines.join("\n")
        }
        _ => text.to_string(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(
        text in prop_oneof![
            any::<String>(),
            "[a-zA-Z0-9 :{}\\[\\],'\"#&*!|>\n-]{0,300}",
        ],
        which in 0..3usize,
    ) {
        let path = ["common.yaml", "event-hubs/service.yaml", "event-hubs/op.yaml"][which];
        let mut files = neighbourhood(&real_specs(), path);
        files.insert(path.to_string(), text);
        pipeline(&files);
    }

    #[test]
    fn mutated_spec_text_never_panics(
        file in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(text_edit(), 1..5),
    ) {
        let mut files = real_specs();
        let key = files.keys().nth(file.index(files.len())).cloned().expect("a file");
        let mut text = files[&key].clone();
        for edit in &edits {
            text = apply_text(&text, edit);
        }
        files.insert(key.clone(), text);
        pipeline(&neighbourhood(&files, &key));
    }

    #[test]
    fn mutated_spec_trees_never_panic(
        file in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let mut files = real_specs();
        let key = files.keys().nth(file.index(files.len())).cloned().expect("a file");
        let mut value: Value = serde_yaml::from_str(&files[&key]).expect("real specs parse");
        for edit in &edits {
            apply(&mut value, edit);
        }
        let text = serde_yaml::to_string(&value).expect("serializes");
        files.insert(key.clone(), text);
        pipeline(&neighbourhood(&files, &key));
    }
}

#[test]
fn the_real_specs_pass_the_pipeline() {
    pipeline(&real_specs());
}
