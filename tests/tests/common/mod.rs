//! Shared by the end-to-end tests: the five operations as data (their path parameters and
//! rules, the exact path and query the server must see, a success body full of secrets, an
//! error body in the operation's own error contract), one way to call each through its
//! generated client, and local servers to call.
//!
//! Every test file is a crate of its own and uses only part of this module.

#![allow(
    dead_code,
    reason = "each test crate uses a different part of this module"
)]

use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::{RetryOptions, StatusCode};
use azure_mgmt::{ClientOptions, Error, Response};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, Request, ResponseTemplate};

/// Every secret value these tests put in a response or a request contains this marker, so a
/// search for it finds even a partial leak.
pub const MARKER: &str = "SECRET";

/// The `key` a caller sends to Service Bus and Event Hubs.
pub const CALLER_KEY: &str = "SECRET-caller-chosen-key-Q2FsbGVy";

/// A secret that only ever appears in error bodies.
pub const ERROR_BODY_SECRET: &str = "SECRET-in-error-body-RXJyb3I=";

/// Request ids every error and success response of these tests carries.
pub const REQUEST_ID: &str = "7d3c0f2e-0000-4000-8000-request";
pub const CORRELATION_ID: &str = "9a1b5e44-0000-4000-8000-correlation";

/// Poll interval for long-running calls made through [`call`]: the service's `Retry-After`
/// wins whenever it sends one.
pub const POLL: Duration = Duration::from_millis(10);

/// The five operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    RedisEnterprise,
    ServiceBus,
    EventHubs,
    DataFactory,
    StorageClassic,
}

pub const ALL: [Op; 5] = [
    Op::RedisEnterprise,
    Op::ServiceBus,
    Op::EventHubs,
    Op::DataFactory,
    Op::StorageClassic,
];

/// A path parameter and the rules its spec puts on it, written out by hand from the specs
/// (the pattern as the client reports it).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub min: Option<usize>,
    pub max: Option<usize>,
    pub pattern: Option<&'static str>,
}

const fn free(name: &'static str) -> Param {
    Param {
        name,
        min: None,
        max: None,
        pattern: None,
    }
}

const fn length(name: &'static str, min: usize, max: Option<usize>) -> Param {
    Param {
        name,
        min: Some(min),
        max,
        pattern: None,
    }
}

const REDIS_NAME: &str = "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$";
const FACTORY_NAME: &str = "^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$";
pub const DATA_FACTORY_RESOURCE_GROUP: &str = r"^[-\w\._\(\)]+$";
pub const EVENT_HUBS_NAMESPACE: &str = "^[a-zA-Z][a-zA-Z0-9-]{6,50}[a-zA-Z0-9]$";

/// Which error schema an operation documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contract {
    /// ARM `ErrorResponse`: `{"error": {code, message, target, details, additionalInfo}}`.
    Arm,
    /// Service Bus's flat `{code, message}`.
    ServiceBusFlat,
    /// Data Factory's `CloudError`, whose details are `CloudError`s again.
    CloudError,
    /// Classic Service Management XML `<Error><Code/><Message/></Error>`.
    ServiceManagementXml,
}

/// What the caller must be able to read from an operation's documented error body.
#[derive(Clone, Copy, Debug)]
pub struct ExpectedError {
    pub code: &'static str,
    pub message: &'static str,
    pub target: Option<&'static str>,
    /// `(code, message, target)` of each detail.
    pub details: &'static [(&'static str, &'static str, Option<&'static str>)],
    /// The `Display` text after `HTTP <status> <reason>`.
    pub display_tail: &'static str,
}

