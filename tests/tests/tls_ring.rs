//! The `rustls-ring` backend: `azure_core` panics building its HTTP client while rustls has
//! no process-wide crypto provider; a client of ours says so as a configuration error instead,
//! and works once the application has installed ring. Alone in its test binary (its own
//! process), since the provider is installed once per process and never removed.
//!
//! `cargo test -p e2e --no-default-features --features rustls-ring --test tls_ring`

#![cfg(feature = "rustls-ring")]

use async_trait::async_trait;
use azure_core::http::{AsyncRawResponse, HttpClient, Request, Transport};
use azure_mgmt::service_bus::ServiceBusClient;
use azure_mgmt::{ClientOptions, ErrorKind};
use std::sync::Arc;

/// A transport of the application's own: with one, no default HTTP client is built.
#[derive(Debug)]
struct OwnTransport;

#[async_trait]
impl HttpClient for OwnTransport {
    async fn execute_request(&self, _: &Request) -> azure_core::Result<AsyncRawResponse> {
        unreachable!("nothing is sent")
    }
}

#[test]
fn a_client_needs_the_provider_only_for_the_default_transport() {
    let credential = testkit::FakeCredential::new();
    let error = ServiceBusClient::new(credential.clone(), None).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Configuration(_)),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(text.contains("`rustls-ring` feature"), "{text}");
    assert!(
        text.contains("rustls::crypto::ring::default_provider().install_default()"),
        "{text}"
    );

    let mut own = ClientOptions::default();
    own.client_options.transport = Some(Transport::new(Arc::new(OwnTransport)));
    assert!(ServiceBusClient::new(credential.clone(), Some(own)).is_ok());

    testkit::install_ring_provider();
    let client = ServiceBusClient::new(credential, None).unwrap();
    assert_eq!(client.endpoint().as_str(), "https://management.azure.com/");
}
