//! Stage 1, load: read every spec file under the specs folder into serde types that mirror the YAML
//! one to one. Unknown keys are errors (`deny_unknown_fields`), so a typo never silently vanishes.
//!
//! The layout is `specs/common.yaml` (schemas and endpoint sets shared across services), and one
//! folder per service holding a `service.yaml` (its endpoint set, security, schemas shared by that
//! service's operations) and one YAML file per operation.
//!
//! Each file is parsed in three steps, each reported with its line and column: the YAML syntax;
//! keys repeated in one mapping (which serde would silently collapse into the last one; see
//! [`crate::locate::duplicate_keys`]); then the serde types, whose messages are reworded in the
//! spec format's terms, with the nearest valid key for an unknown one. Every file is read even
//! when some fail, and [`load_partial`] returns what did load, so that validation can still check
//! the rest and one run reports every mistake.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::locate;

/// File name of a service's manifest inside its folder.
pub const SERVICE_FILE: &str = "service.yaml";
/// File name of the schemas shared by every service.
pub const COMMON_FILE: &str = "common.yaml";
/// The generated crate's feature that enables every service (each service folder names one
/// feature), so no service folder may take this name.
pub const ALL_SERVICES: &str = "all-services";

/// Everything read from a specs folder, before any cross-field check.
#[derive(Debug, Clone)]
pub struct SpecSet {
    /// The shared schemas, if `common.yaml` exists.
    pub common: Option<Loaded<CommonFile>>,
    /// Services in folder-name order.
    pub services: Vec<LoadedService>,
    /// Spec files that failed to load (relative paths), so that checks across files can tell a
    /// dangling reference from one into a file that could not be read.
    pub unloaded: Vec<String>,
}

/// A parsed file together with the path it came from (relative to the specs folder).
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// Path relative to the specs folder, with `/` separators.
    pub path: String,
    /// The file's text, for locating diagnostics by line and column.
    pub text: String,
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

/// `common.yaml`: schemas referred to as `common.<Name>` from any spec, and the endpoint sets
/// that services name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommonFile {
    /// Documentation of the generated `common` module.
    pub docs: String,
    /// The shared schemas.
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaSpec>,
    /// Named endpoint sets (`resourceManager`, `serviceManagement`): where one kind of
    /// management API is, and which token audience it takes, in each Azure cloud.
    #[serde(default)]
    pub endpoints: IndexMap<String, EndpointSetSpec>,
    /// Warnings this file keeps deliberately, each with its reason.
    #[serde(default)]
    pub acknowledge: Vec<AcknowledgeSpec>,
}

/// `service.yaml`: what every operation of one service has in common.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceFile {
    /// Human-readable service name, used in documentation ("Service Bus").
    pub title: String,
    /// Documentation of the service module and client.
    pub docs: String,
    /// The endpoint set of `common.yaml` the service is reached through (`resourceManager`):
    /// its host and token audience in each cloud.
    pub endpoint: String,
    /// The resource provider namespace (`Microsoft.ServiceBus`): the `az.namespace` of the
    /// client's tracing spans, and the first part of their names.
    pub namespace: String,
    /// How callers authenticate.
    pub security: SecuritySpec,
    /// Schemas shared by several operations of this service.
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaSpec>,
    /// The resources whose keys the generated crate rotates (see [`RotationSpec`]).
    #[serde(default)]
    pub rotation: Vec<RotationSpec>,
    /// Warnings this file keeps deliberately, each with its reason.
    #[serde(default)]
    pub acknowledge: Vec<AcknowledgeSpec>,
}

/// One kind of management endpoint (Azure Resource Manager, say) in every cloud.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EndpointSetSpec {
    /// What the endpoint is; it documents the generated type.
    pub docs: String,
    /// Its host and audience in each cloud `azure_core` names.
    pub clouds: CloudsSpec,
}

/// The clouds of `azure_core::cloud::CloudConfiguration` that carry no configuration of their
/// own; a custom cloud is configured by the caller.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CloudsSpec {
    /// The public cloud (`CloudConfiguration::AzurePublic`), also the default.
    pub azure_public: CloudEndpointSpec,
    /// Azure operated by 21Vianet (`CloudConfiguration::AzureChina`).
    pub azure_china: CloudEndpointSpec,
    /// Azure US Government (`CloudConfiguration::AzureGovernment`).
    pub azure_government: CloudEndpointSpec,
}

/// An endpoint in one cloud.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CloudEndpointSpec {
    /// Scheme and host only (`https://management.azure.com`).
    pub host: String,
    /// The token audience; the scope requested is `{audience}/.default`.
    pub audience: String,
}

/// A kind of resource whose two keys can be listed and regenerated: which operations do it,
/// which request value picks each key slot, and where each slot's key sits in the responses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RotationSpec {
    /// The kind's name, as a schema is named (`NamespaceAuthorizationRule`).
    pub resource: String,
    /// What the resource is.
    pub docs: String,
    /// The operation id that lists the keys.
    pub list: String,
    /// The operation id that regenerates one key.
    pub regenerate: String,
    /// The property of `regenerate`'s request body whose value names the slot (`keyType`).
    pub selector: String,
    /// The two slots.
    pub slots: SlotsSpec,
    /// For a resource outside Azure Resource Manager: the template of the ARM resource ID that
    /// also addresses it (`/subscriptions/{subscriptionId}/.../{serviceName}`).
    #[serde(default)]
    pub arm_resource_id: Option<String>,
}

