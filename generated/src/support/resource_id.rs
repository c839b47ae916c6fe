//! Resource IDs: reading an ID string against the template of a generated ID type, and writing
//! it back. Generated ID types call [`parse_id`] and [`write_id`] with their [`IdShape`].
//!
//! Reading: the ID starts with `/`; one trailing `/` is tolerated; it is split at `/`, and each
//! segment is percent-decoded once. Literal segments match the template ignoring ASCII case
//! (ARM returns `resourcegroups` and `authorizationrules`). A parameter's value is refused when
//! it is not UTF-8, empty or a dot segment (always), or when it breaks the spec's pattern or
//! length rules (unless the caller skips those, as `ClientOptions::skip_constraint_checks`
//! does). Writing: the template's own spelling, each value percent-encoded just enough that
//! reading it back gives the same value.

use super::error::{Error, ErrorKind};
use super::params::{ParamSpec, check_constraints};
use super::path::encode_segment;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::fmt;

/// One segment of an ID template, as generated code lists them.
#[derive(Debug)]
pub enum IdSegment {
    /// A fixed segment (`resourceGroups`), matched ignoring ASCII case.
    Literal(&'static str),
    /// A parameter, with the rules of each operation the ID serves that constrains it (one
    /// `ParamSpec` for each distinct set of rules, at least one for the name).
    Param(&'static [ParamSpec]),
}

/// The shape of a generated ID type.
#[derive(Debug)]
pub struct IdShape {
    /// The type's name, for messages (`NamespaceAuthorizationRuleId`).
    pub name: &'static str,
    /// The template, as documented (`/subscriptions/{subscriptionId}/...`).
    pub template: &'static str,
    /// The template's segments.
    pub segments: &'static [IdSegment],
}

/// Characters a value is percent-encoded for when an ID is written: those the URL path
/// percent-encode set names, `%` (so that reading decodes exactly once) and `/` (the segment
/// separator). Everything else, `(`, `)`, `.` and `_` included, stays as ARM writes it.
const ID_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Reads `id` as an ID of `shape`: the value of each parameter, in template order.
pub fn parse_id<const N: usize>(
    shape: &'static IdShape,
    id: &str,
    check: bool,
) -> Result<[String; N], ResourceIdError> {
    let error = |problem| ResourceIdError::new(shape, id, problem);
    let Some(path) = id.strip_prefix('/') else {
        return Err(error(IdProblem::NotAbsolute));
    };
    let path = path.strip_suffix('/').unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    let mut values = Vec::with_capacity(N);
    for (index, segment) in shape.segments.iter().enumerate() {
        let Some(part) = parts.get(index) else {
            return Err(error(IdProblem::Incomplete { segments: index }));
        };
        let decoded = percent_decode_str(part).decode_utf8();
        match segment {
            IdSegment::Literal(literal) => {
                if !decoded.is_ok_and(|text| text.eq_ignore_ascii_case(literal)) {
                    return Err(error(IdProblem::Segment {
                        position: index + 1,
                        found: (*part).to_owned(),
                        expected: literal,
                    }));
                }
            }
            IdSegment::Param(rules) => {
                let name = rules.first().map_or("", |rule| rule.name);
                let value = decoded.map_err(|_| {
                    error(IdProblem::Value {
                        parameter: name,
                        reason: format!("`{part}` is not UTF-8 text once percent-decoded"),
                    })
                })?;
                check_value(rules, &value, check).map_err(|reason| {
                    error(IdProblem::Value {
                        parameter: name,
                        reason,
                    })
                })?;
                values.push(value.into_owned());
            }
        }
    }
    if parts.len() > shape.segments.len() {
        return Err(error(IdProblem::TooLong {
            rest: parts[shape.segments.len()..].join("/"),
        }));
    }
    Ok(values
        .try_into()
        .unwrap_or_else(|_| unreachable!("the generated ID type has one field per parameter")))
}

/// The reason `value` is refused, if it is: empty and dot segments always, the spec's rules when
/// `check` is set.
fn check_value(rules: &[ParamSpec], value: &str, check: bool) -> Result<(), String> {
    let reason = |error: Error| match error.kind() {
        ErrorKind::InvalidParameter { reason, .. } => reason.clone(),
        _ => error.to_string(),
    };
    let name = rules.first().map_or("", |rule| rule.name);
    encode_segment(name, value).map_err(reason)?;
    if check {
        for rule in rules {
            check_constraints(rule, value).map_err(reason)?;
        }
    }
    Ok(())
}

/// Writes the ID of `shape` with `values` (in template order).
pub fn write_id(f: &mut fmt::Formatter<'_>, shape: &IdShape, values: &[&str]) -> fmt::Result {
    let mut values = values.iter();
    for segment in shape.segments {
        f.write_str("/")?;
        match segment {
            IdSegment::Literal(literal) => f.write_str(literal)?,
            IdSegment::Param(_) => {
                let value = values.next().copied().unwrap_or_default();
                write!(f, "{}", utf8_percent_encode(value, ID_VALUE))?;
            }
        }
    }
    Ok(())
}

/// The ID of `shape` with `values`, checked as [`parse_id`] checks it: what the generated
/// `new` functions call, so that building an ID and reading its text agree.
pub fn id_from_parts<const N: usize>(
    shape: &'static IdShape,
    values: [&str; N],
) -> Result<[String; N], ResourceIdError> {
    struct Text<'a>(&'a IdShape, &'a [&'a str]);
    impl fmt::Display for Text<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_id(f, self.0, self.1)
        }
    }
    parse_id(shape, &Text(shape, &values).to_string(), true)
}

