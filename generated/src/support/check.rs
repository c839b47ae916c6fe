//! Constraints on request bodies (`minLength`, `maxLength`, `pattern`, `minimum`, `maximum`,
//! `minItems`, `maxItems` of a property), checked before anything is sent, like parameters.
//!
//! Generated code implements [`CheckConstraints`] for every request model that holds a
//! constrained property, directly or through a nested model; each impl checks its own fields and
//! recurses into nested ones. A failure names the property by its path from the body
//! (`parameters.properties.maxSizeInMegabytes`, `parameters.rights[1]`).

use super::error::{Error, Result};
use regex::Regex;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

/// A model whose properties carry constraints.
pub trait CheckConstraints {
    /// Checks every constrained property, reporting the first failure at its path below `at`.
    fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()>;
}

impl<T: CheckConstraints> CheckConstraints for Option<T> {
    fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
        match self {
            Some(value) => value.check_constraints(at),
            None => Ok(()),
        }
    }
}

impl<T: CheckConstraints> CheckConstraints for Box<T> {
    fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
        (**self).check_constraints(at)
    }
}

impl<T: CheckConstraints> CheckConstraints for Vec<T> {
    fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
        self.iter()
            .enumerate()
            .try_for_each(|(i, item)| item.check_constraints(&at.index(i)))
    }
}

impl<T: CheckConstraints> CheckConstraints for BTreeMap<String, T> {
    fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
        self.iter()
            .try_for_each(|(key, value)| value.check_constraints(&at.key(key)))
    }
}

/// Where a value sits in a request body; rendered only when a check fails.
#[derive(Clone, Copy, Debug)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Name(&'a str),
    Index(usize),
    Key(&'a str),
}

impl<'a> FieldPath<'a> {
    /// The body itself, named like the method's argument.
    pub const fn root(name: &'a str) -> Self {
        Self {
            parent: None,
            step: Step::Name(name),
        }
    }

    /// A property, by wire name.
    pub fn field(&'a self, name: &'a str) -> Self {
        self.child(Step::Name(name))
    }

    /// An array element.
    pub fn index(&'a self, index: usize) -> Self {
        self.child(Step::Index(index))
    }

    /// A map value.
    pub fn key(&'a self, key: &'a str) -> Self {
        self.child(Step::Key(key))
    }

    fn child(&'a self, step: Step<'a>) -> Self {
        Self {
            parent: Some(self),
            step,
        }
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.step {
            Step::Name(name) if self.parent.is_none() => f.write_str(name),
            Step::Name(name) => write!(f, ".{name}"),
            Step::Index(index) => write!(f, "[{index}]"),
            Step::Key(key) => write!(f, "[{key:?}]"),
        }
    }
}

/// Rules on a string property.
#[derive(Debug)]
pub struct StringRule {
    /// Minimum length in characters.
    pub min_length: Option<usize>,
    /// Maximum length in characters.
    pub max_length: Option<usize>,
    /// Compiled on first use; the generator has checked that it compiles.
    pub pattern: Option<&'static LazyLock<Regex>>,
    /// The value is a secret: a failure never shows it.
    pub secret: bool,
}

/// Rules on an integer property.
#[derive(Debug)]
pub struct IntegerRule {
    /// Smallest allowed value.
    pub minimum: Option<i64>,
    /// Largest allowed value.
    pub maximum: Option<i64>,
}

/// Rules on a floating-point property.
#[derive(Debug)]
pub struct NumberRule {
    /// Smallest allowed value.
    pub minimum: Option<f64>,
    /// Largest allowed value.
    pub maximum: Option<f64>,
}

/// Rules on an array property.
#[derive(Debug)]
pub struct ItemsRule {
    /// Fewest items.
    pub min_items: Option<usize>,
    /// Most items.
    pub max_items: Option<usize>,
}

/// Checks a string against its rule.
pub fn check_string(at: &FieldPath<'_>, value: &str, rule: &StringRule) -> Result<()> {
    let shown = if rule.secret {
        "the value".to_owned()
    } else {
        format!("`{}`", value.escape_debug())
    };
    let length = value.chars().count();
    let unit = if length == 1 {
        "character"
    } else {
        "characters"
    };
    if let Some(min) = rule.min_length.filter(|min| length < *min) {
        return Err(refuse(
            at,
            value,
            rule.secret,
            format!("{shown} is {length} {unit} long; the minimum is {min}"),
        ));
    }
    if let Some(max) = rule.max_length.filter(|max| length > *max) {
        return Err(refuse(
            at,
            value,
            rule.secret,
            format!("{shown} is {length} {unit} long; the maximum is {max}"),
        ));
    }
    if let Some(pattern) = rule.pattern
        && !pattern.is_match(value)
    {
        let pattern = pattern.as_str();
        return Err(refuse(
            at,
            value,
            rule.secret,
            format!("{shown} does not match the pattern `{pattern}`"),
        ));
    }
    Ok(())
}

