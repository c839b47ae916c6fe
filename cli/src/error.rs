//! Failures and the exit codes they end the program with. Every message here is safe to print:
//! it never holds a key (the client's errors never quote a body, and ours never quote a value
//! that may be secret).

use std::fmt;
use std::process::ExitCode;

/// The exit codes, one per kind of outcome (documented in `azk --help` and the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// Everything asked for was done.
    Success = 0,
    /// Anything else: a file that cannot be read, an answer that cannot be used, the operator
    /// declining at the prompt.
    Failure = 1,
    /// The command line is wrong (clap's own code), or a confirmation was needed and stdin is
    /// not a terminal. Nothing was sent.
    Usage = 2,
    /// No credential, or the credential could not get a token.
    Auth = 3,
    /// A value was refused before anything was sent: a parameter breaking the spec's rules, a
    /// resource ID of no supported kind, a body that does not fit its schema.
    InvalidArgument = 4,
    /// The service answered with an error, or could not be reached.
    Service = 5,
    /// A rotation stopped with a key changed or perhaps changed: the report says which values
    /// work.
    RotationIncomplete = 6,
    /// The key was rotated and confirmed, but writing it to Key Vault failed.
    NotStored = 7,
}

impl Code {
    /// The process exit code.
    pub fn exit(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

/// A failure with its exit code and a message for stderr.
#[derive(Debug)]
pub struct CliError {
    /// How the program ends.
    pub code: Code,
    /// What went wrong, safe to print.
    pub message: String,
}

impl CliError {
    /// A failure of `code`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The exit code a client error ends the program with.
pub fn code_of(error: &azure_mgmt::Error) -> Code {
    use azure_mgmt::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidParameter { .. }
        | ErrorKind::ResourceId(_)
        | ErrorKind::Encode { .. }
        | ErrorKind::Configuration(_) => Code::InvalidArgument,
        ErrorKind::Credential => Code::Auth,
        _ => Code::Service,
    }
}

/// An error and its sources, each said once: `azure_core`'s transport errors keep the cause in
/// their source.
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

impl From<azure_mgmt::Error> for CliError {
    fn from(error: azure_mgmt::Error) -> Self {
        Self::new(code_of(&error), describe(&error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_documented_values() {
        let codes = [
            Code::Success,
            Code::Failure,
            Code::Usage,
            Code::Auth,
            Code::InvalidArgument,
            Code::Service,
            Code::RotationIncomplete,
            Code::NotStored,
        ];
        let values: Vec<u8> = codes.iter().map(|c| *c as u8).collect();
        assert_eq!(values, [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn descriptions_add_each_cause_once() {
        let error = Layer(
            "request failed",
            Some(Box::new(Layer(
                "connection refused",
                Some(Box::new(Layer("refused", None))),
            ))),
        );
        // "refused" is already said by "connection refused".
        assert_eq!(describe(&error), "request failed: connection refused");
        assert_eq!(describe(&Layer("alone", None)), "alone");
    }
}