/// The primary and the secondary key slot.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlotsSpec {
    /// The key clients use first.
    pub primary: SlotSpec,
    /// The standby key.
    pub secondary: SlotSpec,
}

/// One key slot under the service's own names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlotSpec {
    /// The selector's value that names this slot (`PrimaryKey`).
    pub value: String,
    /// Dotted path to the slot's key in the responses of `list` and `regenerate`
    /// (`primaryKey`, `StorageServiceKeys.Primary`).
    pub key: String,
    /// Dotted path to the slot's connection string, where the service returns one.
    #[serde(default)]
    pub connection_string: Option<String>,
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
    /// Present when the operation returns a list in pages (`x-ms-pageable`).
    #[serde(default)]
    pub pageable: Option<PageableSpec>,
    /// Schemas used only by this operation.
    #[serde(default)]
    pub schemas: IndexMap<String, SchemaSpec>,
    /// Documented examples by name.
    #[serde(default)]
    pub examples: IndexMap<String, ExampleSpec>,
    /// Warnings this file keeps deliberately, each with its reason.
    #[serde(default)]
    pub acknowledge: Vec<AcknowledgeSpec>,
}

/// A warning a spec keeps on purpose (a documented inconsistency kept as the service documents
/// it): generation no longer reports it, and says how many it left out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AcknowledgeSpec {
    /// The warning's code, as printed in brackets (`pattern-length`).
    pub warning: String,
    /// The field the warning is reported at, as printed after `field:` (`parameters[2]`).
    pub field: String,
    /// Why the spec keeps it.
    pub reason: String,
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
    /// Where the final result is read (`final-state-via`): `azure-async-operation`,
    /// `location` or `original-uri`.
    pub final_state_via: String,
}

/// A list returned in pages (`x-ms-pageable`): where the 200 body holds the items and the
/// link to the next page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PageableSpec {
    /// The array property that holds the page's items; `value` when absent.
    #[serde(default)]
    pub item_name: Option<String>,
    /// The string property that holds the next page's link; absent (or `null`) for a list
    /// the service returns in one page.
    #[serde(default)]
    pub next_link_name: Option<String>,
}

impl PageableSpec {
    /// The items' property name.
    pub fn item_name(&self) -> &str {
        self.item_name.as_deref().unwrap_or("value")
    }
}

/// A named schema: an object (has `properties`), a string enum (has `enum`), or a discriminated
/// union (has `discriminator`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SchemaSpec {
    /// What the schema is.
    pub docs: String,
    /// Schemas whose properties this one includes first, in order (Swagger `allOf`).
    #[serde(default)]
    pub all_of: Vec<String>,
    /// Object properties by wire name, in wire order (XML element order matters).
    #[serde(default)]
    pub properties: Option<IndexMap<String, PropertySpec>>,
    /// Properties that are always present.
    #[serde(default)]
    pub required: Vec<String>,
    /// The type of properties beyond the listed ones (Swagger `additionalProperties` next to
    /// `properties`); `object` keeps them as free-form JSON.
    #[serde(default)]
    pub additional_properties: Option<TypeSpec>,
    /// String enum values.
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    /// Makes the schema a union of the schemas its mapping names.
    #[serde(default)]
    pub discriminator: Option<DiscriminatorSpec>,
    /// XML element name and namespace, for schemas sent or received as an XML root element.
    #[serde(default)]
    pub xml: Option<XmlSpec>,
    /// Marks an error schema: where the service's code and message sit in it.
    #[serde(default)]
    pub error_fields: Option<ErrorFieldsSpec>,
}

/// A discriminated union (Swagger `discriminator` with each variant's
/// `x-ms-discriminator-value`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DiscriminatorSpec {
    /// The property whose value names the variant (`type`, `kind`).
    pub property_name: String,
    /// Each value of that property, and the schema of the variant it names.
    pub mapping: IndexMap<String, String>,
}

