//! Hand-written stand-ins for generated code, in the exact shapes the generator emits, run
//! against a local server: if the support API drifts from what generated code calls, this
//! stops compiling.

use crate::support::*;
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::pager::PagerOptions;
use azure_core::http::{ClientMethodOptions, Method, Request, RetryOptions};
use futures::TryStreamExt;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, LazyLock};
use wiremock::matchers::{body_string, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An endpoint set, as `src/endpoints.rs` defines one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct ResourceManager;

impl CloudEndpoints for ResourceManager {
    const AZURE_PUBLIC: CloudEndpoint = CloudEndpoint {
        host: "https://management.azure.com",
        audience: "https://management.azure.com",
    };
    const AZURE_CHINA: CloudEndpoint = CloudEndpoint {
        host: "https://management.chinacloudapi.cn",
        audience: "https://management.chinacloudapi.cn",
    };
    const AZURE_GOVERNMENT: CloudEndpoint = CloudEndpoint {
        host: "https://management.usgovcloudapi.net",
        audience: "https://management.usgovcloudapi.net",
    };
}

const ERROR_RESPONSE_CONTRACT: ErrorContract = ErrorContract {
    format: BodyFormat::Json,
    fields: ErrorFields {
        code: &["error", "code"],
        message: &["error", "message"],
        target: &["error", "target"],
    },
    details: &["error", "details"],
    detail_fields: ErrorFields {
        code: &["code"],
        message: &["message"],
        target: &["target"],
    },
};

const STORAGE_ERROR_CONTRACT: ErrorContract = ErrorContract {
    format: BodyFormat::Xml,
    fields: ErrorFields {
        code: &["Code"],
        message: &["Message"],
        target: &[],
    },
    details: &[],
    detail_fields: ErrorFields {
        code: &[],
        message: &[],
        target: &[],
    },
};

#[derive(Serialize)]
struct RegenerateAccessKeyParameters {
    #[serde(rename = "keyType")]
    key_type: &'static str,
}

#[derive(Debug, Deserialize)]
struct AccessKeys {
    #[serde(rename = "primaryKey")]
    primary_key: Option<Secret>,
}

#[derive(Serialize)]
struct RegenerateKeys {
    #[serde(rename = "KeyType")]
    key_type: &'static str,
}

#[derive(Debug, Deserialize)]
struct StorageService {
    #[serde(rename = "StorageServiceKeys")]
    keys: StorageServiceKeys,
}

#[derive(Debug, Deserialize)]
struct StorageServiceKeys {
    #[serde(rename = "Primary")]
    primary: Secret,
}

#[derive(Debug, Deserialize, Serialize)]
struct RuleList {
    value: Option<Vec<AccessRule>>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Serialize)]
struct AccessRule {
    name: String,
}

impl Page for RuleList {
    type Item = AccessRule;

    fn next_link(&self) -> Option<&str> {
        self.next_link.as_deref()
    }

    fn into_items(self) -> Vec<AccessRule> {
        self.value.unwrap_or_default()
    }
}

#[derive(Default)]
struct MethodOptions<'a> {
    method_options: ClientMethodOptions<'a>,
}

#[derive(Default)]
struct ListOptions<'a> {
    method_options: PagerOptions<'a>,
}

struct Client {
    core: ClientCore,
}

impl Client {
    fn new(credential: Arc<dyn TokenCredential>, options: Option<ClientOptions>) -> Result<Self> {
        let options = options.unwrap_or_default();
        let core = ClientCore::new::<ResourceManager>(credential, options, "Contoso.Tests")?;
        Ok(Self { core })
    }

