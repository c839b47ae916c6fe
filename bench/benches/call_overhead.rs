//! Per-call overhead of the generated client against a minimal hand-written `azure_core` request
//! doing the identical wire exchange, both against one local wiremock server, interleaved in one
//! run.
//!
//! ```text
//! cargo bench -p bench --bench call_overhead                  # 2,000 calls per variant
//! cargo bench -p bench --bench call_overhead -- --quick       # smoke run (CI)
//! cargo bench -p bench --bench call_overhead -- --iterations 5000
//! ```
//!
//! Two operations: Service Bus `namespaces_regenerate_keys` (JSON) and classic Storage
//! `storage_services_regenerate_keys` (XML, `x-ms-version`). Each is sent by the generated
//! client (`azure_mgmt`) and by a hand-written `azure_core` `Pipeline` + `Request` with the same
//! method, URL, headers and body, parsing the answer into a serde struct. Both use testkit's
//! `FakeCredential` and `LoopbackTransport`, each with its own connection pool. Before timing, a
//! recording server checks that the two requests are identical on the wire (but for the random
//! `x-ms-client-request-id`) and the parsed answers are equal.
//!
//! Latency is wall time per call on a current-thread tokio runtime (the client and its
//! connection task share the benchmark thread; the server runs on wiremock's own thread). The
//! order of the four calls rotates each round. Allocations are counted on the benchmark thread
//! only, so the server's are not included.

use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::credentials::Secret;
use azure_core::http::policies::{Policy, auth::BearerTokenAuthorizationPolicy};
use azure_core::http::{Context, Method, Pipeline, Request, Response, Url, XmlFormat};
use azure_mgmt::service_bus::{self, ServiceBusClient};
use azure_mgmt::storage_classic::{self, StorageClassicClient};
use bench::{Allocations, count_allocations, percentile, summarize};
use serde::{Deserialize, Serialize};
use tokio::runtime::Runtime;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[global_allocator]
static ALLOCATOR: bench::CountingAllocator = bench::CountingAllocator;

const SUB: &str = "5f750a97-50d9-4e36-8081-c9ee4c0210d4";
const RG: &str = "ArunMonocle";
const NS: &str = "sdk-namespace-6914";
const RULE: &str = "sdk-AuthRules-1788";
const ACCOUNT: &str = "mystorageaccount";

const JSON_REQUEST: &str = r#"{"keyType":"PrimaryKey"}"#;
const JSON_RESPONSE: &str = r#"{"primaryConnectionString":"Endpoint=sb://sdk-namespace-6914.servicebus.windows.net/;SharedAccessKeyName=sdk-AuthRules-1788;SharedAccessKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","secondaryConnectionString":"Endpoint=sb://sdk-namespace-6914.servicebus.windows.net/;SharedAccessKeyName=sdk-AuthRules-1788;SharedAccessKey=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=","primaryKey":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","secondaryKey":"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=","keyName":"sdk-AuthRules-1788"}"#;
const XML_NAMESPACE: &str = "http://schemas.microsoft.com/windowsazure";
const XML_REQUEST: &str = r#"<?xml version="1.0" encoding="utf-8"?><RegenerateKeys xmlns="http://schemas.microsoft.com/windowsazure"><KeyType>Primary</KeyType></RegenerateKeys>"#;
const XML_RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?><StorageService xmlns="http://schemas.microsoft.com/windowsazure"><Url>https://management.core.windows.net/5f750a97-50d9-4e36-8081-c9ee4c0210d4/services/storageservices/mystorageaccount</Url><StorageServiceKeys><Primary>u++MV1wTklJImwbkFpQOr7qYFiXzGd/g74nm8Lg9fXMHpByenKkMSKh00wZpmMm3aAq/rfqK40n6aMuHjSHzNA==</Primary><Secondary>ewuxmJ/abBQntDKPzUMGZH7WdhN1ubD1gAMoyhTURT/CR21grUazh/AtBWDMxfYfIXmrtZjYW5XVa0cZZ9E3bg==</Secondary></StorageServiceKeys></StorageService>"#;

