//! `ClientCore`: what every generated client holds, and the calls its methods make.

use super::body::BodyFormat;
use super::check::{CheckConstraints, FieldPath};
use super::cloud::{CloudEndpoints, Target, configuration, target};
use super::error::{Error, ErrorKind, Result};
use super::error_body::{self, ErrorContract};
use super::lro::{FinalState, Poller};
use super::options::ClientOptions;
use super::pager::{Page, Pager};
use super::params::{ParamSpec, check_constraints};
use super::path::{PathPart, UNRESERVED, build_path};
use super::tls::check_default_transport;
use super::tracing::{CallSpan, call_context, tracer};
use azure_core::credentials::TokenCredential;
use azure_core::http::pager::PagerOptions;
use azure_core::http::policies::{Policy, auth::BearerTokenAuthorizationPolicy};
use azure_core::http::{Context, Pipeline, PipelineSendOptions, RawResponse, Request, Url};
use azure_core::tracing::Tracer;
use percent_encoding::utf8_percent_encode;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The pipeline (auth, retry, telemetry), the endpoint, the constraint-check switch and the
/// tracer of the client's spans.
#[derive(Clone, Debug)]
pub struct ClientCore {
    pipeline: Pipeline,
    endpoint: Url,
    check_constraints: bool,
    /// `None` without a tracer provider in the options: then no call opens a span.
    tracer: Option<Arc<dyn Tracer>>,
}

