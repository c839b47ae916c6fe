//! Test scaffolding for clients built on `azure_core` 1.x, run against local wiremock servers.
//!
//! `azure_core`'s bearer-token policy refuses plain `http://` URLs, with no switch, so tests
//! keep `https://127.0.0.1:PORT` endpoints ([`https_uri`]) and give the client a transport
//! ([`LoopbackTransport`]) that sends those requests over plain http, to loopback only.
//! Mock servers must answer with https URLs too (`Azure-AsyncOperation`, `Location`), since
//! polls go through the same policy.
//!
//! To test what a client addresses (the host of a sovereign cloud, say) rather than a
//! loopback endpoint, [`RedirectTransport`] sends requests for chosen hosts to the local
//! server and records the URL each one was addressed to.
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
//!
//! Timing is tested on a paused tokio clock (`#[tokio::test(start_paused = true)]`), never
//! by waiting for real: give the client [`paused_clock_client_options`] there (see
//! [`PausedClockTransport`] for why the plain transport does not do).

pub mod tracing;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::http::{
    AsyncRawResponse, ClientOptions, HttpClient, Request, RetryOptions, Transport, Url,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
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
        #[cfg(feature = "rustls-ring")]
        install_ring_provider();
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

/// A [`LoopbackTransport`] for tests on a paused tokio clock: the virtual clock stands still
/// while a request is on the wire.
///
/// A paused clock jumps to the next timer as soon as the runtime has nothing to run, and a
/// request waiting for its response over a real socket is nothing to run: a client's time
/// limit (or any other timer) would fire before the local server could answer. This
/// transport sends each request, and reads its whole body, on a blocking thread of its own
/// runtime; tokio does not advance a paused clock while a blocking task runs. Between
/// requests the clock jumps as usual, so a test of hours of waits runs in milliseconds, and
/// a request is never cut by a timer that the virtual time reached while it was answered.
///
/// Requires a current-thread runtime (`#[tokio::test(start_paused = true)]` is one). A
/// request still runs to its end when the future that sent it is dropped.
#[derive(Debug)]
pub struct PausedClockTransport {
    inner: Arc<LoopbackTransport>,
}

impl PausedClockTransport {
    /// Sends only to `server`.
    pub fn for_server(server: &MockServer) -> Self {
        Self {
            inner: Arc::new(LoopbackTransport::for_server(server)),
        }
    }
}

/// The runtime every [`PausedClockTransport`] sends on: real time, never paused.
fn wire_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("testkit-wire")
            .enable_all()
            .build()
            .expect("a runtime for the test transport")
    })
}

#[async_trait]
impl HttpClient for PausedClockTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let inner = Arc::clone(&self.inner);
        let request = request.clone();
        let sent = tokio::task::spawn_blocking(move || {
            wire_runtime().block_on(async move {
                let (status, headers, body) = inner.execute_request(&request).await?.deconstruct();
                let body = body.collect().await?;
                Ok(AsyncRawResponse::from_bytes(status, headers, body))
            })
        });
        match sent.await {
            Ok(response) => response,
            // The loopback checks panic: report the panic as the test's own.
            Err(error) => match error.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(error) => panic!("the request's thread did not run: {error}"),
            },
        }
    }
}

/// Like [`client_options_with_retry`], for a test on a paused tokio clock: the transport is
/// a [`PausedClockTransport`].
pub fn paused_clock_client_options(server: &MockServer, retry: RetryOptions) -> ClientOptions {
    ClientOptions {
        transport: Some(Transport::new(Arc::new(PausedClockTransport::for_server(
            server,
        )))),
        retry,
        ..ClientOptions::default()
    }
}

/// An [`HttpClient`] that sends `https://` requests for the hosts it was given (realistic
/// ones: `management.chinacloudapi.cn`) to a local server over plain http, and records the
/// URL each request was addressed to, so a test can check where a client sends its requests
/// and polls without a network.
///
/// It panics for a request to any other host, or over plain http, so nothing reaches the
/// network and no token goes out unencrypted.
#[derive(Debug)]
pub struct RedirectTransport {
    hosts: Vec<String>,
    port: u16,
    addressed: Mutex<Vec<Url>>,
    inner: Arc<dyn HttpClient>,
}

