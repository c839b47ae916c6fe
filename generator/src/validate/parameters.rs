//! Parameters: location, uniqueness, header names and values, path parameters and their
//! placeholders, the Rust argument and static names each gives, and its constraints (lengths,
//! the pattern, and the lengths the pattern admits against `minLength`/`maxLength`).

use std::collections::{BTreeMap, BTreeSet};

use super::Cx;
use super::names::RESERVED_ARGS;
use super::syntax::is_header_name;
use crate::diagnostics::suggest;
use crate::load::{OperationFile, ParameterSpec};
use crate::locate::FieldPath;
use crate::names::{bare, is_valid_ident, shouty, snake};
use crate::patterns;

const LOCATIONS: &[&str] = &["path", "query", "header"];

impl Cx<'_, '_> {
    /// Each parameter: location, uniqueness, header and path rules, the Rust names it gives,
    /// and its constraints. `placeholders` are the path's, in order.
    pub(super) fn parameters(&mut self, op: &OperationFile, placeholders: &[String]) {
        let root = FieldPath::root();
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        let mut args: BTreeMap<String, String> = BTreeMap::new();
        let mut statics: BTreeMap<String, String> = BTreeMap::new();
        for (i, p) in op.parameters.iter().enumerate() {
            let at = root.key("parameters").index(i);
            self.docs(&at.key("docs"), &p.docs);
            if !LOCATIONS.contains(&p.location.as_str()) {
                let help = suggest(&p.location, LOCATIONS.iter().copied())
                    .or_else(|| Some("one of path, query, header".into()));
                self.error(
                    &at.key("in"),
                    format!("parameter `{}` has location `{}`", p.name, p.location),
                    help,
                );
            }
            if !seen.insert((p.location.clone(), p.name.to_lowercase())) {
                self.error(
                    &at.key("name"),
                    format!("parameter `{}` is listed twice in {}", p.name, p.location),
                    None,
                );
            }
            if p.location == "header" {
                if p.name.eq_ignore_ascii_case("content-type") {
                    self.error(
                        &at.key("name"),
                        "`Content-Type` is not a parameter",
                        Some("it is sent from `requestBody.contentType`".into()),
                    );
                } else if !is_header_name(&p.name) {
                    self.error(
                        &at.key("name"),
                        format!("`{}` is not an HTTP header name", p.name),
                        Some("use letters, digits and `-`".into()),
                    );
                }
                if let Some(value) = &p.value
                    && value.chars().any(|c| c.is_control() && c != '\t')
                {
                    self.error(
                        &at.key("value"),
                        "a header value cannot hold a line break or control character",
                        None,
                    );
                }
            }
            if p.location == "path" {
                if p.value.is_some() {
                    self.error(
                        &at.key("value"),
                        format!("path parameter `{}` has a fixed value", p.name),
                        Some("write fixed text into `path` instead".into()),
                    );
                }
                if p.required == Some(false) {
                    self.error(
                        &at.key("required"),
                        format!("path parameter `{}` cannot be optional", p.name),
                        None,
                    );
                }
                if !placeholders.contains(&p.name) {
                    let help = suggest(&p.name, placeholders.iter().map(String::as_str))
                        .map(|h| format!("the path has no `{{{}}}`; {h}", p.name))
                        .or_else(|| {
                            Some(format!(
                                "add `{{{}}}` to `path`, or give the parameter `in: query`",
                                p.name
                            ))
                        });
                    self.error(
                        &at.key("name"),
                        format!(
                            "path parameter `{}` has no `{{{}}}` placeholder in the path",
                            p.name, p.name
                        ),
                        help,
                    );
                }
            }
            if p.value.is_none() {
                let name = snake(&p.name);
                if !is_valid_ident(&name) {
                    self.error(
                        &at.key("name"),
                        format!("parameter `{}` gives the Rust argument `{name}`, which is not an ASCII identifier", p.name),
                        Some("the generator derives ASCII names only".into()),
                    );
                } else if RESERVED_ARGS.contains(&bare(&name)) {
                    self.error(
                        &at.key("name"),
                        format!(
                            "parameter `{}` gives the argument `{name}`, a name the generated method uses itself",
                            p.name
                        ),
                        None,
                    );
                } else if let Some(other) = args.insert(name.clone(), p.name.clone()) {
                    self.error(
                        &at.key("name"),
                        format!(
                            "parameters `{other}` and `{}` are both named `{}` in Rust",
                            p.name,
                            bare(&name)
                        ),
                        Some("Rust argument names are snake_case, so names that differ only in case or punctuation collide".into()),
                    );
                }
                let spec_static = shouty(&p.name);
                let mut names = vec![spec_static.clone()];
                if p.pattern.is_some() {
                    names.push(format!("{spec_static}_PATTERN"));
                }
                for name in names {
                    // Parameters whose argument names collide are reported above already.
                    if let Some(other) = statics.insert(name.clone(), p.name.clone())
                        && snake(&other) != snake(&p.name)
                    {
                        self.error(
                            &at.key("name"),
                            format!(
                                "parameters `{other}` and `{}` both give the static `{name}` in the generated method",
                                p.name
                            ),
                            Some("rename one".into()),
                        );
                    }
                }
            }
            self.constraints(&at, p);
        }
    }

