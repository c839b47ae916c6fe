//! End-to-end tests of the long-running protocol against a local wiremock server. Timing is
//! tested on a paused tokio clock (`start_paused`), with the transport that holds the clock
//! still while a request is on the wire; only a request that hangs for real needs real time.

use super::*;
use crate::support::cloud::test_endpoints::Arm;
use crate::support::options::ClientOptions;
use azure_core::credentials::Secret;
use azure_core::http::RetryOptions;
use serde::Deserialize;
use std::time::Instant;
use testkit::{FakeCredential, https_uri};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize)]
struct AccessKeys {
    #[serde(rename = "primaryKey")]
    primary_key: Option<Secret>,
    #[serde(rename = "keyName")]
    key_name: Option<String>,
}

const ERRORS: ErrorContract = ARM_SHAPE;

/// Every test poller on the real clock gives up after this long (those on a paused clock
/// are awaited with `ended_within`), so a bug that keeps polling fails its test
/// instead of hanging the suite.
const BOUND: Duration = Duration::from_secs(60);
const KEYS: &str = r#"{"primaryKey":"SECRET-PRIMARY","keyName":"root"}"#;

fn core(server: &MockServer) -> ClientCore {
    core_with(
        server,
        testkit::client_options_with_retry(server, RetryOptions::none()),
    )
}

fn core_with(server: &MockServer, client_options: azure_core::http::ClientOptions) -> ClientCore {
    let options = ClientOptions {
        client_options,
        endpoint: Some(https_uri(server)),
        ..ClientOptions::default()
    };
    ClientCore::new::<Arm>(FakeCredential::new(), options, "Contoso.Tests").unwrap()
}

fn poller<T: DeserializeOwned + Send + 'static>(
    server: &MockServer,
    verb: Method,
    state: FinalState,
) -> Poller<T> {
    poller_on(core(server), server, verb, state).with_timeout(BOUND)
}

fn poller_on<T: DeserializeOwned + Send + 'static>(
    core: ClientCore,
    server: &MockServer,
    verb: Method,
    state: FinalState,
) -> Poller<T> {
    let url = Url::parse(&format!("{}/start", https_uri(server))).unwrap();
    core.poller(
        "Contoso.Tests.Widgets.start",
        Context::new(),
        Request::new(url, verb),
        &[200, 201, 202],
        &ERRORS,
        state,
        Some(BodyFormat::Json),
    )
}

fn keys_poller(server: &MockServer) -> Poller<AccessKeys> {
    poller(server, Method::Post, FinalState::AzureAsyncOperation)
}

/// For a test on a paused clock (`#[tokio::test(start_paused = true)]`).
fn paused_keys_poller(server: &MockServer) -> Poller<AccessKeys> {
    let options = testkit::paused_clock_client_options(server, RetryOptions::none());
    poller_on(
        core_with(server, options),
        server,
        Method::Post,
        FinalState::AzureAsyncOperation,
    )
}

/// The virtual time since `started`, in whole seconds (a paused clock moves only by timers).
fn seconds_since(started: tokio::time::Instant) -> u64 {
    let elapsed = started.elapsed();
    assert_eq!(elapsed.subsec_nanos(), 0, "{elapsed:?}");
    elapsed.as_secs()
}

/// Awaits `poller` for at most `limit` of (virtual) time: a poller that should have ended by
/// then fails the test instead of polling for ever.
async fn ended_within<T: DeserializeOwned + Send + 'static>(
    limit: Duration,
    poller: Poller<T>,
) -> Result<Response<T>> {
    tokio::time::timeout(limit, poller.into_future())
        .await
        .expect("the poller should have ended by now")
}

/// The methods and paths the server saw, in order.
async fn trail(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

/// 202 pointing at `/op` (and at `/result` unless `location` is false).
async fn mount_accepted(server: &MockServer, location: bool, retry_after: &str) {
    let mut accepted = ResponseTemplate::new(202)
        .insert_header("Azure-AsyncOperation", format!("{}/op", https_uri(server)))
        .insert_header("Retry-After", retry_after);
    if location {
        accepted = accepted.insert_header("Location", format!("{}/result", https_uri(server)));
    }
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(accepted)
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_status(server: &MockServer, body: &str, times: Option<u64>) {
    let mock = Mock::given(method("GET")).and(path("/op")).respond_with(
        ResponseTemplate::new(200)
            .insert_header("Retry-After", "0")
            .insert_header("x-ms-request-id", "poll-rid")
            .set_body_string(body),
    );
    match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1).mount(server).await,
        None => mock.with_priority(2).mount(server).await,
    }
}

async fn mount_result(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/result"))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(KEYS))
        .expect(1)
        .mount(server)
        .await;
}

