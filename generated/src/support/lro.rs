//! The ARM long-running operation protocol, written once for every operation.
//!
//! Not built on `azure_core::http::poller::Poller`: in 1.1 it panics for a poll interval
//! under a second and when awaited after its status stream was drained.

use super::body::BodyFormat;
use super::client::ClientCore;
use super::error::{Error, ErrorKind, Result};
use super::error_body::{self, ARM_SHAPE, ErrorContract};
use super::response::{Response, json_model, xml_model};
use super::tracing::CallSpan;
use azure_core::http::headers::{
    HeaderName, Headers, RETRY_AFTER, RETRY_AFTER_MS, X_MS_RETRY_AFTER_MS,
};
use azure_core::http::{Context, Method, RawResponse, Request, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Mutex;
use std::task::Poll;
use std::time::Duration;

const AZURE_ASYNC_OPERATION: HeaderName = HeaderName::from_static("azure-asyncoperation");
const LOCATION: HeaderName = HeaderName::from_static("location");

/// The default wait between polls when the service sends no `Retry-After`.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The default bound on a whole long-running operation.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// A service's `Retry-After` is honoured up to this long.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Where the spec says the final result of a long-running operation is read from
/// (`x-ms-long-running-operation-options.final-state-via`). Once the operation has succeeded:
///
/// | method | `AzureAsyncOperation` | `Location` | `OriginalUri` |
/// |---|---|---|---|
/// | PUT, PATCH | GET the original URL | GET `Location` (else the original URL) | GET the original URL |
/// | POST | GET `Location`, when given | GET `Location` | GET the original URL |
/// | DELETE | nothing: the result is empty | nothing | nothing |
///
/// When only `Location` is polled (no `Azure-AsyncOperation`), its last response is the result
/// wherever the table says `Location`; elsewhere the table's URL is read after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinalState {
    /// `azure-async-operation`: poll `Azure-AsyncOperation` to its end.
    AzureAsyncOperation,
    /// `location`: the result is at `Location`.
    Location,
    /// `original-uri`: the result is at the URL of the initial request.
    OriginalUri,
}

/// Where a long-running operation stands, as reported by [`Poller::next_status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OperationStatus {
    /// Still running (any status the service reports that is not terminal).
    InProgress,
    /// Finished; awaiting the poller gives the result.
    Succeeded,
    /// Failed; awaiting the poller gives an [`ErrorKind::Operation`] error.
    Failed,
    /// Canceled; awaiting the poller gives an [`ErrorKind::Operation`] error.
    Canceled,
}

impl OperationStatus {
    /// `true` for `Succeeded`, `Failed` and `Canceled`.
    pub fn is_terminal(self) -> bool {
        !matches!(self, Self::InProgress)
    }
}

/// A long-running operation.
///
/// Nothing is sent until the poller is awaited or polled. `.await` it for the final result:
///
/// ```no_run
/// # async fn example(poller: azure_mgmt::Poller<()>) -> azure_mgmt::Result<()> {
/// let result = poller.await?.into_model();
/// # Ok(()) }
/// ```
///
/// To watch progress, call [`next_status`](Self::next_status) until it returns `None`, then
/// await the poller for the result (or the error):
///
/// ```no_run
/// # async fn example(mut poller: azure_mgmt::Poller<()>) -> azure_mgmt::Result<()> {
/// while let Some(status) = poller.next_status().await {
///     println!("{:?}", status?);
/// }
/// let result = poller.await?.into_model();
/// # Ok(()) }
/// ```
///
/// Between polls it waits as long as the service's `Retry-After` (or `retry-after-ms`,
/// `x-ms-retry-after-ms`) asks, at most a minute, else [`with_poll_interval`](Self::with_poll_interval)
/// (5 s by default). The whole operation is bounded by [`with_timeout`](Self::with_timeout)
/// (30 minutes by default), after which it fails with [`ErrorKind::Timeout`]; the operation
/// itself may still complete on the service. Dropping the poller, or the future awaiting it,
/// stops polling: nothing runs in the background.
pub struct Poller<T> {
    driver: Driver,
    timeout: Duration,
    /// The whole operation's timer, started with the first request. It runs on the async
    /// runtime's clock, as the waits between polls do, so the two can never disagree (a
    /// paused or simulated clock in a caller's tests bounds the operation too). Behind a
    /// `Mutex` only so that `Poller` stays `Sync`: it is only ever reached through `&mut`.
    deadline: Option<Mutex<Timer>>,
    state: State<T>,
}

