//! Where a field sits in a YAML file: field paths (`responses.200.schema`, `parameters[2].pattern`)
//! and the line and column they point at, so that a semantic diagnostic is located as precisely
//! as a syntax error.
//!
//! serde_yaml keeps no positions in its values, but it does attach the position of the current
//! node to any error a visitor returns. [`locate`] uses exactly that: it walks the real parser's
//! events with a visitor that follows the field path and deliberately fails at the target node,
//! then reads the line and column off the error. Because the parser itself does the walking, every
//! YAML form works: block and flow collections, quoted keys, multi-line scalars, comments,
//! anchors and aliases. It costs one parse of one file per diagnostic, and only when there is a
//! diagnostic.
//!
//! The same walk finds duplicate keys ([`duplicate_keys`]), which serde silently collapses into
//! the last value when it fills a map.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index, from 0.
    Index(usize),
}

/// A path from a file's root to one of its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    /// The file's root.
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// This path followed by a mapping key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Key(key.into()));
        FieldPath(segments)
    }

    /// This path followed by a sequence index.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(Segment::Index(index));
        FieldPath(segments)
    }

    /// True for the file's root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

/// `responses.200.schema`, `parameters[2].pattern`; a key that holds `.`, `[`, `]`, a space or
/// nothing is quoted (`requestBody."odata.type"`).
impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if key.is_empty() || key.contains(['.', '[', ']', ' ', '"']) {
                        write!(f, "{key:?}")?;
                    } else {
                        f.write_str(key)?;
                    }
                }
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// The 1-based line and column that `path` points at in `text`: the value when it is a scalar,
/// the key when the value is a mapping or a sequence, the item for a sequence index. When the
/// path does not exist (a key that defaults when absent, say), the nearest ancestor that does.
/// `None` for the root or when the text does not parse that far.
pub fn locate(text: &str, path: &FieldPath) -> Option<(usize, usize)> {
    for len in (1..=path.0.len()).rev() {
        let prefix = &path.0[..len];
        match probe(text, prefix, false) {
            Probe::Scalar(at) => return Some(at),
            Probe::Collection(at) => {
                if let Some(Segment::Key(_)) = prefix.last()
                    && let Probe::Key(key_at) = probe(text, prefix, true)
                {
                    return Some(key_at);
                }
                return Some(at);
            }
            Probe::Key(at) => return Some(at),
            Probe::Missing => continue,
        }
    }
    None
}

/// What a probe found.
#[derive(Debug, PartialEq, Eq)]
enum Probe {
    Scalar((usize, usize)),
    Collection((usize, usize)),
    Key((usize, usize)),
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Scalar,
    Collection,
    Key,
    Missing,
}

/// Marks the errors this module raises itself, as opposed to the parser's.
const MARK: &str = "\u{0}locate";

fn probe(text: &str, path: &[Segment], want_key: bool) -> Probe {
    let found = RefCell::new(None);
    let seed = Follow {
        rest: path,
        want_key,
        found: &found,
    };
    let result = seed.deserialize(serde_yaml::Deserializer::from_str(text));
    let (Err(err), Some(kind)) = (result, found.into_inner()) else {
        return Probe::Missing;
    };
    let Some(at) = err.location().map(|l| (l.line(), l.column())) else {
        return Probe::Missing;
    };
    match kind {
        Found::Scalar => Probe::Scalar(at),
        Found::Collection => Probe::Collection(at),
        Found::Key => Probe::Key(at),
        Found::Missing => Probe::Missing,
    }
}

/// Follows `rest` down the document and fails on purpose at its end.
struct Follow<'a> {
    rest: &'a [Segment],
    want_key: bool,
    found: &'a RefCell<Option<Found>>,
}

impl Follow<'_> {
    fn stop<E: de::Error>(&self, found: Found) -> E {
        *self.found.borrow_mut() = Some(found);
        E::custom(MARK)
    }

    fn scalar<E: de::Error>(self) -> Result<(), E> {
        Err(if self.rest.is_empty() {
            self.stop(Found::Scalar)
        } else {
            self.stop(Found::Missing)
        })
    }
}

impl<'de> DeserializeSeed<'de> for Follow<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Follow<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        // A tagged node (`!Tag value`); the path cannot go on through it.
        Err(self.stop(if self.rest.is_empty() {
            Found::Scalar
        } else {
            Found::Missing
        }))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.rest.split_first() else {
            return Err(self.stop(Found::Collection));
        };
        let Segment::Key(target) = first else {
            return Err(self.stop(Found::Missing));
        };
        let at_key = self.want_key && rest.is_empty();
        while let Some(key) = map.next_key_seed(KeySeed {
            stop_at: at_key.then_some(target.as_str()),
            found: self.found,
        })? {
            if &key == target {
                return map.next_value_seed(Follow {
                    rest,
                    want_key: self.want_key,
                    found: self.found,
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(self.stop(Found::Missing))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.rest.split_first() else {
            return Err(self.stop(Found::Collection));
        };
        let Segment::Index(index) = first else {
            return Err(self.stop(Found::Missing));
        };
        for _ in 0..*index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(self.stop(Found::Missing));
            }
        }
        let next = Follow {
            rest,
            want_key: self.want_key,
            found: self.found,
        };
        match seq.next_element_seed(next)? {
            Some(()) => Ok(()),
            None => Err(self.stop(Found::Missing)),
        }
    }
}

