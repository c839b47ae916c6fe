//! Names: the names the generated code uses itself (which no spec may take), and the names one
//! service module holds across its files: its models, its client, and each operation's method,
//! options struct, file name and example tests. Names inside one file (schemas, properties,
//! parameters, enum values) are checked where those are.

use std::collections::BTreeMap;

use super::syntax::{is_identifier_like, kebab};
use super::{Cx, cx_for, located};
use crate::diagnostics::Diagnostics;
use crate::load::{Loaded, LoadedService, OperationFile};
use crate::locate::FieldPath;
use crate::names::{bare, camel, is_valid_ident, snake};
use crate::resolve::{Home, Resolver};

/// Argument and field names a generated method or options struct uses itself: a parameter
/// given one of these names would shadow a local or repeat a field.
pub(super) const RESERVED_ARGS: &[&str] = &[
    "options",
    "parameters",
    "method_options",
    "url",
    "request",
    "query",
    "set_json_body",
    "set_xml_body",
    "decode_json",
    "decode_xml",
    "decode_empty",
    "decode_optional",
];

/// Type names the generated modules use unqualified (imports, the prelude, the catch-all
/// variant): a schema with one of these Rust names would clash or shadow.
pub(super) const RESERVED_TYPES: &[&str] = &[
    "UnknownValue",
    "UnknownVariant",
    "Arc",
    "BTreeMap",
    "CheckConstraints",
    "FieldPath",
    "IntegerRule",
    "ItemsRule",
    "NumberRule",
    "OffsetDateTime",
    "StringRule",
    "Tagged",
    "BodyFormat",
    "Box",
    "ClientCore",
    "ClientMethodOptions",
    "ClientOptions",
    "Deserialize",
    "Err",
    "ErrorContract",
    "ErrorFields",
    "FinalState",
    "From",
    "LazyLock",
    "Method",
    "Mock",
    "MockServer",
    "None",
    "Ok",
    "Option",
    "Page",
    "Pager",
    "PagerOptions",
    "ParamSpec",
    "PathPart",
    "Poller",
    "Regex",
    "Request",
    "Response",
    "ResponseTemplate",
    "Result",
    "Secret",
    "Serialize",
    "Some",
    "String",
    "TokenCredential",
    "Url",
    "Value",
    "Vec",
];

/// Methods every generated client has.
pub(super) const RESERVED_METHODS: &[&str] = &["new", "endpoint"];

/// Function names a generated example-test file defines or imports.
pub(super) const RESERVED_TESTS: &[&str] = &[
    "json",
    "main",
    "body_json",
    "body_string",
    "header",
    "method",
    "path",
    "query_param",
];

/// The test function each example becomes, by file and example name, with the first other
/// example giving the same function, if any.
type ExampleTests = BTreeMap<(String, String), (String, Option<(String, String)>)>;

/// The names one service module holds across its files, gathered and checked as the driver
/// walks the service, so that each problem is reported in the file that causes it.
pub(super) struct ServiceNames {
    /// The Rust name of every schema of the service, with the file and field defining it.
    types: BTreeMap<String, (String, FieldPath)>,
    /// The method of each operation checked so far, with its file.
    methods: BTreeMap<String, String>,
    /// The example tests not checked yet.
    tests: ExampleTests,
}

