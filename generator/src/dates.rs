//! `date-time` values in examples, read the way the generated crate reads them (see
//! `generated/src/support/date_time.rs`, which this mirrors): RFC 3339, or the departures
//! services make (a space for `T`, more than nine digits of fraction, no offset meaning UTC).
//! The canonical form is what the generated crate writes back, so an example test can compare
//! a parsed model with its documented body exactly.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The date-time `text` holds, as the generated crate writes it; `None` when it holds none.
pub fn canonical(text: &str) -> Option<String> {
    parse(text).and_then(|date| date.format(&Rfc3339).ok())
}

fn parse(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    // `time` takes any separator between date and time and any number of digits of fraction.
    if let Ok(date) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(date);
    }
    // No offset: UTC is meant.
    OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_forms() {
        for (text, expected) in [
            ("2017-10-26T20:52:15.46Z", "2017-10-26T20:52:15.46Z"),
            ("2017-10-26T20:52:15.4600000Z", "2017-10-26T20:52:15.46Z"),
            ("2017-10-26T20:52:15", "2017-10-26T20:52:15Z"),
            (
                "2017-10-26T20:52:15.460000012345Z",
                "2017-10-26T20:52:15.460000012Z",
            ),
            ("2017-10-26 20:52:15Z", "2017-10-26T20:52:15Z"),
            (
                "2017-10-26 20:52:15.1234567",
                "2017-10-26T20:52:15.1234567Z",
            ),
            ("2017-10-26T20:52:15+00:00", "2017-10-26T20:52:15Z"),
            ("2017-10-26T20:52:15-07:00", "2017-10-26T20:52:15-07:00"),
        ] {
            assert_eq!(canonical(text).as_deref(), Some(expected), "{text}");
        }
        for text in ["", "soon", "2017-10-26", "2017-02-30T00:00:00Z"] {
            assert_eq!(canonical(text), None, "{text}");
        }
    }
}