impl Op {
    /// `module::method`, for assertion messages.
    pub fn name(self) -> &'static str {
        match self {
            Op::RedisEnterprise => "redis_enterprise::databases_regenerate_key",
            Op::ServiceBus => "service_bus::namespaces_regenerate_keys",
            Op::EventHubs => "event_hubs::event_hubs_regenerate_keys",
            Op::DataFactory => "data_factory::integration_runtimes_regenerate_auth_key",
            Op::StorageClassic => "storage_classic::storage_services_regenerate_keys",
        }
    }

    /// The path parameters, in order.
    pub fn params(self) -> &'static [Param] {
        const REDIS: &[Param] = &[
            free("subscriptionId"),
            free("resourceGroupName"),
            Param {
                name: "clusterName",
                min: Some(1),
                max: Some(60),
                pattern: Some(REDIS_NAME),
            },
            Param {
                name: "databaseName",
                min: Some(1),
                max: Some(60),
                pattern: Some(REDIS_NAME),
            },
        ];
        const SERVICE_BUS: &[Param] = &[
            free("subscriptionId"),
            free("resourceGroupName"),
            free("namespaceName"),
            free("authorizationRuleName"),
        ];
        const EVENT_HUBS: &[Param] = &[
            free("subscriptionId"),
            length("resourceGroupName", 1, Some(90)),
            Param {
                name: "namespaceName",
                min: Some(6),
                max: Some(50),
                pattern: Some(EVENT_HUBS_NAMESPACE),
            },
            length("eventHubName", 1, Some(256)),
            length("authorizationRuleName", 1, None),
        ];
        const DATA_FACTORY: &[Param] = &[
            free("subscriptionId"),
            Param {
                name: "resourceGroupName",
                min: None,
                max: None,
                pattern: Some(DATA_FACTORY_RESOURCE_GROUP),
            },
            Param {
                name: "factoryName",
                min: None,
                max: None,
                pattern: Some(FACTORY_NAME),
            },
            Param {
                name: "integrationRuntimeName",
                min: None,
                max: None,
                pattern: Some(FACTORY_NAME),
            },
        ];
        const STORAGE: &[Param] = &[free("subscriptionId"), free("serviceName")];
        match self {
            Op::RedisEnterprise => REDIS,
            Op::ServiceBus => SERVICE_BUS,
            Op::EventHubs => EVENT_HUBS,
            Op::DataFactory => DATA_FACTORY,
            Op::StorageClassic => STORAGE,
        }
    }

    /// Valid values for the path parameters.
    pub fn valid_args(self) -> &'static [&'static str] {
        match self {
            Op::RedisEnterprise => &["subid", "rg1", "cache1", "default"],
            Op::ServiceBus => &["subid", "rg1", "sb-namespace1", "RootManageSharedAccessKey"],
            Op::EventHubs => &["subid", "rg1", "eh-namespace1", "hub1", "rule1"],
            Op::DataFactory => &[
                "12345678-1234-1234-1234-12345678abc",
                "exampleResourceGroup",
                "exampleFactoryName",
                "exampleIntegrationRuntime",
            ],
            Op::StorageClassic => &["5f750a97-50d9-4e36-8081-c9ee4c0210d4", "mystorageaccount"],
        }
    }

    /// The path the server must receive, with `segments` (already percent-encoded) in the
    /// parameters' places.
    pub fn path(self, segments: &[&str]) -> String {
        let template = match self {
            Op::RedisEnterprise => {
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Cache/redisEnterprise/{}/databases/{}/regenerateKey"
            }
            Op::ServiceBus => {
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ServiceBus/namespaces/{}/AuthorizationRules/{}/regenerateKeys"
            }
            Op::EventHubs => {
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.EventHub/namespaces/{}/eventhubs/{}/authorizationRules/{}/regenerateKeys"
            }
            Op::DataFactory => {
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.DataFactory/factories/{}/integrationRuntimes/{}/regenerateAuthKey"
            }
            Op::StorageClassic => "/{}/services/storageservices/{}/keys",
        };
        let pieces: Vec<&str> = template.split("{}").collect();
        assert_eq!(pieces.len(), segments.len() + 1, "{}", self.name());
        let mut path = pieces[0].to_owned();
        for (segment, piece) in segments.iter().zip(&pieces[1..]) {
            path.push_str(segment);
            path.push_str(piece);
        }
        path
    }

    /// The path for [`valid_args`](Self::valid_args), which need no encoding.
    pub fn valid_path(self) -> String {
        self.path(self.valid_args())
    }

    /// The exact query string the server must receive.
    pub fn query(self) -> &'static str {
        match self {
            Op::RedisEnterprise => "api-version=2024-10-01",
            Op::ServiceBus => "api-version=2017-04-01",
            Op::EventHubs => "api-version=2024-01-01",
            Op::DataFactory => "api-version=2018-06-01",
            Op::StorageClassic => "action=regenerate",
        }
    }

    /// The key type [`call_valid`] asks for, as its wire value.
    pub fn key_type(self) -> &'static str {
        match self {
            Op::RedisEnterprise | Op::StorageClassic => "Primary",
            Op::ServiceBus | Op::EventHubs => "PrimaryKey",
            Op::DataFactory => "authKey2",
        }
    }

    /// The exact request body [`call`] sends for `key_type`.
    pub fn request_body(self, key_type: &str) -> String {
        match self {
            Op::RedisEnterprise => format!(r#"{{"keyType":"{key_type}"}}"#),
            Op::ServiceBus | Op::EventHubs => {
                format!(r#"{{"keyType":"{key_type}","key":"{CALLER_KEY}"}}"#)
            }
            Op::DataFactory => format!(r#"{{"keyName":"{key_type}"}}"#),
            Op::StorageClassic => format!(
                r#"<?xml version="1.0" encoding="utf-8"?><RegenerateKeys xmlns="http://schemas.microsoft.com/windowsazure"><KeyType>{key_type}</KeyType></RegenerateKeys>"#
            ),
        }
    }

    /// `true` for the XML operation.
    pub fn is_xml(self) -> bool {
        self == Op::StorageClassic
    }

    /// The success body's content type.
    pub fn content_type(self) -> &'static str {
        if self.is_xml() {
            "application/xml"
        } else {
            "application/json"
        }
    }

    /// The secret fields of the success body: `(wire name, value)`.
    pub fn secrets(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Op::RedisEnterprise => &[
                ("primaryKey", "SECRET-redis-primary-cHJpbWFyeQ=="),
                ("secondaryKey", "SECRET-redis-secondary-c2Vjb25k"),
            ],
            Op::ServiceBus => &[
                (
                    "primaryConnectionString",
                    "Endpoint=sb://sb-namespace1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SECRET-sb-primary+/=",
                ),
                (
                    "secondaryConnectionString",
                    "Endpoint=sb://sb-namespace1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SECRET-sb-secondary",
                ),
                (
                    "aliasPrimaryConnectionString",
                    "Endpoint=sb://alias.servicebus.windows.net/;SharedAccessKey=SECRET-sb-alias-primary",
                ),
                (
                    "aliasSecondaryConnectionString",
                    "Endpoint=sb://alias.servicebus.windows.net/;SharedAccessKey=SECRET-sb-alias-secondary",
                ),
                ("primaryKey", "SECRET-sb-primary+/="),
                ("secondaryKey", "SECRET-sb-secondary"),
            ],
            Op::EventHubs => &[
                (
                    "primaryConnectionString",
                    "Endpoint=sb://eh-namespace1.servicebus.windows.net/;SharedAccessKeyName=rule1;SharedAccessKey=SECRET-eh-primary;EntityPath=hub1",
                ),
                (
                    "secondaryConnectionString",
                    "Endpoint=sb://eh-namespace1.servicebus.windows.net/;SharedAccessKeyName=rule1;SharedAccessKey=SECRET-eh-secondary;EntityPath=hub1",
                ),
                (
                    "aliasPrimaryConnectionString",
                    "Endpoint=sb://alias.servicebus.windows.net/;SharedAccessKey=SECRET-eh-alias-primary",
                ),
                (
                    "aliasSecondaryConnectionString",
                    "Endpoint=sb://alias.servicebus.windows.net/;SharedAccessKey=SECRET-eh-alias-secondary",
                ),
                ("primaryKey", "SECRET-eh-primary"),
                ("secondaryKey", "SECRET-eh-secondary"),
            ],
            Op::DataFactory => &[
                ("authKey1", "IR@SECRET-adf-auth-key-1"),
                ("authKey2", "IR@SECRET-adf-auth-key-2"),
            ],
            Op::StorageClassic => &[
                ("Primary", "SECRET-storage-primary+/UHJpbWFyeQ=="),
                ("Secondary", "SECRET-storage-secondary+/U2Vjb25k=="),
            ],
        }
    }

    /// The plain (non-secret) field of the success body, when there is one: `(wire name, value)`.
    pub fn plain_field(self) -> Option<(&'static str, &'static str)> {
        match self {
            Op::ServiceBus => Some(("keyName", "RootManageSharedAccessKey")),
            Op::EventHubs => Some(("keyName", "rule1")),
            Op::StorageClassic => Some((
                "Url",
                "https://management.core.windows.net/5f750a97-50d9-4e36-8081-c9ee4c0210d4/services/storageservices/mystorageaccount",
            )),
            Op::RedisEnterprise | Op::DataFactory => None,
        }
    }

    /// The success body: every secret field and the plain field.
    pub fn success_body(self) -> String {
        if self.is_xml() {
            let (_, url) = self.plain_field().expect("storage has a Url");
            let keys: String = self
                .secrets()
                .iter()
                .map(|(name, value)| format!("<{name}>{value}</{name}>"))
                .collect();
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><StorageService xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Url>{url}</Url><StorageServiceKeys>{keys}</StorageServiceKeys></StorageService>"#
            )
        } else {
            let mut body = serde_json::Map::new();
            for (name, value) in self.secrets().iter().chain(self.plain_field().as_ref()) {
                body.insert((*name).to_owned(), (*value).into());
            }
            serde_json::Value::Object(body).to_string()
        }
    }

    /// A 200 with [`success_body`](Self::success_body) and the request id headers.
    pub fn success(self) -> ResponseTemplate {
        with_ids(ResponseTemplate::new(200)).set_body_raw(self.success_body(), self.content_type())
    }

    /// A mock that matches only the exact request [`call_valid`] sends: method, path, query,
    /// bearer token, content type, `x-ms-version` where the spec requires it, and body.
    pub fn expect_request(self) -> MockBuilder {
        let mut mock = Mock::given(method("POST"))
            .and(path(self.valid_path()))
            .and(header("authorization", "Bearer fake-token"))
            .and(header("content-type", self.content_type()))
            .and(body_string(self.request_body(self.key_type())));
        for pair in self.query().split('&') {
            let (key, value) = pair.split_once('=').expect("a key=value pair");
            mock = mock.and(query_param(key, value));
        }
        if self.is_xml() {
            mock = mock.and(header("x-ms-version", "2011-06-01"));
        }
        mock
    }

    /// The operation's documented error schema.
    pub fn contract(self) -> Contract {
        match self {
            Op::RedisEnterprise | Op::EventHubs => Contract::Arm,
            Op::ServiceBus => Contract::ServiceBusFlat,
            Op::DataFactory => Contract::CloudError,
            Op::StorageClassic => Contract::ServiceManagementXml,
        }
    }

    /// An error response of `status` whose body follows the operation's own error schema,
    /// with a secret outside the documented fields, and the request id headers.
    pub fn error(self, status: u16) -> ResponseTemplate {
        let (body, content_type) = self.contract().body();
        with_ids(ResponseTemplate::new(status)).set_body_raw(body, content_type)
    }
}

