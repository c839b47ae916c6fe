//! Codegen at scale: how long the generator takes, load to write, as the number of operations
//! grows, and where the time goes.
//!
//! ```text
//! cargo bench -p generator --bench codegen                 # full run: real specs, N = 5 .. 5,000
//! cargo bench -p generator --bench codegen -- --quick      # smoke run (CI): N up to 100, one run each
//! cargo bench -p generator --bench codegen -- --sizes 5,1000 --runs 5
//! cargo bench -p generator --bench codegen -- --synthesize 100 SPECS_DIR  # write 100 synthetic specs
//! cargo bench -p generator --bench codegen -- --generate SPECS_DIR CRATE_DIR
//! cargo bench -p generator --bench codegen -- --change-spec SPECS_DIR     # for incremental builds
//! cargo bench -p generator --bench codegen -- --lines-per-operation       # each real operation's lines
//! ```
//!
//! Synthetic spec sets are made from the real services in `specs/` (see [`synthesize`]): service
//! folders `<real-folder>-0000`, `-0001`, ..., each a copy of one real service with up to five
//! copies of its operations and of two made-up shapes the real specs may lack (a paged list and a
//! DELETE with 200/204), every operation id, path and operation-local schema renamed so the set
//! stays valid. Every synthetic set is checked to generate without errors before it is timed.
//!
//! A plain `harness = false` binary rather than criterion: one N = 5,000 pass takes seconds, so a
//! handful of runs per size is what fits, criterion's minimum sample count does not, and the same
//! binary runs once per size in CI with `--quick`. Figures go to BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_yaml::Value;

#[path = "codegen/lines.rs"]
mod lines;

// The allocator `cargo xtask codegen` runs with (xtask/src/main.rs), so that the figures are
// the maintainers' ones.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: codegen [--quick] [--sizes N,N,...] [--runs K] [--specs DIR]
       codegen --synthesize N DIR         write N synthetic operation specs into DIR
       codegen --generate SPECS CRATE_DIR generate from SPECS and write into CRATE_DIR
       codegen --change-spec SPECS        add (or remove) a property in one operation's schema
       codegen --lines-per-operation      the lines each operation of --specs adds (leave-one-out)
(paths absolute: cargo runs benchmarks in the package folder)";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut quick = false;
    let mut sizes: Option<Vec<usize>> = None;
    let mut runs: Option<usize> = None;
    let mut specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--sizes" => {
                let list = iter.next().unwrap_or_else(|| usage("--sizes needs a list"));
                let parsed = list
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap_or_else(|_| usage("--sizes takes numbers, e.g. 5,100"));
                sizes = Some(parsed);
            }
            "--runs" => {
                let k = iter.next().and_then(|s| s.parse().ok());
                runs = Some(k.unwrap_or_else(|| usage("--runs needs a number")));
            }
            "--specs" => {
                specs = PathBuf::from(
                    iter.next()
                        .unwrap_or_else(|| usage("--specs needs a folder")),
                )
            }
            "--synthesize" => {
                let n = iter.next().and_then(|s| s.parse().ok());
                let n = n.unwrap_or_else(|| usage("--synthesize needs a number"));
                let out = iter
                    .next()
                    .unwrap_or_else(|| usage("--synthesize needs a folder"));
                synthesize(&specs, Path::new(out), n).expect("synthesize the specs");
                return;
            }
            "--change-spec" => {
                let dir = iter
                    .next()
                    .unwrap_or_else(|| usage("--change-spec needs SPECS"));
                return change_spec(Path::new(dir));
            }
            "--generate" => {
                let from = iter
                    .next()
                    .unwrap_or_else(|| usage("--generate needs SPECS"));
                let out = iter
                    .next()
                    .unwrap_or_else(|| usage("--generate needs CRATE_DIR"));
                return generate_into(Path::new(from), Path::new(out));
            }
            "--lines-per-operation" => {
                let scratch = scratch_dir("codegen-lines");
                lines::report(&specs, &scratch);
                let _ = fs::remove_dir_all(&scratch);
                return;
            }
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let sizes = sizes.unwrap_or_else(|| {
        if quick {
            vec![5, 100]
        } else {
            vec![5, 100, 1000, 5000]
        }
    });
    run_benchmark(&specs, &sizes, runs, quick);
}

