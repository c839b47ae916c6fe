//! Errors: one error type for every operation. For each service's error contract (ARM
//! `ErrorResponse`, Service Bus's flat `{code, message}`, Data Factory's `CloudError`, classic
//! Storage's XML `<Error>`), the caller reads the HTTP status, the service's code and message,
//! target and details where the schema has them, the request ids and the raw body; `Display`
//! reads well. Bodies off the contract are read tolerantly.
//!
//! The contract bodies here are written by hand: they carry targets, details and secrets
//! outside the message, which the typed doubles' `fails` does not write. The doubles' own error
//! bodies are proven against every contract at the end.

mod common;

use azure_core::http::StatusCode;
use azure_mgmt::ErrorKind;
use azure_mgmt::doubles::MockAzure;
use common::{ALL, Answer, Op, call_valid, options, requests, respond_to_all, with_ids};
use wiremock::{MockServer, ResponseTemplate};

/// Each documented error status an ARM or Service Management call can answer with.
const STATUSES: [u16; 8] = [400, 401, 403, 404, 409, 412, 500, 502];

#[tokio::test]
async fn every_operation_reads_its_own_error_contract() {
    for op in ALL {
        for status in STATUSES {
            let server = MockServer::start().await;
            respond_to_all(&server, op.error(status)).await;
            let context = format!("{} {status}", op.name());
            let error = call_valid(op, options(&server)).await.unwrap_err();

            let ErrorKind::Service(service) = error.kind() else {
                panic!("{context}: not a service error: {error:?}");
            };
            let expected = op.contract().expected();
            let status = StatusCode::from(status);
            assert_eq!(error.http_status(), Some(status), "{context}");
            assert_eq!(service.status(), status, "{context}");
            assert_eq!(service.code(), Some(expected.code), "{context}");
            assert_eq!(service.message(), Some(expected.message), "{context}");
            assert_eq!(service.target(), expected.target, "{context}");
            let details: Vec<_> = service
                .details()
                .iter()
                .map(|d| (d.code().unwrap(), d.message().unwrap(), d.target()))
                .collect();
            assert_eq!(details, expected.details, "{context}");
            assert_eq!(service.request_id(), Some(common::REQUEST_ID), "{context}");
            assert_eq!(
                service.correlation_id(),
                Some(common::CORRELATION_ID),
                "{context}"
            );
            assert_eq!(service.operation_status(), None, "{context}");
            let (body, _) = op.contract().body();
            assert_eq!(service.raw_body(), body.as_bytes(), "{context}");
            assert_eq!(error.raw_body(), Some(body.as_bytes()), "{context}");

            // Display: status with its reason, code, message, target, details, request ids.
            let reason = status.canonical_reason();
            assert_eq!(
                error.to_string(),
                format!(
                    "HTTP {} {reason}{}",
                    u16::from(status),
                    expected.display_tail
                ),
                "{context}"
            );
            assert_eq!(service.to_string(), error.to_string(), "{context}");
            common::assert_error_hides_secrets(&error, &context);
            // Statuses the pipeline would retry are not, with retries off.
            assert_eq!(requests(&server).await.len(), 1, "{context}");
        }
    }
}

/// The exact text a person sees, one per contract.
#[tokio::test]
async fn display_reads_well_for_each_contract() {
    let expected = [
        (
            Op::RedisEnterprise,
            "HTTP 409 Conflict: KeyRegenerationConflict: Another key operation is in progress. (target: keyType); details: [ResourceBusy: The resource is updating. (target: resource)] (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
        ),
        (
            Op::ServiceBus,
            "HTTP 409 Conflict: BadRequest: The key type is not valid. (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
        ),
        (
            Op::EventHubs,
            "HTTP 409 Conflict: KeyRegenerationConflict: Another key operation is in progress. (target: keyType); details: [ResourceBusy: The resource is updating. (target: resource)] (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
        ),
        (
            Op::DataFactory,
            "HTTP 409 Conflict: BadRequest: The request is invalid. (target: keyName); details: [InvalidKeyName: authKey3 is not a key name. (target: keyName)] (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
        ),
        (
            Op::StorageClassic,
            "HTTP 409 Conflict: ResourceNotFound: The storage account 'mystorageaccount' was not found. (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
        ),
    ];
    for (op, text) in expected {
        let server = MockServer::start().await;
        respond_to_all(&server, op.error(409)).await;
        let error = call_valid(op, options(&server)).await.unwrap_err();
        assert_eq!(error.to_string(), text, "{}", op.name());
    }
}

