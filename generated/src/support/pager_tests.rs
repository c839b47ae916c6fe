//! The pager against a local wiremock server: pages followed in order and one at a time, links
//! that must not be followed, resuming, and what a finished or failed pager does when used again.

use super::*;
use crate::support::cloud::test_endpoints::Arm;
use crate::support::error::ErrorKind;
use crate::support::error_body::ARM_SHAPE;
use crate::support::options::ClientOptions;
use azure_core::http::RetryOptions;
use futures::{StreamExt, TryStreamExt};
use serde::Deserialize;
use testkit::{FakeCredential, https_uri};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ERRORS: ErrorContract = ARM_SHAPE;
const API_VERSION: &str = "2024-01-01";

/// A list model as the generator emits one: optional items, optional next link.
#[derive(Debug, Deserialize)]
struct Rules {
    value: Option<Vec<String>>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

impl Page for Rules {
    type Item = String;

    fn next_link(&self) -> Option<&str> {
        self.next_link.as_deref()
    }

    fn into_items(self) -> Vec<String> {
        self.value.unwrap_or_default()
    }
}

/// The same body read by an operation whose spec names no next link: one page.
#[derive(Debug, Deserialize)]
struct OnePage {
    value: Vec<String>,
}

impl Page for OnePage {
    type Item = String;

    fn into_items(self) -> Vec<String> {
        self.value
    }
}

fn core(server: &MockServer) -> ClientCore {
    let options = ClientOptions {
        client_options: testkit::client_options_with_retry(server, RetryOptions::none()),
        endpoint: Some(https_uri(server)),
        ..ClientOptions::default()
    };
    ClientCore::new::<Arm>(FakeCredential::new(), options, "Contoso.Tests").unwrap()
}

fn first_request(server: &MockServer) -> Request {
    let url = Url::parse(&format!(
        "{}/rules?api-version={API_VERSION}",
        https_uri(server)
    ))
    .unwrap();
    Request::new(url, Method::Get)
}

fn pager_with<P: Page>(server: &MockServer, options: PagerOptions<'_>) -> Pager<P> {
    core(server).pager(
        "Contoso.Tests.Widgets.list",
        options,
        first_request(server),
        &[200],
        Some(API_VERSION),
        &ERRORS,
    )
}

fn list(server: &MockServer) -> Pager<Rules> {
    pager_with(server, PagerOptions::default())
}

fn resumed(server: &MockServer, continuation: PagerContinuation) -> Pager<Rules> {
    let options = PagerOptions {
        continuation: Some(continuation),
        ..PagerOptions::default()
    };
    pager_with(server, options)
}

/// A page body: `items`, and `next` as the next link when given.
fn page(items: &[&str], next: Option<&str>) -> String {
    serde_json::json!({ "value": items, "nextLink": next }).to_string()
}

/// The link to page `n` on `server`, with the service's own api-version.
fn link(server: &MockServer, n: u32) -> String {
    format!(
        "{}/rules?api-version={API_VERSION}&$skipToken=page{n}",
        https_uri(server)
    )
}

/// Serves the first page (the one without a skip token).
async fn mount_first(server: &MockServer, body: String) {
    Mock::given(method("GET"))
        .and(path("/rules"))
        .and(query_param_is_missing("$skipToken"))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(server)
        .await;
}

/// Serves page `n` (any page but the first).
async fn mount_page(server: &MockServer, n: u32, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/rules"))
        .and(query_param("$skipToken", format!("page{n}")))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn json(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body, "application/json")
}

/// Three pages: a, b | c, d | e.
async fn three_pages(server: &MockServer) {
    mount_first(server, page(&["a", "b"], Some(&link(server, 2)))).await;
    mount_page(server, 2, json(page(&["c", "d"], Some(&link(server, 3))))).await;
    mount_page(server, 3, json(page(&["e"], None))).await;
}

/// The path and query of every request the server received, in order.
async fn urls(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| path_and_query(&r.url))
        .collect()
}

fn path_and_query(url: &Url) -> String {
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

/// [`path_and_query`] of a URL written out.
fn local(url: &str) -> String {
    path_and_query(&Url::parse(url).unwrap())
}

#[tokio::test]
async fn every_page_is_followed_in_order() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let items: Vec<String> = list(&server).try_collect().await.unwrap();
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    let first = path_and_query(first_request(&server).url());
    assert_eq!(
        urls(&server).await,
        [first, local(&link(&server, 2)), local(&link(&server, 3))]
    );
}

