//! The rotatable kinds of a service, from `service.yaml`'s `rotation` entries: what the
//! emitter needs to implement the rotation trait over the service's own client and models.
//! Validation has checked every fact read here.

use heck::{ToKebabCase, ToTitleCase};

use crate::load::{LoadedService, RotationSpec, SlotSpec};
use crate::resource_paths;

use super::{CommonModule, Model, ModelKind, Operation, Scope, Service, TypeRef};

/// A kind of resource whose keys can be listed and regenerated.
#[derive(Debug, Clone)]
pub struct RotationKind {
    /// The target type (`NamespaceAuthorizationRuleKeys`).
    pub target: String,
    /// Documentation.
    pub docs: String,
    /// Stable name for scripts (`service-bus/namespace-authorization-rule`).
    pub kind_name: String,
    /// Name for people (`Service Bus namespace authorization rule`).
    pub title: String,
    /// The ID type of the operations (`NamespaceAuthorizationRuleId`).
    pub id_type: String,
    /// Its accessors, in the order the client methods take the path parameters.
    pub id_accessors: Vec<String>,
    /// The ID type of the `armResourceId`, if there is one.
    pub arm_id_type: Option<String>,
    /// The template of every ID form.
    pub templates: Vec<String>,
    /// The method that lists the keys.
    pub list: Call,
    /// The method that regenerates a key.
    pub regenerate: Call,
    /// How the regenerate body is built.
    pub body: BodyBuild,
    /// Where each slot's key and connection string are read.
    pub primary: SlotFields,
    /// See `primary`.
    pub secondary: SlotFields,
}

/// A client method a target calls.
#[derive(Debug, Clone)]
pub struct Call {
    /// Method name.
    pub method: String,
    /// Options struct name.
    pub options: String,
    /// Operation id, for docs.
    pub operation_id: String,
    /// Its result model.
    pub result: TypeRef,
    /// Returns a poller.
    pub long_running: bool,
}

/// The regenerate request body.
#[derive(Debug, Clone)]
pub struct BodyBuild {
    /// The body's model.
    pub ty: TypeRef,
    /// An argument (true) or an options field (false).
    pub required: bool,
    /// The selector's field.
    pub selector: String,
    /// The selector's wire name, for docs.
    pub selector_wire: String,
    /// Whether the selector field is an `Option`.
    pub selector_optional: bool,
    /// How each slot's value is written.
    pub values: SelectorValues,
    /// Every other field (all `Option`), set to `None`.
    pub others: Vec<String>,
    /// The body keeps extra properties in a map, left empty.
    pub extra: bool,
}

/// The selector's values for the two slots.
#[derive(Debug, Clone)]
pub enum SelectorValues {
    /// Variants of an enum: the enum's type, and the primary's and secondary's variant (with
    /// their wire values, for docs).
    Enum {
        /// The enum.
        ty: TypeRef,
        /// Primary's variant and wire value.
        primary: (String, String),
        /// Secondary's variant and wire value.
        secondary: (String, String),
    },
    /// Plain strings.
    Text {
        /// Primary's value.
        primary: String,
        /// Secondary's value.
        secondary: String,
    },
}

/// Where a slot's values are read from a result model.
#[derive(Debug, Clone)]
pub struct SlotFields {
    /// The key.
    pub key: Vec<FieldStep>,
    /// The connection string.
    pub connection_string: Option<Vec<FieldStep>>,
}

/// One step of a field path.
#[derive(Debug, Clone)]
pub struct FieldStep {
    /// The Rust field.
    pub field: String,
    /// The field is an `Option`.
    pub optional: bool,
}

/// The kinds of `service`, whose models, operations and ID types are built.
pub fn build(
    loaded: &LoadedService,
    service: &Service,
    common: Option<&CommonModule>,
) -> Vec<RotationKind> {
    loaded
        .manifest
        .spec
        .rotation
        .iter()
        .filter_map(|spec| kind(spec, loaded, service, common))
        .collect()
}

