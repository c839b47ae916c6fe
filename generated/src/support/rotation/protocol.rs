//! The rotation protocols, over any [`RotatableKeys`]: regenerate one slot then verify it, and
//! the dual-key rotation (secondary first, then primary).

use super::events::{Event, Progress};
use super::keys::{AccessKey, Slot};
use super::report::{RotationError, RotationErrorKind, SlotState, Step};
use super::target::RotatableKeys;
use std::time::Duration;

/// How a new key is confirmed in the service's listing. Listings are eventually consistent:
/// right after a regeneration, a listing may still show the old key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The most listings made (at least 1; 0 counts as 1). Default 6.
    pub attempts: u32,
    /// The wait after the first listing that does not show the new key. Default 2 s.
    pub first_delay: Duration,
    /// The wait doubles after each such listing, up to this. Default 30 s.
    pub max_delay: Duration,
}

impl Default for VerifyOptions {
    /// 6 listings, waiting 2, 4, 8, 16 and 30 s between them: a minute in all.
    fn default() -> Self {
        Self {
            attempts: 6,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
        }
    }
}

/// Options of the rotation protocols.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationOptions {
    /// How new keys are confirmed.
    pub verify: VerifyOptions,
    /// [`rotate_both`] only: how long to wait between the secondary and the primary, for
    /// consumers to move to the new secondary (default: no wait). Use
    /// [`start_dual_rotation`] to decide yourself when they have moved.
    pub pause_between_slots: Duration,
}

/// A slot regenerated and confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Regenerated {
    /// The slot.
    pub slot: Slot,
    /// Its new key, the only valid value of the slot now.
    pub key: AccessKey,
    /// How many listings it took to see the new key (1: the first one did).
    pub listings: u32,
}

/// Both slots regenerated and confirmed, the secondary first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DualRotated {
    /// The new secondary key.
    pub secondary: Regenerated,
    /// The new primary key.
    pub primary: Regenerated,
}

/// Regenerates the key in `slot`, then lists the keys until the listing shows the value the
/// service returned (see [`VerifyOptions`]).
///
/// # Errors
///
/// A [`RotationError`] that says where it stopped and what each slot holds: a failed call
/// ([`RotationErrorKind::Call`]), or a key regenerated but not confirmed
/// ([`RotationErrorKind::NotConfirmed`]; its new value is valid and in the error).
pub async fn regenerate(
    target: &dyn RotatableKeys,
    slot: Slot,
    options: &RotationOptions,
    progress: &dyn Progress,
) -> Result<Regenerated, RotationError> {
    let mut run = Run::new(target, options);
    let regenerated = run.slot(slot, progress).await?;
    progress.report(Event::Done);
    Ok(regenerated)
}

/// Starts a dual-key rotation: regenerates and confirms the secondary key, then hands back
/// control. Move every consumer to [`SecondaryRotated::secondary`], then call
/// [`SecondaryRotated::complete`] to regenerate and confirm the primary key.
///
/// Why two steps rather than a callback: what happens in between is the caller's own work
/// (updating settings, writing a vault, waiting for an operator), and as plain code between two
/// calls it can borrow anything, use `?`, be cancelled, or even stop the program; the type in
/// between makes it impossible to regenerate the primary before the secondary is confirmed.
/// [`rotate_both`] is the one-call form, with a fixed pause.
///
/// # Errors
///
/// As [`regenerate`], for the secondary key.
pub async fn start_dual_rotation<'a>(
    target: &'a dyn RotatableKeys,
    options: &'a RotationOptions,
    progress: &dyn Progress,
) -> Result<SecondaryRotated<'a>, RotationError> {
    let mut run = Run::new(target, options);
    let secondary = run.slot(Slot::Secondary, progress).await?;
    Ok(SecondaryRotated { run, secondary })
}

/// The middle of a dual-key rotation: the secondary key is new and confirmed, the primary is
/// untouched. Both keys work now; move consumers to the secondary, then
/// [`complete`](Self::complete).
#[derive(Debug)]
pub struct SecondaryRotated<'a> {
    run: Run<'a>,
    secondary: Regenerated,
}

impl SecondaryRotated<'_> {
    /// The new secondary key.
    pub fn secondary(&self) -> &Regenerated {
        &self.secondary
    }

    /// Regenerates and confirms the primary key.
    ///
    /// # Errors
    ///
    /// As [`regenerate`], for the primary key; the error also reports the new secondary.
    pub async fn complete(mut self, progress: &dyn Progress) -> Result<DualRotated, RotationError> {
        let primary = self.run.slot(Slot::Primary, progress).await?;
        progress.report(Event::Done);
        Ok(DualRotated {
            secondary: self.secondary,
            primary,
        })
    }
}

