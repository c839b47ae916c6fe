//! `azk keys`: list, regenerate and rotate the keys of any resource kind the specs declare
//! rotatable, from resource IDs, over `azure_mgmt::rotation`. Every regenerated key is
//! confirmed in the service's own listing before it is reported; a failure says where it
//! stopped and which values work.

use crate::error::{CliError, Code, code_of, describe};
use crate::output::{self, Format};
use crate::vault;
use azure_mgmt::rotation::{
    self, AccessKey, Event, Keys, RotatableKeys, RotationError, RotationOptions, Slot, SlotState,
};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use futures::StreamExt;
use serde_json::{Value, json};
use std::io::{BufRead, IsTerminal};
use std::time::Duration;

/// Opens the rotation target of a resource ID (credential and client options inside).
pub type Open = Box<dyn Fn(&str) -> azure_mgmt::Result<Box<dyn RotatableKeys>> + Send + Sync>;

/// What the keys commands need from the command line's global flags.
pub struct Context {
    /// Opens the rotation target of a resource ID.
    pub open: Open,
    /// Writes a secret to Key Vault.
    pub vault: vault::Writer,
    /// How results are printed.
    pub format: Format,
    /// Print key values.
    pub show_secrets: bool,
    /// Send nothing: show the first request for each resource.
    pub dry_run: bool,
    /// Confirmed beforehand.
    pub yes: bool,
}

/// The `keys` command.
pub fn command() -> Command {
    let ids = || {
        Arg::new("id")
            .long("id")
            .value_name("RESOURCE_ID")
            .action(ArgAction::Append)
            .required(true)
            .help("A resource ID, as the portal and `az` print it; repeat for several, or `-` to read one per line from stdin")
    };
    let concurrency = || {
        Arg::new("concurrency")
            .long("concurrency")
            .value_name("N")
            .value_parser(value_parser!(u16).range(1..=64))
            .default_value("4")
            .help("How many resources are worked on at once")
    };
    let vault_args = || {
        [
            Arg::new("to-key-vault")
                .long("to-key-vault")
                .value_name("VAULT_URL")
                .requires("secret-name")
                .help("After the new key is confirmed, write it to this Key Vault (https://NAME.vault.azure.net); one --id only"),
            Arg::new("secret-name")
                .long("secret-name")
                .value_name("NAME")
                .requires("to-key-vault")
                .help("The Key Vault secret to write (a new version of it)"),
            Arg::new("store")
                .long("store")
                .value_name("WHAT")
                .value_parser(["connection-string", "key"])
                .requires("to-key-vault")
                .help("What to write to Key Vault [default: the connection string where the service has one, else the key]"),
        ]
    };
    let slot = |required: bool| {
        Arg::new("slot")
            .long("slot")
            .value_name("SLOT")
            .value_parser(["primary", "secondary"])
            .required(required)
    };
    Command::new("keys")
        .about("List, regenerate and rotate keys, from resource IDs, verified against the service's own listing")
        .subcommand_required(true)
        .subcommand(
            Command::new("list")
                .about("List the keys (masked unless --show-secrets)")
                .arg(ids())
                .arg(concurrency())
                .arg(slot(false).help("Only this slot's key; with --to-key-vault, the key to write (e.g. to store again a rotated key whose write failed)"))
                .args(vault_args()),
        )
        .subcommand(
            Command::new("regenerate")
                .about("Regenerate one key of each resource, and confirm it in the service's listing")
                .arg(ids())
                .arg(slot(true).help("The key to regenerate; its old value stops working"))
                .arg(concurrency())
                .args(vault_args()),
        )
        .subcommand(
            Command::new("rotate")
                .about("Rotate both keys: the secondary, then (once consumers moved to it) the primary")
                .long_about("Rotate both keys the standard way: regenerate and confirm the secondary key; pause until the operator confirms that every consumer uses the new secondary (or until --wait has passed); then regenerate and confirm the primary key. With several resources, every secondary is done first, then one pause, then every primary.\n\nWith --to-key-vault, the new secondary is written to Key Vault as soon as it is confirmed, before the pause, so consumers can read it from there; the primary is not regenerated when the write fails.")
                .arg(ids())
                .arg(
                    Arg::new("wait")
                        .long("wait")
                        .value_name("DURATION")
                        .value_parser(parse_duration)
                        .help("Between the two keys, wait this long (90s, 5m, 1h) instead of asking; needed when stdin is not a terminal"),
                )
                .arg(concurrency())
                .args(vault_args()),
        )
        .subcommand(Command::new("kinds").about("The kinds of resource whose keys rotate, with the forms of their resource IDs"))
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e}; write a duration like 90s, 5m or 1h"))
}

