//! Clouds: `client_options.cloud` chooses each client's host and token audience. Every
//! request and every poll goes to the chosen cloud's host, and the credential is asked for
//! that cloud's scope, proven over HTTP: a redirecting transport sends the real hosts
//! (`management.chinacloudapi.cn`, ...) to a local server and records where each request
//! was addressed. A custom cloud needs the caller's endpoint and an audience; `endpoint` and
//! `audience` override a named cloud.
//!
//! The expected hosts and audiences are written out here, independently of the specs.
//!
//! The calls in each named cloud go to the typed doubles from a client at the cloud's real
//! host; the long-running operation keeps hand-written absolute links on the China host (the
//! doubles' links are relative), and the refusals need links to other hosts.

mod common;

use azure_core::cloud::{Audiences, CloudConfiguration, CustomConfiguration};
use azure_core::http::RetryOptions;
use azure_mgmt::doubles::MockAzure;
use azure_mgmt::endpoints::{ResourceManager, ServiceManagement};
use azure_mgmt::{ClientOptions, ErrorKind};
use common::{ALL, Answer, Op, call_with, double, requests};
use std::sync::Arc;
use testkit::{FakeCredential, RedirectTransport};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A named cloud and where each kind of client must go there: `(host, scope)` for Azure
/// Resource Manager, then for classic Service Management.
struct Expected {
    cloud: CloudConfiguration,
    arm: (&'static str, &'static str),
    classic: (&'static str, &'static str),
}

fn named_clouds() -> [Expected; 3] {
    [
        Expected {
            cloud: CloudConfiguration::AzurePublic,
            arm: (
                "management.azure.com",
                "https://management.azure.com/.default",
            ),
            classic: (
                "management.core.windows.net",
                "https://management.core.windows.net//.default",
            ),
        },
        Expected {
            cloud: CloudConfiguration::AzureChina,
            arm: (
                "management.chinacloudapi.cn",
                "https://management.chinacloudapi.cn/.default",
            ),
            classic: (
                "management.core.chinacloudapi.cn",
                "https://management.core.chinacloudapi.cn//.default",
            ),
        },
        Expected {
            cloud: CloudConfiguration::AzureGovernment,
            arm: (
                "management.usgovcloudapi.net",
                "https://management.usgovcloudapi.net/.default",
            ),
            classic: (
                "management.core.usgovcloudapi.net",
                "https://management.core.usgovcloudapi.net//.default",
            ),
        },
    ]
}

/// Options that send through `transport` to `cloud`, with no endpoint or audience of their
/// own, retries off.
fn in_cloud(transport: &Arc<RedirectTransport>, cloud: CloudConfiguration) -> ClientOptions {
    let mut client_options = transport.client_options(RetryOptions::none());
    client_options.cloud = Some(Arc::new(cloud));
    ClientOptions {
        client_options,
        ..ClientOptions::default()
    }
}

#[tokio::test]
async fn every_operation_goes_to_the_named_clouds_host_with_its_audience() {
    for expected in named_clouds() {
        for op in ALL {
            let (host, scope) = if op.is_xml() {
                expected.classic
            } else {
                expected.arm
            };
            let context = format!("{} in {:?}", op.name(), expected.cloud);
            let azure = MockAzure::start().await;
            azure
                .expect(double(op, op.key_type(), Answer::Keys).times(1))
                .await;
            let mut options = azure.redirected_client_options();
            options.client_options.cloud = Some(Arc::new(expected.cloud.clone()));
            let keys = call_with(
                op,
                azure.credential().clone(),
                options,
                op.valid_args(),
                op.key_type(),
            )
            .await
            .unwrap_or_else(|e| panic!("{context}: {e:?}"));
            keys.assert_success(op);
            let addressed = azure.addressed();
            let hosts: Vec<_> = addressed.iter().map(|url| url.host_str()).collect();
            assert_eq!(hosts, [Some(host)], "{context}");
            assert_eq!(addressed[0].path(), op.valid_path(), "{context}");
            assert_eq!(azure.credential().scopes(), [scope], "{context}");
        }
    }
}

const STATUS: &str =
    "/subscriptions/subid/providers/Microsoft.Cache/locations/chinaeast2/operationsStatus/op-1";
const RESULT: &str =
    "/subscriptions/subid/providers/Microsoft.Cache/locations/chinaeast2/operationResults/op-1";

/// The Redis Enterprise regeneration answers 202 with status and result URLs on `host`.
async fn mount_long_running(server: &MockServer, host: &str) {
    Mock::given(method("POST"))
        .and(path(Op::RedisEnterprise.valid_path()))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("https://{host}{STATUS}"))
                .insert_header("Location", format!("https://{host}{RESULT}"))
                .insert_header("Retry-After", "0"),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// Every request of a long-running operation (the POST, each status poll, the final GET)
