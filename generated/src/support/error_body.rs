//! Reading a service's error body with the operation's error contract.
//!
//! Error bodies in the wild do not always match the documented schema, so parsing is
//! tolerant: the contract's paths first, then the common ARM shape (`error.code`), then the
//! flat shape (`code`), names matched exactly and then ignoring ASCII case, JSON or XML
//! recognised from the body itself. Nothing here can fail or panic: what cannot be read is
//! simply absent, and the raw body is always kept.

use super::body::BodyFormat;
use super::error::{ServiceError, ServiceErrorDetail};
use azure_core::Bytes;
use azure_core::http::headers::{ERROR_CODE, HeaderName, Headers};
use azure_core::http::{RawResponse, StatusCode};
use quick_xml::events::Event;
use serde_json::Value;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");
const CORRELATION_ID: HeaderName = HeaderName::from_static("x-ms-correlation-request-id");

/// Where the code, message and target sit in an error object: each a path of member (JSON)
/// or child element (XML) names. An empty path means the schema has no such field.
#[derive(Clone, Copy, Debug)]
pub struct ErrorFields {
    pub code: &'static [&'static str],
    pub message: &'static [&'static str],
    pub target: &'static [&'static str],
}

/// An operation's error schema, as data: the body format, where the top-level fields are,
/// where the list of details is and where each detail's fields are. XML paths are relative
/// to the root element.
#[derive(Clone, Copy, Debug)]
pub struct ErrorContract {
    pub format: BodyFormat,
    pub fields: ErrorFields,
    /// A JSON array (or a single object), or every XML element the path reaches.
    pub details: &'static [&'static str],
    pub detail_fields: ErrorFields,
}

/// ARM's `ErrorResponse`; also the `error` member of a long-running operation's status.
pub(crate) const ARM_SHAPE: ErrorContract = ErrorContract {
    format: BodyFormat::Json,
    fields: ErrorFields {
        code: &["error", "code"],
        message: &["error", "message"],
        target: &["error", "target"],
    },
    details: &["error", "details"],
    detail_fields: FLAT_FIELDS,
};

const FLAT_FIELDS: ErrorFields = ErrorFields {
    code: &["code"],
    message: &["message"],
    target: &["target"],
};

const FLAT_SHAPE: ErrorContract = ErrorContract {
    format: BodyFormat::Json,
    fields: FLAT_FIELDS,
    details: &["details"],
    detail_fields: FLAT_FIELDS,
};

/// Builds the error for a non-success response.
pub(crate) fn service_error(response: RawResponse, contract: &ErrorContract) -> ServiceError {
    let (status, headers, body) = response.deconstruct();
    parse(status, &headers, Bytes::from(body), contract)
}

/// Builds a [`ServiceError`] from a response's parts.
pub(crate) fn parse(
    status: StatusCode,
    headers: &Headers,
    body: Bytes,
    contract: &ErrorContract,
) -> ServiceError {
    let document = Document::parse(&body, contract.format);
    let fields = document
        .as_ref()
        .and_then(|doc| {
            [contract, &ARM_SHAPE, &FLAT_SHAPE]
                .into_iter()
                .map(|c| Fields::extract(doc.root(), c))
                .find(|f| f.code.is_some() || f.message.is_some())
        })
        .unwrap_or_default();
    ServiceError {
        status,
        // Storage-style services put the code in a header too; use it when the body has none.
        code: fields.code.or_else(|| header(headers, &ERROR_CODE)),
        message: fields.message,
        target: fields.target,
        details: fields.details,
        request_id: header(headers, &REQUEST_ID),
        correlation_id: header(headers, &CORRELATION_ID),
        operation_status: None,
        raw_body: body,
    }
}

