//! Distributed tracing over HTTP: every public call opens one span, named and attributed the
//! way the Azure SDK for Rust does, as the parent of its HTTP spans; long-running calls keep
//! one span over every poll; no span carries a secret. Recorded with an in-memory tracer.
//!
//! The successful calls and the failed long-running operation are served by the typed doubles
//! (the keys they answer with are full of secrets); the error statuses and the retry stay
//! written by hand, for error bodies that carry a secret and a first answer that fails.

mod common;

use azure_core::http::RetryOptions;
use azure_mgmt::doubles::MockAzure;
use common::{ALL, Answer, MARKER, Op, double};
use std::sync::Arc;
use testkit::tracing::{MemoryTracerProvider, SpanRecord};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

/// The span each operation's call opens.
fn span_name(op: Op) -> &'static str {
    match op {
        Op::RedisEnterprise => "Microsoft.Cache.Databases.regenerateKey",
        Op::ServiceBus => "Microsoft.ServiceBus.Namespaces.regenerateKeys",
        Op::EventHubs => "Microsoft.EventHub.EventHubs.regenerateKeys",
        Op::DataFactory => "Microsoft.DataFactory.IntegrationRuntimes.regenerateAuthKey",
        Op::StorageClassic => "Microsoft.ClassicStorage.StorageServices.regenerateKeys",
    }
}

/// `az.namespace` of each operation's spans.
fn namespace(op: Op) -> &'static str {
    span_name(op).rsplitn(3, '.').nth(2).expect("a dotted name")
}

fn traced(
    options: azure_mgmt::ClientOptions,
) -> (azure_mgmt::ClientOptions, Arc<MemoryTracerProvider>) {
    let tracing = MemoryTracerProvider::new();
    let mut options = options;
    options.client_options.instrumentation.tracer_provider = Some(tracing.clone());
    (options, tracing)
}

/// The one call span, and the HTTP spans under it; fails on any other span.
fn call_and_requests(spans: &[SpanRecord]) -> (&SpanRecord, Vec<&SpanRecord>) {
    let calls: Vec<_> = spans.iter().filter(|s| s.kind == "Internal").collect();
    assert_eq!(calls.len(), 1, "one call span: {spans:#?}");
    let call = calls[0];
    let requests: Vec<_> = spans.iter().filter(|s| s.kind == "Client").collect();
    assert_eq!(requests.len() + 1, spans.len(), "{spans:#?}");
    for request in &requests {
        assert_eq!(request.parent, Some(call.id), "{spans:#?}");
        assert_eq!(request.ends, 1, "{request:?}");
    }
    (call, requests)
}

fn assert_no_secret_in(spans: &[SpanRecord]) {
    for span in spans {
        for (key, value) in &span.attributes {
            assert!(!value.contains(MARKER), "{key} = {value} in {span:?}");
        }
    }
}

#[tokio::test]
async fn each_call_is_one_span_over_its_request() {
    for op in ALL {
        let azure = MockAzure::start().await;
        azure.expect(success(op)).await;
        let (options, tracing) = traced(azure.client_options());
        common::call_valid(op, options)
            .await
            .expect("the call succeeds");

        let spans = tracing.spans();
        let (call, requests) = call_and_requests(&spans);
        assert_eq!(call.name, span_name(op));
        assert_eq!(call.parent, None);
        assert_eq!(call.ends, 1);
        assert_eq!(call.error, None);
        assert_eq!(call.attribute("az.namespace"), Some(namespace(op)));
        assert_eq!(call.attribute("error.type"), None);
        for request in &requests {
            assert_eq!(request.attribute("az.namespace"), Some(namespace(op)));
            assert!(
                request.attribute("az.client_request_id").is_some(),
                "{request:?}"
            );
            assert!(request.attribute("url.full").is_some(), "{request:?}");
        }
        let first = requests[0];
        assert_eq!(first.name, "POST");
        assert_eq!(first.attribute("http.request.method"), Some("POST"));
        let last = requests.last().expect("a request");
        assert_eq!(last.attribute("http.response.status_code"), Some("200"));
        assert_no_secret_in(&spans);
        assert_eq!(
            tracing.tracers().first(),
            Some(&(Some(namespace(op)), "azure-mgmt")),
            "the client's own tracer carries the namespace"
        );
    }
}

/// A successful call of `op`; the long-running one answers 202, polls once in progress, then
/// gives the result.
fn success(op: Op) -> azure_mgmt::doubles::Expectation {
    let answer = match op {
        Op::RedisEnterprise => Answer::Accepted(1),
        _ => Answer::Keys,
    };
    double(op, op.key_type(), answer)
}