/// Runs `keys <subcommand>`; the code says how it ended (the report is printed).
pub async fn run(matches: &ArgMatches, context: &Context) -> Result<Code, CliError> {
    let Some((name, matches)) = matches.subcommand() else {
        return Err(CliError::new(Code::Usage, "a keys subcommand is needed"));
    };
    if name == "kinds" {
        return Ok(kinds(context.format));
    }
    let ids = resource_ids(matches)?;
    let vault = vault_request(matches, &ids)?;
    if name == "list" && vault.is_some() && matches.get_one::<String>("slot").is_none() {
        return Err(CliError::new(
            Code::Usage,
            "--to-key-vault with keys list needs --slot: which key to write",
        ));
    }
    // Every ID is read before anything is sent.
    let targets = ids
        .iter()
        .map(|id| (context.open)(id))
        .collect::<azure_mgmt::Result<Vec<_>>>()?;
    let concurrency = usize::from(*matches.get_one::<u16>("concurrency").unwrap_or(&4));
    // `rotate` has no --slot.
    let slot = matches
        .try_get_one::<String>("slot")
        .ok()
        .flatten()
        .map(|s| s.parse::<Slot>().unwrap_or(Slot::Primary));
    if context.dry_run {
        return Ok(dry_run(name, &targets, slot).await);
    }
    match name {
        "list" => list(&targets, slot, vault.as_ref(), context, concurrency).await,
        "regenerate" => {
            let slot = slot.unwrap_or(Slot::Primary);
            confirm(
                context,
                &format!(
                    "Regenerate the {slot} key of {}? Its old value stops working.",
                    count(targets.len())
                ),
            )?;
            regenerate(&targets, slot, vault.as_ref(), context, concurrency).await
        }
        _ => {
            let wait = matches.get_one::<Duration>("wait").copied();
            if wait.is_none() && !std::io::stdin().is_terminal() {
                return Err(CliError::new(
                    Code::Usage,
                    "keys rotate needs --wait DURATION when stdin is not a terminal: no one can confirm that consumers moved to the new secondary key",
                ));
            }
            confirm(
                context,
                &format!(
                    "Rotate both keys of {}? The secondary first; you confirm before the primary.",
                    count(targets.len())
                ),
            )?;
            rotate(&targets, wait, vault.as_ref(), context, concurrency).await
        }
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 resource".to_owned()
    } else {
        format!("{n} resources")
    }
}

/// The `--id` values, `-` read from stdin (one a line; blank lines and `#` comments skipped).
fn resource_ids(matches: &ArgMatches) -> Result<Vec<String>, CliError> {
    let mut ids = Vec::new();
    for id in matches.get_many::<String>("id").into_iter().flatten() {
        if id == "-" {
            for line in std::io::stdin().lock().lines() {
                let line = line.map_err(|e| {
                    CliError::new(
                        Code::Failure,
                        format!("cannot read resource IDs from stdin: {e}"),
                    )
                })?;
                let line = line.trim();
                if !line.is_empty() && !line.starts_with('#') {
                    ids.push(line.to_owned());
                }
            }
        } else {
            ids.push(id.trim().to_owned());
        }
    }
    if ids.is_empty() {
        return Err(CliError::new(
            Code::Usage,
            "no resource ID given (stdin was empty)",
        ));
    }
    Ok(ids)
}

/// Where to store the new key, when asked.
struct VaultRequest {
    url: String,
    secret_name: String,
    /// `key`, `connection-string`, or `None` for the connection string where there is one.
    what: Option<String>,
}

fn vault_request(matches: &ArgMatches, ids: &[String]) -> Result<Option<VaultRequest>, CliError> {
    let Some(url) = matches.get_one::<String>("to-key-vault") else {
        return Ok(None);
    };
    if ids.len() != 1 {
        return Err(CliError::new(
            Code::Usage,
            "--to-key-vault writes one secret: give exactly one --id",
        ));
    }
    if !url.starts_with("https://") {
        return Err(CliError::new(
            Code::InvalidArgument,
            format!(
                "--to-key-vault takes the vault's https URL (https://NAME.vault.azure.net), not `{url}`"
            ),
        ));
    }
    Ok(Some(VaultRequest {
        url: url.clone(),
        secret_name: matches
            .get_one::<String>("secret-name")
            .cloned()
            .unwrap_or_default(),
        what: matches.get_one::<String>("store").cloned(),
    }))
}

