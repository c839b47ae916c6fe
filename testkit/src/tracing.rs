//! An in-memory `azure_core` tracer: every span a client opens, as `azure_core` hands it over
//! (name, kind, parent, attributes, status, how often it was ended), to assert on.
//!
//! ```no_run
//! let tracing = testkit::tracing::MemoryTracerProvider::new();
//! let mut options = azure_core::http::ClientOptions::default();
//! options.instrumentation.tracer_provider = Some(tracing.clone());
//! // ... make calls with a client built on `options`, then:
//! let spans = tracing.spans();
//! ```

use azure_core::http::{Context, Request};
use azure_core::tracing::{
    AsAny, Attribute, AttributeValue, Span, SpanGuard, SpanKind, SpanStatus, Tracer, TracerProvider,
};
use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// A tracer provider that keeps every span of every tracer it gives out.
#[derive(Debug, Default)]
pub struct MemoryTracerProvider {
    spans: Arc<Mutex<Vec<Arc<MemorySpan>>>>,
    tracers: Mutex<Vec<(Option<&'static str>, &'static str)>>,
    next_id: Arc<AtomicU64>,
}

impl MemoryTracerProvider {
    /// A new provider, shared: give a clone to the client options, keep one to read.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Every span opened so far, in the order they were opened.
    pub fn spans(&self) -> Vec<SpanRecord> {
        lock(&self.spans).iter().map(|span| span.record()).collect()
    }

    /// The namespace and crate name of each `get_tracer` call, in order.
    pub fn tracers(&self) -> Vec<(Option<&'static str>, &'static str)> {
        lock(&self.tracers).clone()
    }
}

impl TracerProvider for MemoryTracerProvider {
    fn get_tracer(
        &self,
        namespace: Option<&'static str>,
        crate_name: &'static str,
        _crate_version: Option<&'static str>,
    ) -> Arc<dyn Tracer> {
        lock(&self.tracers).push((namespace, crate_name));
        Arc::new(MemoryTracer {
            namespace,
            spans: Arc::clone(&self.spans),
            next_id: Arc::clone(&self.next_id),
        })
    }
}

/// A span as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanRecord {
    /// Its id (1, 2, ... in the order opened).
    pub id: u64,
    /// Its name: the operation for a call's span, the HTTP method for a request's.
    pub name: String,
    /// `Internal` for a call, `Client` for an HTTP request.
    pub kind: String,
    /// The parent's id.
    pub parent: Option<u64>,
    /// Its attributes, in the order set, values as text.
    pub attributes: Vec<(String, String)>,
    /// `None` while unset; `Some(description)` once set to error.
    pub error: Option<String>,
    /// How many times `end` was called.
    pub ends: usize,
}

impl SpanRecord {
    /// The value of the attribute `key`, the last set.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct MemoryTracer {
    namespace: Option<&'static str>,
    spans: Arc<Mutex<Vec<Arc<MemorySpan>>>>,
    next_id: Arc<AtomicU64>,
}

impl MemoryTracer {
    fn open(
        &self,
        name: Cow<'static, str>,
        kind: SpanKind,
        attributes: Vec<Attribute>,
        parent: Option<u64>,
    ) -> Arc<dyn Span> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst) + 1;
        let span = Arc::new(MemorySpan {
            id,
            name: name.into_owned(),
            kind: format!("{kind:?}"),
            parent,
            state: Mutex::new(SpanState {
                attributes: attributes
                    .into_iter()
                    .map(|a| (a.key.into_owned(), text(&a.value)))
                    .collect(),
                error: None,
                ends: 0,
            }),
        });
        lock(&self.spans).push(Arc::clone(&span));
        span
    }
}

impl Tracer for MemoryTracer {
    fn start_span(
        &self,
        name: Cow<'static, str>,
        kind: SpanKind,
        attributes: Vec<Attribute>,
    ) -> Arc<dyn Span> {
        self.open(name, kind, attributes, None)
    }

    fn start_span_with_parent(
        &self,
        name: Cow<'static, str>,
        kind: SpanKind,
        attributes: Vec<Attribute>,
        parent: Arc<dyn Span>,
    ) -> Arc<dyn Span> {
        let parent = u64::from_be_bytes(parent.span_id());
        self.open(name, kind, attributes, Some(parent))
    }

    fn namespace(&self) -> Option<&'static str> {
        self.namespace
    }
}

struct MemorySpan {
    id: u64,
    name: String,
    kind: String,
    parent: Option<u64>,
    state: Mutex<SpanState>,
}

struct SpanState {
    attributes: Vec<(String, String)>,
    error: Option<String>,
    ends: usize,
}

impl MemorySpan {
    fn record(&self) -> SpanRecord {
        let state = lock(&self.state);
        SpanRecord {
            id: self.id,
            name: self.name.clone(),
            kind: self.kind.clone(),
            parent: self.parent,
            attributes: state.attributes.clone(),
            error: state.error.clone(),
            ends: state.ends,
        }
    }
}

impl fmt::Debug for MemorySpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.record().fmt(f)
    }
}

impl AsAny for MemorySpan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Span for MemorySpan {
    fn is_recording(&self) -> bool {
        true
    }

    fn span_id(&self) -> [u8; 8] {
        self.id.to_be_bytes()
    }

    fn end(&self) {
        lock(&self.state).ends += 1;
    }

    fn set_status(&self, status: SpanStatus) {
        if let SpanStatus::Error { description } = status {
            lock(&self.state).error = Some(description);
        }
    }

    fn set_attribute(&self, key: &'static str, value: AttributeValue) {
        lock(&self.state)
            .attributes
            .push((key.to_owned(), text(&value)));
    }

    fn record_error(&self, error: &dyn std::error::Error) {
        lock(&self.state).error = Some(error.to_string());
    }

    fn set_current(&self, _context: &Context) -> Box<dyn SpanGuard> {
        Box::new(NoGuard)
    }

    fn propagate_headers(&self, request: &mut Request) {
        request.insert_header("traceparent", format!("00-{:032x}-{:016x}-01", 1, self.id));
    }
}

struct NoGuard;

impl SpanGuard for NoGuard {
    fn end(self) {}
}

fn text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::String(s) => s.clone(),
        AttributeValue::I64(n) => n.to_string(),
        AttributeValue::F64(n) => n.to_string(),
        AttributeValue::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
