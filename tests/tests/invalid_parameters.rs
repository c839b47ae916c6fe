//! Invalid inputs, for every path parameter of every operation: each constraint of the spec
//! (pattern, minimum and maximum length) and hostile values (empty, `/`, `..`, `.`, `?`, `#`,
//! `%2F`, whitespace, non-ASCII). A refused value gives a validation error that names the
//! parameter, the value's problem and the rule, and the server records no request. A value
//! the rules allow is percent-encoded: the server receives exactly the expected path and
//! query, and no value can change the path, the query or the host.

mod common;

use azure_mgmt::{ClientOptions, Error, ErrorKind};
use common::{
    ALL, DATA_FACTORY_RESOURCE_GROUP, EVENT_HUBS_NAMESPACE, Op, Param, call, encode_segment,
    options, requests, respond_to_all,
};
use wiremock::MockServer;

/// What must happen to a value.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    /// Refused: empty.
    Empty,
    /// Refused: a dot segment.
    Dot,
    /// Refused: shorter than the minimum.
    Min(usize),
    /// Refused: longer than the maximum.
    Max(usize),
    /// Refused: does not match the pattern.
    Pattern(&'static str),
    /// Sent, percent-encoded.
    Sent,
}

/// Values that mean something in a URL, whitespace and non-ASCII.
const HOSTILE: &[&str] = &[
    "", ".", "..", "/", "?", "#", "%2F", " ", "\t", "é", "a/b", "../x", "x?y=1", "x#y", "a b",
    "日本", "...", "%2E%2E",
];

/// Values that try to change the path, the query or the host.
const INJECTIONS: &[&str] = &[
    "x?api-version=2000-01-01",
    "x#fragment",
    "../../../../other",
    "..%2F..%2Fother",
    "x/../../y",
    "@evil.example",
    "https://evil.example/",
    "//evil.example",
    "\\..\\x",
    "x%00y",
    "x\r\nHost: evil.example",
    "x&api-version=2000-01-01",
    "x;y=z",
];

/// The hostile values a pattern admits, written out from the patterns themselves. Data
/// Factory's resource group pattern is `\w`-based, and Rust's `\w` is Unicode-aware.
fn pattern_admits(pattern: &str, value: &str) -> bool {
    match pattern {
        DATA_FACTORY_RESOURCE_GROUP => ["é", "日本", "..."].contains(&value),
        _ => false,
    }
}

/// The outcome the spec's rules give `value` for `param` (checks run in this order: empty,
/// dot segment, minimum, maximum, pattern).
fn expected(param: &Param, value: &str) -> Expect {
    match value {
        "" => return Expect::Empty,
        "." | ".." => return Expect::Dot,
        _ => {}
    }
    let length = value.chars().count();
    if let Some(min) = param.min.filter(|min| length < *min) {
        return Expect::Min(min);
    }
    if let Some(max) = param.max.filter(|max| length > *max) {
        return Expect::Max(max);
    }
    match param.pattern {
        Some(pattern) if !pattern_admits(pattern, value) => Expect::Pattern(pattern),
        _ => Expect::Sent,
    }
}

/// The reason text a refusal must give.
fn reason(expect: &Expect, value: &str) -> String {
    let shown = value.escape_debug();
    let length = value.chars().count();
    let chars = if length == 1 {
        "character"
    } else {
        "characters"
    };
    match expect {
        Expect::Empty => "the value is empty; a path parameter must not be empty".to_owned(),
        Expect::Dot => format!(
            "`{value}` is a dot segment, which would change the URL path; it is always refused"
        ),
        Expect::Min(min) => format!("`{shown}` is {length} {chars} long; the minimum is {min}"),
        Expect::Max(max) => format!("`{shown}` is {length} {chars} long; the maximum is {max}"),
        Expect::Pattern(pattern) => format!("`{shown}` does not match the pattern `{pattern}`"),
        Expect::Sent => unreachable!("not a refusal"),
    }
}