type Timer = Pin<Box<dyn Future<Output = ()> + Send>>;

enum State<T> {
    /// The initial request, not yet sent (or sent, but its step was cancelled).
    Start(Request),
    Polling(Polling),
    /// The outcome, kept until `.await` takes it.
    Done(Result<Response<T>>),
}

#[derive(Clone, Debug)]
struct Polling {
    mode: Mode,
    status_url: Url,
    final_url: Option<Url>,
    wait: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Poll `Azure-AsyncOperation`: a JSON body with a `status`.
    AsyncOperation,
    /// Poll `Location`: 202 while running, then the result itself.
    Location,
}

/// What a step leads to. Free of `T`: the protocol compiles once for every long-running
/// operation, and only [`decode`] is instantiated per result type.
enum Next {
    Continue(Polling),
    Done(Outcome),
}

/// How the operation ended, before decoding.
enum Outcome {
    /// The response holding the result (possibly empty).
    Result(RawResponse),
    /// `Succeeded`, but the service gave no URL to read the result from; the monitor's response.
    NoResultUrl(StatusCode, Headers, Vec<u8>),
}

/// Everything a step needs, apart from the state: kept separate so a step's future borrows
/// only this (which is `Sync`) and never the `T` inside the state.
#[derive(Debug)]
struct Driver {
    core: ClientCore,
    /// The operation's span: opened by the initial request, parent of every poll's.
    span: CallSpan,
    context: Context<'static>,
    /// The success statuses the spec documents for the initial request.
    statuses: &'static [u16],
    errors: &'static ErrorContract,
    final_state: FinalState,
    /// How the result is encoded; `None` when the operation has none (a DELETE, say).
    format: Option<BodyFormat>,
    poll_interval: Duration,
}

impl<T: DeserializeOwned + Send + 'static> Poller<T> {
    pub(crate) fn new(
        core: ClientCore,
        span: CallSpan,
        context: Context<'static>,
        request: Request,
        statuses: &'static [u16],
        errors: &'static ErrorContract,
        final_state: FinalState,
        format: Option<BodyFormat>,
    ) -> Self {
        Self {
            driver: Driver {
                core,
                span,
                context,
                statuses,
                errors,
                final_state,
                format,
                poll_interval: DEFAULT_POLL_INTERVAL,
            },
            timeout: DEFAULT_TIMEOUT,
            deadline: None,
            state: State::Start(request),
        }
    }

    /// Sets the wait between polls when the service sends no `Retry-After` (default 5 s).
    /// Any value is accepted, zero included.
    #[must_use]
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.driver.poll_interval = interval;
        self
    }

    /// Bounds the whole operation, from the initial request on (default 30 minutes).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends the next request (the initial one, or a poll after the wait) and reports the
    /// status it shows. Returns `Some(Ok(status))` while there is news, including once the
    /// terminal status; `Some(Err(..))` once if a request fails; then `None` forever. It never
    /// panics, however often it is called; awaiting the poller afterwards gives the outcome.
    pub async fn next_status(&mut self) -> Option<Result<OperationStatus>> {
        let work = match &self.state {
            State::Start(request) => Work::Start(request.clone()),
            State::Polling(polling) => Work::Poll(polling.clone()),
            State::Done(_) => return None,
        };
        let timeout = self.timeout;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Mutex::new(Box::pin(sleep(timeout))))
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let step = async {
            match work {
                Work::Start(request) => self.driver.start(request).await,
                Work::Poll(polling) => self.driver.poll(polling).await,
            }
        };
        // A bound of zero is over before it starts: send nothing. (Raced against a timer of
        // zero, the request could still go out.)
        let outcome = if timeout.is_zero() {
            None
        } else {
            within(deadline.as_mut(), step).await
        };
        let outcome = outcome.unwrap_or_else(|| {
            Err(Error::new(ErrorKind::Timeout {
                limit: self.timeout,
            }))
        });
        let outcome = match outcome {
            Ok(Next::Done(done)) => decode(done, self.driver.format).map(Step::Done),
            Ok(Next::Continue(polling)) => Ok(Step::Continue(polling)),
            Err(error) => Err(error),
        };
        let (state, status) = match outcome {
            Ok(Step::Continue(polling)) => {
                (State::Polling(polling), Ok(OperationStatus::InProgress))
            }
            Ok(Step::Done(response)) => (State::Done(Ok(response)), Ok(OperationStatus::Succeeded)),
            Err(error) => {
                let status = match error.service_error().and_then(|e| e.operation_status()) {
                    Some("Canceled") => Ok(OperationStatus::Canceled),
                    Some(_) => Ok(OperationStatus::Failed),
                    None => Err(error.clone()),
                };
                (State::Done(Err(error)), status)
            }
        };
        if let State::Done(outcome) = &state {
            self.driver.span.end(outcome.as_ref().err());
        }
        self.state = state;
        Some(status)
    }

    /// `true` once the outcome is known (awaiting then sends nothing).
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Done(_))
    }
}

