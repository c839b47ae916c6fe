//! Stage 6, output: the whole file plan is built in memory first; then write mode replaces only
//! files whose content changed (each through a temporary file and a rename, so no file is ever
//! half-written) and removes generated files no spec produces any more, while check mode writes
//! nothing and lists every difference. Files without the generated marker are never touched.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::MARKER;

/// Folders of the generated crate the generator owns files in.
const OWNED_DIRS: &[&str] = &["src", "tests"];

/// Rendered files by path relative to the generated crate.
pub type Plan = BTreeMap<String, String>;

/// How one file differs from the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// Planned but absent.
    Missing(String),
    /// Present with other content.
    Stale(String),
    /// Generated earlier, no longer planned.
    Extra(String),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {p}"),
            Drift::Stale(p) => write!(f, "stale:   {p}"),
            Drift::Extra(p) => write!(f, "extra:   {p}"),
        }
    }
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or replaced.
    pub written: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
    /// Generated files removed.
    pub removed: Vec<String>,
}

/// Every difference between the plan and the crate at `root`, in path order.
pub fn check(root: &Path, plan: &Plan) -> Result<Vec<Drift>, String> {
    let mut drift = Vec::new();
    for (path, content) in plan {
        match fs::read(root.join(path)) {
            Ok(existing) if existing == content.as_bytes() => {}
            Ok(_) => drift.push(Drift::Stale(path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                drift.push(Drift::Missing(path.clone()))
            }
            Err(e) => return Err(format!("cannot read {}: {e}", root.join(path).display())),
        }
    }
    for path in generated_files(root)? {
        if !plan.contains_key(&path) {
            drift.push(Drift::Extra(path));
        }
    }
    drift.sort_by(|a, b| key(a).cmp(key(b)));
    Ok(drift)
}

fn key(d: &Drift) -> &str {
    match d {
        Drift::Missing(p) | Drift::Stale(p) | Drift::Extra(p) => p,
    }
}

/// Brings the crate at `root` in line with the plan.
pub fn write(root: &Path, plan: &Plan) -> Result<WriteReport, String> {
    // Refuse before writing anything if a planned path holds a hand-written file.
    for path in plan.keys() {
        let full = root.join(path);
        if let Ok(existing) = fs::read_to_string(&full)
            && !existing.starts_with(MARKER)
        {
            return Err(format!(
                "{} is hand-written (no generated marker); the generator will not overwrite it",
                full.display()
            ));
        }
    }
    let mut report = WriteReport::default();
    for (path, content) in plan {
        let full = root.join(path);
        if fs::read(&full).is_ok_and(|existing| existing == content.as_bytes()) {
            report.unchanged.push(path.clone());
            continue;
        }
        write_atomically(&full, content.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", full.display()))?;
        report.written.push(path.clone());
    }
    for path in generated_files(root)? {
        if !plan.contains_key(&path) {
            let full = root.join(&path);
            fs::remove_file(&full).map_err(|e| format!("cannot remove {}: {e}", full.display()))?;
            report.removed.push(path);
        }
    }
    Ok(report)
}

/// Writes beside the target and renames over it, so readers see the old or the new file, whole.
pub fn write_atomically(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(content)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Files under the owned folders whose first line is the generated marker.
fn generated_files(root: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for dir in OWNED_DIRS {
        walk(root, &root.join(dir), &mut found)?;
    }
    found.sort();
    Ok(found)
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<String>) -> Result<(), String> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(root, &path, found)?;
        } else if path.extension().is_some_and(|e| e == "rs")
            && fs::read_to_string(&path).is_ok_and(|text| text.starts_with(MARKER))
        {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            found.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
    Ok(())
}