/// A property of an object schema, and the element or value type of an array or map.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertySpec {
    /// `string`, `integer`, `number`, `boolean`, `object` (free-form, a map with
    /// `additionalProperties`, or an inline object with `properties`), `array`, or a schema
    /// name (`AccessKeys`, `common.ErrorDetail`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Element type when `type: array`: a type name, or an inline type.
    #[serde(default)]
    pub items: Option<TypeSpec>,
    /// Value type of a map (`type: object`): a type name, or an inline type.
    #[serde(default)]
    pub additional_properties: Option<TypeSpec>,
    /// What the property holds. Required for properties and inline objects; an inline element
    /// or value type that is a plain scalar needs none.
    #[serde(default)]
    pub docs: String,
    /// The value is a secret (a key or connection string): never shown in `Debug` or errors.
    #[serde(default)]
    pub secret: bool,
    /// Swagger `format`: `date-time`, `int32`, `int64`, `float`, `double`, `uuid`, ...
    #[serde(default)]
    pub format: Option<String>,
    /// Set by the service, never sent (Swagger `readOnly`).
    #[serde(default)]
    pub read_only: bool,
    /// The value the service uses when the property is absent (documentation only).
    #[serde(default)]
    pub default: Option<serde_yaml::Value>,
    /// Smallest allowed number.
    #[serde(default)]
    pub minimum: Option<f64>,
    /// Largest allowed number.
    #[serde(default)]
    pub maximum: Option<f64>,
    /// Minimum string length in characters.
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Maximum string length in characters.
    #[serde(default)]
    pub max_length: Option<u64>,
    /// Regular expression a string must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Fewest array items.
    #[serde(default)]
    pub min_items: Option<u64>,
    /// Most array items.
    #[serde(default)]
    pub max_items: Option<u64>,
    /// An inline object's properties (with `type: object`).
    #[serde(default)]
    pub properties: Option<IndexMap<String, PropertySpec>>,
    /// An inline object's required properties.
    #[serde(default)]
    pub required: Vec<String>,
    /// An inline string enum's values (with `type: string`).
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    /// XML naming of an array property (Swagger `xml` with `wrapped: true`).
    #[serde(default)]
    pub xml: Option<PropertyXmlSpec>,
}

/// How an array property appears in XML: a wrapper element named like the property, holding
/// one element per item (`<Endpoints><Endpoint>..</Endpoint><Endpoint>..</Endpoint></Endpoints>`).
/// Without it, an array is its items repeated, each named like the property.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertyXmlSpec {
    /// The name of each item's element inside the wrapper.
    pub item_name: String,
}

/// The type of array elements or map values: a type name (`string`, `ErrorDetail`), or an
/// inline type written like a property (`{type: string, format: date-time}`, an object with
/// `properties`).
#[derive(Debug, Clone)]
pub enum TypeSpec {
    /// A builtin type or a schema name.
    Name(String),
    /// A type written in place.
    Inline(Box<PropertySpec>),
}

impl<'de> Deserialize<'de> for TypeSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = TypeSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a type name or a mapping of type keys")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<TypeSpec, E> {
                Ok(TypeSpec::Name(name.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<TypeSpec, A::Error> {
                // The same deserializer reads the mapping, so a mistake inside it keeps its
                // own position and field path.
                let spec =
                    PropertySpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(TypeSpec::Inline(Box::new(spec)))
            }
        }
        deserializer.deserialize_any(Either)
    }
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

/// How many repeated keys one file reports at most.
const MAX_DUPLICATES: usize = 20;

/// Reads every spec under `root`; any error fails the whole load.
pub fn load(root: &Path) -> Result<SpecSet, Diagnostics> {
    let (set, diags) = load_partial(root);
    diags.into_result(set)
}

/// Reads every spec under `root`, and returns what loaded together with every problem found.
/// All files are read even when some fail, so one run reports every syntax error; the set lists
/// the files that failed in [`SpecSet::unloaded`].
pub fn load_partial(root: &Path) -> (SpecSet, Diagnostics) {
    let mut diags = Diagnostics::default();
    // (relative path, full path) of every file, read below on every core.
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    let mut folders: Vec<String> = Vec::new();
    for entry in sorted_entries(root, root, &mut diags) {
        let name = file_name(&entry);
        if entry.is_dir() {
            if name.starts_with('.') {
                continue;
            }
            folders.push(name.clone());
            for inner in sorted_entries(root, &entry, &mut diags) {
                let rel = relative(root, &inner);
                if inner.is_dir() {
                    if !file_name(&inner).starts_with('.') {
                        diags.push(Diagnostic::new(
                            rel,
                            "",
                            format!("unexpected folder `{}` in service folder `{name}`", file_name(&inner)),
                            Some("a service folder holds `service.yaml` and one `.yaml` file per operation, nothing nested".to_string()),
                        ));
                    }
                    continue;
                }
                found.push((rel, inner));
            }
        } else {
            found.push((relative(root, &entry), entry));
        }
    }
    let texts = crate::parallel::map(&found, |(_, path)| read(path));
    let files = found.into_iter().map(|(rel, _)| rel).zip(texts).collect();
    let (set, more) = assemble(files, &folders);
    diags.extend(more);
    (set, diags)
}

/// Loads a spec set held in memory: relative paths (`common.yaml`, `<service>/service.yaml`,
/// `<service>/<operation>.yaml`) to file texts. The same rules apply as on disk.
pub fn load_files(files: &BTreeMap<String, String>) -> (SpecSet, Diagnostics) {
    let folders: BTreeSet<String> = files
        .keys()
        .filter_map(|p| p.split_once('/').map(|(folder, _)| folder.to_string()))
        .filter(|f| !f.starts_with('.'))
        .collect();
    let folders: Vec<String> = folders.into_iter().collect();
    let files = files
        .iter()
        .filter(|(p, _)| !p.starts_with('.'))
        .map(|(p, t)| (p.clone(), Ok(t.clone())))
        .collect();
    assemble(files, &folders)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read(path)
        .map_err(|e| format!("cannot read file: {e}"))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                )
            })
        })
}

/// One parsed spec file and what parsing found.
type ParsedFile<T> = (Option<Loaded<T>>, Diagnostics);