fn usage(message: &str) -> ! {
    eprintln!("error: {message}\n{USAGE}");
    std::process::exit(2)
}

/// Per-stage wall times of one pass.
#[derive(Clone, Copy, Debug, Default)]
struct Stages {
    load: Duration,
    validate: Duration,
    ir: Duration,
    emit: Duration,
    render: Duration,
    write: Duration,
    /// The same files written through a temporary file and a rename, without `sync_all`: what
    /// `output::write` would cost without its per-file fsync.
    write_no_fsync: Duration,
    /// Of `render`, `syn::parse2` of the emitted tokens alone (already cloned).
    parse: Duration,
    /// Of `render`, cloning the token streams (`render` takes `&EmittedFile`).
    clone: Duration,
    /// `emit::plan` + `render::render` on `available_parallelism` threads, each emitting the
    /// whole plan and rendering its share of the files.
    render_parallel: Duration,
}

/// One timed pass: `generator::generate` then `output::write` into an empty crate folder
/// (the headline figure), and a second pass stage by stage (the breakdown).
struct Pass {
    total: Duration,
    generate: Duration,
    write: Duration,
    stages: Stages,
    files: usize,
    lines: usize,
}

fn run_benchmark(specs: &Path, sizes: &[usize], runs: Option<usize>, quick: bool) {
    let scratch = scratch_dir("codegen-bench");
    println!(
        "codegen benchmark ({} build, {} mode); times are wall-clock, median [min .. max] of the runs",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        if quick { "quick" } else { "full" }
    );
    println!(
        "stage columns: medians in ms of a second pass run stage by stage (load, validate, ir, emit, render, write); \
         `w/o fsync` writes the same files without output::write's per-file sync_all; \
         `clone` and `parse` are render's token clone and syn::parse2; `emit+rend∥` emits and renders on every core (vs emit + render)"
    );
    println!(
        "{:<10} {:>5} {:>5} {:>6} {:>8}  {:>32}  {:>9}  {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7} {:>11}",
        "set",
        "ops",
        "runs",
        "files",
        "lines",
        "generate+write ms",
        "µs/op",
        "load",
        "valid.",
        "ir",
        "emit",
        "render",
        "write",
        "w/o fsync",
        "clone",
        "parse",
        "emit+rend∥"
    );
    let mut rows: Vec<(usize, Duration)> = Vec::new();
    // The real specs, as checked in.
    let real_runs = runs.unwrap_or(if quick { 1 } else { 15 });
    let real_ops = generator::load::load(specs)
        .unwrap_or_else(|d| panic!("the real specs load:\n{d}"))
        .services
        .iter()
        .map(|service| service.operations.len())
        .sum();
    report("real", real_ops, &measure(specs, &scratch, real_runs));
    for &n in sizes {
        let set = scratch.join(format!("specs-{n}"));
        synthesize(specs, &set, n).unwrap_or_else(|e| panic!("cannot synthesize {n} specs: {e}"));
        // Valid, or the figures mean nothing.
        let generated = generator::generate(&set)
            .unwrap_or_else(|d| panic!("the synthetic set of {n} operations is invalid:\n{d}"));
        assert!(
            !generated.warnings.has_errors(),
            "warnings with errors for N = {n}"
        );
        let k = runs.unwrap_or(match n {
            _ if quick => 1,
            0..=100 => 15,
            101..=1000 => 7,
            _ => 5,
        });
        let passes = measure(&set, &scratch, k);
        let median = median(passes.iter().map(|p| p.total).collect());
        rows.push((n, median));
        report("synthetic", n, &passes);
    }
    linearity(&rows);
    let _ = fs::remove_dir_all(&scratch);
}

