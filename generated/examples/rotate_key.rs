//! Rotates (regenerates) one access key of an Azure resource, for real, with a credential
//! from `azure_identity`.
//!
//! ```text
//! cargo run -p azure-mgmt --example rotate_key -- --help
//! cargo run -p azure-mgmt --example rotate_key -- service-bus SUB RG my-namespace RootManageSharedAccessKey PrimaryKey
//! ```
//!
//! It prints which key was rotated and the names of the fields the service returned, never
//! their values unless `--show-secret` is given. The usage text below is also in
//! `docs/using.md`; a test keeps the two the same.

use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::RetryOptions;
use azure_identity::{
    DeveloperToolsCredential, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId,
};
use azure_mgmt::{ClientOptions, OperationStatus};
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "\
rotate_key: regenerate one access key of an Azure resource

USAGE:
    cargo run -p azure-mgmt --example rotate_key -- [OPTIONS] <SERVICE> <ARGS>...

SERVICES AND THEIR ARGUMENTS:
    redis-enterprise  <SUBSCRIPTION> <RESOURCE_GROUP> <CLUSTER> <DATABASE> <Primary|Secondary>
    service-bus       <SUBSCRIPTION> <RESOURCE_GROUP> <NAMESPACE> <AUTHORIZATION_RULE> <PrimaryKey|SecondaryKey>
    event-hubs        <SUBSCRIPTION> <RESOURCE_GROUP> <NAMESPACE> <EVENT_HUB> <AUTHORIZATION_RULE> <PrimaryKey|SecondaryKey>
    data-factory      <SUBSCRIPTION> <RESOURCE_GROUP> <FACTORY> <INTEGRATION_RUNTIME> <authKey1|authKey2>
    storage-classic   <SUBSCRIPTION> <STORAGE_ACCOUNT> <Primary|Secondary>

OPTIONS:
    --managed-identity   Authenticate with ManagedIdentityCredential (on an Azure VM, App Service,
                         Functions, AKS...). Without it: DeveloperToolsCredential, which uses your
                         `az login` or `azd auth login` session.
    --client-id <ID>     With --managed-identity: the client id of a user-assigned identity.
    --endpoint <URL>     The management endpoint of a sovereign cloud, e.g.
                         https://management.chinacloudapi.cn (the token audience follows it).
    --no-retry           Send the request exactly once (see RETRIES).
    --show-secret        Also print the new key values. Without it, only the names of the
                         fields the service returned are printed, never their values.
    -h, --help           Print this help.

RETRIES:
    By default a throttled (429) or failed (408, 500, 502, 503, 504) request is retried, up to
    8 times, waiting as long as the service's Retry-After asks. Regenerating a key is not
    idempotent: each retry rotates the key again. The keys in the final response are the valid
    ones, and any key from an earlier attempt is already invalid, so retrying is safe for the
    caller who uses the final keys. With --no-retry the request is sent once, and a throttled
    or failed call is reported for you to decide.

EXIT STATUS:
    0 when the key was rotated, 1 when the call failed, 2 for bad arguments.
";

/// The service (API) to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    RedisEnterprise,
    ServiceBus,
    EventHubs,
    DataFactory,
    StorageClassic,
}

