//! Stage 2, validate: every check that needs more than one field, over the whole spec set.
//! All problems are collected, in file order, so one run reports every mistake.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::ir::{BUILTIN_TYPES, Format, Resolver, bare_schema_name};
use crate::load::{ExampleSpec, OperationFile, ParameterSpec, SchemaSpec, SpecSet};
use crate::names::{camel, snake};
use crate::{patterns, xml_example};

const METHODS: &[&str] = &["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"];
const LOCATIONS: &[&str] = &["path", "query", "header"];
const FINAL_STATES: &[&str] = &["azure-async-operation", "location"];
/// Argument names the generated methods use themselves.
const RESERVED_ARGS: &[&str] = &["parameters", "options", "self_"];
/// Type names the generated modules use themselves.
const RESERVED_TYPES: &[&str] = &["UnknownValue"];

/// Checks the set; returns every error and warning found.
pub fn validate(set: &SpecSet) -> Diagnostics {
    let resolver = Resolver::new(set);
    let mut out = Diagnostics::default();
    if let Some(common) = &set.common {
        let mut cx = Cx {
            file: &common.path,
            folder: None,
            resolver: &resolver,
            out: &mut out,
        };
        cx.schemas("schemas", &common.spec.schemas);
    }
    let mut clients = BTreeMap::new();
    for service in &set.services {
        let manifest = &service.manifest;
        let mut cx = Cx {
            file: &manifest.path,
            folder: Some(&service.folder),
            resolver: &resolver,
            out: &mut out,
        };
        cx.service_folder(&service.folder, &mut clients);
        cx.service_manifest(&manifest.spec);
        cx.schemas("schemas", &manifest.spec.schemas);
        // Schema names share one Rust module per service.
        let mut seen: BTreeMap<String, String> = manifest
            .spec
            .schemas
            .keys()
            .map(|n| (camel(n), manifest.path.clone()))
            .collect();
        let mut methods: BTreeMap<String, String> = BTreeMap::new();
        for op in &service.operations {
            let mut cx = Cx {
                file: &op.path,
                folder: Some(&service.folder),
                resolver: &resolver,
                out: &mut out,
            };
            for name in op.spec.schemas.keys() {
                if let Some(other) = seen.insert(camel(name), op.path.clone()) {
                    cx.error(format!("schemas.{name}"), format!("schema `{name}` is named `{}` in Rust, like a schema in `{other}`", camel(name)), Some("schemas of one service share a module: rename one, or move the shared schema to service.yaml".into()));
                }
            }
            let method = snake(&op.spec.operation_id);
            if let Some(other) = methods.insert(method.clone(), op.path.clone()) {
                cx.error("operationId", format!("operation id `{}` gives the method `{method}`, like the operation in `{other}`", op.spec.operation_id), Some("operation ids must be unique within a service".into()));
            }
            cx.schemas("schemas", &op.spec.schemas);
            cx.operation(&op.spec);
        }
    }
    out
}

struct Cx<'a, 'b> {
    file: &'a str,
    folder: Option<&'a str>,
    resolver: &'a Resolver<'b>,
    out: &'a mut Diagnostics,
}

impl Cx<'_, '_> {
    fn error(
        &mut self,
        field: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.out
            .push(Diagnostic::new(self.file, field, message, help));
    }

    fn warn(&mut self, field: impl Into<String>, message: impl Into<String>, help: Option<String>) {
        self.out
            .push(Diagnostic::new(self.file, field, message, help).warning());
    }

