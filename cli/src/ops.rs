//! The runtime of the generated per-operation commands (`src/generated/`): the tables they fill
//! in, and what each one calls to read its arguments and body and to print its result.
//! Hand-written; the generator writes only `src/generated/`.

use crate::error::{CliError, Code};
use crate::mask;
use crate::output::{self, Format};
use azure_core::credentials::TokenCredential;
use azure_mgmt::{OperationStatus, Page, Pager, Poller, Response};
use clap::{ArgMatches, Command};
use futures::TryStreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

/// What running an operation gives: it printed its result, or failed.
pub type RunFuture<'a> = Pin<Box<dyn Future<Output = Result<(), CliError>> + Send + 'a>>;

/// A service: a command whose subcommands are its operations.
#[derive(Debug)]
pub struct Service {
    /// The command name: the spec folder (`service-bus`).
    pub name: &'static str,
    /// The service's title.
    pub title: &'static str,
    /// The service's documentation, on one line.
    pub about: &'static str,
    /// Its operations, in spec order.
    pub operations: &'static [Operation],
}

/// An operation: a subcommand.
#[derive(Debug)]
pub struct Operation {
    /// The subcommand name (`namespaces-list-keys`).
    pub name: &'static str,
    /// The HTTP method (`POST`).
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// Builds the subcommand: flags, help.
    pub command: fn() -> Command,
    /// Runs it.
    pub run: for<'a> fn(&'a ArgMatches, &'a Invocation) -> RunFuture<'a>,
    /// The JSON paths of the request body's secret fields.
    pub request_secrets: &'static [&'static [&'static str]],
}

/// How a body field given as a flag is written into the JSON body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A JSON string (enums and dates included).
    Text,
    /// A JSON integer.
    Integer,
    /// A JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// A body field with a flag of its own; its argument id is `body.<wire>`.
#[derive(Clone, Copy, Debug)]
pub struct BodyField {
    /// The field's wire name.
    pub wire: &'static str,
    /// Its JSON type.
    pub kind: FieldKind,
}

/// The services' commands, for the root command.
pub fn commands() -> impl Iterator<Item = Command> {
    crate::generated::SERVICES.iter().map(|service| {
        Command::new(service.name)
            .about(format!(
                "{}: every operation of the spec, one subcommand each",
                service.title
            ))
            .long_about(service.about)
            .subcommand_required(true)
            .subcommands(service.operations.iter().map(|op| (op.command)()))
    })
}

/// The operation `service`/`name`.
pub fn find(service: &str, name: &str) -> Option<&'static Operation> {
    crate::generated::SERVICES
        .iter()
        .find(|s| s.name == service)?
        .operations
        .iter()
        .find(|op| op.name == name)
}

/// The secret paths of the body of the operation a request is for, found by method and path
/// (the URL's path ends with the template's segments); `None` when no operation matches.
pub fn request_secrets(method: &str, path: &str) -> Option<&'static [&'static [&'static str]]> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    crate::generated::SERVICES
        .iter()
        .flat_map(|s| s.operations.iter())
        .find(|op| op.method.eq_ignore_ascii_case(method) && template_matches(op.path, &segments))
        .map(|op| op.request_secrets)
}

fn template_matches(template: &str, segments: &[&str]) -> bool {
    let template: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    if template.len() > segments.len() {
        return false;
    }
    let tail = &segments[segments.len() - template.len()..];
    template
        .iter()
        .zip(tail)
        .all(|(t, s)| segment_matches(t, s))
}

/// Whether a path segment fits a template's segment: its literal text matches, ignoring ASCII
/// case, and each `{placeholder}` stands for any text, whole (`{name}`) or within the segment
/// (`{name}:regenerate`, `v{version}`).
fn segment_matches(template: &str, segment: &str) -> bool {
    // The literal pieces around the placeholders: `a{x}b{y}c` gives a, b, c.
    let mut literals = vec![];
    let mut rest = template;
    while let Some((literal, after)) = rest.split_once('{') {
        literals.push(literal);
        rest = after.split_once('}').map_or("", |(_, tail)| tail);
    }
    literals.push(rest);
    let segment = segment.to_ascii_lowercase();
    let [first, middle @ .., last] = literals.as_slice() else {
        // One piece: no placeholder, the segments are equal.
        return template.eq_ignore_ascii_case(&segment);
    };
    let (first, last) = (first.to_ascii_lowercase(), last.to_ascii_lowercase());
    if segment.len() < first.len() + last.len()
        || !segment.starts_with(&first)
        || !segment.ends_with(&last)
    {
        return false;
    }
    // Each middle piece in order, leftmost first, between the two ends.
    let mut between = &segment[first.len()..segment.len() - last.len()];
    for literal in middle {
        let literal = literal.to_ascii_lowercase();
        match between.find(&literal) {
            Some(at) => between = &between[at + literal.len()..],
            None => return false,
        }
    }
    true
}

