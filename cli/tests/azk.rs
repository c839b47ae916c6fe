//! The built `azk` binary against local wiremock servers, as an operator or a script runs it.
//!
//! The binary reaches the servers through its debug-build test hook: `AZK_TEST_SERVER` sends
//! every request, whatever its host, to the local server over plain http, with the host it was
//! addressed to in `x-azk-test-host` (`src/transport.rs`). Credentials are real: `--auth
//! client-secret` from `AZURE_*` variables, its token fetched from the same server.

use serde_json::{Value, json};
use std::process::Output;
use wiremock::matchers::{body_partial_json, header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const RULE: &str = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/myspace/authorizationRules/app";
const RULE_PATH: &str = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/myspace/AuthorizationRules/app";
const TOKEN: &str = "token-from-the-local-authority";
const CLIENT_SECRET: &str = "client-secret-never-printed";

/// Keys as the service returns them; every value holds `SECRET` so a leak is easy to find.
fn keys(primary: &str, secondary: &str) -> Value {
    json!({
        "primaryKey": format!("SECRET-{primary}"),
        "secondaryKey": format!("SECRET-{secondary}"),
        "primaryConnectionString": format!("Endpoint=sb://myspace/;SharedAccessKey=SECRET-{primary}"),
        "secondaryConnectionString": format!("Endpoint=sb://myspace/;SharedAccessKey=SECRET-{secondary}"),
        "keyName": "app",
    })
}

/// A server whose token endpoint answers `--auth client-secret`.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tenant/oauth2/v2.0/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600, "access_token": TOKEN,
        })))
        .mount(&server)
        .await;
    server
}

/// Runs `azk` with `args` against `server`, stdin empty (not a terminal), with `--auth
/// client-secret` unless `args` choose a credential.
async fn azk(server: &MockServer, args: &[&str]) -> Output {
    azk_with(server, args, &[], &[]).await
}

async fn azk_with(
    server: &MockServer,
    args: &[&str],
    env: &[(&str, &str)],
    remove: &[&str],
) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("azk").expect("built");
    command
        .env("AZK_TEST_SERVER", server.address().to_string())
        .env("AZURE_TENANT_ID", "tenant")
        .env("AZURE_CLIENT_ID", "client")
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .write_stdin("");
    if !args.contains(&"--auth") {
        command.args(["--auth", "client-secret"]);
    }
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    for key in remove {
        command.env_remove(key);
    }
    tokio::task::spawn_blocking(move || command.output().expect("runs"))
        .await
        .expect("joined")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_out(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}):\n{}\n{}",
            stdout(output),
            stderr(output)
        )
    })
}

/// No secret anywhere the operator sees.
fn assert_no_secret(output: &Output) {
    for text in [stdout(output), stderr(output)] {
        assert!(!text.contains("SECRET"), "a key leaked:\n{text}");
        assert!(
            !text.contains(CLIENT_SECRET),
            "the client secret leaked:\n{text}"
        );
    }
}

/// Requests that reached the management API (token requests aside).
async fn management_requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| !r.url.path().ends_with("/token"))
        .collect()
}

