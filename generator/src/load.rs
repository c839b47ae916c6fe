//! Stage 1, load: read every spec file under the specs folder into serde types that mirror the YAML
//! one to one. Unknown keys are errors (`deny_unknown_fields`), so a typo never silently vanishes.
//!
//! The layout is `specs/common.yaml` (schemas shared across services), and one folder per service
//! holding a `service.yaml` (host, security, schemas shared by that service's operations) and one
//! YAML file per operation.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// File name of a service's manifest inside its folder.
pub const SERVICE_FILE: &str = "service.yaml";
/// File name of the schemas shared by every service.
pub const COMMON_FILE: &str = "common.yaml";

/// Everything read from a specs folder, before any cross-field check.
#[derive(Debug, Clone)]
pub struct SpecSet {
    /// The shared schemas, if `common.yaml` exists.
    pub common: Option<Loaded<CommonFile>>,
    /// Services in folder-name order.
    pub services: Vec<LoadedService>,
}

/// A parsed file together with the path it came from (relative to the specs folder).
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// Path relative to the specs folder, with `/` separators.
    pub path: String,
    /// The parsed content.
    pub spec: T,
}

/// One service folder.
#[derive(Debug, Clone)]
pub struct LoadedService {
    /// The folder name (kebab-case); the Rust module and client names derive from it.
    pub folder: String,
    /// The folder's `service.yaml`.
    pub manifest: Loaded<ServiceFile>,
    /// Operation files in file-name order.
    pub operations: Vec<Loaded<OperationFile>>,
}

/// `common.yaml`: schemas referred to as `common.<Name>` from any spec.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommonFile {
    /// Documentation of the generated `common` module.
    pub docs: String,
    /// The shared schemas.
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaSpec>,
}

/// `service.yaml`: what every operation of one service has in common.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceFile {
    /// Human-readable service name, used in documentation ("Service Bus").
    pub title: String,
    /// Documentation of the service module and client.
    pub docs: String,
    /// Default endpoint, scheme and host only (`https://management.azure.com`).
    pub host: String,
    /// How callers authenticate.
    pub security: SecuritySpec,
    /// Schemas shared by several operations of this service.
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaSpec>,
}

/// The security scheme, as the service documents it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecuritySpec {
    /// Only `oauth2` is supported.
    #[serde(rename = "type")]
    pub kind: String,
    /// The OAuth2 flow the documentation names (`implicit`); informational.
    pub flow: String,
    /// The documented authorization URL; informational.
    pub authorization_url: String,
    /// The token audience for the default host; the scope requested is `{audience}/.default`.
    pub audience: String,
    /// The documented scopes (e.g. `user_impersonation`). Kept for documentation only: identity
    /// libraries cannot resolve them, so the client never requests them.
    #[serde(default)]
    pub scopes: BTreeMap<String, String>,
}

/// One operation file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationFile {
    /// The operation id, `Group_Action` (`Namespaces_RegenerateKeys`).
    pub operation_id: String,
    /// The documentation page's title.
    pub summary: String,
    /// What the operation does.
    pub docs: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template below the host, with `{name}` placeholders for path parameters.
    pub path: String,
    /// Path, query and header parameters.
    #[serde(default)]
    pub parameters: Vec<ParameterSpec>,
    /// The request body, if any.
    #[serde(default)]
    pub request_body: Option<RequestBodySpec>,
    /// Responses by status code (`"200"`, `"202"`) and `default` for the error contract.
    pub responses: IndexMap<String, ResponseSpec>,
    /// Present when the operation is long-running.
    #[serde(default)]
    pub long_running: Option<LongRunningSpec>,
    /// Schemas used only by this operation.
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaSpec>,
    /// Documented examples by name.
    #[serde(default)]
    pub examples: IndexMap<String, ExampleSpec>,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ParameterSpec {
    /// Wire name (`subscriptionId`, `api-version`, `x-ms-version`).
    pub name: String,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: String,
    /// What the parameter means.
    pub docs: String,
    /// A fixed value the client always sends (`api-version`); such a parameter is not exposed.
    #[serde(default)]
    pub value: Option<String>,
    /// Whether a caller must supply it. Path parameters are always required.
    #[serde(default)]
    pub required: Option<bool>,
    /// Regular expression the value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Minimum length in characters.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    #[serde(default)]
    pub max_length: Option<u64>,
}

/// The request body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequestBodySpec {
    /// `application/json` or `application/xml`; also sent as the `Content-Type` header.
    pub content_type: String,
    /// The body's schema.
    pub schema: String,
    /// What the body holds.
    pub docs: String,
    /// Whether the body must be sent; defaults to true.
    #[serde(default)]
    pub required: Option<bool>,
}

/// One response.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResponseSpec {
    /// What the response means.
    pub docs: String,
    /// The body's schema; absent for an empty body.
    #[serde(default)]
    pub schema: Option<String>,
    /// The body's content type; defaults to `application/json`.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Documented response headers by name.
    #[serde(default)]
    pub headers: IndexMap<String, HeaderSpec>,
}

/// A documented response header.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HeaderSpec {
    /// What the header holds.
    pub docs: String,
}

/// Long-running behaviour (ARM asynchronous operations).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LongRunningSpec {
    /// Where the final result is read: `azure-async-operation` (the final status body, or the
    /// `Location` URL when given) or `location`.
    pub final_state_via: String,
}

/// A named schema: an object (has `properties`) or a string enum (has `enum`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SchemaSpec {
    /// What the schema is.
    pub docs: String,
    /// Object properties by wire name, in wire order (XML element order matters).
    #[serde(default)]
    pub properties: Option<IndexMap<String, PropertySpec>>,
    /// Properties that are always present.
    #[serde(default)]
    pub required: Vec<String>,
    /// String enum values.
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    /// XML element name and namespace, for schemas sent or received as an XML root element.
    #[serde(default)]
    pub xml: Option<XmlSpec>,
    /// Marks an error schema: where the service's code and message sit in it.
    #[serde(default)]
    pub error_fields: Option<ErrorFieldsSpec>,
}

