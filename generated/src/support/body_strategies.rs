//! Test-only proptest strategies shared by the property tests of the response parsers
//! (`response` for success bodies, `error_body` for error bodies): arbitrary bytes, and valid
//! bodies broken the ways real responses break (cut short, bytes dropped, replaced or inserted,
//! markup tokens inserted, pieces repeated).

use proptest::prelude::*;

/// One way to break a body.
#[derive(Clone, Debug)]
pub(crate) enum Mutation {
    /// Cut the body at a point (a truncated transfer).
    Truncate(usize),
    /// Drop up to `n` bytes.
    Delete(usize, usize),
    /// Overwrite one byte.
    Replace(usize, u8),
    /// Insert a token that means something to JSON or XML parsers.
    Insert(usize, &'static [u8]),
    /// Repeat up to `n` bytes in place.
    Duplicate(usize, usize),
}

/// Tokens that reach parser corner cases: structure, escapes, entities, CDATA, a DOCTYPE,
/// invalid UTF-8, numbers out of range, lone surrogates.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"1e999",
    b"-0",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&lt;",
    b"&#x0;",
    b"&#xD800;",
    b"&unknown;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"<!DOCTYPE r [<!ENTITY e \"x\">]>",
    b"<?xml version=\"1.0\"?>",
    b" xmlns=\"urn:x\"",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xC3",
    b"\0",
    b"\r\n",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..24).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(at, t)| Mutation::Insert(at, t)),
        (any::<usize>(), 1usize..24).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

/// Applies the mutations in order. Positions are taken modulo the current length (plus one,
/// so the end is a position too), so every mutation applies to any body, the empty one included.
pub(crate) fn apply(body: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut body = body.to_vec();
    for mutation in mutations {
        let len = body.len();
        match mutation {
            Mutation::Truncate(at) => body.truncate(at % (len + 1)),
            Mutation::Delete(at, n) => {
                let start = at % (len + 1);
                let end = (start + n).min(len);
                body.drain(start..end);
            }
            Mutation::Replace(at, byte) => {
                if len > 0 {
                    body[at % len] = *byte;
                }
            }
            Mutation::Insert(at, token) => {
                let at = at % (len + 1);
                body.splice(at..at, token.iter().copied());
            }
            Mutation::Duplicate(at, n) => {
                let start = at % (len + 1);
                let end = (start + n).min(len);
                let piece = body[start..end].to_vec();
                body.splice(end..end, piece);
            }
        }
    }
    body
}

/// One of `valid`, broken by up to four mutations (none at all sometimes, so the valid body
/// itself is covered too).
pub(crate) fn mutated(valid: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(valid),
        prop::collection::vec(mutation(), 0..5),
    )
        .prop_map(|(body, mutations)| apply(body.as_bytes(), &mutations))
}

/// Any bytes at all, short.
pub(crate) fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..300)
}

/// Arbitrary JSON documents whose member names are mostly the ones error parsing looks for,
/// in either case, so the parser meets its fields holding every kind of value.
pub(crate) fn json_document() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let name = prop::sample::select(
        &[
            "error",
            "code",
            "message",
            "target",
            "details",
            "Code",
            "Message",
            "ERROR",
            "status",
            "innererror",
            "x",
        ][..],
    );
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("SECRET-IN-JSON".into())),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(name.clone(), inner, 0..5).prop_map(|map| Value::Object(
                map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

#[test]
fn mutations_apply_to_any_body() {
    let all = [
        Mutation::Truncate(13),
        Mutation::Delete(3, 100),
        Mutation::Replace(7, b'!'),
        Mutation::Insert(0, b"<"),
        Mutation::Duplicate(1, 2),
    ];
    assert_eq!(apply(b"", &all), b"<");
    // 13 is past the end of "", and 13 % 7 = 6 keeps all of "abcdef".
    assert_eq!(apply(b"abcdef", &all[..1]), b"abcdef");
    assert_eq!(apply(b"abcdef", &[Mutation::Truncate(2)]), b"ab");
    assert_eq!(apply(b"abcdef", &all[1..2]), b"abc");
    assert_eq!(apply(b"abcdef", &all[4..]), b"abcbcdef");
}