/// Each pass writes into folders of its own, and nothing is deleted until the whole benchmark
/// is over (`scratch` goes at the end of `main`): on ext4 without a journal, as on the VM the
/// figures come from, creating a file scans past every inode deleted in the last 30 s, so
/// deleting one pass's 1,400 files before the next pass writes its own would time the
/// benchmark's cleanup along with the generator.
fn measure(specs: &Path, scratch: &Path, runs: usize) -> Vec<Pass> {
    static PASSES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    (0..runs.max(1))
        .map(|_| {
            let pass = PASSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let out = scratch.join(format!("crate-{pass}"));
            prepare_crate(&out);

            let start = Instant::now();
            let mut generated = generator::generate(specs).unwrap_or_else(|d| panic!("{d}"));
            let generate = start.elapsed();
            let written = Instant::now();
            generator::manifest::add_to_plan(&out, &generated.features_block, &mut generated.plan)
                .expect("splice the manifest block");
            // The command-line tool's commands go into a crate folder of their own, in the same
            // write, as `cargo xtask codegen` writes them into cli/.
            let cli_out = scratch.join(format!("cli-{pass}"));
            fs::create_dir_all(&cli_out).expect("scratch cli folder");
            generator::output::write_all(&[
                (&out, &generated.plan),
                (&cli_out, &generated.cli_plan),
            ])
            .expect("write the plans");
            let write = written.elapsed();
            let total = start.elapsed();
            let both = || generated.plan.values().chain(generated.cli_plan.values());
            let files = both().count();
            let lines = both().map(|t| t.lines().count()).sum();

            let staged_out = scratch.join(format!("staged-{pass}"));
            prepare_crate(&staged_out);
            let stages = staged(specs, &staged_out);
            Pass {
                total,
                generate,
                write,
                stages,
                files,
                lines,
            }
        })
        .collect()
}

/// An empty crate folder holding only a manifest with the generated block's marker lines, as
/// `manifest::add_to_plan` needs.
fn prepare_crate(out: &Path) {
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out).expect("scratch crate folder");
    let manifest = format!(
        "# scratch crate of the codegen benchmark\n{}\n{}\n",
        generator::manifest::BEGIN,
        generator::manifest::END
    );
    fs::write(out.join(generator::manifest::MANIFEST), manifest).expect("scratch manifest");
}

/// The same work as `generate` + `write`, one public stage at a time.
fn staged(specs: &Path, out: &Path) -> Stages {
    use generator::{emit, ir, load, output, render, validate};
    let mut stages = Stages::default();
    let t = Instant::now();
    let set = load::load(specs).unwrap_or_else(|d| panic!("{d}"));
    stages.load = t.elapsed();
    let t = Instant::now();
    let diagnostics = validate::validate(&set);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    stages.validate = t.elapsed();
    let t = Instant::now();
    let crate_ir = ir::build(&set);
    stages.ir = t.elapsed();
    // Both crates' files (the command-line tool's under src/generated/, which the crate's own
    // files never use), emitted one after the other.
    let emit_all = |crate_ir: &ir::Crate| {
        let mut files = emit::plan(crate_ir);
        files.extend(emit::cli::jobs(crate_ir).iter().map(|job| job.emit()));
        files
    };
    let t = Instant::now();
    let files = emit_all(&crate_ir);
    stages.emit = t.elapsed();
    let t = Instant::now();
    let plan: output::Plan = files
        .iter()
        .map(|f| (f.path.clone(), render::render(f).expect("render")))
        .collect();
    stages.render = t.elapsed();
    let t = Instant::now();
    let owned: Vec<_> = files.iter().map(|f| f.tokens.clone()).collect();
    stages.clone = t.elapsed();
    let t = Instant::now();
    for tokens in owned {
        syn::parse2::<syn::File>(tokens).expect("valid tokens");
    }
    stages.parse = t.elapsed();
    // Token streams are not `Send`, so each thread emits the whole plan (an upper bound: a
    // generator that emitted per file on its thread would also split the emit time) and renders
    // its share of the files.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t = Instant::now();
    let crate_ir = &crate_ir;
    let parallel: output::Plan = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                scope.spawn(move || {
                    emit_all(crate_ir)
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % threads == k)
                        .map(|(_, f)| (f.path.clone(), render::render(f).expect("render")))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("render thread"))
            .collect()
    });
    stages.render_parallel = t.elapsed();
    assert_eq!(parallel, plan, "parallel rendering gives the same files");
    let features: Vec<String> = crate_ir.services.iter().map(|s| s.folder.clone()).collect();
    let t = Instant::now();
    let mut plan = plan;
    let block = generator::manifest::features_block(&features);
    generator::manifest::add_to_plan(out, &block, &mut plan).expect("splice the manifest block");
    output::write(out, &plan).expect("write the plan");
    stages.write = t.elapsed();
    let plain = out.with_extension("no-fsync");
    let _ = fs::remove_dir_all(&plain);
    let t = Instant::now();
    for (path, content) in &plan {
        let full = plain.join(path);
        let dir = full.parent().expect("a file in a folder");
        fs::create_dir_all(dir).expect("folder");
        let temp = dir.join(".tmp");
        fs::write(&temp, content).expect("write");
        fs::rename(&temp, &full).expect("rename");
    }
    stages.write_no_fsync = t.elapsed();
    stages
}

