//! What sits under the clients: `--dry-run`'s transport, which records each request instead of
//! sending it; `--verbose`'s policy, which logs each request line and status (never a body);
//! and, in debug builds only, the test hook that sends every request to a local server.

use crate::mask::{self, REDACTED};
use async_trait::async_trait;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::request::Body;
use azure_core::http::{AsyncRawResponse, Context, HttpClient, Request};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, PoisonError};

/// The message of the error `--dry-run`'s transport answers every request with.
pub const NOT_SENT: &str = "dry run: the request was not sent";

/// A request `--dry-run` would have sent, as printed: no `Authorization`, secrets redacted.
#[derive(Clone, Debug, PartialEq)]
pub struct Captured {
    /// `POST`.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Every header but `Authorization`, by name.
    pub headers: Vec<(String, String)>,
    /// The body: JSON with the operation's secret fields redacted, other text as is unless the
    /// operation's body may hold a secret; `None` without a body.
    pub body: Option<Value>,
}

impl Captured {
    /// The JSON shape `--output json` prints.
    pub fn to_json(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        json!({
            "method": self.method,
            "url": self.url,
            "headers": headers,
            "body": self.body,
        })
    }

    /// The text `--output table` prints: the request line, headers, a blank line and the body.
    pub fn to_text(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.url);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        if let Some(body) = &self.body {
            let body = match body {
                Value::String(text) => text.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            text.push('\n');
            text.push_str(&body);
            text.push('\n');
        }
        text
    }
}

/// `--dry-run`'s transport: records each request and answers with an error, so nothing leaves
/// the machine and the command stops at its first request.
#[derive(Debug, Default)]
pub struct DryRun {
    captured: Mutex<Vec<Captured>>,
}

impl DryRun {
    /// The requests recorded so far.
    pub fn captured(&self) -> Vec<Captured> {
        self.captured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[async_trait]
impl HttpClient for DryRun {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let captured = capture(request);
        self.captured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(captured);
        // `Other` is never retried, so the pipeline gives up at once.
        Err(azure_core::Error::with_message(
            azure_core::error::ErrorKind::Other,
            NOT_SENT,
        ))
    }
}

/// The request as `--dry-run` shows it.
fn capture(request: &Request) -> Captured {
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter(|(name, _)| !name.as_str().eq_ignore_ascii_case("authorization"))
        .map(|(name, value)| (name.as_str().to_owned(), value.as_str().to_owned()))
        .collect();
    headers.sort();
    let secrets = crate::ops::request_secrets(request.method().as_ref(), request.url().path());
    let body = match request.body() {
        Body::Bytes(bytes) if bytes.is_empty() => None,
        Body::Bytes(bytes) => Some(show_body(bytes, secrets)),
        // The clients only send bytes; a stream is never read here.
        _ => Some(Value::String(format!("{REDACTED} (a streamed body)"))),
    };
    Captured {
        method: request.method().to_string(),
        url: request.url().to_string(),
        headers,
        body,
    }
}

/// A body with its secrets redacted. `secrets` are the operation's secret paths; `None` when no
/// known operation has this method and path, and then every value is redacted.
fn show_body(bytes: &[u8], secrets: Option<&[&[&str]]>) -> Value {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            match secrets {
                Some(paths) => mask::redact(&mut value, paths),
                None => mask::redact(&mut value, &[&["*"]]),
            }
            value
        }
        Err(_) => match (secrets, std::str::from_utf8(bytes)) {
            (Some([]), Ok(text)) => Value::String(text.to_owned()),
            _ => Value::String(format!(
                "{REDACTED} ({} bytes that may hold a secret)",
                bytes.len()
            )),
        },
    }
}

/// `--verbose`: one line on stderr per request sent and per answer, with the request id the
/// service gave (`x-ms-request-id`). Never another header value, never a body.
#[derive(Debug)]
pub struct Verbose;

