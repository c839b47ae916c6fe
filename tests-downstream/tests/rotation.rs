//! The application's rotation tested against azure-mgmt's typed test doubles, for all five
//! services: the new key comes back, the service's error reaches the caller, the real token
//! scope is asked for, and each call is one span with its operation's name and namespace.

use azure_core::credentials::Secret;
use azure_core_opentelemetry::OpenTelemetryTracerProvider;
use azure_mgmt::doubles::MockAzure;
use azure_mgmt::{ClientOptions, ErrorKind};
use downstream::{Clients, Target, rotate_secondary};
use opentelemetry_sdk::trace::{
    InMemorySpanExporter, InMemorySpanExporterBuilder, SdkTracerProvider,
};
use std::sync::Arc;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn clients(azure: &MockAzure, options: ClientOptions) -> Clients {
    let credential = azure.credential().clone();
    Clients {
        service_bus: azure_mgmt::service_bus::ServiceBusClient::new(
            credential.clone(),
            Some(options.clone()),
        )
        .unwrap(),
        event_hubs: azure_mgmt::event_hubs::EventHubsClient::new(
            credential.clone(),
            Some(options.clone()),
        )
        .unwrap(),
        redis_enterprise: azure_mgmt::redis_enterprise::RedisEnterpriseClient::new(
            credential.clone(),
            Some(options.clone()),
        )
        .unwrap(),
        data_factory: azure_mgmt::data_factory::DataFactoryClient::new(
            credential.clone(),
            Some(options.clone()),
        )
        .unwrap(),
        storage_classic: azure_mgmt::storage_classic::StorageClassicClient::new(
            credential,
            Some(options),
        )
        .unwrap(),
    }
}

/// Clients on the mock server whose spans go to an in-memory OpenTelemetry exporter.
fn traced(azure: &MockAzure) -> (Clients, InMemorySpanExporter) {
    let exporter = InMemorySpanExporterBuilder::new().build();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let mut options = azure.client_options();
    options.client_options.instrumentation.tracer_provider =
        Some(OpenTelemetryTracerProvider::new(Arc::new(provider)));
    (clients(azure, options), exporter)
}

