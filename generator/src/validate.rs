//! Stage 2, validate: every check that needs more than one field, over the whole spec set.
//! All problems are collected, in file order, so one run reports every mistake, each located by
//! file, line, column and field path (see [`crate::locate`]).
//!
//! Besides what the spec says about itself (placeholders and path parameters, references,
//! unique names, patterns, enum values, examples against their own spec), the checks cover
//! everything that would make the generated crate fail to compile or its example tests fail:
//! Rust names that collide after case conversion or with names the generated code uses itself,
//! types that contain themselves, and example values the generated tests could not reproduce.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::load::{
    COMMON_FILE, ExampleSpec, LoadedService, OperationFile, ParameterSpec, SchemaSpec, SpecSet,
};
use crate::locate::{FieldPath, locate};
use crate::names::{bare, camel, is_valid_ident, shouty, snake};
use crate::resolve::{BUILTIN_TYPES, Format, Resolver, bare_schema_name};
use crate::{patterns, xml_example};

const METHODS: &[&str] = &["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"];
const LOCATIONS: &[&str] = &["path", "query", "header"];
const FINAL_STATES: &[&str] = &["azure-async-operation", "location"];

/// Argument and field names a generated method or options struct uses itself: a parameter
/// given one of these names would shadow a local or repeat a field.
const RESERVED_ARGS: &[&str] = &[
    "options",
    "parameters",
    "method_options",
    "url",
    "request",
    "query",
    "set_json_body",
    "set_xml_body",
    "decode_json",
    "decode_xml",
    "decode_empty",
];

/// Type names the generated modules use unqualified (imports, the prelude, the catch-all
/// variant): a schema with one of these Rust names would clash or shadow.
const RESERVED_TYPES: &[&str] = &[
    "UnknownValue",
    "Arc",
    "BodyFormat",
    "Box",
    "ClientCore",
    "ClientMethodOptions",
    "ClientOptions",
    "Deserialize",
    "Err",
    "ErrorContract",
    "ErrorFields",
    "FinalState",
    "From",
    "LazyLock",
    "Method",
    "Mock",
    "MockServer",
    "None",
    "Ok",
    "Option",
    "ParamSpec",
    "PathPart",
    "Poller",
    "Regex",
    "Request",
    "Response",
    "ResponseTemplate",
    "Result",
    "Secret",
    "Serialize",
    "Some",
    "String",
    "TokenCredential",
    "Url",
    "Value",
    "Vec",
];

/// Methods every generated client has.
const RESERVED_METHODS: &[&str] = &["new", "endpoint"];

/// Function names a generated example-test file defines or imports.
const RESERVED_TESTS: &[&str] = &[
    "json",
    "main",
    "body_json",
    "body_string",
    "header",
    "method",
    "path",
    "query_param",
];

/// Checks the set; returns every error and warning found.
pub fn validate(set: &SpecSet) -> Diagnostics {
    let resolver = Resolver::new(set);
    let mut out = Diagnostics::default();
    let common_complete = !set.unloaded.iter().any(|p| p == COMMON_FILE);
    if let Some(common) = &set.common {
        let mut cx = Cx {
            file: &common.path,
            text: &common.text,
            folder: None,
            resolver: &resolver,
            out: &mut out,
            refs_complete: common_complete,
        };
        let root = FieldPath::root();
        cx.docs(&root.key("docs"), &common.spec.docs);
        cx.schemas(&root.key("schemas"), &common.spec.schemas);
    }
    // The one check across services, done first: which earlier folder gives the same module.
    let mut modules: BTreeMap<String, &str> = BTreeMap::new();
    let earlier: Vec<Option<&str>> = set
        .services
        .iter()
        .map(|service| modules.insert(snake(&service.folder), &service.folder))
        .collect();
    // Services are otherwise checked independently: on every core, reported in folder order.
    let services: Vec<(&LoadedService, Option<&str>)> = set.services.iter().zip(earlier).collect();
    let found = crate::parallel::map(&services, |(service, earlier)| {
        let prefix = format!("{}/", service.folder);
        let complete = common_complete && !set.unloaded.iter().any(|p| p.starts_with(&prefix));
        let mut out = Diagnostics::default();
        validate_service(service, &resolver, complete, *earlier, &mut out);
        out
    });
    for diagnostics in found {
        out.extend(diagnostics);
    }
    cycles(set, &resolver, &mut out);
    out
}

