//! Errors and warnings about specs, located by file, line and field path, and rendered like a
//! compiler diagnostic. Every stage collects them instead of stopping at the first.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation fails.
    Error,
    /// Generation goes on; the maintainer should look.
    Warning,
}

/// One problem in one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Spec path relative to the specs folder.
    pub file: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// Dotted path of the field inside the file (`responses.200.schema`); empty for the file.
    pub field: String,
    /// What is wrong, naming the bad value.
    pub message: String,
    /// What would be valid, or a near miss.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn new(
        file: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            position: None,
            field: field.into(),
            message: message.into(),
            help,
        }
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// The same diagnostic at a line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match self.position {
            Some((line, column)) => writeln!(f, "  --> {}:{line}:{column}", self.file)?,
            None => writeln!(f, "  --> {}", self.file)?,
        }
        if !self.field.is_empty() {
            writeln!(f, "   = field: {}", self.field)?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

/// A list of diagnostics, kept in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, diag: Diagnostic) {
        self.0.push(diag);
    }

    /// Adds all of another list.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Only the warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// `Ok(value)` unless an error was collected; warnings are dropped here, so read them first.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diag in &self.0 {
            writeln!(f, "{diag}")?;
        }
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.0.len() - errors;
        write!(f, "{errors} error(s), {warnings} warning(s)")
    }
}

/// The closest candidate to `wrong` by edit distance, if it is close enough to be a likely typo.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let limit = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wrong.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let names = ["AccessKeys", "KeyType", "ErrorResponse"];
        assert_eq!(
            suggest("AcessKeys", names).as_deref(),
            Some("did you mean `AccessKeys`?")
        );
        assert_eq!(suggest("Completely", names), None);
    }

    #[test]
    fn renders_like_a_compiler() {
        let diag = Diagnostic::new(
            "svc/op.yaml",
            "responses.200.schema",
            "unknown schema `AcessKeys`",
            Some("did you mean `AccessKeys`?".into()),
        )
        .at(12, 5);
        assert_eq!(
            diag.to_string(),
            "error: unknown schema `AcessKeys`\n  --> svc/op.yaml:12:5\n   = field: responses.200.schema\n   = help: did you mean `AccessKeys`?\n"
        );
    }
}
