//! The crate's one error type.
//!
//! Secrets rule: `Display` and `Debug` show only the status, the service's code, message and
//! target, and the request id headers. The raw body (of an error response, or of a success
//! response that could not be decoded) is kept for callers but shown only as its length, and no
//! serde error text is ever stored (serde_json and quick-xml quote the input, which may hold
//! keys).

use azure_core::Bytes;
use azure_core::http::StatusCode;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Every failure of a call made with this crate.
///
/// Match on [`Error::kind`] for what went wrong; [`Error::http_status`] and
/// [`Error::service_error`] are shortcuts for the common questions.
#[derive(Clone)]
pub struct Error {
    // Boxed: a `Result` stays one pointer wide on the happy path.
    inner: Box<Inner>,
}

#[derive(Clone)]
struct Inner {
    kind: ErrorKind,
    // Arc, not Box, so that `Error` is `Clone`: a `Poller` reports a failure from
    // `next_status` and again from `.await`.
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    // The body of a response that could not be decoded ([`ErrorKind::Decode`]); a service
    // error keeps its body in its `ServiceError`. Here rather than in the variant so the
    // public `ErrorKind::Decode` keeps its shape.
    raw_body: Option<Bytes>,
}

/// What went wrong.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A parameter value was refused before anything was sent.
    InvalidParameter {
        /// The parameter's wire name, as in the spec; for a property of a request body, its
        /// path from the body (`parameters.properties.maxSizeInMegabytes`).
        parameter: String,
        /// The refused value; empty when it is a secret.
        value: String,
        /// What is wrong with it, naming the rule it breaks.
        reason: String,
    },
    /// The service answered with a status the operation does not document as success.
    Service(ServiceError),
    /// A long-running operation ended `Failed` or `Canceled`.
    Operation(ServiceError),
    /// The service answered with a success status but a body that could not be read;
    /// [`Error::raw_body`] gives the body.
    Decode {
        /// The response status.
        status: StatusCode,
        /// Why the body could not be read; never quotes the body.
        reason: String,
    },
    /// A request body could not be serialized.
    Encode {
        /// Why; never quotes the value.
        reason: String,
    },
    /// A long-running operation did not finish within the poller's time limit.
    Timeout {
        /// The limit that was exceeded.
        limit: Duration,
    },
    /// The request never got an HTTP response: connection, TLS or another `azure_core`
    /// failure. The `azure_core::Error` is the [`source`](std::error::Error::source).
    Transport,
    /// The credential could not get a token (no `az` login, no managed identity, a rejected
    /// client secret). The credential's `azure_core::Error` is the
    /// [`source`](std::error::Error::source).
    Credential,
    /// The client was configured wrongly, for example with a non-https endpoint.
    Configuration(String),
    /// A resource ID does not fit the resource it was given for, or any resource the caller
    /// can use; nothing was sent.
    ResourceId(super::resource_id::ResourceIdError),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                source: None,
                raw_body: None,
            }),
        }
    }

    pub(crate) fn invalid_parameter(
        parameter: impl Into<String>,
        value: &str,
        reason: impl Into<String>,
    ) -> Self {
        Self::new(ErrorKind::InvalidParameter {
            parameter: parameter.into(),
            value: value.to_owned(),
            reason: reason.into(),
        })
    }

    pub(crate) fn decode(status: StatusCode, reason: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode {
            status,
            reason: reason.into(),
        })
    }

    /// A [`ErrorKind::Decode`] error that keeps the body it could not read.
    pub(crate) fn decode_body(status: StatusCode, reason: impl Into<String>, body: &[u8]) -> Self {
        let mut error = Self::decode(status, reason);
        error.inner.raw_body = Some(Bytes::copy_from_slice(body));
        error
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The status of the response that caused the error: the non-success status of
    /// [`ErrorKind::Service`], the status of an undecodable [`ErrorKind::Decode`] response, or
    /// whatever `azure_core` reports for [`ErrorKind::Transport`]. `None` for an
    /// [`ErrorKind::Operation`]: the polls themselves succeeded (see
    /// [`ServiceError::status`] for the status of the poll that reported the failure).
    pub fn http_status(&self) -> Option<StatusCode> {
        match &self.inner.kind {
            ErrorKind::Service(e) => Some(e.status),
            ErrorKind::Decode { status, .. } => Some(*status),
            ErrorKind::Transport => self
                .inner
                .source
                .as_deref()
                .and_then(|s| s.downcast_ref::<azure_core::Error>())
                .and_then(azure_core::Error::http_status),
            _ => None,
        }
    }

    /// The service's error, for [`ErrorKind::Service`] and [`ErrorKind::Operation`].
    pub fn service_error(&self) -> Option<&ServiceError> {
        match &self.inner.kind {
            ErrorKind::Service(e) | ErrorKind::Operation(e) => Some(e),
            _ => None,
        }
    }

    /// The body of the response behind the error, as received: the error body of an
    /// [`ErrorKind::Service`] or [`ErrorKind::Operation`] error (see
    /// [`ServiceError::raw_body`]), or the body an [`ErrorKind::Decode`] error could not read.
    /// `None` when no response body is involved. It may hold secrets (a success body holds the
    /// keys), so neither `Display` nor `Debug` shows it.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match &self.inner.kind {
            ErrorKind::Service(e) | ErrorKind::Operation(e) => Some(e.raw_body()),
            _ => self.inner.raw_body.as_deref(),
        }
    }
}