impl Api {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "redis-enterprise" => Self::RedisEnterprise,
            "service-bus" => Self::ServiceBus,
            "event-hubs" => Self::EventHubs,
            "data-factory" => Self::DataFactory,
            "storage-classic" => Self::StorageClassic,
            _ => return None,
        })
    }

    /// The names of the resource arguments, before the key type.
    fn resource_args(self) -> &'static [&'static str] {
        match self {
            Self::RedisEnterprise => &["SUBSCRIPTION", "RESOURCE_GROUP", "CLUSTER", "DATABASE"],
            Self::ServiceBus => &[
                "SUBSCRIPTION",
                "RESOURCE_GROUP",
                "NAMESPACE",
                "AUTHORIZATION_RULE",
            ],
            Self::EventHubs => &[
                "SUBSCRIPTION",
                "RESOURCE_GROUP",
                "NAMESPACE",
                "EVENT_HUB",
                "AUTHORIZATION_RULE",
            ],
            Self::DataFactory => &[
                "SUBSCRIPTION",
                "RESOURCE_GROUP",
                "FACTORY",
                "INTEGRATION_RUNTIME",
            ],
            Self::StorageClassic => &["SUBSCRIPTION", "STORAGE_ACCOUNT"],
        }
    }

    /// The key types the service documents, as sent on the wire.
    fn key_types(self) -> &'static [&'static str] {
        match self {
            Self::RedisEnterprise | Self::StorageClassic => &["Primary", "Secondary"],
            Self::ServiceBus | Self::EventHubs => &["PrimaryKey", "SecondaryKey"],
            Self::DataFactory => &["authKey1", "authKey2"],
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
struct Command {
    service: Api,
    /// The resource arguments, in the order of [`Api::resource_args`].
    args: Vec<String>,
    /// One of [`Api::key_types`].
    key_type: &'static str,
    managed_identity: bool,
    client_id: Option<String>,
    endpoint: Option<String>,
    no_retry: bool,
    show_secret: bool,
}

/// The outcome of reading the command line.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Run(Command),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let (mut managed_identity, mut no_retry, mut show_secret) = (false, false, false);
    let (mut client_id, mut endpoint) = (None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--managed-identity" => managed_identity = true,
            "--no-retry" => no_retry = true,
            "--show-secret" => show_secret = true,
            "--client-id" => client_id = Some(args.next().ok_or("--client-id needs a value")?),
            "--endpoint" => endpoint = Some(args.next().ok_or("--endpoint needs a value")?),
            "--" => positional.extend(args.by_ref()),
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option `{flag}`"));
            }
            _ => positional.push(arg),
        }
    }
    if client_id.is_some() && !managed_identity {
        return Err("--client-id is only used with --managed-identity".into());
    }
    let Some((service, rest)) = positional.split_first() else {
        return Err("no service given".into());
    };
    let service = Api::parse(service).ok_or_else(|| format!("unknown service `{service}`"))?;
    let names = service.resource_args();
    if rest.len() != names.len() + 1 {
        return Err(format!(
            "{} arguments given, but this service takes {}: {} <KEY_TYPE>",
            rest.len(),
            names.len() + 1,
            names.join(" ")
        ));
    }
    let (key_type, resource) = rest.split_last().expect("checked above");
    // The documented spelling, whatever the case typed.
    let key_type = service
        .key_types()
        .iter()
        .find(|known| known.eq_ignore_ascii_case(key_type))
        .ok_or_else(|| {
            format!(
                "unknown key type `{key_type}`; this service takes {}",
                service.key_types().join(" or ")
            )
        })?;
    Ok(Parsed::Run(Command {
        service,
        args: resource.to_vec(),
        key_type,
        managed_identity,
        client_id,
        endpoint,
        no_retry,
        show_secret,
    }))
}

