//! The TLS backend of the default transport: what the crate's TLS features need before a
//! client can be built.

use super::error::Result;

/// Checks that `azure_core` can build its default HTTP client for the crate's TLS backend;
/// where it cannot, `azure_core` would panic while the client is built.
///
/// On `rustls-ring` (without another backend that reqwest would prefer), reqwest takes
/// rustls's process-wide crypto provider, and panics when there is none.
pub(super) fn check_default_transport() -> Result<()> {
    #[cfg(all(
        feature = "rustls-ring",
        not(feature = "rustls-aws-lc"),
        not(feature = "native-tls")
    ))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(super::cloud::configuration(
            "the `rustls-ring` feature needs rustls's process-wide crypto provider before the first client or credential is built: call `rustls::crypto::ring::default_provider().install_default()` first thing in `main`, or set `client_options.transport`".into(),
        ));
    }
    Ok(())
}
