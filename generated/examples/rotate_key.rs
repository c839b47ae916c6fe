//! Rotates the keys of an Azure resource, for real, from its resource ID, with a credential
//! from `azure_identity`: the rotation API in a small program.
//!
//! ```text
//! cargo run -p azure-mgmt --example rotate_key -- --help
//! cargo run -p azure-mgmt --example rotate_key -- /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.ServiceBus/namespaces/NS/authorizationRules/RULE
//! ```
//!
//! Progress goes to stderr, the outcome to stdout, keys only with `--show-secret`. The usage
//! text below is also in `docs/using.md`; a test keeps the two the same.

use azure_core::credentials::TokenCredential;
use azure_core::http::RetryOptions;
use azure_identity::{
    DeveloperToolsCredential, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId,
};
use azure_mgmt::ClientOptions;
use azure_mgmt::rotation::{
    self, AccessKey, Event, Keys, RotationError, RotationOptions, Slot, SlotState,
};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str = "\
rotate_key: rotate the keys of an Azure resource, from its resource ID

USAGE:
    cargo run -p azure-mgmt --example rotate_key -- [OPTIONS] <RESOURCE_ID>

With no --slot and no --list, both keys are rotated, the standard way: the secondary key is
regenerated and confirmed in the service's own listing; then, once consumers use it (press
Enter, or wait --pause seconds), the primary key is regenerated and confirmed.

OPTIONS:
    --slot <primary|secondary>
                         Regenerate and confirm this key only.
    --list               List the keys; regenerate nothing.
    --pause <SECONDS>    Between the two keys, wait this long instead of asking.
    --kinds              Print the kinds of resource this program rotates, with the forms of
                         their resource IDs, and exit.
    --managed-identity   Authenticate with ManagedIdentityCredential (on an Azure VM, App Service,
                         Functions, AKS...). Without it: DeveloperToolsCredential, which uses your
                         `az login` or `azd auth login` session.
    --client-id <ID>     With --managed-identity: the client id of a user-assigned identity.
    --endpoint <URL>     The management endpoint of a sovereign cloud, e.g.
                         https://management.chinacloudapi.cn (the token audience follows it).
    --no-retry           Send each request exactly once (see RETRIES).
    --show-secret        Also print the new key values. Without it, keys are never printed.
    -h, --help           Print this help.

RETRIES:
    By default a throttled (429) or failed (408, 500, 502, 503, 504) request is retried, up to
    8 times, waiting as long as the service's Retry-After asks. Regenerating a key is not
    idempotent: each retry rotates the key again. The rotation confirms the key the service
    returned last against the service's own listing, so what it reports is what works. With
    --no-retry each request is sent once, and a throttled or failed call is reported.

EXIT STATUS:
    0 done (every regenerated key confirmed), 1 failed with no key changed, 2 bad arguments,
    3 stopped with a key changed or perhaps changed (the report says which values work).
";

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Rotate,
    Regenerate(Slot),
    List,
    Kinds,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
struct Command {
    action: Action,
    resource_id: String,
    pause: Option<Duration>,
    managed_identity: bool,
    client_id: Option<String>,
    endpoint: Option<String>,
    no_retry: bool,
    show_secret: bool,
}

/// The outcome of reading the command line.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Run(Command),
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let (mut managed_identity, mut no_retry, mut show_secret) = (false, false, false);
    let (mut client_id, mut endpoint, mut pause, mut slot) = (None, None, None, None);
    let (mut list, mut kinds) = (false, false);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--managed-identity" => managed_identity = true,
            "--no-retry" => no_retry = true,
            "--show-secret" => show_secret = true,
            "--list" => list = true,
            "--kinds" => kinds = true,
            "--client-id" => client_id = Some(args.next().ok_or("--client-id needs a value")?),
            "--endpoint" => endpoint = Some(args.next().ok_or("--endpoint needs a value")?),
            "--slot" => {
                let value = args.next().ok_or("--slot needs a value")?;
                slot = Some(value.parse::<Slot>().map_err(|e| e.to_string())?);
            }
            "--pause" => {
                let value = args.next().ok_or("--pause needs a value")?;
                let seconds: u64 = value
                    .parse()
                    .map_err(|_| format!("--pause takes whole seconds, not `{value}`"))?;
                pause = Some(Duration::from_secs(seconds));
            }
            "--" => positional.extend(args.by_ref()),
            flag if flag.starts_with("--") || (flag.starts_with('-') && flag.len() == 2) => {
                return Err(format!("unknown option `{flag}`"));
            }
            _ => positional.push(arg),
        }
    }
    if client_id.is_some() && !managed_identity {
        return Err("--client-id is only used with --managed-identity".into());
    }
    let action = match (kinds, list, slot) {
        (true, false, None) => Action::Kinds,
        (false, true, None) => Action::List,
        (false, false, Some(slot)) => Action::Regenerate(slot),
        (false, false, None) => Action::Rotate,
        _ => return Err("--kinds, --list and --slot each ask for something else".into()),
    };
    if pause.is_some() && action != Action::Rotate {
        return Err("--pause is only used when both keys are rotated".into());
    }
    let resource_id = match (action, positional.as_slice()) {
        (Action::Kinds, []) => String::new(),
        (Action::Kinds, _) => return Err("--kinds takes no resource ID".into()),
        (_, [id]) => id.trim().to_owned(),
        (_, []) => return Err("no resource ID given".into()),
        (_, _) => return Err("give one resource ID".into()),
    };
    Ok(Parsed::Run(Command {
        action,
        resource_id,
        pause,
        managed_identity,
        client_id,
        endpoint,
        no_retry,
        show_secret,
    }))
}

