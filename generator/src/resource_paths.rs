//! Resource IDs from path templates, shared by validate (names, collisions) and the IR.
//!
//! An operation's *resource path* is its path template up to its last parameter: for
//! `POST .../namespaces/{namespaceName}/AuthorizationRules/{authorizationRuleName}/listKeys`,
//! `.../namespaces/{namespaceName}/AuthorizationRules/{authorizationRuleName}`. Operations of a
//! service whose resource paths have the same shape (literal segments equal ignoring ASCII case,
//! the same parameters in the same places) address the same kind of resource and share one
//! resource ID type, whose fields are those parameters.
//!
//! # How an ID type is named
//!
//! After the path parameters that follow the resource provider segment (the last literal segment
//! holding a `.`, `Microsoft.ServiceBus`), each without a trailing `Name` or `Id`, in
//! UpperCamelCase, then `Id`: `{namespaceName}`, `{authorizationRuleName}` give
//! `NamespaceAuthorizationRuleId`. A resource path without a provider segment (a classic Service
//! Management path, `/{subscriptionId}/services/storageservices/{serviceName}`) uses every
//! parameter: `SubscriptionServiceId`. Two shapes of one service that get the same name are an
//! error (validate reports it).
//!
//! A path whose resource path has no parameter, or a parameter that is only part of a segment
//! (`{name}.json`), gets no ID type.

use crate::load::{Loaded, LoadedService, OperationFile};
use heck::ToUpperCamelCase;

/// One segment of a resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A fixed segment, as the spec spells it (`resourceGroups`).
    Literal(String),
    /// A whole-segment parameter, by wire name.
    Param(String),
}

/// The segments of `template` up to its last parameter; `None` when it has no parameter, a
/// parameter that is not a whole segment, or does not start with `/`.
pub fn resource_path(template: &str) -> Option<Vec<Piece>> {
    let rest = template.strip_prefix('/')?;
    let mut pieces = Vec::new();
    for segment in rest.split('/') {
        if let Some(name) = segment
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .filter(|name| !name.is_empty() && !name.contains(['{', '}']))
        {
            pieces.push(Piece::Param(name.to_string()));
        } else if segment.contains(['{', '}']) {
            return None;
        } else {
            pieces.push(Piece::Literal(segment.to_string()));
        }
    }
    let last = pieces.iter().rposition(|p| matches!(p, Piece::Param(_)))?;
    pieces.truncate(last + 1);
    Some(pieces)
}

/// The shape two resource paths share when they address the same kind of resource: literals
/// lower-cased, parameters by name.
pub fn shape_key(pieces: &[Piece]) -> Vec<Piece> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(text) => Piece::Literal(text.to_ascii_lowercase()),
            Piece::Param(name) => Piece::Param(name.clone()),
        })
        .collect()
}

/// Whether one ID string could fit both shapes: as many segments, and wherever both have a
/// literal, the same one (ignoring case).
pub fn shapes_overlap(a: &[Piece], b: &[Piece]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (Piece::Literal(x), Piece::Literal(y)) => x.eq_ignore_ascii_case(y),
            _ => true,
        })
}

/// The template as written: `/subscriptions/{subscriptionId}/...`.
pub fn template(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Literal(text) => format!("/{text}"),
            Piece::Param(name) => format!("/{{{name}}}"),
        })
        .collect()
}

/// The parameters of a resource path, in order.
pub fn params(pieces: &[Piece]) -> impl Iterator<Item = &str> {
    pieces.iter().filter_map(|p| match p {
        Piece::Param(name) => Some(name.as_str()),
        Piece::Literal(_) => None,
    })
}

/// The ID type's name; see the module documentation.
pub fn type_name(pieces: &[Piece]) -> String {
    let provider = pieces
        .iter()
        .rposition(|p| matches!(p, Piece::Literal(text) if text.contains('.')));
    let named = match provider {
        Some(at) if pieces[at..].iter().any(|p| matches!(p, Piece::Param(_))) => &pieces[at..],
        _ => pieces,
    };
    let stems: String = params(named)
        .map(|name| stem(name).to_upper_camel_case())
        .collect();
    if stems.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{stems}Id")
    } else {
        format!("{stems}Id")
    }
}

