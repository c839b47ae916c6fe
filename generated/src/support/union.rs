//! Discriminated unions (Swagger `discriminator`): a generated enum with one variant per known
//! kind, and [`UnknownVariant`] for a kind this version of the crate does not know, so that a
//! service adding a kind never fails a response.
//!
//! Each variant is a struct that writes its own discriminator (serde's `tag` on a struct, which
//! reading ignores), so a variant is correct on the wire on its own too, as the type of a
//! property. The enum reads the discriminator to pick the variant, and writes through it.

use serde::Serialize;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serializer};
use serde_json::Value;
use std::fmt;

/// A kind of a union that this version of the crate does not know, kept as it was sent.
///
/// `Debug` shows the kind only: the object may hold secrets.
#[derive(Clone, PartialEq)]
pub struct UnknownVariant {
    kind: Option<String>,
    raw: Value,
}

impl UnknownVariant {
    /// The discriminator's value, or `None` when the object had none (or not a string).
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// The object as it was sent, discriminator included.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The object, by value.
    pub fn into_raw(self) -> Value {
        self.raw
    }
}

impl fmt::Debug for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownVariant")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Serialize for UnknownVariant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

/// A union value as read, before the generated code picks its variant.
#[derive(Debug)]
pub struct Tagged {
    kind: Option<String>,
    raw: Value,
}

impl Tagged {
    /// Reads an object and its discriminator `property`. Anything but an object is an error.
    pub fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        property: &str,
    ) -> Result<Self, D::Error> {
        let raw = Value::deserialize(deserializer)?;
        let Value::Object(object) = &raw else {
            return Err(de::Error::custom("expected an object"));
        };
        let kind = object
            .get(property)
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(Self { kind, raw })
    }

    /// The discriminator's value.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_deref()
    }

    /// The object read as the variant `T`.
    pub fn variant<T: DeserializeOwned, E: de::Error>(self) -> Result<T, E> {
        // serde_json's message may quote a value (a key, say); the caller's decoder reports
        // the position and category only.
        T::deserialize(self.raw).map_err(E::custom)
    }

    /// The object kept as an [`UnknownVariant`].
    pub fn unknown(self) -> UnknownVariant {
        UnknownVariant {
            kind: self.kind,
            raw: self.raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::read_only::{skip_read_only, writing_request};

    #[derive(Clone, Debug, Deserialize, PartialEq, Serialize)]
    #[serde(tag = "type", rename = "Managed")]
    struct Managed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        #[serde(default, skip_serializing_if = "skip_read_only")]
        id: Option<String>,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Runtime {
        Managed(Managed),
        UnknownVariant(UnknownVariant),
    }

    impl<'de> Deserialize<'de> for Runtime {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let tagged = Tagged::read(deserializer, "type")?;
            Ok(match tagged.kind() {
                Some("Managed") => Self::Managed(tagged.variant()?),
                _ => Self::UnknownVariant(tagged.unknown()),
            })
        }
    }

    impl Serialize for Runtime {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Managed(v) => v.serialize(serializer),
                Self::UnknownVariant(v) => v.serialize(serializer),
            }
        }
    }

    #[test]
    fn known_kinds_pick_their_variant_and_write_their_discriminator_first() {
        let text = r#"{"state":"Started","type":"Managed","id":"x"}"#;
        let runtime: Runtime = serde_json::from_str(text).unwrap();
        let expected = Managed {
            state: Some("Started".into()),
            id: Some("x".into()),
        };
        assert_eq!(runtime, Runtime::Managed(expected));
        assert_eq!(
            serde_json::to_string(&runtime).unwrap(),
            r#"{"type":"Managed","state":"Started","id":"x"}"#
        );
        // The read-only switch reaches through the variant.
        let request = writing_request(|| serde_json::to_string(&runtime).unwrap());
        assert_eq!(request, r#"{"type":"Managed","state":"Started"}"#);
    }

    #[test]
    fn unknown_and_missing_kinds_are_kept_as_sent() {
        let text = r#"{"type":"Serverless","secretKey":"SECRET-1","n":1}"#;
        let runtime: Runtime = serde_json::from_str(text).unwrap();
        let Runtime::UnknownVariant(unknown) = &runtime else {
            panic!("{runtime:?}")
        };
        assert_eq!(unknown.kind(), Some("Serverless"));
        assert_eq!(unknown.raw()["secretKey"], "SECRET-1");
        assert_eq!(
            serde_json::to_value(&runtime).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        let debug = format!("{runtime:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("Serverless"), "{debug}");
        for text in [r#"{"state":"x"}"#, r#"{"type":7}"#] {
            let Runtime::UnknownVariant(unknown) = serde_json::from_str(text).unwrap() else {
                panic!("{text}")
            };
            assert_eq!(unknown.kind(), None);
            assert_eq!(
                unknown.clone().into_raw(),
                serde_json::from_str::<Value>(text).unwrap()
            );
        }
    }

    #[test]
    fn a_known_kind_with_a_bad_field_or_a_non_object_is_an_error() {
        assert!(serde_json::from_str::<Runtime>(r#"{"type":"Managed","state":5}"#).is_err());
        assert!(serde_json::from_str::<Runtime>(r#"["Managed"]"#).is_err());
    }
}
