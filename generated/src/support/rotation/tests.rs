//! The protocols over an in-memory resource, on a paused tokio clock: the order of calls and
//! events, the waits between listings (to the second), where a failure leaves each slot, and
//! that no key is ever shown. The same protocols over HTTP, for every service, are in
//! `tests/tests/rotation.rs`.

use super::*;
use crate::support::error::{Error, ErrorKind, ServiceError};
use crate::support::lro::OperationStatus;
use crate::support::options::ClientOptions;
use crate::support::params::ParamSpec;
use crate::support::resource_id::{IdSegment, IdShape, parse_id};
use async_trait::async_trait;
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::StatusCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Every key the fake hands out contains this, so a search finds any leak.
const MARKER: &str = "SECRET";

#[derive(Debug, Default)]
struct State {
    primary: String,
    secondary: String,
    /// Values before the last regeneration, which stale listings still show.
    previous: Option<(String, String)>,
    /// How many listings after a regeneration still show the previous values.
    stale_for: u32,
    stale_left: u32,
    /// The slot whose regeneration fails, and how.
    fail_regenerate: Option<(Slot, Error)>,
    /// Listings fail with this.
    fail_list: Option<Error>,
    /// Regeneration answers without the new key.
    omit_key: bool,
    regenerations: u32,
    calls: Vec<String>,
}

#[derive(Debug)]
struct Fake(Mutex<State>);

static KIND: ResourceKind = ResourceKind {
    name: "fake/thing",
    title: "Fake thing",
    docs: "A thing with two keys.",
    resource_ids: &["/things/{thingName}"],
    connection_strings: true,
};

impl Fake {
    fn new() -> Self {
        Fake(Mutex::new(State {
            primary: format!("{MARKER}-primary-0"),
            secondary: format!("{MARKER}-secondary-0"),
            ..State::default()
        }))
    }

    fn stale_for(self, listings: u32) -> Self {
        self.0.lock().unwrap().stale_for = listings;
        self
    }

    fn failing_regeneration(self, slot: Slot, error: Error) -> Self {
        self.0.lock().unwrap().fail_regenerate = Some((slot, error));
        self
    }

    fn calls(&self) -> Vec<String> {
        self.0.lock().unwrap().calls.clone()
    }

    fn key(&self, slot: Slot) -> String {
        let state = self.0.lock().unwrap();
        match slot {
            Slot::Primary => state.primary.clone(),
            Slot::Secondary => state.secondary.clone(),
        }
    }
}

fn keys(primary: &str, secondary: &str) -> Keys {
    let key = |value: &str| {
        Some(AccessKey::new(
            Secret::new(value.to_owned()),
            Some(Secret::new(format!(
                "Endpoint=sb://x/;SharedAccessKey={value}"
            ))),
        ))
    };
    Keys::new(key(primary), key(secondary))
}

#[async_trait]
impl RotatableKeys for Fake {
    fn kind(&self) -> &'static ResourceKind {
        &KIND
    }

    fn resource_id(&self) -> String {
        "/things/thing1".to_owned()
    }

    async fn list_keys(&self) -> crate::Result<Keys> {
        let mut state = self.0.lock().unwrap();
        state.calls.push("list".to_owned());
        if let Some(error) = &state.fail_list {
            return Err(error.clone());
        }
        if state.stale_left > 0 {
            state.stale_left -= 1;
            if let Some((primary, secondary)) = &state.previous {
                return Ok(keys(primary, secondary));
            }
        }
        Ok(keys(&state.primary, &state.secondary))
    }

    async fn regenerate_key(&self, slot: Slot, progress: &dyn Progress) -> crate::Result<Keys> {
        let mut state = self.0.lock().unwrap();
        state.calls.push(format!("regenerate {slot}"));
        if let Some((failing, error)) = &state.fail_regenerate
            && *failing == slot
        {
            return Err(error.clone());
        }
        progress.report(Event::Polling {
            slot,
            status: OperationStatus::Succeeded,
            elapsed: Duration::ZERO,
        });
        state.previous = Some((state.primary.clone(), state.secondary.clone()));
        state.stale_left = state.stale_for;
        state.regenerations += 1;
        let value = format!("{MARKER}-{slot}-{}", state.regenerations);
        match slot {
            Slot::Primary => state.primary = value,
            Slot::Secondary => state.secondary = value,
        }
        let mut answer = keys(&state.primary, &state.secondary);
        if state.omit_key {
            answer.take(slot);
        }
        Ok(answer)
    }
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