/// A required argument's value (clap has made sure it is there).
pub fn required<'a>(matches: &'a ArgMatches, id: &str) -> &'a str {
    matches
        .get_one::<String>(id)
        .map(String::as_str)
        .unwrap_or_default()
}

/// An optional argument's value.
pub fn optional(matches: &ArgMatches, id: &str) -> Option<String> {
    matches.get_one::<String>(id).cloned()
}

/// Everything an operation needs from the command line but its own arguments.
pub struct Invocation {
    /// The credential every client authenticates with.
    pub credential: Arc<dyn TokenCredential>,
    /// Cloud, endpoint, retries, transport.
    pub options: azure_mgmt::ClientOptions,
    /// How results are printed.
    pub format: Format,
    /// Print secret values instead of masking them.
    pub show_secrets: bool,
}

impl Invocation {
    /// The credential, for a client.
    pub fn credential(&self) -> Arc<dyn TokenCredential> {
        Arc::clone(&self.credential)
    }

    /// The client options.
    pub fn client_options(&self) -> azure_mgmt::ClientOptions {
        self.options.clone()
    }

    /// The request body: from `--body` (`@FILE` or `-`), else from the field flags.
    pub fn body<T: DeserializeOwned>(
        &self,
        matches: &ArgMatches,
        fields: &[BodyField],
    ) -> Result<T, CliError> {
        let value = match matches.get_one::<String>("body") {
            Some(source) => read_body(source)?,
            None => Value::Object(from_flags(matches, fields)),
        };
        self.decode(value)
    }

    /// An optional request body: `None` when neither `--body` nor a field flag is given.
    pub fn optional_body<T: DeserializeOwned>(
        &self,
        matches: &ArgMatches,
        fields: &[BodyField],
    ) -> Result<Option<T>, CliError> {
        let value = match matches.get_one::<String>("body") {
            Some(source) => read_body(source)?,
            None => {
                let map = from_flags(matches, fields);
                if map.is_empty() {
                    return Ok(None);
                }
                Value::Object(map)
            }
        };
        self.decode(value).map(Some)
    }

    /// The body as the operation's model. serde's message quotes the value it refused, which
    /// may be a secret: only the place is said unless `--show-secrets`.
    fn decode<T: DeserializeOwned>(&self, value: Value) -> Result<T, CliError> {
        serde_json::from_value(value).map_err(|error| {
            let detail = if self.show_secrets {
                format!(": {error}")
            } else {
                String::from(" (--show-secrets says which value)")
            };
            CliError::new(
                Code::InvalidArgument,
                format!("the request body does not fit the operation's schema{detail}"),
            )
        })
    }

    /// A result as JSON, its secrets masked unless `--show-secrets`.
    pub fn shown<T: Serialize>(&self, model: &T, secrets: &[&[&str]]) -> Result<Value, CliError> {
        let mut value = serde_json::to_value(model)
            .map_err(|_| CliError::new(Code::Failure, "the result could not be written as JSON"))?;
        if !self.show_secrets {
            mask::redact(&mut value, secrets);
        }
        Ok(value)
    }

    /// Prints a response's body (nothing for an empty one), then its status on stderr.
    pub fn print_response<T: Serialize>(
        &self,
        response: Response<T>,
        secrets: &[&[&str]],
    ) -> Result<(), CliError> {
        let status = u16::from(response.status());
        let value = self.shown(response.model(), secrets)?;
        self.print(&value);
        output::log_line(&format!("done: status {status}"));
        Ok(())
    }

