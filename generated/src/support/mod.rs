//! Hand-written runtime support for the generated clients. NOT GENERATED: the generator
//! writes the service modules next to this one, and they call what is here.
//!
//! One job per file: `client` (the pipeline and the calls a method makes), `cloud` (where a
//! client goes in each cloud, and the scope of its tokens), `path` and `params` (URL building
//! and parameter checks), `check` (constraints on request bodies), `body` and `response`
//! (encoding and decoding), `read_only`, `date_time` and `union` (how models meet the wire:
//! read-only properties, dates, discriminated unions), `error` and `error_body` (the error
//! type and reading error bodies), `lro` (long-running operations), `pager` (paged lists),
//! `options` (client options), `resource_id` (reading and writing resource IDs), `rotation`
//! (the key rotation API: the trait generated code implements, and the protocols over it),
//! `tls` (what the TLS features need before a client is built), `tracing` (a span per public
//! call, through `azure_core`'s instrumentation). Test-only: `body_strategies`
//! (proptest strategies for the parser property tests), `shape_tests`.

mod body;
mod check;
mod client;
mod cloud;
pub mod date_time;
#[cfg(feature = "test-doubles")]
pub mod doubles;
mod error;
mod error_body;
mod lro;
mod options;
mod pager;
mod params;
mod path;
mod read_only;
mod resource_id;
mod response;
pub mod rotation;
mod tls;
mod tracing;
mod union;
pub mod xml_list;

/// What users of the crate see; the crate root re-exports all of it.
pub mod api {
    pub use super::cloud::{CloudEndpoint, CloudEndpoints};
    pub use super::error::{Error, ErrorKind, Result, ServiceError, ServiceErrorDetail};
    pub use super::lro::{OperationStatus, Poller};
    pub use super::options::ClientOptions;
    pub use super::pager::{Page, PageIterator, Pager};
    pub use super::resource_id::{IdProblem, ResourceIdError};
    pub use super::response::Response;
    pub use super::union::UnknownVariant;
}

// What generated code calls. The module is public but hidden (like serde's `__private`), so
// that these are live API rather than dead code when some spec set does not use one of them
// (no XML operation, say); they are not part of the crate's documented interface.
pub use self::api::*;
pub use self::{
    body::{BodyFormat, set_json_body, set_xml_body},
    check::{
        CheckConstraints, FieldPath, IntegerRule, ItemsRule, NumberRule, StringRule, check_integer,
        check_items, check_number, check_string,
    },
    client::ClientCore,
    error_body::{ErrorContract, ErrorFields},
    lro::FinalState,
    params::ParamSpec,
    path::PathPart,
    read_only::skip_read_only,
    resource_id::{IdSegment, IdShape, id_from_parts, parse_id, write_id},
    response::{decode_empty, decode_json, decode_optional, decode_xml},
    union::Tagged,
};

#[cfg(test)]
mod body_strategies;
#[cfg(test)]
mod shape_tests;
