//! Stage 2, validate: every check that needs more than one field, over the whole spec set.
//! All problems are collected, in file order, so one run reports every mistake, each located by
//! file, line, column and field path (see [`crate::locate`]).
//!
//! Besides what the spec says about itself (placeholders and path parameters, references,
//! unique names, patterns, enum values, examples against their own spec), the checks cover
//! everything that would make the generated crate fail to compile or its example tests fail:
//! Rust names that collide after case conversion or with names the generated code uses itself,
//! types that contain themselves, and example values the generated tests could not reproduce.
//!
//! This module is the driver: [`validate`] walks `common.yaml`, then each service (its folder,
//! `service.yaml`, then each operation file in order), then the cycles across the whole set.
//! The checks live in one submodule per part of the spec, each an `impl Cx` block whose methods
//! report through `Cx::error` and `Cx::warn`. Diagnostics come out in the order the checks run:
//! the order of the calls here, in `Cx::operation` and in `Cx::schema`. A new kind of check is
//! a new submodule, called from the check it refines (an operation-level check from
//! `operation`, a schema-level one from `schema`) or from the driver here.

mod acknowledge;
mod endpoints;
mod example_bodies;
mod examples;
mod names;
mod operations;
mod paging;
mod parameters;
mod properties;
mod references;
mod responses;
mod rotation;
mod schemas;
mod service;
mod syntax;
mod xml_bodies;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{COMMON_FILE, Loaded, LoadedService, OperationFile, SpecSet};
use crate::locate::{FieldPath, locate};
use crate::names::snake;
use crate::resolve::{Home, Resolver};

pub use acknowledge::acknowledge;
pub use parameters::constraint_problem;

use names::ServiceNames;

/// Checks the set; returns every error and warning found.
pub fn validate(set: &SpecSet) -> Diagnostics {
    validate_with(set, &Resolver::new(set))
}

/// [`validate`] with the set's resolver made already (the IR uses the same one).
pub fn validate_with<'s>(set: &'s SpecSet, resolver: &Resolver<'s>) -> Diagnostics {
    let mut out = Diagnostics::default();
    let common_complete = !set.unloaded.iter().any(|p| p == COMMON_FILE);
    if let Some(common) = &set.common {
        let mut cx = Cx {
            file: &common.path,
            text: &common.text,
            home: Home::Common,
            resolver,
            out: &mut out,
            refs_complete: common_complete,
        };
        let root = FieldPath::root();
        cx.docs(&root.key("docs"), &common.spec.docs);
        cx.schemas();
        cx.endpoint_sets(&common.spec.endpoints);
    }
    let endpoint_sets: Vec<&str> = set
        .common
        .iter()
        .flat_map(|common| common.spec.endpoints.keys().map(String::as_str))
        .collect();
    // The one check across services, done first: which earlier folder gives the same module.
    let mut modules: BTreeMap<String, &str> = BTreeMap::new();
    let earlier: Vec<Option<&str>> = set
        .services
        .iter()
        .map(|service| modules.insert(snake(&service.folder), &service.folder))
        .collect();
    // Services are otherwise checked independently: on every core, reported in folder order.
    let services: Vec<(&LoadedService, Option<&str>)> = set.services.iter().zip(earlier).collect();
    let known = Known {
        endpoint_sets: &endpoint_sets,
        common_complete,
    };
    let found = crate::parallel::map(&services, |(service, earlier)| {
        let prefix = format!("{}/", service.folder);
        let complete = common_complete && !set.unloaded.iter().any(|p| p.starts_with(&prefix));
        let mut out = Diagnostics::default();
        validate_service(service, resolver, complete, *earlier, &known, &mut out);
        out
    });
    for diagnostics in found {
        out.extend(diagnostics);
    }
    references::cycles(set, resolver, &mut out);
    rotation::overlaps(set, &mut out);
    out
}

/// What a service is checked against besides schemas: the endpoint sets `common.yaml` defines,
/// and whether it loaded (when it did not, a set named but not found may be there).
struct Known<'a> {
    endpoint_sets: &'a [&'a str],
    common_complete: bool,
}

