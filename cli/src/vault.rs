//! Writing a rotated key to Azure Key Vault (`--to-key-vault`), only after the key is confirmed.

use azure_core::credentials::TokenCredential;
use azure_core::http::ClientOptions;
use azure_security_keyvault_secrets::models::SetSecretParameters;
use azure_security_keyvault_secrets::{ResourceExt, SecretClient, SecretClientOptions};
use std::sync::Arc;

/// Writes secrets with the command's credential and transport.
pub struct Writer {
    /// The credential: Key Vault asks for its own scope through its challenge.
    pub credential: Arc<dyn TokenCredential>,
    /// Retries and transport (the cloud does not matter: the vault URL says where).
    pub options: ClientOptions,
}

impl Writer {
    /// Writes `value` as a new version of the secret `name` in the vault at `url`; gives the
    /// version, or what failed (never the value).
    pub async fn write(&self, url: &str, name: &str, value: &str) -> Result<String, String> {
        let options = SecretClientOptions {
            client_options: self.options.clone(),
            ..Default::default()
        };
        let client = SecretClient::new(url, self.credential.clone(), Some(options))
            .map_err(|e| crate::error::describe(&e))?;
        let parameters = SetSecretParameters {
            value: Some(value.to_owned()),
            content_type: Some("text/plain".to_owned()),
            ..Default::default()
        };
        let body = parameters
            .try_into()
            .map_err(|e: azure_core::Error| crate::error::describe(&e))?;
        let secret = client
            .set_secret(name, body, None)
            .await
            .map_err(|e| crate::error::describe(&e))?
            .into_model()
            .map_err(|_| "Key Vault's answer could not be read".to_owned())?;
        Ok(secret
            .resource_id()
            .ok()
            .and_then(|id| id.version)
            .unwrap_or_default())
    }
}