fn main() {
    let mut quick = false;
    let mut iterations: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--iterations" => iterations = args.next().and_then(|n| n.parse().ok()),
            "--bench" => {} // passed by `cargo bench`
            other => {
                eprintln!(
                    "unknown argument `{other}`; usage: call_overhead [--quick] [--iterations N]"
                );
                std::process::exit(2);
            }
        }
    }
    let iterations = iterations.unwrap_or(if quick { 20 } else { 2000 });
    let warmup = if quick { 5 } else { 200 };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");

    check_identical_exchange(&runtime);

    let server = runtime.block_on(async {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        mount(&server).await;
        server
    });
    let clients = Clients::new(&server);

    let mut samples: [Samples; 4] = Default::default();
    for round in 0..warmup + iterations {
        for k in 0..4 {
            let which = (round + k) % 4;
            let (elapsed, allocations) = clients.call(&runtime, which);
            if round >= warmup {
                samples[which].push(elapsed, allocations);
            }
        }
    }

    println!(
        "per-call overhead ({} build), {iterations} calls per variant after {warmup} warm-up rounds, interleaved",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!(
        "{:<34} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "variant", "median µs", "min µs", "p90 µs", "max µs", "allocs/call", "bytes/call"
    );
    for (i, s) in samples.iter().enumerate() {
        s.print(VARIANTS[i]);
    }
    for (op, generated, hand) in [
        ("JSON (Service Bus)", 0, 1),
        ("XML (classic Storage)", 2, 3),
    ] {
        let g = samples[generated].median();
        let h = samples[hand].median();
        let ratio = g.as_secs_f64() / h.as_secs_f64();
        println!(
            "{op}: median latency ratio generated / hand-written = {ratio:.3} ({:+.1} µs per call), allocations {:+.1} per call (target: ratio <= 1.10: {})",
            (g.as_secs_f64() - h.as_secs_f64()) * 1e6,
            samples[generated].allocs_per_call() - samples[hand].allocs_per_call(),
            if ratio <= 1.10 { "met" } else { "NOT met" }
        );
    }
}

const VARIANTS: [&str; 4] = [
    "JSON  generated (azure_mgmt)",
    "JSON  hand-written azure_core",
    "XML   generated (azure_mgmt)",
    "XML   hand-written azure_core",
];

#[derive(Default)]
struct Samples {
    latencies: Vec<Duration>,
    allocations: u64,
    bytes: u64,
}

impl Samples {
    fn push(&mut self, elapsed: Duration, allocations: Allocations) {
        self.latencies.push(elapsed);
        self.allocations += allocations.count;
        self.bytes += allocations.bytes;
    }

    fn median(&self) -> Duration {
        summarize(&self.latencies).expect("samples").median
    }

    fn allocs_per_call(&self) -> f64 {
        self.allocations as f64 / self.latencies.len() as f64
    }

    fn print(&self, name: &str) {
        let s = summarize(&self.latencies).expect("samples");
        let p90 = percentile(&self.latencies, 0.9).expect("samples");
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "{name:<34} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>12.1} {:>12.0}",
            us(s.median),
            us(s.min),
            us(p90),
            us(s.max),
            self.allocs_per_call(),
            self.bytes as f64 / self.latencies.len() as f64
        );
    }
}

/// The four variants against one server.
struct Clients {
    service_bus: ServiceBusClient,
    storage: StorageClassicClient,
    hand_arm: Hand,
    hand_classic: Hand,
}

impl Clients {
    fn new(server: &MockServer) -> Self {
        let options = || azure_mgmt::ClientOptions {
            client_options: testkit::client_options(server),
            endpoint: Some(testkit::https_uri(server)),
            ..Default::default()
        };
        let endpoint = testkit::https_uri(server);
        Self {
            service_bus: ServiceBusClient::new(testkit::FakeCredential::new(), Some(options()))
                .expect("client"),
            storage: StorageClassicClient::new(testkit::FakeCredential::new(), Some(options()))
                .expect("client"),
            // The scopes the generated clients ask for with a custom endpoint.
            hand_arm: Hand::new(server, &endpoint, format!("{endpoint}/.default")),
            hand_classic: Hand::new(server, &endpoint, format!("{endpoint}//.default")),
        }
    }