/// Error bodies in the wild do not always follow the documented schema: the ARM shape, the
/// flat shape and the other format are read by every operation, and names match in any case.
#[tokio::test]
async fn error_bodies_off_the_contract_are_read_tolerantly() {
    let bodies = [
        (
            r#"{"error":{"code":"ArmShaped","message":"from ARM","target":"t"}}"#,
            "application/json",
            "ArmShaped",
            "from ARM",
        ),
        (
            r#"{"code":"Flat","message":"flat body"}"#,
            "application/json",
            "Flat",
            "flat body",
        ),
        (
            r#"{"Error":{"Code":"PascalCase","Message":"any case"}}"#,
            "application/json",
            "PascalCase",
            "any case",
        ),
        (
            "<Error><Code>XmlShaped</Code><Message>from a gateway</Message></Error>",
            "application/xml",
            "XmlShaped",
            "from a gateway",
        ),
        // A JSON error for the XML API, labelled as XML.
        (
            r#"{"error":{"code":"JsonForXml","message":"mislabelled"}}"#,
            "application/xml",
            "JsonForXml",
            "mislabelled",
        ),
    ];
    for op in ALL {
        for (body, content_type, code, message) in bodies {
            let server = MockServer::start().await;
            respond_to_all(
                &server,
                with_ids(ResponseTemplate::new(400)).set_body_raw(body, content_type),
            )
            .await;
            let error = call_valid(op, options(&server)).await.unwrap_err();
            let service = error.service_error().expect("a service error");
            assert_eq!(service.code(), Some(code), "{} {body}", op.name());
            assert_eq!(service.message(), Some(message), "{} {body}", op.name());
            assert_eq!(service.raw_body(), body.as_bytes());
        }
    }
}

/// A body that cannot be read (empty, HTML from a proxy, cut off, another shape entirely)
/// still gives the status, the request ids, the `x-ms-error-code` header when sent, and the
/// raw body; `Display` says what is known and nothing else.
#[tokio::test]
async fn unreadable_error_bodies_keep_status_ids_and_raw_body() {
    let bodies = [
        "",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
        r#"{"error":{"code":"Trunc"#,
        "<Error><Code>",
        r#"{"status":"Failed"}"#,
        "[1,2,3]",
        "Service Unavailable",
    ];
    for op in ALL {
        for body in bodies {
            let server = MockServer::start().await;
            respond_to_all(
                &server,
                with_ids(ResponseTemplate::new(502)).set_body_raw(body, "text/html"),
            )
            .await;
            let context = format!("{} {body:?}", op.name());
            let error = call_valid(op, options(&server)).await.unwrap_err();
            let service = error.service_error().expect("a service error");
            assert_eq!(error.http_status(), Some(StatusCode::BadGateway));
            assert_eq!(service.message(), None, "{context}");
            assert_eq!(service.raw_body(), body.as_bytes(), "{context}");
            assert_eq!(service.request_id(), Some(common::REQUEST_ID));
            assert_eq!(service.code(), None, "{context}");
            assert_eq!(
                error.to_string(),
                format!(
                    "HTTP 502 Bad Gateway (x-ms-request-id: {}, x-ms-correlation-request-id: {})",
                    common::REQUEST_ID,
                    common::CORRELATION_ID
                ),
                "{context}"
            );
        }

        // The code header is used when the body has none.
        let server = MockServer::start().await;
        respond_to_all(
            &server,
            ResponseTemplate::new(403)
                .insert_header("x-ms-error-code", "AuthorizationFailed")
                .set_body_string(""),
        )
        .await;
        let error = call_valid(op, options(&server)).await.unwrap_err();
        assert_eq!(
            error.service_error().unwrap().code(),
            Some("AuthorizationFailed")
        );
        assert_eq!(error.to_string(), "HTTP 403 Forbidden: AuthorizationFailed");
    }
}

