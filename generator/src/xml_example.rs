//! XML examples: a documented XML body is turned, through its schema, into the canonical document
//! the client sends (declaration, no insignificant whitespace) and into the JSON value the parsed
//! model must equal. Elements that the schema does not know are errors, so a mistyped example is
//! caught at generation time.

use serde_json::{Map, Value};

use crate::resolve::Resolver;

/// An XML example, converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The compact document with an XML declaration.
    pub canonical: String,
    /// The body as the model's JSON projection.
    pub json: Value,
}

/// Converts `text`, whose root element is the schema `schema` of service `folder`.
pub fn convert(
    resolver: &Resolver<'_>,
    folder: &str,
    schema: &str,
    text: &str,
) -> Result<Converted, String> {
    let doc =
        roxmltree::Document::parse(text.trim()).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    let expected = resolver.xml_root(Some(folder), schema);
    if root.tag_name().name() != expected {
        return Err(format!(
            "root element is `{}`; the schema `{schema}` expects `{expected}`",
            root.tag_name().name()
        ));
    }
    let mut canonical = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    write_element(root, true, &mut canonical);
    let json = to_json(resolver, folder, schema, root)?;
    Ok(Converted { canonical, json })
}

fn write_element(node: roxmltree::Node<'_, '_>, is_root: bool, out: &mut String) {
    let name = node.tag_name().name();
    out.push('<');
    out.push_str(name);
    if is_root && let Some(ns) = node.tag_name().namespace() {
        out.push_str(&format!(r#" xmlns="{}""#, escape(ns)));
    }
    let children: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    let text: String = node
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    if children.is_empty() && text.trim().is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    if children.is_empty() {
        out.push_str(&escape(text.trim()));
    }
    for child in children {
        write_element(child, false, out);
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn to_json(
    resolver: &Resolver<'_>,
    folder: &str,
    schema_name: &str,
    node: roxmltree::Node<'_, '_>,
) -> Result<Value, String> {
    let Some(schema) = resolver.schema(Some(folder), schema_name) else {
        return Err(format!("unknown schema `{schema_name}`"));
    };
    if schema.enum_values.is_some() {
        return Ok(Value::String(node.text().unwrap_or("").trim().to_string()));
    }
    let properties = schema.properties.as_ref().cloned().unwrap_or_default();
    let mut map = Map::new();
    for child in node.children().filter(|c| c.is_element()) {
        let name = child.tag_name().name();
        let Some(prop) = properties.get(name) else {
            let known: Vec<&str> = properties.keys().map(String::as_str).collect();
            return Err(format!(
                "element `{name}` is not a property of `{schema_name}` (known: {})",
                known.join(", ")
            ));
        };
        let value = match prop.kind.as_str() {
            "string" => Value::String(child.text().unwrap_or("").trim().to_string()),
            "integer" | "number" => serde_json::from_str(child.text().unwrap_or("").trim())
                .map_err(|_| format!("element `{name}` is not a number"))?,
            "boolean" => Value::Bool(child.text().unwrap_or("").trim() == "true"),
            "object" | "array" => {
                return Err(format!(
                    "element `{name}`: `{}` properties are not supported in XML examples",
                    prop.kind
                ));
            }
            reference => to_json(resolver, folder, reference, child)?,
        };
        map.insert(name.to_string(), value);
    }
    Ok(Value::Object(map))
}
