//! Secrets: the keys and connection strings in responses, and the `key` a caller may send,
//! never appear in `Debug` or `Display` of any model, response, poller or error. Each check
//! first makes sure the secret really is within reach (in the model, in the error's raw body),
//! so that its absence from the text means something. (Logs: see `tracing_logs.rs`.)
//!
//! The successful responses come from the typed doubles (typed keys, every secret field set);
//! the error bodies, the status bodies and the broken bodies are written by hand, as they put
//! secrets where no model has them.

mod common;

use azure_core::credentials::Secret;
use azure_mgmt::doubles::MockAzure;
use azure_mgmt::{Error, ErrorKind};
use common::{
    ALL, Answer, CALLER_KEY, ERROR_BODY_SECRET, Op, assert_error_hides_secrets, assert_no_secret,
    call_valid, options, respond_to_all,
};
use std::fmt::Debug;
use std::time::Duration;
use wiremock::{MockServer, ResponseTemplate};

/// `{:?}` and `{:#?}` of `value` hold no secret.
#[track_caller]
fn assert_debug_hides<T: Debug>(value: &T, context: &str) {
    assert_no_secret(&format!("{value:?}"), context);
    assert_no_secret(&format!("{value:#?}"), context);
}

fn secret(value: &str) -> Option<Secret> {
    Some(Secret::new(value.to_owned()))
}

/// Every model of every service, filled in (secrets included), formatted with `Debug`, and
/// every enum with `Display` too.
#[test]
fn every_model_hides_its_secrets() {
    use azure_mgmt::common as arm;
    use azure_mgmt::{data_factory, event_hubs, redis_enterprise, service_bus, storage_classic};

    // Redis Enterprise.
    let keys = redis_enterprise::AccessKeys {
        primary_key: secret("SECRET-redis-1"),
        secondary_key: secret("SECRET-redis-2"),
    };
    assert_eq!(
        keys.primary_key.as_ref().unwrap().secret(),
        "SECRET-redis-1"
    );
    assert_debug_hides(&keys, "redis AccessKeys");
    assert_debug_hides(&keys.clone(), "redis AccessKeys clone");
    let parameters = redis_enterprise::RegenerateKeyParameters {
        key_type: redis_enterprise::AccessKeyType::Secondary,
    };
    assert_debug_hides(&parameters, "redis RegenerateKeyParameters");
    assert_eq!(parameters.key_type.to_string(), "Secondary");

    // Service Bus and Event Hubs: the same shapes, each its own types.
    let bus_keys: service_bus::AccessKeys =
        serde_json::from_str(&Op::ServiceBus.success_body()).unwrap();
    assert_eq!(
        bus_keys.primary_key.as_ref().unwrap().secret(),
        "SECRET-sb-primary+/="
    );
    assert_debug_hides(&bus_keys, "service bus AccessKeys");
    let bus_parameters = service_bus::RegenerateAccessKeyParameters {
        key_type: service_bus::KeyType::SecondaryKey,
        key: secret(CALLER_KEY),
    };
    assert_debug_hides(&bus_parameters, "service bus RegenerateAccessKeyParameters");
    // The key is really there: it is what goes on the wire.
    assert!(
        serde_json::to_string(&bus_parameters)
            .unwrap()
            .contains(CALLER_KEY)
    );
    assert_eq!(service_bus::KeyType::PrimaryKey.to_string(), "PrimaryKey");
    let bus_error = service_bus::ErrorResponse {
        code: Some("BadRequest".into()),
        message: Some("bad".into()),
    };
    assert_debug_hides(&bus_error, "service bus ErrorResponse");

    let hub_keys: event_hubs::AccessKeys =
        serde_json::from_str(&Op::EventHubs.success_body()).unwrap();
    assert!(hub_keys.secondary_connection_string.is_some());
    assert_debug_hides(&hub_keys, "event hubs AccessKeys");
    let hub_parameters = event_hubs::RegenerateAccessKeyParameters {
        key_type: event_hubs::KeyType::UnknownValue("TertiaryKey".into()),
        key: secret(CALLER_KEY),
    };
    assert_debug_hides(&hub_parameters, "event hubs RegenerateAccessKeyParameters");
    assert_eq!(hub_parameters.key_type.to_string(), "TertiaryKey");

    // Data Factory.
    let auth_keys: data_factory::IntegrationRuntimeAuthKeys =
        serde_json::from_str(&Op::DataFactory.success_body()).unwrap();
    assert!(auth_keys.auth_key1.is_some() && auth_keys.auth_key2.is_some());
    assert_debug_hides(&auth_keys, "data factory IntegrationRuntimeAuthKeys");
    let factory_parameters = data_factory::IntegrationRuntimeRegenerateKeyParameters {
        key_name: Some(data_factory::IntegrationRuntimeAuthKeyName::AuthKey1),
    };
    assert_debug_hides(&factory_parameters, "data factory parameters");
    assert_eq!(
        data_factory::IntegrationRuntimeAuthKeyName::AuthKey2.to_string(),
        "authKey2"
    );
    let cloud_error: data_factory::CloudError =
        serde_json::from_str(&common_body(common::Contract::CloudError)).unwrap();
    assert_debug_hides(&cloud_error, "data factory CloudError");
    assert_debug_hides(&cloud_error.error, "data factory CloudErrorBody");

    // Classic Storage.
    let service = storage_classic::StorageService {
        url: Some("https://management.core.windows.net/sub/services/storageservices/a".into()),
        storage_service_keys: Some(storage_classic::StorageServiceKeys {
            primary: secret("SECRET-storage-1"),
            secondary: secret("SECRET-storage-2"),
        }),
    };
    assert_debug_hides(&service, "storage StorageService");
    assert_debug_hides(&service.storage_service_keys, "storage StorageServiceKeys");
    let regenerate = storage_classic::RegenerateKeys {
        key_type: storage_classic::KeyType::Primary,
    };
    assert_debug_hides(&regenerate, "storage RegenerateKeys");
    assert_eq!(storage_classic::KeyType::Secondary.to_string(), "Secondary");
    let sm_error = storage_classic::ServiceManagementError {
        code: Some("ResourceNotFound".into()),
        message: Some("not found".into()),
    };
    assert_debug_hides(&sm_error, "storage ServiceManagementError");

    // The shared ARM error models.
    let arm_error: arm::ErrorResponse = serde_json::from_str(
        r#"{"error":{"code":"C","message":"m","target":"t","details":[{"code":"D"}],"additionalInfo":[{"type":"x","info":{"a":1}}]}}"#,
    )
    .unwrap();
    assert_debug_hides(&arm_error, "ErrorResponse");
    assert_debug_hides(&arm_error.error, "ErrorDetail");
    assert_debug_hides(
        &arm_error.error.as_ref().unwrap().additional_info,
        "ErrorAdditionalInfo",
    );
}

