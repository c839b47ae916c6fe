//! Event Hubs `namespaces_delete_authorization_rule`, a DELETE that is not long-running, through
//! its generated client: 200 (deleted) and 204 (nothing to delete) are both success, and the
//! caller sees which came back; a DELETE whose first attempt is lost to throttling and whose
//! retry finds the rule already gone (204) is a success too, not an error. Any other status is a
//! service error in the ARM contract; invalid names send nothing.
//!
//! The plain 200 and the refused names go through the typed doubles; the rest stay written by
//! hand: a 204 with a body the client must ignore, a throttled first attempt, and error bodies
//! that hide a secret outside the message.

mod common;

use azure_core::http::{FixedRetryOptions, RetryOptions, StatusCode};
use azure_mgmt::ErrorKind;
use azure_mgmt::doubles::{FAKE_TOKEN, MockAzure};
use azure_mgmt::event_hubs::EventHubsClient;
use azure_mgmt::event_hubs::doubles::namespaces_delete_authorization_rule;
use common::{Op, options, options_with_retry, requests, with_ids};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUBSCRIPTION: &str = "5f750a97-50d9-4e36-8081-c9ee4c0210d4";
const GROUP: &str = "ArunMonocle";
const NAMESPACE: &str = "sdk-Namespace-8980";
const RULE: &str = "sdk-Authrules-8929";

fn rule_path() -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.EventHub/namespaces/{NAMESPACE}/authorizationRules/{RULE}"
    )
}

/// The DELETE the client must send, answered with `response`.
async fn mount_delete(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("DELETE"))
        .and(path(rule_path()))
        .and(query_param("api-version", "2024-01-01"))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn client(options: azure_mgmt::ClientOptions) -> EventHubsClient {
    EventHubsClient::new(testkit::FakeCredential::new(), Some(options)).unwrap()
}

async fn delete(client: &EventHubsClient) -> azure_mgmt::Result<azure_mgmt::Response<()>> {
    client
        .namespaces_delete_authorization_rule(SUBSCRIPTION, GROUP, NAMESPACE, RULE, None)
        .await
}

#[tokio::test]
async fn deleted_is_200() {
    let azure = MockAzure::start().await;
    azure
        .expect(
            namespaces_delete_authorization_rule(SUBSCRIPTION, GROUP, NAMESPACE, RULE)
                .returns()
                .reply_header("x-ms-request-id", common::REQUEST_ID)
                .times(1),
        )
        .await;
    let response = delete(&azure.client()).await.unwrap();
    assert_eq!(response.status(), StatusCode::Ok);
    assert_eq!(response.request_id(), Some(common::REQUEST_ID));
    let sent = azure.received_requests().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.path(), rule_path());
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        &format!("Bearer {FAKE_TOKEN}")
    );
}

#[tokio::test]
async fn a_double_answers_204_when_the_test_asks_for_it() {
    let azure = MockAzure::start().await;
    azure
        .expect(
            namespaces_delete_authorization_rule(SUBSCRIPTION, GROUP, NAMESPACE, RULE)
                .returns_with_status(204)
                .times(1),
        )
        .await;
    let response = delete(&azure.client()).await.unwrap();
    assert_eq!(response.status(), StatusCode::NoContent);
}

#[test]
#[should_panic(expected = "404 is not a success status of this operation; it answers [200, 204]")]
fn a_double_refuses_a_status_the_operation_never_answers() {
    let _ = namespaces_delete_authorization_rule(SUBSCRIPTION, GROUP, NAMESPACE, RULE)
        .returns_with_status(404);
}

#[tokio::test]
async fn nothing_to_delete_is_204_and_still_a_success() {
    let server = MockServer::start().await;
    // A body on a status documented without one is not read.
    mount_delete(&server, ResponseTemplate::new(204).set_body_string("{}")).await;
    let response = delete(&client(options(&server))).await.unwrap();
    assert_eq!(response.status(), StatusCode::NoContent);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_retried_delete_that_finds_the_rule_gone_succeeds_with_204() {
    let server = MockServer::start().await;
    // The first attempt is throttled after the service deleted the rule; the retry finds none.
    common::respond_first(
        &server,
        1,
        with_ids(ResponseTemplate::new(429)).insert_header("Retry-After", "0"),
    )
    .await;
    mount_delete(&server, ResponseTemplate::new(204)).await;
    let retry = RetryOptions::fixed(FixedRetryOptions {
        delay: azure_core::time::Duration::milliseconds(1),
        max_retries: 2,
        ..FixedRetryOptions::default()
    });
    let response = delete(&client(options_with_retry(&server, retry)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NoContent);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].url, sent[1].url);
    assert!(sent.iter().all(|r| r.method.as_str() == "DELETE"));
}

#[tokio::test]
async fn other_statuses_are_service_errors_in_the_arm_contract() {
    for status in [202, 404, 409] {
        let server = MockServer::start().await;
        mount_delete(&server, Op::EventHubs.error(status)).await;
        let error = delete(&client(options(&server))).await.unwrap_err();
        assert_eq!(error.http_status(), Some(StatusCode::from(status)));
        let service = error.service_error().expect("a service error");
        assert_eq!(service.code(), Some("KeyRegenerationConflict"));
        assert_eq!(service.request_id(), Some(common::REQUEST_ID));
        common::assert_error_hides_secrets(&error, "delete");
    }
}

#[tokio::test]
async fn invalid_names_send_nothing() {
    let azure = MockAzure::start().await;
    let client: EventHubsClient = azure.client();
    for (namespace, rule) in [("short", RULE), (NAMESPACE, ""), (NAMESPACE, "..")] {
        let error = client
            .namespaces_delete_authorization_rule(SUBSCRIPTION, GROUP, namespace, rule, None)
            .await
            .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::InvalidParameter { .. }),
            "{namespace} {rule}: {error:?}"
        );
    }
    assert!(azure.received_requests().await.is_empty());
}
