//! `azk`: every operation of the specs as a command, and safe key rotation.
//!
//! The per-operation commands are generated (`src/generated/`, by `cargo xtask codegen`); the
//! rest is hand-written: the command line's global flags, credentials, output and masking,
//! `--dry-run`, and the `keys` commands over `azure_mgmt::rotation`. The binary (`main.rs`)
//! only calls [`main`]; the modules are a library so that the runtime the generated commands
//! call is one API whatever the specs use of it (no paged operation today, say).

pub mod auth;
pub mod error;
#[rustfmt::skip]
pub mod generated;
pub mod keys;
pub mod mask;
pub mod ops;
pub mod output;
pub mod transport;
pub mod vault;

use azure_core::cloud::CloudConfiguration;
use azure_core::credentials::TokenCredential;
use azure_core::http::policies::Policy;
use azure_core::http::{RetryOptions, Transport};
use clap::{Arg, ArgAction, ArgMatches, Command};
use error::{CliError, Code};
use output::Format;
use std::process::ExitCode;
use std::sync::Arc;

const AFTER_HELP: &str = "\
Secrets (keys, connection strings) are masked unless --show-secrets is given, in results,
errors and logs alike, and are never read from the command line.

Exit codes:
  0  success
  1  other failure (a file that cannot be read, an answer that cannot be used, not confirmed)
  2  usage: a wrong command line, or a confirmation needed where stdin is not a terminal
  3  authentication: no credential, or it could not get a token
  4  invalid argument, refused before anything was sent (a parameter, a resource ID, a body)
  5  service error: the service answered with an error, or could not be reached
  6  rotation incomplete: a key changed (or may have) before the rotation stopped
  7  rotated and confirmed, but writing the new key to Key Vault failed";

/// The root command: global flags, `keys`, and one command per service.
fn command() -> Command {
    Command::new("azk")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Azure management operations from the specs, and safe key rotation")
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg(
            Arg::new("output")
                .long("output")
                .short('o')
                .global(true)
                .help_heading("Global options")
                .value_name("FORMAT")
                .value_parser(["table", "json"])
                .default_value("table")
                .help("How results are printed on stdout (progress and errors go to stderr)"),
        )
        .arg(
            Arg::new("show-secrets")
                .long("show-secrets")
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("Print key values and connection strings instead of masking them"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("Print the request that would be sent (no Authorization header, secrets redacted) and send nothing"),
        )
        .arg(
            Arg::new("yes")
                .long("yes")
                .short('y')
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("Regenerate keys without asking (needed when stdin is not a terminal)"),
        )
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .global(true)
                .help_heading("Global options")
                .value_name("URL")
                .help("The management endpoint to send to (default: the cloud's)"),
        )
        .arg(
            Arg::new("cloud")
                .long("cloud")
                .global(true)
                .help_heading("Global options")
                .value_name("CLOUD")
                .value_parser(["public", "china", "usgov"])
                .default_value("public")
                .help("The Azure cloud: its management hosts, token audience and login authority"),
        )
        .arg(
            Arg::new("auth")
                .long("auth")
                .global(true)
                .help_heading("Global options")
                .value_name("METHOD")
                .value_parser(auth::METHODS)
                .default_value("dev")
                .help("The credential: dev (your az or azd login), managed-identity, client-secret (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) or workload-identity (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE)"),
        )
        .arg(
            Arg::new("identity-client-id")
                .long("identity-client-id")
                .global(true)
                .help_heading("Global options")
                .value_name("CLIENT_ID")
                .help("With --auth managed-identity: the client id of a user-assigned identity"),
        )
        .arg(
            Arg::new("no-retry")
                .long("no-retry")
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("Send each request once: by default throttled and failed requests are retried, and a retried regeneration rotates the key again"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .help_heading("Global options")
                .action(ArgAction::SetTrue)
                .help("Log each request and answer on stderr (method, URL, status, request id; never a body)"),
        )
        .subcommand(keys::command())
        .subcommands(ops::commands())
}

/// Runs the command line the process was started with.
pub async fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let code = match run(&matches).await {
        Ok(code) => code,
        Err(error) => {
            output::done();
            eprintln!("error: {error}");
            error.code
        }
    };
    output::done();
    code.exit()
}