fn common_body(contract: common::Contract) -> String {
    contract.body().0
}

/// The response of every operation, with every secret field filled in, formatted whole.
#[tokio::test]
async fn every_response_hides_its_secrets() {
    for op in ALL {
        let azure = MockAzure::start().await;
        azure
            .expect(common::double(op, op.key_type(), Answer::Keys))
            .await;
        let keys = call_valid(op, azure.client_options()).await.unwrap();
        // The secrets were read...
        keys.assert_success(op);
        // ...and the whole response, headers and model, prints none of them.
        for text in &keys.debug {
            assert_no_secret(text, op.name());
        }
        assert!(keys.debug[0].contains("Secret"), "{}", keys.debug[0]);
    }
}

/// Every kind of error every operation can give, with secrets within its reach (in the
/// response body, the request body, the endpoint), formatted with `Display` and `Debug`,
/// its source chain included.
#[tokio::test]
async fn every_error_hides_secrets() {
    for op in ALL {
        let server = MockServer::start().await;
        let opts = options(&server);

        // A service error whose body holds a secret and echoes the caller's key.
        let (body, content_type) = op.contract().body();
        let body = if op.is_xml() {
            body.replace("</Error>", &format!("<Key>{CALLER_KEY}</Key></Error>"))
        } else {
            body.replacen('{', &format!(r#"{{"echo":"{CALLER_KEY}","#), 1)
        };
        respond_to_all(
            &server,
            common::with_ids(ResponseTemplate::new(400)).set_body_raw(body.clone(), content_type),
        )
        .await;
        let error = call_valid(op, opts.clone()).await.unwrap_err();
        assert_eq!(error.raw_body(), Some(body.as_bytes()));
        assert!(body.contains(ERROR_BODY_SECRET) && body.contains(CALLER_KEY));
        assert_error_hides_secrets(&error, &format!("{} service error", op.name()));

        // A success body that cannot be decoded, full of keys.
        server.reset().await;
        let success = op.success_body();
        let broken = &success[..success.len() - 3];
        respond_to_all(&server, ResponseTemplate::new(200).set_body_string(broken)).await;
        let error = call_valid(op, opts.clone()).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{error:?}"
        );
        assert_eq!(error.raw_body(), Some(broken.as_bytes()));
        assert_error_hides_secrets(&error, &format!("{} decode error", op.name()));

        // Keys of the wrong type, which serde would quote in its message.
        server.reset().await;
        let wrong = if op.is_xml() {
            format!(
                "<StorageService><StorageServiceKeys><Primary><Nested>{ERROR_BODY_SECRET}</Nested></Primary></StorageServiceKeys></StorageService>"
            )
        } else {
            format!(
                r#"{{"primaryKey":["{ERROR_BODY_SECRET}"],"authKey1":["{ERROR_BODY_SECRET}"],"primaryConnectionString":["{ERROR_BODY_SECRET}"]}}"#
            )
        };
        respond_to_all(&server, ResponseTemplate::new(200).set_body_string(wrong)).await;
        let error = call_valid(op, opts.clone()).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{error:?}"
        );
        assert_error_hides_secrets(&error, &format!("{} type mismatch", op.name()));

        // A transfer cut off in the middle of the keys.
        let mut cut = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
            success.len()
        )
        .into_bytes();
        cut.extend_from_slice(&success.as_bytes()[..success.len() - 5]);
        let port = common::raw_server(cut);
        let error = call_valid(op, common::loopback_options(port))
            .await
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Transport), "{error:?}");
        assert_error_hides_secrets(&error, &format!("{} transport error", op.name()));

        // A refused parameter, in a call whose body holds the caller's key.
        let mut args = op.valid_args().to_vec();
        args[0] = "..";
        let error = common::call(op, opts.clone(), &args, op.key_type())
            .await
            .unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::InvalidParameter { .. }));
        assert_error_hides_secrets(&error, &format!("{} invalid parameter", op.name()));

        // An endpoint with a password in it.
        let with_password = azure_mgmt::ClientOptions {
            endpoint: Some(format!("https://admin:{ERROR_BODY_SECRET}@127.0.0.1:1")),
            ..opts.clone()
        };
        let error = call_valid(op, with_password).await.unwrap_err();
        assert!(matches!(error.kind(), ErrorKind::Configuration(_)));
        assert_error_hides_secrets(&error, &format!("{} configuration error", op.name()));
    }
}