enum Work {
    Start(Request),
    Poll(Polling),
}

/// A step's outcome once decoded.
enum Step<T> {
    Continue(Polling),
    Done(Response<T>),
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Poller<T> {
    type Output = Result<Response<T>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(mut self) -> Self::IntoFuture {
        Box::pin(async move {
            loop {
                if let State::Done(outcome) = self.state {
                    return outcome;
                }
                // The status (or error) is also stored in the state, read above.
                let _ = self.next_status().await;
            }
        })
    }
}

impl<T> fmt::Debug for Poller<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Start(_) => "not started",
            State::Polling(_) => "in progress",
            State::Done(Ok(_)) => "succeeded",
            State::Done(Err(_)) => "failed",
        };
        f.debug_struct("Poller")
            .field("state", &state)
            .field("poll_interval", &self.driver.poll_interval)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Driver {
    /// Sends the initial request: 202 (or 201 with `Azure-AsyncOperation`) starts polling; any
    /// other documented success (200, 201, a DELETE's 204) is the result.
    async fn start(&self, mut request: Request) -> Result<Next> {
        let response = self.send(&mut request, self.statuses).await?;
        let status = response.status();
        let headers = response.headers();
        let async_operation = header_url(headers, &AZURE_ASYNC_OPERATION, request.url(), status)?;
        let location = header_url(headers, &LOCATION, request.url(), status)?;
        let polls = status == StatusCode::Accepted
            || (status == StatusCode::Created && async_operation.is_some());
        if !polls {
            return Ok(Next::Done(Outcome::Result(response)));
        }
        let result_url = result_url(
            request.method(),
            self.final_state,
            request.url(),
            location.as_ref(),
        );
        let (mode, status_url) = match (async_operation, location) {
            (Some(url), _) => (Mode::AsyncOperation, url),
            (None, Some(url)) => (Mode::Location, url),
            (None, None) => {
                return Err(Error::decode(
                    status,
                    "the operation was accepted without an Azure-AsyncOperation or Location header to poll",
                ));
            }
        };
        // Polling `Location` ends with the result itself, unless it is to be read elsewhere.
        let final_url = result_url.filter(|url| mode == Mode::AsyncOperation || *url != status_url);
        Ok(Next::Continue(Polling {
            mode,
            status_url,
            final_url,
            wait: self.wait(headers),
        }))
    }

    /// Waits, then polls once.
    async fn poll(&self, polling: Polling) -> Result<Next> {
        sleep(polling.wait).await;
        let mut request = Request::new(polling.status_url.clone(), Method::Get);
        let response = self.send(&mut request, &[200, 201, 202, 204]).await?;
        let status = response.status();
        if polling.mode == Mode::Location {
            if status != StatusCode::Accepted {
                return match polling.final_url {
                    Some(url) => self.result(url).await,
                    None => Ok(Next::Done(Outcome::Result(response))),
                };
            }
            // A service may move the monitor on each 202.
            let moved = header_url(response.headers(), &LOCATION, request.url(), status)?;
            return Ok(Next::Continue(Polling {
                status_url: moved.unwrap_or(polling.status_url),
                wait: self.wait(response.headers()),
                ..polling
            }));
        }
        let (status, headers, body) = response.deconstruct();
        let monitor = if body.iter().all(u8::is_ascii_whitespace) && status == StatusCode::Accepted
        {
            Value::Null
        } else {
            json_model::<Value>(status, &body)?
        };
        let reported = monitor.get("status").and_then(Value::as_str);
        let terminal = match reported.map(str::to_ascii_lowercase).as_deref() {
            Some("succeeded") => "Succeeded",
            Some("failed") => "Failed",
            Some("canceled" | "cancelled") => "Canceled",
            Some(_) => "",
            None if status == StatusCode::Accepted => "",
            None => {
                return Err(Error::decode_body(
                    status,
                    "the operation status has no `status` field",
                    &body,
                ));
            }
        };
        match terminal {
            "" => Ok(Next::Continue(Polling {
                wait: self.wait(&headers),
                ..polling
            })),
            "Succeeded" => match polling.final_url {
                Some(url) => self.result(url).await,
                None => Ok(Next::Done(Outcome::NoResultUrl(
                    status,
                    headers,
                    body.to_vec(),
                ))),
            },
            ended => {
                // The monitor's `error` is ARM-shaped whatever the operation's error schema.
                let mut error = error_body::parse(status, &headers, body.into(), &ARM_SHAPE);
                error.operation_status = Some(ended.to_owned());
                Err(Error::new(ErrorKind::Operation(error)))
            }
        }
    }

    /// Reads the result of a succeeded operation from `url`.
    async fn result(&self, url: Url) -> Result<Next> {
        let mut request = Request::new(url, Method::Get);
        let response = self.send(&mut request, &[200, 201, 204]).await?;
        Ok(Next::Done(Outcome::Result(response)))
    }

    async fn send(&self, request: &mut Request, success: &[u16]) -> Result<RawResponse> {
        let context = self.span.context(&self.context);
        self.core
            .send(&context, request, success, self.errors)
            .await
    }

    /// The service's `Retry-After` (in any of its spellings), else the poll interval.
    fn wait(&self, headers: &Headers) -> Duration {
        retry_after(headers)
            .map(|wait| wait.min(MAX_RETRY_AFTER))
            .unwrap_or(self.poll_interval)
    }
}

