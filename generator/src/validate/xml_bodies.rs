//! XML bodies: what the schemas an XML body reaches may hold. Every property becomes an element,
//! so its wire name must be an XML name; and the shapes XML has no one way to write are refused
//! where the body names its schema, rather than left to fail on the wire: a union (its
//! discriminator would be an element among the others, and quick-xml cannot read an internally
//! tagged enum), a map or extra properties (keys become element names, which may not be XML
//! names), and a free-form object.

use std::collections::BTreeSet;

use super::Cx;
use super::syntax::is_xml_name;
use crate::load::OperationFile;
use crate::locate::FieldPath;
use crate::resolve::{Entry, Format, PropType};

impl Cx<'_, '_> {
    /// Checks every schema an XML request or response body of `op` reaches. A problem is
    /// reported at the body's schema reference, naming the schema and property, once per
    /// operation file.
    pub(super) fn xml_bodies(&mut self, op: &OperationFile) {
        let root = FieldPath::root();
        let mut bodies: Vec<(FieldPath, &str)> = Vec::new();
        if let Some(body) = &op.request_body
            && Format::from_content_type(&body.content_type) == Some(Format::Xml)
        {
            bodies.push((root.key("requestBody").key("schema"), &body.schema));
        }
        for (status, response) in &op.responses {
            if response
                .content_type
                .as_deref()
                .and_then(Format::from_content_type)
                == Some(Format::Xml)
                && let Some(schema) = &response.schema
            {
                bodies.push((root.key("responses").key(status).key("schema"), schema));
            }
        }
        let resolver = self.resolver;
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for (at, body) in bodies {
            let Some(start) = resolver.lookup(self.home, body) else {
                continue;
            };
            let mut pending: Vec<&Entry<'_>> = vec![start];
            let mut seen = BTreeSet::new();
            while let Some(entry) = pending.pop() {
                if !seen.insert((entry.home, entry.name.as_str())) {
                    continue;
                }
                let name = entry.name.as_str();
                if entry.spec().discriminator.is_some() || resolver.union_of(entry).is_some() {
                    self.xml_problem(
                        &at,
                        &mut reported,
                        format!("`{name}` is part of a union (a `discriminator`), which an XML body cannot hold"),
                        "in XML, write the kinds as plain objects with an enum property for the kind",
                    );
                    continue;
                }
                if entry.spec().additional_properties.is_some() {
                    self.xml_problem(
                        &at,
                        &mut reported,
                        format!("`{name}` has extra properties (`additionalProperties`), which an XML body cannot hold"),
                        "list every element as a property",
                    );
                }
                for prop in resolver.properties(entry) {
                    // Named after the schema that declares it (a base, perhaps).
                    let owner = prop.owner.name.as_str();
                    if !is_xml_name(prop.wire) {
                        self.xml_problem(
                            &at,
                            &mut reported,
                            format!(
                                "property `{}` of `{owner}` is sent as an XML element, but `{}` is not an XML element name",
                                prop.wire, prop.wire
                            ),
                            "an XML name starts with a letter or `_` and holds letters, digits, `_`, `-` and `.`",
                        );
                    }
                    let ty = resolver.prop_type(prop.owner, prop.wire, prop.spec);
                    self.xml_type(&at, &mut reported, owner, prop.wire, &ty, &mut pending);
                }
            }
        }
    }

    /// Follows what one property holds: schemas to check next, maps and free-form objects
    /// refused.
    fn xml_type<'r>(
        &mut self,
        at: &FieldPath,
        reported: &mut BTreeSet<String>,
        owner: &str,
        wire: &str,
        ty: &PropType<'r>,
        pending: &mut Vec<&'r Entry<'r>>,
    ) {
        match ty {
            PropType::Schema(entry) => pending.push(entry),
            PropType::Array(item) => self.xml_type(at, reported, owner, wire, item, pending),
            PropType::Map(_) => self.xml_problem(
                at,
                reported,
                format!("property `{wire}` of `{owner}` is a map (`additionalProperties`), which an XML body cannot hold"),
                "list every element as a property of an object schema",
            ),
            PropType::Any => self.xml_problem(
                at,
                reported,
                format!("property `{wire}` of `{owner}` is a free-form object, which an XML body cannot hold"),
                "give it a schema with its elements as properties",
            ),
            PropType::Scalar(..) | PropType::Unresolved(_) => {}
        }
    }

    fn xml_problem(
        &mut self,
        at: &FieldPath,
        reported: &mut BTreeSet<String>,
        message: String,
        help: &str,
    ) {
        if reported.insert(message.clone()) {
            self.error(at, message, Some(help.into()));
        }
    }
}