fn credential(command: &Command) -> azure_core::Result<Arc<dyn TokenCredential>> {
    if command.managed_identity {
        let options = ManagedIdentityCredentialOptions {
            user_assigned_id: command.client_id.clone().map(UserAssignedId::ClientId),
            ..Default::default()
        };
        Ok(ManagedIdentityCredential::new(Some(options))?)
    } else {
        Ok(DeveloperToolsCredential::new(None)?)
    }
}

/// One line for a key: its value only when asked.
fn key_line(slot: Slot, key: Option<&AccessKey>, show_secret: bool) -> String {
    match (key, show_secret) {
        (None, _) => format!("  {slot} key: (not returned)"),
        (Some(key), true) => {
            let mut line = format!("  {slot} key: {}", key.key().secret());
            if let Some(connection_string) = key.connection_string() {
                line.push_str(&format!(
                    "\n  {slot} connection string: {}",
                    connection_string.secret()
                ));
            }
            line
        }
        (Some(key), false) => format!(
            "  {slot} key: present{} (hidden; --show-secret prints it)",
            if key.connection_string().is_some() {
                ", with a connection string"
            } else {
                ""
            }
        ),
    }
}

fn keys_report(keys: &Keys, show_secret: bool) -> Vec<String> {
    Slot::ALL
        .into_iter()
        .map(|slot| key_line(slot, keys.get(slot), show_secret))
        .collect()
}

/// What a stopped rotation left: where it stopped, and what each slot holds (values only when
/// asked).
fn failure_report(error: &RotationError, show_secret: bool) -> Vec<String> {
    let mut lines = vec![format!("error: {error}")];
    for slot in Slot::ALL {
        let state = error.slot(slot);
        lines.push(format!("  {slot} key: {}", state.as_str()));
        if let (SlotState::Regenerated { key, .. }, true) = (state, show_secret) {
            lines.push(key_line(slot, Some(key), true));
        }
    }
    lines
}

/// Exit code 3 when a slot changed or may have; 1 when every slot is as it was.
fn failure_code(error: &RotationError) -> ExitCode {
    let untouched = Slot::ALL
        .into_iter()
        .all(|slot| *error.slot(slot) == SlotState::Unchanged);
    if untouched {
        ExitCode::FAILURE
    } else {
        ExitCode::from(3)
    }
}

async fn wait_for_consumers(pause: Option<Duration>) {
    match pause {
        Some(pause) => {
            eprintln!("Waiting {} s before the primary key.", pause.as_secs());
            tokio::time::sleep(pause).await;
        }
        None => {
            eprintln!(
                "Move every consumer to the new secondary key, then press Enter to regenerate the primary key."
            );
            let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new()))
                .await;
        }
    }
}

