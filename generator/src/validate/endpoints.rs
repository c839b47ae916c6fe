//! Endpoint sets: `common.yaml`'s `endpoints` (a name, documentation, and a host and token
//! audience per cloud) and the `endpoint` each `service.yaml` names.

use std::collections::BTreeMap;

use heck::ToLowerCamelCase;

use super::Cx;
use super::syntax::{is_https_url, is_origin};
use crate::diagnostics::suggest;
use crate::load::{CloudEndpointSpec, EndpointSetSpec};
use crate::locate::FieldPath;
use crate::names::camel;

/// Type names the generated `endpoints` module imports: a set's type must not take one.
const RESERVED_TYPES: &[&str] = &["CloudEndpoint", "CloudEndpoints"];

/// The cloud keys, as written in the specs.
const CLOUDS: [&str; 3] = ["azurePublic", "azureChina", "azureGovernment"];

impl Cx<'_, '_> {
    /// `common.yaml`'s endpoint sets: each name gives a distinct Rust type, and every host and
    /// audience is a URL the client can use.
    pub(super) fn endpoint_sets(&mut self, sets: &indexmap::IndexMap<String, EndpointSetSpec>) {
        let mut types: BTreeMap<String, &str> = BTreeMap::new();
        for (name, set) in sets {
            let at = FieldPath::root().key("endpoints").key(name);
            let lower_camel = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric());
            if !lower_camel {
                let fixed = name.to_lower_camel_case();
                self.error(
                    &at,
                    format!("endpoint set name `{name}` is not lowerCamelCase"),
                    Some(format!(
                        "use ASCII letters and digits, starting with a lower-case letter: `{fixed}` gives the Rust type `endpoints::{}`",
                        camel(&fixed)
                    )),
                );
            } else if RESERVED_TYPES.contains(&camel(name).as_str()) {
                self.error(
                    &at,
                    format!(
                        "endpoint set name `{name}` gives the type `{}`, which the generated `endpoints` module imports",
                        camel(name)
                    ),
                    Some("choose another name".into()),
                );
            } else if let Some(other) = types.insert(camel(name), name) {
                self.error(
                    &at,
                    format!(
                        "endpoint sets `{other}` and `{name}` both give the type `{}`",
                        camel(name)
                    ),
                    Some("rename one".into()),
                );
            }
            self.docs(&at.key("docs"), &set.docs);
            let clouds = &set.clouds;
            let each = [
                &clouds.azure_public,
                &clouds.azure_china,
                &clouds.azure_government,
            ];
            for (key, cloud) in CLOUDS.into_iter().zip(each) {
                self.cloud_endpoint(&at.key("clouds").key(key), cloud);
            }
        }
    }

    fn cloud_endpoint(&mut self, at: &FieldPath, cloud: &CloudEndpointSpec) {
        if !is_origin(&cloud.host) {
            self.error(
                &at.key("host"),
                format!("host `{}` is not an https origin", cloud.host),
                Some("write the scheme and host only, e.g. `https://management.azure.com`".into()),
            );
        }
        if !is_https_url(&cloud.audience) || cloud.audience.contains(['?', '#']) {
            self.error(
                &at.key("audience"),
                format!("audience `{}` is not an https URL", cloud.audience),
                Some(
                    "the token scope is `{audience}/.default`, e.g. `https://management.azure.com`"
                        .into(),
                ),
            );
        }
    }

    /// `service.yaml`'s `endpoint` names one of `sets`. `complete` is false when `common.yaml`
    /// failed to load: the set may be there.
    pub(super) fn service_endpoint(&mut self, endpoint: &str, sets: &[&str], complete: bool) {
        if sets.contains(&endpoint) || !complete {
            return;
        }
        let help = if sets.is_empty() {
            format!(
                "define it in `common.yaml` under `endpoints:`, with `docs` and a `host` and `audience` for each of {}",
                CLOUDS.map(|c| format!("`{c}`")).join(", ")
            )
        } else {
            suggest(endpoint, sets.iter().copied()).unwrap_or_else(|| {
                let names: Vec<String> = sets.iter().map(|s| format!("`{s}`")).collect();
                format!(
                    "`common.yaml` defines {}; add `{endpoint}` there if it is new",
                    names.join(", ")
                )
            })
        };
        self.error(
            &FieldPath::root().key("endpoint"),
            format!("unknown endpoint set `{endpoint}`"),
            Some(help),
        );
    }
}
