//! Stage 3, IR: the resolved model in Rust terms. Built only from a validated [`SpecSet`]; the
//! emitters read only this, never the YAML types. Every Azure difference between operations is
//! data here (host, audience, encodings, error contract paths, long-running behaviour, secrets).

use std::collections::BTreeMap;

use crate::load::{
    CommonFile, ExampleSpec, Loaded, LoadedService, OperationFile, PageableSpec, PropertySpec,
    SchemaSpec, SpecSet,
};
use crate::names::{camel, shouty, snake};
use crate::patterns;
use crate::resolve::{Resolver, bare_schema_name};
use crate::xml_example;

pub use crate::resolve::Format;

/// The whole generated crate.
#[derive(Debug, Clone)]
pub struct Crate {
    /// Schemas shared by every service (`crate::common`).
    pub common: Option<CommonModule>,
    /// Services in folder order.
    pub services: Vec<Service>,
}

/// The `common` module.
#[derive(Debug, Clone)]
pub struct CommonModule {
    /// Spec file it comes from.
    pub source: String,
    /// Module documentation.
    pub docs: String,
    /// Its models.
    pub models: Vec<Model>,
}

/// One service: a module with a client and models.
#[derive(Debug, Clone)]
pub struct Service {
    /// Spec folder (`service-bus`).
    pub folder: String,
    /// Module name (`service_bus`).
    pub module: String,
    /// Client type name (`ServiceBusClient`).
    pub client: String,
    /// Human title (`Service Bus`).
    pub title: String,
    /// Module and client documentation.
    pub docs: String,
    /// Default endpoint.
    pub host: String,
    /// Token audience for the default endpoint.
    pub audience: String,
    /// Every spec file of the service, for the generated header.
    pub sources: Vec<String>,
    /// Models of this service, in spec order.
    pub models: Vec<Model>,
    /// Operations in file order.
    pub operations: Vec<Operation>,
}

/// Where a type lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The same module as the user.
    Local,
    /// `crate::common`.
    Common,
}

/// A Rust type for a field or body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `azure_core::credentials::Secret`.
    Secret,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// `serde_json::Value`, a free-form object.
    Any,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// A generated model.
    Model {
        /// Where it is defined.
        scope: Scope,
        /// Its Rust name.
        name: String,
    },
}

/// A generated model type.
#[derive(Debug, Clone)]
pub struct Model {
    /// Rust name (`AccessKeys`).
    pub name: String,
    /// Documentation.
    pub docs: String,
    /// Struct or enum.
    pub kind: ModelKind,
    /// Present when an operation uses this schema as its error contract.
    pub error_contract: Option<ErrorContract>,
}

/// What a model is.
#[derive(Debug, Clone)]
pub enum ModelKind {
    /// An object.
    Struct {
        /// Fields in wire order.
        fields: Vec<Field>,
    },
    /// A string enum that also accepts unknown values.
    Enum {
        /// Known values.
        variants: Vec<Variant>,
    },
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name (`primary_key`, `r#type`).
    pub name: String,
    /// Wire name (`primaryKey`).
    pub wire: String,
    /// Documentation.
    pub docs: String,
    /// Its type, `Secret` for secrets.
    pub ty: TypeRef,
    /// Always present on the wire.
    pub required: bool,
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust name (`PrimaryKey`).
    pub name: String,
    /// Wire value.
    pub wire: String,
}

/// Paths to the service's error fields, for the runtime's tolerant error parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorContract {
    /// Name of the emitted constant (`ERROR_RESPONSE_CONTRACT`).
    pub constant: String,
    /// JSON or XML.
    pub format: Format,
    /// Code, message and target paths from the body's root.
    pub fields: ErrorFieldPaths,
    /// Path to the details array; empty when the schema has none.
    pub details: Vec<String>,
    /// Code, message and target paths inside one detail.
    pub detail_fields: ErrorFieldPaths,
}

