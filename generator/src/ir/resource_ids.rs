//! The resource ID types of a service: one per resource path shape of its operations, and one
//! per rotation entry's `armResourceId` (see [`crate::resource_paths`] for the shapes and the
//! names). Each field keeps the rules every operation that shares the ID puts on it.

use crate::load::LoadedService;
use crate::names::{shouty, snake};
use crate::resource_paths::{self, Origin, Piece};

use super::{Constraints, Location, Service};

/// A resource ID type.
#[derive(Debug, Clone)]
pub struct IdType {
    /// Rust name (`NamespaceAuthorizationRuleId`).
    pub name: String,
    /// Name of the static holding its shape (`NAMESPACE_AUTHORIZATION_RULE_ID`).
    pub shape_static: String,
    /// The template (`/subscriptions/{subscriptionId}/...`).
    pub template: String,
    /// Its segments, in order.
    pub segments: Vec<IdSegment>,
    /// Its fields, one per parameter, in template order.
    pub fields: Vec<IdField>,
    /// The methods of the service's client whose resource this is, in file order.
    pub methods: Vec<String>,
    /// For an `armResourceId`: the name of the operations' ID type it converts into.
    pub converts_into: Option<String>,
}

/// A segment of an ID template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdSegment {
    /// Fixed text, as spelled in the spec.
    Literal(String),
    /// The field at this index.
    Field(usize),
}

/// A field of an ID type: a path parameter.
#[derive(Debug, Clone)]
pub struct IdField {
    /// Wire name (`namespaceName`).
    pub wire: String,
    /// Rust name of the field and its accessor (`namespace_name`).
    pub name: String,
    /// Documentation, from the first operation's parameter.
    pub docs: String,
    /// Each distinct set of rules the operations put on it; one entry without rules when none
    /// does. Every one is checked.
    pub rules: Vec<Constraints>,
}

/// The ID types of `service` (whose operations are already built), in the order
/// [`resource_paths::service_ids`] gives.
pub fn build(loaded: &LoadedService, service: &Service) -> Vec<IdType> {
    let groups = resource_paths::service_ids(loaded);
    let mut out: Vec<IdType> = Vec::new();
    for group in &groups {
        let operations: Vec<&super::Operation> = group
            .operations
            .iter()
            .filter_map(|loaded_op| {
                service
                    .operations
                    .iter()
                    .find(|op| op.source == loaded_op.path)
            })
            .collect();
        let (fields, converts_into) = match group.origin {
            Origin::Operations => (fields_of(&group.pieces, &operations), None),
            Origin::ArmAlias(index) => {
                // The alias takes the rules of the operations' ID, field by field.
                let rotation = &loaded.manifest.spec.rotation[index];
                let target = loaded
                    .operations
                    .iter()
                    .find(|op| op.spec.operation_id == rotation.list)
                    .and_then(|op| resource_paths::resource_path(&op.spec.path))
                    .and_then(|pieces| {
                        out.iter()
                            .find(|id| id.name == resource_paths::type_name(&pieces))
                    });
                let fields = resource_paths::params(&group.pieces)
                    .map(|wire| {
                        target
                            .and_then(|t| t.fields.iter().find(|f| f.wire == wire))
                            .cloned()
                            .unwrap_or_else(|| IdField {
                                wire: wire.to_string(),
                                name: snake(wire),
                                docs: format!("The `{wire}` segment of the ID."),
                                rules: vec![Constraints::default()],
                            })
                    })
                    .collect();
                (fields, target.map(|t| t.name.clone()))
            }
        };
        let mut next = 0;
        let segments = group
            .pieces
            .iter()
            .map(|piece| match piece {
                Piece::Literal(text) => IdSegment::Literal(text.clone()),
                Piece::Param(_) => {
                    next += 1;
                    IdSegment::Field(next - 1)
                }
            })
            .collect();
        out.push(IdType {
            shape_static: shouty(&group.name),
            name: group.name.clone(),
            template: resource_paths::template(&group.pieces),
            segments,
            fields,
            methods: operations.iter().map(|op| op.method_name.clone()).collect(),
            converts_into,
        });
    }
    out
}

/// The fields of an operations' ID: each parameter's docs from the first operation, and the
/// rules of all of them (see [`merged`]).
fn fields_of(pieces: &[Piece], operations: &[&super::Operation]) -> Vec<IdField> {
    resource_paths::params(pieces)
        .map(|wire| {
            let params: Vec<&super::Param> = operations
                .iter()
                .filter_map(|op| {
                    op.params
                        .iter()
                        .find(|p| p.location == Location::Path && p.wire == wire)
                })
                .collect();
            IdField {
                wire: wire.to_string(),
                name: snake(wire),
                docs: params.first().map(|p| p.docs.clone()).unwrap_or_default(),
                rules: merged(params.iter().map(|p| &p.constraints)),
            }
        })
        .collect()
}

/// What every one of `rules` allows: the largest minimum, the smallest maximum, and each
/// distinct pattern; one set when there is at most one pattern, else one set per pattern (the
/// lengths in the first).
fn merged<'c>(rules: impl Iterator<Item = &'c Constraints>) -> Vec<Constraints> {
    let mut min_length = None;
    let mut max_length: Option<u64> = None;
    let mut patterns: Vec<String> = Vec::new();
    for rule in rules {
        min_length = min_length.max(rule.min_length);
        max_length = match (max_length, rule.max_length) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(pattern) = &rule.pattern
            && !patterns.contains(pattern)
        {
            patterns.push(pattern.clone());
        }
    }
    let lengths = Constraints {
        min_length,
        max_length,
        pattern: None,
    };
    if patterns.is_empty() {
        return vec![lengths];
    }
    patterns
        .into_iter()
        .enumerate()
        .map(|(index, pattern)| Constraints {
            pattern: Some(pattern),
            ..if index == 0 {
                lengths.clone()
            } else {
                Constraints::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(min: Option<u64>, max: Option<u64>, pattern: Option<&str>) -> Constraints {
        Constraints {
            min_length: min,
            max_length: max,
            pattern: pattern.map(str::to_string),
        }
    }

    #[test]
    fn rules_of_operations_sharing_an_id_merge_into_what_all_allow() {
        assert_eq!(merged([].iter()), [rule(None, None, None)]);
        assert_eq!(
            merged(
                [
                    rule(Some(6), Some(50), None),
                    rule(Some(1), Some(40), Some("^a"))
                ]
                .iter()
            ),
            [rule(Some(6), Some(40), Some("^a"))]
        );
        assert_eq!(
            merged(
                [
                    rule(None, Some(9), Some("^a")),
                    rule(None, None, Some("^b")),
                    rule(None, None, Some("^a"))
                ]
                .iter()
            ),
            [
                rule(None, Some(9), Some("^a")),
                rule(None, None, Some("^b"))
            ]
        );
    }
}