/// Checks an integer against its rule.
pub fn check_integer(at: &FieldPath<'_>, value: impl Into<i64>, rule: &IntegerRule) -> Result<()> {
    let value = value.into();
    if let Some(min) = rule.minimum.filter(|min| value < *min) {
        let reason = format!("{value} is less than the minimum, {min}");
        return Err(refuse(at, &value.to_string(), false, reason));
    }
    if let Some(max) = rule.maximum.filter(|max| value > *max) {
        let reason = format!("{value} is more than the maximum, {max}");
        return Err(refuse(at, &value.to_string(), false, reason));
    }
    Ok(())
}

/// Checks a floating-point number against its rule. NaN satisfies no bound.
pub fn check_number(at: &FieldPath<'_>, value: impl Into<f64>, rule: &NumberRule) -> Result<()> {
    let value = value.into();
    // NaN is ordered with nothing, so it fails the first bound there is.
    let below = |min: &f64| value.partial_cmp(min).is_none_or(|o| o.is_lt());
    let above = |max: &f64| value.partial_cmp(max).is_none_or(|o| o.is_gt());
    if let Some(min) = rule.minimum.filter(below) {
        let reason = format!("{value} is less than the minimum, {min}");
        return Err(refuse(at, &value.to_string(), false, reason));
    }
    if let Some(max) = rule.maximum.filter(above) {
        let reason = format!("{value} is more than the maximum, {max}");
        return Err(refuse(at, &value.to_string(), false, reason));
    }
    Ok(())
}

/// Checks an array's length against its rule.
pub fn check_items<T>(at: &FieldPath<'_>, items: &[T], rule: &ItemsRule) -> Result<()> {
    let count = items.len();
    let unit = if count == 1 { "item" } else { "items" };
    if let Some(min) = rule.min_items.filter(|min| count < *min) {
        let reason = format!("{count} {unit}; the minimum is {min}");
        return Err(refuse(at, &format!("{count} {unit}"), false, reason));
    }
    if let Some(max) = rule.max_items.filter(|max| count > *max) {
        let reason = format!("{count} {unit}; the maximum is {max}");
        return Err(refuse(at, &format!("{count} {unit}"), false, reason));
    }
    Ok(())
}

