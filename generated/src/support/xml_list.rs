//! Wrapped XML lists (Swagger `xml: {wrapped: true}`): a property's element holds one child
//! element per item, `<Endpoints><Endpoint>a</Endpoint><Endpoint>b</Endpoint></Endpoints>`.
//! quick-xml's serde reads and writes repeated elements directly in their parent, so a wrapped
//! list needs its own (de)serialization: reading takes every child of the wrapper as an item,
//! writing names each item's element. Generated code passes the item's element name.

use serde::Serialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// Writes `items` as one `item` element each, inside the property's element.
pub fn serialize<S: Serializer, T: Serialize>(
    items: &Option<Vec<T>>,
    item: &'static str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let items = items.as_deref().unwrap_or_default();
    let mut map = serializer.serialize_map(Some(items.len()))?;
    for value in items {
        map.serialize_entry(item, value)?;
    }
    map.end()
}

/// Reads every child element of the property's element as one item; an empty element is an
/// empty list.
pub fn deserialize<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<Vec<T>>, D::Error> {
    deserializer.deserialize_map(Items(PhantomData)).map(Some)
}

struct Items<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for Items<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of elements")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            // Text between the items (whitespace) is not an item.
            if name == "$text" {
                map.next_value::<de::IgnoredAny>()?;
                continue;
            }
            items.push(map.next_value()?);
        }
        Ok(items)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<T>, E> {
        if text.trim().is_empty() {
            Ok(Vec::new())
        } else {
            Err(E::custom("expected child elements"))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
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
        let written = quick_xml::se::to_string_with_root("Properties", &properties).unwrap();
        assert_eq!(written, XML);
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
}
