//! Model types: structs with serde attributes and doc comments, string enums that keep values
//! they do not know, and the error-contract constants of error schemas.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, inner_docs, prose, type_tokens};
use crate::ir::{
    CommonModule, ErrorContract, ErrorFieldPaths, Field, Format, Model, ModelKind, Service,
    TypeRef, Variant,
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

fn models(models: &[Model], in_common: bool) -> TokenStream {
    let uses_secret = models
        .iter()
        .any(|m| fields(m).iter().any(|f| contains_secret(&f.ty)));
    let uses_enum = models
        .iter()
        .any(|m| matches!(m.kind, ModelKind::Enum { .. }));
    let uses_contract = models.iter().any(|m| m.error_contract.is_some());
    let mut imports = Vec::new();
    if uses_enum {
        imports.push(quote! { use std::fmt; });
    }
    if uses_secret {
        imports.push(quote! { use azure_core::credentials::Secret; });
    }
    imports.push(quote! { use serde::{Deserialize, Serialize}; });
    if uses_contract {
        imports.push(quote! { use crate::support::{BodyFormat, ErrorContract, ErrorFields}; });
    }
    let items = models.iter().map(|m| model(m, in_common));
    quote! {
        #(#imports)*
        #(#items)*
    }
}

fn fields(model: &Model) -> &[Field] {
    match &model.kind {
        ModelKind::Struct { fields } => fields,
        ModelKind::Enum { .. } => &[],
    }
}

fn contains_secret(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Secret => true,
        TypeRef::Array(item) => contains_secret(item),
        _ => false,
    }
}

fn model(model: &Model, in_common: bool) -> TokenStream {
    let item = match &model.kind {
        ModelKind::Struct { fields } => structure(model, fields, in_common),
        ModelKind::Enum { variants } => enumeration(model, variants),
    };
    let contract = model.error_contract.as_ref().map(|c| contract(model, c));
    quote! {
        #item
        #contract
    }
}

fn structure(model: &Model, fields: &[Field], in_common: bool) -> TokenStream {
    let name = ident(&model.name);
    let doc = docs(&prose(&model.docs));
    // Default only where it means something: a struct whose every field may be absent.
    let default = fields
        .iter()
        .all(|f| !f.required)
        .then(|| quote! { Default, });
    let eq = fields.iter().all(|f| is_eq(&f.ty)).then(|| quote! { Eq, });
    let fields = fields.iter().map(|f| {
        let doc = docs(&prose(&f.docs));
        let field = ident(&f.name);
        let wire = &f.wire;
        let ty = type_tokens(&f.ty, in_common);
        if f.required {
            quote! {
                #doc
                #[serde(rename = #wire)]
                pub #field: #ty,
            }
        } else {
            quote! {
                #doc
                #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                pub #field: Option<#ty>,
            }
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, #default Deserialize, #eq PartialEq, Serialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// `f64` and free-form JSON values are not `Eq`.
fn is_eq(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Number | TypeRef::Any => false,
        TypeRef::Array(item) => is_eq(item),
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
