//! The checked-in specs load: every file parses against the serde types in `load.rs`
//! (`deny_unknown_fields`), and the layout is the one the seeds call for.

use std::path::Path;

use generator::load::load;

fn specs() -> generator::load::SpecSet {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs"));
    match load(root) {
        Ok(set) => set,
        Err(diags) => panic!("specs failed to load:\n{diags:#?}"),
    }
}

#[test]
fn specs_load() {
    let set = specs();

    let folders: Vec<&str> = set.services.iter().map(|s| s.folder.as_str()).collect();
    assert_eq!(
        folders,
        [
            "data-factory",
            "event-hubs",
            "redis-enterprise",
            "service-bus",
            "storage-classic",
        ]
    );
    for service in &set.services {
        assert_eq!(
            service.operations.len(),
            1,
            "service `{}` should have exactly one operation",
            service.folder
        );
    }

    let common = set.common.as_ref().expect("specs/common.yaml is loaded");
    for name in ["ErrorResponse", "ErrorDetail", "ErrorAdditionalInfo"] {
        assert!(
            common.spec.schemas.contains_key(name),
            "common.yaml lacks `{name}`"
        );
    }
}

#[test]
fn operation_ids_and_files() {
    let set = specs();
    let ops: Vec<(&str, &str)> = set
        .services
        .iter()
        .flat_map(|s| s.operations.iter())
        .map(|op| (op.path.as_str(), op.spec.operation_id.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            (
                "data-factory/integration-runtimes-regenerate-auth-key.yaml",
                "IntegrationRuntimes_RegenerateAuthKey"
            ),
            (
                "event-hubs/event-hubs-regenerate-keys.yaml",
                "EventHubs_RegenerateKeys"
            ),
            (
                "redis-enterprise/databases-regenerate-key.yaml",
                "Databases_RegenerateKey"
            ),
            (
                "service-bus/namespaces-regenerate-keys.yaml",
                "Namespaces_RegenerateKeys"
            ),
            (
                "storage-classic/storage-services-regenerate-keys.yaml",
                "StorageServices_RegenerateKeys"
            ),
        ]
    );
}
