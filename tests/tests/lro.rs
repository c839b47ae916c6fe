//! The long-running operation (Redis Enterprise `databases_regenerate_key`) through its
//! generated client: 200 at once, or 202 with `Azure-AsyncOperation` and `Location`, then the
//! ARM protocol (poll the status, honour `Retry-After`, read the result from `Location`);
//! `Failed` and `Canceled` as typed errors; a time bound; cancellation by drop; progress.
//! azure_core's poller traps (a poll interval under 1 s panics; awaiting after draining the
//! status stream panics) must not reach a caller.
//!
//! The protocol's variations (headers present or not, status bodies, hanging polls, hostile
//! links) are served by hand; the typed doubles' `accepts`, `operation_fails` and
//! `operation_canceled` are proven at the end, from the loopback endpoint and from the real
//! host.

mod common;

use azure_core::http::StatusCode;
use azure_mgmt::{ErrorKind, OperationStatus};
use common::{Op, options, redis_poller, requests};
use std::future::IntoFuture;
use std::time::{Duration, Instant};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OP: Op = Op::RedisEnterprise;
const STATUS_PATH: &str = "/operations/op-1";
const RESULT_PATH: &str = "/operationResults/op-1";

/// The initial POST answers 202 with both headers (https URLs on the local server).
async fn mount_accepted(server: &MockServer, retry_after: &str) {
    let base = testkit::https_uri(server);
    Mock::given(method("POST"))
        .and(path(OP.valid_path()))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("{base}{STATUS_PATH}"))
                .insert_header("Location", format!("{base}{RESULT_PATH}"))
                .insert_header("Retry-After", retry_after),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// The status monitor reports `body` (the first `times` polls, or every poll).
async fn mount_status(server: &MockServer, body: &str, times: Option<u64>) {
    let mock = Mock::given(method("GET"))
        .and(path(STATUS_PATH))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(
            common::with_ids(ResponseTemplate::new(200))
                .insert_header("Retry-After", "0")
                .set_body_raw(body, "application/json"),
        );
    match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1).mount(server).await,
        None => mock.with_priority(2).mount(server).await,
    }
}

/// `Location` gives the keys, once.
async fn mount_result(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(RESULT_PATH))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(OP.success())
        .expect(1)
        .mount(server)
        .await;
}

fn assert_keys(keys: &azure_mgmt::redis_enterprise::AccessKeys) {
    let secret =
        |s: &Option<azure_core::credentials::Secret>| s.as_ref().map(|s| s.secret().to_owned());
    assert_eq!(
        [secret(&keys.primary_key), secret(&keys.secondary_key)],
        [
            Some(OP.secrets()[0].1.to_owned()),
            Some(OP.secrets()[1].1.to_owned())
        ]
    );
}