    /// Prints the status of a response that has no body.
    pub fn print_status(&self, response: Response<()>) -> Result<(), CliError> {
        output::done();
        output::log_line(&format!("done: status {}", u16::from(response.status())));
        Ok(())
    }

    fn print(&self, value: &Value) {
        output::done();
        if value.is_null() {
            return;
        }
        match self.format {
            Format::Json => output::print_json(value),
            Format::Table => print!("{}", output::flat(value)),
        }
    }

    /// Waits for a long-running operation, showing each status the service reports, then
    /// prints its result.
    pub async fn wait<T>(&self, mut poller: Poller<T>, secrets: &[&[&str]]) -> Result<(), CliError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        let started = Instant::now();
        output::status("started; waiting for the service");
        while let Some(status) = poller.next_status().await {
            // A failure is reported again, whole, by the `.await` below.
            let Ok(status) = status else { break };
            output::status(&format!(
                "the service reports {} ({} s)",
                match status {
                    OperationStatus::InProgress => "in progress",
                    OperationStatus::Succeeded => "succeeded",
                    OperationStatus::Failed => "failed",
                    OperationStatus::Canceled => "canceled",
                    _ => "a new status",
                },
                started.elapsed().as_secs()
            ));
            if status.is_terminal() {
                break;
            }
        }
        let response = poller.await;
        output::done();
        self.print_response(response?, secrets)
    }

    /// Prints each item of a paged list as its page arrives: one JSON object per line with
    /// `--output json`, blank-line separated `path  value` blocks otherwise.
    pub async fn stream<P>(&self, pager: Pager<P>, secrets: &[&[&str]]) -> Result<(), CliError>
    where
        P: Page,
        P::Item: Serialize,
    {
        let mut pager = std::pin::pin!(pager);
        let mut count = 0usize;
        while let Some(item) = pager.try_next().await? {
            let value = self.shown(&item, secrets)?;
            output::done();
            match self.format {
                Format::Json => println!("{value}"),
                Format::Table => {
                    if count > 0 {
                        println!();
                    }
                    print!("{}", output::flat(&value));
                }
            }
            count += 1;
        }
        output::log_line(&format!("done: {count} items"));
        Ok(())
    }
}

