//! No secret reaches the logs. A subscriber captures everything, at TRACE, from `tracing` and
//! from `log` (reqwest and wiremock log through `log`), into a buffer, while every operation
//! makes full calls: a success with keys in the response and the caller's key in the request,
//! a success body that fails to decode, an error body holding a secret, a retried 429, and the
//! long-running path with keys in the status and the result. The buffer must show the calls
//! were logged, and no secret, and no bearer token.
//!
//! The subscriber is global, so this file holds one test: a crate of its own.

mod common;

use azure_core::http::RetryOptions;
use common::{ALL, Op, call_valid, options, options_with_retry, respond_first, respond_to_all};
use std::io::Write;
use std::sync::{Arc, Mutex};
use wiremock::{MockServer, ResponseTemplate};

/// A writer appending to a shared buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    // `try_init` also routes `log` records into tracing (the `tracing-log` feature).
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .expect("the only subscriber of this test crate");

    for op in ALL {
        let server = MockServer::start().await;

        // Success: keys in the response, the caller's key in the request.
        respond_to_all(&server, op.success()).await;
        call_valid(op, options(&server))
            .await
            .unwrap()
            .assert_success(op);

        // A success body that fails to decode.
        server.reset().await;
        let success = op.success_body();
        respond_to_all(
            &server,
            ResponseTemplate::new(200).set_body_string(&success[..success.len() - 4]),
        )
        .await;
        call_valid(op, options(&server)).await.unwrap_err();

        // An error body holding a secret, the caller's key echoed.
        server.reset().await;
        let (body, content_type) = op.contract().body();
        let body = format!("{body}<!-- {} -->", common::CALLER_KEY);
        respond_to_all(
            &server,
            ResponseTemplate::new(409).set_body_raw(body, content_type),
        )
        .await;
        let error = call_valid(op, options(&server)).await.unwrap_err();
        tracing::error!("the call failed: {error} / {error:?}");

        // A 429 retried once (retries log at debug).
        server.reset().await;
        respond_first(&server, 1, op.error(429).insert_header("Retry-After", "0")).await;
        respond_to_all(&server, op.success()).await;
        call_valid(op, options_with_retry(&server, RetryOptions::default()))
            .await
            .unwrap();
    }

    // The long-running path: keys in the status body and in the result.
    let server = MockServer::start().await;
    let base = testkit::https_uri(&server);
    respond_first(
        &server,
        1,
        ResponseTemplate::new(202)
            .insert_header(
                "Azure-AsyncOperation",
                format!("{base}/op?token=SECRET-in-query"),
            )
            .insert_header("Location", format!("{base}/result"))
            .insert_header("Retry-After", "0"),
    )
    .await;
    wiremock::Mock::given(wiremock::matchers::path("/op"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"status":"Succeeded","properties":{{"primaryKey":"{}"}}}}"#,
            common::ERROR_BODY_SECRET
        )))
        .mount(&server)
        .await;
    respond_to_all(&server, Op::RedisEnterprise.success()).await;
    let keys = common::redis_poller(options(&server)).await.unwrap();
    assert!(keys.model().primary_key.is_some());

    let logs = buffer.text();
    // The capture works: requests and responses were logged, with their URLs...
    assert!(logs.contains("TRACE") || logs.contains("DEBUG"), "{logs}");
    for op in ALL {
        let path = op.valid_path();
        assert!(
            logs.contains(&path),
            "{} was not logged:\n{logs}",
            op.name()
        );
    }
    assert!(logs.contains("/op"), "{logs}");
    assert!(
        logs.contains("the call failed: HTTP 409 Conflict"),
        "{logs}"
    );
    // ...and not one secret, nor the bearer token.
    common::assert_no_secret(&logs, "logs");
    assert!(
        !logs.contains(testkit::FAKE_TOKEN),
        "the token was logged:\n{logs}"
    );
}