fn validate_service(
    service: &LoadedService,
    resolver: &Resolver<'_>,
    refs_complete: bool,
    same_module: Option<&str>,
    out: &mut Diagnostics,
) {
    let manifest = &service.manifest;
    let root = FieldPath::root();
    let mut cx = Cx {
        file: &manifest.path,
        text: &manifest.text,
        folder: Some(&service.folder),
        resolver,
        out,
        refs_complete,
    };
    cx.service_folder(&service.folder, same_module);
    cx.service_manifest(&manifest.spec);
    cx.schemas(&root.key("schemas"), &manifest.spec.schemas);

    // Names shared by the whole service module: models (from every file), the client, and each
    // operation's options struct and method.
    let client = format!("{}Client", camel(&service.folder));
    let mut types: BTreeMap<String, (String, FieldPath)> = BTreeMap::new();
    for name in manifest.spec.schemas.keys() {
        types.insert(
            camel(name),
            (manifest.path.clone(), root.key("schemas").key(name)),
        );
    }
    for op in &service.operations {
        // Collisions inside one file are reported by `schemas`; here, across files.
        let mut own: BTreeMap<String, (String, FieldPath)> = BTreeMap::new();
        for name in op.spec.schemas.keys() {
            let at = root.key("schemas").key(name);
            let mut cx = cx_for(op, service, resolver, refs_complete, out);
            if let Some((other, _)) = types.get(&camel(name)) {
                let message = if camel(name) == *name {
                    format!("schema `{name}` is defined in `{other}` too")
                } else {
                    format!(
                        "schema `{name}` is named `{}` in Rust, like a schema in `{other}`",
                        camel(name)
                    )
                };
                cx.error(
                    &at,
                    message,
                    Some("the schemas of one service share a module: rename one, or keep one copy in service.yaml".into()),
                );
            } else {
                own.entry(camel(name)).or_insert((op.path.clone(), at));
            }
        }
        types.extend(own);
    }
    if let Some((file, at)) = types.get(&client) {
        let owner = if *file == manifest.path {
            (manifest.path.as_str(), manifest.text.as_str())
        } else {
            let op = service.operations.iter().find(|o| o.path == *file);
            op.map(|o| (o.path.as_str(), o.text.as_str()))
                .unwrap_or((manifest.path.as_str(), manifest.text.as_str()))
        };
        let diag = located(
            owner.0,
            owner.1,
            at,
            format!("schema name gives `{client}`, the name of the service's client"),
            Some("rename the schema".into()),
        );
        out.push(diag);
    }

    let mut methods: BTreeMap<String, String> = BTreeMap::new();
    let mut tests = example_test_names(service);
    for op in &service.operations {
        let mut cx = cx_for(op, service, resolver, refs_complete, out);
        let at_id = root.key("operationId");
        let method = snake(&op.spec.operation_id);
        if let Some(other) = methods.insert(method.clone(), op.path.clone()) {
            cx.error(
                &at_id,
                format!(
                    "operation id `{}` gives the method `{}`, like the operation in `{other}`",
                    op.spec.operation_id,
                    bare(&method)
                ),
                Some("operation ids must be unique within a service".into()),
            );
        }
        let options = format!("{}Options", camel(&op.spec.operation_id));
        if let Some((file, _)) = types.get(&options) {
            cx.error(
                &at_id,
                format!(
                    "operation id `{}` gives the options struct `{options}`, the Rust name of a schema in `{file}`",
                    op.spec.operation_id
                ),
                Some("rename the schema".into()),
            );
        }
        let file_stem = op
            .path
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".yaml"))
            .unwrap_or_default();
        let expected = kebab(&op.spec.operation_id);
        if is_identifier_like(&op.spec.operation_id) && file_stem != expected {
            cx.warn(
                &at_id,
                format!(
                    "operation `{}` is in `{file_stem}.yaml`; its file should be `{expected}.yaml`",
                    op.spec.operation_id
                ),
                Some("name each operation file after its operation id, so that a copied neighbour with an unchanged id stands out".into()),
            );
        }
        for name in op.spec.examples.keys() {
            let at = root.key("examples").key(name);
            let Some(test) = tests.remove(&(op.path.clone(), name.clone())) else {
                continue;
            };
            if !is_valid_ident(&test.0) {
                cx.error(
                    &at,
                    format!(
                        "example name `{name}` gives the test function `{}`, which is not a Rust identifier",
                        test.0
                    ),
                    Some("use letters, digits, spaces and `_` in example names".into()),
                );
            } else if RESERVED_TESTS.contains(&bare(&test.0)) {
                cx.error(
                    &at,
                    format!(
                        "example name `{name}` gives the test function `{}`, a name the generated test file uses itself",
                        test.0
                    ),
                    Some("rename the example".into()),
                );
            } else if let Some(other) = test.1 {
                cx.error(
                    &at,
                    format!(
                        "example name `{name}` gives the test function `{}`, like the example `{}` in `{}`",
                        bare(&test.0),
                        other.1,
                        other.0
                    ),
                    Some("example names must be unique within a service after conversion to snake_case".into()),
                );
            }
        }
        cx.schemas(&root.key("schemas"), &op.spec.schemas);
        cx.operation(&op.spec);
    }
}

/// The test function each example becomes, as the example emitter names it: the example name in
/// snake_case, prefixed with the method name when two examples of the service share it. With the
/// first other example giving the same function, if any.
#[allow(clippy::type_complexity)]
fn example_test_names(
    service: &LoadedService,
) -> BTreeMap<(String, String), (String, Option<(String, String)>)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in &service.operations {
        for name in op.spec.examples.keys() {
            *counts.entry(snake(name)).or_default() += 1;
        }
    }
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for op in &service.operations {
        for name in op.spec.examples.keys() {
            let base = snake(name);
            let test = if counts[&base] > 1 {
                format!("{}_{base}", snake(&op.spec.operation_id))
            } else {
                base
            };
            let other = seen.get(&test).cloned();
            seen.entry(test.clone())
                .or_insert_with(|| (op.path.clone(), name.clone()));
            out.insert((op.path.clone(), name.clone()), (test, other));
        }
    }
    out
}

fn cx_for<'a, 'b>(
    op: &'a crate::load::Loaded<OperationFile>,
    service: &'a LoadedService,
    resolver: &'a Resolver<'b>,
    refs_complete: bool,
    out: &'a mut Diagnostics,
) -> Cx<'a, 'b> {
    Cx {
        file: &op.path,
        text: &op.text,
        folder: Some(&service.folder),
        resolver,
        out,
        refs_complete,
    }
}

