//! Stage 4, emit: one `quote!` token stream per generated file, read from the IR only.
//! [`plan`] lists every file the generated crate gets, with the spec files each comes from.

mod client;
mod crate_root;
mod examples;
mod models;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Crate, Scope, TypeRef};

/// One file to generate, before rendering.
pub struct EmittedFile {
    /// Path relative to the generated crate's root, `/`-separated.
    pub path: String,
    /// Spec files it is made from, for the header.
    pub sources: Vec<String>,
    /// Its items.
    pub tokens: TokenStream,
}

/// Every file of the generated crate, in a stable order.
pub fn plan(ir: &Crate) -> Vec<EmittedFile> {
    let mut files = vec![crate_root::lib_rs(ir)];
    if ir
        .services
        .iter()
        .any(|s| s.operations.iter().any(|op| !op.examples.is_empty()))
    {
        files.push(crate_root::examples_main_rs(ir));
    }
    if let Some(common) = &ir.common {
        files.push(EmittedFile {
            path: "src/common.rs".into(),
            sources: vec![common.source.clone()],
            tokens: models::common_module(common),
        });
    }
    for service in &ir.services {
        let dir = format!("src/{}", service.module);
        files.push(EmittedFile {
            path: format!("{dir}/mod.rs"),
            sources: service.sources.clone(),
            tokens: crate_root::service_mod_rs(service),
        });
        files.push(EmittedFile {
            path: format!("{dir}/models.rs"),
            sources: service.sources.clone(),
            tokens: models::service_models(service),
        });
        files.push(EmittedFile {
            path: format!("{dir}/client.rs"),
            sources: service.sources.clone(),
            tokens: client::client_rs(service),
        });
        if service.operations.iter().any(|op| !op.examples.is_empty()) {
            files.push(EmittedFile {
                path: format!("tests/examples/{}.rs", service.module),
                sources: service.sources.clone(),
                tokens: examples::examples_rs(service),
            });
        }
    }
    files
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
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = ...]` lines (inner), for module documentation.
pub(crate) fn inner_docs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
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
pub(crate) fn type_tokens(ty: &TypeRef, from_common: bool) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Secret => quote! { Secret },
        TypeRef::Integer => quote! { i64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::Any => quote! { serde_json::Value },
        TypeRef::Array(item) => {
            let item = type_tokens(item, from_common);
            quote! { Vec<#item> }
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
    use super::sanitize;

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
