//! Request bodies: serialize the model and set the matching `content-type`.

use super::error::{Error, ErrorKind, Result};
use super::read_only::writing_request;
use super::xml_list::writing_xml;
use azure_core::http::Request;
use azure_core::http::headers::CONTENT_TYPE;
use serde::Serialize;

/// How a body is encoded on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Xml,
}

const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// Sets `body` as the JSON request body.
pub fn set_json_body<T: Serialize>(request: &mut Request, body: &T) -> Result<()> {
    // serde_json's serialization errors come from Serialize impls (a map with keys JSON
    // cannot have, a custom error) and may carry values: keep none of the text. (Writing
    // into a Vec cannot fail for I/O.)
    let bytes = writing_request(|| serde_json::to_vec(body))
        .map_err(|_| encode_error("the model could not be written as JSON"))?;
    request.insert_header(CONTENT_TYPE, "application/json");
    request.set_body(bytes);
    Ok(())
}

/// Sets `body` as the XML request body, under the root element `root` carrying the default
/// namespace `namespace`.
pub fn set_xml_body<T: Serialize>(
    request: &mut Request,
    body: &T,
    root: &'static str,
    namespace: Option<&'static str>,
) -> Result<()> {
    let xml = to_xml(body, root, namespace)?;
    request.insert_header(CONTENT_TYPE, "application/xml");
    request.set_body(xml.into_bytes());
    Ok(())
}

