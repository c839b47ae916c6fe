//! Tests made from the specs' examples: each drives the generated client against a local server
//! that accepts only the documented request (method, path, exact query, headers, body) and
//! answers with the documented response, which must parse into the model it documents.

use std::collections::BTreeMap;

use super::{ident, type_tokens};
use crate::ir::{Example, Format, Location, Operation, PathPiece, Scope, Service, TypeRef};
use crate::names::snake;
use proc_macro2::TokenStream;
use quote::quote;

/// `tests/examples/<service>.rs`.
pub fn examples_rs(service: &Service) -> TokenStream {
    let module = ident(&service.module);
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for op in &service.operations {
        for ex in &op.examples {
            *names.entry(snake(&ex.name)).or_default() += 1;
        }
    }
    let mut imports: Vec<String> = vec![service.client.clone()];
    let tests: Vec<TokenStream> = service
        .operations
        .iter()
        .flat_map(|op| op.examples.iter().map(move |ex| (op, ex)))
        .map(|(op, ex)| {
            if let Some(TypeRef::Model {
                scope: Scope::Local,
                name,
            }) = op.body.as_ref().map(|b| &b.ty)
                && ex.request_body.is_some()
                && !imports.contains(name)
            {
                imports.push(name.clone());
            }
            let uses_options =
                op.params.iter().any(|p| {
                    p.fixed.is_none() && !p.required && ex.parameters.contains_key(&p.wire)
                }) || (ex.request_body.is_some() && op.body.as_ref().is_some_and(|b| !b.required));
            if uses_options && !imports.contains(&op.options_name) {
                imports.push(op.options_name.clone());
            }
            let base = snake(&ex.name);
            let test_name = if names[&base] > 1 {
                format!(
                    "{}_{}",
                    crate::names::bare(&op.method_name),
                    crate::names::bare(&base)
                )
            } else {
                base
            };
            example_test(service, op, ex, &test_name)
        })
        .collect();
    imports.sort();
    let imports = imports.iter().map(|i| ident(i));
    let mut matchers = vec!["header", "method", "path"];
    let examples = || {
        service
            .operations
            .iter()
            .flat_map(|op| op.examples.iter().map(move |ex| (op, ex)))
    };
    if examples().any(|(op, _)| op.params.iter().any(|p| p.location == Location::Query)) {
        matchers.push("query_param");
    }
    if examples().any(|(op, ex)| {
        ex.request_body.is_some() && op.body.as_ref().is_some_and(|b| b.format == Format::Json)
    }) {
        matchers.push("body_json");
    }
    if examples().any(|(op, ex)| {
        ex.request_body.is_some() && op.body.as_ref().is_some_and(|b| b.format == Format::Xml)
    }) {
        matchers.push("body_string");
    }
    let uses_json = examples().any(|(op, ex)| {
        ex.response.as_ref().is_some_and(|r| r.body.is_some())
            || (ex.request_body.is_some()
                && op.body.as_ref().is_some_and(|b| b.format == Format::Json))
    });
    let json_helper = uses_json.then(|| {
        quote! {
            /// Parses a JSON document written in the test.
            fn json(text: &str) -> Value {
                serde_json::from_str(text).expect("the example is JSON")
            }
        }
    });
    let value_import = uses_json.then(|| quote! { use serde_json::Value; });
    matchers.sort_unstable();
    let matchers = matchers.into_iter().map(ident);
    let doc = format!(
        " Tests generated from the examples in the {} specs: the client must send exactly the documented request and parse the documented response.",
        service.title
    );
    quote! {
        #![doc = #doc]

        use azure_mgmt::ClientOptions;
        use azure_mgmt::#module::{#(#imports),*};
        #value_import
        use wiremock::matchers::{#(#matchers),*};
        use wiremock::{Mock, MockServer, ResponseTemplate};

        #(#tests)*

        #json_helper
    }
}

fn example_test(service: &Service, op: &Operation, ex: &Example, test_name: &str) -> TokenStream {
    let test = ident(test_name);
    let client = ident(&service.client);
    let http_method = &op.http_method;
    let expected_path = encoded_path(op, ex);
    // No pairs at all: the client sends no `?`.
    let expected_query = match expected_query(op, ex) {
        query if query.is_empty() => quote! { None },
        query => quote! { Some(#query) },
    };
    let query_matchers = op
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
        .filter_map(|p| {
            let value = p
                .fixed
                .clone()
                .or_else(|| ex.parameters.get(&p.wire).cloned())?;
            let wire = &p.wire;
            Some(quote! { .and(query_param(#wire, #value)) })
        });
    let header_matchers = op
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .filter_map(|p| {
            let value = p
                .fixed
                .clone()
                .or_else(|| ex.parameters.get(&p.wire).cloned())?;
            let wire = p.wire.to_ascii_lowercase();
            Some(quote! { .and(header(#wire, #value)) })
        });
    let (body_matcher, content_type, body_value) = match (&op.body, &ex.request_body) {
        (Some(body), Some(example)) => {
            let json = raw_str(&serde_json::to_string_pretty(&example.json).unwrap_or_default());
            let expected =
                raw_str(&serde_json::to_string_pretty(&example.expected).unwrap_or_default());
            let ty = type_tokens(&body.ty, false);
            let value = quote! {
                let parameters: #ty = serde_json::from_str(#json)
                    .expect("the example body fits the request model");
            };
            match (&body.format, &example.xml) {
                (Format::Xml, Some(xml)) => {
                    let xml = raw_str(xml);
                    (
                        quote! { .and(body_string(#xml)) },
                        "application/xml",
                        Some(value),
                    )
                }
                _ => (
                    quote! { .and(body_json(json(#expected))) },
                    "application/json",
                    Some(value),
                ),
            }
        }
        _ => (TokenStream::new(), "", None),
    };
    let content_type_matcher =
        (!content_type.is_empty()).then(|| quote! { .and(header("content-type", #content_type)) });

    let response = ex.response.as_ref();
    let status = proc_macro2::Literal::u16_unsuffixed(response.map(|r| r.status).unwrap_or(200));
    let response_headers = response
        .into_iter()
        .flat_map(|r| &r.headers)
        .map(|(k, v)| quote! { .insert_header(#k, #v) });
    let (served_body, expected_model) = match response.and_then(|r| r.body.as_ref()) {
        Some(body) => {
            let format = op
                .success
                .iter()
                .find(|s| Some(s.status) == response.map(|r| r.status))
                .map(|s| s.format)
                .unwrap_or(Format::Json);
            let text = raw_str(&body.text);
            let mime = match format {
                Format::Xml => "application/xml",
                Format::Json => "application/json",
            };
            let json = raw_str(&serde_json::to_string_pretty(&body.expected).unwrap_or_default());
            (
                quote! { .set_body_raw(#text, #mime) },
                Some(quote! {
                    assert_eq!(
                        serde_json::to_value(response.model()).expect("the model serializes"),
                        json(#json),
                        "the parsed model holds exactly the documented values",
                    );
                }),
            )
        }
        None => (TokenStream::new(), None),
    };
    let request_id = response
        .and_then(|r| {
            r.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-ms-request-id"))
        })
        .map(|(_, v)| quote! { assert_eq!(response.request_id(), Some(#v)); });

    let args = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && p.required)
        .map(|p| {
            let value = ex.parameters.get(&p.wire).cloned().unwrap_or_default();
            quote! { #value, }
        });
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let body_arg = (body_value.is_some() && body_required).then(|| quote! { &parameters, });
    let optional_fields: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && !p.required)
        .filter_map(|p| {
            let value = ex.parameters.get(&p.wire)?;
            let field = ident(&p.name);
            Some(quote! { #field: Some(#value.to_string()), })
        })
        .chain(
            (body_value.is_some() && !body_required)
                .then(|| quote! { parameters: Some(parameters), }),
        )
        .collect();
    let options_arg = if optional_fields.is_empty() {
        quote! { None }
    } else {
        let options_name = ident(&op.options_name);
        quote! {
            Some(#options_name {
                #(#optional_fields)*
                ..#options_name::default()
            })
        }
    };
    let test_method = ident(&op.method_name);
    let call = match op.long_running {
        Some(_) => quote! {
            client
                .#test_method(#(#args)* #body_arg #options_arg)
                .expect("the example's arguments are valid")
                .await
                .expect("the documented response parses")
        },
        None => quote! {
            client
                .#test_method(#(#args)* #body_arg #options_arg)
                .await
                .expect("the documented response parses")
        },
    };
    let name = &ex.name;
    let doc = format!(" Example `{name}` of `{}`.", op.id);
    quote! {
        #[doc = #doc]
        #[tokio::test]
        async fn #test() {
            let server = MockServer::start().await;
            Mock::given(method(#http_method))
                .and(path(#expected_path))
                #(#query_matchers)*
                .and(header("authorization", "Bearer fake-token"))
                #(#header_matchers)*
                #content_type_matcher
                #body_matcher
                .respond_with(ResponseTemplate::new(#status) #(#response_headers)* #served_body)
                .expect(1)
                .mount(&server)
                .await;
            let options = ClientOptions {
                client_options: testkit::client_options(&server),
                endpoint: Some(testkit::https_uri(&server)),
                ..ClientOptions::default()
            };
            let client = #client::new(testkit::FakeCredential::new(), Some(options))
                .expect("the test endpoint is valid");
            #body_value
            let response = #call;

            assert_eq!(response.status(), #status);
            #expected_model
            #request_id
            let requests = server.received_requests().await.expect("requests are recorded");
            assert_eq!(requests.len(), 1, "exactly one request is sent");
            assert_eq!(requests[0].url.query(), #expected_query, "the query holds exactly the documented pairs");
        }
    }
}

/// The request path the client must send, with each value percent-encoded as a segment.
fn encoded_path(op: &Operation, ex: &Example) -> String {
    op.path
        .iter()
        .map(|piece| match piece {
            PathPiece::Literal(text) => text.clone(),
            PathPiece::Param(index) => {
                let value = ex
                    .parameters
                    .get(&op.params[*index].wire)
                    .map(String::as_str)
                    .unwrap_or_default();
                encode_segment(value)
            }
        })
        .collect()
}

/// RFC 3986 unreserved characters stay; every other byte is percent-encoded. The runtime encodes
/// path segments and query keys and values this way, so the expected request matches it exactly.
fn encode_segment(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The exact query string for the fixed pairs (examples set no optional query parameter).
fn expected_query(op: &Operation, ex: &Example) -> String {
    // The client sends fixed pairs, then required ones, then optional ones, each in spec order.
    let query = || op.params.iter().filter(|p| p.location == Location::Query);
    let fixed = query().filter_map(|p| Some((p, p.fixed.clone()?)));
    let given = |required: bool| {
        query()
            .filter(move |p| p.fixed.is_none() && p.required == required)
            .filter_map(|p| Some((p, ex.parameters.get(&p.wire)?.clone())))
    };
    fixed
        .chain(given(true))
        .chain(given(false))
        .map(|(p, value)| format!("{}={}", encode_segment(&p.wire), encode_segment(&value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A raw string literal (`r#"..."#`), so documents read as written; an escaped literal when the
/// text itself is full of `"#` (placeholders like `"#####"`).
fn raw_str(text: &str) -> TokenStream {
    for hashes in ["#", "##"] {
        if !text.contains(&format!("\"{hashes}"))
            && let Ok(tokens) = format!("r{hashes}\"{text}\"{hashes}").parse()
        {
            return tokens;
        }
    }
    quote! { #text }
}
