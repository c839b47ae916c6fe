//! `date-time` properties: `azure_core::time::OffsetDateTime` in the model, RFC 3339 on the wire.
//!
//! Written strictly (`azure_core::time::to_rfc3339`'s format); read leniently, because services
//! bend RFC 3339: a space instead of `T`, more than nine digits of fraction, or no offset at all
//! (UTC is meant). An optional date that still cannot be read becomes `None` rather than
//! failing the whole response, which may hold keys; a required one is a decode error.

use azure_core::time::OffsetDateTime;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::{Error as _, Serializer};
use std::fmt;
use time::format_description::well_known::Rfc3339;

/// Reads an RFC 3339 date-time, accepting the departures services are known to make.
pub(crate) fn parse(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    // The `time` crate already takes a space (or any character) between date and time, and
    // any number of digits of fraction (.NET writes seven, some services more than nine).
    if let Ok(date) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(date);
    }
    // No offset at all: UTC is meant. (A text that has one and still failed fails again.)
    OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339).ok()
}

fn format<S: Serializer>(value: &OffsetDateTime) -> Result<String, S::Error> {
    value
        .format(&Rfc3339)
        .map_err(|_| S::Error::custom("the date is outside the range RFC 3339 can write"))
}

/// Serializes a required date-time as RFC 3339.
pub fn serialize<S: Serializer>(value: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format::<S>(value)?)
}

/// Deserializes a required date-time; a value that is not a readable date is an error.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    deserializer
        .deserialize_any(Lenient)?
        .ok_or_else(|| de::Error::custom("expected an RFC 3339 date-time"))
}

/// `with = "...::date_time::option"` for an optional date-time.
pub mod option {
    use super::*;

    /// Serializes an optional date-time (`None` is skipped by the field's attributes).
    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_str(&format::<S>(value)?),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes an optional date-time: `null`, or anything that is not a readable date,
    /// is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        deserializer.deserialize_option(Optional)
    }

    struct Optional;

    impl<'de> Visitor<'de> for Optional {
        type Value = Option<OffsetDateTime>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an RFC 3339 date-time or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(Lenient)
        }
    }
}

/// Reads a string as a date-time (`None` when it is not one), and any other value as `None`.
struct Lenient;

impl<'de> Visitor<'de> for Lenient {
    type Value = Option<OffsetDateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(parse(value))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // quick-xml presents an element to `deserialize_any` as a map whose `$text` entry is the
        // element's text; any other object is not a date.
        let mut date = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == "$text" {
                date = map
                    .next_value::<Option<String>>()?
                    .as_deref()
                    .and_then(parse);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Deserialize, PartialEq, Serialize)]
    struct Times {
        #[serde(with = "super")]
        required: OffsetDateTime,
        #[serde(default, with = "option", skip_serializing_if = "Option::is_none")]
        optional: Option<OffsetDateTime>,
    }

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).unwrap()
    }

    #[test]
    fn reads_rfc3339_and_the_departures_services_make() {
        let cases = [
            ("2017-10-26T20:52:15.46Z", "2017-10-26T20:52:15.46Z"),
            ("2017-10-26T20:52:15.4600000Z", "2017-10-26T20:52:15.46Z"),
            (
                "2017-10-26T20:52:15.460000012345Z",
                "2017-10-26T20:52:15.460000012Z",
            ),
            ("2017-10-26T20:52:15", "2017-10-26T20:52:15Z"),
            ("2017-10-26 20:52:15Z", "2017-10-26T20:52:15Z"),
            (
                "2017-10-26T20:52:15.1234567",
                "2017-10-26T20:52:15.1234567Z",
            ),
            ("2017-10-26T20:52:15+02:00", "2017-10-26T20:52:15+02:00"),
            ("2017-10-26T20:52:15-07:00", "2017-10-26T20:52:15-07:00"),
            (" 2017-10-26T20:52:15Z ", "2017-10-26T20:52:15Z"),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Some(at(expected)), "{text}");
        }
        for text in [
            "",
            "yesterday",
            "2017-10-26",
            "2017-13-26T20:52:15Z",
            "20:52",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn round_trips_through_json() {
        let text =
            r#"{"required":"2024-01-02T03:04:05.5Z","optional":"2024-01-02T03:04:05+01:00"}"#;
        let times: Times = serde_json::from_str(text).unwrap();
        assert_eq!(times.required, at("2024-01-02T03:04:05.5Z"));
        assert_eq!(times.optional, Some(at("2024-01-02T03:04:05+01:00")));
        assert_eq!(serde_json::to_string(&times).unwrap(), text);
    }

    #[test]
    fn an_unreadable_optional_date_is_none_and_a_required_one_an_error() {
        for optional in [r#""not a date""#, "12", "null", "true", "[1]", r#"{"a":1}"#] {
            let text = format!(r#"{{"required":"2024-01-02T03:04:05Z","optional":{optional}}}"#);
            let times: Times = serde_json::from_str(&text).unwrap();
            assert_eq!(times.optional, None, "{optional}");
        }
        let absent: Times = serde_json::from_str(r#"{"required":"2024-01-02T03:04:05Z"}"#).unwrap();
        assert_eq!(absent.optional, None);
        for required in [r#""not a date""#, "12", "null"] {
            let text = format!(r#"{{"required":{required}}}"#);
            assert!(serde_json::from_str::<Times>(&text).is_err(), "{required}");
        }
    }

    #[test]
    fn reads_xml_text() {
        #[derive(Debug, Deserialize)]
        struct Properties {
            #[serde(rename = "CreationTime", default, with = "option")]
            creation_time: Option<OffsetDateTime>,
            #[serde(rename = "LastGeoFailoverTime", default, with = "option")]
            failover: Option<OffsetDateTime>,
        }
        let xml = "<P><CreationTime>2014-05-06T07:08:09Z</CreationTime><LastGeoFailoverTime/></P>";
        let properties: Properties = quick_xml::de::from_str(xml).unwrap();
        assert_eq!(properties.creation_time, Some(at("2014-05-06T07:08:09Z")));
        assert_eq!(properties.failover, None);
    }

    #[test]
    fn a_date_rfc3339_cannot_write_is_an_error_not_a_panic() {
        let far = OffsetDateTime::new_utc(
            time::Date::from_calendar_date(-1, time::Month::January, 1).unwrap(),
            time::Time::MIDNIGHT,
        );
        let times = Times {
            required: far,
            optional: None,
        };
        assert!(serde_json::to_string(&times).is_err());
    }
}