/// What the service returned: which key was rotated, and each field of the response.
struct Rotated {
    what: String,
    fields: Vec<(&'static str, Option<String>)>,
}

fn field(name: &'static str, value: &Option<Secret>) -> (&'static str, Option<String>) {
    (name, value.as_ref().map(|s| s.secret().to_owned()))
}

async fn rotate(
    command: &Command,
    credential: Arc<dyn TokenCredential>,
) -> azure_mgmt::Result<Rotated> {
    let mut options = ClientOptions {
        endpoint: command.endpoint.clone(),
        ..ClientOptions::default()
    };
    if command.no_retry {
        options.client_options.retry = RetryOptions::none();
    }
    let a: Vec<&str> = command.args.iter().map(String::as_str).collect();
    let key_type = command.key_type.to_owned();
    match command.service {
        Api::RedisEnterprise => {
            use azure_mgmt::redis_enterprise::*;
            let client = RedisEnterpriseClient::new(credential, Some(options))?;
            let parameters = RegenerateKeyParameters {
                key_type: AccessKeyType::from(key_type),
            };
            // Long-running: watch it, then take the final keys.
            let mut poller =
                client.databases_regenerate_key(a[0], a[1], a[2], a[3], &parameters, None)?;
            while let Some(status) = poller.next_status().await {
                if status? == OperationStatus::InProgress {
                    eprintln!("... the service is still regenerating the key");
                }
            }
            let keys = poller.await?.into_model();
            Ok(Rotated {
                what: format!(
                    "the {} key of Redis Enterprise database {}/{}",
                    command.key_type, a[2], a[3]
                ),
                fields: vec![
                    field("primaryKey", &keys.primary_key),
                    field("secondaryKey", &keys.secondary_key),
                ],
            })
        }
        Api::ServiceBus => {
            use azure_mgmt::service_bus::*;
            let client = ServiceBusClient::new(credential, Some(options))?;
            let parameters = RegenerateAccessKeyParameters {
                key_type: KeyType::from(key_type),
                key: None,
            };
            let keys = client
                .namespaces_regenerate_keys(a[0], a[1], a[2], a[3], &parameters, None)
                .await?
                .into_model();
            Ok(Rotated {
                what: format!(
                    "the {} of Service Bus namespace {} rule {}",
                    command.key_type, a[2], a[3]
                ),
                fields: vec![
                    field("primaryKey", &keys.primary_key),
                    field("secondaryKey", &keys.secondary_key),
                    field("primaryConnectionString", &keys.primary_connection_string),
                    field(
                        "secondaryConnectionString",
                        &keys.secondary_connection_string,
                    ),
                    field(
                        "aliasPrimaryConnectionString",
                        &keys.alias_primary_connection_string,
                    ),
                    field(
                        "aliasSecondaryConnectionString",
                        &keys.alias_secondary_connection_string,
                    ),
                ],
            })
        }
        Api::EventHubs => {
            use azure_mgmt::event_hubs::*;
            let client = EventHubsClient::new(credential, Some(options))?;
            let parameters = RegenerateAccessKeyParameters {
                key_type: KeyType::from(key_type),
                key: None,
            };
            let keys = client
                .event_hubs_regenerate_keys(a[0], a[1], a[2], a[3], a[4], &parameters, None)
                .await?
                .into_model();
            Ok(Rotated {
                what: format!(
                    "the {} of event hub {}/{} rule {}",
                    command.key_type, a[2], a[3], a[4]
                ),
                fields: vec![
                    field("primaryKey", &keys.primary_key),
                    field("secondaryKey", &keys.secondary_key),
                    field("primaryConnectionString", &keys.primary_connection_string),
                    field(
                        "secondaryConnectionString",
                        &keys.secondary_connection_string,
                    ),
                    field(
                        "aliasPrimaryConnectionString",
                        &keys.alias_primary_connection_string,
                    ),
                    field(
                        "aliasSecondaryConnectionString",
                        &keys.alias_secondary_connection_string,
                    ),
                ],
            })
        }
        Api::DataFactory => {
            use azure_mgmt::data_factory::*;
            let client = DataFactoryClient::new(credential, Some(options))?;
            let parameters = IntegrationRuntimeRegenerateKeyParameters {
                key_name: Some(IntegrationRuntimeAuthKeyName::from(key_type)),
            };
            let keys = client
                .integration_runtimes_regenerate_auth_key(a[0], a[1], a[2], a[3], &parameters, None)
                .await?
                .into_model();
            Ok(Rotated {
                what: format!(
                    "{} of Data Factory {} integration runtime {}",
                    command.key_type, a[2], a[3]
                ),
                fields: vec![
                    field("authKey1", &keys.auth_key1),
                    field("authKey2", &keys.auth_key2),
                ],
            })
        }
        Api::StorageClassic => {
            use azure_mgmt::storage_classic::*;
            let client = StorageClassicClient::new(credential, Some(options))?;
            let parameters = RegenerateKeys {
                key_type: KeyType::from(key_type),
            };
            let service = client
                .storage_services_regenerate_keys(a[0], a[1], &parameters, None)
                .await?
                .into_model();
            let keys = service.storage_service_keys.unwrap_or_default();
            Ok(Rotated {
                what: format!(
                    "the {} key of classic storage account {}",
                    command.key_type, a[1]
                ),
                fields: vec![
                    field("Primary", &keys.primary),
                    field("Secondary", &keys.secondary),
                ],
            })
        }
    }
}

fn credential(command: &Command) -> azure_core::Result<Arc<dyn TokenCredential>> {
    if command.managed_identity {
        let options = ManagedIdentityCredentialOptions {
            user_assigned_id: command.client_id.clone().map(UserAssignedId::ClientId),
            ..Default::default()
        };
        Ok(ManagedIdentityCredential::new(Some(options))?)
    } else {
        Ok(DeveloperToolsCredential::new(None)?)
    }
}

/// The lines printed for a rotation: values only with `show_secret`.
fn report(rotated: &Rotated, show_secret: bool) -> Vec<String> {
    let mut lines = vec![format!("Rotated {}.", rotated.what)];
    for (name, value) in &rotated.fields {
        lines.push(match (value, show_secret) {
            (None, _) => format!("  {name}: (not returned)"),
            (Some(value), true) => format!("  {name}: {value}"),
            (Some(_), false) => format!("  {name}: returned (hidden; --show-secret prints it)"),
        });
    }
    lines
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(command)) => command,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprint!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // On the rustls-ring backend, before the credential builds its HTTP client (see the
    // rustls_ring example).
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::ring::default_provider()
        .install_default()
        .is_err()
    {
        eprintln!("error: another rustls crypto provider was installed first");
        return ExitCode::FAILURE;
    }
    let credential = match credential(&command) {
        Ok(credential) => credential,
        Err(error) => {
            eprintln!("error: no credential: {error}");
            return ExitCode::FAILURE;
        }
    };
    if command.no_retry {
        eprintln!("Sending the request once (--no-retry).");
    } else {
        eprintln!(
            "Retries are on: a retried request rotates the key again; the keys printed are the final, valid ones."
        );
    }
    match rotate(&command, credential).await {
        Ok(rotated) => {
            for line in report(&rotated, command.show_secret) {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            // The error shows the status, the service's code and message and the request
            // ids; never a key.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Parsed, String> {
        parse_args(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn every_service_parses() {
        let cases = [
            (
                "redis-enterprise s rg c d primary",
                Api::RedisEnterprise,
                "Primary",
                4,
            ),
            (
                "service-bus s rg ns rule SecondaryKey",
                Api::ServiceBus,
                "SecondaryKey",
                4,
            ),
            (
                "event-hubs s rg ns hub rule primarykey",
                Api::EventHubs,
                "PrimaryKey",
                5,
            ),
            (
                "data-factory s rg f ir authKey2",
                Api::DataFactory,
                "authKey2",
                4,
            ),
            (
                "storage-classic s account Secondary",
                Api::StorageClassic,
                "Secondary",
                2,
            ),
        ];
        for (line, service, key_type, args) in cases {
            let Ok(Parsed::Run(command)) = parse(line) else {
                panic!("{line}");
            };
            assert_eq!(command.service, service);
            assert_eq!(command.key_type, key_type);
            assert_eq!(command.args.len(), args);
            assert!(!command.show_secret && !command.no_retry && !command.managed_identity);
        }
    }

    #[test]
    fn flags_parse() {
        let Ok(Parsed::Run(command)) = parse(
            "--managed-identity --client-id abc --no-retry --show-secret --endpoint https://e storage-classic s a Primary",
        ) else {
            panic!();
        };
        assert!(command.managed_identity && command.no_retry && command.show_secret);
        assert_eq!(command.client_id.as_deref(), Some("abc"));
        assert_eq!(command.endpoint.as_deref(), Some("https://e"));
        assert_eq!(parse("--help"), Ok(Parsed::Help));
        assert_eq!(parse("service-bus -h"), Ok(Parsed::Help));
    }

    #[test]
    fn bad_arguments_are_explained() {
        let cases = [
            ("", "no service given"),
            ("cosmos s rg x Primary", "unknown service `cosmos`"),
            (
                "redis-enterprise s rg c Primary",
                "4 arguments given, but this service takes 5: SUBSCRIPTION RESOURCE_GROUP CLUSTER DATABASE <KEY_TYPE>",
            ),
            (
                "service-bus s rg ns rule Primary",
                "unknown key type `Primary`; this service takes PrimaryKey or SecondaryKey",
            ),
            (
                "--verbose storage-classic s a Primary",
                "unknown option `--verbose`",
            ),
            ("--endpoint", "--endpoint needs a value"),
            (
                "--client-id x storage-classic s a Primary",
                "--client-id is only used with --managed-identity",
            ),
        ];
        for (line, problem) in cases {
            assert_eq!(parse(line), Err(problem.to_owned()), "{line}");
        }
    }

    #[test]
    fn keys_are_printed_only_when_asked() {
        let rotated = Rotated {
            what: "the Primary key of x".into(),
            fields: vec![
                ("primaryKey", Some("SECRET-1".into())),
                ("secondaryKey", None),
            ],
        };
        let hidden = report(&rotated, false).join("\n");
        assert!(!hidden.contains("SECRET"), "{hidden}");
        assert!(hidden.contains("Rotated the Primary key of x."));
        assert!(hidden.contains("primaryKey: returned (hidden"));
        assert!(hidden.contains("secondaryKey: (not returned)"));
        assert!(
            report(&rotated, true)
                .join("\n")
                .contains("primaryKey: SECRET-1")
        );
    }

    #[test]
    fn the_usage_page_holds_this_usage_text() {
        let page = include_str!("../../docs/using.md");
        assert!(
            page.contains(USAGE),
            "docs/using.md must hold the usage text verbatim"
        );
    }
}
