//! Model types: structs with serde attributes and doc comments, string enums that keep values
//! they do not know, discriminated unions that keep kinds they do not know, the constraint
//! checks of request models, and the error-contract constants of error schemas.

use proc_macro2::TokenStream;
use quote::quote;

use super::{bounds_text, docs, ident, inner_docs, prose, type_tokens};
use crate::ir::{
    CommonModule, ErrorContract, ErrorFieldPaths, Field, Format, Model, ModelKind, Rules, Service,
    Tag, TypeRef, UnionVariant, Variant,
};

/// `src/common.rs`.
pub fn common_module(common: &CommonModule) -> TokenStream {
    let module_docs = inner_docs(&prose(&common.docs));
    let body = models(&common.models, true);
    quote! {
        #module_docs
        #body
    }
}

/// `src/<service>/models.rs`.
pub fn service_models(service: &Service) -> TokenStream {
    let module_docs = inner_docs(&format!(
        "Request and response models of {}.",
        prose(&service.title)
    ));
    let body = models(&service.models, false);
    quote! {
        #module_docs
        #body
    }
}

/// What a set of models uses, for its imports.
#[derive(Default)]
struct Uses {
    secret: bool,
    map: bool,
    date: bool,
    read_only: bool,
    xml_list: bool,
    enumeration: bool,
    union: bool,
    contract: bool,
    check: bool,
    pattern: bool,
    rules: Vec<&'static str>,
}

fn uses(models: &[Model]) -> Uses {
    let mut uses = Uses::default();
    let mut rules = std::collections::BTreeSet::new();
    for model in models {
        uses.contract |= model.error_contract.is_some();
        match &model.kind {
            ModelKind::Enum { .. } => uses.enumeration = true,
            ModelKind::Union { .. } => uses.union = true,
            ModelKind::Struct { fields, extra, .. } => {
                uses.map |= extra.is_some();
                for f in fields {
                    uses.secret |= f.ty.holds_secret();
                    uses.map |= f.ty.holds_map();
                    uses.date |= f.ty == TypeRef::DateTime;
                    uses.read_only |= f.read_only;
                    uses.xml_list |= f.xml_item.is_some();
                    if model.checked && !f.read_only && !f.rules.is_empty() {
                        uses.pattern |= f.rules.pattern.is_some();
                        rules.extend(
                            rule_kind(f)
                                .map(|(ty, check)| [ty, check])
                                .into_iter()
                                .flatten(),
                        );
                        if f.rules.min_items.is_some() || f.rules.max_items.is_some() {
                            rules.extend(["ItemsRule", "check_items"]);
                        }
                    }
                }
            }
        }
        uses.check |= model.checked;
    }
    uses.rules = rules.into_iter().collect();
    uses
}

