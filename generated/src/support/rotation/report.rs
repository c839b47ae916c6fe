//! What a rotation leaves behind: each slot's state, and, when it stops early, exactly where and
//! what is valid now.

use super::keys::{AccessKey, Slot};
use crate::support::error::{Error, ErrorKind};
use azure_core::http::StatusCode;
use std::fmt;
use std::time::Duration;

/// What a slot holds after a rotation (or a failed one), so an operator knows which values
/// work. Holds the new key where there is one; `Debug` never shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlotState {
    /// Not regenerated: the value it held before is still valid.
    Unchanged,
    /// Regenerated to `key`, the only valid value of the slot now; the previous one no longer
    /// works. `verified` when the service's listing showed it.
    Regenerated {
        /// The new key.
        key: AccessKey,
        /// Whether the service's listing showed the new key.
        verified: bool,
    },
    /// Regenerated, but the service's answer did not hold the new key: the previous value no
    /// longer works; list the keys to read the new one.
    RegeneratedValueUnknown,
    /// A regeneration was asked for and its outcome is unknown (the connection failed, the
    /// service failed after retries, the operation timed out): the previous value may or may
    /// not still work; list the keys to find out.
    Uncertain,
}

impl SlotState {
    /// `unchanged`, `regenerated`, `unverified`, `regenerated-value-unknown` or `uncertain`:
    /// stable, for scripts and JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            SlotState::Unchanged => "unchanged",
            SlotState::Regenerated { verified: true, .. } => "regenerated",
            SlotState::Regenerated {
                verified: false, ..
            } => "unverified",
            SlotState::RegeneratedValueUnknown => "regenerated-value-unknown",
            SlotState::Uncertain => "uncertain",
        }
    }

    /// Whether the slot certainly holds a new key (its previous value no longer works).
    pub fn is_regenerated(&self) -> bool {
        matches!(
            self,
            SlotState::Regenerated { .. } | SlotState::RegeneratedValueUnknown
        )
    }

    /// The new key, when known.
    pub fn key(&self) -> Option<&AccessKey> {
        match self {
            SlotState::Regenerated { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The state a slot is in after its regeneration failed with `error`: unchanged when the
    /// request was certainly refused (nothing sent, or a 4xx other than 408 and 429), else
    /// uncertain (an unreadable answer included: it may be a poll of an operation still
    /// running).
    pub(crate) fn after_failed_regeneration(error: &Error) -> Self {
        let refused = match error.kind() {
            ErrorKind::InvalidParameter { .. }
            | ErrorKind::Encode { .. }
            | ErrorKind::Credential
            | ErrorKind::Configuration(_)
            | ErrorKind::ResourceId(_) => true,
            ErrorKind::Service(e) => {
                e.status().is_client_error()
                    && !matches!(
                        e.status(),
                        StatusCode::RequestTimeout | StatusCode::TooManyRequests
                    )
            }
            _ => false,
        };
        if refused {
            SlotState::Unchanged
        } else {
            SlotState::Uncertain
        }
    }
}

impl fmt::Display for SlotState {
    /// What the state means for the slot's values; never a value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SlotState::Unchanged => "unchanged: its previous value still works",
            SlotState::Regenerated { verified: true, .. } => {
                "regenerated and confirmed: only the new value works"
            }
            SlotState::Regenerated {
                verified: false, ..
            } => "regenerated, not confirmed by the listing yet: only the new value (returned by the service) works",
            SlotState::RegeneratedValueUnknown => {
                "regenerated, but the service did not return the new value: the previous value no longer works; list the keys to read it"
            }
            SlotState::Uncertain => {
                "may have been regenerated: the previous value may no longer work; list the keys to find out"
            }
        })
    }
}

/// Where a rotation stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Asking the service to regenerate the slot.
    Regenerate(Slot),
    /// Confirming the slot's new key in the service's listing.
    Verify(Slot),
}

