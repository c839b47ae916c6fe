//! `service.yaml`'s `rotation` entries and the resource ID types: every fact the generated
//! rotation API reads from the specs must hold, so that the generated code compiles and does
//! what the entry says.
//!
//! Per entry: its name and docs; the two operations exist, address the same resource, and need
//! nothing a rotation cannot give them (no caller-set query or header, no body for `list`);
//! `selector` is a property of `regenerate`'s body, the only one it requires, and each slot's
//! `value` is a value of its enum; each slot's `key` and `connectionString` lead, in both
//! operations' results, to a string marked `secret: true`; no value or field serves both
//! slots; an `armResourceId` holds every parameter the operations need. Per service: the ID
//! types' names (see [`crate::resource_paths`]) differ from each other and from the module's
//! other types. Across services: no two entries accept the same resource ID.

use std::collections::BTreeMap;

use super::names::ServiceNames;
use super::syntax::is_identifier_like;
use super::{Cx, located};
use crate::diagnostics::{Diagnostics, suggest};
use crate::load::{Loaded, LoadedService, OperationFile, RotationSpec, SlotSpec, SpecSet};
use crate::locate::FieldPath;
use crate::names::{bare, camel, rotation_target, snake};
use crate::resolve::{Entry, Home, PropType, Resolver};
use crate::resource_paths::{self, IdGroup, Origin, Piece};

/// The schema an operation's successful result has: its first 2xx response with a schema.
pub fn result_schema(op: &OperationFile) -> Option<&str> {
    op.responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, response)| response.schema.as_deref())
}

/// The methods every ID type has besides its accessors.
const ID_METHODS: &[&str] = &["new", "read", "parse_lenient", "from_str", "to_string"];

/// Checks the ID types of a service: their names against each other and the module's types,
/// and their accessors against the type's own methods.
pub(super) fn id_names(
    service: &LoadedService,
    groups: &[IdGroup<'_>],
    names: &ServiceNames,
    out: &mut Diagnostics,
) {
    let client = format!("{}Client", camel(&service.folder));
    let options: BTreeMap<String, &str> = service
        .operations
        .iter()
        .map(|op| {
            (
                format!("{}Options", camel(&op.spec.operation_id)),
                op.path.as_str(),
            )
        })
        .collect();
    let targets: Vec<String> = service
        .manifest
        .spec
        .rotation
        .iter()
        .map(|r| rotation_target(&r.resource))
        .collect();
    let mut seen: BTreeMap<&str, &IdGroup<'_>> = BTreeMap::new();
    for group in groups {
        let (file, text, at) = where_defined(service, group);
        for param in resource_paths::params(&group.pieces) {
            let accessor = snake(param);
            if ID_METHODS.contains(&bare(&accessor)) {
                out.push(located(
                    file,
                    text,
                    &at,
                    format!(
                        "path parameter `{param}` gives the accessor `{accessor}` of the ID type `{}`, a name the type uses itself",
                        group.name
                    ),
                    Some("rename the path parameter (its name is never sent)".into()),
                ));
            }
        }
        let shown = resource_paths::template(&group.pieces);
        let clash = if let Some(earlier) = seen.get(group.name.as_str()) {
            Some(format!(
                "the resource path `{shown}` gives the ID type `{}`, like `{}` ({})",
                group.name,
                resource_paths::template(&earlier.pieces),
                described(earlier)
            ))
        } else if let Some(file) = names.schema_file(&group.name) {
            Some(format!(
                "the resource path `{shown}` gives the ID type `{}`, the Rust name of a schema in `{file}`",
                group.name
            ))
        } else if group.name == client {
            Some(format!(
                "the resource path `{shown}` gives the ID type `{}`, the name of the service's client",
                group.name
            ))
        } else if let Some(file) = options.get(&group.name) {
            Some(format!(
                "the resource path `{shown}` gives the ID type `{}`, the options struct of the operation in `{file}`",
                group.name
            ))
        } else if targets.contains(&group.name) {
            Some(format!(
                "the resource path `{shown}` gives the ID type `{}`, the name of a rotation target",
                group.name
            ))
        } else {
            None
        };
        match clash {
            Some(message) => out.push(located(
                file,
                text,
                &at,
                message,
                Some("an ID type is named after the path parameters that follow the provider segment (`namespaceName` gives `Namespace`); rename a path parameter (its name is never sent) or the other type".into()),
            )),
            None => {
                seen.insert(&group.name, group);
            }
        }
    }
}

/// Where an ID group is defined: its first operation's `path`, or its alias.
fn where_defined<'s>(
    service: &'s LoadedService,
    group: &IdGroup<'s>,
) -> (&'s str, &'s str, FieldPath) {
    match (group.operations.first(), group.origin) {
        (Some(op), _) => (&op.path, &op.text, FieldPath::root().key("path")),
        (None, Origin::ArmAlias(index)) => (
            &service.manifest.path,
            &service.manifest.text,
            FieldPath::root()
                .key("rotation")
                .index(index)
                .key("armResourceId"),
        ),
        (None, Origin::Operations) => (
            &service.manifest.path,
            &service.manifest.text,
            FieldPath::root(),
        ),
    }
}