fn models(models: &[Model], in_common: bool) -> TokenStream {
    let uses = uses(models);
    let mut imports = Vec::new();
    if uses.map {
        imports.push(quote! { use std::collections::BTreeMap; });
    }
    if uses.enumeration {
        imports.push(quote! { use std::fmt; });
    }
    if uses.pattern {
        imports.push(quote! {
            use std::sync::LazyLock;
            use regex::Regex;
        });
    }
    if uses.secret {
        imports.push(quote! { use azure_core::credentials::Secret; });
    }
    if uses.date {
        imports.push(quote! { use azure_core::time::OffsetDateTime; });
    }
    imports.push(quote! { use serde::{Deserialize, Serialize}; });
    let mut support: Vec<&str> = Vec::new();
    if uses.contract {
        support.extend(["BodyFormat", "ErrorContract", "ErrorFields"]);
    }
    if uses.check {
        support.extend(["CheckConstraints", "FieldPath"]);
        support.extend(uses.rules.iter().copied());
    }
    if uses.union {
        support.extend(["Tagged", "UnknownVariant"]);
    }
    if uses.date {
        support.push("date_time");
    }
    if uses.read_only {
        support.push("skip_read_only");
    }
    if uses.xml_list {
        support.push("xml_list");
    }
    if !support.is_empty() {
        support.sort_unstable();
        let support = support.iter().map(|s| ident(s));
        imports.push(quote! { use crate::support::{#(#support),*}; });
    }
    let items = models.iter().map(|m| model(m, in_common));
    quote! {
        #(#imports)*
        #(#items)*
    }
}

/// The rule type and check function of a constrained scalar field.
fn rule_kind(field: &Field) -> Option<(&'static str, &'static str)> {
    let r = &field.rules;
    let text = r.min_length.is_some() || r.max_length.is_some() || r.pattern.is_some();
    let number = r.minimum.is_some() || r.maximum.is_some();
    match &field.ty {
        TypeRef::String | TypeRef::Secret if text => Some(("StringRule", "check_string")),
        TypeRef::Integer | TypeRef::Int32 if number => Some(("IntegerRule", "check_integer")),
        TypeRef::Number | TypeRef::Float if number => Some(("NumberRule", "check_number")),
        _ => None,
    }
}

fn model(model: &Model, in_common: bool) -> TokenStream {
    let item = match &model.kind {
        ModelKind::Struct { fields, tag, extra } => {
            structure(model, fields, tag.as_ref(), extra.as_ref(), in_common)
        }
        ModelKind::Enum { variants } => enumeration(model, variants),
        ModelKind::Union { property, variants } => union(model, property, variants),
    };
    let check = model.checked.then(|| check_impl(model));
    let contract = model.error_contract.as_ref().map(|c| contract(model, c));
    quote! {
        #item
        #check
        #contract
    }
}

fn structure(
    model: &Model,
    fields: &[Field],
    tag: Option<&Tag>,
    extra: Option<&TypeRef>,
    in_common: bool,
) -> TokenStream {
    let name = ident(&model.name);
    let mut text = prose(&model.docs);
    if let Some(tag) = tag {
        text.push_str(&format!(
            "\n\nA kind of a union: it is sent with `{}: {}`.",
            tag.property, tag.value
        ));
    }
    let doc = docs(&text);
    // Default only where it means something: a struct whose every field may be absent.
    let default = fields
        .iter()
        .all(|f| !f.required)
        .then(|| quote! { Default, });
    let eq = (fields.iter().all(|f| is_eq(&f.ty)) && extra.is_none()).then(|| quote! { Eq, });
    let tag_attr = tag.map(|t| {
        let property = &t.property;
        let value = &t.value;
        quote! { #[serde(tag = #property, rename = #value)] }
    });
    let fields_tokens = fields.iter().map(|f| field(&model.name, f, in_common));
    let writers = fields
        .iter()
        .filter_map(|f| xml_list_writer(&model.name, f, in_common));
    let extra_field = extra.map(|ty| {
        let ty = type_tokens(ty, in_common);
        quote! {
            /// Properties beyond the documented ones, kept as they were sent.
            #[serde(flatten)]
            pub additional_properties: BTreeMap<String, #ty>,
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, #default Deserialize, #eq PartialEq, Serialize)]
        #tag_attr
        pub struct #name {
            #(#fields_tokens)*
            #extra_field
        }

        #(#writers)*
    }
}

/// The function that writes a wrapped XML list field, naming each item's element.
fn xml_list_writer(model: &str, f: &Field, in_common: bool) -> Option<TokenStream> {
    let item = f.xml_item.as_ref()?;
    let name = ident(&xml_writer_name(model, f));
    let ty = type_tokens(&f.ty, in_common);
    let doc = format!(
        " Writes [`{model}::{}`] as one `<{item}>` element per item.",
        f.name.trim_start_matches("r#")
    );
    Some(quote! {
        #[doc = #doc]
        fn #name<S: serde::Serializer>(
            items: &Option<#ty>,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            xml_list::serialize(items, #item, serializer)
        }
    })
}

fn xml_writer_name(model: &str, f: &Field) -> String {
    format!(
        "write_{}_{}",
        crate::names::snake(model),
        f.name.trim_start_matches("r#")
    )
}

fn field(model: &str, f: &Field, in_common: bool) -> TokenStream {
    let doc = docs(&field_docs(f));
    let name = ident(&f.name);
    let wire = &f.wire;
    let ty = type_tokens(&f.ty, in_common);
    let date = f.ty == TypeRef::DateTime;
    if f.required {
        let with = date.then(|| quote! { , with = "date_time" });
        return quote! {
            #doc
            #[serde(rename = #wire #with)]
            pub #name: #ty,
        };
    }
    let skip = if f.read_only {
        "skip_read_only"
    } else {
        "Option::is_none"
    };
    let with = match (&f.xml_item, date) {
        (Some(_), _) => {
            let writer = xml_writer_name(model, f);
            Some(quote! { , serialize_with = #writer, deserialize_with = "xml_list::deserialize" })
        }
        (None, true) => Some(quote! { , with = "date_time::option" }),
        (None, false) => None,
    };
    quote! {
        #doc
        #[serde(rename = #wire, default, skip_serializing_if = #skip #with)]
        pub #name: Option<#ty>,
    }
}

fn field_docs(f: &Field) -> String {
    let mut text = prose(&f.docs);
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Set by the service; never sent.".to_string());
    }
    if let Some(format) = &f.format {
        notes.push(format!("Format: `{format}`."));
    }
    if let Some(rules) = rules_text(&f.rules) {
        notes.push(format!("Allowed: {rules}."));
    }
    if let Some(default) = &f.default {
        notes.push(format!("Default: `{default}`."));
    }
    if !notes.is_empty() {
        text.push_str("\n\n");
        text.push_str(&notes.join(" "));
    }
    text
}

fn rules_text(r: &Rules) -> Option<String> {
    let mut parts = Vec::new();
    parts.extend(bounds_text(
        r.min_length,
        r.max_length,
        ("character", "characters"),
    ));
    if let Some(pattern) = &r.pattern {
        parts.push(format!("matching `{pattern}`"));
    }
    match (r.minimum, r.maximum) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max}")),
        (Some(min), None) => parts.push(format!("at least {min}")),
        (None, Some(max)) => parts.push(format!("at most {max}")),
        (None, None) => {}
    }
    parts.extend(bounds_text(r.min_items, r.max_items, ("item", "items")));
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `f32`, `f64` and free-form JSON values are not `Eq`.
fn is_eq(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Number | TypeRef::Float | TypeRef::Any => false,
        TypeRef::Array(item) | TypeRef::Map(item) => is_eq(item),
        // A model might hold a float somewhere; stay with PartialEq for nested models.
        TypeRef::Model { .. } => false,
        _ => true,
    }
}

fn enumeration(model: &Model, variants: &[Variant]) -> TokenStream {
    let name = ident(&model.name);
    let doc = docs(&prose(&model.docs));
    let variant_defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let doc = format!(" `{}`", v.wire);
        quote! {
            #[doc = #doc]
            #variant,
        }
    });
    let as_str_arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote! { Self::#variant => #wire, }
    });
    let from_arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote! { #wire => Self::#variant, }
    });
    quote! {
        #doc
        ///
        /// Values that this version of the crate does not know are kept in
        /// [`UnknownValue`](Self::UnknownValue) instead of failing the whole response.
        #[derive(Clone, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            /// A value this version of the crate does not know, kept as it was sent.
            UnknownValue(String),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    Self::UnknownValue(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_arms)*
                    _ => Self::UnknownValue(value),
                }
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                match value {
                    #name::UnknownValue(value) => value,
                    known => known.as_str().to_string(),
                }
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

