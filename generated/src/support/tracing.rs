//! Distributed tracing: one span per public call, through `azure_core`'s own instrumentation.
//!
//! With no tracer provider in `ClientOptions::client_options.instrumentation`, nothing here
//! does anything. With one, every call opens a span named after its operation the way the
//! Azure SDK for Rust names them (`Microsoft.ServiceBus.Namespaces.regenerateKeys`), with the
//! service's resource provider namespace as `az.namespace`, and `azure_core` opens an HTTP span
//! for each try under it (`http.request.method`, `url.full` with its query redacted,
//! `az.client_request_id`, `http.response.status_code`, `http.request.resend_count`).
//! No span carries a header value, a body or a secret.
//!
//! - A call that sends one request puts a [`PublicApiInstrumentationInformation`] and the
//!   client's tracer in the call's `Context`: `azure_core`'s public-API policy opens and ends
//!   the span around the request and its retries, and sets `error.type` to the status of an
//!   error response (and the span's status to error on a 5xx).
//! - A long-running operation and a paged list send several requests, at the caller's pace:
//!   [`CallSpan`] opens one span (with `azure_core`'s `create_public_api_span`) when the first
//!   request goes out, puts it in the context of every request after it, so that the policy
//!   treats those as nested and every poll or page is an HTTP span under it, and ends it when
//!   the operation or the list ends, or when the poller or pager is dropped.
//!
//! As in the Azure SDK, a span the caller puts in the context (`Arc<dyn Span>`) is taken as
//! the parent call's: no span of the client's own is opened, and the HTTP spans go under it.

use super::error::{Error, ErrorKind};
use azure_core::http::Context;
use azure_core::http::policies::create_public_api_span;
use azure_core::tracing::{PublicApiInstrumentationInformation, Span, SpanStatus, Tracer};
use std::sync::{Arc, Mutex, PoisonError};

/// The attribute naming what went wrong, as OpenTelemetry's conventions spell it.
const ERROR_TYPE: &str = "error.type";

/// The tracer of a client whose calls belong to the resource provider `namespace`; `None`
/// when the options name no tracer provider.
pub(crate) fn tracer(
    options: &azure_core::http::ClientOptions,
    namespace: &'static str,
) -> Option<Arc<dyn Tracer>> {
    options
        .instrumentation
        .tracer_provider
        .as_ref()
        .map(|provider| {
            provider.get_tracer(
                Some(namespace),
                env!("CARGO_PKG_NAME"),
                Some(env!("CARGO_PKG_VERSION")),
            )
        })
}

/// `context` for the one request of the public call `api`, from which `azure_core`'s
/// public-API policy opens the call's span.
pub(crate) fn call_context<'a>(
    tracer: Option<&Arc<dyn Tracer>>,
    api: &'static str,
    context: &'a Context<'_>,
) -> Context<'a> {
    let context = context.to_borrowed();
    match tracer {
        None => context,
        Some(tracer) => context
            .with_value(PublicApiInstrumentationInformation::new(api, Vec::new()))
            .with_value(Arc::clone(tracer)),
    }
}

/// The span of one public call that sends several requests (a long-running operation, a
/// paged list): opened with the first request, ended once with the call's outcome.
pub(crate) struct CallSpan {
    api: &'static str,
    /// `None` when the client has no tracer: then there is no span.
    tracer: Option<Arc<dyn Tracer>>,
    phase: Mutex<Phase>,
}

enum Phase {
    /// No request sent yet.
    NotStarted,
    /// The call's span, open.
    Open(Arc<dyn Span>),
    /// Ended, or never opened (a caller's span was in the context).
    Closed,
}

impl CallSpan {
    /// The span of the public call `api`, for a client with `tracer`.
    pub(crate) fn new(tracer: Option<&Arc<dyn Tracer>>, api: &'static str) -> Self {
        Self {
            api,
            tracer: tracer.cloned(),
            phase: Mutex::new(Phase::NotStarted),
        }
    }

    /// `context` for the call's next request: with the client's tracer, and with the call's
    /// span, which the first request opens.
    pub(crate) fn context<'a>(&self, context: &'a Context<'_>) -> Context<'a> {
        let context = context.to_borrowed();
        let Some(tracer) = &self.tracer else {
            return context;
        };
        let context = context.with_value(Arc::clone(tracer));
        let mut phase = self.lock();
        if let Phase::NotStarted = *phase {
            let info = PublicApiInstrumentationInformation::new(self.api, Vec::new());
            *phase = match create_public_api_span(&context, None, Some(info)) {
                Some(span) => Phase::Open(span),
                None => Phase::Closed,
            };
        }
        match &*phase {
            Phase::Open(span) => context.with_value(Arc::clone(span)),
            _ => context,
        }
    }

    /// Ends the span (once; later calls do nothing), recording `error` if the call failed.
    pub(crate) fn end(&self, error: Option<&Error>) {
        let mut phase = self.lock();
        if let Phase::Open(span) = &*phase {
            if let Some(error) = error
                && span.is_recording()
            {
                record(span.as_ref(), error);
            }
            span.end();
            *phase = Phase::Closed;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Phase> {
        // Never held across an await or a call that can panic.
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for CallSpan {
    /// A poller or pager dropped before its end ends its span, without an error.
    fn drop(&mut self) {
        self.end(None);
    }
}

impl std::fmt::Debug for CallSpan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let phase = match &*self.lock() {
            Phase::NotStarted => "not started",
            Phase::Open(_) => "open",
            Phase::Closed => "closed",
        };
        f.debug_struct("CallSpan")
            .field("api", &self.api)
            .field("phase", &phase)
            .finish_non_exhaustive()
    }
}

/// Sets `error.type` (and, but for a 4xx, the error status) the way `azure_core`'s policy does
/// for a call of one request: an error response is named by its status code; a long-running
/// operation that ended `Failed` or `Canceled` by that status; anything else by its kind.
/// Never a message, which could quote what the caller sent.
fn record(span: &dyn Span, error: &Error) {
    let (error_type, failed) = error_type(error);
    span.set_attribute(ERROR_TYPE, error_type.clone().into());
    if failed {
        span.set_status(SpanStatus::Error {
            description: error_type,
        });
    }
}

/// `error.type`, and whether the span's status is an error (a 4xx response is the caller's
/// to judge, as `azure_core` has it).
fn error_type(error: &Error) -> (String, bool) {
    match error.kind() {
        ErrorKind::Service(service) => {
            let status = service.status();
            (u16::from(status).to_string(), !status.is_client_error())
        }
        ErrorKind::Operation(service) => {
            let ended = match service.operation_status() {
                Some("Canceled") => "Canceled",
                _ => "Failed",
            };
            (ended.to_owned(), true)
        }
        ErrorKind::InvalidParameter { .. } => ("InvalidParameter".to_owned(), true),
        ErrorKind::Decode { .. } => ("Decode".to_owned(), true),
        ErrorKind::Encode { .. } => ("Encode".to_owned(), true),
        ErrorKind::Timeout { .. } => ("Timeout".to_owned(), true),
        ErrorKind::Transport => ("Transport".to_owned(), true),
        ErrorKind::Credential => ("Credential".to_owned(), true),
        ErrorKind::Configuration(_) => ("Configuration".to_owned(), true),
        ErrorKind::ResourceId(_) => ("ResourceId".to_owned(), true),
    }
}