impl Step {
    /// The slot the step works on.
    pub fn slot(self) -> Slot {
        match self {
            Step::Regenerate(slot) | Step::Verify(slot) => slot,
        }
    }

    /// `regenerate` or `verify`: stable, for scripts and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Regenerate(_) => "regenerate",
            Step::Verify(_) => "verify",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Regenerate(slot) => write!(f, "regenerating the {slot} key"),
            Step::Verify(slot) => write!(f, "confirming the new {slot} key"),
        }
    }
}

/// Why a rotation stopped.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum RotationErrorKind {
    /// A call failed: the crate's [`Error`] says how (its kind, the service's code and
    /// message, the request id).
    Call(Error),
    /// The key was regenerated, but the service's listing did not show the new value after
    /// `attempts` listings over `waited`. The new value is valid (the service returned it);
    /// listings are eventually consistent, so it will likely show later.
    NotConfirmed {
        /// How many listings were made.
        attempts: u32,
        /// The time spent waiting between them.
        waited: Duration,
    },
    /// The service answered the regeneration without the slot's new key.
    NoKeyReturned,
}

impl RotationErrorKind {
    /// `call-failed`, `not-confirmed` or `no-key-returned`: stable, for scripts and JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            RotationErrorKind::Call(_) => "call-failed",
            RotationErrorKind::NotConfirmed { .. } => "not-confirmed",
            RotationErrorKind::NoKeyReturned => "no-key-returned",
        }
    }
}

/// A rotation that stopped before it finished: where ([`step`](Self::step)), why
/// ([`kind`](Self::kind)), and what each slot holds now ([`slot`](Self::slot)), new keys
/// included for the caller to use or store. `Display` and `Debug` never show a key.
#[derive(Clone, Debug)]
pub struct RotationError {
    resource_id: String,
    step: Step,
    kind: RotationErrorKind,
    primary: SlotState,
    secondary: SlotState,
}

impl RotationError {
    pub(crate) fn new(
        resource_id: String,
        step: Step,
        kind: RotationErrorKind,
        [primary, secondary]: [SlotState; 2],
    ) -> Self {
        Self {
            resource_id,
            step,
            kind,
            primary,
            secondary,
        }
    }

    /// The resource whose keys were being rotated.
    pub fn resource_id(&self) -> &str {
        &self.resource_id
    }

    /// The step that failed.
    pub fn step(&self) -> Step {
        self.step
    }

    /// Why it failed.
    pub fn kind(&self) -> &RotationErrorKind {
        &self.kind
    }

    /// The failed call's error, for [`RotationErrorKind::Call`].
    pub fn error(&self) -> Option<&Error> {
        match &self.kind {
            RotationErrorKind::Call(error) => Some(error),
            _ => None,
        }
    }

    /// What `slot` holds now.
    pub fn slot(&self, slot: Slot) -> &SlotState {
        match slot {
            Slot::Primary => &self.primary,
            Slot::Secondary => &self.secondary,
        }
    }

    /// The slots certainly regenerated (their previous values no longer work).
    pub fn regenerated(&self) -> Vec<Slot> {
        Slot::ALL
            .into_iter()
            .filter(|slot| self.slot(*slot).is_regenerated())
            .collect()
    }
}

impl fmt::Display for RotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rotating the keys of `{}` stopped while {}: ",
            self.resource_id, self.step
        )?;
        match &self.kind {
            RotationErrorKind::Call(error) => write!(f, "{error}")?,
            RotationErrorKind::NotConfirmed { attempts, waited } => write!(
                f,
                "the key was regenerated, but {attempts} listing{} over {} s did not show the new value yet",
                if *attempts == 1 { "" } else { "s" },
                waited.as_secs_f64()
            )?,
            RotationErrorKind::NoKeyReturned => {
                f.write_str("the service's answer did not include the new key")?
            }
        }
        write!(
            f,
            "; primary key: {}; secondary key: {}",
            self.primary, self.secondary
        )
    }
}

impl std::error::Error for RotationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error().map(|e| e as _)
    }
}