#[tokio::test]
async fn pages_are_fetched_only_when_their_items_are_needed() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let mut pager = list(&server);
    assert_eq!(
        urls(&server).await.len(),
        0,
        "nothing is sent before polling"
    );
    let first_two: Vec<String> = pager.by_ref().take(2).try_collect().await.unwrap();
    assert_eq!(first_two, ["a", "b"]);
    assert_eq!(urls(&server).await.len(), 1);
    // Counting the rest holds one page at a time and reads each page once.
    let rest = pager.try_fold(0, |n, _| async move { Ok(n + 1) }).await;
    assert_eq!(rest.unwrap(), 3);
    assert_eq!(urls(&server).await.len(), 3);
}

#[tokio::test]
async fn pages_can_be_read_whole() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let mut pages = list(&server).into_pages();
    assert!(pages.continuation().is_none());
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.status(), StatusCode::Ok);
    assert_eq!(
        first.model().value.as_deref(),
        Some(&["a".into(), "b".into()][..])
    );
    assert_eq!(
        pages.continuation(),
        Some(&PagerContinuation::Link(
            Url::parse(&link(&server, 2)).unwrap()
        ))
    );
    let debug = format!("{pages:?}");
    assert!(
        debug.starts_with("PageIterator { ended: No, continuation: Some(Link(")
            && debug.contains("page2")
            && debug.ends_with(", .. }"),
        "{debug}"
    );
    let rest: Vec<Response<Rules>> = pages.try_collect().await.unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[1].model().next_link, None);
}

#[tokio::test]
async fn a_page_iterator_resumes_from_its_continuation() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let mut pages = list(&server).into_pages();
    assert!(pages.try_next().await.unwrap().is_some());
    // After the first page, the next one is where to resume.
    let continuation = pages.into_continuation().unwrap();
    assert_eq!(continuation.as_ref(), link(&server, 2));
    let rest: Vec<String> = resumed(&server, continuation).try_collect().await.unwrap();
    assert_eq!(rest, ["c", "d", "e"]);
}

#[tokio::test]
async fn a_relative_next_link_is_resolved_against_the_page() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some("rules?$skipToken=page2"))).await;
    mount_page(&server, 2, json(page(&["b"], None))).await;
    let items: Vec<String> = list(&server).try_collect().await.unwrap();
    assert_eq!(items, ["a", "b"]);
    // The link had no api-version: the operation's is added, once.
    assert_eq!(
        urls(&server).await[1],
        format!("/rules?$skipToken=page2&api-version={API_VERSION}")
    );
}

#[tokio::test]
async fn a_next_link_keeps_the_api_version_the_service_put_in_it() {
    let server = MockServer::start().await;
    let next = format!(
        "{}/rules?$skipToken=page2&api-version=2099-09-09",
        https_uri(&server)
    );
    mount_first(&server, page(&["a"], Some(&next))).await;
    mount_page(&server, 2, json(page(&["b"], None))).await;
    let items: Vec<String> = list(&server).try_collect().await.unwrap();
    assert_eq!(items, ["a", "b"]);
    assert_eq!(urls(&server).await[1], local(&next));
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused_and_gets_no_token() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(page(&["stolen"], None)))
        .mount(&elsewhere)
        .await;
    let foreign = format!("{}/rules?$skipToken=page2", https_uri(&elsewhere));
    mount_first(&server, page(&["a"], Some(&foreign))).await;

    let mut pager = list(&server);
    assert_eq!(pager.try_next().await.unwrap().as_deref(), Some("a"));
    let error = pager.try_next().await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Decode { status, .. } if *status == StatusCode::Ok),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "could not read the response body of HTTP 200 OK: the next link points at `127.0.0.1`, \
         another host than the endpoint; the client does not send its token there"
    );
    assert!(pager.try_next().await.unwrap().is_none());
    assert_eq!(elsewhere.received_requests().await.unwrap().len(), 0);
    assert_eq!(urls(&server).await.len(), 1);
}

#[tokio::test]
async fn a_next_link_over_plain_http_is_refused() {
    let server = MockServer::start().await;
    let plain = format!("{}/rules?$skipToken=page2", server.uri());
    mount_first(&server, page(&["a"], Some(&plain))).await;
    mount_page(&server, 2, json(page(&["b"], None))).await;
    let error = list(&server).try_collect::<Vec<_>>().await.unwrap_err();
    assert!(
        error.to_string().ends_with("the next link is not https"),
        "{error}"
    );
    assert_eq!(urls(&server).await.len(), 1);
}

