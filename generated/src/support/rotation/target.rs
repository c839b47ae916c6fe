//! The one trait every rotatable resource kind implements (generated code implements it from
//! the specs), the kinds' descriptions, and the entry point that picks the kind by resource ID.

use super::events::{Event, Progress};
use super::keys::{Keys, Slot};
use crate::support::error::{ErrorKind, Result};
use crate::support::lro::{OperationStatus, Poller};
use crate::support::options::ClientOptions;
use crate::support::resource_id::ResourceIdError;
use crate::support::response::Response;
use async_trait::async_trait;
use azure_core::credentials::TokenCredential;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

/// The keys of one resource: list them, regenerate one slot.
///
/// Generated code implements it for each kind of resource a spec declares rotatable (one
/// `...Keys` type per kind, in its service's module); [`target`](crate::rotation::target)
/// returns the right one for a resource ID. The protocols in [`crate::rotation`] work over any
/// implementation: `regenerate` then verify, and the dual-key rotation.
///
/// Object safe: hold it as `Box<dyn RotatableKeys>` or `Arc<dyn RotatableKeys>`.
#[async_trait]
pub trait RotatableKeys: fmt::Debug + Send + Sync {
    /// What kind of resource this is.
    fn kind(&self) -> &'static ResourceKind;

    /// The resource's ID, in canonical form.
    fn resource_id(&self) -> String;

    /// Lists the keys, as the service's list operation returns them.
    async fn list_keys(&self) -> Result<Keys>;

    /// Regenerates the key in `slot` and returns the keys the service answered with (the new
    /// one in `slot`). A long-running regeneration is awaited here, reporting
    /// [`Event::Polling`] to `progress` as it goes.
    ///
    /// The client's retry policy applies: a retried request regenerates the key again, and
    /// only the keys returned last are valid.
    async fn regenerate_key(&self, slot: Slot, progress: &dyn Progress) -> Result<Keys>;
}

/// A kind of resource whose keys this crate rotates, as its spec describes it.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResourceKind {
    /// A stable name for scripts and JSON: the service's folder and the kind, in kebab-case
    /// (`service-bus/namespace-authorization-rule`).
    pub name: &'static str,
    /// A name for people (`Service Bus namespace authorization rule`).
    pub title: &'static str,
    /// What the resource is.
    pub docs: &'static str,
    /// The template of each resource ID form that addresses it.
    pub resource_ids: &'static [&'static str],
    /// Whether each key comes with a connection string.
    pub connection_strings: bool,
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title)
    }
}

/// Makes one kind's target from a resource ID, a credential and options.
pub type OpenFn =
    fn(&str, Arc<dyn TokenCredential>, ClientOptions) -> Result<Box<dyn RotatableKeys>>;

/// How the entry point opens one kind: what generated code lists, one per kind.
#[doc(hidden)]
pub struct Opener {
    /// The kind it opens.
    pub kind: &'static ResourceKind,
    /// Reads the ID (failing with [`ErrorKind::ResourceId`] when it is not of this kind) and
    /// makes the target.
    pub open: OpenFn,
}

/// Opens the target whose kind accepts `resource_id`: the first that does. An ID that has a
/// kind's shape but a refused value gets that kind's error; one that fits no kind gets an
/// error listing every kind with its ID templates.
pub fn open(
    openers: &[Opener],
    resource_id: &str,
    credential: Arc<dyn TokenCredential>,
    options: ClientOptions,
) -> Result<Box<dyn RotatableKeys>> {
    for opener in openers {
        match (opener.open)(resource_id, credential.clone(), options.clone()) {
            Ok(target) => return Ok(target),
            Err(error) => match error.kind() {
                ErrorKind::ResourceId(id) if !id.is_invalid_value() => continue,
                _ => return Err(error),
            },
        }
    }
    let supported = openers
        .iter()
        .flat_map(|o| o.kind.resource_ids.iter().map(|t| (o.kind.title, *t)))
        .collect();
    Err(ResourceIdError::unsupported(resource_id, supported).into())
}

/// Awaits a long-running regeneration, reporting each status the service gives.
pub async fn regeneration<T: DeserializeOwned + Send + 'static>(
    mut poller: Poller<T>,
    slot: Slot,
    progress: &dyn Progress,
) -> Result<Response<T>> {
    let started = Instant::now();
    while let Some(status) = poller.next_status().await {
        // An error is reported again by the `.await` below.
        let Ok(status) = status else { break };
        progress.report(Event::Polling {
            slot,
            status,
            elapsed: started.elapsed(),
        });
        if status != OperationStatus::InProgress {
            break;
        }
    }
    poller.await
}
