//! Key rotation: `src/<service>/rotation.rs` implements the hand-written `RotatableKeys` trait
//! for each kind a service's `rotation` entries declare, over the service's own client and
//! models; `src/rotation.rs` re-exports the hand-written rotation API and lists every kind for
//! the entry point that picks one by resource ID.

use proc_macro2::TokenStream;
use quote::quote;

use super::{EmittedFile, docs, ident, inner_docs, prose, type_tokens};
use crate::ir::{Crate, FieldStep, RotationKind, SelectorValues, Service, TypeRef};

/// `src/<service>/rotation.rs`.
pub fn service_rotation_rs(service: &Service) -> TokenStream {
    let module_docs = inner_docs(&format!(
        "Key rotation for {}: the kinds of resource whose keys [`crate::rotation`] rotates.",
        prose(&service.title)
    ));
    let client = ident(&service.client);
    let mut ids: Vec<&str> = Vec::new();
    let mut models: Vec<String> = Vec::new();
    for kind in &service.rotations {
        ids.push(&kind.id_type);
        ids.extend(kind.arm_id_type.as_deref());
        for ty in [&kind.list.result, &kind.regenerate.result, &kind.body.ty] {
            collect_local(ty, &mut models);
        }
        if let SelectorValues::Enum { ty, .. } = &kind.body.values {
            collect_local(ty, &mut models);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    models.sort_unstable();
    models.dedup();
    let ids = ids.into_iter().map(ident);
    let models = models.iter().map(|m| ident(m));
    let options: Vec<_> = service
        .rotations
        .iter()
        .filter(|k| !k.body.required)
        .map(|k| ident(&k.regenerate.options))
        .collect();
    let client_imports = if options.is_empty() {
        quote! { use super::client::#client; }
    } else {
        quote! { use super::client::{#client, #(#options),*}; }
    };
    let long_running = service
        .rotations
        .iter()
        .any(|k| k.regenerate.long_running)
        .then(|| quote! { use crate::support::rotation::regeneration; });
    let kinds = service.rotations.iter().map(|kind| target(service, kind));
    quote! {
        #module_docs

        use std::sync::Arc;
        use async_trait::async_trait;
        use azure_core::credentials::TokenCredential;
        #client_imports
        use super::ids::{#(#ids),*};
        use super::models::{#(#models),*};
        #long_running
        use crate::support::{ClientOptions, Result};

        #(#kinds)*
    }
}

fn collect_local(ty: &TypeRef, out: &mut Vec<String>) {
    if let TypeRef::Model {
        scope: crate::ir::Scope::Local,
        name,
    } = ty
    {
        out.push(name.clone());
    }
}

fn target(service: &Service, kind: &RotationKind) -> TokenStream {
    let name = ident(&kind.target);
    let client = ident(&service.client);
    let id_type = ident(&kind.id_type);
    let kind_name = &kind.kind_name;
    let title = &kind.title;
    let kind_docs = prose(&kind.docs);
    let templates = &kind.templates;
    let connection_strings = kind.primary.connection_string.is_some();
    let (list, regenerate) = (&kind.list, &kind.regenerate);
    let (slot_values, selector_text) = match &kind.body.values {
        SelectorValues::Enum {
            ty,
            primary,
            secondary,
        } => {
            let ty = type_tokens(ty, false);
            let (p, s) = (ident(&primary.0), ident(&secondary.0));
            (
                (quote! { #ty::#p }, quote! { #ty::#s }),
                (primary.1.clone(), secondary.1.clone()),
            )
        }
        SelectorValues::Text { primary, secondary } => (
            (
                quote! { #primary.to_owned() },
                quote! { #secondary.to_owned() },
            ),
            (primary.clone(), secondary.clone()),
        ),
    };
    let mut text = format!(
        "The keys of one {title}. {kind_docs}\n\nLists them with [`{client}::{list}`] and regenerates one with \
         [`{client}::{regen}`] (`{selector}`: `{primary}` for the primary slot, `{secondary}` for the \
         secondary). Implements [`RotatableKeys`](crate::rotation::RotatableKeys), so every protocol of [`crate::rotation`] works on it; \
         [`crate::rotation::target`] makes one from a resource ID.",
        client = service.client,
        list = list.method,
        regen = regenerate.method,
        selector = kind.body.selector_wire,
        primary = selector_text.0,
        secondary = selector_text.1,
    );
    if regenerate.long_running {
        text.push_str(
            "\n\nRegeneration is long-running: \
             [`regenerate_key`](crate::rotation::RotatableKeys::regenerate_key) awaits it, \
             reporting each status as a progress event.",
        );
    }
    let doc = docs(&text);
    let arm = kind.arm_id_type.as_deref().map(ident);
    let arm_field = arm.as_ref().map(|arm| {
        quote! { arm_id: Option<#arm>, }
    });
    let arm_init = arm.as_ref().map(|_| quote! { arm_id: None, });
    let from_arm = arm.as_ref().map(|arm| {
        let doc = docs(
            "The keys of the resource its Azure Resource Manager ID names, through `client`; \
             [`resource_id`](crate::rotation::RotatableKeys::resource_id) gives that ID back.",
        );
        quote! {
            #doc
            pub fn from_arm_id(client: #client, arm_id: #arm) -> Self {
                Self {
                    client,
                    id: #id_type::from(arm_id.clone()),
                    arm_id: Some(arm_id),
                }
            }
        }
    });
    let open = match &arm {
        None => quote! {
            let id = #id_type::read(resource_id, check)?;
            Ok(Self::new(#client::new(credential, Some(options))?, id))
        },
        Some(arm) => quote! {
            match #id_type::read(resource_id, check) {
                Ok(id) => Ok(Self::new(#client::new(credential, Some(options))?, id)),
                Err(error) if error.is_invalid_value() => Err(error.into()),
                Err(_) => {
                    let arm_id = #arm::read(resource_id, check)?;
                    Ok(Self::from_arm_id(#client::new(credential, Some(options))?, arm_id))
                }
            }
        },
    };
    let resource_id = match &arm {
        None => quote! { self.id.to_string() },
        Some(_) => quote! {
            match &self.arm_id {
                Some(arm_id) => arm_id.to_string(),
                None => self.id.to_string(),
            }
        },
    };
    let args: Vec<TokenStream> = kind
        .id_accessors
        .iter()
        .map(|a| {
            let a = ident(a);
            quote! { id.#a() }
        })
        .collect();
    let list_method = ident(&list.method);
    let regenerate_method = ident(&regenerate.method);
    let list_result = type_tokens(&list.result, false);
    let regenerate_result = type_tokens(&regenerate.result, false);
    let read_list = read_keys(kind);
    let same_result = list.result == regenerate.result;
    let read_regenerated = if same_result {
        None
    } else {
        let body = read_keys(kind);
        Some(quote! {
            /// The keys a regeneration returned.
            fn regenerated_keys(model: &#regenerate_result) -> crate::rotation::Keys {
                #body
            }
        })
    };
    let regenerated = if same_result {
        quote! { Self::keys(response.model()) }
    } else {
        quote! { Self::regenerated_keys(response.model()) }
    };
    let body_ty = type_tokens(&kind.body.ty, false);
    let selector = ident(&kind.body.selector);
    let (primary_value, secondary_value) = slot_values;
    let value = quote! {
        match slot {
            crate::rotation::Slot::Primary => #primary_value,
            crate::rotation::Slot::Secondary => #secondary_value,
        }
    };
    let value = if kind.body.selector_optional {
        quote! { Some(#value) }
    } else {
        value
    };
    let others = kind.body.others.iter().map(|f| {
        let f = ident(f);
        quote! { #f: None, }
    });
    let extra = kind
        .body
        .extra
        .then(|| quote! { additional_properties: Default::default(), });
    let (body_arg, call_options) = if kind.body.required {
        (quote! { &parameters, }, quote! { None })
    } else {
        let options = ident(&regenerate.options);
        (
            quote! {},
            quote! { Some(#options { parameters: Some(parameters), ..Default::default() }) },
        )
    };
    let (progress, send) = if regenerate.long_running {
        (
            quote! { progress },
            quote! {
                let poller = self.client.#regenerate_method(#(#args,)* #body_arg #call_options)?;
                let response = regeneration(poller, slot, progress).await?;
            },
        )
    } else {
        (
            quote! { _progress },
            quote! {
                let response = self
                    .client
                    .#regenerate_method(#(#args,)* #body_arg #call_options)
                    .await?;
            },
        )
    };
    let new_doc = docs("The keys of the resource `id` names, through `client`.");
    let open_doc = docs(&format!(
        "The keys of the resource `resource_id` names (any form of [`Self::KIND`]'s \
         `resource_ids`), through a new [`{client}`] made with `credential` and `options`. \
         The ID is checked against the spec's rules unless `options` skips constraint checks.\n\n\
         # Errors\n\n[`ErrorKind::ResourceId`](crate::ErrorKind::ResourceId) when the ID is not \
         one of this kind (nothing is sent); the client's own errors otherwise.",
        client = service.client
    ));
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct #name {
            client: #client,
            id: #id_type,
            #arm_field
        }

        impl #name {
            /// This kind of resource, as [`crate::rotation::kinds`] lists it.
            pub const KIND: &'static crate::rotation::ResourceKind = &crate::rotation::ResourceKind {
                name: #kind_name,
                title: #title,
                docs: #kind_docs,
                resource_ids: &[#(#templates),*],
                connection_strings: #connection_strings,
            };

            #new_doc
            pub fn new(client: #client, id: #id_type) -> Self {
                Self { client, id, #arm_init }
            }

            #from_arm

            #open_doc
            pub fn from_resource_id(
                resource_id: &str,
                credential: Arc<dyn TokenCredential>,
                options: Option<ClientOptions>,
            ) -> Result<Self> {
                let options = options.unwrap_or_default();
                let check = !options.skip_constraint_checks;
                #open
            }

            /// The resource's ID, as its operations address it.
            pub fn id(&self) -> &#id_type {
                &self.id
            }

            /// The client the calls go through.
            pub fn client(&self) -> &#client {
                &self.client
            }

            /// The keys a listing returned.
            fn keys(model: &#list_result) -> crate::rotation::Keys {
                #read_list
            }

            #read_regenerated
        }

        #[async_trait]
        impl crate::rotation::RotatableKeys for #name {
            fn kind(&self) -> &'static crate::rotation::ResourceKind {
                Self::KIND
            }

            fn resource_id(&self) -> String {
                #resource_id
            }

            async fn list_keys(&self) -> Result<crate::rotation::Keys> {
                let id = &self.id;
                let response = self.client.#list_method(#(#args,)* None).await?;
                Ok(Self::keys(response.model()))
            }

            async fn regenerate_key(
                &self,
                slot: crate::rotation::Slot,
                #progress: &dyn crate::rotation::Progress,
            ) -> Result<crate::rotation::Keys> {
                let id = &self.id;
                let parameters = #body_ty {
                    #selector: #value,
                    #(#others)*
                    #extra
                };
                #send
                Ok(#regenerated)
            }
        }
    }
}

/// `Keys::new(...)` from `model`, reading each slot's key and connection string.
fn read_keys(kind: &RotationKind) -> TokenStream {
    let slot = |fields: &crate::ir::SlotFields| {
        let key = read(&fields.key);
        let connection_string = match &fields.connection_string {
            Some(steps) => read(steps),
            None => quote! { None },
        };
        quote! { crate::rotation::AccessKey::from_parts(#key, #connection_string) }
    };
    let (primary, secondary) = (slot(&kind.primary), slot(&kind.secondary));
    quote! { crate::rotation::Keys::new(#primary, #secondary) }
}

/// An `Option<Secret>` read along `steps` from `model`, cloned: plain field access up to the
/// first optional field, then through the options.
fn read(steps: &[FieldStep]) -> TokenStream {
    let mut place = quote! { model };
    let Some(first_optional) = steps.iter().position(|step| step.optional) else {
        for step in steps {
            let field = ident(&step.field);
            place = quote! { #place.#field };
        }
        return quote! { Some(#place.clone()) };
    };
    for step in &steps[..first_optional] {
        let field = ident(&step.field);
        place = quote! { #place.#field };
    }
    let field = ident(&steps[first_optional].field);
    let rest = &steps[first_optional + 1..];
    if rest.is_empty() {
        return quote! { #place.#field.clone() };
    }
    let mut expr = quote! { #place.#field.as_ref() };
    for step in rest {
        let field = ident(&step.field);
        expr = if step.optional {
            quote! { #expr.and_then(|value| value.#field.as_ref()) }
        } else {
            quote! { #expr.map(|value| &value.#field) }
        };
    }
    quote! { #expr.cloned() }
}

/// `src/rotation.rs`: the rotation API, and every kind the specs declare.
pub fn rotation_rs(ir: &Crate) -> EmittedFile {
    let mut sources = Vec::new();
    let mut table = String::from(
        "Rotating keys, the same way for every kind of resource the specs declare rotatable.\n\n\
         [`target`] makes a [`RotatableKeys`] from a resource ID and a credential; \
         [`regenerate`] regenerates one slot and confirms it in the service's own listing; \
         [`rotate_both`] (or [`start_dual_rotation`], to decide yourself when consumers have \
         moved) rotates the secondary key, then the primary. Each reports progress as \
         [`Event`]s, and a failure says where it stopped and what each slot holds \
         ([`RotationError`]). No key ever appears in `Debug`, `Display` or an error.\n\n\
         | Kind | Type | Resource ID |\n|---|---|---|",
    );
    let mut openers = Vec::new();
    for service in &ir.services {
        if service.rotations.is_empty() {
            continue;
        }
        sources.extend(service.sources.iter().cloned());
        let module = ident(&service.module);
        let feature = &service.folder;
        for kind in &service.rotations {
            let target = ident(&kind.target);
            table.push_str(&format!(
                "\n| {} | [`{}`](crate::{}::{}) | {} |",
                kind.title,
                kind.target,
                service.module,
                kind.target,
                kind.templates
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join("<br>")
            ));
            openers.push(quote! {
                #[cfg(feature = #feature)]
                Opener {
                    kind: crate::#module::#target::KIND,
                    open: |id, credential, options| {
                        Ok(Box::new(crate::#module::#target::from_resource_id(id, credential, Some(options))?))
                    },
                },
            });
        }
    }
    table.push_str("\n\nEach service's kinds need its cargo feature.");
    let module_docs = inner_docs(&table);
    let tokens = quote! {
        #module_docs

        pub use crate::support::rotation::{
            AccessKey, DualRotated, Event, Keys, NoProgress, Progress, Regenerated, ResourceKind,
            RotatableKeys, RotationError, RotationErrorKind, RotationOptions, SecondaryRotated, Slot,
            SlotState, Step, UnknownSlot, VerifyOptions, regenerate, rotate_both, start_dual_rotation,
        };

        use std::sync::Arc;
        use azure_core::credentials::TokenCredential;
        use crate::support::rotation::{Opener, open};
        use crate::support::{ClientOptions, Result};

        /// Every kind of resource whose keys this crate rotates, in the order [`target`] tries
        /// them.
        pub fn kinds() -> impl Iterator<Item = &'static ResourceKind> {
            OPENERS.iter().map(|opener| opener.kind)
        }

        /// The keys of the resource `resource_id` names, whatever its kind: a client for its
        /// service, made with `credential` and `options`. Nothing is sent.
        ///
        /// # Errors
        ///
        /// [`ErrorKind::ResourceId`](crate::ErrorKind::ResourceId) when the ID fits no kind
        /// (the error lists every kind with its ID forms), or fits one but a value breaks the
        /// spec's rules; the client's own errors (a non-https endpoint).
        pub fn target(
            resource_id: &str,
            credential: Arc<dyn TokenCredential>,
            options: Option<ClientOptions>,
        ) -> Result<Box<dyn RotatableKeys>> {
            open(OPENERS, resource_id, credential, options.unwrap_or_default())
        }

        static OPENERS: &[Opener] = &[#(#openers)*];
    };
    EmittedFile {
        path: "src/rotation.rs".into(),
        sources,
        tokens,
        docs: Vec::new(),
    }
}

/// The documentation line the crate root gives the rotation module.
pub fn lib_line() -> &'static str {
    "\n\n# Key rotation\n\n[`rotation`] lists and regenerates the keys of every resource kind the \
     specs declare rotatable, the same way for all: from a resource ID, with verification against \
     the service's own listing and dual-key rotation."
}
