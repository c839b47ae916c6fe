//! Schemas: names within one file, objects and enums, their properties and `required` lists,
//! and the error contract's field paths.

use std::collections::{BTreeMap, BTreeSet};

use super::Cx;
use super::names::RESERVED_TYPES;
use super::syntax::{is_identifier_like, is_xml_name};
use crate::diagnostics::suggest;
use crate::load::SchemaSpec;
use crate::locate::FieldPath;
use crate::names::{bare, camel, is_valid_ident, snake};
use crate::resolve::BUILTIN_TYPES;

impl Cx<'_, '_> {
    pub(super) fn schemas(
        &mut self,
        at: &FieldPath,
        schemas: &indexmap::IndexMap<String, SchemaSpec>,
    ) {
        let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
        for (name, schema) in schemas {
            let here = at.key(name);
            let rust = camel(name);
            if !is_identifier_like(name) {
                self.error(
                    &here,
                    format!("schema name `{name}` is not a valid name"),
                    Some("start with a letter; use ASCII letters, digits and `_` (references use this name)".into()),
                );
            } else if RESERVED_TYPES.contains(&rust.as_str()) {
                self.error(
                    &here,
                    format!("schema name `{name}` gives the type `{rust}`, a name the generated code uses itself"),
                    Some("rename the schema (an XML root element can keep its name with `xml: {name: ...}`)".into()),
                );
            }
            if let Some(other) = rust_names.insert(rust.clone(), name) {
                self.error(
                    &here,
                    format!("schemas `{other}` and `{name}` are both named `{rust}` in Rust"),
                    Some("Rust type names are UpperCamelCase; rename one".into()),
                );
            }
            self.schema(&here, name, schema);
        }
    }

    pub(super) fn schema(&mut self, at: &FieldPath, name: &str, schema: &SchemaSpec) {
        self.docs(&at.key("docs"), &schema.docs);
        match (&schema.properties, &schema.enum_values) {
            (Some(_), Some(_)) => self.error(
                at,
                format!("schema `{name}` has both `properties` and `enum`"),
                Some("a schema is either an object or a string enum".into()),
            ),
            (None, None) => self.error(
                at,
                format!("schema `{name}` has neither `properties` nor `enum`"),
                Some("add `properties:` for an object or `enum:` for a string enum".into()),
            ),
            _ => {}
        }
        if let Some(values) = &schema.enum_values {
            self.enum_values(at, name, schema, values);
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
        let empty = indexmap::IndexMap::new();
        let properties = schema.properties.as_ref().unwrap_or(&empty);
        let mut fields: BTreeMap<String, &str> = BTreeMap::new();
        for (wire, prop) in properties {
            let here = at.key("properties").key(wire);
            let field = snake(wire);
            if !is_valid_ident(&field) {
                self.error(
                    &here,
                    format!("property `{wire}` gives the Rust field `{field}`, which is not an ASCII identifier"),
                    Some("the generator derives ASCII names only; this wire name cannot be expressed".into()),
                );
            } else if let Some(other) = fields.insert(field.clone(), wire) {
                self.error(
                    &here,
                    format!(
                        "properties `{other}` and `{wire}` are both named `{}` in Rust",
                        bare(&field)
                    ),
                    Some("Rust field names are snake_case, so names that differ only in case or punctuation collide; the generator cannot rename one of them".into()),
                );
            }
            self.docs(&here.key("docs"), &prop.docs);
            self.type_ref(&here.key("type"), &prop.kind);
            match (prop.kind.as_str(), &prop.items) {
                ("array", None) => self.error(
                    &here,
                    format!("array property `{wire}` has no `items`"),
                    Some("name the element type, e.g. `items: ErrorDetail`".into()),
                ),
                ("array", Some(items)) => {
                    if items == "array" {
                        self.error(
                            &here.key("items"),
                            "arrays of arrays are not supported",
                            None,
                        );
                    } else {
                        self.type_ref(&here.key("items"), items);
                    }
                }
                (_, Some(_)) => self.error(
                    &here.key("items"),
                    format!(
                        "`items` is only valid with `type: array`, not `{}`",
                        prop.kind
                    ),
                    None,
                ),
                _ => {}
            }
            let known = BUILTIN_TYPES.contains(&prop.kind.as_str())
                || self.resolver.schema(self.folder, &prop.kind).is_some();
            if prop.secret && prop.kind != "string" && known {
                self.error(
                    &here.key("secret"),
                    format!("only string properties can be secrets, not `{}`", prop.kind),
                    None,
                );
            }
        }
        let mut required_seen = BTreeSet::new();
        for (i, required) in schema.required.iter().enumerate() {
            let here = at.key("required").index(i);
            if !required_seen.insert(required) {
                self.error(
                    &here,
                    format!("`{required}` is listed twice in `required`"),
                    None,
                );
            }
            if !properties.contains_key(required) {
                let help = suggest(required, properties.keys().map(String::as_str));
                self.error(
                    &here,
                    format!("required property `{required}` is not a property of `{name}`"),
                    help,
                );
            }
        }
        if let Some(fields) = &schema.error_fields {
            let base = at.key("errorFields");
            for (key, path) in [
                ("code", Some(&fields.code)),
                ("message", Some(&fields.message)),
                ("target", fields.target.as_ref()),
            ] {
                if let Some(path) = path {
                    self.field_path(&base.key(key), schema, path, "string");
                }
            }
            if let Some(details) = &fields.details {
                self.field_path(&base.key("details"), schema, details, "array");
            }
        }
    }

    fn enum_values(&mut self, at: &FieldPath, name: &str, schema: &SchemaSpec, values: &[String]) {
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
            let variant = camel(value);
            if !is_valid_ident(&variant) {
                self.error(
                    &here,
                    format!("enum value `{value}` gives the variant `{variant}`, which is not an ASCII identifier"),
                    Some("the generator derives ASCII names only; this value cannot be expressed".into()),
                );
                continue;
            }
            if let Some(other) = seen.insert(variant.clone(), value) {
                let message = if other == value {
                    format!("enum value `{value}` is listed twice")
                } else {
                    format!(
                        "enum values `{other}` and `{value}` are both named `{variant}` in Rust"
                    )
                };
                self.error(&here, message, None);
            }
            if variant == "UnknownValue" {
                self.error(
                    &here,
                    format!("enum value `{value}` gives the variant `UnknownValue`, which holds the values the crate does not know"),
                    None,
                );
            }
        }
        if !schema.required.is_empty() || schema.error_fields.is_some() || schema.xml.is_some() {
            self.error(
                at,
                format!("enum `{name}` cannot have `required`, `errorFields` or `xml`"),
                None,
            );
        }
    }

    /// Checks that `path` leads through `schema` to a property of type `expected`.
    fn field_path(&mut self, at: &FieldPath, schema: &SchemaSpec, path: &str, expected: &str) {
        let mut current = schema;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let empty = indexmap::IndexMap::new();
            let props = current.properties.as_ref().unwrap_or(&empty);
            let Some(prop) = props.get(*segment) else {
                let help = suggest(segment, props.keys().map(String::as_str));
                self.error(at, format!("`{path}`: `{segment}` is not a property"), help);
                return;
            };
            if i + 1 == segments.len() {
                if prop.kind != expected {
                    self.error(
                        at,
                        format!("`{path}` is a `{}`, not a `{expected}`", prop.kind),
                        None,
                    );
                }
                return;
            }
            match self.resolver.schema(self.folder, &prop.kind) {
                Some(next) => current = next,
                None => {
                    self.error(at, format!("`{path}`: `{segment}` is not an object"), None);
                    return;
                }
            }
        }
    }
}