async fn run(command: &Command) -> ExitCode {
    if command.action == Action::Kinds {
        for kind in rotation::kinds() {
            println!("{kind}\n  {}", kind.resource_ids.join("\n  "));
        }
        return ExitCode::SUCCESS;
    }
    // On the rustls-ring backend, before the credential builds its HTTP client (see the
    // rustls_ring example).
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::ring::default_provider()
        .install_default()
        .is_err()
    {
        eprintln!("error: another rustls crypto provider was installed first");
        return ExitCode::FAILURE;
    }
    let credential = match credential(command) {
        Ok(credential) => credential,
        Err(error) => {
            eprintln!("error: no credential: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut options = ClientOptions {
        endpoint: command.endpoint.clone(),
        ..ClientOptions::default()
    };
    if command.no_retry {
        options.client_options.retry = RetryOptions::none();
    }
    let target = match rotation::target(&command.resource_id, credential, Some(options)) {
        Ok(target) => target,
        Err(error) => {
            // An ID that fits no kind: the error lists every kind with its ID forms.
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    eprintln!("{}: {}", target.kind(), target.resource_id());
    let progress = |event: Event| eprintln!("... {event}");
    let options = RotationOptions::default();
    let show = command.show_secret;
    let outcome = match command.action {
        Action::List => {
            return match target.list_keys().await {
                Ok(keys) => {
                    keys_report(&keys, show)
                        .iter()
                        .for_each(|l| println!("{l}"));
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Action::Regenerate(slot) => rotation::regenerate(&*target, slot, &options, &progress)
            .await
            .map(|done| {
                vec![
                    format!("Regenerated and confirmed the {slot} key."),
                    key_line(slot, Some(&done.key), show),
                ]
            }),
        Action::Rotate => {
            match rotation::start_dual_rotation(&*target, &options, &progress).await {
                Err(error) => Err(error),
                Ok(started) => {
                    wait_for_consumers(command.pause).await;
                    started.complete(&progress).await.map(|done| {
                        vec![
                            "Rotated both keys; each new key is confirmed.".to_owned(),
                            key_line(Slot::Secondary, Some(&done.secondary.key), show),
                            key_line(Slot::Primary, Some(&done.primary.key), show),
                        ]
                    })
                }
            }
        }
        Action::Kinds => unreachable!("handled above"),
    };
    match outcome {
        Ok(lines) => {
            lines.iter().for_each(|l| println!("{l}"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            failure_report(&error, show)
                .iter()
                .for_each(|l| eprintln!("{l}"));
            failure_code(&error)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(command)) => run(&command).await,
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprint!("error: {problem}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::credentials::Secret;

    const ID: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/authorizationRules/rule";

    fn parse(line: &str) -> Result<Parsed, String> {
        parse_args(line.split_whitespace().map(str::to_owned))
    }

    fn command(line: &str) -> Command {
        match parse(line) {
            Ok(Parsed::Run(command)) => command,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn actions_parse() {
        assert_eq!(command(ID).action, Action::Rotate);
        assert_eq!(
            command(&format!("--slot Primary {ID}")).action,
            Action::Regenerate(Slot::Primary)
        );
        assert_eq!(command(&format!("{ID} --list")).action, Action::List);
        assert_eq!(command("--kinds").action, Action::Kinds);
        let rotate = command(&format!("--pause 300 {ID}"));
        assert_eq!(rotate.pause, Some(Duration::from_secs(300)));
        assert_eq!(rotate.resource_id, ID);
        assert!(!rotate.show_secret && !rotate.no_retry && !rotate.managed_identity);
    }

    #[test]
    fn flags_parse() {
        let command = command(&format!(
            "--managed-identity --client-id abc --no-retry --show-secret --endpoint https://e {ID}"
        ));
        assert!(command.managed_identity && command.no_retry && command.show_secret);
        assert_eq!(command.client_id.as_deref(), Some("abc"));
        assert_eq!(command.endpoint.as_deref(), Some("https://e"));
        assert_eq!(parse("--help"), Ok(Parsed::Help));
        assert_eq!(parse(&format!("{ID} -h")), Ok(Parsed::Help));
    }

    #[test]
    fn bad_arguments_are_explained() {
        let cases = [
            ("", "no resource ID given".to_owned()),
            (
                &format!("{ID} {ID}") as &str,
                "give one resource ID".to_owned(),
            ),
            (
                &format!("--slot tertiary {ID}"),
                "unknown key slot `tertiary`; the slots are `primary` and `secondary`".to_owned(),
            ),
            (
                &format!("--slot primary --list {ID}"),
                "--kinds, --list and --slot each ask for something else".to_owned(),
            ),
            (
                &format!("--pause 5 --list {ID}"),
                "--pause is only used when both keys are rotated".to_owned(),
            ),
            (
                &format!("--pause soon {ID}"),
                "--pause takes whole seconds, not `soon`".to_owned(),
            ),
            (
                &format!("--verbose {ID}"),
                "unknown option `--verbose`".to_owned(),
            ),
            ("--endpoint", "--endpoint needs a value".to_owned()),
            (
                &format!("--client-id x {ID}"),
                "--client-id is only used with --managed-identity".to_owned(),
            ),
            (
                &format!("--kinds {ID}"),
                "--kinds takes no resource ID".to_owned(),
            ),
        ];
        for (line, problem) in cases {
            assert_eq!(parse(line), Err(problem), "{line}");
        }
    }

    #[test]
    fn keys_are_printed_only_when_asked() {
        let keys = Keys::new(
            Some(AccessKey::new(
                Secret::new("SECRET-1"),
                Some(Secret::new("Endpoint=sb://x/;SharedAccessKey=SECRET-1")),
            )),
            None,
        );
        let hidden = keys_report(&keys, false).join("\n");
        assert!(!hidden.contains("SECRET"), "{hidden}");
        assert!(hidden.contains("primary key: present, with a connection string (hidden"));
        assert!(hidden.contains("secondary key: (not returned)"));
        let shown = keys_report(&keys, true).join("\n");
        assert!(shown.contains("primary key: SECRET-1"), "{shown}");
        assert!(
            shown.contains("primary connection string: Endpoint=sb://x/;SharedAccessKey=SECRET-1")
        );
    }

    #[test]
    fn the_usage_page_holds_this_usage_text() {
        let page = include_str!("../../docs/using.md");
        assert!(
            page.contains(USAGE),
            "docs/using.md must hold the usage text verbatim"
        );
    }
}