#[async_trait]
impl Policy for Verbose {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        crate::output::log_line(&format!("> {} {}", request.method(), request.url()));
        let result = next[0].send(ctx, request, &next[1..]).await;
        match &result {
            Ok(response) => {
                let id = response
                    .headers()
                    .iter()
                    .find(|(name, _)| name.as_str() == "x-ms-request-id")
                    .map(|(_, value)| format!(" (x-ms-request-id {})", value.as_str()))
                    .unwrap_or_default();
                crate::output::log_line(&format!("< {}{id}", u16::from(response.status())));
            }
            Err(error) => {
                crate::output::log_line(&format!("< no answer: {}", crate::error::describe(error)))
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_show_with_their_secrets_redacted() {
        let json = br#"{"keyType":"PrimaryKey","key":"s3cret"}"#;
        assert_eq!(
            show_body(json, Some(&[&["key"]])),
            json!({"keyType": "PrimaryKey", "key": REDACTED})
        );
        // No known operation: every value is hidden.
        assert_eq!(
            show_body(json, None),
            json!({"keyType": REDACTED, "key": REDACTED})
        );
        // Text that is not JSON (XML) shows only when the operation's body holds no secret.
        let xml = b"<RegenerateKeys><KeyType>Primary</KeyType></RegenerateKeys>";
        assert_eq!(
            show_body(xml, Some(&[])),
            Value::String(String::from_utf8_lossy(xml).into_owned())
        );
        let hidden = show_body(xml, Some(&[&["Key"]]));
        assert_eq!(
            hidden,
            Value::String(format!("{REDACTED} (59 bytes that may hold a secret)"))
        );
        assert_eq!(
            show_body(xml, None),
            Value::String(format!("{REDACTED} (59 bytes that may hold a secret)"))
        );
    }

    #[test]
    fn captured_requests_print_as_text_and_json() {
        let captured = Captured {
            method: "POST".into(),
            url: "https://h/p?api-version=1".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(json!({"a": 1})),
        };
        assert_eq!(
            captured.to_text(),
            "POST https://h/p?api-version=1\ncontent-type: application/json\n\n{\n  \"a\": 1\n}\n"
        );
        assert_eq!(
            captured.to_json(),
            json!({"method": "POST", "url": "https://h/p?api-version=1",
                   "headers": {"content-type": "application/json"}, "body": {"a": 1}})
        );
        let bare = Captured {
            body: Some(Value::String("<x/>".into())),
            headers: Vec::new(),
            ..captured
        };
        assert_eq!(bare.to_text(), "POST https://h/p?api-version=1\n\n<x/>\n");
    }
}

/// The test hook, in debug builds only (`cargo build --release` and `cargo install` leave it
/// out): with `AZK_TEST_SERVER=127.0.0.1:PORT` in the environment, every request, to any host,
/// goes over plain http to that local server, with the host it was addressed to in an
/// `x-azk-test-host` header. `azure_core`'s bearer policy refuses plain http, so tests cannot
/// point the tool at a local server any other way. See `tests/common/mod.rs`.
#[cfg(debug_assertions)]
pub mod test_hook {
    use super::*;

    /// The environment variable that turns the hook on.
    pub const SERVER: &str = "AZK_TEST_SERVER";

    /// The local server's `host:port`, when the hook is on.
    pub fn server() -> Option<String> {
        std::env::var(SERVER).ok().filter(|s| !s.is_empty())
    }

    /// Sends every request to the local server.
    #[derive(Debug)]
    pub struct Redirect {
        server: String,
        inner: Arc<dyn HttpClient>,
    }

    impl Redirect {
        /// To `server` (`127.0.0.1:PORT`, loopback only).
        pub fn new(server: String) -> Self {
            assert!(
                server.starts_with("127.0.0.1:") || server.starts_with("localhost:"),
                "{SERVER} must be a loopback address, not `{server}`"
            );
            Self {
                server,
                inner: azure_core::http::new_http_client(None),
            }
        }
    }

    #[async_trait]
    impl HttpClient for Redirect {
        async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
            let mut request = request.clone();
            let host = request.url().host_str().unwrap_or_default().to_owned();
            let target = format!(
                "http://{}{}",
                self.server,
                &request.url()[url::Position::BeforePath..]
            );
            *request.url_mut() = target.parse().map_err(|e| {
                azure_core::Error::new(azure_core::error::ErrorKind::DataConversion, e)
            })?;
            request.insert_header("x-azk-test-host", host);
            self.inner.execute_request(&request).await
        }
    }
}
