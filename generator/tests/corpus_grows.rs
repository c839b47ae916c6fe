//! The spec set grows: on a copy of the real specs, a maintainer adds a new service (its
//! `service.yaml` and one operation) and a new operation to an existing service, and the
//! generator still does its job for every operation there is. Nothing here counts the real
//! specs; every expectation is derived from the copy the test generates from.

mod common;

use std::fs;
use std::path::Path;

use common::copy_dir;
use generator::names::snake;
use serde_yaml::{Mapping, Value};

/// The service the test adds; no real spec has it.
const NEW_SERVICE: &str = "contoso-widgets";

const NEW_SERVICE_YAML: &str = r#"# A made-up service, added by a test to a copy of the specs.
title: Contoso Widgets
docs: Management of Contoso widgets, a service made up to show the spec set can grow.
endpoint: resourceManager
namespace: Contoso.Widgets
security:
  type: oauth2
  flow: implicit
  authorizationUrl: https://login.microsoftonline.com/common/oauth2/authorize
  scopes:
    user_impersonation: impersonate your user account
"#;

const NEW_SERVICE_OPERATION: &str = r#"operationId: Widgets_Get
summary: Widgets - Get
docs: Gets a widget.
method: GET
path: /subscriptions/{subscriptionId}/providers/Contoso.Widgets/widgets/{widgetName}
parameters:
  - name: subscriptionId
    in: path
    docs: The subscription id.
  - name: widgetName
    in: path
    docs: The widget's name.
    minLength: 3
    maxLength: 24
  - name: api-version
    in: query
    docs: Client API version.
    value: '2025-01-01'
responses:
  '200':
    docs: The widget.
    schema: Widget
  default:
    docs: Why the call failed.
    schema: WidgetError
schemas:
  Widget:
    docs: A widget.
    properties:
      name:
        type: string
        docs: The widget's name.
      secretCode:
        type: string
        docs: The widget's secret code.
        secret: true
    required: [name]
  WidgetError:
    docs: The service's error.
    properties:
      code:
        type: string
        docs: The error code.
      message:
        type: string
        docs: The error message.
    errorFields:
      code: code
      message: message
examples:
  GetAWidget:
    parameters:
      subscriptionId: 00000000-0000-0000-0000-000000000000
      widgetName: blue-widget
    responses:
      '200':
        body:
          name: blue-widget
          secretCode: s3cr3t
"#;

/// The operation added to Event Hubs, and the file it goes in (named after its id).
const PROBE_ID: &str = "Probes_GetAuthorizationRule";
const PROBE_FILE: &str = "probes-get-authorization-rule.yaml";
/// The service the probe joins, and the parameter it must copy.
const EXISTING_SERVICE: &str = "event-hubs";
const COPIED_PARAMETER: &str = "namespaceName";

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test YAML parses")
}

fn key(name: &str) -> Value {
    Value::String(name.to_string())
}

/// A GET on the resource an existing operation acts on: the path without its trailing action
/// segment, every parameter of that operation (constraints included), its error response and
/// its first example's parameter values.
fn probe_operation(existing: &Value) -> String {
    let field = |name: &str| existing.get(name).cloned().unwrap_or(Value::Null);
    let path = field("path");
    let path = path.as_str().expect("an operation has a path");
    let path = match path.rsplit_once('/') {
        Some((resource, action)) if !action.contains('{') => resource,
        _ => path,
    };
    let default = existing
        .get("responses")
        .and_then(|r| r.get("default"))
        .cloned()
        .expect("an operation documents its error response");
    let mut op = Mapping::new();
    op.insert(key("operationId"), key(PROBE_ID));
    op.insert(key("summary"), key("Probes - Get Authorization Rule"));
    op.insert(
        key("docs"),
        key("Gets the resource the copied operation acts on."),
    );
    op.insert(key("method"), key("GET"));
    op.insert(key("path"), key(path));
    op.insert(key("parameters"), field("parameters"));
    let mut responses = Mapping::new();
    responses.insert(key("200"), yaml("docs: The resource.\nschema: ProbeRule\n"));
    responses.insert(key("default"), default);
    op.insert(key("responses"), Value::Mapping(responses));
    op.insert(
        key("schemas"),
        yaml(
            "ProbeRule:\n  docs: The resource.\n  properties:\n    probeName:\n      type: string\n      docs: Its name.\n",
        ),
    );
    let example_parameters = existing
        .get("examples")
        .and_then(Value::as_mapping)
        .and_then(|examples| examples.values().next())
        .and_then(|example| example.get("parameters"))
        .cloned();
    if let Some(parameters) = example_parameters {
        let mut example = Mapping::new();
        example.insert(key("parameters"), parameters);
        example.insert(
            key("responses"),
            yaml("'200':\n  body:\n    probeName: probe\n"),
        );
        let mut examples = Mapping::new();
        examples.insert(key("ProbeGetAuthorizationRule"), Value::Mapping(example));
        op.insert(key("examples"), Value::Mapping(examples));
    }
    serde_yaml::to_string(&Value::Mapping(op)).expect("serializes")
}

