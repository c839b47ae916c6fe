//! Key rotation over one trait. Hand-written, NOT GENERATED: the generated `crate::rotation`
//! module re-exports everything public here and adds what the specs declare (each rotatable
//! kind, and the entry point that picks one by resource ID).
//!
//! One file per part: `keys` (slots and key values), `target` (the trait, kinds, the entry
//! point's dispatch, awaiting a long-running regeneration), `events` (progress), `protocol`
//! (regenerate then verify; dual-key rotation) and `report` (slot states and the error that
//! says where a rotation stopped).

mod events;
mod keys;
mod protocol;
mod report;
mod target;

pub use events::{Event, NoProgress, Progress};
pub use keys::{AccessKey, Keys, Slot, UnknownSlot};
pub use protocol::{
    DualRotated, Regenerated, RotationOptions, SecondaryRotated, VerifyOptions, regenerate,
    rotate_both, start_dual_rotation,
};
pub use report::{RotationError, RotationErrorKind, SlotState, Step};
pub use target::{Opener, ResourceKind, RotatableKeys, open, regeneration};

#[cfg(test)]
mod tests;
