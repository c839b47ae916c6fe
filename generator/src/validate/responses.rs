//! Responses: status codes, content types, headers, the error contract under `default`, one
//! result type across the success statuses, and the long-running rules.

use super::Cx;
use super::syntax::is_header_name;
use crate::diagnostics::suggest;
use crate::load::OperationFile;
use crate::locate::FieldPath;
use crate::resolve::Format;

const FINAL_STATES: &[&str] = &["azure-async-operation", "location", "original-uri"];

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
                    }
                    // Not modified: the answer to a conditional GET (`If-None-Match`).
                    Ok(304) if matches!(op.method.as_str(), "GET" | "HEAD") => successes.push(304),
                    Ok(304) => self.error(
                        &at,
                        format!("status 304 answers a conditional GET or HEAD, not a {}", op.method),
                        Some("remove it, or check `method`".into()),
                    ),
                    Ok(code) if (100..600).contains(&code) && status.len() == 3 => self.error(
                        &at,
                        format!("status {code} is not a success"),
                        Some("list only the 2xx statuses (and 304 for a conditional GET); document the error contract under `default`".into()),
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
                if let Ok(code @ (204 | 205 | 304)) = status.parse::<u16>()
                    && response.schema.is_some()
                {
                    self.error(
                        &at.key("schema"),
                        format!("a {code} response has no body, but it has a schema"),
                        Some("remove the schema, or use 200".into()),
                    );
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
        self.one_result(op);
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
                if op.method == "DELETE" {
                    for (status, response) in &op.responses {
                        if status != "default" && response.schema.is_some() {
                            self.error(
                                &root.key("responses").key(status).key("schema"),
                                "a long-running DELETE has no result, but this response has a schema",
                                Some("remove the schema: the client polls a DELETE to its end and returns no body".into()),
                            );
                        }
                    }
                }
            }
            None if successes.contains(&202) => self.warn(
                "accepted-without-long-running",
                &root.key("responses").key("202"),
                "202 Accepted on an operation that is not long-running: the caller gets the 202, and nothing polls the operation to its end",
                Some("add `longRunning` when the service documents `Azure-AsyncOperation` or `Location` on the 202".into()),
            ),
            None => {}
        }
    }

    /// The success responses that have a body must all name the same schema, in the same
    /// encoding: the method returns one type (an `Option` of it when some statuses have none).
    fn one_result(&mut self, op: &OperationFile) {
        let mut first: Option<(&str, &str, Option<Format>)> = None;
        for (status, response) in &op.responses {
            let Some(schema) = response.schema.as_deref() else {
                continue;
            };
            if status == "default" {
                continue;
            }
            let format = Format::from_content_type(
                response
                    .content_type
                    .as_deref()
                    .unwrap_or("application/json"),
            );
            let at = FieldPath::root().key("responses").key(status);
            match first {
                None => first = Some((status, schema, format)),
                Some((earlier, other, _)) if other != schema => self.error(
                    &at.key("schema"),
                    format!("response {status} has the schema `{schema}`, but response {earlier} has `{other}`"),
                    Some(format!("the method returns one type on every success status: use `{other}` here too, or transcribe the body that differs as a separate operation")),
                ),
                Some((earlier, _, other)) if other != format => self.error(
                    &at.key("contentType"),
                    format!("response {status} is encoded differently from response {earlier}"),
                    Some("use one content type for every success body".into()),
                ),
                Some(_) => {}
            }
        }
    }
}
