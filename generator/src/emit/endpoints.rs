//! `src/endpoints.rs`: one type per endpoint set of `common.yaml`, holding its host and token
//! audience in each cloud; clients are built for one of them.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, prose};
use crate::ir::{CloudEndpoint, EndpointSet, EndpointsModule};

/// `src/endpoints.rs`.
pub fn endpoints_rs(module: &EndpointsModule) -> TokenStream {
    let sets = module.sets.iter().map(endpoint_set);
    quote! {
        //! Where each kind of management API is, and which token audience it takes, in each
        //! Azure cloud. Every client is reached through one of these types; it picks the host
        //! and audience of the cloud `client_options.cloud` names (see
        //! [`ClientOptions`](crate::ClientOptions)).
        //!
        //! In a custom cloud, which has no hosts here, the types key their audiences in the
        //! custom configuration's `audiences`.

        use crate::{CloudEndpoint, CloudEndpoints};

        #(#sets)*
    }
}

fn endpoint_set(set: &EndpointSet) -> TokenStream {
    let name = ident(&set.type_name);
    let row = |cloud: &str, endpoint: &CloudEndpoint| {
        format!(
            "\n| [`{cloud}`](azure_core::cloud::CloudConfiguration::{cloud}) | `{}` | `{}` |",
            endpoint.host, endpoint.audience
        )
    };
    let mut text = prose(&set.docs);
    text.push_str("\n\n| cloud | host | token audience |\n|---|---|---|");
    text.push_str(&row("AzurePublic", &set.azure_public));
    text.push_str(&row("AzureChina", &set.azure_china));
    text.push_str(&row("AzureGovernment", &set.azure_government));
    text.push_str(&format!(
        "\n\nIn a [`Custom`](azure_core::cloud::CloudConfiguration::Custom) cloud, set [`ClientOptions::endpoint`](crate::ClientOptions::endpoint), and either [`ClientOptions::audience`](crate::ClientOptions::audience) or this type's entry in the custom configuration's `audiences`: `Audiences::new().with::<{}>(audience)`.",
        set.type_name
    ));
    let doc = docs(&text);
    let cloud = |endpoint: &CloudEndpoint| {
        let host = &endpoint.host;
        let audience = &endpoint.audience;
        quote! { CloudEndpoint { host: #host, audience: #audience } }
    };
    let public = cloud(&set.azure_public);
    let china = cloud(&set.azure_china);
    let government = cloud(&set.azure_government);
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct #name;

        impl CloudEndpoints for #name {
            const AZURE_PUBLIC: CloudEndpoint = #public;
            const AZURE_CHINA: CloudEndpoint = #china;
            const AZURE_GOVERNMENT: CloudEndpoint = #government;
        }
    }
}
