//! Example bodies: a JSON body, or an XML body converted through its schema, checked value by
//! value against the schema: types and formats, enum values, union kinds, required and unknown
//! properties, maps, and (for a request body, which the client checks before sending) the
//! properties' constraints.

use serde_json::Value;

use super::Cx;
use super::parameters::text_problem;
use super::properties::integer_range;
use crate::dates;
use crate::diagnostics::suggest;
use crate::load::PropertySpec;
use crate::locate::FieldPath;
use crate::resolve::{Entry, Format, PropType, bare_schema_name};
use crate::xml_example;

impl<'b> Cx<'_, 'b> {
    /// Checks an example body of the schema `schema`; `request` for a request body.
    pub(super) fn example_body(
        &mut self,
        at: &FieldPath,
        schema: &str,
        format: Option<Format>,
        value: &serde_yaml::Value,
        request: bool,
    ) {
        let resolver = self.resolver;
        let Some(entry) = resolver.lookup(self.home, schema) else {
            return;
        };
        match format {
            Some(Format::Xml) => match value.as_str() {
                None => self.error(
                    at,
                    "an XML body must be written as a string holding the document",
                    None,
                ),
                Some(text) => match xml_example::convert(resolver, self.home, schema, text) {
                    Err(reason) => self.error(
                        at,
                        format!("XML example does not fit `{schema}`: {reason}"),
                        None,
                    ),
                    Ok(converted) => {
                        self.json_value(at, &PropType::Schema(entry), &converted.json, request)
                    }
                },
            },
            Some(Format::Json) => match serde_json::to_value(value) {
                Ok(json) => self.json_value(at, &PropType::Schema(entry), &json, request),
                Err(err) => self.error(at, format!("example is not JSON-compatible: {err}"), None),
            },
            None => {}
        }
    }

    /// Checks a JSON example value against the type it must have.
    fn json_value(&mut self, at: &FieldPath, ty: &PropType<'_>, value: &Value, request: bool) {
        let kind = type_name(ty);
        if value.is_null() {
            self.error(
                at,
                format!("example value is null, not a `{kind}`"),
                Some("leave an absent field out instead of writing null".into()),
            );
            return;
        }
        match ty {
            PropType::Scalar(scalar, spec) => self.json_scalar(at, scalar, *spec, value, request),
            PropType::Any | PropType::Unresolved(_) => {}
            PropType::Array(item) => match value.as_array() {
                Some(items) => {
                    for (i, element) in items.iter().enumerate() {
                        self.json_value(&at.index(i), item, element, request);
                    }
                }
                None => self.error(at, format!("example value {value} is not an array"), None),
            },
            PropType::Map(item) => match value.as_object() {
                Some(map) => {
                    for (key, element) in map {
                        self.json_value(&at.key(key), item, element, request);
                    }
                }
                None => self.error(
                    at,
                    format!("example value {value} is not an object (a map)"),
                    None,
                ),
            },
            PropType::Schema(entry) => self.json_schema(at, entry, value, request),
        }
    }

    fn json_scalar(
        &mut self,
        at: &FieldPath,
        kind: &str,
        spec: Option<&PropertySpec>,
        value: &Value,
        request: bool,
    ) {
        let format = spec.and_then(|s| s.format.as_deref());
        let ok = match kind {
            "string" => value.is_string(),
            "integer" => {
                let (low, high) = integer_range(format);
                value
                    .as_i64()
                    .is_some_and(|v| (low..=high).contains(&(v as f64)))
            }
            "number" => {
                if value.is_i64() || value.is_u64() {
                    self.error(
                        at,
                        format!("example value {value} for a `number` is written as an integer"),
                        Some(format!("write `{value}.0`: the model holds a floating-point number, which is sent and compared as `{value}.0`")),
                    );
                    return;
                }
                value.is_number()
            }
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !ok {
            let help = match (kind, value) {
                ("string", Value::Number(_) | Value::Bool(_)) => {
                    Some(format!("quote it: `'{value}'`"))
                }
                ("integer", Value::Number(_)) if format == Some("int32") => {
                    Some("write a whole number that fits in 32 bits".into())
                }
                ("integer", Value::Number(_)) => Some("write a whole number".into()),
                _ => None,
            };
            self.error(
                at,
                format!("example value {value} is not {}", a_type(kind)),
                help,
            );
            return;
        }
        if format == Some("date-time")
            && let Some(text) = value.as_str()
            && dates::canonical(text).is_none()
        {
            self.error(
                at,
                format!("example value `{text}` is not an RFC 3339 date-time"),
                Some("write it like `2024-01-02T03:04:05Z`".into()),
            );
        }
        if let (true, Some(spec)) = (request, spec)
            && let Some(problem) = constraint_problem(spec, value)
        {
            self.error(
                at,
                format!("example value {value} {problem}"),
                Some(
                    "the client checks request bodies before sending; use a value the rules allow"
                        .into(),
                ),
            );
        }
    }

    fn json_schema(&mut self, at: &FieldPath, entry: &Entry<'_>, value: &Value, request: bool) {
        let resolver = self.resolver;
        let name = bare_schema_name(&entry.name);
        let schema = entry.spec();
        if let Some(values) = &schema.enum_values {
            match value.as_str() {
                Some(s) if values.iter().any(|v| v == s) => {}
                Some(s) => self.error(
                    at,
                    format!("`{s}` is not a value of enum `{name}`"),
                    suggest(s, values.iter().map(String::as_str))
                        .or_else(|| Some(format!("one of {}", values.join(", ")))),
                ),
                None => self.error(
                    at,
                    format!("example value {value} is not a string for enum `{name}`"),
                    None,
                ),
            }
            return;
        }
        let Some(object) = value.as_object() else {
            self.error(
                at,
                format!("example value {value} is not an object for `{name}`"),
                None,
            );
            return;
        };
        if let Some(discriminator) = &schema.discriminator {
            let property = &discriminator.property_name;
            let kind = object.get(property).and_then(Value::as_str);
            let variant = kind
                .and_then(|k| discriminator.mapping.get(k))
                .and_then(|v| resolver.lookup(entry.home, v));
            match (kind, variant) {
                (_, Some(variant)) => self.json_schema(at, variant, value, request),
                (Some(kind), None) => self.error(
                    &at.key(property),
                    format!("`{kind}` is not a kind of the union `{name}`"),
                    suggest(kind, discriminator.mapping.keys().map(String::as_str)).or_else(|| {
                        let kinds: Vec<&str> =
                            discriminator.mapping.keys().map(String::as_str).collect();
                        Some(format!("one of {}", kinds.join(", ")))
                    }),
                ),
                (None, None) => self.error(
                    at,
                    format!(
                        "the union `{name}` needs its discriminator `{property}` in the example"
                    ),
                    None,
                ),
            }
            return;
        }
        let properties = resolver.properties(entry);
        for prop in &properties {
            if prop.required && !object.contains_key(prop.wire) && !(request && prop.spec.read_only)
            {
                self.error(
                    at,
                    format!("required property `{}` of `{name}` is missing", prop.wire),
                    None,
                );
            }
        }
        let tag = resolver.union_of(entry).map(|(union, _)| union);
        let extra = resolver.extra_type(entry);
        for (key, item) in object {
            let here = at.key(key);
            let Some(prop) = properties.iter().find(|p| p.wire == key) else {
                let is_tag = tag
                    .and_then(|u| u.spec().discriminator.as_ref())
                    .is_some_and(|d| d.property_name == *key);
                match &extra {
                    _ if is_tag => {}
                    Some(extra) => self.json_value(&here, extra, item, request),
                    None => self.error(
                        &here,
                        format!("`{key}` is not a property of `{name}`"),
                        suggest(key, properties.iter().map(|p| p.wire)),
                    ),
                }
                continue;
            };
            let ty = resolver.prop_type(prop.owner, prop.wire, prop.spec);
            self.json_value(&here, &ty, item, request);
            if let (true, PropType::Array(_), Some(items)) = (request, &ty, item.as_array())
                && let Some(problem) = items_problem(prop.spec, items.len())
            {
                self.error(&here, format!("the example array {problem}"), None);
            }
        }
    }
}