fn assert_keys(response: &Response<AccessKeys>) {
    let keys = response.model();
    assert_eq!(keys.key_name.as_deref(), Some("root"));
    assert_eq!(
        keys.primary_key.as_ref().map(Secret::secret),
        Some("SECRET-PRIMARY")
    );
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn immediate_200_needs_no_polling() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(ResponseTemplate::new(200).set_body_string(KEYS))
        .expect(1)
        .mount(&server)
        .await;
    let response = keys_poller(&server).await.unwrap();
    assert_keys(&response);
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn accepted_then_in_progress_twice_then_succeeded_then_location() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"InProgress"}"#, Some(2)).await;
    mount_status(&server, r#"{"status":"succeeded"}"#, None).await;
    mount_result(&server).await;

    let mut poller = keys_poller(&server);
    assert!(!poller.is_finished());
    let mut seen = Vec::new();
    while let Some(status) = poller.next_status().await {
        seen.push(status.unwrap());
    }
    use OperationStatus::*;
    assert_eq!(seen, [InProgress, InProgress, InProgress, Succeeded]);
    let terminal: Vec<bool> = seen.iter().map(|s| s.is_terminal()).collect();
    assert_eq!(terminal, [false, false, false, true]);
    assert!(Failed.is_terminal() && Canceled.is_terminal());
    // Asking again after the end never panics, and sends nothing.
    assert!(poller.next_status().await.is_none());
    assert!(poller.next_status().await.is_none());
    assert!(poller.is_finished());
    let response = poller.await.unwrap();
    assert_keys(&response);
    assert_eq!(request_count(&server).await, 5);
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| {
        r.headers.get("authorization").map(|v| v.as_bytes()) == Some(b"Bearer fake-token")
    }));
}

#[tokio::test]
async fn awaiting_directly_polls_to_the_end() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"Running"}"#, Some(3)).await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    assert_keys(&keys_poller(&server).await.unwrap());
    assert_eq!(request_count(&server).await, 6);
}

#[tokio::test]
async fn failed_operation_reports_code_and_message_without_the_body() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    let body = r#"{"status":"Failed","properties":{"primaryKey":"SECRET-PRIMARY"},
        "error":{"code":"KeyRegenerationFailed","message":"The key could not be regenerated.","target":"keyType"}}"#;
    mount_status(&server, body, None).await;

    let mut poller = keys_poller(&server);
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
        panic!("unexpected {error:?}");
    };
    assert_eq!(service.code(), Some("KeyRegenerationFailed"));
    assert_eq!(service.message(), Some("The key could not be regenerated."));
    assert_eq!(service.target(), Some("keyType"));
    assert_eq!(service.operation_status(), Some("Failed"));
    assert_eq!(service.request_id(), Some("poll-rid"));
    assert!(service.raw_body().starts_with(b"{\"status\":\"Failed\""));
    assert_eq!(
        error.to_string(),
        "long-running operation ended with status Failed: KeyRegenerationFailed: \
         The key could not be regenerated. (target: keyType) (x-ms-request-id: poll-rid)"
    );
    assert!(!format!("{error:?}").contains("SECRET"));
    // No request for the result.
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn canceled_operation() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"Cancelled"}"#, None).await;
    let mut poller = keys_poller(&server);
    let mut last = None;
    while let Some(status) = poller.next_status().await {
        last = Some(status.unwrap());
    }
    assert_eq!(last, Some(OperationStatus::Canceled));
    let error = poller.await.unwrap_err();
    assert_eq!(
        error.service_error().unwrap().operation_status(),
        Some("Canceled")
    );
    assert_eq!(
        error.to_string(),
        "long-running operation ended with status Canceled (x-ms-request-id: poll-rid)"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_over_the_poll_interval() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "40").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    let started = tokio::time::Instant::now();
    let response = paused_keys_poller(&server)
        .with_poll_interval(Duration::from_secs(3600))
        .await
        .unwrap();
    assert_keys(&response);
    assert_eq!(seconds_since(started), 40);
}

/// A service asking for more than a minute is polled after a minute.
#[tokio::test(start_paused = true)]
async fn a_long_retry_after_is_capped_at_a_minute() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "86400").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    let started = tokio::time::Instant::now();
    let response = paused_keys_poller(&server).await.unwrap();
    assert_keys(&response);
    assert_eq!(seconds_since(started), 60);
}