fn report(set: &str, ops: usize, passes: &[Pass]) {
    let totals: Vec<Duration> = passes.iter().map(|p| p.total).collect();
    let (min, max) = (
        *totals.iter().min().expect("one run"),
        *totals.iter().max().expect("one run"),
    );
    let med = median(totals);
    let stage =
        |f: fn(&Stages) -> Duration| ms(median(passes.iter().map(|p| f(&p.stages)).collect()));
    let first = &passes[0];
    println!(
        "{:<10} {:>5} {:>5} {:>6} {:>8}  {:>32}  {:>9.1}  {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>7} {:>7} {:>11}",
        set,
        ops,
        passes.len(),
        first.files,
        first.lines,
        format!("{} [{} .. {}]", ms(med), ms(min), ms(max)),
        med.as_secs_f64() * 1e6 / ops as f64,
        stage(|s| s.load),
        stage(|s| s.validate),
        stage(|s| s.ir),
        stage(|s| s.emit),
        stage(|s| s.render),
        stage(|s| s.write),
        stage(|s| s.write_no_fsync),
        stage(|s| s.clone),
        stage(|s| s.parse),
        stage(|s| s.render_parallel),
    );
    let generate = median(passes.iter().map(|p| p.generate).collect());
    let write = median(passes.iter().map(|p| p.write).collect());
    println!(
        "{:<10} {:>5}       generate() {} ms + write() {} ms (medians); {:.1} generated lines per operation",
        "",
        "",
        ms(generate),
        ms(write),
        first.lines as f64 / ops as f64
    );
}

