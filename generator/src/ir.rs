//! Stage 3, IR: the resolved model in Rust terms. Built only from a validated [`SpecSet`]; the
//! emitters read only this, never the YAML types. Every Azure difference between operations is
//! data here (endpoint sets, encodings, error contract paths, long-running behaviour, secrets).

use std::collections::BTreeMap;

mod models;
mod resource_ids;
mod rotation;

use crate::load::{
    CloudEndpointSpec, CommonFile, ExampleSpec, Loaded, LoadedService, OperationFile, PageableSpec,
    SpecSet,
};
use crate::names::{camel, snake};
use crate::parallel;
use crate::patterns;
use crate::resolve::{Home, PropType, Resolver};
use crate::xml_example;

pub use crate::resolve::Format;
pub use models::{
    ErrorContract, ErrorFieldPaths, Field, Model, ModelKind, Rules, Scope, Tag, TypeRef,
    UnionVariant, Variant, contract_constant,
};
pub use resource_ids::{IdField, IdSegment, IdType};
pub use rotation::{BodyBuild, Call, FieldStep, RotationKind, SelectorValues, SlotFields};

/// The whole generated crate.
#[derive(Debug, Clone)]
pub struct Crate {
    /// Schemas shared by every service (`crate::common`).
    pub common: Option<CommonModule>,
    /// The endpoint sets (`crate::endpoints`), when `common.yaml` defines any.
    pub endpoints: Option<EndpointsModule>,
    /// Services in folder order.
    pub services: Vec<Service>,
}

/// The `endpoints` module: one type per endpoint set of `common.yaml`.
#[derive(Debug, Clone)]
pub struct EndpointsModule {
    /// Spec file it comes from.
    pub source: String,
    /// The sets, in spec order.
    pub sets: Vec<EndpointSet>,
}

/// One kind of management endpoint (Azure Resource Manager, say): where it is, and which token
/// audience it takes, in each cloud.
#[derive(Debug, Clone)]
pub struct EndpointSet {
    /// Rust type name (`ResourceManager`), in `crate::endpoints`.
    pub type_name: String,
    /// Documentation.
    pub docs: String,
    /// In the public cloud (the default).
    pub azure_public: CloudEndpoint,
    /// In Azure operated by 21Vianet.
    pub azure_china: CloudEndpoint,
    /// In Azure US Government.
    pub azure_government: CloudEndpoint,
}

/// An endpoint in one cloud.
#[derive(Debug, Clone)]
pub struct CloudEndpoint {
    /// Scheme and host (`https://management.azure.com`), no trailing slash.
    pub host: String,
    /// Token audience, exactly as written (a trailing slash is part of it).
    pub audience: String,
}

impl From<&CloudEndpointSpec> for CloudEndpoint {
    fn from(spec: &CloudEndpointSpec) -> Self {
        Self {
            host: spec.host.trim_end_matches('/').to_string(),
            audience: spec.audience.clone(),
        }
    }
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
    /// The resource provider namespace (`Microsoft.ServiceBus`): the `az.namespace` of the
    /// client's spans.
    pub namespace: String,
    /// The endpoint set the client is reached through.
    pub endpoint: EndpointSet,
    /// Every spec file of the service, for the generated header.
    pub sources: Vec<String>,
    /// Models of this service, in spec order.
    pub models: Vec<Model>,
    /// Operations in file order.
    pub operations: Vec<Operation>,
    /// The `ParamSpec` statics of the client module, one per wire name and constraints that
    /// the operations' caller-supplied parameters use (each `Param::spec_static` names one).
    pub param_specs: Vec<ParamSpecStatic>,
    /// Resource ID types: one per resource path of the operations, and per `armResourceId`.
    pub resource_ids: Vec<IdType>,
    /// Kinds of resource whose keys rotate.
    pub rotations: Vec<RotationKind>,
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
    /// The name of the call's tracing span, as the Azure SDK names them from the operation id:
    /// the provider namespace, the operation group and the operation in lower camel case
    /// (`Microsoft.ServiceBus.Namespaces.regenerateKeys`).
    pub span_name: String,
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
    /// For XML: the root element's namespace.
    pub xml_namespace: Option<String>,
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
    /// Wire name.
    pub wire: String,
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

/// A parameter's wire name and constraints, as one static of the client module shares them
/// among every operation that takes the parameter alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpecStatic {
    /// The static's name (`NAMESPACE_NAME`; `NAMESPACE_NAME_2` for a second set of
    /// constraints on the same name).
    pub name: String,
    /// The parameter's name on the wire.
    pub wire: String,
    /// What a value must meet before a request is sent.
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
    /// The model implements `CheckConstraints`: the client checks it before sending.
    pub checked: bool,
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
    /// For XML bodies: the root element's namespace.
    pub xml_namespace: Option<String>,
    /// Documented header names.
    pub headers: Vec<String>,
}