/// A 202 (or a running status) that asks for another wait is obeyed on the next poll, for
/// both kinds of monitor: the wait is read from every response, not only the first.
#[tokio::test(start_paused = true)]
async fn a_changed_retry_after_applies_to_the_next_wait() {
    for mode in [Mode::AsyncOperation, Mode::Location] {
        let server = MockServer::start().await;
        let base = https_uri(&server);
        let monitor = match mode {
            Mode::AsyncOperation => "/op",
            Mode::Location => "/result",
        };
        let header = match mode {
            Mode::AsyncOperation => "Azure-AsyncOperation",
            Mode::Location => "Location",
        };
        Mock::given(method("POST"))
            .and(path("/start"))
            .respond_with(
                ResponseTemplate::new(202)
                    .insert_header(header, format!("{base}{monitor}"))
                    .insert_header("Location", format!("{base}/result"))
                    .insert_header("Retry-After", "10"),
            )
            .mount(&server)
            .await;
        let running = match mode {
            Mode::AsyncOperation => {
                ResponseTemplate::new(200).set_body_string(r#"{"status":"InProgress"}"#)
            }
            Mode::Location => ResponseTemplate::new(202),
        };
        Mock::given(method("GET"))
            .and(path(monitor))
            .respond_with(running.insert_header("Retry-After", "45"))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        if mode == Mode::AsyncOperation {
            mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
        }
        mount_result(&server).await;

        let mut poller = paused_keys_poller(&server);
        let started = tokio::time::Instant::now();
        let mut seen = Vec::new();
        while let Some(status) = poller.next_status().await {
            seen.push((status.unwrap(), seconds_since(started)));
        }
        use OperationStatus::*;
        assert_eq!(
            seen,
            [(InProgress, 0), (InProgress, 10), (Succeeded, 55)],
            "{mode:?}"
        );
        assert_keys(&poller.await.unwrap());
    }
}

#[tokio::test(start_paused = true)]
async fn poll_interval_applies_without_retry_after() {
    let server = MockServer::start().await;
    let accepted = ResponseTemplate::new(202)
        .insert_header("Location", format!("{}/result", https_uri(&server)));
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(accepted)
        .mount(&server)
        .await;
    // Location polling: 202 while running, then the result itself.
    Mock::given(method("GET"))
        .and(path("/result"))
        .respond_with(ResponseTemplate::new(202))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_result(&server).await;
    let started = tokio::time::Instant::now();
    let response = paused_keys_poller(&server)
        .with_poll_interval(Duration::from_secs(90))
        .await
        .unwrap();
    assert_keys(&response);
    assert_eq!(seconds_since(started), 270);
    assert_eq!(request_count(&server).await, 4);
}

/// Waits of days are waited in full: nothing shortens them but the time bound.
#[tokio::test(start_paused = true)]
async fn a_wait_of_days_is_waited_in_full() {
    const DAY: u64 = 24 * 3600;
    let server = MockServer::start().await;
    mount_location_monitor(&server).await;
    mount_result(&server).await;
    let started = tokio::time::Instant::now();
    let response = paused_keys_poller(&server)
        .with_poll_interval(Duration::from_secs(30 * DAY))
        .with_timeout(Duration::from_secs(31 * DAY))
        .await
        .unwrap();
    assert_keys(&response);
    assert_eq!(seconds_since(started), 30 * DAY);
    assert_eq!(trail(&server).await, ["POST /start", "GET /result"]);
}

/// A 202 pointing at `/result` with `Location` only (no `Retry-After`).
async fn mount_location_monitor(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", format!("{}/result", https_uri(server))),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// A poll interval too long for any clock is a wait until the time bound, not no wait.
#[tokio::test(start_paused = true)]
async fn an_endless_poll_interval_waits_until_the_time_bound() {
    let server = MockServer::start().await;
    mount_location_monitor(&server).await;
    let started = tokio::time::Instant::now();
    let poller = paused_keys_poller(&server)
        .with_poll_interval(Duration::MAX)
        .with_timeout(Duration::from_secs(7200));
    let error = ended_within(Duration::from_secs(3 * 3600), poller)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
    assert_eq!(seconds_since(started), 7200);
    assert_eq!(trail(&server).await, ["POST /start"]);
}

#[tokio::test(start_paused = true)]
async fn timeout_bounds_the_operation() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "1").await;
    mount_running_status(&server, "1").await;
    let started = tokio::time::Instant::now();
    let poller = paused_keys_poller(&server).with_timeout(Duration::from_millis(3500));
    let error = ended_within(Duration::from_secs(3600), poller)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { limit } if *limit == Duration::from_millis(3500))
    );
    assert_eq!(started.elapsed(), Duration::from_millis(3500));
    assert_eq!(
        error.to_string(),
        "long-running operation did not finish within 3.5 s"
    );
    // The POST, then a poll at 1, 2 and 3 s; the bound comes before the one at 4 s.
    assert_eq!(request_count(&server).await, 4);
}

/// The status monitor says `InProgress` for ever, asking for `retry_after` seconds each time.
async fn mount_running_status(server: &MockServer, retry_after: &str) {
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Retry-After", retry_after)
                .set_body_string(r#"{"status":"InProgress"}"#),
        )
        .mount(server)
        .await;
}

/// Without `with_timeout`, an operation gives up after 30 minutes, polls and waits included.
#[tokio::test(start_paused = true)]
async fn the_default_time_bound_is_thirty_minutes() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "60").await;
    mount_running_status(&server, "60").await;
    let started = tokio::time::Instant::now();
    let error = ended_within(Duration::from_secs(2 * 3600), paused_keys_poller(&server))
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { limit } if *limit == Duration::from_secs(1800)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "long-running operation did not finish within 1800 s"
    );
    assert_eq!(seconds_since(started), 1800);
    // The POST, then a poll each minute; the bound comes before the one at 30 minutes.
    assert_eq!(request_count(&server).await, 30);
}

#[tokio::test]
async fn timeout_also_cuts_a_hanging_poll() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"status":"Succeeded"}"#)
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let mut poller = keys_poller(&server).with_timeout(Duration::from_millis(300));
    assert_eq!(
        poller.next_status().await.unwrap().unwrap(),
        OperationStatus::InProgress
    );
    let started = Instant::now();
    let error = poller.next_status().await.unwrap().unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Timeout { .. }));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(poller.next_status().await.is_none());
    assert!(matches!(
        poller.await.unwrap_err().kind(),
        ErrorKind::Timeout { .. }
    ));
}

