//! Properties: names, types (builtin, schema, array, map, inline), formats, read-only and secret
//! markers, constraints (lengths, pattern, bounds, item counts) and documented defaults.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Cx;
use crate::diagnostics::suggest;
use crate::load::{PropertySpec, TypeSpec};
use crate::locate::FieldPath;
use crate::names::{bare, is_valid_ident, snake};
use crate::patterns;
use crate::resolve::{BUILTIN_TYPES, Entry, is_inline_schema};

/// The formats each builtin type accepts. Only `date-time`, `int32` and `float` change the Rust
/// type; the others are documented on the field.
pub(super) const FORMATS: &[(&str, &[&str])] = &[
    (
        "string",
        &[
            "date-time",
            "date",
            "time",
            "duration",
            "uuid",
            "byte",
            "binary",
            "uri",
            "url",
            "password",
            "email",
            "arm-id",
            "base64url",
        ],
    ),
    ("integer", &["int32", "int64", "unixtime"]),
    ("number", &["float", "double", "decimal"]),
];

impl<'b> Cx<'_, 'b> {
    /// The properties a schema writes itself (its bases' are checked where they are written).
    pub(super) fn properties(&mut self, entry: &Entry<'b>) {
        let resolver = self.resolver;
        // Field names must be distinct across the bases too: they become one struct.
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for prop in resolver.properties(entry) {
            let field = snake(prop.wire);
            let own = std::ptr::eq(prop.owner, entry);
            if !is_valid_ident(&field) {
                if own {
                    self.error(
                        &entry.at.key("properties").key(prop.wire),
                        format!("property `{}` gives the Rust field `{field}`, which is not an ASCII identifier", prop.wire),
                        Some("the generator derives ASCII names only; this wire name cannot be expressed".into()),
                    );
                }
                continue;
            }
            if let Some(other) = fields.insert(field.clone(), prop.wire.to_owned())
                && own
            {
                self.error(
                    &entry.at.key("properties").key(prop.wire),
                    format!(
                        "properties `{other}` and `{}` are both named `{}` in Rust",
                        prop.wire,
                        bare(&field)
                    ),
                    Some("Rust field names are snake_case, so names that differ only in case or punctuation collide; the generator cannot rename one of them".into()),
                );
            }
        }
        if entry.spec().additional_properties.is_some()
            && fields.contains_key("additional_properties")
        {
            self.error(
                &entry.at.key("additionalProperties"),
                "a property named `additionalProperties` would share the field that holds the extra properties",
                None,
            );
        }
        for (wire, prop) in entry.spec().properties.iter().flatten() {
            let here = entry.at.key("properties").key(wire);
            self.docs(&here.key("docs"), &prop.docs);
            self.property(&here, prop);
        }
    }

    /// One property, or an inline element or value type.
    fn property(&mut self, at: &FieldPath, prop: &PropertySpec) {
        let kind = prop.kind.as_str();
        let inline = is_inline_schema(prop);
        if prop.properties.is_some() && kind != "object" {
            self.error(
                &at.key("properties"),
                format!("an inline object is written `type: object`, not `type: {kind}`"),
                None,
            );
        }
        if prop.enum_values.is_some() && kind != "string" {
            self.error(
                &at.key("enum"),
                format!("an inline enum is written `type: string`, not `type: {kind}`"),
                None,
            );
        }
        if !prop.required.is_empty() && prop.properties.is_none() {
            self.error(
                &at.key("required"),
                "`required` belongs to an inline object (`type: object` with `properties`)",
                None,
            );
        }
        if !inline {
            self.type_ref(&at.key("type"), kind);
        }
        match (kind, &prop.items) {
            ("array", None) => self.error(
                at,
                "an array property needs `items`",
                Some("name the element type, e.g. `items: ErrorDetail`".into()),
            ),
            ("array", Some(items)) => self.element_type(&at.key("items"), items),
            (_, Some(_)) => self.error(
                &at.key("items"),
                format!("`items` is only valid with `type: array`, not `{kind}`"),
                None,
            ),
            _ => {}
        }
        if let Some(values) = &prop.additional_properties {
            if kind != "object" || prop.properties.is_some() {
                self.error(
                    &at.key("additionalProperties"),
                    "a map is written `type: object` with `additionalProperties` and no `properties`",
                    Some("for an object that also accepts extra properties, name it as a schema and put `additionalProperties` on the schema".into()),
                );
            } else {
                self.element_type(&at.key("additionalProperties"), values);
            }
        }
        if let Some(xml) = &prop.xml {
            if kind != "array" {
                self.error(
                    &at.key("xml"),
                    format!("`xml: {{itemName}}` names the items of a wrapped list; this is a `{kind}`, not an array"),
                    None,
                );
            }
            if !super::syntax::is_xml_name(&xml.item_name) {
                self.error(
                    &at.key("xml").key("itemName"),
                    format!("`{}` is not an XML element name", xml.item_name),
                    Some(
                        "start with a letter or `_`; use letters, digits, `_`, `-` and `.`".into(),
                    ),
                );
            }
        }
        let scalar = ["string", "integer", "number", "boolean"].contains(&kind) && !inline;
        self.format(at, prop);
        if prop.secret && !(kind == "string" || self.holds_strings(prop)) && self.known(kind) {
            self.error(
                &at.key("secret"),
                format!(
                    "only strings (or arrays and maps of strings) can be secrets, not `{kind}`"
                ),
                None,
            );
        }
        self.property_constraints(at, prop, scalar);
        if let Some(default) = &prop.default {
            self.default_value(&at.key("default"), prop, default);
        }
    }

    /// An element or value type: a type name, or an inline type.
    pub(super) fn element_type(&mut self, at: &FieldPath, spec: &TypeSpec) {
        match spec {
            TypeSpec::Name(name) if name == "array" => {
                self.error(at, "arrays of arrays are not supported", None)
            }
            TypeSpec::Name(name) => self.type_ref(at, name),
            TypeSpec::Inline(prop) => {
                if prop.kind == "array" {
                    self.error(at, "arrays of arrays are not supported", None);
                    return;
                }
                if is_inline_schema(prop) {
                    self.docs(&at.key("docs"), &prop.docs);
                }
                if prop.read_only || prop.default.is_some() {
                    self.error(
                        at,
                        "`readOnly` and `default` belong to the property, not to its element or value type",
                        None,
                    );
                }
                self.property(at, prop);
                if prop.format.as_deref() == Some("date-time") {
                    self.error(
                        &at.key("format"),
                        "date-time elements and values are not supported yet",
                        Some("write them as `type: string` without a format; the documentation keeps the meaning".into()),
                    );
                }
            }
        }
    }

    fn known(&self, kind: &str) -> bool {
        BUILTIN_TYPES.contains(&kind) || self.resolver.schema(self.home, kind).is_some()
    }

    fn holds_strings(&self, prop: &PropertySpec) -> bool {
        let element = prop.items.as_ref().or(prop.additional_properties.as_ref());
        match element {
            Some(TypeSpec::Name(name)) => name == "string",
            Some(TypeSpec::Inline(inner)) => inner.kind == "string" && !is_inline_schema(inner),
            None => false,
        }
    }

    fn format(&mut self, at: &FieldPath, prop: &PropertySpec) {
        let Some(format) = &prop.format else {
            return;
        };
        let here = at.key("format");
        match FORMATS.iter().find(|(kind, _)| *kind == prop.kind) {
            Some((kind, formats)) if !formats.contains(&format.as_str()) => {
                let help = suggest(format, formats.iter().copied()).or_else(|| {
                    Some(format!(
                        "the formats of `{kind}` are {}",
                        formats.join(", ")
                    ))
                });
                self.error(
                    &here,
                    format!("unknown format `{format}` for `{kind}`"),
                    help,
                );
            }
            Some(_) => {
                if format == "date-time" && (prop.secret || prop.enum_values.is_some()) {
                    self.error(
                        &here,
                        "a date-time cannot also be a secret or an enum",
                        None,
                    );
                }
            }
            None => self.error(
                &here,
                format!(
                    "`format` applies to `string`, `integer` and `number`, not `{}`",
                    prop.kind
                ),
                None,
            ),
        }
    }

    fn property_constraints(&mut self, at: &FieldPath, prop: &PropertySpec, scalar: bool) {
        let kind = prop.kind.as_str();
        let string = scalar && kind == "string";
        let numeric = scalar && (kind == "integer" || kind == "number");
        for (key, set, applies, what) in [
            ("minLength", prop.min_length.is_some(), string, "strings"),
            ("maxLength", prop.max_length.is_some(), string, "strings"),
            ("pattern", prop.pattern.is_some(), string, "strings"),
            ("minimum", prop.minimum.is_some(), numeric, "numbers"),
            ("maximum", prop.maximum.is_some(), numeric, "numbers"),
            (
                "minItems",
                prop.min_items.is_some(),
                kind == "array",
                "arrays",
            ),
            (
                "maxItems",
                prop.max_items.is_some(),
                kind == "array",
                "arrays",
            ),
        ] {
            if set && !applies {
                self.error(
                    &at.key(key),
                    format!("`{key}` applies to {what}, not to this `{kind}`"),
                    None,
                );
            }
        }
        if string
            && prop.format.as_deref() == Some("date-time")
            && (prop.min_length.is_some() || prop.max_length.is_some() || prop.pattern.is_some())
        {
            self.error(at, "a date-time takes no length or pattern rules", None);
        }
        for (min, max, min_key) in [
            (prop.min_length, prop.max_length, "minLength"),
            (prop.min_items, prop.max_items, "minItems"),
        ] {
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                self.error(
                    &at.key(min_key),
                    format!("the minimum {min} is above the maximum {max}"),
                    None,
                );
            }
        }
        if let (Some(min), Some(max)) = (prop.minimum, prop.maximum)
            && min > max
        {
            self.error(
                &at.key("minimum"),
                format!("the minimum {min} is above the maximum {max}"),
                None,
            );
        }
        if numeric && kind == "integer" {
            let (low, high) = integer_range(prop.format.as_deref());
            for (key, bound) in [("minimum", prop.minimum), ("maximum", prop.maximum)] {
                if let Some(bound) = bound
                    && (bound.fract() != 0.0 || bound < low || bound > high)
                {
                    self.error(
                        &at.key(key),
                        format!("`{key}: {bound}` is not a whole number the integer can hold ({low} to {high})"),
                        None,
                    );
                }
            }
        }
        if let Some(pattern) = &prop.pattern
            && let Err(err) = patterns::lower(pattern)
        {
            self.error(
                &at.key("pattern"),
                format!("pattern `{pattern}` cannot be checked: {}", err.reason),
                Some(err.help),
            );
        }
    }

    fn default_value(&mut self, at: &FieldPath, prop: &PropertySpec, value: &serde_yaml::Value) {
        let Ok(json) = serde_json::to_value(value) else {
            self.error(at, "the default is not JSON-compatible", None);
            return;
        };
        let fits = match (prop.kind.as_str(), &json) {
            (_, Value::Null) => false,
            ("string", Value::String(s)) => match &prop.enum_values {
                Some(values) => values.contains(s),
                None => true,
            },
            ("integer", v) => v.is_i64(),
            ("number", v) => v.is_number(),
            ("boolean", v) => v.is_boolean(),
            ("array", v) => v.is_array(),
            ("object", v) => v.is_object(),
            (reference, Value::String(s)) => self
                .resolver
                .schema(self.home, reference)
                .and_then(|s| s.enum_values.as_ref())
                .is_some_and(|values| values.contains(s)),
            _ => false,
        };
        if !fits {
            let what = match &prop.enum_values {
                Some(values) => format!("one of {}", values.join(", ")),
                None => format!("a value of this `{}`", prop.kind),
            };
            self.error(
                at,
                format!("the default {json} is not {what}"),
                Some(
                    "write the default exactly as the service documents it, in the property's type"
                        .into(),
                ),
            );
        }
    }
}

/// The range an integer of this format holds.
pub(super) fn integer_range(format: Option<&str>) -> (f64, f64) {
    match format {
        Some("int32") => (f64::from(i32::MIN), f64::from(i32::MAX)),
        _ => (i64::MIN as f64, i64::MAX as f64),
    }
}