/// The body `--body` names: `@FILE` or `-` (stdin). A JSON text on the command line is
/// refused: a body may hold a secret, and argv is visible to every user of the machine.
fn read_body(source: &str) -> Result<Value, CliError> {
    let (text, from) = if source == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            CliError::new(
                Code::Failure,
                format!("cannot read the body from stdin: {e}"),
            )
        })?;
        (text, "stdin".to_owned())
    } else if let Some(path) = source.strip_prefix('@') {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::new(
                Code::Failure,
                format!("cannot read the body from {path}: {e}"),
            )
        })?;
        (text, path.to_owned())
    } else {
        return Err(CliError::new(
            Code::Usage,
            "--body takes @FILE or - (stdin), never the JSON itself: a body may hold a secret, and the command line is visible to other users",
        ));
    };
    serde_json::from_str(&text).map_err(|e| {
        CliError::new(
            Code::InvalidArgument,
            format!(
                "the body from {from} is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })
}

/// The body fields given as flags, as a JSON object.
fn from_flags(matches: &ArgMatches, fields: &[BodyField]) -> Map<String, Value> {
    let mut map = Map::new();
    for field in fields {
        let id = format!("body.{}", field.wire);
        let value = match field.kind {
            FieldKind::Text => matches.get_one::<String>(&id).cloned().map(Value::from),
            FieldKind::Integer => matches.get_one::<i64>(&id).copied().map(Value::from),
            FieldKind::Number => matches.get_one::<f64>(&id).copied().map(Value::from),
            FieldKind::Boolean => matches.get_one::<bool>(&id).copied().map(Value::from),
        };
        if let Some(value) = value {
            map.insert(field.wire.to_owned(), value);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_the_end_of_a_path() {
        let template = "/subscriptions/{subscriptionId}/providers/X/things/{name}/listKeys";
        let path = |p: &str| {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let matches = |p: &str| {
            let segments = path(p);
            let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
            template_matches(template, &segments)
        };
        assert!(matches("/subscriptions/s/providers/x/things/t/listkeys"));
        assert!(matches(
            "/prefix/subscriptions/s/providers/X/things/t/listKeys"
        ));
        assert!(!matches("/subscriptions/s/providers/X/things/t/regenerate"));
        assert!(!matches("/providers/X/things/t/listKeys"));
    }

    #[test]
    fn a_placeholder_may_be_part_of_a_segment() {
        for (template, segment, fits) in [
            ("{name}:regenerate", "primary:Regenerate", true),
            ("{name}:regenerate", "primary:list", false),
            ("{name}:regenerate", ":regenerate", true),
            ("v{major}.{minor}", "V1.2", true),
            ("v{major}.{minor}", "v12", false),
            ("v{major}.{minor}", "x1.2", false),
            ("{a}-{b}-{c}", "x-y-z", true),
            ("{a}-{b}-{c}", "x-yz", false),
            ("ab{x}ba", "aba", false),
            ("ab{x}ba", "abba", true),
            ("a{x}a", "a", false),
            ("{a}z{b}z", "az", false),
            ("{a}z{b}z", "azbz", true),
            ("keys", "KEYS", true),
            ("keys", "key", false),
            ("{name}", "anything", true),
        ] {
            assert_eq!(
                segment_matches(template, segment),
                fits,
                "{template} against {segment}"
            );
        }
    }

    fn matches(args: &[&str]) -> ArgMatches {
        Command::new("op")
            .arg(clap::Arg::new("name").long("name"))
            .arg(clap::Arg::new("filter").long("filter"))
            .arg(
                clap::Arg::new("body.count")
                    .long("count")
                    .value_parser(clap::value_parser!(i64)),
            )
            .arg(
                clap::Arg::new("body.weight")
                    .long("weight")
                    .value_parser(clap::value_parser!(f64)),
            )
            .arg(
                clap::Arg::new("body.on")
                    .long("on")
                    .value_parser(clap::value_parser!(bool)),
            )
            .arg(clap::Arg::new("body.note").long("note"))
            .arg(clap::Arg::new("body").long("body"))
            .get_matches_from(std::iter::once("op").chain(args.iter().copied()))
    }

    #[test]
    fn arguments_are_read_by_their_wire_names() {
        let given = matches(&["--name", "n", "--filter", "f"]);
        assert_eq!(required(&given, "name"), "n");
        assert_eq!(optional(&given, "filter").as_deref(), Some("f"));
        let absent = matches(&[]);
        assert_eq!(optional(&absent, "filter"), None);
    }

    #[test]
    fn body_flags_become_json_of_their_types() {
        let fields = [
            BodyField {
                wire: "count",
                kind: FieldKind::Integer,
            },
            BodyField {
                wire: "weight",
                kind: FieldKind::Number,
            },
            BodyField {
                wire: "on",
                kind: FieldKind::Boolean,
            },
            BodyField {
                wire: "note",
                kind: FieldKind::Text,
            },
        ];
        let given = matches(&[
            "--count", "3", "--weight", "0.5", "--on", "true", "--note", "x",
        ]);
        assert_eq!(
            Value::Object(from_flags(&given, &fields)),
            serde_json::json!({"count": 3, "weight": 0.5, "on": true, "note": "x"})
        );
        let invocation = Invocation {
            credential: Arc::new(crate::auth::NoToken),
            options: azure_mgmt::ClientOptions::default(),
            format: Format::Json,
            show_secrets: false,
        };
        let body: Option<Value> = invocation
            .optional_body(&matches(&[]), &fields)
            .expect("no body");
        assert_eq!(body, None, "no flag and no --body: no body");
        let body: Option<Value> = invocation
            .optional_body(&matches(&["--count", "1"]), &fields)
            .expect("a body");
        assert_eq!(body, Some(serde_json::json!({"count": 1})));
    }

    #[test]
    fn every_operation_of_the_specs_is_found_by_its_own_path() {
        for service in crate::generated::SERVICES {
            for op in service.operations {
                let path = op.path.replace(['{', '}'], "");
                let found = request_secrets(op.method, &path).expect("found");
                // The first operation with this method and path: the same secrets.
                assert_eq!(found, op.request_secrets, "{} {}", service.name, op.name);
            }
        }
    }
}