/// Where the result of a succeeded operation is read (see [`FinalState`]); `None` when the
/// last poll holds it, or when there is none to read (a DELETE).
fn result_url(
    method: Method,
    final_state: FinalState,
    original: &Url,
    location: Option<&Url>,
) -> Option<Url> {
    match (method, final_state) {
        (Method::Delete, _) => None,
        (Method::Put | Method::Patch, FinalState::Location) => {
            Some(location.unwrap_or(original).clone())
        }
        (Method::Put | Method::Patch, _) | (_, FinalState::OriginalUri) => Some(original.clone()),
        (_, FinalState::Location | FinalState::AzureAsyncOperation) => location.cloned(),
    }
}

/// Decodes the final result; an empty one is accepted only when `T` has no content. An
/// operation without a result format reads no body.
fn decode<T: DeserializeOwned>(
    outcome: Outcome,
    format: Option<BodyFormat>,
) -> Result<Response<T>> {
    let response = match outcome {
        Outcome::Result(response) => response,
        Outcome::NoResultUrl(status, headers, body) => {
            return no_result(status, headers, NO_RESULT_URL, &body);
        }
    };
    let (status, headers, body) = response.deconstruct();
    let Some(format) = format else {
        return no_result(status, headers, "the operation has no result", &body);
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return no_result(status, headers, "empty body", &body);
    }
    let model = match format {
        BodyFormat::Json => json_model(status, &body)?,
        BodyFormat::Xml => xml_model(status, &body)?,
    };
    Ok(Response::new(status, headers, model))
}

