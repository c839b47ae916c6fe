//! Typed test doubles for code that calls this crate's clients (the `test-doubles` feature):
//! a local mock server ([`MockAzure`], wiremock underneath), clients of any service pointed at
//! it in one line, a credential that records the scopes it was asked for, and the expectations
//! that each service's `doubles` module generates from its specs, one per operation.
//!
//! ```
//! # #[cfg(feature = "service-bus")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use azure_mgmt::doubles::MockAzure;
//! use azure_mgmt::service_bus::{self, AccessKeys, KeyType, RegenerateAccessKeyParameters};
//! use azure_mgmt::service_bus::doubles::namespaces_regenerate_keys;
//!
//! let azure = MockAzure::start().await;
//! let keys = AccessKeys { primary_key: Some("new-key".into()), ..Default::default() };
//! azure
//!     .expect(
//!         namespaces_regenerate_keys("sub", "rg", "my-namespace", "RootManageSharedAccessKey")
//!             .body(&RegenerateAccessKeyParameters { key_type: KeyType::PrimaryKey, key: None })
//!             .returns(&keys),
//!     )
//!     .await;
//! let client: service_bus::ServiceBusClient = azure.client();
//! let parameters = RegenerateAccessKeyParameters { key_type: KeyType::PrimaryKey, key: None };
//! let response = client
//!     .namespaces_regenerate_keys("sub", "rg", "my-namespace", "RootManageSharedAccessKey", &parameters, None)
//!     .await
//!     .unwrap();
//! assert_eq!(response.into_model(), keys);
//! # }
//! # #[cfg(not(feature = "service-bus"))]
//! # fn main() {}
//! ```
//!
//! `azure_core`'s bearer-token policy sends only over https, so the clients keep an
//! `https://127.0.0.1:PORT` endpoint and a transport that sends to the server over plain http,
//! to loopback only: nothing can reach the network. [`MockAzure::client_at_real_host`] keeps the
//! client's real host instead (`management.azure.com`) and redirects every request to the
//! server, so that the scope the credential records is the real one. The links the doubles
//! answer with (a long-running operation's status and result, a list's next pages) are
//! relative to the server, so the client resolves them against the host it addressed and they
//! lead back to the server from either kind of client.
//!
//! A request that no expectation matches gets wiremock's 404 (an error the client reports as
//! the service's). Retries are off in these clients: each call is one request.

use super::body::{BodyFormat, to_xml};
use super::error::Result;
use super::error_body::ErrorContract;
use super::options::ClientOptions;
use super::path::{PathPart, build_path};
use super::read_only::writing_request;
use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::http::{
    AsyncRawResponse, HttpClient, Method, Request, RetryOptions, Transport, Url,
};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Match, Mock, MockServer, ResponseTemplate};

/// The token [`RecordingCredential`] hands out: requests carry `Authorization: Bearer fake-token`.
pub const FAKE_TOKEN: &str = "fake-token";

/// A local stand-in for Azure: a mock server, and the credential of the clients it makes.
#[derive(Debug)]
pub struct MockAzure {
    server: MockServer,
    credential: Arc<RecordingCredential>,
    redirect: Arc<Redirect>,
    operations: AtomicUsize,
}

/// A client this module can point at a [`MockAzure`]: every generated client.
pub trait TestClient: Sized {
    /// The client, as `new` builds it.
    fn with_options(credential: Arc<dyn TokenCredential>, options: ClientOptions) -> Result<Self>;
}