/// Asks before destroying a key: `--yes` skips it; without a terminal on stdin it is refused.
fn confirm(context: &Context, question: &str) -> Result<(), CliError> {
    if context.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::new(
            Code::Usage,
            "refusing to regenerate keys without --yes: stdin is not a terminal, so no one can confirm",
        ));
    }
    output::done();
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
        Ok(())
    } else {
        Err(CliError::new(
            Code::Failure,
            "not confirmed; nothing was changed",
        ))
    }
}

fn kinds(format: Format) -> Code {
    let kinds: Vec<_> = rotation::kinds().collect();
    match format {
        Format::Json => output::print_json(&json!({
            "kinds": kinds.iter().map(|k| json!({
                "name": k.name,
                "title": k.title,
                "resourceIds": k.resource_ids,
                "connectionStrings": k.connection_strings,
            })).collect::<Vec<_>>()
        })),
        Format::Table => {
            let rows: Vec<Vec<String>> = kinds
                .iter()
                .flat_map(|k| {
                    k.resource_ids
                        .iter()
                        .map(|id| vec![k.name.to_owned(), (*id).to_owned()])
                })
                .collect();
            print!("{}", output::table(&["KIND", "RESOURCE ID"], &rows));
        }
    }
    Code::Success
}

/// The first request of each resource, captured by the dry-run transport (main prints them).
async fn dry_run(name: &str, targets: &[Box<dyn RotatableKeys>], slot: Option<Slot>) -> Code {
    for target in targets {
        // The transport answers every request with an error: the first one is all there is.
        let _ = match name {
            "list" => target.list_keys().await,
            "regenerate" => {
                target
                    .regenerate_key(slot.unwrap_or(Slot::Primary), &rotation::NoProgress)
                    .await
            }
            _ => {
                target
                    .regenerate_key(Slot::Secondary, &rotation::NoProgress)
                    .await
            }
        };
    }
    if name == "rotate" {
        output::log_line(
            "dry run: the rotation would then list the keys to confirm the new secondary, pause, and do the same for the primary",
        );
    }
    Code::Success
}

/// Progress of one resource among several, on the spinner or stderr.
fn progress(index: usize, total: usize, id: &str) -> impl Fn(Event) + Send + Sync + use<> {
    let name = id.rsplit('/').next().unwrap_or(id).to_owned();
    move |event: Event| {
        if total == 1 {
            output::status(&format!("{name}: {event}"));
        } else {
            output::status(&format!("[{}/{total}] {name}: {event}", index + 1));
        }
    }
}

/// A key as JSON: values masked unless asked.
fn key_json(key: Option<&AccessKey>, show: bool) -> Value {
    let Some(key) = key else { return Value::Null };
    let value = |secret: &azure_core::credentials::Secret| {
        if show {
            Value::String(secret.secret().to_owned())
        } else {
            Value::String(crate::mask::REDACTED.to_owned())
        }
    };
    json!({
        "key": value(key.key()),
        "connectionString": key.connection_string().map(value),
    })
}

fn cell(secret: Option<&azure_core::credentials::Secret>, show: bool) -> String {
    match secret {
        None => "-".to_owned(),
        Some(_) if !show => crate::mask::REDACTED.to_owned(),
        Some(secret) => secret.secret().to_owned(),
    }
}

