//! `src/<service>/doubles.rs` (feature `test-doubles`): an expectation per operation, for the
//! mock server of `azure_mgmt::doubles`. Each matches the request the client sends (method,
//! encoded path, fixed and required query, fixed headers, and the body when given) and answers
//! with a typed model, the service's own error shape, or a 202 and status polls.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::client::{collect_model, error_contract_path, http_method_variant};
use super::{docs, ident, type_tokens};
use crate::ir::{Format, Location, Operation, PathPiece, Returns, Service};

pub fn doubles_rs(service: &Service) -> TokenStream {
    let client = ident(&service.client);
    let mut models: BTreeSet<String> = BTreeSet::new();
    for op in &service.operations {
        if let Some(body) = &op.body {
            collect_model(&body.ty, &mut models);
        }
        if let Some(result) = op.returns.body() {
            collect_model(&result.ty, &mut models);
        }
        if let Some(paging) = &op.paging {
            models.insert(paging.page.clone());
            if paging.next_link.is_some() {
                collect_model(&paging.item, &mut models);
            }
        }
        if op.error.scope == crate::ir::Scope::Local {
            models.insert(op.error.constant.clone());
        }
    }
    let models = models.iter().map(|m| ident(m));
    let operations = service.operations.iter().map(|op| operation(service, op));
    let doc = format!(
        "Test doubles for [`{0}`]: one expectation per operation, served by [`MockAzure`](crate::doubles::MockAzure) (feature `test-doubles`).\n\nEach function takes the method's arguments and expects the request the client sends for them: the method, the path with each argument encoded as the client encodes it, the fixed and required query parameters (other query parameters are not checked) and the fixed headers. `body` also requires the request body. The reply is set last: `returns` (a typed model), `returns_with_status` (one success status among several, as a DELETE's 200 or 204), `fails` (an error status in the service's own error shape), for long-running operations `accepts` (202, then status polls, then the result), `operation_fails` and `operation_canceled`, and for paged operations `pages` (a whole list, page after page) and `pages_then_fails` (a list that breaks partway). `reply_header` and `times` on the reply add a response header and a required number of calls.",
        service.client
    );
    let doc = super::inner_docs(&doc);
    // The client module's parameter statics that the expected paths encode with.
    let specs: BTreeSet<&str> = service
        .operations
        .iter()
        .flat_map(|op| &op.params)
        .filter(|p| p.fixed.is_none() && p.location == Location::Path)
        .map(|p| p.spec_static.as_str())
        .collect();
    let specs = specs.into_iter().map(ident);
    // Only a list that breaks partway (`pages_then_fails`) describes an error on its own.
    let error_reply = service
        .operations
        .iter()
        .any(|op| op.paging.as_ref().is_some_and(|p| p.next_link.is_some()))
        .then(|| quote! { ErrorReply, });
    quote! {
        #doc

        use std::sync::Arc;

        use azure_core::credentials::TokenCredential;
        use azure_core::http::Method;

        use super::client::{#client, #(#specs),*};
        use super::models::{#(#models),*};
        use crate::doubles::{#error_reply Expectation, TestClient, expected_path};
        use crate::support::{BodyFormat, ClientOptions, PathPart, Result};

        impl TestClient for #client {
            fn with_options(credential: Arc<dyn TokenCredential>, options: ClientOptions) -> Result<Self> {
                Self::new(credential, Some(options))
            }
        }

        #(#operations)*
    }
}

fn format_tokens(format: Format) -> TokenStream {
    match format {
        Format::Json => quote! { BodyFormat::Json },
        Format::Xml => quote! { BodyFormat::Xml },
    }
}

fn operation(service: &Service, op: &Operation) -> TokenStream {
    let function = ident(&op.method_name);
    let name = ident(
        op.options_name
            .strip_suffix("Options")
            .unwrap_or(&op.options_name),
    );
    let method = ident(&http_method_variant(&op.http_method));
    let args: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && p.required)
        .collect();
    let arg_list = args.iter().map(|p| {
        let arg = ident(&p.name);
        quote! { #arg: &str, }
    });
    let parts = op.path.iter().map(|piece| match piece {
        PathPiece::Literal(text) => quote! { PathPart::Literal(#text) },
        PathPiece::Param(i) => {
            let p = &op.params[*i];
            let spec = ident(&p.spec_static);
            let arg = ident(&p.name);
            quote! { PathPart::Param(&#spec, #arg) }
        }
    });
    let query = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query && (p.fixed.is_some() || p.required))
        .map(|p| {
            let wire = &p.wire;
            match &p.fixed {
                Some(value) => quote! { (#wire, #value) },
                None => {
                    let arg = ident(&p.name);
                    quote! { (#wire, #arg) }
                }
            }
        });
    let headers: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Header && (p.fixed.is_some() || p.required))
        .map(|p| {
            let wire = p.wire.to_ascii_lowercase();
            match &p.fixed {
                Some(value) => quote! { (#wire, #value) },
                None => {
                    let arg = ident(&p.name);
                    quote! { (#wire, #arg) }
                }
            }
        })
        .collect();
    let with_headers = (!headers.is_empty()).then(|| quote! { .with_headers(&[#(#headers),*]) });
    let client_method = format!("{}::{}", service.client, op.method_name);
    let function_doc = docs(&format!(
        "Expects a call of [`{client_method}`](super::{client_method}) with these arguments: `{} {}`.",
        op.http_method, op.path_template
    ));
    let struct_doc = docs(&format!(
        "An expected call of [`{client_method}`](super::{client_method}); set its reply to serve it."
    ));
    let body = op.body.as_ref().map(|body| {
        let ty = type_tokens(&body.ty, false);
        let format = format_tokens(body.format);
        let (root, namespace) = body.xml_root.clone().unwrap_or_default();
        let namespace = match namespace {
            Some(ns) => quote! { Some(#ns) },
            None => quote! { None },
        };
        quote! {
            /// Requires the request body the client writes for `parameters`.
            pub fn body(mut self, parameters: &#ty) -> Self {
                self.expectation = self.expectation.with_body(parameters, #format, #root, #namespace);
                self
            }
        }
    });
    let replies = replies(op);
    let error_contract = error_contract_path(op);
    let (error_root, error_namespace) = op.error.xml_root.clone().unwrap_or_default();
    let error_namespace = match error_namespace {
        Some(ns) => quote! { Some(#ns) },
        None => quote! { None },
    };
    let pages_then_fails = op.paging.as_ref().and_then(|paging| {
        let next_link = &paging.next_link.as_ref()?.wire;
        let items = &paging.items.wire;
        let item = type_tokens(&paging.item, false);
        let status = op
            .success
            .iter()
            .find(|s| s.ty.is_some())
            .map_or(200, |s| s.status);
        let doc = docs(&format!(
            "Answers with the list as `pages`, in turn (status {status}), as `pages` does, but the last page links on, and that link answers with `status` and an error body in the service's own error shape, carrying `code` and `message`: a list that breaks partway."
        ));
        Some(quote! {
            #doc
            pub fn pages_then_fails(self, pages: &[Vec<#item>], status: u16, code: &str, message: &str) -> Expectation {
                self.expectation.reply_pages_then_error(
                    #status,
                    pages,
                    #items,
                    #next_link,
                    ErrorReply {
                        status,
                        contract: &#error_contract,
                        root: #error_root,
                        namespace: #error_namespace,
                        code,
                        message,
                    },
                )
            }
        })
    });
    quote! {
        #function_doc
        pub fn #function(#(#arg_list)*) -> #name {
            let path = expected_path(&[#(#parts),*]);
            #name {
                expectation: Expectation::new(Method::#method, path, &[#(#query),*])#with_headers,
            }
        }

        #struct_doc
        #[derive(Debug)]
        #[must_use = "an expectation does nothing until its reply is set and it is given to `MockAzure::expect`"]
        pub struct #name {
            expectation: Expectation,
        }

        impl #name {
            #body

            #replies

            /// Answers with `status` and an error body in the service's own error shape, carrying `code` and `message`.
            pub fn fails(self, status: u16, code: &str, message: &str) -> Expectation {
                self.expectation.reply_error(status, &#error_contract, #error_root, #error_namespace, code, message)
            }

            #pages_then_fails
        }
    }
}

/// `returns_with_status`, for an operation that is not long-running and has several success
/// statuses (a DELETE's 200 and 204, a PUT's 200 and 201): `returns` answers with one of them,
/// this with the one the test names.
fn with_status(
    op: &Operation,
    model_ty: Option<&TokenStream>,
    format: &TokenStream,
    root: &str,
    namespace: &TokenStream,
) -> Option<TokenStream> {
    if op.success.len() < 2 || op.long_running.is_some() || op.paging.is_some() {
        return None;
    }
    let statuses: Vec<u16> = op.success.iter().map(|s| s.status).collect();
    let status_literals = statuses
        .iter()
        .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
    let listed = match statuses.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => {
            let rest: Vec<String> = rest.iter().map(u16::to_string).collect();
            format!("{} or {last}", rest.join(", "))
        }
        None => String::new(),
    };
    let panics = "# Panics\n\nWhen `status` is not one of those: the service never answers it.";
    let (doc, params, model) = match (model_ty, &op.returns) {
        (None, _) => (
            format!("Answers with `status`, {listed}, and no body.\n\n{panics}"),
            quote! {},
            quote! { None::<&()> },
        ),
        (Some(ty), Returns::Sometimes(..)) => (
            format!(
                "Answers with `status`, {listed}, and `model` as its body (`None` for a status without one).\n\n{panics}"
            ),
            quote! { , model: Option<&#ty> },
            quote! { model },
        ),
        (Some(ty), _) => (
            format!("Answers with `status`, {listed}, and `model`.\n\n{panics}"),
            quote! { , model: &#ty },
            quote! { Some(model) },
        ),
    };
    let doc = docs(&doc);
    Some(quote! {
        #doc
        pub fn returns_with_status(self, status: u16 #params) -> Expectation {
            self.expectation.reply_success(status, &[#(#status_literals),*], #model, #format, #root, #namespace)
        }
    })
}

/// `returns` (and `accepts`, `operation_fails`, `operation_canceled` for a long-running
/// operation).
fn replies(op: &Operation) -> TokenStream {
    let first = op.success.first().map_or(200, |s| s.status);
    let with_body = op
        .success
        .iter()
        .find(|s| s.ty.is_some())
        .map_or(first, |s| s.status);
    let without_body = op
        .success
        .iter()
        .find(|s| s.ty.is_none())
        .map_or(first, |s| s.status);
    let (model_ty, format, root, namespace) = match (&op.paging, op.returns.body()) {
        (Some(paging), _) => {
            let page = ident(&paging.page);
            (Some(quote! { #page }), Format::Json, String::new(), None)
        }
        (None, Some(body)) => {
            let response = op.success.iter().find(|s| s.ty.is_some());
            (
                Some(type_tokens(&body.ty, false)),
                body.format,
                body.xml_root.clone().unwrap_or_default(),
                response.and_then(|r| r.xml_namespace.clone()),
            )
        }
        (None, None) => (None, Format::Json, String::new(), None),
    };
    let format = format_tokens(format);
    let namespace = match namespace {
        Some(ns) => quote! { Some(#ns) },
        None => quote! { None },
    };
    let returns = match (&model_ty, &op.returns) {
        (Some(ty), Returns::Sometimes(..)) => quote! {
            /// Answers with `model`: with its body and the first status that has one, or, for `None`, the first status without a body.
            pub fn returns(self, model: Option<&#ty>) -> Expectation {
                let status = if model.is_some() { #with_body } else { #without_body };
                self.expectation.reply(status, model, #format, #root, #namespace)
            }
        },
        (Some(ty), _) => {
            let doc = if op.paging.is_some() {
                format!(
                    "Answers with `model` (status {with_body}), one page of the list: a next link in it is followed as the service's would be (`pages` serves a whole list)."
                )
            } else {
                format!("Answers with `model` (status {with_body}).")
            };
            let doc = docs(&doc);
            quote! {
                #doc
                pub fn returns(self, model: &#ty) -> Expectation {
                    self.expectation.reply(#with_body, Some(model), #format, #root, #namespace)
                }
            }
        }
        (None, _) => {
            let doc = docs(&format!("Answers with status {without_body} and no body."));
            quote! {
                #doc
                pub fn returns(self) -> Expectation {
                    self.expectation.reply(#without_body, None::<&()>, #format, #root, #namespace)
                }
            }
        }
    };
    let returns_with_status = with_status(op, model_ty.as_ref(), &format, &root, &namespace);
    let pages = op.paging.as_ref().and_then(|paging| {
        let next_link = &paging.next_link.as_ref()?.wire;
        let items = &paging.items.wire;
        let item = type_tokens(&paging.item, false);
        let doc = docs(&format!(
            "Answers with the list as `pages`, in turn (status {with_body}): the first page answers this call, and each page but the last links to the next, so that the client reads every item. The links are relative to the server (this call's path and query, and a `$skiptoken` naming the page), so they lead back to it whichever host the client addresses. No pages answer with one empty page."
        ));
        Some(quote! {
            #doc
            pub fn pages(self, pages: &[Vec<#item>]) -> Expectation {
                self.expectation.reply_pages(#with_body, pages, #items, #next_link)
            }
        })
    });
    if op.long_running.is_none() {
        return quote! { #returns #returns_with_status #pages };
    }
    let accepts = match &model_ty {
        Some(ty) => quote! {
            /// Answers 202 with `Azure-AsyncOperation` and `Location` on the server, then `polls` status polls in progress, then `Succeeded` and `result` at `Location`.
            pub fn accepts(self, polls: u64, result: &#ty) -> Expectation {
                self.expectation.reply_accepted(polls, Some(result), #format, #root, #namespace)
            }
        },
        None => quote! {
            /// Answers 202 with `Azure-AsyncOperation` and `Location` on the server, then `polls` status polls in progress, then `Succeeded`.
            pub fn accepts(self, polls: u64) -> Expectation {
                self.expectation.reply_accepted(polls, None::<&()>, #format, #root, #namespace)
            }
        },
    };
    quote! {
        #returns

        #pages

        #accepts

        /// Answers 202, then `polls` status polls in progress, then `Failed` with `code` and `message`.
        pub fn operation_fails(self, polls: u64, code: &str, message: &str) -> Expectation {
            self.expectation.reply_operation_failed(polls, code, message)
        }

        /// Answers 202, then `polls` status polls in progress, then `Canceled` (someone cancelled the operation on the service's side).
        pub fn operation_canceled(self, polls: u64) -> Expectation {
            self.expectation.reply_operation_canceled(polls)
        }
    }
}