/// The methods and paths the server saw, in order.
async fn trail(server: &MockServer) -> Vec<String> {
    requests(server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

#[tokio::test]
async fn an_immediate_200_is_the_result() {
    let server = MockServer::start().await;
    OP.expect_request()
        .respond_with(OP.success())
        .expect(1)
        .mount(&server)
        .await;
    let mut poller = redis_poller(options(&server));
    // Progress is reported for the one request too.
    assert_eq!(
        poller.next_status().await.unwrap().unwrap(),
        OperationStatus::Succeeded
    );
    assert!(poller.is_finished());
    let response = poller.await.unwrap();
    assert_eq!(response.status(), StatusCode::Ok);
    assert_eq!(response.request_id(), Some(common::REQUEST_ID));
    assert_keys(response.model());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn accepted_then_polled_to_succeeded_then_read_from_location() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    mount_status(&server, r#"{"status":"InProgress"}"#, Some(2)).await;
    mount_status(
        &server,
        r#"{"id":"op-1","status":"Succeeded","startTime":"2025-01-01T00:00:00Z"}"#,
        None,
    )
    .await;
    mount_result(&server).await;

    let response = redis_poller(options(&server)).await.unwrap();
    assert_eq!(response.status(), StatusCode::Ok);
    assert_keys(response.model());
    let post = format!("POST {}", OP.valid_path());
    let poll = format!("GET {STATUS_PATH}");
    let result = format!("GET {RESULT_PATH}");
    assert_eq!(
        trail(&server).await,
        [&post, &poll, &poll, &poll, &result].map(String::clone)
    );
    // Every request carries the bearer token, the polls included.
    for request in requests(&server).await {
        assert_eq!(
            request.headers.get("authorization").unwrap(),
            "Bearer fake-token"
        );
    }
}

/// Progress can be watched, the status stream drained and asked again, and the poller then
/// awaited: no panic (azure_core's poller panics here), and nothing is sent twice.
#[tokio::test]
async fn progress_can_be_watched_then_the_result_awaited() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    mount_status(&server, r#"{"status":"Running"}"#, Some(1)).await;
    mount_status(&server, r#"{"status":"Updating"}"#, Some(1)).await;
    mount_status(&server, r#"{"status":"succeeded"}"#, None).await;
    mount_result(&server).await;

    // A poll interval of zero is fine (azure_core's poller panics under one second).
    let mut poller = redis_poller(options(&server)).with_poll_interval(Duration::ZERO);
    assert!(!poller.is_finished());
    let mut seen = Vec::new();
    while let Some(status) = poller.next_status().await {
        seen.push(status.unwrap());
    }
    use OperationStatus::*;
    // Accepted, Running, Updating (a status this crate does not know: still running), then done.
    assert_eq!(seen, [InProgress, InProgress, InProgress, Succeeded]);
    let terminal: Vec<bool> = seen.iter().map(|s| s.is_terminal()).collect();
    assert_eq!(terminal, [false, false, false, true]);
    assert!(poller.next_status().await.is_none());
    assert!(poller.is_finished());
    let sent = requests(&server).await.len();
    let response = poller.await.unwrap();
    assert_keys(response.model());
    assert_eq!(
        requests(&server).await.len(),
        sent,
        "awaiting sent nothing more"
    );
    assert_eq!(sent, 5);
}

#[tokio::test]
async fn location_alone_is_polled_until_it_gives_the_keys() {
    let server = MockServer::start().await;
    let base = testkit::https_uri(&server);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", format!("{base}{RESULT_PATH}"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(RESULT_PATH))
        .respond_with(ResponseTemplate::new(202).insert_header("Retry-After", "0"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_result(&server).await;
    let response = redis_poller(options(&server)).await.unwrap();
    assert_keys(response.model());
    let result = format!("GET {RESULT_PATH}");
    assert_eq!(
        trail(&server).await[1..],
        [&result, &result, &result].map(String::clone)
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_between_polls() {
    let server = MockServer::start().await;
    mount_accepted(&server, "25").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    let started = tokio::time::Instant::now();
    // Without the service's Retry-After the poller would not wait at all.
    let response = redis_poller(common::paused_clock_options(&server))
        .with_poll_interval(Duration::ZERO)
        .await
        .unwrap();
    assert_keys(response.model());
    assert_eq!(started.elapsed(), Duration::from_secs(25));
}

#[tokio::test]
async fn failed_is_an_operation_error_with_the_services_code_and_message() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    let body = format!(
        r#"{{"status":"Failed","properties":{{"primaryKey":"{}"}},"error":{{"code":"KeyRegenerationFailed","message":"The key could not be regenerated.","target":"keyType","details":[{{"code":"ClusterBusy","message":"Try later."}}]}}}}"#,
        common::ERROR_BODY_SECRET
    );
    mount_status(&server, &body, None).await;

    let mut poller = redis_poller(options(&server));
    assert_eq!(
        poller.next_status().await.unwrap().unwrap(),
        OperationStatus::InProgress
    );
    assert_eq!(
        poller.next_status().await.unwrap().unwrap(),
        OperationStatus::Failed
    );
    assert!(poller.next_status().await.is_none());
    let error = poller.await.unwrap_err();
    let ErrorKind::Operation(service) = error.kind() else {
        panic!("not an operation error: {error:?}");
    };
    assert_eq!(service.operation_status(), Some("Failed"));
    assert_eq!(service.code(), Some("KeyRegenerationFailed"));
    assert_eq!(service.message(), Some("The key could not be regenerated."));
    assert_eq!(service.target(), Some("keyType"));
    assert_eq!(service.details().len(), 1);
    assert_eq!(service.details()[0].code(), Some("ClusterBusy"));
    assert_eq!(service.status(), StatusCode::Ok);
    assert_eq!(service.request_id(), Some(common::REQUEST_ID));
    assert_eq!(service.correlation_id(), Some(common::CORRELATION_ID));
    assert_eq!(service.raw_body(), body.as_bytes());
    // The polls succeeded; the operation failed.
    assert_eq!(error.http_status(), None);
    assert_eq!(
        error.to_string(),
        format!(
            "long-running operation ended with status Failed: KeyRegenerationFailed: The key could \
             not be regenerated. (target: keyType); details: [ClusterBusy: Try later.] \
             (x-ms-request-id: {}, x-ms-correlation-request-id: {})",
            common::REQUEST_ID,
            common::CORRELATION_ID
        )
    );
    common::assert_error_hides_secrets(&error, "failed operation");
    // The result is never fetched.
    assert!(!trail(&server).await.iter().any(|t| t.contains(RESULT_PATH)));
}

#[tokio::test]
async fn canceled_is_an_operation_error() {
    for spelling in ["Canceled", "Cancelled"] {
        let server = MockServer::start().await;
        mount_accepted(&server, "0").await;
        mount_status(
            &server,
            &format!(r#"{{"status":"{spelling}","error":{{"code":"OperationCanceled","message":"Canceled by the user."}}}}"#),
            None,
        )
        .await;
        let mut poller = redis_poller(options(&server));
        let mut last = None;
        while let Some(status) = poller.next_status().await {
            last = Some(status.unwrap());
        }
        assert_eq!(last, Some(OperationStatus::Canceled));
        let error = poller.await.unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Operation(_)), "{error:?}");
        let service = error.service_error().unwrap();
        assert_eq!(service.operation_status(), Some("Canceled"));
        assert_eq!(service.code(), Some("OperationCanceled"));
        assert_eq!(service.message(), Some("Canceled by the user."));
        assert!(
            error
                .to_string()
                .starts_with("long-running operation ended with status Canceled: OperationCanceled: Canceled by the user."),
            "{error}"
        );
    }
}

/// A failure without an `error` object still names the status and the request ids.
#[tokio::test]
async fn failed_without_details_still_reads_well() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    mount_status(&server, r#"{"status":"Failed"}"#, None).await;
    let error = redis_poller(options(&server)).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "long-running operation ended with status Failed (x-ms-request-id: {}, x-ms-correlation-request-id: {})",
            common::REQUEST_ID,
            common::CORRELATION_ID
        )
    );
    assert_eq!(error.service_error().unwrap().code(), None);
}

#[tokio::test(start_paused = true)]
async fn the_whole_operation_is_bounded_in_time() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    Mock::given(method("GET"))
        .and(path(STATUS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"InProgress"}"#))
        .mount(&server)
        .await;
    let limit = Duration::from_millis(90_500);
    let started = tokio::time::Instant::now();
    let error = redis_poller(common::paused_clock_options(&server))
        .with_poll_interval(Duration::from_secs(10))
        .with_timeout(limit)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { limit: l } if *l == limit),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "long-running operation did not finish within 90.5 s"
    );
    assert_eq!(started.elapsed(), limit);
    // The POST, a poll at once (its Retry-After is 0), then one every 10 s until the bound.
    assert_eq!(requests(&server).await.len(), 11);
}

/// The bound also cuts a single request that hangs.
#[tokio::test]
async fn the_time_bound_cuts_a_hanging_poll() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"status":"Succeeded"}"#)
                .set_delay(Duration::from_secs(60)),
        )
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = redis_poller(options(&server))
        .with_timeout(Duration::from_millis(500))
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Dropped while it waits between polls (on a paused clock, so it is known where: after the
/// poll at 30 s, waiting for the one at 60 s), the future sends nothing more, ever.
#[tokio::test(start_paused = true)]
async fn dropping_the_future_stops_polling() {
    let server = MockServer::start().await;
    mount_accepted(&server, "30").await;
    Mock::given(method("GET"))
        .and(path(STATUS_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Retry-After", "30")
                .set_body_string(r#"{"status":"InProgress"}"#),
        )
        .mount(&server)
        .await;
    let poller = redis_poller(common::paused_clock_options(&server));
    let cut = tokio::time::timeout(Duration::from_secs(45), poller.into_future()).await;
    assert!(cut.is_err(), "the operation never ends by itself");
    let sent = [
        format!("POST {}", OP.valid_path()),
        format!("GET {STATUS_PATH}"),
    ];
    assert_eq!(trail(&server).await, sent);
    // Nothing runs in the background once the future is gone: a live poller would poll
    // 120 more times in this hour.
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(trail(&server).await, sent);
}

/// Nothing is sent until the poller is awaited or polled, and dropping it unused sends nothing.
#[tokio::test]
async fn a_poller_sends_nothing_until_used() {
    let server = MockServer::start().await;
    common::respond_to_all(&server, OP.success()).await;
    let poller = redis_poller(options(&server));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(requests(&server).await.is_empty());
    drop(poller);
    assert!(requests(&server).await.is_empty());
}

/// Every step reads errors with the operation's contract: the POST, a poll, the final GET.
#[tokio::test]
async fn an_error_at_any_step_is_a_service_error() {
    enum Step {
        Start,
        Poll,
        Result,
    }
    for step in [Step::Start, Step::Poll, Step::Result] {
        let server = MockServer::start().await;
        let error_response = OP.error(409);
        match step {
            Step::Start => {
                Mock::given(method("POST"))
                    .respond_with(error_response)
                    .mount(&server)
                    .await
            }
            Step::Poll => {
                mount_accepted(&server, "0").await;
                Mock::given(method("GET"))
                    .and(path(STATUS_PATH))
                    .respond_with(error_response)
                    .mount(&server)
                    .await;
            }
            Step::Result => {
                mount_accepted(&server, "0").await;
                mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
                Mock::given(method("GET"))
                    .and(path(RESULT_PATH))
                    .respond_with(error_response)
                    .mount(&server)
                    .await;
            }
        }
        let error = redis_poller(options(&server)).await.unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Service(_)), "{error:?}");
        assert_eq!(error.http_status(), Some(StatusCode::Conflict));
        let expected = OP.contract().expected();
        assert_eq!(error.service_error().unwrap().code(), Some(expected.code));
        assert_eq!(
            error.to_string(),
            format!("HTTP 409 Conflict{}", expected.display_tail)
        );
    }
}

/// Every request of the operation, polls included, is identified like the first one: a
/// client request id and the crate's user agent.
#[tokio::test]
async fn every_request_of_the_operation_is_identified() {
    let server = MockServer::start().await;
    mount_accepted(&server, "0").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    assert_keys(redis_poller(options(&server)).await.unwrap().model());
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert!(
            request.headers.contains_key("x-ms-client-request-id"),
            "{request:?}"
        );
        let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(agent.contains("azure-mgmt"), "{agent}");
    }
}

/// A status URL on another host is refused before anything is sent there: the bearer token
/// goes with every poll, so a response must not be able to send it away from the endpoint.
#[tokio::test]
async fn poll_urls_on_another_host_are_refused() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let away = testkit::https_uri(&elsewhere);
    Mock::given(method("POST"))
        .and(path(OP.valid_path()))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("{away}{STATUS_PATH}"))
                .insert_header("Retry-After", "0"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = redis_poller(options(&server))
        .await
        .expect_err("a foreign status URL is refused");
    let ErrorKind::Decode { reason, .. } = error.kind() else {
        panic!("not a decode error: {error:?}");
    };
    assert!(reason.contains("another host"), "{reason}");
    assert!(
        requests(&elsewhere).await.is_empty(),
        "nothing reached the other host"
    );
}

