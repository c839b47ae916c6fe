//! A new service gets key rotation from YAML alone: a copy of the real specs grows a made-up
//! service with a list and a rotate operation and a `rotation` entry in its `service.yaml`;
//! the crate generated from the copy is built (no warning) and a test written against the
//! public rotation API only rotates the new service's keys from a resource ID, over HTTP, next
//! to the real services' kinds. No generator or runtime code names the new service.
//!
//! The command-line tool generated from the same copy is built too (no warning), with two
//! more operations the real specs do not have: a paged list, and a PATCH whose body has
//! integer, boolean and number fields.
//!
//! The made-up service differs from the real ones where the generator could have taken a
//! shortcut: a GET that lists, a regenerate body that is optional and whose selector is a plain
//! string, keys nested in an inline object (required) and connection strings in a named one
//! (optional), a slot naming (`first`, `second`) unlike any real service's.

mod common;
mod scratch;
#[path = "scratch/cli.rs"]
mod scratch_cli;

use std::fs;
use std::path::Path;

const SERVICE: &str = r#"# A made-up service, added by a test to a copy of the specs.
title: Contoso Vaults
docs: Management of Contoso vaults and their access policies, a service made up by a test.
endpoint: resourceManager
namespace: Contoso.Vaults
security:
  type: oauth2
  flow: implicit
  authorizationUrl: https://login.microsoftonline.com/common/oauth2/authorize
rotation:
  - resource: AccessPolicy
    docs: An access policy of a Contoso vault, with two secrets.
    list: AccessPolicies_ListSecrets
    regenerate: AccessPolicies_RotateSecret
    selector: which
    slots:
      primary:
        value: first
        key: secrets.first
        connectionString: uris.first
      secondary:
        value: second
        key: secrets.second
        connectionString: uris.second
schemas:
  PolicySecrets:
    docs: The secrets of an access policy.
    required: [secrets]
    properties:
      secrets:
        type: object
        docs: The two secrets.
        properties:
          first:
            type: string
            docs: The first secret.
            secret: true
          second:
            type: string
            docs: The second secret.
            secret: true
      uris:
        type: SecretUris
        docs: URIs that embed the secrets.
  SecretUris:
    docs: URIs that embed the secrets.
    properties:
      first:
        type: string
        docs: The URI with the first secret.
        secret: true
      second:
        type: string
        docs: The URI with the second secret.
        secret: true
  VaultError:
    docs: Why a call failed.
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
"#;

const PARAMETERS: &str = r#"parameters:
  - name: subscriptionId
    in: path
    docs: The subscription id.
  - name: resourceGroupName
    in: path
    docs: The resource group.
    minLength: 1
    maxLength: 90
  - name: vaultName
    in: path
    docs: The vault.
    pattern: '^[a-z][a-z0-9]{2,23}$'
  - name: policyName
    in: path
    docs: The access policy.
  - name: api-version
    in: query
    docs: Client API version.
    value: '2025-01-01'
"#;

const RESOURCE: &str = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Vaults/vaults/{vaultName}/accessPolicies/{policyName}";

fn list_operation() -> String {
    format!(
        r#"operationId: AccessPolicies_ListSecrets
summary: Access Policies - List Secrets
docs: Lists the secrets of an access policy.
method: GET
path: {RESOURCE}/secrets
{PARAMETERS}responses:
  '200':
    docs: The secrets.
    schema: PolicySecrets
  default:
    docs: Why the call failed.
    schema: VaultError
"#
    )
}

fn rotate_operation() -> String {
    format!(
        r#"operationId: AccessPolicies_RotateSecret
summary: Access Policies - Rotate Secret
docs: Replaces one secret of an access policy with a new one.
method: POST
path: {RESOURCE}/rotate
{PARAMETERS}requestBody:
  contentType: application/json
  schema: RotateRequest
  docs: Which secret to rotate.
  required: false
responses:
  '200':
    docs: The secrets, the rotated one new.
    schema: PolicySecrets
  default:
    docs: Why the call failed.
    schema: VaultError
schemas:
  RotateRequest:
    docs: Which secret to rotate.
    properties:
      which:
        type: string
        docs: '`first` or `second`.'
      comment:
        type: string
        docs: A note kept with the rotation.
"#
    )
}