/// "a `string`", "an `integer`".
fn a_type(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{kind}`")
}

/// What a type is called in a message.
fn type_name(ty: &PropType<'_>) -> String {
    match ty {
        PropType::Scalar(kind, _) => (*kind).to_string(),
        PropType::Any => "object".into(),
        PropType::Schema(entry) => entry.name.clone(),
        PropType::Array(_) => "array".into(),
        PropType::Map(_) => "map".into(),
        PropType::Unresolved(name) => (*name).to_string(),
    }
}

/// Why a scalar value breaks its property's rules, if it does.
fn constraint_problem(spec: &PropertySpec, value: &Value) -> Option<String> {
    if let Some(text) = value.as_str()
        && let Some(problem) = text_problem(
            spec.min_length,
            spec.max_length,
            spec.pattern.as_deref(),
            text,
        )
    {
        return Some(problem);
    }
    if let Some(number) = value.as_f64() {
        if let Some(min) = spec.minimum.filter(|min| number < *min) {
            return Some(format!("is less than the minimum, {min}"));
        }
        if let Some(max) = spec.maximum.filter(|max| number > *max) {
            return Some(format!("is more than the maximum, {max}"));
        }
    }
    None
}

fn items_problem(spec: &PropertySpec, count: usize) -> Option<String> {
    let count = count as u64;
    if let Some(min) = spec.min_items.filter(|min| count < *min) {
        return Some(format!("has {count} items; the minimum is {min}"));
    }
    if let Some(max) = spec.max_items.filter(|max| count > *max) {
        return Some(format!("has {count} items; the maximum is {max}"));
    }
    None
}