fn kind(
    spec: &RotationSpec,
    loaded: &LoadedService,
    service: &Service,
    common: Option<&CommonModule>,
) -> Option<RotationKind> {
    let op = |id: &str| service.operations.iter().find(|op| op.id == id);
    let (list, regenerate) = (op(&spec.list)?, op(&spec.regenerate)?);
    let pieces = resource_paths::resource_path(&list.path_template)?;
    let id_type = resource_paths::type_name(&pieces);
    let id = service.resource_ids.iter().find(|i| i.name == id_type)?;
    let arm = spec
        .arm_resource_id
        .as_deref()
        .and_then(resource_paths::resource_path);
    let mut templates = vec![id.template.clone()];
    templates.extend(arm.as_deref().map(resource_paths::template));
    let model = |ty: &TypeRef| find_model(ty, service, common);
    let list_result = result_type(list)?;
    let body = regenerate.body.as_ref()?;
    let body_model = model(&body.ty)?;
    let ModelKind::Struct { fields, extra, .. } = &body_model.kind else {
        return None;
    };
    let selector = fields.iter().find(|f| f.wire == spec.selector)?;
    let values = match &selector.ty {
        TypeRef::Model { .. } => {
            let ModelKind::Enum { variants } = &model(&selector.ty)?.kind else {
                return None;
            };
            let variant = |slot: &SlotSpec| {
                variants
                    .iter()
                    .find(|v| v.wire == slot.value)
                    .map(|v| (v.name.clone(), v.wire.clone()))
            };
            SelectorValues::Enum {
                ty: selector.ty.clone(),
                primary: variant(&spec.slots.primary)?,
                secondary: variant(&spec.slots.secondary)?,
            }
        }
        _ => SelectorValues::Text {
            primary: spec.slots.primary.value.clone(),
            secondary: spec.slots.secondary.value.clone(),
        },
    };
    let slot = |slot: &SlotSpec| -> Option<SlotFields> {
        Some(SlotFields {
            key: steps(&slot.key, list_result, service, common)?,
            connection_string: match &slot.connection_string {
                Some(path) => Some(steps(path, list_result, service, common)?),
                None => None,
            },
        })
    };
    let title = format!(
        "{} {}",
        service.title,
        spec.resource.to_title_case().to_lowercase()
    );
    Some(RotationKind {
        target: crate::names::rotation_target(&spec.resource),
        docs: spec.docs.clone(),
        kind_name: format!("{}/{}", loaded.folder, spec.resource.to_kebab_case()),
        title,
        id_type,
        id_accessors: id.fields.iter().map(|f| f.name.clone()).collect(),
        arm_id_type: arm.as_deref().map(resource_paths::type_name),
        templates,
        list: call(list)?,
        regenerate: call(regenerate)?,
        body: BodyBuild {
            ty: body.ty.clone(),
            required: body.required,
            selector: selector.name.clone(),
            selector_wire: selector.wire.clone(),
            selector_optional: !selector.required,
            values,
            others: fields
                .iter()
                .filter(|f| f.wire != spec.selector)
                .map(|f| f.name.clone())
                .collect(),
            extra: extra.is_some(),
        },
        primary: slot(&spec.slots.primary)?,
        secondary: slot(&spec.slots.secondary)?,
    })
}

fn result_type(op: &Operation) -> Option<&TypeRef> {
    op.success.iter().find_map(|s| s.ty.as_ref())
}

fn call(op: &Operation) -> Option<Call> {
    Some(Call {
        method: op.method_name.clone(),
        options: op.options_name.clone(),
        operation_id: op.id.clone(),
        result: result_type(op)?.clone(),
        long_running: op.long_running.is_some(),
    })
}

fn find_model<'m>(
    ty: &TypeRef,
    service: &'m Service,
    common: Option<&'m CommonModule>,
) -> Option<&'m Model> {
    let TypeRef::Model { scope, name } = ty else {
        return None;
    };
    let models = match scope {
        Scope::Local => &service.models,
        Scope::Common => &common?.models,
    };
    models.iter().find(|m| m.name == *name)
}

/// The fields a dotted wire path goes through, from `root`. A model in `common` refers to
/// others in `common` as local.
fn steps(
    path: &str,
    root: &TypeRef,
    service: &Service,
    common: Option<&CommonModule>,
) -> Option<Vec<FieldStep>> {
    let mut out = Vec::new();
    let mut current = root.clone();
    let mut in_common = false;
    for wire in path.split('.') {
        let current_ty = match (&current, in_common) {
            (TypeRef::Model { name, .. }, true) => TypeRef::Model {
                scope: Scope::Common,
                name: name.clone(),
            },
            (ty, _) => ty.clone(),
        };
        in_common = matches!(
            current_ty,
            TypeRef::Model {
                scope: Scope::Common,
                ..
            }
        );
        let ModelKind::Struct { fields, .. } = &find_model(&current_ty, service, common)?.kind
        else {
            return None;
        };
        let field = fields.iter().find(|f| f.wire == wire)?;
        out.push(FieldStep {
            field: field.name.clone(),
            optional: !field.required,
        });
        current = field.ty.clone();
    }
    Some(out)
}
