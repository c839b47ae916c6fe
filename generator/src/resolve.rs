//! What the specs' names mean, shared by every stage that reads them (validate, the XML example
//! converter and the IR): every schema of the set, named or written inline, with the file it
//! lives in; references resolved from the file that makes them; the properties a schema has once
//! its `allOf` bases are included; the type of each property; and the body encoding a content type
//! implies. It reads only the loaded spec set, so every later stage can depend on it and none of
//! them on each other.
//!
//! # Where a reference resolves
//!
//! `common.Name` is a schema of `common.yaml`. A plain name resolves from the file that writes
//! it: in `common.yaml`, to its own schemas; in a `service.yaml`, to that file's schemas; in an
//! operation file, to the file's own schemas, then to its service's `service.yaml`. Never to a
//! sibling operation file: a schema several operations use lives in `service.yaml`.
//!
//! # Inline schemas
//!
//! A property written as an object (`type: object` with `properties`) or a string enum
//! (`type: string` with `enum`) defines a schema in place. It is named after the schema and the
//! property that hold it (`Namespace` + `properties` = `NamespaceProperties`; an array's
//! element adds `Item`, a map's value `Value`), lives in the same file, and can be nested.

use std::collections::{BTreeMap, BTreeSet};

use crate::load::{PropertySpec, SchemaSpec, SpecSet, TypeSpec};
use crate::locate::FieldPath;
use crate::names::camel;

/// Builtin property types.
pub const BUILTIN_TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array"];

/// `common.ErrorResponse` -> `ErrorResponse`.
pub fn bare_schema_name(reference: &str) -> String {
    reference
        .strip_prefix("common.")
        .unwrap_or(reference)
        .to_string()
}

/// A body encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `application/xml`.
    Xml,
}

impl Format {
    /// The encoding a content type implies.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if essence == "application/json" || essence.ends_with("+json") {
            Some(Format::Json)
        } else if essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml")
        {
            Some(Format::Xml)
        } else {
            None
        }
    }
}

/// The file a schema is written in; references inside the schema resolve from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Home<'a> {
    /// `common.yaml`.
    Common,
    /// A service's `service.yaml`, by folder.
    Service(&'a str),
    /// An operation file: its service folder and its path.
    Operation(&'a str, &'a str),
}

impl<'a> Home<'a> {
    /// The service folder, `None` for `common.yaml`.
    pub fn folder(self) -> Option<&'a str> {
        match self {
            Home::Common => None,
            Home::Service(folder) | Home::Operation(folder, _) => Some(folder),
        }
    }
}

/// A schema body: borrowed from the specs, or built from an inline property.
#[derive(Debug)]
enum Body<'a> {
    Named(&'a SchemaSpec),
    Inline(Box<SchemaSpec>),
}

/// How an inline schema is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// The schema (named or inline) whose property holds it.
    pub owner: String,
    /// The property's wire name.
    pub property: String,
}

/// One schema of the set.
#[derive(Debug)]
pub struct Entry<'a> {
    /// The file it is written in.
    pub home: Home<'a>,
    /// The name references use; for an inline schema, the derived name.
    pub name: String,
    /// Where it is written in its file (`schemas.Namespace`, or the property holding it).
    pub at: FieldPath,
    /// Set for an inline schema.
    pub inline: Option<Inline>,
    body: Body<'a>,
}

impl Entry<'_> {
    /// The schema's keys.
    pub fn spec(&self) -> &SchemaSpec {
        match &self.body {
            Body::Named(spec) => spec,
            Body::Inline(spec) => spec,
        }
    }
}

/// A property of a schema, its `allOf` bases' included.
#[derive(Debug, Clone)]
pub struct Prop<'r> {
    /// The schema that declares it (the schema itself, or a base).
    pub owner: &'r Entry<'r>,
    /// Wire name.
    pub wire: &'r str,
    /// As written.
    pub spec: &'r PropertySpec,
    /// Listed in `required` by the schema or a base.
    pub required: bool,
}