pub(crate) fn to_xml<T: Serialize>(
    body: &T,
    root: &str,
    namespace: Option<&str>,
) -> Result<String> {
    // quick-xml's messages may quote values: keep only the kind. Writing into a String
    // cannot fail for I/O, and without indentation nothing can be non-UTF-8, so what remains
    // is a value XML cannot represent, or a Serialize impl's own error.
    let mut xml =
        writing_request(|| writing_xml(|| quick_xml::se::to_string_with_root(root, body)))
            .map_err(|e| {
                encode_error(match e {
                    quick_xml::SeError::Unsupported(_) => "a value has a type XML cannot represent",
                    _ => "the model could not be written as XML",
                })
            })?;
    if let Some(namespace) = namespace {
        // The namespace is a property of the wire format, not of the model, so the generated
        // model struct has no `@xmlns` field (users would have to fill it in, or could get it
        // wrong). It goes on the root start tag here, right after the element name, unless the
        // model did carry one.
        // (quick-xml names a top-level enum's element after its variant, and writes nothing
        // for `None`: no `root` start tag to put it on.)
        let starts_with_root = xml
            .strip_prefix('<')
            .and_then(|rest| rest.strip_prefix(root))
            .is_some_and(|rest| rest.starts_with(['>', '/', ' ']));
        if !starts_with_root {
            return Err(encode_error(
                "the serializer did not start with the root element",
            ));
        }
        let after_name = 1 + root.len();
        let tag_end = xml.find('>').unwrap_or(xml.len());
        if !xml[..tag_end].contains(" xmlns=") {
            let attribute = format!(r#" xmlns="{}""#, quick_xml::escape::escape(namespace));
            xml.insert_str(after_name, &attribute);
        }
    }
    xml.insert_str(0, XML_DECLARATION);
    Ok(xml)
}

fn encode_error(reason: &str) -> Error {
    Error::new(ErrorKind::Encode {
        reason: reason.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{Method, Url};
    use serde::ser::Error as _;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct RegenerateKeys {
        #[serde(rename = "KeyType")]
        key_type: &'static str,
    }

    #[derive(Serialize)]
    struct Empty {}

    fn request() -> Request {
        Request::new(Url::parse("https://example.test/x").unwrap(), Method::Post)
    }

    fn body_text(request: &Request) -> String {
        let bytes = azure_core::Bytes::from(request.body());
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn classic_storage_body_is_exact() {
        let mut request = request();
        let body = RegenerateKeys {
            key_type: "Primary",
        };
        let ns = Some("http://schemas.microsoft.com/windowsazure");
        set_xml_body(&mut request, &body, "RegenerateKeys", ns).unwrap();
        assert_eq!(
            body_text(&request),
            r#"<?xml version="1.0" encoding="utf-8"?><RegenerateKeys xmlns="http://schemas.microsoft.com/windowsazure"><KeyType>Primary</KeyType></RegenerateKeys>"#
        );
        assert_eq!(
            request.headers().get_optional_str(&CONTENT_TYPE),
            Some("application/xml")
        );
    }

    #[test]
    fn xml_without_namespace_and_empty_root() {
        assert_eq!(
            to_xml(&Empty {}, "Root", Some("urn:a&b")).unwrap(),
            r#"<?xml version="1.0" encoding="utf-8"?><Root xmlns="urn:a&amp;b"/>"#
        );
        assert_eq!(
            to_xml(&RegenerateKeys { key_type: "<&>" }, "R", None).unwrap(),
            r#"<?xml version="1.0" encoding="utf-8"?><R><KeyType>&lt;&amp;&gt;</KeyType></R>"#
        );
    }

    #[test]
    fn json_body_and_content_type() {
        let mut request = request();
        let body = BTreeMap::from([("keyType", "PrimaryKey")]);
        set_json_body(&mut request, &body).unwrap();
        assert_eq!(body_text(&request), r#"{"keyType":"PrimaryKey"}"#);
        assert_eq!(
            request.headers().get_optional_str(&CONTENT_TYPE),
            Some("application/json")
        );
    }

    struct Leaky;
    impl Serialize for Leaky {
        fn serialize<S: serde::Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
            Err(S::Error::custom("cannot write SECRET-VALUE"))
        }
    }

    #[test]
    fn serialization_errors_do_not_quote_values() {
        let json = set_json_body(&mut request(), &Leaky).unwrap_err();
        let xml = set_xml_body(&mut request(), &Leaky, "R", None).unwrap_err();
        for e in [json, xml] {
            assert!(matches!(e.kind(), ErrorKind::Encode { .. }));
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains("SECRET-VALUE"), "{text}");
            }
        }
    }

    /// With a namespace to add, a body that quick-xml does not write as one `root` element
    /// (an enum writes its variant's name, `None` writes nothing) is refused rather than sent
    /// with the attribute spliced into the wrong place.
    #[test]
    fn a_body_that_is_not_the_root_element_is_refused() {
        #[derive(Serialize)]
        enum Variant {
            Tagged(u32),
        }
        let ns = Some("urn:x");
        let refused = "could not serialize the request body: the serializer did not start with the root element";
        let error = set_xml_body(&mut request(), &Variant::Tagged(1), "Root", ns).unwrap_err();
        assert_eq!(error.to_string(), refused);
        let error = set_xml_body(&mut request(), &None::<u32>, "Root", ns).unwrap_err();
        assert_eq!(error.to_string(), refused);
        // The same element name as a prefix of another is not the root either.
        let error = set_xml_body(&mut request(), &Variant::Tagged(1), "Tag", ns).unwrap_err();
        assert_eq!(error.to_string(), refused);
    }

    /// What a caller reads when a body cannot be written: the kind of problem, never a value.
    #[test]
    fn serialization_errors_say_what_kind_of_problem() {
        let message = |result: Result<()>| result.unwrap_err().to_string();
        assert_eq!(
            message(set_json_body(&mut request(), &Leaky)),
            "could not serialize the request body: the model could not be written as JSON"
        );
        // JSON object keys must be strings.
        let pairs = BTreeMap::from([((1, 2), "SECRET-VALUE")]);
        assert_eq!(
            message(set_json_body(&mut request(), &pairs)),
            "could not serialize the request body: the model could not be written as JSON"
        );
        assert_eq!(
            message(set_xml_body(&mut request(), &Leaky, "R", None)),
            "could not serialize the request body: the model could not be written as XML"
        );
        // XML element names cannot start with a digit.
        let numbered = BTreeMap::from([(7, "SECRET-VALUE")]);
        assert_eq!(
            message(set_xml_body(&mut request(), &numbered, "R", None)),
            "could not serialize the request body: a value has a type XML cannot represent"
        );
    }
}