impl ServiceNames {
    /// Checks the schema names across the service's files (collisions inside one file are
    /// reported by `schemas`) and the client's name.
    pub(super) fn new<'b>(
        service: &'b LoadedService,
        resolver: &Resolver<'b>,
        refs_complete: bool,
        out: &mut Diagnostics,
    ) -> Self {
        let manifest = &service.manifest;
        let client = format!("{}Client", camel(&service.folder));
        let mut types: BTreeMap<String, (String, FieldPath)> = BTreeMap::new();
        for entry in resolver.entries_of(Home::Service(&service.folder)) {
            types
                .entry(camel(&entry.name))
                .or_insert((manifest.path.clone(), entry.at.clone()));
        }
        for op in &service.operations {
            // Collisions inside one file are reported by `schemas`; here, across files, each
            // blamed on the later file, once.
            let mut own: BTreeMap<String, (String, FieldPath)> = BTreeMap::new();
            for entry in resolver.entries_of(Home::Operation(&service.folder, &op.path)) {
                let name = &entry.name;
                let rust = camel(name);
                let mut cx = cx_for(op, service, resolver, refs_complete, out);
                if let Some((other, _)) = types.get(&rust) {
                    let message = match (&entry.inline, rust == *name) {
                        (Some(_), _) => format!(
                            "this inline schema is named `{rust}` in Rust, like a schema in `{other}`"
                        ),
                        (None, true) => format!("schema `{name}` is defined in `{other}` too"),
                        (None, false) => {
                            format!(
                                "schema `{name}` is named `{rust}` in Rust, like a schema in `{other}`"
                            )
                        }
                    };
                    cx.error(
                        &entry.at,
                        message,
                        Some("the schemas of one service share a module: rename one, or keep one copy in service.yaml, which every operation file of the service can use".into()),
                    );
                } else {
                    own.entry(rust)
                        .or_insert((op.path.clone(), entry.at.clone()));
                }
            }
            types.extend(own);
        }
        if let Some((file, at)) = types.get(&client) {
            let owner = if *file == manifest.path {
                (manifest.path.as_str(), manifest.text.as_str())
            } else {
                let op = service.operations.iter().find(|o| o.path == *file);
                op.map(|o| (o.path.as_str(), o.text.as_str()))
                    .unwrap_or((manifest.path.as_str(), manifest.text.as_str()))
            };
            let diag = located(
                owner.0,
                owner.1,
                at,
                format!("schema name gives `{client}`, the name of the service's client"),
                Some("rename the schema".into()),
            );
            out.push(diag);
        }
        ServiceNames {
            types,
            methods: BTreeMap::new(),
            tests: example_test_names(service),
        }
    }

    /// The file that defines the schema whose Rust name is `rust`, if any.
    pub(super) fn schema_file(&self, rust: &str) -> Option<&str> {
        self.types.get(rust).map(|(file, _)| file.as_str())
    }

    /// Checks the names operation `op` gives: its method, its options struct, its file name
    /// and its example tests.
    pub(super) fn operation(&mut self, cx: &mut Cx<'_, '_>, op: &Loaded<OperationFile>) {
        let root = FieldPath::root();
        let at_id = root.key("operationId");
        let method = snake(&op.spec.operation_id);
        if let Some(other) = self.methods.insert(method.clone(), op.path.clone()) {
            cx.error(
                &at_id,
                format!(
                    "operation id `{}` gives the method `{}`, like the operation in `{other}`",
                    op.spec.operation_id,
                    bare(&method)
                ),
                Some("operation ids must be unique within a service".into()),
            );
        }
        let options = format!("{}Options", camel(&op.spec.operation_id));
        if let Some((file, _)) = self.types.get(&options) {
            cx.error(
                &at_id,
                format!(
                    "operation id `{}` gives the options struct `{options}`, the Rust name of a schema in `{file}`",
                    op.spec.operation_id
                ),
                Some("rename the schema".into()),
            );
        }
        let file_stem = op
            .path
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".yaml"))
            .unwrap_or_default();
        let expected = kebab(&op.spec.operation_id);
        if is_identifier_like(&op.spec.operation_id) && file_stem != expected {
            cx.warn(
                "file-name",
                &at_id,
                format!(
                    "operation `{}` is in `{file_stem}.yaml`; its file should be `{expected}.yaml`",
                    op.spec.operation_id
                ),
                Some("name each operation file after its operation id, so that a copied neighbour with an unchanged id stands out".into()),
            );
        }
        for name in op.spec.examples.keys() {
            let at = root.key("examples").key(name);
            let Some(test) = self.tests.remove(&(op.path.clone(), name.clone())) else {
                continue;
            };
            if !is_valid_ident(&test.0) {
                cx.error(
                    &at,
                    format!(
                        "example name `{name}` gives the test function `{}`, which is not a Rust identifier",
                        test.0
                    ),
                    Some("use letters, digits, spaces and `_` in example names".into()),
                );
            } else if RESERVED_TESTS.contains(&bare(&test.0)) {
                cx.error(
                    &at,
                    format!(
                        "example name `{name}` gives the test function `{}`, a name the generated test file uses itself",
                        test.0
                    ),
                    Some("rename the example".into()),
                );
            } else if let Some(other) = test.1 {
                cx.error(
                    &at,
                    format!(
                        "example name `{name}` gives the test function `{}`, like the example `{}` in `{}`",
                        bare(&test.0),
                        other.1,
                        other.0
                    ),
                    Some("example names must be unique within a service after conversion to snake_case".into()),
                );
            }
        }
    }
}

/// The test function each example becomes, as the example emitter names it: the example name in
/// snake_case, prefixed with the method name when two examples of the service share it. With the
/// first other example giving the same function, if any.
fn example_test_names(service: &LoadedService) -> ExampleTests {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in &service.operations {
        for name in op.spec.examples.keys() {
            *counts.entry(snake(name)).or_default() += 1;
        }
    }
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for op in &service.operations {
        for name in op.spec.examples.keys() {
            let base = snake(name);
            let test = if counts[&base] > 1 {
                format!("{}_{base}", snake(&op.spec.operation_id))
            } else {
                base
            };
            let other = seen.get(&test).cloned();
            seen.entry(test.clone())
                .or_insert_with(|| (op.path.clone(), name.clone()));
            out.insert((op.path.clone(), name.clone()), (test, other));
        }
    }
    out
}