/// The doubles' expectation of the regeneration, with its body.
fn regeneration() -> azure_mgmt::redis_enterprise::doubles::DatabasesRegenerateKey {
    use azure_mgmt::redis_enterprise::{AccessKeyType, RegenerateKeyParameters};
    let a = OP.valid_args();
    azure_mgmt::redis_enterprise::doubles::databases_regenerate_key(a[0], a[1], a[2], a[3]).body(
        &RegenerateKeyParameters {
            key_type: AccessKeyType::Primary,
        },
    )
}

fn new_keys() -> azure_mgmt::redis_enterprise::AccessKeys {
    azure_mgmt::redis_enterprise::AccessKeys {
        primary_key: Some(OP.secrets()[0].1.to_owned().into()),
        secondary_key: Some(OP.secrets()[1].1.to_owned().into()),
    }
}

/// `accepts(polls, &keys)`: a 202, `polls` polls in progress, then the keys, from either host
/// the client may address (its status and result links lead back to the server).
#[tokio::test]
async fn the_doubles_accept_then_poll_then_give_the_result() {
    for real_host in [false, true] {
        let azure = azure_mgmt::doubles::MockAzure::start().await;
        azure
            .expect(regeneration().accepts(2, &new_keys()).times(1))
            .await;
        let client: azure_mgmt::redis_enterprise::RedisEnterpriseClient = if real_host {
            azure.client_at_real_host()
        } else {
            azure.client()
        };
        let mut poller = common::redis_poller_of(&client);
        let mut statuses = Vec::new();
        while let Some(status) = poller.next_status().await {
            statuses.push(status.unwrap());
        }
        assert_eq!(
            statuses,
            [
                OperationStatus::InProgress,
                OperationStatus::InProgress,
                OperationStatus::InProgress,
                OperationStatus::Succeeded
            ],
            "real host: {real_host}"
        );
        let response = poller.await.unwrap();
        assert_eq!(response.into_model(), new_keys(), "real host: {real_host}");
        let methods: Vec<_> = azure
            .received_requests()
            .await
            .iter()
            .map(|r| r.method.to_string())
            .collect();
        assert_eq!(
            methods,
            ["POST", "GET", "GET", "GET", "GET"],
            "real host: {real_host}"
        );
        if real_host {
            assert!(
                azure
                    .addressed()
                    .iter()
                    .all(|url| url.host_str() == Some("management.azure.com")),
                "{:?}",
                azure.addressed()
            );
        }
    }
}

