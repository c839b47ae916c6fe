//! End-to-end tests of the long-running protocol against a local wiremock server.

use super::*;
use crate::support::cloud::test_endpoints::Arm;
use crate::support::options::ClientOptions;
use azure_core::credentials::Secret;
use azure_core::http::RetryOptions;
use serde::Deserialize;
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
const KEYS: &str = r#"{"primaryKey":"SECRET-PRIMARY","keyName":"root"}"#;

fn core(server: &MockServer) -> ClientCore {
    let options = ClientOptions {
        client_options: testkit::client_options_with_retry(server, RetryOptions::none()),
        endpoint: Some(https_uri(server)),
        ..ClientOptions::default()
    };
    ClientCore::new::<Arm>(FakeCredential::new(), options).unwrap()
}

fn poller<T: DeserializeOwned + Send + 'static>(
    server: &MockServer,
    verb: Method,
    state: FinalState,
) -> Poller<T> {
    let url = Url::parse(&format!("{}/start", https_uri(server))).unwrap();
    core(server).poller(
        Context::new(),
        Request::new(url, verb),
        &ERRORS,
        state,
        BodyFormat::Json,
    )
}

fn keys_poller(server: &MockServer) -> Poller<AccessKeys> {
    poller(server, Method::Post, FinalState::AzureAsyncOperation)
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

#[tokio::test]
async fn retry_after_is_honoured_over_the_poll_interval() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "1").await;
    mount_status(&server, r#"{"status":"Succeeded"}"#, None).await;
    mount_result(&server).await;
    let started = Instant::now();
    let response = keys_poller(&server)
        .with_poll_interval(Duration::from_secs(3600))
        .await
        .unwrap();
    assert_keys(&response);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[tokio::test]
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
    let started = Instant::now();
    let response = keys_poller(&server)
        .with_poll_interval(Duration::from_millis(150))
        .await
        .unwrap();
    assert_keys(&response);
    assert!(started.elapsed() >= Duration::from_millis(450));
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn timeout_bounds_the_operation() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"InProgress"}"#, None).await;
    let started = Instant::now();
    let error = keys_poller(&server)
        .with_timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { limit } if *limit == Duration::from_millis(300))
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        error.to_string(),
        "long-running operation did not finish within 0.3 s"
    );
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

#[tokio::test]
async fn dropping_the_future_stops_polling() {
    let server = MockServer::start().await;
    mount_accepted(&server, true, "0").await;
    mount_status(&server, r#"{"status":"InProgress"}"#, None).await;
    let poller = keys_poller(&server).with_poll_interval(Duration::from_millis(20));
    let cut = tokio::time::timeout(Duration::from_millis(200), poller.into_future()).await;
    assert!(cut.is_err());
    let count = request_count(&server).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(request_count(&server).await, count);
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
    let core = ClientCore::new::<Arm>(FakeCredential::new(), ClientOptions::default()).unwrap();
    let poller: Poller<()> = core.poller(
        Context::new(),
        Request::new(server_less, Method::Post),
        &ERRORS,
        FinalState::Location,
        BodyFormat::Json,
    );
    let text = format!("{poller:?}");
    assert!(
        text.starts_with("Poller { state: \"not started\""),
        "{text}"
    );
}