fn service_error(status: u16) -> Error {
    Error::new(ErrorKind::Service(ServiceError {
        status: StatusCode::from(status),
        code: Some("Conflict".into()),
        message: Some("the resource is busy".into()),
        target: None,
        details: Vec::new(),
        request_id: Some("req-1".into()),
        correlation_id: None,
        operation_status: None,
        raw_body: Default::default(),
    }))
}

fn assert_hides_keys(text: &str) {
    assert!(!text.contains(MARKER), "a key leaked: {text}");
}

#[tokio::test(start_paused = true)]
async fn regenerate_confirms_the_new_key_in_the_listing() {
    let fake = Fake::new();
    let progress = Recorder::default();
    let started = Instant::now();
    let done = regenerate(&fake, Slot::Primary, &RotationOptions::default(), &progress)
        .await
        .unwrap();
    assert_eq!(done.slot, Slot::Primary);
    assert_eq!(done.listings, 1);
    assert_eq!(done.key.key().secret(), fake.key(Slot::Primary));
    assert_eq!(fake.calls(), ["regenerate primary", "list"]);
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "no wait when the first listing shows it"
    );
    let primary = Slot::Primary;
    assert_eq!(
        progress.events(),
        [
            Event::Regenerating { slot: primary },
            Event::Polling {
                slot: primary,
                status: OperationStatus::Succeeded,
                elapsed: Duration::ZERO
            },
            Event::Regenerated { slot: primary },
            Event::Verifying {
                slot: primary,
                attempt: 1,
                attempts: 6
            },
            Event::Verified { slot: primary },
            Event::Done,
        ]
    );
    assert_hides_keys(&format!("{done:?}"));
}

#[tokio::test(start_paused = true)]
async fn a_stale_listing_is_listed_again_with_backoff_until_it_catches_up() {
    let fake = Fake::new().stale_for(2);
    let progress = Recorder::default();
    let started = Instant::now();
    let done = regenerate(
        &fake,
        Slot::Secondary,
        &RotationOptions::default(),
        &progress,
    )
    .await
    .unwrap();
    assert_eq!(done.listings, 3);
    assert_eq!(
        fake.calls(),
        ["regenerate secondary", "list", "list", "list"]
    );
    assert_eq!(started.elapsed(), Duration::from_secs(2 + 4));
    let waits: Vec<Duration> = progress
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::NotYetVisible { retry_in, .. } => Some(retry_in),
            _ => None,
        })
        .collect();
    assert_eq!(waits, [Duration::from_secs(2), Duration::from_secs(4)]);
}

