//! Stage 4, emit: one `quote!` token stream per generated file, read from the IR only.
//! [`plan`] lists every file the generated crate gets, with the spec files each comes from.

pub mod cli;
mod client;
mod crate_root;
mod doubles;
mod endpoints;
mod examples;
mod models;
mod resource_ids;
mod rotation;

use std::cell::RefCell;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{CommonModule, Crate, EndpointsModule, Scope, Service, TypeRef};

/// One file to generate, before rendering.
pub struct EmittedFile {
    /// Path relative to the generated crate's root, `/`-separated.
    pub path: String,
    /// Spec files it is made from, for the header.
    pub sources: Vec<String>,
    /// Its items.
    pub tokens: TokenStream,
    /// Documentation set aside while emitting: the tokens hold a placeholder doc line,
    /// [`DOC_PLACEHOLDER`] and an index into this list, that rendering replaces with the
    /// block's lines (each `""` or `" text"`, as `#[doc]` values). Empty when every doc
    /// attribute is in the tokens.
    pub docs: Vec<Vec<String>>,
}

/// Starts the value of a placeholder doc attribute: a control character, so no documentation
/// line (each `""` or starting with a space) starts with it, and one proc-macro2 escapes
/// without the Unicode table searches a private-use character cost (1.3% of all instructions).
pub const DOC_PLACEHOLDER: char = '\u{1}';

thread_local! {
    /// The documentation blocks of the file being emitted on this thread, while
    /// [`setting_docs_aside`] runs.
    static DOCS_SET_ASIDE: RefCell<Option<Vec<Vec<String>>>> = const { RefCell::new(None) };
}

/// Emits a file with its documentation set aside ([`EmittedFile::docs`]). A third of generated
/// text is documentation, and as doc attributes every line would be escaped into a literal,
/// parsed back by `syn` and unescaped again by `prettyplease` only to be printed as it was;
/// a placeholder per block costs one short literal.
fn setting_docs_aside(emit: impl FnOnce() -> EmittedFile) -> EmittedFile {
    let outer = DOCS_SET_ASIDE.with(|docs| docs.replace(Some(Vec::new())));
    let mut file = emit();
    file.docs = DOCS_SET_ASIDE
        .with(|docs| docs.replace(outer))
        .unwrap_or_default();
    file
}

/// One file of the plan before its tokens exist. Jobs are `Send` (token streams are not), so
/// files can be emitted and rendered on several threads, each emitting its own.
pub struct FileJob<'a> {
    /// Path relative to the generated crate's root, `/`-separated.
    pub path: String,
    kind: Kind<'a>,
}