/// A resource ID that does not fit: what was expected, and what is wrong.
///
/// `Display` quotes the ID (resource IDs are not secret), except when it does not even start
/// with `/`, which is not an ID at all (perhaps a key pasted in the wrong place).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceIdError {
    id: String,
    type_name: &'static str,
    template: &'static str,
    problem: IdProblem,
}

/// What is wrong with a resource ID.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdProblem {
    /// It does not start with `/`.
    NotAbsolute,
    /// Segment `position` (from 1) is `found` where the template has `expected`.
    Segment {
        /// The segment's position, from 1.
        position: usize,
        /// The segment as written.
        found: String,
        /// The template's literal.
        expected: &'static str,
    },
    /// It ends after `segments` segments, before the template does.
    Incomplete {
        /// How many segments it has.
        segments: usize,
    },
    /// It goes on after the template's last parameter.
    TooLong {
        /// What follows, without the leading `/`.
        rest: String,
    },
    /// A parameter's value is refused.
    Value {
        /// The parameter's wire name.
        parameter: &'static str,
        /// Why.
        reason: String,
    },
    /// It fits none of the kinds of resource the caller asked about.
    Unsupported {
        /// Each supported kind, for people, with the template of its ID.
        supported: Vec<(&'static str, &'static str)>,
    },
}

impl ResourceIdError {
    fn new(shape: &'static IdShape, id: &str, problem: IdProblem) -> Self {
        Self {
            id: id.to_owned(),
            type_name: shape.name,
            template: shape.template,
            problem,
        }
    }

    /// An ID that fits none of `supported` (kinds for people, with their templates).
    pub(crate) fn unsupported(id: &str, supported: Vec<(&'static str, &'static str)>) -> Self {
        Self {
            id: id.to_owned(),
            type_name: "",
            template: "",
            problem: IdProblem::Unsupported { supported },
        }
    }

    /// The ID as given.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The template the ID was read against (empty for [`IdProblem::Unsupported`]).
    pub fn expected(&self) -> &'static str {
        self.template
    }

    /// What is wrong.
    pub fn problem(&self) -> &IdProblem {
        &self.problem
    }

    /// `true` when the ID has the template's shape but a value is refused: it was meant for
    /// this type.
    pub fn is_invalid_value(&self) -> bool {
        matches!(self.problem, IdProblem::Value { .. })
    }
}

