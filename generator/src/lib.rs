//! The spec-to-Rust generator: a pipeline of stages, one module each, data flowing one way:
//! [`load`] -> [`validate`] -> [`ir`] -> [`emit`] -> [`render`] -> [`output`].
//! A stage uses the stages before it, never one after it, and the modules beside the pipeline:
//! [`resolve`] (what schema references, builtin types and content types mean) and
//! [`xml_example`] serve validate and ir alike, and so does [`resource_paths`] (resource ID
//! types from path templates); [`manifest`] splices the generated block of the
//! crate's `Cargo.toml` into the rendered [`render::Plan`], and output lets that hand-written
//! file change only inside the block. [`diagnostics`], [`locate`], [`names`], [`patterns`] and
//! [`parallel`] are plain helpers that depend on no stage.
//! Nothing here knows any Azure service: every difference between services lives in the specs.

pub mod dates;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod load;
pub mod locate;
pub mod manifest;
pub mod names;
pub mod output;
pub mod parallel;
pub mod patterns;
pub mod render;
pub mod resolve;
pub mod resource_paths;
pub mod validate;
pub mod xml_example;

use std::path::Path;

use diagnostics::{Diagnostic, Diagnostics};
use render::Plan;

/// A successful generation: the file plan and any warnings.
#[derive(Debug)]
pub struct Generated {
    /// Rendered files by path relative to the generated crate.
    pub plan: Plan,
    /// Warnings about the specs.
    pub warnings: Diagnostics,
    /// Warnings the specs acknowledge (left out of `warnings`).
    pub acknowledged: Vec<Diagnostic>,
    /// How many spec files were read.
    pub spec_files: usize,
    /// Rendered files of the command-line tool's generated part, by path relative to the `cli`
    /// crate (see [`emit::cli`]).
    pub cli_plan: Plan,
    /// The generated block of the crate's `Cargo.toml` (one feature per service); see
    /// [`manifest::add_to_plan`], which puts it into the plan.
    pub features_block: String,
}

/// Runs every stage but writing: load, validate, build the IR, emit and render. Nothing touches
/// the disk but reading the specs; the caller writes or checks the plan.
pub fn generate(specs: &Path) -> Result<Generated, Diagnostics> {
    // Every file is read and every loaded file is checked, so one run reports every mistake.
    let (set, mut diagnostics) = load::load_partial(specs);
    let resolver = resolve::Resolver::new(&set);
    diagnostics.extend(validate::validate_with(&set, &resolver));
    let (diagnostics, acknowledged) = validate::acknowledge(&set, diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let ir = ir::build_with(&set, &resolver);
    drop(resolver);
    let mut plan = Plan::new();
    let mut cli_plan = Plan::new();
    let mut failures = Diagnostics::default();
    for (target, path, rendered) in emit_and_render(&ir) {
        match rendered {
            Ok(text) => {
                match target {
                    Target::Crate => plan.insert(path, text),
                    Target::Cli => cli_plan.insert(path, text),
                };
            }
            // Rendering fails only on a generator bug (tokens that are not Rust), never on a
            // spec mistake: reported like an I/O failure, exit code 2.
            Err(message) => failures.push(Diagnostic::new(path, "", message, None).io()),
        }
    }
    if failures.has_errors() {
        return Err(failures);
    }
    let spec_files = set.common.iter().count()
        + set
            .services
            .iter()
            .map(|s| 1 + s.operations.len())
            .sum::<usize>();
    let features: Vec<String> = ir.services.iter().map(|s| s.folder.clone()).collect();
    free_in_background((set, ir));
    Ok(Generated {
        plan,
        cli_plan,
        warnings: diagnostics,
        acknowledged,
        spec_files,
        features_block: manifest::features_block(&features),
    })
}

/// Frees `value` on a thread of its own. The spec set and the IR are trees of many small
/// allocations: freeing them took the last 20 ms of a 1,000-operation run, on one core, while
/// the caller's next step (writing files) leaves a core idle.
fn free_in_background<T: Send + 'static>(value: T) {
    // Detached: nothing waits for it. Should no thread start, `spawn` drops the closure, and
    // `value` with it, right here.
    let _detached = std::thread::Builder::new()
        .name("codegen-free".into())
        .spawn(move || drop(value));
}

/// Which crate a generated file belongs to.
enum Target {
    Crate,
    Cli,
}

/// Emits and renders every file of both crates on every core, in one pool so that no core
/// waits between them. Token streams cannot cross threads, so each file is emitted and
/// rendered by the worker that takes it.
fn emit_and_render(ir: &ir::Crate) -> Vec<(Target, String, Result<String, String>)> {
    enum Job<'a> {
        Crate(emit::FileJob<'a>),
        Cli(emit::cli::CliJob<'a>),
    }
    let jobs: Vec<Job<'_>> = emit::jobs(ir)
        .into_iter()
        .map(Job::Crate)
        .chain(emit::cli::jobs(ir).into_iter().map(Job::Cli))
        .collect();
    parallel::map(&jobs, |job| match job {
        Job::Crate(job) => (Target::Crate, job.path.clone(), render::render(&job.emit())),
        Job::Cli(job) => (Target::Cli, job.path.clone(), render::render(&job.emit())),
    })
}
