//! The models of the IR: Rust types, fields with their wire attributes and rules, enums, unions
//! and error contracts, built from the resolver's schemas (named and inline, `allOf` bases
//! included), and the example values made to match what the models write.

use serde_json::Value;

use crate::dates;
use crate::load::PropertySpec;
use crate::names::{camel, shouty, snake};
use crate::patterns;
use crate::resolve::{Entry, Format, Home, PropType, Resolver};

/// Where a type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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
    /// `i32` (`format: int32`).
    Int32,
    /// `f64`.
    Number,
    /// `f32` (`format: float`).
    Float,
    /// `bool`.
    Boolean,
    /// `azure_core::time::OffsetDateTime` (`format: date-time`).
    DateTime,
    /// `serde_json::Value`, a free-form object.
    Any,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A generated model.
    Model {
        /// Where it is defined.
        scope: Scope,
        /// Its Rust name.
        name: String,
    },
}

impl TypeRef {
    /// Whether the type holds a secret anywhere but inside a model.
    pub fn holds_secret(&self) -> bool {
        match self {
            TypeRef::Secret => true,
            TypeRef::Array(item) | TypeRef::Map(item) => item.holds_secret(),
            _ => false,
        }
    }

    /// Whether the type is (or holds, outside models) a map.
    pub fn holds_map(&self) -> bool {
        match self {
            TypeRef::Map(_) => true,
            TypeRef::Array(item) => item.holds_map(),
            _ => false,
        }
    }
}

/// A generated model type.
#[derive(Debug, Clone)]
pub struct Model {
    /// Rust name (`AccessKeys`).
    pub name: String,
    /// Documentation.
    pub docs: String,
    /// Struct, enum or union.
    pub kind: ModelKind,
    /// Present when an operation uses this schema as its error contract.
    pub error_contract: Option<ErrorContract>,
    /// Implements `CheckConstraints`: a request body reaches it, and it holds a constrained
    /// property (directly or through a nested model).
    pub checked: bool,
}

/// What a model is.
#[derive(Debug, Clone)]
pub enum ModelKind {
    /// An object.
    Struct {
        /// Fields in wire order, `allOf` bases' first.
        fields: Vec<Field>,
        /// For a union's variant: the discriminator it writes.
        tag: Option<Tag>,
        /// The type of properties beyond the listed ones, kept in a flattened map.
        extra: Option<TypeRef>,
    },
    /// A string enum that also accepts unknown values.
    Enum {
        /// Known values.
        variants: Vec<Variant>,
    },
    /// A discriminated union.
    Union {
        /// The discriminator's wire name.
        property: String,
        /// Known kinds.
        variants: Vec<UnionVariant>,
    },
}

/// The discriminator a union's variant writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The discriminator's wire name (`type`).
    pub property: String,
    /// This variant's value (`Managed`).
    pub value: String,
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
    /// Always present on the wire (and not read-only): the field is not an `Option`.
    pub required: bool,
    /// Set by the service, never sent.
    pub read_only: bool,
    /// The documented default, as written on the wire.
    pub default: Option<String>,
    /// A documented format that does not change the Rust type (`uuid`, `duration`).
    pub format: Option<String>,
    /// Constraints checked on request bodies.
    pub rules: Rules,
    /// The field's type holds a model that implements `CheckConstraints`.
    pub nested_check: bool,
    /// For an array sent as a wrapped XML list: the element name of each item.
    pub xml_item: Option<String>,
}

/// Constraints on a field's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// Minimum string length in characters (a pattern's look-ahead included).
    pub min_length: Option<u64>,
    /// Maximum string length in characters.
    pub max_length: Option<u64>,
    /// A pattern the `regex` crate compiles.
    pub pattern: Option<String>,
    /// Smallest number.
    pub minimum: Option<f64>,
    /// Largest number.
    pub maximum: Option<f64>,
    /// Fewest array items.
    pub min_items: Option<u64>,
    /// Most array items.
    pub max_items: Option<u64>,
}

impl Rules {
    /// No rule at all.
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust name (`PrimaryKey`).
    pub name: String,
    /// Wire value.
    pub wire: String,
}

/// A kind of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// Rust variant name (`Managed`).
    pub name: String,
    /// The discriminator's value (`Managed`).
    pub value: String,
    /// The variant's struct.
    pub ty: TypeRef,
    /// The variant's struct implements `CheckConstraints`.
    pub checked: bool,
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

/// The contract constant's name for an error schema.
pub fn contract_constant(schema: &str) -> String {
    format!("{}_CONTRACT", shouty(schema))
}

