//! Credentials, chosen by `--auth`: never a secret on the command line. Client secret and
//! workload identity read the standard `AZURE_*` environment variables.

use crate::error::{CliError, Code};
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::http::ClientOptions;
use azure_core::time::{Duration, OffsetDateTime};
use azure_identity::{
    ClientSecretCredential, ClientSecretCredentialOptions, DeveloperToolsCredential,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use std::sync::Arc;

/// `--auth` values.
pub const METHODS: [&str; 4] = [
    "dev",
    "managed-identity",
    "client-secret",
    "workload-identity",
];

/// The credential `method` names. `options` carry the cloud (its authority) and, in tests, the
/// transport; `client_id` is a user-assigned managed identity's.
pub fn credential(
    method: &str,
    client_id: Option<&str>,
    options: ClientOptions,
) -> Result<Arc<dyn TokenCredential>, CliError> {
    let failed = |e: azure_core::Error| {
        CliError::new(
            Code::Auth,
            format!(
                "cannot set up the {method} credential: {}",
                crate::error::describe(&e)
            ),
        )
    };
    if client_id.is_some() && method != "managed-identity" {
        return Err(CliError::new(
            Code::Usage,
            "--identity-client-id is only used with --auth managed-identity",
        ));
    }
    match method {
        "managed-identity" => {
            let options = ManagedIdentityCredentialOptions {
                user_assigned_id: client_id.map(|id| UserAssignedId::ClientId(id.to_owned())),
                client_options: options,
            };
            Ok(ManagedIdentityCredential::new(Some(options)).map_err(failed)?)
        }
        "client-secret" => {
            let tenant = env("AZURE_TENANT_ID", method)?;
            let client = env("AZURE_CLIENT_ID", method)?;
            let secret = env("AZURE_CLIENT_SECRET", method)?;
            let options = ClientSecretCredentialOptions {
                client_options: options,
            };
            Ok(
                ClientSecretCredential::new(&tenant, client, secret.into(), Some(options))
                    .map_err(failed)?,
            )
        }
        "workload-identity" => {
            // The credential reads AZURE_TENANT_ID, AZURE_CLIENT_ID and
            // AZURE_FEDERATED_TOKEN_FILE itself; check them first for a clear message.
            for name in [
                "AZURE_TENANT_ID",
                "AZURE_CLIENT_ID",
                "AZURE_FEDERATED_TOKEN_FILE",
            ] {
                env(name, method)?;
            }
            let credential_options = azure_identity::ClientAssertionCredentialOptions {
                client_options: options,
            };
            let options = WorkloadIdentityCredentialOptions {
                credential_options,
                ..Default::default()
            };
            Ok(WorkloadIdentityCredential::new(Some(options)).map_err(failed)?)
        }
        _ => Ok(DeveloperToolsCredential::new(None).map_err(failed)?),
    }
}

/// A variable the credential needs.
fn env(name: &str, method: &str) -> Result<String, CliError> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(CliError::new(
            Code::Auth,
            format!("--auth {method} reads {name} from the environment, and it is not set"),
        )),
    }
}

/// The credential of a dry run: nothing is sent, so no token is needed, and none is fetched.
#[derive(Debug)]
pub struct NoToken;

#[async_trait::async_trait]
impl TokenCredential for NoToken {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(AccessToken::new(
            "dry-run",
            OffsetDateTime::now_utc() + Duration::hours(1),
        ))
    }
}
