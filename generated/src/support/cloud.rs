//! Clouds: which host a client sends its requests to and which token audience it asks for,
//! from [`ClientOptions`]: its `endpoint` and `audience`, and `azure_core`'s `cloud`.

use super::error::{Error, ErrorKind, Result};
use super::options::ClientOptions;
use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::http::Url;
use std::any::type_name;

/// A management endpoint's host and token audience in one cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CloudEndpoint {
    /// Scheme and host, e.g. `https://management.azure.com`.
    pub host: &'static str,
    /// The token audience: the client requests the scope `{audience}/.default`. A trailing
    /// slash is part of it (`https://management.core.windows.net/`).
    pub audience: &'static str,
}

/// One kind of management endpoint (Azure Resource Manager, classic Service Management) in
/// each cloud `azure_core` knows. The types in [`crate::endpoints`] implement it, one per
/// endpoint set of the specs; each client is reached through one of them.
///
/// A custom cloud ([`CloudConfiguration::Custom`]) has no hosts here. Its `audiences` map is
/// keyed by type: a client looks up the audience of its own endpoint type there (see
/// [`ClientOptions`]).
pub trait CloudEndpoints: 'static {
    /// In the public cloud, [`CloudConfiguration::AzurePublic`] (the default).
    const AZURE_PUBLIC: CloudEndpoint;
    /// In Azure operated by 21Vianet, [`CloudConfiguration::AzureChina`].
    const AZURE_CHINA: CloudEndpoint;
    /// In Azure US Government, [`CloudConfiguration::AzureGovernment`].
    const AZURE_GOVERNMENT: CloudEndpoint;
}

/// Where a client sends its requests, and the scope of its tokens.
#[derive(Debug)]
pub(super) struct Target {
    pub endpoint: Url,
    pub scope: String,
}

/// The cloud a client was given.
enum Cloud<'a> {
    /// None: the public cloud, unless `endpoint` says otherwise.
    Unnamed,
    /// One of the clouds `azure_core` names, with this client's endpoint there.
    Known(CloudEndpoint),
    /// A custom cloud: no hosts, audiences keyed by type.
    Custom(&'a CustomConfiguration),
}

/// The endpoint and scope of a client reached through `E`; see [`ClientOptions`] for the rules.
pub(super) fn target<E: CloudEndpoints>(options: &ClientOptions) -> Result<Target> {
    let cloud = match options.client_options.cloud.as_deref() {
        None => Cloud::Unnamed,
        Some(CloudConfiguration::AzurePublic) => Cloud::Known(E::AZURE_PUBLIC),
        Some(CloudConfiguration::AzureChina) => Cloud::Known(E::AZURE_CHINA),
        Some(CloudConfiguration::AzureGovernment) => Cloud::Known(E::AZURE_GOVERNMENT),
        Some(CloudConfiguration::Custom(custom)) => Cloud::Custom(custom),
        Some(other) => {
            return Err(configuration(format!(
                "the cloud {other:?} is not supported: describe it as a custom cloud"
            )));
        }
    };
    let endpoint = match (&options.endpoint, &cloud) {
        (Some(endpoint), _) => parse_endpoint(endpoint)?,
        (None, Cloud::Unnamed) => parse_endpoint(E::AZURE_PUBLIC.host)?,
        (None, Cloud::Known(known)) => parse_endpoint(known.host)?,
        (None, Cloud::Custom(_)) => {
            return Err(configuration(format!(
                "a custom cloud has no host for `{}`: set `ClientOptions::endpoint`",
                type_name::<E>()
            )));
        }
    };
    let audience = match (&options.audience, &cloud) {
        (Some(audience), _) => audience.clone(),
        (None, Cloud::Known(known)) => known.audience.to_owned(),
        (None, Cloud::Custom(custom)) => custom
            .audiences
            .get::<E>()
            .map(str::to_owned)
            .ok_or_else(|| {
                configuration(format!(
                    "a custom cloud needs the token audience of `{0}`: set `ClientOptions::audience`, or insert it in the custom configuration's `audiences` with `Audiences::with::<{0}>`",
                    type_name::<E>()
                ))
            })?,
        (None, Cloud::Unnamed) => audience_of(&endpoint, &E::AZURE_PUBLIC),
    };
    if audience.trim().is_empty() {
        return Err(configuration("the audience must not be empty".into()));
    }
    Ok(Target {
        endpoint,
        scope: format!("{audience}/.default"),
    })
}

/// With no cloud named: `public`'s audience when the endpoint is on its host, else the
/// endpoint's origin, with a trailing slash when `public`'s audience has one. So an endpoint
/// set on its own to a sovereign cloud's host (as before clouds were supported) gets that
/// cloud's audience.
fn audience_of(endpoint: &Url, public: &CloudEndpoint) -> String {
    let origin = endpoint.origin().ascii_serialization();
    let public_origin = Url::parse(public.host).map(|url| url.origin().ascii_serialization());
    if public_origin.as_deref() == Ok(origin.as_str()) {
        return public.audience.to_owned();
    }
    let slash = if public.audience.ends_with('/') {
        "/"
    } else {
        ""
    };
    format!("{origin}{slash}")
}