/// The HTTP transport: `--dry-run`'s capture, else (debug builds, tests) the test hook's local
/// server, else `azure_core`'s default client.
fn transport(dry_run: Option<&Arc<transport::DryRun>>) -> Option<Transport> {
    if let Some(capture) = dry_run {
        return Some(Transport::new(capture.clone()));
    }
    #[cfg(debug_assertions)]
    if let Some(server) = transport::test_hook::server() {
        return Some(Transport::new(Arc::new(
            transport::test_hook::Redirect::new(server),
        )));
    }
    None
}

async fn run(matches: &ArgMatches) -> Result<Code, CliError> {
    let flag = |id: &str| matches.get_flag(id);
    let text = |id: &str| matches.get_one::<String>(id).map(String::as_str);
    let format = match text("output") {
        Some("json") => Format::Json,
        _ => Format::Table,
    };
    let dry_run = flag("dry-run").then(|| Arc::new(transport::DryRun::default()));
    let mut core = azure_core::http::ClientOptions {
        transport: transport(dry_run.as_ref()),
        ..Default::default()
    };
    core.cloud = match text("cloud") {
        Some("china") => Some(Arc::new(CloudConfiguration::AzureChina)),
        Some("usgov") => Some(Arc::new(CloudConfiguration::AzureGovernment)),
        _ => Some(Arc::new(CloudConfiguration::AzurePublic)),
    };
    if flag("no-retry") {
        core.retry = RetryOptions::none();
    }
    let credential_options = core.clone();
    if flag("verbose") {
        core.per_try_policies
            .push(Arc::new(transport::Verbose) as Arc<dyn Policy>);
    }
    let credential: Arc<dyn TokenCredential> = if dry_run.is_some() {
        Arc::new(auth::NoToken)
    } else {
        auth::credential(
            text("auth").unwrap_or("dev"),
            text("identity-client-id"),
            credential_options,
        )?
    };
    let options = azure_mgmt::ClientOptions {
        client_options: core.clone(),
        endpoint: text("endpoint").map(str::to_owned),
        ..Default::default()
    };
    let result = match matches.subcommand() {
        Some(("keys", sub)) => {
            let (open_credential, open_options) = (credential.clone(), options.clone());
            let context = keys::Context {
                open: Box::new(move |id| {
                    azure_mgmt::rotation::target(
                        id,
                        open_credential.clone(),
                        Some(open_options.clone()),
                    )
                }),
                vault: vault::Writer {
                    credential: credential.clone(),
                    options: core,
                },
                format,
                show_secrets: flag("show-secrets"),
                dry_run: dry_run.is_some(),
                yes: flag("yes"),
            };
            keys::run(sub, &context).await
        }
        Some((service, sub)) => {
            let Some((name, args)) = sub.subcommand() else {
                return Err(CliError::new(Code::Usage, "an operation is needed"));
            };
            let Some(operation) = ops::find(service, name) else {
                return Err(CliError::new(
                    Code::Usage,
                    format!("no operation `{service} {name}`"),
                ));
            };
            let invocation = ops::Invocation {
                credential,
                options,
                format,
                show_secrets: flag("show-secrets"),
            };
            (operation.run)(args, &invocation)
                .await
                .map(|()| Code::Success)
        }
        None => Err(CliError::new(Code::Usage, "a command is needed")),
    };
    match dry_run {
        Some(capture) => dry_run_report(&capture, format, result),
        None => result,
    }
}

/// `--dry-run`: prints what would have been sent. A failure before the first request (an
/// invalid argument, say) is reported as usual.
fn dry_run_report(
    capture: &transport::DryRun,
    format: Format,
    result: Result<Code, CliError>,
) -> Result<Code, CliError> {
    let captured = capture.captured();
    if captured.is_empty() {
        return result;
    }
    output::done();
    match format {
        Format::Json => output::print_json(&serde_json::Value::Array(
            captured.iter().map(transport::Captured::to_json).collect(),
        )),
        Format::Table => {
            let texts: Vec<String> = captured.iter().map(transport::Captured::to_text).collect();
            print!("{}", texts.join("\n"));
        }
    }
    eprintln!("dry run: nothing was sent");
    Ok(Code::Success)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        // clap's own checks: no flag of an operation clashes with a global one, and so on.
        super::command().debug_assert();
    }
}
