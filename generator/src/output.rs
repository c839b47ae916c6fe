//! Stage 6, output: the whole file plan is built in memory first; then write mode replaces only
//! files whose content changed (staged in temporary files beside their targets, then renamed
//! over them, so no file is ever half-written; see [`write_with`]) and removes generated files no
//! spec produces any more, while check mode writes nothing and lists every difference. Files
//! without the generated marker are never touched.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::manifest;
use crate::render::MARKER;

pub use crate::render::Plan;

/// Folders of the generated crate the generator owns files in.
const OWNED_DIRS: &[&str] = &["src", "tests"];

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
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
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

/// The file-system operations that write mode performs, so that tests can make one fail (a
/// full disk on the Nth file, say). Reads go straight to the disk.
pub trait FileSystem {
    /// Creates `path` and its missing parents.
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()>;
    /// Creates (or truncates) `path`, writes `content` and flushes it to the disk.
    fn write_new(&mut self, path: &Path, content: &[u8]) -> io::Result<()>;
    /// Writes several new files, all or an error naming the index of a file that failed: on
    /// `Err`, some may have been written (the caller removes them). One by one unless a file
    /// system can do better.
    fn write_new_all(&mut self, files: &[(PathBuf, &[u8])]) -> Result<(), (usize, io::Error)> {
        for (i, (path, content)) in files.iter().enumerate() {
            self.write_new(path, content).map_err(|e| (i, e))?;
        }
        Ok(())
    }
    /// Renames `from` over `to`, atomically on one file system.
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    /// Renames each `from` over its `to`; an error names the first failed rename in order. One
    /// by one, stopping at the first failure, unless a file system can do better: after a
    /// failure, any of the others may or may not have been done, and the caller looks.
    fn rename_all(&mut self, pairs: &[(&Path, &Path)]) -> Result<(), (usize, io::Error)> {
        for (i, (from, to)) in pairs.iter().enumerate() {
            self.rename(from, to).map_err(|e| (i, e))?;
        }
        Ok(())
    }
    /// Removes a file.
    fn remove_file(&mut self, path: &Path) -> io::Result<()>;
    /// Removes an empty folder.
    fn remove_dir(&mut self, path: &Path) -> io::Result<()>;
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealFs;

impl FileSystem for RealFs {
    fn create_dir_all(&mut self, path: &Path) -> io::Result<()> {
        fs::create_dir_all(path)
    }

    fn write_new(&mut self, path: &Path, content: &[u8]) -> io::Result<()> {
        let mut file = fs::File::create(path)?;
        file.write_all(content)?;
        file.sync_all()
    }

    /// Each file is flushed to the disk before it counts as written. Every file is written
    /// first, a thread per core (that part computes), then every file flushed, several threads
    /// per core so that the waits for the disk overlap instead of adding up. Flushing right
    /// after each write wrote again, for every file, what its neighbours' flushes write too
    /// (its folder, the block its metadata shares with theirs).
    fn write_new_all(&mut self, files: &[(PathBuf, &[u8])]) -> Result<(), (usize, io::Error)> {
        on_threads(files, 1, |(path, content)| fs::write(path, content))?;
        on_threads(files, FLUSHERS_PER_CORE, |(path, _)| {
            // Opened again, not kept open: holding every file open would pass the usual limit
            // of 1,024 open files at about 1,000 operations. Opened for writing, which Windows
            // needs to flush a file.
            fs::OpenOptions::new()
                .write(true)
                .open(path)
                .and_then(|file| file.sync_all())
        })
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    /// A thread per core: one by one, the renames of 1,600 files took 16 ms on one core.
    fn rename_all(&mut self, pairs: &[(&Path, &Path)]) -> Result<(), (usize, io::Error)> {
        on_threads(pairs, 1, |(from, to)| fs::rename(from, to))
    }

    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_dir(path)
    }
}

/// Runs `each` on every item, on `per_core` threads per core, each taking a run of items in
/// order. Every thread finishes its run unless an item fails (so the caller can clean up); the
/// error names the first failed item in order.
fn on_threads<T: Sync>(
    items: &[T],
    per_core: usize,
    each: impl Fn(&T) -> io::Result<()> + Sync,
) -> Result<(), (usize, io::Error)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .saturating_mul(per_core)
        .min(items.len())
        .max(1);
    let chunk = items.len().div_ceil(workers).max(1);
    let each = &each;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(n, part)| {
                scope.spawn(move || {
                    for (i, item) in part.iter().enumerate() {
                        each(item).map_err(|e| (n * chunk + i, e))?;
                    }
                    Ok(())
                })
            })
            .collect();
        let results: Vec<_> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        results.into_iter().collect()
    })
}