    async fn regenerate_keys(
        &self,
        subscription_id: &str,
        namespace_name: &str,
        parameters: &RegenerateAccessKeyParameters,
        options: Option<MethodOptions<'_>>,
    ) -> Result<Response<AccessKeys>> {
        static SUBSCRIPTION_ID: ParamSpec = ParamSpec {
            name: "subscriptionId",
            min_length: None,
            max_length: None,
            pattern: None,
        };
        static NAMESPACE_NAME_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new("^[a-zA-Z][a-zA-Z0-9-]{6,50}[a-zA-Z0-9]$")
                .expect("pattern checked at generation time")
        });
        static NAMESPACE_NAME: ParamSpec = ParamSpec {
            name: "namespaceName",
            min_length: Some(6),
            max_length: Some(50),
            pattern: Some(&NAMESPACE_NAME_PATTERN),
        };
        let options = options.unwrap_or_default();
        let url = self.core.url(
            &[
                PathPart::Literal("/subscriptions/"),
                PathPart::Param(&SUBSCRIPTION_ID, subscription_id),
                PathPart::Literal("/namespaces/"),
                PathPart::Param(&NAMESPACE_NAME, namespace_name),
                PathPart::Literal("/regenerateKeys"),
            ],
            &[("api-version", "2017-04-01")],
        )?;
        let mut request = Request::new(url, Method::Post);
        set_json_body(&mut request, parameters)?;
        let response = self
            .core
            .call(
                "Contoso.Tests.Widgets.call",
                &options.method_options.context,
                &mut request,
                &[200],
                &ERROR_RESPONSE_CONTRACT,
            )
            .await?;
        decode_json(response)
    }

    async fn regenerate_storage_keys(
        &self,
        parameters: &RegenerateKeys,
        options: Option<MethodOptions<'_>>,
    ) -> Result<Response<StorageService>> {
        let options = options.unwrap_or_default();
        let url = self.core.url(
            &[PathPart::Literal("/services/storageservices/acct/keys")],
            &[("action", "regenerate")],
        )?;
        let mut request = Request::new(url, Method::Post);
        request.insert_header("x-ms-version", "2011-06-01");
        set_xml_body(
            &mut request,
            parameters,
            "RegenerateKeys",
            Some("http://schemas.microsoft.com/windowsazure"),
        )?;
        let response = self
            .core
            .call(
                "Contoso.Tests.Widgets.call",
                &options.method_options.context,
                &mut request,
                &[200],
                &STORAGE_ERROR_CONTRACT,
            )
            .await?;
        decode_xml(response, "StorageService")
    }

    fn begin_regenerate_redis_key(
        &self,
        options: Option<MethodOptions<'_>>,
    ) -> Result<Poller<AccessKeys>> {
        let options = options.unwrap_or_default();
        let url = self.core.url(
            &[PathPart::Literal("/redis/cache/regenerateKey")],
            &[("api-version", "2024-11-01")],
        )?;
        let mut request = Request::new(url, Method::Post);
        set_json_body(
            &mut request,
            &RegenerateKeys {
                key_type: "Primary",
            },
        )?;
        Ok(self.core.poller(
            "Contoso.Tests.Widgets.start",
            options.method_options.context,
            request,
            &[200, 202],
            &ERROR_RESPONSE_CONTRACT,
            FinalState::AzureAsyncOperation,
            Some(BodyFormat::Json),
        ))
    }

    fn list_rules(&self, options: Option<ListOptions<'_>>) -> Result<Pager<RuleList>> {
        let options = options.unwrap_or_default();
        let url = self.core.url(
            &[PathPart::Literal("/rules")],
            &[("api-version", "2024-01-01")],
        )?;
        let request = Request::new(url, Method::Get);
        let pager = self.core.pager(
            "Contoso.Tests.Widgets.list",
            options.method_options,
            request,
            &[200],
            Some("2024-01-01"),
            &ERROR_RESPONSE_CONTRACT,
        );
        Ok(pager)
    }

    async fn get_if_changed(
        &self,
        if_none_match: &str,
        options: Option<MethodOptions<'_>>,
    ) -> Result<Response<Option<AccessRule>>> {
        let options = options.unwrap_or_default();
        let url = self.core.url(&[PathPart::Literal("/rules/one")], &[])?;
        let mut request = Request::new(url, Method::Get);
        request.insert_header("if-none-match", if_none_match.to_string());
        let response = self
            .core
            .call(
                "Contoso.Tests.Widgets.call",
                &options.method_options.context,
                &mut request,
                &[200, 304],
                &ERROR_RESPONSE_CONTRACT,
            )
            .await?;
        decode_optional(response, &[200], decode_json)
    }

    fn begin_delete(&self, options: Option<MethodOptions<'_>>) -> Result<Poller<()>> {
        let options = options.unwrap_or_default();
        let url = self.core.url(&[PathPart::Literal("/rules/old")], &[])?;
        let request = Request::new(url, Method::Delete);
        let poller = self.core.poller(
            "Contoso.Tests.Widgets.start",
            options.method_options.context,
            request,
            &[200, 202, 204],
            &ERROR_RESPONSE_CONTRACT,
            FinalState::Location,
            None,
        );
        Ok(poller)
    }

    async fn delete(&self) -> Result<Response<()>> {
        let url = self.core.url(&[PathPart::Literal("/thing")], &[])?;
        let mut request = Request::new(url, Method::Delete);
        let context = azure_core::http::Context::new();
        let response = self
            .core
            .send(
                &context,
                &mut request,
                &[200, 204],
                &ERROR_RESPONSE_CONTRACT,
            )
            .await?;
        decode_empty(response)
    }
}