/// The error contract an operation uses.
#[derive(Debug, Clone)]
pub struct ErrorRef {
    /// The error model.
    pub ty: TypeRef,
    /// For an XML error body: its root element and namespace.
    pub xml_root: Option<(String, Option<String>)>,
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
    /// The body as the generated crate writes it: dates in its form, and a request without
    /// its read-only properties.
    pub expected: serde_json::Value,
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
    build_with(set, &Resolver::new(set))
}

/// [`build`] with the set's resolver made already (validation uses the same one).
pub fn build_with<'s>(set: &'s SpecSet, resolver: &Resolver<'s>) -> Crate {
    let endpoints = set.common.as_ref().and_then(build_endpoints);
    let sets: &[EndpointSet] = endpoints.as_ref().map_or(&[], |e| &e.sets);
    // Services are built on every core; the error schemas of common they use are merged in
    // service order, each once, as one pass over them would list them.
    let mut common_errors: Vec<(String, Format)> = Vec::new();
    let mut services: Vec<Service> = Vec::with_capacity(set.services.len());
    let built = parallel::map(&set.services, |service| {
        build_service(resolver, service, sets)
    });
    for (service, errors) in built {
        for (name, format) in errors {
            add_once(&mut common_errors, name, format);
        }
        services.push(service);
    }
    let mut common = set
        .common
        .as_ref()
        .map(|common| build_common(resolver, common, &common_errors));
    mark_checked(common.as_mut(), &mut services);
    // IDs read the built operations; rotation reads the IDs and the models, common's included.
    let pairs: Vec<(&Service, &LoadedService)> = services.iter().zip(&set.services).collect();
    let ids = parallel::map(&pairs, |(service, loaded)| {
        resource_ids::build(loaded, service)
    });
    for (service, ids) in services.iter_mut().zip(ids) {
        service.resource_ids = ids;
    }
    let pairs: Vec<(&Service, &LoadedService)> = services.iter().zip(&set.services).collect();
    let rotations = parallel::map(&pairs, |(service, loaded)| {
        rotation::build(loaded, service, common.as_ref())
    });
    for (service, rotations) in services.iter_mut().zip(rotations) {
        service.rotations = rotations;
    }
    Crate {
        common,
        endpoints,
        services,
    }
}

fn build_endpoints(common: &Loaded<CommonFile>) -> Option<EndpointsModule> {
    let sets: Vec<EndpointSet> = common
        .spec
        .endpoints
        .iter()
        .map(|(name, set)| EndpointSet {
            type_name: camel(name),
            docs: set.docs.clone(),
            azure_public: (&set.clouds.azure_public).into(),
            azure_china: (&set.clouds.azure_china).into(),
            azure_government: (&set.clouds.azure_government).into(),
        })
        .collect();
    (!sets.is_empty()).then(|| EndpointsModule {
        source: common.path.clone(),
        sets,
    })
}

fn build_common(
    resolver: &Resolver,
    common: &Loaded<CommonFile>,
    errors: &[(String, Format)],
) -> CommonModule {
    CommonModule {
        source: common.path.clone(),
        docs: common.spec.docs.clone(),
        models: build_models(resolver, &[Home::Common], errors),
    }
}

