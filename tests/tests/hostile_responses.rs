//! Hostile and broken responses, for every operation: malformed JSON or XML, truncated
//! bodies, an empty 200, a wrong content type, a very large body (10 MB), extra and missing
//! fields, unknown enum values, a transfer cut off mid-body, a broken status line. Each gives
//! a typed error or a tolerant parse, never a panic, and no error quotes the body.

mod common;

use azure_core::http::StatusCode;
use azure_mgmt::{Error, ErrorKind};
use common::{ALL, call_valid, options, requests, respond_to_all};
use std::time::Duration;
use wiremock::{MockServer, ResponseTemplate};

/// How a broken body must come out.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// A `Decode` error of status 200 whose reason contains this, keeping the raw body.
    Decode(&'static str),
    /// The keys, all absent.
    NoKeys,
    /// The keys, all present.
    AllKeys,
}

/// Broken bodies for a JSON operation. `success` is the operation's real body.
fn json_cases(success: &str) -> Vec<(String, &'static str, Outcome)> {
    let half = &success[..success.len() / 2];
    vec![
        (String::new(), "application/json", Outcome::Decode("empty body")),
        (" \r\n\t ".into(), "application/json", Outcome::Decode("empty body")),
        (half.into(), "application/json", Outcome::Decode("truncated JSON at line 1")),
        (
            r#"{"primaryKey": SECRET-unquoted}"#.into(),
            "application/json",
            Outcome::Decode("malformed JSON at line 1"),
        ),
        (
            format!("{success} trailing"),
            "application/json",
            Outcome::Decode("malformed JSON"),
        ),
        (
            "<html><body>Proxy error SECRET-in-html</body></html>".into(),
            "text/html",
            Outcome::Decode("malformed JSON at line 1, column 1"),
        ),
        (
            "<StorageService><Primary>SECRET-x</Primary></StorageService>".into(),
            "application/xml",
            Outcome::Decode("malformed JSON"),
        ),
        (
            r#"{"primaryKey":12345,"authKey1":12345,"primaryConnectionString":12345}"#.into(),
            "application/json",
            Outcome::Decode("does not match the expected type"),
        ),
        (
            r#""SECRET-a-bare-string""#.into(),
            "application/json",
            Outcome::Decode("the body is JSON but not an object"),
        ),
        // serde would read a struct from an array positionally; a model body must be an object.
        ("[]".into(), "application/json", Outcome::Decode("the body is JSON but not an object")),
        (
            r#"["SECRET-1","SECRET-2"]"#.into(),
            "application/json",
            Outcome::Decode("the body is JSON but not an object"),
        ),
        ("null".into(), "application/json", Outcome::Decode("the body is JSON but not an object")),
        (
            "\u{feff}{}".into(),
            "application/json",
            Outcome::Decode("malformed JSON"),
        ),
        (
            r#"{"primaryKey":"SECRET-1","primaryKey":"SECRET-2","authKey1":"SECRET-1","authKey1":"SECRET-2","primaryConnectionString":"SECRET-1","primaryConnectionString":"SECRET-2"}"#.into(),
            "application/json",
            Outcome::Decode("does not match the expected type"),
        ),
        // Missing fields are absent, not errors; explicit nulls too.
        ("{}".into(), "application/json", Outcome::NoKeys),
        (
            r#"{"primaryKey":null,"secondaryKey":null,"authKey1":null,"authKey2":null}"#.into(),
            "application/json",
            Outcome::NoKeys,
        ),
        // The content type is not trusted either way: the body is what counts.
        (success.into(), "text/plain", Outcome::AllKeys),
        (success.into(), "application/xml", Outcome::AllKeys),
        (success.into(), "", Outcome::AllKeys),
    ]
}