/// Rotates both keys: the secondary (regenerated and confirmed), then, after
/// [`RotationOptions::pause_between_slots`], the primary. Consumers of the primary key should
/// have moved to the secondary before the primary is regenerated: give them the pause, or use
/// [`start_dual_rotation`] to decide when.
///
/// ```no_run
/// # async fn example(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> Result<(), Box<dyn std::error::Error>> {
/// use azure_mgmt::rotation::{self, RotationOptions};
///
/// let id = "/subscriptions/.../resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/authorizationRules/app";
/// let target = rotation::target(id, credential, None)?;
/// let rotated = rotation::rotate_both(&*target, &RotationOptions::default(), &|event| {
///     eprintln!("{event}")
/// })
/// .await?;
/// let new_primary = rotated.primary.key.key().secret();
/// # let _ = new_primary; Ok(()) }
/// ```
///
/// # Errors
///
/// A [`RotationError`] saying which step failed and what each slot holds now (for instance,
/// the secondary regenerated and confirmed, the primary unchanged).
pub async fn rotate_both(
    target: &dyn RotatableKeys,
    options: &RotationOptions,
    progress: &dyn Progress,
) -> Result<DualRotated, RotationError> {
    let started = start_dual_rotation(target, options, progress).await?;
    let pause = options.pause_between_slots;
    if !pause.is_zero() {
        progress.report(Event::Pausing { duration: pause });
        sleep(pause).await;
    }
    started.complete(progress).await
}

/// One rotation's state: what each slot holds so far.
#[derive(Debug)]
struct Run<'a> {
    target: &'a dyn RotatableKeys,
    options: &'a RotationOptions,
    primary: SlotState,
    secondary: SlotState,
}

impl<'a> Run<'a> {
    fn new(target: &'a dyn RotatableKeys, options: &'a RotationOptions) -> Self {
        Self {
            target,
            options,
            primary: SlotState::Unchanged,
            secondary: SlotState::Unchanged,
        }
    }

    fn state(&mut self, slot: Slot) -> &mut SlotState {
        match slot {
            Slot::Primary => &mut self.primary,
            Slot::Secondary => &mut self.secondary,
        }
    }

    fn stop(&self, step: Step, kind: RotationErrorKind) -> RotationError {
        RotationError::new(
            self.target.resource_id(),
            step,
            kind,
            [self.primary.clone(), self.secondary.clone()],
        )
    }

    /// Regenerates `slot`, then confirms it.
    async fn slot(
        &mut self,
        slot: Slot,
        progress: &dyn Progress,
    ) -> Result<Regenerated, RotationError> {
        progress.report(Event::Regenerating { slot });
        let step = Step::Regenerate(slot);
        let mut keys = match self.target.regenerate_key(slot, progress).await {
            Ok(keys) => keys,
            Err(error) => {
                *self.state(slot) = SlotState::after_failed_regeneration(&error);
                return Err(self.stop(step, RotationErrorKind::Call(error)));
            }
        };
        let Some(key) = keys.take(slot) else {
            *self.state(slot) = SlotState::RegeneratedValueUnknown;
            return Err(self.stop(step, RotationErrorKind::NoKeyReturned));
        };
        *self.state(slot) = SlotState::Regenerated {
            key: key.clone(),
            verified: false,
        };
        progress.report(Event::Regenerated { slot });
        let listings = self.confirm(slot, &key, progress).await?;
        *self.state(slot) = SlotState::Regenerated {
            key: key.clone(),
            verified: true,
        };
        progress.report(Event::Verified { slot });
        Ok(Regenerated {
            slot,
            key,
            listings,
        })
    }

    /// Lists the keys until `slot` shows `key`; returns how many listings it took.
    async fn confirm(
        &self,
        slot: Slot,
        key: &AccessKey,
        progress: &dyn Progress,
    ) -> Result<u32, RotationError> {
        let verify = &self.options.verify;
        let attempts = verify.attempts.max(1);
        let mut delay = verify.first_delay;
        let mut waited = Duration::ZERO;
        for attempt in 1..=attempts {
            progress.report(Event::Verifying {
                slot,
                attempt,
                attempts,
            });
            let listed =
                self.target.list_keys().await.map_err(|error| {
                    self.stop(Step::Verify(slot), RotationErrorKind::Call(error))
                })?;
            if listed.get(slot).is_some_and(|l| l.key() == key.key()) {
                return Ok(attempt);
            }
            if attempt < attempts {
                progress.report(Event::NotYetVisible {
                    slot,
                    attempt,
                    retry_in: delay,
                });
                sleep(delay).await;
                waited += delay;
                delay = delay.saturating_mul(2).min(verify.max_delay);
            }
        }
        Err(self.stop(
            Step::Verify(slot),
            RotationErrorKind::NotConfirmed { attempts, waited },
        ))
    }
}

/// Sleeps on azure_core's async runtime, so the crate does not pick one (and a test's paused
/// tokio clock applies).
async fn sleep(duration: Duration) {
    // Bounded so the conversion to the runtime's duration can never overflow.
    let duration = duration.min(Duration::from_secs(365 * 24 * 3600));
    let duration = azure_core::time::Duration::try_from(duration).unwrap_or_default();
    azure_core::sleep(duration).await;
}