fn validate_service<'b>(
    service: &'b LoadedService,
    resolver: &Resolver<'b>,
    refs_complete: bool,
    same_module: Option<&str>,
    known: &Known<'_>,
    out: &mut Diagnostics,
) {
    let manifest = &service.manifest;
    let mut cx = Cx {
        file: &manifest.path,
        text: &manifest.text,
        home: Home::Service(&service.folder),
        resolver,
        out,
        refs_complete,
    };
    cx.service_folder(&service.folder, same_module);
    cx.service_manifest(&manifest.spec);
    cx.service_endpoint(
        &manifest.spec.endpoint,
        known.endpoint_sets,
        known.common_complete,
    );
    cx.schemas();

    // Names shared by the whole service module: models (from every file), the client, and each
    // operation's options struct and method.
    let mut names = ServiceNames::new(service, resolver, refs_complete, out);
    for op in &service.operations {
        let mut cx = cx_for(op, service, resolver, refs_complete, out);
        names.operation(&mut cx, op);
        cx.path_provider(&op.spec.path, &manifest.spec.namespace);
        cx.schemas();
        cx.operation(&op.spec);
    }
    paging::page_schemas(service, resolver, refs_complete, out);

    // Resource ID types and rotation entries, which read every operation of the service.
    let ids = crate::resource_paths::service_ids(service);
    rotation::id_names(service, &ids, &names, out);
    let mut cx = Cx {
        file: &manifest.path,
        text: &manifest.text,
        home: Home::Service(&service.folder),
        resolver,
        out,
        refs_complete,
    };
    cx.rotation(service, &names, &ids);
}

fn cx_for<'a, 'b>(
    op: &'b Loaded<OperationFile>,
    service: &'b LoadedService,
    resolver: &'a Resolver<'b>,
    refs_complete: bool,
    out: &'a mut Diagnostics,
) -> Cx<'a, 'b> {
    Cx {
        file: &op.path,
        text: &op.text,
        home: Home::Operation(&service.folder, &op.path),
        resolver,
        out,
        refs_complete,
    }
}

/// A diagnostic at `at` in a file, with the line and column found in its text.
fn located(
    file: &str,
    text: &str,
    at: &FieldPath,
    message: impl Into<String>,
    help: Option<String>,
) -> Diagnostic {
    let diag = Diagnostic::new(file, at.to_string(), message, help);
    match locate(text, at) {
        Some((line, column)) => diag.at_in(text, line, column),
        None => diag,
    }
}

/// Where the checks report: the file being checked, and the diagnostics found so far.
struct Cx<'a, 'b> {
    file: &'a str,
    text: &'a str,
    /// The file being checked, as the resolver knows it: references resolve from here.
    home: Home<'b>,
    resolver: &'a Resolver<'b>,
    out: &'a mut Diagnostics,
    /// False when a file that references here could point into failed to load: then an
    /// unresolved reference is not reported, since it may be that file's fault.
    refs_complete: bool,
}

impl Cx<'_, '_> {
    fn error(&mut self, at: &FieldPath, message: impl Into<String>, help: Option<String>) {
        self.out
            .push(located(self.file, self.text, at, message, help));
    }

    /// An error at `needle` inside the value at `at` (a placeholder inside `path`, say).
    fn error_within(
        &mut self,
        at: &FieldPath,
        needle: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let mut diag = located(self.file, self.text, at, message, help);
        if let (Some((line, column)), Some(source)) = (diag.position, &diag.source_line) {
            let start = source
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(source.len(), |(i, _)| i);
            if let Some(offset) = source[start..].find(needle) {
                let column = source[..start + offset].chars().count() + 1;
                diag = diag.at_in(self.text, line, column);
            }
        }
        self.out.push(diag);
    }

    /// A warning of the kind `code` (one of [`acknowledge::WARNINGS`]).
    fn warn(
        &mut self,
        code: &'static str,
        at: &FieldPath,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        debug_assert!(acknowledge::WARNINGS.iter().any(|(c, _)| *c == code));
        self.out
            .push(located(self.file, self.text, at, message, help).warning(code));
    }

    /// Documentation becomes doc comments, and the generated crate denies missing docs.
    fn docs(&mut self, at: &FieldPath, text: &str) {
        if text.trim().is_empty() {
            self.error(
                at,
                "documentation is empty",
                Some("copy the description from the documentation page; the generated crate documents every item".into()),
            );
        }
    }
}