/// A diagnostic at `at` in a file, with the line and column found in its text.
fn located(
    file: &str,
    text: &str,
    at: &FieldPath,
    message: impl Into<String>,
    help: Option<String>,
) -> Diagnostic {
    let diag = Diagnostic::new(file, at.to_string(), message, help);
    match locate(text, at) {
        Some((line, column)) => diag.at_in(text, line, column),
        None => diag,
    }
}

struct Cx<'a, 'b> {
    file: &'a str,
    text: &'a str,
    folder: Option<&'a str>,
    resolver: &'a Resolver<'b>,
    out: &'a mut Diagnostics,
    /// False when a file that references here could point into failed to load: then an
    /// unresolved reference is not reported, since it may be that file's fault.
    refs_complete: bool,
}

impl Cx<'_, '_> {
    fn error(&mut self, at: &FieldPath, message: impl Into<String>, help: Option<String>) {
        self.out
            .push(located(self.file, self.text, at, message, help));
    }

    /// An error at `needle` inside the value at `at` (a placeholder inside `path`, say).
    fn error_within(
        &mut self,
        at: &FieldPath,
        needle: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let mut diag = located(self.file, self.text, at, message, help);
        if let (Some((line, column)), Some(source)) = (diag.position, &diag.source_line) {
            let start = source
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(source.len(), |(i, _)| i);
            if let Some(offset) = source[start..].find(needle) {
                let column = source[..start + offset].chars().count() + 1;
                diag = diag.at_in(self.text, line, column);
            }
        }
        self.out.push(diag);
    }

    fn warn(&mut self, at: &FieldPath, message: impl Into<String>, help: Option<String>) {
        self.out
            .push(located(self.file, self.text, at, message, help).warning());
    }

    /// Documentation becomes doc comments, and the generated crate denies missing docs.
    fn docs(&mut self, at: &FieldPath, text: &str) {
        if text.trim().is_empty() {
            self.error(
                at,
                "documentation is empty",
                Some("copy the description from the documentation page; the generated crate documents every item".into()),
            );
        }
    }

    /// `same_module`: an earlier service folder that gives the same module name, if any.
    fn service_folder(&mut self, folder: &str, same_module: Option<&str>) {
        let root = FieldPath::root();
        let valid = !folder.is_empty()
            && folder.starts_with(|c: char| c.is_ascii_lowercase())
            && folder
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !folder.ends_with('-')
            && !folder.contains("--");
        if !valid {
            let help = kebab(folder);
            self.error(
                &root,
                format!("service folder `{folder}` is not kebab-case"),
                Some(format!(
                    "use lower-case letters, digits and single `-`, starting with a letter (`{help}`)"
                )),
            );
        }
        let module = snake(folder);
        if folder == "common" || folder == "support" {
            self.error(
                &root,
                format!("service folder `{folder}` clashes with the crate's own `{folder}` module"),
                Some("choose another folder name".into()),
            );
        } else if module.starts_with("r#") || module.ends_with('_') {
            self.error(
                &root,
                format!("service folder `{folder}` gives the module `{module}`, a Rust keyword"),
                Some("the module's folder in the generated crate must be a plain name: choose another folder name".into()),
            );
        }
        if let Some(other) = same_module {
            self.error(
                &root,
                format!("service folders `{other}` and `{folder}` both give the module `{module}`"),
                None,
            );
        }
    }

    fn service_manifest(&mut self, manifest: &crate::load::ServiceFile) {
        let root = FieldPath::root();
        self.docs(&root.key("title"), &manifest.title);
        self.docs(&root.key("docs"), &manifest.docs);
        if !is_origin(&manifest.host) {
            self.error(
                &root.key("host"),
                format!("host `{}` is not an https origin", manifest.host),
                Some("write the scheme and host only, e.g. `https://management.azure.com`".into()),
            );
        }
        let security = &manifest.security;
        if security.kind != "oauth2" {
            self.error(
                &root.key("security").key("type"),
                format!("security type `{}` is not supported", security.kind),
                Some("the only supported type is `oauth2`".into()),
            );
        }
        if !is_https_url(&security.audience) {
            self.error(
                &root.key("security").key("audience"),
                format!("audience `{}` is not an https URL", security.audience),
                Some(
                    "the token scope is `{audience}/.default`, e.g. `https://management.azure.com`"
                        .into(),
                ),
            );
        }
        if !is_https_url(&security.authorization_url) {
            self.error(
                &root.key("security").key("authorizationUrl"),
                format!(
                    "authorization URL `{}` is not an https URL",
                    security.authorization_url
                ),
                None,
            );
        }
    }