async fn list(
    targets: &[Box<dyn RotatableKeys>],
    slot: Option<Slot>,
    vault: Option<&VaultRequest>,
    context: &Context,
    concurrency: usize,
) -> Result<Code, CliError> {
    let results: Vec<azure_mgmt::Result<Keys>> = futures::stream::iter(targets)
        .map(|target| async move {
            output::status(&format!("listing the keys of {}", target.resource_id()));
            target.list_keys().await
        })
        .buffered(concurrency)
        .collect()
        .await;
    output::done();
    let slots: Vec<Slot> = match slot {
        Some(slot) => vec![slot],
        None => Slot::ALL.to_vec(),
    };
    let mut code = Code::Success;
    let mut resources = Vec::new();
    let mut rows = Vec::new();
    for (target, result) in targets.iter().zip(&results) {
        let id = target.resource_id();
        match result {
            Ok(keys) => {
                let mut map = serde_json::Map::new();
                for slot in &slots {
                    map.insert(
                        slot.as_str().to_owned(),
                        key_json(keys.get(*slot), context.show_secrets),
                    );
                    let key = keys.get(*slot);
                    rows.push(vec![
                        id.clone(),
                        slot.to_string(),
                        cell(key.map(AccessKey::key), context.show_secrets),
                        cell(
                            key.and_then(AccessKey::connection_string),
                            context.show_secrets,
                        ),
                    ]);
                }
                resources.push(
                    json!({"id": id, "kind": target.kind().name, "keys": map, "error": null}),
                );
            }
            Err(error) => {
                code = code.max(code_of(error));
                output::log_line(&format!("error: {id}: {}", describe(error)));
                resources.push(json!({"id": id, "kind": target.kind().name, "keys": null,
                    "error": {"code": code_of(error) as u8, "message": describe(error)}}));
            }
        }
    }
    print_result(
        context.format,
        &resources,
        &["RESOURCE", "SLOT", "KEY", "CONNECTION STRING"],
        &rows,
    );
    if let (Some(request), Some(Ok(keys))) = (vault, results.first()) {
        let slot = slot.ok_or_else(|| {
            CliError::new(
                Code::Usage,
                "--to-key-vault with keys list needs --slot: which key to write",
            )
        })?;
        let Some(key) = keys.get(slot) else {
            return Err(CliError::new(
                Code::Service,
                format!("the listing has no {slot} key to store"),
            ));
        };
        if let Err(message) = store(context, request, key).await {
            return Err(CliError::new(Code::NotStored, message));
        }
    }
    Ok(code)
}

fn print_result(format: Format, resources: &[Value], header: &[&str], rows: &[Vec<String>]) {
    output::done();
    match format {
        Format::Json => output::print_json(&json!({ "resources": resources })),
        Format::Table => print!("{}", output::table(header, rows)),
    }
}

/// Writes `key` (or its connection string) to Key Vault and says so on stderr; the error is
/// the failure's description.
async fn store(
    context: &Context,
    request: &VaultRequest,
    key: &AccessKey,
) -> Result<Value, String> {
    let (value, what) = match (request.what.as_deref(), key.connection_string()) {
        (Some("key"), _) | (None, None) => (key.key(), "key"),
        (_, Some(connection_string)) => (connection_string, "connection string"),
        (Some(_), None) => return Err(
            "the service returns no connection string for this kind of resource; use --store key"
                .to_owned(),
        ),
    };
    output::status(&format!(
        "writing the new {what} to {} as `{}`",
        request.url, request.secret_name
    ));
    let version = context
        .vault
        .write(&request.url, &request.secret_name, value.secret())
        .await?;
    output::done();
    output::log_line(&format!(
        "stored the new {what} in {} as `{}` (version {version})",
        request.url, request.secret_name
    ));
    Ok(
        json!({"vault": request.url, "secretName": request.secret_name, "version": version, "value": what}),
    )
}

/// One resource's outcome of `regenerate` or `rotate`.
struct Outcome {
    id: String,
    kind: &'static str,
    /// What each slot holds now.
    slots: [SlotState; 2],
    /// Where and why it stopped.
    failure: Option<RotationError>,
    /// Written to Key Vault: where.
    stored: Option<Value>,
    /// The write to Key Vault failed: why, and how to recover.
    not_stored: Option<String>,
}

impl Outcome {
    fn code(&self) -> Code {
        if self.not_stored.is_some() {
            return Code::NotStored;
        }
        match &self.failure {
            None => Code::Success,
            Some(error)
                if Slot::ALL
                    .iter()
                    .any(|s| *error.slot(*s) != SlotState::Unchanged) =>
            {
                Code::RotationIncomplete
            }
            Some(error) => error.error().map_or(Code::Service, code_of),
        }
    }

    fn outcome(&self) -> &'static str {
        match self.code() {
            Code::Success => "done",
            Code::NotStored => "not-stored",
            Code::RotationIncomplete => "incomplete",
            _ => "failed",
        }
    }

    fn slot(&self, slot: Slot) -> &SlotState {
        match slot {
            Slot::Primary => &self.slots[0],
            Slot::Secondary => &self.slots[1],
        }
    }

    fn to_json(&self, show: bool) -> Value {
        let slot = |slot: Slot| {
            let state = self.slot(slot);
            json!({"state": state.as_str(), "key": key_json(state.key(), show)})
        };
        let failure = self.failure.as_ref().map(|error| {
            json!({
                "step": error.step().as_str(),
                "slot": error.step().slot().as_str(),
                "kind": error.kind().as_str(),
                "message": error.to_string(),
            })
        });
        json!({
            "id": self.id,
            "kind": self.kind,
            "outcome": self.outcome(),
            "slots": {"primary": slot(Slot::Primary), "secondary": slot(Slot::Secondary)},
            "failure": failure,
            "stored": self.stored,
            "notStored": self.not_stored,
        })
    }
}

