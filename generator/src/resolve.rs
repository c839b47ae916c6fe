//! What the specs' names mean, shared by every stage that reads them (validate, the XML example
//! converter and the IR): schema references resolved across a service, its operations and
//! `common.yaml`; the builtin property types; and the body encoding a content type implies.
//! It reads only the loaded spec set, so every later stage can depend on it and none of them on
//! each other.

use std::collections::BTreeMap;

use crate::load::{SchemaSpec, SpecSet};

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

/// Resolves schema references across the service, its operations and `common`.
pub struct Resolver<'a> {
    common: BTreeMap<&'a str, &'a SchemaSpec>,
    services: BTreeMap<&'a str, Vec<(&'a str, &'a SchemaSpec)>>,
}

impl<'a> Resolver<'a> {
    /// Indexes every schema of the set.
    pub fn new(set: &'a SpecSet) -> Self {
        let common = set
            .common
            .iter()
            .flat_map(|c| c.spec.schemas.iter().map(|(n, s)| (n.as_str(), s)))
            .collect();
        let services = set
            .services
            .iter()
            .map(|svc| {
                let mut schemas: Vec<(&str, &SchemaSpec)> = svc
                    .manifest
                    .spec
                    .schemas
                    .iter()
                    .map(|(n, s)| (n.as_str(), s))
                    .collect();
                for op in &svc.operations {
                    schemas.extend(op.spec.schemas.iter().map(|(n, s)| (n.as_str(), s)));
                }
                (svc.folder.as_str(), schemas)
            })
            .collect();
        Resolver { common, services }
    }

    /// The XML root element name of a schema: its `xml.name`, else the schema's own name.
    pub fn xml_root(&self, folder: Option<&str>, reference: &str) -> String {
        self.schema(folder, reference)
            .and_then(|s| s.xml.as_ref())
            .and_then(|x| x.name.clone())
            .unwrap_or_else(|| bare_schema_name(reference))
    }

    /// Every schema of one service, manifest first, then operations in file order.
    pub fn service_schemas(&self, folder: &str) -> Vec<(&'a str, &'a SchemaSpec)> {
        self.services.get(folder).cloned().unwrap_or_default()
    }

    /// Names visible from a service (or from `common` when `folder` is `None`).
    pub fn visible_names(&self, folder: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        match folder {
            Some(folder) => {
                names.extend(
                    self.service_schemas(folder)
                        .iter()
                        .map(|(n, _)| n.to_string()),
                );
                names.extend(self.common.keys().map(|n| format!("common.{n}")));
            }
            None => names.extend(self.common.keys().map(|n| n.to_string())),
        }
        names
    }

    /// Looks a reference up: plain names in the service (or in common, from common), and
    /// `common.Name` in common.
    pub fn schema(&self, folder: Option<&str>, reference: &str) -> Option<&'a SchemaSpec> {
        if let Some(name) = reference.strip_prefix("common.") {
            return self.common.get(name).copied();
        }
        match folder {
            Some(folder) => self
                .service_schemas(folder)
                .into_iter()
                .find(|(n, _)| *n == reference)
                .map(|(_, s)| s),
            None => self.common.get(reference).copied(),
        }
    }
}