enum Kind<'a> {
    Lib(&'a Crate),
    ExamplesMain(&'a Crate),
    Common(&'a CommonModule),
    Endpoints(&'a EndpointsModule),
    ServiceMod(&'a Service),
    Models(&'a Service),
    Client(&'a Service),
    Doubles(&'a Service),
    Examples(&'a Service),
    ResourceIds(&'a Service),
    ServiceRotation(&'a Service),
    Rotation(&'a Crate),
}

impl FileJob<'_> {
    /// Emits the file's tokens, its documentation set aside for rendering.
    pub fn emit(&self) -> EmittedFile {
        setting_docs_aside(|| self.emit_tokens())
    }

    fn emit_tokens(&self) -> EmittedFile {
        let file = |tokens: TokenStream, sources: &[String]| EmittedFile {
            path: self.path.clone(),
            sources: sources.to_vec(),
            tokens,
            docs: Vec::new(),
        };
        match self.kind {
            Kind::Lib(ir) => crate_root::lib_rs(ir),
            Kind::ExamplesMain(ir) => crate_root::examples_main_rs(ir),
            Kind::Common(common) => file(
                models::common_module(common),
                std::slice::from_ref(&common.source),
            ),
            Kind::Endpoints(endpoints) => file(
                endpoints::endpoints_rs(endpoints),
                std::slice::from_ref(&endpoints.source),
            ),
            Kind::ServiceMod(service) => {
                file(crate_root::service_mod_rs(service), &service.sources)
            }
            Kind::Models(service) => file(models::service_models(service), &service.sources),
            Kind::Client(service) => file(client::client_rs(service), &service.sources),
            Kind::Doubles(service) => file(doubles::doubles_rs(service), &service.sources),
            Kind::Examples(service) => file(examples::examples_rs(service), &service.sources),
            Kind::ResourceIds(service) => file(resource_ids::ids_rs(service), &service.sources),
            Kind::ServiceRotation(service) => {
                file(rotation::service_rotation_rs(service), &service.sources)
            }
            Kind::Rotation(ir) => rotation::rotation_rs(ir),
        }
    }
}

/// Every file of the generated crate, in a stable order.
pub fn jobs(ir: &Crate) -> Vec<FileJob<'_>> {
    let job = |path: String, kind| FileJob { path, kind };
    let has_examples = |s: &Service| s.operations.iter().any(|op| !op.examples.is_empty());
    let mut jobs = vec![job("src/lib.rs".into(), Kind::Lib(ir))];
    if ir.services.iter().any(has_examples) {
        jobs.push(job("tests/examples/main.rs".into(), Kind::ExamplesMain(ir)));
    }
    if let Some(common) = &ir.common {
        jobs.push(job("src/common.rs".into(), Kind::Common(common)));
    }
    if let Some(endpoints) = &ir.endpoints {
        jobs.push(job("src/endpoints.rs".into(), Kind::Endpoints(endpoints)));
    }
    if ir.services.iter().any(|s| !s.rotations.is_empty()) {
        jobs.push(job("src/rotation.rs".into(), Kind::Rotation(ir)));
    }
    for service in &ir.services {
        let dir = format!("src/{}", service.module);
        jobs.push(job(format!("{dir}/mod.rs"), Kind::ServiceMod(service)));
        jobs.push(job(format!("{dir}/models.rs"), Kind::Models(service)));
        jobs.push(job(format!("{dir}/client.rs"), Kind::Client(service)));
        jobs.push(job(format!("{dir}/doubles.rs"), Kind::Doubles(service)));
        if !service.resource_ids.is_empty() {
            jobs.push(job(format!("{dir}/ids.rs"), Kind::ResourceIds(service)));
        }
        if !service.rotations.is_empty() {
            jobs.push(job(
                format!("{dir}/rotation.rs"),
                Kind::ServiceRotation(service),
            ));
        }
        if has_examples(service) {
            jobs.push(job(
                format!("tests/examples/{}.rs", service.module),
                Kind::Examples(service),
            ));
        }
    }
    jobs
}

/// Every file of the generated crate with its tokens, in a stable order.
pub fn plan(ir: &Crate) -> Vec<EmittedFile> {
    jobs(ir).iter().map(FileJob::emit).collect()
}

/// An identifier, raw (`r#type`) where the name says so.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ...]` lines (outer) for a documentation text written by the generator. Spec prose
/// must go through [`prose`] first.
pub(crate) fn docs(text: &str) -> TokenStream {
    match set_aside(doc_lines(text)) {
        Ok(placeholder) => quote! { #[doc = #placeholder] },
        Err(lines) => quote! { #( #[doc = #lines] )* },
    }
}

/// `#![doc = ...]` lines (inner), for module documentation.
pub(crate) fn inner_docs(text: &str) -> TokenStream {
    match set_aside(doc_lines(text)) {
        Ok(placeholder) => quote! { #![doc = #placeholder] },
        Err(lines) => quote! { #( #![doc = #lines] )* },
    }
}

/// The placeholder for a block of doc lines set aside, or the lines back when nothing is being
/// set aside (or there are none: a placeholder would print a line).
fn set_aside(lines: Vec<String>) -> Result<String, Vec<String>> {
    if lines.is_empty() {
        return Err(lines);
    }
    DOCS_SET_ASIDE.with(|docs| match docs.borrow_mut().as_mut() {
        Some(docs) => {
            docs.push(lines);
            Ok(format!("{DOC_PLACEHOLDER}{}", docs.len() - 1))
        }
        None => Err(lines),
    })
}

fn doc_lines(text: &str) -> Vec<String> {
    text.trim()
        .lines()
        .map(|line| {
            let line = line.trim_end();
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// Spec prose made safe for rustdoc, line by line.
pub(crate) fn prose(text: &str) -> String {
    text.trim()
        .lines()
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Spec documentation is prose copied from web pages: bare URLs, `<placeholders>` and `[brackets]`
/// would make rustdoc warn (bare URLs, unclosed HTML tags, broken links). URLs become autolinks,
/// the rest is escaped. Text inside backticks is left alone.
pub(crate) fn sanitize(line: &str) -> String {
    let mut out = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let mut rest = part;
        while let Some(start) = rest.find("https://").or_else(|| rest.find("http://")) {
            out.push_str(&escape_markdown(&rest[..start]));
            let tail = &rest[start..];
            let end = tail
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '`')
                .unwrap_or(tail.len());
            let url = tail[..end].trim_end_matches(['.', ',', ')', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &tail[url.len()..];
        }
        out.push_str(&escape_markdown(rest));
    }
    out
}

fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '<' | '>' | '[' | ']' | '*' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The tokens of a type as seen from `from` (a service module or `common`).
/// A length bound in words (`3 to 50 characters`, `at least 1 item`), or `None` without one.
pub(crate) fn bounds_text(
    min: Option<u64>,
    max: Option<u64>,
    (one, many): (&str, &str),
) -> Option<String> {
    let unit = |n: u64| if n == 1 { one } else { many };
    match (min, max) {
        (Some(min), Some(max)) => Some(format!("{min} to {max} {}", unit(max))),
        (Some(min), None) => Some(format!("at least {min} {}", unit(min))),
        (None, Some(max)) => Some(format!("at most {max} {}", unit(max))),
        (None, None) => None,
    }
}

pub(crate) fn type_tokens(ty: &TypeRef, from_common: bool) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Secret => quote! { Secret },
        TypeRef::Integer => quote! { i64 },
        TypeRef::Int32 => quote! { i32 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Float => quote! { f32 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::DateTime => quote! { OffsetDateTime },
        TypeRef::Any => quote! { serde_json::Value },
        TypeRef::Array(item) => {
            let item = type_tokens(item, from_common);
            quote! { Vec<#item> }
        }
        TypeRef::Map(item) => {
            let item = type_tokens(item, from_common);
            quote! { BTreeMap<String, #item> }
        }
        TypeRef::Model { scope, name } => {
            let name = ident(name);
            match scope {
                Scope::Common if !from_common => quote! { crate::common::#name },
                _ => quote! { #name },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{bounds_text, sanitize};

    #[test]
    fn bounds_read_as_words_with_the_right_number() {
        let chars = ("character", "characters");
        assert_eq!(
            bounds_text(Some(1), None, chars).unwrap(),
            "at least 1 character"
        );
        assert_eq!(
            bounds_text(Some(2), None, chars).unwrap(),
            "at least 2 characters"
        );
        assert_eq!(
            bounds_text(None, Some(1), ("item", "items")).unwrap(),
            "at most 1 item"
        );
        assert_eq!(
            bounds_text(Some(0), Some(1), chars).unwrap(),
            "0 to 1 character"
        );
        assert_eq!(
            bounds_text(Some(3), Some(50), chars).unwrap(),
            "3 to 50 characters"
        );
        assert_eq!(bounds_text(None, None, chars), None);
    }

    #[test]
    fn makes_web_prose_safe_for_rustdoc() {
        assert_eq!(
            sanitize("GET https://example.com/a."),
            "GET <https://example.com/a>."
        );
        assert_eq!(
            sanitize("Replace <subscription-id> [x]"),
            r"Replace \<subscription-id\> \[x\]"
        );
        assert_eq!(sanitize("keep `<code>` as is"), "keep `<code>` as is");
        assert_eq!(
            sanitize("snake_case and *stars*"),
            r"snake\_case and \*stars\*"
        );
    }
}
