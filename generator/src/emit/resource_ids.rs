//! `src/<service>/ids.rs`: one resource ID type per resource path of the service's operations
//! (and per `armResourceId`), parsed and written by the hand-written `support::resource_id`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{docs, ident, inner_docs, prose};
use crate::ir::{Constraints, IdSegment, IdType, Service};

/// `src/<service>/ids.rs`.
pub fn ids_rs(service: &Service) -> TokenStream {
    let module_docs = inner_docs(&format!(
        "Resource IDs of {}: one type for each kind of resource its operations address.",
        prose(&service.title)
    ));
    let patterns = service
        .resource_ids
        .iter()
        .flat_map(|id| &id.fields)
        .flat_map(|f| &f.rules)
        .any(|r| r.pattern.is_some());
    let pattern_imports = patterns.then(|| {
        quote! {
            use std::sync::LazyLock;
            use regex::Regex;
        }
    });
    let types = service.resource_ids.iter().map(|id| id_type(service, id));
    quote! {
        #module_docs

        use std::fmt;
        use std::str::FromStr;
        #pattern_imports
        use crate::support::{
            IdSegment, IdShape, ParamSpec, ResourceIdError, id_from_parts, parse_id, write_id,
        };

        #(#types)*
    }
}

fn id_type(service: &Service, id: &IdType) -> TokenStream {
    let name = ident(&id.name);
    let shape = ident(&id.shape_static);
    let type_name = &id.name;
    let template = &id.template;
    let mut statics = Vec::new();
    let segments: Vec<TokenStream> = id
        .segments
        .iter()
        .map(|segment| match segment {
            IdSegment::Literal(text) => quote! { IdSegment::Literal(#text) },
            IdSegment::Field(index) => {
                let field = &id.fields[*index];
                let rules = field.rules.iter().enumerate().map(|(n, rules)| {
                    let (spec, pattern) = param_spec(&id.shape_static, &field.wire, n, rules);
                    statics.extend(pattern);
                    spec
                });
                quote! { IdSegment::Param(&[#(#rules),*]) }
            }
        })
        .collect();
    let fields: Vec<_> = id.fields.iter().map(|f| ident(&f.name)).collect();
    let count = Literal::usize_unsuffixed(fields.len());
    let users: Vec<String> = id
        .methods
        .iter()
        .map(|m| {
            format!(
                "[`{}::{}`](super::{}::{})",
                service.client, m, service.client, m
            )
        })
        .collect();
    let mut text = format!("A resource ID of the form `{template}`.\n\n");
    if users.is_empty() {
        text.push_str(&format!(
            "Another way to address the resource of [`{}`]; `From` converts it.\n\n",
            id.converts_into.as_deref().unwrap_or_default()
        ));
    } else {
        text.push_str(&format!(
            "The resource of {}; its accessors give their path arguments.\n\n",
            users.join(", ")
        ));
    }
    text.push_str(
        "Read one with [`str::parse`]: segment names match in any case (ARM returns \
         `resourcegroups`), one trailing `/` is fine, each value is percent-decoded once and \
         checked against the spec's rules, and an empty or dot segment is refused. `Display` \
         writes the canonical ID back.",
    );
    let doc = docs(&text);
    let accessors = id.fields.iter().map(|f| {
        let field = ident(&f.name);
        let doc = docs(&format!("The `{}` segment: {}", f.wire, prose(&f.docs)));
        quote! {
            #doc
            pub fn #field(&self) -> &str {
                &self.#field
            }
        }
    });
    let new_doc = docs(
        "The ID with these parts, each checked as when reading one.\n\n# Errors\n\nWhen a part breaks the spec's rules for it, is empty, or is `.` or `..`.",
    );
    let conversion = id.converts_into.as_ref().map(|into| {
        let into_ident = ident(into);
        let target = service
            .resource_ids
            .iter()
            .find(|other| other.name == *into);
        let moves = target.into_iter().flat_map(|t| &t.fields).map(|f| {
            let field = ident(&f.name);
            quote! { #field: id.#field, }
        });
        quote! {
            /// The same resource, addressed as its operations address it.
            impl From<#name> for #into_ident {
                fn from(id: #name) -> Self {
                    Self { #(#moves)* }
                }
            }
        }
    });
    quote! {
        #(#statics)*

        static #shape: IdShape = IdShape {
            name: #type_name,
            template: #template,
            segments: &[#(#segments),*],
        };

        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct #name {
            #(#fields: String,)*
        }

        impl #name {
            /// The form of this ID, with a `{placeholder}` for each part.
            pub const TEMPLATE: &'static str = #template;

            #new_doc
            pub fn new(#(#fields: &str),*) -> Result<Self, ResourceIdError> {
                let [#(#fields),*] = id_from_parts(&#shape, [#(#fields),*])?;
                Ok(Self { #(#fields),* })
            }

            /// Reads an ID as [`str::parse`] does, but without the spec's pattern and length
            /// rules (as [`ClientOptions::skip_constraint_checks`](crate::ClientOptions::skip_constraint_checks)
            /// does for calls), for a service that has loosened a rule. Empty and dot segments
            /// are still refused.
            ///
            /// # Errors
            ///
            /// When the ID does not have this form.
            pub fn parse_lenient(id: &str) -> Result<Self, ResourceIdError> {
                Self::read(id, false)
            }

            /// Reads an ID, checking the spec's rules when `check` is set.
            pub(crate) fn read(id: &str, check: bool) -> Result<Self, ResourceIdError> {
                let [#(#fields),*] = parse_id::<#count>(&#shape, id, check)?;
                Ok(Self { #(#fields),* })
            }

            #(#accessors)*
        }

        impl FromStr for #name {
            type Err = ResourceIdError;

            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Self::read(id, true)
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_id(f, &#shape, &[#(&self.#fields),*])
            }
        }

        #conversion
    }
}

/// A `ParamSpec` expression for one set of rules, and the pattern static it needs.
fn param_spec(
    shape: &str,
    wire: &str,
    index: usize,
    rules: &Constraints,
) -> (TokenStream, Option<TokenStream>) {
    let min = option_usize(rules.min_length);
    let max = option_usize(rules.max_length);
    match &rules.pattern {
        Some(pattern) => {
            let suffix = if index == 0 {
                String::new()
            } else {
                format!("_{index}")
            };
            let name = ident(&format!(
                "{shape}_{}_PATTERN{suffix}",
                crate::names::shouty(wire)
            ));
            let pattern_static = quote! {
                static #name: LazyLock<Regex> =
                    LazyLock::new(|| Regex::new(#pattern).expect("pattern checked at generation time"));
            };
            let spec = quote! {
                ParamSpec { name: #wire, min_length: #min, max_length: #max, pattern: Some(&#name) }
            };
            (spec, Some(pattern_static))
        }
        None if rules.min_length.is_none() && rules.max_length.is_none() => {
            (quote! { ParamSpec::named(#wire) }, None)
        }
        None => (
            quote! {
                ParamSpec { name: #wire, min_length: #min, max_length: #max, pattern: None }
            },
            None,
        ),
    }
}

fn option_usize(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = Literal::u64_unsuffixed(v);
            quote! { Some(#v) }
        }
        None => quote! { None },
    }
}