/// The models of the schemas written in `homes`; the schemas named in `errors` get their
/// error contract.
fn build_models(
    resolver: &Resolver,
    homes: &[Home<'_>],
    errors: &[(String, Format)],
) -> Vec<Model> {
    homes
        .iter()
        .flat_map(|&home| resolver.entries_of(home))
        .map(|entry| {
            let contract = errors
                .iter()
                .find(|(name, _)| *name == entry.name && entry.inline.is_none())
                .and_then(|(_, format)| models::error_contract(resolver, entry, *format));
            models::build_model(resolver, entry, contract)
        })
        .collect()
}

fn build_service(
    resolver: &Resolver,
    service: &LoadedService,
    endpoint_sets: &[EndpointSet],
) -> (Service, Vec<(String, Format)>) {
    let folder = service.folder.as_str();
    let mut operations: Vec<Operation> = service
        .operations
        .iter()
        .map(|op| build_operation(resolver, folder, &service.manifest.spec.namespace, op))
        .collect();
    let param_specs = share_param_specs(&mut operations);
    // An error schema gets its contract constant in the module that defines it, once.
    let mut local_errors: Vec<(String, Format)> = Vec::new();
    let mut common_errors: Vec<(String, Format)> = Vec::new();
    for loaded in &service.operations {
        let home = Home::Operation(folder, loaded.path.as_str());
        let Some(entry) = loaded
            .spec
            .responses
            .get("default")
            .and_then(|r| r.schema.as_deref())
            .and_then(|schema| resolver.lookup(home, schema))
        else {
            continue;
        };
        let format = error_format(&loaded.spec);
        let errors = match entry.home {
            Home::Common => &mut common_errors,
            _ => &mut local_errors,
        };
        add_once(errors, entry.name.clone(), format);
    }
    let models = build_models(resolver, resolver.homes_of(folder), &local_errors);
    let manifest = &service.manifest.spec;
    let mut sources = vec![service.manifest.path.clone()];
    sources.extend(service.operations.iter().map(|op| op.path.clone()));
    let service = Service {
        folder: folder.to_string(),
        module: snake(folder),
        client: format!("{}Client", camel(folder)),
        title: manifest.title.clone(),
        docs: manifest.docs.clone(),
        namespace: manifest.namespace.clone(),
        endpoint: endpoint_sets
            .iter()
            .find(|set| set.type_name == camel(&manifest.endpoint))
            .cloned()
            .expect("validate checked that the endpoint set exists"),
        sources,
        models,
        operations,
        param_specs,
        resource_ids: Vec::new(),
        rotations: Vec::new(),
    };
    (service, common_errors)
}

/// Adds an error schema to a list of them, unless it is there already (with its first format).
fn add_once(errors: &mut Vec<(String, Format)>, name: String, format: Format) {
    if !errors.iter().any(|(n, _)| *n == name) {
        errors.push((name, format));
    }
}

/// One `ParamSpec` static per wire name and constraints among the caller-supplied parameters
/// of `operations`, in the order they first appear; points each parameter's `spec_static` at
/// its static. A name whose constraints differ between operations (a pattern in one, none in
/// another) gets one static per set, the later ones numbered from 2.
fn share_param_specs(operations: &mut [Operation]) -> Vec<ParamSpecStatic> {
    let mut shared: Vec<ParamSpecStatic> = Vec::new();
    for param in operations
        .iter_mut()
        .flat_map(|op| op.params.iter_mut())
        .filter(|p| p.fixed.is_none())
    {
        if let Some(found) = shared
            .iter()
            .find(|s| s.wire == param.wire && s.constraints == param.constraints)
        {
            param.spec_static = found.name.clone();
            continue;
        }
        let base = param.spec_static.clone();
        let name = (1..)
            .map(|k| {
                if k == 1 {
                    base.clone()
                } else {
                    format!("{base}_{k}")
                }
            })
            .find(|name| shared.iter().all(|s| s.name != *name))
            .expect("some numbered name is free");
        param.spec_static = name.clone();
        shared.push(ParamSpecStatic {
            name,
            wire: param.wire.clone(),
            constraints: param.constraints.clone(),
        });
    }
    shared
}

fn error_format(op: &OperationFile) -> Format {
    op.responses
        .get("default")
        .and_then(|r| r.content_type.as_deref())
        .and_then(Format::from_content_type)
        .unwrap_or(Format::Json)
}

/// Marks the models that implement `CheckConstraints`: those a request body reaches that hold
/// a constrained property, directly or through a nested model they also reach.
fn mark_checked(common: Option<&mut CommonModule>, services: &mut [Service]) {
    // Keys are (module, Rust name); `None` is `common`.
    type Key = (Option<String>, String);
    let key = |module: &Option<String>, ty: &TypeRef| -> Option<Key> {
        match ty {
            TypeRef::Model {
                scope: Scope::Common,
                name,
            } => Some((None, name.clone())),
            TypeRef::Model {
                scope: Scope::Local,
                name,
            } => Some((module.clone(), name.clone())),
            TypeRef::Array(item) | TypeRef::Map(item) => {
                let mut inner: &TypeRef = item;
                while let TypeRef::Array(next) | TypeRef::Map(next) = inner {
                    inner = next;
                }
                match inner {
                    TypeRef::Model {
                        scope: Scope::Common,
                        name,
                    } => Some((None, name.clone())),
                    TypeRef::Model { name, .. } => Some((module.clone(), name.clone())),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let mut all: std::collections::BTreeMap<Key, &Model> = std::collections::BTreeMap::new();
    let common_ref = common.as_deref();
    if let Some(common) = common_ref {
        for model in &common.models {
            all.insert((None, model.name.clone()), model);
        }
    }
    for service in services.iter() {
        for model in &service.models {
            all.insert((Some(service.module.clone()), model.name.clone()), model);
        }
    }
    // What each model holds by reference, from the module it lives in.
    let children = |(module, _): &Key, model: &Model| -> Vec<Key> {
        match &model.kind {
            ModelKind::Struct { fields, .. } => {
                fields.iter().filter_map(|f| key(module, &f.ty)).collect()
            }
            ModelKind::Union { variants, .. } => {
                variants.iter().filter_map(|v| key(module, &v.ty)).collect()
            }
            ModelKind::Enum { .. } => Vec::new(),
        }
    };
    // Models that hold a constraint, directly or not: a fixed point.
    let mut constrained: std::collections::BTreeSet<Key> = all
        .iter()
        .filter(|(_, m)| match &m.kind {
            ModelKind::Struct { fields, .. } => {
                fields.iter().any(|f| !f.rules.is_empty() && !f.read_only)
            }
            _ => false,
        })
        .map(|(k, _)| k.clone())
        .collect();
    loop {
        let before = constrained.len();
        for (k, m) in &all {
            if !constrained.contains(k) && children(k, m).iter().any(|c| constrained.contains(c)) {
                constrained.insert(k.clone());
            }
        }
        if constrained.len() == before {
            break;
        }
    }
    // Models a request body reaches.
    let mut reached: std::collections::BTreeSet<Key> = std::collections::BTreeSet::new();
    let mut queue: Vec<Key> = services
        .iter()
        .flat_map(|s| {
            let module = Some(s.module.clone());
            s.operations
                .iter()
                .filter_map(move |op| key(&module, &op.body.as_ref()?.ty))
        })
        .collect();
    while let Some(next) = queue.pop() {
        if let Some(model) = all.get(&next)
            && reached.insert(next.clone())
        {
            queue.extend(children(&next, model));
        }
    }
    let checked: std::collections::BTreeSet<Key> =
        constrained.intersection(&reached).cloned().collect();
    drop(all);
    let mark = |module: Option<String>, models: &mut [Model]| {
        for model in models {
            model.checked = checked.contains(&(module.clone(), model.name.clone()));
            match &mut model.kind {
                ModelKind::Struct { fields, .. } => {
                    for field in fields {
                        field.nested_check =
                            key(&module, &field.ty).is_some_and(|k| checked.contains(&k));
                    }
                }
                ModelKind::Union { variants, .. } => {
                    for variant in variants {
                        variant.checked =
                            key(&module, &variant.ty).is_some_and(|k| checked.contains(&k));
                    }
                }
                ModelKind::Enum { .. } => {}
            }
        }
    };
    if let Some(common) = common {
        mark(None, &mut common.models);
    }
    for service in services.iter_mut() {
        mark(Some(service.module.clone()), &mut service.models);
        for op in &mut service.operations {
            if let Some(body) = &mut op.body {
                body.checked = key(&Some(service.module.clone()), &body.ty)
                    .is_some_and(|k| checked.contains(&k));
            }
        }
    }
}

/// `Microsoft.ServiceBus` and `Namespaces_RegenerateKeys` give
/// `Microsoft.ServiceBus.Namespaces.regenerateKeys`; an id without a group gives
/// `Microsoft.ServiceBus.regenerateKeys`.
fn span_name(namespace: &str, operation_id: &str) -> String {
    let (group, operation) = match operation_id.split_once('_') {
        Some((group, operation)) => (Some(group), operation),
        None => (None, operation_id),
    };
    let mut chars = operation.chars();
    let operation: String = chars
        .next()
        .map(|first| first.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect();
    match group {
        Some(group) => format!("{namespace}.{group}.{operation}"),
        None => format!("{namespace}.{operation}"),
    }
}

fn build_operation(
    resolver: &Resolver,
    folder: &str,
    namespace: &str,
    loaded: &Loaded<OperationFile>,
) -> Operation {
    let op = &loaded.spec;
    let home = Home::Operation(folder, loaded.path.as_str());
    // Validation has resolved every reference.
    let named = |reference: &str| {
        resolver
            .lookup(home, reference)
            .map_or(TypeRef::Any, |entry| models::model_type(entry, home))
    };
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
                spec_static: crate::names::shouty(&p.name),
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
                .schema(home, &b.schema)
                .and_then(|s| s.xml.as_ref())
                .and_then(|x| x.namespace.clone());
            (resolver.xml_root(home, &b.schema), namespace)
        });
        Body {
            ty: named(&b.schema),
            docs: b.docs.clone(),
            format,
            xml_root,
            required: b.required.unwrap_or(true),
            checked: false,
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
                (Some(schema), Format::Xml) => Some(resolver.xml_root(home, schema)),
                _ => None,
            };
            let xml_namespace = r
                .schema
                .as_deref()
                .filter(|_| format == Format::Xml)
                .and_then(|schema| resolver.schema(home, schema))
                .and_then(|s| s.xml.as_ref())
                .and_then(|x| x.namespace.clone());
            Some(SuccessResponse {
                status,
                docs: r.docs.clone(),
                ty: r.schema.as_deref().map(named),
                format,
                xml_root,
                xml_namespace,
                headers: r.headers.keys().cloned().collect(),
            })
        })
        .collect();
    let error_schema = op
        .responses
        .get("default")
        .and_then(|r| r.schema.clone())
        .unwrap_or_default();
    let error_ty = named(&error_schema);
    let error_xml = (error_format(op) == Format::Xml).then(|| {
        let namespace = resolver
            .schema(home, &error_schema)
            .and_then(|s| s.xml.as_ref())
            .and_then(|x| x.namespace.clone());
        (resolver.xml_root(home, &error_schema), namespace)
    });
    let error = ErrorRef {
        xml_root: error_xml,
        scope: match &error_ty {
            TypeRef::Model { scope, .. } => scope.clone(),
            _ => Scope::Local,
        },
        constant: contract_constant(
            &resolver
                .lookup(home, &error_schema)
                .map_or(error_schema.clone(), |e| e.name.clone()),
        ),
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
        .and_then(|pageable| paging(resolver, home, op, pageable, &params));
    let examples = op
        .examples
        .iter()
        .map(|(name, ex)| build_example(resolver, home, op, name, ex, &success))
        .collect();
    Operation {
        source: loaded.path.clone(),
        id: op.operation_id.clone(),
        options_name: format!("{}Options", camel(&op.operation_id)),
        method_name,
        span_name: span_name(namespace, &op.operation_id),
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
        xml_namespace: with.xml_namespace.clone(),
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
    home: Home<'_>,
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
    let entry = resolver.lookup(home, name)?;
    let model = models::build_model(resolver, entry, None);
    let ModelKind::Struct { fields, .. } = &model.kind else {
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
        wire: f.wire.clone(),
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
    home: Home<'_>,
    op: &OperationFile,
    name: &str,
    ex: &ExampleSpec,
    success: &[SuccessResponse],
) -> Example {
    let request_body = match (&ex.request_body, &op.request_body) {
        (Some(value), Some(body)) => {
            let format = Format::from_content_type(&body.content_type).unwrap_or(Format::Json);
            example_body(resolver, home, &body.schema, format, value, true)
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
                    example_body(resolver, home, &schema, doc.format, value, false)
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

/// An example body: as documented (to build a request model from, and to serve), and as the
/// generated crate writes it (`expected`; see [`models::wire_json`]).
fn example_body(
    resolver: &Resolver<'_>,
    home: Home<'_>,
    schema: &str,
    format: Format,
    value: &serde_yaml::Value,
    request: bool,
) -> Option<ExampleBody> {
    let entry = resolver.lookup(home, schema)?;
    let (json, xml, text) = match format {
        Format::Json => {
            let json = serde_json::to_value(value).ok()?;
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            (json, None, text)
        }
        Format::Xml => {
            let text = value.as_str()?;
            let converted = xml_example::convert(resolver, home, schema, text).ok()?;
            (converted.json, Some(converted.canonical), text.to_string())
        }
    };
    let expected = models::wire_json(resolver, &PropType::Schema(entry), &json, request);
    Some(ExampleBody {
        json,
        expected,
        xml,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::span_name;

    #[test]
    fn spans_are_named_like_the_azure_sdk_names_them() {
        assert_eq!(
            span_name("Microsoft.ServiceBus", "Namespaces_RegenerateKeys"),
            "Microsoft.ServiceBus.Namespaces.regenerateKeys"
        );
        assert_eq!(
            span_name("Microsoft.Cache", "Databases_Get"),
            "Microsoft.Cache.Databases.get"
        );
        assert_eq!(
            span_name("Contoso.Widgets", "CheckNameAvailability"),
            "Contoso.Widgets.checkNameAvailability"
        );
    }
}