/// Copies the real specs into `root` and adds the new service and the probe operation.
fn grown_specs(root: &Path) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs"),
        root,
    );

    let new_service = root.join(NEW_SERVICE);
    assert!(
        !new_service.exists(),
        "`{NEW_SERVICE}` is a real service now: rename the test's"
    );
    fs::create_dir(&new_service).expect("mkdir");
    fs::write(new_service.join("service.yaml"), NEW_SERVICE_YAML).expect("write");
    fs::write(new_service.join("widgets-get.yaml"), NEW_SERVICE_OPERATION).expect("write");

    // The probe copies the parameters of an existing operation that has the parameter.
    let service = generator::load::load(root)
        .unwrap_or_else(|d| panic!("the copy loads:\n{d}"))
        .services
        .into_iter()
        .find(|s| s.folder == EXISTING_SERVICE)
        .expect("the existing service is in the specs");
    let existing = service
        .operations
        .iter()
        .find(|op| {
            op.spec
                .parameters
                .iter()
                .any(|p| p.name == COPIED_PARAMETER && p.pattern.is_some())
        })
        .expect("an operation of the existing service has the parameter, with a pattern");
    let probe = root.join(EXISTING_SERVICE).join(PROBE_FILE);
    assert!(
        !probe.exists(),
        "{PROBE_FILE} is a real spec now: rename the test's"
    );
    fs::write(&probe, probe_operation(&yaml(&existing.text))).expect("write");
}

#[test]
fn a_new_service_and_a_new_operation_generate_like_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    grown_specs(root);
    let set = generator::load::load(root).unwrap_or_else(|d| panic!("the grown specs load:\n{d}"));
    let generated =
        generator::generate(root).unwrap_or_else(|d| panic!("the grown specs generate:\n{d}"));
    let plan = &generated.plan;
    let file = |path: &str| -> &str {
        plan.get(path)
            .unwrap_or_else(|| panic!("the plan has no `{path}`"))
            .as_str()
    };

    // Both additions are loaded, not skipped.
    let operations: Vec<(String, &str)> = set
        .services
        .iter()
        .flat_map(|s| {
            s.operations
                .iter()
                .map(move |op| (s.folder.clone(), op.path.as_str()))
        })
        .collect();
    for added in [
        format!("{NEW_SERVICE}/widgets-get.yaml"),
        format!("{EXISTING_SERVICE}/{PROBE_FILE}"),
    ] {
        assert!(
            operations.iter().any(|(_, path)| *path == added),
            "`{added}` was not loaded: {operations:?}"
        );
    }

    // Every operation of every service is a method of its service's client.
    for service in &set.services {
        let module = snake(&service.folder);
        let client = file(&format!("src/{module}/client.rs"));
        for op in &service.operations {
            let method = snake(&op.spec.operation_id);
            assert!(
                client.contains(&format!("fn {method}(")),
                "the {} client has no method `{method}` for {}",
                service.folder,
                op.path
            );
        }
    }

    // The new service is a module of the crate behind its own feature, on by default.
    let module = snake(NEW_SERVICE);
    for part in ["mod.rs", "models.rs", "client.rs"] {
        file(&format!("src/{module}/{part}"));
    }
    let lib = file("src/lib.rs");
    assert!(
        lib.contains(&format!("#[cfg(feature = \"{NEW_SERVICE}\")]")),
        "{lib}"
    );
    assert!(lib.contains(&format!("pub mod {module};")), "{lib}");
    let block = &generated.features_block;
    for service in &set.services {
        let folder = &service.folder;
        assert!(
            block.lines().any(|l| l == format!("{folder} = []")),
            "no feature for `{folder}`:\n{block}"
        );
        let all = block
            .lines()
            .find(|l| l.starts_with("all-services = "))
            .expect("a feature that enables every service");
        assert!(
            all.contains(&format!("\"{folder}\"")),
            "`all-services` does not enable `{folder}`:\n{block}"
        );
    }

    // Services with examples get an example test file, each declared in the test crate's root.
    let examples_main = file("tests/examples/main.rs");
    for service in &set.services {
        let module = snake(&service.folder);
        let path = format!("tests/examples/{module}.rs");
        if service
            .operations
            .iter()
            .any(|op| !op.spec.examples.is_empty())
        {
            file(&path);
            assert!(
                examples_main.contains(&format!("mod {module};")),
                "{examples_main}"
            );
        } else {
            assert!(!plan.contains_key(&path), "{path} without examples");
        }
    }

    // Every operation of every service is a subcommand of the command-line tool, with a flag
    // per parameter a caller sets, and no CLI code written by hand.
    let cli_mod = generated
        .cli_plan
        .get("src/generated/mod.rs")
        .expect("the command-line tool's services");
    for service in &set.services {
        let module = snake(&service.folder);
        assert!(
            cli_mod.contains(&format!("&{module}::SERVICE")),
            "{cli_mod}"
        );
        let commands = generated
            .cli_plan
            .get(&format!("src/generated/{module}.rs"))
            .unwrap_or_else(|| panic!("no commands for {}", service.folder));
        for op in &service.operations {
            let name = snake(&op.spec.operation_id).replace('_', "-");
            assert!(
                commands.contains(&format!("Command::new(\"{name}\")")),
                "`{}` has no subcommand `{name}` for {}",
                service.folder,
                op.path
            );
        }
    }

    // The copied parameter keeps its documented constraints, and with them their warning.
    let probe = format!("{EXISTING_SERVICE}/{PROBE_FILE}");
    assert!(
        generated.warnings.warnings().any(|w| w.file == probe
            && w.field.ends_with(".pattern")
            && w.message.contains(&format!("`{COPIED_PARAMETER}`"))),
        "no pattern-vs-length warning for the probe's `{COPIED_PARAMETER}`:\n{}",
        generated.warnings
    );

    // Rendering is deterministic.
    let again = generator::generate(root).expect("generates again");
    assert_eq!(&again.plan, plan);
    assert_eq!(again.cli_plan, generated.cli_plan);
    assert_eq!(again.features_block, generated.features_block);
}