/// Paths to code, message and target; an empty path means the schema has no such field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorFieldPaths {
    /// Path to the code.
    pub code: Vec<String>,
    /// Path to the message.
    pub message: Vec<String>,
    /// Path to the target.
    pub target: Vec<String>,
}

/// One operation: one client method.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Spec file.
    pub source: String,
    /// Operation id as written (`Namespaces_RegenerateKeys`).
    pub id: String,
    /// Method name (`namespaces_regenerate_keys`).
    pub method_name: String,
    /// Options struct name (`NamespacesRegenerateKeysOptions`).
    pub options_name: String,
    /// Page title.
    pub summary: String,
    /// Documentation.
    pub docs: String,
    /// HTTP method, upper case (`POST`).
    pub http_method: String,
    /// Path template as written, for docs.
    pub path_template: String,
    /// The path, split into literals and parameters.
    pub path: Vec<PathPiece>,
    /// Every parameter, fixed ones included, in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Documented success responses by status.
    pub success: Vec<SuccessResponse>,
    /// What the method gives the caller, from the success responses.
    pub returns: Returns,
    /// The error contract's model and constant.
    pub error: ErrorRef,
    /// Present for long-running operations.
    pub long_running: Option<FinalState>,
    /// Present for paged lists.
    pub paging: Option<Paging>,
    /// Examples in spec order.
    pub examples: Vec<Example>,
}

/// What a method gives the caller, decided by which success statuses document a body (they all
/// name the same schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    /// No success status has a body: `()`. Also a long-running DELETE's result.
    Nothing,
    /// Every success status has this body.
    Always(ResultBody),
    /// Only the statuses listed have this body: `Option<T>`, `None` on the others.
    Sometimes(ResultBody, Vec<u16>),
}

impl Returns {
    /// The body's model and encoding, if any status has one.
    pub fn body(&self) -> Option<&ResultBody> {
        match self {
            Returns::Nothing => None,
            Returns::Always(body) | Returns::Sometimes(body, _) => Some(body),
        }
    }
}

/// The body a success response documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultBody {
    /// Its model.
    pub ty: TypeRef,
    /// JSON or XML.
    pub format: Format,
    /// For XML: the root element the body must have.
    pub xml_root: Option<String>,
}

/// A paged list: how a page holds its items and the next page's link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The page model (a local model of the service), which gets a `Page` implementation.
    pub page: String,
    /// The field holding the items.
    pub items: PageField,
    /// The items' type.
    pub item: TypeRef,
    /// The field holding the next page's link; `None` for a list that comes in one page.
    pub next_link: Option<PageField>,
    /// The operation's fixed `api-version`, added to a next link that has none.
    pub api_version: Option<String>,
}

/// A field of a page model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// Rust name.
    pub name: String,
    /// `Option<_>` in the model.
    pub optional: bool,
}

/// A piece of the path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPiece {
    /// Literal text, slashes included.
    Literal(String),
    /// The parameter at this index of [`Operation::params`].
    Param(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A path segment.
    Path,
    /// A query pair.
    Query,
    /// A request header.
    Header,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub wire: String,
    /// Rust argument or field name.
    pub name: String,
    /// Name of the emitted `ParamSpec` static (`NAMESPACE_NAME`).
    pub spec_static: String,
    /// Documentation.
    pub docs: String,
    /// Where it goes.
    pub location: Location,
    /// A value always sent; the parameter is then not exposed.
    pub fixed: Option<String>,
    /// A method argument when true; an options field when false.
    pub required: bool,
    /// Checked before sending.
    pub constraints: Constraints,
}

/// Constraints on a string parameter, with any look-ahead already lowered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    /// Minimum length in characters.
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    pub max_length: Option<u64>,
    /// A pattern the `regex` crate compiles.
    pub pattern: Option<String>,
}

/// The request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The model sent.
    pub ty: TypeRef,
    /// Documentation.
    pub docs: String,
    /// JSON or XML.
    pub format: Format,
    /// XML root element name and namespace.
    pub xml_root: Option<(String, Option<String>)>,
    /// An argument when true; an options field when false.
    pub required: bool,
}

