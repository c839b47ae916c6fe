//! The command-line tool's per-operation commands (`cli/src/generated/`): one clap command per
//! service, one subcommand per operation, read from the same IR as the client. Each operation
//! gets a function that builds its command (flags from the parameters' wire names, help from the
//! spec's docs, enum values listed) and one that runs it through the generated client; the
//! hand-written runtime (`cli/src/ops.rs`) does the rest: bodies from flags or `--body`, output,
//! masking of the secret fields listed here, errors and exit codes.

use proc_macro2::TokenStream;
use quote::quote;

use super::{EmittedFile, docs, ident, inner_docs};
use crate::ir::{
    Body, Constraints, Crate, Format, Location, Model, ModelKind, Operation, Param, Returns, Scope,
    Service, TypeRef,
};

/// Flags the hand-written runtime puts on every command (`cli/src/main.rs`): a parameter or
/// body field whose flag would be one of these gets a `param-` or `body-` prefix instead.
pub const RESERVED_FLAGS: &[&str] = &[
    "auth",
    "body",
    "cloud",
    "dry-run",
    "endpoint",
    "help",
    "identity-client-id",
    "no-retry",
    "output",
    "show-secrets",
    "verbose",
    "version",
    "yes",
];

/// One file of the command-line tool's generated part, to emit: like [`super::FileJob`], a job
/// can go to any thread and emits its tokens there (token streams cannot cross threads).
pub struct CliJob<'a> {
    /// Path relative to the `cli` crate's root, `/`-separated.
    pub path: String,
    ir: &'a Crate,
    /// `None` for `src/generated/mod.rs`.
    service: Option<&'a Service>,
}

impl CliJob<'_> {
    /// Emits the file's tokens, its documentation set aside for rendering.
    pub fn emit(&self) -> EmittedFile {
        super::setting_docs_aside(|| match self.service {
            None => mod_rs(self.ir),
            Some(service) => EmittedFile {
                path: self.path.clone(),
                sources: service.sources.clone(),
                tokens: service_rs(self.ir, service),
                docs: Vec::new(),
            },
        })
    }
}

/// Every file of the command-line tool's generated part, paths relative to the `cli` crate.
pub fn jobs(ir: &Crate) -> Vec<CliJob<'_>> {
    let mut jobs = vec![CliJob {
        path: MOD_RS.into(),
        ir,
        service: None,
    }];
    jobs.extend(ir.services.iter().map(|service| CliJob {
        path: format!("src/generated/{}.rs", service.module),
        ir,
        service: Some(service),
    }));
    jobs
}

const MOD_RS: &str = "src/generated/mod.rs";

