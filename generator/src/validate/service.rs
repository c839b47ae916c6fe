//! The service folder (it names the service's module) and `service.yaml`'s own fields: title,
//! documentation, resource provider namespace and security scheme (its `endpoint` is checked
//! with the endpoint sets).

use super::Cx;
use super::syntax::{is_https_url, kebab};
use crate::load::{ALL_SERVICES, ServiceFile};
use crate::locate::FieldPath;
use crate::names::snake;

impl Cx<'_, '_> {
    /// `same_module`: an earlier service folder that gives the same module name, if any.
    pub(super) fn service_folder(&mut self, folder: &str, same_module: Option<&str>) {
        let root = FieldPath::root();
        let valid = !folder.is_empty()
            && folder.starts_with(|c: char| c.is_ascii_lowercase())
            && folder
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !folder.ends_with('-')
            && !folder.contains("--");
        if !valid {
            let help = kebab(folder);
            self.error(
                &root,
                format!("service folder `{folder}` is not kebab-case"),
                Some(format!(
                    "use lower-case letters, digits and single `-`, starting with a letter (`{help}`)"
                )),
            );
        }
        let module = snake(folder);
        if folder == ALL_SERVICES {
            self.error(
                &root,
                format!("service folder `{folder}` clashes with the crate's feature `{folder}`, which enables every service"),
                Some("choose another folder name".into()),
            );
        } else if matches!(folder, "common" | "endpoints" | "support") {
            self.error(
                &root,
                format!("service folder `{folder}` clashes with the crate's own `{folder}` module"),
                Some("choose another folder name".into()),
            );
        } else if module.starts_with("r#") || module.ends_with('_') {
            self.error(
                &root,
                format!("service folder `{folder}` gives the module `{module}`, a Rust keyword"),
                Some("the module's folder in the generated crate must be a plain name: choose another folder name".into()),
            );
        }
        if let Some(other) = same_module {
            self.error(
                &root,
                format!("service folders `{other}` and `{folder}` both give the module `{module}`"),
                None,
            );
        }
    }

    pub(super) fn service_manifest(&mut self, manifest: &ServiceFile) {
        let root = FieldPath::root();
        self.docs(&root.key("title"), &manifest.title);
        self.docs(&root.key("docs"), &manifest.docs);
        if !is_namespace(&manifest.namespace) {
            self.error(
                &root.key("namespace"),
                format!(
                    "namespace `{}` is not a resource provider namespace",
                    manifest.namespace
                ),
                Some("write the provider's namespace as Azure lists it: dot-separated names of letters and digits, each starting with a letter (`Microsoft.ServiceBus`)".into()),
            );
        }
        let security = &manifest.security;
        if security.kind != "oauth2" {
            self.error(
                &root.key("security").key("type"),
                format!("security type `{}` is not supported", security.kind),
                Some("the only supported type is `oauth2`".into()),
            );
        }
        if !is_https_url(&security.authorization_url) {
            self.error(
                &root.key("security").key("authorizationUrl"),
                format!(
                    "authorization URL `{}` is not an https URL",
                    security.authorization_url
                ),
                None,
            );
        }
    }
}

impl Cx<'_, '_> {
    /// An operation's path names its resource provider (`/providers/Microsoft.ServiceBus/...`):
    /// it must be the service's `namespace`, which names the operation's tracing spans.
    pub(super) fn path_provider(&mut self, path: &str, namespace: &str) {
        if !is_namespace(namespace) {
            return;
        }
        let mut segments = path.split('/');
        while let Some(segment) = segments.next() {
            if !segment.eq_ignore_ascii_case("providers") {
                continue;
            }
            let Some(provider) = segments.next() else {
                break;
            };
            if provider.contains('{') || provider.eq_ignore_ascii_case(namespace) {
                continue;
            }
            self.error_within(
                &FieldPath::root().key("path"),
                provider,
                format!(
                    "the path's resource provider `{provider}` is not the service's namespace `{namespace}`"
                ),
                Some("a service is one resource provider: correct `namespace` in service.yaml, or move the operation to its provider's service".into()),
            );
        }
    }
}

/// A resource provider namespace: dot-separated names, at least two, of ASCII letters and
/// digits, each starting with a letter (`Microsoft.ServiceBus`, `Dynatrace.Observability`).
fn is_namespace(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        let valid = part.starts_with(|c: char| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

#[cfg(test)]
mod tests {
    use super::is_namespace;

    #[test]
    fn namespaces_are_dotted_names() {
        for good in ["Microsoft.ServiceBus", "Dynatrace.Observability", "A.B2.C"] {
            assert!(is_namespace(good), "{good}");
        }
        for bad in [
            "",
            "Microsoft",
            "Microsoft.",
            ".Microsoft",
            "Microsoft..X",
            "Microsoft.Service Bus",
            "Microsoft.2x",
            "Microsoft/ServiceBus",
            "Microsoft.Service-Bus",
        ] {
            assert!(!is_namespace(bad), "{bad}");
        }
    }
}