/// A documented success response.
#[derive(Debug, Clone)]
pub struct SuccessResponse {
    /// Status code.
    pub status: u16,
    /// Documentation.
    pub docs: String,
    /// The body's model; `None` for an empty body.
    pub ty: Option<TypeRef>,
    /// Body encoding.
    pub format: Format,
    /// For XML bodies: the root element the body must have.
    pub xml_root: Option<String>,
    /// Documented header names.
    pub headers: Vec<String>,
}

/// The error contract an operation uses.
#[derive(Debug, Clone)]
pub struct ErrorRef {
    /// The error model.
    pub ty: TypeRef,
    /// Where its contract constant lives.
    pub scope: Scope,
    /// The contract constant's name.
    pub constant: String,
}

/// How a long-running operation's final result is found (`final-state-via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalState {
    /// `azure-async-operation`.
    AzureAsyncOperation,
    /// `location`.
    Location,
    /// `original-uri`.
    OriginalUri,
}

/// An example, with bodies as JSON values (XML ones converted through their schema).
#[derive(Debug, Clone)]
pub struct Example {
    /// Name as written.
    pub name: String,
    /// Parameter values by wire name.
    pub parameters: BTreeMap<String, String>,
    /// The request body as JSON (for building the model) and, for XML, the exact expected text.
    pub request_body: Option<ExampleBody>,
    /// The documented success responses, in the example's order.
    pub responses: Vec<ExampleResponse>,
}

impl Example {
    /// The response that ends a long-running example at once: the first documented success that
    /// does not start polling (a 202, or a 201 with `Azure-AsyncOperation`) with a body, else the
    /// first such without one.
    pub fn final_response(&self) -> Option<&ExampleResponse> {
        let done = || self.responses.iter().filter(|r| !r.starts_polling());
        done().find(|r| r.body.is_some()).or_else(|| done().next())
    }
}

impl ExampleResponse {
    /// Whether a long-running operation polls after this response.
    pub fn starts_polling(&self) -> bool {
        self.status == 202
            || (self.status == 201
                && self
                    .headers
                    .iter()
                    .any(|(name, _)| name.eq_ignore_ascii_case("azure-asyncoperation")))
    }
}

/// An example body.
#[derive(Debug, Clone)]
pub struct ExampleBody {
    /// The body as JSON (an XML body is converted through its schema).
    pub json: serde_json::Value,
    /// For XML: the canonical document the client must send.
    pub xml: Option<String>,
    /// The body as documented, served as is by example tests.
    pub text: String,
}

/// An example response.
#[derive(Debug, Clone)]
pub struct ExampleResponse {
    /// Status code.
    pub status: u16,
    /// Headers in spec order.
    pub headers: Vec<(String, String)>,
    /// Body, if any.
    pub body: Option<ExampleBody>,
}

/// Builds the IR. Call only after [`crate::validate::validate`] accepted the set.
pub fn build(set: &SpecSet) -> Crate {
    let resolver = Resolver::new(set);
    let mut error_schemas: Vec<(Scope, Option<String>, String)> = Vec::new();
    let services: Vec<Service> = set
        .services
        .iter()
        .map(|service| build_service(&resolver, service, &mut error_schemas))
        .collect();
    let common = set.common.as_ref().map(|common| {
        let used: Vec<&String> = error_schemas
            .iter()
            .filter(|(scope, _, _)| *scope == Scope::Common)
            .map(|(_, _, name)| name)
            .collect();
        build_common(&resolver, common, &used)
    });
    Crate { common, services }
}

fn build_common(
    resolver: &Resolver,
    common: &Loaded<CommonFile>,
    used_errors: &[&String],
) -> CommonModule {
    let models = common
        .spec
        .schemas
        .iter()
        .map(|(name, schema)| {
            let contract = used_errors
                .contains(&name)
                .then(|| error_contract(resolver, None, name, schema, Format::Json))
                .flatten();
            build_model(None, name, schema, contract)
        })
        .collect();
    CommonModule {
        source: common.path.clone(),
        docs: common.spec.docs.clone(),
        models,
    }
}

