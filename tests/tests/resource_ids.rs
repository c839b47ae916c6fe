//! The generated resource ID types of the real specs: parsing never panics, whatever the text;
//! an ID built from valid parts is written and read back to the same value; odd casing, a
//! trailing slash and encoded characters read as ARM means them; and a wrong ID says what was
//! expected.

use azure_mgmt::data_factory::FactoryIntegrationRuntimeId;
use azure_mgmt::event_hubs::NamespaceEventHubAuthorizationRuleId;
use azure_mgmt::redis_enterprise::ClusterDatabaseId;
use azure_mgmt::service_bus::NamespaceAuthorizationRuleId;
use azure_mgmt::storage_classic::{ServiceId, SubscriptionServiceId};
use azure_mgmt::{IdProblem, ResourceIdError};
use proptest::prelude::*;
use std::fmt::Display;
use std::str::FromStr;

/// Any string that is a path segment value at all: not empty, `.` or `..`.
fn value() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("empty and dot segments are always refused", |v| {
        !matches!(v.as_str(), "" | "." | "..")
    })
}

/// A value of `1..=max` characters from `class`, not a dot segment.
fn name(class: &str, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("{class}{{1,{max}}}"))
        .expect("a valid regex")
        .prop_filter("dot segments are always refused", |v| {
            !matches!(v.as_str(), "." | "..")
        })
}

/// Writes, reads back, writes again: the same ID and the same text.
fn round_trip<T>(id: T) -> Result<(), TestCaseError>
where
    T: FromStr<Err = ResourceIdError> + Display + PartialEq + std::fmt::Debug,
{
    let text = id.to_string();
    let read: T = text
        .parse()
        .map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
    prop_assert_eq!(&read, &id);
    prop_assert_eq!(read.to_string(), text);
    Ok(())
}

/// Reads `text` every way there is; none may panic.
fn read_all_ways(text: &str) {
    let _ = text.parse::<NamespaceAuthorizationRuleId>();
    let _ = NamespaceAuthorizationRuleId::parse_lenient(text);
    let _ = text.parse::<NamespaceEventHubAuthorizationRuleId>();
    let _ = NamespaceEventHubAuthorizationRuleId::parse_lenient(text);
    let _ = text.parse::<ClusterDatabaseId>();
    let _ = ClusterDatabaseId::parse_lenient(text);
    let _ = text.parse::<FactoryIntegrationRuntimeId>();
    let _ = FactoryIntegrationRuntimeId::parse_lenient(text);
    let _ = text.parse::<SubscriptionServiceId>();
    let _ = text.parse::<ServiceId>();
    let _ = azure_mgmt::rotation::target(text, testkit::FakeCredential::new(), None);
}

proptest! {
    #[test]
    fn parsing_any_text_never_panics(text in any::<String>()) {
        read_all_ways(&text);
    }

    #[test]
    fn parsing_id_like_text_never_panics(
        segments in proptest::collection::vec(
            prop_oneof![
                Just("subscriptions".to_owned()),
                Just("resourceGroups".to_owned()),
                Just("providers".to_owned()),
                Just("Microsoft.ServiceBus".to_owned()),
                Just("namespaces".to_owned()),
                Just("AuthorizationRules".to_owned()),
                "[a-zA-Z0-9%.-]{0,8}",
            ],
            0..14,
        ),
        trailing in any::<bool>(),
    ) {
        let mut text = format!("/{}", segments.join("/"));
        if trailing {
            text.push('/');
        }
        read_all_ways(&text);
    }

    #[test]
    fn service_bus_ids_round_trip(
        subscription in value(),
        group in name("[-a-zA-Z0-9._()]", 90),
        namespace in name("[a-zA-Z0-9-]", 50).prop_filter("6 to 50", |v| v.len() >= 6),
        rule in name("[a-zA-Z0-9-_ /%é]", 50),
    ) {
        round_trip(NamespaceAuthorizationRuleId::new(&subscription, &group, &namespace, &rule).unwrap())?;
    }

    #[test]
    fn event_hubs_ids_round_trip(
        subscription in value(),
        group in name("[-a-zA-Z0-9._()]", 90),
        namespace in "[a-zA-Z][a-zA-Z0-9-]{6,48}[a-zA-Z0-9]",
        hub in name("[a-zA-Z0-9-_.]", 256),
        rule in value(),
    ) {
        round_trip(NamespaceEventHubAuthorizationRuleId::new(&subscription, &group, &namespace, &hub, &rule).unwrap())?;
    }

    #[test]
    fn redis_enterprise_ids_round_trip(
        subscription in value(),
        group in name("[-a-zA-Z0-9._()]", 90),
        cluster in "[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,10}){0,3}",
        database in "[A-Za-z0-9]{1,60}",
    ) {
        round_trip(ClusterDatabaseId::new(&subscription, &group, &cluster, &database).unwrap())?;
    }

    #[test]
    fn data_factory_ids_round_trip(
        subscription in value(),
        group in name("[-a-zA-Z0-9_()]", 90),
        factory in "[A-Za-z0-9]{3,20}(-[A-Za-z0-9]{1,10}){0,3}",
        runtime in "[A-Za-z0-9]{3,63}",
    ) {
        round_trip(FactoryIntegrationRuntimeId::new(&subscription, &group, &factory, &runtime).unwrap())?;
    }

    #[test]
    fn classic_storage_ids_round_trip_and_convert(
        subscription in value(),
        group in value(),
        account in value(),
    ) {
        let smapi = SubscriptionServiceId::new(&subscription, &account).unwrap();
        round_trip(smapi.clone())?;
        let arm = ServiceId::new(&subscription, &group, &account).unwrap();
        round_trip(arm.clone())?;
        prop_assert_eq!(SubscriptionServiceId::from(arm), smapi);
    }
}

