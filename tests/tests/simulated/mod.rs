//! Simulated services for the rotation tests: each rotatable kind as data (its resource ID, the
//! paths and queries of its list and regenerate operations, how the request names a slot, how
//! the response carries the keys, its error contract), written out by hand from the specs, and
//! a stateful wiremock responder that keeps a resource's two keys the way the real service
//! does: listing them, regenerating one (Redis Enterprise through 202 polling), listing stale
//! values for a while when asked, failing a regeneration when asked.

#![allow(
    dead_code,
    reason = "each test crate uses a different part of this module"
)]

use azure_core::http::RetryOptions;
use azure_mgmt::ClientOptions;
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Every key the simulated services hand out contains this, so a search finds any leak.
pub const MARKER: &str = "SECRET";

/// How a kind's responses carry the keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// A JSON object with the key fields (and connection-string fields) named here.
    Json {
        keys: [&'static str; 2],
        connection_strings: Option<[&'static str; 2]>,
    },
    /// Classic Service Management XML: `StorageService/StorageServiceKeys/{Primary,Secondary}`.
    StorageServiceXml,
}

/// One rotatable kind, as its specs describe it.
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    /// `ResourceKind::name`.
    pub name: &'static str,
    /// The resource ID (canonical: as `Display` writes it).
    pub id: &'static str,
    /// The path of the resource's operations, without the action.
    pub base: &'static str,
    pub list: (&'static str, &'static str),
    pub regenerate: (&'static str, &'static str),
    /// The query both operations send (empty for none), and `?action=regenerate` for classic.
    pub list_query: Option<&'static str>,
    pub regenerate_query: &'static str,
    /// The request body property (or XML element) naming the slot, and its two values.
    pub selector: &'static str,
    pub values: [&'static str; 2],
    pub body: Body,
    pub long_running: bool,
    /// An error response body in the service's own contract, with the code `KeyBusy`.
    pub error: ErrorShape,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorShape {
    Arm,
    Flat,
    Xml,
}

pub const SERVICE_BUS: Kind = Kind {
    name: "service-bus/namespace-authorization-rule",
    id: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ServiceBus/namespaces/sb-namespace1/AuthorizationRules/RootManageSharedAccessKey",
    base: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ServiceBus/namespaces/sb-namespace1/AuthorizationRules/RootManageSharedAccessKey",
    list: ("POST", "/listKeys"),
    regenerate: ("POST", "/regenerateKeys"),
    list_query: Some("api-version=2017-04-01"),
    regenerate_query: "api-version=2017-04-01",
    selector: "keyType",
    values: ["PrimaryKey", "SecondaryKey"],
    body: Body::Json {
        keys: ["primaryKey", "secondaryKey"],
        connection_strings: Some(["primaryConnectionString", "secondaryConnectionString"]),
    },
    long_running: false,
    error: ErrorShape::Flat,
};

pub const EVENT_HUBS: Kind = Kind {
    name: "event-hubs/event-hub-authorization-rule",
    id: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.EventHub/namespaces/eh-namespace1/eventhubs/hub1/authorizationRules/rule1",
    base: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.EventHub/namespaces/eh-namespace1/eventhubs/hub1/authorizationRules/rule1",
    list: ("POST", "/listKeys"),
    regenerate: ("POST", "/regenerateKeys"),
    list_query: Some("api-version=2024-01-01"),
    regenerate_query: "api-version=2024-01-01",
    selector: "keyType",
    values: ["PrimaryKey", "SecondaryKey"],
    body: Body::Json {
        keys: ["primaryKey", "secondaryKey"],
        connection_strings: Some(["primaryConnectionString", "secondaryConnectionString"]),
    },
    long_running: false,
    error: ErrorShape::Arm,
};

pub const REDIS_ENTERPRISE: Kind = Kind {
    name: "redis-enterprise/database",
    id: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1/databases/default",
    base: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.Cache/redisEnterprise/cache1/databases/default",
    list: ("POST", "/listKeys"),
    regenerate: ("POST", "/regenerateKey"),
    list_query: Some("api-version=2024-10-01"),
    regenerate_query: "api-version=2024-10-01",
    selector: "keyType",
    values: ["Primary", "Secondary"],
    body: Body::Json {
        keys: ["primaryKey", "secondaryKey"],
        connection_strings: None,
    },
    long_running: true,
    error: ErrorShape::Arm,
};

pub const DATA_FACTORY: Kind = Kind {
    name: "data-factory/integration-runtime",
    id: "/subscriptions/sub1/resourceGroups/exampleResourceGroup/providers/Microsoft.DataFactory/factories/exampleFactoryName/integrationRuntimes/exampleIntegrationRuntime",
    base: "/subscriptions/sub1/resourceGroups/exampleResourceGroup/providers/Microsoft.DataFactory/factories/exampleFactoryName/integrationRuntimes/exampleIntegrationRuntime",
    list: ("POST", "/listAuthKeys"),
    regenerate: ("POST", "/regenerateAuthKey"),
    list_query: Some("api-version=2018-06-01"),
    regenerate_query: "api-version=2018-06-01",
    selector: "keyName",
    values: ["authKey1", "authKey2"],
    body: Body::Json {
        keys: ["authKey1", "authKey2"],
        connection_strings: None,
    },
    long_running: false,
    error: ErrorShape::Arm,
};

pub const STORAGE_CLASSIC: Kind = Kind {
    name: "storage-classic/storage-account",
    id: "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ClassicStorage/storageAccounts/mystorageaccount",
    base: "/sub1/services/storageservices/mystorageaccount",
    list: ("GET", "/keys"),
    regenerate: ("POST", "/keys"),
    list_query: None,
    regenerate_query: "action=regenerate",
    selector: "KeyType",
    values: ["Primary", "Secondary"],
    body: Body::StorageServiceXml,
    long_running: false,
    error: ErrorShape::Xml,
};

pub const ALL: [Kind; 5] = [
    SERVICE_BUS,
    EVENT_HUBS,
    REDIS_ENTERPRISE,
    DATA_FACTORY,
    STORAGE_CLASSIC,
];

/// Slot index: 0 primary, 1 secondary.
fn slot_name(index: usize) -> &'static str {
    ["primary", "secondary"][index]
}

#[derive(Debug, Default)]
pub struct State {
    /// The current keys.
    pub keys: [String; 2],
    /// The keys before the last regeneration, which stale listings still show.
    previous: Option<[String; 2]>,
    /// How many listings after each regeneration still show the previous keys.
    pub stale_for: u32,
    stale_left: u32,
    /// The slot (0 or 1) whose regeneration fails with the service's error, status 409.
    pub fail_regenerate: Option<usize>,
    /// Each request the service understood: `list`, `regenerate primary`, `poll`, `result`.
    pub calls: Vec<String>,
    /// Long-running operations: how many polls each still answers `InProgress`.
    pending: Vec<u32>,
    generation: u32,
}

/// A simulated service holding one resource's keys.
#[derive(Clone, Debug)]
pub struct Simulated {
    pub kind: Kind,
    pub state: Arc<Mutex<State>>,
    /// The https URI the service's `Azure-AsyncOperation` and `Location` headers point at.
    base_uri: String,
}

impl Simulated {
    /// Starts a local server simulating `kind`; the resource starts with generation-0 keys.
    pub async fn start(kind: Kind) -> (MockServer, Simulated) {
        let server = MockServer::start().await;
        let simulated = Simulated {
            kind,
            state: Arc::new(Mutex::new(State {
                keys: [0, 1].map(|i| key(&kind, i, 0)),
                ..State::default()
            })),
            base_uri: testkit::https_uri(&server),
        };
        Mock::given(any())
            .respond_with(simulated.clone())
            .mount(&server)
            .await;
        (server, simulated)
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    pub fn calls(&self) -> Vec<String> {
        self.with(|s| s.calls.clone())
    }

    pub fn key(&self, slot: usize) -> String {
        self.with(|s| s.keys[slot].clone())
    }

    fn keys_body(&self, keys: &[String; 2]) -> ResponseTemplate {
        match self.kind.body {
            Body::Json {
                keys: names,
                connection_strings,
            } => {
                let mut body = Map::new();
                for i in 0..2 {
                    body.insert(names[i].into(), Value::from(keys[i].clone()));
                    if let Some(cs) = connection_strings {
                        body.insert(cs[i].into(), Value::from(connection_string(&keys[i])));
                    }
                }
                body.insert("keyName".into(), Value::from("unrelated-field"));
                ResponseTemplate::new(200).set_body_json(Value::Object(body))
            }
            Body::StorageServiceXml => ResponseTemplate::new(200).set_body_raw(
                format!(
                    r#"<?xml version="1.0" encoding="utf-8"?><StorageService xmlns="http://schemas.microsoft.com/windowsazure"><Url>https://management.core.windows.net/sub1/services/storageservices/mystorageaccount</Url><StorageServiceKeys><Primary>{}</Primary><Secondary>{}</Secondary></StorageServiceKeys></StorageService>"#,
                    keys[0], keys[1]
                ),
                "application/xml",
            ),
        }
        .insert_header("x-ms-request-id", "req-simulated")
    }

    fn error(&self) -> ResponseTemplate {
        let message = "another operation is regenerating a key";
        let template = ResponseTemplate::new(409).insert_header("x-ms-request-id", "req-failed");
        match self.kind.error {
            ErrorShape::Arm => template
                .set_body_json(json!({"error": {"code": "KeyBusy", "message": message}})),
            ErrorShape::Flat => template.set_body_json(json!({"code": "KeyBusy", "message": message})),
            ErrorShape::Xml => template.set_body_raw(
                format!(r#"<Error xmlns="http://schemas.microsoft.com/windowsazure"><Code>KeyBusy</Code><Message>{message}</Message></Error>"#),
                "application/xml",
            ),
        }
    }

    /// The slot the request body names, if it names one.
    fn selected(&self, request: &Request) -> Option<usize> {
        let text = String::from_utf8_lossy(&request.body);
        let value = match self.kind.body {
            Body::StorageServiceXml => {
                let open = format!("<{}>", self.kind.selector);
                let close = format!("</{}>", self.kind.selector);
                let start = text.find(&open)? + open.len();
                let end = text[start..].find(&close)? + start;
                text[start..end].to_owned()
            }
            Body::Json { .. } => {
                let body: Value = serde_json::from_str(&text).ok()?;
                // Nothing but the selector may be sent.
                if body.as_object()?.len() != 1 {
                    return None;
                }
                body.get(self.kind.selector)?.as_str()?.to_owned()
            }
        };
        self.kind.values.iter().position(|v| *v == value)
    }

    fn is(&self, request: &Request, (method, action): (&str, &str), query: Option<&str>) -> bool {
        request.method.as_str() == method
            && request.url.path() == format!("{}{action}", self.kind.base)
            && request.url.query() == query
            && request
                .headers
                .get("authorization")
                .is_some_and(|v| v == "Bearer fake-token")
            && (self.kind.body != Body::StorageServiceXml
                || request
                    .headers
                    .get("x-ms-version")
                    .is_some_and(|v| v == "2011-06-01"))
    }
}

impl Respond for Simulated {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let kind = self.kind;
        let mut state = self.state.lock().unwrap();
        if self.is(request, kind.list, kind.list_query) && request.body.is_empty() {
            state.calls.push("list".into());
            let keys = match state.previous.clone() {
                Some(previous) if state.stale_left > 0 => {
                    state.stale_left -= 1;
                    previous
                }
                _ => state.keys.clone(),
            };
            drop(state);
            return self.keys_body(&keys);
        }
        if self.is(request, kind.regenerate, Some(kind.regenerate_query)) {
            let Some(slot) = self.selected(request) else {
                return ResponseTemplate::new(400).set_body_string("unreadable request body");
            };
            state.calls.push(format!("regenerate {}", slot_name(slot)));
            if state.fail_regenerate == Some(slot) {
                drop(state);
                return self.error();
            }
            state.previous = Some(state.keys.clone());
            state.stale_left = state.stale_for;
            state.generation += 1;
            let generation = state.generation;
            state.keys[slot] = key(&kind, slot, generation);
            if kind.long_running {
                state.pending.push(2);
                let operation = state.pending.len() - 1;
                let monitor = format!("{}/operations/{operation}", self.base_uri);
                return ResponseTemplate::new(202)
                    .insert_header("Azure-AsyncOperation", monitor.as_str())
                    .insert_header("Location", format!("{monitor}/result").as_str())
                    .insert_header("Retry-After", "3");
            }
            let keys = state.keys.clone();
            drop(state);
            return self.keys_body(&keys);
        }
        let path = request.url.path();
        if let Some(rest) = path.strip_prefix("/operations/") {
            let (operation, result) = match rest.strip_suffix("/result") {
                Some(operation) => (operation, true),
                None => (rest, false),
            };
            let Some(index) = operation
                .parse::<usize>()
                .ok()
                .filter(|i| *i < state.pending.len())
            else {
                return ResponseTemplate::new(404);
            };
            if result {
                state.calls.push("result".into());
                let keys = state.keys.clone();
                drop(state);
                return self.keys_body(&keys);
            }
            state.calls.push("poll".into());
            let left = &mut state.pending[index];
            let status = if *left > 0 {
                *left -= 1;
                "InProgress"
            } else {
                "Succeeded"
            };
            return ResponseTemplate::new(200)
                .insert_header("Retry-After", "3")
                .set_body_json(json!({ "status": status }));
        }
        state
            .calls
            .push(format!("unexpected {} {}", request.method, request.url));
        ResponseTemplate::new(404).set_body_string("not simulated")
    }
}

/// The key a slot holds after `generation` regenerations of the resource.
fn key(kind: &Kind, slot: usize, generation: u32) -> String {
    let service = kind.name.split('/').next().unwrap_or_default();
    format!("{MARKER}-{service}-{}-{generation}", slot_name(slot))
}

pub fn connection_string(key: &str) -> String {
    format!(
        "Endpoint=sb://simulated.servicebus.windows.net/;SharedAccessKeyName=rule;SharedAccessKey={key}"
    )
}

/// Client options for `server`, from a test on a paused clock, retries off.
pub fn options(server: &MockServer) -> ClientOptions {
    ClientOptions {
        client_options: testkit::paused_clock_client_options(server, RetryOptions::none()),
        endpoint: Some(testkit::https_uri(server)),
        ..ClientOptions::default()
    }
}

/// Panics if `text` holds a key.
pub fn assert_no_key(text: &str, context: &str) {
    assert!(!text.contains(MARKER), "{context}: a key leaked: {text}");
}