fn done_state(regenerated: &rotation::Regenerated) -> SlotState {
    SlotState::Regenerated {
        key: regenerated.key.clone(),
        verified: true,
    }
}

fn failed(target: &dyn RotatableKeys, error: RotationError) -> Outcome {
    Outcome {
        id: target.resource_id(),
        kind: target.kind().name,
        slots: [
            error.slot(Slot::Primary).clone(),
            error.slot(Slot::Secondary).clone(),
        ],
        failure: Some(error),
        stored: None,
        not_stored: None,
    }
}

/// How to store again a key whose write to Key Vault failed.
fn recovery(id: &str, slot: Slot, request: &VaultRequest, error: &str, rotate: bool) -> String {
    let mut text = format!(
        "the {slot} key of {id} was regenerated and confirmed, and only its new value works now, but writing it to {} as `{}` failed: {error}. The key is not lost: write it again with `azk keys list --id {id} --slot {slot} --to-key-vault {} --secret-name {}`, or read it with `azk keys list --id {id} --slot {slot} --show-secrets`.",
        request.url, request.secret_name, request.url, request.secret_name
    );
    if rotate {
        text.push_str(
            " The primary key was not regenerated: consumers still using it keep working.",
        );
    }
    text
}

async fn regenerate(
    targets: &[Box<dyn RotatableKeys>],
    slot: Slot,
    vault: Option<&VaultRequest>,
    context: &Context,
    concurrency: usize,
) -> Result<Code, CliError> {
    let options = RotationOptions::default();
    let total = targets.len();
    let mut outcomes: Vec<Outcome> = futures::stream::iter(targets.iter().enumerate())
        .map(|(i, target)| {
            let options = &options;
            async move {
                let progress = progress(i, total, &target.resource_id());
                match rotation::regenerate(&**target, slot, options, &progress).await {
                    Ok(done) => {
                        let mut slots = [SlotState::Unchanged, SlotState::Unchanged];
                        slots[usize::from(slot == Slot::Secondary)] = done_state(&done);
                        Outcome {
                            id: target.resource_id(),
                            kind: target.kind().name,
                            slots,
                            failure: None,
                            stored: None,
                            not_stored: None,
                        }
                    }
                    Err(error) => failed(&**target, error),
                }
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    if let (Some(request), Some(outcome)) = (vault, outcomes.first_mut())
        && let Some(key) = outcome.slot(slot).key().cloned()
        && outcome.failure.is_none()
    {
        match store(context, request, &key).await {
            Ok(stored) => outcome.stored = Some(stored),
            Err(error) => {
                outcome.not_stored = Some(recovery(&outcome.id, slot, request, &error, false))
            }
        }
    }
    Ok(report(&outcomes, context))
}

async fn rotate(
    targets: &[Box<dyn RotatableKeys>],
    wait: Option<Duration>,
    vault: Option<&VaultRequest>,
    context: &Context,
    concurrency: usize,
) -> Result<Code, CliError> {
    let options = RotationOptions::default();
    let total = targets.len();
    // The secondaries, all of them.
    let started: Vec<_> = futures::stream::iter(targets.iter().enumerate())
        .map(|(i, target)| {
            let options = &options;
            async move {
                let progress = progress(i, total, &target.resource_id());
                rotation::start_dual_rotation(&**target, options, &progress).await
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    let mut outcomes: Vec<Option<Outcome>> = Vec::new();
    let mut pending = Vec::new();
    for ((i, target), result) in targets.iter().enumerate().zip(started) {
        match result {
            Err(error) => outcomes.push(Some(failed(&**target, error))),
            Ok(half) => {
                outcomes.push(None);
                pending.push((i, half));
            }
        }
    }
    // The new secondary to Key Vault, before anyone is asked to move to it.
    let mut stored = None;
    if let Some(request) = vault
        && let Some((i, half)) = pending.first()
    {
        match store(context, request, &half.secondary().key).await {
            Ok(written) => stored = Some(written),
            Err(error) => {
                let id = targets[*i].resource_id();
                outcomes[*i] = Some(Outcome {
                    id: id.clone(),
                    kind: targets[*i].kind().name,
                    slots: [SlotState::Unchanged, done_state(half.secondary())],
                    failure: None,
                    stored: None,
                    not_stored: Some(recovery(&id, Slot::Secondary, request, &error, true)),
                });
                pending.clear();
            }
        }
    }
    if !pending.is_empty() {
        pause(wait, pending.len()).await?;
        let completed: Vec<_> = futures::stream::iter(pending)
            .map(|(i, half)| async move {
                let progress = progress(i, total, &targets[i].resource_id());
                (i, half.complete(&progress).await)
            })
            .buffered(concurrency)
            .collect()
            .await;
        for (i, result) in completed {
            let target = &targets[i];
            outcomes[i] = Some(match result {
                Ok(done) => Outcome {
                    id: target.resource_id(),
                    kind: target.kind().name,
                    slots: [done_state(&done.primary), done_state(&done.secondary)],
                    failure: None,
                    stored: None,
                    not_stored: None,
                },
                Err(error) => failed(&**target, error),
            });
        }
    }
    let mut outcomes: Vec<Outcome> = outcomes.into_iter().flatten().collect();
    if let Some(first) = outcomes.first_mut()
        && stored.is_some()
    {
        first.stored = stored;
    }
    Ok(report(&outcomes, context))
}

/// Between the two keys: `--wait`, else the operator's Enter.
async fn pause(wait: Option<Duration>, count: usize) -> Result<(), CliError> {
    let keys = if count == 1 { "key" } else { "keys" };
    match wait {
        Some(wait) => {
            output::status(&format!(
                "both keys work now; waiting {} for consumers to move to the new secondary {keys}",
                humantime::format_duration(wait)
            ));
            tokio::time::sleep(wait).await;
            Ok(())
        }
        None => {
            output::done();
            eprintln!(
                "Both keys work now. Move every consumer to the new secondary {keys}, then press Enter to regenerate the primary {keys} (Ctrl-C stops here; the primary stays as it is)."
            );
            tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new()))
                .await
                .map_err(|e| CliError::new(Code::Failure, e.to_string()))?
                .map_err(|e| CliError::new(Code::Failure, format!("cannot read stdin: {e}")))?;
            Ok(())
        }
    }
}

/// Prints the outcomes (table or JSON on stdout, failures on stderr) and gives the exit code:
/// the most serious outcome.
fn report(outcomes: &[Outcome], context: &Context) -> Code {
    output::done();
    let show = context.show_secrets;
    for outcome in outcomes {
        if let Some(error) = &outcome.failure {
            output::log_line(&format!("error: {error}"));
        }
        if let Some(message) = &outcome.not_stored {
            output::log_line(&format!("error: {message}"));
        }
    }
    match context.format {
        Format::Json => output::print_json(&json!({
            "resources": outcomes.iter().map(|o| o.to_json(show)).collect::<Vec<_>>()
        })),
        Format::Table => {
            let rows: Vec<Vec<String>> = outcomes
                .iter()
                .map(|o| {
                    vec![
                        o.id.clone(),
                        o.outcome().to_owned(),
                        o.slot(Slot::Primary).as_str().to_owned(),
                        o.slot(Slot::Secondary).as_str().to_owned(),
                    ]
                })
                .collect();
            print!(
                "{}",
                output::table(&["RESOURCE", "OUTCOME", "PRIMARY", "SECONDARY"], &rows)
            );
            if show {
                let keys: Vec<Vec<String>> = outcomes
                    .iter()
                    .flat_map(|o| {
                        Slot::ALL.into_iter().filter_map(move |slot| {
                            o.slot(slot).key().map(|key| {
                                vec![
                                    o.id.clone(),
                                    slot.to_string(),
                                    key.key().secret().to_owned(),
                                    cell(key.connection_string(), true),
                                ]
                            })
                        })
                    })
                    .collect();
                if !keys.is_empty() {
                    println!();
                    print!(
                        "{}",
                        output::table(&["RESOURCE", "SLOT", "NEW KEY", "CONNECTION STRING"], &keys)
                    );
                }
            }
        }
    }
    outcomes
        .iter()
        .map(Outcome::code)
        .max()
        .unwrap_or(Code::Success)
}