/// Dropped between polls (on a paused clock, so it is known where: after the poll at 60 s,
/// waiting for the one at 120 s), the future sends nothing more, ever.
#[tokio::test(start_paused = true)]
async fn dropping_the_future_stops_polling() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "60").await;
    mount_running_status(&server, "60").await;
    let poller = paused_keys_poller(&server);
    let cut = tokio::time::timeout(Duration::from_secs(90), poller.into_future()).await;
    assert!(cut.is_err());
    assert_eq!(trail(&server).await, ["POST /start", "GET /op"]);
    // A live poller would poll 60 more times in this hour.
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert_eq!(trail(&server).await, ["POST /start", "GET /op"]);
}

#[tokio::test]
async fn errors_at_any_step_use_the_error_contract() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_string(r#"{"error":{"code":"OperationNotFound","message":"gone"}}"#),
        )
        .mount(&server)
        .await;
    let mut poller = keys_poller(&server);
    assert!(poller.next_status().await.unwrap().is_ok());
    let error = poller.next_status().await.unwrap().unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::NotFound));
    assert_eq!(
        error.service_error().unwrap().code(),
        Some("OperationNotFound")
    );
    assert!(poller.next_status().await.is_none());
    let again = poller.await.unwrap_err();
    assert_eq!(again.service_error().unwrap().message(), Some("gone"));
}

#[tokio::test]
async fn initial_error_is_a_service_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_string(r#"{"error":{"code":"Conflict","message":"busy"}}"#),
        )
        .mount(&server)
        .await;
    let error = keys_poller(&server).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Service(_)));
    assert_eq!(error.service_error().unwrap().code(), Some("Conflict"));
}

#[tokio::test]
async fn no_final_url_is_fine_for_unit_results_only() {
    let server = MockServer::start().await;
    mount_accepted(&server, false, "0").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    let unit: Poller<()> = poller(&server, Method::Post, FinalState::AzureAsyncOperation);
    assert_eq!(unit.await.unwrap().status(), StatusCode::Ok);

    let server = MockServer::start().await;
    mount_accepted(&server, false, "0").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    let error = keys_poller(&server).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Decode { .. }));
    assert!(error.to_string().contains("no URL to read its result from"));
}

#[tokio::test]
async fn put_reads_the_result_from_the_original_url() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Azure-AsyncOperation", format!("{}/op", https_uri(&server)))
                .insert_header("retry-after-ms", "10")
                .set_body_string(r#"{"keyName":"provisioning"}"#),
        )
        .mount(&server)
        .await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    Mock::given(method("GET"))
        .and(path("/start"))
        .respond_with(ResponseTemplate::new(200).set_body_string(KEYS))
        .expect(1)
        .mount(&server)
        .await;
    let response = poller::<AccessKeys>(&server, Method::Put, FinalState::AzureAsyncOperation)
        .await
        .unwrap();
    assert_keys(&response);
}

/// Only a 202, or a 201 with `Azure-AsyncOperation`, starts polling: a 201 with `Location`
/// alone, or a 200 whatever its headers, is the result.
#[tokio::test]
async fn created_with_location_or_ok_is_the_result() {
    let cases = [
        (201, "Location"),
        (200, "Azure-AsyncOperation"),
        (200, "Location"),
    ];
    for (status, header_name) in cases {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/start"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header(header_name, format!("{}/op", https_uri(&server)))
                    .insert_header("Retry-After", "0")
                    .set_body_string(KEYS),
            )
            .expect(1)
            .mount(&server)
            .await;
        let mut poller =
            poller::<AccessKeys>(&server, Method::Put, FinalState::AzureAsyncOperation);
        assert_eq!(
            poller.next_status().await.unwrap().unwrap(),
            OperationStatus::Succeeded,
            "{status} with {header_name}"
        );
        let response = poller.await.unwrap();
        assert_eq!(u16::from(response.status()), status);
        assert_keys(&response);
        assert_eq!(trail(&server).await, ["PUT /start"]);
    }
}

/// A `Location` monitor may answer each 202 with a new `Location`: the next poll goes there.
#[tokio::test]
async fn the_location_monitor_may_move_on_each_poll() {
    let server = MockServer::start().await;
    let base = https_uri(&server);
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", format!("{base}/step-1"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/step-1"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", format!("{base}/result"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    mount_result(&server).await;
    let mut poller = keys_poller(&server);
    // Bounded: a poller stuck on the old URL must fail here, not hang.
    for _ in 0..3 {
        poller.next_status().await.unwrap().unwrap();
    }
    assert!(poller.is_finished());
    assert_keys(&poller.await.unwrap());
    assert_eq!(
        trail(&server).await,
        ["POST /start", "GET /step-1", "GET /result"]
    );
}

