//! The application's audit of a namespace's rules, a paged list, tested against azure-mgmt's
//! typed test doubles: every page is read, and a service error reaches the caller.

use azure_mgmt::doubles::MockAzure;
use azure_mgmt::event_hubs::doubles::namespaces_list_authorization_rules;
use azure_mgmt::event_hubs::{
    AccessRights, AuthorizationRule, AuthorizationRuleProperties, EventHubsClient,
};
use downstream::managing_rules;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn rule(name: &str, rights: &[AccessRights]) -> AuthorizationRule {
    AuthorizationRule {
        name: Some(name.to_owned()),
        properties: Some(AuthorizationRuleProperties {
            rights: rights.to_vec(),
        }),
        ..AuthorizationRule::default()
    }
}

#[tokio::test]
async fn every_page_is_audited() {
    let azure = MockAzure::start().await;
    azure
        .expect(
            namespaces_list_authorization_rules(SUB, "rg", "ns-audit1").pages(&[
                vec![
                    rule(
                        "RootManageSharedAccessKey",
                        &[AccessRights::Manage, AccessRights::Listen],
                    ),
                    rule("listen", &[AccessRights::Listen]),
                ],
                vec![rule("send", &[AccessRights::Send])],
                vec![rule("ops", &[AccessRights::Manage])],
            ]),
        )
        .await;
    let client: EventHubsClient = azure.client_at_real_host();
    let rules = managing_rules(&client, SUB, "rg", "ns-audit1")
        .await
        .unwrap();
    assert_eq!(rules, ["RootManageSharedAccessKey", "ops"]);
    assert_eq!(azure.received_requests().await.len(), 3);
}

#[tokio::test]
async fn the_services_error_reaches_the_caller() {
    let azure = MockAzure::start().await;
    azure
        .expect(
            namespaces_list_authorization_rules(SUB, "rg", "ns-audit1").fails(
                403,
                "AuthorizationFailed",
                "No access to the rules.",
            ),
        )
        .await;
    let client: EventHubsClient = azure.client();
    let error = managing_rules(&client, SUB, "rg", "ns-audit1")
        .await
        .unwrap_err();
    assert_eq!(error.http_status().map(u16::from), Some(403));
    let service = error.service_error().expect("the service's error");
    assert_eq!(service.code(), Some("AuthorizationFailed"));
}