async fn mount_list(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/listKeys")))
        .and(query_param("api-version", "2017-04-01"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

async fn mount_regenerate(server: &MockServer, key_type: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/regenerateKeys")))
        .and(body_partial_json(json!({ "keyType": key_type })))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_command_prints_json_with_secrets_masked() {
    let server = server().await;
    mount_list(&server, keys("P0", "S0")).await;
    let args = [
        "service-bus",
        "namespaces-list-keys",
        "--subscription-id",
        "sub",
        "--resource-group-name",
        "rg",
        "--namespace-name",
        "myspace",
        "--authorization-rule-name",
        "app",
        "-o",
        "json",
    ];
    let output = azk(&server, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    insta::assert_json_snapshot!("list_keys_masked", json_out(&output));

    let mut shown = args.to_vec();
    shown.push("--show-secrets");
    let output = azk(&server, &shown).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        json_out(&output),
        keys("P0", "S0"),
        "--show-secrets prints the values"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_flags_and_body_files_build_the_request() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    let base = [
        "service-bus",
        "namespaces-regenerate-keys",
        "--subscription-id",
        "sub",
        "--resource-group-name",
        "rg",
        "--namespace-name",
        "myspace",
        "--authorization-rule-name",
        "app",
    ];
    let mut flags = base.to_vec();
    flags.extend(["--key-type", "SecondaryKey"]);
    let output = azk(&server, &flags).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    let table = stdout(&output);
    let line = table
        .lines()
        .find(|l| l.starts_with("secondaryKey "))
        .expect("a line per field");
    assert_eq!(
        line.split_whitespace().collect::<Vec<_>>(),
        ["secondaryKey", "<redacted>"]
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("body.json");
    std::fs::write(&file, r#"{"keyType": "SecondaryKey"}"#).expect("write");
    let at = format!("@{}", file.display());
    let mut from_file = base.to_vec();
    from_file.extend(["--body", &at, "-o", "json"]);
    let output = azk(&server, &from_file).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json_out(&output)["secondaryKey"], "<redacted>");
    let sent = management_requests(&server).await;
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(
            serde_json::from_slice::<Value>(&request.body).expect("json"),
            json!({"keyType": "SecondaryKey"})
        );
    }

    // An enum value the spec does not list, and JSON on the command line, are refused.
    let mut bad = base.to_vec();
    bad.extend(["--key-type", "TertiaryKey"]);
    let output = azk(&server, &bad).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("[possible values: PrimaryKey, SecondaryKey]"),
        "{}",
        stderr(&output)
    );
    let mut inline = base.to_vec();
    inline.extend(["--body", r#"{"keyType":"PrimaryKey","key":"SECRET"}"#]);
    let output = azk(&server, &inline).await;
    assert_eq!(output.status.code(), Some(2));
    assert_no_secret(&output);
    assert_eq!(
        management_requests(&server).await.len(),
        2,
        "nothing more was sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_breaking_the_spec_is_refused_before_sending() {
    let server = server().await;
    let output = azk(
        &server,
        &[
            "service-bus",
            "namespaces-list-keys",
            "--subscription-id",
            "sub",
            "--resource-group-name",
            "rg",
            "--namespace-name",
            "ns",
            "--authorization-rule-name",
            "app",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("namespaceName"),
        "{}",
        stderr(&output)
    );
    assert!(management_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_request_and_sends_nothing() {
    let server = server().await;
    let output = azk(
        &server,
        &[
            "--dry-run",
            "service-bus",
            "namespaces-regenerate-keys",
            "--subscription-id",
            "sub",
            "--resource-group-name",
            "rg",
            "--namespace-name",
            "myspace",
            "--authorization-rule-name",
            "app",
            "--key-type",
            "PrimaryKey",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "not even a token request"
    );
    let text = stdout(&output);
    assert!(
        !text.to_ascii_lowercase().contains("authorization:"),
        "{text}"
    );
    insta::with_settings!({filters => vec![
        (r"x-ms-client-request-id: [0-9a-f-]+", "x-ms-client-request-id: [id]"),
        (r"user-agent: .*", "user-agent: [user agent]"),
    ]}, {
        insta::assert_snapshot!("dry_run_regenerate", text);
    });

    // A secret in the body (the key a caller sets) is redacted.
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("body.json");
    std::fs::write(&file, r#"{"keyType": "PrimaryKey", "key": "SECRET-mine"}"#).expect("write");
    let at = format!("@{}", file.display());
    let output = azk(
        &server,
        &[
            "--dry-run",
            "-o",
            "json",
            "service-bus",
            "namespaces-regenerate-keys",
            "--subscription-id",
            "sub",
            "--resource-group-name",
            "rg",
            "--namespace-name",
            "myspace",
            "--authorization-rule-name",
            "app",
            "--body",
            &at,
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    assert_eq!(
        json_out(&output)[0]["body"],
        json!({"keyType": "PrimaryKey", "key": "<redacted>"})
    );

    // A GET has no body, and shows none.
    let output = azk(
        &server,
        &[
            "--dry-run",
            "-o",
            "json",
            "service-bus",
            "namespaces-get",
            "--subscription-id",
            "sub",
            "--resource-group-name",
            "rg",
            "--namespace-name",
            "myspace",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json_out(&output)[0]["method"], "GET");
    assert_eq!(json_out(&output)[0]["body"], Value::Null);

    // keys rotate: the first request, the secondary's regeneration.
    let output = azk(
        &server,
        &["--dry-run", "-o", "json", "keys", "rotate", "--id", RULE],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = json_out(&output);
    assert_eq!(shown[0]["method"], "POST");
    assert_eq!(shown[0]["body"], json!({"keyType": "SecondaryKey"}));
    assert!(
        stderr(&output).contains("the rotation would then list the keys"),
        "{}",
        stderr(&output)
    );

    // keys list and keys regenerate: their own first request.
    let output = azk(
        &server,
        &["--dry-run", "-o", "json", "keys", "list", "--id", RULE],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let shown = json_out(&output);
    assert!(
        shown[0]["url"]
            .as_str()
            .unwrap_or_default()
            .contains("/listKeys?"),
        "{shown}"
    );
    assert!(
        !stderr(&output).contains("the rotation would then"),
        "{}",
        stderr(&output)
    );
    let output = azk(
        &server,
        &[
            "--dry-run",
            "-o",
            "json",
            "keys",
            "regenerate",
            "--slot",
            "primary",
            "--id",
            RULE,
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        json_out(&output)[0]["body"],
        json!({"keyType": "PrimaryKey"})
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_list_masks_by_default() {
    let server = server().await;
    mount_list(&server, keys("P0", "S0")).await;
    let output = azk(&server, &["keys", "list", "--id", RULE]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    insta::assert_snapshot!("keys_list_table", stdout(&output));
    let output = azk(&server, &["keys", "list", "--id", RULE, "--show-secrets"]).await;
    let table = stdout(&output);
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == [
                    RULE_PATH,
                    "primary",
                    "SECRET-P0",
                    "Endpoint=sb://myspace/;SharedAccessKey=SECRET-P0"
                ]),
        "{table}"
    );
    let output = azk(
        &server,
        &["keys", "list", "--id", RULE, "--show-secrets", "-o", "json"],
    )
    .await;
    assert_eq!(
        json_out(&output)["resources"][0]["keys"]["secondary"]["key"],
        "SECRET-S0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regenerating_without_yes_is_refused_when_stdin_is_not_a_terminal() {
    let server = server().await;
    for args in [
        &["keys", "regenerate", "--slot", "primary", "--id", RULE][..],
        &["keys", "rotate", "--wait", "0s", "--id", RULE][..],
    ] {
        let output = azk(&server, args).await;
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("without --yes"),
            "{}",
            stderr(&output)
        );
    }
    let output = azk(&server, &["keys", "rotate", "--yes", "--id", RULE]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("needs --wait"),
        "{}",
        stderr(&output)
    );
    assert!(management_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_does_the_secondary_then_the_primary_and_verifies_each() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    mount_regenerate(
        &server,
        "PrimaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P1", "S1")),
    )
    .await;
    mount_list(&server, keys("P1", "S1")).await;
    let output = azk(
        &server,
        &[
            "keys", "rotate", "--yes", "--wait", "0s", "--id", RULE, "-o", "json",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    insta::assert_json_snapshot!("rotate_done", json_out(&output));
    let steps: Vec<String> = management_requests(&server)
        .await
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            format!(
                "{} {}",
                r.url.path().rsplit('/').next().unwrap_or_default(),
                body["keyType"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            "regenerateKeys SecondaryKey",
            "listKeys ",
            "regenerateKeys PrimaryKey",
            "listKeys "
        ]
    );
    assert!(
        stderr(&output).contains("app: the new secondary key is confirmed"),
        "{}",
        stderr(&output)
    );
    assert!(
        !stderr(&output).contains("[1/1]"),
        "one resource needs no count: {}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_failing_after_the_first_slot_says_what_works() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    mount_regenerate(
        &server,
        "PrimaryKey",
        ResponseTemplate::new(409)
            .set_body_json(json!({"code": "Conflict", "message": "the rule is being updated"})),
    )
    .await;
    mount_list(&server, keys("P0", "S1")).await;
    let output = azk(
        &server,
        &[
            "keys", "rotate", "--yes", "--wait", "0s", "--id", RULE, "-o", "json",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    assert_no_secret(&output);
    insta::assert_json_snapshot!("rotate_incomplete", json_out(&output));
    let err = stderr(&output);
    assert!(err.contains("the rule is being updated"), "{err}");
    assert!(
        err.contains("secondary key: regenerated and confirmed"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_resources_get_a_summary_table() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    mount_list(&server, keys("P0", "S1")).await;
    let other = RULE.replace("/app", "/other");
    Mock::given(method("POST"))
        .and(path_regex("/other/regenerateKeys$"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"code": "NotFound", "message": "no such rule"})),
        )
        .mount(&server)
        .await;
    let ids = format!("{RULE}\n# a comment\n\n{other}\n");
    let mut command = assert_cmd::Command::cargo_bin("azk").expect("built");
    command
        .env("AZK_TEST_SERVER", server.address().to_string())
        .env("AZURE_TENANT_ID", "tenant")
        .env("AZURE_CLIENT_ID", "client")
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .args([
            "--auth",
            "client-secret",
            "keys",
            "regenerate",
            "--slot",
            "secondary",
            "--yes",
            "--id",
            "-",
        ])
        .write_stdin(ids);
    let output = tokio::task::spawn_blocking(move || command.output().expect("runs"))
        .await
        .expect("joined");
    assert_eq!(
        output.status.code(),
        Some(5),
        "the worst outcome: {}",
        stderr(&output)
    );
    // Progress names each resource among the others.
    assert!(
        stderr(&output).contains("[1/2] app: regenerating the secondary key"),
        "{}",
        stderr(&output)
    );
    assert_no_secret(&output);
    insta::assert_snapshot!("regenerate_many_table", stdout(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_resource_id_is_refused_before_sending() {
    let server = server().await;
    let output = azk(
        &server,
        &[
            "keys",
            "list",
            "--id",
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Nope/things/x",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Service Bus namespace authorization rule"),
        "{}",
        stderr(&output)
    );
    assert!(management_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_exit_3() {
    let server = server().await;
    let output = azk_with(
        &server,
        &["keys", "list", "--id", RULE],
        &[],
        &["AZURE_CLIENT_SECRET"],
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("AZURE_CLIENT_SECRET"),
        "{}",
        stderr(&output)
    );

    // The default, developer tools, with neither az nor azd on PATH.
    let empty = tempfile::tempdir().expect("temp dir");
    let mut command = assert_cmd::Command::cargo_bin("azk").expect("built");
    command
        .env("AZK_TEST_SERVER", server.address().to_string())
        .env("PATH", empty.path())
        .args(["keys", "list", "--id", RULE, "--no-retry"])
        .write_stdin("");
    let output = tokio::task::spawn_blocking(move || command.output().expect("runs"))
        .await
        .expect("joined");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(management_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sovereign_clouds_change_the_host_and_the_token_audience() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/listKeys")))
        .and(header("x-azk-test-host", "management.chinacloudapi.cn"))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys("P0", "S0")))
        .mount(&server)
        .await;
    let output = azk(&server, &["--cloud", "china", "keys", "list", "--id", RULE]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let token = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.url.path().ends_with("/token"))
        .expect("a token request");
    assert_eq!(
        token
            .headers
            .get("x-azk-test-host")
            .map(|v| v.to_str().unwrap_or("")),
        Some("login.chinacloudapi.cn")
    );
    let body = String::from_utf8_lossy(&token.body).into_owned();
    // The audience of the China cloud's endpoint set in specs/common.yaml.
    assert!(
        body.contains("scope=https%3A%2F%2Fmanagement.chinacloudapi.cn%2F.default"),
        "{body}"
    );
}

/// Key Vault's challenge, then the write.
async fn mount_vault(server: &MockServer, status: u16) {
    Mock::given(method("PUT"))
        .and(header("x-azk-test-host", "myvault.vault.azure.net"))
        .respond_with(ResponseTemplate::new(401).insert_header(
            "www-authenticate",
            r#"Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net""#,
        ))
        .with_priority(10)
        .mount(server)
        .await;
    let answer = if status == 200 {
        ResponseTemplate::new(200).set_body_json(json!({
            "value": "stored", "id": "https://myvault.vault.azure.net/secrets/sb-app/0123456789abcdef",
            "attributes": {"enabled": true},
        }))
    } else {
        ResponseTemplate::new(status).set_body_json(
            json!({"error": {"code": "Forbidden", "message": "no secrets set permission"}}),
        )
    };
    Mock::given(method("PUT"))
        .and(path("/secrets/sb-app"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(answer)
        .with_priority(1)
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_secondary_goes_to_key_vault_after_it_is_confirmed() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    mount_regenerate(
        &server,
        "PrimaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P1", "S1")),
    )
    .await;
    mount_list(&server, keys("P1", "S1")).await;
    mount_vault(&server, 200).await;
    let output = azk(
        &server,
        &[
            "keys",
            "rotate",
            "--yes",
            "--wait",
            "0s",
            "--id",
            RULE,
            "-o",
            "json",
            "--to-key-vault",
            "https://myvault.vault.azure.net",
            "--secret-name",
            "sb-app",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    assert_eq!(
        json_out(&output)["resources"][0]["stored"],
        json!({"vault": "https://myvault.vault.azure.net", "secretName": "sb-app", "version": "0123456789abcdef", "value": "connection string"})
    );
    let order: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| !r.url.path().ends_with("/token"))
        .map(|r| {
            format!(
                "{} {}",
                r.method,
                r.url.path().rsplit('/').next().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "POST regenerateKeys",
            "POST listKeys",
            "PUT sb-app",
            "PUT sb-app",
            "POST regenerateKeys",
            "POST listKeys"
        ],
        "stored after the secondary is confirmed, before the primary"
    );
    let written = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .rfind(|r| r.method.as_str() == "PUT")
        .expect("a write");
    let body: Value = serde_json::from_slice(&written.body).expect("json");
    assert_eq!(
        body["value"],
        "Endpoint=sb://myspace/;SharedAccessKey=SECRET-S1"
    );
    assert_eq!(body["contentType"], "text/plain");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_key_vault_write_says_the_key_rotated_and_how_to_recover() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/regenerateKeys")))
        .and(body_partial_json(json!({ "keyType": "PrimaryKey" })))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys("P1", "S1")))
        .expect(0)
        .mount(&server)
        .await;
    mount_list(&server, keys("P0", "S1")).await;
    mount_vault(&server, 403).await;
    let output = azk(
        &server,
        &[
            "keys",
            "rotate",
            "--yes",
            "--wait",
            "0s",
            "--id",
            RULE,
            "--no-retry",
            "--to-key-vault",
            "https://myvault.vault.azure.net",
            "--secret-name",
            "sb-app",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    assert_no_secret(&output);
    let err = stderr(&output);
    assert!(err.contains("was regenerated and confirmed"), "{err}");
    assert!(err.contains("no secrets set permission"), "{err}");
    assert!(err.contains(&format!("azk keys list --id {RULE_PATH} --slot secondary --to-key-vault https://myvault.vault.azure.net --secret-name sb-app")), "{err}");
    assert!(err.contains("The primary key was not regenerated"), "{err}");
    insta::assert_snapshot!("rotate_not_stored_table", stdout(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_of_every_command_is_pinned() {
    let server = server().await;
    let mut commands: Vec<Vec<String>> = vec![vec![], vec!["keys".into()]];
    for sub in ["list", "regenerate", "rotate", "kinds"] {
        commands.push(vec!["keys".into(), sub.into()]);
    }
    for service in azk_cli::generated::SERVICES {
        commands.push(vec![service.name.into()]);
        for op in service.operations {
            commands.push(vec![service.name.into(), op.name.into()]);
        }
    }
    for command in commands {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        args.push("--help");
        let output = azk(&server, &args).await;
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        // One snapshot per command, like the generator's: a new operation adds one.
        let name = if command.is_empty() {
            "help".to_owned()
        } else {
            format!("help__{}", command.join("__"))
        };
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_running_operation_waits_with_progress() {
    let server = server().await;
    let database = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache1/databases/default";
    Mock::given(method("POST"))
        .and(path(format!("{database}/regenerateKey")))
        .and(body_partial_json(json!({"keyType": "Primary"})))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header(
                    "Azure-AsyncOperation",
                    "https://management.azure.com/operations/op-1",
                )
                .insert_header(
                    "Location",
                    "https://management.azure.com/operationResults/op-1",
                )
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/operations/op-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Retry-After", "0")
                .set_body_json(json!({"status": "InProgress"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/operations/op-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Succeeded"})))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/operationResults/op-1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"primaryKey": "SECRET-P1", "secondaryKey": "SECRET-S0"})),
        )
        .mount(&server)
        .await;
    let output = azk(
        &server,
        &[
            "redis-enterprise",
            "databases-regenerate-key",
            "--subscription-id",
            "sub",
            "--resource-group-name",
            "rg",
            "--cluster-name",
            "cache1",
            "--database-name",
            "default",
            "--key-type",
            "Primary",
            "-o",
            "json",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    assert_eq!(
        json_out(&output),
        json!({"primaryKey": "<redacted>", "secondaryKey": "<redacted>"})
    );
    let err = stderr(&output);
    assert!(err.contains("the service reports in progress"), "{err}");
    assert!(err.contains("the service reports succeeded"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_logs_requests_without_bodies_or_secrets() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/listKeys")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ms-request-id", "req-1")
                .set_body_json(keys("P0", "S0")),
        )
        .mount(&server)
        .await;
    let output = azk(&server, &["--verbose", "keys", "list", "--id", RULE]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "> POST https://management.azure.com{RULE_PATH}/listKeys?api-version=2017-04-01"
        )),
        "{err}"
    );
    assert!(err.contains("< 200 (x-ms-request-id req-1)"), "{err}");
    // Without --verbose, no request lines.
    let quiet = azk(&server, &["keys", "list", "--id", RULE]).await;
    assert!(!stderr(&quiet).contains("> POST"), "{}", stderr(&quiet));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinds_lists_every_rotatable_kind_of_the_specs() {
    let server = server().await;
    let output = azk(&server, &["keys", "kinds", "-o", "json"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names: Vec<String> = json_out(&output)["kinds"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|k| k["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    let expected: Vec<String> = azure_mgmt::rotation::kinds()
        .map(|k| k.name.to_owned())
        .collect();
    assert_eq!(names, expected);
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recovery_command_writes_the_listed_key_to_key_vault() {
    let server = server().await;
    mount_list(&server, keys("P0", "S1")).await;
    mount_vault(&server, 200).await;
    let output = azk(
        &server,
        &[
            "keys",
            "list",
            "--id",
            RULE_PATH,
            "--slot",
            "secondary",
            "--store",
            "key",
            "--to-key-vault",
            "https://myvault.vault.azure.net",
            "--secret-name",
            "sb-app",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_no_secret(&output);
    assert!(
        stderr(&output)
            .contains("stored the new key in https://myvault.vault.azure.net as `sb-app`"),
        "{}",
        stderr(&output)
    );
    let written = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .rfind(|r| r.method.as_str() == "PUT")
        .expect("a write");
    let body: Value = serde_json::from_slice(&written.body).expect("json");
    assert_eq!(body["value"], "SECRET-S1");

    // Without --slot there is no telling which key to write: refused before anything is sent.
    let before = management_requests(&server).await.len();
    let output = azk(
        &server,
        &[
            "keys",
            "list",
            "--id",
            RULE_PATH,
            "--to-key-vault",
            "https://myvault.vault.azure.net",
            "--secret-name",
            "sb-app",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(management_requests(&server).await.len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_sends_to_another_host() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/listKeys")))
        .and(header("x-azk-test-host", "mgmt.example.test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys("P0", "S0")))
        .mount(&server)
        .await;
    let output = azk(
        &server,
        &[
            "--endpoint",
            "https://mgmt.example.test",
            "keys",
            "list",
            "--id",
            RULE,
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = azk(
        &server,
        &[
            "--endpoint",
            "http://mgmt.example.test",
            "keys",
            "list",
            "--id",
            RULE,
        ],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(4),
        "plain http is refused: {}",
        stderr(&output)
    );
}

/// Runs `azk` with a terminal on stdin, stdout and stderr (util-linux `script`), typing
/// `input`; gives the exit code and everything the terminal showed.
async fn azk_on_a_terminal(
    server: &MockServer,
    args: &[&str],
    input: &str,
) -> (Option<i32>, String) {
    let binary = assert_cmd::cargo::cargo_bin("azk");
    let mut line = format!("{} --auth client-secret", binary.display());
    for arg in args {
        line.push_str(&format!(" '{arg}'"));
    }
    let mut command = assert_cmd::Command::new("script");
    command
        .args(["-qec", &line, "/dev/null"])
        .env("AZK_TEST_SERVER", server.address().to_string())
        .env("AZURE_TENANT_ID", "tenant")
        .env("AZURE_CLIENT_ID", "client")
        .env("AZURE_CLIENT_SECRET", CLIENT_SECRET)
        .write_stdin(input.to_owned());
    let output =
        tokio::task::spawn_blocking(move || command.output().expect("script runs (util-linux)"))
            .await
            .expect("joined");
    (output.status.code(), stdout(&output))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_regenerating_asks_first_and_no_changes_nothing() {
    let server = server().await;
    let (code, shown) = azk_on_a_terminal(
        &server,
        &["keys", "regenerate", "--slot", "primary", "--id", RULE],
        "n\n",
    )
    .await;
    assert_eq!(code, Some(1), "{shown}");
    assert!(
        shown.contains(
            "Regenerate the primary key of 1 resource? Its old value stops working. [y/N]"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("not confirmed; nothing was changed"),
        "{shown}"
    );
    assert!(management_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_rotate_waits_for_enter_between_the_keys() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    mount_regenerate(
        &server,
        "PrimaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P1", "S1")),
    )
    .await;
    mount_list(&server, keys("P1", "S1")).await;
    let (code, shown) =
        azk_on_a_terminal(&server, &["keys", "rotate", "--id", RULE], "y\n\n").await;
    assert_eq!(code, Some(0), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");
    let asked = shown
        .find("Rotate both keys of 1 resource?")
        .expect("asked to confirm");
    let paused = shown
        .find("press Enter to regenerate the primary key (Ctrl-C stops here")
        .expect("paused");
    assert!(asked < paused, "{shown}");
    assert!(shown.contains("done"), "{shown}");
    assert_eq!(management_requests(&server).await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_identity_gets_its_token_from_the_instance_metadata_service() {
    let server = server().await;
    let expires = (std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .and(header("x-azk-test-host", "169.254.169.254"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": TOKEN, "expires_on": expires.to_string(), "token_type": "Bearer",
            "resource": "https://management.core.windows.net/",
        })))
        .mount(&server)
        .await;
    mount_list(&server, keys("P0", "S0")).await;
    let imds_queries = |requests: Vec<Request>| -> Vec<String> {
        requests
            .iter()
            .filter(|r| r.url.path() == "/metadata/identity/oauth2/token")
            .map(|r| r.url.query().unwrap_or_default().to_owned())
            .collect()
    };
    let unset = [
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "MSI_ENDPOINT",
        "MSI_SECRET",
    ];
    let output = azk_with(
        &server,
        &["--auth", "managed-identity", "keys", "list", "--id", RULE],
        &[],
        &unset,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let queries = imds_queries(server.received_requests().await.unwrap_or_default());
    assert!(
        queries.iter().all(|q| !q.contains("client_id")),
        "system-assigned: {queries:?}"
    );

    // A user-assigned identity is asked for by its client id.
    let output = azk_with(
        &server,
        &[
            "--auth",
            "managed-identity",
            "--identity-client-id",
            "mi-client",
            "keys",
            "list",
            "--id",
            RULE,
        ],
        &[],
        &unset,
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let queries = imds_queries(server.received_requests().await.unwrap_or_default());
    assert!(
        queries.iter().any(|q| q.contains("client_id=mi-client")),
        "{queries:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workload_identity_sends_the_federated_token_to_the_clouds_authority() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/tenant/oauth2/v2.0/token"))
        .and(header("x-azk-test-host", "login.chinacloudapi.cn"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3600, "access_token": TOKEN,
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{RULE_PATH}/listKeys")))
        .respond_with(ResponseTemplate::new(200).set_body_json(keys("P0", "S0")))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("token");
    std::fs::write(&file, "federated-assertion").expect("write");
    let file = file.display().to_string();
    let output = azk_with(
        &server,
        &[
            "--auth",
            "workload-identity",
            "--cloud",
            "china",
            "keys",
            "list",
            "--id",
            RULE,
        ],
        &[("AZURE_FEDERATED_TOKEN_FILE", file.as_str())],
        &["AZURE_CLIENT_SECRET"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let token = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.url.path().ends_with("/token"))
        .expect("a token request");
    assert_eq!(
        token
            .headers
            .get("x-azk-test-host")
            .map(|v| v.to_str().unwrap_or("")),
        Some("login.chinacloudapi.cn")
    );
    let body = String::from_utf8_lossy(&token.body).into_owned();
    assert!(
        body.contains("client_assertion=federated-assertion"),
        "{body}"
    );

    // Without the token file's variable, a clear message.
    let output = azk_with(
        &server,
        &["--auth", "workload-identity", "keys", "list", "--id", RULE],
        &[],
        &["AZURE_FEDERATED_TOKEN_FILE"],
    )
    .await;
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("AZURE_FEDERATED_TOKEN_FILE"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_flags_that_do_not_fit_are_refused() {
    let server = server().await;
    // An empty variable is not a secret.
    let output = azk_with(
        &server,
        &["keys", "list", "--id", RULE],
        &[("AZURE_CLIENT_SECRET", "")],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("AZURE_CLIENT_SECRET"),
        "{}",
        stderr(&output)
    );
    // A user-assigned identity's client id with another credential.
    let output = azk(
        &server,
        &["--identity-client-id", "x", "keys", "list", "--id", RULE],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("only used with --auth managed-identity"),
        "{}",
        stderr(&output)
    );
    // A duration people cannot mean.
    let output = azk(
        &server,
        &["keys", "rotate", "--yes", "--wait", "soon", "--id", RULE],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("write a duration like 90s, 5m or 1h"),
        "{}",
        stderr(&output)
    );
    assert!(management_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_secrets_adds_the_new_keys_to_the_summary() {
    let server = server().await;
    mount_regenerate(
        &server,
        "SecondaryKey",
        ResponseTemplate::new(200).set_body_json(keys("P0", "S1")),
    )
    .await;
    mount_list(&server, keys("P0", "S1")).await;
    let args = [
        "keys",
        "regenerate",
        "--slot",
        "secondary",
        "--yes",
        "--id",
        RULE,
    ];
    let output = azk(&server, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stdout(&output).contains("NEW KEY"), "{}", stdout(&output));
    let mut shown = args.to_vec();
    shown.push("--show-secrets");
    let output = azk(&server, &shown).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("regenerate_show_secrets_table", stdout(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_without_a_result_body_reports_its_status() {
    let server = server().await;
    let rule = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/myspace1/authorizationRules/app";
    Mock::given(method("DELETE"))
        .and(path(rule))
        .and(query_param("api-version", "2024-01-01"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let output = azk(
        &server,
        &[
            "event-hubs",
            "namespaces-delete-authorization-rule",
            "--subscription-id",
            "sub",
            "--resource-group-name",
            "rg",
            "--namespace-name",
            "myspace1",
            "--authorization-rule-name",
            "app",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "no data");
    assert!(
        stderr(&output).contains("done: status 204"),
        "{}",
        stderr(&output)
    );
}

/// A paged operation streams the items of every page as they arrive: one JSON object per line
/// with `-o json`, blocks separated by a blank line in the table, and the count on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paged_operation_streams_the_items_of_every_page() {
    let server = server().await;
    let list = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/my-namespace/authorizationRules";
    let rule = |name: &str, rights: &[&str]| {
        json!({
            "id": format!("{list}/{name}"),
            "name": name,
            "type": "Microsoft.EventHub/Namespaces/AuthorizationRules",
            "properties": {"rights": rights},
        })
    };
    Mock::given(method("GET"))
        .and(path(list))
        .and(query_param("api-version", "2024-01-01"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(wiremock::matchers::query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [rule("RootManageSharedAccessKey", &["Listen", "Manage", "Send"]), rule("send-only", &["Send"])],
            // The next link is on the management host, as ARM writes it.
            "nextLink": format!("https://management.azure.com{list}?api-version=2024-01-01&$skiptoken=2"),
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list))
        .and(query_param("$skiptoken", "2"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [rule("listen-only", &["Listen"])]})),
        )
        .mount(&server)
        .await;
    let args = [
        "event-hubs",
        "namespaces-list-authorization-rules",
        "--subscription-id",
        "sub",
        "--resource-group-name",
        "rg",
        "--namespace-name",
        "my-namespace",
    ];

    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let output = azk(&server, &json_args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let names: Vec<String> = stdout(&output)
        .lines()
        .map(|line| {
            let item: Value = serde_json::from_str(line).expect("one JSON object per line");
            item["name"].as_str().expect("a name").to_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["RootManageSharedAccessKey", "send-only", "listen-only"]
    );
    assert!(
        stderr(&output).contains("done: 3 items"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        management_requests(&server).await.len(),
        2,
        "two pages, one request each"
    );

    let output = azk(&server, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = stdout(&output);
    // A blank line between blocks, none before the first.
    assert!(!table.starts_with('\n'), "{table}");
    assert_eq!(table.split("\n\n").count(), 3, "three blocks:\n{table}");
    for name in ["RootManageSharedAccessKey", "send-only", "listen-only"] {
        assert!(table.contains(name), "{table}");
    }
}