/// Calls `op` with `value` for parameter number `index` (valid values elsewhere), and checks
/// the outcome against `expect`, on a server that answers every request with the keys.
async fn check(
    op: Op,
    server: &MockServer,
    opts: ClientOptions,
    index: usize,
    value: &str,
    expect: &Expect,
) {
    let param = &op.params()[index];
    let context = format!("{} {}={value:?}", op.name(), param.name);
    let mut args = op.valid_args().to_vec();
    args[index] = value;
    let before = requests(server).await.len();
    let result = call(op, opts, &args, op.key_type()).await;
    let sent = requests(server).await;
    match expect {
        Expect::Sent => {
            result.unwrap_or_else(|e| panic!("{context}: refused: {e}"));
            assert_eq!(sent.len(), before + 1, "{context}");
            let encoded: Vec<String> = args.iter().map(|v| encode_segment(v)).collect();
            let encoded: Vec<&str> = encoded.iter().map(String::as_str).collect();
            let request = sent.last().unwrap();
            assert_eq!(request.url.path(), op.path(&encoded), "{context}");
            assert_eq!(request.url.query(), Some(op.query()), "{context}");
            assert_eq!(request.url.fragment(), None, "{context}");
            // wiremock rebuilds the URL on `localhost`: the Host header is what was sent.
            let host = request.headers.get("host").map(|h| h.to_str().unwrap());
            let expected_host = format!("127.0.0.1:{}", server.address().port());
            assert_eq!(host, Some(expected_host.as_str()), "{context}");
        }
        refused => {
            let error = result.expect_err(&context);
            assert_invalid(&error, param.name, value, &reason(refused, value), &context);
            assert_eq!(sent.len(), before, "{context}: a request was sent");
        }
    }
}

#[track_caller]
fn assert_invalid(error: &Error, name: &str, value: &str, why: &str, context: &str) {
    let ErrorKind::InvalidParameter {
        parameter,
        value: refused,
        reason,
    } = error.kind()
    else {
        panic!("{context}: not a validation error: {error:?}");
    };
    assert_eq!(*parameter, name, "{context}");
    assert_eq!(refused, value, "{context}");
    assert_eq!(reason, why, "{context}");
    assert_eq!(
        error.to_string(),
        format!("invalid value for parameter `{name}`: {why}"),
        "{context}"
    );
    assert_eq!(error.http_status(), None);
}

/// Runs `values` through every parameter of every operation.
async fn every_parameter(values: &[&str]) -> usize {
    let mut checked = 0;
    for op in ALL {
        let server = MockServer::start().await;
        respond_to_all(&server, op.success()).await;
        // One transport (and so one HTTP connection pool) for all the calls.
        let opts = options(&server);
        for (index, param) in op.params().iter().enumerate() {
            for value in values {
                let expect = expected(param, value);
                check(op, &server, opts.clone(), index, value, &expect).await;
                checked += 1;
            }
        }
    }
    checked
}

#[tokio::test]
async fn hostile_values_are_refused_or_encoded_for_every_parameter() {
    let checked = every_parameter(HOSTILE).await;
    assert_eq!(checked, 19 * HOSTILE.len());
}

#[tokio::test]
async fn no_value_changes_the_path_query_or_host() {
    every_parameter(INJECTIONS).await;
}

