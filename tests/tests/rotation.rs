//! Key rotation end to end, for every rotatable kind: from a resource ID through
//! `azure_mgmt::rotation::target`, over HTTP to a simulated service (see `simulated/`), on a
//! paused tokio clock so that every wait (backoff between listings, `Retry-After` of Redis
//! Enterprise's polls) is exact and instant.

mod simulated;

use azure_mgmt::ErrorKind;
use azure_mgmt::rotation::{
    self, Event, NoProgress, Progress, RotationErrorKind, RotationOptions, Slot, SlotState, Step,
};
use simulated::{ALL, Body, Kind, REDIS_ENTERPRISE, STORAGE_CLASSIC, Simulated, assert_no_key};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

fn target(
    kind: &Kind,
    id: &str,
    server: &wiremock::MockServer,
) -> Box<dyn rotation::RotatableKeys> {
    rotation::target(
        id,
        testkit::FakeCredential::new(),
        Some(simulated::options(server)),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", kind.name))
}

/// Records every event.
#[derive(Default)]
struct Recorder(Mutex<Vec<Event>>);

impl Progress for Recorder {
    fn report(&self, event: Event) {
        self.0.lock().unwrap().push(event);
    }
}

impl Recorder {
    fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }
}

#[tokio::test(start_paused = true)]
async fn lists_the_keys_of_every_kind() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        let target = target(&kind, kind.id, &server);
        assert_eq!(target.kind().name, kind.name);
        assert_eq!(target.resource_id(), kind.id);
        let keys = target.list_keys().await.unwrap();
        for (i, slot) in Slot::ALL.into_iter().enumerate() {
            let key = keys
                .get(slot)
                .unwrap_or_else(|| panic!("{}: no {slot} key", kind.name));
            assert_eq!(key.key().secret(), service.key(i), "{}", kind.name);
            let expected = match kind.body {
                Body::Json {
                    connection_strings: Some(_),
                    ..
                } => Some(simulated::connection_string(&service.key(i))),
                _ => None,
            };
            assert_eq!(
                key.connection_string().map(|s| s.secret().to_owned()),
                expected,
                "{}",
                kind.name
            );
        }
        assert_eq!(
            target.kind().connection_strings,
            matches!(
                kind.body,
                Body::Json {
                    connection_strings: Some(_),
                    ..
                }
            )
        );
        assert_eq!(service.calls(), ["list"], "{}", kind.name);
        assert_no_key(&format!("{keys:?} {target:?}"), kind.name);
    }
}

#[tokio::test(start_paused = true)]
async fn regenerates_then_verifies_every_kind() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        let target = target(&kind, kind.id, &server);
        let before = service.key(1);
        let done = rotation::regenerate(
            &*target,
            Slot::Primary,
            &RotationOptions::default(),
            &NoProgress,
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", kind.name));
        assert_eq!(done.slot, Slot::Primary);
        assert_eq!(done.listings, 1, "{}", kind.name);
        assert_eq!(done.key.key().secret(), service.key(0), "{}", kind.name);
        assert_eq!(
            service.key(1),
            before,
            "{}: the secondary is untouched",
            kind.name
        );
        let expected: &[&str] = if kind.long_running {
            &[
                "regenerate primary",
                "poll",
                "poll",
                "poll",
                "result",
                "list",
            ]
        } else {
            &["regenerate primary", "list"]
        };
        assert_eq!(service.calls(), expected, "{}", kind.name);
    }
}

#[tokio::test(start_paused = true)]
async fn a_stale_listing_that_catches_up_is_waited_for() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        service.with(|s| s.stale_for = 2);
        let target = target(&kind, kind.id, &server);
        let progress = Recorder::default();
        let done = rotation::regenerate(
            &*target,
            Slot::Secondary,
            &RotationOptions::default(),
            &progress,
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", kind.name));
        assert_eq!(done.listings, 3, "{}", kind.name);
        assert_eq!(done.key.key().secret(), service.key(1));
        let waits: Vec<Duration> = progress
            .events()
            .into_iter()
            .filter_map(|e| match e {
                Event::NotYetVisible { retry_in, .. } => Some(retry_in),
                _ => None,
            })
            .collect();
        assert_eq!(
            waits,
            [Duration::from_secs(2), Duration::from_secs(4)],
            "{}",
            kind.name
        );
        let listings = service.calls().iter().filter(|c| *c == "list").count();
        assert_eq!(listings, 3, "{}", kind.name);
    }
}