fn build_service(
    resolver: &Resolver,
    service: &LoadedService,
    error_schemas: &mut Vec<(Scope, Option<String>, String)>,
) -> Service {
    let folder = service.folder.as_str();
    let operations: Vec<Operation> = service
        .operations
        .iter()
        .map(|op| build_operation(resolver, folder, op))
        .collect();
    // An error schema gets its contract constant in the module that defines it, once.
    let mut local_errors: Vec<(String, Format)> = Vec::new();
    for (op, loaded) in operations.iter().zip(&service.operations) {
        let schema_name = loaded
            .spec
            .responses
            .get("default")
            .and_then(|r| r.schema.clone())
            .unwrap_or_default();
        let format = error_format(&loaded.spec);
        match &op.error.scope {
            Scope::Common => {
                let name = schema_name.trim_start_matches("common.").to_string();
                if !error_schemas
                    .iter()
                    .any(|(s, _, n)| *s == Scope::Common && *n == name)
                {
                    error_schemas.push((Scope::Common, None, name));
                }
            }
            Scope::Local => {
                if !local_errors.iter().any(|(n, _)| *n == schema_name) {
                    local_errors.push((schema_name, format));
                }
            }
        }
    }
    let models = resolver
        .service_schemas(folder)
        .into_iter()
        .map(|(name, schema)| {
            let contract = local_errors
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, format)| {
                    error_contract(resolver, Some(folder), name, schema, *format)
                });
            build_model(Some(folder), name, schema, contract)
        })
        .collect();
    let manifest = &service.manifest.spec;
    let mut sources = vec![service.manifest.path.clone()];
    sources.extend(service.operations.iter().map(|op| op.path.clone()));
    Service {
        folder: folder.to_string(),
        module: snake(folder),
        client: format!("{}Client", camel(folder)),
        title: manifest.title.clone(),
        docs: manifest.docs.clone(),
        host: manifest.host.trim_end_matches('/').to_string(),
        audience: manifest.security.audience.clone(),
        sources,
        models,
        operations,
    }
}

fn error_format(op: &OperationFile) -> Format {
    op.responses
        .get("default")
        .and_then(|r| r.content_type.as_deref())
        .and_then(Format::from_content_type)
        .unwrap_or(Format::Json)
}

fn build_model(
    folder: Option<&str>,
    name: &str,
    schema: &SchemaSpec,
    error_contract: Option<ErrorContract>,
) -> Model {
    let kind = match (&schema.enum_values, &schema.properties) {
        (Some(values), _) => ModelKind::Enum {
            variants: values
                .iter()
                .map(|v| Variant {
                    name: camel(v),
                    wire: v.clone(),
                })
                .collect(),
        },
        (None, properties) => ModelKind::Struct {
            fields: properties
                .iter()
                .flatten()
                .map(|(wire, prop)| Field {
                    name: snake(wire),
                    wire: wire.clone(),
                    docs: prop.docs.clone(),
                    ty: property_type(folder, prop),
                    required: schema.required.contains(wire),
                })
                .collect(),
        },
    };
    Model {
        name: camel(name),
        docs: schema.docs.clone(),
        kind,
        error_contract,
    }
}

