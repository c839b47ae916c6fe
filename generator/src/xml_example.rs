//! XML examples: a documented XML body is turned, through its schema, into the canonical document
//! the client sends (declaration, no insignificant whitespace) and into the JSON value the parsed
//! model must equal. Elements that the schema does not know are errors, so a mistyped example is
//! caught at generation time.

use serde_json::{Map, Value};

use crate::resolve::{Entry, Home, PropType, Resolver};

/// An XML example, converted.
#[derive(Debug, Clone, PartialEq)]
pub struct Converted {
    /// The compact document with an XML declaration.
    pub canonical: String,
    /// The body as the model's JSON projection.
    pub json: Value,
}

/// Converts `text`, whose root element is the schema `schema` as seen from `home`.
pub fn convert(
    resolver: &Resolver<'_>,
    home: Home<'_>,
    schema: &str,
    text: &str,
) -> Result<Converted, String> {
    let doc =
        roxmltree::Document::parse(text.trim()).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    let expected = resolver.xml_root(home, schema);
    if root.tag_name().name() != expected {
        return Err(format!(
            "root element is `{}`; the schema `{schema}` expects `{expected}`",
            root.tag_name().name()
        ));
    }
    let Some(entry) = resolver.lookup(home, schema) else {
        return Err(format!("unknown schema `{schema}`"));
    };
    let mut canonical = String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    write_element(root, true, &mut canonical);
    let json = object(resolver, entry, root)?;
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
    let text = text_of(node);
    if children.is_empty() && text.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    if children.is_empty() {
        out.push_str(&escape(&text));
    }
    for child in children {
        write_element(child, false, out);
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect::<String>()
        .trim()
        .to_string()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An element holding an object (or, for an enum schema, its value).
fn object(
    resolver: &Resolver<'_>,
    entry: &Entry<'_>,
    node: roxmltree::Node<'_, '_>,
) -> Result<Value, String> {
    if entry.spec().enum_values.is_some() {
        return Ok(Value::String(text_of(node)));
    }
    let properties = resolver.properties(entry);
    let mut map = Map::new();
    for child in node.children().filter(|c| c.is_element()) {
        let name = child.tag_name().name();
        let Some(prop) = properties.iter().find(|p| p.wire == name) else {
            let known: Vec<&str> = properties.iter().map(|p| p.wire).collect();
            return Err(format!(
                "element `{name}` is not a property of `{}` (known: {})",
                entry.name,
                known.join(", ")
            ));
        };
        match resolver.prop_type(prop.owner, prop.wire, prop.spec) {
            PropType::Array(item) => {
                let items = match &prop.spec.xml {
                    // Wrapped: every child of this element is an item.
                    Some(xml) => {
                        let mut items = Vec::new();
                        for element in child.children().filter(|c| c.is_element()) {
                            if element.tag_name().name() != xml.item_name {
                                return Err(format!(
                                    "element `{}` in `{name}` is not a `{}`",
                                    element.tag_name().name(),
                                    xml.item_name
                                ));
                            }
                            items.push(value(resolver, &item, element, name)?);
                        }
                        map.insert(name.to_string(), Value::Array(items));
                        continue;
                    }
                    // Unwrapped: this element is one item of the array.
                    None => value(resolver, &item, child, name)?,
                };
                match map
                    .entry(name.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    Value::Array(all) => all.push(items),
                    _ => unreachable!("array entries are arrays"),
                }
            }
            ty => {
                if map.contains_key(name) {
                    return Err(format!(
                        "element `{name}` appears twice but is not an array"
                    ));
                }
                map.insert(name.to_string(), value(resolver, &ty, child, name)?);
            }
        }
    }
    Ok(Value::Object(map))
}

/// An element holding one value of type `ty`.
fn value(
    resolver: &Resolver<'_>,
    ty: &PropType<'_>,
    node: roxmltree::Node<'_, '_>,
    name: &str,
) -> Result<Value, String> {
    let text = text_of(node);
    match ty {
        PropType::Scalar("string", _) => Ok(Value::String(text)),
        PropType::Scalar("integer" | "number", _) => {
            serde_json::from_str(&text).map_err(|_| format!("element `{name}` is not a number"))
        }
        PropType::Scalar("boolean", _) => match text.as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("element `{name}` is not `true` or `false`")),
        },
        PropType::Schema(entry) => object(resolver, entry, node),
        _ => Err(format!(
            "element `{name}`: free-form objects, maps and nested arrays are not supported in XML"
        )),
    }
}