/// `src/generated/mod.rs`: the services, in folder order.
fn mod_rs(ir: &Crate) -> EmittedFile {
    let modules = ir.services.iter().map(|s| {
        let module = ident(&s.module);
        quote! {
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let services = ir.services.iter().map(|s| {
        let module = ident(&s.module);
        quote! { &#module::SERVICE }
    });
    let sources = ir
        .services
        .iter()
        .flat_map(|s| s.sources.iter().cloned())
        .collect();
    EmittedFile {
        path: MOD_RS.into(),
        sources,
        docs: Vec::new(),
        tokens: quote! {
            //! The per-operation commands, generated from the specs: a module per service, a
            //! subcommand per operation. Regenerate with `cargo xtask codegen`.

            use crate::ops::Service;

            #(#modules)*

            /// Every service, in the order of the spec folders.
            pub static SERVICES: &[&Service] = &[#(#services),*];
        },
    }
}

/// `src/generated/<service>.rs`.
fn service_rs(ir: &Crate, service: &Service) -> TokenStream {
    let module = ident(&service.module);
    let client = ident(&service.client);
    let module_doc = inner_docs(&format!(
        "`{}`: the {} operations, one subcommand each.",
        service.folder, service.title
    ));
    let name = &service.folder;
    let service_doc = docs(&format!("The `{name}` command and its operations."));
    let title = &service.title;
    let about = one_line(&service.docs);
    let entries = service.operations.iter().map(|op| {
        let kebab = kebab(&op.method_name);
        let method = &op.http_method;
        let path = &op.path_template;
        let command = ident(&format!("{}_command", bare(&op.method_name)));
        let run = ident(bare(&op.method_name));
        let request_secrets = paths_tokens(
            &op.body
                .as_ref()
                .map(|b| secret_paths(ir, service, &b.ty))
                .unwrap_or_default(),
        );
        quote! {
            Operation {
                name: #kebab,
                method: #method,
                path: #path,
                command: #command,
                run: #run,
                request_secrets: #request_secrets,
            },
        }
    });
    let functions = service.operations.iter().map(|op| {
        let command = command_fn(ir, service, op);
        let run = run_fn(ir, service, op);
        quote! {
            #command
            #run
        }
    });
    let uses_body = service.operations.iter().any(|op| op.body.is_some());
    let body_imports = uses_body.then(|| quote! { BodyField, FieldKind, });
    let uses_arg = service
        .operations
        .iter()
        .any(|op| op.params.iter().any(|p| p.fixed.is_none()) || op.body.is_some());
    let arg_import = uses_arg.then(|| quote! { Arg, });
    let uses_optional = service
        .operations
        .iter()
        .any(|op| op.params.iter().any(|p| p.fixed.is_none() && !p.required));
    let optional_import = uses_optional.then(|| quote! { optional, });
    let uses_required = service
        .operations
        .iter()
        .any(|op| op.params.iter().any(|p| p.fixed.is_none() && p.required));
    let required_import = uses_required.then(|| quote! { required, });
    quote! {
        #module_doc

        use azure_mgmt::#module::#client;
        use clap::{#arg_import ArgMatches, Command};

        use crate::ops::{#body_imports Invocation, Operation, RunFuture, Service, #optional_import #required_import};

        #service_doc
        pub static SERVICE: Service = Service {
            name: #name,
            title: #title,
            about: #about,
            operations: &[#(#entries)*],
        };

        #(#functions)*
    }
}

/// The method name without a raw prefix.
fn bare(name: &str) -> &str {
    name.trim_start_matches("r#")
}

/// `namespaces_list_keys` -> `namespaces-list-keys`.
fn kebab(snake: &str) -> String {
    bare(snake).replace('_', "-")
}

/// A flag name from a wire name: kebab case, prefixed when the runtime owns the name.
fn flag(wire: &str, prefix: &str) -> String {
    let name = kebab(&crate::names::snake(wire));
    if RESERVED_FLAGS.contains(&name.as_str()) {
        format!("{prefix}-{name}")
    } else {
        name
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of a text, on one line: the short help.
fn first_sentence(text: &str) -> String {
    let line = one_line(text);
    match line.find(". ") {
        Some(end) => line[..=end].to_string(),
        None => line,
    }
}

fn characters(n: u64) -> &'static str {
    if n == 1 { "character" } else { "characters" }
}

fn constraint_text(c: &Constraints) -> String {
    let mut rules = Vec::new();
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => rules.push(format!("{min} to {max} characters")),
        (Some(min), None) => rules.push(format!("at least {min} {}", characters(min))),
        (None, Some(max)) => rules.push(format!("at most {max} {}", characters(max))),
        (None, None) => {}
    }
    if let Some(pattern) = &c.pattern {
        rules.push(format!("matching {pattern}"));
    }
    if rules.is_empty() {
        String::new()
    } else {
        format!(" ({})", rules.join(", "))
    }
}

/// The model a type names, in its service or in `common`.
fn model<'a>(ir: &'a Crate, service: &'a Service, ty: &TypeRef) -> Option<&'a Model> {
    let TypeRef::Model { scope, name } = ty else {
        return None;
    };
    let models = match scope {
        Scope::Local => &service.models,
        Scope::Common => &ir.common.as_ref()?.models,
    };
    models.iter().find(|m| &m.name == name)
}

/// The JSON paths of every secret a value of `ty` may hold: wire names from the value's root,
/// `*` for any item of an array or value of a map. Sorted, without repeats.
pub fn secret_paths(ir: &Crate, service: &Service, ty: &TypeRef) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    walk_secrets(ir, service, ty, &mut Vec::new(), &mut Vec::new(), &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk_secrets(
    ir: &Crate,
    service: &Service,
    ty: &TypeRef,
    prefix: &mut Vec<String>,
    seen: &mut Vec<String>,
    out: &mut Vec<Vec<String>>,
) {
    match ty {
        TypeRef::Secret => out.push(prefix.clone()),
        TypeRef::Array(item) | TypeRef::Map(item) => {
            prefix.push("*".into());
            walk_secrets(ir, service, item, prefix, seen, out);
            prefix.pop();
        }
        TypeRef::Model { name, .. } => {
            // A recursive model's secrets are found on its first visit.
            let Some(model) = model(ir, service, ty).filter(|_| !seen.contains(name)) else {
                return;
            };
            seen.push(name.clone());
            match &model.kind {
                ModelKind::Struct { fields, extra, .. } => {
                    for field in fields {
                        prefix.push(field.wire.clone());
                        walk_secrets(ir, service, &field.ty, prefix, seen, out);
                        prefix.pop();
                    }
                    if let Some(extra) = extra {
                        prefix.push("*".into());
                        walk_secrets(ir, service, extra, prefix, seen, out);
                        prefix.pop();
                    }
                }
                ModelKind::Union { variants, .. } => {
                    for variant in variants {
                        walk_secrets(ir, service, &variant.ty, prefix, seen, out);
                    }
                }
                ModelKind::Enum { .. } => {}
            }
            seen.pop();
        }
        _ => {}
    }
}

/// `&[&["a", "b"], ...]`.
fn paths_tokens(paths: &[Vec<String>]) -> TokenStream {
    let paths = paths.iter().map(|p| quote! { &[#(#p),*] });
    quote! { &[#(#paths),*] }
}

/// A body field that can be given as a flag.
struct FlagField<'a> {
    wire: &'a str,
    flag: String,
    docs: &'a str,
    required: bool,
    kind: &'static str,
    values: Vec<String>,
}

/// The body's fields as flags, when the body is an object of plain values (strings, numbers,
/// booleans, enums); `None` when it must come whole from `--body` (nested objects required,
/// a secret required, a flag that would clash with a parameter's).
fn flag_fields<'a>(
    ir: &'a Crate,
    service: &'a Service,
    op: &Operation,
    body: &Body,
) -> Option<Vec<FlagField<'a>>> {
    let model = model(ir, service, &body.ty)?;
    let ModelKind::Struct {
        fields,
        extra: None,
        ..
    } = &model.kind
    else {
        return None;
    };
    let params: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none())
        .map(|p| flag(&p.wire, "param"))
        .collect();
    let mut flags = Vec::new();
    for field in fields.iter().filter(|f| !f.read_only) {
        let (kind, values) = match &field.ty {
            TypeRef::String | TypeRef::DateTime => ("Text", Vec::new()),
            TypeRef::Integer | TypeRef::Int32 => ("Integer", Vec::new()),
            TypeRef::Number | TypeRef::Float => ("Number", Vec::new()),
            TypeRef::Boolean => ("Boolean", Vec::new()),
            ty @ TypeRef::Model { .. } => match model_enum(ir, service, ty) {
                Some(values) => ("Text", values),
                None if field.required => return None,
                None => continue,
            },
            // Secrets never come from the command line; other shapes come from `--body`.
            _ if field.required => return None,
            _ => continue,
        };
        let flag = flag(&field.wire, "body");
        if params.contains(&flag) {
            return None;
        }
        flags.push(FlagField {
            wire: &field.wire,
            flag,
            docs: &field.docs,
            required: field.required,
            kind,
            values,
        });
    }
    Some(flags)
}

fn model_enum(ir: &Crate, service: &Service, ty: &TypeRef) -> Option<Vec<String>> {
    match &model(ir, service, ty)?.kind {
        ModelKind::Enum { variants } => Some(variants.iter().map(|v| v.wire.clone()).collect()),
        _ => None,
    }
}

fn param_arg(p: &Param) -> TokenStream {
    let id = &p.wire;
    let long = flag(&p.wire, "param");
    let value_name = long.to_ascii_uppercase().replace('-', "_");
    let where_ = match p.location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let help = format!(
        "{}{} [{where_}: {}]",
        one_line(&p.docs),
        constraint_text(&p.constraints),
        p.wire
    );
    let required = p.required;
    quote! {
        .arg(
            Arg::new(#id)
                .long(#long)
                .value_name(#value_name)
                .required(#required)
                .help(#help),
        )
    }
}

fn command_fn(ir: &Crate, service: &Service, op: &Operation) -> TokenStream {
    let name = ident(&format!("{}_command", bare(&op.method_name)));
    let kebab = kebab(&op.method_name);
    let doc = docs(&format!("The `{kebab}` subcommand: `{}`.", op.id));
    let about = first_sentence(&op.docs);
    let mut long = format!(
        "{}\n\n{} {}",
        one_line(&op.docs),
        op.http_method,
        op.path_template
    );
    if op.long_running.is_some() {
        long.push_str("\n\nLong-running: waits for the final result, with progress on stderr.");
    }
    if op.paging.is_some() {
        long.push_str(
            "\n\nPaged: prints the items as the pages arrive (with --output json, one JSON object per line).",
        );
    }
    let params = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none())
        .map(param_arg);
    let body_args = op.body.as_ref().map(|body| {
        let fields = flag_fields(ir, service, op, body);
        let secrets = !secret_paths(ir, service, &body.ty).is_empty();
        let mut help = format!(
            "The request body as JSON: @FILE reads a file, - reads stdin. {}",
            one_line(&body.docs)
        );
        if body.format == Format::Xml {
            help.push_str(" (sent as XML)");
        }
        if secrets {
            help.push_str(" Secret fields are read only from here, never from flags.");
        }
        let flags: Vec<TokenStream> = fields
            .iter()
            .flatten()
            .map(|f| {
                let id = format!("body.{}", f.wire);
                let long = &f.flag;
                let value_name = long.to_ascii_uppercase().replace('-', "_");
                let help = format!("{} [body: {}]", one_line(f.docs), f.wire);
                let parser = match f.kind {
                    "Integer" => quote! { .value_parser(clap::value_parser!(i64)) },
                    "Number" => quote! { .value_parser(clap::value_parser!(f64)) },
                    "Boolean" => quote! { .value_parser(clap::value_parser!(bool)) },
                    _ if !f.values.is_empty() => {
                        let values = &f.values;
                        quote! { .value_parser([#(#values),*]) }
                    }
                    _ => quote! {},
                };
                let required = (f.required && body.required).then(|| {
                    quote! { .required_unless_present("body") }
                });
                quote! {
                    .arg(
                        Arg::new(#id)
                            .long(#long)
                            .value_name(#value_name)
                            #parser
                            #required
                            .conflicts_with("body")
                            .help(#help),
                    )
                }
            })
            .collect();
        // A required body with no flags to build it from must be given whole.
        let body_required = body.required && fields.as_ref().is_none_or(|f| f.is_empty());
        quote! {
            #(#flags)*
            .arg(
                Arg::new("body")
                    .long("body")
                    .value_name("@FILE|-")
                    .required(#body_required)
                    .help(#help),
            )
        }
    });
    quote! {
        #doc
        fn #name() -> Command {
            Command::new(#kebab)
                .about(#about)
                .long_about(#long)
                #(#params)*
                #body_args
        }
    }
}

/// The absolute path of a type, for code outside the generated crate.
fn type_path(ty: &TypeRef, service: &Service) -> TokenStream {
    match ty {
        TypeRef::Model { scope, name } => {
            let name = ident(name);
            match scope {
                Scope::Common => quote! { azure_mgmt::common::#name },
                Scope::Local => {
                    let module = ident(&service.module);
                    quote! { azure_mgmt::#module::#name }
                }
            }
        }
        TypeRef::Array(item) => {
            let item = type_path(item, service);
            quote! { Vec<#item> }
        }
        TypeRef::Map(item) => {
            let item = type_path(item, service);
            quote! { std::collections::BTreeMap<String, #item> }
        }
        other => super::type_tokens(other, false),
    }
}

fn run_fn(ir: &Crate, service: &Service, op: &Operation) -> TokenStream {
    let name = ident(bare(&op.method_name));
    let method = ident(&op.method_name);
    let client = ident(&service.client);
    let module = ident(&service.module);
    let options_name = ident(&op.options_name);
    let doc = docs(&format!(
        "Runs `{}`: calls [`{}::{}`](azure_mgmt::{}::{}::{}) and prints its result.",
        kebab(&op.method_name),
        service.client,
        bare(&op.method_name),
        service.module,
        service.client,
        bare(&op.method_name),
    ));
    let args = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && p.required)
        .map(|p| {
            let id = &p.wire;
            quote! { required(matches, #id), }
        });
    let optional = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && !p.required)
        .map(|p| {
            let field = ident(&p.name);
            let id = &p.wire;
            quote! { #field: optional(matches, #id), }
        });
    let body = op.body.as_ref().map(|body| {
        let ty = type_path(&body.ty, service);
        let fields = flag_fields(ir, service, op, body).unwrap_or_default();
        let fields = fields.iter().map(|f| {
            let wire = f.wire;
            let kind = ident(f.kind);
            quote! { BodyField { wire: #wire, kind: FieldKind::#kind }, }
        });
        if body.required {
            quote! {
                let parameters: #ty = invocation.body(matches, &[#(#fields)*])?;
            }
        } else {
            quote! {
                let parameters: Option<#ty> = invocation.optional_body(matches, &[#(#fields)*])?;
            }
        }
    });
    let body_arg = op
        .body
        .as_ref()
        .filter(|b| b.required)
        .map(|_| quote! { &parameters, });
    let body_option = op
        .body
        .as_ref()
        .filter(|b| !b.required)
        .map(|_| quote! { parameters, });
    let optional: Vec<TokenStream> = optional.chain(body_option).collect();
    let options = if optional.is_empty() {
        quote! { let options = azure_mgmt::#module::#options_name::default(); }
    } else {
        quote! {
            let options = azure_mgmt::#module::#options_name {
                #(#optional)*
                ..Default::default()
            };
        }
    };
    let result_type = op.returns.body().map(|b| &b.ty);
    let item_type = op.paging.as_ref().map(|p| &p.item);
    let secrets = paths_tokens(
        &item_type
            .or(result_type)
            .map(|ty| secret_paths(ir, service, ty))
            .unwrap_or_default(),
    );
    let call = quote! {
        client.#method(#(#args)* #body_arg Some(options))
    };
    let finish = if op.long_running.is_some() {
        quote! { invocation.wait(#call?, #secrets).await }
    } else if op.paging.is_some() {
        quote! { invocation.stream(#call?, #secrets).await }
    } else {
        match op.returns {
            Returns::Nothing => quote! { invocation.print_status(#call.await?) },
            _ => quote! { invocation.print_response(#call.await?, #secrets) },
        }
    };
    quote! {
        #doc
        fn #name<'a>(matches: &'a ArgMatches, invocation: &'a Invocation) -> RunFuture<'a> {
            Box::pin(async move {
                let client = #client::new(invocation.credential(), Some(invocation.client_options()))?;
                #body
                #options
                #finish
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_kebab_case_wire_names_kept_clear_of_the_runtime_flags() {
        assert_eq!(flag("resourceGroupName", "param"), "resource-group-name");
        assert_eq!(flag("api-version", "param"), "api-version");
        assert_eq!(flag("keyType", "body"), "key-type");
        // A wire name the runtime owns as a global flag gets the prefix instead.
        assert_eq!(flag("output", "param"), "param-output");
        assert_eq!(flag("body", "param"), "param-body");
        assert_eq!(flag("showSecrets", "body"), "body-show-secrets");
        assert_eq!(flag("type", "body"), "type");
    }

    #[test]
    fn short_help_is_the_first_sentence_on_one_line() {
        assert_eq!(
            first_sentence("Regenerates a key.\nThe old one  stops working."),
            "Regenerates a key."
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
        assert_eq!(
            first_sentence("Version 1.2 ends here."),
            "Version 1.2 ends here."
        );
    }

    #[test]
    fn constraints_are_said_in_the_help() {
        let c = Constraints {
            min_length: Some(1),
            max_length: Some(90),
            pattern: Some("^[a-z]+$".into()),
        };
        assert_eq!(
            constraint_text(&c),
            " (1 to 90 characters, matching ^[a-z]+$)"
        );
        assert_eq!(constraint_text(&Constraints::default()), "");
        let one = Constraints {
            min_length: Some(1),
            ..Constraints::default()
        };
        assert_eq!(constraint_text(&one), " (at least 1 character)");
    }
}