fn union(model: &Model, property: &str, variants: &[UnionVariant]) -> TokenStream {
    let name = ident(&model.name);
    let doc = docs(&format!(
        "{}\n\nA union on `{property}`: one variant per kind this version of the crate knows, and [`UnknownVariant`](Self::UnknownVariant) for any other, kept as it was sent instead of failing the whole response. Each kind's struct is boxed, so the union stays small whatever the kinds' sizes; `From` builds one from a kind's struct.",
        prose(&model.docs)
    ));
    let defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, false);
        let doc = format!(" `{property}: {}`.", v.value);
        quote! {
            #[doc = #doc]
            #variant(Box<#ty>),
        }
    });
    let reads = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let value = &v.value;
        quote! { Some(#value) => Self::#variant(Box::new(tagged.variant()?)), }
    });
    let writes = variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote! { Self::#variant(value) => value.serialize(serializer), }
    });
    let froms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, false);
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(Box::new(value))
                }
            }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#defs)*
            /// A kind this version of the crate does not know, kept as it was sent.
            UnknownVariant(UnknownVariant),
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                let tagged = Tagged::read(deserializer, #property)?;
                Ok(match tagged.kind() {
                    #(#reads)*
                    _ => Self::UnknownVariant(tagged.unknown()),
                })
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#writes)*
                    Self::UnknownVariant(value) => value.serialize(serializer),
                }
            }
        }

        #(#froms)*
    }
}

/// `impl CheckConstraints`: the rules as statics, then each constrained field and each field
/// holding a checked model.
fn check_impl(model: &Model) -> TokenStream {
    let name = ident(&model.name);
    let body = match &model.kind {
        ModelKind::Struct { fields, .. } => {
            let fields: Vec<&Field> = fields.iter().filter(|f| !f.read_only).collect();
            let statics = fields.iter().map(|f| rule_static(f));
            let checks = fields.iter().map(|f| field_check(f));
            quote! {
                #(#statics)*
                #(#checks)*
                Ok(())
            }
        }
        ModelKind::Union { variants, .. } => {
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                if v.checked {
                    quote! { Self::#variant(value) => value.check_constraints(at), }
                } else {
                    quote! { Self::#variant(_) => Ok(()), }
                }
            });
            quote! {
                match self {
                    #(#arms)*
                    Self::UnknownVariant(_) => Ok(()),
                }
            }
        }
        ModelKind::Enum { .. } => quote! { Ok(()) },
    };
    quote! {
        impl CheckConstraints for #name {
            fn check_constraints(&self, at: &FieldPath<'_>) -> crate::Result<()> {
                #body
            }
        }
    }
}