/// A paged list of the vault's access policies.
fn paged_operation() -> String {
    r#"operationId: AccessPolicies_List
summary: Access Policies - List
docs: Lists the access policies of a vault, a page at a time.
method: GET
path: /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Vaults/vaults/{vaultName}/accessPolicies
parameters:
  - name: subscriptionId
    in: path
    docs: The subscription id.
  - name: resourceGroupName
    in: path
    docs: The resource group.
  - name: vaultName
    in: path
    docs: The vault.
  - name: $filter
    in: query
    docs: Only the policies matching this filter.
    required: false
  - name: api-version
    in: query
    docs: Client API version.
    value: '2025-01-01'
responses:
  '200':
    docs: A page of policies.
    schema: PolicyList
  default:
    docs: Why the call failed.
    schema: VaultError
pageable:
  nextLinkName: nextLink
schemas:
  PolicyList:
    docs: A page of access policies.
    properties:
      value:
        type: array
        items: PolicySecrets
        docs: The policies.
      nextLink:
        type: string
        docs: The next page.
"#
    .to_owned()
}

/// A PATCH whose body has a field of every plain type.
fn patch_operation() -> String {
    format!(
        r#"operationId: AccessPolicies_Update
summary: Access Policies - Update
docs: Changes the settings of an access policy.
method: PATCH
path: {RESOURCE}
{PARAMETERS}requestBody:
  contentType: application/json
  schema: PolicySettings
  docs: The new settings.
  required: true
responses:
  '200':
    docs: The policy's secrets.
    schema: PolicySecrets
  default:
    docs: Why the call failed.
    schema: VaultError
schemas:
  PolicySettings:
    docs: Settings of an access policy.
    required: [enabled]
    properties:
      enabled:
        type: boolean
        docs: Whether the policy works.
      maxAgeDays:
        type: integer
        docs: Days before the secrets must rotate.
      weight:
        type: number
        docs: A weight.
      note:
        type: string
        docs: A note.
"#
    )
}

/// The test the scratch crate runs: the public rotation API against a simulated Contoso
/// vault, from the resource ID an operator would paste (in ARM's odd casing).
const ROTATION_TEST: &str = r#"
use azure_mgmt::rotation::{self, NoProgress, RotationOptions, Slot};
use std::sync::{Arc, Mutex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const BASE: &str = "/subscriptions/sub1/resourceGroups/rg1/providers/Contoso.Vaults/vaults/vault1/accessPolicies/reader";

#[derive(Clone, Default)]
struct Vault(Arc<Mutex<(Vec<String>, [u32; 2])>>);

impl Vault {
    fn body(&self) -> ResponseTemplate {
        let state = self.0.lock().unwrap();
        let [first, second] = state.1.map(|n| format!("SECRET-{n}"));
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "secrets": {"first": first, "second": second},
            "uris": {"first": format!("vault://{first}"), "second": format!("vault://{second}")},
        }))
    }
}

impl Respond for Vault {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        assert_eq!(request.url.query(), Some("api-version=2025-01-01"));
        let path = request.url.path();
        if request.method.as_str() == "GET" && path == format!("{BASE}/secrets") {
            self.0.lock().unwrap().0.push("list".into());
            return self.body();
        }
        if request.method.as_str() == "POST" && path == format!("{BASE}/rotate") {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            let which = body["which"].as_str().unwrap().to_owned();
            assert_eq!(body.as_object().unwrap().len(), 1, "only the selector is sent");
            let mut state = self.0.lock().unwrap();
            let slot = ["first", "second"].iter().position(|w| *w == which).unwrap();
            state.1[slot] += 10;
            state.0.push(format!("rotate {which}"));
            drop(state);
            return self.body();
        }
        ResponseTemplate::new(404)
    }
}