fn described(group: &IdGroup<'_>) -> String {
    match (group.operations.first(), group.origin) {
        (Some(op), _) => format!("`{}` in `{}`", op.spec.operation_id, op.path),
        (None, _) => "an `armResourceId`".to_string(),
    }
}

/// Across services: no two rotation entries may accept the same resource ID, or the entry
/// point could not tell which one an ID names.
pub(super) fn overlaps(set: &SpecSet, out: &mut Diagnostics) {
    let mut seen: Vec<(Vec<Piece>, String, String)> = Vec::new();
    for service in &set.services {
        let manifest = &service.manifest;
        for (index, entry) in manifest.spec.rotation.iter().enumerate() {
            let at = FieldPath::root().key("rotation").index(index);
            let list = service
                .operations
                .iter()
                .find(|op| op.spec.operation_id == entry.list);
            let mut shapes: Vec<(Vec<Piece>, FieldPath)> = Vec::new();
            if let Some(pieces) = list.and_then(|op| resource_paths::resource_path(&op.spec.path)) {
                shapes.push((pieces, at.key("list")));
            }
            if let Some(pieces) = entry
                .arm_resource_id
                .as_deref()
                .and_then(resource_paths::resource_path)
            {
                shapes.push((pieces, at.key("armResourceId")));
            }
            let label = format!("`{}` in `{}`", entry.resource, manifest.path);
            for (pieces, field) in shapes {
                if let Some((other, _, other_label)) = seen
                    .iter()
                    .find(|(other, _, _)| resource_paths::shapes_overlap(other, &pieces))
                {
                    out.push(located(
                        &manifest.path,
                        &manifest.text,
                        &field,
                        format!(
                            "resource IDs of the shape `{}` could also be IDs of {other_label} (`{}`)",
                            resource_paths::template(&pieces),
                            resource_paths::template(other)
                        ),
                        Some("the rotation entry point picks the kind by the ID's shape, so no two rotation entries may accept the same ID".into()),
                    ));
                } else {
                    seen.push((pieces, field.to_string(), label.clone()));
                }
            }
        }
    }
}

