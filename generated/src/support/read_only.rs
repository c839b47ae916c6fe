//! Read-only properties: the service sets them, and a request never sends them.
//!
//! One model type serves both directions (a resource read with GET, changed, and sent back
//! with PUT), so a read-only property cannot be left out of the type. Instead it is left out
//! of the wire: request bodies are serialized with a switch on, and every read-only field is
//! skipped while it is on. Any other serialization (`serde_json::to_value(&model)`, a test
//! double answering with the model) keeps the field.

use std::cell::Cell;

thread_local! {
    // Serialization is synchronous, so a thread-local switch cannot leak into another request.
    static WRITING_REQUEST: Cell<bool> = const { Cell::new(false) };
}

/// Runs `write`, which serializes a request body, with read-only properties left out.
pub(crate) fn writing_request<R>(write: impl FnOnce() -> R) -> R {
    /// Restores the previous state even if `write` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WRITING_REQUEST.with(|on| on.set(self.0));
        }
    }
    let _restore = Restore(WRITING_REQUEST.with(|on| on.replace(true)));
    write()
}

/// `skip_serializing_if` of a read-only property: absent, or in a request body.
pub fn skip_read_only<T>(value: &Option<T>) -> bool {
    value.is_none() || WRITING_REQUEST.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Resource {
        #[serde(skip_serializing_if = "skip_read_only")]
        id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    }

    fn resource() -> Resource {
        Resource {
            id: Some("/subscriptions/s".into()),
            location: Some("westus".into()),
        }
    }

    #[test]
    fn read_only_fields_are_left_out_of_requests_only() {
        let request = writing_request(|| serde_json::to_string(&resource()).unwrap());
        assert_eq!(request, r#"{"location":"westus"}"#);
        let plain = serde_json::to_string(&resource()).unwrap();
        assert_eq!(plain, r#"{"id":"/subscriptions/s","location":"westus"}"#);
    }

    #[test]
    fn the_switch_is_restored_after_a_panic_and_when_nested() {
        let caught = std::panic::catch_unwind(|| writing_request(|| panic!("boom")));
        assert!(caught.is_err());
        assert!(!skip_read_only(&Some(1)));
        writing_request(|| {
            writing_request(|| ());
            assert!(
                skip_read_only(&Some(1)),
                "an inner call keeps the switch on"
            );
        });
        assert!(!skip_read_only(&Some(1)));
        assert!(skip_read_only::<u8>(&None));
    }
}