impl ClientCore {
    /// Builds the pipeline of a client reached through the endpoint set `E`, whose calls
    /// belong to the resource provider `namespace` (their spans' `az.namespace`); see
    /// [`ClientOptions`] for how the cloud, `endpoint` and `audience` choose where it goes.
    pub fn new<E: CloudEndpoints>(
        credential: Arc<dyn TokenCredential>,
        options: ClientOptions,
        namespace: &'static str,
    ) -> Result<Self> {
        let Target { endpoint, scope } = target::<E>(&options)?;
        let tracer = tracer(&options.client_options, namespace);
        if options.client_options.transport.is_none() {
            check_default_transport()?;
        }
        let auth: Arc<dyn Policy> =
            Arc::new(BearerTokenAuthorizationPolicy::new(credential, [scope]));
        let pipeline = Pipeline::new(
            option_env!("CARGO_PKG_NAME"),
            option_env!("CARGO_PKG_VERSION"),
            options.client_options,
            Vec::new(),
            vec![auth],
            None,
        );
        Ok(Self {
            pipeline,
            endpoint,
            check_constraints: !options.skip_constraint_checks,
            tracer,
        })
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The endpoint (its path kept as a prefix), then `path` with each parameter checked and
    /// encoded, then the `query` pairs, each key and value percent-encoded.
    pub fn url(&self, path: &[PathPart<'_>], query: &[(&str, &str)]) -> Result<Url> {
        let suffix = build_path(path, self.check_constraints)?;
        let mut url = self.endpoint.clone();
        let prefix = url.path().trim_end_matches('/');
        let separator = if suffix.starts_with('/') { "" } else { "/" };
        let full = format!("{prefix}{separator}{suffix}");
        url.set_path(&full);
        // Parameters cannot produce a dot segment; a literal in a spec could, and the `url`
        // crate would silently resolve it. Refuse instead of sending elsewhere.
        if url.path() != full {
            return Err(configuration(format!(
                "the path template yields `{full}`, which the URL parser rewrites"
            )));
        }
        let query: Vec<String> = query
            .iter()
            .map(|(key, value)| {
                let key = utf8_percent_encode(key, UNRESERVED);
                let value = utf8_percent_encode(value, UNRESERVED);
                format!("{key}={value}")
            })
            .collect();
        if !query.is_empty() {
            url.set_query(Some(&query.join("&")));
        }
        Ok(url)
    }

    /// Checks a query or header value a caller gave against the spec's constraints (unless
    /// the client skips them).
    pub fn check(&self, param: &ParamSpec, value: &str) -> Result<()> {
        if self.check_constraints {
            check_constraints(param, value)
        } else {
            Ok(())
        }
    }

    /// Checks a request body's constrained properties (unless the client skips the checks);
    /// a failure names the property by its path from `parameters`.
    pub fn check_body(&self, body: &impl CheckConstraints) -> Result<()> {
        if self.check_constraints {
            body.check_constraints(&FieldPath::root("parameters"))
        } else {
            Ok(())
        }
    }

    /// Sends `request`, the one request of the public call `api` (its span's name,
    /// `Microsoft.ServiceBus.Namespaces.regenerateKeys`), as [`send`](Self::send) does.
    pub async fn call(
        &self,
        api: &'static str,
        context: &Context<'_>,
        request: &mut Request,
        success: &[u16],
        errors: &ErrorContract,
    ) -> Result<RawResponse> {
        let context = call_context(self.tracer.as_ref(), api, context);
        self.send(&context, request, success, errors).await
    }

    /// Sends `request`. A status in `success` gives the response; any other status becomes
    /// [`ErrorKind::Service`], read with the `errors` contract.
    pub(crate) async fn send(
        &self,
        context: &Context<'_>,
        request: &mut Request,
        success: &[u16],
        errors: &ErrorContract,
    ) -> Result<RawResponse> {
        // skip_checks: azure_core's own check parses JSON errors only; every status comes
        // back here to be read with the operation's own contract.
        let options = PipelineSendOptions {
            skip_checks: true,
            ..Default::default()
        };
        let response = self.pipeline.send(context, request, Some(options)).await?;
        if success.contains(&u16::from(response.status())) {
            Ok(response)
        } else {
            let error = error_body::service_error(response, errors);
            Err(Error::new(ErrorKind::Service(error)))
        }
    }

    /// A poller for the long-running operation `api` (its span's name) started by
    /// `request`, whose initial response has one of the success `statuses`; nothing is sent
    /// until it is awaited or polled. `format` is `None` for an operation without a result
    /// (a DELETE).
    pub fn poller<T: DeserializeOwned + Send + 'static>(
        &self,
        api: &'static str,
        context: Context<'_>,
        request: Request,
        statuses: &'static [u16],
        errors: &'static ErrorContract,
        final_state: FinalState,
        format: Option<BodyFormat>,
    ) -> Poller<T> {
        Poller::new(
            self.clone(),
            CallSpan::new(self.tracer.as_ref(), api),
            context.into_owned(),
            request,
            statuses,
            errors,
            final_state,
            format,
        )
    }

    /// A pager over the list that `request` reads (the first page of the paged operation
    /// `api`, its span's name), whose pages come with one of the success `statuses`; nothing
    /// is sent until it is polled. `api_version` is added to a next link that has none.
    pub fn pager<P: Page>(
        &self,
        api: &'static str,
        options: PagerOptions<'_>,
        request: Request,
        statuses: &'static [u16],
        api_version: Option<&'static str>,
        errors: &'static ErrorContract,
    ) -> Pager<P> {
        Pager::new(
            self.clone(),
            CallSpan::new(self.tracer.as_ref(), api),
            request,
            statuses,
            api_version,
            errors,
            options,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::cloud::test_endpoints::Arm;
    use azure_core::credentials::{AccessToken, TokenRequestOptions};
    use regex::Regex;
    use std::sync::LazyLock;

    #[derive(Debug)]
    struct NoCredential;

    #[async_trait::async_trait]
    impl TokenCredential for NoCredential {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            unreachable!("these tests send nothing")
        }
    }

    static NAME_PATTERN: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[a-z0-9.-]+$").unwrap());
    static NAME: ParamSpec = ParamSpec {
        name: "name",
        min_length: Some(2),
        max_length: None,
        pattern: Some(&NAME_PATTERN),
    };

    fn core(endpoint: Option<&str>, skip: bool) -> Result<ClientCore> {
        let options = ClientOptions {
            endpoint: endpoint.map(str::to_owned),
            skip_constraint_checks: skip,
            ..Default::default()
        };
        ClientCore::new::<Arm>(Arc::new(NoCredential), options, "Contoso.Tests")
    }

    fn url_for(endpoint: &str, value: &str) -> Result<String> {
        let parts = [
            PathPart::Literal("/subscriptions/"),
            PathPart::Param(&NAME, value),
            PathPart::Literal("/regenerateKeys"),
        ];
        let query = [("api-version", "2017-04-01"), ("x y", "a&b=c#d")];
        Ok(core(Some(endpoint), false)?
            .url(&parts, &query)?
            .to_string())
    }

    #[test]
    fn url_keeps_endpoint_prefix_and_encodes_query() {
        let expected = "https://h.test/base/subscriptions/abc/regenerateKeys?api-version=2017-04-01&x%20y=a%26b%3Dc%23d";
        assert_eq!(url_for("https://h.test/base", "abc").unwrap(), expected);
        assert_eq!(url_for("https://h.test/base/", "abc").unwrap(), expected);
        assert_eq!(
            url_for("https://127.0.0.1:8443", "abc").unwrap(),
            "https://127.0.0.1:8443/subscriptions/abc/regenerateKeys?api-version=2017-04-01&x%20y=a%26b%3Dc%23d"
        );
    }

    #[test]
    fn url_refuses_bad_values_and_checks_constraints() {
        for value in ["", ".", "..", "a", "a/b", "UPPER"] {
            let error = url_for("https://h.test", value).unwrap_err();
            assert!(matches!(error.kind(), ErrorKind::InvalidParameter { .. }));
        }
        let relaxed = core(None, true).unwrap();
        let url = relaxed
            .url(
                &[PathPart::Literal("/"), PathPart::Param(&NAME, "A/B?#")],
                &[],
            )
            .unwrap();
        assert_eq!(url.as_str(), "https://arm.public.test/A%2FB%3F%23");
        assert!(relaxed.url(&[PathPart::Param(&NAME, "..")], &[]).is_err());
        assert!(relaxed.check(&NAME, "X").is_ok());
        assert!(core(None, false).unwrap().check(&NAME, "X").is_err());
    }

    /// A body whose `size` must be at most 10.
    struct Sized {
        size: i64,
    }

    impl CheckConstraints for Sized {
        fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
            let rule = crate::support::check::IntegerRule {
                minimum: None,
                maximum: Some(10),
            };
            crate::support::check::check_integer(&at.field("size"), self.size, &rule)
        }
    }

    #[test]
    fn check_body_names_the_property_unless_checks_are_skipped() {
        let error = core(None, false)
            .unwrap()
            .check_body(&Sized { size: 11 })
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidParameter { .. }));
        assert!(error.to_string().contains("`parameters.size`"), "{error}");
        assert!(
            core(None, false)
                .unwrap()
                .check_body(&Sized { size: 10 })
                .is_ok()
        );
        assert!(
            core(None, true)
                .unwrap()
                .check_body(&Sized { size: 11 })
                .is_ok()
        );
    }

    #[test]
    fn literal_dot_segments_are_refused() {
        let core = core(None, false).unwrap();
        let error = core.url(&[PathPart::Literal("/a/../b")], &[]).unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Configuration(_)));
    }

    #[tokio::test]
    async fn send_reads_every_status_with_the_contract() {
        use crate::support::error_body::ARM_SHAPE;
        use azure_core::http::{Method, RetryOptions};
        use wiremock::matchers::{body_string, header, method, path, query_param};
        use wiremock::{Mock, MockServer, ResponseTemplate};

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/subscriptions/ok/regenerateKeys"))
            .and(query_param("api-version", "2017-04-01"))
            .and(header("authorization", "Bearer fake-token"))
            .and(header("content-type", "application/json"))
            .and(body_string(r#"{"keyType":"PrimaryKey"}"#))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/subscriptions/missing/regenerateKeys"))
            .respond_with(
                ResponseTemplate::new(404)
                    .insert_header("x-ms-request-id", "rid-9")
                    .set_body_string(r#"{"error":{"code":"NotFound","message":"no such thing"}}"#),
            )
            .mount(&server)
            .await;
        let credential = testkit::FakeCredential::new();
        let options = ClientOptions {
            client_options: testkit::client_options_with_retry(&server, RetryOptions::none()),
            endpoint: Some(testkit::https_uri(&server)),
            ..ClientOptions::default()
        };
        let core = ClientCore::new::<Arm>(credential.clone(), options, "Contoso.Tests").unwrap();
        let send = |subscription: &'static str| {
            let core = core.clone();
            async move {
                let parts = [
                    PathPart::Literal("/subscriptions/"),
                    PathPart::Param(&NAME, subscription),
                    PathPart::Literal("/regenerateKeys"),
                ];
                let url = core.url(&parts, &[("api-version", "2017-04-01")])?;
                let mut request = Request::new(url, Method::Post);
                let body = std::collections::BTreeMap::from([("keyType", "PrimaryKey")]);
                crate::support::body::set_json_body(&mut request, &body)?;
                core.send(&Context::new(), &mut request, &[200], &ARM_SHAPE)
                    .await
            }
        };
        assert_eq!(send("ok").await.unwrap().status(), 200);
        let error = send("missing").await.unwrap_err();
        assert_eq!(
            error.to_string(),
            "HTTP 404 Not Found: NotFound: no such thing (x-ms-request-id: rid-9)"
        );
        assert_eq!(credential.calls(), 1);
        let origin = testkit::https_uri(&server);
        assert_eq!(credential.scopes(), [format!("{origin}/.default")]);

        // Nothing listening: a transport error, with azure_core's error as the source.
        let mut client_options = azure_core::http::ClientOptions::default();
        let loopback = Arc::new(testkit::LoopbackTransport::new());
        client_options.transport = Some(azure_core::http::Transport::new(loopback));
        client_options.retry = RetryOptions::none();
        let closed = ClientOptions {
            endpoint: Some("https://127.0.0.1:1".into()),
            client_options,
            ..ClientOptions::default()
        };
        let core = ClientCore::new::<Arm>(credential, closed, "Contoso.Tests").unwrap();
        let mut request = Request::new(core.url(&[], &[]).unwrap(), Method::Get);
        let error = core
            .send(&Context::new(), &mut request, &[200], &ARM_SHAPE)
            .await
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Transport), "{error:?}");
        assert!(error.to_string().starts_with("request failed: "), "{error}");
        let source = std::error::Error::source(&error).unwrap();
        assert!(source.downcast_ref::<azure_core::Error>().is_some());
    }
}
