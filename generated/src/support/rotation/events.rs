//! Progress: what a rotation is doing, as events a caller renders (a spinner, a log line).

use super::keys::Slot;
use crate::support::lro::OperationStatus;
use std::fmt;
use std::time::Duration;

/// One step of a rotation. Events never hold a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Asking the service to regenerate `slot`.
    Regenerating {
        /// The slot being regenerated.
        slot: Slot,
    },
    /// The service regenerates `slot` as a long-running operation, and reported `status`
    /// after `elapsed` (since the regeneration was asked for).
    Polling {
        /// The slot being regenerated.
        slot: Slot,
        /// What the service last reported.
        status: OperationStatus,
        /// Time since the regeneration was asked for.
        elapsed: Duration,
    },
    /// The service returned the new key of `slot`.
    Regenerated {
        /// The slot regenerated.
        slot: Slot,
    },
    /// Listing the keys to confirm that `slot` holds the new key: listing `attempt` of at
    /// most `attempts`.
    Verifying {
        /// The slot being confirmed.
        slot: Slot,
        /// This listing, from 1.
        attempt: u32,
        /// The most listings there will be.
        attempts: u32,
    },
    /// The listing does not show the new key of `slot` yet (listings are eventually
    /// consistent); the next listing is in `retry_in`.
    NotYetVisible {
        /// The slot being confirmed.
        slot: Slot,
        /// The listing that did not show it, from 1.
        attempt: u32,
        /// The wait before the next listing.
        retry_in: Duration,
    },
    /// The service's listing shows the new key of `slot`.
    Verified {
        /// The slot confirmed.
        slot: Slot,
    },
    /// Both slots are done; waiting `duration` before the primary, as asked
    /// ([`RotationOptions::pause_between_slots`](super::RotationOptions::pause_between_slots)).
    Pausing {
        /// How long.
        duration: Duration,
    },
    /// The rotation finished: every slot it regenerated is confirmed.
    Done,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Regenerating { slot } => write!(f, "regenerating the {slot} key"),
            Event::Polling {
                slot,
                status,
                elapsed,
            } => write!(
                f,
                "the service is regenerating the {slot} key ({}, {} s)",
                status_text(*status),
                elapsed.as_secs()
            ),
            Event::Regenerated { slot } => write!(f, "the {slot} key was regenerated"),
            Event::Verifying {
                slot,
                attempt,
                attempts,
            } => write!(
                f,
                "listing the keys to confirm the new {slot} key (attempt {attempt} of {attempts})"
            ),
            Event::NotYetVisible {
                slot,
                attempt,
                retry_in,
            } => write!(
                f,
                "listing {attempt} does not show the new {slot} key yet; listing again in {} s",
                retry_in.as_secs_f64()
            ),
            Event::Verified { slot } => write!(f, "the new {slot} key is confirmed"),
            Event::Pausing { duration } => write!(
                f,
                "waiting {} s before regenerating the primary key",
                duration.as_secs_f64()
            ),
            Event::Done => f.write_str("done"),
        }
    }
}

fn status_text(status: OperationStatus) -> &'static str {
    match status {
        OperationStatus::InProgress => "in progress",
        OperationStatus::Succeeded => "succeeded",
        OperationStatus::Failed => "failed",
        OperationStatus::Canceled => "canceled",
    }
}

/// Where a rotation reports its [`Event`]s. Any `Fn(Event)` closure is one:
/// `&|event| eprintln!("{event}")`.
pub trait Progress: Send + Sync {
    /// Called for each event, in order, on the task running the rotation: keep it quick.
    fn report(&self, event: Event);
}

impl<F: Fn(Event) + Send + Sync> Progress for F {
    fn report(&self, event: Event) {
        self(event)
    }
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _event: Event) {}
}