/// Broken bodies for the XML operation.
fn xml_cases(success: &str) -> Vec<(String, &'static str, Outcome)> {
    let half = &success[..success.len() / 2];
    vec![
        (String::new(), "application/xml", Outcome::Decode("empty body")),
        ("\u{feff}  ".into(), "application/xml", Outcome::Decode("empty body")),
        // A transfer cut in half.
        (half.into(), "application/xml", Outcome::Decode("truncated XML")),
        (
            "<StorageService><StorageServiceKeys><Primary>SECRET-x</Secondary></StorageServiceKeys></StorageService>".into(),
            "application/xml",
            Outcome::Decode("malformed XML"),
        ),
        (
            "<StorageService><Url>a</Url><Url>b</Url><StorageServiceKeys><Primary>SECRET-x</Primary></StorageServiceKeys></StorageService>".into(),
            "application/xml",
            Outcome::Decode("XML that does not match the expected type"),
        ),
        (
            r#"{"StorageServiceKeys":{"Primary":"SECRET-json"}}"#.into(),
            "application/json",
            Outcome::Decode("XML"),
        ),
        (
            "<StorageService><StorageServiceKeys><Primary>&undefined;SECRET-x</Primary></StorageServiceKeys></StorageService>".into(),
            "application/xml",
            Outcome::Decode("XML"),
        ),
        // Entity expansion is not supported, so a "billion laughs" body cannot blow up.
        (
            r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><StorageService><Url>&lol2;</Url></StorageService>"#.into(),
            "application/xml",
            Outcome::Decode("XML"),
        ),
        // Another document (an HTML error page from a proxy, say) is not the model.
        (
            "<html><body>Proxy error SECRET-in-html</body></html>".into(),
            "text/html",
            Outcome::Decode("the XML root element is not `StorageService`"),
        ),
        (
            "<Error><Code>SECRET-x</Code></Error>".into(),
            "application/xml",
            Outcome::Decode("the XML root element is not `StorageService`"),
        ),
        // Missing elements are absent, not errors.
        ("<StorageService/>".into(), "application/xml", Outcome::NoKeys),
        (
            "<StorageService><StorageServiceKeys/></StorageService>".into(),
            "application/xml",
            Outcome::NoKeys,
        ),
        // The content type is not trusted: the body is what counts.
        (success.into(), "application/json", Outcome::AllKeys),
        (success.into(), "text/html", Outcome::AllKeys),
    ]
}

#[track_caller]
fn assert_decode_error(error: &Error, body: &[u8], reason: &str, context: &str) {
    let ErrorKind::Decode {
        status,
        reason: why,
    } = error.kind()
    else {
        panic!("{context}: not a decode error: {error:?}");
    };
    assert_eq!(*status, StatusCode::Ok, "{context}");
    assert!(why.contains(reason), "{context}: {why}");
    assert_eq!(error.http_status(), Some(StatusCode::Ok), "{context}");
    assert_eq!(error.raw_body(), Some(body), "{context}");
    let text = error.to_string();
    assert!(
        text.starts_with("could not read the response body of HTTP 200 OK: "),
        "{context}: {text}"
    );
    common::assert_error_hides_secrets(error, context);
}

#[tokio::test]
async fn broken_success_bodies_give_a_decode_error_or_a_tolerant_parse() {
    for op in ALL {
        let server = MockServer::start().await;
        let opts = options(&server);
        let success = op.success_body();
        let cases = if op.is_xml() {
            xml_cases(&success)
        } else {
            json_cases(&success)
        };
        for (body, content_type, outcome) in cases {
            server.reset().await;
            let template = ResponseTemplate::new(200).set_body_raw(body.clone(), content_type);
            respond_to_all(&server, template).await;
            let context = format!("{} {body:?} as {content_type:?}", op.name());
            let result = call_valid(op, opts.clone()).await;
            match outcome {
                Outcome::Decode(reason) => {
                    let error = result.expect_err(&context);
                    assert_decode_error(&error, body.as_bytes(), reason, &context);
                }
                Outcome::NoKeys => {
                    let keys = result.unwrap_or_else(|e| panic!("{context}: {e}"));
                    assert!(keys.secrets.iter().all(|(_, v)| v.is_none()), "{context}");
                }
                Outcome::AllKeys => {
                    result
                        .unwrap_or_else(|e| panic!("{context}: {e}"))
                        .assert_success(op);
                }
            }
            assert_eq!(requests(&server).await.len(), 1, "{context}");
        }
    }
}

/// Bytes that are not text at all.
#[tokio::test]
async fn binary_bodies_are_decode_errors() {
    let bodies: [&[u8]; 3] = [
        b"\xff\xfe\x00\x01SECRET",
        b"\x00\x00\x00",
        b"\x1f\x8b\x08\x00garbage",
    ];
    for op in ALL {
        let server = MockServer::start().await;
        for body in bodies {
            server.reset().await;
            respond_to_all(&server, ResponseTemplate::new(200).set_body_bytes(body)).await;
            let error = call_valid(op, options(&server)).await.unwrap_err();
            assert_decode_error(&error, body, "", op.name());
        }
    }
}

const TEN_MB: usize = 10 * 1024 * 1024;

