//! Retries: 429 and 503 with `Retry-After` are retried after the wait the service asked for,
//! POSTs included (so a key may be regenerated twice: the docs say so); retries can be turned
//! off, and then exactly one request goes out. The five operations run concurrently in each
//! test, so each wait is paid once.

mod common;

use azure_core::http::{FixedRetryOptions, RetryOptions, StatusCode};
use azure_mgmt::ErrorKind;
use common::{ALL, Op, call_valid, options, options_with_retry, requests, with_ids};
use futures::future::join_all;
use std::time::{Duration, Instant};
use wiremock::{MockServer, ResponseTemplate};

/// Runs `check` for every operation at once.
async fn for_every_operation<F, Fut>(check: F)
where
    F: Fn(Op) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    join_all(ALL.map(check)).await;
}

/// `status` with `header: value` for the first request, then the keys.
async fn throttled_then_ok(op: Op, status: u16, header: &str, value: &str) -> MockServer {
    let server = MockServer::start().await;
    common::respond_first(&server, 1, op.error(status).insert_header(header, value)).await;
    common::respond_to_all(&server, op.success()).await;
    server
}

async fn assert_waited_and_retried(op: Op, status: u16, header: &str, value: &str) {
    let server = throttled_then_ok(op, status, header, value).await;
    let started = Instant::now();
    // azure_core's default policy, as a caller gets it.
    let keys = call_valid(op, options_with_retry(&server, RetryOptions::default()))
        .await
        .unwrap_or_else(|e| panic!("{} {status}: {e}", op.name()));
    let elapsed = started.elapsed();
    keys.assert_success(op);
    assert!(
        elapsed >= Duration::from_secs(1),
        "{} {status}: retried after {elapsed:?}, before the {header} of 1 s",
        op.name()
    );
    // A lower bound is the point; the upper one only says it did not hang.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "{} {status}", op.name());
    // The POST itself is sent again, identical: the service may regenerate the key twice.
    assert_eq!(sent[0].method, sent[1].method);
    assert_eq!(sent[0].url, sent[1].url);
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(sent[1].method.as_str(), "POST");
}

#[tokio::test]
async fn throttling_429_waits_for_retry_after_then_retries() {
    for_every_operation(|op| assert_waited_and_retried(op, 429, "Retry-After", "1")).await;
}

#[tokio::test]
async fn unavailable_503_waits_for_retry_after_then_retries() {
    for_every_operation(|op| assert_waited_and_retried(op, 503, "Retry-After", "1")).await;
}

/// The millisecond spellings ARM and Storage use are honoured too.
#[tokio::test]
async fn retry_after_in_milliseconds_is_honoured() {
    for_every_operation(|op| async move {
        let header = if op.is_xml() {
            "x-ms-retry-after-ms"
        } else {
            "retry-after-ms"
        };
        assert_waited_and_retried(op, 429, header, "1000").await;
    })
    .await;
}

/// With retries off, a throttled call is sent exactly once and the 429 comes back typed,
/// with the service's code and the `Retry-After` the caller may honour itself.
#[tokio::test]
async fn retries_off_sends_exactly_one_request() {
    for_every_operation(|op| async move {
        for status in [429, 503, 500] {
            let server = throttled_then_ok(op, status, "Retry-After", "1").await;
            let error = call_valid(op, options(&server)).await.unwrap_err();
            let context = format!("{} {status}", op.name());
            assert_eq!(requests(&server).await.len(), 1, "{context}");
            assert!(matches!(error.kind(), ErrorKind::Service(_)), "{context}");
            assert_eq!(error.http_status(), Some(StatusCode::from(status)));
            let expected = op.contract().expected();
            assert_eq!(error.service_error().unwrap().code(), Some(expected.code));
        }
    })
    .await;
}

/// When retries run out, the last response's error is reported, typed.
#[tokio::test]
async fn exhausted_retries_report_the_last_error() {
    for_every_operation(|op| async move {
        let server = MockServer::start().await;
        common::respond_to_all(&server, op.error(503).insert_header("Retry-After", "0")).await;
        let retry = RetryOptions::fixed(FixedRetryOptions {
            delay: azure_core::time::Duration::milliseconds(10),
            max_retries: 2,
            ..FixedRetryOptions::default()
        });
        let error = call_valid(op, options_with_retry(&server, retry))
            .await
            .unwrap_err();
        assert_eq!(requests(&server).await.len(), 3, "{}", op.name());
        assert_eq!(error.http_status(), Some(StatusCode::ServiceUnavailable));
        assert_eq!(
            error.service_error().unwrap().request_id(),
            Some(common::REQUEST_ID)
        );
    })
    .await;
}

/// Errors the service will answer the same way again are not retried, even with retries on.
#[tokio::test]
async fn client_errors_are_not_retried() {
    for_every_operation(|op| async move {
        for status in [400, 401, 403, 404, 409] {
            let server = MockServer::start().await;
            common::respond_to_all(&server, op.error(status)).await;
            let error = call_valid(op, options_with_retry(&server, RetryOptions::default()))
                .await
                .unwrap_err();
            assert_eq!(error.http_status(), Some(StatusCode::from(status)));
            assert_eq!(requests(&server).await.len(), 1, "{} {status}", op.name());
        }
    })
    .await;
}

/// The long-running operation's polls are throttled too: a 429 on a status poll is waited
/// out and retried, and the operation completes.
#[tokio::test]
async fn a_throttled_status_poll_is_waited_out() {
    use wiremock::Mock;
    use wiremock::matchers::{method, path};
    let server = MockServer::start().await;
    let base = testkit::https_uri(&server);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("{base}/op"))
                .insert_header("Location", format!("{base}/result"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(
            with_ids(ResponseTemplate::new(429))
                .insert_header("Retry-After", "1")
                .set_body_string(r#"{"error":{"code":"TooManyRequests","message":"slow"}}"#),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"Succeeded"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/result"))
        .respond_with(Op::RedisEnterprise.success())
        .mount(&server)
        .await;
    let started = Instant::now();
    let response = common::redis_poller(options_with_retry(&server, RetryOptions::default()))
        .with_poll_interval(Duration::ZERO)
        .await
        .unwrap();
    assert!(response.model().primary_key.is_some());
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(requests(&server).await.len(), 4);
}