/// Least-squares line through (N, median) and how far each point is from it: linear growth
/// means a constant cost per operation and points on the line.
fn linearity(rows: &[(usize, Duration)]) {
    if rows.len() < 2 {
        return;
    }
    let xs: Vec<f64> = rows.iter().map(|(n, _)| *n as f64).collect();
    let ys: Vec<f64> = rows.iter().map(|(_, d)| d.as_secs_f64() * 1e3).collect();
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ss_tot: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    let ss_res: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| (y - (intercept + slope * x)).powi(2))
        .sum();
    let r2 = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else {
        1.0
    };
    println!(
        "linear fit: time = {intercept:.1} ms + {:.1} µs x N   (R² = {r2:.4})",
        slope * 1e3
    );
    for (x, y) in xs.iter().zip(&ys) {
        let fit = intercept + slope * x;
        println!(
            "  N = {x:>5}: measured {y:>9.1} ms, line {fit:>9.1} ms, {:+.1} %",
            if fit > 0.0 {
                (y - fit) / fit * 100.0
            } else {
                0.0
            }
        );
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// `--change-spec SPECS`: a real change to one spec, for the incremental build benchmark: the
/// first object schema of the first operation (in folder and file order) gains an optional
/// string property `benchmarkExtra`, or loses it when it has it. The file is rewritten by
/// serde_yaml (its comments go).
fn change_spec(specs: &Path) {
    let templates = templates(specs).expect("read the specs");
    let template = templates.first().expect("a service folder");
    let (stem, mut op) = template.operations.first().cloned().expect("an operation");
    let key = Value::String("benchmarkExtra".into());
    let schemas = op.get_mut("schemas").and_then(Value::as_mapping_mut);
    let properties = schemas
        .into_iter()
        .flat_map(|m| m.values_mut())
        .find_map(|schema| schema.get_mut("properties").and_then(Value::as_mapping_mut))
        .expect("an operation-local object schema");
    let added = if properties.remove(&key).is_some() {
        false
    } else {
        let mut property = serde_yaml::Mapping::new();
        property.insert("type".into(), "string".into());
        property.insert(
            "docs".into(),
            "Added by the incremental build benchmark.".into(),
        );
        properties.insert(key, Value::Mapping(property));
        true
    };
    let path = specs.join(&template.folder).join(format!("{stem}.yaml"));
    write_yaml(&path, &op).expect("write the spec");
    println!(
        "{} benchmarkExtra in {}",
        if added { "added" } else { "removed" },
        path.display()
    );
}

/// `--generate SPECS CRATE_DIR`, like `cargo xtask codegen --specs SPECS --out CRATE_DIR`.
fn generate_into(specs: &Path, out: &Path) {
    let start = Instant::now();
    let mut generated = generator::generate(specs).unwrap_or_else(|d| panic!("{d}"));
    if out.join(generator::manifest::MANIFEST).exists() {
        generator::manifest::add_to_plan(out, &generated.features_block, &mut generated.plan)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let report = generator::output::write(out, &generated.plan).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "generated {} files from {} spec files into {} in {} ms: {} written, {} unchanged, {} removed",
        generated.plan.len(),
        generated.spec_files,
        out.display(),
        ms(start.elapsed()),
        report.written.len(),
        report.unchanged.len(),
        report.removed.len()
    );
}

fn scratch_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{what}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// One real service folder: its manifest and its operations (file stem, parsed YAML).
struct Template {
    folder: String,
    manifest: Value,
    operations: Vec<(String, Value)>,
}

/// Operation shapes every synthetic service gets after its real operations, so the benchmark
/// covers them whatever the real specs hold: a paged list (its page schema local, as paging
/// requires) and a DELETE whose 200 and 204 have no body.
const SHAPES: [(&str, &str); 2] = [
    (
        "things-list",
        r#"
operationId: Things_List
summary: Things - List
docs: Lists the things of a subscription, a page at a time.
method: GET
path: /subscriptions/{subscriptionId}/providers/Contoso.Shapes/things
parameters:
  - name: subscriptionId
    in: path
    docs: The subscription.
  - name: api-version
    in: query
    docs: The API version.
    value: '2024-01-01'
responses:
  '200':
    docs: A page of things.
    schema: ThingList
  default:
    docs: Error response describing why the operation failed.
    schema: common.ErrorResponse
pageable:
  nextLinkName: nextLink
schemas:
  ThingList:
    docs: A page of things.
    properties:
      value:
        type: array
        items: Thing
        docs: The things.
      nextLink:
        type: string
        docs: The next page.
  Thing:
    docs: A thing.
    properties:
      name:
        type: string
        docs: Its name.
"#,
    ),
    (
        "things-delete",
        r#"
operationId: Things_Delete
summary: Things - Delete
docs: Deletes a thing.
method: DELETE
path: /subscriptions/{subscriptionId}/providers/Contoso.Shapes/things/{thingName}
parameters:
  - name: subscriptionId
    in: path
    docs: The subscription.
  - name: thingName
    in: path
    docs: The thing.
    minLength: 1
    maxLength: 50
  - name: api-version
    in: query
    docs: The API version.
    value: '2024-01-01'
responses:
  '200':
    docs: Deleted.
  '204':
    docs: There was nothing to delete.
  default:
    docs: Error response describing why the operation failed.
    schema: common.ErrorResponse
"#,
    ),
];

/// Writes `n` operation specs into `out`, made by varying the real ones in `real`.
///
/// Service `s` is a copy of real service `s % 5` (in folder order), named `<folder>-<s:04>`;
/// it holds up to five copies of that service's operations followed by the [`SHAPES`] (one
/// operation each for `n <= 5`, so `n = 5` has the real shape). Copy `g` (a global index)
/// renames the operation id
/// (`Namespaces_RegenerateKeys` -> `NamespacesG{g}_RegenerateKeys`), appends `S{s}` to the
/// path's provider namespace (see `service_path`) and `G{g}` to its last segment, and appends
/// `G{g}` to every schema the operation file defines, rewriting each reference to it (`schema`,
/// `type`, `items`, `additionalProperties`, `allOf`, a union's `mapping`). An XML root keeps its element name. A `rotation` entry of a service names the
/// first copies of its operations, or goes when they are not both in the service. The shared
/// `common.yaml` is copied as it is.
pub fn synthesize(real: &Path, out: &Path, n: usize) -> std::io::Result<()> {
    let templates = templates(real)?;
    assert!(
        !templates.is_empty(),
        "no service folders in {}",
        real.display()
    );
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out)?;
    let common = real.join(generator::load::COMMON_FILE);
    if common.exists() {
        fs::copy(&common, out.join(generator::load::COMMON_FILE))?;
    }
    let per_service = if n <= templates.len() { 1 } else { 5 };
    let mut g = 0;
    let mut s = 0;
    while g < n {
        let template = &templates[s % templates.len()];
        let folder = format!("{}-{s:04}", template.folder);
        let dir = out.join(&folder);
        fs::create_dir_all(&dir)?;
        let mut manifest = template.manifest.clone();
        if let Some(Value::String(title)) = manifest.get_mut("title") {
            title.push_str(&format!(" {s:04}"));
        }
        // The provider namespace the paths name moves with them (see `service_path`).
        if let Some(Value::String(namespace)) = manifest.get_mut("namespace") {
            let in_paths = format!("/providers/{namespace}/");
            let named = template.operations.iter().any(|(_, op)| {
                matches!(op.get("path"), Some(Value::String(path)) if path.contains(&in_paths))
            });
            if named {
                namespace.push_str(&format!("S{s}"));
            }
        }
        // Each original operation id, and the id of its first copy in this service.
        let mut copies: BTreeMap<String, String> = BTreeMap::new();
        let mut in_service = 0;
        'fill: while in_service < per_service && g < n {
            for (stem, operation) in &template.operations {
                if in_service == per_service || g == n {
                    break 'fill;
                }
                let varied = vary(operation, g, s);
                if let (Some(Value::String(id)), Some(Value::String(copy))) =
                    (operation.get("operationId"), varied.get("operationId"))
                {
                    copies.entry(id.clone()).or_insert_with(|| copy.clone());
                }
                // Named after the new operation id, as the validator asks of every spec
                // (a file named otherwise is a warning, and a warning costs a located message).
                let file = match varied.get("operationId") {
                    Some(Value::String(id)) => heck::ToKebabCase::to_kebab_case(id.as_str()),
                    _ => format!("{stem}-{g:05}"),
                };
                write_yaml(&dir.join(format!("{file}.yaml")), &varied)?;
                in_service += 1;
                g += 1;
            }
        }
        point_rotation_at_copies(&mut manifest, &copies, s);
        write_yaml(&dir.join(generator::load::SERVICE_FILE), &manifest)?;
        s += 1;
    }
    Ok(())
}

