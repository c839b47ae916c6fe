//! Successful responses: the status, the headers and the decoded model.

use super::error::{Error, Result};
use azure_core::http::headers::{HeaderName, Headers};
use azure_core::http::{RawResponse, StatusCode};
use serde::de::DeserializeOwned;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");

/// A successful response: its status, headers and decoded body.
///
/// `Debug` shows the headers redacted by `azure_core` and the model's own `Debug`, in which
/// generated models hide their secret fields.
#[derive(Clone, Debug)]
pub struct Response<T> {
    status: StatusCode,
    headers: Headers,
    model: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: Headers, model: T) -> Self {
        Self {
            status,
            headers,
            model,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The decoded body.
    pub fn model(&self) -> &T {
        &self.model
    }

    /// The decoded body, by value.
    pub fn into_model(self) -> T {
        self.model
    }

    /// The status, headers and decoded body, by value.
    pub fn into_parts(self) -> (StatusCode, Headers, T) {
        (self.status, self.headers, self.model)
    }

    /// The `x-ms-request-id` header: quote it when asking Azure support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get_optional_str(&REQUEST_ID)
    }
}

/// Decodes a JSON success body into the object model `T`.
pub fn decode_json<T: DeserializeOwned>(response: RawResponse) -> Result<Response<T>> {
    let (status, headers, body) = response.deconstruct();
    let model = json_model(status, &body)?;
    Ok(Response::new(status, headers, model))
}

/// Decodes an XML success body whose root element must be `root` into `T`.
pub fn decode_xml<T: DeserializeOwned>(response: RawResponse, root: &str) -> Result<Response<T>> {
    let (status, headers, body) = response.deconstruct();
    // quick-xml ignores the root element's name, so an HTML error page or another document
    // would otherwise parse as a model with every field absent.
    match root_element(&body) {
        Some(found) if found == root.as_bytes() => {}
        Some(_) => {
            let reason = format!("the XML root element is not `{root}`");
            return Err(Error::decode_body(status, reason, &body));
        }
        // No root element at all: empty, or not XML; the model reader says which.
        None => {}
    }
    let model = xml_model(status, &body)?;
    Ok(Response::new(status, headers, model))
}

/// The local name of the document's root element, if the document starts well.
fn root_element(body: &[u8]) -> Option<Vec<u8>> {
    use quick_xml::events::Event;
    let mut reader =
        quick_xml::Reader::from_reader(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) | Event::Empty(e) => return Some(e.local_name().as_ref().to_vec()),
            Event::Eof => return None,
            _ => buf.clear(),
        }
    }
}

/// A success without a documented body: whatever body came is ignored.
pub fn decode_empty(response: RawResponse) -> Result<Response<()>> {
    let (status, headers, _) = response.deconstruct();
    Ok(Response::new(status, headers, ()))
}

/// For an operation whose success statuses do not all document a body: decodes the body with
/// `decode` on the statuses in `with_body` (`Some(model)`), and ignores whatever body another
/// success status carries (`None`). The status tells the caller which one came back.
pub fn decode_optional<T>(
    response: RawResponse,
    with_body: &[u16],
    decode: fn(RawResponse) -> Result<Response<T>>,
) -> Result<Response<Option<T>>> {
    if with_body.contains(&u16::from(response.status())) {
        let (status, headers, model) = decode(response)?.into_parts();
        Ok(Response::new(status, headers, Some(model)))
    } else {
        let (status, headers, _) = response.deconstruct();
        Ok(Response::new(status, headers, None))
    }
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// serde_json's messages can quote the body (`invalid type: string "<key>"`), so only the
/// category and position are kept; the body itself goes into the error as its raw body.
pub(crate) fn json_model<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    if is_blank(body) {
        return Err(Error::decode_body(status, "empty body", body));
    }
    // Every JSON body read here is an object (a model, an operation status), and serde reads a
    // struct from a JSON array too (positionally), so `[]` would pass as a model with every
    // field absent.
    if let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace())
        && matches!(first, b'[' | b'"' | b'n' | b't' | b'f' | b'-' | b'0'..=b'9')
    {
        return Err(Error::decode_body(
            status,
            "the body is JSON but not an object",
            body,
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        let what = match e.classify() {
            Category::Syntax => "malformed JSON",
            Category::Eof => "truncated JSON",
            Category::Data => "JSON that does not match the expected type",
            Category::Io => "unreadable JSON",
        };
        let reason = format!("{what} at line {}, column {}", e.line(), e.column());
        Error::decode_body(status, reason, body)
    })
}