/// The encoding the server sees, written out for the hostile values (the oracle
/// `encode_segment` of these tests is checked against it, so it is not trusted blindly).
#[test]
fn the_expected_encodings_are_right() {
    let cases = [
        ("/", "%2F"),
        ("?", "%3F"),
        ("#", "%23"),
        ("%2F", "%252F"),
        (" ", "%20"),
        ("\t", "%09"),
        ("é", "%C3%A9"),
        ("a/b", "a%2Fb"),
        ("../x", "..%2Fx"),
        ("x?y=1", "x%3Fy%3D1"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("...", "..."),
        ("a-b_c.d~e", "a-b_c.d~e"),
    ];
    for (value, encoded) in cases {
        assert_eq!(encode_segment(value), encoded, "{value:?}");
    }
}

/// The edges of each constraint, written out per parameter.
#[tokio::test]
async fn each_constraint_is_checked_at_its_edges() {
    let a = |n: usize| "a".repeat(n);
    let e_acute = |n: usize| "é".repeat(n);
    let redis_name = "^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$";
    let factory_name = "^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$";
    let redis = |param: usize| -> Vec<(Op, usize, String, Expect)> {
        vec![
            (Op::RedisEnterprise, param, "a".into(), Expect::Sent),
            (Op::RedisEnterprise, param, a(60), Expect::Sent),
            (Op::RedisEnterprise, param, a(61), Expect::Max(60)),
            (Op::RedisEnterprise, param, "ca-che-1".into(), Expect::Sent),
            (
                Op::RedisEnterprise,
                param,
                "-cache".into(),
                Expect::Pattern(redis_name),
            ),
            (
                Op::RedisEnterprise,
                param,
                "cache-".into(),
                Expect::Pattern(redis_name),
            ),
            (
                Op::RedisEnterprise,
                param,
                "ca--che".into(),
                Expect::Pattern(redis_name),
            ),
            (
                Op::RedisEnterprise,
                param,
                "ca_che".into(),
                Expect::Pattern(redis_name),
            ),
        ]
    };
    let factory = |param: usize| -> Vec<(Op, usize, String, Expect)> {
        vec![
            (Op::DataFactory, param, "f".into(), Expect::Sent),
            (Op::DataFactory, param, "f-1-x".into(), Expect::Sent),
            (Op::DataFactory, param, a(300), Expect::Sent),
            (
                Op::DataFactory,
                param,
                "-f".into(),
                Expect::Pattern(factory_name),
            ),
            (
                Op::DataFactory,
                param,
                "f--1".into(),
                Expect::Pattern(factory_name),
            ),
            (
                Op::DataFactory,
                param,
                "f_1".into(),
                Expect::Pattern(factory_name),
            ),
        ]
    };
    let mut cases = Vec::new();
    cases.extend(redis(2));
    cases.extend(redis(3));
    cases.extend([
        (Op::EventHubs, 1, "r".into(), Expect::Sent),
        (Op::EventHubs, 1, a(90), Expect::Sent),
        (Op::EventHubs, 1, a(91), Expect::Max(90)),
        (Op::EventHubs, 2, "abcde".into(), Expect::Min(6)),
        // Long enough for minLength, too short for the pattern's {6,50} middle.
        (
            Op::EventHubs,
            2,
            "abcdef".into(),
            Expect::Pattern(EVENT_HUBS_NAMESPACE),
        ),
        (
            Op::EventHubs,
            2,
            "abcdefg".into(),
            Expect::Pattern(EVENT_HUBS_NAMESPACE),
        ),
        (Op::EventHubs, 2, "abcdefgh".into(), Expect::Sent),
        (Op::EventHubs, 2, a(50), Expect::Sent),
        (Op::EventHubs, 2, a(51), Expect::Max(50)),
        (
            Op::EventHubs,
            2,
            "1abcdefgh".into(),
            Expect::Pattern(EVENT_HUBS_NAMESPACE),
        ),
        (
            Op::EventHubs,
            2,
            "abcdefgh-".into(),
            Expect::Pattern(EVENT_HUBS_NAMESPACE),
        ),
        (
            Op::EventHubs,
            2,
            "abcdéfgh".into(),
            Expect::Pattern(EVENT_HUBS_NAMESPACE),
        ),
        (Op::EventHubs, 3, "e".into(), Expect::Sent),
        (Op::EventHubs, 3, a(256), Expect::Sent),
        (Op::EventHubs, 3, a(257), Expect::Max(256)),
        // Lengths count characters, not bytes.
        (Op::EventHubs, 3, e_acute(256), Expect::Sent),
        (Op::EventHubs, 3, e_acute(257), Expect::Max(256)),
        (Op::EventHubs, 4, "x".into(), Expect::Sent),
        (Op::EventHubs, 4, a(1000), Expect::Sent),
        (Op::EventHubs, 4, String::new(), Expect::Empty),
        (Op::DataFactory, 1, "rg(1)_x.y-z".into(), Expect::Sent),
        (
            Op::DataFactory,
            1,
            "Ressourcengruppe-ä".into(),
            Expect::Sent,
        ),
        (
            Op::DataFactory,
            1,
            "rg name".into(),
            Expect::Pattern(DATA_FACTORY_RESOURCE_GROUP),
        ),
        (
            Op::DataFactory,
            1,
            "rg/x".into(),
            Expect::Pattern(DATA_FACTORY_RESOURCE_GROUP),
        ),
        (
            Op::DataFactory,
            1,
            "rg!".into(),
            Expect::Pattern(DATA_FACTORY_RESOURCE_GROUP),
        ),
    ]);
    cases.extend(factory(2));
    cases.extend(factory(3));
    for op in ALL {
        let server = MockServer::start().await;
        respond_to_all(&server, op.success()).await;
        let opts = options(&server);
        for (case_op, index, value, expect) in &cases {
            if *case_op == op {
                check(op, &server, opts.clone(), *index, value, expect).await;
            }
        }
    }
    // Every constrained parameter has its edges here.
    for op in ALL {
        for (index, param) in op.params().iter().enumerate() {
            let constrained = param.min.is_some() || param.max.is_some() || param.pattern.is_some();
            let covered = cases.iter().any(|(o, i, ..)| *o == op && *i == index);
            assert_eq!(constrained, covered, "{} {}", op.name(), param.name);
        }
    }
}

/// `skip_constraint_checks`: the spec's pattern and length rules are off, encoding and the
/// empty / dot-segment refusal are not.
#[tokio::test]
async fn skipping_constraint_checks_keeps_encoding_and_the_dot_refusal() {
    for op in ALL {
        let server = MockServer::start().await;
        respond_to_all(&server, op.success()).await;
        let relaxed_options = ClientOptions {
            skip_constraint_checks: true,
            ..options(&server)
        };
        let relaxed = || relaxed_options.clone();
        for (index, param) in op.params().iter().enumerate() {
            // A value each rule refuses, now sent as it is (encoded).
            let mut breaking = vec!["/", "a b", "é"];
            let too_long = param.max.map(|max| "a".repeat(max + 1));
            let too_short = param
                .min
                .filter(|min| *min > 1)
                .map(|min| "a".repeat(min - 1));
            breaking.extend(too_long.as_deref());
            breaking.extend(too_short.as_deref());
            if param.pattern.is_some() {
                breaking.push("-not_a_name-");
            }
            for value in breaking {
                check(op, &server, relaxed(), index, value, &Expect::Sent).await;
            }
            for value in ["", ".", ".."] {
                let expect = expected(param, value);
                check(op, &server, relaxed(), index, value, &expect).await;
            }
        }
    }
}

/// The refused value stays visible to the caller, escaped in the message: a control
/// character cannot forge a second line in a log.
#[tokio::test]
async fn refusals_escape_control_characters() {
    let server = MockServer::start().await;
    respond_to_all(&server, Op::RedisEnterprise.success()).await;
    let op = Op::RedisEnterprise;
    let value = "cache\nERROR forged line";
    let mut args = op.valid_args().to_vec();
    args[2] = value;
    let error = call(op, options(&server), &args, op.key_type())
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(!text.contains('\n'), "{text}");
    assert!(
        text.contains(r"`cache\nERROR forged line` does not match"),
        "{text}"
    );
    assert!(requests(&server).await.is_empty());
}