fn rule(name: &str) -> AccessRule {
    AccessRule {
        name: name.to_owned(),
    }
}

fn client(server: &MockServer) -> Client {
    let options = ClientOptions {
        client_options: testkit::client_options_with_retry(server, RetryOptions::none()),
        endpoint: Some(testkit::https_uri(server)),
        ..ClientOptions::default()
    };
    Client::new(testkit::FakeCredential::new(), Some(options)).unwrap()
}

#[tokio::test]
async fn generated_shapes_work_end_to_end() {
    let server = MockServer::start().await;
    let base = testkit::https_uri(&server);
    Mock::given(method("POST"))
        .and(path(
            "/subscriptions/sub-1/namespaces/sb-namespace1/regenerateKeys",
        ))
        .and(query_param("api-version", "2017-04-01"))
        .and(body_string(r#"{"keyType":"PrimaryKey"}"#))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"primaryKey":"k1"}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/services/storageservices/acct/keys"))
        .and(query_param("action", "regenerate"))
        .and(header("x-ms-version", "2011-06-01"))
        .and(header("content-type", "application/xml"))
        .and(body_string(
            r#"<?xml version="1.0" encoding="utf-8"?><RegenerateKeys xmlns="http://schemas.microsoft.com/windowsazure"><KeyType>Primary</KeyType></RegenerateKeys>"#,
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            "<StorageService xmlns=\"http://schemas.microsoft.com/windowsazure\"><StorageServiceKeys><Primary>k2</Primary></StorageServiceKeys></StorageService>",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/redis/cache/regenerateKey"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("{base}/op"))
                .insert_header("Location", format!("{base}/result"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"Succeeded"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/result"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"primaryKey":"k3"}"#))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/thing"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rules"))
        .and(query_param("api-version", "2024-01-01"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"value":[{{"name":"r1"}}],"nextLink":"{base}/rules?page=2"}}"#
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rules"))
        .and(query_param("page", "2"))
        .and(query_param("api-version", "2024-01-01"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"value":[{"name":"r2"}]}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rules/one"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"name":"r3"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rules/one"))
        .and(header("if-none-match", "\"v2\""))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rules/old"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;

    let client = client(&server);
    let parameters = RegenerateAccessKeyParameters {
        key_type: "PrimaryKey",
    };
    let keys = client
        .regenerate_keys("sub-1", "sb-namespace1", &parameters, None)
        .await
        .unwrap()
        .into_model();
    assert_eq!(keys.primary_key.unwrap().secret(), "k1");

    let storage = client
        .regenerate_storage_keys(
            &RegenerateKeys {
                key_type: "Primary",
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(storage.model().keys.primary.secret(), "k2");

    let poller = client.begin_regenerate_redis_key(None).unwrap();
    let redis = poller.await.unwrap().into_model();
    assert_eq!(redis.primary_key.unwrap().secret(), "k3");

    assert_eq!(client.delete().await.unwrap().status(), 204);

    let rules: Vec<AccessRule> = client
        .list_rules(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rules, [rule("r1"), rule("r2")]);
    let changed = client.get_if_changed("\"v1\"", None).await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.into_model(), Some(rule("r3")));
    let unchanged = client.get_if_changed("\"v2\"", None).await.unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.into_model(), None);
    let deleted = client.begin_delete(None).unwrap().await.unwrap();
    assert_eq!(deleted.status(), 204);

    // Invalid parameters: refused before anything is sent.
    let before = server.received_requests().await.unwrap().len();
    for namespace in ["ab", "..", "a/b/../../x"] {
        let error = client
            .regenerate_keys("sub-1", namespace, &parameters, None)
            .await
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidParameter { .. }));
    }
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn classic_xml_errors_are_parsed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-ms-request-id", "smapi-1")
                .set_body_string(
                    "<Error xmlns=\"http://schemas.microsoft.com/windowsazure\"><Code>BadRequest</Code><Message>The key type is not valid.</Message></Error>",
                ),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .regenerate_storage_keys(
            &RegenerateKeys {
                key_type: "Tertiary",
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "HTTP 400 Bad Request: BadRequest: The key type is not valid. (x-ms-request-id: smapi-1)"
    );
}