#[tokio::test]
async fn a_service_added_in_yaml_rotates_from_its_resource_id() {
    let server = MockServer::start().await;
    let vault = Vault::default();
    Mock::given(wiremock::matchers::any()).respond_with(vault.clone()).mount(&server).await;
    let options = azure_mgmt::ClientOptions {
        client_options: testkit::client_options_with_retry(&server, azure_core::http::RetryOptions::none()),
        endpoint: Some(testkit::https_uri(&server)),
        ..Default::default()
    };
    let id = BASE.replace("resourceGroups", "resourcegroups").replace("accessPolicies", "ACCESSPOLICIES") + "/";
    let target = rotation::target(&id, testkit::FakeCredential::new(), Some(options)).unwrap();
    assert_eq!(target.kind().name, "contoso-vaults/access-policy");
    assert_eq!(target.kind().title, "Contoso Vaults access policy");
    assert!(target.kind().connection_strings);
    assert_eq!(target.resource_id(), BASE);

    let rotated = rotation::rotate_both(&*target, &RotationOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(rotated.secondary.key.key().secret(), "SECRET-10");
    assert_eq!(rotated.primary.key.key().secret(), "SECRET-10");
    assert_eq!(
        rotated.primary.key.connection_string().map(|s| s.secret()),
        Some("vault://SECRET-10")
    );
    assert_eq!(
        vault.0.lock().unwrap().0,
        ["rotate second", "list", "rotate first", "list"]
    );
    assert!(!format!("{rotated:?}").contains("SECRET"));

    let keys = target.list_keys().await.unwrap();
    assert_eq!(keys.get(Slot::Secondary).unwrap().key().secret(), "SECRET-10");

    // The new kind sits next to the real ones, and a bad vault name is refused by its pattern.
    assert!(rotation::kinds().count() > 1);
    let error = rotation::target(&BASE.replace("vault1", "Vault1"), testkit::FakeCredential::new(), None)
        .expect_err("refused");
    assert!(error.to_string().contains("`vaultName`: `Vault1` does not match the pattern"), "{error}");
}
"#;

#[test]
fn a_service_added_in_yaml_gets_key_rotation() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let copy = tempfile::tempdir().expect("temp dir");
    common::copy_dir(&real, copy.path());
    let service = copy.path().join("contoso-vaults");
    fs::create_dir_all(&service).expect("mkdir");
    fs::write(service.join("service.yaml"), SERVICE).expect("write");
    fs::write(
        service.join("access-policies-list-secrets.yaml"),
        list_operation(),
    )
    .expect("write");
    fs::write(
        service.join("access-policies-rotate-secret.yaml"),
        rotate_operation(),
    )
    .expect("write");
    fs::write(service.join("access-policies-list.yaml"), paged_operation()).expect("write");
    fs::write(
        service.join("access-policies-update.yaml"),
        patch_operation(),
    )
    .expect("write");
    // The new service adds no warning to those the real specs have.
    let real_warnings = generator::generate(&real)
        .map(|g| g.warnings.0.len())
        .unwrap_or_else(|d| panic!("{d}"));
    let grown = generator::generate(copy.path()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(grown.warnings.0.len(), real_warnings, "{}", grown.warnings);

    let built = scratch::build_and_test(
        copy.path(),
        &[("rotation_from_yaml.rs", ROTATION_TEST)],
        &["rotation_from_yaml"],
    );
    let cli = scratch_cli::build_cli(&built, copy.path());
    let tests = built.assert_clean("the crate generated from the grown specs");
    cli.assert_clean("the command-line tool generated from the grown specs");
    assert!(
        tests.contains("test result: ok. 1 passed"),
        "the rotation test ran:\n{tests}"
    );
}