#[test]
fn odd_casing_a_trailing_slash_and_encoded_values_read_as_arm_means_them() {
    let id: NamespaceAuthorizationRuleId =
        "/SUBSCRIPTIONS/sub1/resourcegroups/My.Group(1)/PROVIDERS/microsoft.servicebus/Namespaces/sb-namespace1/authorizationrules/Rule%201%2Fa/"
            .parse()
            .unwrap();
    assert_eq!(id.subscription_id(), "sub1");
    assert_eq!(id.resource_group_name(), "My.Group(1)");
    assert_eq!(id.namespace_name(), "sb-namespace1");
    assert_eq!(id.authorization_rule_name(), "Rule 1/a");
    assert_eq!(
        id.to_string(),
        "/subscriptions/sub1/resourceGroups/My.Group(1)/providers/Microsoft.ServiceBus/namespaces/sb-namespace1/AuthorizationRules/Rule%201%2Fa"
    );
    assert_eq!(
        NamespaceAuthorizationRuleId::TEMPLATE,
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ServiceBus/namespaces/{namespaceName}/AuthorizationRules/{authorizationRuleName}"
    );
}

#[test]
fn a_wrong_or_incomplete_id_shows_the_expected_shape() {
    let template = ClusterDatabaseId::TEMPLATE;
    let cases = [
        (
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redis/cache1/databases/default",
            format!(
                "`/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redis/cache1/databases/default` is not a `ClusterDatabaseId`: segment 7 is `redis` where `redisEnterprise` belongs; expected `{template}`"
            ),
        ),
        (
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache1",
            format!(
                "`/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache1` is not a complete `ClusterDatabaseId`: it ends after 8 segments; expected `{template}`"
            ),
        ),
        (
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache1/databases/default/listKeys",
            format!(
                "`/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache1/databases/default/listKeys` is not a `ClusterDatabaseId`: it goes on with `/listKeys` after the last parameter; expected `{template}`"
            ),
        ),
    ];
    for (id, message) in cases {
        let error = id.parse::<ClusterDatabaseId>().unwrap_err();
        assert_eq!(error.to_string(), message);
        assert_eq!(error.expected(), template);
        assert_eq!(error.id(), id);
    }
    let error = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/-cache/databases/default"
        .parse::<ClusterDatabaseId>()
        .unwrap_err();
    assert!(
        matches!(
            error.problem(),
            IdProblem::Value {
                parameter: "clusterName",
                ..
            }
        ),
        "{error:?}"
    );
    // A part refused when building from parts, too.
    let error = ClusterDatabaseId::new("s", &"r".repeat(91), "cache1", "default").unwrap_err();
    assert!(
        error.to_string().ends_with("`resourceGroupName`: `rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr` is 91 characters long; the maximum is 90"),
        "{error}"
    );
    assert!(ClusterDatabaseId::new("s", "rg", "cache1", "..").is_err());
}

#[test]
fn operations_sharing_an_id_check_every_rule_either_puts_on_it() {
    // Event Hubs: the list operation bounds namespaceName to 6-50; the regenerate
    // operation also has a pattern. An ID must pass both.
    let id = |namespace: &str| {
        format!(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/{namespace}/eventhubs/hub/authorizationRules/rule"
        )
    };
    assert!(
        id("namespace1")
            .parse::<NamespaceEventHubAuthorizationRuleId>()
            .is_ok()
    );
    let error = id("1namespace")
        .parse::<NamespaceEventHubAuthorizationRuleId>()
        .unwrap_err();
    assert!(
        error.to_string().contains("does not match the pattern"),
        "{error}"
    );
    let error = id("ns1")
        .parse::<NamespaceEventHubAuthorizationRuleId>()
        .unwrap_err();
    assert!(error.to_string().contains("the minimum is 6"), "{error}");
    assert!(NamespaceEventHubAuthorizationRuleId::parse_lenient(&id("1n")).is_ok());
}