#[tokio::test]
async fn a_link_back_to_a_page_already_read_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some(&link(&server, 2)))).await;
    // Page 2 links back to page 2 itself; page 3 links back to the first page.
    mount_page(&server, 2, json(page(&["b"], Some(&link(&server, 3))))).await;
    let first = first_request(&server).url().to_string();
    mount_page(&server, 3, json(page(&["c"], Some(&first)))).await;

    let mut pager = list(&server);
    let mut items = Vec::new();
    let error = loop {
        match pager.try_next().await {
            Ok(Some(item)) => items.push(item),
            Ok(None) => panic!("the cycle was not detected"),
            Err(error) => break error,
        }
    };
    assert_eq!(items, ["a", "b"]);
    assert!(
        error.to_string().ends_with(
            "the next link leads to a page already read; paging stopped instead of looping"
        ),
        "{error}"
    );
    // The page that gave the link is kept for the caller.
    assert_eq!(
        error.raw_body(),
        Some(page(&["c"], Some(&first)).as_bytes())
    );
    assert!(pager.try_next().await.unwrap().is_none());
    assert_eq!(urls(&server).await.len(), 3);

    // A page that links to itself is caught at once.
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some(&link(&server, 2)))).await;
    mount_page(&server, 2, json(page(&["b"], Some(&link(&server, 2))))).await;
    assert!(list(&server).try_collect::<Vec<_>>().await.is_err());
    assert_eq!(urls(&server).await.len(), 2);
}

#[tokio::test]
async fn resuming_from_a_continuation_starts_at_that_page() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let mut pager = list(&server);
    assert!(pager.continuation().is_none());
    let read: Vec<String> = pager.by_ref().take(3).try_collect().await.unwrap();
    assert_eq!(read, ["a", "b", "c"]);
    // The pager is on page 2 (its item `d` not yet read): resuming starts there.
    let continuation = pager.into_continuation().unwrap();
    assert_eq!(continuation.as_ref(), link(&server, 2));
    let rest: Vec<String> = resumed(&server, continuation).try_collect().await.unwrap();
    assert_eq!(rest, ["c", "d", "e"]);
    assert_eq!(
        urls(&server).await[2..],
        [local(&link(&server, 2)), local(&link(&server, 3))]
    );

    // A continuation written as text works too.
    let token = PagerContinuation::Token(link(&server, 3));
    let rest: Vec<String> = resumed(&server, token).try_collect().await.unwrap();
    assert_eq!(rest, ["e"]);
}

#[tokio::test]
async fn a_continuation_to_another_host_is_refused_before_sending() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let foreign = PagerContinuation::Link(Url::parse("https://example.com/rules").unwrap());
    let error = resumed(&server, foreign).try_next().await.unwrap_err();
    let ErrorKind::InvalidParameter {
        parameter,
        value,
        reason,
    } = error.kind()
    else {
        panic!("{error:?}");
    };
    assert_eq!(parameter, "continuation");
    assert_eq!(value, "https://example.com/rules");
    assert!(
        reason.contains("another host than the endpoint"),
        "{reason}"
    );

    let junk = PagerContinuation::Token("https://[".into());
    let error = resumed(&server, junk).try_next().await.unwrap_err();
    assert!(
        error.to_string().contains("the continuation is not a URL"),
        "{error}"
    );
    assert_eq!(urls(&server).await.len(), 0);
}

#[tokio::test]
async fn into_pages_goes_back_to_the_current_page_without_a_false_loop() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let mut pager = list(&server);
    let read: Vec<String> = pager.by_ref().take(3).try_collect().await.unwrap();
    assert_eq!(read, ["a", "b", "c"]);
    let pages: Vec<Response<Rules>> = pager.into_pages().try_collect().await.unwrap();
    let items: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.into_model().into_items())
        .collect();
    assert_eq!(items, ["c", "d", "e"]);
}

#[tokio::test]
async fn a_finished_pager_stays_finished() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let mut pager = list(&server);
    while pager.try_next().await.unwrap().is_some() {}
    for _ in 0..3 {
        assert!(pager.next().await.is_none());
    }
    assert!(pager.continuation().is_none());
    assert_eq!(
        format!("{pager:?}"),
        "Pager { ended: Complete, continuation: None, .. }"
    );
    // azure_core's own `into_pages` would start the list again here.
    let mut pages = pager.into_pages();
    assert!(pages.next().await.is_none());
    assert!(pages.into_continuation().is_none());
    assert_eq!(urls(&server).await.len(), 3);

    let mut pages = list(&server).into_pages();
    while pages.try_next().await.unwrap().is_some() {}
    assert!(pages.next().await.is_none());
    assert!(pages.continuation().is_none());
    assert_eq!(urls(&server).await.len(), 6);
}