/// The five targets, each with the span its regeneration opens and its namespace.
fn targets() -> [(Target<'static>, &'static str, &'static str); 5] {
    [
        (
            Target::ServiceBus {
                subscription: SUB,
                group: "rg",
                namespace: "sb-namespace",
                rule: "RootManageSharedAccessKey",
            },
            "Microsoft.ServiceBus.Namespaces.regenerateKeys",
            "Microsoft.ServiceBus",
        ),
        (
            Target::EventHubs {
                subscription: SUB,
                group: "rg",
                namespace: "eh-namespace",
                hub: "orders",
                rule: "sender",
            },
            "Microsoft.EventHub.EventHubs.regenerateKeys",
            "Microsoft.EventHub",
        ),
        (
            Target::RedisEnterprise {
                subscription: SUB,
                group: "rg",
                cluster: "cache1",
                database: "default",
            },
            "Microsoft.Cache.Databases.regenerateKey",
            "Microsoft.Cache",
        ),
        (
            Target::DataFactory {
                subscription: SUB,
                group: "rg",
                factory: "factory1",
                runtime: "shir",
            },
            "Microsoft.DataFactory.IntegrationRuntimes.regenerateAuthKey",
            "Microsoft.DataFactory",
        ),
        (
            Target::StorageClassic {
                subscription: SUB,
                account: "classicacct",
            },
            "Microsoft.ClassicStorage.StorageServices.regenerateKeys",
            "Microsoft.ClassicStorage",
        ),
    ]
}

/// Expects the regeneration of `target`'s secondary key, answered with `key` (or failing with
/// `status` in the service's own error shape).
async fn expect_regeneration(azure: &MockAzure, target: Target<'_>, reply: Result<&str, u16>) {
    let secret = |key: &str| Some(Secret::new(key.to_owned()));
    match target {
        Target::ServiceBus {
            subscription,
            group,
            namespace,
            rule,
        } => {
            use azure_mgmt::service_bus::{
                AccessKeys, KeyType, RegenerateAccessKeyParameters, doubles,
            };
            let call = doubles::namespaces_regenerate_keys(subscription, group, namespace, rule)
                .body(&RegenerateAccessKeyParameters {
                    key_type: KeyType::SecondaryKey,
                    key: None,
                });
            azure
                .expect(match reply {
                    Ok(key) => call.returns(&AccessKeys {
                        secondary_key: secret(key),
                        ..Default::default()
                    }),
                    Err(status) => call.fails(status, "NotFound", "no such rule"),
                })
                .await;
        }
        Target::EventHubs {
            subscription,
            group,
            namespace,
            hub,
            rule,
        } => {
            use azure_mgmt::event_hubs::{
                AccessKeys, KeyType, RegenerateAccessKeyParameters, doubles,
            };
            let call =
                doubles::event_hubs_regenerate_keys(subscription, group, namespace, hub, rule)
                    .body(&RegenerateAccessKeyParameters {
                        key_type: KeyType::SecondaryKey,
                        key: None,
                    });
            azure
                .expect(match reply {
                    Ok(key) => call.returns(&AccessKeys {
                        secondary_key: secret(key),
                        ..Default::default()
                    }),
                    Err(status) => call.fails(status, "NotFound", "no such rule"),
                })
                .await;
        }
        Target::RedisEnterprise {
            subscription,
            group,
            cluster,
            database,
        } => {
            use azure_mgmt::redis_enterprise::{
                AccessKeyType, AccessKeys, RegenerateKeyParameters, doubles,
            };
            let call = doubles::databases_regenerate_key(subscription, group, cluster, database)
                .body(&RegenerateKeyParameters {
                    key_type: AccessKeyType::Secondary,
                });
            azure
                .expect(match reply {
                    Ok(key) => call.accepts(
                        2,
                        &AccessKeys {
                            secondary_key: secret(key),
                            ..Default::default()
                        },
                    ),
                    Err(status) => call.fails(status, "NotFound", "no such database"),
                })
                .await;
        }
        Target::DataFactory {
            subscription,
            group,
            factory,
            runtime,
        } => {
            use azure_mgmt::data_factory::{
                IntegrationRuntimeAuthKeyName, IntegrationRuntimeAuthKeys,
                IntegrationRuntimeRegenerateKeyParameters, doubles,
            };
            let call = doubles::integration_runtimes_regenerate_auth_key(
                subscription,
                group,
                factory,
                runtime,
            )
            .body(&IntegrationRuntimeRegenerateKeyParameters {
                key_name: Some(IntegrationRuntimeAuthKeyName::AuthKey2),
            });
            azure
                .expect(match reply {
                    Ok(key) => call.returns(&IntegrationRuntimeAuthKeys {
                        auth_key2: secret(key),
                        ..Default::default()
                    }),
                    Err(status) => call.fails(status, "NotFound", "no such runtime"),
                })
                .await;
        }
        Target::StorageClassic {
            subscription,
            account,
        } => {
            use azure_mgmt::storage_classic::{
                KeyType, RegenerateKeys, StorageService, StorageServiceKeys, doubles,
            };
            let call = doubles::storage_services_regenerate_keys(subscription, account).body(
                &RegenerateKeys {
                    key_type: KeyType::Secondary,
                },
            );
            let keys = |key| StorageServiceKeys {
                primary: None,
                secondary: secret(key),
            };
            azure
                .expect(match reply {
                    Ok(key) => call.returns(&StorageService {
                        url: None,
                        storage_service_keys: Some(keys(key)),
                    }),
                    Err(status) => call.fails(status, "ResourceNotFound", "no such account"),
                })
                .await;
        }
    }
}

#[tokio::test]
async fn rotation_returns_the_new_key_of_every_service_and_traces_each_call() {
    for (target, span, namespace) in targets() {
        let azure = MockAzure::start().await;
        expect_regeneration(&azure, target, Ok("new-secondary")).await;
        let (clients, exporter) = traced(&azure);

        let key = rotate_secondary(&clients, target)
            .await
            .expect("the rotation succeeds");
        assert_eq!(key.secret(), "new-secondary");

        let spans = exporter.get_finished_spans().unwrap();
        let calls: Vec<_> = spans.iter().filter(|s| s.name == span).collect();
        assert_eq!(calls.len(), 1, "one span for the call: {spans:#?}");
        let call = calls[0];
        let attribute = |span: &opentelemetry_sdk::trace::SpanData, key: &str| {
            span.attributes
                .iter()
                .find(|kv| kv.key.as_str() == key)
                .map(|kv| kv.value.to_string())
        };
        assert_eq!(attribute(call, "az.namespace").as_deref(), Some(namespace));
        let requests: Vec<_> = spans.iter().filter(|s| s.name != span).collect();
        assert!(!requests.is_empty());
        for request in &requests {
            assert_eq!(
                request.parent_span_id,
                call.span_context.span_id(),
                "{request:?}"
            );
            assert!(
                matches!(request.name.as_ref(), "POST" | "GET"),
                "{request:?}"
            );
        }
        for span in &spans {
            for kv in &span.attributes {
                assert!(!kv.value.to_string().contains("new-secondary"), "{kv:?}");
            }
        }
    }
}

#[tokio::test]
async fn the_services_error_reaches_the_caller_in_its_own_shape() {
    for (target, span, _) in targets() {
        let azure = MockAzure::start().await;
        expect_regeneration(&azure, target, Err(404)).await;
        let (clients, exporter) = traced(&azure);

        let error = rotate_secondary(&clients, target)
            .await
            .expect_err("the resource is gone");
        let ErrorKind::Service(service) = error.kind() else {
            panic!("{span}: {error:?}");
        };
        assert_eq!(u16::from(service.status()), 404, "{span}");
        assert!(
            matches!(service.code(), Some("NotFound" | "ResourceNotFound")),
            "{span}: {error}"
        );
        assert!(
            service.message().is_some_and(|m| m.starts_with("no such")),
            "{span}: {error}"
        );

        let spans = exporter.get_finished_spans().unwrap();
        let call = spans
            .iter()
            .find(|s| s.name == span)
            .expect("the call's span");
        let error_type = call
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == "error.type");
        assert_eq!(
            error_type.map(|kv| kv.value.to_string()).as_deref(),
            Some("404"),
            "{span}"
        );
    }
}