impl fmt::Display for ResourceIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (id, name, template) = (&self.id, self.type_name, self.template);
        match &self.problem {
            IdProblem::NotAbsolute => write!(
                f,
                "not a resource ID: it does not start with `/`; expected `{template}`"
            ),
            IdProblem::Segment {
                position,
                found,
                expected,
            } => write!(
                f,
                "`{id}` is not a `{name}`: segment {position} is `{found}` where `{expected}` belongs; expected `{template}`"
            ),
            IdProblem::Incomplete { segments } => write!(
                f,
                "`{id}` is not a complete `{name}`: it ends after {segments} segment{}; expected `{template}`",
                if *segments == 1 { "" } else { "s" }
            ),
            IdProblem::TooLong { rest } => write!(
                f,
                "`{id}` is not a `{name}`: it goes on with `/{rest}` after the last parameter; expected `{template}`"
            ),
            IdProblem::Value { parameter, reason } => {
                write!(f, "`{id}` is not a valid `{name}`: `{parameter}`: {reason}")
            }
            IdProblem::Unsupported { supported } => {
                if id.starts_with('/') {
                    write!(
                        f,
                        "`{id}` is not the ID of a resource this crate rotates keys of"
                    )?;
                } else {
                    f.write_str("not a resource ID: it does not start with `/`")?;
                }
                f.write_str("; supported:")?;
                for (kind, template) in supported {
                    write!(f, "\n  {kind}: {template}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ResourceIdError {}

impl From<ResourceIdError> for Error {
    fn from(error: ResourceIdError) -> Self {
        Error::new(ErrorKind::ResourceId(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;
    use std::sync::LazyLock;

    static NAME_PATTERN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new("^[a-z][a-z0-9-]*$").unwrap());
    static SHAPE: IdShape = IdShape {
        name: "ThingRuleId",
        template: "/subscriptions/{subscriptionId}/providers/Contoso.Things/things/{thingName}/rules/{ruleName}",
        segments: &[
            IdSegment::Literal("subscriptions"),
            IdSegment::Param(&[ParamSpec::named("subscriptionId")]),
            IdSegment::Literal("providers"),
            IdSegment::Literal("Contoso.Things"),
            IdSegment::Literal("things"),
            IdSegment::Param(&[
                ParamSpec {
                    name: "thingName",
                    min_length: Some(3),
                    max_length: Some(10),
                    pattern: None,
                },
                ParamSpec {
                    name: "thingName",
                    min_length: None,
                    max_length: None,
                    pattern: Some(&NAME_PATTERN),
                },
            ]),
            IdSegment::Literal("rules"),
            IdSegment::Param(&[ParamSpec::named("ruleName")]),
        ],
    };

    fn parse(id: &str) -> Result<[String; 3], ResourceIdError> {
        parse_id(&SHAPE, id, true)
    }

    fn write(values: [&str; 3]) -> String {
        struct Text<'a>([&'a str; 3]);
        impl fmt::Display for Text<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_id(f, &SHAPE, &self.0)
            }
        }
        Text(values).to_string()
    }

    #[test]
    fn reads_odd_casing_a_trailing_slash_and_encoded_values() {
        let values =
            parse("/SUBSCRIPTIONS/s1/Providers/contoso.things/Things/abc/RULES/r%2F1%20x/")
                .unwrap();
        assert_eq!(values, ["s1", "abc", "r/1 x"]);
        assert_eq!(
            write(["s1", "abc", "r/1 x"]),
            "/subscriptions/s1/providers/Contoso.Things/things/abc/rules/r%2F1%20x"
        );
        // Decoded exactly once: `%2541` is `%41`, not `A`.
        assert_eq!(
            parse("/subscriptions/s/providers/Contoso.Things/things/abc/rules/%2541").unwrap()[2],
            "%41"
        );
    }

    #[test]
    fn explains_what_is_wrong_and_shows_the_shape() {
        let message = |id: &str| parse(id).unwrap_err().to_string();
        let template = SHAPE.template;
        assert_eq!(
            message("/subscriptions/s/resourceGroups/rg"),
            format!(
                "`/subscriptions/s/resourceGroups/rg` is not a `ThingRuleId`: segment 3 is `resourceGroups` where `providers` belongs; expected `{template}`"
            )
        );
        assert_eq!(
            message("/subscriptions/s/providers/Contoso.Things/things/abc"),
            format!(
                "`/subscriptions/s/providers/Contoso.Things/things/abc` is not a complete `ThingRuleId`: it ends after 6 segments; expected `{template}`"
            )
        );
        assert_eq!(
            message("/subscriptions/s/providers/Contoso.Things/things/abc/rules/r/keys"),
            format!(
                "`/subscriptions/s/providers/Contoso.Things/things/abc/rules/r/keys` is not a `ThingRuleId`: it goes on with `/keys` after the last parameter; expected `{template}`"
            )
        );
        assert_eq!(
            message("primaryKey=c2VjcmV0"),
            format!("not a resource ID: it does not start with `/`; expected `{template}`")
        );
        assert_eq!(
            message("/subscriptions/s/providers/Contoso.Things/things/ab/rules/r"),
            "`/subscriptions/s/providers/Contoso.Things/things/ab/rules/r` is not a valid `ThingRuleId`: `thingName`: `ab` is 2 characters long; the minimum is 3",
        );
        let error = parse("/subscriptions/s/resourceGroups/rg").unwrap_err();
        assert_eq!(error.id(), "/subscriptions/s/resourceGroups/rg");
        assert_eq!(error.expected(), template);
        assert!(!error.is_invalid_value());
        assert!(
            message("/subscriptions/s/providers/Contoso.Things/things/Abc/rules/r")
                .ends_with("`thingName`: `Abc` does not match the pattern `^[a-z][a-z0-9-]*$`"),
        );
        assert!(
            message("/subscriptions/s/providers/Contoso.Things/things/abc/rules/%2E%2E")
                .contains("`..` is a dot segment"),
        );
        assert!(
            message("/subscriptions//providers/Contoso.Things/things/abc/rules/r").ends_with(
                "`subscriptionId`: the value is empty; a path parameter must not be empty"
            ),
        );
        assert!(
            message("/subscriptions/%FF/providers/Contoso.Things/things/abc/rules/r")
                .ends_with("`%FF` is not UTF-8 text once percent-decoded"),
        );
        assert!(parse("/subscriptions/s/providers/Contoso.Things/things/abc/rules/r//").is_err());
        assert!(parse("/").is_err());
    }

    #[test]
    fn rules_can_be_skipped_but_never_the_dot_segment_refusal() {
        assert!(
            parse_id::<3>(
                &SHAPE,
                "/subscriptions/s/providers/Contoso.Things/things/A/rules/r",
                false
            )
            .is_ok()
        );
        assert!(
            parse_id::<3>(
                &SHAPE,
                "/subscriptions/s/providers/Contoso.Things/things/./rules/r",
                false
            )
            .is_err()
        );
    }

    #[test]
    fn building_from_parts_checks_like_reading() {
        assert_eq!(
            id_from_parts(&SHAPE, ["s", "abc", "a/b"]).unwrap(),
            ["s", "abc", "a/b"]
        );
        let error = id_from_parts(&SHAPE, ["s", "ab", "r"]).unwrap_err();
        assert!(error.is_invalid_value(), "{error}");
        assert!(id_from_parts(&SHAPE, ["", "abc", "r"]).is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics(id in any::<String>()) {
            let _ = parse(&id);
            let _ = parse_id::<3>(&SHAPE, &id, false);
        }

        #[test]
        fn parsing_never_panics_on_id_like_text(id in "(/[a-zA-Z0-9%.]{0,12}){0,10}/?") {
            let _ = parse(&id);
        }

        #[test]
        fn written_ids_read_back(subscription in any::<String>(), rule in any::<String>(), thing in "[a-z][a-z0-9-]{2,9}") {
            prop_assume!(!matches!(subscription.as_str(), "" | "." | ".."));
            prop_assume!(!matches!(rule.as_str(), "" | "." | ".."));
            let id = write([&subscription, &thing, &rule]);
            let values = parse(&id).unwrap();
            prop_assert_eq!(&values, &[subscription.clone(), thing.clone(), rule.clone()]);
            prop_assert_eq!(write([&values[0], &values[1], &values[2]]), id);
        }
    }
}