#[tokio::test]
async fn a_page_that_does_not_decode_is_a_typed_error_and_the_place_to_resume() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some(&link(&server, 2)))).await;
    let broken = r#"{"value":["SECRET-b""#;
    mount_page(&server, 2, json(broken.into())).await;

    let mut pager = list(&server);
    assert_eq!(pager.try_next().await.unwrap().as_deref(), Some("a"));
    let error = pager.try_next().await.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Decode { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("truncated JSON"), "{error}");
    assert!(!format!("{error} {error:?}").contains("SECRET"));
    assert_eq!(error.raw_body(), Some(broken.as_bytes()));
    for _ in 0..3 {
        assert!(pager.next().await.is_none());
    }
    // Resuming fetches the page that failed again.
    let at = Url::parse(&link(&server, 2)).unwrap();
    assert_eq!(
        pager.continuation(),
        Some(&PagerContinuation::Link(at.clone()))
    );
    let mut pages = pager.into_pages();
    assert!(pages.next().await.is_none());
    assert_eq!(pages.continuation(), Some(&PagerContinuation::Link(at)));
    assert_eq!(urls(&server).await.len(), 2);

    // A page that is JSON of the wrong shape is a decode error too.
    let server = MockServer::start().await;
    mount_first(&server, r#"{"value":"not a list"}"#.into()).await;
    let error = list(&server).try_next().await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("does not match the expected type"),
        "{error}"
    );
}

#[tokio::test]
async fn an_error_status_uses_the_error_contract() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some(&link(&server, 2)))).await;
    mount_page(
        &server,
        2,
        ResponseTemplate::new(404)
            .set_body_string(r#"{"error":{"code":"ResourceNotFound","message":"gone"}}"#),
    )
    .await;
    let mut pages = list(&server).into_pages();
    assert!(pages.try_next().await.unwrap().is_some());
    let error = pages.try_next().await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::NotFound));
    assert_eq!(
        error.service_error().unwrap().code(),
        Some("ResourceNotFound")
    );
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn a_list_without_a_next_link_name_is_one_page() {
    let server = MockServer::start().await;
    // The body has a link, but the spec names no next link: it is not followed.
    mount_first(&server, page(&["a", "b"], Some(&link(&server, 2)))).await;
    let mut pager: Pager<OnePage> = pager_with(&server, PagerOptions::default());
    let mut items = Vec::new();
    while let Some(item) = pager.try_next().await.unwrap() {
        items.push(item);
    }
    assert_eq!(items, ["a", "b"]);
    assert_eq!(urls(&server).await.len(), 1);
}

#[tokio::test]
async fn an_empty_next_link_ends_the_list() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some("  "))).await;
    let items: Vec<String> = list(&server).try_collect().await.unwrap();
    assert_eq!(items, ["a"]);
    assert_eq!(urls(&server).await.len(), 1);
}

#[tokio::test]
async fn a_next_link_that_is_not_a_url_is_a_decode_error() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some("https://[::1"))).await;
    let mut pager = list(&server);
    let error = pager.try_next().await.unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("the next link is not a valid URL"),
        "{error}"
    );
    assert_eq!(urls(&server).await.len(), 1);
}

#[test]
fn errors_cross_azure_core_unchanged() {
    let error = Error::decode(StatusCode::Ok, "broken");
    let back = from_core(into_core(error));
    assert!(matches!(back.kind(), ErrorKind::Decode { reason, .. } if reason == "broken"));
    // An error azure_core made itself is a transport error, as anywhere else.
    let other = azure_core::Error::with_message(azure_core::error::ErrorKind::Io, "refused");
    assert!(matches!(from_core(other).kind(), ErrorKind::Transport));
}

/// A pager of a client that traces into `tracing`.
fn traced_list(
    server: &MockServer,
    tracing: &std::sync::Arc<testkit::tracing::MemoryTracerProvider>,
) -> Pager<Rules> {
    let mut client_options = testkit::client_options_with_retry(server, RetryOptions::none());
    client_options.instrumentation.tracer_provider = Some(tracing.clone());
    let options = ClientOptions {
        client_options,
        endpoint: Some(https_uri(server)),
        ..ClientOptions::default()
    };
    let core = ClientCore::new::<Arm>(FakeCredential::new(), options, "Contoso.Tests").unwrap();
    core.pager(
        "Contoso.Tests.Rules.list",
        PagerOptions::default(),
        first_request(server),
        &[200],
        Some(API_VERSION),
        &ERRORS,
    )
}