/// An `Azure-AsyncOperation` monitor that answers 202 without a status (an empty body, or an
/// object without `status`) is still running: it is polled on. A 202 that does report a
/// status is read like a 200.
#[tokio::test]
async fn an_accepted_status_without_a_status_is_still_running() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    for body in ["", " \n", r#"{"id":"op"}"#, r#"{"status":"Running"}"#] {
        Mock::given(method("GET"))
            .and(path("/op"))
            .respond_with(
                ResponseTemplate::new(202)
                    .insert_header("Retry-After", "0")
                    .set_body_string(body),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Retry-After", "0")
                .set_body_string(r#"{"status":"Succeeded"}"#),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    mount_result(&server).await;
    let mut poller = keys_poller(&server);
    let mut seen = Vec::new();
    // Bounded: a poller that never sees the end must fail here, not hang.
    for _ in 0..8 {
        match poller.next_status().await {
            Some(status) => seen.push(status.unwrap()),
            None => break,
        }
    }
    use OperationStatus::*;
    assert_eq!(
        seen,
        [
            InProgress, InProgress, InProgress, InProgress, InProgress, Succeeded
        ]
    );
    assert_keys(&poller.await.unwrap());
    assert_eq!(request_count(&server).await, 7);
}

#[tokio::test]
async fn accepted_without_a_polling_header_or_with_http_urls_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    let error = keys_poller(&server).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("without an Azure-AsyncOperation or Location")
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("{}/op", server.uri())),
        )
        .mount(&server)
        .await;
    let error = keys_poller(&server).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("azure-asyncoperation URL is not https")
    );
}

#[tokio::test]
async fn malformed_status_and_result_bodies_are_decode_errors() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"Succ"#, None).await;
    let error = keys_poller(&server).await.unwrap_err();
    assert!(error.to_string().contains("truncated JSON"), "{error}");

    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    Mock::given(method("GET"))
        .and(path("/result"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"primaryKey":5,"x":"SECRET"}"#),
        )
        .mount(&server)
        .await;
    let error = keys_poller(&server).await.unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(text.contains("does not match the expected type"), "{text}");
    assert!(!text.contains("SECRET"));
}

#[test]
fn retry_after_spellings() {
    let mut headers = Headers::new();
    assert_eq!(retry_after(&headers), None);
    headers.insert("retry-after", "7");
    assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
    headers.insert("x-ms-retry-after-ms", "250");
    assert_eq!(retry_after(&headers), Some(Duration::from_millis(250)));
    headers.insert("retry-after-ms", "40");
    assert_eq!(retry_after(&headers), Some(Duration::from_millis(40)));

    let mut past = Headers::new();
    past.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT");
    assert_eq!(retry_after(&past), Some(Duration::ZERO));
    let mut junk = Headers::new();
    junk.insert("retry-after", "soon");
    assert_eq!(retry_after(&junk), None);
}

#[test]
fn debug_shows_the_state_only() {
    let server_less = Url::parse("https://127.0.0.1:1/start").unwrap();
    let core = ClientCore::new::<Arm>(
        FakeCredential::new(),
        ClientOptions::default(),
        "Contoso.Tests",
    )
    .unwrap();
    let poller: Poller<()> = core.poller(
        "Contoso.Tests.Widgets.start",
        Context::new(),
        Request::new(server_less, Method::Post),
        &[200, 202],
        &ERRORS,
        FinalState::Location,
        None,
    );
    let text = format!("{poller:?}");
    assert!(
        text.starts_with("Poller { state: \"not started\""),
        "{text}"
    );
}

/// A poller for `verb` on `/start` that accepts `statuses` at first, with no result body when
/// `format` is `None`.
fn poller_for<T: DeserializeOwned + Send + 'static>(
    server: &MockServer,
    verb: Method,
    statuses: &'static [u16],
    state: FinalState,
    format: Option<BodyFormat>,
) -> Poller<T> {
    let url = Url::parse(&format!("{}/start", https_uri(server))).unwrap();
    core(server)
        .poller(
            "Contoso.Tests.Widgets.start",
            Context::new(),
            Request::new(url, verb),
            statuses,
            &ERRORS,
            state,
            format,
        )
        .with_poll_interval(Duration::ZERO)
        .with_timeout(BOUND)
}

/// The initial `verb` on `/start` answers `status` with `/op` as `Azure-AsyncOperation` and
/// `/location` as `Location`, each when asked for.
async fn mount_start(server: &MockServer, verb: &str, status: u16, async_op: bool, location: bool) {
    let base = https_uri(server);
    let mut response = ResponseTemplate::new(status).insert_header("Retry-After", "0");
    if async_op {
        response = response.insert_header("Azure-AsyncOperation", format!("{base}/op"));
    }
    if location {
        response = response.insert_header("Location", format!("{base}/location"));
    }
    Mock::given(method(verb))
        .and(path("/start"))
        .respond_with(response)
        .expect(1)
        .mount(server)
        .await;
}

/// Serves the keys at `at` (GET).
async fn mount_keys_at(server: &MockServer, at: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_string(KEYS))
        .mount(server)
        .await;
}

/// `verb` answered with `status` and the polling headers asked for, polled to `Succeeded`:
/// the requests sent are `expected`, and the keys read at the end are the result.
async fn check_result_url(
    verb: Method,
    status: u16,
    (async_op, location): (bool, bool),
    state: FinalState,
    expected: &[&str],
) {
    let name = verb.as_str().to_owned();
    let server = MockServer::start().await;
    mount_start(&server, &name, status, async_op, location).await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_keys_at(&server, "/location").await;
    mount_keys_at(&server, "/start").await;
    let poller = poller_for::<AccessKeys>(
        &server,
        verb,
        &[200, 201, 202],
        state,
        Some(BodyFormat::Json),
    );
    let response = poller
        .await
        .unwrap_or_else(|e| panic!("{name} {state:?}: {e}"));
    assert_keys(&response);
    assert_eq!(trail(&server).await, expected, "{name} {status} {state:?}");
}

