//! References: every type a property names resolves, every schema reference points at a
//! schema, and no schema contains itself.

use std::collections::{BTreeMap, BTreeSet};

use super::{Cx, located};
use crate::diagnostics::{Diagnostics, suggest};
use crate::load::SpecSet;
use crate::locate::FieldPath;
use crate::resolve::{BUILTIN_TYPES, Entry, Home, PropType, Resolver};

impl Cx<'_, '_> {
    pub(super) fn type_ref(&mut self, at: &FieldPath, reference: &str) {
        if BUILTIN_TYPES.contains(&reference)
            || self.resolver.schema(self.home, reference).is_some()
        {
            return;
        }
        if reference
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && !reference.starts_with("common.")
        {
            let names = self.resolver.visible_names(self.home);
            let help = suggest(reference, BUILTIN_TYPES.iter().copied())
                .or_else(|| suggest(reference, names.iter().map(String::as_str)))
                .or_else(|| Some(format!("builtin types are {}", BUILTIN_TYPES.join(", "))));
            self.error(at, format!("unknown type `{reference}`"), help);
            return;
        }
        self.schema_ref(at, reference);
    }

    pub(super) fn schema_ref(&mut self, at: &FieldPath, reference: &str) -> bool {
        if self.resolver.schema(self.home, reference).is_some() {
            return true;
        }
        if !self.refs_complete {
            return false;
        }
        // Defined in a sibling operation file: that file's schemas are its own.
        let elsewhere = self.resolver.invisible_definitions(self.home, reference);
        if !elsewhere.is_empty() {
            let files = elsewhere
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(
                at,
                format!("schema `{reference}` is defined in {files}, another operation's file, which this file cannot see"),
                Some(format!("a schema several operations use belongs in the service's `service.yaml`: move `{reference}` there (or copy it under another name)")),
            );
            return false;
        }
        let names = self.resolver.visible_names(self.home);
        let help = suggest(reference, names.iter().map(String::as_str)).or_else(|| {
            if names.is_empty() {
                Some("no schemas are defined here".into())
            } else {
                Some(format!("known schemas: {}", names.join(", ")))
            }
        });
        let help = match (reference.strip_prefix("common."), self.home) {
            (None, Home::Service(_) | Home::Operation(..))
                if self.resolver.schema(Home::Common, reference).is_some() =>
            {
                Some(format!(
                    "`{reference}` is in common.yaml: write `common.{reference}`"
                ))
            }
            _ => help,
        };
        self.error(at, format!("unknown schema `{reference}`"), help);
        false
    }
}

/// Reports every schema that contains itself other than through an array or a map: the
/// generated type would have infinite size (`struct A { next: Option<A> }`), and every `allOf`
/// that includes itself.
pub(super) fn cycles<'s>(set: &'s SpecSet, resolver: &Resolver<'s>, out: &mut Diagnostics) {
    let files: BTreeMap<&str, &str> = set
        .common
        .iter()
        .map(|c| (c.path.as_str(), c.text.as_str()))
        .chain(set.services.iter().flat_map(|s| {
            std::iter::once((s.manifest.path.as_str(), s.manifest.text.as_str())).chain(
                s.operations
                    .iter()
                    .map(|o| (o.path.as_str(), o.text.as_str())),
            )
        }))
        .collect();
    let mut homes: Vec<Home<'_>> = vec![Home::Common];
    for service in &set.services {
        homes.extend(resolver.homes_of(&service.folder).iter().copied());
    }
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for home in homes {
        for start in resolver.entries_of(home) {
            let file = file_of(set, start);
            let text = files.get(file).copied().unwrap_or_default();
            // allOf that comes back to where it started.
            if let Some(trail) = all_of_cycle(resolver, start) {
                let mut key = trail.clone();
                key.sort();
                key.insert(0, "allOf".into());
                if reported.insert(key) {
                    out.push(located(
                        file,
                        text,
                        &start.at.key("allOf"),
                        format!(
                            "schema `{}` includes itself through `allOf` ({} -> {})",
                            start.name,
                            start.name,
                            trail.join(" -> ")
                        ),
                        Some("`allOf` builds on other schemas; remove the loop".into()),
                    ));
                }
            }
            // Depth-first search for a path of by-value fields back to the start.
            let mut stack: Vec<(&Entry<'_>, Vec<String>)> = vec![(start, vec![start.name.clone()])];
            let mut visited: Vec<*const Entry<'_>> = Vec::new();
            while let Some((entry, trail)) = stack.pop() {
                for (step, next) in by_value(resolver, entry) {
                    let mut next_trail = trail.clone();
                    next_trail.push(format!("{}.{step}", entry.name));
                    if std::ptr::eq(next, start) {
                        // The same cycle is found from each of its schemas: report it once.
                        let mut key: Vec<String> = next_trail[1..].to_vec();
                        key.sort();
                        if reported.insert(key) {
                            let path = next_trail[1..].join(" -> ");
                            out.push(located(
                                file,
                                text,
                                &start.at,
                                format!("schema `{}` contains itself ({path} -> {}), so its type would have infinite size", start.name, start.name),
                                Some("a schema can refer to itself only through an array or a map (`type: array`, `items: ...`)".into()),
                            ));
                        }
                        continue;
                    }
                    if !visited.contains(&(next as *const _)) {
                        visited.push(next);
                        stack.push((next, next_trail));
                    }
                }
            }
        }
    }
}

/// The path of the file `entry` is written in.
fn file_of<'s>(set: &'s SpecSet, entry: &Entry<'s>) -> &'s str {
    match entry.home {
        Home::Common => set.common.as_ref().map_or("", |c| c.path.as_str()),
        Home::Service(folder) => set
            .services
            .iter()
            .find(|s| s.folder == folder)
            .map_or("", |s| s.manifest.path.as_str()),
        Home::Operation(_, file) => file,
    }
}

/// The schemas `entry` holds by value (not through an array or a map), with the step that
/// reaches each: a property, or a union's variant.
fn by_value<'r>(resolver: &'r Resolver<'_>, entry: &'r Entry<'_>) -> Vec<(String, &'r Entry<'r>)> {
    let mut out = Vec::new();
    if let Some(discriminator) = &entry.spec().discriminator {
        for (value, variant) in &discriminator.mapping {
            if let Some(variant) = resolver.lookup(entry.home, variant) {
                out.push((value.clone(), variant));
            }
        }
        return out;
    }
    for prop in resolver.properties(entry) {
        if let PropType::Schema(next) = resolver.prop_type(prop.owner, prop.wire, prop.spec) {
            out.push((prop.wire.to_owned(), next));
        }
    }
    out
}

/// The names along an `allOf` path from `start` back to itself, if there is one.
fn all_of_cycle(resolver: &Resolver<'_>, start: &Entry<'_>) -> Option<Vec<String>> {
    let mut stack: Vec<(&Entry<'_>, Vec<String>)> = vec![(start, Vec::new())];
    let mut visited: Vec<*const Entry<'_>> = Vec::new();
    while let Some((entry, trail)) = stack.pop() {
        for base in &entry.spec().all_of {
            let Some(base) = resolver.lookup(entry.home, base) else {
                continue;
            };
            let mut next = trail.clone();
            next.push(base.name.clone());
            if std::ptr::eq(base, start) {
                return Some(next);
            }
            if !visited.contains(&(base as *const _)) {
                visited.push(base);
                stack.push((base, next));
            }
        }
    }
    None
}
