//! Options shared by every client.

/// Options for creating any client in this crate.
///
/// # Endpoint and token audience
///
/// `endpoint` overrides the service's public-cloud endpoint (for a sovereign cloud, or a
/// local server in tests); it must be `https`. The OAuth2 scope requested from the
/// credential is `{audience}/.default`, where the audience is, in order:
/// 1. `audience`, when set;
/// 2. the service's public-cloud audience, when the endpoint is the default one;
/// 3. otherwise the endpoint's origin (`scheme://host[:port]`), with a trailing slash when
///    the service's default audience has one (classic APIs use
///    `https://management.core.windows.net/`). So
///    `endpoint: Some("https://management.chinacloudapi.cn".into())` asks for
///    `https://management.chinacloudapi.cn/.default` with no further setting. Set
///    `audience` when a cloud's audience differs from its endpoint.
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
/// # Parameter checks
///
/// Parameters are checked against the spec's `pattern`, `minLength` and `maxLength` before
/// anything is sent. Set `skip_constraint_checks` when a service has loosened a rule before
/// its spec was updated. Path values are percent-encoded, and an empty value, `.` or `..` is
/// refused, regardless of this setting.
#[derive(Clone, Debug, Default)]
pub struct ClientOptions {
    /// `azure_core`'s options: retry, transport, per-call and per-try policies, user agent,
    /// logging, instrumentation.
    pub client_options: azure_core::http::ClientOptions,
    /// The service endpoint, e.g. `https://management.usgovcloudapi.net`. `None` means the
    /// public cloud. Any path it has is kept as a prefix of every request path.
    pub endpoint: Option<String>,
    /// The token audience; see the type's documentation for the default.
    pub audience: Option<String>,
    /// Skip the spec's pattern and length checks (encoding and the empty / dot-segment
    /// refusal still apply).
    pub skip_constraint_checks: bool,
}