#[tokio::test]
async fn put_and_patch_read_the_result_where_the_final_state_says() {
    use FinalState::*;
    const BOTH: (bool, bool) = (true, true);
    let put = |last| ["PUT /start", "GET /op", last];
    check_result_url(
        Method::Put,
        201,
        BOTH,
        AzureAsyncOperation,
        &put("GET /start"),
    )
    .await;
    check_result_url(Method::Put, 201, BOTH, Location, &put("GET /location")).await;
    check_result_url(
        Method::Put,
        201,
        (true, false),
        Location,
        &put("GET /start"),
    )
    .await;
    check_result_url(Method::Put, 202, BOTH, OriginalUri, &put("GET /start")).await;
    let patch = ["PATCH /start", "GET /op", "GET /start"];
    check_result_url(Method::Patch, 202, BOTH, AzureAsyncOperation, &patch).await;
    // Only `Location` to poll: its last response is the result, unless it is read elsewhere.
    let location_only = (false, true);
    let put = ["PUT /start", "GET /location"];
    check_result_url(Method::Put, 202, location_only, Location, &put).await;
    let patch = ["PATCH /start", "GET /location", "GET /start"];
    check_result_url(Method::Patch, 202, location_only, OriginalUri, &patch).await;
}

#[tokio::test]
async fn post_with_original_uri_reads_the_original_url() {
    let server = MockServer::start().await;
    mount_start(&server, "POST", 202, true, true).await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_keys_at(&server, "/start").await;
    let poller = poller_for::<AccessKeys>(
        &server,
        Method::Post,
        &[200, 202],
        FinalState::OriginalUri,
        Some(BodyFormat::Json),
    );
    assert_keys(&poller.await.unwrap());
    assert_eq!(
        trail(&server).await,
        ["POST /start", "GET /op", "GET /start"]
    );
}

#[tokio::test]
async fn delete_204_at_once_is_success() {
    for status in [200, 204] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path("/start"))
            // A body on a DELETE's success is not read: the operation has no result.
            .respond_with(ResponseTemplate::new(status).set_body_string("{\"ignored\":true}"))
            .mount(&server)
            .await;
        let poller: Poller<()> = poller_for(
            &server,
            Method::Delete,
            &[200, 202, 204],
            FinalState::Location,
            None,
        );
        let response = poller.await.unwrap();
        assert_eq!(u16::from(response.status()), status);
        assert_eq!(trail(&server).await, ["DELETE /start"]);
    }
}

#[tokio::test]
async fn delete_accepted_then_polled_at_location_until_204() {
    for state in [
        FinalState::Location,
        FinalState::AzureAsyncOperation,
        FinalState::OriginalUri,
    ] {
        let server = MockServer::start().await;
        mount_start(&server, "DELETE", 202, false, true).await;
        Mock::given(method("GET"))
            .and(path("/location"))
            .respond_with(ResponseTemplate::new(202).insert_header("Retry-After", "0"))
            .up_to_n_times(2)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/location"))
            .respond_with(ResponseTemplate::new(204))
            .with_priority(2)
            .mount(&server)
            .await;
        let poller: Poller<()> = poller_for(&server, Method::Delete, &[200, 202, 204], state, None);
        let response = poller.await.unwrap();
        assert_eq!(response.status(), StatusCode::NoContent);
        assert_eq!(
            trail(&server).await,
            [
                "DELETE /start",
                "GET /location",
                "GET /location",
                "GET /location"
            ],
            "{state:?}"
        );
    }
}

#[tokio::test]
async fn delete_via_azure_async_operation_reads_no_result() {
    let server = MockServer::start().await;
    mount_start(&server, "DELETE", 202, true, true).await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    let poller: Poller<()> = poller_for(
        &server,
        Method::Delete,
        &[200, 202, 204],
        FinalState::AzureAsyncOperation,
        None,
    );
    let response = poller.await.unwrap();
    assert_eq!(response.status(), StatusCode::Ok);
    // Nothing is read after the status monitor: not `Location`, not the deleted resource.
    assert_eq!(trail(&server).await, ["DELETE /start", "GET /op"]);
}

#[tokio::test]
async fn an_initial_status_the_spec_does_not_document_is_an_error() {
    let server = MockServer::start().await;
    mount_start(&server, "PUT", 202, true, false).await;
    let poller: Poller<AccessKeys> = poller_for(
        &server,
        Method::Put,
        &[200, 201],
        FinalState::AzureAsyncOperation,
        Some(BodyFormat::Json),
    );
    let error = poller.await.unwrap_err();
    assert_eq!(error.http_status(), Some(StatusCode::Accepted));
    assert!(matches!(error.kind(), ErrorKind::Service(_)), "{error:?}");
    assert_eq!(trail(&server).await, ["PUT /start"]);
}