/// The Rust type of a schema, seen from a module: `common`'s own models are local there.
pub fn model_type(entry: &Entry<'_>, from: Home<'_>) -> TypeRef {
    let scope = match (entry.home, from) {
        (Home::Common, Home::Common) => Scope::Local,
        (Home::Common, _) => Scope::Common,
        _ => Scope::Local,
    };
    TypeRef::Model {
        scope,
        name: camel(&entry.name),
    }
}

/// The Rust type of a property (or element or value) type, seen from `from`.
pub fn type_ref(ty: &PropType<'_>, from: Home<'_>, secret: bool) -> TypeRef {
    match ty {
        PropType::Scalar(kind, spec) => {
            let format = spec.and_then(|s| s.format.as_deref());
            match (*kind, format) {
                ("string", Some("date-time")) => TypeRef::DateTime,
                ("string", _) if secret => TypeRef::Secret,
                ("string", _) => TypeRef::String,
                ("integer", Some("int32")) => TypeRef::Int32,
                ("integer", _) => TypeRef::Integer,
                ("number", Some("float")) => TypeRef::Float,
                ("number", _) => TypeRef::Number,
                _ => TypeRef::Boolean,
            }
        }
        PropType::Any | PropType::Unresolved(_) => TypeRef::Any,
        PropType::Schema(entry) => model_type(entry, from),
        PropType::Array(item) => TypeRef::Array(Box::new(type_ref(item, from, secret))),
        PropType::Map(item) => TypeRef::Map(Box::new(type_ref(item, from, secret))),
    }
}

/// The model of one schema; `from` is the module it is emitted in.
pub fn build_model(
    resolver: &Resolver<'_>,
    entry: &Entry<'_>,
    error_contract: Option<ErrorContract>,
) -> Model {
    let spec = entry.spec();
    let from = entry.home;
    let kind = if let Some(values) = &spec.enum_values {
        ModelKind::Enum {
            variants: values
                .iter()
                .map(|v| Variant {
                    name: camel(v),
                    wire: v.clone(),
                })
                .collect(),
        }
    } else if let Some(discriminator) = &spec.discriminator {
        ModelKind::Union {
            property: discriminator.property_name.clone(),
            variants: discriminator
                .mapping
                .iter()
                .filter_map(|(value, target)| {
                    let variant = resolver.lookup(entry.home, target)?;
                    Some(UnionVariant {
                        name: camel(value),
                        value: value.clone(),
                        ty: model_type(variant, from),
                        checked: false,
                    })
                })
                .collect(),
        }
    } else {
        let tag = resolver.union_of(entry).and_then(|(union, value)| {
            Some(Tag {
                property: union.spec().discriminator.as_ref()?.property_name.clone(),
                value: value.to_owned(),
            })
        });
        let fields = resolver
            .properties(entry)
            .into_iter()
            .filter(|p| tag.as_ref().is_none_or(|t| t.property != p.wire))
            .map(|p| {
                let ty = resolver.prop_type(p.owner, p.wire, p.spec);
                field(
                    p.wire,
                    p.spec,
                    type_ref(&ty, from, p.spec.secret),
                    p.required,
                )
            })
            .collect();
        let extra = resolver
            .extra_type(entry)
            .map(|ty| type_ref(&ty, from, false));
        ModelKind::Struct { fields, tag, extra }
    };
    Model {
        name: camel(&entry.name),
        docs: spec.docs.clone(),
        kind,
        error_contract,
        checked: false,
    }
}