/// `operation_fails`: the 202, polls, then `Failed` with the service's code and message.
#[tokio::test]
async fn the_doubles_fail_an_accepted_operation() {
    let azure = azure_mgmt::doubles::MockAzure::start().await;
    azure
        .expect(regeneration().operation_fails(1, "KeyBusy", "Try again later."))
        .await;
    let client: azure_mgmt::redis_enterprise::RedisEnterpriseClient = azure.client_at_real_host();
    let error = common::redis_poller_of(&client).await.unwrap_err();
    let ErrorKind::Operation(failure) = error.kind() else {
        panic!("an operation error, not {error:?}");
    };
    assert_eq!(failure.code(), Some("KeyBusy"));
    assert_eq!(failure.message(), Some("Try again later."));
    assert_eq!(azure.received_requests().await.len(), 3);
}

/// `operation_canceled`: the 202, polls, then `Canceled`, which the poller reports as an
/// operation error with that status.
#[tokio::test]
async fn the_doubles_cancel_an_accepted_operation() {
    let azure = azure_mgmt::doubles::MockAzure::start().await;
    azure.expect(regeneration().operation_canceled(2)).await;
    let client: azure_mgmt::redis_enterprise::RedisEnterpriseClient = azure.client_at_real_host();
    let error = common::redis_poller_of(&client).await.unwrap_err();
    let ErrorKind::Operation(failure) = error.kind() else {
        panic!("an operation error, not {error:?}");
    };
    assert_eq!(failure.operation_status(), Some("Canceled"));
    assert_eq!(failure.code(), None);
    // The POST, two polls in progress, the poll that ends it.
    assert_eq!(azure.received_requests().await.len(), 4);
}