/// A 10 MB body: the keys among 10 MB of other content are read; 10 MB of garbage is a
/// short, typed error; a 10 MB error body keeps its code and prints as one line.
#[tokio::test]
async fn ten_megabyte_bodies() {
    for op in ALL {
        let server = MockServer::start().await;
        let opts = options(&server);
        let filler = "x".repeat(TEN_MB);

        let padded = if op.is_xml() {
            op.success_body()
                .replace("<Url>", &format!("<Padding>{filler}</Padding><Url>"))
        } else {
            let success = op.success_body();
            format!(r#"{{"padding":"{filler}",{}"#, &success[1..])
        };
        respond_to_all(
            &server,
            ResponseTemplate::new(200).set_body_raw(padded, op.content_type()),
        )
        .await;
        call_valid(op, opts.clone())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", op.name()))
            .assert_success(op);

        server.reset().await;
        let garbage = format!("{{\"primaryKey\":\"SECRET-{filler}");
        respond_to_all(
            &server,
            ResponseTemplate::new(200).set_body_string(garbage.clone()),
        )
        .await;
        let error = call_valid(op, opts.clone()).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{error:?}"
        );
        assert_eq!(error.raw_body().map(<[u8]>::len), Some(garbage.len()));
        assert!(error.to_string().len() < 200, "{}", op.name());
        assert!(format!("{error:?}").len() < 300, "{}", op.name());

        server.reset().await;
        let (body, content_type) = op.contract().body();
        let huge_error = if op.is_xml() {
            body.replace("<Code>", &format!("<Padding>{filler}</Padding><Code>"))
        } else {
            format!(r#"{{"padding":"{filler}",{}"#, &body[1..])
        };
        respond_to_all(
            &server,
            ResponseTemplate::new(500).set_body_raw(huge_error.clone(), content_type),
        )
        .await;
        let error = call_valid(op, opts).await.unwrap_err();
        let service = error.service_error().expect("a service error");
        assert_eq!(
            service.code(),
            Some(op.contract().expected().code),
            "{}",
            op.name()
        );
        assert_eq!(service.raw_body().len(), huge_error.len());
        assert!(error.to_string().len() < 400, "{}", op.name());
        assert!(format!("{error:?}").len() < 800, "{}", op.name());
    }
}

/// Responses wiremock cannot send, from a hand-rolled server: a body cut off in transfer
/// (the connection closes before `Content-Length` bytes came), a broken status line, and no
/// response at all. Each is a transport error, with nothing of the partial body in it.
#[tokio::test]
async fn broken_transfers_are_transport_errors() {
    for op in ALL {
        let body = op.success_body();
        let partial = &body.as_bytes()[..body.len() / 2];
        let mut cut_off = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\n\r\n",
            op.content_type(),
            body.len()
        )
        .into_bytes();
        cut_off.extend_from_slice(partial);
        let responses: [(&str, Vec<u8>); 4] = [
            ("cut off mid-body", cut_off),
            (
                "broken status line",
                b"HTTP/1.1 two hundred\r\n\r\n".to_vec(),
            ),
            ("not HTTP", b"SSH-2.0-OpenSSH SECRET\r\n".to_vec()),
            ("no response", Vec::new()),
        ];
        for (what, response) in responses {
            let port = common::raw_server(response);
            let context = format!("{} {what}", op.name());
            let error = tokio::time::timeout(
                Duration::from_secs(30),
                call_valid(op, common::loopback_options(port)),
            )
            .await
            .unwrap_or_else(|_| panic!("{context}: hung"))
            .expect_err(&context);
            assert!(
                matches!(error.kind(), ErrorKind::Transport),
                "{context}: {error:?}"
            );
            assert!(error.raw_body().is_none());
            common::assert_error_hides_secrets(&error, &context);
        }
    }
}