#[tokio::test]
async fn a_long_running_call_is_one_span_over_every_poll() {
    let azure = MockAzure::start().await;
    azure.expect(success(Op::RedisEnterprise)).await;
    let (options, tracing) = traced(azure.client_options());
    common::call_valid(Op::RedisEnterprise, options)
        .await
        .unwrap();

    let spans = tracing.spans();
    let (call, requests) = call_and_requests(&spans);
    assert_eq!(call.ends, 1);
    let methods: Vec<_> = requests.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        methods,
        ["POST", "GET", "GET", "GET"],
        "start, two polls, the result"
    );
    let statuses: Vec<_> = requests
        .iter()
        .map(|r| r.attribute("http.response.status_code").unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["202", "200", "200", "200"]);
}

#[tokio::test]
async fn a_failed_long_running_operation_names_how_it_ended() {
    let op = Op::RedisEnterprise;
    let azure = MockAzure::start().await;
    azure
        .expect(double(
            op,
            op.key_type(),
            Answer::OperationFails(0, "Conflict", "busy"),
        ))
        .await;
    let (options, tracing) = traced(azure.client_options());
    let error = common::call_valid(Op::RedisEnterprise, options)
        .await
        .expect_err("the operation failed");
    assert!(matches!(error.kind(), azure_mgmt::ErrorKind::Operation(_)));

    let spans = tracing.spans();
    let (call, requests) = call_and_requests(&spans);
    assert_eq!(requests.len(), 2);
    assert_eq!(call.ends, 1);
    assert_eq!(call.attribute("error.type"), Some("Failed"));
    assert_eq!(call.error.as_deref(), Some("Failed"));
}

#[tokio::test]
async fn an_error_response_sets_error_type_on_the_call() {
    for op in ALL {
        for (status, is_error) in [(404, false), (500, true)] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(op.error(status))
                .mount(&server)
                .await;
            let (options, tracing) =
                traced(common::options_with_retry(&server, RetryOptions::none()));
            let error = common::call_valid(op, options)
                .await
                .expect_err("an error status");
            assert_eq!(error.http_status().map(u16::from), Some(status));

            let spans = tracing.spans();
            let (call, requests) = call_and_requests(&spans);
            assert_eq!(requests.len(), 1, "{} {status}", op.name());
            let status_text = status.to_string();
            assert_eq!(
                call.attribute("error.type"),
                Some(status_text.as_str()),
                "{}",
                op.name()
            );
            assert_eq!(
                call.error.is_some(),
                is_error,
                "{} {status}: {call:?}",
                op.name()
            );
            assert_eq!(call.ends, 1);
            assert_eq!(
                requests[0].attribute("http.response.status_code"),
                Some(status_text.as_str())
            );
            assert_no_secret_in(&spans);
        }
    }
}

#[tokio::test]
async fn retries_are_http_spans_under_the_one_call_span() {
    let op = Op::ServiceBus;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(op.error(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    op.expect_request()
        .respond_with(op.success())
        .mount(&server)
        .await;
    let retry = RetryOptions::fixed(azure_core::http::FixedRetryOptions {
        delay: azure_core::time::Duration::milliseconds(1),
        max_retries: 2,
        ..Default::default()
    });
    let (options, tracing) = traced(common::options_with_retry(&server, retry));
    common::call_valid(op, options)
        .await
        .expect("the retry succeeds");

    let spans = tracing.spans();
    let (call, requests) = call_and_requests(&spans);
    assert_eq!(call.attribute("error.type"), None);
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].attribute("http.response.status_code"),
        Some("503")
    );
    assert_eq!(
        requests[1].attribute("http.request.resend_count"),
        Some("1")
    );
    assert_eq!(
        requests[0].attribute("az.client_request_id"),
        requests[1].attribute("az.client_request_id"),
        "a retry is the same request"
    );
}

#[tokio::test]
async fn nothing_sent_means_no_span() {
    let server = MockServer::start().await;
    let (options, tracing) = traced(common::options(&server));
    let op = Op::ServiceBus;
    let mut args = op.valid_args().to_vec();
    args[2] = "..";
    let error = common::call(op, options, &args, op.key_type())
        .await
        .expect_err("an invalid name");
    assert!(matches!(
        error.kind(),
        azure_mgmt::ErrorKind::InvalidParameter { .. }
    ));
    assert_eq!(tracing.spans(), []);
}