fn build_operation(resolver: &Resolver, folder: &str, loaded: &Loaded<OperationFile>) -> Operation {
    let op = &loaded.spec;
    let method_name = snake(&op.operation_id);
    let params: Vec<Param> = op
        .parameters
        .iter()
        .map(|p| {
            let location = match p.location.as_str() {
                "path" => Location::Path,
                "header" => Location::Header,
                _ => Location::Query,
            };
            let lowered = p
                .pattern
                .as_deref()
                .and_then(|pat| patterns::lower(pat).ok());
            let min_length = max_opt(p.min_length, lowered.as_ref().and_then(|l| l.min_length));
            let max_length = min_opt(p.max_length, lowered.as_ref().and_then(|l| l.max_length));
            Param {
                wire: p.name.clone(),
                name: snake(&p.name),
                spec_static: shouty(&p.name),
                docs: p.docs.clone(),
                location,
                fixed: p.value.clone(),
                required: location == Location::Path || p.required.unwrap_or(false),
                constraints: Constraints {
                    min_length,
                    max_length,
                    pattern: lowered.map(|l| l.pattern),
                },
            }
        })
        .collect();
    let path = split_path(&op.path, &params);
    let body = op.request_body.as_ref().map(|b| {
        let format = Format::from_content_type(&b.content_type).unwrap_or(Format::Json);
        let xml_root = (format == Format::Xml).then(|| {
            let namespace = resolver
                .schema(Some(folder), &b.schema)
                .and_then(|s| s.xml.as_ref())
                .and_then(|x| x.namespace.clone());
            (resolver.xml_root(Some(folder), &b.schema), namespace)
        });
        Body {
            ty: named(Some(folder), &b.schema),
            docs: b.docs.clone(),
            format,
            xml_root,
            required: b.required.unwrap_or(true),
        }
    });
    let success: Vec<SuccessResponse> = op
        .responses
        .iter()
        .filter_map(|(status, r)| {
            let status: u16 = status.parse().ok()?;
            let format = r
                .content_type
                .as_deref()
                .and_then(Format::from_content_type)
                .unwrap_or(Format::Json);
            let xml_root = match (&r.schema, format) {
                (Some(schema), Format::Xml) => Some(resolver.xml_root(Some(folder), schema)),
                _ => None,
            };
            Some(SuccessResponse {
                status,
                docs: r.docs.clone(),
                ty: r.schema.as_ref().map(|s| named(Some(folder), s)),
                format,
                xml_root,
                headers: r.headers.keys().cloned().collect(),
            })
        })
        .collect();
    let error_schema = op
        .responses
        .get("default")
        .and_then(|r| r.schema.clone())
        .unwrap_or_default();
    let error_ty = named(Some(folder), &error_schema);
    let error = ErrorRef {
        scope: match &error_ty {
            TypeRef::Model { scope, .. } => scope.clone(),
            _ => Scope::Local,
        },
        constant: contract_constant(&bare_schema_name(&error_schema)),
        ty: error_ty,
    };
    let long_running = op
        .long_running
        .as_ref()
        .map(|lr| match lr.final_state_via.as_str() {
            "location" => FinalState::Location,
            "original-uri" => FinalState::OriginalUri,
            _ => FinalState::AzureAsyncOperation,
        });
    let returns = if long_running.is_some() && op.method == "DELETE" {
        Returns::Nothing
    } else {
        returns(&success)
    };
    let paging = op
        .pageable
        .as_ref()
        .and_then(|pageable| paging(resolver, folder, op, pageable, &params));
    let examples = op
        .examples
        .iter()
        .map(|(name, ex)| build_example(resolver, folder, op, name, ex, &success))
        .collect();
    Operation {
        source: loaded.path.clone(),
        id: op.operation_id.clone(),
        options_name: format!("{}Options", camel(&op.operation_id)),
        method_name,
        summary: op.summary.clone(),
        docs: op.docs.clone(),
        http_method: op.method.to_uppercase(),
        path_template: op.path.clone(),
        path,
        params,
        body,
        success,
        returns,
        error,
        long_running,
        paging,
        examples,
    }
}

/// What the method returns, from which success statuses have a body.
fn returns(success: &[SuccessResponse]) -> Returns {
    let Some(with) = success.iter().find(|s| s.ty.is_some()) else {
        return Returns::Nothing;
    };
    let body = ResultBody {
        ty: with.ty.clone().unwrap_or(TypeRef::Any),
        format: with.format,
        xml_root: with.xml_root.clone(),
    };
    if success.iter().all(|s| s.ty.is_some()) {
        Returns::Always(body)
    } else {
        let statuses = success
            .iter()
            .filter(|s| s.ty.is_some())
            .map(|s| s.status)
            .collect();
        Returns::Sometimes(body, statuses)
    }
}

