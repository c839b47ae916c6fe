//! Options shared by every client.

/// Options for creating any client in this crate.
///
/// # Cloud, endpoint and token audience
///
/// Each client is reached through an endpoint set of [`crate::endpoints`] (Azure Resource
/// Manager, or classic Service Management), which knows its host and token audience in each
/// cloud. The client sends its requests to a host and asks its credential for tokens of the
/// scope `{audience}/.default`, chosen from `client_options.cloud` (`azure_core`'s
/// [`CloudConfiguration`](azure_core::cloud::CloudConfiguration)), `endpoint` and `audience`:
///
/// | `client_options.cloud` | host | audience |
/// |---|---|---|
/// | `None` | `endpoint`, else the public cloud's | `audience`, else the public cloud's; when `endpoint` is on another host, that host's origin (`scheme://host[:port]`, with a trailing slash when the public audience has one) |
/// | `AzurePublic`, `AzureChina`, `AzureGovernment` | `endpoint`, else that cloud's | `audience`, else that cloud's |
/// | `Custom` | `endpoint`, which must be set | `audience`, else the custom configuration's `audiences` entry for the client's type in [`crate::endpoints`] (`Audiences::with::<E>`); one of them must be set |
///
/// A missing host or audience, an empty audience, or an endpoint that is not a plain `https`
/// URL is an [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) error from the
/// client's constructor. Every request and every poll goes to the chosen host: a
/// long-running operation's status URL on any other host is refused, so the token never
/// leaves it.
///
/// The cloud configures the client only. Give the same cloud to the credential
/// (`azure_identity`'s credential options have `client_options.cloud` too), so that its
/// tokens come from that cloud's authority.
///
/// ```
/// use azure_core::cloud::CloudConfiguration;
/// use std::sync::Arc;
///
/// let mut options = azure_mgmt::ClientOptions::default();
/// options.client_options.cloud = Some(Arc::new(CloudConfiguration::AzureChina));
/// ```
///
/// # Retries, and what they mean for non-idempotent operations
///
/// `client_options.retry` is `azure_core`'s retry policy. By default it retries a request
/// that gets 408, 429, 500, 502, 503 or 504 (honouring `Retry-After`), or that fails to
/// connect, up to 8 times, **whatever the HTTP method, POST included**. An operation that
/// regenerates a key may therefore run twice on the service: each run rotates the key again,
/// so the keys returned are the latest and any keys from an earlier run are already invalid.
/// To send every request exactly once and handle failures yourself, turn retries off:
///
/// ```
/// use azure_core::http::RetryOptions;
///
/// let mut options = azure_mgmt::ClientOptions::default();
/// options.client_options.retry = RetryOptions::none();
/// ```
///
/// # TLS backend
///
/// Without `client_options.transport`, a client sends with `azure_core`'s default HTTP client
/// (reqwest), whose TLS backend is one of the crate's features:
///
/// | feature | TLS | what the application does |
/// |---|---|---|
/// | `rustls-aws-lc` (default) | rustls on aws-lc-rs | nothing |
/// | `native-tls` | the platform's (OpenSSL on Linux) | builds with `libssl-dev` and `pkg-config`, runs with libssl |
/// | `rustls-ring` | rustls on ring | installs ring as rustls's crypto provider before it builds any client or credential |
///
/// `native-tls` and `rustls-ring` need `default-features = false` (add `all-services` or the
/// services it uses), and so does every other Azure crate the application depends on
/// (`azure_identity`, say): their default features turn aws-lc back on. On `rustls-ring`,
/// `azure_core` panics building an HTTP client while no provider is installed; a client of
/// this crate returns an [`ErrorKind::Configuration`](crate::ErrorKind::Configuration) error
/// instead, but a credential built earlier still panics, so install the provider first thing:
///
/// ```ignore
/// // Cargo.toml: rustls = { version = "0.23", default-features = false, features = ["ring"] }
/// rustls::crypto::ring::default_provider()
///     .install_default()
///     .expect("no other provider is installed");
/// ```
///
/// A TLS failure (an untrusted certificate, say) is a connection error, which the pipeline
/// retries like any other: it surfaces as [`ErrorKind::Transport`](crate::ErrorKind::Transport)
/// after the retries.
///
/// # Parameter checks
///
/// Parameters are checked against the spec's `pattern`, `minLength` and `maxLength` before
/// anything is sent. Set `skip_constraint_checks` when a service has loosened a rule before
/// its spec was updated. Path values are percent-encoded, and an empty value, `.` or `..` is
/// refused, regardless of this setting.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// `azure_core`'s options: cloud, retry, transport, per-call and per-try policies, user
    /// agent, logging, instrumentation.
    pub client_options: azure_core::http::ClientOptions,
    /// The service endpoint, e.g. a local server in tests. `None` means the host of the
    /// cloud `client_options.cloud` names (the public cloud by default). Any path it has is
    /// kept as a prefix of every request path.
    pub endpoint: Option<String>,
    /// The token audience; see the type's documentation for the default.
    pub audience: Option<String>,
    /// Skip the spec's pattern and length checks (encoding and the empty / dot-segment
    /// refusal still apply).
    pub skip_constraint_checks: bool,
}