/// The long-running operation's own responses, broken: each a typed error.
#[tokio::test]
async fn broken_long_running_responses_are_typed_errors() {
    use wiremock::Mock;
    use wiremock::matchers::{method, path};
    let accepted = |base: &str| {
        ResponseTemplate::new(202)
            .insert_header("Azure-AsyncOperation", format!("{base}/op"))
            .insert_header("Location", format!("{base}/result"))
            .insert_header("Retry-After", "0")
    };
    let ok = |body: &str| ResponseTemplate::new(200).set_body_string(body);
    let succeeded = r#"{"status":"Succeeded"}"#;
    // (what, initial response, status monitor's response, result's response, reason)
    type Case = (
        &'static str,
        fn(&str) -> ResponseTemplate,
        ResponseTemplate,
        ResponseTemplate,
        &'static str,
    );
    let plain_202: fn(&str) -> ResponseTemplate = |_| ResponseTemplate::new(202);
    let http_url: fn(&str) -> ResponseTemplate = |base| {
        ResponseTemplate::new(202).insert_header(
            "Azure-AsyncOperation",
            format!("{}/op", base.replacen("https", "http", 1)),
        )
    };
    let bad_url: fn(&str) -> ResponseTemplate =
        |_| ResponseTemplate::new(202).insert_header("Location", "https://[::1");
    let cases: Vec<Case> = vec![
        (
            "202 without a URL",
            plain_202,
            ok(succeeded),
            ok("{}"),
            "without an Azure-AsyncOperation or Location header",
        ),
        (
            "an http URL",
            http_url,
            ok(succeeded),
            ok("{}"),
            "URL is not https",
        ),
        (
            "a broken URL",
            bad_url,
            ok(succeeded),
            ok("{}"),
            "header is not a valid URL",
        ),
        (
            "a malformed status",
            accepted,
            ok(r#"{"status":"Succ"#),
            ok("{}"),
            "truncated JSON",
        ),
        (
            "an HTML status",
            accepted,
            ok("<html>busy</html>"),
            ok("{}"),
            "malformed JSON",
        ),
        (
            "a status without status",
            accepted,
            ok(r#"{"id":"op"}"#),
            ok("{}"),
            "has no `status` field",
        ),
        (
            "a numeric status",
            accepted,
            ok(r#"{"status":3}"#),
            ok("{}"),
            "has no `status` field",
        ),
        ("an empty status", accepted, ok(""), ok("{}"), "empty body"),
        (
            "a malformed result",
            accepted,
            ok(succeeded),
            ok(r#"{"primaryKey":"SECRET"#),
            "truncated JSON",
        ),
        (
            "an empty result",
            accepted,
            ok(succeeded),
            ok(""),
            "empty body",
        ),
        (
            "a result of the wrong type",
            accepted,
            ok(succeeded),
            ok(r#"{"primaryKey":1}"#),
            "does not match the expected type",
        ),
    ];
    for (what, initial, status, result, reason) in cases {
        let server = MockServer::start().await;
        let base = testkit::https_uri(&server);
        Mock::given(method("POST"))
            .respond_with(initial(&base))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/op"))
            .respond_with(status)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/result"))
            .respond_with(result)
            .mount(&server)
            .await;
        let error = common::redis_poller(options(&server))
            .with_timeout(Duration::from_secs(30))
            .await
            .expect_err(what);
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{what}: {error:?}"
        );
        assert!(error.to_string().contains(reason), "{what}: {error}");
        common::assert_error_hides_secrets(&error, what);
    }
}

/// Enum values the crate does not know (Azure adds values over time) are kept, not refused,
/// for every enum of every service, and written back as they came.
#[test]
fn unknown_enum_values_are_kept() {
    use azure_mgmt::{data_factory, event_hubs, redis_enterprise, service_bus, storage_classic};
    let redis: redis_enterprise::RegenerateKeyParameters =
        serde_json::from_str(r#"{"keyType":"Tertiary"}"#).unwrap();
    assert_eq!(
        redis.key_type,
        redis_enterprise::AccessKeyType::UnknownValue("Tertiary".into())
    );
    let bus: service_bus::RegenerateAccessKeyParameters =
        serde_json::from_str(r#"{"keyType":"TertiaryKey","extra":1}"#).unwrap();
    assert_eq!(bus.key_type.as_str(), "TertiaryKey");
    let hubs: event_hubs::RegenerateAccessKeyParameters =
        serde_json::from_str(r#"{"keyType":"primarykey"}"#).unwrap();
    // Wire values are matched exactly: another case is another value.
    assert_eq!(
        hubs.key_type,
        event_hubs::KeyType::UnknownValue("primarykey".into())
    );
    let factory: data_factory::IntegrationRuntimeRegenerateKeyParameters =
        serde_json::from_str(r#"{"keyName":"authKey3"}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&factory).unwrap(),
        r#"{"keyName":"authKey3"}"#
    );
    let storage: storage_classic::RegenerateKeys =
        serde_json::from_str(r#"{"KeyType":""}"#).unwrap();
    assert_eq!(storage.key_type.to_string(), "");
    // Known values still map to their variants.
    let known: storage_classic::RegenerateKeys =
        serde_json::from_str(r#"{"KeyType":"Secondary"}"#).unwrap();
    assert_eq!(known.key_type, storage_classic::KeyType::Secondary);
}