impl MockAzure {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        // On the `rustls-ring` backend reqwest needs a process-wide crypto provider before any
        // client is built, and a test has no `main` to install it in: install ring unless a
        // provider is there already.
        #[cfg(feature = "rustls-ring")]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let server = MockServer::start().await;
        let redirect = Arc::new(Redirect {
            port: server.address().port(),
            addressed: Mutex::default(),
            inner: azure_core::http::new_http_client(None),
        });
        Self {
            server,
            credential: Arc::new(RecordingCredential::default()),
            redirect,
            operations: AtomicUsize::new(0),
        }
    }

    /// A client of any service, sending to this server: `let client: ServiceBusClient =
    /// azure.client();`.
    pub fn client<C: TestClient>(&self) -> C {
        C::with_options(self.credential.clone(), self.client_options())
            .expect("a loopback https endpoint is a valid endpoint")
    }

    /// A client that addresses its real host (`https://management.azure.com`, or the cloud's
    /// in `options`), each request redirected to this server: the credential then records the
    /// real token scope, and [`addressed`](Self::addressed) the real URLs.
    pub fn client_at_real_host<C: TestClient>(&self) -> C {
        C::with_options(self.credential.clone(), self.redirected_client_options())
            .expect("the default endpoint is a valid endpoint")
    }

    /// The options [`client`](Self::client) uses: the server's endpoint, the loopback
    /// transport, no retries. Add a tracer provider, say, and build a client with them.
    pub fn client_options(&self) -> ClientOptions {
        let mut options = self.redirected_client_options();
        options.endpoint = Some(self.endpoint());
        options
    }

    /// The options [`client_at_real_host`](Self::client_at_real_host) uses.
    pub fn redirected_client_options(&self) -> ClientOptions {
        let mut options = ClientOptions::default();
        options.client_options.transport = Some(Transport::new(self.redirect.clone()));
        options.client_options.retry = RetryOptions::none();
        options
    }

    /// The server's address as an https endpoint (`https://127.0.0.1:PORT`).
    pub fn endpoint(&self) -> String {
        format!("https://{}", self.server.address())
    }

    /// The credential of every client made here.
    pub fn credential(&self) -> &Arc<RecordingCredential> {
        &self.credential
    }

    /// The URL of every request sent, as the client addressed it.
    pub fn addressed(&self) -> Vec<Url> {
        lock(&self.redirect.addressed).clone()
    }

    /// The wiremock server, for matchers and checks of your own.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Every request the server received, in order.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Serves `expectation` (made by a service's `doubles` module) until the server stops.
    pub async fn expect(&self, expectation: impl Into<Expectation>) {
        let Expectation {
            method: verb,
            path: at,
            query,
            headers,
            body,
            reply,
            reply_headers,
            times,
        } = expectation.into();
        let dressed = |template: ResponseTemplate| {
            reply_headers
                .iter()
                .fold(template, |template, (name, value)| {
                    template.insert_header(name.as_str(), value.as_str())
                })
        };
        // The path and query every request of the expectation has, the follow-up requests of
        // a long-running or paged one included.
        let on_path = |verb: &str| {
            query.iter().fold(
                Mock::given(method(verb)).and(path(at.as_str())),
                |mock, (key, value)| mock.and(query_param(key.as_str(), value.as_str())),
            )
        };
        let mut call = headers
            .iter()
            .fold(on_path(verb.as_str()), |mock, (name, value)| {
                mock.and(wiremock::matchers::header(name.as_str(), value.as_str()))
            });
        if let Some(body) = body {
            call = call.and(body);
        }
        let counted = |mock: Mock| match times {
            Some(times) => mock.expect(times),
            None => mock,
        };
        match reply {
            Reply::Now(template) => {
                counted(call.respond_with(dressed(template)))
                    .mount(&self.server)
                    .await
            }
            Reply::Pages(pages) => {
                let mut call = Some(call.and(query_param_is_missing(SKIP_TOKEN)));
                for (index, template) in pages.into_iter().enumerate() {
                    let page = match call.take() {
                        Some(first) => first,
                        None => on_path("GET").and(query_param(SKIP_TOKEN, index.to_string())),
                    };
                    counted(page.respond_with(dressed(template)))
                        .mount(&self.server)
                        .await;
                }
            }
            Reply::LongRunning { polls, outcome } => {
                let n = self.operations.fetch_add(1, Ordering::SeqCst);
                let status = format!("/doubles/operations/{n}");
                let result = format!("/doubles/results/{n}");
                // Relative to the server, as the pages' links are: the client resolves them
                // against the URL it addressed, so they lead back here from any host.
                let accepted = dressed(ResponseTemplate::new(202))
                    .insert_header("azure-asyncoperation", status.as_str())
                    .insert_header("location", result.as_str())
                    .insert_header("retry-after", "0");
                counted(call.respond_with(accepted))
                    .mount(&self.server)
                    .await;
                if polls > 0 {
                    Mock::given(method("GET"))
                        .and(path(status.as_str()))
                        .respond_with(monitor("InProgress", None))
                        .up_to_n_times(polls)
                        .with_priority(1)
                        .mount(&self.server)
                        .await;
                }
                let (ended, error) = match outcome {
                    Outcome::Succeeded(template) => {
                        Mock::given(method("GET"))
                            .and(path(result.as_str()))
                            .respond_with(dressed(template))
                            .mount(&self.server)
                            .await;
                        ("Succeeded", None)
                    }
                    Outcome::Failed { code, message } => ("Failed", Some((code, message))),
                    Outcome::Canceled => ("Canceled", None),
                };
                Mock::given(method("GET"))
                    .and(path(status.as_str()))
                    .respond_with(monitor(ended, error))
                    .with_priority(2)
                    .mount(&self.server)
                    .await;
            }
        }
    }
}

