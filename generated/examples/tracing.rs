//! Distributed tracing into OpenTelemetry: every call of a client is a span named after its
//! operation (`Microsoft.ServiceBus.Namespaces.listKeys`), with `az.namespace` and the HTTP
//! request spans under it, exported through `azure_core_opentelemetry`.
//!
//! ```sh
//! cargo run -p azure-mgmt --example tracing -- SUBSCRIPTION RESOURCE_GROUP NAMESPACE RULE
//! ```
//!
//! It signs in with the developer tools (`az login`), lists the keys of a Service Bus
//! authorization rule (and prints none of them), and prints the spans the call exported. An
//! application would hand the same `SdkTracerProvider` an OTLP exporter instead of the
//! in-memory one used here. Its own `Cargo.toml` would add:
//!
//! ```toml
//! azure_core_opentelemetry = "1.0"
//! opentelemetry = "0.31"   # the version azure_core_opentelemetry 1.0 is built on
//! opentelemetry_sdk = "0.31"
//! ```
//!
//! To make a client's spans children of the application's own, attach the application's
//! OpenTelemetry context to the call's future (`opentelemetry::context::FutureExt`), as below.
//! Do not put a span of another tracer in the call's `Context`: `azure_core_opentelemetry`
//! panics on a parent span that is not its own.

use azure_core_opentelemetry::OpenTelemetryTracerProvider;
use azure_identity::DeveloperToolsCredential;
use azure_mgmt::ClientOptions;
use azure_mgmt::service_bus::ServiceBusClient;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{TraceContextExt as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporterBuilder, SdkTracerProvider};
use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [subscription, group, namespace, rule] = args.as_slice() else {
        eprintln!("usage: tracing SUBSCRIPTION RESOURCE_GROUP NAMESPACE RULE");
        return ExitCode::from(2);
    };

    // OpenTelemetry's SDK, with an exporter; the bridge makes it azure_core's tracer provider.
    let exporter = InMemorySpanExporterBuilder::new().build();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let mut options = ClientOptions::default();
    options.client_options.instrumentation.tracer_provider =
        Some(OpenTelemetryTracerProvider::new(Arc::new(provider.clone())));

    let client = match DeveloperToolsCredential::new(None)
        .map_err(azure_mgmt::Error::from)
        .and_then(|credential| ServiceBusClient::new(credential, Some(options)))
    {
        Ok(client) => client,
        Err(error) => {
            eprintln!("tracing: {error}");
            return ExitCode::FAILURE;
        }
    };

    // The application's own span, parent of the client's.
    let job = provider.tracer("rotation-job").start("audit keys");
    let cx = opentelemetry::Context::current_with_span(job);
    let result = client
        .namespaces_list_keys(subscription, group, namespace, rule, None)
        .with_context(cx.clone())
        .await;
    cx.span().end();
    if let Err(error) = &result {
        eprintln!("tracing: the call failed: {error}");
    }

    match exporter.get_finished_spans() {
        Ok(spans) => {
            for span in spans {
                println!(
                    "{} ({:?}, parent {})",
                    span.name, span.span_kind, span.parent_span_id
                );
                for attribute in &span.attributes {
                    println!("    {} = {}", attribute.key, attribute.value);
                }
            }
        }
        Err(error) => eprintln!("tracing: {error}"),
    }
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