impl Contract {
    /// A body in this schema: every field it has, and a secret where no field is.
    pub fn body(self) -> (String, &'static str) {
        match self {
            Contract::Arm => (
                format!(
                    r#"{{"error":{{"code":"KeyRegenerationConflict","message":"Another key operation is in progress.","target":"keyType","details":[{{"code":"ResourceBusy","message":"The resource is updating.","target":"resource"}}],"additionalInfo":[{{"type":"Diagnostics","info":{{"primaryKey":"{ERROR_BODY_SECRET}"}}}}]}}}}"#
                ),
                "application/json",
            ),
            Contract::ServiceBusFlat => (
                format!(
                    r#"{{"code":"BadRequest","message":"The key type is not valid.","echo":{{"key":"{ERROR_BODY_SECRET}"}}}}"#
                ),
                "application/json",
            ),
            Contract::CloudError => (
                format!(
                    r#"{{"error":{{"code":"BadRequest","message":"The request is invalid.","target":"keyName","details":[{{"error":{{"code":"InvalidKeyName","message":"authKey3 is not a key name.","target":"keyName"}}}}]}},"authKey1":"{ERROR_BODY_SECRET}"}}"#
                ),
                "application/json",
            ),
            Contract::ServiceManagementXml => (
                format!(
                    r#"<?xml version="1.0" encoding="utf-8"?><Error xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Code>ResourceNotFound</Code><Message>The storage account &apos;mystorageaccount&apos; was not found.</Message><Primary>{ERROR_BODY_SECRET}</Primary></Error>"#
                ),
                "application/xml",
            ),
        }
    }