/// `namespaceName` -> `namespace`, `subscriptionId` -> `subscription`.
fn stem(param: &str) -> &str {
    ["Name", "Id"]
        .iter()
        .find_map(|suffix| param.strip_suffix(suffix).filter(|s| !s.is_empty()))
        .unwrap_or(param)
}

/// Where an ID type comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The resource paths of operations.
    Operations,
    /// The `armResourceId` of the rotation entry at this index of `service.yaml`'s `rotation`.
    ArmAlias(usize),
}

/// One ID type of a service.
#[derive(Debug, Clone)]
pub struct IdGroup<'a> {
    /// Its Rust name.
    pub name: String,
    /// Its segments, literals as the first operation (or the alias) spells them.
    pub pieces: Vec<Piece>,
    /// The operations whose resource path it is, in file order (none for an alias).
    pub operations: Vec<&'a Loaded<OperationFile>>,
    /// Where it comes from.
    pub origin: Origin,
}

/// The ID types of a service: one per resource path shape of its operations, in order of first
/// use, then one per rotation entry's `armResourceId`. Shapes that share a name are kept apart
/// (validate reports them).
pub fn service_ids(service: &LoadedService) -> Vec<IdGroup<'_>> {
    let mut groups: Vec<IdGroup<'_>> = Vec::new();
    for op in &service.operations {
        let Some(pieces) = resource_path(&op.spec.path) else {
            continue;
        };
        let key = shape_key(&pieces);
        match groups.iter_mut().find(|g| shape_key(&g.pieces) == key) {
            Some(group) => group.operations.push(op),
            None => groups.push(IdGroup {
                name: type_name(&pieces),
                pieces,
                operations: vec![op],
                origin: Origin::Operations,
            }),
        }
    }
    for (index, rotation) in service.manifest.spec.rotation.iter().enumerate() {
        if let Some(pieces) = rotation.arm_resource_id.as_deref().and_then(resource_path) {
            groups.push(IdGroup {
                name: type_name(&pieces),
                pieces,
                operations: Vec::new(),
                origin: Origin::ArmAlias(index),
            });
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(template: &str) -> String {
        type_name(&resource_path(template).expect("a resource path"))
    }

    #[test]
    fn resource_paths_end_at_the_last_parameter() {
        let pieces = resource_path("/subscriptions/{s}/providers/X.Y/things/{t}/listKeys").unwrap();
        assert_eq!(
            template(&pieces),
            "/subscriptions/{s}/providers/X.Y/things/{t}"
        );
        assert_eq!(params(&pieces).collect::<Vec<_>>(), ["s", "t"]);
        assert_eq!(resource_path("/providers/X.Y/operations"), None);
        assert_eq!(resource_path("/things/{t}.json"), None);
        assert_eq!(resource_path("things/{t}"), None);
    }

    #[test]
    fn names_come_from_the_parameters_after_the_provider() {
        assert_eq!(
            name(
                "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ServiceBus/namespaces/{namespaceName}/AuthorizationRules/{authorizationRuleName}/regenerateKeys"
            ),
            "NamespaceAuthorizationRuleId"
        );
        assert_eq!(
            name("/{subscriptionId}/services/storageservices/{serviceName}/keys"),
            "SubscriptionServiceId"
        );
        assert_eq!(
            name("/subscriptions/{subscriptionId}/providers/Microsoft.X/checkNameAvailability"),
            "SubscriptionId"
        );
        assert_eq!(name("/a/{Name}/b/{keyKind}"), "NameKeyKindId");
        // Keywords and leading digits need no escape inside the joined name.
        assert_eq!(name("/{self}/{1stKey}/{ref}"), "Self1stKeyRefId");
        assert_eq!(name("/{1stKey}"), "V1stKeyId");
    }

    #[test]
    fn shapes_compare_literals_without_case() {
        let a = resource_path("/a/{x}/Rules/{y}").unwrap();
        let b = resource_path("/A/{x}/rules/{y}/go").unwrap();
        let c = resource_path("/a/{x}/rules/{z}").unwrap();
        assert_eq!(shape_key(&a), shape_key(&b));
        assert_ne!(shape_key(&a), shape_key(&c));
        assert!(shapes_overlap(&a, &c));
        assert!(!shapes_overlap(
            &a,
            &resource_path("/a/{x}/keys/{y}").unwrap()
        ));
        assert!(!shapes_overlap(&a, &resource_path("/a/{x}").unwrap()));
    }
}