/// A result without a body: fine when `T` is `()` (or otherwise accepts "nothing"), an error
/// when the operation promised a model. The error keeps `body`, the last response's.
fn no_result<T: DeserializeOwned>(
    status: StatusCode,
    headers: Headers,
    reason: &str,
    body: &[u8],
) -> Result<Response<T>> {
    match serde_json::from_value(Value::Null) {
        Ok(model) => Ok(Response::new(status, headers, model)),
        Err(_) => Err(Error::decode_body(status, reason, body)),
    }
}

const NO_RESULT_URL: &str =
    "the operation succeeded, but the service gave no URL to read its result from";

/// A polling URL from a header, resolved against the request URL. It must be https and on the
/// request's own origin: the bearer token goes with every poll, so a response must not be able
/// to send it to another host (ARM answers polls on the endpoint it was called on).
fn header_url(
    headers: &Headers,
    name: &HeaderName,
    base: &Url,
    status: StatusCode,
) -> Result<Option<Url>> {
    let Some(value) = headers.get_optional_str(name) else {
        return Ok(None);
    };
    match base.join(value.trim()) {
        Ok(url) if url.scheme() != "https" => Err(Error::decode(
            status,
            format!("the {} URL is not https", name.as_str()),
        )),
        Ok(url) if url.origin() != base.origin() => Err(Error::decode(
            status,
            format!(
                "the {} URL points at another host than the endpoint; the client does not send its token there",
                name.as_str()
            ),
        )),
        Ok(url) => Ok(Some(url)),
        Err(_) => Err(Error::decode(
            status,
            format!("the {} header is not a valid URL", name.as_str()),
        )),
    }
}

fn retry_after(headers: &Headers) -> Option<Duration> {
    for name in [&RETRY_AFTER_MS, &X_MS_RETRY_AFTER_MS] {
        if let Some(ms) = headers
            .get_optional_str(name)
            .and_then(|v| v.trim().parse().ok())
        {
            return Some(Duration::from_millis(ms));
        }
    }
    let value = headers.get_optional_str(&RETRY_AFTER)?.trim();
    if let Ok(seconds) = value.parse() {
        return Some(Duration::from_secs(seconds));
    }
    let at = azure_core::time::parse_rfc7231(value).ok()?;
    let now = azure_core::time::OffsetDateTime::now_utc();
    Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
}

/// Sleeps on azure_core's async runtime, so the crate does not pick one.
async fn sleep(duration: Duration) {
    // Bounded so the conversion to the runtime's duration can never overflow.
    let duration = duration.min(Duration::from_secs(365 * 24 * 3600));
    let duration = azure_core::time::Duration::try_from(duration).unwrap_or_default();
    azure_core::sleep(duration).await;
}

/// Runs `future` until `deadline` passes: `None` if it passed first (the future is dropped,
/// which cancels it). The deadline is looked at first, so once it has passed nothing more is
/// sent, and a response arriving at the same moment does not win.
async fn within<F: Future>(
    mut deadline: Pin<&mut (dyn Future<Output = ()> + Send)>,
    future: F,
) -> Option<F::Output> {
    let mut future = pin!(future);
    poll_fn(|cx| {
        if deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

#[cfg(test)]
#[path = "lro_tests.rs"]
mod tests;
