//! Event Hubs `namespaces_list_authorization_rules`, a real paged operation (`x-ms-pageable`
//! with `nextLink`), through its generated client over HTTP: the items of every page in order,
//! the next page fetched only when the items before it are used up, the next link followed as
//! the service wrote it (its own `api-version` and skip token), whole pages with their status,
//! resuming from a continuation, and a service error on a later page reaching the caller.
//!
//! Where the service's own links matter (a newer `api-version`, a link without one, a failing
//! later page) the pages are written by hand; elsewhere they come from the typed doubles'
//! `pages`, which this file also proves: every item of every page reaches the caller, whichever
//! host the client addresses.

mod common;

use azure_core::http::pager::PagerOptions;
use azure_mgmt::ErrorKind;
use azure_mgmt::doubles::MockAzure;
use azure_mgmt::event_hubs::doubles::namespaces_list_authorization_rules;
use azure_mgmt::event_hubs::{
    AccessRights, AuthorizationRule, AuthorizationRuleProperties, EventHubsClient,
    NamespacesListAuthorizationRulesOptions,
};
use azure_mgmt::redis_enterprise::doubles::databases_list_by_cluster;
use azure_mgmt::redis_enterprise::{Database, RedisEnterpriseClient};
use common::{options, requests};
use futures::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUBSCRIPTION: &str = "5f750a97-50d9-4e36-8081-c9ee4c0210d4";
const GROUP: &str = "ArunMonocle";
const NAMESPACE: &str = "sdk-Namespace-2702";

fn list_path() -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.EventHub/namespaces/{NAMESPACE}/authorizationRules"
    )
}

fn rule(name: &str, rights: &[&str]) -> Value {
    json!({
        "id": format!("{}/{name}", list_path()),
        "name": name,
        "type": "Microsoft.EventHub/Namespaces/AuthorizationRules",
        "properties": {"rights": rights},
    })
}

/// Two pages: the first links to the second with ARM's own query (a newer api-version and a
/// skip token), the second ends the list.
async fn mount_two_pages(server: &MockServer) {
    let next = format!(
        "{}{}?api-version=2024-05-01-preview&$skiptoken=page2",
        testkit::https_uri(server),
        list_path()
    );
    Mock::given(method("GET"))
        .and(path(list_path()))
        .and(query_param("api-version", "2024-01-01"))
        .and(query_param_is_missing("$skiptoken"))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [
                rule("RootManageSharedAccessKey", &["Listen", "Manage", "Send"]),
                rule("sdk-Authrules-1746", &["Listen", "Send"]),
            ],
            "nextLink": next,
        })))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(list_path()))
        .and(query_param("api-version", "2024-05-01-preview"))
        .and(query_param("$skiptoken", "page2"))
        .and(header("authorization", "Bearer fake-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [rule("listen-only", &["Listen"])],
        })))
        .mount(server)
        .await;
}

fn client(server: &MockServer) -> EventHubsClient {
    EventHubsClient::new(testkit::FakeCredential::new(), Some(options(server))).unwrap()
}