    fn constraints(&mut self, at: &FieldPath, p: &ParameterSpec) {
        let bounds = (p.min_length, p.max_length);
        if let (Some(min), Some(max)) = bounds
            && min > max
        {
            self.error(
                &at.key("minLength"),
                format!(
                    "parameter `{}` has minLength {min} above maxLength {max}",
                    p.name
                ),
                None,
            );
        }
        if p.location == "path" && p.max_length == Some(0) {
            self.error(
                &at.key("maxLength"),
                format!("path parameter `{}` has maxLength 0", p.name),
                Some("the client refuses an empty path segment, so no value could be sent".into()),
            );
        }
        if let Some(pattern) = &p.pattern {
            match patterns::lower(pattern) {
                Err(err) => self.error(
                    &at.key("pattern"),
                    format!("pattern `{pattern}` cannot be checked: {}", err.reason),
                    Some(err.help),
                ),
                Ok(_) => self.pattern_lengths(at, p, pattern),
            }
        }
        if let Some(fixed) = &p.value
            && let Some(problem) = constraint_problem(p, fixed)
        {
            self.error(
                &at.key("value"),
                format!("fixed value `{fixed}` {problem}"),
                None,
            );
        }
    }

    /// Compares the lengths a pattern admits with `minLength`/`maxLength`: an error when no
    /// value can satisfy both, a warning when a declared bound never decides anything because
    /// the pattern is stricter (Event Hubs' `{6,50}` between two single characters admits 8 to
    /// 52 characters, against `minLength: 6`).
    fn pattern_lengths(&mut self, at: &FieldPath, p: &ParameterSpec, pattern: &str) {
        let Some(lengths) = patterns::accepted_lengths(pattern) else {
            return;
        };
        if p.min_length.is_none() && p.max_length.is_none() {
            return;
        }
        let min = p.min_length.unwrap_or(0).max(lengths.min);
        let max = match (p.max_length, lengths.max) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let admitted = describe_lengths(lengths.min, lengths.max);
        let declared = describe_lengths(p.min_length.unwrap_or(0), p.max_length);
        if max.is_some_and(|max| min > max) {
            self.error(
                &at.key("pattern"),
                format!(
                    "no value can pass `{}`: the pattern admits {admitted}, minLength/maxLength allow {declared}",
                    p.name
                ),
                Some("check the service's documentation for the right bounds".into()),
            );
            return;
        }
        let loose_min = p.min_length.is_some_and(|m| m < lengths.min);
        let loose_max = p
            .max_length
            .zip(lengths.max)
            .is_some_and(|(declared, admitted)| declared > admitted);
        if loose_min || loose_max {
            let mut dead = Vec::new();
            if loose_min {
                dead.push(format!("minLength {}", p.min_length.unwrap_or(0)));
            }
            if loose_max {
                dead.push(format!("maxLength {}", p.max_length.unwrap_or(0)));
            }
            self.warn(
                "pattern-length",
                &at.key("pattern"),
                format!(
                    "the pattern of `{}` admits {admitted}, but minLength/maxLength say {declared}",
                    p.name
                ),
                Some(format!(
                    "a value must pass both, so only {} pass and {} never decides; if the documentation says both, keep them and acknowledge this warning (`acknowledge:` with `warning: pattern-length`, this field, and a reason)",
                    describe_lengths(min, max),
                    dead.join(" and ")
                )),
            );
        }
    }
}

/// Why `value` breaks `spec`'s constraints, if it does.
pub fn constraint_problem(spec: &ParameterSpec, value: &str) -> Option<String> {
    text_problem(
        spec.min_length,
        spec.max_length,
        spec.pattern.as_deref(),
        value,
    )
}

/// Why `value` breaks the length and pattern rules of a parameter or string property, if it
/// does; the lengths a pattern's look-ahead carries count too.
pub(super) fn text_problem(
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<&str>,
    value: &str,
) -> Option<String> {
    let lowered = pattern.map(patterns::lower);
    let len = value.chars().count() as u64;
    let min = min_length.max(lowered.as_ref().and_then(|l| l.as_ref().ok()?.min_length));
    let max = match (
        max_length,
        lowered.as_ref().and_then(|l| l.as_ref().ok()?.max_length),
    ) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(min) = min
        && len < min
    {
        return Some(format!("is {len} characters long; the minimum is {min}"));
    }
    if let Some(max) = max
        && len > max
    {
        return Some(format!("is {len} characters long; the maximum is {max}"));
    }
    if let (Some(Ok(_)), Some(pattern)) = (&lowered, pattern)
        && let Some(regex) = patterns::compiled(pattern)
        && !regex.is_match(value)
    {
        return Some(format!("does not match the pattern `{pattern}`"));
    }
    None
}

fn describe_lengths(min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) if max == min => format!("exactly {min} characters"),
        Some(max) if min == 0 => format!("at most {max} characters"),
        Some(max) => format!("{min} to {max} characters"),
        None => format!("at least {min} characters"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_lengths() {
        assert_eq!(describe_lengths(8, Some(52)), "8 to 52 characters");
        assert_eq!(describe_lengths(3, None), "at least 3 characters");
        assert_eq!(describe_lengths(0, Some(9)), "at most 9 characters");
        assert_eq!(describe_lengths(4, Some(4)), "exactly 4 characters");
    }
}