/// Threads per core flushing files in [`RealFs::write_new_all`]: at 1,000 operations (1,607
/// files) eight per core cut the bench's write stage by about a third on this project's 2-core
/// VM (BENCHMARKS.md).
const FLUSHERS_PER_CORE: usize = 8;

/// Suffix of the temporary files write mode stages new content in.
const TEMP_SUFFIX: &str = ".codegen-tmp";

/// Brings the crate at `root` in line with the plan.
pub fn write(root: &Path, plan: &Plan) -> Result<WriteReport, String> {
    write_with(root, plan, &mut RealFs)
}

/// What write mode refuses before it writes anything: a planned path outside `root`, or one
/// that holds a hand-written file (one without the generated marker, unless only its generated
/// block changes). Run it on every root before writing any, so that a refusal leaves them all
/// untouched.
pub fn preflight(root: &Path, plan: &Plan) -> Result<(), String> {
    for path in plan.keys() {
        let relative = Path::new(path);
        if relative.is_absolute()
            || relative
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(format!("planned path `{path}` leaves the generated crate"));
        }
    }
    // Refuse before writing anything if a planned path holds a hand-written file.
    for path in plan.keys() {
        let full = root.join(path);
        if let Ok(existing) = fs::read(&full)
            && !existing.starts_with(MARKER.as_bytes())
            && !plan.get(path).is_some_and(|new| {
                // A hand-written file may change only inside its generated block.
                std::str::from_utf8(&existing)
                    .is_ok_and(|old| manifest::only_block_differs(old, new))
            })
        {
            return Err(format!(
                "{} is hand-written (no generated marker); the generator will not overwrite it",
                full.display()
            ));
        }
    }
    Ok(())
}

/// Brings the crate at `root` in line with the plan, through `fs`: [`write_all_with`] for one
/// crate.
pub fn write_with(
    root: &Path,
    plan: &Plan,
    fs: &mut dyn FileSystem,
) -> Result<WriteReport, String> {
    let mut reports = write_all_with(&[(root, plan)], fs)?;
    Ok(reports.pop().unwrap_or_default())
}

/// Brings several crates in line with their plans as one write (the generated crate and the
/// command-line tool's generated commands, say): a failure before any file is replaced leaves
/// every crate as it was, not the first one written and the second one not.
pub fn write_all(roots: &[(&Path, &Plan)]) -> Result<Vec<WriteReport>, String> {
    write_all_with(roots, &mut RealFs)
}

