//! The schema language's features, end to end over HTTP on real operations transcribed from the
//! Azure REST API specs: read-only properties left out of a PUT body (Event Hubs), dates read
//! leniently and written as RFC 3339 (Service Bus), string maps (Service Bus tags), a union
//! whose unknown kind is kept raw without showing its secrets, and nested unions (Data
//! Factory), and wrapped XML lists (classic Storage).
//!
//! Rules on request-body properties (an int32's bounds, checked before anything is sent) have
//! no carrier among these operations: no Event Hubs or Service Bus request body has a rule.
//! They are proven on the synthetic service in `generator/tests/valid` instead
//! (`generator/tests/valid_crate/body_rules.rs`, run by `odd_names_compile`).

mod common;

use azure_core::time::{OffsetDateTime, parse_rfc3339};
use common::{MARKER, assert_no_secret, options, requests};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUBSCRIPTION: &str = "5f750a97-50d9-4e36-8081-c9ee4c0210d4";

fn date(text: &str) -> OffsetDateTime {
    parse_rfc3339(text).expect("a valid RFC 3339 date")
}

/// Serves `body` as JSON to every `method` request on `path`, exactly once.
async fn serve_json(server: &MockServer, http_method: &str, at: &str, body: &Value) {
    Mock::given(method(http_method))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

mod event_hubs {
    use super::*;
    use azure_mgmt::common::{CreatedByType, SystemData};
    use azure_mgmt::event_hubs::{
        AccessRights, AuthorizationRule, AuthorizationRuleProperties, EventHubsClient,
    };

    const RULE: &str = "/subscriptions/5f750a97-50d9-4e36-8081-c9ee4c0210d4/resourceGroups/ArunMonocle/providers/Microsoft.EventHub/namespaces/sdk-Namespace-2702/authorizationRules/sdk-Authrules-1746";

    /// The rule as the service stores it: every read-only field set.
    fn stored() -> Value {
        json!({
            "id": RULE,
            "name": "sdk-Authrules-1746",
            "type": "Microsoft.EventHub/Namespaces/AuthorizationRules",
            "location": "West US",
            "properties": {"rights": ["Manage", "Listen"]},
            "systemData": {
                "createdBy": "someone@example.com",
                "createdByType": "User",
                "createdAt": "2024-01-02T03:04:05Z",
                "lastModifiedByType": "Application",
            },
        })
    }

    /// Read, modify, write back: the PUT body is the model a GET gives, with its id, name,
    /// type, location and systemData set, and none of them goes on the wire.
    #[tokio::test]
    async fn a_put_body_never_carries_read_only_fields() {
        let server = MockServer::start().await;
        serve_json(&server, "PUT", RULE, &stored()).await;
        let client = EventHubsClient::new(testkit::FakeCredential::new(), Some(options(&server)))
            .expect("the test endpoint is valid");
        let rule = AuthorizationRule {
            id: Some(RULE.to_owned()),
            name: Some("sdk-Authrules-1746".to_owned()),
            r#type: Some("Microsoft.EventHub/Namespaces/AuthorizationRules".to_owned()),
            location: Some("West US".to_owned()),
            properties: Some(AuthorizationRuleProperties {
                rights: vec![AccessRights::Manage, AccessRights::Listen],
            }),
            system_data: Some(SystemData {
                created_by: Some("someone@example.com".to_owned()),
                created_by_type: Some(CreatedByType::User),
                created_at: Some(date("2024-01-02T03:04:05Z")),
                ..SystemData::default()
            }),
        };

        let response = client
            .namespaces_create_or_update_authorization_rule(
                SUBSCRIPTION,
                "ArunMonocle",
                "sdk-Namespace-2702",
                "sdk-Authrules-1746",
                &rule,
                None,
            )
            .await
            .expect("the rule is stored");

        let sent = requests(&server).await;
        assert_eq!(sent.len(), 1);
        let body: Value = serde_json::from_slice(&sent[0].body).expect("a JSON body");
        assert_eq!(
            body,
            json!({"properties": {"rights": ["Manage", "Listen"]}})
        );
        // The model the caller built still holds every field, and so does the response; any
        // serialization but a request body keeps them.
        assert_eq!(
            rule.system_data
                .as_ref()
                .and_then(|s| s.created_by_type.clone()),
            Some(CreatedByType::User)
        );
        let stored_rule = response.model();
        assert_eq!(stored_rule.location.as_deref(), Some("West US"));
        let system = stored_rule
            .system_data
            .as_ref()
            .expect("systemData is read");
        assert_eq!(system.created_at, Some(date("2024-01-02T03:04:05Z")));
        assert_eq!(
            system.last_modified_by_type,
            Some(CreatedByType::Application)
        );
        assert_eq!(serde_json::to_value(stored_rule).unwrap(), stored());
    }
}

mod service_bus {
    use super::*;
    use azure_mgmt::service_bus::{SbNamespace, ServiceBusClient, SkuName, SkuTier};

    const NAMESPACE: &str = "/subscriptions/5f750a97-50d9-4e36-8081-c9ee4c0210d4/resourceGroups/ArunMonocle/providers/Microsoft.ServiceBus/namespaces/sdk-Namespace-2924";

    fn namespace(created_at: &str, updated_at: &str) -> Value {
        json!({
            "sku": {"name": "Premium", "tier": "Premium", "capacity": 4},
            "id": NAMESPACE,
            "name": "sdk-Namespace-2924",
            "type": "Microsoft.ServiceBus/Namespaces",
            "location": "South Central US",
            "tags": {"tag1": "value1", "cost center": "42", "empty": ""},
            "properties": {
                "provisioningState": "Succeeded",
                "createdAt": created_at,
                "updatedAt": updated_at,
                "serviceBusEndpoint": "https://sdk-Namespace-2924.servicebus.windows.net:443/",
            },
        })
    }

    async fn get(body: Value) -> SbNamespace {
        let server = MockServer::start().await;
        serve_json(&server, "GET", NAMESPACE, &body).await;
        let client = ServiceBusClient::new(testkit::FakeCredential::new(), Some(options(&server)))
            .expect("the test endpoint is valid");
        client
            .namespaces_get(SUBSCRIPTION, "ArunMonocle", "sdk-Namespace-2924", None)
            .await
            .expect("the namespace is read")
            .into_model()
    }

    /// .NET writes seven digits of fraction, and some dates come without an offset (UTC is
    /// meant); both are read as the instant they name, and written back as RFC 3339.
    #[tokio::test]
    async fn dates_round_trip_as_offset_date_times() {
        let model = get(namespace(
            "2017-05-25T22:26:36.7612345Z",
            "2017-05-26T08:00:01",
        ))
        .await;
        let properties = model.properties.as_ref().expect("properties are read");
        let created: OffsetDateTime = properties.created_at.expect("createdAt is a date");
        assert_eq!(created, date("2017-05-25T22:26:36.7612345Z"));
        assert_eq!(created.nanosecond(), 761_234_500);
        assert_eq!(properties.updated_at, Some(date("2017-05-26T08:00:01Z")));

        let written = serde_json::to_value(&model).unwrap();
        assert_eq!(
            written["properties"]["createdAt"],
            "2017-05-25T22:26:36.7612345Z"
        );
        assert_eq!(written["properties"]["updatedAt"], "2017-05-26T08:00:01Z");
    }

    /// A date the crate cannot read is `None`; the rest of the namespace is still read.
    #[tokio::test]
    async fn an_unreadable_date_is_none_and_the_response_still_reads() {
        let model = get(namespace("last Tuesday", "2017-05-26T08:00:01+02:00")).await;
        let properties = model.properties.as_ref().expect("properties are read");
        assert_eq!(properties.created_at, None);
        assert_eq!(properties.updated_at, Some(date("2017-05-26T06:00:01Z")));
        assert_eq!(properties.provisioning_state.as_deref(), Some("Succeeded"));
        assert_eq!(model.location, "South Central US");
        assert_eq!(model.tags.as_ref().map(BTreeMap::len), Some(3));
    }

    /// `tags` is a map of strings, every key kept as sent; the SKU's int32 capacity and its
    /// enums are typed.
    #[tokio::test]
    async fn tags_are_a_string_map() {
        let model = get(namespace(
            "2017-05-25T22:26:36.76Z",
            "2017-05-25T22:26:36.76Z",
        ))
        .await;
        let expected: BTreeMap<String, String> =
            [("tag1", "value1"), ("cost center", "42"), ("empty", "")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        assert_eq!(model.tags, Some(expected));
        let sku = model.sku.as_ref().expect("the sku is read");
        assert_eq!(sku.name, SkuName::Premium);
        assert_eq!(sku.tier, Some(SkuTier::Premium));
        assert_eq!(sku.capacity, Some(4_i32));
        assert_eq!(
            serde_json::to_value(&model).unwrap()["tags"],
            json!({"cost center": "42", "empty": "", "tag1": "value1"})
        );
    }

    /// The nested Service Bus error (`{error: {...}}`, whose details are error responses
    /// again) gives the caller its code, message and details.
    #[tokio::test]
    async fn the_nested_error_contract_is_read() {
        let server = MockServer::start().await;
        let error = json!({"error": {
            "code": "NotFound",
            "message": "Namespace does not exist.",
            "target": "namespaceName",
            "details": [{"error": {"code": "EntityNotFound", "message": "sdk-Namespace-2924"}}],
        }});
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_json(&error))
            .mount(&server)
            .await;
        let client = ServiceBusClient::new(testkit::FakeCredential::new(), Some(options(&server)))
            .expect("the test endpoint is valid");
        let error = client
            .namespaces_get(SUBSCRIPTION, "ArunMonocle", "sdk-Namespace-2924", None)
            .await
            .expect_err("404 is an error");
        let service = error.service_error().expect("a service error");
        assert_eq!(service.code(), Some("NotFound"));
        assert_eq!(service.message(), Some("Namespace does not exist."));
        assert_eq!(service.target(), Some("namespaceName"));
        let details: Vec<_> = service
            .details()
            .iter()
            .map(|d| (d.code(), d.message()))
            .collect();
        assert_eq!(
            details,
            [(Some("EntityNotFound"), Some("sdk-Namespace-2924"))]
        );
    }
}

mod data_factory {
    use super::*;
    use azure_mgmt::data_factory::{
        DataFactoryClient, IntegrationRuntime, IntegrationRuntimeResource,
        IntegrationRuntimesGetOptions, LinkedIntegrationRuntimeType,
    };

    const RUNTIME: &str = "/subscriptions/12345678-1234-1234-1234-12345678abc/resourceGroups/exampleResourceGroup/providers/Microsoft.DataFactory/factories/exampleFactoryName/integrationRuntimes/exampleIntegrationRuntime";

    fn resource(properties: Value) -> Value {
        json!({
            "id": RUNTIME,
            "name": "exampleIntegrationRuntime",
            "type": "Microsoft.DataFactory/factories/integrationruntimes",
            "etag": "15003c4f-0000-0200-0000-5cbe090b0000",
            "properties": properties,
        })
    }

    /// The runtime a 200 carries.
    fn runtime_of(
        response: &azure_mgmt::Response<Option<IntegrationRuntimeResource>>,
    ) -> &IntegrationRuntimeResource {
        response
            .model()
            .as_ref()
            .expect("a 200 carries the runtime")
    }

    async fn get(body: Value) -> azure_mgmt::Response<Option<IntegrationRuntimeResource>> {
        let server = MockServer::start().await;
        serve_json(&server, "GET", RUNTIME, &body).await;
        let client = DataFactoryClient::new(testkit::FakeCredential::new(), Some(options(&server)))
            .expect("the test endpoint is valid");
        client
            .integration_runtimes_get(
                "12345678-1234-1234-1234-12345678abc",
                "exampleResourceGroup",
                "exampleFactoryName",
                "exampleIntegrationRuntime",
                None,
            )
            .await
            .expect("the runtime is read")
    }

    /// A kind of runtime this crate does not know is kept: its kind and its JSON as sent,
    /// and `Debug` shows the kind but none of what it holds.
    #[tokio::test]
    async fn an_unknown_runtime_kind_is_kept_raw_and_hides_its_contents() {
        let properties = json!({
            "type": "Serverless",
            "description": "A kind this crate does not know.",
            "typeProperties": {"connectionString": "Endpoint=x;Key=SECRET-serverless-key"},
        });
        let response = get(resource(properties.clone())).await;

        let IntegrationRuntime::UnknownVariant(unknown) = &runtime_of(&response).properties else {
            panic!("an unknown kind is kept as UnknownVariant");
        };
        assert_eq!(unknown.kind(), Some("Serverless"));
        assert_eq!(unknown.raw(), &properties);
        assert_eq!(
            serde_json::to_value(runtime_of(&response)).unwrap(),
            resource(properties),
            "written back as it was sent"
        );
        for text in [
            format!("{response:?}"),
            format!("{:#?}", runtime_of(&response)),
        ] {
            assert!(text.contains("Serverless"), "{text}");
            assert_no_secret(&text, "an unknown runtime kind");
        }
    }

    /// Known kinds pick their variant, nested unions included: a self-hosted runtime linked
    /// with a key holds a `SecureString` whose value is a secret.
    #[tokio::test]
    async fn nested_unions_pick_their_variants_and_hide_secrets() {
        let properties = json!({
            "type": "SelfHosted",
            "description": "A linked runtime",
            "typeProperties": {"linkedInfo": {
                "authorizationType": "Key",
                "key": {"type": "SecureString", "value": "SECRET-linked-runtime-key"},
            }},
        });
        let response = get(resource(properties.clone())).await;

        let IntegrationRuntime::SelfHosted(runtime) = &runtime_of(&response).properties else {
            panic!("a SelfHosted runtime");
        };
        assert_eq!(runtime.description.as_deref(), Some("A linked runtime"));
        let linked = runtime
            .type_properties
            .as_ref()
            .and_then(|t| t.linked_info.as_ref());
        let Some(LinkedIntegrationRuntimeType::Key(key)) = linked else {
            panic!("a key authorization: {linked:?}");
        };
        assert_eq!(key.key.value.secret(), "SECRET-linked-runtime-key");
        assert_no_secret(&format!("{response:?}"), "a linked runtime");
        assert_no_secret(&format!("{:#?}", runtime_of(&response)), "a linked runtime");
        // Written back with each variant's discriminator, exactly once.
        let written = serde_json::to_string(runtime_of(&response)).unwrap();
        assert_eq!(
            written.matches(r#""type":"SelfHosted""#).count(),
            1,
            "{}",
            written.replace(MARKER, "…")
        );
        assert_eq!(
            serde_json::from_str::<Value>(&written).unwrap(),
            resource(properties)
        );
    }

    /// The optional `If-None-Match` header goes out as given, and a matching version answers
    /// 304 without a body: a success whose model is `None`.
    #[tokio::test]
    async fn if_none_match_is_sent_when_given() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(RUNTIME))
            .and(query_param("api-version", "2018-06-01"))
            .and(header(
                "if-none-match",
                "15003c4f-0000-0200-0000-5cbe090b0000",
            ))
            .respond_with(ResponseTemplate::new(304))
            .expect(1)
            .mount(&server)
            .await;
        let client = DataFactoryClient::new(testkit::FakeCredential::new(), Some(options(&server)))
            .expect("the test endpoint is valid");
        let options = IntegrationRuntimesGetOptions {
            if_none_match: Some("15003c4f-0000-0200-0000-5cbe090b0000".to_owned()),
            ..Default::default()
        };
        let response = client
            .integration_runtimes_get(
                "12345678-1234-1234-1234-12345678abc",
                "exampleResourceGroup",
                "exampleFactoryName",
                "exampleIntegrationRuntime",
                Some(options),
            )
            .await
            .expect("the runtime is read");
        assert_eq!(response.status(), 304);
        assert!(response.model().is_none());
    }

    /// The typed double answers the status the test names: 304 and no model.
    #[tokio::test]
    async fn a_double_answers_304_without_a_body() {
        use azure_mgmt::data_factory::doubles::integration_runtimes_get;
        let azure = azure_mgmt::doubles::MockAzure::start().await;
        azure
            .expect(
                integration_runtimes_get(
                    "12345678-1234-1234-1234-12345678abc",
                    "exampleResourceGroup",
                    "exampleFactoryName",
                    "exampleIntegrationRuntime",
                )
                .returns_with_status(304, None)
                .times(1),
            )
            .await;
        let client: DataFactoryClient = azure.client();
        let response = client
            .integration_runtimes_get(
                "12345678-1234-1234-1234-12345678abc",
                "exampleResourceGroup",
                "exampleFactoryName",
                "exampleIntegrationRuntime",
                None,
            )
            .await
            .expect("a 304 is a success");
        assert_eq!(response.status(), 304);
        assert!(response.model().is_none());
    }
}

