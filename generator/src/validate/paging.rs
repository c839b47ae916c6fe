//! Paging (`pageable`, Swagger's `x-ms-pageable`): the operation's success body is a page whose
//! schema holds the items in an array property and, unless the list comes in one page, the next
//! page's link in a string property. Each page schema becomes one `Page` implementation in its
//! service's client, so a schema that two operations page must be paged the same way.

use std::collections::BTreeMap;

use super::{Cx, cx_for};
use crate::diagnostics::{Diagnostics, suggest};
use crate::load::{LoadedService, OperationFile, PageableSpec};
use crate::locate::FieldPath;
use crate::resolve::{Format, PropType, Resolver};

impl<'b> Cx<'_, 'b> {
    pub(super) fn paging(&mut self, op: &OperationFile) {
        let Some(pageable) = &op.pageable else {
            return;
        };
        let at = FieldPath::root().key("pageable");
        if op.long_running.is_some() {
            self.error(
                &at,
                "an operation cannot be both pageable and long-running",
                Some(
                    "remove `pageable` or `longRunning`: the client has no pager of pollers".into(),
                ),
            );
        }
        let successes: Vec<(&String, &crate::load::ResponseSpec)> = op
            .responses
            .iter()
            .filter(|(status, _)| status.as_str() != "default")
            .collect();
        let Some((_, first)) = successes.first() else {
            return;
        };
        let Some(schema_name) = &first.schema else {
            self.error(
                &FieldPath::root().key("responses").key(successes[0].0),
                "a pageable operation's success response has no schema",
                Some("give it the schema of one page (the one with the items array)".into()),
            );
            return;
        };
        for (status, response) in &successes[1..] {
            if response.schema.is_none() {
                self.error(
                    &FieldPath::root().key("responses").key(*status),
                    format!("status {status} of a pageable operation has no body"),
                    Some(format!(
                        "every page is a `{schema_name}`: give each success status that schema, or document one success"
                    )),
                );
            }
        }
        let format = first
            .content_type
            .as_deref()
            .map_or(Some(Format::Json), Format::from_content_type);
        if format == Some(Format::Xml) {
            self.error(
                &at,
                "a pageable operation's pages are JSON",
                Some("paging reads the next link from a JSON body; XML lists are not paged".into()),
            );
        }
        let at_schema = FieldPath::root()
            .key("responses")
            .key(successes[0].0)
            .key("schema");
        if schema_name.starts_with("common.") {
            self.error(
                &at_schema,
                format!("the page schema `{schema_name}` is shared by every service"),
                Some("a list's page belongs to its service: define it in `service.yaml` or in this file".into()),
            );
            return;
        }
        let resolver = self.resolver;
        let Some(entry) = resolver.lookup(self.home, schema_name) else {
            return;
        };
        if entry.spec().enum_values.is_some() || entry.spec().discriminator.is_some() {
            self.error(
                &at_schema,
                format!("the page schema `{schema_name}` is not an object"),
                Some("a page is an object with an array of items".into()),
            );
            return;
        }
        // The page's properties, its `allOf` bases' included, with the type each holds.
        let properties: Vec<(&str, &'static str)> = resolver
            .properties(entry)
            .iter()
            .map(|p| {
                let kind = match resolver.prop_type(p.owner, p.wire, p.spec) {
                    PropType::Array(_) => "array",
                    PropType::Scalar(kind, _) => match kind {
                        "string" => "string",
                        "integer" => "integer",
                        "number" => "number",
                        _ => "boolean",
                    },
                    PropType::Map(_) | PropType::Any => "object",
                    PropType::Schema(_) | PropType::Unresolved(_) => "a schema",
                };
                (p.wire, kind)
            })
            .collect();
        let names = || properties.iter().map(|(wire, _)| *wire);
        let get = |name: &str| {
            properties
                .iter()
                .find(|(wire, _)| *wire == name)
                .map(|(_, kind)| *kind)
        };
        let item_name = pageable.item_name();
        let at_items = match &pageable.item_name {
            Some(_) => at.key("itemName"),
            None => at.clone(),
        };
        match get(item_name) {
            None => {
                let help = suggest(item_name, names()).or_else(|| {
                    Some(format!(
                        "set `itemName` to the array property of `{schema_name}` that holds the items"
                    ))
                });
                self.error(
                    &at_items,
                    format!("the page schema `{schema_name}` has no property `{item_name}` for the items"),
                    help,
                );
            }
            Some(kind) if kind != "array" => self.error(
                &at_items,
                format!(
                    "property `{item_name}` of `{schema_name}` holds the items, but its type is `{kind}`, not `array`"
                ),
                None,
            ),
            Some(_) => {}
        }
        if let Some(next) = &pageable.next_link_name {
            match get(next) {
                None => self.error(
                    &at.key("nextLinkName"),
                    format!("the page schema `{schema_name}` has no property `{next}` for the next link"),
                    suggest(next, names()).or_else(|| {
                        Some("leave `nextLinkName` out when the service returns the list in one page".into())
                    }),
                ),
                Some(kind) if kind != "string" => self.error(
                    &at.key("nextLinkName"),
                    format!(
                        "property `{next}` of `{schema_name}` holds the next link, but its type is `{kind}`, not `string`"
                    ),
                    None,
                ),
                Some(_) => {}
            }
        }
    }
}

/// How one operation pages a schema: the item and next-link property names.
type PagingOf = (String, Option<String>);

/// The page schemas of a service: one schema is one `Page` implementation, so every operation
/// that pages it must name the same item and next-link properties. Reported in the file of each
/// operation that differs from the first.
pub(super) fn page_schemas(
    service: &LoadedService,
    resolver: &Resolver<'_>,
    refs_complete: bool,
    out: &mut Diagnostics,
) {
    let mut first: BTreeMap<&str, (PagingOf, &str)> = BTreeMap::new();
    for op in &service.operations {
        let Some((schema, pageable)) = paged_schema(&op.spec) else {
            continue;
        };
        let paging = (
            pageable.item_name().to_owned(),
            pageable.next_link_name.clone(),
        );
        match first.get(schema) {
            None => {
                first.insert(schema, (paging, &op.spec.operation_id));
            }
            Some((earlier, by)) if *earlier != paging => {
                let shown = |(items, next): &PagingOf| match next {
                    Some(next) => format!("items `{items}`, next link `{next}`"),
                    None => format!("items `{items}`, no next link"),
                };
                let mut cx = cx_for(op, service, resolver, refs_complete, out);
                cx.error(
                    &FieldPath::root().key("pageable"),
                    format!(
                        "`{schema}` is paged with {} here, but with {} by `{by}`",
                        shown(&paging),
                        shown(earlier)
                    ),
                    Some("a page schema is read one way: use the same `itemName` and `nextLinkName`, or a schema of its own".into()),
                );
            }
            Some(_) => {}
        }
    }
}

/// The page schema of a pageable operation: its first success response's schema.
fn paged_schema(op: &OperationFile) -> Option<(&str, &PageableSpec)> {
    let pageable = op.pageable.as_ref()?;
    let schema = op
        .responses
        .iter()
        .find(|(status, _)| status.as_str() != "default")?
        .1
        .schema
        .as_deref()?;
    Some((schema, pageable))
}