/// The query parameter by which a paged expectation's next links name their page (ARM's own
/// skip token).
const SKIP_TOKEN: &str = "$skiptoken";

/// The status monitor of a long-running operation.
fn monitor(status: &str, error: Option<(String, String)>) -> ResponseTemplate {
    let mut body = serde_json::json!({ "status": status });
    if let Some((code, message)) = error {
        body["error"] = serde_json::json!({ "code": code, "message": message });
    }
    ResponseTemplate::new(200)
        .insert_header("retry-after", "0")
        .set_body_json(body)
}

/// An error answer in a service's own shape: `status`, and a body of the shape `contract`
/// (under the XML root `root` in `namespace`, for XML) carrying `code` and `message`. For
/// generated code.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ErrorReply<'a> {
    pub status: u16,
    pub contract: &'a ErrorContract,
    pub root: &'a str,
    pub namespace: Option<&'a str>,
    pub code: &'a str,
    pub message: &'a str,
}

impl ErrorReply<'_> {
    fn template(&self) -> ResponseTemplate {
        let body = error_body(
            self.contract,
            self.root,
            self.namespace,
            self.code,
            self.message,
        );
        let content_type = match self.contract.format {
            BodyFormat::Json => "application/json",
            BodyFormat::Xml => "application/xml",
        };
        ResponseTemplate::new(self.status).set_body_raw(body, content_type)
    }
}

/// One expected call and its answer, made by an operation's expectation in a service's
/// `doubles` module (`service_bus::doubles::namespaces_regenerate_keys(..).returns(..)`).
#[derive(Debug)]
pub struct Expectation {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<BodyMatcher>,
    reply: Reply,
    reply_headers: Vec<(String, String)>,
    times: Option<u64>,
}

#[derive(Debug)]
enum Reply {
    Now(ResponseTemplate),
    /// The pages of a list, the first answering the call itself and each next one the link
    /// of the page before.
    Pages(Vec<ResponseTemplate>),
    LongRunning {
        polls: u64,
        outcome: Outcome,
    },
}

#[derive(Debug)]
enum Outcome {
    Succeeded(ResponseTemplate),
    Failed { code: String, message: String },
    Canceled,
}