mod storage_classic {
    use super::*;
    use azure_mgmt::storage_classic::StorageClassicClient;

    const PROPERTIES: &str =
        "/5f750a97-50d9-4e36-8081-c9ee4c0210d4/services/storageservices/mystorageaccount";

    /// Get Storage Account Properties: wrapped lists (`<Endpoints><Endpoint/>...`), nested
    /// elements, booleans and dates from XML text, with whitespace between the elements as a
    /// server may indent them.
    #[tokio::test]
    async fn properties_xml_with_wrapped_lists_is_read() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<StorageService xmlns="http://schemas.microsoft.com/windowsazure" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <Url>https://management.core.windows.net/5f750a97-50d9-4e36-8081-c9ee4c0210d4/services/storageservices/mystorageaccount</Url>
  <ServiceName>mystorageaccount</ServiceName>
  <StorageServiceProperties>
    <Description i:nil="true"/>
    <Location>West Europe</Location>
    <Label>bXlzdG9yYWdlYWNjb3VudA==</Label>
    <Status>Created</Status>
    <Endpoints>
      <Endpoint>https://mystorageaccount.blob.core.windows.net/</Endpoint>
      <Endpoint>https://mystorageaccount.queue.core.windows.net/</Endpoint>
      <Endpoint>https://mystorageaccount.table.core.windows.net/</Endpoint>
    </Endpoints>
    <GeoReplicationEnabled>true</GeoReplicationEnabled>
    <GeoPrimaryRegion>West Europe</GeoPrimaryRegion>
    <StatusOfPrimary>Available</StatusOfPrimary>
    <LastGeoFailoverTime></LastGeoFailoverTime>
    <GeoSecondaryRegion>North Europe</GeoSecondaryRegion>
    <StatusOfSecondary>Available</StatusOfSecondary>
    <CreationTime>2014-05-06T07:08:09.1234567Z</CreationTime>
    <CustomDomains>
      <CustomDomain><Name>files.example.com</Name></CustomDomain>
      <CustomDomain><Name>cdn.example.com</Name></CustomDomain>
    </CustomDomains>
    <SecondaryReadEnabled>false</SecondaryReadEnabled>
    <SecondaryEndpoints>
      <Endpoint>https://mystorageaccount-secondary.blob.core.windows.net/</Endpoint>
    </SecondaryEndpoints>
    <AccountType>Standard_RAGRS</AccountType>
  </StorageServiceProperties>
  <ExtendedProperties>
    <ExtendedProperty><Name>ResourceGroup</Name><Value>build</Value></ExtendedProperty>
    <ExtendedProperty><Name>Owner</Name><Value>ops</Value></ExtendedProperty>
  </ExtendedProperties>
  <Capabilities/>
</StorageService>"#;
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(PROPERTIES))
            .and(header("x-ms-version", "2011-06-01"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(xml, "application/xml"))
            .expect(1)
            .mount(&server)
            .await;
        let client =
            StorageClassicClient::new(testkit::FakeCredential::new(), Some(options(&server)))
                .expect("the test endpoint is valid");
        let account = client
            .storage_services_get_properties(SUBSCRIPTION, "mystorageaccount", None)
            .await
            .expect("the properties are read")
            .into_model();

        assert_eq!(account.service_name.as_deref(), Some("mystorageaccount"));
        let properties = account
            .storage_service_properties
            .as_ref()
            .expect("properties");
        assert_eq!(
            properties.endpoints.as_deref(),
            Some(
                &[
                    "https://mystorageaccount.blob.core.windows.net/".to_owned(),
                    "https://mystorageaccount.queue.core.windows.net/".to_owned(),
                    "https://mystorageaccount.table.core.windows.net/".to_owned(),
                ][..]
            )
        );
        assert_eq!(
            properties.secondary_endpoints.as_deref(),
            Some(&["https://mystorageaccount-secondary.blob.core.windows.net/".to_owned()][..])
        );
        let domains: Vec<_> = properties
            .custom_domains
            .iter()
            .flatten()
            .map(|d| d.name.as_deref())
            .collect();
        assert_eq!(
            domains,
            [Some("files.example.com"), Some("cdn.example.com")]
        );
        assert_eq!(properties.geo_replication_enabled, Some(true));
        assert_eq!(properties.secondary_read_enabled, Some(false));
        assert_eq!(
            properties.creation_time,
            Some(date("2014-05-06T07:08:09.1234567Z"))
        );
        assert_eq!(properties.last_geo_failover_time, None);
        assert_eq!(properties.account_type.as_deref(), Some("Standard_RAGRS"));
        let extended: Vec<_> = account
            .extended_properties
            .iter()
            .flatten()
            .map(|p| (p.name.as_deref(), p.value.as_deref()))
            .collect();
        assert_eq!(
            extended,
            [
                (Some("ResourceGroup"), Some("build")),
                (Some("Owner"), Some("ops"))
            ]
        );
        assert_eq!(account.capabilities, Some(Vec::new()));
        // The model's own shape, written as JSON, keeps every item of every list.
        let written = serde_json::to_value(&account).unwrap();
        assert_eq!(
            written["StorageServiceProperties"]["Endpoints"]
                .as_array()
                .map(Vec::len),
            Some(3)
        );
        assert_eq!(written["ExtendedProperties"][1]["Name"], "Owner");
    }
}