#[tokio::test(start_paused = true)]
async fn a_stale_listing_that_never_catches_up_is_a_typed_error() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        service.with(|s| s.stale_for = u32::MAX);
        let target = target(&kind, kind.id, &server);
        let started = Instant::now();
        let error = rotation::regenerate(
            &*target,
            Slot::Primary,
            &RotationOptions::default(),
            &NoProgress,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(error.kind(), RotationErrorKind::NotConfirmed { attempts: 6, waited } if *waited == Duration::from_secs(60)),
            "{}: {error}",
            kind.name
        );
        // The listings' waits, plus Redis Enterprise's three 3 s polls.
        let polls = if kind.long_running { 9 } else { 0 };
        assert_eq!(
            started.elapsed(),
            Duration::from_secs(60 + polls),
            "{}",
            kind.name
        );
        assert_eq!(error.step(), Step::Verify(Slot::Primary));
        match error.slot(Slot::Primary) {
            SlotState::Regenerated {
                key,
                verified: false,
            } => {
                assert_eq!(key.key().secret(), service.key(0), "{}", kind.name);
            }
            other => panic!("{}: {other:?}", kind.name),
        }
        let text = error.to_string();
        assert!(
            text.contains(
                "the key was regenerated, but 6 listings over 60 s did not show the new value yet"
            ),
            "{text}"
        );
        assert_no_key(&format!("{error} {error:?}"), kind.name);
    }
}

#[tokio::test(start_paused = true)]
async fn rotates_both_keys_of_every_kind_secondary_first() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        let target = target(&kind, kind.id, &server);
        let progress = Recorder::default();
        let rotated = rotation::rotate_both(&*target, &RotationOptions::default(), &progress)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", kind.name));
        assert_eq!(
            rotated.secondary.key.key().secret(),
            service.key(1),
            "{}",
            kind.name
        );
        assert_eq!(
            rotated.primary.key.key().secret(),
            service.key(0),
            "{}",
            kind.name
        );
        let regenerations: Vec<String> = service
            .calls()
            .into_iter()
            .filter(|c| c.starts_with("regenerate"))
            .collect();
        assert_eq!(
            regenerations,
            ["regenerate secondary", "regenerate primary"],
            "{}",
            kind.name
        );
        let events = progress.events();
        assert_eq!(
            events.first(),
            Some(&Event::Regenerating {
                slot: Slot::Secondary
            })
        );
        assert_eq!(events.last(), Some(&Event::Done));
        assert_no_key(&format!("{rotated:?} {events:?}"), kind.name);
    }
}

#[tokio::test(start_paused = true)]
async fn the_two_step_rotation_hands_back_control_between_the_slots() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        let target = target(&kind, kind.id, &server);
        let options = RotationOptions::default();
        let started = rotation::start_dual_rotation(&*target, &options, &NoProgress)
            .await
            .unwrap();
        // The secondary is new and confirmed; the primary is untouched.
        assert_eq!(started.secondary().key.key().secret(), service.key(1));
        assert!(service.key(0).ends_with("-primary-0"), "{}", kind.name);
        let done = started.complete(&NoProgress).await.unwrap();
        assert_eq!(done.primary.key.key().secret(), service.key(0));
    }
}