impl Expectation {
    /// A call of `method` on the encoded `path`, with the `query` pairs (more are allowed),
    /// answered with an empty 200 until a reply is set. For generated code.
    #[doc(hidden)]
    pub fn new(method: Method, path: String, query: &[(&str, &str)]) -> Self {
        Self {
            method,
            path,
            query: pairs(query),
            headers: Vec::new(),
            body: None,
            reply: Reply::Now(ResponseTemplate::new(200)),
            reply_headers: Vec::new(),
            times: None,
        }
    }

    /// Also requires these headers. For generated code.
    #[doc(hidden)]
    pub fn with_headers(mut self, headers: &[(&str, &str)]) -> Self {
        self.headers.extend(pairs(headers));
        self
    }

    /// Requires the request body the client writes for `body`. For generated code.
    #[doc(hidden)]
    pub fn with_body<T: Serialize>(
        mut self,
        body: &T,
        format: BodyFormat,
        root: &str,
        namespace: Option<&str>,
    ) -> Self {
        self.body = Some(match format {
            BodyFormat::Json => BodyMatcher::Json(
                writing_request(|| serde_json::to_value(body))
                    .expect("the expected body serializes as the client's does"),
            ),
            BodyFormat::Xml => BodyMatcher::Exact(
                to_xml(body, root, namespace)
                    .expect("the expected body serializes as the client's does")
                    .into_bytes(),
            ),
        });
        self
    }

    /// Answers with `status` and `model` in `format`. For generated code.
    #[doc(hidden)]
    pub fn reply<T: Serialize>(
        mut self,
        status: u16,
        model: Option<&T>,
        format: BodyFormat,
        root: &str,
        namespace: Option<&str>,
    ) -> Self {
        self.reply = Reply::Now(template(status, model, format, root, namespace));
        self
    }

    /// [`reply`](Self::reply) with a status the test chose among the operation's success
    /// statuses, `allowed`: a double never answers what the service documents it cannot. For
    /// generated code.
    ///
    /// # Panics
    ///
    /// When `status` is not in `allowed`: a mistake in the test, named with the statuses it
    /// could have used.
    #[doc(hidden)]
    pub fn reply_success<T: Serialize>(
        self,
        status: u16,
        allowed: &[u16],
        model: Option<&T>,
        format: BodyFormat,
        root: &str,
        namespace: Option<&str>,
    ) -> Self {
        assert!(
            allowed.contains(&status),
            "{status} is not a success status of this operation; it answers {allowed:?}"
        );
        self.reply(status, model, format, root, namespace)
    }

    /// Answers with the list as `pages` in turn (status `status`), each page holding its items
    /// under `items` and, but for the last, a link under `next_link` to the next one. The link
    /// is the call's own path and query with a `$skiptoken` naming the page, relative to the
    /// server, so the client follows it to the server whichever host it addresses. No pages
    /// answer with one empty page. For generated code.
    #[doc(hidden)]
    pub fn reply_pages<T: Serialize>(
        self,
        status: u16,
        pages: &[Vec<T>],
        items: &str,
        next_link: &str,
    ) -> Self {
        self.paged(status, pages, items, next_link, None)
    }

    /// [`reply_pages`](Self::reply_pages), and then the link after the last page answers with
    /// `error`: a list that breaks partway. For generated code.
    #[doc(hidden)]
    pub fn reply_pages_then_error<T: Serialize>(
        self,
        status: u16,
        pages: &[Vec<T>],
        items: &str,
        next_link: &str,
        error: ErrorReply<'_>,
    ) -> Self {
        let failure = error.template();
        self.paged(status, pages, items, next_link, Some(failure))
    }

