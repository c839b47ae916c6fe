//! End to end on the crate generated from `tests/valid` (copied into that scratch crate as a
//! test target by `odd_names_compile.rs`): a request body's rules are checked before anything
//! is sent. None of the real services' request bodies has a numeric rule, so the made-up
//! `Vaults_CreateOrUpdate`, whose `properties.capacity` is an int32 from 1 to 100, carries it.

use azure_mgmt::resources::{ResourcesClient, Vault, VaultProperties};
use azure_mgmt::{ClientOptions, ErrorKind};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer, skip_constraint_checks: bool) -> ResourcesClient {
    let options = ClientOptions {
        client_options: testkit::client_options(server),
        endpoint: Some(testkit::https_uri(server)),
        skip_constraint_checks,
        ..ClientOptions::default()
    };
    ResourcesClient::new(testkit::FakeCredential::new(), Some(options))
        .expect("the test endpoint is valid")
}

fn vault(capacity: i32) -> Vault {
    Vault {
        id: None,
        name: None,
        r#type: None,
        system_data: None,
        location: "westus".to_owned(),
        tags: None,
        sku: None,
        properties: Some(VaultProperties {
            capacity,
            ratio: None,
            display_name: None,
            rights: None,
            updated_at: None,
            expires_at: None,
            state: None,
            endpoints: None,
            secrets: None,
            runtime: None,
            password: None,
        }),
    }
}

/// The capacity of each request the server received.
async fn sent_capacities(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .expect("requests are recorded")
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).expect("a JSON body");
            body["properties"]["capacity"].clone()
        })
        .collect()
}

#[tokio::test]
async fn an_int32_outside_its_bounds_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(
            "/subscriptions/sub1/providers/Contoso.Resources/vaults/vault1",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"location": "westus", "properties": {"capacity": 1}})),
        )
        .mount(&server)
        .await;
    let checked = client(&server, false);

    for (capacity, expected) in [
        (0, "0 is less than the minimum, 1"),
        (101, "101 is more than the maximum, 100"),
        (i32::MIN, "-2147483648 is less than the minimum, 1"),
        (i32::MAX, "2147483647 is more than the maximum, 100"),
    ] {
        let error = checked
            .vaults_create_or_update("sub1", "vault1", &vault(capacity), None)
            .await
            .expect_err("out of bounds");
        let ErrorKind::InvalidParameter {
            parameter,
            value,
            reason,
        } = error.kind()
        else {
            panic!("{capacity}: not refused as a parameter: {error}");
        };
        assert_eq!(parameter, "parameters.properties.capacity");
        assert_eq!(value, &capacity.to_string());
        assert_eq!(reason, expected);
    }
    assert!(
        sent_capacities(&server).await.is_empty(),
        "nothing is sent for a refused body"
    );

    for capacity in [1, 100] {
        checked
            .vaults_create_or_update("sub1", "vault1", &vault(capacity), None)
            .await
            .expect("the bounds are inclusive");
    }
    // A client that skips the checks sends what the caller gives (the service decides).
    client(&server, true)
        .vaults_create_or_update("sub1", "vault1", &vault(101), None)
        .await
        .expect("sent unchecked");
    assert_eq!(
        sent_capacities(&server).await,
        [json!(1), json!(100), json!(101)]
    );
}
