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

/// Decodes a JSON success body into `T`.
pub fn decode_json<T: DeserializeOwned>(response: RawResponse) -> Result<Response<T>> {
    let (status, headers, body) = response.deconstruct();
    let model = json_model(status, &body)?;
    Ok(Response::new(status, headers, model))
}

/// Decodes an XML success body into `T`.
pub fn decode_xml<T: DeserializeOwned>(response: RawResponse) -> Result<Response<T>> {
    let (status, headers, body) = response.deconstruct();
    let model = xml_model(status, &body)?;
    Ok(Response::new(status, headers, model))
}

/// A success without a documented body: whatever body came is ignored.
pub fn decode_empty(response: RawResponse) -> Result<Response<()>> {
    let (status, headers, _) = response.deconstruct();
    Ok(Response::new(status, headers, ()))
}

fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// serde_json's messages can quote the body (`invalid type: string "<key>"`), so only the
/// category and position are kept.
pub(crate) fn json_model<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    if is_blank(body) {
        return Err(Error::decode(status, "empty body"));
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
        Error::decode(status, reason)
    })
}

/// quick-xml's messages can quote the body, and azure_core's `from_xml` copies the whole
/// body into its message, so only a fixed phrase per category is kept.
pub(crate) fn xml_model<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if is_blank(body) {
        return Err(Error::decode(status, "empty body"));
    }
    quick_xml::de::from_reader(body).map_err(|e| {
        use quick_xml::DeError;
        let what = match e {
            DeError::InvalidXml(_) => "malformed XML",
            DeError::UnexpectedEof => "truncated XML",
            _ => "XML that does not match the expected type",
        };
        Error::decode(status, what)
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

    fn decode_error_text<T: std::fmt::Debug>(result: Result<Response<T>>) -> (String, String) {
        let error = result.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::Decode { .. }),
            "{error:?}"
        );
        (error.to_string(), format!("{error:?}"))
    }

    #[test]
    fn json_success_keeps_headers_and_hides_secrets() {
        let body = r#"{"primaryKey":"SECRET-KEY","keyName":"root","extra":{"ignored":true}}"#;
        let response = decode_json::<AccessKeys>(raw(200, body)).unwrap();
        assert_eq!(response.status(), StatusCode::Ok);
        assert_eq!(response.request_id(), Some("rid-1"));
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
            let (display, debug) = decode_error_text(decode_json::<AccessKeys>(raw(200, body)));
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
        let response = decode_xml::<StorageService>(raw(200, body)).unwrap();
        assert_eq!(response.model().keys.primary.secret(), "SECRET-KEY");
        assert!(!format!("{response:?}").contains("SECRET-KEY"));

        let cases = [
            ("", "empty body"),
            (
                "<StorageService><StorageServiceKeys><Primary>SECRET-KEY",
                "XML",
            ),
            (
                "<StorageService><Url>SECRET-KEY</Url></StorageService>",
                "does not match",
            ),
            ("<StorageService></Wrong>SECRET-KEY", "XML"),
        ];
        for (body, expected) in cases {
            let (display, debug) = decode_error_text(decode_xml::<StorageService>(raw(200, body)));
            assert!(display.contains(expected), "{display}");
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
}