#[tokio::test(start_paused = true)]
async fn a_failure_after_the_first_slot_says_where_it_stopped() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        service.with(|s| s.fail_regenerate = Some(0));
        let target = target(&kind, kind.id, &server);
        let error = rotation::rotate_both(&*target, &RotationOptions::default(), &NoProgress)
            .await
            .unwrap_err();
        assert_eq!(
            error.step(),
            Step::Regenerate(Slot::Primary),
            "{}",
            kind.name
        );
        assert_eq!(error.regenerated(), [Slot::Secondary], "{}", kind.name);
        assert_eq!(
            error.slot(Slot::Primary),
            &SlotState::Unchanged,
            "{}",
            kind.name
        );
        assert_eq!(
            error
                .slot(Slot::Secondary)
                .key()
                .map(|k| k.key().secret().to_owned()),
            Some(service.key(1)),
            "{}",
            kind.name
        );
        let service_error = error
            .error()
            .and_then(azure_mgmt::Error::service_error)
            .unwrap_or_else(|| panic!("{}: {error:?}", kind.name));
        assert_eq!(service_error.code(), Some("KeyBusy"), "{}", kind.name);
        assert_eq!(service_error.request_id(), Some("req-failed"));
        let text = error.to_string();
        assert!(
            text.ends_with("; primary key: unchanged: its previous value still works; secondary key: regenerated and confirmed: only the new value works"),
            "{}: {text}",
            kind.name
        );
        assert!(text.contains(kind.id), "{text}");
        assert_no_key(&format!("{error} {error:?}"), kind.name);
    }
}

