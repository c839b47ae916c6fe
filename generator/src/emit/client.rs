//! The client of one service: its struct, constructor, and one method and options struct per
//! operation. Every request is built through the hand-written `support` module, so the shared
//! logic (encoding, checks, errors, polling) exists once and each method stays a short recipe.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{bounds_text, docs, ident, prose, type_tokens};
use crate::ir::{
    Body, Constraints, FinalState, Format, Location, Operation, Paging, Param, ParamSpecStatic,
    PathPiece, ResultBody, Returns, Scope, Service, TypeRef,
};

/// `src/<service>/client.rs`.
pub fn client_rs(service: &Service) -> TokenStream {
    let mut support: BTreeSet<&str> = ["ClientCore", "ClientOptions", "Result"].into();
    let mut models: BTreeSet<String> = BTreeSet::new();
    let uses_regex = service
        .param_specs
        .iter()
        .any(|spec| spec.constraints.pattern.is_some());
    let uses_params = !service.param_specs.is_empty();
    let mut uses_method_options = false;
    let mut uses_pager_options = false;
    for op in &service.operations {
        if !op.path.is_empty() {
            support.insert("PathPart");
        }
        if let Some(body) = &op.body {
            support.insert(match body.format {
                Format::Json => "set_json_body",
                Format::Xml => "set_xml_body",
            });
            collect_model(&body.ty, &mut models);
        }
        if let Some(result) = op.returns.body() {
            collect_model(&result.ty, &mut models);
        }
        if let Some(paging) = &op.paging {
            collect_model(&paging.item, &mut models);
        }
        if op.error.scope == Scope::Local {
            models.insert(op.error.constant.clone());
        }
        if op.long_running.is_some() {
            support.extend(["FinalState", "Poller"]);
            if op.returns.body().is_some() {
                support.insert("BodyFormat");
            }
        } else if op.paging.is_some() {
            support.extend(["Page", "Pager"]);
            uses_pager_options = true;
        } else {
            uses_method_options = true;
            support.insert("Response");
            let decoder = |body: &ResultBody| match body.format {
                Format::Json => "decode_json",
                Format::Xml => "decode_xml",
            };
            match &op.returns {
                Returns::Nothing => {
                    support.insert("decode_empty");
                }
                Returns::Always(body) => {
                    support.insert(decoder(body));
                }
                Returns::Sometimes(body, _) => {
                    support.extend(["decode_optional", decoder(body)]);
                }
            }
        }
        if op.long_running.is_some() {
            uses_method_options = true;
        }
    }
    if uses_params {
        support.insert("ParamSpec");
    }
    let support = support.iter().map(|s| ident(s));
    let models = models.iter().map(|s| ident(s));
    let regex_imports = uses_regex.then(|| {
        quote! {
            use std::sync::LazyLock;
            use regex::Regex;
        }
    });
    let client = ident(&service.client);
    let endpoint = &service.endpoint;
    let endpoint_type = ident(&endpoint.type_name);
    let namespace = &service.namespace;
    let client_doc = docs(&format!(
        "Client for the {} management operations.\n\n{}\n\nIt is reached through [`{name}`](crate::endpoints::{name}): `{}` in the public cloud, another host in each sovereign cloud (see [`ClientOptions`] for how the cloud, endpoint and token audience are chosen).\n\nCreate one per credential and reuse it: it holds the HTTP pipeline and the token cache.\n\nWith a tracer provider in `client_options.instrumentation`, each call opens a span named after its operation, with `az.namespace` `{namespace}`, as the parent of its HTTP requests' spans (see each method's `# Tracing`).",
        prose(&service.title),
        prose(&service.docs),
        endpoint.azure_public.host,
        name = endpoint.type_name,
    ));
    let new_doc = docs(&format!(
        "Creates a client that authenticates with `credential`.\n\nWith no options it calls `{}` and asks for tokens of the scope `{}/.default`. Set `client_options.cloud` in [`ClientOptions`] for a sovereign or custom cloud, and [`ClientOptions::endpoint`] for a test server.\n\n# Errors\n\n[`ErrorKind::Configuration`](crate::ErrorKind::Configuration) when the endpoint is not an `https` URL, when a custom cloud gives no endpoint or token audience for this client, or when the default transport cannot be built.",
        endpoint.azure_public.host, endpoint.azure_public.audience,
    ));
    let param_specs = service.param_specs.iter().map(param_static);
    let methods = service.operations.iter().map(|op| method(service, op));
    let options = service
        .operations
        .iter()
        .map(|op| options_struct(service, op));
    let pages = page_impls(service);
    let method_options = uses_method_options.then(|| quote! { ClientMethodOptions, });
    let pager_options =
        uses_pager_options.then(|| quote! { use azure_core::http::pager::PagerOptions; });
    quote! {
        //! The client and its per-method options.

        use std::sync::Arc;
        #regex_imports

        use azure_core::credentials::TokenCredential;
        use azure_core::http::{#method_options Method, Request, Url};
        #pager_options

        use super::models::{#(#models),*};
        use crate::endpoints;
        use crate::support::{#(#support),*};

        #(#param_specs)*

        #client_doc
        #[derive(Clone, Debug)]
        pub struct #client {
            core: ClientCore,
        }

        impl #client {
            /// The resource provider namespace of the service: the `az.namespace` of the
            /// client's tracing spans, and the first part of their names.
            pub const NAMESPACE: &'static str = #namespace;

            #new_doc
            pub fn new(credential: Arc<dyn TokenCredential>, options: Option<ClientOptions>) -> Result<Self> {
                let options = options.unwrap_or_default();
                let core = ClientCore::new::<endpoints::#endpoint_type>(credential, options, Self::NAMESPACE)?;
                Ok(Self { core })
            }

            /// The endpoint this client sends requests to.
            pub fn endpoint(&self) -> &Url {
                self.core.endpoint()
            }

            #(#methods)*
        }

        #(#options)*

        #(#pages)*
    }
}

pub(super) fn collect_model(ty: &TypeRef, out: &mut BTreeSet<String>) {
    if let TypeRef::Model {
        scope: Scope::Local,
        name,
    } = ty
    {
        out.insert(name.clone());
    }
}

/// `impl Page` for each page model of the service, once however many operations page it
/// (validation made sure they all read it the same way).
fn page_impls(service: &Service) -> Vec<TokenStream> {
    let mut pages: std::collections::BTreeMap<&str, &Paging> = std::collections::BTreeMap::new();
    for paging in service
        .operations
        .iter()
        .filter_map(|op| op.paging.as_ref())
    {
        pages.entry(paging.page.as_str()).or_insert(paging);
    }
    pages
        .values()
        .map(|paging| {
            let page = ident(&paging.page);
            let item = type_tokens(&paging.item, false);
            let items = ident(&paging.items.name);
            let into_items = if paging.items.optional {
                quote! { self.#items.unwrap_or_default() }
            } else {
                quote! { self.#items }
            };
            let next_link = paging.next_link.as_ref().map(|field| {
                let name = ident(&field.name);
                let link = if field.optional {
                    quote! { self.#name.as_deref() }
                } else {
                    quote! { Some(&self.#name) }
                };
                quote! {
                    fn next_link(&self) -> Option<&str> {
                        #link
                    }
                }
            });
            quote! {
                impl Page for #page {
                    type Item = #item;

                    #next_link

                    fn into_items(self) -> Vec<#item> {
                        #into_items
                    }
                }
            }
        })
        .collect()
}

fn method(service: &Service, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let options_name = ident(&op.options_name);
    let doc = docs(&method_docs(service, op));
    let args = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && p.required)
        .map(|p| {
            let arg = ident(&p.name);
            quote! { #arg: &str, }
        });
    let body_arg = op.body.as_ref().filter(|b| b.required).map(|b| {
        let ty = type_tokens(&b.ty, false);
        quote! { parameters: &#ty, }
    });
    let url = url_expr(op);
    let checks = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && p.location != Location::Path)
        .map(param_check);
    let http_method = ident(&http_method_variant(&op.http_method));
    let span = &op.span_name;
    let headers = op
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .map(|p| {
            let header = p.wire.to_ascii_lowercase();
            match (&p.fixed, p.required) {
                (Some(value), _) => quote! { request.insert_header(#header, #value); },
                (None, true) => {
                    let arg = ident(&p.name);
                    quote! { request.insert_header(#header, #arg.to_string()); }
                }
                (None, false) => {
                    let field = ident(&p.name);
                    quote! {
                        if let Some(value) = &options.#field {
                            request.insert_header(#header, value.clone());
                        }
                    }
                }
            }
        });
    let body = op.body.as_ref().map(body_stmt);
    let error_contract = error_contract_path(op);
    // A poller or pager takes the request by value: it is changed only to add headers or a body.
    let changed = op.body.is_some() || op.params.iter().any(|p| p.location == Location::Header);
    let request = if changed {
        quote! { let mut request = Request::new(url, Method::#http_method); }
    } else {
        quote! { let request = Request::new(url, Method::#http_method); }
    };
    let statuses: Vec<_> = op
        .success
        .iter()
        .map(|s| proc_macro2::Literal::u16_unsuffixed(s.status))
        .collect();
    if let Some(final_state) = op.long_running {
        let result = match op.returns.body() {
            Some(body) => type_tokens(&body.ty, false),
            None => quote! { () },
        };
        let final_state = match final_state {
            FinalState::AzureAsyncOperation => quote! { FinalState::AzureAsyncOperation },
            FinalState::Location => quote! { FinalState::Location },
            FinalState::OriginalUri => quote! { FinalState::OriginalUri },
        };
        let format = match op.returns.body().map(|b| b.format) {
            Some(Format::Json) => quote! { Some(BodyFormat::Json) },
            Some(Format::Xml) => quote! { Some(BodyFormat::Xml) },
            None => quote! { None },
        };
        return quote! {
            #doc
            pub fn #name(
                &self,
                #(#args)*
                #body_arg
                options: Option<#options_name<'_>>,
            ) -> Result<Poller<#result>> {
                    let options = options.unwrap_or_default();
                #url
                #(#checks)*
                #request
                #(#headers)*
                #body
                let poller = self.core.poller(
                    #span,
                    options.method_options.context,
                    request,
                    &[#(#statuses),*],
                    &#error_contract,
                    #final_state,
                    #format,
                );
                Ok(poller)
            }
        };
    }
    if let Some(paging) = &op.paging {
        let page = ident(&paging.page);
        let api_version = match &paging.api_version {
            Some(version) => quote! { Some(#version) },
            None => quote! { None },
        };
        return quote! {
            #doc
            pub fn #name(
                &self,
                #(#args)*
                #body_arg
                options: Option<#options_name<'_>>,
            ) -> Result<Pager<#page>> {
                let options = options.unwrap_or_default();
                #url
                #(#checks)*
                #request
                #(#headers)*
                #body
                let pager = self.core.pager(
                    #span,
                    options.method_options,
                    request,
                    &[#(#statuses),*],
                    #api_version,
                    &#error_contract,
                );
                Ok(pager)
            }
        };
    }
    let xml_root = |body: &ResultBody| body.xml_root.clone().unwrap_or_default();
    let (result, decode) = match &op.returns {
        Returns::Nothing => (quote! { () }, quote! { decode_empty(response) }),
        Returns::Always(body) => {
            let ty = type_tokens(&body.ty, false);
            let decode = match body.format {
                Format::Xml => {
                    let root = xml_root(body);
                    quote! { decode_xml(response, #root) }
                }
                Format::Json => quote! { decode_json(response) },
            };
            (ty, decode)
        }
        Returns::Sometimes(body, with_body) => {
            let ty = type_tokens(&body.ty, false);
            let with_body = with_body
                .iter()
                .map(|s| proc_macro2::Literal::u16_unsuffixed(*s));
            let decoder = match body.format {
                Format::Xml => {
                    let root = xml_root(body);
                    quote! { |response| decode_xml(response, #root) }
                }
                Format::Json => quote! { decode_json },
            };
            (
                quote! { Option<#ty> },
                quote! { decode_optional(response, &[#(#with_body),*], #decoder) },
            )
        }
    };
    quote! {
        #doc
        pub async fn #name(
            &self,
            #(#args)*
            #body_arg
            options: Option<#options_name<'_>>,
        ) -> Result<Response<#result>> {
            let options = options.unwrap_or_default();
            #url
            #(#checks)*
            let mut request = Request::new(url, Method::#http_method);
            #(#headers)*
            #body
            let response = self
                .core
                .call(#span, &options.method_options.context, &mut request, &[#(#statuses),*], &#error_contract)
                .await?;
            #decode
        }
    }
}

pub(super) fn http_method_variant(method: &str) -> String {
    let lower = method.to_ascii_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub(super) fn error_contract_path(op: &Operation) -> TokenStream {
    let constant = ident(&op.error.constant);
    match op.error.scope {
        Scope::Common => quote! { crate::common::#constant },
        Scope::Local => quote! { #constant },
    }
}

/// A `ParamSpec` static (and its pattern) of the client module, which the service's test
/// doubles share.
fn param_static(spec: &ParamSpecStatic) -> TokenStream {
    let name = ident(&spec.name);
    let wire = &spec.wire;
    let c = &spec.constraints;
    let rules = constraint_rules(c);
    let doc = if rules.is_empty() {
        docs(&format!("The `{wire}` parameter."))
    } else {
        docs(&format!("The `{wire}` parameter: {}.", rules.join(", ")))
    };
    let min = option_usize(c.min_length);
    let max = option_usize(c.max_length);
    match &c.pattern {
        Some(pattern) => {
            let pattern_static = ident(&format!("{}_PATTERN", spec.name));
            quote! {
                static #pattern_static: LazyLock<Regex> =
                    LazyLock::new(|| Regex::new(#pattern).expect("pattern checked at generation time"));

                #doc
                pub(super) static #name: ParamSpec = ParamSpec {
                    name: #wire,
                    min_length: #min,
                    max_length: #max,
                    pattern: Some(&#pattern_static),
                };
            }
        }
        None if c.min_length.is_none() && c.max_length.is_none() => quote! {
            #doc
            pub(super) static #name: ParamSpec = ParamSpec::named(#wire);
        },
        None => quote! {
            #doc
            pub(super) static #name: ParamSpec = ParamSpec {
                name: #wire,
                min_length: #min,
                max_length: #max,
                pattern: None,
            };
        },
    }
}

fn option_usize(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::u64_unsuffixed(v);
            quote! { Some(#v) }
        }
        None => quote! { None },
    }
}

/// Checks a query or header parameter; path parameters are checked while the URL is built.
fn param_check(p: &Param) -> TokenStream {
    let spec = ident(&p.spec_static);
    let name = ident(&p.name);
    if p.required {
        quote! { self.core.check(&#spec, #name)?; }
    } else {
        quote! {
            if let Some(value) = &options.#name {
                self.core.check(&#spec, value)?;
            }
        }
    }
}

fn url_expr(op: &Operation) -> TokenStream {
    let parts = op.path.iter().map(|piece| match piece {
        PathPiece::Literal(text) => quote! { PathPart::Literal(#text) },
        PathPiece::Param(index) => {
            let p = &op.params[*index];
            let spec = ident(&p.spec_static);
            let arg = ident(&p.name);
            quote! { PathPart::Param(&#spec, #arg) }
        }
    });
    let fixed = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query && p.fixed.is_some())
        .map(|p| {
            let wire = &p.wire;
            let value = p.fixed.as_deref().unwrap_or_default();
            quote! { (#wire, #value) }
        });
    let required = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query && p.fixed.is_none() && p.required)
        .map(|p| {
            let wire = &p.wire;
            let arg = ident(&p.name);
            quote! { (#wire, #arg) }
        });
    let optional: Vec<_> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query && p.fixed.is_none() && !p.required)
        .collect();
    if optional.is_empty() {
        quote! {
            let url = self.core.url(&[#(#parts),*], &[#(#fixed,)* #(#required),*])?;
        }
    } else {
        let pushes = optional.iter().map(|p| {
            let wire = &p.wire;
            let field = ident(&p.name);
            quote! {
                if let Some(value) = options.#field.as_deref() {
                    query.push((#wire, value));
                }
            }
        });
        quote! {
            let mut query: Vec<(&str, &str)> = vec![#(#fixed,)* #(#required),*];
            #(#pushes)*
            let url = self.core.url(&[#(#parts),*], &query)?;
        }
    }
}

fn body_stmt(body: &Body) -> TokenStream {
    let value = if body.required {
        quote! { parameters }
    } else {
        quote! { body }
    };
    let set = match (&body.format, &body.xml_root) {
        (Format::Xml, Some((root, namespace))) => {
            let namespace = match namespace {
                Some(ns) => quote! { Some(#ns) },
                None => quote! { None },
            };
            quote! { set_xml_body(&mut request, #value, #root, #namespace)?; }
        }
        _ => quote! { set_json_body(&mut request, #value)?; },
    };
    let check = body
        .checked
        .then(|| quote! { self.core.check_body(#value)?; });
    if body.required {
        quote! {
            #check
            #set
        }
    } else {
        quote! {
            if let Some(body) = &options.parameters {
                #check
                #set
            }
        }
    }
}

fn options_struct(service: &Service, op: &Operation) -> TokenStream {
    let name = ident(&op.options_name);
    let doc = format!(
        " Options for [`{}::{}`].",
        service.client,
        op.method_name.trim_start_matches("r#")
    );
    let optional = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && !p.required)
        .map(|p| {
            let field = ident(&p.name);
            let doc = docs(&prose(&p.docs));
            quote! {
                #doc
                pub #field: Option<String>,
            }
        });
    let body = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let doc = docs(&prose(&b.docs));
        let ty = type_tokens(&b.ty, false);
        quote! {
            #doc
            pub parameters: Option<#ty>,
        }
    });
    let method_options = if op.paging.is_some() {
        quote! {
            /// The context of the calls (cancellation, tracing and per-call policies), and the
            /// `continuation` to resume a listing from (see [`Pager::continuation`]).
            pub method_options: PagerOptions<'a>,
        }
    } else {
        quote! {
            /// The context of the call: cancellation, tracing and per-call policies.
            pub method_options: ClientMethodOptions<'a>,
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default)]
        pub struct #name<'a> {
            #method_options
            #(#optional)*
            #body
        }
    }
}

fn method_docs(service: &Service, op: &Operation) -> String {
    let mut text = format!(
        "{}\n\n`{} {}`",
        prose(&op.docs),
        op.http_method,
        op.path_template
    );
    text.push_str("\n\n# Arguments\n");
    for p in op.params.iter().filter(|p| p.fixed.is_none() && p.required) {
        text.push_str(&format!(
            "\n* `{}`: {}{}",
            p.name.trim_start_matches("r#"),
            prose(&one_line(&p.docs)),
            constraint_text(&p.constraints)
        ));
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        text.push_str(&format!(
            "\n* `parameters`: {}",
            prose(&one_line(&body.docs))
        ));
    }
    text.push_str("\n* `options`: optional parameters and the call's context.");
    let statuses = op
        .success
        .iter()
        .map(|s| s.status.to_string())
        .collect::<Vec<_>>();
    let statuses = match statuses.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    if op.long_running.is_some() {
        text.push_str(
            "\n\n# Long-running\n\nThe operation may finish at once or continue on the service. The returned [`Poller`] sends nothing until it is awaited or polled; awaiting it follows the service's status until the final result, waiting as the service's `Retry-After` asks.",
        );
        if op.returns.body().is_none() {
            text.push_str(" The operation has no result body: the final response's status tells how it ended.");
        }
    } else if let Some(paging) = &op.paging {
        if paging.next_link.is_some() {
            text.push_str("\n\n# Paging\n\nA [`Pager`] over the items of every page, which sends nothing until it is polled and fetches each page when the items of the one before are used up. [`Pager::into_pages`] gives whole pages with their status and headers, and [`Pager::continuation`] where to resume through `options.method_options.continuation`. A next page is read only from the endpoint's own host.");
        } else {
            text.push_str("\n\n# Paging\n\nA [`Pager`] over the items of the list, which the service returns in one page; it sends nothing until it is polled. [`Pager::into_pages`] gives the page with its status and headers.");
        }
    } else {
        let returns = match &op.returns {
            Returns::Nothing => format!("The response (status {statuses}), which has no body."),
            Returns::Always(_) => {
                format!("The response (status {statuses}) with its decoded body.")
            }
            Returns::Sometimes(_, with_body) => {
                let with: Vec<String> = with_body.iter().map(u16::to_string).collect();
                format!(
                    "The response (status {statuses}): its model is `Some` with the decoded body for status {}, and `None` for the others, which have no body.",
                    with.join(" or ")
                )
            }
        };
        text.push_str(&format!("\n\n# Returns\n\n{returns}"));
    }
    let tracing = if op.long_running.is_some() {
        "one span for the whole operation, with every poll's HTTP span under it; it ends with the operation, or when the poller is dropped"
    } else if op.paging.is_some() {
        "one span for the whole list, with every page's HTTP span under it; it ends with the list, or when the pager is dropped"
    } else {
        "one span for the call, with the HTTP span of each try under it"
    };
    text.push_str(&format!("\n\n# Tracing\n\n`{}`: {tracing}.", op.span_name));
    text.push_str("\n\n# Errors\n\n[`ErrorKind::InvalidParameter`](crate::ErrorKind::InvalidParameter) when an argument breaks its documented constraints (nothing is sent); [`ErrorKind::Service`](crate::ErrorKind::Service) with the service's error code and message when it answers with an error status.");
    if op.http_method == "POST" {
        text.push_str(&format!(
            "\n\n# Retries\n\nThe pipeline retries throttling and transient failures (408, 429, 500, 502, 503, 504), this POST included, so the service may run it more than once: a retried regeneration rotates the key again, and only the keys in the final response are valid. Set `client_options.retry` in [`ClientOptions`] to `RetryOptions::none()` to send it once. See [`{}`].",
            service.client
        ));
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// ` (1 to 90 characters, matching `...`)` after a parameter's description, or nothing.
fn constraint_text(c: &Constraints) -> String {
    let rules = constraint_rules(c);
    if rules.is_empty() {
        String::new()
    } else {
        format!(" ({})", rules.join(", "))
    }
}

/// The rules a parameter's value must meet, in words.
fn constraint_rules(c: &Constraints) -> Vec<String> {
    let mut rules = Vec::new();
    rules.extend(bounds_text(
        c.min_length,
        c.max_length,
        ("character", "characters"),
    ));
    if let Some(pattern) = &c.pattern {
        rules.push(format!("matching `{pattern}`"));
    }
    rules
}
