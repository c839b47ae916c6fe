//! Success, for every operation: the exact documented request goes out (method, path, query,
//! headers, body, bearer token for the right audience) and the documented 200 is read into
//! the typed model. Also: a status the operation does not document as success is an error.
//!
//! The documented requests and bodies are written out by hand here: the typed doubles build
//! the body they expect with the client's own serializer, so they cannot prove the wire format
//! against the documentation. Only the token reuse, which needs no documented body, uses them.

mod common;

use azure_core::http::StatusCode;
use azure_mgmt::ErrorKind;
use common::{ALL, Op, call, call_valid, call_with, options, requests, respond_to_all};
use wiremock::MockServer;

#[tokio::test]
async fn every_operation_sends_the_documented_request_and_reads_its_keys() {
    for op in ALL {
        let server = MockServer::start().await;
        op.expect_request()
            .respond_with(op.success())
            .expect(1)
            .named(op.name())
            .mount(&server)
            .await;
        let credential = testkit::FakeCredential::new();
        let keys = call_with(
            op,
            credential.clone(),
            options(&server),
            op.valid_args(),
            op.key_type(),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", op.name()));
        keys.assert_success(op);
        assert_eq!(keys.request_id.as_deref(), Some(common::REQUEST_ID));

        let sent = requests(&server).await;
        assert_eq!(sent.len(), 1, "{}", op.name());
        assert_eq!(sent[0].url.query(), Some(op.query()), "{}", op.name());
        // The token is requested once, for the endpoint's audience: ARM's has no trailing
        // slash, the classic Service Management audience has one.
        let origin = testkit::https_uri(&server);
        let scope = if op.is_xml() {
            format!("{origin}//.default")
        } else {
            format!("{origin}/.default")
        };
        assert_eq!(credential.scopes(), [scope], "{}", op.name());
    }
}

/// The success body decodes whatever its field order, with unknown members or elements
/// around it, and with the content type missing.
#[tokio::test]
async fn every_operation_reads_keys_among_unknown_fields() {
    for op in ALL {
        let server = MockServer::start().await;
        let body = if op.is_xml() {
            op.success_body().replace(
                "<Url>",
                "<Label>bXlzdG9yYWdl</Label><Extended a=\"1\"><Deep/></Extended><Url>",
            )
        } else {
            let mut body: serde_json::Value = serde_json::from_str(&op.success_body()).unwrap();
            body["id"] = "/subscriptions/subid/x".into();
            body["properties"] = serde_json::json!({"nested": [1, 2, {"a": null}]});
            body.to_string()
        };
        respond_to_all(
            &server,
            wiremock::ResponseTemplate::new(200).set_body_bytes(body.into_bytes()),
        )
        .await;
        let keys = call_valid(op, options(&server)).await.unwrap();
        keys.assert_success(op);
    }
}

/// Every documented key type is sent as documented, and a value this crate does not know
/// (the service may add one) is sent as it is instead of being refused.
#[tokio::test]
async fn every_key_type_is_sent_as_its_wire_value() {
    let key_types: [(Op, &[&str]); 5] = [
        (Op::RedisEnterprise, &["Primary", "Secondary", "Tertiary"]),
        (
            Op::ServiceBus,
            &["PrimaryKey", "SecondaryKey", "TertiaryKey"],
        ),
        (
            Op::EventHubs,
            &["PrimaryKey", "SecondaryKey", "TertiaryKey"],
        ),
        (Op::DataFactory, &["authKey1", "authKey2", "authKey3"]),
        (Op::StorageClassic, &["Primary", "Secondary", "Tertiary"]),
    ];
    for (op, values) in key_types {
        for key_type in values {
            let server = MockServer::start().await;
            respond_to_all(&server, op.success()).await;
            call(op, options(&server), op.valid_args(), key_type)
                .await
                .unwrap();
            let sent = requests(&server).await;
            assert_eq!(sent.len(), 1);
            let body = String::from_utf8(sent[0].body.clone()).unwrap();
            assert_eq!(body, op.request_body(key_type), "{}", op.name());
        }
    }
}

/// A 2xx the spec does not document (the long-running operation documents 200 and 202 only)
/// is reported, with its status and body, rather than read as keys.
#[tokio::test]
async fn an_undocumented_success_status_is_a_service_error() {
    for op in ALL {
        for status in [203, 204, 206] {
            let server = MockServer::start().await;
            respond_to_all(
                &server,
                common::with_ids(wiremock::ResponseTemplate::new(status)).set_body_string("odd"),
            )
            .await;
            let error = call_valid(op, options(&server)).await.unwrap_err();
            let context = format!("{} {status}", op.name());
            assert!(
                matches!(error.kind(), ErrorKind::Service(_)),
                "{context}: {error:?}"
            );
            assert_eq!(error.http_status(), Some(StatusCode::from(status)));
            // A 204 has no body by definition (HTTP drops it on the way).
            let body: &[u8] = if status == 204 { b"" } else { b"odd" };
            assert_eq!(error.raw_body(), Some(body), "{context}");
            let service = error.service_error().unwrap();
            assert_eq!(service.request_id(), Some(common::REQUEST_ID));
            assert_eq!(requests(&server).await.len(), 1, "{context}");
        }
    }
}

/// A client is reused across calls: one token for all of them.
#[tokio::test]
async fn a_client_reuses_its_token_across_calls() {
    use azure_mgmt::doubles::MockAzure;
    use azure_mgmt::service_bus::doubles::namespaces_regenerate_keys;
    use azure_mgmt::service_bus::{
        AccessKeys, KeyType, RegenerateAccessKeyParameters, ServiceBusClient,
    };
    let azure = MockAzure::start().await;
    let args = Op::ServiceBus.valid_args();
    let parameters = |key_type| RegenerateAccessKeyParameters {
        key_type,
        key: None,
    };
    for (key_type, times) in [(KeyType::PrimaryKey, 2), (KeyType::SecondaryKey, 1)] {
        azure
            .expect(
                namespaces_regenerate_keys(args[0], args[1], args[2], args[3])
                    .body(&parameters(key_type))
                    .returns(&AccessKeys::default())
                    .times(times),
            )
            .await;
    }
    let client: ServiceBusClient = azure.client();
    for key_type in [
        KeyType::PrimaryKey,
        KeyType::SecondaryKey,
        KeyType::PrimaryKey,
    ] {
        let response = client
            .namespaces_regenerate_keys(
                args[0],
                args[1],
                args[2],
                args[3],
                &parameters(key_type),
                None,
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::Ok);
    }
    let sent = azure.received_requests().await;
    assert_eq!(sent.len(), 3);
    assert_eq!(azure.credential().scopes().len(), 1, "one token");
    // Without `key`, the body has no `key` member at all.
    let body = String::from_utf8(sent[1].body.clone()).unwrap();
    assert_eq!(body, r#"{"keyType":"SecondaryKey"}"#);
}