fn refuse(at: &FieldPath<'_>, value: &str, secret: bool, reason: String) -> Error {
    let value = if secret { "" } else { value };
    Error::invalid_parameter(at.to_string(), value, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::error::ErrorKind;

    static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[a-z]+$").unwrap());
    static NAME_RULE: StringRule = StringRule {
        min_length: Some(2),
        max_length: Some(5),
        pattern: Some(&NAME),
        secret: false,
    };
    static KEY_RULE: StringRule = StringRule {
        min_length: Some(8),
        max_length: None,
        pattern: None,
        secret: true,
    };

    struct Rule {
        name: String,
        rights: Vec<String>,
        size: Option<i32>,
        ratio: f64,
        key: Option<String>,
    }

    struct Body {
        rules: Vec<Rule>,
        by_name: BTreeMap<String, Rule>,
        fallback: Option<Box<Rule>>,
    }

    impl CheckConstraints for Rule {
        fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
            check_string(&at.field("name"), &self.name, &NAME_RULE)?;
            check_items(
                &at.field("rights"),
                &self.rights,
                &ItemsRule {
                    min_items: Some(1),
                    max_items: Some(2),
                },
            )?;
            if let Some(size) = self.size {
                let rule = IntegerRule {
                    minimum: Some(1024),
                    maximum: Some(4096),
                };
                check_integer(&at.field("size"), size, &rule)?;
            }
            let rule = NumberRule {
                minimum: Some(0.0),
                maximum: Some(1.0),
            };
            check_number(&at.field("ratio"), self.ratio, &rule)?;
            if let Some(key) = &self.key {
                check_string(&at.field("key"), key, &KEY_RULE)?;
            }
            Ok(())
        }
    }

    impl CheckConstraints for Body {
        fn check_constraints(&self, at: &FieldPath<'_>) -> Result<()> {
            self.rules.check_constraints(&at.field("rules"))?;
            self.by_name.check_constraints(&at.field("byName"))?;
            self.fallback.check_constraints(&at.field("fallback"))
        }
    }

    fn rule() -> Rule {
        Rule {
            name: "abc".into(),
            rights: vec!["Listen".into()],
            size: Some(2048),
            ratio: 0.5,
            key: Some("SECRET-long-enough".into()),
        }
    }

    fn failure(change: impl FnOnce(&mut Rule)) -> (String, String) {
        let mut bad = rule();
        change(&mut bad);
        let body = Body {
            rules: vec![rule(), bad],
            by_name: BTreeMap::new(),
            fallback: None,
        };
        let error = body
            .check_constraints(&FieldPath::root("parameters"))
            .unwrap_err();
        let ErrorKind::InvalidParameter {
            parameter, value, ..
        } = error.kind()
        else {
            panic!("{error:?}")
        };
        assert_eq!(error.to_string().matches(parameter.as_str()).count(), 1);
        (error.to_string(), value.clone())
    }

    #[test]
    fn a_valid_body_passes() {
        let body = Body {
            rules: vec![rule(), rule()],
            by_name: BTreeMap::from([("a".to_owned(), rule())]),
            fallback: Some(Box::new(rule())),
        };
        body.check_constraints(&FieldPath::root("parameters"))
            .unwrap();
        let mut absent = rule();
        absent.size = None;
        absent.key = None;
        absent
            .check_constraints(&FieldPath::root("parameters"))
            .unwrap();
    }

    #[test]
    fn each_rule_names_the_property_by_its_path() {
        type Change = Box<dyn FnOnce(&mut Rule)>;
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|r| r.name = "a".into()),
                "invalid value for parameter `parameters.rules[1].name`: `a` is 1 character long; the minimum is 2",
            ),
            (
                Box::new(|r| r.name = "abcdef".into()),
                "invalid value for parameter `parameters.rules[1].name`: `abcdef` is 6 characters long; the maximum is 5",
            ),
            (
                Box::new(|r| r.name = "ABC".into()),
                "invalid value for parameter `parameters.rules[1].name`: `ABC` does not match the pattern `^[a-z]+$`",
            ),
            (
                Box::new(|r| r.rights.clear()),
                "invalid value for parameter `parameters.rules[1].rights`: 0 items; the minimum is 1",
            ),
            (
                Box::new(|r| r.rights = vec!["a".into(); 3]),
                "invalid value for parameter `parameters.rules[1].rights`: 3 items; the maximum is 2",
            ),
            (
                Box::new(|r| r.size = Some(1023)),
                "invalid value for parameter `parameters.rules[1].size`: 1023 is less than the minimum, 1024",
            ),
            (
                Box::new(|r| r.size = Some(4097)),
                "invalid value for parameter `parameters.rules[1].size`: 4097 is more than the maximum, 4096",
            ),
            (
                Box::new(|r| r.ratio = -0.5),
                "invalid value for parameter `parameters.rules[1].ratio`: -0.5 is less than the minimum, 0",
            ),
            (
                Box::new(|r| r.ratio = 1.5),
                "invalid value for parameter `parameters.rules[1].ratio`: 1.5 is more than the maximum, 1",
            ),
            (
                Box::new(|r| r.ratio = f64::NAN),
                "invalid value for parameter `parameters.rules[1].ratio`: NaN is less than the minimum, 0",
            ),
        ];
        for (change, expected) in cases {
            assert_eq!(failure(change).0, expected);
        }
        // Bounds are inclusive.
        let (text, _) = failure(|r| {
            r.size = Some(1024);
            r.ratio = 1.0;
            r.name = "ab".into();
            r.rights = vec!["a".into(); 2];
            r.key = Some("short".into());
        });
        assert!(text.contains("`parameters.rules[1].key`"), "{text}");
        // The other ends.
        let (text, _) = failure(|r| {
            r.size = Some(4096);
            r.ratio = 0.0;
            r.name = "abcde".into();
            r.rights = vec!["a".into()];
            r.key = Some("short".into());
        });
        assert!(text.contains("`parameters.rules[1].key`"), "{text}");
    }

    #[test]
    fn a_secret_is_never_shown() {
        let (text, value) = failure(|r| r.key = Some("SECRET".into()));
        assert_eq!(
            text,
            "invalid value for parameter `parameters.rules[1].key`: the value is 6 characters long; the minimum is 8"
        );
        assert_eq!(value, "");
    }

    #[test]
    fn an_optional_nested_model_is_checked_when_present() {
        let mut bad = rule();
        bad.name = "X".into();
        let body = Body {
            rules: Vec::new(),
            by_name: BTreeMap::new(),
            fallback: Some(Box::new(bad)),
        };
        let error = body
            .check_constraints(&FieldPath::root("parameters"))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid value for parameter `parameters.fallback.name`: `X` is 1 character long; the minimum is 2"
        );
    }

    #[test]
    fn map_values_are_named_by_key() {
        let mut bad = rule();
        bad.name = "X".into();
        let body = Body {
            rules: Vec::new(),
            by_name: BTreeMap::from([("rule \"one\"".to_owned(), bad)]),
            fallback: None,
        };
        let error = body
            .check_constraints(&FieldPath::root("parameters"))
            .unwrap_err();
        assert!(
            error.to_string().starts_with(
                r#"invalid value for parameter `parameters.byName["rule \"one\""].name`"#
            ),
            "{error}"
        );
    }
}
