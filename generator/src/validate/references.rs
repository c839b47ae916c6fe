//! References: every type a property names resolves, every schema reference points at a
//! schema, and no schema contains itself.

use std::collections::{BTreeMap, BTreeSet};

use super::{Cx, located};
use crate::diagnostics::{Diagnostics, suggest};
use crate::load::SpecSet;
use crate::locate::FieldPath;
use crate::resolve::{BUILTIN_TYPES, Resolver};

impl Cx<'_, '_> {
    pub(super) fn type_ref(&mut self, at: &FieldPath, reference: &str) {
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

    pub(super) fn schema_ref(&mut self, at: &FieldPath, reference: &str) -> bool {
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
}

/// Reports every schema that contains itself other than through an array: the generated struct
/// would have infinite size (`struct A { next: Option<A> }`).
pub(super) fn cycles(set: &SpecSet, resolver: &Resolver<'_>, out: &mut Diagnostics) {
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