fn field(wire: &str, spec: &PropertySpec, ty: TypeRef, required: bool) -> Field {
    let lowered = spec
        .pattern
        .as_deref()
        .and_then(|p| patterns::lower(p).ok());
    let min_length = spec
        .min_length
        .max(lowered.as_ref().and_then(|l| l.min_length));
    let max_length = match (spec.max_length, lowered.as_ref().and_then(|l| l.max_length)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let shown_format = spec.format.clone().filter(|f| {
        !matches!(
            f.as_str(),
            "date-time" | "int32" | "int64" | "float" | "double"
        )
    });
    Field {
        name: snake(wire),
        wire: wire.to_owned(),
        docs: spec.docs.clone(),
        ty,
        // A wrapped XML list may be an empty element, or absent.
        required: required && !spec.read_only && spec.xml.is_none(),
        read_only: spec.read_only,
        default: spec.default.as_ref().map(default_text),
        format: shown_format,
        rules: Rules {
            min_length,
            max_length,
            pattern: lowered.map(|l| l.pattern),
            minimum: spec.minimum,
            maximum: spec.maximum,
            min_items: spec.min_items,
            max_items: spec.max_items,
        },
        nested_check: false,
        xml_item: spec.xml.as_ref().map(|x| x.item_name.clone()),
    }
}

fn default_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// An example body of `entry` as the generated crate handles it: dates in the form the crate
/// writes, and, for a request (`request`), without the read-only properties the crate never
/// sends.
pub fn wire_json(
    resolver: &Resolver<'_>,
    ty: &PropType<'_>,
    value: &Value,
    request: bool,
) -> Value {
    match (ty, value) {
        (PropType::Scalar("string", Some(spec)), Value::String(text))
            if spec.format.as_deref() == Some("date-time") =>
        {
            Value::String(dates::canonical(text).unwrap_or_else(|| text.clone()))
        }
        (PropType::Array(item), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|v| wire_json(resolver, item, v, request))
                .collect(),
        ),
        (PropType::Map(item), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), wire_json(resolver, item, v, request)))
                .collect(),
        ),
        (PropType::Schema(entry), Value::Object(map)) => {
            if let Some(discriminator) = &entry.spec().discriminator {
                let variant = map
                    .get(&discriminator.property_name)
                    .and_then(Value::as_str)
                    .and_then(|kind| discriminator.mapping.get(kind))
                    .and_then(|v| resolver.lookup(entry.home, v));
                return match variant {
                    Some(variant) => {
                        wire_json(resolver, &PropType::Schema(variant), value, request)
                    }
                    None => value.clone(),
                };
            }
            let properties = resolver.properties(entry);
            let extra = resolver.extra_type(entry);
            let mut out = serde_json::Map::new();
            for (key, v) in map {
                match properties.iter().find(|p| p.wire == key) {
                    Some(p) if request && p.spec.read_only => {}
                    Some(p) => {
                        let ty = resolver.prop_type(p.owner, p.wire, p.spec);
                        out.insert(key.clone(), wire_json(resolver, &ty, v, request));
                    }
                    None => {
                        let v = match &extra {
                            Some(extra) => wire_json(resolver, extra, v, request),
                            None => v.clone(),
                        };
                        out.insert(key.clone(), v);
                    }
                }
            }
            Value::Object(out)
        }
        _ => value.clone(),
    }
}

/// The error contract of an error schema: its `errorFields` paths, and the paths inside one
/// element of its details array, found by walking the code path to the element's type.
pub fn error_contract(
    resolver: &Resolver<'_>,
    entry: &Entry<'_>,
    format: Format,
) -> Option<ErrorContract> {
    let fields = entry.spec().error_fields.as_ref()?;
    let split = |p: Option<&String>| -> Vec<String> {
        p.map(|p| p.split('.').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let code = split(Some(&fields.code));
    let message = split(Some(&fields.message));
    let target = split(fields.target.as_ref());
    let details = split(fields.details.as_ref());
    let detail_fields = match details_item(resolver, entry, &details) {
        Some(item) => {
            let relative = |path: &Vec<String>| relative_path(resolver, entry, path, item);
            ErrorFieldPaths {
                code: relative(&code),
                message: relative(&message),
                target: relative(&target),
            }
        }
        None => ErrorFieldPaths::default(),
    };
    Some(ErrorContract {
        constant: contract_constant(&entry.name),
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

/// The schema of the property at `path` below `root`.
fn walk<'r>(
    resolver: &'r Resolver<'_>,
    root: &'r Entry<'_>,
    path: &[String],
) -> Option<PropType<'r>> {
    let mut current: &Entry<'_> = root;
    let mut found = None;
    for (i, segment) in path.iter().enumerate() {
        let props = resolver.properties(current);
        let prop = props.iter().find(|p| p.wire == segment)?;
        let ty = resolver.prop_type(prop.owner, prop.wire, prop.spec);
        if i + 1 < path.len() {
            let PropType::Schema(next) = ty else {
                return None;
            };
            current = next;
        } else {
            found = Some(ty);
        }
    }
    found
}

/// The schema of the items of the array at `path`.
fn details_item<'r>(
    resolver: &'r Resolver<'_>,
    root: &'r Entry<'_>,
    path: &[String],
) -> Option<&'r Entry<'r>> {
    match walk(resolver, root, path)? {
        PropType::Array(item) => match *item {
            PropType::Schema(entry) => Some(entry),
            _ => None,
        },
        _ => None,
    }
}

/// The suffix of `path` that starts at the schema `item` (empty if none does).
fn relative_path(
    resolver: &Resolver<'_>,
    root: &Entry<'_>,
    path: &[String],
    item: &Entry<'_>,
) -> Vec<String> {
    if std::ptr::eq(root, item) {
        return path.to_vec();
    }
    for i in 1..=path.len() {
        if let Some(PropType::Schema(entry)) = walk(resolver, root, &path[..i])
            && std::ptr::eq(entry, item)
        {
            return path[i..].to_vec();
        }
    }
    Vec::new()
}