#[tokio::test(start_paused = true)]
async fn redis_enterprise_regeneration_is_polled_through_202_with_progress() {
    let (server, service) = Simulated::start(REDIS_ENTERPRISE).await;
    let target = target(&REDIS_ENTERPRISE, REDIS_ENTERPRISE.id, &server);
    let progress = Recorder::default();
    let started = Instant::now();
    let keys = target
        .regenerate_key(Slot::Secondary, &progress)
        .await
        .unwrap();
    assert_eq!(keys.secondary().unwrap().key().secret(), service.key(1));
    // Three polls, each after the service's `Retry-After: 3`.
    assert_eq!(started.elapsed(), Duration::from_secs(9));
    assert_eq!(
        service.calls(),
        ["regenerate secondary", "poll", "poll", "poll", "result"]
    );
    let statuses: Vec<_> = progress
        .events()
        .into_iter()
        .map(|e| match e {
            Event::Polling { slot, status, .. } => (slot, status),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    use azure_mgmt::OperationStatus::{InProgress, Succeeded};
    assert_eq!(
        statuses,
        [
            (Slot::Secondary, InProgress),
            (Slot::Secondary, InProgress),
            (Slot::Secondary, InProgress),
            (Slot::Secondary, Succeeded),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn ids_in_odd_casing_or_with_a_trailing_slash_address_the_same_resource() {
    for kind in ALL {
        let (server, service) = Simulated::start(kind).await;
        let odd = odd_casing(kind.id);
        assert_ne!(odd, kind.id);
        for id in [odd.clone(), format!("{}/", kind.id), format!("{odd}/")] {
            let target = target(&kind, &id, &server);
            assert_eq!(
                target.resource_id(),
                kind.id,
                "{}: the canonical ID",
                kind.name
            );
            target
                .list_keys()
                .await
                .unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        assert_eq!(service.calls(), ["list", "list", "list"], "{}", kind.name);
    }
}

/// The ID with every literal segment in another case (ARM returns `resourcegroups`), values
/// as they are.
fn odd_casing(id: &str) -> String {
    let literal = [
        "subscriptions",
        "resourceGroups",
        "providers",
        "namespaces",
        "eventhubs",
    ];
    id.split('/')
        .enumerate()
        .map(|(i, segment)| {
            let is_literal = i % 2 == 1 || literal.contains(&segment) || segment.contains('.');
            if is_literal && !segment.is_empty() && i != 0 {
                if i % 4 == 1 {
                    segment.to_ascii_lowercase()
                } else {
                    segment.to_ascii_uppercase()
                }
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test(start_paused = true)]
async fn encoded_characters_are_decoded_once_and_sent_encoded() {
    let kind = simulated::SERVICE_BUS;
    let (server, _service) = Simulated::start(kind).await;
    let id = kind
        .id
        .replace("RootManageSharedAccessKey", "Root%20Rule%2Fx%2541");
    let target = target(&kind, &id, &server);
    // `%20` is a space, `%2F` a slash inside the value, `%2541` stays `%41`.
    assert_eq!(target.resource_id(), id);
    let _ = target.list_keys().await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        kind.base
            .replace("RootManageSharedAccessKey", "Root%20Rule%2Fx%2541")
            + "/listKeys"
    );
}

#[tokio::test(start_paused = true)]
async fn ids_of_other_resources_are_refused_naming_every_kind_and_nothing_is_sent() {
    let (server, _) = Simulated::start(simulated::SERVICE_BUS).await;
    let cases = [
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1",
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ServiceBus/namespaces/sb-namespace1",
        "/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ServiceBus/namespaces/sb-namespace1/AuthorizationRules/rule/listKeys",
        "subscriptions/sub1",
        "",
    ];
    for id in cases {
        let error = rotation::target(
            id,
            testkit::FakeCredential::new(),
            Some(simulated::options(&server)),
        )
        .err()
        .unwrap_or_else(|| panic!("{id} opened"));
        assert!(
            matches!(error.kind(), ErrorKind::ResourceId(_)),
            "{id}: {error:?}"
        );
        let text = error.to_string();
        for kind in ALL {
            let name = rotation::kinds().find(|k| k.name == kind.name).unwrap();
            for template in name.resource_ids {
                assert!(text.contains(template), "{id}: {text}");
            }
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn an_id_with_a_refused_value_names_the_part_and_nothing_is_sent() {
    let (server, _) = Simulated::start(REDIS_ENTERPRISE).await;
    let id = REDIS_ENTERPRISE.id.replace("cache1", "cache--1");
    let error = rotation::target(
        &id,
        testkit::FakeCredential::new(),
        Some(simulated::options(&server)),
    )
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        format!(
            "invalid resource ID: `{id}` is not a valid `ClusterDatabaseId`: `clusterName`: `cache--1` does not match the pattern `^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`"
        )
    );
    // A client that skips the spec's rules takes it.
    let lenient = azure_mgmt::ClientOptions {
        skip_constraint_checks: true,
        ..simulated::options(&server)
    };
    assert!(rotation::target(&id, testkit::FakeCredential::new(), Some(lenient)).is_ok());
    // `..` is refused whatever the options say.
    let dots = REDIS_ENTERPRISE.id.replace("cache1", "%2E%2E");
    let lenient = azure_mgmt::ClientOptions {
        skip_constraint_checks: true,
        ..simulated::options(&server)
    };
    assert!(rotation::target(&dots, testkit::FakeCredential::new(), Some(lenient)).is_err());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn classic_storage_is_addressed_by_its_arm_id_or_its_service_management_path() {
    let (server, service) = Simulated::start(STORAGE_CLASSIC).await;
    let arm = target(&STORAGE_CLASSIC, STORAGE_CLASSIC.id, &server);
    let smapi_path = "/sub1/services/storageservices/mystorageaccount";
    let smapi = target(&STORAGE_CLASSIC, smapi_path, &server);
    assert_eq!(arm.resource_id(), STORAGE_CLASSIC.id);
    assert_eq!(smapi.resource_id(), smapi_path);
    arm.list_keys().await.unwrap();
    smapi.list_keys().await.unwrap();
    assert_eq!(service.calls(), ["list", "list"]);
    // By parts, without an ID string: subscription and account name.
    use azure_mgmt::storage_classic::{
        StorageAccountKeys, StorageClassicClient, SubscriptionServiceId,
    };
    let client = StorageClassicClient::new(
        testkit::FakeCredential::new(),
        Some(simulated::options(&server)),
    )
    .unwrap();
    let keys = StorageAccountKeys::new(
        client,
        SubscriptionServiceId::new("sub1", "mystorageaccount").unwrap(),
    );
    rotation::regenerate(
        &keys,
        Slot::Secondary,
        &RotationOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(service.calls().last().map(String::as_str), Some("list"));
}

#[test]
fn every_kind_is_listed_with_its_id_forms() {
    let names: Vec<&str> = rotation::kinds().map(|k| k.name).collect();
    for kind in ALL {
        assert!(
            names.contains(&kind.name),
            "{} missing from {names:?}",
            kind.name
        );
        let listed = rotation::kinds().find(|k| k.name == kind.name).unwrap();
        let segments = kind.id.split('/').count();
        assert!(
            listed
                .resource_ids
                .iter()
                .any(|t| t.split('/').count() == segments),
            "{}: {:?}",
            kind.name,
            listed.resource_ids
        );
    }
}
