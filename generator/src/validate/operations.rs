//! Operations: the operation id, documentation, HTTP method, request body, and the path with
//! its placeholders; then, in order, the operation's parameters, responses and examples.

use std::collections::BTreeMap;

use super::Cx;
use super::names::RESERVED_METHODS;
use super::syntax::is_identifier_like;
use crate::diagnostics::suggest;
use crate::load::OperationFile;
use crate::locate::FieldPath;
use crate::names::{bare, camel, snake};
use crate::resolve::Format;

const METHODS: &[&str] = &["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD"];

impl Cx<'_, '_> {
    pub(super) fn operation(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        if !is_identifier_like(&op.operation_id) {
            self.error(
                &root.key("operationId"),
                format!("operation id `{}` is not a valid name", op.operation_id),
                Some(
                    "use `Group_Action`: ASCII letters, digits and `_`, starting with a letter"
                        .into(),
                ),
            );
        } else if camel(&op.operation_id).ends_with('_') {
            self.error(
                &root.key("operationId"),
                format!(
                    "operation id `{}` gives the options struct `{}Options`, which is not an UpperCamelCase name",
                    op.operation_id,
                    camel(&op.operation_id)
                ),
                Some("use `Group_Action`".into()),
            );
        } else if RESERVED_METHODS.contains(&bare(&snake(&op.operation_id))) {
            self.error(
                &root.key("operationId"),
                format!(
                    "operation id `{}` gives the method `{}`, which every client has already",
                    op.operation_id,
                    snake(&op.operation_id)
                ),
                Some("use `Group_Action`".into()),
            );
        }
        self.docs(&root.key("summary"), &op.summary);
        self.docs(&root.key("docs"), &op.docs);
        if !METHODS.contains(&op.method.as_str()) {
            let help = suggest(&op.method, METHODS.iter().copied())
                .or_else(|| Some(format!("one of {}", METHODS.join(", "))));
            self.error(
                &root.key("method"),
                format!("unknown HTTP method `{}`", op.method),
                help,
            );
        }
        self.path_and_parameters(op);
        if let Some(body) = &op.request_body {
            let at = root.key("requestBody");
            self.docs(&at.key("docs"), &body.docs);
            if Format::from_content_type(&body.content_type).is_none() {
                self.error(
                    &at.key("contentType"),
                    format!("content type `{}` is not supported", body.content_type),
                    Some("use `application/json` or `application/xml`".into()),
                );
            }
            if matches!(op.method.as_str(), "GET" | "HEAD") {
                self.error(
                    &at,
                    format!("a {} request has no body", op.method),
                    Some("remove `requestBody`, or check `method`".into()),
                );
            }
            if self.schema_ref(&at.key("schema"), &body.schema)
                && let Some(schema) = self.resolver.schema(self.home, &body.schema)
                && schema.properties.is_none()
            {
                self.error(
                    &at.key("schema"),
                    format!("request body schema `{}` is not an object", body.schema),
                    None,
                );
            }
        }
        self.responses(op);
        self.paging(op);
        self.xml_bodies(op);
        for (name, example) in &op.examples {
            self.example(op, name, example);
        }
    }

    fn path_and_parameters(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let at_path = root.key("path");
        if !op.path.starts_with('/') {
            self.error(&at_path, "the path does not start with `/`", None);
        }
        if let Some(c) = op.path.chars().find(|c| matches!(c, '?' | '#')) {
            self.error_within(
                &at_path,
                &c.to_string(),
                format!("the path holds `{c}`"),
                Some("the path ends before the query: declare query parameters in `parameters` with `in: query` (a fixed one with `value`)".into()),
            );
        }
        if op.path.chars().any(char::is_whitespace) {
            self.error(&at_path, "the path holds whitespace", None);
        }
        if let Err((problem, offset)) = check_braces(&op.path) {
            self.error_within(
                &at_path,
                &op.path[offset..],
                format!("path has {problem}"),
                Some("each path parameter is written `{name}`".into()),
            );
        }
        let placeholders = placeholders(&op.path);
        self.parameters(op, &placeholders);
        for placeholder in &placeholders {
            if !op
                .parameters
                .iter()
                .any(|p| p.location == "path" && &p.name == placeholder)
            {
                let help = suggest(placeholder, op.parameters.iter().map(|p| p.name.as_str()))
                    .or_else(|| Some(format!("add a parameter `{placeholder}` with `in: path`")));
                self.error_within(
                    &at_path,
                    &format!("{{{placeholder}}}"),
                    format!("placeholder `{{{placeholder}}}` has no path parameter"),
                    help,
                );
            }
        }
        let mut counts = BTreeMap::new();
        for p in &placeholders {
            *counts.entry(p).or_insert(0) += 1;
        }
        for (p, n) in counts {
            if n > 1 {
                self.error_within(
                    &at_path,
                    &format!("{{{p}}}"),
                    format!("placeholder `{{{p}}}` appears {n} times"),
                    None,
                );
            }
        }
    }
}

/// The `{name}` placeholders of a path, in order.
fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        match rest[open..].find('}') {
            Some(close) => {
                out.push(rest[open + 1..open + close].to_string());
                rest = &rest[open + close + 1..];
            }
            None => break,
        }
    }
    out
}

/// Braces must pair up around a non-empty name; the error gives the byte offset of the fault.
fn check_braces(path: &str) -> Result<(), (String, usize)> {
    let mut open = None;
    for (i, c) in path.char_indices() {
        match (c, open) {
            ('{', None) => open = Some(i),
            ('{', Some(_)) => return Err(("a `{` inside a placeholder".into(), i)),
            ('}', None) => return Err(("a `}` without its `{`".into(), i)),
            ('}', Some(start)) => {
                if i == start + 1 {
                    return Err(("an empty placeholder `{}`".into(), start));
                }
                open = None;
            }
            _ => {}
        }
    }
    match open {
        Some(start) => Err(("a `{` without its `}`".into(), start)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unbalanced_braces() {
        assert!(check_braces("/a/{b}/c{d}").is_ok());
        assert_eq!(
            check_braces("/a/{b"),
            Err(("a `{` without its `}`".into(), 3))
        );
        assert!(check_braces("/a/b}").is_err());
        assert!(check_braces("/a/{}").is_err());
        assert!(check_braces("/a/{{b}}").is_err());
    }
}