    /// What [`body`](Self::body) must give the caller.
    pub fn expected(self) -> ExpectedError {
        match self {
            Contract::Arm => ExpectedError {
                code: "KeyRegenerationConflict",
                message: "Another key operation is in progress.",
                target: Some("keyType"),
                details: &[(
                    "ResourceBusy",
                    "The resource is updating.",
                    Some("resource"),
                )],
                display_tail: ": KeyRegenerationConflict: Another key operation is in progress. (target: keyType); details: [ResourceBusy: The resource is updating. (target: resource)] (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
            },
            Contract::ServiceBusFlat => ExpectedError {
                code: "BadRequest",
                message: "The key type is not valid.",
                target: None,
                details: &[],
                display_tail: ": BadRequest: The key type is not valid. (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
            },
            Contract::CloudError => ExpectedError {
                code: "BadRequest",
                message: "The request is invalid.",
                target: Some("keyName"),
                details: &[(
                    "InvalidKeyName",
                    "authKey3 is not a key name.",
                    Some("keyName"),
                )],
                display_tail: ": BadRequest: The request is invalid. (target: keyName); details: [InvalidKeyName: authKey3 is not a key name. (target: keyName)] (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
            },
            Contract::ServiceManagementXml => ExpectedError {
                code: "ResourceNotFound",
                message: "The storage account 'mystorageaccount' was not found.",
                target: None,
                details: &[],
                display_tail: ": ResourceNotFound: The storage account 'mystorageaccount' was not found. (x-ms-request-id: 7d3c0f2e-0000-4000-8000-request, x-ms-correlation-request-id: 9a1b5e44-0000-4000-8000-correlation)",
            },
        }
    }
}