/// The rule of a constrained scalar field (and its pattern), as statics named after the field.
fn rule_static(f: &Field) -> TokenStream {
    let Some((rule, _)) = rule_kind(f) else {
        return TokenStream::new();
    };
    let r = &f.rules;
    let rule_ty = ident(rule);
    let name = ident(&format!("{}_RULE", crate::names::shouty(&f.wire)));
    let mut pattern_static = TokenStream::new();
    let fields = match rule {
        "StringRule" => {
            let min = option_u64(r.min_length);
            let max = option_u64(r.max_length);
            let secret = f.ty.holds_secret();
            let pattern = match &r.pattern {
                Some(pattern) => {
                    let pattern_name = ident(&format!("{}_PATTERN", crate::names::shouty(&f.wire)));
                    pattern_static = quote! {
                        static #pattern_name: LazyLock<Regex> = LazyLock::new(|| {
                            Regex::new(#pattern).expect("pattern checked at generation time")
                        });
                    };
                    quote! { Some(&#pattern_name) }
                }
                None => quote! { None },
            };
            quote! { min_length: #min, max_length: #max, pattern: #pattern, secret: #secret }
        }
        "IntegerRule" => {
            let min = option_i64(r.minimum);
            let max = option_i64(r.maximum);
            quote! { minimum: #min, maximum: #max }
        }
        _ => {
            let min = option_f64(r.minimum);
            let max = option_f64(r.maximum);
            quote! { minimum: #min, maximum: #max }
        }
    };
    quote! {
        #pattern_static
        static #name: #rule_ty = #rule_ty { #fields };
    }
}

fn field_check(f: &Field) -> TokenStream {
    let name = ident(&f.name);
    let wire = &f.wire;
    let r = &f.rules;
    let mut checks = Vec::new();
    if r.min_items.is_some() || r.max_items.is_some() {
        let min = option_u64(r.min_items);
        let max = option_u64(r.max_items);
        checks.push(quote! {
            check_items(&at.field(#wire), value, &ItemsRule { min_items: #min, max_items: #max })?;
        });
    }
    if let Some((rule, check)) = rule_kind(f) {
        let check = ident(check);
        let rule_name = ident(&format!("{}_RULE", crate::names::shouty(&f.wire)));
        let value = match rule {
            "StringRule" if f.ty.holds_secret() => quote! { value.secret() },
            "StringRule" => quote! { value },
            _ => quote! { *value },
        };
        checks.push(quote! { #check(&at.field(#wire), #value, &#rule_name)?; });
    }
    if f.nested_check {
        checks.push(quote! { value.check_constraints(&at.field(#wire))?; });
    }
    if checks.is_empty() {
        return TokenStream::new();
    }
    if f.required {
        quote! {
            let value = &self.#name;
            #(#checks)*
        }
    } else {
        quote! {
            if let Some(value) = &self.#name {
                #(#checks)*
            }
        }
    }
}

fn option_u64(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::u64_unsuffixed(v);
            quote! { Some(#v) }
        }
        None => quote! { None },
    }
}

fn option_i64(value: Option<f64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::i64_unsuffixed(v as i64);
            quote! { Some(#v) }
        }
        None => quote! { None },
    }
}

fn option_f64(value: Option<f64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::f64_unsuffixed(v);
            quote! { Some(#v) }
        }
        None => quote! { None },
    }
}

fn contract(model: &Model, contract: &ErrorContract) -> TokenStream {
    let constant = ident(&contract.constant);
    let doc = format!(
        " The error contract of [`{}`]: where the code, message, target and details sit in it.",
        model.name
    );
    let format = match contract.format {
        Format::Json => quote! { BodyFormat::Json },
        Format::Xml => quote! { BodyFormat::Xml },
    };
    let fields = field_paths(&contract.fields);
    let details = &contract.details;
    let detail_fields = field_paths(&contract.detail_fields);
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        pub const #constant: ErrorContract = ErrorContract {
            format: #format,
            fields: #fields,
            details: &[#(#details),*],
            detail_fields: #detail_fields,
        };
    }
}

fn field_paths(paths: &ErrorFieldPaths) -> TokenStream {
    let code = &paths.code;
    let message = &paths.message;
    let target = &paths.target;
    quote! {
        ErrorFields {
            code: &[#(#code),*],
            message: &[#(#message),*],
            target: &[#(#target),*],
        }
    }
}