/// The service folders of a spec tree, sorted.
fn service_folders(specs: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut folders: Vec<PathBuf> = fs::read_dir(specs)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    Ok(folders)
}

/// The operation files of a service folder (every YAML file but `service.yaml`), sorted.
fn operation_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && p.file_name()
                    .is_some_and(|n| n != generator::load::SERVICE_FILE)
        })
        .collect();
    files.sort();
    Ok(files)
}

fn templates(real: &Path) -> std::io::Result<Vec<Template>> {
    let mut templates = Vec::new();
    for dir in service_folders(real)? {
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let manifest = read_yaml(&dir.join(generator::load::SERVICE_FILE))?;
        let mut operations = Vec::new();
        for file in operation_files(&dir)? {
            let stem = file
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            operations.push((stem, read_yaml(&file)?));
        }
        if !operations.is_empty() {
            // The shapes live under the service's own provider namespace, as every path of a
            // service must.
            let namespace = match manifest.get("namespace") {
                Some(Value::String(namespace)) => namespace.as_str(),
                _ => "Contoso.Shapes",
            };
            for (stem, text) in SHAPES {
                let text = text.replace(
                    "/providers/Contoso.Shapes/",
                    &format!("/providers/{namespace}/"),
                );
                let shape = serde_yaml::from_str(&text).expect("the shapes are YAML");
                operations.push((stem.to_owned(), shape));
            }
            templates.push(Template {
                folder,
                manifest,
                operations,
            });
        }
    }
    Ok(templates)
}

