//! Test scaffolding for clients built on `azure_core` 1.x, run against local wiremock servers.
//!
//! `azure_core`'s bearer-token policy refuses plain `http://` URLs, with no switch, so tests
//! keep `https://127.0.0.1:PORT` endpoints ([`https_uri`]) and give the client a transport
//! ([`LoopbackTransport`]) that sends those requests over plain http, to loopback only.
//! Mock servers must answer with https URLs too (`Azure-AsyncOperation`, `Location`), since
//! polls go through the same policy.
//!
//! This crate depends only on `azure_core` and wiremock, never on the generated crate.
//!
//! ```no_run
//! # async fn example() {
//! let server = wiremock::MockServer::start().await;
//! let credential = testkit::FakeCredential::new();
//! let endpoint = testkit::https_uri(&server); // give this to the client as its endpoint
//! let options = testkit::client_options(&server); // and this as its azure_core options
//! # }
//! ```

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::http::{
    AsyncRawResponse, ClientOptions, HttpClient, Request, RetryOptions, Transport,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use time::{Duration, OffsetDateTime};
use wiremock::MockServer;

/// The token every [`FakeCredential`] returns: match `Authorization: Bearer fake-token`.
pub const FAKE_TOKEN: &str = "fake-token";

/// A credential that returns [`FAKE_TOKEN`], valid for an hour, and counts its calls.
#[derive(Debug, Default)]
pub struct FakeCredential {
    calls: AtomicUsize,
    scopes: std::sync::Mutex<Vec<String>>,
}

impl FakeCredential {
    /// A new credential, shared: pass a clone to the client and keep one to inspect.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// How many tokens were requested: the pipeline caches the token, so usually 1.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The scopes of every token request, in order.
    pub fn scopes(&self) -> Vec<String> {
        self.scopes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

#[async_trait]
impl TokenCredential for FakeCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.scopes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(scopes.iter().map(|s| (*s).to_owned()));
        Ok(AccessToken::new(
            FAKE_TOKEN,
            OffsetDateTime::now_utc() + Duration::hours(1),
        ))
    }
}

/// An [`HttpClient`] that sends `https://` requests to loopback over plain http, using
/// `azure_core`'s default client.
///
/// It panics for any other host, so a test can never reach the network, and, when made
/// with [`for_server`](Self::for_server), for any other port than that server's.
#[derive(Debug)]
pub struct LoopbackTransport {
    port: Option<u16>,
    inner: Arc<dyn HttpClient>,
}

impl LoopbackTransport {
    /// Sends to any loopback port.
    pub fn new() -> Self {
        Self {
            port: None,
            inner: azure_core::http::new_http_client(None),
        }
    }

    /// Sends only to `server`.
    pub fn for_server(server: &MockServer) -> Self {
        Self {
            port: Some(server.address().port()),
            ..Self::new()
        }
    }
}

impl Default for LoopbackTransport {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl HttpClient for LoopbackTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let url = request.url();
        let host = url.host_str().unwrap_or_default();
        assert!(
            matches!(host, "127.0.0.1" | "localhost" | "[::1]"),
            "LoopbackTransport only sends to loopback, not to `{host}`"
        );
        if let Some(port) = self.port {
            assert_eq!(
                url.port(),
                Some(port),
                "LoopbackTransport was made for the server on port {port}"
            );
        }
        let mut request = request.clone();
        if request.url().scheme() == "https" {
            // Both are "special" schemes, so this cannot fail.
            let _ = request.url_mut().set_scheme("http");
        }
        self.inner.execute_request(&request).await
    }
}

/// The server's URI with `https` instead of `http`: use it as the client's endpoint, and in
/// any URL a mock returns.
pub fn https_uri(server: &MockServer) -> String {
    let uri = server.uri();
    match uri.strip_prefix("http://") {
        Some(rest) => format!("https://{rest}"),
        None => uri,
    }
}

/// `azure_core` options for a client talking to `server`: the loopback transport and
/// `azure_core`'s default retry policy (which retries 408, 429, 500, 502, 503 and 504,
/// honouring `Retry-After`).
pub fn client_options(server: &MockServer) -> ClientOptions {
    client_options_with_retry(server, RetryOptions::default())
}

/// Like [`client_options`], with the given retry policy; `RetryOptions::none()` makes every
/// request go out exactly once.
pub fn client_options_with_retry(server: &MockServer, retry: RetryOptions) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(Arc::new(LoopbackTransport::for_server(
            server,
        )))),
        retry,
        ..ClientOptions::default()
    }
}

/// `azure_core` options for a client talking to `server` from a test whose tokio clock is
/// paused (`#[tokio::test(start_paused = true)]`), with the given retry policy: the transport
/// is [`PausedClockTransport`].
pub fn paused_clock_client_options(server: &MockServer, retry: RetryOptions) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(Arc::new(PausedClockTransport::for_server(
            server,
        )))),
        retry,
        ..ClientOptions::default()
    }
}