/// Any `azure_core` failure (connection, TLS, credential, ...) is a transport error; the
/// original error is kept as the source.
impl From<azure_core::Error> for Error {
    fn from(error: azure_core::Error) -> Self {
        let kind = match error.kind() {
            azure_core::error::ErrorKind::Credential => ErrorKind::Credential,
            _ => ErrorKind::Transport,
        };
        Self {
            inner: Box::new(Inner {
                kind,
                source: Some(Arc::new(error)),
                raw_body: None,
            }),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.kind {
            ErrorKind::InvalidParameter {
                parameter, reason, ..
            } => write!(f, "invalid value for parameter `{parameter}`: {reason}"),
            ErrorKind::Service(e) => {
                write_status(f, e.status)?;
                e.fmt_fields(f)
            }
            ErrorKind::Operation(e) => {
                let status = e.operation_status.as_deref().unwrap_or("Failed");
                write!(f, "long-running operation ended with status {status}")?;
                e.fmt_fields(f)
            }
            ErrorKind::Decode { status, reason } => {
                f.write_str("could not read the response body of ")?;
                write_status(f, *status)?;
                write!(f, ": {reason}")
            }
            ErrorKind::Encode { reason } => {
                write!(f, "could not serialize the request body: {reason}")
            }
            ErrorKind::Timeout { limit } => write!(
                f,
                "long-running operation did not finish within {} s",
                limit.as_secs_f64()
            ),
            // azure_core's own Display is often vague ("non-transport error occurred ..."),
            // so the cause goes in the message too.
            ErrorKind::Transport => {
                f.write_str("request failed")?;
                write_chain(f, self.inner.source.as_deref().map(|s| s as _))
            }
            ErrorKind::Credential => {
                f.write_str("could not get a token from the credential")?;
                write_chain(f, self.inner.source.as_deref().map(|s| s as _))
            }
            ErrorKind::Configuration(message) => {
                write!(f, "invalid client configuration: {message}")
            }
            ErrorKind::ResourceId(error) => write!(f, "invalid resource ID: {error}"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug
            .field("kind", &self.inner.kind)
            .field("source", &self.inner.source);
        // Length only: the body may hold secrets.
        if let Some(body) = &self.inner.raw_body {
            debug.field("raw_body_len", &body.len());
        }
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Writes `": cause: its cause ..."`, skipping a cause whose text repeats the previous one.
fn write_chain(
    f: &mut fmt::Formatter<'_>,
    mut next: Option<&(dyn std::error::Error + 'static)>,
) -> fmt::Result {
    let mut previous = String::new();
    // A few levels are enough to reach the real cause; the chain is not ours to bound.
    for _ in 0..4 {
        let Some(error) = next else { break };
        let text = error.to_string();
        if !text.is_empty() && text != previous {
            write!(f, ": {text}")?;
        }
        previous = text;
        next = error.source();
    }
    Ok(())
}

fn write_status(f: &mut fmt::Formatter<'_>, status: StatusCode) -> fmt::Result {
    let code = u16::from(status);
    let reason = status.canonical_reason();
    // Unknown codes have the reason "HTTP 599": don't print it twice.
    if reason.starts_with("HTTP ") {
        write!(f, "HTTP {code}")
    } else {
        write!(f, "HTTP {code} {reason}")
    }
}

/// The error a service reported: its status, its code and message parsed from the
/// operation's error schema, the request id headers, and the raw body for anything else.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub(crate) status: StatusCode,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) details: Vec<ServiceErrorDetail>,
    pub(crate) request_id: Option<String>,
    pub(crate) correlation_id: Option<String>,
    pub(crate) operation_status: Option<String>,
    pub(crate) raw_body: Bytes,
}

impl ServiceError {
    /// The status of the response that carried the error.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The service's error code, e.g. `ResourceNotFound`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The service's error message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// What the error is about, when the service says.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
    /// Further errors the service listed.
    pub fn details(&self) -> &[ServiceErrorDetail] {
        &self.details
    }
    /// The `x-ms-request-id` header: quote it when asking Azure support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The `x-ms-correlation-request-id` header.
    pub fn correlation_id(&self) -> Option<&str> {
        self.correlation_id.as_deref()
    }
    /// For [`ErrorKind::Operation`]: how the operation ended, `Failed` or `Canceled`.
    pub fn operation_status(&self) -> Option<&str> {
        self.operation_status.as_deref()
    }
    /// The response body as received. It may hold anything the service sent, so it is never
    /// shown by `Display` or `Debug`.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }

    /// `": code: message (target: t); details: [c: m] (x-ms-request-id: r)"`, each part
    /// only when present.
    fn fmt_fields(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.code.is_some() || self.message.is_some() {
            f.write_str(": ")?;
            fmt_code_message(f, self.code.as_deref(), self.message.as_deref())?;
        }
        if let Some(target) = &self.target {
            write!(f, " (target: {target})")?;
        }
        if !self.details.is_empty() {
            f.write_str("; details:")?;
            for detail in &self.details {
                f.write_str(" [")?;
                fmt_code_message(f, detail.code(), detail.message())?;
                if let Some(target) = detail.target() {
                    write!(f, " (target: {target})")?;
                }
                f.write_str("]")?;
            }
        }
        match (&self.request_id, &self.correlation_id) {
            (Some(r), Some(c)) => write!(
                f,
                " (x-ms-request-id: {r}, x-ms-correlation-request-id: {c})"
            ),
            (Some(r), None) => write!(f, " (x-ms-request-id: {r})"),
            (None, Some(c)) => write!(f, " (x-ms-correlation-request-id: {c})"),
            (None, None) => Ok(()),
        }
    }
}

fn fmt_code_message(
    f: &mut fmt::Formatter<'_>,
    code: Option<&str>,
    message: Option<&str>,
) -> fmt::Result {
    match (code, message) {
        (Some(c), Some(m)) => write!(f, "{c}: {m}"),
        (Some(c), None) => f.write_str(c),
        (None, Some(m)) => f.write_str(m),
        (None, None) => f.write_str("(no code or message)"),
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_status(f, self.status)?;
        self.fmt_fields(f)
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &u16::from(self.status))
            .field("code", &self.code)
            .field("message", &self.message)
            .field("target", &self.target)
            .field("details", &self.details)
            .field("request_id", &self.request_id)
            .field("correlation_id", &self.correlation_id)
            .field("operation_status", &self.operation_status)
            // Length only: the body may hold secrets.
            .field("raw_body_len", &self.raw_body.len())
            .finish()
    }
}

/// One entry of a service error's `details`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceErrorDetail {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) target: Option<String>,
}

impl ServiceErrorDetail {
    /// The detail's error code.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The detail's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
    /// What the detail is about.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(status: u16) -> ServiceError {
        ServiceError {
            status: StatusCode::from(status),
            code: Some("ResourceNotFound".into()),
            message: Some("The Resource 'ns' was not found.".into()),
            target: None,
            details: Vec::new(),
            request_id: Some("req-1".into()),
            correlation_id: None,
            operation_status: None,
            raw_body: Bytes::from_static(b"{\"primaryKey\":\"SECRET-KEY\"}"),
        }
    }

    #[test]
    fn service_display_reads_well() {
        let e = Error::new(ErrorKind::Service(sample(404)));
        assert_eq!(
            e.to_string(),
            "HTTP 404 Not Found: ResourceNotFound: The Resource 'ns' was not found. (x-ms-request-id: req-1)"
        );
        assert_eq!(e.http_status(), Some(StatusCode::NotFound));
        assert_eq!(e.service_error().unwrap().code(), Some("ResourceNotFound"));
    }

    #[test]
    fn unknown_status_is_printed_once() {
        let mut s = sample(599);
        s.code = None;
        s.message = None;
        s.request_id = None;
        assert_eq!(Error::new(ErrorKind::Service(s)).to_string(), "HTTP 599");
    }

    #[test]
    fn operation_display_names_the_terminal_status() {
        let mut s = sample(200);
        s.operation_status = Some("Canceled".into());
        let e = Error::new(ErrorKind::Operation(s));
        assert!(
            e.to_string().starts_with(
                "long-running operation ended with status Canceled: ResourceNotFound:"
            )
        );
        assert_eq!(e.http_status(), None);
    }

    #[test]
    fn debug_and_display_never_show_the_raw_body() {
        let e = Error::new(ErrorKind::Service(sample(400)));
        for text in [format!("{e}"), format!("{e:?}"), format!("{e:#?}")] {
            assert!(!text.contains("SECRET-KEY"), "{text}");
        }
        assert!(format!("{e:?}").contains("raw_body_len: 27"));
        assert_eq!(
            e.service_error().unwrap().raw_body(),
            b"{\"primaryKey\":\"SECRET-KEY\"}"
        );
    }

    /// azure_core often wraps an error with the same text (its `Display` is the wrapped
    /// error's): the text is printed once; a chain of different texts is printed whole.
    #[test]
    fn a_cause_repeating_its_error_is_printed_once() {
        use azure_core::error::ErrorKind as CoreKind;
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let wrapped = azure_core::Error::new(CoreKind::Io, refused);
        assert_eq!(Error::from(wrapped).to_string(), "request failed: refused");

        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let explained = azure_core::Error::with_error(CoreKind::Io, refused, "could not connect");
        assert_eq!(
            Error::from(explained).to_string(),
            "request failed: could not connect: refused"
        );

        let rejected = azure_core::Error::with_error(
            CoreKind::Credential,
            std::io::Error::other("AADSTS7000215: invalid client secret"),
            "AADSTS7000215: invalid client secret",
        );
        assert_eq!(
            Error::from(rejected).to_string(),
            "could not get a token from the credential: AADSTS7000215: invalid client secret"
        );
    }

    /// A pipeline error that carries an HTTP status (a caller's own policy, added through
    /// the client options, can raise one) is a transport error that still reports it.
    #[test]
    fn transport_errors_report_an_http_status_they_carry() {
        let kind = azure_core::error::ErrorKind::HttpResponse {
            status: StatusCode::ServiceUnavailable,
            error_code: Some("Throttled".into()),
            raw_response: None,
        };
        let e = Error::from(azure_core::Error::with_message(kind, "gave up"));
        assert!(matches!(e.kind(), ErrorKind::Transport));
        assert_eq!(e.http_status(), Some(StatusCode::ServiceUnavailable));
        assert_eq!(e.to_string(), "request failed: gave up");
        let refused = azure_core::Error::with_message(azure_core::error::ErrorKind::Io, "refused");
        assert_eq!(Error::from(refused).http_status(), None);
    }

    #[test]
    fn transport_errors_keep_their_source() {
        let inner = azure_core::Error::with_message(azure_core::error::ErrorKind::Io, "refused");
        let e = Error::from(inner);
        assert!(matches!(e.kind(), ErrorKind::Transport));
        assert_eq!(e.to_string(), "request failed: refused");
        let source = std::error::Error::source(&e).unwrap();
        assert!(source.downcast_ref::<azure_core::Error>().is_some());
    }
}
