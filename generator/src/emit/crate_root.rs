//! `src/lib.rs` and each service's `mod.rs`: module declarations, re-exports and the
//! documentation that lists what the crate holds.

use proc_macro2::TokenStream;
use quote::quote;

use super::{EmittedFile, ident, inner_docs, prose};
use crate::ir::{Crate, Service};

/// `src/lib.rs`.
pub fn lib_rs(ir: &Crate) -> EmittedFile {
    let mut text = String::from(
        "Rust clients for Azure management operations, generated from the YAML specs in `specs/`.\n\n\
         One module per service, each with a client built from an `Arc<dyn TokenCredential>` \
         (from `azure_identity`, say) and [`ClientOptions`], and one method per operation.\n\n\
         | Module | Service | Operations |\n|---|---|---|",
    );
    for service in &ir.services {
        let ops: Vec<String> = service
            .operations
            .iter()
            .map(|op| {
                format!(
                    "[`{}`]({}::{}::{})",
                    op.method_name, service.module, service.client, op.method_name
                )
            })
            .collect();
        text.push_str(&format!(
            "\n| [`{}`] | {} | {} |",
            service.module,
            prose(&service.title),
            ops.join(", ")
        ));
    }
    text.push_str(
        "\n\nEach service module sits behind a cargo feature named like its folder in `specs/` \
         (`service-bus`), and `all-services` enables them all. The default features are \
         `all-services` and the TLS backend `rustls-aws-lc`: \
         `default-features = false, features = [\"service-bus\", \"rustls-aws-lc\"]` compiles one \
         service only. [`ClientOptions`] describes the other TLS backends, `native-tls` and \
         `rustls-ring`, which compile faster.\n\n# Retries\n\nThe HTTP pipeline retries throttling (429) and transient failures, POSTs included: a \
         retried key regeneration runs twice, and only the keys in the final response are valid. \
         Turn retries off through [`ClientOptions::client_options`].\n\n\
         # Secrets\n\nKeys and connection strings are `azure_core::credentials::Secret`: `Debug` never shows them, \
         and errors never quote a response body.",
    );
    let rotation = ir.services.iter().any(|s| !s.rotations.is_empty());
    if rotation {
        text.push_str(super::rotation::lib_line());
    }
    let docs = inner_docs(&text);
    let mut sources: Vec<String> = Vec::new();
    // The generator lays these modules out; `rustfmt::skip` keeps `cargo fmt` from reflowing them.
    let common = ir.common.as_ref().map(|c| {
        sources.push(c.source.clone());
        quote! {
            #[rustfmt::skip]
            pub mod common;
        }
    });
    let endpoints = ir.endpoints.as_ref().map(|e| {
        if !sources.contains(&e.source) {
            sources.push(e.source.clone());
        }
        quote! {
            #[rustfmt::skip]
            pub mod endpoints;
        }
    });
    let modules = ir.services.iter().map(|s| {
        sources.extend(s.sources.iter().cloned());
        let module = ident(&s.module);
        let feature = &s.folder;
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let modules: Vec<TokenStream> = modules.collect();
    let rotation = rotation.then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod rotation;
        }
    });
    let tokens = quote! {
        #docs
        #![deny(missing_docs)]

        #[doc(hidden)]
        pub mod support;
        pub use support::api::*;

        /// Typed test doubles (feature `test-doubles`): a local mock server, clients pointed
        /// at it, and, in each service's `doubles` module, an expectation per operation.
        #[cfg(feature = "test-doubles")]
        pub mod doubles {
            pub use crate::support::doubles::*;
        }

        #common
        #endpoints
        #rotation
        #(#modules)*
    };
    EmittedFile {
        path: "src/lib.rs".into(),
        sources,
        tokens,
        docs: Vec::new(),
    }
}

/// `src/<service>/mod.rs`.
pub fn service_mod_rs(service: &Service) -> TokenStream {
    let docs = inner_docs(&format!(
        "{}\n\nStart with [`{}`]; its methods take the models below.",
        prose(&service.docs),
        service.client
    ));
    let client = ident(&service.client);
    let options = service.operations.iter().map(|op| ident(&op.options_name));
    let mut models: Vec<&str> = service.models.iter().map(|m| m.name.as_str()).collect();
    models.sort_unstable();
    let models = models.into_iter().map(ident);
    let ids = (!service.resource_ids.is_empty()).then(|| {
        let names = service.resource_ids.iter().map(|id| ident(&id.name));
        quote! {
            mod ids;
            pub use ids::{#(#names),*};
        }
    });
    let rotation = (!service.rotations.is_empty()).then(|| {
        let names = service.rotations.iter().map(|kind| ident(&kind.target));
        quote! {
            mod rotation;
            pub use rotation::{#(#names),*};
        }
    });
    quote! {
        #docs

        mod client;
        mod models;

        #[cfg(feature = "test-doubles")]
        #[rustfmt::skip]
        pub mod doubles;

        pub use client::{#client, #(#options),*};
        pub use models::{#(#models),*};
        #ids
        #rotation
    }
}

/// `tests/examples/main.rs`: one test target for every service's example tests.
pub fn examples_main_rs(ir: &Crate) -> EmittedFile {
    let services: Vec<&Service> = ir
        .services
        .iter()
        .filter(|s| s.operations.iter().any(|op| !op.examples.is_empty()))
        .collect();
    let modules = services.iter().map(|s| {
        let module = ident(&s.module);
        let feature = &s.folder;
        quote! {
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            mod #module;
        }
    });
    let sources = services
        .iter()
        .flat_map(|s| s.sources.iter().cloned())
        .collect();
    let tokens = quote! {
        //! Tests generated from the specs' examples, one module per service: the client must send
        //! exactly the documented request to a local server and parse the documented response.

        #(#modules)*
    };
    EmittedFile {
        path: "tests/examples/main.rs".into(),
        sources,
        tokens,
        docs: Vec::new(),
    }
}
