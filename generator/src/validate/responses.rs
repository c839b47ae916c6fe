//! Responses: status codes, content types, headers, the error contract under `default`, the
//! long-running rules, and the XML element names an XML body's schemas give.

use std::collections::BTreeSet;

use super::Cx;
use super::syntax::{is_header_name, is_xml_name};
use crate::diagnostics::suggest;
use crate::load::OperationFile;
use crate::locate::FieldPath;
use crate::resolve::{BUILTIN_TYPES, Format};

const FINAL_STATES: &[&str] = &["azure-async-operation", "location"];

impl Cx<'_, '_> {
    pub(super) fn responses(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let mut successes = Vec::new();
        for (status, response) in &op.responses {
            let at = root.key("responses").key(status);
            self.docs(&at.key("docs"), &response.docs);
            if status != "default" {
                match status.parse::<u16>() {
                    Ok(code) if (200..300).contains(&code) && status.len() == 3 => {
                        successes.push(code);
                        if matches!(code, 204 | 205) && response.schema.is_some() {
                            self.error(
                                &at.key("schema"),
                                format!("a {code} response has no body, but it has a schema"),
                                Some("remove the schema, or use 200".into()),
                            );
                        }
                    }
                    Ok(code) if (100..600).contains(&code) && status.len() == 3 => self.error(
                        &at,
                        format!("status {code} is not a success"),
                        Some("list only the 2xx statuses; document the error contract under `default`".into()),
                    ),
                    _ => {
                        let fixed: String = status
                            .chars()
                            .map(|c| match c {
                                'O' | 'o' => '0',
                                'l' | 'I' => '1',
                                c => c,
                            })
                            .collect();
                        let help = if fixed != *status && fixed.parse::<u16>().is_ok() {
                            format!("did you mean `{fixed}`?")
                        } else {
                            "use a 2xx status like `200`, or `default` for the error contract"
                                .to_string()
                        };
                        self.error(
                            &at,
                            format!("`{status}` is not a status code"),
                            Some(help),
                        );
                    }
                }
            }
            if let Some(ct) = &response.content_type
                && Format::from_content_type(ct).is_none()
            {
                self.error(
                    &at.key("contentType"),
                    format!("content type `{ct}` is not supported"),
                    Some("use `application/json` or `application/xml`".into()),
                );
            }
            for (header, spec) in &response.headers {
                let here = at.key("headers").key(header);
                if !is_header_name(header) {
                    self.error(
                        &here,
                        format!("`{header}` is not an HTTP header name"),
                        None,
                    );
                }
                self.docs(&here.key("docs"), &spec.docs);
            }
            if let Some(schema) = &response.schema {
                self.schema_ref(&at.key("schema"), schema);
            }
        }
        match op.responses.get("default") {
            None => self.error(
                &root.key("responses"),
                "no `default` response: the error contract is missing",
                Some("add `default:` with the service's error schema (`common.ErrorResponse` for ARM)".into()),
            ),
            Some(default) => match &default.schema {
                None => self.error(
                    &root.key("responses").key("default"),
                    "the error response has no schema",
                    Some("add `schema:` with the service's error schema".into()),
                ),
                Some(schema) => {
                    if let Some(s) = self.resolver.schema(self.home, schema)
                        && s.error_fields.is_none()
                    {
                        self.error(&root.key("responses").key("default").key("schema"), format!("error schema `{schema}` has no `errorFields`"), Some("say where the code and message are, e.g. `errorFields: {code: error.code, message: error.message}`".into()));
                    }
                }
            },
        }
        if successes.is_empty() {
            self.error(&root.key("responses"), "no success response (2xx)", None);
        }
        match &op.long_running {
            Some(lr) => {
                if !FINAL_STATES.contains(&lr.final_state_via.as_str()) {
                    let help = suggest(&lr.final_state_via, FINAL_STATES.iter().copied())
                        .or_else(|| Some(format!("one of {}", FINAL_STATES.join(", "))));
                    self.error(
                        &root.key("longRunning").key("finalStateVia"),
                        format!("unknown final state `{}`", lr.final_state_via),
                        help,
                    );
                }
                if !successes.contains(&202) {
                    self.warn(
                        "long-running-without-202",
                        &root.key("longRunning"),
                        "long-running operation documents no 202 response",
                        None,
                    );
                }
                let bodies: BTreeSet<&String> = op
                    .responses
                    .iter()
                    .filter(|(s, _)| s.as_str() != "default")
                    .filter_map(|(_, r)| r.schema.as_ref())
                    .collect();
                if bodies.len() != 1 {
                    self.error(&root.key("responses"), "a long-running operation needs exactly one result schema among its success responses", None);
                }
            }
            None => {
                if successes.len() > 1 {
                    self.error(
                        &root.key("responses"),
                        format!(
                            "{} success responses on an operation that is not long-running",
                            successes.len()
                        ),
                        Some(
                            "document one success status, or mark the operation `longRunning`"
                                .into(),
                        ),
                    );
                }
            }
        }
    }

    /// The property names of every schema an XML body reaches become element names. A problem is
    /// reported at the body's schema reference, naming the schema and property.
    pub(super) fn xml_names(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let mut bodies: Vec<(FieldPath, &str)> = Vec::new();
        if let Some(body) = &op.request_body
            && Format::from_content_type(&body.content_type) == Some(Format::Xml)
        {
            bodies.push((root.key("requestBody").key("schema"), &body.schema));
        }
        for (status, response) in &op.responses {
            if response
                .content_type
                .as_deref()
                .and_then(Format::from_content_type)
                == Some(Format::Xml)
                && let Some(schema) = &response.schema
            {
                bodies.push((root.key("responses").key(status).key("schema"), schema));
            }
        }
        let mut reported: BTreeSet<(&str, &str)> = BTreeSet::new();
        for (at, body) in bodies {
            let mut pending: Vec<&str> = vec![body];
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            while let Some(name) = pending.pop() {
                if !seen.insert(name) {
                    continue;
                }
                let Some(schema) = self.resolver.schema(self.home, name) else {
                    continue;
                };
                for (wire, prop) in schema.properties.iter().flatten() {
                    if !is_xml_name(wire) && reported.insert((name, wire)) {
                        self.error(
                            &at,
                            format!("property `{wire}` of `{name}` is sent as an XML element, but `{wire}` is not an XML element name"),
                            Some("an XML name starts with a letter or `_` and holds letters, digits, `_`, `-` and `.`".into()),
                        );
                    }
                    if !BUILTIN_TYPES.contains(&prop.kind.as_str()) {
                        pending.push(&prop.kind);
                    }
                }
            }
        }
    }
}