/// A pageable operation's page: the fields of its first success body that hold the items and
/// the next link, as the page model has them.
fn paging(
    resolver: &Resolver,
    folder: &str,
    op: &OperationFile,
    pageable: &PageableSpec,
    params: &[Param],
) -> Option<Paging> {
    let name = op
        .responses
        .iter()
        .find(|(status, _)| status.as_str() != "default")?
        .1
        .schema
        .as_deref()?;
    let schema = resolver.schema(Some(folder), name)?;
    let model = build_model(Some(folder), name, schema, None);
    let ModelKind::Struct { fields } = &model.kind else {
        return None;
    };
    let field = |wire: &str| fields.iter().find(|f| f.wire == wire);
    let items = field(pageable.item_name())?;
    let TypeRef::Array(item) = &items.ty else {
        return None;
    };
    let next_link = match &pageable.next_link_name {
        Some(wire) => Some(field(wire)?),
        None => None,
    };
    let page_field = |f: &Field| PageField {
        name: f.name.clone(),
        optional: !f.required,
    };
    Some(Paging {
        page: model.name.clone(),
        items: page_field(items),
        item: (**item).clone(),
        next_link: next_link.map(page_field),
        api_version: params
            .iter()
            .find(|p| p.location == Location::Query && p.wire == "api-version")
            .and_then(|p| p.fixed.clone()),
    })
}

fn build_example(
    resolver: &Resolver,
    folder: &str,
    op: &OperationFile,
    name: &str,
    ex: &ExampleSpec,
    success: &[SuccessResponse],
) -> Example {
    let request_body = match (&ex.request_body, &op.request_body) {
        (Some(value), Some(body)) => {
            let format = Format::from_content_type(&body.content_type).unwrap_or(Format::Json);
            example_body(resolver, folder, &body.schema, format, value)
        }
        _ => None,
    };
    let responses = ex
        .responses
        .iter()
        .filter_map(|(status, r)| {
            let status = status.parse::<u16>().ok()?;
            let doc = success.iter().find(|s| s.status == status)?;
            let schema = op
                .responses
                .get(&status.to_string())
                .and_then(|r| r.schema.clone());
            let body = match (&r.body, schema) {
                (Some(value), Some(schema)) => {
                    example_body(resolver, folder, &schema, doc.format, value)
                }
                _ => None,
            };
            Some(ExampleResponse {
                status,
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                body,
            })
        })
        .collect();
    Example {
        name: name.to_string(),
        parameters: ex
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        request_body,
        responses,
    }
}

/// Splits `/a/{b}/c` into literals and parameter indexes.
fn split_path(template: &str, params: &[Param]) -> Vec<PathPiece> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            pieces.push(PathPiece::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..close];
        if let Some(index) = params
            .iter()
            .position(|p| p.location == Location::Path && p.wire == name)
        {
            pieces.push(PathPiece::Param(index));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::Literal(rest.to_string()));
    }
    pieces
}

fn max_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    a.max(b)
}

fn min_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The contract constant's name for an error schema.
pub fn contract_constant(schema: &str) -> String {
    format!("{}_CONTRACT", shouty(schema))
}

/// The Rust type a reference names, seen from a service module (or from `common` when
/// `folder` is `None`, where every reference is local).
fn named(folder: Option<&str>, reference: &str) -> TypeRef {
    let scope = match folder {
        Some(_) if reference.starts_with("common.") => Scope::Common,
        _ => Scope::Local,
    };
    TypeRef::Model {
        scope,
        name: camel(&bare_schema_name(reference)),
    }
}

fn property_type(folder: Option<&str>, prop: &PropertySpec) -> TypeRef {
    let base = scalar_type(folder, &prop.kind, prop.items.as_deref());
    if prop.secret && base == TypeRef::String {
        TypeRef::Secret
    } else {
        base
    }
}