#[tokio::test]
async fn a_list_is_one_span_over_every_page() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let pager = traced_list(&server, &tracing);
    assert_eq!(tracing.spans(), [], "nothing before the first poll");
    let items: Vec<String> = pager.try_collect().await.unwrap();
    assert_eq!(items, ["a", "b", "c", "d", "e"]);

    let spans = tracing.spans();
    assert_eq!(spans.len(), 4, "{spans:#?}");
    let list = &spans[0];
    assert_eq!(list.name, "Contoso.Tests.Rules.list");
    assert_eq!(list.kind, "Internal");
    assert_eq!(list.attribute("az.namespace"), Some("Contoso.Tests"));
    assert_eq!((list.ends, list.error.as_deref()), (1, None));
    for page in &spans[1..] {
        assert_eq!((page.name.as_str(), page.parent), ("GET", Some(list.id)));
        assert_eq!(page.attribute("az.namespace"), Some("Contoso.Tests"));
    }
}

#[tokio::test]
async fn a_failed_page_ends_the_span_with_its_status() {
    let server = MockServer::start().await;
    mount_first(&server, page(&["a"], Some(&link(&server, 2)))).await;
    let body = r#"{"error":{"code":"Boom","message":"down"}}"#;
    mount_page(&server, 2, ResponseTemplate::new(503).set_body_string(body)).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let mut pager = traced_list(&server, &tracing);
    assert_eq!(pager.try_next().await.unwrap().as_deref(), Some("a"));
    assert!(pager.try_next().await.is_err());
    assert!(pager.next().await.is_none());

    let spans = tracing.spans();
    let list = &spans[0];
    assert_eq!(list.ends, 1, "{spans:#?}");
    assert_eq!(list.attribute("error.type"), Some("503"));
    assert_eq!(list.error.as_deref(), Some("503"));
    assert_eq!(spans.len(), 3);
}

#[tokio::test]
async fn a_client_error_is_not_the_span_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string("{}"))
        .mount(&server)
        .await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let mut pager = traced_list(&server, &tracing).into_pages();
    assert!(pager.try_next().await.is_err());
    let list = &tracing.spans()[0];
    assert_eq!(list.attribute("error.type"), Some("404"));
    assert_eq!((list.error.as_deref(), list.ends), (None, 1));
}

#[tokio::test]
async fn a_dropped_pager_ends_its_span_once() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let mut pager = traced_list(&server, &tracing);
    assert_eq!(pager.try_next().await.unwrap().as_deref(), Some("a"));
    assert_eq!(tracing.spans()[0].ends, 0, "open while the list is read");
    drop(pager);
    let spans = tracing.spans();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    assert_eq!((spans[0].ends, spans[0].attribute("error.type")), (1, None));
}

#[tokio::test]
async fn a_callers_span_is_the_parent_of_every_page() {
    use azure_core::tracing::TracerProvider;
    let server = MockServer::start().await;
    three_pages(&server).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let parent = tracing.get_tracer(None, "app", None).start_span(
        "app.job".into(),
        Default::default(),
        Vec::new(),
    );
    let mut client_options = testkit::client_options_with_retry(&server, RetryOptions::none());
    client_options.instrumentation.tracer_provider = Some(tracing.clone());
    let options = ClientOptions {
        client_options,
        endpoint: Some(https_uri(&server)),
        ..ClientOptions::default()
    };
    let core = ClientCore::new::<Arm>(FakeCredential::new(), options, "Contoso.Tests").unwrap();
    let pager: Pager<Rules> = core.pager(
        "Contoso.Tests.Rules.list",
        PagerOptions {
            context: azure_core::http::Context::new().with_value(parent),
            ..PagerOptions::default()
        },
        first_request(&server),
        &[200],
        Some(API_VERSION),
        &ERRORS,
    );
    let items: Vec<String> = pager.try_collect().await.unwrap();
    assert_eq!(items.len(), 5);
    let spans = tracing.spans();
    assert_eq!(
        spans.len(),
        4,
        "the caller's span and three pages: {spans:#?}"
    );
    assert!(spans[1..].iter().all(|s| s.parent == Some(spans[0].id)));
}
