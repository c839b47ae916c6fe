//! Example bodies: a JSON body, or an XML body converted through its schema, checked value by
//! value against the schema: types, enum values, required and unknown properties.

use serde_json::Value;

use super::Cx;
use crate::diagnostics::suggest;
use crate::load::SchemaSpec;
use crate::locate::FieldPath;
use crate::resolve::{Format, bare_schema_name};
use crate::xml_example;

impl Cx<'_, '_> {
    pub(super) fn example_body(
        &mut self,
        at: &FieldPath,
        schema: &str,
        format: Option<Format>,
        value: &serde_yaml::Value,
    ) {
        match format {
            Some(Format::Xml) => match value.as_str() {
                None => self.error(
                    at,
                    "an XML body must be written as a string holding the document",
                    None,
                ),
                Some(text) => {
                    if let Some(folder) = self.folder
                        && self.resolver.schema(self.folder, schema).is_some()
                    {
                        match xml_example::convert(self.resolver, folder, schema, text) {
                            Err(reason) => self.error(
                                at,
                                format!("XML example does not fit `{schema}`: {reason}"),
                                None,
                            ),
                            Ok(converted) => self.json_value(at, schema, &converted.json),
                        }
                    }
                }
            },
            Some(Format::Json) => match serde_json::to_value(value) {
                Ok(json) => self.json_value(at, schema, &json),
                Err(err) => self.error(at, format!("example is not JSON-compatible: {err}"), None),
            },
            None => {}
        }
    }

    /// Checks a JSON example against a schema reference or builtin type.
    fn json_value(&mut self, at: &FieldPath, kind: &str, value: &Value) {
        if value.is_null() {
            self.error(
                at,
                format!("example value is null, not a `{kind}`"),
                Some("leave an absent field out instead of writing null".into()),
            );
            return;
        }
        let ok = match kind {
            "string" => value.is_string(),
            "integer" => value.is_i64(),
            "number" => {
                if value.is_i64() || value.is_u64() {
                    self.error(
                        at,
                        format!("example value {value} for a `number` is written as an integer"),
                        Some(format!("write `{value}.0`: the model holds an f64, which is sent and compared as `{value}.0`")),
                    );
                    return;
                }
                value.is_number()
            }
            "boolean" => value.is_boolean(),
            "object" => true,
            "array" => value.is_array(),
            reference => {
                let Some(schema) = self.resolver.schema(self.folder, reference) else {
                    return;
                };
                return self.json_schema(at, reference, schema, value);
            }
        };
        if !ok {
            let help = match (kind, value) {
                ("string", Value::Number(_) | Value::Bool(_)) => {
                    Some(format!("quote it: `'{value}'`"))
                }
                ("integer", Value::Number(_)) => Some("write a whole number".into()),
                _ => None,
            };
            self.error(at, format!("example value {value} is not a `{kind}`"), help);
        }
    }

    fn json_schema(&mut self, at: &FieldPath, name: &str, schema: &SchemaSpec, value: &Value) {
        if let Some(values) = &schema.enum_values {
            match value.as_str() {
                Some(s) if values.iter().any(|v| v == s) => {}
                Some(s) => self.error(
                    at,
                    format!("`{s}` is not a value of enum `{}`", bare_schema_name(name)),
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
        let empty = indexmap::IndexMap::new();
        let properties = schema.properties.as_ref().unwrap_or(&empty);
        for required in &schema.required {
            if !object.contains_key(required) {
                self.error(
                    at,
                    format!("required property `{required}` of `{name}` is missing"),
                    None,
                );
            }
        }
        for (key, item) in object {
            let here = at.key(key);
            let Some(prop) = properties.get(key) else {
                self.error(
                    &here,
                    format!("`{key}` is not a property of `{name}`"),
                    suggest(key, properties.keys().map(String::as_str)),
                );
                continue;
            };
            if prop.kind == "array" {
                match (item.as_array(), &prop.items) {
                    (Some(items), Some(kind)) => {
                        for (i, element) in items.iter().enumerate() {
                            self.json_value(&here.index(i), kind, element);
                        }
                    }
                    (None, _) if item.is_null() => self.json_value(&here, "array", item),
                    _ => self.error(&here, format!("example value {item} is not an array"), None),
                }
            } else {
                self.json_value(&here, &prop.kind, item);
            }
        }
    }
}
