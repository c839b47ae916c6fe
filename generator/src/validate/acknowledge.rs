//! Acknowledged warnings: a spec keeps a deliberate inconsistency (the service documents both a
//! pattern and lengths that disagree, say) by listing the warning under `acknowledge`, with a
//! reason. The warning is then left out of the output, and counted. An acknowledgement must name
//! a kind of warning that exists, give a reason, and match a warning the file really has: one
//! that no longer matches is reported, so acknowledgements cannot go stale unnoticed.

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, suggest};
use crate::load::{AcknowledgeSpec, SpecSet};
use crate::locate::FieldPath;

use super::located;

/// Every kind of warning, with what it means.
pub const WARNINGS: &[(&str, &str)] = &[
    (
        "pattern-length",
        "a parameter's pattern and its minLength/maxLength disagree on the lengths that pass",
    ),
    (
        "file-name",
        "an operation file is not named after its operation id",
    ),
    (
        "long-running-without-202",
        "a long-running operation documents no 202 response",
    ),
    (
        "accepted-without-long-running",
        "an operation that is not long-running documents a 202 response",
    ),
    (
        "unused-acknowledgement",
        "an acknowledgement matches no warning of its file",
    ),
];

/// Takes the acknowledged warnings out of `diagnostics`: returns what remains (with any mistake
/// in an acknowledgement) and the warnings that were acknowledged.
pub fn acknowledge(set: &SpecSet, diagnostics: Diagnostics) -> (Diagnostics, Vec<Diagnostic>) {
    let mut files: Vec<(&str, &str, &[AcknowledgeSpec])> = Vec::new();
    if let Some(common) = &set.common {
        files.push((&common.path, &common.text, &common.spec.acknowledge));
    }
    for service in &set.services {
        let manifest = &service.manifest;
        files.push((&manifest.path, &manifest.text, &manifest.spec.acknowledge));
        for op in &service.operations {
            files.push((&op.path, &op.text, &op.spec.acknowledge));
        }
    }
    let mut remaining = diagnostics.0;
    let mut acknowledged = Vec::new();
    let mut problems = Diagnostics::default();
    for (file, text, entries) in files {
        for (i, entry) in entries.iter().enumerate() {
            let at = FieldPath::root().key("acknowledge").index(i);
            let Some(code) = WARNINGS
                .iter()
                .map(|(c, _)| *c)
                .find(|c| *c == entry.warning)
            else {
                let kinds = WARNINGS.iter().map(|(c, _)| *c);
                let help = suggest(&entry.warning, kinds.clone()).or_else(|| {
                    Some(format!(
                        "the warnings are {}",
                        kinds
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                });
                problems.push(located(
                    file,
                    text,
                    &at.key("warning"),
                    format!("there is no warning `{}`", entry.warning),
                    help,
                ));
                continue;
            };
            if entry.reason.trim().is_empty() {
                problems.push(located(
                    file,
                    text,
                    &at.key("reason"),
                    "an acknowledgement needs a reason",
                    Some("say why the spec keeps what the warning points at".into()),
                ));
            }
            let matches = |d: &Diagnostic| {
                d.severity == Severity::Warning
                    && d.file == file
                    && d.code == Some(code)
                    && d.field == entry.field
            };
            let before = remaining.len();
            let (hits, rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
                remaining.into_iter().partition(matches);
            remaining = rest;
            if remaining.len() == before {
                problems.push(
                    located(
                        file,
                        text,
                        &at,
                        format!(
                            "this file has no `{code}` warning at `{}` to acknowledge",
                            entry.field
                        ),
                        Some("remove the acknowledgement, or correct its `field` (the path after `field:` in the warning)".into()),
                    )
                    .warning("unused-acknowledgement"),
                );
            }
            acknowledged.extend(hits);
        }
    }
    remaining.extend(problems.0);
    (Diagnostics(remaining), acknowledged)
}