#[tokio::test]
async fn a_request_the_doubles_do_not_expect_is_an_error() {
    let azure = MockAzure::start().await;
    let (target, _, _) = targets()[0];
    expect_regeneration(&azure, target, Ok("new")).await;
    let other = Target::ServiceBus {
        subscription: SUB,
        group: "rg",
        namespace: "sb-namespace",
        rule: "another-rule",
    };
    let error = rotate_secondary(&clients(&azure, azure.client_options()), other)
        .await
        .unwrap_err();
    assert_eq!(error.http_status().map(u16::from), Some(404));
}

#[tokio::test]
async fn the_real_token_scope_is_asked_for() {
    let azure = MockAzure::start().await;
    let (target, _, _) = targets()[0];
    expect_regeneration(&azure, target, Ok("new")).await;
    let clients = clients(&azure, azure.redirected_client_options());
    rotate_secondary(&clients, target).await.unwrap();
    assert_eq!(
        azure.credential().scopes(),
        ["https://management.azure.com/.default"]
    );
    let hosts: Vec<_> = azure
        .addressed()
        .iter()
        .map(|u| u.host_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(hosts, ["management.azure.com"]);

    let azure = MockAzure::start().await;
    let (target, _, _) = targets()[4];
    expect_regeneration(&azure, target, Ok("new")).await;
    let client: azure_mgmt::storage_classic::StorageClassicClient = azure.client_at_real_host();
    let storage = Clients {
        storage_classic: client,
        ..clients_without_storage(&azure)
    };
    rotate_secondary(&storage, target).await.unwrap();
    assert_eq!(
        azure.credential().scopes(),
        ["https://management.core.windows.net//.default"]
    );
}

fn clients_without_storage(azure: &MockAzure) -> Clients {
    clients(azure, azure.client_options())
}