fn header(headers: &Headers, name: &HeaderName) -> Option<String> {
    headers
        .get_optional_str(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[derive(Default)]
struct Fields {
    code: Option<String>,
    message: Option<String>,
    target: Option<String>,
    details: Vec<ServiceErrorDetail>,
}

impl Fields {
    fn extract(root: Node<'_>, contract: &ErrorContract) -> Self {
        let details = root
            .items(contract.details)
            .into_iter()
            .map(|item| {
                let f = &contract.detail_fields;
                ServiceErrorDetail {
                    code: item.text_at(f.code),
                    message: item.text_at(f.message),
                    target: item.text_at(f.target),
                }
            })
            .filter(|d| d.code.is_some() || d.message.is_some())
            .collect();
        let f = &contract.fields;
        Self {
            code: root.text_at(f.code),
            message: root.text_at(f.message),
            target: root.text_at(f.target),
            details,
        }
    }
}

/// A parsed error body.
enum Document {
    Json(Value),
    Xml(XmlElement),
}

impl Document {
    /// Recognises the format from the body (a gateway may answer an XML API in JSON, or the
    /// reverse), falling back to the contract's format.
    fn parse(body: &[u8], format: BodyFormat) -> Option<Self> {
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
        let json = match first {
            b'{' | b'[' => true,
            b'<' => false,
            _ => matches!(format, BodyFormat::Json),
        };
        if json {
            serde_json::from_slice(body).ok().map(Self::Json)
        } else {
            parse_xml(body).map(Self::Xml)
        }
    }

    fn root(&self) -> Node<'_> {
        match self {
            Self::Json(v) => Node::Json(v),
            Self::Xml(e) => Node::Xml(e),
        }
    }
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Json(&'a Value),
    Xml(&'a XmlElement),
}

impl<'a> Node<'a> {
    /// The named member or child: an exact match first, else one that differs only in ASCII case.
    fn child(self, name: &str) -> Option<Node<'a>> {
        match self {
            Node::Json(Value::Object(map)) => map
                .get(name)
                .or_else(|| {
                    map.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v)
                })
                .map(Node::Json),
            Node::Json(_) => None,
            Node::Xml(e) => e
                .children
                .iter()
                .find(|c| c.name == name)
                .or_else(|| {
                    e.children
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(name))
                })
                .map(Node::Xml),
        }
    }

    fn at(self, path: &[&str]) -> Option<Node<'a>> {
        path.iter().try_fold(self, |node, name| node.child(name))
    }

    /// The text at `path`; `None` for an empty path, a missing node, an object or empty text.
    fn text_at(self, path: &[&str]) -> Option<String> {
        if path.is_empty() {
            return None;
        }
        let text = match self.at(path)? {
            Node::Json(Value::String(s)) => s.trim().to_owned(),
            Node::Json(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
            Node::Json(_) => return None,
            Node::Xml(e) if e.children.is_empty() => e.text.trim().to_owned(),
            Node::Xml(_) => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    /// The list at `path`: a JSON array's items (or a lone object), or every XML element the
    /// path reaches (`["Details", "Detail"]` gives each `<Detail>`).
    fn items(self, path: &[&str]) -> Vec<Node<'a>> {
        let Some((last, parents)) = path.split_last() else {
            return Vec::new();
        };
        match self.at(parents) {
            Some(Node::Json(_)) => match self.at(path) {
                Some(Node::Json(Value::Array(items))) => items.iter().map(Node::Json).collect(),
                Some(node @ Node::Json(Value::Object(_))) => vec![node],
                _ => Vec::new(),
            },
            Some(Node::Xml(parent)) => {
                let exact: Vec<_> = parent.children.iter().filter(|c| c.name == *last).collect();
                let found = if exact.is_empty() {
                    let loose = |c: &&XmlElement| c.name.eq_ignore_ascii_case(last);
                    parent.children.iter().filter(loose).collect()
                } else {
                    exact
                };
                found.into_iter().map(Node::Xml).collect()
            }
            None => Vec::new(),
        }
    }
}

/// An XML element reduced to what error parsing needs: local name, text, children.
#[derive(Debug, Default)]
pub(crate) struct XmlElement {
    name: String,
    text: String,
    children: Vec<XmlElement>,
}

/// Deeper elements are skipped: error bodies are shallow, and a bound keeps a hostile body
/// from costing stack when the tree is dropped.
const MAX_XML_DEPTH: usize = 32;

/// Reads the first root element into a tree. Stops quietly at the first malformed or
/// truncated spot, keeping what was read so far: a cut-off body still yields its code.
pub(crate) fn parse_xml(body: &[u8]) -> Option<XmlElement> {
    let text = String::from_utf8_lossy(body);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut open: Vec<XmlElement> = Vec::new();
    let mut root = None;
    let mut skipped = 0usize;
    while root.is_none() {
        let skipping = skipped > 0;
        let full = open.len() >= MAX_XML_DEPTH;
        match reader.read_event() {
            Ok(Event::Start(_)) if skipping || full => skipped += 1,
            Ok(Event::Start(start)) => open.push(XmlElement::named(start.local_name().as_ref())),
            Ok(Event::Empty(_)) if skipping || full => {}
            Ok(Event::Empty(start)) => close(
                &mut open,
                &mut root,
                XmlElement::named(start.local_name().as_ref()),
            ),
            Ok(Event::End(_)) if skipping => skipped -= 1,
            Ok(Event::End(_)) => {
                if let Some(element) = open.pop() {
                    close(&mut open, &mut root, element);
                }
            }
            Ok(Event::Text(t)) if !skipping => push_text(&mut open, t.xml10_content().ok()),
            Ok(Event::CData(t)) if !skipping => push_text(&mut open, t.xml10_content().ok()),
            Ok(Event::GeneralRef(r)) if !skipping => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => r
                        .decode()
                        .ok()
                        .and_then(|name| quick_xml::escape::resolve_predefined_entity(&name))
                        .map(str::to_owned),
                    Err(_) => None,
                };
                push_text(&mut open, resolved.map(Into::into));
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // Truncated body: close whatever is still open.
    while let Some(element) = open.pop() {
        close(&mut open, &mut root, element);
    }
    root
}

impl XmlElement {
    fn named(name: &[u8]) -> Self {
        Self {
            name: String::from_utf8_lossy(name).into_owned(),
            ..Self::default()
        }
    }
}

fn close(open: &mut [XmlElement], root: &mut Option<XmlElement>, element: XmlElement) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(open: &mut [XmlElement], text: Option<std::borrow::Cow<'_, str>>) {
    if let (Some(element), Some(text)) = (open.last_mut(), text) {
        element.text.push_str(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARM: ErrorContract = ARM_SHAPE;
    const SERVICE_BUS: ErrorContract = ErrorContract {
        format: BodyFormat::Json,
        fields: ErrorFields {
            code: &["code"],
            message: &["message"],
            target: &[],
        },
        details: &[],
        detail_fields: ErrorFields {
            code: &[],
            message: &[],
            target: &[],
        },
    };
    const CLOUD_ERROR: ErrorContract = ErrorContract {
        format: BodyFormat::Json,
        fields: ErrorFields {
            code: &["error", "code"],
            message: &["error", "message"],
            target: &["error", "target"],
        },
        details: &["error", "details"],
        detail_fields: ErrorFields {
            code: &["error", "code"],
            message: &["error", "message"],
            target: &["error", "target"],
        },
    };
    const STORAGE_XML: ErrorContract = ErrorContract {
        format: BodyFormat::Xml,
        fields: ErrorFields {
            code: &["Code"],
            message: &["Message"],
            target: &[],
        },
        details: &[],
        detail_fields: ErrorFields {
            code: &[],
            message: &[],
            target: &[],
        },
    };

    fn parse_with(status: u16, body: &str, contract: &ErrorContract) -> ServiceError {
        let mut headers = Headers::new();
        headers.insert("x-ms-request-id", "req-123");
        headers.insert("x-ms-correlation-request-id", "corr-456");
        parse(
            StatusCode::from(status),
            &headers,
            Bytes::copy_from_slice(body.as_bytes()),
            contract,
        )
    }

    #[test]
    fn arm_error_response() {
        let body = r#"{"error":{"code":"ResourceNotFound","message":"The Resource 'x' was not found.","target":"name",
            "details":[{"code":"Inner","message":"inner message","target":"t"},{"code":"Second"}]}}"#;
        let e = parse_with(404, body, &ARM);
        assert_eq!(e.code(), Some("ResourceNotFound"));
        assert_eq!(e.message(), Some("The Resource 'x' was not found."));
        assert_eq!(e.target(), Some("name"));
        assert_eq!(e.details().len(), 2);
        assert_eq!(e.details()[0].code(), Some("Inner"));
        assert_eq!(e.details()[0].message(), Some("inner message"));
        assert_eq!(e.details()[0].target(), Some("t"));
        assert_eq!(e.details()[1].code(), Some("Second"));
        assert_eq!(e.request_id(), Some("req-123"));
        assert_eq!(e.correlation_id(), Some("corr-456"));
        assert_eq!(e.raw_body(), body.as_bytes());
    }

    #[test]
    fn flat_service_bus_error() {
        let e = parse_with(
            400,
            r#"{"code":"BadRequest","message":"bad key type"}"#,
            &SERVICE_BUS,
        );
        assert_eq!(e.code(), Some("BadRequest"));
        assert_eq!(e.message(), Some("bad key type"));
        assert_eq!(e.target(), None);
        assert!(e.details().is_empty());
    }

    #[test]
    fn flat_contract_falls_back_to_the_arm_shape() {
        let e = parse_with(
            409,
            r#"{"error":{"code":"Conflict","message":"busy"}}"#,
            &SERVICE_BUS,
        );
        assert_eq!((e.code(), e.message()), (Some("Conflict"), Some("busy")));
    }

    #[test]
    fn arm_contract_falls_back_to_the_flat_shape() {
        let e = parse_with(500, r#"{"Code":"Oops","Message":"flat"}"#, &ARM);
        assert_eq!((e.code(), e.message()), (Some("Oops"), Some("flat")));
    }

    #[test]
    fn cloud_error_details_are_cloud_errors() {
        let body = r#"{"error":{"code":"BadRequest","message":"outer",
            "details":[{"error":{"code":"InvalidName","message":"inner","target":"factoryName"}}]}}"#;
        let e = parse_with(400, body, &CLOUD_ERROR);
        assert_eq!(e.code(), Some("BadRequest"));
        assert_eq!(e.details().len(), 1);
        assert_eq!(e.details()[0].code(), Some("InvalidName"));
        assert_eq!(e.details()[0].target(), Some("factoryName"));
    }

    #[test]
    fn classic_storage_xml_error() {
        let body = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Error xmlns=\"http://schemas.microsoft.com/windowsazure\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <Code>BadRequest</Code>\n  <Message>Key type &lt;Tertiary&gt; &amp; &#x41;&#66; is not valid.</Message>\n</Error>";
        let e = parse_with(400, body, &STORAGE_XML);
        assert_eq!(e.code(), Some("BadRequest"));
        assert_eq!(e.message(), Some("Key type <Tertiary> & AB is not valid."));
        assert_eq!(e.raw_body(), body.as_bytes());
    }

    #[test]
    fn xml_with_prefixes_and_cdata() {
        let body = "<m:Error xmlns:m=\"urn:x\"><m:Code><![CDATA[Conflict]]></m:Code><m:Message>a\nb</m:Message></m:Error>";
        let e = parse_with(409, body, &STORAGE_XML);
        assert_eq!((e.code(), e.message()), (Some("Conflict"), Some("a\nb")));
    }

    #[test]
    fn xml_contract_reads_a_json_body() {
        let e = parse_with(
            503,
            r#"{"error":{"code":"ServerBusy","message":"later"}}"#,
            &STORAGE_XML,
        );
        assert_eq!(e.code(), Some("ServerBusy"));
    }

    #[test]
    fn truncated_xml_keeps_what_was_read() {
        let body = "<Error><Code>Forbidden</Code><Message>The request is not auth";
        let e = parse_with(403, body, &STORAGE_XML);
        assert_eq!(e.code(), Some("Forbidden"));
        assert_eq!(e.message(), Some("The request is not auth"));
    }

    #[test]
    fn garbage_empty_and_truncated_bodies_keep_the_raw_body() {
        let bodies = [
            "",
            "   ",
            "not json at all",
            "{\"error\":{\"code\":\"Trunc",
            "[1,2,3]",
            "\"string\"",
            "<",
            "<Error><Code>",
            "<<<>>>",
            "<a></b>",
            "{\"error\":\"just a string\"}",
            "{\"error\":{\"code\":{\"nested\":1},\"message\":[1]}}",
        ];
        for contract in [&ARM, &SERVICE_BUS, &CLOUD_ERROR, &STORAGE_XML] {
            for body in bodies {
                let e = parse_with(502, body, contract);
                assert_eq!(e.raw_body(), body.as_bytes());
                assert_eq!(e.message(), None, "{body}");
                assert_eq!(e.request_id(), Some("req-123"));
            }
        }
    }

    #[test]
    fn numbers_are_read_as_text_and_the_error_code_header_is_a_fallback() {
        let e = parse_with(429, r#"{"code":429,"message":"slow down"}"#, &SERVICE_BUS);
        assert_eq!(e.code(), Some("429"));
        let mut headers = Headers::new();
        headers.insert("x-ms-error-code", "AuthenticationFailed");
        let e = parse(StatusCode::Forbidden, &headers, Bytes::new(), &STORAGE_XML);
        assert_eq!(e.code(), Some("AuthenticationFailed"));
    }

    #[test]
    fn deep_xml_does_not_overflow() {
        let body = "<a>".repeat(100_000);
        let e = parse_with(400, &body, &STORAGE_XML);
        assert_eq!(e.code(), None);
        let tree = parse_xml(body.as_bytes()).unwrap();
        let mut depth = 1;
        let mut node = &tree;
        while let Some(child) = node.children.first() {
            depth += 1;
            node = child;
        }
        assert_eq!(depth, MAX_XML_DEPTH);
    }

    #[test]
    fn only_code_message_and_target_leave_the_body() {
        let body = r#"{"error":{"code":"Conflict","message":"busy","innererror":{"key":"SECRET-1"}},
            "properties":{"primaryKey":"SECRET-2"}}"#;
        for contract in [&ARM, &SERVICE_BUS, &CLOUD_ERROR, &STORAGE_XML] {
            let error = crate::support::Error::new(crate::support::ErrorKind::Service(parse_with(
                409, body, contract,
            )));
            for text in [
                format!("{error}"),
                format!("{error:?}"),
                format!("{error:#?}"),
            ] {
                assert!(text.contains("Conflict") && text.contains("busy"), "{text}");
                assert!(!text.contains("SECRET"), "{text}");
            }
        }
    }

    /// A well-formed subtree deeper than the bound is skipped whole, closing tags included,
    /// and what follows it is read as usual.
    #[test]
    fn a_subtree_deeper_than_the_bound_is_skipped_and_reading_goes_on() {
        // Under <Error><Extra>: nested elements down to the bound, an empty element just past
        // it, then more levels holding elements, an empty element, text, CDATA and references.
        let kept = MAX_XML_DEPTH - 2;
        let deep = format!(
            "{}<PastTheBound/>{}<Code>Inner</Code><Leaf/>text<![CDATA[cdata]]>&amp;&#65;{}",
            "<Nested>".repeat(kept),
            "<Nested>".repeat(8),
            "</Nested>".repeat(kept + 8)
        );
        let body = format!(
            "<Error><Extra>{deep}<After>a</After></Extra><Code>Outer</Code><Message>read past the deep part</Message></Error>"
        );
        let e = parse_with(400, &body, &STORAGE_XML);
        assert_eq!(e.code(), Some("Outer"));
        assert_eq!(e.message(), Some("read past the deep part"));
        assert_eq!(
            e.to_string(),
            "HTTP 400 Bad Request: Outer: read past the deep part \
             (x-ms-request-id: req-123, x-ms-correlation-request-id: corr-456)"
        );
        // The tree keeps the elements down to the bound, and nothing of what is below it.
        let tree = parse_xml(body.as_bytes()).unwrap();
        let extra = &tree.children[0];
        assert_eq!(extra.name, "Extra");
        let names: Vec<&str> = extra.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Nested", "After"]);
        let mut deepest = &extra.children[0];
        let mut levels = 3;
        while let Some(child) = deepest.children.first() {
            deepest = child;
            levels += 1;
        }
        assert_eq!(levels, MAX_XML_DEPTH);
        assert_eq!(deepest.name, "Nested");
        assert_eq!(deepest.text, "");
    }

    /// A message that holds markup is not text: it is left out (as a JSON object would be),
    /// and the code still reads.
    #[test]
    fn xml_mixed_content_is_not_a_message() {
        for body in [
            "<Error><Code>Mixed</Code><Message>Key <b>type</b> is not valid.</Message></Error>",
            "<Error><Code>Mixed</Code><Message>Key type<br/>is not valid.</Message></Error>",
        ] {
            let e = parse_with(400, body, &STORAGE_XML);
            assert_eq!(e.code(), Some("Mixed"), "{body}");
            assert_eq!(e.message(), None, "{body}");
            assert_eq!(e.raw_body(), body.as_bytes());
        }
    }

    /// `details` as one object rather than a list is one detail.
    #[test]
    fn a_single_detail_object_is_one_detail() {
        let body = r#"{"error":{"code":"Outer","message":"m","details":{"code":"Only","message":"the one","target":"t"}}}"#;
        let e = parse_with(400, body, &ARM);
        assert_eq!(
            e.details(),
            [ServiceErrorDetail {
                code: Some("Only".into()),
                message: Some("the one".into()),
                target: Some("t".into()),
            }]
        );
    }

    #[test]
    fn xml_details_are_every_matching_element() {
        const WITH_DETAILS: ErrorContract = ErrorContract {
            details: &["Details", "Detail"],
            detail_fields: ErrorFields {
                code: &["Code"],
                message: &["Message"],
                target: &[],
            },
            ..STORAGE_XML
        };
        let body = "<Error><Code>C</Code><Details><Detail><Code>A</Code></Detail><Detail><Code>B</Code><Message>m</Message></Detail></Details></Error>";
        let e = parse_with(400, body, &WITH_DETAILS);
        let codes: Vec<_> = e.details().iter().map(|d| d.code().unwrap()).collect();
        assert_eq!(codes, ["A", "B"]);

        // Exact names win: siblings of other names, or of the same name in another case, are
        // not details when an exact match exists...
        let body = "<Error><Code>C</Code><Details><Detail><Code>A</Code></Detail><Other><Code>X</Code></Other><DETAIL><Code>Y</Code></DETAIL><Detail><Code>B</Code></Detail></Details></Error>";
        let e = parse_with(400, body, &WITH_DETAILS);
        let codes: Vec<_> = e.details().iter().map(|d| d.code().unwrap()).collect();
        assert_eq!(codes, ["A", "B"]);
        // ...and only then is the case ignored.
        let body = "<Error><Code>C</Code><details><detail><Code>A</Code></detail><Other><Code>X</Code></Other><DETAIL><Code>B</Code></DETAIL></details></Error>";
        let e = parse_with(400, body, &WITH_DETAILS);
        let codes: Vec<_> = e.details().iter().map(|d| d.code().unwrap()).collect();
        assert_eq!(codes, ["A", "B"]);
    }

    /// Property tests: whatever the body, parsing gives a `ServiceError` that keeps the status,
    /// the request ids and the exact body, and whose `Display` and `Debug` show nothing of the
    /// body but the fields it parsed.
    mod properties {
        use super::*;
        use crate::support::body_strategies::{any_bytes, json_document, mutated};
        use crate::support::{Error, ErrorKind};
        use proptest::prelude::*;

        /// What a property check returns.
        type Check = std::result::Result<(), TestCaseError>;

        const CONTRACTS: [&ErrorContract; 4] = [&ARM, &SERVICE_BUS, &CLOUD_ERROR, &STORAGE_XML];
        /// Secrets in the bodies below (and in `json_document`'s leaves), outside the fields.
        const SECRETS: [&str; 2] = ["SECRET-IN-BODY-0123", "SECRET-IN-JSON"];

        const BODIES: &[&str] = &[
            r#"{"error":{"code":"Conflict","message":"busy","target":"keyType","details":[{"code":"Inner","message":"m","target":"t"}],"innererror":{"key":"SECRET-IN-BODY-0123"},"additionalInfo":[{"type":"x","info":{"primaryKey":"SECRET-IN-BODY-0123"}}]}}"#,
            r#"{"code":"BadRequest","message":"bad key type","primaryConnectionString":"SECRET-IN-BODY-0123"}"#,
            r#"{"error":{"code":"BadRequest","message":"outer","details":[{"error":{"code":"InvalidName","message":"inner","target":"factoryName"}}]},"authKey1":"SECRET-IN-BODY-0123"}"#,
            "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error xmlns=\"http://schemas.microsoft.com/windowsazure\"><Code>BadRequest</Code><Message>Key type &lt;x&gt; is not valid.</Message><Primary>SECRET-IN-BODY-0123</Primary></Error>",
            "<m:Error xmlns:m=\"urn:x\"><m:Code><![CDATA[Conflict]]></m:Code><m:Message>a\nb</m:Message><Secondary>SECRET-IN-BODY-0123</Secondary></m:Error>",
        ];

        fn check(body: &[u8]) -> Check {
            let mut headers = Headers::new();
            headers.insert("x-ms-request-id", "req-123");
            headers.insert("x-ms-correlation-request-id", "corr-456");
            for contract in CONTRACTS {
                let parsed = parse(
                    StatusCode::ServiceUnavailable,
                    &headers,
                    Bytes::copy_from_slice(body),
                    contract,
                );
                prop_assert_eq!(parsed.raw_body(), body);
                prop_assert_eq!(parsed.status(), StatusCode::ServiceUnavailable);
                prop_assert_eq!(parsed.request_id(), Some("req-123"));
                prop_assert_eq!(parsed.correlation_id(), Some("corr-456"));
                let mut shown = vec![parsed.code(), parsed.message(), parsed.target()];
                for detail in parsed.details() {
                    shown.extend([detail.code(), detail.message(), detail.target()]);
                    prop_assert!(detail.code().is_some() || detail.message().is_some());
                }
                // Every field read is trimmed, non-empty text.
                for field in shown.iter().flatten() {
                    prop_assert!(!field.is_empty() && field.trim() == *field, "{:?}", field);
                }
                let error = Error::new(ErrorKind::Service(parsed.clone()));
                let display = error.to_string();
                prop_assert!(
                    display.starts_with("HTTP 503 Service Unavailable"),
                    "{}",
                    display
                );
                prop_assert!(display.ends_with(
                    "(x-ms-request-id: req-123, x-ms-correlation-request-id: corr-456)"
                ));
                let debug = format!("{error:?}");
                prop_assert!(
                    debug.contains(&format!("raw_body_len: {}", body.len())),
                    "{}",
                    debug
                );
                for text in [display, debug, format!("{error:#?}")] {
                    for secret in SECRETS {
                        let parsed_field = shown.iter().flatten().any(|f| f.contains(secret));
                        prop_assert!(parsed_field || !text.contains(secret), "{}", text);
                    }
                }
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_bytes_give_a_service_error(body in any_bytes()) {
                check(&body)?;
            }

            #[test]
            fn broken_error_bodies_give_a_service_error(body in mutated(BODIES)) {
                check(&body)?;
            }

            #[test]
            fn any_json_document_gives_a_service_error(document in json_document()) {
                check(document.to_string().as_bytes())?;
            }

            #[test]
            fn xml_like_noise_gives_a_service_error(
                body in "(<[A-Za-z:]{0,6}( [a-z]{1,3}=\"[^\"]{0,4}\")?/?>|</[A-Za-z:]{0,6}>|&[a-z#0-9]{0,5};|<!\\[CDATA\\[|\\]\\]>|[^<&]{0,8}){0,40}",
            ) {
                check(body.as_bytes())?;
            }
        }

        #[test]
        fn the_valid_bodies_give_their_code() {
            let codes = [
                "Conflict",
                "BadRequest",
                "BadRequest",
                "BadRequest",
                "Conflict",
            ];
            for (body, code) in BODIES.iter().zip(codes) {
                let error = parse_with(400, body, &ARM);
                assert_eq!(error.code(), Some(code), "{body}");
                assert!(!error.to_string().contains("SECRET"), "{error}");
            }
        }
    }
}
