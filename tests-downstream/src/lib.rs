//! An application's own key rotation on `azure-mgmt`: regenerate the secondary key of a
//! resource (consumers have moved to the primary) and hand back the new key. One function per
//! service, each the plain use of its client; `tests/rotation.rs` tests them against the
//! crate's typed test doubles, the way any application can. Before rotating a namespace's
//! keys, the application lists the rules that can manage it ([`managing_rules`], a paged list),
//! tested in `tests/audit.rs`.

use azure_core::credentials::Secret;
use azure_mgmt::event_hubs::{AccessRights, EventHubsClient};
use azure_mgmt::{Error, Result};
use futures::TryStreamExt;

/// Which resource to rotate, with the names its service addresses it by.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// A Service Bus namespace's authorization rule.
    ServiceBus {
        subscription: &'a str,
        group: &'a str,
        namespace: &'a str,
        rule: &'a str,
    },
    /// An Event Hub's authorization rule.
    EventHubs {
        subscription: &'a str,
        group: &'a str,
        namespace: &'a str,
        hub: &'a str,
        rule: &'a str,
    },
    /// A Redis Enterprise database.
    RedisEnterprise {
        subscription: &'a str,
        group: &'a str,
        cluster: &'a str,
        database: &'a str,
    },
    /// A Data Factory self-hosted integration runtime.
    DataFactory {
        subscription: &'a str,
        group: &'a str,
        factory: &'a str,
        runtime: &'a str,
    },
    /// A classic storage account.
    StorageClassic {
        subscription: &'a str,
        account: &'a str,
    },
}

/// The clients the rotation may use.
pub struct Clients {
    /// Service Bus.
    pub service_bus: azure_mgmt::service_bus::ServiceBusClient,
    /// Event Hubs.
    pub event_hubs: azure_mgmt::event_hubs::EventHubsClient,
    /// Redis Enterprise.
    pub redis_enterprise: azure_mgmt::redis_enterprise::RedisEnterpriseClient,
    /// Data Factory.
    pub data_factory: azure_mgmt::data_factory::DataFactoryClient,
    /// Classic Storage.
    pub storage_classic: azure_mgmt::storage_classic::StorageClassicClient,
}

/// Regenerates the secondary key of `target` and returns it.
///
/// # Errors
///
/// The client's error, or a decode error when the service answered without the new key.
pub async fn rotate_secondary(clients: &Clients, target: Target<'_>) -> Result<Secret> {
    let key = match target {
        Target::ServiceBus {
            subscription,
            group,
            namespace,
            rule,
        } => {
            use azure_mgmt::service_bus::{KeyType, RegenerateAccessKeyParameters};
            let parameters = RegenerateAccessKeyParameters {
                key_type: KeyType::SecondaryKey,
                key: None,
            };
            clients
                .service_bus
                .namespaces_regenerate_keys(subscription, group, namespace, rule, &parameters, None)
                .await?
                .into_model()
                .secondary_key
        }
        Target::EventHubs {
            subscription,
            group,
            namespace,
            hub,
            rule,
        } => {
            use azure_mgmt::event_hubs::{KeyType, RegenerateAccessKeyParameters};
            let parameters = RegenerateAccessKeyParameters {
                key_type: KeyType::SecondaryKey,
                key: None,
            };
            clients
                .event_hubs
                .event_hubs_regenerate_keys(
                    subscription,
                    group,
                    namespace,
                    hub,
                    rule,
                    &parameters,
                    None,
                )
                .await?
                .into_model()
                .secondary_key
        }
        Target::RedisEnterprise {
            subscription,
            group,
            cluster,
            database,
        } => {
            use azure_mgmt::redis_enterprise::{AccessKeyType, RegenerateKeyParameters};
            let parameters = RegenerateKeyParameters {
                key_type: AccessKeyType::Secondary,
            };
            clients
                .redis_enterprise
                .databases_regenerate_key(
                    subscription,
                    group,
                    cluster,
                    database,
                    &parameters,
                    None,
                )?
                .with_poll_interval(std::time::Duration::ZERO)
                .await?
                .into_model()
                .secondary_key
        }
        Target::DataFactory {
            subscription,
            group,
            factory,
            runtime,
        } => {
            use azure_mgmt::data_factory::{
                IntegrationRuntimeAuthKeyName, IntegrationRuntimeRegenerateKeyParameters,
            };
            let parameters = IntegrationRuntimeRegenerateKeyParameters {
                key_name: Some(IntegrationRuntimeAuthKeyName::AuthKey2),
            };
            clients
                .data_factory
                .integration_runtimes_regenerate_auth_key(
                    subscription,
                    group,
                    factory,
                    runtime,
                    &parameters,
                    None,
                )
                .await?
                .into_model()
                .auth_key2
        }
        Target::StorageClassic {
            subscription,
            account,
        } => {
            use azure_mgmt::storage_classic::{KeyType, RegenerateKeys};
            let parameters = RegenerateKeys {
                key_type: KeyType::Secondary,
            };
            clients
                .storage_classic
                .storage_services_regenerate_keys(subscription, account, &parameters, None)
                .await?
                .into_model()
                .storage_service_keys
                .and_then(|keys| keys.secondary)
        }
    };
    key.ok_or_else(|| {
        Error::from(azure_core::Error::with_message(
            azure_core::error::ErrorKind::DataConversion,
            "the service answered without the new secondary key",
        ))
    })
}

/// The names of an Event Hubs namespace's authorization rules that hold `Manage` rights (their
/// keys can change the namespace), reading every page of the list.
///
/// # Errors
///
/// The client's error, for the first page or any later one.
pub async fn managing_rules(
    client: &EventHubsClient,
    subscription: &str,
    group: &str,
    namespace: &str,
) -> Result<Vec<String>> {
    client
        .namespaces_list_authorization_rules(subscription, group, namespace, None)?
        .try_filter_map(|rule| async move {
            let manages = rule
                .properties
                .as_ref()
                .is_some_and(|p| p.rights.contains(&AccessRights::Manage));
            Ok(rule.name.filter(|_| manages))
        })
        .try_collect()
        .await
}