    /// One call of variant `which` (the index into [`VARIANTS`]): its wall time and allocations.
    fn call(&self, runtime: &Runtime, which: usize) -> (Duration, Allocations) {
        let ((elapsed, ok), allocations) = count_allocations(|| {
            let start = Instant::now();
            let ok = runtime.block_on(async {
                match which {
                    0 => self.generated_json().await.is_some(),
                    1 => self.hand_arm.regenerate_keys().await.is_ok(),
                    2 => self.generated_xml().await.is_some(),
                    _ => self.hand_classic.storage_regenerate_keys().await.is_ok(),
                }
            });
            (start.elapsed(), ok)
        });
        assert!(ok, "{} failed", VARIANTS[which]);
        (elapsed, allocations)
    }

    async fn generated_json(&self) -> Option<service_bus::AccessKeys> {
        let parameters = service_bus::RegenerateAccessKeyParameters {
            key_type: service_bus::KeyType::PrimaryKey,
            key: None,
        };
        let response = self
            .service_bus
            .namespaces_regenerate_keys(SUB, RG, NS, RULE, &parameters, None)
            .await;
        response.ok().map(|r| r.into_model())
    }

    async fn generated_xml(&self) -> Option<storage_classic::StorageService> {
        let parameters = storage_classic::RegenerateKeys {
            key_type: storage_classic::KeyType::Primary,
        };
        let response = self
            .storage
            .storage_services_regenerate_keys(SUB, ACCOUNT, &parameters, None)
            .await;
        response.ok().map(|r| r.into_model())
    }
}

/// The hand-written side: what a careful person writes with `azure_core` alone (the shape in
/// notes/azure_core-1.1.md).
struct Hand {
    pipeline: Pipeline,
    endpoint: Url,
}

#[derive(Serialize)]
struct RegenerateAccessKeyParameters {
    #[serde(rename = "keyType")]
    key_type: KeyType,
}

#[derive(Serialize)]
enum KeyType {
    PrimaryKey,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct AccessKeys {
    primary_connection_string: Option<Secret>,
    secondary_connection_string: Option<Secret>,
    alias_primary_connection_string: Option<Secret>,
    alias_secondary_connection_string: Option<Secret>,
    primary_key: Option<Secret>,
    secondary_key: Option<Secret>,
    key_name: Option<String>,
}

#[derive(Serialize)]
#[serde(rename = "RegenerateKeys")]
struct RegenerateKeys {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "KeyType")]
    key_type: &'static str,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct StorageService {
    url: Option<String>,
    storage_service_keys: Option<StorageServiceKeys>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct StorageServiceKeys {
    primary: Option<Secret>,
    secondary: Option<Secret>,
}

impl Hand {
    fn new(server: &MockServer, endpoint: &str, scope: String) -> Self {
        let auth: Arc<dyn Policy> = Arc::new(BearerTokenAuthorizationPolicy::new(
            testkit::FakeCredential::new(),
            [scope],
        ));
        // The generated crate's name and version, so the User-Agent is the same.
        let pipeline = Pipeline::new(
            Some("azure-mgmt"),
            Some("0.1.0"),
            testkit::client_options(server),
            Vec::new(),
            vec![auth],
            None,
        );
        Self {
            pipeline,
            endpoint: Url::parse(endpoint).expect("endpoint"),
        }
    }

    async fn regenerate_keys(&self) -> azure_core::Result<AccessKeys> {
        let mut url = self.endpoint.clone();
        url.path_segments_mut()
            .expect("base URL")
            .pop_if_empty()
            .extend([
                "subscriptions",
                SUB,
                "resourceGroups",
                RG,
                "providers",
                "Microsoft.ServiceBus",
                "namespaces",
                NS,
                "AuthorizationRules",
                RULE,
                "regenerateKeys",
            ]);
        url.query_pairs_mut()
            .append_pair("api-version", "2017-04-01");
        let mut request = Request::new(url, Method::Post);
        request.insert_header("content-type", "application/json");
        request.set_json(&RegenerateAccessKeyParameters {
            key_type: KeyType::PrimaryKey,
        })?;
        let raw = self
            .pipeline
            .send(&Context::new(), &mut request, None)
            .await?;
        Response::<AccessKeys>::from(raw).into_model()
    }