/// goes to the China host, with one token of the China scope.
#[tokio::test]
async fn the_redis_long_running_operation_polls_on_the_china_host() {
    let china = "management.chinacloudapi.cn";
    let server = MockServer::start().await;
    mount_long_running(&server, china).await;
    Mock::given(method("GET"))
        .and(path(STATUS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"status":"InProgress"}"#, "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(STATUS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"status":"Succeeded"}"#, "application/json"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(RESULT))
        .respond_with(Op::RedisEnterprise.success())
        .expect(1)
        .mount(&server)
        .await;
    let transport = RedirectTransport::new(&server, [china]);
    let credential = FakeCredential::new();
    let options = in_cloud(&transport, CloudConfiguration::AzureChina);
    let keys = call_with(
        Op::RedisEnterprise,
        credential.clone(),
        options,
        Op::RedisEnterprise.valid_args(),
        "Primary",
    )
    .await
    .unwrap();
    keys.assert_success(Op::RedisEnterprise);
    let trail: Vec<String> = transport
        .addressed()
        .iter()
        .map(|url| format!("{}{}", url.host_str().unwrap(), url.path()))
        .collect();
    let post = format!("{china}{}", Op::RedisEnterprise.valid_path());
    let status = format!("{china}{STATUS}");
    let result = format!("{china}{RESULT}");
    assert_eq!(trail, [&post, &status, &status, &result].map(String::clone));
    assert_eq!(
        credential.scopes(),
        ["https://management.chinacloudapi.cn/.default"]
    );
}

/// A status URL on another cloud's host is refused before the token could go there.
#[tokio::test]
async fn a_poll_link_to_another_cloud_is_refused() {
    let server = MockServer::start().await;
    mount_long_running(&server, "management.azure.com").await;
    let china = "management.chinacloudapi.cn";
    let transport = RedirectTransport::new(&server, [china]);
    let options = in_cloud(&transport, CloudConfiguration::AzureChina);
    let error = call_with(
        Op::RedisEnterprise,
        FakeCredential::new(),
        options,
        Op::RedisEnterprise.valid_args(),
        "Primary",
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("another host than the endpoint"),
        "{error}"
    );
    assert_eq!(transport.hosts(), [china]);
    assert_eq!(requests(&server).await.len(), 1);
}

/// A custom cloud, as an Azure Stack Hub deployment would describe it: an authority host, and
/// audiences keyed by the crate's endpoint types.
fn custom_cloud(audiences: Audiences) -> CloudConfiguration {
    let mut custom = CustomConfiguration::default();
    custom.authority_host = "https://login.contoso.test/adfs".into();
    custom.audiences = audiences;
    CloudConfiguration::Custom(custom)
}

const CUSTOM_ARM: &str = "management.contoso.test";
const CUSTOM_ARM_AUDIENCE: &str = "https://management.adfs.contoso.test/0a1b2c3d";
const CUSTOM_CLASSIC: &str = "management.core.contoso.test";
const CUSTOM_CLASSIC_AUDIENCE: &str = "https://management.core.contoso.test/";

/// Options for a custom cloud with these audiences and endpoint.
fn in_custom(
    transport: &Arc<RedirectTransport>,
    audiences: Audiences,
    endpoint: Option<&str>,
) -> ClientOptions {
    ClientOptions {
        endpoint: endpoint.map(|host| format!("https://{host}")),
        ..in_cloud(transport, custom_cloud(audiences))
    }
}

#[tokio::test]
async fn a_custom_cloud_takes_the_endpoint_and_the_audience_of_the_clients_type() {
    let audiences = || {
        Audiences::new()
            .with::<ResourceManager>(CUSTOM_ARM_AUDIENCE.into())
            .with::<ServiceManagement>(CUSTOM_CLASSIC_AUDIENCE.into())
    };
    for op in ALL {
        let (host, audience) = if op.is_xml() {
            (CUSTOM_CLASSIC, CUSTOM_CLASSIC_AUDIENCE)
        } else {
            (CUSTOM_ARM, CUSTOM_ARM_AUDIENCE)
        };
        let server = MockServer::start().await;
        op.expect_request()
            .respond_with(op.success())
            .expect(1)
            .mount(&server)
            .await;
        let transport = RedirectTransport::new(&server, [host]);
        let credential = FakeCredential::new();
        let options = in_custom(&transport, audiences(), Some(host));
        let keys = call_with(
            op,
            credential.clone(),
            options,
            op.valid_args(),
            op.key_type(),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", op.name()));
        keys.assert_success(op);
        assert_eq!(transport.hosts(), [host], "{}", op.name());
        assert_eq!(
            credential.scopes(),
            [format!("{audience}/.default")],
            "{}",
            op.name()
        );
    }
}

/// What a custom cloud lacks is a configuration error at construction, naming what to set;
/// nothing is sent and no token is asked for.
#[tokio::test]
async fn a_custom_cloud_without_endpoint_or_audience_is_a_configuration_error() {
    let server = MockServer::start().await;
    let transport = RedirectTransport::new(&server, [CUSTOM_ARM, CUSTOM_CLASSIC]);
    let arm_only = || Audiences::new().with::<ResourceManager>(CUSTOM_ARM_AUDIENCE.into());
    let cases = [
        // No endpoint: a custom cloud has no hosts of its own.
        (
            Op::ServiceBus,
            in_custom(&transport, arm_only(), None),
            ["custom cloud has no host", "ClientOptions::endpoint"],
        ),
        // The audiences are keyed by type: ARM's does not serve a classic client.
        (
            Op::StorageClassic,
            in_custom(&transport, arm_only(), Some(CUSTOM_CLASSIC)),
            [
                "needs the token audience of",
                "Audiences::with::<azure_mgmt::endpoints::ServiceManagement>",
            ],
        ),
        (
            Op::DataFactory,
            in_custom(&transport, Audiences::new(), Some(CUSTOM_ARM)),
            ["ClientOptions::audience", "endpoints::ResourceManager"],
        ),
    ];
    for (op, options, messages) in cases {
        let credential = FakeCredential::new();
        let error = call_with(
            op,
            credential.clone(),
            options,
            op.valid_args(),
            op.key_type(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Configuration(_)),
            "{error:?}"
        );
        for message in messages {
            assert!(error.to_string().contains(message), "{error}");
        }
        assert_eq!(credential.calls(), 0);
    }
    assert!(transport.addressed().is_empty());
    assert!(requests(&server).await.is_empty());
}

/// `endpoint` moves the requests (a proxy, a private link), `audience` the scope; a named
/// cloud keeps the other. In a custom cloud, `audience` wins over the custom configuration.
#[tokio::test]
async fn endpoint_and_audience_override_the_cloud() {
    let proxy = "arm-proxy.contoso.test";
    let cases = [
        (
            CloudConfiguration::AzureGovernment,
            Some(proxy),
            None,
            proxy,
            "https://management.usgovcloudapi.net/.default",
        ),
        (
            CloudConfiguration::AzureChina,
            None,
            Some("api://arm-proxy"),
            "management.chinacloudapi.cn",
            "api://arm-proxy/.default",
        ),
        (
            custom_cloud(Audiences::new().with::<ResourceManager>(CUSTOM_ARM_AUDIENCE.into())),
            Some(CUSTOM_ARM),
            Some("api://arm-proxy"),
            CUSTOM_ARM,
            "api://arm-proxy/.default",
        ),
    ];
    let op = Op::EventHubs;
    for (cloud, endpoint, audience, host, scope) in cases {
        let server = MockServer::start().await;
        op.expect_request()
            .respond_with(op.success())
            .expect(1)
            .mount(&server)
            .await;
        let transport = RedirectTransport::new(&server, [host]);
        let credential = FakeCredential::new();
        let options = ClientOptions {
            endpoint: endpoint.map(|h| format!("https://{h}")),
            audience: audience.map(str::to_owned),
            ..in_cloud(&transport, cloud.clone())
        };
        call_with(
            op,
            credential.clone(),
            options,
            op.valid_args(),
            op.key_type(),
        )
        .await
        .unwrap_or_else(|e| panic!("{cloud:?}: {e:?}"));
        assert_eq!(transport.hosts(), [host], "{cloud:?}");
        assert_eq!(credential.scopes(), [scope], "{cloud:?}");
    }
}

/// Without a cloud, an endpoint set to a sovereign host on its own still gets that host's
/// audience, as before clouds were supported.
#[tokio::test]
async fn without_a_cloud_the_audience_follows_the_endpoint() {
    for expected in named_clouds() {
        for op in [Op::ServiceBus, Op::StorageClassic] {
            let (host, scope) = if op.is_xml() {
                expected.classic
            } else {
                expected.arm
            };
            let server = MockServer::start().await;
            op.expect_request()
                .respond_with(op.success())
                .expect(1)
                .mount(&server)
                .await;
            let transport = RedirectTransport::new(&server, [host]);
            let credential = FakeCredential::new();
            let options = ClientOptions {
                client_options: transport.client_options(RetryOptions::none()),
                endpoint: Some(format!("https://{host}")),
                ..ClientOptions::default()
            };
            call_with(
                op,
                credential.clone(),
                options,
                op.valid_args(),
                op.key_type(),
            )
            .await
            .unwrap();
            assert_eq!(transport.hosts(), [host]);
            assert_eq!(credential.scopes(), [scope], "{}", op.name());
        }
    }
}