impl<'b> Cx<'_, 'b> {
    /// Checks `service.yaml`'s `rotation` entries (this context is the service's manifest).
    pub(super) fn rotation(
        &mut self,
        service: &'b LoadedService,
        names: &ServiceNames,
        groups: &[IdGroup<'_>],
    ) {
        let entries = &service.manifest.spec.rotation;
        let mut targets: BTreeMap<String, usize> = BTreeMap::new();
        for (index, entry) in entries.iter().enumerate() {
            let at = FieldPath::root().key("rotation").index(index);
            self.docs(&at.key("docs"), &entry.docs);
            self.target_name(&at, entry, index, &mut targets, names, groups);
            let list = self.operation_ref(service, &at.key("list"), &entry.list);
            let regenerate = self.operation_ref(service, &at.key("regenerate"), &entry.regenerate);
            if let Some(list) = list {
                self.callable(&at.key("list"), &list.spec, false);
            }
            if let Some(regenerate) = regenerate {
                self.callable(&at.key("regenerate"), &regenerate.spec, true);
            }
            let (Some(list), Some(regenerate)) = (list, regenerate) else {
                continue;
            };
            let list_path = resource_paths::resource_path(&list.spec.path);
            self.same_resource(&at, list, regenerate, list_path.as_deref());
            let values = self.selector(&at, service, regenerate, &entry.selector);
            self.slot_values(&at, entry, values.as_deref());
            self.slot_fields(&at, entry, service, list, regenerate);
            if let (Some(template), Some(list_path)) = (&entry.arm_resource_id, &list_path) {
                self.arm_resource_id(&at.key("armResourceId"), template, list_path);
            }
        }
    }

    fn target_name(
        &mut self,
        at: &FieldPath,
        entry: &RotationSpec,
        index: usize,
        targets: &mut BTreeMap<String, usize>,
        names: &ServiceNames,
        groups: &[IdGroup<'_>],
    ) {
        let at = at.key("resource");
        if !is_identifier_like(&entry.resource) {
            self.error(
                &at,
                format!("resource `{}` is not a name", entry.resource),
                Some("name the kind as a schema is named: ASCII letters and digits, starting with a letter (`NamespaceAuthorizationRule`)".into()),
            );
            return;
        }
        let target = rotation_target(&entry.resource);
        let clash = if let Some(earlier) = targets.get(&target) {
            Some(format!("like `rotation[{earlier}]`"))
        } else if let Some(file) = names.schema_file(&target) {
            Some(format!("the Rust name of a schema in `{file}`"))
        } else if groups.iter().any(|g| g.name == target) {
            Some("the name of a resource ID type".to_string())
        } else {
            None
        };
        match clash {
            Some(what) => self.error(
                &at,
                format!(
                    "resource `{}` gives the rotation target `{target}`, {what}",
                    entry.resource
                ),
                Some("rename the resource kind".into()),
            ),
            None => {
                targets.insert(target, index);
            }
        }
    }

    fn operation_ref(
        &mut self,
        service: &'b LoadedService,
        at: &FieldPath,
        id: &str,
    ) -> Option<&'b Loaded<OperationFile>> {
        let found = service
            .operations
            .iter()
            .find(|op| op.spec.operation_id == id);
        if found.is_none() && self.refs_complete {
            let ids = service
                .operations
                .iter()
                .map(|op| op.spec.operation_id.as_str());
            let help = suggest(id, ids.clone()).unwrap_or_else(|| {
                format!(
                    "the operations of this service are {}",
                    ids.map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            self.error(
                at,
                format!("no operation of this service has the id `{id}`"),
                Some(help),
            );
        }
        found
    }

    /// The operation must be callable with a resource's path parameters alone (and, for
    /// `regenerate`, a body naming the slot).
    fn callable(&mut self, at: &FieldPath, op: &OperationFile, regenerates: bool) {
        let id = &op.operation_id;
        for p in &op.parameters {
            if p.location != "path" && p.value.is_none() && p.required == Some(true) {
                self.error(
                    at,
                    format!(
                        "`{id}` requires the {} parameter `{}`, which a rotation has no value for",
                        p.location, p.name
                    ),
                    Some(
                        "rotation calls operations with the resource's path parameters only".into(),
                    ),
                );
            }
        }
        if regenerates {
            if op.request_body.is_none() {
                self.error(
                    at,
                    format!(
                        "`{id}` has no request body, so no value can name the slot to regenerate"
                    ),
                    Some(
                        "`regenerate` takes a body whose `selector` property names the slot".into(),
                    ),
                );
            }
        } else {
            if op.long_running.is_some() {
                self.error(
                    at,
                    format!("`{id}` is long-running; a rotation lists keys with a plain call"),
                    None,
                );
            }
            if op
                .request_body
                .as_ref()
                .is_some_and(|b| b.required != Some(false))
            {
                self.error(
                    at,
                    format!("`{id}` requires a request body, which a rotation has no value for"),
                    Some("`list` is called with the resource's path parameters only".into()),
                );
            }
        }
        if result_schema(op).is_none() {
            self.error(
                at,
                format!("`{id}` returns no body, so it returns no keys"),
                Some("both operations of a rotation entry return the keys".into()),
            );
        }
    }

    fn same_resource(
        &mut self,
        at: &FieldPath,
        list: &Loaded<OperationFile>,
        regenerate: &Loaded<OperationFile>,
        list_path: Option<&[Piece]>,
    ) {
        let Some(list_path) = list_path else {
            self.error(
                &at.key("list"),
                format!(
                    "`{}`'s path `{}` has no resource path: no parameter, or one that is not a whole segment",
                    list.spec.operation_id, list.spec.path
                ),
                Some("a rotation target is addressed by the resource ID its path parameters make".into()),
            );
            return;
        };
        let regenerate_path = resource_paths::resource_path(&regenerate.spec.path);
        let same = regenerate_path
            .as_deref()
            .is_some_and(|p| resource_paths::shape_key(p) == resource_paths::shape_key(list_path));
        if !same {
            self.error(
                &at.key("regenerate"),
                format!(
                    "`{}` addresses `{}`, but `{}` addresses `{}`",
                    regenerate.spec.operation_id,
                    regenerate_path
                        .as_deref()
                        .map_or_else(|| regenerate.spec.path.clone(), resource_paths::template),
                    list.spec.operation_id,
                    resource_paths::template(list_path)
                ),
                Some("a rotation entry lists and regenerates the keys of one resource: the two paths must be the same up to their last parameter".into()),
            );
        }
    }

    /// Checks the selector; returns the enum's values, or `None` when any string goes (or the
    /// selector could not be checked).
    fn selector(
        &mut self,
        at: &FieldPath,
        service: &'b LoadedService,
        regenerate: &'b Loaded<OperationFile>,
        selector: &str,
    ) -> Option<Vec<String>> {
        let at = at.key("selector");
        let body = regenerate.spec.request_body.as_ref()?;
        let home = Home::Operation(&service.folder, &regenerate.path);
        let resolver = self.resolver;
        let entry = resolver.lookup(home, &body.schema)?;
        let props = resolver.properties(entry);
        if entry.spec().enum_values.is_some() || entry.spec().discriminator.is_some() {
            self.error(
                &at,
                format!(
                    "the request body of `{}`, `{}`, is not an object with properties",
                    regenerate.spec.operation_id, entry.name
                ),
                Some("the selector is a property of the body".into()),
            );
            return None;
        }
        let Some(prop) = props.iter().find(|p| p.wire == selector) else {
            let help = suggest(selector, props.iter().map(|p| p.wire)).unwrap_or_else(|| {
                format!(
                    "its properties are {}",
                    props
                        .iter()
                        .map(|p| format!("`{}`", p.wire))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            self.error(
                &at,
                format!(
                    "the request body of `{}`, `{}`, has no property `{selector}`",
                    regenerate.spec.operation_id, entry.name
                ),
                Some(help),
            );
            return None;
        };
        for other in props.iter().filter(|p| p.required && p.wire != selector) {
            self.error(
                &at,
                format!(
                    "the request body of `{}`, `{}`, requires `{}` too, which a rotation has no value for",
                    regenerate.spec.operation_id, entry.name, other.wire
                ),
                Some("a rotation sends the selector alone: every other property of the body must be optional".into()),
            );
        }
        match resolver.prop_type(prop.owner, prop.wire, prop.spec) {
            PropType::Schema(schema) if schema.spec().enum_values.is_some() => {
                schema.spec().enum_values.clone()
            }
            PropType::Scalar("string", _) => None,
            _ => {
                self.error(
                    &at,
                    format!(
                        "selector `{selector}` is a `{}`; a slot is named by a string or a string enum",
                        prop.spec.kind
                    ),
                    None,
                );
                None
            }
        }
    }

    fn slot_values(&mut self, at: &FieldPath, entry: &RotationSpec, values: Option<&[String]>) {
        let slots = at.key("slots");
        for (name, slot) in slots_of(entry) {
            let at = slots.key(name).key("value");
            if let Some(values) = values
                && !values.contains(&slot.value)
            {
                let help =
                    suggest(&slot.value, values.iter().map(String::as_str)).unwrap_or_else(|| {
                        format!(
                            "the values of `{}` are {}",
                            entry.selector,
                            values
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                self.error(
                    &at,
                    format!(
                        "`{}` is not a value of the selector `{}`",
                        slot.value, entry.selector
                    ),
                    Some(help),
                );
            } else if slot.value.is_empty() {
                self.error(&at, "the slot's value is empty", None);
            }
        }
        if entry.slots.primary.value == entry.slots.secondary.value {
            self.error(
                &slots.key("secondary").key("value"),
                format!(
                    "both slots are named by the value `{}`",
                    entry.slots.secondary.value
                ),
                Some("each slot has its own value: one regenerates the primary key, the other the secondary".into()),
            );
        }
    }

    fn slot_fields(
        &mut self,
        at: &FieldPath,
        entry: &RotationSpec,
        service: &'b LoadedService,
        list: &'b Loaded<OperationFile>,
        regenerate: &'b Loaded<OperationFile>,
    ) {
        let slots = at.key("slots");
        let result = |op: &'b Loaded<OperationFile>| {
            let home = Home::Operation(&service.folder, &op.path);
            result_schema(&op.spec).and_then(|schema| self.resolver.lookup(home, schema))
        };
        let list_result = result(list);
        let regenerate_result = result(regenerate);
        // Which slot and key each field path serves, to find one serving two.
        let mut used: BTreeMap<&str, FieldPath> = BTreeMap::new();
        for (name, slot) in slots_of(entry) {
            let fields = [
                ("key", Some(&slot.key)),
                ("connectionString", slot.connection_string.as_ref()),
            ];
            for (key, path) in fields {
                let Some(path) = path else {
                    continue;
                };
                let at = slots.key(name).key(key);
                if let Some(earlier) = used.get(path.as_str()) {
                    self.error(
                        &at,
                        format!("`{path}` is mapped already, at `{earlier}`"),
                        Some(
                            "each slot's key and connection string are fields of their own".into(),
                        ),
                    );
                    continue;
                }
                used.insert(path, at.clone());
                if let Some(schema) = list_result {
                    self.slot_field(&at, &list.spec.operation_id, schema, path);
                }
                if let Some(schema) = regenerate_result
                    && !list_result.is_some_and(|l| std::ptr::eq(l, schema))
                {
                    self.slot_field(&at, &regenerate.spec.operation_id, schema, path);
                }
            }
        }
        let (primary, secondary) = (&entry.slots.primary, &entry.slots.secondary);
        if primary.connection_string.is_some() != secondary.connection_string.is_some() {
            let (with, without) = if primary.connection_string.is_some() {
                ("primary", "secondary")
            } else {
                ("secondary", "primary")
            };
            self.error(
                &slots.key(without),
                format!("the {with} slot has a `connectionString`, the {without} slot none"),
                Some("map a connection string for both slots or for neither".into()),
            );
        }
    }

    /// `path` (dotted) must lead from `schema` through objects to a secret string.
    fn slot_field(&mut self, at: &FieldPath, op: &str, schema: &Entry<'_>, path: &str) {
        let resolver: &Resolver<'_> = self.resolver;
        let mut current = schema;
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let props = resolver.properties(current);
            let Some(prop) = props.iter().find(|p| p.wire == *segment) else {
                let help = suggest(segment, props.iter().map(|p| p.wire)).unwrap_or_else(|| {
                    format!(
                        "its properties are {}",
                        props
                            .iter()
                            .map(|p| format!("`{}`", p.wire))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
                let whose = if i == 0 {
                    format!("the result of `{op}`, `{}`,", current.name)
                } else {
                    format!("`{}` (in the result of `{op}`)", current.name)
                };
                self.error(
                    at,
                    format!("{whose} has no property `{segment}`"),
                    Some(help),
                );
                return;
            };
            let last = i + 1 == segments.len();
            match resolver.prop_type(prop.owner, prop.wire, prop.spec) {
                PropType::Scalar("string", _) if last => {
                    if !prop.spec.secret {
                        self.error(
                            at,
                            format!(
                                "`{path}` in the result of `{op}` is not marked `secret: true`"
                            ),
                            Some("mark every key and connection string `secret: true`, so it never prints".into()),
                        );
                    }
                }
                PropType::Schema(next)
                    if !last
                        && next.spec().enum_values.is_none()
                        && next.spec().discriminator.is_none() =>
                {
                    current = next;
                }
                _ => {
                    let wanted = if last {
                        "a string"
                    } else {
                        "an object holding the rest of the path"
                    };
                    self.error(
                        at,
                        format!(
                            "`{segment}` in the result of `{op}` is a `{}`, not {wanted}",
                            prop.spec.kind
                        ),
                        None,
                    );
                    return;
                }
            }
        }
    }

    fn arm_resource_id(&mut self, at: &FieldPath, template: &str, list_path: &[Piece]) {
        let Some(pieces) = resource_paths::resource_path(template) else {
            self.error(
                at,
                format!("`{template}` is not a resource ID template"),
                Some("write the ID's path with a `{name}` segment for each parameter, starting with `/`".into()),
            );
            return;
        };
        if resource_paths::template(&pieces) != template {
            self.error(
                at,
                format!("`{template}` goes on after its last parameter"),
                Some("a resource ID ends with its last parameter".into()),
            );
        }
        let names: Vec<&str> = resource_paths::params(&pieces).collect();
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                self.error(
                    at,
                    format!("`{{{name}}}` appears twice in `{template}`"),
                    None,
                );
            }
        }
        let missing: Vec<String> = resource_paths::params(list_path)
            .filter(|p| !names.contains(p))
            .map(|p| format!("`{{{p}}}`"))
            .collect();
        if !missing.is_empty() {
            self.error(
                at,
                format!(
                    "`{template}` lacks {}, which the operations need",
                    missing.join(", ")
                ),
                Some("name each parameter of the operations' resource path in the ID".into()),
            );
        }
    }
}

fn slots_of(entry: &RotationSpec) -> [(&'static str, &SlotSpec); 2] {
    [
        ("primary", &entry.slots.primary),
        ("secondary", &entry.slots.secondary),
    ]
}
