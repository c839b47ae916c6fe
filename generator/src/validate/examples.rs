//! Examples: each documented example against its own operation: the parameters callers set
//! and their constraints, the request body, and each response's status, headers and body (the
//! bodies themselves are checked in [`super::example_bodies`]).

use super::Cx;
use super::parameters::constraint_problem;
use crate::diagnostics::suggest;
use crate::load::{ExampleSpec, OperationFile};
use crate::locate::FieldPath;
use crate::resolve::Format;

impl Cx<'_, '_> {
    pub(super) fn example(&mut self, op: &OperationFile, name: &str, example: &ExampleSpec) {
        let at = FieldPath::root().key("examples").key(name);
        for (param, value) in &example.parameters {
            let here = at.key("parameters").key(param);
            match op
                .parameters
                .iter()
                .find(|p| &p.name == param && p.value.is_none())
            {
                None => {
                    let exposed: Vec<&str> = op
                        .parameters
                        .iter()
                        .filter(|p| p.value.is_none())
                        .map(|p| p.name.as_str())
                        .collect();
                    let fixed = op.parameters.iter().any(|p| &p.name == param);
                    let help = if fixed {
                        Some("its value is fixed by the spec; remove it from the example".into())
                    } else {
                        suggest(param, exposed.iter().copied())
                    };
                    self.error(
                        &here,
                        format!("`{param}` is not a parameter callers set"),
                        help,
                    );
                }
                Some(spec) => {
                    if let Some(problem) = constraint_problem(spec, value) {
                        let shown = if value.is_empty() { "''" } else { value };
                        self.error(&here, format!("example value `{shown}` {problem}"), None);
                    } else if spec.location == "path" && matches!(value.as_str(), "" | "." | "..") {
                        self.error(
                            &here,
                            format!("example value `{value}` for a path parameter is refused by the client"),
                            Some("an empty value or a dot segment could change the path".into()),
                        );
                    } else if spec.location == "header"
                        && value.chars().any(|c| c.is_control() && c != '\t')
                    {
                        self.error(
                            &here,
                            "a header value cannot hold a line break or control character",
                            None,
                        );
                    }
                }
            }
        }
        for p in &op.parameters {
            let required = p.location == "path" || p.required == Some(true);
            if required && p.value.is_none() && !example.parameters.contains_key(&p.name) {
                self.error(
                    &at.key("parameters"),
                    format!("required parameter `{}` has no value", p.name),
                    Some(format!(
                        "add `{}:` with the value from the sample request",
                        p.name
                    )),
                );
            }
        }
        match (&example.request_body, &op.request_body) {
            (Some(_), None) => self.error(
                &at.key("requestBody"),
                "the example has a body but the operation has none",
                None,
            ),
            (None, Some(body)) if body.required.unwrap_or(true) => self.error(
                &at.key("requestBody"),
                "the operation requires a body but the example has none",
                None,
            ),
            (Some(value), Some(body)) => self.example_body(
                &at.key("requestBody"),
                &body.schema,
                Format::from_content_type(&body.content_type),
                value,
                true,
            ),
            _ => {}
        }
        if example.responses.is_empty() {
            self.error(&at.key("responses"), "the example has no response", None);
        } else if op.long_running.is_some()
            && example.responses.iter().all(|(status, response)| {
                status == "202"
                    || (status == "201"
                        && response
                            .headers
                            .keys()
                            .any(|h| h.eq_ignore_ascii_case("azure-asyncoperation")))
            })
        {
            // The generated test serves the response that ends the operation at once.
            self.error(
                &at.key("responses"),
                "the example of a long-running operation documents only responses that start polling",
                Some("add the final response from the sample (200, 201 or 204): the example's test serves it".into()),
            );
        }
        for (status, response) in &example.responses {
            let rat = at.key("responses").key(status);
            let Some(documented) = op.responses.get(status).filter(|_| status != "default") else {
                let statuses: Vec<&str> = op
                    .responses
                    .keys()
                    .map(String::as_str)
                    .filter(|s| *s != "default")
                    .collect();
                self.error(
                    &rat,
                    format!("status `{status}` is not a documented success response"),
                    Some(format!("documented: {}", statuses.join(", "))),
                );
                continue;
            };
            for (header, value) in &response.headers {
                let here = rat.key("headers").key(header);
                // Services send headers their pages do not document (request and correlation
                // ids), so only a near miss of a documented header is a mistake.
                if !documented
                    .headers
                    .keys()
                    .any(|h| h.eq_ignore_ascii_case(header))
                    && let Some(help) =
                        suggest(header, documented.headers.keys().map(String::as_str))
                {
                    self.error(
                        &here,
                        format!("header `{header}` is not documented for response {status}"),
                        Some(help),
                    );
                }
                if value.chars().any(|c| c.is_control() && c != '\t') {
                    self.error(
                        &here,
                        "a header value cannot hold a line break or control character",
                        None,
                    );
                }
            }
            match (&response.body, &documented.schema) {
                (Some(_), None) => self.error(
                    &rat.key("body"),
                    format!("response {status} documents no body"),
                    None,
                ),
                (Some(value), Some(schema)) => {
                    let format = Format::from_content_type(
                        documented
                            .content_type
                            .as_deref()
                            .unwrap_or("application/json"),
                    );
                    self.example_body(&rat.key("body"), schema, format, value, false);
                }
                // The example becomes a test that serves this response; with no body it could
                // only prove that an empty body is refused.
                (None, Some(schema)) => self.error(
                    &rat,
                    format!("response {status} documents its body (`{schema}`), but the example gives none"),
                    Some("add `body:` with the documented response, or leave this status out of the example".into()),
                ),
                (None, None) => {}
            }
        }
    }
}
