//! Hand-written runtime support for the generated clients. NOT GENERATED: the generator
//! writes the service modules next to this one, and they call what is here.
//!
//! One job per file: `client` (the pipeline and the calls a method makes), `path` and
//! `params` (URL building and parameter checks), `body` and `response` (encoding and
//! decoding), `error` and `error_body` (the error type and reading error bodies), `lro`
//! (long-running operations), `options` (client options).

mod body;
mod client;
mod error;
mod error_body;
mod lro;
mod options;
mod params;
mod path;
mod response;

pub use error::{Error, ErrorKind, Result, ServiceError, ServiceErrorDetail};
pub use lro::{OperationStatus, Poller};
pub use options::ClientOptions;
pub use response::Response;

#[allow(unused_imports, reason = "the generated code uses what its specs need")]
pub(crate) use self::{
    body::{BodyFormat, set_json_body, set_xml_body},
    client::ClientCore,
    error_body::{ErrorContract, ErrorFields},
    lro::FinalState,
    params::ParamSpec,
    path::PathPart,
    response::{decode_empty, decode_json, decode_xml},
};

#[cfg(test)]
mod shape_tests;