#[tokio::test]
async fn every_page_is_read_in_order_and_the_next_link_is_followed_as_written() {
    let server = MockServer::start().await;
    mount_two_pages(&server).await;
    let pager = client(&server)
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap();
    let rules: Vec<_> = pager.try_collect().await.unwrap();
    let names: Vec<_> = rules.iter().map(|r| r.name.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        [
            "RootManageSharedAccessKey",
            "sdk-Authrules-1746",
            "listen-only"
        ]
    );
    assert_eq!(
        rules[2].properties.as_ref().unwrap().rights,
        [AccessRights::Listen]
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    // The next link's query is the service's: its api-version is not replaced or repeated.
    assert_eq!(
        sent[1].url.query(),
        Some("api-version=2024-05-01-preview&$skiptoken=page2")
    );
}

#[tokio::test]
async fn an_error_on_a_later_page_reaches_the_caller_in_the_arm_contract() {
    let server = MockServer::start().await;
    let next = format!(
        "{}{}?$skiptoken=broken",
        testkit::https_uri(&server),
        list_path()
    );
    Mock::given(method("GET"))
        .and(path(list_path()))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [rule("RootManageSharedAccessKey", &["Manage"])],
            "nextLink": next,
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list_path()))
        .and(query_param("$skiptoken", "broken"))
        // A link without an api-version gets the operation's own.
        .and(query_param("api-version", "2024-01-01"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": "NotFound", "message": "The namespace is gone."}
        })))
        .mount(&server)
        .await;
    let mut pager = client(&server)
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap();
    assert!(pager.try_next().await.unwrap().is_some());
    let error = pager.try_next().await.unwrap_err();
    let ErrorKind::Service(service) = error.kind() else {
        panic!("a service error, not {error:?}");
    };
    assert_eq!(service.code(), Some("NotFound"));
    assert_eq!(service.message(), Some("The namespace is gone."));
}

/// A typed rule, as the doubles take it.
fn typed_rule(name: &str, rights: &[AccessRights]) -> AuthorizationRule {
    AuthorizationRule {
        id: Some(format!("{}/{name}", list_path())),
        name: Some(name.to_owned()),
        r#type: Some("Microsoft.EventHub/Namespaces/AuthorizationRules".to_owned()),
        location: None,
        system_data: None,
        properties: Some(AuthorizationRuleProperties {
            rights: rights.to_vec(),
        }),
    }
}

/// The list of [`mount_two_pages`] as typed pages: two rules, then one.
fn two_pages() -> [Vec<AuthorizationRule>; 2] {
    [
        vec![
            typed_rule(
                "RootManageSharedAccessKey",
                &[
                    AccessRights::Listen,
                    AccessRights::Manage,
                    AccessRights::Send,
                ],
            ),
            typed_rule(
                "sdk-Authrules-1746",
                &[AccessRights::Listen, AccessRights::Send],
            ),
        ],
        vec![typed_rule("listen-only", &[AccessRights::Listen])],
    ]
}

async fn expect_two_pages(azure: &MockAzure) {
    azure
        .expect(
            namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE).pages(&two_pages()),
        )
        .await;
}

/// `pages_then_fails`: the items of the pages that came, then the service's error, as the
/// caller of a list that breaks partway sees it.
#[tokio::test]
async fn a_double_list_that_breaks_partway_gives_its_items_then_the_error() {
    let azure = MockAzure::start().await;
    azure
        .expect(
            namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE).pages_then_fails(
                &two_pages(),
                503,
                "ServiceBusy",
                "Try again later.",
            ),
        )
        .await;
    let client: EventHubsClient = azure.client();
    let mut items = client
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap();
    let mut read = Vec::new();
    let error = loop {
        match items.try_next().await {
            Ok(Some(rule)) => read.push(rule),
            Ok(None) => panic!("the list ended without its error after {read:?}"),
            Err(error) => break error,
        }
    };
    assert_eq!(read, two_pages().concat());
    let ErrorKind::Service(service) = error.kind() else {
        panic!("a service error, not {error:?}");
    };
    assert_eq!(service.status(), 503);
    assert_eq!(service.code(), Some("ServiceBusy"));
    assert_eq!(service.message(), Some("Try again later."));
}

#[tokio::test]
async fn the_doubles_pages_reach_the_caller_whole_and_in_order() {
    let azure = MockAzure::start().await;
    expect_two_pages(&azure).await;
    let client: EventHubsClient = azure.client();
    let rules: Vec<_> = client
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rules, two_pages().concat());
    let sent = azure.received_requests().await;
    assert_eq!(sent.len(), 2);
    // The second request is the first page's link: the list's own path and api-version.
    assert_eq!(sent[1].url.path(), list_path());
    assert_eq!(
        sent[1].url.query(),
        Some("api-version=2024-01-01&%24skiptoken=1")
    );
}