#[tokio::test]
async fn a_200_or_a_201_without_azure_async_operation_ends_at_once() {
    // A 200 is the result even when it carries polling headers.
    let server = MockServer::start().await;
    let base = https_uri(&server);
    Mock::given(method("PUT"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Azure-AsyncOperation", format!("{base}/op"))
                .insert_header("Location", format!("{base}/location"))
                .set_body_string(KEYS),
        )
        .mount(&server)
        .await;
    let poller = poller_for::<AccessKeys>(
        &server,
        Method::Put,
        &[200, 201, 202],
        FinalState::AzureAsyncOperation,
        Some(BodyFormat::Json),
    );
    assert_keys(&poller.await.unwrap());
    assert_eq!(trail(&server).await, ["PUT /start"]);

    // A 201 polls only with `Azure-AsyncOperation`: with `Location` alone it is the result.
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/start"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Location", format!("{}/location", https_uri(&server)))
                .set_body_string(KEYS),
        )
        .mount(&server)
        .await;
    let poller = poller_for::<AccessKeys>(
        &server,
        Method::Put,
        &[200, 201, 202],
        FinalState::Location,
        Some(BodyFormat::Json),
    );
    let response = poller.await.unwrap();
    assert_eq!(response.status(), StatusCode::Created);
    assert_keys(&response);
    assert_eq!(trail(&server).await, ["PUT /start"]);
}

#[tokio::test]
async fn a_202_that_moves_the_monitor_is_followed() {
    let server = MockServer::start().await;
    let base = https_uri(&server);
    mount_start(&server, "POST", 202, false, true).await;
    Mock::given(method("GET"))
        .and(path("/location"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Location", format!("{base}/moved"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    mount_keys_at(&server, "/moved").await;
    let poller = poller_for::<AccessKeys>(
        &server,
        Method::Post,
        &[200, 202],
        FinalState::Location,
        Some(BodyFormat::Json),
    );
    assert_keys(&poller.await.unwrap());
    assert_eq!(
        trail(&server).await,
        ["POST /start", "GET /location", "GET /moved"]
    );
}

#[tokio::test]
async fn the_status_monitor_may_answer_202_with_or_without_a_status() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    for body in ["", "{}", r#"{"status":"Succeeded"}"#] {
        Mock::given(method("GET"))
            .and(path("/op"))
            .respond_with(
                ResponseTemplate::new(202)
                    .insert_header("Retry-After", "0")
                    .set_body_string(body),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    mount_result(&server).await;
    assert_keys(&keys_poller(&server).await.unwrap());
    assert_eq!(
        trail(&server).await,
        [
            "POST /start",
            "GET /op",
            "GET /op",
            "GET /op",
            "GET /result"
        ]
    );

    // A 200 from the monitor must say how the operation stands.
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, "{}", None).await;
    let error = keys_poller(&server).await.unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("the operation status has no `status` field"),
        "{error}"
    );
}

/// A status, its headers and its body.
type Scripted = (u16, Vec<(&'static str, String)>, &'static str);

/// An in-process transport for paused-clock tests (a real socket would let the paused clock
/// jump past the client's own timeouts): it answers from a script and records each URL.
#[derive(Debug, Default)]
struct Script {
    responses: std::sync::Mutex<Vec<Scripted>>,
    paths: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl azure_core::http::HttpClient for Script {
    async fn execute_request(
        &self,
        request: &Request,
    ) -> azure_core::Result<azure_core::http::AsyncRawResponse> {
        self.paths
            .lock()
            .unwrap()
            .push(request.url().path().to_owned());
        let (status, headers, body) = self.responses.lock().unwrap().remove(0);
        let mut map = Headers::new();
        for (name, value) in headers {
            map.insert(name, value);
        }
        Ok(azure_core::http::AsyncRawResponse::from_bytes(
            StatusCode::from(status),
            map,
            body.as_bytes().to_vec(),
        ))
    }
}

#[tokio::test(start_paused = true)]
async fn each_poll_waits_as_long_as_the_response_before_it_asks() {
    const BASE: &str = "https://management.example";
    // (what to poll, its in-progress answer, the final answers, the paths requested)
    let polls = [
        (
            "azure-asyncoperation",
            (200, r#"{"status":"InProgress"}"#),
            vec![(200, r#"{"status":"Succeeded"}"#), (200, KEYS)],
            vec!["/start", "/monitor", "/monitor", "/result"],
        ),
        (
            "location",
            (202, ""),
            vec![(200, KEYS)],
            vec!["/start", "/monitor", "/monitor"],
        ),
    ];
    for (header, (running, running_body), done, paths) in polls {
        let script = std::sync::Arc::new(Script::default());
        {
            let mut responses = script.responses.lock().unwrap();
            let wait = |seconds: &str| ("retry-after", seconds.to_owned());
            let mut start = vec![(header, format!("{BASE}/monitor")), wait("1")];
            if header != "location" {
                start.push(("location", format!("{BASE}/result")));
            }
            responses.push((202, start, ""));
            responses.push((running, vec![wait("7")], running_body));
            responses.extend(done.into_iter().map(|(s, b)| (s, vec![wait("0")], b)));
        }
        let options = ClientOptions {
            client_options: azure_core::http::ClientOptions {
                transport: Some(azure_core::http::Transport::new(script.clone())),
                retry: RetryOptions::none(),
                ..Default::default()
            },
            endpoint: Some(BASE.to_owned()),
            ..ClientOptions::default()
        };
        let core = ClientCore::new::<Arm>(FakeCredential::new(), options, "Contoso.Tests").unwrap();
        let url = Url::parse(&format!("{BASE}/start")).unwrap();
        let poller: Poller<AccessKeys> = core
            .poller(
                "Contoso.Tests.Widgets.start",
                Context::new(),
                Request::new(url, Method::Post),
                &[200, 202],
                &ERRORS,
                FinalState::Location,
                Some(BodyFormat::Json),
            )
            .with_poll_interval(Duration::from_secs(3600));
        let started = tokio::time::Instant::now();
        assert_keys(&poller.await.unwrap());
        // 1 s after the 202, then 7 s after the running answer, on the paused clock.
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(8) && waited < Duration::from_secs(9),
            "{header}: {waited:?}"
        );
        assert_eq!(*script.paths.lock().unwrap(), paths, "{header}");
    }
}

/// A poller can be moved to another task, and shared by reference, like the futures it makes.
#[test]
fn pollers_are_send_and_sync() {
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Poller<AccessKeys>>();
    send_and_sync::<Poller<()>>();
}

/// A bound of zero is over before it starts: nothing is sent, not even a request cut at
/// once.
#[tokio::test]
async fn a_zero_time_bound_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(KEYS))
        .mount(&server)
        .await;
    let mut poller = keys_poller(&server).with_timeout(Duration::ZERO);
    let error = poller.next_status().await.unwrap().unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
    assert!(poller.next_status().await.is_none());
    assert_eq!(request_count(&server).await, 0);
}

/// A poller for the keys, of a client that traces into `tracing`.
fn traced_keys_poller(
    server: &MockServer,
    tracing: &std::sync::Arc<testkit::tracing::MemoryTracerProvider>,
) -> Poller<AccessKeys> {
    let mut client_options = testkit::client_options_with_retry(server, RetryOptions::none());
    client_options.instrumentation.tracer_provider = Some(tracing.clone());
    poller_on(
        core_with(server, client_options),
        server,
        Method::Post,
        FinalState::AzureAsyncOperation,
    )
    .with_timeout(BOUND)
}

#[tokio::test]
async fn the_operation_is_one_span_over_every_poll() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"InProgress"}"#, Some(1)).await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let mut poller = traced_keys_poller(&server, &tracing);
    assert_eq!(tracing.spans(), [], "nothing before the first poll");
    assert_eq!(
        poller.next_status().await.unwrap().unwrap(),
        OperationStatus::InProgress
    );
    assert_eq!(tracing.spans()[0].ends, 0, "open while the operation runs");
    assert_keys(&poller.await.unwrap());

    let spans = tracing.spans();
    let operation = &spans[0];
    assert_eq!(operation.name, "Contoso.Tests.Widgets.start");
    assert_eq!(operation.attribute("az.namespace"), Some("Contoso.Tests"));
    assert_eq!((operation.ends, operation.error.as_deref()), (1, None));
    let requests: Vec<_> = spans[1..].iter().map(|s| s.name.as_str()).collect();
    assert_eq!(requests, ["POST", "GET", "GET", "GET"], "{spans:#?}");
    assert!(spans[1..].iter().all(|s| s.parent == Some(operation.id)));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_operation_ends_its_span_with_the_error() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "1").await;
    mount_running_status(&server, "1").await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let mut client_options = testkit::paused_clock_client_options(&server, RetryOptions::none());
    client_options.instrumentation.tracer_provider = Some(tracing.clone());
    let poller: Poller<AccessKeys> = poller_on(
        core_with(&server, client_options),
        &server,
        Method::Post,
        FinalState::AzureAsyncOperation,
    )
    .with_timeout(Duration::from_millis(1500));
    assert!(poller.await.is_err());
    let operation = &tracing.spans()[0];
    assert_eq!(operation.attribute("error.type"), Some("Timeout"));
    assert_eq!(
        (operation.error.as_deref(), operation.ends),
        (Some("Timeout"), 1)
    );
}