/// Every spec file parsed, by path, as what its place in the layout makes it.
#[derive(Default)]
struct ParsedFiles {
    common: BTreeMap<String, ParsedFile<CommonFile>>,
    manifests: BTreeMap<String, ParsedFile<ServiceFile>>,
    operations: BTreeMap<String, ParsedFile<OperationFile>>,
}

/// Parses every readable spec file on every core: files are independent, and [`assemble`]
/// still reports their diagnostics in file order. Which kind a file is follows from its path,
/// as in [`assemble`]; a file in no spec place is left to it.
fn parse_all(files: &[(String, Result<String, String>)]) -> ParsedFiles {
    // Boxed: the kinds differ in size by hundreds of bytes.
    enum Kind {
        Common(Box<ParsedFile<CommonFile>>),
        Manifest(Box<ParsedFile<ServiceFile>>),
        Operation(Box<ParsedFile<OperationFile>>),
    }
    let specs: Vec<(&String, &String)> = files
        .iter()
        .filter_map(|(path, text)| Some((path, text.as_ref().ok()?)))
        .filter(
            |(path, _)| match path.split('/').collect::<Vec<_>>().as_slice() {
                [name] => *name == COMMON_FILE,
                [_, name] => !name.starts_with('.') && name.ends_with(".yaml"),
                _ => false,
            },
        )
        .collect();
    let parsed = crate::parallel::map(&specs, |(path, text)| {
        let mut found = Diagnostics::default();
        match path.split_once('/') {
            None => Kind::Common(Box::new((parse_file(path, text, &mut found), found))),
            Some((_, SERVICE_FILE)) => {
                Kind::Manifest(Box::new((parse_file(path, text, &mut found), found)))
            }
            Some(_) => Kind::Operation(Box::new((parse_file(path, text, &mut found), found))),
        }
    });
    let mut all = ParsedFiles::default();
    for ((path, _), kind) in specs.into_iter().zip(parsed) {
        let path = path.clone();
        match kind {
            Kind::Common(file) => {
                all.common.insert(path, *file);
            }
            Kind::Manifest(file) => {
                all.manifests.insert(path, *file);
            }
            Kind::Operation(file) => {
                all.operations.insert(path, *file);
            }
        }
    }
    all
}

/// The parsed content of `path` in `files`, its diagnostics moved to `diags`.
fn take<T>(
    files: &mut BTreeMap<String, ParsedFile<T>>,
    path: &str,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let (loaded, found) = files.remove(path)?;
    diags.extend(found);
    loaded
}

/// Sorts files into the layout: `common.yaml`, service folders with their manifest and
/// operations; everything else is reported.
fn assemble(
    mut files: Vec<(String, Result<String, String>)>,
    folders: &[String],
) -> (SpecSet, Diagnostics) {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut parsed = parse_all(&files);
    let mut diags = Diagnostics::default();
    let mut unloaded = Vec::new();
    let mut common = None;
    let mut by_folder: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut manifests: BTreeMap<&str, Option<Loaded<ServiceFile>>> = BTreeMap::new();
    for folder in folders {
        by_folder.entry(folder.as_str()).or_default();
    }
    for (path, text) in &files {
        if let Err(message) = text {
            let unreadable = message.starts_with("cannot read");
            let diag = Diagnostic::new(path.clone(), "", message.clone(), None);
            diags.push(if unreadable { diag.io() } else { diag });
            unloaded.push(path.clone());
            continue;
        }
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            [name] => {
                if *name == COMMON_FILE {
                    common = take(&mut parsed.common, path, &mut diags);
                    if common.is_none() {
                        unloaded.push(path.clone());
                    }
                } else if !name.starts_with('.') && *name != "README.md" {
                    let help = if name.ends_with(".yaml") || name.ends_with(".yml") {
                        format!("operations go in a service folder beside a `{SERVICE_FILE}`; shared schemas go in `{COMMON_FILE}`")
                    } else {
                        format!("the specs folder holds `{COMMON_FILE}`, `README.md` and one folder per service")
                    };
                    diags.push(Diagnostic::new(
                        path.clone(),
                        "",
                        format!("unexpected file `{name}` in the specs folder"),
                        Some(help),
                    ));
                }
            }
            [folder, name] => {
                let folder: &str = folders.iter().find(|f| f == folder).map(String::as_str).unwrap_or(folder);
                if name.starts_with('.') {
                    continue;
                }
                if *name == SERVICE_FILE {
                    let manifest = take(&mut parsed.manifests, path, &mut diags);
                    if manifest.is_none() {
                        unloaded.push(path.clone());
                    }
                    manifests.insert(folder, manifest);
                } else if name.ends_with(".yaml") {
                    by_folder.entry(folder).or_default().push(path.clone());
                } else {
                    let help = match name.strip_suffix(".yml") {
                        Some(stem) => format!("spec files end in `.yaml`: rename it `{stem}.yaml`"),
                        None => "a service folder holds `service.yaml` and one `.yaml` file per operation".to_string(),
                    };
                    diags.push(Diagnostic::new(
                        path.clone(),
                        "",
                        format!("unexpected file `{name}` in service folder `{folder}`"),
                        Some(help),
                    ));
                }
            }
            _ => diags.push(Diagnostic::new(
                path.clone(),
                "",
                format!("unexpected file `{path}` nested below a service folder"),
                Some("a service folder holds `service.yaml` and one `.yaml` file per operation, nothing nested".to_string()),
            )),
        }
    }
    let mut services = Vec::new();
    for (folder, op_files) in by_folder {
        let manifest = match manifests.remove(folder) {
            Some(manifest) => manifest,
            None => {
                diags.push(Diagnostic::new(
                    folder.to_string(),
                    "",
                    format!("service folder `{folder}` has no `{SERVICE_FILE}`"),
                    Some("add one with `title`, `docs`, `endpoint` and `security`".to_string()),
                ));
                None
            }
        };
        let mut operations = Vec::new();
        for path in op_files {
            match take(&mut parsed.operations, &path, &mut diags) {
                Some(op) => operations.push(op),
                None => unloaded.push(path),
            }
        }
        if let Some(manifest) = manifest {
            services.push(LoadedService {
                folder: folder.to_string(),
                manifest,
                operations,
            });
        } else {
            // Without its manifest the service cannot be checked as a whole; its operation files
            // were still parsed, so their own mistakes are reported.
            unloaded.extend(operations.into_iter().map(|op| op.path));
        }
    }
    if common.is_none() && services.is_empty() && !diags.has_errors() {
        // Generating from nothing would remove every generated file: a wrong `--specs`, surely.
        diags.push(
            Diagnostic::new(
                ".",
                "",
                "no specs found: the folder has no `common.yaml` and no service folder",
                Some("point `--specs` at the folder that holds the specs".to_string()),
            )
            .io(),
        );
    }
    unloaded.sort();
    unloaded.dedup();
    (
        SpecSet {
            common,
            services,
            unloaded,
        },
        diags,
    )
}