/// Adds the request id headers.
pub fn with_ids(template: ResponseTemplate) -> ResponseTemplate {
    template
        .insert_header("x-ms-request-id", REQUEST_ID)
        .insert_header("x-ms-correlation-request-id", CORRELATION_ID)
}

/// What a successful call gives, the same shape for every operation.
#[derive(Debug)]
pub struct Keys {
    pub status: StatusCode,
    pub request_id: Option<String>,
    /// Every secret field of the model: `(wire name, value)`.
    pub secrets: Vec<(&'static str, Option<String>)>,
    /// The plain field, when the model has one.
    pub plain: Option<(&'static str, Option<String>)>,
    /// `{:?}` and `{:#?}` of the whole response.
    pub debug: [String; 2],
}

impl Keys {
    fn new<T: std::fmt::Debug>(
        response: Response<T>,
        secrets: impl FnOnce(&T) -> Vec<(&'static str, Option<&Secret>)>,
        plain: impl FnOnce(&T) -> Option<(&'static str, Option<String>)>,
    ) -> Self {
        let debug = [format!("{response:?}"), format!("{response:#?}")];
        let model = response.model();
        Self {
            status: response.status(),
            request_id: response.request_id().map(str::to_owned),
            secrets: secrets(model)
                .into_iter()
                .map(|(name, value)| (name, value.map(|s| s.secret().to_owned())))
                .collect(),
            plain: plain(model),
            debug,
        }
    }

    /// Asserts the model holds exactly `op`'s success values.
    pub fn assert_success(&self, op: Op) {
        assert_eq!(self.status, StatusCode::Ok, "{}", op.name());
        let expected: Vec<_> = op
            .secrets()
            .iter()
            .map(|(name, value)| (*name, Some((*value).to_owned())))
            .collect();
        assert_eq!(self.secrets, expected, "{}", op.name());
        let plain = op
            .plain_field()
            .map(|(name, value)| (name, Some(value.to_owned())));
        assert_eq!(self.plain, plain, "{}", op.name());
    }
}

/// Client options for `server`, with retries off: every request is sent exactly once.
pub fn options(server: &MockServer) -> ClientOptions {
    options_with_retry(server, RetryOptions::none())
}

/// Client options for `server`, retries off, for a test on a paused tokio clock
/// (`#[tokio::test(start_paused = true)]`): the clock stands still while a request is on the
/// wire (see `testkit::PausedClockTransport`).
pub fn paused_clock_options(server: &MockServer) -> ClientOptions {
    ClientOptions {
        client_options: testkit::paused_clock_client_options(server, RetryOptions::none()),
        endpoint: Some(testkit::https_uri(server)),
        ..ClientOptions::default()
    }
}

/// Client options for `server` with the given retry policy.
pub fn options_with_retry(server: &MockServer, retry: RetryOptions) -> ClientOptions {
    ClientOptions {
        client_options: testkit::client_options_with_retry(server, retry),
        endpoint: Some(testkit::https_uri(server)),
        ..ClientOptions::default()
    }
}

/// Client options for a hand-rolled server (or none) on a loopback port, retries off.
pub fn loopback_options(port: u16) -> ClientOptions {
    ClientOptions {
        client_options: testkit::loopback_client_options(RetryOptions::none()),
        endpoint: Some(format!("https://127.0.0.1:{port}")),
        ..ClientOptions::default()
    }
}

/// Calls `op` with valid arguments and its usual key type.
pub async fn call_valid(op: Op, options: ClientOptions) -> Result<Keys, Error> {
    call(op, options, op.valid_args(), op.key_type()).await
}

/// Calls `op` through its generated client with a fresh fake credential. `key_type` is the
/// wire value of the key to regenerate (an unknown one is sent as it is); Service Bus and
/// Event Hubs also send [`CALLER_KEY`] as the new key. Long-running calls are awaited to the
/// end, polling every [`POLL`] unless the service says otherwise.
pub async fn call(
    op: Op,
    options: ClientOptions,
    args: &[&str],
    key_type: &str,
) -> Result<Keys, Error> {
    call_with(op, testkit::FakeCredential::new(), options, args, key_type).await
}

/// [`call`] with the given credential.
pub async fn call_with(
    op: Op,
    credential: Arc<dyn TokenCredential>,
    options: ClientOptions,
    args: &[&str],
    key_type: &str,
) -> Result<Keys, Error> {
    assert_eq!(args.len(), op.params().len(), "{}", op.name());
    let key_type = key_type.to_owned();
    let caller_key = || Some(Secret::new(CALLER_KEY));
    match op {
        Op::RedisEnterprise => {
            use azure_mgmt::redis_enterprise::*;
            let client = RedisEnterpriseClient::new(credential, Some(options))?;
            let parameters = RegenerateKeyParameters {
                key_type: AccessKeyType::from(key_type),
            };
            let response = client
                .databases_regenerate_key(args[0], args[1], args[2], args[3], &parameters, None)?
                .with_poll_interval(POLL)
                .await?;
            Ok(Keys::new(
                response,
                |m| {
                    vec![
                        ("primaryKey", m.primary_key.as_ref()),
                        ("secondaryKey", m.secondary_key.as_ref()),
                    ]
                },
                |_| None,
            ))
        }
        Op::ServiceBus => {
            use azure_mgmt::service_bus::*;
            let client = ServiceBusClient::new(credential, Some(options))?;
            let parameters = RegenerateAccessKeyParameters {
                key_type: KeyType::from(key_type),
                key: caller_key(),
            };
            let response = client
                .namespaces_regenerate_keys(args[0], args[1], args[2], args[3], &parameters, None)
                .await?;
            Ok(Keys::new(
                response,
                |m| {
                    vec![
                        (
                            "primaryConnectionString",
                            m.primary_connection_string.as_ref(),
                        ),
                        (
                            "secondaryConnectionString",
                            m.secondary_connection_string.as_ref(),
                        ),
                        (
                            "aliasPrimaryConnectionString",
                            m.alias_primary_connection_string.as_ref(),
                        ),
                        (
                            "aliasSecondaryConnectionString",
                            m.alias_secondary_connection_string.as_ref(),
                        ),
                        ("primaryKey", m.primary_key.as_ref()),
                        ("secondaryKey", m.secondary_key.as_ref()),
                    ]
                },
                |m| Some(("keyName", m.key_name.clone())),
            ))
        }
        Op::EventHubs => {
            use azure_mgmt::event_hubs::*;
            let client = EventHubsClient::new(credential, Some(options))?;
            let parameters = RegenerateAccessKeyParameters {
                key_type: KeyType::from(key_type),
                key: caller_key(),
            };
            let response = client
                .event_hubs_regenerate_keys(
                    args[0],
                    args[1],
                    args[2],
                    args[3],
                    args[4],
                    &parameters,
                    None,
                )
                .await?;
            Ok(Keys::new(
                response,
                |m| {
                    vec![
                        (
                            "primaryConnectionString",
                            m.primary_connection_string.as_ref(),
                        ),
                        (
                            "secondaryConnectionString",
                            m.secondary_connection_string.as_ref(),
                        ),
                        (
                            "aliasPrimaryConnectionString",
                            m.alias_primary_connection_string.as_ref(),
                        ),
                        (
                            "aliasSecondaryConnectionString",
                            m.alias_secondary_connection_string.as_ref(),
                        ),
                        ("primaryKey", m.primary_key.as_ref()),
                        ("secondaryKey", m.secondary_key.as_ref()),
                    ]
                },
                |m| Some(("keyName", m.key_name.clone())),
            ))
        }
        Op::DataFactory => {
            use azure_mgmt::data_factory::*;
            let client = DataFactoryClient::new(credential, Some(options))?;
            let parameters = IntegrationRuntimeRegenerateKeyParameters {
                key_name: Some(IntegrationRuntimeAuthKeyName::from(key_type)),
            };
            let response = client
                .integration_runtimes_regenerate_auth_key(
                    args[0],
                    args[1],
                    args[2],
                    args[3],
                    &parameters,
                    None,
                )
                .await?;
            Ok(Keys::new(
                response,
                |m| {
                    vec![
                        ("authKey1", m.auth_key1.as_ref()),
                        ("authKey2", m.auth_key2.as_ref()),
                    ]
                },
                |_| None,
            ))
        }
        Op::StorageClassic => {
            use azure_mgmt::storage_classic::*;
            let client = StorageClassicClient::new(credential, Some(options))?;
            let parameters = RegenerateKeys {
                key_type: KeyType::from(key_type),
            };
            let response = client
                .storage_services_regenerate_keys(args[0], args[1], &parameters, None)
                .await?;
            Ok(Keys::new(
                response,
                |m| {
                    let keys = m.storage_service_keys.as_ref();
                    vec![
                        ("Primary", keys.and_then(|k| k.primary.as_ref())),
                        ("Secondary", keys.and_then(|k| k.secondary.as_ref())),
                    ]
                },
                |m| Some(("Url", m.url.clone())),
            ))
        }
    }
}

/// What the typed doubles answer a call of one of the five operations with.
#[derive(Clone, Copy, Debug)]
pub enum Answer<'a> {
    /// 200 and the keys of [`Op::secrets`] and [`Op::plain_field`], as typed models.
    Keys,
    /// (The long-running operation.) 202, this many polls in progress, then the keys.
    Accepted(u64),
    /// (The long-running operation.) 202, this many polls in progress, then `Failed` with
    /// this code and message.
    OperationFails(u64, &'a str, &'a str),
    /// This status, with this code and message in the operation's own error shape.
    Fails(u16, &'a str, &'a str),
}

/// The typed doubles' expectation of `op`'s call as [`call`] makes it with
/// [`Op::valid_args`] and `key_type` (method, path, query, fixed headers and the body),
/// answered with `answer`.
pub fn double(op: Op, key_type: &str, answer: Answer<'_>) -> azure_mgmt::doubles::Expectation {
    let a = op.valid_args();
    let secret = |i: usize| Some(Secret::new(op.secrets()[i].1));
    let plain = || op.plain_field().map(|(_, value)| value.to_owned());
    let key_type = key_type.to_owned();
    let caller_key = || Some(Secret::new(CALLER_KEY));
    /// Every answer but the long-running ones, which only Redis Enterprise has.
    macro_rules! answered {
        ($expectation:expr, $keys:expr) => {
            match answer {
                Answer::Keys => $expectation.returns(&$keys),
                Answer::Fails(status, code, message) => $expectation.fails(status, code, message),
                other => panic!("{} is not long-running: {other:?}", op.name()),
            }
        };
    }
    match op {
        Op::RedisEnterprise => {
            use azure_mgmt::redis_enterprise::*;
            let expectation = doubles::databases_regenerate_key(a[0], a[1], a[2], a[3]).body(
                &RegenerateKeyParameters {
                    key_type: AccessKeyType::from(key_type),
                },
            );
            let keys = AccessKeys {
                primary_key: secret(0),
                secondary_key: secret(1),
            };
            match answer {
                Answer::Keys => expectation.returns(Some(&keys)),
                Answer::Accepted(polls) => expectation.accepts(polls, &keys),
                Answer::OperationFails(polls, code, message) => {
                    expectation.operation_fails(polls, code, message)
                }
                Answer::Fails(status, code, message) => expectation.fails(status, code, message),
            }
        }
        Op::ServiceBus => {
            use azure_mgmt::service_bus::*;
            let expectation = doubles::namespaces_regenerate_keys(a[0], a[1], a[2], a[3]).body(
                &RegenerateAccessKeyParameters {
                    key_type: KeyType::from(key_type),
                    key: caller_key(),
                },
            );
            let keys = AccessKeys {
                primary_connection_string: secret(0),
                secondary_connection_string: secret(1),
                alias_primary_connection_string: secret(2),
                alias_secondary_connection_string: secret(3),
                primary_key: secret(4),
                secondary_key: secret(5),
                key_name: plain(),
            };
            answered!(expectation, keys)
        }
        Op::EventHubs => {
            use azure_mgmt::event_hubs::*;
            let expectation = doubles::event_hubs_regenerate_keys(a[0], a[1], a[2], a[3], a[4])
                .body(&RegenerateAccessKeyParameters {
                    key_type: KeyType::from(key_type),
                    key: caller_key(),
                });
            let keys = AccessKeys {
                primary_connection_string: secret(0),
                secondary_connection_string: secret(1),
                alias_primary_connection_string: secret(2),
                alias_secondary_connection_string: secret(3),
                primary_key: secret(4),
                secondary_key: secret(5),
                key_name: plain(),
            };
            answered!(expectation, keys)
        }
        Op::DataFactory => {
            use azure_mgmt::data_factory::*;
            let expectation = doubles::integration_runtimes_regenerate_auth_key(
                a[0], a[1], a[2], a[3],
            )
            .body(&IntegrationRuntimeRegenerateKeyParameters {
                key_name: Some(IntegrationRuntimeAuthKeyName::from(key_type)),
            });
            let keys = IntegrationRuntimeAuthKeys {
                auth_key1: secret(0),
                auth_key2: secret(1),
            };
            answered!(expectation, keys)
        }
        Op::StorageClassic => {
            use azure_mgmt::storage_classic::*;
            let expectation =
                doubles::storage_services_regenerate_keys(a[0], a[1]).body(&RegenerateKeys {
                    key_type: KeyType::from(key_type),
                });
            let keys = StorageService {
                url: plain(),
                storage_service_keys: Some(StorageServiceKeys {
                    primary: secret(0),
                    secondary: secret(1),
                }),
            };
            answered!(expectation, keys)
        }
    }
}

/// The Redis Enterprise client, for the long-running tests that drive its poller by hand.
pub fn redis_client(options: ClientOptions) -> azure_mgmt::redis_enterprise::RedisEnterpriseClient {
    azure_mgmt::redis_enterprise::RedisEnterpriseClient::new(
        testkit::FakeCredential::new(),
        Some(options),
    )
    .expect("the test endpoint is valid")
}

/// Starts `databases_regenerate_key` for the primary key with valid arguments.
pub fn redis_poller(
    options: ClientOptions,
) -> azure_mgmt::Poller<azure_mgmt::redis_enterprise::AccessKeys> {
    redis_poller_of(&redis_client(options))
}

/// Starts `databases_regenerate_key` for the primary key with valid arguments on `client`.
pub fn redis_poller_of(
    client: &azure_mgmt::redis_enterprise::RedisEnterpriseClient,
) -> azure_mgmt::Poller<azure_mgmt::redis_enterprise::AccessKeys> {
    use azure_mgmt::redis_enterprise::{AccessKeyType, RegenerateKeyParameters};
    let args = Op::RedisEnterprise.valid_args();
    client
        .databases_regenerate_key(
            args[0],
            args[1],
            args[2],
            args[3],
            &RegenerateKeyParameters {
                key_type: AccessKeyType::Primary,
            },
            None,
        )
        .expect("valid arguments")
}

/// Mounts `template` for every request the server gets.
pub async fn respond_to_all(server: &MockServer, template: ResponseTemplate) {
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .mount(server)
        .await;
}

/// Mounts `template` for the first `times` requests, ahead of anything mounted otherwise.
pub async fn respond_first(server: &MockServer, times: u64, template: ResponseTemplate) {
    Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

/// Every request the server received.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// Panics if `text` holds any secret of these tests (or the marker every one of them carries).
#[track_caller]
pub fn assert_no_secret(text: &str, context: &str) {
    let all = ALL
        .iter()
        .flat_map(|op| op.secrets().iter().map(|(_, value)| *value))
        .chain([CALLER_KEY, ERROR_BODY_SECRET, MARKER]);
    for secret in all {
        assert!(
            !text.contains(secret),
            "{context}: a secret ({secret}) leaked into: {text}"
        );
    }
}

/// Asserts an error's `Display`, `Debug`, pretty `Debug` and source chain hold no secret.
#[track_caller]
pub fn assert_error_hides_secrets(error: &Error, context: &str) {
    let mut texts = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    for text in texts {
        assert_no_secret(&text, context);
    }
}

/// Percent-encodes `value` as a path segment, independently of the client: every byte but
/// the RFC 3986 unreserved characters becomes `%XX`.
pub fn encode_segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A one-shot HTTP server on loopback: it answers one connection with `response` (raw bytes:
/// status line, headers and as much body as it likes) and closes, for responses wiremock
/// cannot send, like a body cut off in transfer. Returns its port. Use it with retries off:
/// the thread ends after that one connection, and a second one would be refused.
pub fn raw_server(response: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("a bound address").port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            read_request(&mut stream);
            let _ = stream.write_all(&response);
            let _ = stream.flush();
        }
    });
    port
}

/// Reads one request's head and its `content-length` body, so closing the connection after
/// answering is an orderly close and not a reset.
fn read_request(stream: &mut std::net::TcpStream) {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => data.extend_from_slice(&buffer[..n]),
        }
    }
}
