//! Schemas: every schema a file writes, named or inline, with its name, its kind (object, enum
//! or union), `allOf`, `required`, the discriminator of a union, and the error contract's field
//! paths. Each property is checked in `properties`.

use std::collections::{BTreeMap, BTreeSet};

use super::Cx;
use super::names::RESERVED_TYPES;
use super::syntax::{is_identifier_like, is_xml_name};
use crate::diagnostics::suggest;
use crate::locate::FieldPath;
use crate::names::{camel, is_valid_ident};
use crate::resolve::{Entry, PropType};

impl<'b> Cx<'_, 'b> {
    /// Every schema the file being checked writes, named and inline, in file order.
    pub(super) fn schemas(&mut self) {
        let resolver = self.resolver;
        let mut rust_names: BTreeMap<String, &Entry<'b>> = BTreeMap::new();
        for entry in resolver.entries_of(self.home) {
            let name = &entry.name;
            let rust = camel(name);
            if entry.inline.is_none() && !is_identifier_like(name) {
                self.error(
                    &entry.at,
                    format!("schema name `{name}` is not a valid name"),
                    Some("start with a letter; use ASCII letters, digits and `_` (references use this name)".into()),
                );
            } else if RESERVED_TYPES.contains(&rust.as_str()) {
                let what = if entry.inline.is_some() {
                    format!("this inline schema is named `{rust}`")
                } else {
                    format!("schema name `{name}` gives the type `{rust}`")
                };
                self.error(
                    &entry.at,
                    format!("{what}, a name the generated code uses itself"),
                    Some("rename the schema (an XML root element can keep its name with `xml: {name: ...}`)".into()),
                );
            }
            if let Some(other) = rust_names.get(&rust) {
                let (message, help) = match (&other.inline, &entry.inline) {
                    (None, None) => (
                        format!(
                            "schemas `{}` and `{name}` are both named `{rust}` in Rust",
                            other.name
                        ),
                        "Rust type names are UpperCamelCase; rename one",
                    ),
                    _ => (
                        format!(
                            "this {} is named `{rust}` in Rust, like the {} at `{}`",
                            describe(entry),
                            describe(other),
                            other.at
                        ),
                        "an inline schema is named after the schema and property that hold it; rename one, or write the inline one as a named schema",
                    ),
                };
                self.error(&entry.at, message, Some(help.into()));
            } else {
                rust_names.insert(rust, entry);
            }
            self.schema(entry);
        }
    }

    fn schema(&mut self, entry: &Entry<'b>) {
        let at = &entry.at;
        let name = entry.name.as_str();
        let schema = entry.spec();
        self.docs(&at.key("docs"), &schema.docs);
        let kinds = [
            schema.properties.is_some() || !schema.all_of.is_empty(),
            schema.enum_values.is_some(),
        ];
        if kinds.iter().all(|k| *k) {
            self.error(
                at,
                format!("schema `{name}` has both `properties` and `enum`"),
                Some("a schema is either an object or a string enum".into()),
            );
        } else if !kinds.iter().any(|k| *k) && schema.discriminator.is_none() {
            self.error(
                at,
                format!("schema `{name}` has neither `properties` nor `enum`"),
                Some("add `properties:` for an object, `enum:` for a string enum, or `allOf:` to build on another schema".into()),
            );
        }
        if let Some(values) = &schema.enum_values {
            self.enum_values(at, name, values);
            if !schema.required.is_empty()
                || schema.error_fields.is_some()
                || schema.xml.is_some()
                || schema.discriminator.is_some()
                || schema.additional_properties.is_some()
            {
                self.error(
                    at,
                    format!(
                        "enum `{name}` cannot have `required`, `errorFields`, `xml`, `discriminator` or `additionalProperties`"
                    ),
                    None,
                );
            }
        }
        if let Some(xml) = &schema.xml
            && let Some(element) = &xml.name
            && !is_xml_name(element)
        {
            self.error(
                &at.key("xml").key("name"),
                format!("`{element}` is not an XML element name"),
                Some("start with a letter or `_`; use letters, digits, `_`, `-` and `.`".into()),
            );
        }
        self.all_of(entry);
        self.properties(entry);
        if let Some(extra) = &schema.additional_properties {
            self.element_type(&at.key("additionalProperties"), extra);
        }
        self.required(entry);
        self.discriminator(entry);
        self.error_fields(entry);
    }

    /// `allOf`: each base is an object schema, named once, and a base's properties are not
    /// written again.
    fn all_of(&mut self, entry: &Entry<'b>) {
        let resolver = self.resolver;
        let mut seen = BTreeSet::new();
        for (i, base) in entry.spec().all_of.iter().enumerate() {
            let here = entry.at.key("allOf").index(i);
            if !seen.insert(base) {
                self.error(&here, format!("`{base}` is listed twice in `allOf`"), None);
                continue;
            }
            if !self.schema_ref(&here, base) {
                continue;
            }
            let Some(found) = resolver.lookup(entry.home, base) else {
                continue;
            };
            if found.spec().enum_values.is_some() {
                self.error(
                    &here,
                    format!(
                        "`{base}` is an enum; `allOf` includes the properties of object schemas"
                    ),
                    None,
                );
            }
        }
        // A property written both here and in a base would be two fields of one struct.
        let own: Vec<&String> = entry
            .spec()
            .properties
            .iter()
            .flatten()
            .map(|(w, _)| w)
            .collect();
        for base in resolver.bases(entry) {
            for (wire, _) in base.spec().properties.iter().flatten() {
                if own.contains(&wire) {
                    self.error(
                        &entry.at.key("properties").key(wire),
                        format!("property `{wire}` is also a property of `{}`, which `{}` includes through `allOf`", base.name, entry.name),
                        Some("remove it here, or stop including the base".into()),
                    );
                }
            }
        }
    }

    /// `required` names properties of the schema or its bases, each once.
    fn required(&mut self, entry: &Entry<'b>) {
        let resolver = self.resolver;
        let properties: Vec<String> = resolver
            .properties(entry)
            .iter()
            .map(|p| p.wire.to_owned())
            .collect();
        let mut seen = BTreeSet::new();
        for (i, required) in entry.spec().required.iter().enumerate() {
            let here = entry.at.key("required").index(i);
            if !seen.insert(required) {
                self.error(
                    &here,
                    format!("`{required}` is listed twice in `required`"),
                    None,
                );
            }
            if !properties.contains(required) {
                let help = suggest(required, properties.iter().map(String::as_str));
                self.error(
                    &here,
                    format!(
                        "required property `{required}` is not a property of `{}`",
                        entry.name
                    ),
                    help,
                );
            }
        }
    }

    fn enum_values(&mut self, at: &FieldPath, name: &str, values: &[String]) {
        if values.is_empty() {
            self.error(
                &at.key("enum"),
                format!("enum `{name}` has no values"),
                None,
            );
        }
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (i, value) in values.iter().enumerate() {
            let here = at.key("enum").index(i);
            self.variant_name(&here, &mut seen, value, "UnknownValue", "enum value");
        }
    }

    /// A value that becomes an enum variant: an identifier, distinct, and not the catch-all.
    fn variant_name<'v>(
        &mut self,
        at: &FieldPath,
        seen: &mut BTreeMap<String, &'v str>,
        value: &'v str,
        catch_all: &str,
        what: &str,
    ) {
        let variant = camel(value);
        if !is_valid_ident(&variant) {
            self.error(
                at,
                format!("{what} `{value}` gives the variant `{variant}`, which is not an ASCII identifier"),
                Some("the generator derives ASCII names only; this value cannot be expressed".into()),
            );
            return;
        }
        if let Some(other) = seen.insert(variant.clone(), value) {
            let message = if other == value {
                format!("{what} `{value}` is listed twice")
            } else {
                format!("{what}s `{other}` and `{value}` are both named `{variant}` in Rust")
            };
            self.error(at, message, None);
        }
        if variant == catch_all {
            self.error(
                at,
                format!("{what} `{value}` gives the variant `{catch_all}`, which holds the values the crate does not know"),
                None,
            );
        }
    }

    /// A union: its discriminator is a string property of its own, and each mapped schema is an
    /// object that includes the union through `allOf` and belongs to no other union.
    fn discriminator(&mut self, entry: &Entry<'b>) {
        let Some(discriminator) = &entry.spec().discriminator else {
            return;
        };
        let resolver = self.resolver;
        let at = entry.at.key("discriminator");
        let property = &discriminator.property_name;
        let properties = resolver.properties(entry);
        match properties.iter().find(|p| p.wire == property) {
            None => self.error(
                &at.key("propertyName"),
                format!("`{property}` is not a property of `{}`", entry.name),
                suggest(property, properties.iter().map(|p| p.wire)).or_else(|| {
                    Some("declare the discriminator as a string property of the union".into())
                }),
            ),
            Some(prop) => {
                let is_string = match resolver.prop_type(prop.owner, prop.wire, prop.spec) {
                    PropType::Scalar(kind, _) => kind == "string",
                    PropType::Schema(e) => e.spec().enum_values.is_some(),
                    _ => false,
                };
                if !is_string {
                    self.error(
                        &at.key("propertyName"),
                        format!("the discriminator `{property}` must be a string or a string enum"),
                        None,
                    );
                }
            }
        }
        if discriminator.mapping.is_empty() {
            self.error(
                &at.key("mapping"),
                "a union needs at least one variant in `mapping`",
                None,
            );
        }
        let mut variants: BTreeMap<String, &str> = BTreeMap::new();
        for (value, target) in &discriminator.mapping {
            let here = at.key("mapping").key(value);
            self.variant_name(
                &here,
                &mut variants,
                value,
                "UnknownVariant",
                "discriminator value",
            );
            if !self.schema_ref(&here, target) {
                continue;
            }
            let Some(variant) = resolver.lookup(entry.home, target) else {
                continue;
            };
            if std::ptr::eq(variant, entry) || variant.spec().enum_values.is_some() {
                self.error(
                    &here,
                    format!("the variant `{target}` must be an object schema other than the union"),
                    None,
                );
                continue;
            }
            if variant.spec().discriminator.is_some() {
                self.error(
                    &here,
                    format!(
                        "the variant `{target}` is a union itself; nested unions are not supported"
                    ),
                    Some("map the nested union's variants here instead".into()),
                );
            }
            if variant.spec().additional_properties.is_some() {
                self.error(
                    &here,
                    format!("the variant `{target}` has `additionalProperties`, which unions do not support"),
                    Some("its extra properties would hold the discriminator, which the variant writes itself; leave `additionalProperties` out and say so in a comment".into()),
                );
            }
            if !resolver
                .bases(variant)
                .iter()
                .any(|b| std::ptr::eq(*b, entry))
            {
                self.error(
                    &here,
                    format!(
                        "the variant `{target}` does not include `{}` through `allOf`",
                        entry.name
                    ),
                    Some(format!(
                        "add `allOf: [{}]` to `{target}`, as Swagger variants do",
                        entry.name
                    )),
                );
            }
        }
        if entry.spec().error_fields.is_some()
            || entry.spec().xml.is_some()
            || entry.spec().additional_properties.is_some()
        {
            self.error(
                &at,
                format!(
                    "the union `{}` cannot have `errorFields`, `xml` or `additionalProperties`",
                    entry.name
                ),
                None,
            );
        }
    }

    fn error_fields(&mut self, entry: &Entry<'b>) {
        let Some(fields) = &entry.spec().error_fields else {
            return;
        };
        let base = entry.at.key("errorFields");
        for (key, path) in [
            ("code", Some(&fields.code)),
            ("message", Some(&fields.message)),
            ("target", fields.target.as_ref()),
        ] {
            if let Some(path) = path {
                self.field_path(&base.key(key), entry, path, "string");
            }
        }
        if let Some(details) = &fields.details {
            self.field_path(&base.key("details"), entry, details, "array");
        }
    }

    /// Checks that `path` leads through `entry` to a property of type `expected`.
    fn field_path(&mut self, at: &FieldPath, entry: &Entry<'b>, path: &str, expected: &str) {
        let resolver = self.resolver;
        let mut current = entry;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let props = resolver.properties(current);
            let Some(prop) = props.iter().find(|p| p.wire == *segment) else {
                let help = suggest(segment, props.iter().map(|p| p.wire));
                self.error(at, format!("`{path}`: `{segment}` is not a property"), help);
                return;
            };
            let ty = resolver.prop_type(prop.owner, prop.wire, prop.spec);
            if i + 1 == segments.len() {
                let found = match ty {
                    PropType::Scalar(kind, _) => kind,
                    PropType::Array(_) => "array",
                    _ => prop.spec.kind.as_str(),
                };
                if found != expected {
                    self.error(
                        at,
                        format!("`{path}` is a `{found}`, not a `{expected}`"),
                        None,
                    );
                }
                return;
            }
            match ty {
                PropType::Schema(next) if next.spec().enum_values.is_none() => current = next,
                _ => {
                    self.error(at, format!("`{path}`: `{segment}` is not an object"), None);
                    return;
                }
            }
        }
    }
}

fn describe(entry: &Entry<'_>) -> String {
    match &entry.inline {
        Some(_) => "inline schema".to_string(),
        None => format!("schema `{}`", entry.name),
    }
}