/// A property of an object schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertySpec {
    /// `string`, `integer`, `number`, `boolean`, `object` (free-form), `array`, or a schema
    /// name (`AccessKeys`, `common.ErrorDetail`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Element type when `type: array`.
    #[serde(default)]
    pub items: Option<String>,
    /// What the property holds.
    pub docs: String,
    /// The value is a secret (a key or connection string): never shown in `Debug` or errors.
    #[serde(default)]
    pub secret: bool,
}

/// XML naming of a root element.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct XmlSpec {
    /// Element name; defaults to the schema name.
    #[serde(default)]
    pub name: Option<String>,
    /// Default namespace (`xmlns`) written on the root element.
    #[serde(default)]
    pub namespace: Option<String>,
}

/// Dotted paths (`error.code`) to the fields of an error schema.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorFieldsSpec {
    /// Path to the service's error code.
    pub code: String,
    /// Path to the message.
    pub message: String,
    /// Path to the target, where the schema has one.
    #[serde(default)]
    pub target: Option<String>,
    /// Path to the array of nested details, where the schema has one.
    #[serde(default)]
    pub details: Option<String>,
}

/// A documented example.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExampleSpec {
    /// Values of the exposed parameters by wire name.
    #[serde(default)]
    pub parameters: IndexMap<String, String>,
    /// The request body: a YAML value for JSON bodies, a string for XML bodies.
    #[serde(default)]
    pub request_body: Option<serde_yaml::Value>,
    /// Responses by status code.
    pub responses: IndexMap<String, ExampleResponseSpec>,
}

/// One documented example response.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExampleResponseSpec {
    /// Response headers.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    /// The body: a YAML value for JSON, a string for XML.
    #[serde(default)]
    pub body: Option<serde_yaml::Value>,
}

/// Reads every spec under `root`. All files are read even when some fail, so one run reports
/// every syntax error.
pub fn load(root: &Path) -> Result<SpecSet, Diagnostics> {
    let mut diags = Diagnostics::default();
    let common_path = root.join(COMMON_FILE);
    let common = if common_path.is_file() {
        read_yaml::<CommonFile>(root, &common_path, &mut diags)
    } else {
        None
    };

    let mut services = Vec::new();
    for dir in sorted_entries(root, &mut diags) {
        if !dir.is_dir() {
            let name = file_name(&dir);
            if name != COMMON_FILE && !name.starts_with('.') && name != "README.md" {
                diags.push(Diagnostic::new(
                    relative(root, &dir),
                    "",
                    format!("unexpected file `{name}` in the specs folder"),
                    Some(format!(
                        "operations go in a service folder beside a `{SERVICE_FILE}`; shared schemas go in `{COMMON_FILE}`"
                    )),
                ));
            }
            continue;
        }
        let folder = file_name(&dir);
        let manifest_path = dir.join(SERVICE_FILE);
        if !manifest_path.is_file() {
            diags.push(Diagnostic::new(
                relative(root, &dir),
                "",
                format!("service folder `{folder}` has no `{SERVICE_FILE}`"),
                Some("add one with `title`, `docs`, `host` and `security`".to_string()),
            ));
            continue;
        }
        let manifest = read_yaml::<ServiceFile>(root, &manifest_path, &mut diags);
        let mut operations = Vec::new();
        for file in sorted_entries(&dir, &mut diags) {
            let name = file_name(&file);
            if name == SERVICE_FILE {
                continue;
            }
            if !name.ends_with(".yaml") || file.is_dir() {
                diags.push(Diagnostic::new(
                    relative(root, &file),
                    "",
                    format!("unexpected entry `{name}` in service folder `{folder}`"),
                    Some("each operation is one `.yaml` file".to_string()),
                ));
                continue;
            }
            if let Some(op) = read_yaml::<OperationFile>(root, &file, &mut diags) {
                operations.push(op);
            }
        }
        if let Some(manifest) = manifest {
            services.push(LoadedService {
                folder,
                manifest,
                operations,
            });
        }
    }
    diags.into_result(SpecSet { common, services })
}

fn read_yaml<T: for<'de> Deserialize<'de>>(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let rel = relative(root, path);
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) => {
            diags.push(Diagnostic::new(
                rel,
                "",
                format!("cannot read file: {err}"),
                None,
            ));
            return None;
        }
    };
    match parse_yaml::<T>(&rel, &text) {
        Ok(spec) => Some(Loaded { path: rel, spec }),
        Err(diag) => {
            diags.push(*diag);
            None
        }
    }
}

/// Parses one YAML document, turning serde_yaml's error into a located diagnostic.
pub fn parse_yaml<T: for<'de> Deserialize<'de>>(
    path: &str,
    text: &str,
) -> Result<T, Box<Diagnostic>> {
    serde_yaml::from_str(text).map_err(|err| {
        let mut diag = Diagnostic::new(path.to_string(), "", yaml_message(&err), None);
        if let Some(loc) = err.location() {
            diag = diag.at(loc.line(), loc.column());
        }
        Box::new(diag)
    })
}

/// serde_yaml appends " at line X column Y" to its messages; the diagnostic shows the location
/// on its own, so drop the suffix.
fn yaml_message(err: &serde_yaml::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn sorted_entries(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            paths
        }
        Err(err) => {
            diags.push(Diagnostic::new(
                dir.display().to_string(),
                "",
                format!("cannot read folder: {err}"),
                None,
            ));
            Vec::new()
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