    async fn storage_regenerate_keys(&self) -> azure_core::Result<StorageService> {
        let mut url = self.endpoint.clone();
        url.path_segments_mut()
            .expect("base URL")
            .pop_if_empty()
            .extend([SUB, "services", "storageservices", ACCOUNT, "keys"]);
        url.query_pairs_mut().append_pair("action", "regenerate");
        let mut request = Request::new(url, Method::Post);
        request.insert_header("x-ms-version", "2011-06-01");
        request.insert_header("content-type", "application/xml");
        request.set_body(azure_core::xml::to_xml(&RegenerateKeys {
            xmlns: XML_NAMESPACE,
            key_type: "Primary",
        })?);
        let raw = self
            .pipeline
            .send(&Context::new(), &mut request, None)
            .await?;
        Response::<StorageService, XmlFormat>::from(raw).into_model()
    }
}

async fn mount(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!(
            "/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ServiceBus/namespaces/{NS}/AuthorizationRules/{RULE}/regenerateKeys"
        )))
        .and(query_param("api-version", "2017-04-01"))
        .and(header("authorization", "Bearer fake-token"))
        .and(header("content-type", "application/json"))
        .and(body_string(JSON_REQUEST))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json; charset=utf-8")
                .insert_header("x-ms-request-id", "0ea54935116b46518bbe3f715fe70213")
                .set_body_string(JSON_RESPONSE),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/{SUB}/services/storageservices/{ACCOUNT}/keys"
        )))
        .and(query_param("action", "regenerate"))
        .and(header("authorization", "Bearer fake-token"))
        .and(header("x-ms-version", "2011-06-01"))
        .and(header("content-type", "application/xml"))
        .and(body_string(XML_REQUEST))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/xml; charset=utf-8")
                .insert_header("x-ms-request-id", "0ea54935116b46518bbe3f715fe70213")
                .set_body_string(XML_RESPONSE),
        )
        .mount(server)
        .await;
}

/// The generated and hand-written requests are the same on the wire (method, URL, headers but
/// the random client request id, body), and parse to the same values.
fn check_identical_exchange(runtime: &Runtime) {
    runtime.block_on(async {
        let server = MockServer::start().await;
        mount(&server).await;
        let clients = Clients::new(&server);

        let generated = clients.generated_json().await.expect("generated JSON call");
        let hand = clients
            .hand_arm
            .regenerate_keys()
            .await
            .expect("hand JSON call");
        let same_json = [
            (
                &generated.primary_connection_string,
                &hand.primary_connection_string,
            ),
            (
                &generated.secondary_connection_string,
                &hand.secondary_connection_string,
            ),
            (&generated.primary_key, &hand.primary_key),
            (&generated.secondary_key, &hand.secondary_key),
            (
                &generated.alias_primary_connection_string,
                &hand.alias_primary_connection_string,
            ),
        ]
        .iter()
        .all(|(g, h)| g.as_ref().map(Secret::secret) == h.as_ref().map(Secret::secret));
        assert!(
            same_json && generated.key_name == hand.key_name,
            "JSON models differ"
        );

        let generated = clients.generated_xml().await.expect("generated XML call");
        let hand = clients
            .hand_classic
            .storage_regenerate_keys()
            .await
            .expect("hand XML call");
        let (gk, hk) = (
            generated.storage_service_keys.expect("keys"),
            hand.storage_service_keys.expect("keys"),
        );
        assert_eq!(generated.url, hand.url, "XML models differ");
        assert_eq!(gk.primary, hk.primary, "XML models differ");
        assert_eq!(gk.secondary, hk.secondary, "XML models differ");

        let requests = server.received_requests().await.expect("recording is on");
        assert_eq!(
            requests.len(),
            4,
            "every call matched a mock and was sent once"
        );
        for pair in requests.chunks(2) {
            let (g, h) = (&pair[0], &pair[1]);
            assert_eq!(g.method, h.method);
            assert_eq!(g.url, h.url);
            assert_eq!(g.body, h.body, "bodies differ");
            let headers = |r: &wiremock::Request| {
                let mut v: Vec<(String, String)> = r
                    .headers
                    .iter()
                    .filter(|(name, _)| name.as_str() != "x-ms-client-request-id")
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            value.to_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(headers(g), headers(h), "headers differ for {}", g.url);
        }
    });
}