/// Brings each crate at `root` in line with its plan, through `fs`; one report per crate, in
/// order.
///
/// Only files whose content differs are written; the others are not touched, so they keep
/// their modification time and cargo does not rebuild. Writing is two-phase over all the crates
/// together, so that a failure leaves no file half-written and, as far as a file system
/// allows, no mix of old and new files:
///
/// 1. every new content goes to a temporary file beside its target (`.name.<pid>.codegen-tmp`),
///    flushed to the disk. A failure here (a full disk, say) removes the temporary files and the
///    folders made for them, and every crate is exactly as it was.
/// 2. each temporary file is renamed over its target; a rename replaces a file whole. Renames do
///    not need space, so they rarely fail; if one does, every file is still whole, old or new, and
///    the error says how many were replaced.
///
/// Then generated files that no spec produces any more are removed, with folders left empty.
/// Files without the generated marker are never written or removed: a planned path that holds
/// a hand-written file, in any of the crates, is refused before anything is written.
pub fn write_all_with(
    roots: &[(&Path, &Plan)],
    fs: &mut dyn FileSystem,
) -> Result<Vec<WriteReport>, String> {
    for (root, plan) in roots {
        preflight(root, plan)?;
    }
    let mut reports: Vec<WriteReport> = Vec::new();
    // (crate index, target, temporary file, planned path, content) of every changed file.
    let mut staged: Vec<(usize, PathBuf, PathBuf, &String, &String)> = Vec::new();
    let mut stale: Vec<(usize, String)> = Vec::new();
    for (n, (root, plan)) in roots.iter().enumerate() {
        sweep_temporaries(root, fs)?;
        let mut report = WriteReport::default();
        for (path, content) in plan.iter() {
            let target = root.join(path);
            if fs::read(&target).is_ok_and(|existing| existing == content.as_bytes()) {
                report.unchanged.push(path.clone());
            } else {
                staged.push((n, temp_path(&target), target, path, content));
            }
        }
        stale.extend(
            generated_files(root)?
                .into_iter()
                .filter(|p| !plan.contains_key(p))
                .map(|p| (n, p)),
        );
        reports.push(report);
    }

    // Phase 1: make the folders, then stage every new content beside its target.
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| {
        for (n, _, target, _, _) in &staged {
            let dir = target.parent().unwrap_or(roots[*n].0);
            if !dir.is_dir() {
                let mut missing = Vec::new();
                let mut d = dir;
                while !d.is_dir() {
                    missing.push(d.to_path_buf());
                    match d.parent() {
                        Some(parent) => d = parent,
                        None => break,
                    }
                }
                fs.create_dir_all(dir).map_err(|e| (target.clone(), e))?;
                made_dirs.extend(missing);
            }
        }
        let files: Vec<(PathBuf, &[u8])> = staged
            .iter()
            .map(|(_, temp, _, _, content)| (temp.clone(), content.as_bytes()))
            .collect();
        fs.write_new_all(&files)
            .map_err(|(i, e)| (staged[i].2.clone(), e))
    })();
    if let Err((target, err)) = result {
        for (_, temp, _, _, _) in &staged {
            let _ = fs.remove_file(temp);
        }
        // Deepest first; a folder that is not empty is left alone.
        made_dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in &made_dirs {
            let _ = fs.remove_dir(dir);
        }
        return Err(format!(
            "cannot write {}: {err}; nothing was changed",
            target.display()
        ));
    }

    // Phase 2: replace each target whole.
    let renames: Vec<(&Path, &Path)> = staged
        .iter()
        .map(|(_, temp, target, _, _)| (temp.as_path(), target.as_path()))
        .collect();
    if let Err((i, err)) = fs.rename_all(&renames) {
        // A temporary file still there was not renamed: it goes, and its target stays as it was.
        let mut replaced = 0;
        for (_, temp, _, _, _) in &staged {
            if temp.exists() {
                let _ = fs.remove_file(temp);
            } else {
                replaced += 1;
            }
        }
        return Err(format!(
            "cannot replace {}: {err}; {replaced} of {} changed files were replaced, each whole; run codegen again",
            staged[i].2.display(),
            staged.len()
        ));
    }
    for (n, _, _, path, _) in &staged {
        reports[*n].written.push((*path).clone());
    }

    for (n, path) in stale {
        let root = roots[n].0;
        let full = root.join(&path);
        fs.remove_file(&full)
            .map_err(|e| format!("cannot remove {}: {e}", full.display()))?;
        remove_empty_parents(root, &full, fs);
        reports[n].removed.push(path);
    }
    Ok(reports)
}

/// `dir/.name.<pid>.codegen-tmp` for `dir/name`.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()))
}

/// Removes temporary files a run killed between its two phases left in the owned folders.
fn sweep_temporaries(root: &Path, fs: &mut dyn FileSystem) -> Result<(), String> {
    let mut temps = Vec::new();
    for dir in OWNED_DIRS {
        collect(&root.join(dir), &mut |path| {
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(TEMP_SUFFIX))
            {
                temps.push(path.to_path_buf());
            }
        })?;
    }
    for temp in temps {
        fs.remove_file(&temp)
            .map_err(|e| format!("cannot remove {}: {e}", temp.display()))?;
    }
    Ok(())
}

/// Removes the folders between `file` and the owned folders that the removal left empty.
fn remove_empty_parents(root: &Path, file: &Path, fs: &mut dyn FileSystem) {
    let owned: Vec<PathBuf> = OWNED_DIRS.iter().map(|d| root.join(d)).collect();
    let mut dir = file.parent();
    while let Some(d) = dir {
        if !d.starts_with(root) || d == root || owned.iter().any(|o| o == d) {
            break;
        }
        let empty = fs::read_dir(d).is_ok_and(|mut entries| entries.next().is_none());
        if !empty || fs.remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
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
    collect(dir, &mut |path| {
        if path.extension().is_some_and(|e| e == "rs")
            && fs::File::open(path)
                .and_then(|mut f| {
                    let mut head = vec![0; MARKER.len()];
                    f.read_exact(&mut head).map(|()| head)
                })
                .is_ok_and(|head| head == MARKER.as_bytes())
        {
            let rel = path.strip_prefix(root).unwrap_or(path);
            found.push(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    })
}

/// Calls `each` on every file below `dir`, in path order; a missing `dir` has none.
fn collect(dir: &Path, each: &mut dyn FnMut(&Path)) -> Result<(), String> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(&path, each)?;
        } else {
            each(&path);
        }
    }
    Ok(())
}