impl RedirectTransport {
    /// Sends requests for `hosts` (host names, no scheme or port) to `server`.
    pub fn new<'a>(server: &MockServer, hosts: impl IntoIterator<Item = &'a str>) -> Arc<Self> {
        Arc::new(Self {
            hosts: hosts.into_iter().map(str::to_owned).collect(),
            port: server.address().port(),
            addressed: Mutex::default(),
            inner: LoopbackTransport::new().inner,
        })
    }

    /// The URL of every request sent, as the client addressed it, in order.
    pub fn addressed(&self) -> Vec<Url> {
        self.addressed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The host of every request sent, in order.
    pub fn hosts(&self) -> Vec<String> {
        self.addressed()
            .iter()
            .map(|url| url.host_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// `azure_core` options that send through this transport, with the given retry policy.
    pub fn client_options(self: &Arc<Self>, retry: RetryOptions) -> ClientOptions {
        ClientOptions {
            transport: Some(Transport::new(self.clone())),
            retry,
            ..ClientOptions::default()
        }
    }
}

#[async_trait]
impl HttpClient for RedirectTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let url = request.url().clone();
        let host = url.host_str().unwrap_or_default();
        assert_eq!(
            url.scheme(),
            "https",
            "RedirectTransport got plain http: {url}"
        );
        assert!(
            self.hosts.iter().any(|h| h == host),
            "RedirectTransport was not told to send to `{host}` (only {:?})",
            self.hosts
        );
        let mut request = request.clone();
        let target = request.url_mut();
        // http and https are both "special" schemes, and 127.0.0.1 a valid host: these
        // cannot fail.
        let _ = target.set_scheme("http");
        let _ = target.set_host(Some("127.0.0.1"));
        let _ = target.set_port(Some(self.port));
        self.addressed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(url);
        self.inner.execute_request(&request).await
    }
}

/// Installs ring as rustls's process-wide crypto provider, unless one is installed: what an
/// application on the generated crate's `rustls-ring` backend does first, since reqwest on
/// rustls without a provider panics building a client. [`LoopbackTransport::new`] calls it.
#[cfg(feature = "rustls-ring")]
pub fn install_ring_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
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
    use azure_core::http::{Context, Method, Pipeline};
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

    #[tokio::test]
    async fn https_uri_rewrites_the_scheme_only() {
        let server = MockServer::start().await;
        let uri = https_uri(&server);
        assert!(uri.starts_with("https://127.0.0.1:"), "{uri}");
        assert_eq!(uri.replacen("https", "http", 1), server.uri());
    }

    /// A request answered slowly (in real time) is not cut by a virtual timer: the clock
    /// stands still until the response is in.
    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_stands_still_while_a_request_is_on_the_wire() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string("pong")
                    .set_delay(std::time::Duration::from_millis(100)),
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
        let url = Url::parse(&format!("{}/ping", https_uri(&server))).unwrap();
        let mut request = Request::new(url, Method::Get);
        let started = tokio::time::Instant::now();
        let context = Context::new();
        let send = pipeline.send(&context, &mut request, None);
        let response = tokio::time::timeout(std::time::Duration::from_secs(1), send)
            .await
            .expect("the virtual clock moved while the request was on the wire")
            .unwrap();
        assert_eq!(started.elapsed(), std::time::Duration::ZERO);
        let body = response.into_body().into_string().unwrap();
        assert_eq!(body, "pong");
        // Between requests the clock jumps as usual.
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        assert_eq!(started.elapsed(), std::time::Duration::from_secs(3600));
    }

    #[tokio::test]
    async fn redirects_chosen_hosts_and_records_where_requests_were_addressed() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/a/b"))
            .respond_with(ResponseTemplate::new(200))
            .expect(2)
            .mount(&server)
            .await;
        let transport = RedirectTransport::new(&server, ["x.example.test", "y.example.test"]);
        for url in [
            "https://x.example.test/a/b?q=1",
            "https://y.example.test:8443/a/b",
        ] {
            let request = Request::new(Url::parse(url).unwrap(), Method::Get);
            let response = transport.execute_request(&request).await.unwrap();
            assert_eq!(response.status(), 200);
        }
        let addressed: Vec<String> = transport.addressed().iter().map(Url::to_string).collect();
        assert_eq!(
            addressed,
            [
                "https://x.example.test/a/b?q=1",
                "https://y.example.test:8443/a/b"
            ]
        );
        assert_eq!(transport.hosts(), ["x.example.test", "y.example.test"]);
    }

    #[tokio::test]
    #[should_panic(expected = "was not told to send to `z.example.test`")]
    async fn redirect_refuses_other_hosts() {
        let server = MockServer::start().await;
        let transport = RedirectTransport::new(&server, ["x.example.test"]);
        let request = Request::new(Url::parse("https://z.example.test/").unwrap(), Method::Get);
        let _ = transport.execute_request(&request).await;
    }

    #[tokio::test]
    #[should_panic(expected = "plain http")]
    async fn redirect_refuses_plain_http() {
        let server = MockServer::start().await;
        let transport = RedirectTransport::new(&server, ["x.example.test"]);
        let request = Request::new(Url::parse("http://x.example.test/").unwrap(), Method::Get);
        let _ = transport.execute_request(&request).await;
    }

    #[tokio::test]
    #[should_panic(expected = "only sends to loopback")]
    async fn refuses_other_hosts() {
        let request = Request::new(Url::parse("https://example.com/").unwrap(), Method::Get);
        let _ = LoopbackTransport::new().execute_request(&request).await;
    }
}