/// Reads a mapping key as text (`200` and `'200'` alike); fails on purpose at `stop_at`.
struct KeySeed<'a> {
    stop_at: Option<&'a str>,
    found: &'a RefCell<Option<Found>>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        let (stop_at, found) = (self.stop_at, self.found);
        deserializer.deserialize_any(KeyWith(move |key: &str| {
            let stop = stop_at == Some(key);
            if stop {
                *found.borrow_mut() = Some(Found::Key);
            }
            stop
        }))
    }
}

/// Reads a scalar key as its text (a collection used as a key reads as an empty string), and
/// fails when the check says so. The failure is raised inside the key's own visitor, where the
/// parser attaches the key's position to it.
struct KeyWith<F>(F);

impl<F: FnOnce(&str) -> bool> KeyWith<F> {
    fn finish<E: de::Error>(self, key: String) -> Result<String, E> {
        if (self.0)(&key) {
            Err(E::custom(MARK))
        } else {
            Ok(key)
        }
    }
}

impl<'de, F: FnOnce(&str) -> bool> Visitor<'de> for KeyWith<F> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.finish(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.finish(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        self.finish(String::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(String::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(String::new())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        // A tagged key (`!tag name:`). Its value must be read even though it names nothing:
        // serde_yaml loses its place in the document (and panics) when it is left unread.
        use serde::de::VariantAccess;
        let (_, variant): (IgnoredAny, _) = data.variant()?;
        variant.newtype_variant::<IgnoredAny>()?;
        self.finish(String::new())
    }
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The mapping that holds it.
    pub mapping: FieldPath,
    /// The key.
    pub key: String,
    /// 1-based line and column of the repeated occurrence.
    pub position: (usize, usize),
}

/// A file the YAML parser refuses.
#[derive(Debug)]
pub struct SyntaxError(pub serde_yaml::Error);

/// Every repeated key in `text` (each occurrence after the first), in document order; or the
/// syntax error that stops the parser. At most `limit` duplicates are reported.
pub fn duplicate_keys(text: &str, limit: usize) -> Result<Vec<Duplicate>, SyntaxError> {
    let mut reported: Vec<(FieldPath, String, usize)> = Vec::new();
    let mut duplicates = Vec::new();
    while duplicates.len() < limit {
        let hit = RefCell::new(None);
        let scan = Scan {
            path: At::Root,
            reported: &reported,
            hit: &hit,
        };
        match scan.deserialize(serde_yaml::Deserializer::from_str(text)) {
            Ok(()) => break,
            Err(err) => match (hit.into_inner(), err.location()) {
                (Some((mapping, key, occurrence)), Some(location)) => {
                    duplicates.push(Duplicate {
                        mapping: mapping.clone(),
                        key: key.clone(),
                        position: (location.line(), location.column()),
                    });
                    reported.push((mapping, key, occurrence));
                }
                (Some(_), None) => break,
                (None, _) => return Err(SyntaxError(err)),
            },
        }
    }
    Ok(duplicates)
}

type Hit = RefCell<Option<(FieldPath, String, usize)>>;

/// Walks the whole document; fails at the first repeated key not yet reported.
struct Scan<'a> {
    path: At<'a>,
    reported: &'a [(FieldPath, String, usize)],
    hit: &'a Hit,
}

/// Where the scan is, as borrowed steps back to the root: a [`FieldPath`] (a vector of owned
/// segments) is built only for a repeated key, not for every value of every file.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn to_path(self) -> FieldPath {
        match self {
            At::Root => FieldPath::root(),
            At::Key(parent, key) => parent.to_path().key(key),
            At::Index(parent, index) => parent.to_path().index(index),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        let (_, variant): (IgnoredAny, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(DuplicateKey {
            path: self.path,
            seen: &seen,
            reported: self.reported,
            hit: self.hit,
        })? {
            map.next_value_seed(Scan {
                path: At::Key(&self.path, &key),
                reported: self.reported,
                hit: self.hit,
            })?;
            seen.push(key);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while seq
            .next_element_seed(Scan {
                path: At::Index(&self.path, index),
                reported: self.reported,
                hit: self.hit,
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }
}

/// Reads a key; fails when the key was seen before in the same mapping and that occurrence is
/// not reported yet.
struct DuplicateKey<'a> {
    path: At<'a>,
    seen: &'a [String],
    reported: &'a [(FieldPath, String, usize)],
    hit: &'a Hit,
}

impl<'de> DeserializeSeed<'de> for DuplicateKey<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(KeyWith(move |key: &str| {
            let occurrence = self.seen.iter().filter(|k| *k == key).count();
            if occurrence == 0 {
                return false;
            }
            let path = self.path.to_path();
            let new = !self
                .reported
                .iter()
                .any(|(p, k, n)| *p == path && k == key && *n == occurrence);
            if new {
                *self.hit.borrow_mut() = Some((path, key.to_string(), occurrence));
            }
            new
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# a comment
docs: x
responses:
  '200':
    schema: AcessKeys   # typo
    headers: {a: {docs: q}, 'b': {docs: r}}
parameters:
  - name: a
    in: path
  -   name: b
      in: query
enum: [A, B, C]
long: >-
  folded
  text
";

    fn path(segments: &[&str]) -> FieldPath {
        let mut path = FieldPath::root();
        for s in segments {
            path = match s.strip_prefix('#') {
                Some(i) => path.index(i.parse().unwrap()),
                None => path.key(*s),
            };
        }
        path
    }

    #[test]
    fn scalars_point_at_the_value() {
        assert_eq!(
            locate(TEXT, &path(&["responses", "200", "schema"])),
            Some((5, 13))
        );
        assert_eq!(
            locate(TEXT, &path(&["parameters", "#1", "in"])),
            Some((11, 11))
        );
        assert_eq!(locate(TEXT, &path(&["enum", "#2"])), Some((12, 14)));
        assert_eq!(locate(TEXT, &path(&["long"])), Some((13, 7)));
        assert_eq!(
            locate(TEXT, &path(&["responses", "200", "headers", "b", "docs"])),
            Some((6, 41))
        );
    }

    #[test]
    fn collections_point_at_their_key_or_item() {
        assert_eq!(locate(TEXT, &path(&["responses", "200"])), Some((4, 3)));
        assert_eq!(
            locate(TEXT, &path(&["responses", "200", "headers", "b"])),
            Some((6, 29))
        );
        assert_eq!(locate(TEXT, &path(&["parameters", "#1"])), Some((10, 7)));
        assert_eq!(locate(TEXT, &path(&["parameters"])), Some((7, 1)));
    }

    #[test]
    fn missing_fields_point_at_the_nearest_ancestor() {
        assert_eq!(
            locate(TEXT, &path(&["responses", "200", "contentType"])),
            Some((4, 3))
        );
        assert_eq!(
            locate(TEXT, &path(&["parameters", "#7", "name"])),
            Some((7, 1))
        );
        assert_eq!(locate(TEXT, &path(&["nothing", "here"])), None);
        assert_eq!(locate(TEXT, &FieldPath::root()), None);
        assert_eq!(locate("docs: [x", &path(&["other"])), None);
    }

    #[test]
    fn numeric_keys_and_aliases() {
        let text = "responses:\n  200: {docs: a}\nbase: &b {x: 1}\ncopy: *b\n";
        assert_eq!(locate(text, &path(&["responses", "200"])), Some((2, 3)));
        assert_eq!(
            locate(text, &path(&["responses", "200", "docs"])),
            Some((2, 15))
        );
        assert_eq!(locate(text, &path(&["copy", "x"])), Some((3, 14)));
    }

    #[test]
    fn displays_paths() {
        let p = FieldPath::root().key("parameters").index(2).key("pattern");
        assert_eq!(p.to_string(), "parameters[2].pattern");
        let q = FieldPath::root().key("requestBody").key("odata.type");
        assert_eq!(q.to_string(), r#"requestBody."odata.type""#);
    }

    #[test]
    fn finds_every_duplicate_key() {
        let text = "\
responses:
  '200': {docs: a}
  '200': {docs: b}
  200: {docs: c}
schemas:
  A: {docs: x, docs: y}
";
        let dups = duplicate_keys(text, 10).unwrap();
        let found: Vec<(String, String, (usize, usize))> = dups
            .into_iter()
            .map(|d| (d.mapping.to_string(), d.key, d.position))
            .collect();
        assert_eq!(
            found,
            [
                ("responses".to_string(), "200".to_string(), (3, 3)),
                ("responses".to_string(), "200".to_string(), (4, 3)),
                ("schemas.A".to_string(), "docs".to_string(), (6, 16)),
            ]
        );
        assert!(duplicate_keys("a: 1\nb: [1, 2]\n", 10).unwrap().is_empty());
    }

    /// A tagged key is read whole, so the scan keeps its place: the keys after it are still
    /// checked (serde_yaml panicked here when the tagged key was left unread).
    #[test]
    fn a_tagged_key_does_not_lose_the_scan_its_place() {
        let text =
            "responses:\n  !tag '200': {docs: a}\n  default: {docs: b}\n  default: {docs: c}\n";
        let dups = duplicate_keys(text, 10).unwrap();
        assert_eq!(dups.len(), 1, "{dups:?}");
        assert_eq!(dups[0].key, "default");
        assert_eq!(dups[0].position, (4, 3));
    }

    #[test]
    fn reports_syntax_errors() {
        let err = duplicate_keys("docs: x\n\tparameters: []\n", 10).unwrap_err();
        assert_eq!(err.0.location().map(|l| l.line()), Some(2));
        assert!(duplicate_keys("a: [1, 2\n", 10).is_err());
        assert!(duplicate_keys("a: 1\n---\nb: 2\n", 10).is_err());
    }
}