/// An operation the service canceled names that ending on its span, as a failed one names
/// `Failed`.
#[tokio::test]
async fn a_canceled_operation_names_canceled_on_its_span() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"Canceled"}"#, None).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    assert!(traced_keys_poller(&server, &tracing).await.is_err());
    let operation = &tracing.spans()[0];
    assert_eq!(operation.attribute("error.type"), Some("Canceled"));
    assert_eq!(
        (operation.error.as_deref(), operation.ends),
        (Some("Canceled"), 1)
    );
}

#[tokio::test]
async fn a_dropped_poller_ends_its_span_once() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"InProgress"}"#, None).await;
    let tracing = testkit::tracing::MemoryTracerProvider::new();
    let mut poller = traced_keys_poller(&server, &tracing);
    poller.next_status().await.unwrap().unwrap();
    drop(poller);
    let spans = tracing.spans();
    assert_eq!(spans.len(), 2, "{spans:#?}");
    assert_eq!((spans[0].ends, spans[0].attribute("error.type")), (1, None));
}

#[tokio::test]
async fn without_a_tracer_provider_nothing_is_traced() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    let poller = keys_poller(&server).with_poll_interval(Duration::ZERO);
    assert!(format!("{:?}", poller.driver.span).contains("not started"));
    assert_keys(&poller.await.unwrap());
}