/// A [`LoopbackTransport`] for tests that pause tokio's clock.
///
/// A paused clock jumps to the next timer whenever the runtime has nothing to do, and an HTTP
/// client waiting for a local server has nothing to do: `reqwest`'s 60 s read timeout would
/// fire at once. This transport sends each request from a blocking task (tokio does not move
/// a paused clock while one runs), on a runtime of its own that keeps real time, and reads the
/// whole body there; so time stands still while a request is in flight, and moves only when
/// the code under test sleeps.
#[derive(Debug)]
pub struct PausedClockTransport {
    loopback: Arc<LoopbackTransport>,
}

impl PausedClockTransport {
    /// Sends only to `server`.
    pub fn for_server(server: &MockServer) -> Self {
        Self {
            loopback: Arc::new(LoopbackTransport::for_server(server)),
        }
    }
}

/// The real-time runtime every [`PausedClockTransport`] sends on.
fn real_time() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the test transport")
    })
}

#[async_trait]
impl HttpClient for PausedClockTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let loopback = self.loopback.clone();
        let request = request.clone();
        let send = async move {
            let response = loopback.execute_request(&request).await?;
            let (status, headers, body) = response.deconstruct();
            let body = body.collect().await?;
            Ok(AsyncRawResponse::from_bytes(status, headers, body))
        };
        tokio::task::spawn_blocking(move || real_time().block_on(send))
            .await
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
    }
}

/// `azure_core` options for a client talking to any loopback port (a hand-rolled server, or
/// none at all), with the given retry policy. Prefer [`client_options_with_retry`] for a
/// wiremock server: it also refuses every other port.
pub fn loopback_client_options(retry: RetryOptions) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(Arc::new(LoopbackTransport::new()))),
        retry,
        ..ClientOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::policies::{Policy, auth::BearerTokenAuthorizationPolicy};
    use azure_core::http::{Context, Method, Pipeline, Url};
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, ResponseTemplate};

    #[tokio::test]
    async fn sends_https_urls_to_the_local_server_with_the_fake_token() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/ping"))
            .and(header("authorization", "Bearer fake-token"))
            .respond_with(ResponseTemplate::new(200).set_body_string("pong"))
            .expect(2)
            .mount(&server)
            .await;
        let credential = FakeCredential::new();
        let auth: Arc<dyn Policy> = Arc::new(BearerTokenAuthorizationPolicy::new(
            credential.clone(),
            ["https://example.test/.default"],
        ));
        let pipeline = Pipeline::new(
            None,
            None,
            client_options_with_retry(&server, RetryOptions::none()),
            Vec::new(),
            vec![auth],
            None,
        );
        let url = Url::parse(&format!("{}/ping", https_uri(&server))).unwrap();
        for _ in 0..2 {
            let mut request = Request::new(url.clone(), Method::Get);
            let response = pipeline
                .send(&Context::new(), &mut request, None)
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        // The pipeline caches the token.
        assert_eq!(credential.calls(), 1);
        assert_eq!(credential.scopes(), ["https://example.test/.default"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_stands_still_while_a_request_is_in_flight() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string("pong")
                    .set_delay(std::time::Duration::from_millis(20)),
            )
            .mount(&server)
            .await;
        let pipeline = Pipeline::new(
            None,
            None,
            paused_clock_client_options(&server, RetryOptions::none()),
            Vec::new(),
            Vec::new(),
            None,
        );
        let url = Url::parse(&https_uri(&server)).unwrap();
        let context = Context::new();
        let started = tokio::time::Instant::now();
        for _ in 0..3 {
            let mut request = Request::new(url.clone(), Method::Get);
            // With azure_core's own transport, the paused clock would jump to reqwest's read
            // timeout (or to this sleep) while the server takes its 20 ms.
            let status = tokio::select! {
                response = pipeline.send(&context, &mut request, None) => response.unwrap().status(),
                () = tokio::time::sleep(std::time::Duration::from_secs(3600)) => panic!("the clock moved"),
            };
            assert_eq!(status, 200);
        }
        assert_eq!(started.elapsed(), std::time::Duration::ZERO);
    }

    #[tokio::test]
    async fn https_uri_rewrites_the_scheme_only() {
        let server = MockServer::start().await;
        let uri = https_uri(&server);
        assert!(uri.starts_with("https://127.0.0.1:"), "{uri}");
        assert_eq!(uri.replacen("https", "http", 1), server.uri());
    }

    #[tokio::test]
    #[should_panic(expected = "only sends to loopback")]
    async fn refuses_other_hosts() {
        let request = Request::new(Url::parse("https://example.com/").unwrap(), Method::Get);
        let _ = LoopbackTransport::new().execute_request(&request).await;
    }
}