pub(super) fn configuration(message: String) -> Error {
    Error::new(ErrorKind::Configuration(message))
}

fn parse_endpoint(text: &str) -> Result<Url> {
    let url = Url::parse(text)
        .map_err(|e| configuration(format!("the endpoint `{text}` is not a valid URL: {e}")))?;
    // Checked before anything else that would print the value.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(configuration(
            "the endpoint must not contain user information".into(),
        ));
    }
    if url.scheme() != "https" {
        return Err(configuration(format!(
            "the endpoint `{text}` must use https: bearer tokens are never sent over plain http"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(configuration(format!(
            "the endpoint `{text}` must not have a query or fragment"
        )));
    }
    Ok(url)
}

/// Endpoint sets for the support module's own tests, shaped like the specs' two kinds: one
/// whose audiences are its hosts, one whose audiences end in a slash.
#[cfg(test)]
pub(crate) mod test_endpoints {
    use super::{CloudEndpoint, CloudEndpoints};

    /// Audiences without a trailing slash.
    pub struct Arm;

    impl CloudEndpoints for Arm {
        const AZURE_PUBLIC: CloudEndpoint = CloudEndpoint {
            host: "https://arm.public.test",
            audience: "https://arm.public.test",
        };
        const AZURE_CHINA: CloudEndpoint = CloudEndpoint {
            host: "https://arm.china.test",
            audience: "https://arm.china.test",
        };
        const AZURE_GOVERNMENT: CloudEndpoint = CloudEndpoint {
            host: "https://arm.gov.test",
            audience: "https://audience.arm.gov.test",
        };
    }

    /// Audiences with a trailing slash.
    pub struct Classic;

    impl CloudEndpoints for Classic {
        const AZURE_PUBLIC: CloudEndpoint = CloudEndpoint {
            host: "https://classic.public.test",
            audience: "https://classic.public.test/",
        };
        const AZURE_CHINA: CloudEndpoint = CloudEndpoint {
            host: "https://classic.china.test",
            audience: "https://classic.china.test/",
        };
        const AZURE_GOVERNMENT: CloudEndpoint = CloudEndpoint {
            host: "https://classic.gov.test",
            audience: "https://classic.gov.test/",
        };
    }
}

#[cfg(test)]
mod tests {
    use super::test_endpoints::{Arm, Classic};
    use super::*;
    use azure_core::cloud::Audiences;
    use std::sync::Arc;

    fn options(
        cloud: Option<CloudConfiguration>,
        endpoint: Option<&str>,
        audience: Option<&str>,
    ) -> ClientOptions {
        let mut options = ClientOptions {
            endpoint: endpoint.map(str::to_owned),
            audience: audience.map(str::to_owned),
            ..ClientOptions::default()
        };
        options.client_options.cloud = cloud.map(Arc::new);
        options
    }

    /// `(endpoint, scope)` of a client reached through `E`.
    fn resolve<E: CloudEndpoints>(options: &ClientOptions) -> Result<(String, String)> {
        let Target { endpoint, scope } = target::<E>(options)?;
        Ok((endpoint.to_string(), scope))
    }

    fn pair(endpoint: &str, scope: &str) -> (String, String) {
        (endpoint.to_owned(), scope.to_owned())
    }

    fn custom(audiences: Audiences) -> CloudConfiguration {
        let mut custom = CustomConfiguration::default();
        custom.authority_host = "https://login.custom.test".into();
        custom.audiences = audiences;
        CloudConfiguration::Custom(custom)
    }

    fn configuration_error<T: std::fmt::Debug>(result: Result<T>) -> String {
        let error = result.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Configuration(_)),
            "{error:?}"
        );
        error.to_string()
    }

    #[test]
    fn each_named_cloud_gives_its_host_and_audience() {
        let cases = [
            (CloudConfiguration::AzurePublic, Arm::AZURE_PUBLIC),
            (CloudConfiguration::AzureChina, Arm::AZURE_CHINA),
            (CloudConfiguration::AzureGovernment, Arm::AZURE_GOVERNMENT),
        ];
        for (cloud, expected) in cases {
            let found = resolve::<Arm>(&options(Some(cloud), None, None)).unwrap();
            let scope = format!("{}/.default", expected.audience);
            assert_eq!(found, pair(&format!("{}/", expected.host), &scope));
        }
        let china = options(Some(CloudConfiguration::AzureChina), None, None);
        assert_eq!(
            resolve::<Classic>(&china).unwrap(),
            pair(
                "https://classic.china.test/",
                "https://classic.china.test//.default"
            )
        );
    }

    #[test]
    fn no_cloud_is_the_public_cloud() {
        assert_eq!(
            resolve::<Arm>(&options(None, None, None)).unwrap(),
            pair(
                "https://arm.public.test/",
                "https://arm.public.test/.default"
            )
        );
        assert_eq!(
            resolve::<Classic>(&options(None, None, None)).unwrap(),
            pair(
                "https://classic.public.test/",
                "https://classic.public.test//.default"
            )
        );
    }

    #[test]
    fn with_no_cloud_the_audience_follows_the_endpoint() {
        let cases = [
            // The public host, with a path or a slash: still the public audience.
            (
                "https://arm.public.test/prefix",
                "https://arm.public.test/.default",
            ),
            (
                "https://arm.public.test/",
                "https://arm.public.test/.default",
            ),
            // Elsewhere: that origin.
            ("https://arm.china.test", "https://arm.china.test/.default"),
            (
                "https://127.0.0.1:8443/p",
                "https://127.0.0.1:8443/.default",
            ),
        ];
        for (endpoint, scope) in cases {
            let (_, found) = resolve::<Arm>(&options(None, Some(endpoint), None)).unwrap();
            assert_eq!(found, scope, "{endpoint}");
        }
        // With the trailing slash of the set's public audience.
        let (_, found) =
            resolve::<Classic>(&options(None, Some("https://classic.china.test"), None)).unwrap();
        assert_eq!(found, "https://classic.china.test//.default");
    }

    #[test]
    fn endpoint_and_audience_override_a_named_cloud() {
        let government = || Some(CloudConfiguration::AzureGovernment);
        // The endpoint moves the requests; the audience stays the cloud's.
        let moved = options(government(), Some("https://127.0.0.1:8443"), None);
        assert_eq!(
            resolve::<Arm>(&moved).unwrap(),
            pair(
                "https://127.0.0.1:8443/",
                "https://audience.arm.gov.test/.default"
            )
        );
        let told = options(government(), None, Some("api://mine"));
        assert_eq!(
            resolve::<Arm>(&told).unwrap(),
            pair("https://arm.gov.test/", "api://mine/.default")
        );
    }

    #[test]
    fn a_custom_cloud_needs_an_endpoint_and_an_audience() {
        let keyed = || custom(Audiences::new().with::<Arm>("https://arm.custom.test".into()));
        let endpoint = Some("https://arm.custom.test/base");
        assert_eq!(
            resolve::<Arm>(&options(Some(keyed()), endpoint, None)).unwrap(),
            pair(
                "https://arm.custom.test/base",
                "https://arm.custom.test/.default"
            )
        );
        // `audience` wins over the custom configuration's.
        assert_eq!(
            resolve::<Arm>(&options(Some(keyed()), endpoint, Some("api://x"))).unwrap(),
            pair("https://arm.custom.test/base", "api://x/.default")
        );
        // Without an endpoint: a configuration error that says what to set.
        let text = configuration_error(resolve::<Arm>(&options(Some(keyed()), None, None)));
        assert!(text.contains("custom cloud has no host"), "{text}");
        assert!(text.contains("test_endpoints::Arm"), "{text}");
        assert!(text.contains("ClientOptions::endpoint"), "{text}");
        // The audiences are keyed by type: `Arm`'s does not serve `Classic`.
        let text = configuration_error(resolve::<Classic>(&options(Some(keyed()), endpoint, None)));
        assert!(text.contains("needs the token audience of"), "{text}");
        assert!(text.contains("Audiences::with::<"), "{text}");
        assert!(text.contains("test_endpoints::Classic>"), "{text}");
        // An empty map has none either.
        let bare = options(Some(custom(Audiences::new())), endpoint, None);
        assert!(configuration_error(resolve::<Arm>(&bare)).contains("ClientOptions::audience"));
    }

    #[test]
    fn an_empty_audience_is_refused_wherever_it_comes_from() {
        let empty = custom(Audiences::new().with::<Arm>(String::new()));
        let endpoint = Some("https://arm.custom.test");
        let cases = [
            options(Some(empty), endpoint, None),
            options(None, None, Some(" ")),
            options(Some(CloudConfiguration::AzureChina), None, Some("")),
        ];
        for options in cases {
            let text = configuration_error(resolve::<Arm>(&options));
            assert!(text.contains("the audience must not be empty"), "{text}");
        }
    }

    #[test]
    fn endpoints_must_be_plain_https() {
        let cases = [
            ("http://h.test", "must use https"),
            ("not a url", "not a valid URL"),
            ("https://h.test/?a=b", "query or fragment"),
            ("https://h.test/#f", "query or fragment"),
        ];
        for cloud in [None, Some(CloudConfiguration::AzureChina)] {
            for (endpoint, message) in cases {
                let options = options(cloud.clone(), Some(endpoint), None);
                let text = configuration_error(resolve::<Arm>(&options));
                assert!(text.contains(message) && text.contains(endpoint), "{text}");
            }
        }
        // A user name alone, or a password alone, is user information too; neither is printed.
        for endpoint in [
            "https://user:hunter2@h.test",
            "https://hunter2@h.test",
            "https://:hunter2@h.test",
        ] {
            let options = options(None, Some(endpoint), None);
            let text = configuration_error(resolve::<Arm>(&options));
            assert!(
                text.ends_with("the endpoint must not contain user information"),
                "{text}"
            );
        }
    }
}