#[tokio::test(start_paused = true)]
async fn a_listing_that_never_catches_up_is_a_typed_error_with_the_new_key() {
    let fake = Fake::new().stale_for(u32::MAX);
    let started = Instant::now();
    let error = regenerate(
        &fake,
        Slot::Primary,
        &RotationOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap_err();
    // 6 listings, waiting 2, 4, 8, 16 and 30 s (the cap) between them.
    assert_eq!(started.elapsed(), Duration::from_secs(60));
    assert!(matches!(
        error.kind(),
        RotationErrorKind::NotConfirmed { attempts: 6, waited } if *waited == Duration::from_secs(60)
    ));
    assert_eq!(error.step(), Step::Verify(Slot::Primary));
    assert_eq!(error.regenerated(), [Slot::Primary]);
    match error.slot(Slot::Primary) {
        SlotState::Regenerated {
            key,
            verified: false,
        } => {
            assert_eq!(key.key().secret(), fake.key(Slot::Primary));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(error.slot(Slot::Secondary), &SlotState::Unchanged);
    assert_eq!(
        error.to_string(),
        "rotating the keys of `/things/thing1` stopped while confirming the new primary key: \
         the key was regenerated, but 6 listings over 60 s did not show the new value yet; \
         primary key: regenerated, not confirmed by the listing yet: only the new value \
         (returned by the service) works; secondary key: unchanged: its previous value still works"
    );
    assert_hides_keys(&format!("{error} {error:?}"));
}

#[tokio::test(start_paused = true)]
async fn waits_double_up_to_the_cap_and_at_least_one_listing_is_made() {
    let fake = Fake::new().stale_for(u32::MAX);
    let options = RotationOptions {
        verify: VerifyOptions {
            attempts: 5,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(5),
        },
        ..RotationOptions::default()
    };
    let started = Instant::now();
    let error = regenerate(&fake, Slot::Primary, &options, &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(2 + 4 + 5 + 5));
    assert!(matches!(
        error.kind(),
        RotationErrorKind::NotConfirmed { attempts: 5, .. }
    ));

    let fake = Fake::new().stale_for(u32::MAX);
    let once = RotationOptions {
        verify: VerifyOptions {
            attempts: 0,
            ..VerifyOptions::default()
        },
        ..RotationOptions::default()
    };
    let error = regenerate(&fake, Slot::Primary, &once, &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(fake.calls(), ["regenerate primary", "list"]);
    assert!(matches!(
        error.kind(),
        RotationErrorKind::NotConfirmed { attempts: 1, waited } if waited.is_zero()
    ));
}

#[tokio::test(start_paused = true)]
async fn dual_rotation_does_the_secondary_then_hands_back_then_the_primary() {
    let fake = Fake::new();
    let progress = Recorder::default();
    let options = RotationOptions::default();
    let started = start_dual_rotation(&fake, &options, &progress)
        .await
        .unwrap();
    assert_eq!(fake.calls(), ["regenerate secondary", "list"]);
    assert_eq!(started.secondary().slot, Slot::Secondary);
    assert_eq!(
        started.secondary().key.key().secret(),
        fake.key(Slot::Secondary)
    );
    assert!(
        !progress.events().contains(&Event::Done),
        "not done halfway"
    );
    let done = started.complete(&progress).await.unwrap();
    assert_eq!(
        fake.calls(),
        ["regenerate secondary", "list", "regenerate primary", "list"]
    );
    assert_eq!(done.primary.key.key().secret(), fake.key(Slot::Primary));
    assert_eq!(done.secondary.key.key().secret(), fake.key(Slot::Secondary));
    assert_eq!(progress.events().last(), Some(&Event::Done));
    assert_hides_keys(&format!("{done:?}"));
}

#[tokio::test(start_paused = true)]
async fn rotate_both_pauses_between_the_slots_when_asked() {
    let fake = Fake::new();
    let progress = Recorder::default();
    let options = RotationOptions {
        pause_between_slots: Duration::from_secs(300),
        ..RotationOptions::default()
    };
    let started = Instant::now();
    rotate_both(&fake, &options, &progress).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(300));
    let events = progress.events();
    let pause = events
        .iter()
        .position(|e| {
            *e == Event::Pausing {
                duration: Duration::from_secs(300),
            }
        })
        .expect("the pause is reported");
    assert_eq!(
        events[pause - 1],
        Event::Verified {
            slot: Slot::Secondary
        }
    );
    assert_eq!(
        events[pause + 1],
        Event::Regenerating {
            slot: Slot::Primary
        }
    );

    let fake = Fake::new();
    let started = Instant::now();
    rotate_both(&fake, &RotationOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_failure_after_the_first_slot_says_what_each_slot_holds() {
    let fake = Fake::new().failing_regeneration(Slot::Primary, service_error(409));
    let error = rotate_both(&fake, &RotationOptions::default(), &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(error.step(), Step::Regenerate(Slot::Primary));
    assert_eq!(error.regenerated(), [Slot::Secondary]);
    assert_eq!(error.slot(Slot::Primary), &SlotState::Unchanged);
    match error.slot(Slot::Secondary) {
        SlotState::Regenerated {
            key,
            verified: true,
        } => {
            assert_eq!(key.key().secret(), fake.key(Slot::Secondary));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        error.slot(Slot::Secondary).key().map(|k| k.key().secret()),
        Some(fake.key(Slot::Secondary).as_str())
    );
    assert_eq!(error.slot(Slot::Primary).key(), None);
    assert_eq!(
        error.error().and_then(Error::http_status),
        Some(StatusCode::Conflict)
    );
    let text = error.to_string();
    assert!(
        text.starts_with("rotating the keys of `/things/thing1` stopped while regenerating the primary key: HTTP 409 Conflict"),
        "{text}"
    );
    assert!(
        text.ends_with("; primary key: unchanged: its previous value still works; secondary key: regenerated and confirmed: only the new value works"),
        "{text}"
    );
    assert_hides_keys(&format!("{error} {error:?}"));
    assert_eq!(error.slot(Slot::Secondary).as_str(), "regenerated");
    assert_eq!(error.slot(Slot::Primary).as_str(), "unchanged");
    assert_eq!(error.kind().as_str(), "call-failed");
    assert_eq!(
        (error.step().as_str(), error.step().slot()),
        ("regenerate", Slot::Primary)
    );
}

#[test]
fn a_failed_regeneration_leaves_the_slot_unchanged_only_when_certainly_refused() {
    let state = |error: Error| SlotState::after_failed_regeneration(&error);
    assert_eq!(state(service_error(400)), SlotState::Unchanged);
    assert_eq!(state(service_error(403)), SlotState::Unchanged);
    assert_eq!(state(service_error(409)), SlotState::Unchanged);
    assert_eq!(state(service_error(408)), SlotState::Uncertain);
    assert_eq!(state(service_error(429)), SlotState::Uncertain);
    assert_eq!(state(service_error(500)), SlotState::Uncertain);
    assert_eq!(state(service_error(503)), SlotState::Uncertain);
    assert_eq!(
        state(Error::invalid_parameter("name", "x", "bad")),
        SlotState::Unchanged
    );
    assert_eq!(
        state(Error::new(ErrorKind::Credential)),
        SlotState::Unchanged
    );
    assert_eq!(
        state(Error::new(ErrorKind::Timeout {
            limit: Duration::from_secs(1)
        })),
        SlotState::Uncertain
    );
    assert_eq!(
        state(Error::new(ErrorKind::Transport)),
        SlotState::Uncertain
    );
    assert_eq!(
        state(Error::decode(StatusCode::Ok, "truncated")),
        SlotState::Uncertain
    );
    assert_eq!(SlotState::Uncertain.as_str(), "uncertain");
    assert!(!SlotState::Uncertain.is_regenerated());
    assert!(SlotState::RegeneratedValueUnknown.is_regenerated());
}

#[tokio::test(start_paused = true)]
async fn an_uncertain_regeneration_and_a_missing_key_are_reported_as_such() {
    let fake = Fake::new().failing_regeneration(Slot::Secondary, service_error(503));
    let error = rotate_both(&fake, &RotationOptions::default(), &NoProgress)
        .await
        .unwrap_err();
    assert_eq!(error.slot(Slot::Secondary), &SlotState::Uncertain);
    assert_eq!(
        fake.calls(),
        ["regenerate secondary"],
        "the primary is not touched"
    );
    assert!(error.regenerated().is_empty());

    let fake = Fake::new();
    fake.0.lock().unwrap().omit_key = true;
    let error = regenerate(
        &fake,
        Slot::Primary,
        &RotationOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(error.kind(), RotationErrorKind::NoKeyReturned));
    assert_eq!(error.kind().as_str(), "no-key-returned");
    assert_eq!(
        error.slot(Slot::Primary).as_str(),
        "regenerated-value-unknown"
    );
    assert_eq!(error.step(), Step::Regenerate(Slot::Primary));
    assert_eq!(
        error.slot(Slot::Primary),
        &SlotState::RegeneratedValueUnknown
    );
    assert_eq!(error.regenerated(), [Slot::Primary]);
    assert!(
        error
            .to_string()
            .contains("the service's answer did not include the new key")
    );
}

#[tokio::test(start_paused = true)]
async fn a_listing_that_fails_while_confirming_keeps_the_new_key() {
    let fake = Fake::new();
    fake.0.lock().unwrap().fail_list = Some(service_error(500));
    let error = regenerate(
        &fake,
        Slot::Primary,
        &RotationOptions::default(),
        &NoProgress,
    )
    .await
    .unwrap_err();
    assert_eq!(error.step(), Step::Verify(Slot::Primary));
    assert!(matches!(error.kind(), RotationErrorKind::Call(_)));
    assert!(matches!(
        error.slot(Slot::Primary),
        SlotState::Regenerated {
            verified: false,
            ..
        }
    ));
    assert_eq!(error.resource_id(), "/things/thing1");
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn slots_read_and_print_their_stable_names() {
    assert_eq!("PRIMARY".parse::<Slot>(), Ok(Slot::Primary));
    assert_eq!("secondary".parse::<Slot>(), Ok(Slot::Secondary));
    assert_eq!(
        "tertiary".parse::<Slot>().unwrap_err().to_string(),
        "unknown key slot `tertiary`; the slots are `primary` and `secondary`"
    );
    assert_eq!(Slot::Primary.to_string(), "primary");
    assert_eq!(Slot::Primary.other(), Slot::Secondary);
    assert_eq!(Slot::Secondary.other(), Slot::Primary);
}

#[test]
fn events_read_as_progress_lines() {
    let lines = [
        (
            Event::Regenerating {
                slot: Slot::Primary,
            },
            "regenerating the primary key",
        ),
        (
            Event::Polling {
                slot: Slot::Primary,
                status: OperationStatus::InProgress,
                elapsed: Duration::from_millis(12_300),
            },
            "the service is regenerating the primary key (in progress, 12 s)",
        ),
        (
            Event::Verifying {
                slot: Slot::Secondary,
                attempt: 2,
                attempts: 6,
            },
            "listing the keys to confirm the new secondary key (attempt 2 of 6)",
        ),
        (
            Event::NotYetVisible {
                slot: Slot::Secondary,
                attempt: 1,
                retry_in: Duration::from_secs(2),
            },
            "listing 1 does not show the new secondary key yet; listing again in 2 s",
        ),
        (
            Event::Verified {
                slot: Slot::Secondary,
            },
            "the new secondary key is confirmed",
        ),
        (Event::Done, "done"),
    ];
    for (event, line) in lines {
        assert_eq!(event.to_string(), line);
    }
}

#[tokio::test(start_paused = true)]
async fn any_closure_receives_the_events_and_long_pauses_are_kept() {
    let seen = Mutex::new(Vec::new());
    let progress = |event: Event| seen.lock().unwrap().push(event);
    let fake = Fake::new();
    let options = RotationOptions {
        pause_between_slots: Duration::from_secs(3 * 24 * 3600),
        ..RotationOptions::default()
    };
    let started = Instant::now();
    let done = rotate_both(&fake, &options, &progress).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(3 * 24 * 3600));
    let seen = seen.into_inner().unwrap();
    assert_eq!(
        seen.first(),
        Some(&Event::Regenerating {
            slot: Slot::Secondary
        })
    );
    assert_eq!(seen.last(), Some(&Event::Done));
    assert_eq!(done.secondary.listings, 1);
}

#[test]
fn keys_never_print() {
    let keys = keys(&format!("{MARKER}-a"), &format!("{MARKER}-b"));
    assert_hides_keys(&format!("{keys:?}"));
    assert_eq!(
        keys.primary()
            .and_then(AccessKey::connection_string)
            .map(Secret::secret),
        Some(format!("Endpoint=sb://x/;SharedAccessKey={MARKER}-a").as_str())
    );
    assert_eq!(AccessKey::from_parts(None, Some(Secret::new("x"))), None);
    let only_key = AccessKey::from_parts(Some(Secret::new("k")), None).expect("a key");
    assert_eq!(only_key.key().secret(), "k");
    assert_eq!(only_key.connection_string(), None);
    assert_eq!(
        keys.secondary().map(|k| k.key().secret()),
        Some(format!("{MARKER}-b").as_str())
    );
    assert_eq!(KIND.to_string(), "Fake thing");
}

// The entry point's dispatch, over two made-up kinds.

static THING_SHAPE: IdShape = IdShape {
    name: "ThingId",
    template: "/things/{thingName}",
    segments: &[
        IdSegment::Literal("things"),
        IdSegment::Param(&[ParamSpec {
            name: "thingName",
            min_length: Some(3),
            max_length: None,
            pattern: None,
        }]),
    ],
};

fn open_thing(
    id: &str,
    _: Arc<dyn TokenCredential>,
    options: ClientOptions,
) -> crate::Result<Box<dyn RotatableKeys>> {
    parse_id::<1>(&THING_SHAPE, id, !options.skip_constraint_checks)?;
    Ok(Box::new(Fake::new()))
}

fn open_broken(
    id: &str,
    _: Arc<dyn TokenCredential>,
    _: ClientOptions,
) -> crate::Result<Box<dyn RotatableKeys>> {
    if id.starts_with("/broken/") {
        return Err(Error::new(ErrorKind::Configuration("no endpoint".into())));
    }
    Err(parse_id::<1>(&THING_SHAPE, "/other", true)
        .unwrap_err()
        .into())
}

static OTHER: ResourceKind = ResourceKind {
    name: "fake/broken",
    title: "Broken thing",
    docs: "Never opens.",
    resource_ids: &["/broken/{name}"],
    connection_strings: false,
};

fn openers() -> [Opener; 2] {
    [
        Opener {
            kind: &OTHER,
            open: open_broken,
        },
        Opener {
            kind: &KIND,
            open: open_thing,
        },
    ]
}

#[derive(Debug)]
struct NoCredential;

#[async_trait]
impl TokenCredential for NoCredential {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        unreachable!("nothing is sent")
    }
}

#[test]
fn the_entry_point_picks_the_kind_by_the_ids_shape() {
    let credential: Arc<dyn TokenCredential> = Arc::new(NoCredential);
    let open = |id: &str, options: ClientOptions| open(&openers(), id, credential.clone(), options);
    let target = open("/things/abc", ClientOptions::default()).unwrap();
    assert_eq!(target.kind().name, "fake/thing");

    // The right shape with a refused value: that kind's own error.
    let error = open("/things/ab", ClientOptions::default()).unwrap_err();
    assert!(
        error
            .to_string()
            .ends_with("`thingName`: `ab` is 2 characters long; the minimum is 3"),
        "{error}"
    );
    let lenient = ClientOptions {
        skip_constraint_checks: true,
        ..ClientOptions::default()
    };
    assert!(open("/things/ab", lenient).is_ok());

    // No kind's shape: every kind listed.
    let error = open("/widgets/abc", ClientOptions::default()).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::ResourceId(_)));
    assert_eq!(
        error.to_string(),
        "invalid resource ID: `/widgets/abc` is not the ID of a resource this crate rotates keys of; supported:\n  Broken thing: /broken/{name}\n  Fake thing: /things/{thingName}"
    );

    // Any other failure stops the search.
    let error = open("/broken/x", ClientOptions::default()).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Configuration(_)));

    // Text that is not an ID is not quoted: it may be a key pasted in the wrong place.
    let error = open("SECRET-pasted-key", ClientOptions::default()).unwrap_err();
    assert_hides_keys(&error.to_string());
}