/// Parses one file: the YAML syntax, keys repeated in a mapping (which serde would silently
/// collapse), then the serde types. Every problem becomes a located diagnostic. The file is
/// returned when its types parsed, even if it repeats a key (that is reported as an error).
/// A sound file, the usual case, is read in one YAML parse instead ([`parse_sound`]).
fn parse_file<T: for<'de> Deserialize<'de>>(
    path: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---")
    {
        diags.push(Diagnostic::new(
            path,
            "",
            "the file is empty",
            Some("write the spec's keys, or delete the file".to_string()),
        ));
        return None;
    }
    if let Some(spec) = parse_sound(text) {
        return Some(Loaded {
            path: path.to_string(),
            text: text.to_string(),
            spec,
        });
    }
    let duplicates = match locate::duplicate_keys(text, MAX_DUPLICATES) {
        Ok(duplicates) => duplicates,
        Err(syntax) => {
            diags.push(yaml_diagnostic(path, text, &syntax.0, false));
            return None;
        }
    };
    for dup in &duplicates {
        let (line, column) = dup.position;
        let within = if dup.mapping.is_root() {
            "the file".to_string()
        } else {
            format!("`{}`", dup.mapping)
        };
        diags.push(
            Diagnostic::new(
                path,
                dup.mapping.key(dup.key.clone()).to_string(),
                format!("key `{}` appears more than once in {within}", dup.key),
                Some("YAML would keep only the last one; merge them or rename one".to_string()),
            )
            .at_in(text, line, column),
        );
    }
    match serde_yaml::from_str::<T>(text) {
        Ok(spec) => Some(Loaded {
            path: path.to_string(),
            text: text.to_string(),
            spec,
        }),
        Err(err) => {
            let diag = yaml_diagnostic(path, text, &err, true);
            // A repeated struct key is reported above already, with its own position.
            if duplicates.is_empty() || !diag.message.starts_with("duplicate key") {
                diags.push(diag);
            }
            None
        }
    }
}

/// The typed spec of a sound file (valid YAML, no key repeated, every type right) in one YAML
/// parse, or `None` for any other file, which [`parse_file`] then parses the long way for
/// located diagnostics: the duplicate-key scan and the typed parse are each a full parse.
///
/// The one parse reads a `serde_yaml::Value`, which refuses a key repeated as written, and the
/// types from it. Where a `Value` reads differently from the text, the file goes the long way,
/// so this accepts exactly the files the long way accepts without a diagnostic, and reads them
/// the same (a unit test over every spec and a property test hold it to that):
/// - a key that is not a string: `200:` beside `'200':` is one key to the scan, two to `Value`;
/// - a null: a `Value` null reads as an empty list, map or struct, the text's does not;
/// - an integer written in hex, octal or binary, or `-0`: for a float field the text is read as
///   a float (`0x1F` is refused, `-0` is -0.0), a `Value` as the integer;
/// - a tag (`!!int '7'`): a `Value` applies it, the text's typed read refuses a quoted number.
fn parse_sound<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    fn plain(value: &serde_yaml::Value) -> bool {
        match value {
            serde_yaml::Value::Mapping(mapping) => mapping
                .iter()
                .all(|(key, value)| key.is_string() && plain(value)),
            serde_yaml::Value::Sequence(items) => items.iter().all(plain),
            serde_yaml::Value::Null | serde_yaml::Value::Tagged(_) => false,
            _ => true,
        }
    }
    if may_read_differently(text) {
        return None;
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    if !plain(&value) {
        return None;
    }
    T::deserialize(value).ok()
}