    /// The pages, each linking to the next, and `after`, if any, answering the link after them.
    fn paged<T: Serialize>(
        mut self,
        status: u16,
        pages: &[Vec<T>],
        items: &str,
        next_link: &str,
        after: Option<ResponseTemplate>,
    ) -> Self {
        let count = pages.len().max(1);
        let links_on = if after.is_some() { count + 1 } else { count };
        let mut replies: Vec<ResponseTemplate> = (0..count)
            .map(|index| {
                let mut page = Map::new();
                let listed = pages.get(index).map_or(&[][..], Vec::as_slice);
                page.insert(
                    items.to_owned(),
                    serde_json::to_value(listed).expect("a model serializes"),
                );
                if index + 1 < links_on {
                    page.insert(
                        next_link.to_owned(),
                        Value::String(self.page_link(index + 1)),
                    );
                }
                ResponseTemplate::new(status).set_body_raw(
                    Value::Object(page).to_string().into_bytes(),
                    "application/json",
                )
            })
            .collect();
        replies.extend(after);
        self.reply = Reply::Pages(replies);
        self
    }

    /// The link to page `index` (from 0) of a paged reply: `path?query&$skiptoken=index`.
    fn page_link(&self, index: usize) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.extend_pairs(&self.query);
        query.append_pair(SKIP_TOKEN, &index.to_string());
        format!("{}?{}", self.path, query.finish())
    }

    /// Answers with `status` and an error body of the service's own shape (`contract`), with
    /// `code` and `message`. For generated code.
    #[doc(hidden)]
    pub fn reply_error(
        mut self,
        status: u16,
        contract: &ErrorContract,
        root: &str,
        namespace: Option<&str>,
        code: &str,
        message: &str,
    ) -> Self {
        let error = ErrorReply {
            status,
            contract,
            root,
            namespace,
            code,
            message,
        };
        self.reply = Reply::Now(error.template());
        self
    }

    /// Answers 202, then `polls` polls in progress, then the result (`model` in `format`).
    /// For generated code.
    #[doc(hidden)]
    pub fn reply_accepted<T: Serialize>(
        mut self,
        polls: u64,
        model: Option<&T>,
        format: BodyFormat,
        root: &str,
        namespace: Option<&str>,
    ) -> Self {
        let result = template(200, model, format, root, namespace);
        self.reply = Reply::LongRunning {
            polls,
            outcome: Outcome::Succeeded(result),
        };
        self
    }

    /// Answers 202, then `polls` polls in progress, then `Failed` with `code` and `message`.
    /// For generated code.
    #[doc(hidden)]
    pub fn reply_operation_failed(mut self, polls: u64, code: &str, message: &str) -> Self {
        self.reply = Reply::LongRunning {
            polls,
            outcome: Outcome::Failed {
                code: code.to_owned(),
                message: message.to_owned(),
            },
        };
        self
    }

    /// Answers 202, then `polls` polls in progress, then `Canceled`. For generated code.
    #[doc(hidden)]
    pub fn reply_operation_canceled(mut self, polls: u64) -> Self {
        self.reply = Reply::LongRunning {
            polls,
            outcome: Outcome::Canceled,
        };
        self
    }

    /// Answers with the header `name: value` as well (a request id, say), on every response
    /// of the reply: each page of a list, and the 202 and the result of a long-running
    /// operation.
    #[must_use]
    pub fn reply_header(mut self, name: &str, value: &str) -> Self {
        self.reply_headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Requires exactly `times` such calls: the server checks when it is dropped. For a list
    /// answered in pages, each page is requested `times` times; for a long-running operation,
    /// `times` is the count of the initial call.
    #[must_use]
    pub fn times(mut self, times: u64) -> Self {
        self.times = Some(times);
        self
    }
}