/// quick-xml's messages can quote the body, and azure_core's `from_xml` copies the whole
/// body into its message, so only a fixed phrase per category is kept; the body itself goes
/// into the error as its raw body.
pub(crate) fn xml_model<T: DeserializeOwned>(status: StatusCode, raw: &[u8]) -> Result<T> {
    let body = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    if is_blank(body) {
        return Err(Error::decode_body(status, "empty body", raw));
    }
    quick_xml::de::from_reader(body).map_err(|e| {
        use quick_xml::DeError;
        use quick_xml::errors::{Error as XmlError, IllFormedError};
        let what = match e {
            // The document ended with elements still open, or inside markup (every syntax
            // error of quick-xml is "the input ended before ..."), or before its root.
            DeError::InvalidXml(
                XmlError::Syntax(_) | XmlError::IllFormed(IllFormedError::MissingEndTag(_)),
            )
            | DeError::UnexpectedEof => "truncated XML",
            DeError::InvalidXml(_) => "malformed XML",
            _ => "XML that does not match the expected type",
        };
        Error::decode_body(status, what, raw)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::error::ErrorKind;
    use azure_core::credentials::Secret;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct AccessKeys {
        primary_key: Option<Secret>,
        key_name: Option<String>,
        count: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    struct StorageService {
        #[serde(rename = "StorageServiceKeys")]
        keys: StorageServiceKeys,
    }

    #[derive(Debug, Deserialize)]
    struct StorageServiceKeys {
        #[serde(rename = "Primary")]
        primary: Secret,
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        let mut headers = Headers::new();
        headers.insert("x-ms-request-id", "rid-1");
        RawResponse::from_bytes(StatusCode::from(status), headers, body.as_bytes().to_vec())
    }

    fn decode_error_text<T: std::fmt::Debug>(
        result: Result<Response<T>>,
        body: &str,
    ) -> (String, String) {
        let error = result.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{error:?}"
        );
        // The body that could not be read is kept for the caller, and shown only as a length.
        assert_eq!(error.raw_body(), Some(body.as_bytes()));
        let debug = format!("{error:?}");
        assert!(
            debug.ends_with(&format!("raw_body_len: {} }}", body.len())),
            "{debug}"
        );
        (error.to_string(), debug)
    }

    #[test]
    fn json_success_keeps_headers_and_hides_secrets() {
        let body = r#"{"primaryKey":"SECRET-KEY","keyName":"root","extra":{"ignored":true}}"#;
        let response = decode_json::<AccessKeys>(raw(200, body)).unwrap();
        assert_eq!(response.status(), StatusCode::Ok);
        assert_eq!(response.request_id(), Some("rid-1"));
        assert_eq!(
            response.headers().get_optional_str(&REQUEST_ID),
            Some("rid-1")
        );
        assert_eq!(response.model().key_name.as_deref(), Some("root"));
        assert_eq!(response.model().count, None);
        assert!(!format!("{response:?}").contains("SECRET-KEY"));
        let keys = response.into_model();
        assert_eq!(keys.primary_key.unwrap().secret(), "SECRET-KEY");
    }

    #[test]
    fn json_decode_errors_never_quote_the_body() {
        let cases = [
            ("", "empty body"),
            ("  \n", "empty body"),
            (r#"{"primaryKey":"SECRET-KEY""#, "truncated JSON at line 1"),
            (r#"{"primaryKey":SECRET-KEY}"#, "malformed JSON at line 1"),
            (
                r#"{"primaryKey":"SECRET-KEY","count":"SECRET-KEY"}"#,
                "JSON that does not match the expected type at line 1",
            ),
        ];
        for (body, expected) in cases {
            let (display, debug) =
                decode_error_text(decode_json::<AccessKeys>(raw(200, body)), body);
            assert!(display.contains(expected), "{display}");
            assert!(display.starts_with("could not read the response body of HTTP 200 OK: "));
            assert!(
                !display.contains("SECRET") && !debug.contains("SECRET"),
                "{debug}"
            );
        }
    }

    #[test]
    fn xml_success_and_errors() {
        let body = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageService xmlns=\"http://schemas.microsoft.com/windowsazure\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><Url>u</Url><StorageServiceKeys><Primary>SECRET-KEY</Primary><Secondary>s</Secondary></StorageServiceKeys></StorageService>";
        let response = decode_xml::<StorageService>(raw(200, body), "StorageService").unwrap();
        assert_eq!(response.model().keys.primary.secret(), "SECRET-KEY");
        assert!(!format!("{response:?}").contains("SECRET-KEY"));

        let cases = [
            ("", "empty body"),
            (
                "<StorageService><StorageServiceKeys><Primary>SECRET-KEY",
                "truncated XML",
            ),
            (
                "<StorageService><StorageServiceKeys><Primary>SECRET-KEY</Primary>",
                "truncated XML",
            ),
            ("<StorageService><Url a=\"SECRET-KEY", "truncated XML"),
            (
                "<?xml version=\"1.0\"?><!-- SECRET-KEY -->",
                "truncated XML",
            ),
            (
                "<StorageService><Url>SECRET-KEY</Url></StorageService>",
                "XML that does not match the expected type",
            ),
            ("<StorageService></Wrong>SECRET-KEY", "malformed XML"),
            (
                "<Error><Code>SECRET-KEY</Code></Error>",
                "the XML root element is not `StorageService`",
            ),
        ];
        for (body, expected) in cases {
            let (display, debug) = decode_error_text(
                decode_xml::<StorageService>(raw(200, body), "StorageService"),
                body,
            );
            assert_eq!(
                display,
                format!("could not read the response body of HTTP 200 OK: {expected}")
            );
            assert!(
                !display.contains("SECRET") && !debug.contains("SECRET"),
                "{debug}"
            );
        }
    }

    #[test]
    fn empty_ignores_the_body() {
        let response = decode_empty(raw(204, "anything")).unwrap();
        assert_eq!(response.status(), StatusCode::NoContent);
        let (status, headers, ()) = response.into_parts();
        assert_eq!(status, 204);
        assert_eq!(headers.get_optional_str(&REQUEST_ID), Some("rid-1"));
    }

    #[test]
    fn optional_bodies_follow_the_documented_statuses() {
        let body = r#"{"keyName":"root"}"#;
        let with = decode_optional::<AccessKeys>(raw(200, body), &[200, 201], decode_json).unwrap();
        assert_eq!(with.status(), StatusCode::Ok);
        assert_eq!(with.request_id(), Some("rid-1"));
        assert_eq!(
            with.model().as_ref().unwrap().key_name.as_deref(),
            Some("root")
        );
        // A status documented without a body ignores any body it carries.
        let without =
            decode_optional::<AccessKeys>(raw(304, "<html/>"), &[200, 201], decode_json).unwrap();
        assert_eq!(without.status(), StatusCode::NotModified);
        assert_eq!(without.request_id(), Some("rid-1"));
        assert!(without.model().is_none());
        // A status documented with a body must carry one.
        let error =
            decode_optional::<AccessKeys>(raw(201, ""), &[200, 201], decode_json).unwrap_err();
        assert!(error.to_string().ends_with("empty body"), "{error}");
        let xml = decode_optional::<StorageService>(
            raw(200, "<StorageService><StorageServiceKeys><Primary>k</Primary></StorageServiceKeys></StorageService>"),
            &[200],
            |response| decode_xml(response, "StorageService"),
        )
        .unwrap();
        assert_eq!(xml.into_model().unwrap().keys.primary.secret(), "k");
    }

    /// Property tests over the success-body parsers: whatever the bytes, the result is a model
    /// or a typed `Decode` error that keeps the body and never quotes it.
    mod properties {
        use super::*;
        use crate::support::body_strategies::{any_bytes, mutated};
        use proptest::prelude::*;

        /// What a property check returns (`Result` here is the crate's).
        type Check = std::result::Result<(), TestCaseError>;

        const SECRETS: [&str; 2] = ["SECRET-PRIMARY-0123", "SECRET-SECONDARY-4567"];

        /// A model shaped like the generated ones: secrets as `Secret`, one plain field, and
        /// a nested object.
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Keys {
            primary_key: Option<Secret>,
            secondary_key: Option<Secret>,
            key_name: Option<String>,
            nested: Option<Nested>,
        }

        #[derive(Debug, Deserialize)]
        struct Nested {
            count: Option<u32>,
        }

        #[derive(Debug, Deserialize)]
        struct Service {
            #[serde(rename = "Url")]
            url: Option<String>,
            #[serde(rename = "StorageServiceKeys")]
            keys: Option<ServiceKeys>,
        }

        #[derive(Debug, Deserialize)]
        struct ServiceKeys {
            #[serde(rename = "Primary")]
            primary: Option<Secret>,
            #[serde(rename = "Secondary")]
            secondary: Option<Secret>,
        }

        const JSON_BODIES: &[&str] = &[
            r#"{"primaryKey":"SECRET-PRIMARY-0123","secondaryKey":"SECRET-SECONDARY-4567","keyName":"root"}"#,
            r#"{"keyName":"root","nested":{"count":3},"primaryKey":"SECRET-PRIMARY-0123","extra":[1,{"a":null}],"secondaryKey":"SECRET-SECONDARY-4567"}"#,
            "{\n  \"primaryKey\": \"SECRET-PRIMARY-0123\",\n  \"secondaryKey\": \"SECRET-SECONDARY-4567\"\n}",
        ];

        const XML_BODIES: &[&str] = &[
            "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageService xmlns=\"http://schemas.microsoft.com/windowsazure\"><Url>https://h/x</Url><StorageServiceKeys><Primary>SECRET-PRIMARY-0123</Primary><Secondary>SECRET-SECONDARY-4567</Secondary></StorageServiceKeys></StorageService>",
            "<StorageService><Extra a=\"1\"><Deep/></Extra><StorageServiceKeys><Secondary>SECRET-SECONDARY-4567</Secondary><Primary><![CDATA[SECRET-PRIMARY-0123]]></Primary></StorageServiceKeys></StorageService>",
        ];

        /// A failure is a `Decode` error of the response's status that keeps the exact body
        /// and whose text is a short fixed phrase: no secret, nothing quoted.
        fn check_error(error: &crate::support::Error, body: &[u8]) -> Check {
            prop_assert!(
                matches!(error.kind(), ErrorKind::Decode { status, .. } if *status == StatusCode::Ok),
                "{:?}",
                error
            );
            prop_assert_eq!(error.raw_body(), Some(body));
            for text in [
                error.to_string(),
                format!("{error:?}"),
                format!("{error:#?}"),
            ] {
                prop_assert!(text.len() < 200, "{}", text);
                for secret in SECRETS {
                    prop_assert!(!text.contains(secret), "{}", text);
                }
            }
            Ok(())
        }

        /// A success shows a secret in `Debug` only where a mutation moved it into a plain field.
        fn check_model_debug(debug: &str, plain: &[Option<&str>]) -> Check {
            for secret in SECRETS {
                let in_plain_field = plain.iter().flatten().any(|v| v.contains(secret));
                prop_assert!(in_plain_field || !debug.contains(secret), "{}", debug);
            }
            Ok(())
        }

        fn check_json(body: &[u8]) -> Check {
            match json_model::<Keys>(StatusCode::Ok, body) {
                Ok(keys) => check_model_debug(&format!("{keys:?}"), &[keys.key_name.as_deref()]),
                Err(error) => check_error(&error, body),
            }
        }

        fn check_xml(body: &[u8]) -> Check {
            match xml_model::<Service>(StatusCode::Ok, body) {
                Ok(service) => {
                    check_model_debug(&format!("{service:?}"), &[service.url.as_deref()])
                }
                Err(error) => check_error(&error, body),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn json_never_panics_on_any_bytes(body in any_bytes()) {
                check_json(&body)?;
            }

            #[test]
            fn json_never_panics_on_broken_bodies(body in mutated(JSON_BODIES)) {
                check_json(&body)?;
            }

            #[test]
            fn xml_never_panics_on_any_bytes(body in any_bytes()) {
                check_xml(&body)?;
            }

            #[test]
            fn xml_never_panics_on_broken_bodies(body in mutated(XML_BODIES)) {
                check_xml(&body)?;
            }

            /// The other format's bodies, broken or not, are errors or tolerant parses too.
            #[test]
            fn each_parser_survives_the_other_format(
                json in mutated(JSON_BODIES),
                xml in mutated(XML_BODIES),
            ) {
                check_xml(&json)?;
                check_json(&xml)?;
            }
        }

        #[test]
        fn the_valid_bodies_parse() {
            let secret = |s: Option<Secret>| s.map(|s| s.secret().to_owned());
            for body in JSON_BODIES {
                let keys = json_model::<Keys>(StatusCode::Ok, body.as_bytes()).unwrap();
                assert_eq!(secret(keys.primary_key).as_deref(), Some(SECRETS[0]));
                assert_eq!(secret(keys.secondary_key).as_deref(), Some(SECRETS[1]));
            }
            let nested = json_model::<Keys>(StatusCode::Ok, JSON_BODIES[1].as_bytes()).unwrap();
            assert_eq!(nested.nested.and_then(|n| n.count), Some(3));
            for body in XML_BODIES {
                let service = xml_model::<Service>(StatusCode::Ok, body.as_bytes()).unwrap();
                let keys = service.keys.unwrap();
                assert_eq!(secret(keys.primary).as_deref(), Some(SECRETS[0]));
                assert_eq!(secret(keys.secondary).as_deref(), Some(SECRETS[1]));
            }
        }
    }
}