/// Whether `text` may hold a tag (`!` not inside a word) or a plain scalar that YAML reads as
/// an integer in hex, octal or binary (`0x1F`, `+0o17`, `-0b1`: `0x`, `0o` or `0b` not inside
/// a word) or as `-0` (alone). Errs towards yes (a quoted `"0x1"` counts); a yes only costs the
/// long way.
fn may_read_differently(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.';
    (0..bytes.len()).any(|i| {
        // The byte first: almost none is one of the three.
        if !matches!(bytes[i], b'!' | b'0' | b'-') || (i > 0 && word(bytes[i - 1])) {
            return false;
        }
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'!', _, _) => true,
            (b'0', Some(b'x' | b'o' | b'b'), _) => true,
            (b'-', Some(b'0'), after) => {
                after.is_none_or(|&next| !word(next) && next != b'-' && next != b':')
            }
            _ => false,
        }
    })
}

/// Parses one YAML document, turning serde_yaml's error into a located diagnostic.
pub fn parse_yaml<T: for<'de> Deserialize<'de>>(
    path: &str,
    text: &str,
) -> Result<T, Box<Diagnostic>> {
    serde_yaml::from_str(text).map_err(|err| Box::new(yaml_diagnostic(path, text, &err, true)))
}

/// A serde_yaml error as a diagnostic: its position, its field path split off the message, and
/// the message reworded in the spec format's terms with help for the usual mistakes.
fn yaml_diagnostic(path: &str, text: &str, err: &serde_yaml::Error, typed: bool) -> Diagnostic {
    let at = err.location().map(|l| (l.line(), l.column()));
    let (field, message) = split_field(&strip_positions(&err.to_string(), at));
    let (message, help) = if typed {
        reword(&message)
    } else {
        reword_syntax(&message)
    };
    let mut diag = Diagnostic::new(path, field, message, help);
    if let Some(loc) = err.location() {
        diag = diag.at_in(text, loc.line(), loc.column());
    }
    diag
}

/// serde_yaml writes positions into its messages (" at line X column Y"). The one the error sits
/// at is dropped, since the diagnostic shows it on its own; another one (where the construct the
/// parser was reading started) is kept, reworded.
fn strip_positions(text: &str, at: Option<(usize, usize)>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + " at line ".len()..];
        let line_digits =
            after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let line: Option<usize> = after[..line_digits].parse().ok();
        let Some(col_part) = after[line_digits..].strip_prefix(" column ") else {
            out.push_str(" at line ");
            rest = after;
            continue;
        };
        let col_digits = col_part.len()
            - col_part
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        let column: Option<usize> = col_part[..col_digits].parse().ok();
        if let (Some(line), Some(column)) = (line, column)
            && Some((line, column)) != at
        {
            out.push_str(&format!(" that starts at line {line}, column {column}"));
        }
        rest = &col_part[col_digits..];
    }
    out.push_str(rest);
    out
}

/// serde_yaml prefixes a message with the field path (`parameters[0].minLength: invalid type`).
fn split_field(message: &str) -> (String, String) {
    const PLAIN: &[&str] = &[
        "unknown field",
        "missing field",
        "invalid type",
        "invalid value",
        "invalid length",
        "duplicate field",
        "unknown variant",
    ];
    if PLAIN.iter().any(|p| message.starts_with(p)) {
        return (String::new(), message.to_string());
    }
    match message.split_once(": ") {
        Some((field, rest))
            if !field.is_empty()
                && !field.contains(' ')
                && PLAIN.iter().any(|p| rest.starts_with(p)) =>
        {
            (field.to_string(), rest.to_string())
        }
        _ => (String::new(), message.to_string()),
    }
}

/// The names between backticks in `text`.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Keys the format no longer has: the key, a key of the mapping it was in (so that the help
/// shows only there), and where its content went.
const MOVED: &[(&str, &str, &str)] = &[
    (
        "host",
        "endpoint",
        "the host is no longer written here: name an endpoint set of `common.yaml` with `endpoint: resourceManager` (hosts and audiences for every cloud)",
    ),
    (
        "audience",
        "authorizationUrl",
        "the audience is no longer written here: it comes from the endpoint set that `service.yaml` names with `endpoint`",
    ),
];