/// The path the client sends for `parts` (each parameter encoded as the client encodes it).
/// For generated code.
#[doc(hidden)]
pub fn expected_path(parts: &[PathPart<'_>]) -> String {
    build_path(parts, false).expect("a test double's arguments are valid path segments")
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// A response of `status` with `model` written as the service writes it.
fn template<T: Serialize>(
    status: u16,
    model: Option<&T>,
    format: BodyFormat,
    root: &str,
    namespace: Option<&str>,
) -> ResponseTemplate {
    let template = ResponseTemplate::new(status);
    let Some(model) = model else {
        return template;
    };
    match format {
        BodyFormat::Json => template.set_body_raw(
            serde_json::to_vec(model).expect("a model serializes"),
            "application/json",
        ),
        BodyFormat::Xml => template.set_body_raw(
            to_xml(model, root, namespace).expect("a model serializes"),
            "application/xml",
        ),
    }
}

/// An error body with `code` and `message` where `contract` reads them.
fn error_body(
    contract: &ErrorContract,
    root: &str,
    namespace: Option<&str>,
    code: &str,
    message: &str,
) -> String {
    match contract.format {
        BodyFormat::Json => {
            let mut body = Value::Object(Map::new());
            for (at, value) in [
                (contract.fields.code, code),
                (contract.fields.message, message),
            ] {
                if let Some((last, parents)) = at.split_last() {
                    let mut node = &mut body;
                    for key in parents {
                        node = node
                            .as_object_mut()
                            .expect("an object")
                            .entry(*key)
                            .or_insert_with(|| Value::Object(Map::new()));
                    }
                    if let Some(object) = node.as_object_mut() {
                        object.insert((*last).to_owned(), Value::String(value.to_owned()));
                    }
                }
            }
            body.to_string()
        }
        BodyFormat::Xml => {
            let element = |at: &[&str], value: &str| {
                let escaped = quick_xml::escape::escape(value);
                let open: String = at.iter().map(|name| format!("<{name}>")).collect();
                let close: String = at.iter().rev().map(|name| format!("</{name}>")).collect();
                format!("{open}{escaped}{close}")
            };
            let xmlns = namespace
                .map(|ns| format!(" xmlns=\"{ns}\""))
                .unwrap_or_default();
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><{root}{xmlns}>{}{}</{root}>",
                element(contract.fields.code, code),
                element(contract.fields.message, message)
            )
        }
    }
}

/// Matches a request body: JSON by value, XML byte for byte.
#[derive(Debug)]
enum BodyMatcher {
    Json(Value),
    Exact(Vec<u8>),
}

impl Match for BodyMatcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        match self {
            BodyMatcher::Json(expected) => {
                serde_json::from_slice::<Value>(&request.body).is_ok_and(|body| body == *expected)
            }
            BodyMatcher::Exact(expected) => request.body == *expected,
        }
    }
}

/// A credential that hands out [`FAKE_TOKEN`] and records the scopes it was asked for.
#[derive(Debug, Default)]
pub struct RecordingCredential {
    scopes: Mutex<Vec<String>>,
}

impl RecordingCredential {
    /// The scopes of every token request, in order (the pipeline caches the token, so one a
    /// client, usually).
    pub fn scopes(&self) -> Vec<String> {
        lock(&self.scopes).clone()
    }
}

#[async_trait]
impl TokenCredential for RecordingCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        lock(&self.scopes).extend(scopes.iter().map(|s| (*s).to_owned()));
        let expires =
            azure_core::time::OffsetDateTime::now_utc() + azure_core::time::Duration::hours(1);
        Ok(AccessToken::new(FAKE_TOKEN, expires))
    }
}

/// Sends every https request to the server on `port` over plain http, and records where it
/// was addressed.
#[derive(Debug)]
struct Redirect {
    port: u16,
    addressed: Mutex<Vec<Url>>,
    inner: Arc<dyn HttpClient>,
}

#[async_trait]
impl HttpClient for Redirect {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let mut request = request.clone();
        lock(&self.addressed).push(request.url().clone());
        let target = request.url_mut();
        // http and https are both special schemes and 127.0.0.1 is a valid host: these cannot fail.
        let _ = target.set_scheme("http");
        let _ = target.set_host(Some("127.0.0.1"));
        let _ = target.set_port(Some(self.port));
        self.inner.execute_request(&request).await
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