    fn schemas(&mut self, at: &FieldPath, schemas: &indexmap::IndexMap<String, SchemaSpec>) {
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

    fn schema(&mut self, at: &FieldPath, name: &str, schema: &SchemaSpec) {
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

    fn type_ref(&mut self, at: &FieldPath, reference: &str) {
        if BUILTIN_TYPES.contains(&reference)
            || self.resolver.schema(self.folder, reference).is_some()
        {
            return;
        }
        if reference
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && !reference.starts_with("common.")
        {
            let names = self.resolver.visible_names(self.folder);
            let help = suggest(reference, BUILTIN_TYPES.iter().copied())
                .or_else(|| suggest(reference, names.iter().map(String::as_str)))
                .or_else(|| Some(format!("builtin types are {}", BUILTIN_TYPES.join(", "))));
            self.error(at, format!("unknown type `{reference}`"), help);
            return;
        }
        self.schema_ref(at, reference);
    }

    fn schema_ref(&mut self, at: &FieldPath, reference: &str) -> bool {
        if self.resolver.schema(self.folder, reference).is_some() {
            return true;
        }
        if !self.refs_complete {
            return false;
        }
        let names = self.resolver.visible_names(self.folder);
        let help = suggest(reference, names.iter().map(String::as_str)).or_else(|| {
            if names.is_empty() {
                Some("no schemas are defined here".into())
            } else {
                Some(format!("known schemas: {}", names.join(", ")))
            }
        });
        let help = match (reference.strip_prefix("common."), self.folder) {
            (None, Some(_)) if self.resolver.schema(None, reference).is_some() => Some(format!(
                "`{reference}` is in common.yaml: write `common.{reference}`"
            )),
            _ => help,
        };
        self.error(at, format!("unknown schema `{reference}`"), help);
        false
    }

    fn operation(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        if !is_identifier_like(&op.operation_id) {
            self.error(
                &root.key("operationId"),
                format!("operation id `{}` is not a valid name", op.operation_id),
                Some(
                    "use `Group_Action`: ASCII letters, digits and `_`, starting with a letter"
                        .into(),
                ),
            );
        } else if camel(&op.operation_id).ends_with('_') {
            self.error(
                &root.key("operationId"),
                format!(
                    "operation id `{}` gives the options struct `{}Options`, which is not an UpperCamelCase name",
                    op.operation_id,
                    camel(&op.operation_id)
                ),
                Some("use `Group_Action`".into()),
            );
        } else if RESERVED_METHODS.contains(&bare(&snake(&op.operation_id))) {
            self.error(
                &root.key("operationId"),
                format!(
                    "operation id `{}` gives the method `{}`, which every client has already",
                    op.operation_id,
                    snake(&op.operation_id)
                ),
                Some("use `Group_Action`".into()),
            );
        }
        self.docs(&root.key("summary"), &op.summary);
        self.docs(&root.key("docs"), &op.docs);
        if !METHODS.contains(&op.method.as_str()) {
            let help = suggest(&op.method, METHODS.iter().copied())
                .or_else(|| Some(format!("one of {}", METHODS.join(", "))));
            self.error(
                &root.key("method"),
                format!("unknown HTTP method `{}`", op.method),
                help,
            );
        }
        self.path_and_parameters(op);
        if let Some(body) = &op.request_body {
            let at = root.key("requestBody");
            self.docs(&at.key("docs"), &body.docs);
            if Format::from_content_type(&body.content_type).is_none() {
                self.error(
                    &at.key("contentType"),
                    format!("content type `{}` is not supported", body.content_type),
                    Some("use `application/json` or `application/xml`".into()),
                );
            }
            if matches!(op.method.as_str(), "GET" | "HEAD") {
                self.error(
                    &at,
                    format!("a {} request has no body", op.method),
                    Some("remove `requestBody`, or check `method`".into()),
                );
            }
            if self.schema_ref(&at.key("schema"), &body.schema)
                && let Some(schema) = self.resolver.schema(self.folder, &body.schema)
                && schema.properties.is_none()
            {
                self.error(
                    &at.key("schema"),
                    format!("request body schema `{}` is not an object", body.schema),
                    None,
                );
            }
        }
        self.responses(op);
        self.xml_names(op);
        for (name, example) in &op.examples {
            self.example(op, name, example);
        }
    }

    fn path_and_parameters(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let at_path = root.key("path");
        if !op.path.starts_with('/') {
            self.error(&at_path, "the path does not start with `/`", None);
        }
        if let Some(c) = op.path.chars().find(|c| matches!(c, '?' | '#')) {
            self.error_within(
                &at_path,
                &c.to_string(),
                format!("the path holds `{c}`"),
                Some("the path ends before the query: declare query parameters in `parameters` with `in: query` (a fixed one with `value`)".into()),
            );
        }
        if op.path.chars().any(char::is_whitespace) {
            self.error(&at_path, "the path holds whitespace", None);
        }
        if let Err((problem, offset)) = check_braces(&op.path) {
            self.error_within(
                &at_path,
                &op.path[offset..],
                format!("path has {problem}"),
                Some("each path parameter is written `{name}`".into()),
            );
        }
        let placeholders = placeholders(&op.path);
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        let mut args: BTreeMap<String, String> = BTreeMap::new();
        let mut statics: BTreeMap<String, String> = BTreeMap::new();
        for (i, p) in op.parameters.iter().enumerate() {
            let at = root.key("parameters").index(i);
            self.docs(&at.key("docs"), &p.docs);
            if !LOCATIONS.contains(&p.location.as_str()) {
                let help = suggest(&p.location, LOCATIONS.iter().copied())
                    .or_else(|| Some("one of path, query, header".into()));
                self.error(
                    &at.key("in"),
                    format!("parameter `{}` has location `{}`", p.name, p.location),
                    help,
                );
            }
            if !seen.insert((p.location.clone(), p.name.to_lowercase())) {
                self.error(
                    &at.key("name"),
                    format!("parameter `{}` is listed twice in {}", p.name, p.location),
                    None,
                );
            }
            if p.location == "header" {
                if p.name.eq_ignore_ascii_case("content-type") {
                    self.error(
                        &at.key("name"),
                        "`Content-Type` is not a parameter",
                        Some("it is sent from `requestBody.contentType`".into()),
                    );
                } else if !is_header_name(&p.name) {
                    self.error(
                        &at.key("name"),
                        format!("`{}` is not an HTTP header name", p.name),
                        Some("use letters, digits and `-`".into()),
                    );
                }
                if let Some(value) = &p.value
                    && value.chars().any(|c| c.is_control() && c != '\t')
                {
                    self.error(
                        &at.key("value"),
                        "a header value cannot hold a line break or control character",
                        None,
                    );
                }
            }
            if p.location == "path" {
                if p.value.is_some() {
                    self.error(
                        &at.key("value"),
                        format!("path parameter `{}` has a fixed value", p.name),
                        Some("write fixed text into `path` instead".into()),
                    );
                }
                if p.required == Some(false) {
                    self.error(
                        &at.key("required"),
                        format!("path parameter `{}` cannot be optional", p.name),
                        None,
                    );
                }
                if !placeholders.contains(&p.name) {
                    let help = suggest(&p.name, placeholders.iter().map(String::as_str))
                        .map(|h| format!("the path has no `{{{}}}`; {h}", p.name))
                        .or_else(|| {
                            Some(format!(
                                "add `{{{}}}` to `path`, or give the parameter `in: query`",
                                p.name
                            ))
                        });
                    self.error(
                        &at.key("name"),
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
                if !is_valid_ident(&name) {
                    self.error(
                        &at.key("name"),
                        format!("parameter `{}` gives the Rust argument `{name}`, which is not an ASCII identifier", p.name),
                        Some("the generator derives ASCII names only".into()),
                    );
                } else if RESERVED_ARGS.contains(&bare(&name)) {
                    self.error(
                        &at.key("name"),
                        format!(
                            "parameter `{}` gives the argument `{name}`, a name the generated method uses itself",
                            p.name
                        ),
                        None,
                    );
                } else if let Some(other) = args.insert(name.clone(), p.name.clone()) {
                    self.error(
                        &at.key("name"),
                        format!(
                            "parameters `{other}` and `{}` are both named `{}` in Rust",
                            p.name,
                            bare(&name)
                        ),
                        Some("Rust argument names are snake_case, so names that differ only in case or punctuation collide".into()),
                    );
                }
                let spec_static = shouty(&p.name);
                let mut names = vec![spec_static.clone()];
                if p.pattern.is_some() {
                    names.push(format!("{spec_static}_PATTERN"));
                }
                for name in names {
                    // Parameters whose argument names collide are reported above already.
                    if let Some(other) = statics.insert(name.clone(), p.name.clone())
                        && snake(&other) != snake(&p.name)
                    {
                        self.error(
                            &at.key("name"),
                            format!(
                                "parameters `{other}` and `{}` both give the static `{name}` in the generated method",
                                p.name
                            ),
                            Some("rename one".into()),
                        );
                    }
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
                let help = suggest(placeholder, op.parameters.iter().map(|p| p.name.as_str()))
                    .or_else(|| Some(format!("add a parameter `{placeholder}` with `in: path`")));
                self.error_within(
                    &at_path,
                    &format!("{{{placeholder}}}"),
                    format!("placeholder `{{{placeholder}}}` has no path parameter"),
                    help,
                );
            }
        }
        let mut counts = BTreeMap::new();
        for p in &placeholders {
            *counts.entry(p).or_insert(0) += 1;
        }
        for (p, n) in counts {
            if n > 1 {
                self.error_within(
                    &at_path,
                    &format!("{{{p}}}"),
                    format!("placeholder `{{{p}}}` appears {n} times"),
                    None,
                );
            }
        }
    }

    fn constraints(&mut self, at: &FieldPath, p: &ParameterSpec) {
        let bounds = (p.min_length, p.max_length);
        if let (Some(min), Some(max)) = bounds
            && min > max
        {
            self.error(
                &at.key("minLength"),
                format!(
                    "parameter `{}` has minLength {min} above maxLength {max}",
                    p.name
                ),
                None,
            );
        }
        if p.location == "path" && p.max_length == Some(0) {
            self.error(
                &at.key("maxLength"),
                format!("path parameter `{}` has maxLength 0", p.name),
                Some("the client refuses an empty path segment, so no value could be sent".into()),
            );
        }
        if let Some(pattern) = &p.pattern {
            match patterns::lower(pattern) {
                Err(err) => self.error(
                    &at.key("pattern"),
                    format!("pattern `{pattern}` cannot be checked: {}", err.reason),
                    Some(err.help),
                ),
                Ok(_) => self.pattern_lengths(at, p, pattern),
            }
        }
        if let Some(fixed) = &p.value
            && let Some(problem) = constraint_problem(p, fixed)
        {
            self.error(
                &at.key("value"),
                format!("fixed value `{fixed}` {problem}"),
                None,
            );
        }
    }

    /// Compares the lengths a pattern admits with `minLength`/`maxLength`: an error when no
    /// value can satisfy both, a warning when a declared bound never decides anything because
    /// the pattern is stricter (Event Hubs' `{6,50}` between two single characters admits 8 to
    /// 52 characters, against `minLength: 6`).
    fn pattern_lengths(&mut self, at: &FieldPath, p: &ParameterSpec, pattern: &str) {
        let Some(lengths) = patterns::accepted_lengths(pattern) else {
            return;
        };
        if p.min_length.is_none() && p.max_length.is_none() {
            return;
        }
        let min = p.min_length.unwrap_or(0).max(lengths.min);
        let max = match (p.max_length, lengths.max) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let admitted = describe_lengths(lengths.min, lengths.max);
        let declared = describe_lengths(p.min_length.unwrap_or(0), p.max_length);
        if max.is_some_and(|max| min > max) {
            self.error(
                &at.key("pattern"),
                format!(
                    "no value can pass `{}`: the pattern admits {admitted}, minLength/maxLength allow {declared}",
                    p.name
                ),
                Some("check the service's documentation for the right bounds".into()),
            );
            return;
        }
        let loose_min = p.min_length.is_some_and(|m| m < lengths.min);
        let loose_max = p
            .max_length
            .zip(lengths.max)
            .is_some_and(|(declared, admitted)| declared > admitted);
        if loose_min || loose_max {
            let mut dead = Vec::new();
            if loose_min {
                dead.push(format!("minLength {}", p.min_length.unwrap_or(0)));
            }
            if loose_max {
                dead.push(format!("maxLength {}", p.max_length.unwrap_or(0)));
            }
            self.warn(
                &at.key("pattern"),
                format!(
                    "the pattern of `{}` admits {admitted}, but minLength/maxLength say {declared}",
                    p.name
                ),
                Some(format!(
                    "a value must pass both, so only {} pass and {} never decides; if the documentation says both, keep them and explain in a comment",
                    describe_lengths(min, max),
                    dead.join(" and ")
                )),
            );
        }
    }

    fn responses(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let mut successes = Vec::new();
        for (status, response) in &op.responses {
            let at = root.key("responses").key(status);
            self.docs(&at.key("docs"), &response.docs);
            if status != "default" {
                match status.parse::<u16>() {
                    Ok(code) if (200..300).contains(&code) && status.len() == 3 => {
                        successes.push(code);
                        if matches!(code, 204 | 205) && response.schema.is_some() {
                            self.error(
                                &at.key("schema"),
                                format!("a {code} response has no body, but it has a schema"),
                                Some("remove the schema, or use 200".into()),
                            );
                        }
                    }
                    Ok(code) if (100..600).contains(&code) && status.len() == 3 => self.error(
                        &at,
                        format!("status {code} is not a success"),
                        Some("list only the 2xx statuses; document the error contract under `default`".into()),
                    ),
                    _ => {
                        let fixed: String = status
                            .chars()
                            .map(|c| match c {
                                'O' | 'o' => '0',
                                'l' | 'I' => '1',
                                c => c,
                            })
                            .collect();
                        let help = if fixed != *status && fixed.parse::<u16>().is_ok() {
                            format!("did you mean `{fixed}`?")
                        } else {
                            "use a 2xx status like `200`, or `default` for the error contract"
                                .to_string()
                        };
                        self.error(
                            &at,
                            format!("`{status}` is not a status code"),
                            Some(help),
                        );
                    }
                }
            }
            if let Some(ct) = &response.content_type
                && Format::from_content_type(ct).is_none()
            {
                self.error(
                    &at.key("contentType"),
                    format!("content type `{ct}` is not supported"),
                    Some("use `application/json` or `application/xml`".into()),
                );
            }
            for (header, spec) in &response.headers {
                let here = at.key("headers").key(header);
                if !is_header_name(header) {
                    self.error(
                        &here,
                        format!("`{header}` is not an HTTP header name"),
                        None,
                    );
                }
                self.docs(&here.key("docs"), &spec.docs);
            }
            if let Some(schema) = &response.schema {
                self.schema_ref(&at.key("schema"), schema);
            }
        }
        match op.responses.get("default") {
            None => self.error(
                &root.key("responses"),
                "no `default` response: the error contract is missing",
                Some("add `default:` with the service's error schema (`common.ErrorResponse` for ARM)".into()),
            ),
            Some(default) => match &default.schema {
                None => self.error(
                    &root.key("responses").key("default"),
                    "the error response has no schema",
                    Some("add `schema:` with the service's error schema".into()),
                ),
                Some(schema) => {
                    if let Some(s) = self.resolver.schema(self.folder, schema)
                        && s.error_fields.is_none()
                    {
                        self.error(&root.key("responses").key("default").key("schema"), format!("error schema `{schema}` has no `errorFields`"), Some("say where the code and message are, e.g. `errorFields: {code: error.code, message: error.message}`".into()));
                    }
                }
            },
        }
        if successes.is_empty() {
            self.error(&root.key("responses"), "no success response (2xx)", None);
        }
        match &op.long_running {
            Some(lr) => {
                if !FINAL_STATES.contains(&lr.final_state_via.as_str()) {
                    let help = suggest(&lr.final_state_via, FINAL_STATES.iter().copied())
                        .or_else(|| Some(format!("one of {}", FINAL_STATES.join(", "))));
                    self.error(
                        &root.key("longRunning").key("finalStateVia"),
                        format!("unknown final state `{}`", lr.final_state_via),
                        help,
                    );
                }
                if !successes.contains(&202) {
                    self.warn(
                        &root.key("longRunning"),
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
                    self.error(&root.key("responses"), "a long-running operation needs exactly one result schema among its success responses", None);
                }
            }
            None => {
                if successes.len() > 1 {
                    self.error(
                        &root.key("responses"),
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

    /// The property names of every schema an XML body reaches become element names. A problem is
    /// reported at the body's schema reference, naming the schema and property.
    fn xml_names(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let mut bodies: Vec<(FieldPath, &str)> = Vec::new();
        if let Some(body) = &op.request_body
            && Format::from_content_type(&body.content_type) == Some(Format::Xml)
        {
            bodies.push((root.key("requestBody").key("schema"), &body.schema));
        }
        for (status, response) in &op.responses {
            if response
                .content_type
                .as_deref()
                .and_then(Format::from_content_type)
                == Some(Format::Xml)
                && let Some(schema) = &response.schema
            {
                bodies.push((root.key("responses").key(status).key("schema"), schema));
            }
        }
        let mut reported: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (at, body) in bodies {
            let mut pending: Vec<&str> = vec![body];
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            while let Some(name) = pending.pop() {
                if !seen.insert(name) {
                    continue;
                }
                let Some(schema) = self.resolver.schema(self.folder, name) else {
                    continue;
                };
                for (wire, prop) in schema.properties.iter().flatten() {
                    if !is_xml_name(wire) && reported.insert((name, wire)) {
                        self.error(
                            &at,
                            format!("property `{wire}` of `{name}` is sent as an XML element, but `{wire}` is not an XML element name"),
                            Some("an XML name starts with a letter or `_` and holds letters, digits, `_`, `-` and `.`".into()),
                        );
                    }
                    if !BUILTIN_TYPES.contains(&prop.kind.as_str()) {
                        pending.push(&prop.kind);
                    }
                }
            }
        }
    }

    fn example(&mut self, op: &OperationFile, name: &str, example: &ExampleSpec) {
        let at = FieldPath::root().key("examples").key(name);
        for (param, value) in &example.parameters {
            let here = at.key("parameters").key(param);
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
                    let fixed = op.parameters.iter().any(|p| &p.name == param);
                    let help = if fixed {
                        Some("its value is fixed by the spec; remove it from the example".into())
                    } else {
                        suggest(param, exposed.iter().copied())
                    };
                    self.error(
                        &here,
                        format!("`{param}` is not a parameter callers set"),
                        help,
                    );
                }
                Some(spec) => {
                    if let Some(problem) = constraint_problem(spec, value) {
                        let shown = if value.is_empty() { "''" } else { value };
                        self.error(&here, format!("example value `{shown}` {problem}"), None);
                    } else if spec.location == "path" && matches!(value.as_str(), "" | "." | "..") {
                        self.error(
                            &here,
                            format!("example value `{value}` for a path parameter is refused by the client"),
                            Some("an empty value or a dot segment could change the path".into()),
                        );
                    } else if spec.location == "header"
                        && value.chars().any(|c| c.is_control() && c != '\t')
                    {
                        self.error(
                            &here,
                            "a header value cannot hold a line break or control character",
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
                    &at.key("parameters"),
                    format!("required parameter `{}` has no value", p.name),
                    Some(format!(
                        "add `{}:` with the value from the sample request",
                        p.name
                    )),
                );
            }
        }
        match (&example.request_body, &op.request_body) {
            (Some(_), None) => self.error(
                &at.key("requestBody"),
                "the example has a body but the operation has none",
                None,
            ),
            (None, Some(body)) if body.required.unwrap_or(true) => self.error(
                &at.key("requestBody"),
                "the operation requires a body but the example has none",
                None,
            ),
            (Some(value), Some(body)) => self.example_body(
                &at.key("requestBody"),
                &body.schema,
                Format::from_content_type(&body.content_type),
                value,
            ),
            _ => {}
        }
        if example.responses.is_empty() {
            self.error(&at.key("responses"), "the example has no response", None);
        }
        for (status, response) in &example.responses {
            let rat = at.key("responses").key(status);
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
            for (header, value) in &response.headers {
                let here = rat.key("headers").key(header);
                // Services send headers their pages do not document (request and correlation
                // ids), so only a near miss of a documented header is a mistake.
                if !documented
                    .headers
                    .keys()
                    .any(|h| h.eq_ignore_ascii_case(header))
                    && let Some(help) =
                        suggest(header, documented.headers.keys().map(String::as_str))
                {
                    self.error(
                        &here,
                        format!("header `{header}` is not documented for response {status}"),
                        Some(help),
                    );
                }
                if value.chars().any(|c| c.is_control() && c != '\t') {
                    self.error(
                        &here,
                        "a header value cannot hold a line break or control character",
                        None,
                    );
                }
            }
            match (&response.body, &documented.schema) {
                (Some(_), None) => self.error(
                    &rat.key("body"),
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
                    self.example_body(&rat.key("body"), schema, format, value);
                }
                // The example becomes a test that serves this response; with no body it could
                // only prove that an empty body is refused.
                (None, Some(schema)) => self.error(
                    &rat,
                    format!("response {status} documents its body (`{schema}`), but the example gives none"),
                    Some("add `body:` with the documented response, or leave this status out of the example".into()),
                ),
                (None, None) => {}
            }
        }
    }

    fn example_body(
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

/// Reports every schema that contains itself other than through an array: the generated struct
/// would have infinite size (`struct A { next: Option<A> }`).
fn cycles(set: &SpecSet, resolver: &Resolver<'_>, out: &mut Diagnostics) {
    // Nodes are (scope, schema name); scope `None` is common.yaml.
    type Node<'s> = (Option<&'s str>, &'s str);
    let mut owners: BTreeMap<Node<'_>, (&str, &str, FieldPath)> = BTreeMap::new();
    if let Some(common) = &set.common {
        for name in common.spec.schemas.keys() {
            owners.insert(
                (None, name.as_str()),
                (
                    &common.path,
                    &common.text,
                    FieldPath::root().key("schemas").key(name),
                ),
            );
        }
    }
    for service in &set.services {
        let folder = Some(service.folder.as_str());
        for name in service.manifest.spec.schemas.keys() {
            owners.insert(
                (folder, name.as_str()),
                (
                    &service.manifest.path,
                    &service.manifest.text,
                    FieldPath::root().key("schemas").key(name),
                ),
            );
        }
        for op in &service.operations {
            for name in op.spec.schemas.keys() {
                owners.entry((folder, name.as_str())).or_insert((
                    &op.path,
                    &op.text,
                    FieldPath::root().key("schemas").key(name),
                ));
            }
        }
    }
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for (&(scope, name), (file, text, at)) in &owners {
        // Depth-first search from each schema for a path back to itself.
        let mut stack: Vec<(Option<&str>, &str, Vec<String>)> =
            vec![(scope, name, vec![name.to_string()])];
        let mut visited: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
        while let Some((s, n, trail)) = stack.pop() {
            let Some(schema) = resolver.schema(s, n) else {
                continue;
            };
            for (wire, prop) in schema.properties.iter().flatten() {
                if BUILTIN_TYPES.contains(&prop.kind.as_str()) {
                    continue;
                }
                let (next_scope, next_name) = match prop.kind.strip_prefix("common.") {
                    Some(bare) => (None, bare),
                    None => (s, prop.kind.as_str()),
                };
                if resolver.schema(next_scope, next_name).is_none() {
                    continue;
                }
                let mut next_trail = trail.clone();
                next_trail.push(format!("{n}.{wire}"));
                if next_scope == scope && next_name == name {
                    // The same cycle is found from each of its schemas: report it once.
                    let mut key: Vec<String> = next_trail[1..].to_vec();
                    key.sort();
                    if reported.insert(key) {
                        let path = next_trail[1..].join(" -> ");
                        out.push(located(
                            file,
                            text,
                            at,
                            format!("schema `{name}` contains itself ({path} -> {name}), so its type would have infinite size"),
                            Some("a schema can refer to itself only through an array (`type: array`, `items: ...`)".into()),
                        ));
                    }
                    continue;
                }
                if visited.insert((next_scope, next_name)) {
                    stack.push((next_scope, next_name, next_trail));
                }
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
    if let Some(Ok(_)) = lowered
        && let Some(regex) = spec.pattern.as_deref().and_then(patterns::compiled)
        && !regex.is_match(value)
    {
        return Some(format!(
            "does not match the pattern `{}`",
            spec.pattern.as_deref().unwrap_or_default()
        ));
    }
    None
}

fn describe_lengths(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) if max == min => format!("exactly {min} characters"),
        Some(max) if min == 0 => format!("at most {max} characters"),
        Some(max) => format!("{min} to {max} characters"),
        None => format!("at least {min} characters"),
    }
}

/// The `{name}` placeholders of a path, in order.
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

/// Braces must pair up around a non-empty name; the error gives the byte offset of the fault.
fn check_braces(path: &str) -> Result<(), (String, usize)> {
    let mut open = None;
    for (i, c) in path.char_indices() {
        match (c, open) {
            ('{', None) => open = Some(i),
            ('{', Some(_)) => return Err(("a `{` inside a placeholder".into(), i)),
            ('}', None) => return Err(("a `}` without its `{`".into(), i)),
            ('}', Some(start)) => {
                if i == start + 1 {
                    return Err(("an empty placeholder `{}`".into(), start));
                }
                open = None;
            }
            _ => {}
        }
    }
    match open {
        Some(start) => Err(("a `{` without its `}`".into(), start)),
        None => Ok(()),
    }
}

fn is_identifier_like(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// RFC 9110 token characters.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// An XML element name without a prefix (ASCII subset).
fn is_xml_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !name.to_ascii_lowercase().starts_with("xml")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn is_origin(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("https://") else {
        return false;
    };
    let rest = rest.trim_end_matches('/');
    !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' '])
}

fn is_https_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/') && !rest.contains(' '))
}

/// `Namespaces_RegenerateKeys` -> `namespaces-regenerate-keys`.
fn kebab(name: &str) -> String {
    use heck::ToKebabCase;
    name.to_kebab_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unbalanced_braces() {
        assert!(check_braces("/a/{b}/c{d}").is_ok());
        assert_eq!(
            check_braces("/a/{b"),
            Err(("a `{` without its `}`".into(), 3))
        );
        assert!(check_braces("/a/b}").is_err());
        assert!(check_braces("/a/{}").is_err());
        assert!(check_braces("/a/{{b}}").is_err());
    }

    #[test]
    fn describes_lengths() {
        assert_eq!(describe_lengths(8, Some(52)), "8 to 52 characters");
        assert_eq!(describe_lengths(3, None), "at least 3 characters");
        assert_eq!(describe_lengths(0, Some(9)), "at most 9 characters");
        assert_eq!(describe_lengths(4, Some(4)), "exactly 4 characters");
    }
}
