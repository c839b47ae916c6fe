//! An application on the `rustls-ring` TLS backend: rustls on ring instead of aws-lc, so
//! AWS-LC's C is never compiled. Its one duty is to install ring as rustls's process-wide
//! crypto provider before anything builds an HTTP client: credentials build theirs when they
//! are created, clients when they are created.
//!
//! ```sh
//! cargo run -p azure-mgmt --no-default-features --features rustls-ring,service-bus --example rustls_ring
//! ```
//!
//! Its own `Cargo.toml` would say:
//!
//! ```toml
//! azure-mgmt = { path = "generated", default-features = false, features = ["service-bus", "rustls-ring"] }
//! azure_identity = { version = "1.0", default-features = false }   # its defaults turn aws-lc on
//! rustls = { version = "0.23", default-features = false, features = ["ring"] }
//! ```
//!
//! It builds a credential and a Service Bus client, prints where the client would send its
//! requests, and sends nothing.

use azure_identity::ManagedIdentityCredential;
use azure_mgmt::service_bus::ServiceBusClient;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before the credential (its constructor builds an HTTP client) and before any client.
    if rustls::crypto::ring::default_provider()
        .install_default()
        .is_err()
    {
        eprintln!("rustls_ring: another crypto provider was installed first");
        return ExitCode::FAILURE;
    }
    let client = ManagedIdentityCredential::new(None)
        .map_err(azure_mgmt::Error::from)
        .and_then(|credential| ServiceBusClient::new(credential, None));
    match client {
        Ok(client) => {
            println!(
                "Service Bus client on rustls with ring, for {}",
                client.endpoint()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("rustls_ring: {error}");
            ExitCode::FAILURE
        }
    }
}