    fn service_folder(&mut self, folder: &str, clients: &mut BTreeMap<String, String>) {
        let valid = !folder.is_empty()
            && folder.starts_with(|c: char| c.is_ascii_lowercase())
            && folder
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            self.error("", format!("service folder `{folder}` is not kebab-case"), Some("use lower-case letters, digits and `-`, starting with a letter (`service-bus`)".into()));
        }
        if folder == "common" || folder == "support" {
            self.error(
                "",
                format!("service folder `{folder}` clashes with the crate's own `{folder}` module"),
                Some("choose another folder name".into()),
            );
        }
        if let Some(other) = clients.insert(snake(folder), folder.to_string()) {
            self.error(
                "",
                format!("service folders `{other}` and `{folder}` give the same module name"),
                None,
            );
        }
    }

    fn service_manifest(&mut self, manifest: &crate::load::ServiceFile) {
        if !is_origin(&manifest.host) {
            self.error(
                "host",
                format!("host `{}` is not an https origin", manifest.host),
                Some("write the scheme and host only, e.g. `https://management.azure.com`".into()),
            );
        }
        let security = &manifest.security;
        if security.kind != "oauth2" {
            self.error(
                "security.type",
                format!("security type `{}` is not supported", security.kind),
                Some("the only supported type is `oauth2`".into()),
            );
        }
        if !security.audience.starts_with("https://") {
            self.error(
                "security.audience",
                format!("audience `{}` is not an https URL", security.audience),
                Some(
                    "the token scope is `{audience}/.default`, e.g. `https://management.azure.com`"
                        .into(),
                ),
            );
        }
    }

    fn schemas(&mut self, field: &str, schemas: &indexmap::IndexMap<String, SchemaSpec>) {
        let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
        for (name, schema) in schemas {
            let at = format!("{field}.{name}");
            if !is_identifier_like(name) {
                self.error(
                    &at,
                    format!("schema name `{name}` is not a valid name"),
                    Some("start with a letter; use letters, digits and `_`".into()),
                );
            }
            if RESERVED_TYPES.contains(&camel(name).as_str()) {
                self.error(&at, format!("schema name `{name}` is reserved"), None);
            }
            if let Some(other) = rust_names.insert(camel(name), name) {
                self.error(
                    &at,
                    format!(
                        "schemas `{other}` and `{name}` are both named `{}` in Rust",
                        camel(name)
                    ),
                    None,
                );
            }
            self.schema(&at, name, schema);
        }
    }

    fn schema(&mut self, at: &str, name: &str, schema: &SchemaSpec) {
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
            if values.is_empty() {
                self.error(format!("{at}.enum"), "enum has no values", None);
            }
            let mut seen: BTreeMap<String, &str> = BTreeMap::new();
            for value in values {
                if let Some(other) = seen.insert(camel(value), value) {
                    let message = if other == value {
                        format!("enum value `{value}` is listed twice")
                    } else {
                        format!(
                            "enum values `{other}` and `{value}` are both named `{}` in Rust",
                            camel(value)
                        )
                    };
                    self.error(format!("{at}.enum"), message, None);
                }
                if camel(value) == "UnknownValue" {
                    self.error(
                        format!("{at}.enum"),
                        "enum value `UnknownValue` is reserved for values the crate does not know",
                        None,
                    );
                }
            }
            if !schema.required.is_empty() || schema.error_fields.is_some() || schema.xml.is_some()
            {
                self.error(
                    at,
                    format!("enum `{name}` cannot have `required`, `errorFields` or `xml`"),
                    None,
                );
            }
        }
        let properties = schema.properties.clone().unwrap_or_default();
        let mut fields: BTreeMap<String, &str> = BTreeMap::new();
        for (wire, prop) in &properties {
            let pat = format!("{at}.properties.{wire}");
            if let Some(other) = fields.insert(snake(wire), wire) {
                self.error(
                    &pat,
                    format!(
                        "properties `{other}` and `{wire}` are both named `{}` in Rust",
                        snake(wire)
                    ),
                    Some("Rust field names are snake_case; rename one".into()),
                );
            }
            self.type_ref(&format!("{pat}.type"), &prop.kind);
            match (prop.kind.as_str(), &prop.items) {
                ("array", None) => self.error(
                    &pat,
                    format!("array property `{wire}` has no `items`"),
                    Some("name the element type, e.g. `items: ErrorDetail`".into()),
                ),
                ("array", Some(items)) => {
                    if items == "array" {
                        self.error(
                            format!("{pat}.items"),
                            "arrays of arrays are not supported",
                            None,
                        );
                    } else {
                        self.type_ref(&format!("{pat}.items"), items);
                    }
                }
                (_, Some(_)) => self.error(
                    format!("{pat}.items"),
                    format!(
                        "`items` is only valid with `type: array`, not `{}`",
                        prop.kind
                    ),
                    None,
                ),
                _ => {}
            }
            if prop.secret && prop.kind != "string" {
                self.error(
                    format!("{pat}.secret"),
                    format!("only string properties can be secrets, not `{}`", prop.kind),
                    None,
                );
            }
        }
        for required in &schema.required {
            if !properties.contains_key(required) {
                let help = suggest(required, properties.keys().map(String::as_str));
                self.error(
                    format!("{at}.required"),
                    format!("required property `{required}` is not a property of `{name}`"),
                    help,
                );
            }
        }
        if let Some(fields) = &schema.error_fields {
            let base = format!("{at}.errorFields");
            for (key, path) in [
                ("code", Some(&fields.code)),
                ("message", Some(&fields.message)),
                ("target", fields.target.as_ref()),
            ] {
                if let Some(path) = path {
                    self.field_path(&format!("{base}.{key}"), schema, path, "string");
                }
            }
            if let Some(details) = &fields.details {
                self.field_path(&format!("{base}.details"), schema, details, "array");
            }
        }
    }

    /// Checks that `path` leads through `schema` to a property of type `expected`.
    fn field_path(&mut self, at: &str, schema: &SchemaSpec, path: &str, expected: &str) {
        let mut current = schema;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let props = current.properties.clone().unwrap_or_default();
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

    fn type_ref(&mut self, at: &str, reference: &str) {
        if BUILTIN_TYPES.contains(&reference) {
            return;
        }
        if reference
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && !reference.starts_with("common.")
        {
            let help = suggest(reference, BUILTIN_TYPES.iter().copied())
                .or_else(|| Some(format!("builtin types are {}", BUILTIN_TYPES.join(", "))));
            self.error(at, format!("unknown type `{reference}`"), help);
            return;
        }
        self.schema_ref(at, reference);
    }

    fn schema_ref(&mut self, at: &str, reference: &str) -> bool {
        if self.resolver.schema(self.folder, reference).is_some() {
            return true;
        }
        let names = self.resolver.visible_names(self.folder);
        let help = suggest(reference, names.iter().map(String::as_str))
            .or_else(|| Some(format!("known schemas: {}", names.join(", "))));
        self.error(at, format!("unknown schema `{reference}`"), help);
        false
    }

    fn operation(&mut self, op: &OperationFile) {
        if !is_identifier_like(&op.operation_id) {
            self.error(
                "operationId",
                format!("operation id `{}` is not a valid name", op.operation_id),
                Some("use `Group_Action`, letters, digits and `_`".into()),
            );
        }
        if !METHODS.contains(&op.method.as_str()) {
            self.error(
                "method",
                format!("unknown HTTP method `{}`", op.method),
                Some(format!("one of {}", METHODS.join(", "))),
            );
        }
        self.path_and_parameters(op);
        if let Some(body) = &op.request_body {
            if Format::from_content_type(&body.content_type).is_none() {
                self.error(
                    "requestBody.contentType",
                    format!("content type `{}` is not supported", body.content_type),
                    Some("use `application/json` or `application/xml`".into()),
                );
            }
            if self.schema_ref("requestBody.schema", &body.schema)
                && let Some(schema) = self.resolver.schema(self.folder, &body.schema)
                && schema.properties.is_none()
            {
                self.error(
                    "requestBody.schema",
                    format!("request body schema `{}` is not an object", body.schema),
                    None,
                );
            }
        }
        self.responses(op);
        for (name, example) in &op.examples {
            self.example(op, name, example);
        }
    }

    fn path_and_parameters(&mut self, op: &OperationFile) {
        if !op.path.starts_with('/') {
            self.error(
                "path",
                format!("path `{}` does not start with `/`", op.path),
                None,
            );
        }
        let placeholders = placeholders(&op.path);
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        let mut args: BTreeMap<String, String> = BTreeMap::new();
        for (i, p) in op.parameters.iter().enumerate() {
            let at = format!("parameters[{i}]");
            if !LOCATIONS.contains(&p.location.as_str()) {
                self.error(
                    format!("{at}.in"),
                    format!("parameter `{}` has location `{}`", p.name, p.location),
                    Some("one of path, query, header".into()),
                );
            }
            if !seen.insert((p.location.clone(), p.name.to_lowercase())) {
                self.error(
                    &at,
                    format!("parameter `{}` is listed twice in {}", p.name, p.location),
                    None,
                );
            }
            if p.location == "header" && p.name.eq_ignore_ascii_case("content-type") {
                self.error(
                    &at,
                    "`Content-Type` is not a parameter",
                    Some("it is sent from `requestBody.contentType`".into()),
                );
            }
            if p.location == "path" {
                if p.value.is_some() {
                    self.error(
                        format!("{at}.value"),
                        format!("path parameter `{}` has a fixed value", p.name),
                        Some("write fixed text into `path` instead".into()),
                    );
                }
                if p.required == Some(false) {
                    self.error(
                        format!("{at}.required"),
                        format!("path parameter `{}` cannot be optional", p.name),
                        None,
                    );
                }
                if !placeholders.contains(&p.name) {
                    let help = suggest(&p.name, placeholders.iter().map(String::as_str));
                    self.error(
                        &at,
                        format!(
                            "path parameter `{}` has no `{{{}}}` placeholder in the path",
                            p.name, p.name
                        ),
                        help,
                    );
                }
            }
            if p.value.is_none() {
                let name = snake(&p.name);
                if RESERVED_ARGS.contains(&name.as_str()) {
                    self.error(&at, format!("parameter `{}` would be the argument `{name}`, which the method uses itself", p.name), None);
                }
                if let Some(other) = args.insert(name.clone(), p.name.clone()) {
                    self.error(
                        &at,
                        format!(
                            "parameters `{other}` and `{}` are both named `{name}` in Rust",
                            p.name
                        ),
                        None,
                    );
                }
            }
            self.constraints(&at, p);
        }
        for placeholder in &placeholders {
            if !op
                .parameters
                .iter()
                .any(|p| p.location == "path" && &p.name == placeholder)
            {
                let help = suggest(placeholder, op.parameters.iter().map(|p| p.name.as_str()));
                self.error(
                    "path",
                    format!("placeholder `{{{placeholder}}}` has no path parameter"),
                    help.or_else(|| {
                        Some(format!("add a parameter `{placeholder}` with `in: path`"))
                    }),
                );
            }
        }
        let mut counts = BTreeMap::new();
        for p in &placeholders {
            *counts.entry(p).or_insert(0) += 1;
        }
        for (p, n) in counts {
            if n > 1 {
                self.error(
                    "path",
                    format!("placeholder `{{{p}}}` appears {n} times"),
                    None,
                );
            }
        }
    }

    fn constraints(&mut self, at: &str, p: &ParameterSpec) {
        if let (Some(min), Some(max)) = (p.min_length, p.max_length)
            && min > max
        {
            self.error(
                at,
                format!(
                    "parameter `{}` has minLength {min} above maxLength {max}",
                    p.name
                ),
                None,
            );
        }
        if let Some(pattern) = &p.pattern {
            match patterns::lower(pattern) {
                Err(reason) => self.error(
                    format!("{at}.pattern"),
                    format!("pattern `{pattern}` cannot be checked: {reason}"),
                    Some("use the syntax of the Rust `regex` crate".into()),
                ),
                Ok(lowered) => {
                    if let Some(fixed) = &p.value
                        && !Regex::new(&lowered.pattern).is_ok_and(|r| r.is_match(fixed))
                    {
                        self.error(
                            format!("{at}.value"),
                            format!("fixed value `{fixed}` does not match the pattern `{pattern}`"),
                            None,
                        );
                    }
                }
            }
        }
    }

    fn responses(&mut self, op: &OperationFile) {
        let mut successes = Vec::new();
        for (status, response) in &op.responses {
            let at = format!("responses.{status}");
            if status != "default" {
                match status.parse::<u16>() {
                    Ok(code) if (200..300).contains(&code) => successes.push(code),
                    Ok(code) if (100..600).contains(&code) => self.error(
                        &at,
                        format!("status {code} is not a success"),
                        Some("document the error contract under `default`".into()),
                    ),
                    _ => self.error(
                        &at,
                        format!("`{status}` is not a status code"),
                        Some(
                            "use a 2xx status like `200`, or `default` for the error contract"
                                .into(),
                        ),
                    ),
                }
            }
            if let Some(ct) = &response.content_type
                && Format::from_content_type(ct).is_none()
            {
                self.error(
                    format!("{at}.contentType"),
                    format!("content type `{ct}` is not supported"),
                    Some("use `application/json` or `application/xml`".into()),
                );
            }
            if let Some(schema) = &response.schema {
                self.schema_ref(&format!("{at}.schema"), schema);
            }
        }
        match op.responses.get("default") {
            None => self.error(
                "responses",
                "no `default` response: the error contract is missing",
                Some("add `default:` with the service's error schema".into()),
            ),
            Some(default) => match &default.schema {
                None => self.error(
                    "responses.default.schema",
                    "the error response has no schema",
                    None,
                ),
                Some(schema) => {
                    if let Some(s) = self.resolver.schema(self.folder, schema)
                        && s.error_fields.is_none()
                    {
                        self.error("responses.default.schema", format!("error schema `{schema}` has no `errorFields`"), Some("say where the code and message are, e.g. `errorFields: {code: error.code, message: error.message}`".into()));
                    }
                }
            },
        }
        if successes.is_empty() {
            self.error("responses", "no success response (2xx)", None);
        }
        match &op.long_running {
            Some(lr) => {
                if !FINAL_STATES.contains(&lr.final_state_via.as_str()) {
                    self.error(
                        "longRunning.finalStateVia",
                        format!("unknown final state `{}`", lr.final_state_via),
                        Some(format!("one of {}", FINAL_STATES.join(", "))),
                    );
                }
                if !successes.contains(&202) {
                    self.warn(
                        "longRunning",
                        "long-running operation documents no 202 response",
                        None,
                    );
                }
                let bodies: BTreeSet<&String> = op
                    .responses
                    .iter()
                    .filter(|(s, _)| s.as_str() != "default")
                    .filter_map(|(_, r)| r.schema.as_ref())
                    .collect();
                if bodies.len() != 1 {
                    self.error("responses", "a long-running operation needs exactly one result schema among its success responses", None);
                }
            }
            None => {
                if successes.len() > 1 {
                    self.error(
                        "responses",
                        format!(
                            "{} success responses on an operation that is not long-running",
                            successes.len()
                        ),
                        Some(
                            "document one success status, or mark the operation `longRunning`"
                                .into(),
                        ),
                    );
                }
            }
        }
    }

    fn example(&mut self, op: &OperationFile, name: &str, example: &ExampleSpec) {
        let at = format!("examples.{name}");
        for (param, value) in &example.parameters {
            match op
                .parameters
                .iter()
                .find(|p| &p.name == param && p.value.is_none())
            {
                None => {
                    let exposed: Vec<&str> = op
                        .parameters
                        .iter()
                        .filter(|p| p.value.is_none())
                        .map(|p| p.name.as_str())
                        .collect();
                    self.error(
                        format!("{at}.parameters.{param}"),
                        format!("`{param}` is not a parameter callers set"),
                        suggest(param, exposed.iter().copied()),
                    );
                }
                Some(spec) => {
                    if let Some(problem) = constraint_problem(spec, value) {
                        self.error(
                            format!("{at}.parameters.{param}"),
                            format!("example value `{value}` {problem}"),
                            None,
                        );
                    }
                }
            }
        }
        for p in &op.parameters {
            let required = p.location == "path" || p.required == Some(true);
            if required && p.value.is_none() && !example.parameters.contains_key(&p.name) {
                self.error(
                    format!("{at}.parameters"),
                    format!("required parameter `{}` has no value", p.name),
                    None,
                );
            }
        }
        match (&example.request_body, &op.request_body) {
            (Some(_), None) => self.error(
                format!("{at}.requestBody"),
                "the example has a body but the operation has none",
                None,
            ),
            (None, Some(body)) if body.required.unwrap_or(true) => self.error(
                format!("{at}.requestBody"),
                "the operation requires a body but the example has none",
                None,
            ),
            (Some(value), Some(body)) => self.example_body(
                &format!("{at}.requestBody"),
                &body.schema,
                Format::from_content_type(&body.content_type),
                value,
            ),
            _ => {}
        }
        if example.responses.is_empty() {
            self.error(
                format!("{at}.responses"),
                "the example has no response",
                None,
            );
        }
        for (status, response) in &example.responses {
            let rat = format!("{at}.responses.{status}");
            let Some(documented) = op.responses.get(status).filter(|_| status != "default") else {
                let statuses: Vec<&str> = op
                    .responses
                    .keys()
                    .map(String::as_str)
                    .filter(|s| *s != "default")
                    .collect();
                self.error(
                    &rat,
                    format!("status `{status}` is not a documented success response"),
                    Some(format!("documented: {}", statuses.join(", "))),
                );
                continue;
            };
            match (&response.body, &documented.schema) {
                (Some(_), None) => self.error(
                    format!("{rat}.body"),
                    format!("response {status} documents no body"),
                    None,
                ),
                (Some(value), Some(schema)) => {
                    let format = Format::from_content_type(
                        documented
                            .content_type
                            .as_deref()
                            .unwrap_or("application/json"),
                    );
                    self.example_body(&format!("{rat}.body"), schema, format, value);
                }
                _ => {}
            }
        }
    }

    fn example_body(
        &mut self,
        at: &str,
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
                        && let Err(reason) =
                            xml_example::convert(self.resolver, folder, schema, text)
                    {
                        self.error(
                            at,
                            format!("XML example does not fit `{schema}`: {reason}"),
                            None,
                        );
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
    fn json_value(&mut self, at: &str, kind: &str, value: &Value) {
        let ok = match kind {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
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
            self.error(at, format!("example value {value} is not a `{kind}`"), None);
        }
    }

    fn json_schema(&mut self, at: &str, name: &str, schema: &SchemaSpec, value: &Value) {
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
        let properties = schema.properties.clone().unwrap_or_default();
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
            let Some(prop) = properties.get(key) else {
                self.error(
                    format!("{at}.{key}"),
                    format!("`{key}` is not a property of `{name}`"),
                    suggest(key, properties.keys().map(String::as_str)),
                );
                continue;
            };
            if prop.kind == "array" {
                match (item.as_array(), &prop.items) {
                    (Some(items), Some(kind)) => {
                        for (i, element) in items.iter().enumerate() {
                            self.json_value(&format!("{at}.{key}[{i}]"), kind, element);
                        }
                    }
                    _ => self.error(
                        format!("{at}.{key}"),
                        format!("example value {item} is not an array"),
                        None,
                    ),
                }
            } else {
                self.json_value(&format!("{at}.{key}"), &prop.kind, item);
            }
        }
    }
}

/// Why `value` breaks `spec`'s constraints, if it does.
pub fn constraint_problem(spec: &ParameterSpec, value: &str) -> Option<String> {
    let lowered = spec.pattern.as_deref().map(patterns::lower);
    let len = value.chars().count() as u64;
    let min = spec
        .min_length
        .max(lowered.as_ref().and_then(|l| l.as_ref().ok()?.min_length));
    let max = match (
        spec.max_length,
        lowered.as_ref().and_then(|l| l.as_ref().ok()?.max_length),
    ) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(min) = min
        && len < min
    {
        return Some(format!("is {len} characters long; the minimum is {min}"));
    }
    if let Some(max) = max
        && len > max
    {
        return Some(format!("is {len} characters long; the maximum is {max}"));
    }
    if let Some(Ok(lowered)) = lowered
        && let Ok(regex) = Regex::new(&lowered.pattern)
        && !regex.is_match(value)
    {
        return Some(format!(
            "does not match the pattern `{}`",
            spec.pattern.as_deref().unwrap_or_default()
        ));
    }
    None
}

fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        match rest[open..].find('}') {
            Some(close) => {
                out.push(rest[open + 1..open + close].to_string());
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    out
}

fn is_identifier_like(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_origin(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("https://") else {
        return false;
    };
    let rest = rest.trim_end_matches('/');
    !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' '])
}