#[tokio::test]
async fn the_doubles_pages_lead_back_to_the_server_from_the_real_host() {
    let azure = MockAzure::start().await;
    let pages = [
        vec![typed_rule("first", &[AccessRights::Listen])],
        vec![],
        vec![typed_rule("third", &[AccessRights::Send])],
    ];
    azure
        .expect(namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE).pages(&pages))
        .await;
    let client: EventHubsClient = azure.client_at_real_host();
    let rules: Vec<_> = client
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rules, pages.concat());
    let addressed: Vec<_> = azure
        .addressed()
        .iter()
        .map(|url| (url.host_str().unwrap().to_owned(), url.path().to_owned()))
        .collect();
    let at_real_host = ("management.azure.com".to_owned(), list_path());
    assert_eq!(
        addressed,
        [at_real_host.clone(), at_real_host.clone(), at_real_host]
    );
}

#[tokio::test]
async fn the_doubles_serve_an_empty_list_and_a_list_of_another_service() {
    let azure = MockAzure::start().await;
    azure
        .expect(namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE).pages(&[]))
        .await;
    let databases = [
        vec![Database {
            name: Some("default".to_owned()),
            ..Database::default()
        }],
        vec![Database {
            name: Some("cache".to_owned()),
            ..Database::default()
        }],
    ];
    azure
        .expect(databases_list_by_cluster(SUBSCRIPTION, GROUP, "cache1").pages(&databases))
        .await;
    let event_hubs: EventHubsClient = azure.client();
    let rules: Vec<_> = event_hubs
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(rules.is_empty());
    let redis: RedisEnterpriseClient = azure.client();
    let listed: Vec<_> = redis
        .databases_list_by_cluster(SUBSCRIPTION, GROUP, "cache1", None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, databases.concat());
}

#[tokio::test]
async fn nothing_is_sent_until_the_pager_is_polled_and_a_page_only_when_needed() {
    let azure = MockAzure::start().await;
    expect_two_pages(&azure).await;
    let client: EventHubsClient = azure.client();
    let mut pager = client
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap();
    assert!(azure.received_requests().await.is_empty());
    pager.try_next().await.unwrap().expect("a first rule");
    pager.try_next().await.unwrap().expect("a second rule");
    assert_eq!(
        azure.received_requests().await.len(),
        1,
        "the first page has two rules"
    );
    pager.try_next().await.unwrap().expect("a third rule");
    assert_eq!(azure.received_requests().await.len(), 2);
    assert!(pager.try_next().await.unwrap().is_none());
}

#[tokio::test]
async fn pages_come_whole_and_a_listing_resumes_from_its_continuation() {
    let azure = MockAzure::start().await;
    expect_two_pages(&azure).await;
    let client: EventHubsClient = azure.client();
    let mut pages = client
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, None)
        .unwrap()
        .into_pages();
    let first = pages.try_next().await.unwrap().expect("a first page");
    assert_eq!(first.status(), 200);
    assert_eq!(first.model().value.as_ref().map(Vec::len), Some(2));
    let resume = pages.continuation().cloned().expect("more pages to come");

    // Another pager, as after a restart: it starts at the second page.
    let options = NamespacesListAuthorizationRulesOptions {
        method_options: PagerOptions {
            continuation: Some(resume),
            ..PagerOptions::default()
        },
    };
    let another: EventHubsClient = azure.client();
    let rest: Vec<_> = another
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, NAMESPACE, Some(options))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].name.as_deref(), Some("listen-only"));
}

#[tokio::test]
async fn an_invalid_namespace_name_sends_nothing() {
    let azure = MockAzure::start().await;
    let client: EventHubsClient = azure.client();
    let error = client
        .namespaces_list_authorization_rules(SUBSCRIPTION, GROUP, "ab", None)
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::InvalidParameter { parameter, .. } if parameter == "namespaceName"),
        "{error:?}"
    );
    assert!(azure.received_requests().await.is_empty());
}