/// The long-running operation's own errors and its poller, in every state, keys inside.
#[tokio::test]
async fn the_poller_and_its_errors_hide_secrets() {
    use wiremock::Mock;
    use wiremock::matchers::{method, path};
    let op = Op::RedisEnterprise;
    let server = MockServer::start().await;
    let base = testkit::https_uri(&server);
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("Azure-AsyncOperation", format!("{base}/op"))
                .insert_header("Location", format!("{base}/result"))
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    let status = format!(
        r#"{{"status":"Failed","properties":{{"primaryKey":"{ERROR_BODY_SECRET}"}},"error":{{"code":"Failed","message":"no"}}}}"#
    );
    Mock::given(method("GET"))
        .and(path("/op"))
        .respond_with(ResponseTemplate::new(200).set_body_string(status.clone()))
        .mount(&server)
        .await;
    let mut poller = common::redis_poller(options(&server));
    assert_debug_hides(&poller, "poller not started");
    poller.next_status().await.unwrap().unwrap();
    assert_debug_hides(&poller, "poller in progress");
    poller.next_status().await.unwrap().unwrap();
    assert_debug_hides(&poller, "poller failed");
    let error = poller.await.unwrap_err();
    assert_eq!(error.raw_body(), Some(status.as_bytes()));
    assert_error_hides_secrets(&error, "operation error");

    // Succeeded, holding the keys.
    let server = MockServer::start().await;
    respond_to_all(&server, op.success()).await;
    let mut poller = common::redis_poller(options(&server));
    poller.next_status().await.unwrap().unwrap();
    assert!(poller.is_finished());
    assert_debug_hides(&poller, "poller succeeded");
    let response = poller.await.unwrap();
    assert!(response.model().primary_key.is_some());
    assert_debug_hides(&response, "operation result");

    // Timed out (a zero time bound sends nothing at all).
    let sent = common::requests(&server).await.len();
    let error: Error = common::redis_poller(options(&server))
        .with_timeout(Duration::ZERO)
        .await
        .unwrap_err();
    assert_eq!(common::requests(&server).await.len(), sent);
    assert!(
        matches!(error.kind(), ErrorKind::Timeout { .. }),
        "{error:?}"
    );
    assert_error_hides_secrets(&error, "timeout");
}