/// What a property, an array element or a map value holds.
#[derive(Debug, Clone)]
pub enum PropType<'r> {
    /// A builtin scalar, with the spec that may give its format and constraints (`None` for a
    /// bare type name such as `items: string`).
    Scalar(&'r str, Option<&'r PropertySpec>),
    /// Free-form JSON (`type: object` with nothing else).
    Any,
    /// A schema.
    Schema(&'r Entry<'r>),
    /// `Vec<T>`.
    Array(Box<PropType<'r>>),
    /// A map from string keys.
    Map(Box<PropType<'r>>),
    /// A name that resolves to nothing (reported by validation).
    Unresolved(&'r str),
}

/// Every schema of the set, indexed by file and name.
#[derive(Debug)]
pub struct Resolver<'a> {
    entries: Vec<Entry<'a>>,
    by_name: BTreeMap<(Home<'a>, String), usize>,
    /// Entries of each home, in the order they are written (inline ones after their holder).
    by_home: BTreeMap<Home<'a>, Vec<usize>>,
    /// The homes of each service folder, service.yaml first, then operation files in order.
    homes: BTreeMap<&'a str, Vec<Home<'a>>>,
}

impl<'a> Resolver<'a> {
    /// Indexes every schema of the set, named and inline.
    pub fn new(set: &'a SpecSet) -> Self {
        let mut resolver = Resolver {
            entries: Vec::new(),
            by_name: BTreeMap::new(),
            by_home: BTreeMap::new(),
            homes: BTreeMap::new(),
        };
        if let Some(common) = &set.common {
            resolver.add_file(Home::Common, &common.spec.schemas);
        }
        for service in &set.services {
            let folder = service.folder.as_str();
            let mut homes = vec![Home::Service(folder)];
            resolver.add_file(Home::Service(folder), &service.manifest.spec.schemas);
            for op in &service.operations {
                let home = Home::Operation(folder, op.path.as_str());
                homes.push(home);
                resolver.add_file(home, &op.spec.schemas);
            }
            resolver.homes.insert(folder, homes);
        }
        resolver
    }

    fn add_file(&mut self, home: Home<'a>, schemas: &'a indexmap::IndexMap<String, SchemaSpec>) {
        self.by_home.entry(home).or_default();
        for (name, spec) in schemas {
            let at = FieldPath::root().key("schemas").key(name);
            self.add(Entry {
                home,
                name: name.clone(),
                at: at.clone(),
                inline: None,
                body: Body::Named(spec),
            });
            self.add_inline_in(home, name, spec.properties.as_ref(), &at);
            if let Some(TypeSpec::Inline(value)) = &spec.additional_properties {
                let at = at.key("additionalProperties");
                self.add_inline(home, name, "", "Value", value, &at);
            }
        }
    }

    /// Adds the inline schemas written in `properties` of the schema `owner`.
    fn add_inline_in(
        &mut self,
        home: Home<'a>,
        owner: &str,
        properties: Option<&indexmap::IndexMap<String, PropertySpec>>,
        at: &FieldPath,
    ) {
        for (wire, prop) in properties.into_iter().flatten() {
            let at = at.key("properties").key(wire);
            self.add_inline(home, owner, wire, "", prop, &at);
        }
    }

    /// Adds `prop` if it is an inline schema, and whatever its elements or values define.
    fn add_inline(
        &mut self,
        home: Home<'a>,
        owner: &str,
        wire: &str,
        suffix: &str,
        prop: &PropertySpec,
        at: &FieldPath,
    ) {
        let items = matches!(prop.items, Some(TypeSpec::Inline(_)));
        let values = matches!(prop.additional_properties, Some(TypeSpec::Inline(_)));
        if !items && !values && !is_inline_schema(prop) {
            // Named only when it defines something: case conversion is not cheap.
            return;
        }
        let name = inline_name(owner, wire, suffix);
        if let Some(TypeSpec::Inline(item)) = &prop.items {
            self.add_inline(home, &name, "", "Item", item, &at.key("items"));
        }
        if let Some(TypeSpec::Inline(value)) = &prop.additional_properties {
            let at = at.key("additionalProperties");
            self.add_inline(home, &name, "", "Value", value, &at);
        }
        if !is_inline_schema(prop) {
            return;
        }
        let spec = SchemaSpec {
            docs: prop.docs.clone(),
            all_of: Vec::new(),
            properties: prop.properties.clone(),
            required: prop.required.clone(),
            additional_properties: None,
            enum_values: prop.enum_values.clone(),
            discriminator: None,
            xml: None,
            error_fields: None,
        };
        self.add(Entry {
            home,
            name: name.clone(),
            at: at.clone(),
            inline: Some(Inline {
                owner: owner.to_owned(),
                property: wire.to_owned(),
            }),
            body: Body::Inline(Box::new(spec)),
        });
        self.add_inline_in(home, &name, prop.properties.as_ref(), at);
    }

    fn add(&mut self, entry: Entry<'a>) {
        let index = self.entries.len();
        // The first definition of a name in a file wins; validation reports the others.
        self.by_name
            .entry((entry.home, entry.name.clone()))
            .or_insert(index);
        self.by_home.entry(entry.home).or_default().push(index);
        self.entries.push(entry);
    }

    /// Every schema written in `home`, in file order (inline ones after their holder).
    pub fn entries_of(&self, home: Home<'a>) -> impl Iterator<Item = &Entry<'a>> {
        self.by_home
            .get(&home)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }

    /// The homes of a service: `service.yaml`, then each operation file in order.
    pub fn homes_of(&self, folder: &str) -> &[Home<'a>] {
        self.homes
            .get(folder)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every schema of a service's module, in order: `service.yaml`'s, then each operation
    /// file's.
    pub fn service_entries(&self, folder: &str) -> Vec<&Entry<'a>> {
        self.homes_of(folder)
            .iter()
            .flat_map(|&home| self.entries_of(home))
            .collect()
    }

    /// The schema `reference` names, seen from `from`; see the module docs.
    pub fn lookup(&self, from: Home<'a>, reference: &str) -> Option<&Entry<'a>> {
        let get = |home: Home<'a>, name: &str| {
            self.by_name
                .get(&(home, name.to_owned()))
                .map(|&i| &self.entries[i])
        };
        if let Some(name) = reference.strip_prefix("common.") {
            return get(Home::Common, name);
        }
        match from {
            Home::Common | Home::Service(_) => get(from, reference),
            Home::Operation(folder, _) => {
                get(from, reference).or_else(|| get(Home::Service(folder), reference))
            }
        }
    }

    /// The schema's keys, looked up like [`lookup`](Self::lookup).
    pub fn schema(&self, from: Home<'a>, reference: &str) -> Option<&SchemaSpec> {
        self.lookup(from, reference).map(Entry::spec)
    }

    /// Names a reference from `from` could use, for suggestions.
    pub fn visible_names(&self, from: Home<'a>) -> Vec<String> {
        let named = |home: Home<'a>| {
            self.entries_of(home)
                .filter(|e| e.inline.is_none())
                .map(|e| e.name.clone())
                .collect::<Vec<_>>()
        };
        let mut names = match from {
            Home::Common => return named(Home::Common),
            Home::Service(_) => named(from),
            Home::Operation(folder, _) => {
                let mut names = named(from);
                names.extend(named(Home::Service(folder)));
                names
            }
        };
        names.extend(
            named(Home::Common)
                .into_iter()
                .map(|n| format!("common.{n}")),
        );
        names
    }

    /// The other files of `from`'s service that define `name`, which a reference from `from`
    /// cannot see (sibling operation files).
    pub fn invisible_definitions(&self, from: Home<'a>, name: &str) -> Vec<&'a str> {
        let Home::Operation(folder, file) = from else {
            return Vec::new();
        };
        self.homes_of(folder)
            .iter()
            .filter_map(|&home| match home {
                Home::Operation(_, other) if other != file => Some(other),
                _ => None,
            })
            .filter(|&other| {
                self.by_name
                    .contains_key(&(Home::Operation(folder, other), name.to_owned()))
            })
            .collect()
    }

    /// The XML root element name of a schema: its `xml.name`, else the schema's own name.
    pub fn xml_root(&self, from: Home<'a>, reference: &str) -> String {
        self.schema(from, reference)
            .and_then(|s| s.xml.as_ref())
            .and_then(|x| x.name.clone())
            .unwrap_or_else(|| bare_schema_name(reference))
    }

    /// The properties of `entry`: its `allOf` bases' first (each base once, depth first, in
    /// order), then its own. A base that cannot be resolved, or that repeats, adds nothing.
    pub fn properties<'r>(&'r self, entry: &'r Entry<'a>) -> Vec<Prop<'r>> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        self.collect_properties(entry, &mut seen, &mut out);
        let required: BTreeSet<&str> = self
            .bases(entry)
            .into_iter()
            .chain([entry])
            .flat_map(|e| e.spec().required.iter().map(String::as_str))
            .collect();
        for prop in &mut out {
            prop.required = required.contains(prop.wire);
        }
        out
    }

    fn collect_properties<'r>(
        &'r self,
        entry: &'r Entry<'a>,
        seen: &mut BTreeSet<(Home<'a>, String)>,
        out: &mut Vec<Prop<'r>>,
    ) {
        if !seen.insert((entry.home, entry.name.clone())) {
            return;
        }
        for base in &entry.spec().all_of {
            if let Some(base) = self.lookup(entry.home, base) {
                self.collect_properties(base, seen, out);
            }
        }
        for (wire, spec) in entry.spec().properties.iter().flatten() {
            if out.iter().any(|p| p.wire == wire) {
                continue;
            }
            out.push(Prop {
                owner: entry,
                wire,
                spec,
                required: false,
            });
        }
    }

    /// Every schema `entry` includes through `allOf`, transitively, each once.
    pub fn bases<'r>(&'r self, entry: &'r Entry<'a>) -> Vec<&'r Entry<'a>> {
        let mut out: Vec<&Entry<'a>> = Vec::new();
        let mut queue: Vec<&Entry<'a>> = vec![entry];
        while let Some(next) = queue.pop() {
            for base in &next.spec().all_of {
                if let Some(base) = self.lookup(next.home, base)
                    && !std::ptr::eq(base, entry)
                    && !out.iter().any(|e| std::ptr::eq(*e, base))
                {
                    out.push(base);
                    queue.push(base);
                }
            }
        }
        out
    }

    /// The union `entry` is a variant of, with its discriminator value: the first base with a
    /// `discriminator` whose mapping names `entry`.
    pub fn union_of<'r>(&'r self, entry: &'r Entry<'a>) -> Option<(&'r Entry<'a>, &'r str)> {
        self.bases(entry).into_iter().find_map(|base| {
            let discriminator = base.spec().discriminator.as_ref()?;
            discriminator.mapping.iter().find_map(|(value, variant)| {
                let variant = self.lookup(base.home, variant)?;
                std::ptr::eq(variant, entry).then_some((base, value.as_str()))
            })
        })
    }

    /// What `prop` (a property of `owner`, or with an empty `wire` an element or value type)
    /// holds.
    pub fn prop_type<'r>(
        &'r self,
        owner: &'r Entry<'a>,
        wire: &str,
        prop: &'r PropertySpec,
    ) -> PropType<'r> {
        self.type_of(
            owner.home,
            &|| format!("{}{}", camel(&owner.name), camel(wire)),
            prop,
        )
    }

    /// The type of `prop`, whose inline schema (if it is one) is named `name()`. The name is
    /// made only for an inline schema: most properties are scalars or references, and case
    /// conversion is the costliest part of resolving one.
    fn type_of<'r>(
        &'r self,
        home: Home<'a>,
        name: &dyn Fn() -> String,
        prop: &'r PropertySpec,
    ) -> PropType<'r> {
        if is_inline_schema(prop) {
            return match self.by_name.get(&(home, name())) {
                Some(&i) => PropType::Schema(&self.entries[i]),
                None => PropType::Unresolved(prop.kind.as_str()),
            };
        }
        match prop.kind.as_str() {
            "array" => {
                let item = match &prop.items {
                    Some(items) => self.element(home, &|| format!("{}Item", name()), items),
                    None => PropType::Any,
                };
                PropType::Array(Box::new(item))
            }
            "object" => match &prop.additional_properties {
                Some(values) => PropType::Map(Box::new(self.element(
                    home,
                    &|| format!("{}Value", name()),
                    values,
                ))),
                None => PropType::Any,
            },
            "string" | "integer" | "number" | "boolean" => {
                PropType::Scalar(prop.kind.as_str(), Some(prop))
            }
            reference => match self.lookup(home, reference) {
                Some(entry) => PropType::Schema(entry),
                None => PropType::Unresolved(reference),
            },
        }
    }

    /// The type of array elements or map values.
    fn element<'r>(
        &'r self,
        home: Home<'a>,
        name: &dyn Fn() -> String,
        spec: &'r TypeSpec,
    ) -> PropType<'r> {
        match spec {
            TypeSpec::Inline(prop) => self.type_of(home, name, prop),
            TypeSpec::Name(kind) => match kind.as_str() {
                "string" | "integer" | "number" | "boolean" => PropType::Scalar(kind, None),
                "object" => PropType::Any,
                "array" => PropType::Array(Box::new(PropType::Any)),
                reference => match self.lookup(home, reference) {
                    Some(entry) => PropType::Schema(entry),
                    None => PropType::Unresolved(reference),
                },
            },
        }
    }

    /// The type of a schema's extra properties (`additionalProperties` next to `properties`).
    pub fn extra_type<'r>(&'r self, entry: &'r Entry<'a>) -> Option<PropType<'r>> {
        let spec = entry.spec().additional_properties.as_ref()?;
        Some(self.element(entry.home, &|| format!("{}Value", camel(&entry.name)), spec))
    }
}

/// The name of the inline schema a property (`wire`, empty for an element or value type) of
/// `owner` defines: `Namespace` + `properties` = `NamespaceProperties`, `+ Item` for an array's
/// element, `+ Value` for a map's value.
fn inline_name(owner: &str, wire: &str, suffix: &str) -> String {
    let property = if wire.is_empty() {
        String::new()
    } else {
        camel(wire)
    };
    format!("{}{property}{suffix}", camel(owner))
}

/// A property that defines a schema in place: an object with `properties`, or a string enum.
pub fn is_inline_schema(prop: &PropertySpec) -> bool {
    prop.properties.is_some() || prop.enum_values.is_some()
}