fn scalar_type(folder: Option<&str>, kind: &str, items: Option<&str>) -> TypeRef {
    match kind {
        "string" => TypeRef::String,
        "integer" => TypeRef::Integer,
        "number" => TypeRef::Number,
        "boolean" => TypeRef::Boolean,
        "object" => TypeRef::Any,
        "array" => TypeRef::Array(Box::new(scalar_type(
            folder,
            items.unwrap_or("object"),
            None,
        ))),
        other => named(folder, other),
    }
}

/// The error contract of an error schema: its `errorFields` paths, and the paths inside one
/// element of its details array, found by walking the code path to the element's type.
fn error_contract(
    resolver: &Resolver<'_>,
    folder: Option<&str>,
    name: &str,
    schema: &SchemaSpec,
    format: Format,
) -> Option<ErrorContract> {
    let fields = schema.error_fields.as_ref()?;
    let split = |p: &Option<String>| -> Vec<String> {
        p.as_deref()
            .map(|p| p.split('.').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let code = split(&Some(fields.code.clone()));
    let message = split(&Some(fields.message.clone()));
    let target = split(&fields.target);
    let details = split(&fields.details);
    let detail_fields = match details_item_type(resolver, folder, schema, &details) {
        Some(item) => {
            let relative =
                |path: &Vec<String>| relative_path(resolver, folder, name, schema, path, &item);
            ErrorFieldPaths {
                code: relative(&code),
                message: relative(&message),
                target: relative(&target),
            }
        }
        None => ErrorFieldPaths::default(),
    };
    Some(ErrorContract {
        constant: contract_constant(name),
        format,
        fields: ErrorFieldPaths {
            code,
            message,
            target,
        },
        details,
        detail_fields,
    })
}

/// The schema name of the items of the array at `path`.
fn details_item_type(
    resolver: &Resolver<'_>,
    folder: Option<&str>,
    root: &SchemaSpec,
    path: &[String],
) -> Option<String> {
    let (last, parents) = path.split_last()?;
    let mut schema = root;
    for segment in parents {
        let prop = schema.properties.as_ref()?.get(segment)?;
        schema = resolver.schema(folder, &prop.kind)?;
    }
    let prop = schema.properties.as_ref()?.get(last)?;
    (prop.kind == "array").then(|| prop.items.clone()).flatten()
}

/// The suffix of `path` that starts at a schema named `item` (empty if none does).
fn relative_path(
    resolver: &Resolver<'_>,
    folder: Option<&str>,
    root_name: &str,
    root: &SchemaSpec,
    path: &[String],
    item: &str,
) -> Vec<String> {
    let same = |a: &str, b: &str| bare_schema_name(a) == bare_schema_name(b);
    if same(root_name, item) {
        return path.to_vec();
    }
    let mut schema = root;
    for (i, segment) in path.iter().enumerate() {
        let Some(prop) = schema.properties.as_ref().and_then(|p| p.get(segment)) else {
            break;
        };
        if same(&prop.kind, item) {
            return path[i + 1..].to_vec();
        }
        match resolver.schema(folder, &prop.kind) {
            Some(next) => schema = next,
            None => break,
        }
    }
    Vec::new()
}

fn example_body(
    resolver: &Resolver<'_>,
    folder: &str,
    schema: &str,
    format: Format,
    value: &serde_yaml::Value,
) -> Option<ExampleBody> {
    match format {
        Format::Json => serde_json::to_value(value).ok().map(|json| ExampleBody {
            text: serde_json::to_string_pretty(&json).unwrap_or_default(),
            json,
            xml: None,
        }),
        Format::Xml => {
            let text = value.as_str()?;
            let converted = xml_example::convert(resolver, folder, schema, text).ok()?;
            Some(ExampleBody {
                json: converted.json,
                xml: Some(converted.canonical),
                text: text.to_string(),
            })
        }
    }
}
