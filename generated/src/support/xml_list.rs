//! Wrapped XML lists (Swagger `xml: {wrapped: true}`): a property's element holds one child
//! element per item, `<Endpoints><Endpoint>a</Endpoint><Endpoint>b</Endpoint></Endpoints>`.
//! quick-xml's serde reads and writes repeated elements directly in their parent, so a wrapped
//! list needs its own (de)serialization: reading takes every child of the wrapper as an item,
//! writing names each item's element. Generated code passes the item's element name.
//!
//! Writing an element per item is for XML only: written as anything else (JSON, to log or keep
//! a model, or to compare it in a test), the same map would repeat one key and keep only the
//! last item. A serializer does not say which format it writes, so the XML writer turns the
//! element form on while it runs (`writing_xml`); otherwise a list is a plain sequence,
//! `"Endpoints": ["a", "b"]`, the model's own shape.

use serde::Serialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

thread_local! {
    // Serialization is synchronous, so a thread-local switch cannot leak into another body.
    static WRITING_XML: Cell<bool> = const { Cell::new(false) };
}

/// Runs `write`, which serializes an XML document, with wrapped lists written as elements.
pub(crate) fn writing_xml<R>(write: impl FnOnce() -> R) -> R {
    /// Restores the previous state even if `write` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITING_XML.with(|on| on.set(self.0));
        }
    }
    let _restore = Restore(WRITING_XML.with(|on| on.replace(true)));
    write()
}

/// Writes `items` as one `item` element each, inside the property's element, when writing
/// XML; as a sequence otherwise.
pub fn serialize<S: Serializer, T: Serialize>(
    items: &Option<Vec<T>>,
    item: &'static str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let items = items.as_deref().unwrap_or_default();
    if !WRITING_XML.with(Cell::get) {
        return serializer.collect_seq(items);
    }
    let mut map = serializer.serialize_map(Some(items.len()))?;
    for value in items {
        map.serialize_entry(item, value)?;
    }
    map.end()
}

/// Reads every child element of the property's element as one item; an empty element is an
/// empty list. Text among the items is an error: a wrapped list holds only elements. Read
/// from anything but XML, the list is the plain sequence `serialize` writes there (or `null`).
pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<Vec<T>>, D::Error> {
    // `any`, not `map`: XML's element is a map of its children, JSON's list a sequence.
    deserializer.deserialize_any(Items(PhantomData))
}

struct Items<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for Items<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of elements")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            // quick-xml names text content `$text`; whitespace between items never gets here.
            if name == "$text" {
                let text: String = map.next_value()?;
                return Err(de::Error::custom(format_args!(
                    "expected only child elements, found the text {text:?}"
                )));
            }
            items.push(map.next_value()?);
        }
        Ok(Some(items))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Some(items))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
    struct Domain {
        #[serde(rename = "Name")]
        name: String,
    }

    #[derive(Debug, Default, Deserialize, PartialEq, Serialize)]
    struct Properties {
        #[serde(rename = "Label", default)]
        label: Option<String>,
        #[serde(
            rename = "Endpoints",
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "endpoints",
            deserialize_with = "super::deserialize"
        )]
        endpoints: Option<Vec<String>>,
        #[serde(
            rename = "CustomDomains",
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "custom_domains",
            deserialize_with = "super::deserialize"
        )]
        custom_domains: Option<Vec<Domain>>,
        #[serde(rename = "Status", default)]
        status: Option<String>,
    }

    fn endpoints<S: serde::Serializer>(
        items: &Option<Vec<String>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize(items, "Endpoint", serializer)
    }

    fn custom_domains<S: serde::Serializer>(
        items: &Option<Vec<Domain>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize(items, "CustomDomain", serializer)
    }

    const XML: &str = "<Properties><Label>l</Label><Endpoints><Endpoint>https://a/</Endpoint><Endpoint>https://b/</Endpoint></Endpoints><CustomDomains><CustomDomain><Name>x.example</Name></CustomDomain></CustomDomains><Status>Created</Status></Properties>";

    #[test]
    fn reads_and_writes_wrapped_lists() {
        let properties: Properties = quick_xml::de::from_str(XML).unwrap();
        assert_eq!(
            properties.endpoints.as_deref(),
            Some(&["https://a/".to_owned(), "https://b/".to_owned()][..])
        );
        assert_eq!(properties.custom_domains.as_ref().map(Vec::len), Some(1));
        assert_eq!(properties.status.as_deref(), Some("Created"));
        let written =
            super::writing_xml(|| quick_xml::se::to_string_with_root("Properties", &properties))
                .unwrap();
        assert_eq!(written, XML);
    }

    #[test]
    fn anything_but_xml_gets_every_item_as_a_sequence() {
        let properties: Properties = quick_xml::de::from_str(XML).unwrap();
        assert_eq!(
            serde_json::to_value(&properties).unwrap(),
            serde_json::json!({
                "Label": "l",
                "Endpoints": ["https://a/", "https://b/"],
                "CustomDomains": [{"Name": "x.example"}],
                "Status": "Created",
            })
        );
        // The switch is off again once the XML is written, even after a panic.
        let caught = std::panic::catch_unwind(|| super::writing_xml(|| panic!("boom")));
        assert!(caught.is_err());
        let json = serde_json::to_string(&properties).unwrap();
        assert!(
            json.contains(r#""Endpoints":["https://a/","https://b/"]"#),
            "{json}"
        );
    }

    #[test]
    fn empty_and_spaced_lists() {
        let spaced = "<Properties>\n  <Endpoints>\n    <Endpoint>a</Endpoint>\n  </Endpoints>\n  <CustomDomains/>\n</Properties>";
        let properties: Properties = quick_xml::de::from_str(spaced).unwrap();
        assert_eq!(properties.endpoints, Some(vec!["a".to_owned()]));
        assert_eq!(properties.custom_domains, Some(Vec::new()));
        let absent: Properties = quick_xml::de::from_str("<Properties/>").unwrap();
        assert_eq!(absent.endpoints, None);
    }

    #[test]
    fn text_among_the_items_is_an_error() {
        for (xml, text) in [
            (
                "<Properties><Endpoints>oops</Endpoints></Properties>",
                "oops",
            ),
            (
                "<Properties><Endpoints>a<Endpoint>b</Endpoint></Endpoints></Properties>",
                "a",
            ),
            (
                "<Properties><Endpoints><![CDATA[x]]></Endpoints></Properties>",
                "x",
            ),
        ] {
            let error = quick_xml::de::from_str::<Properties>(xml).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("expected only child elements, found the text \"{text}\""),
                "{xml}"
            );
        }
    }

    #[test]
    fn a_model_written_as_json_reads_back() {
        let properties: Properties = quick_xml::de::from_str(XML).unwrap();
        let json = serde_json::to_string(&properties).unwrap();
        assert_eq!(
            serde_json::from_str::<Properties>(&json).unwrap(),
            properties
        );
        let empty: Properties = serde_json::from_str(r#"{"Endpoints": []}"#).unwrap();
        assert_eq!(empty.endpoints, Some(Vec::new()));
        let null: Properties = serde_json::from_str(r#"{"Endpoints": null}"#).unwrap();
        assert_eq!(null.endpoints, None);
        let error = serde_json::from_str::<Properties>(r#"{"Endpoints": "a"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid type: string \"a\", expected a list of elements at line 1 column 17"
        );
    }
}