/// Nothing listening: a transport error, typed, with azure_core's error as its source.
#[tokio::test]
async fn no_server_is_a_transport_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    for op in ALL {
        let error = call_valid(op, common::loopback_options(port))
            .await
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Transport), "{error:?}");
        assert_eq!(error.http_status(), None);
        assert!(error.service_error().is_none());
        assert!(error.raw_body().is_none());
        assert!(error.to_string().starts_with("request failed: "), "{error}");
        let source = std::error::Error::source(&error).expect("a source");
        assert!(source.downcast_ref::<azure_core::Error>().is_some());
    }
}

/// A client with a wrong endpoint fails when it is built, before anything is sent, and never
/// prints a password in the endpoint.
#[tokio::test]
async fn bad_endpoints_are_configuration_errors() {
    let server = MockServer::start().await;
    let cases = [
        (server.uri(), "must use https"),
        ("not a url".to_owned(), "not a valid URL"),
        (
            format!("{}?x=1", testkit::https_uri(&server)),
            "query or fragment",
        ),
        (
            "https://user:hunter2-SECRET@127.0.0.1:1".to_owned(),
            "user information",
        ),
    ];
    for op in ALL {
        for (endpoint, reason) in &cases {
            let options = azure_mgmt::ClientOptions {
                endpoint: Some(endpoint.clone()),
                ..options(&server)
            };
            let error = call_valid(op, options).await.unwrap_err();
            assert!(
                matches!(error.kind(), ErrorKind::Configuration(_)),
                "{error:?}"
            );
            assert!(error.to_string().contains(reason), "{error}");
            common::assert_error_hides_secrets(&error, endpoint);
        }
    }
    assert!(requests(&server).await.is_empty());
}

/// A credential that cannot get a token fails every operation with `ErrorKind::Credential`
/// (not a transport error), carries the credential's reason, and sends nothing.
#[tokio::test]
async fn a_failing_credential_is_a_credential_error() {
    #[derive(Debug)]
    struct NoLogin;

    #[async_trait::async_trait]
    impl azure_core::credentials::TokenCredential for NoLogin {
        async fn get_token(
            &self,
            _scopes: &[&str],
            _options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "az not found on PATH",
            ))
        }
    }

    for op in ALL {
        let server = MockServer::start().await;
        let error = common::call_with(
            op,
            std::sync::Arc::new(NoLogin),
            options(&server),
            op.valid_args(),
            op.key_type(),
        )
        .await
        .expect_err("no token, no call");
        assert!(
            matches!(error.kind(), ErrorKind::Credential),
            "{}: {error:?}",
            op.name()
        );
        let text = error.to_string();
        assert!(
            text.starts_with("could not get a token from the credential"),
            "{text}"
        );
        assert!(text.contains("az not found on PATH"), "{text}");
        assert!(requests(&server).await.is_empty(), "{}", op.name());
    }
}

/// What the doubles' `fails` writes is each service's own error shape (JSON or XML, flat or
/// nested), so the caller reads its status, code and message; markup in the message arrives
/// as written.
#[tokio::test]
async fn the_doubles_fail_in_each_services_own_contract() {
    let message = "Another operation is in progress: <retry> & wait.";
    for op in ALL {
        let azure = MockAzure::start().await;
        azure
            .expect(
                common::double(op, op.key_type(), Answer::Fails(409, "Conflict", message))
                    .reply_header("x-ms-request-id", common::REQUEST_ID),
            )
            .await;
        let error = call_valid(op, azure.client_options()).await.unwrap_err();
        let context = op.name();
        let ErrorKind::Service(service) = error.kind() else {
            panic!("{context}: not a service error: {error:?}");
        };
        assert_eq!(error.http_status(), Some(StatusCode::Conflict), "{context}");
        assert_eq!(service.code(), Some("Conflict"), "{context}");
        assert_eq!(service.message(), Some(message), "{context}");
        assert_eq!(service.request_id(), Some(common::REQUEST_ID), "{context}");
        let body = String::from_utf8(service.raw_body().to_vec()).unwrap();
        assert_eq!(body.starts_with("<?xml"), op.is_xml(), "{context}: {body}");
        assert_eq!(azure.received_requests().await.len(), 1, "{context}");
    }
}
