//! The uniform key model: two slots, and a key (with its connection string, where the service
//! has one) in each.

use azure_core::credentials::Secret;
use std::fmt;
use std::str::FromStr;

/// One of a resource's two keys, whatever the service calls them (`PrimaryKey`, `authKey1`,
/// `Primary`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// The key clients use by default.
    Primary,
    /// The standby key: clients move to it while the primary is regenerated.
    Secondary,
}

impl Slot {
    /// Both slots, primary first.
    pub const ALL: [Slot; 2] = [Slot::Primary, Slot::Secondary];

    /// The other slot.
    pub fn other(self) -> Slot {
        match self {
            Slot::Primary => Slot::Secondary,
            Slot::Secondary => Slot::Primary,
        }
    }

    /// `primary` or `secondary`: stable, for scripts and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Primary => "primary",
            Slot::Secondary => "secondary",
        }
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `primary` or `secondary`, in any case.
impl FromStr for Slot {
    type Err = UnknownSlot;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Slot::ALL
            .into_iter()
            .find(|slot| slot.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownSlot(text.to_owned()))
    }
}

/// A slot name that is neither `primary` nor `secondary`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSlot(String);

impl fmt::Display for UnknownSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown key slot `{}`; the slots are `primary` and `secondary`",
            self.0.escape_debug()
        )
    }
}

impl std::error::Error for UnknownSlot {}

/// The credential one slot holds: its key and, where the service returns one, the connection
/// string built on it. Both are [`Secret`]s: `Debug` shows neither, and there is no `Display`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    key: Secret,
    connection_string: Option<Secret>,
}

impl AccessKey {
    /// A key, and its connection string where there is one.
    pub fn new(key: Secret, connection_string: Option<Secret>) -> Self {
        Self {
            key,
            connection_string,
        }
    }

    /// The key, when the service returned one (what generated code reads from a response).
    pub fn from_parts(key: Option<Secret>, connection_string: Option<Secret>) -> Option<Self> {
        key.map(|key| Self::new(key, connection_string))
    }

    /// The key; `.secret()` reads it.
    pub fn key(&self) -> &Secret {
        &self.key
    }

    /// The connection string, for services that return one.
    pub fn connection_string(&self) -> Option<&Secret> {
        self.connection_string.as_ref()
    }
}

/// The keys a resource holds, as one listing (or one regeneration) returned them. A slot is
/// `None` when the response did not include its key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    primary: Option<AccessKey>,
    secondary: Option<AccessKey>,
}

impl Keys {
    /// The keys of both slots.
    pub fn new(primary: Option<AccessKey>, secondary: Option<AccessKey>) -> Self {
        Self { primary, secondary }
    }

    /// The key in `slot`.
    pub fn get(&self, slot: Slot) -> Option<&AccessKey> {
        match slot {
            Slot::Primary => self.primary.as_ref(),
            Slot::Secondary => self.secondary.as_ref(),
        }
    }

    /// The primary key.
    pub fn primary(&self) -> Option<&AccessKey> {
        self.get(Slot::Primary)
    }

    /// The secondary key.
    pub fn secondary(&self) -> Option<&AccessKey> {
        self.get(Slot::Secondary)
    }

    /// Takes the key out of `slot`.
    pub fn take(&mut self, slot: Slot) -> Option<AccessKey> {
        match slot {
            Slot::Primary => self.primary.take(),
            Slot::Secondary => self.secondary.take(),
        }
    }
}
