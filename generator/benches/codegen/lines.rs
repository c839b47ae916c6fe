//! `--lines-per-operation`: what each real operation adds to the generated code, by shape.
//!
//! Leave-one-out over `specs/`: the specs are generated whole, then once without each
//! operation file (and without the `rotation` entries of its service that name it, since
//! they cannot stand without it), and the difference is that operation's share: its method,
//! options, models, test double, example tests, command-line command, and the rotation target
//! when it anchors one. Shared schemas (`service.yaml`, `common.yaml`) stay in both runs, so
//! they are counted once for the service and in no operation's row.

use std::fs;
use std::path::Path;

use serde_yaml::Value;

/// Generated lines, split by where they go.
#[derive(Clone, Copy, Default)]
struct Lines {
    src: usize,
    tests: usize,
    cli: usize,
}

impl Lines {
    fn total(self) -> usize {
        self.src + self.tests + self.cli
    }
}

fn generated_lines(specs: &Path) -> Result<Lines, String> {
    let generated = generator::generate(specs).map_err(|d| d.to_string())?;
    let count = |text: &String| text.lines().count();
    let mut lines = Lines::default();
    for (path, text) in &generated.plan {
        if path.starts_with("tests/") {
            lines.tests += count(text);
        } else {
            lines.src += count(text);
        }
    }
    lines.cli = generated.cli_plan.values().map(count).sum();
    Ok(lines)
}

/// The spec features an operation file uses, as a short label.
fn shape(text: &str, operation: &Value) -> String {
    let mut tags: Vec<String> = Vec::new();
    if let Some(Value::String(method)) = operation.get("method") {
        tags.push(method.clone());
    }
    if let Some(Value::Mapping(responses)) = operation.get("responses") {
        let statuses: Vec<String> = responses
            .keys()
            .filter_map(|k| match k {
                Value::String(s) if s != "default" => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        tags.push(statuses.join("/"));
    }
    let features = [
        ("pageable:", "paged"),
        ("longRunning:", "long-running"),
        ("application/xml", "XML"),
        ("discriminator:", "union"),
        ("format: date-time", "dates"),
        ("readOnly: true", "readOnly"),
        ("allOf:", "allOf"),
        ("additionalProperties:", "map"),
        ("requestBody:", "body"),
    ];
    for (needle, tag) in features {
        if text.contains(needle) {
            tags.push(tag.to_owned());
        }
    }
    tags.join(", ")
}

/// Copies the spec folder tree `from` into `to` (YAML files and folders only).
fn copy_specs(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().expect("a named entry"));
        if path.is_dir() {
            copy_specs(&path, &target)?;
        } else {
            fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

/// Drops the `rotation` entries of a service manifest that name `operation_id`; true when
/// one was dropped.
fn drop_rotation_of(manifest: &mut Value, operation_id: &str) -> bool {
    let Some(Value::Sequence(entries)) = manifest.get_mut("rotation") else {
        return false;
    };
    let before = entries.len();
    entries.retain(|entry| {
        ["list", "regenerate"]
            .iter()
            .all(|key| entry.get(*key).and_then(Value::as_str) != Some(operation_id))
    });
    let dropped = entries.len() != before;
    if entries.is_empty()
        && let Value::Mapping(map) = manifest
    {
        map.remove("rotation");
    }
    dropped
}

pub fn report(specs: &Path, scratch: &Path) {
    let all = generated_lines(specs).unwrap_or_else(|e| panic!("the real specs generate:\n{e}"));
    println!(
        "lines each operation adds (leave-one-out over {}: all {} lines = src {} + tests {} + cli {})",
        specs.display(),
        all.total(),
        all.src,
        all.tests,
        all.cli
    );
    println!(
        "{:<60} {:>6} {:>6} {:>6} {:>6}  shape",
        "operation", "src", "tests", "cli", "total"
    );
    for folder in crate::service_folders(specs).expect("the specs folder") {
        let files = crate::operation_files(&folder).expect("a service folder");
        let service = folder.file_name().expect("a named folder");
        for file in files {
            let text = fs::read_to_string(&file).expect("an operation file");
            let operation: Value = serde_yaml::from_str(&text).expect("an operation's YAML");
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let copy = scratch.join(format!("without-{}", id.to_lowercase()));
            copy_specs(specs, &copy).expect("copy the specs");
            fs::remove_file(copy.join(service).join(file.file_name().expect("a file")))
                .expect("remove the operation");
            let manifest_path = copy.join(service).join(generator::load::SERVICE_FILE);
            let mut manifest: Value =
                serde_yaml::from_str(&fs::read_to_string(&manifest_path).expect("service.yaml"))
                    .expect("service.yaml is YAML");
            let anchors_rotation = drop_rotation_of(&mut manifest, &id);
            if anchors_rotation {
                fs::write(
                    &manifest_path,
                    serde_yaml::to_string(&manifest).expect("YAML"),
                )
                .expect("write service.yaml");
            }
            let label = format!(
                "{}/{id}{}",
                service.to_string_lossy(),
                if anchors_rotation { " (+rotation)" } else { "" }
            );
            match generated_lines(&copy) {
                Ok(without) => {
                    let less = |a: usize, b: usize| a as i64 - b as i64;
                    println!(
                        "{label:<60} {:>6} {:>6} {:>6} {:>6}  {}",
                        less(all.src, without.src),
                        less(all.tests, without.tests),
                        less(all.cli, without.cli),
                        less(all.total(), without.total()),
                        shape(&text, &operation)
                    )
                }
                Err(e) => println!(
                    "{label:<60} does not generate without it: {}",
                    e.lines().next().unwrap_or("")
                ),
            }
        }
    }
}