/// Points each `rotation` entry of a service copy at the first copies of its list and
/// regenerate operations; an entry whose operations were not both copied into this service
/// (a small set holds one operation per service) is dropped.
fn point_rotation_at_copies(manifest: &mut Value, copies: &BTreeMap<String, String>, s: usize) {
    let Some(Value::Sequence(entries)) = manifest.get_mut("rotation") else {
        return;
    };
    for entry in entries.iter_mut() {
        if let Some(Value::String(template)) = entry.get_mut("armResourceId") {
            *template = service_path(template, s);
        }
    }
    entries.retain_mut(|entry| {
        ["list", "regenerate"]
            .iter()
            .all(|key| match entry.get_mut(*key) {
                Some(Value::String(id)) => match copies.get(id.as_str()) {
                    Some(copy) => {
                        *id = copy.clone();
                        true
                    }
                    None => false,
                },
                _ => false,
            })
    });
    if entries.is_empty()
        && let Value::Mapping(map) = manifest
    {
        map.remove("rotation");
    }
}

/// `path` of service copy `s`: its first literal segment after the ARM scaffolding
/// (`subscriptions`, `resourceGroups`, `providers` and their values), the provider namespace or
/// classic `services`, gets `S{s}`, so that the resources of two copies never share an ID shape.
fn service_path(path: &str, s: usize) -> String {
    let mut done = false;
    path.split('/')
        .map(|segment| {
            let scaffolding = segment.is_empty()
                || segment.starts_with('{')
                || matches!(segment, "subscriptions" | "resourceGroups" | "providers");
            if done || scaffolding {
                segment.to_owned()
            } else {
                done = true;
                format!("{segment}S{s}")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Copy `g` of one operation spec; see [`synthesize`].
fn vary(operation: &Value, g: usize, s: usize) -> Value {
    let mut op = operation.clone();
    let suffix = format!("G{g}");
    if let Some(Value::String(id)) = op.get_mut("operationId") {
        *id = match id.split_once('_') {
            Some((group, name)) => format!("{group}{suffix}_{name}"),
            None => format!("{id}{suffix}"),
        };
    }
    if let Some(Value::String(path)) = op.get_mut("path") {
        *path = service_path(path, s);
        path.push_str(&suffix);
    }
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    if let Some(Value::Mapping(schemas)) = op.get_mut("schemas") {
        let old = std::mem::take(schemas);
        for (name, mut schema) in old {
            let Value::String(name) = name else {
                schemas.insert(name, schema);
                continue;
            };
            // An XML root element keeps its wire name.
            if let Some(Value::Mapping(xml)) = schema.get_mut("xml") {
                let key = Value::String("name".into());
                if !xml.contains_key(&key) {
                    xml.insert(key, Value::String(name.clone()));
                }
            }
            let renamed = format!("{name}{suffix}");
            renames.insert(name, renamed.clone());
            schemas.insert(Value::String(renamed), schema);
        }
    }
    rename_references(&mut op, &renames);
    op
}

fn rename_references(value: &mut Value, renames: &BTreeMap<String, String>) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    (
                        Some("schema" | "type" | "items" | "additionalProperties"),
                        Value::String(name),
                    ) => rename(name, renames),
                    // `allOf: [Base]` and a union's `mapping: {value: Variant}` hold only names.
                    (Some("allOf"), Value::Sequence(names)) => {
                        for name in names {
                            if let Value::String(name) = name {
                                rename(name, renames);
                            }
                        }
                    }
                    (Some("mapping"), Value::Mapping(variants)) => {
                        for (_, name) in variants.iter_mut() {
                            if let Value::String(name) = name {
                                rename(name, renames);
                            }
                        }
                    }
                    (_, child) => rename_references(child, renames),
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                rename_references(item, renames);
            }
        }
        _ => {}
    }
}

fn rename(name: &mut String, renames: &BTreeMap<String, String>) {
    if let Some(renamed) = renames.get(name.as_str()) {
        *name = renamed.clone();
    }
}

fn read_yaml(path: &Path) -> std::io::Result<Value> {
    let text = fs::read_to_string(path)?;
    serde_yaml::from_str(&text).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: {e}", path.display()),
        )
    })
}

fn write_yaml(path: &Path, value: &Value) -> std::io::Result<()> {
    let text = serde_yaml::to_string(value).map_err(std::io::Error::other)?;
    fs::write(path, text)
}