/// Rewords serde's messages about the spec's types.
fn reword(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = backticked(rest);
        let Some((wrong, expected)) = names.split_first() else {
            return (message.to_string(), None);
        };
        let help = if expected.is_empty() {
            None
        } else if let Some((_, _, help)) = MOVED
            .iter()
            .find(|(key, beside, _)| key == wrong && expected.contains(beside))
        {
            Some((*help).to_string())
        } else {
            suggest(wrong, expected.iter().copied()).or_else(|| {
                Some(format!(
                    "the keys here are {}",
                    expected
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
        };
        return (format!("unknown key `{wrong}`"), help);
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let name = backticked(rest).first().copied().unwrap_or(rest);
        return (
            format!("missing required key `{name}`"),
            Some(format!("add `{name}:` to this mapping")),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let name = backticked(rest).first().copied().unwrap_or(rest);
        return (
            format!("duplicate key `{name}`"),
            Some("write each key once".to_string()),
        );
    }
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        && let Some((found, expected)) = rest.rsplit_once(", expected ")
    {
        let (expected, help) = match expected {
            "u64" => (
                "a whole number, 0 or more".to_string(),
                found
                    .starts_with("string")
                    .then(|| "write the number without quotes".to_string()),
            ),
            "a boolean" => (
                "`true` or `false`".to_string(),
                Some("write `true` or `false` without quotes".to_string()),
            ),
            "a string" if found.starts_with("map") || found.starts_with("sequence") => (
                "a string".to_string(),
                Some("quote the value if it holds `: `, `{`, `[` or starts with `-`".to_string()),
            ),
            e if e.starts_with("struct ") || e == "a map" => {
                ("a mapping of keys".to_string(), None)
            }
            e => (e.to_string(), None),
        };
        let found = match found.strip_prefix("string ") {
            Some(text) => format!("the string {text}"),
            None if found.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {found}"),
            None => format!("a {found}"),
        };
        return (format!("expected {expected}, found {found}"), help);
    }
    (message.to_string(), None)
}

/// Rewords the YAML parser's messages.
fn reword_syntax(message: &str) -> (String, Option<String>) {
    let help = if message.contains("tab") {
        Some("indent with spaces: YAML does not allow tabs for indentation".to_string())
    } else if message.contains("more than one document") {
        return (
            "the file holds more than one YAML document".to_string(),
            Some("one spec per file: remove the `---` separator and split the file".to_string()),
        );
    } else if message.contains("mapping values are not allowed") {
        Some("quote a value that holds `: `".to_string())
    } else {
        None
    };
    (format!("invalid YAML: {message}"), help)
}

fn sorted_entries(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<std::path::PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<std::path::PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            paths
        }
        Err(err) => {
            let shown = relative(root, dir);
            diags.push(
                Diagnostic::new(
                    if shown.is_empty() {
                        dir.display().to_string()
                    } else {
                        shown
                    },
                    "",
                    format!("cannot read folder: {err}"),
                    None,
                )
                .io(),
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    fn one(path: &str, text: &str) -> Diagnostics {
        let files = BTreeMap::from([(path.to_string(), text.to_string())]);
        load_files(&files).1
    }

    #[test]
    fn strips_positions() {
        assert_eq!(
            strip_positions(
                "found a tab at line 2 column 1, while scanning at line 1 column 7",
                Some((2, 1))
            ),
            "found a tab, while scanning that starts at line 1, column 7"
        );
        assert_eq!(strip_positions("no position", None), "no position");
    }

    #[test]
    fn rewords_unknown_keys_with_a_suggestion() {
        let (message, help) = reword("unknown field `patern`, expected one of `name`, `pattern`");
        assert_eq!(message, "unknown key `patern`");
        assert_eq!(help.as_deref(), Some("did you mean `pattern`?"));
        let (_, help) = reword("unknown field `zzz`, expected `name` or `docs`");
        assert_eq!(help.as_deref(), Some("the keys here are `name`, `docs`"));
    }

    #[test]
    fn says_where_a_moved_key_went_only_where_it_was() {
        let (message, help) = reword(
            "unknown field `audience`, expected one of `type`, `flow`, `authorizationUrl`, `scopes`",
        );
        assert_eq!(message, "unknown key `audience`");
        assert!(help.unwrap().contains("comes from the endpoint set"));
        let (_, help) =
            reword("unknown field `host`, expected one of `title`, `docs`, `endpoint`, `security`");
        assert!(help.unwrap().contains("endpoint: resourceManager"));
        // Elsewhere, `host` is an ordinary unknown key.
        let (_, help) = reword("unknown field `host`, expected one of `name`, `docs`");
        assert_eq!(help.as_deref(), Some("the keys here are `name`, `docs`"));
    }

    #[test]
    fn splits_the_field_path() {
        assert_eq!(
            split_field("parameters[0].minLength: invalid type: string \"5\", expected u64"),
            (
                "parameters[0].minLength".to_string(),
                "invalid type: string \"5\", expected u64".to_string()
            )
        );
        assert_eq!(
            split_field("missing field `docs`"),
            (String::new(), "missing field `docs`".to_string())
        );
    }

    #[test]
    fn reports_layout_mistakes() {
        let diags = one("notes.txt", "x");
        assert!(
            diags.to_string().contains("unexpected file `notes.txt`"),
            "{diags}"
        );
        let diags = one("svc/op.yml", "x");
        let text = diags.to_string();
        assert!(text.contains("rename it `op.yaml`"), "{text}");
        assert!(text.contains("has no `service.yaml`"), "{text}");
        let diags = one("common.yaml", "# nothing\n");
        assert!(diags.to_string().contains("the file is empty"), "{diags}");
    }

    /// What the long way makes of a file: its typed spec when it has no diagnostic.
    fn long_way<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
        let clean = locate::duplicate_keys(text, MAX_DUPLICATES).is_ok_and(|d| d.is_empty());
        clean.then(|| serde_yaml::from_str(text).ok()).flatten()
    }

    /// One parse gives what the long way gives, or leaves the file to it.
    fn agrees<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> bool {
        match parse_sound::<T>(text) {
            Some(fast) => {
                long_way::<T>(text).is_some_and(|slow| format!("{fast:?}") == format!("{slow:?}"))
            }
            None => true,
        }
    }

    fn spec_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                spec_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_spec_parses_once_to_what_the_long_way_gives() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        spec_files(&root.join("../specs"), &mut files);
        spec_files(&root.join("tests/valid"), &mut files);
        assert!(!files.is_empty());
        for path in files {
            let text = fs::read_to_string(&path).expect("readable spec");
            fn both<T: for<'de> Deserialize<'de> + std::fmt::Debug>(
                text: &str,
            ) -> (Option<String>, Option<String>) {
                let shown = |spec: T| format!("{spec:?}");
                (parse_sound(text).map(shown), long_way(text).map(shown))
            }
            let (fast, slow) = match file_name(&path).as_str() {
                "common.yaml" => both::<CommonFile>(&text),
                "service.yaml" => both::<ServiceFile>(&text),
                _ => both::<OperationFile>(&text),
            };
            // Every real spec is sound, so each must take the one-parse way, and agree.
            assert!(fast.is_some(), "{} went the long way", path.display());
            assert_eq!(fast, slow, "{}", path.display());
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "compared through Debug only")]
    struct Probe {
        #[serde(default)]
        text: Option<String>,
        #[serde(default)]
        number: Option<f64>,
        #[serde(default)]
        count: Option<u32>,
        #[serde(default)]
        map: IndexMap<String, String>,
        #[serde(default)]
        any: Option<serde_yaml::Value>,
        #[serde(default)]
        items: Option<TypeSpec>,
        #[serde(default)]
        list: Vec<String>,
        #[serde(default)]
        flag: bool,
        #[serde(default)]
        nested: Option<Nested>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "compared through Debug only")]
    struct Nested {
        map: IndexMap<String, Vec<String>>,
        #[serde(default)]
        text: String,
    }

    #[test]
    fn scalars_tags_and_keys_read_once_as_the_long_way_reads_them() {
        for text in [
            "text: 123",
            "text: true",
            "text: ~",
            "text: 0x1F",
            "text: .inf",
            "text: !!str 5",
            "text: yes",
            "number: 1e3",
            "number: 1",
            "number: '1'",
            "count: 0o17",
            "count: 1.0",
            "count: -1",
            "map: {200: a, '200': b}",
            "map: {200: a}",
            "map: {true: a}",
            "map: {a: 1, b: x}",
            "map: {a: x, a: y}",
            "map: {a: x, 'a': y}",
            "map: {? [a]: x}",
            "any: {a: 1, a: 2}",
            "any: {1: x, '1': y}",
            "any: [{a: 1}, {b: !custom x}]",
            "base: &b {a: x}\nmap: *b",
            "map: &b {a: x}\nany: *b",
            "map: {<<: {a: x}}",
            "items: string",
            "items: {type: string, docs: d}",
            "items: 5",
            "text: a\n---\ntext: b",
            "text: [a",
            "",
        ] {
            assert!(agrees::<Probe>(text), "{text:?}");
        }
        // Keys that differ only as written are one key to the long way: never read once.
        assert!(parse_sound::<Probe>("map: {200: a, '200': b}").is_none());
        assert!(parse_sound::<Probe>("map: {a: x, 'a': y}").is_none());
        assert!(parse_sound::<Probe>("text: abc").is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(512)
        ))]

        /// Small documents from an alphabet of the awkward parts: whatever one parse accepts,
        /// the long way accepts with no diagnostic and reads the same.
        #[test]
        fn one_parse_never_accepts_what_the_long_way_refuses(
            entries in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "text", "number", "count", "map", "any", "items", "list", "flag",
                        "nested", "'text'", "other",
                    ]),
                    proptest::sample::select(vec![
                        "a", "1", "'1'", "1.5", "true", "~", "", "null", "0x1F", "!!str 2",
                        "!!int 3", "!custom x", "!custom {a: x}", "[a, 1]", "[a, ~]", "[]",
                        "{}", "{a: x}", "{a: x, a: y}", "{1: x, '1': y}", "{200: x}",
                        "{'a': x, a: y}", "{a: ~}", "{a: [x]}", "{a: []}", "{map: {a: [x]}}",
                        "{map: {a: ~}}", "{map: ~}", "{map: {}, text: ~}", "{type: string}",
                        "{type: string, type: x}", "string", "&n {b: y}", "*n", "&s x", "*s",
                        "{<<: {a: x}}", "'yes'", "no", "-1", ".nan", "+5", "1_000", ".5", "5.",
                        "1e3", "-0", "0o17", "0b11", ".inf", "-.inf", ".NaN", "012", "1:2",
                        "1e400", "18446744073709551616", "-9223372036854775809", "0.1e-2",
                        "+.5", "'0x1F'", "\"1\"", "!!float 1", "!!int '7'", "1.0e+3", "!",
                        "!!null ''", "!!bool 'true'", "!!str", "|\n  x\n", ">-\n  0x1\n",
                        "'-0'", "-0.0", "-0e1", "0X1F", "'a: b'", "\"\\u0041\"", "{? a : b}",
                    ]),
                ),
                0..5,
            )
        ) {
            let text: String = entries.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
            proptest::prop_assert!(agrees::<Probe>(&text), "{}", text);
        }
    }
}
