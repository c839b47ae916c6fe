//! Masking secrets in JSON: what every printed result, request and log goes through unless
//! `--show-secrets` is given. The generated commands list, per operation, the paths of the
//! fields the spec marks secret.

use serde_json::Value;

/// What a masked value prints as.
pub const REDACTED: &str = "<redacted>";

/// Replaces the value at each path with [`REDACTED`]. A path is wire names from the root; `*`
/// stands for every item of an array or every value of an object.
pub fn redact(value: &mut Value, paths: &[&[&str]]) {
    for path in paths {
        redact_path(value, path);
    }
}

fn redact_path(value: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        if !value.is_null() {
            *value = Value::String(REDACTED.to_owned());
        }
        return;
    };
    match (value, *first) {
        (Value::Array(items), "*") => items.iter_mut().for_each(|v| redact_path(v, rest)),
        (Value::Object(map), "*") => map.values_mut().for_each(|v| redact_path(v, rest)),
        (Value::Object(map), name) => {
            if let Some(v) = map.get_mut(name) {
                redact_path(v, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_each_path_and_nothing_else() {
        let mut value = json!({
            "primaryKey": "s1",
            "keyName": "rule",
            "keys": [{"value": "s2", "keyName": "a"}, {"value": null}],
            "map": {"a": {"value": "s3"}},
            "properties": {"secret": {"nested": 1}},
        });
        redact(
            &mut value,
            &[
                &["primaryKey"],
                &["keys", "*", "value"],
                &["map", "*", "value"],
                &["properties", "secret"],
                &["absent", "field"],
            ],
        );
        assert_eq!(
            value,
            json!({
                "primaryKey": REDACTED,
                "keyName": "rule",
                "keys": [{"value": REDACTED, "keyName": "a"}, {"value": null}],
                "map": {"a": {"value": REDACTED}},
                "properties": {"secret": REDACTED},
            })
        );
    }

    #[test]
    fn a_star_at_the_root_redacts_every_top_level_value() {
        let mut value = json!({"a": "x", "b": 2});
        redact(&mut value, &[&["*"]]);
        assert_eq!(value, json!({"a": REDACTED, "b": REDACTED}));
    }
}
