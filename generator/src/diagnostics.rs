//! Errors and warnings about specs, located by file, line, column and field path, and rendered
//! like a compiler diagnostic:
//!
//! ```text
//! error: unknown schema `AcessKeys`
//!   --> event-hubs/regenerate-keys.yaml:12:13
//!    |
//! 12 |     schema: AcessKeys
//!    |             ^^^^^^^^^
//!    = field: responses.200.schema
//!    = help: did you mean `AccessKeys`?
//! ```
//!
//! Every stage collects them instead of stopping at the first.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation fails.
    Error,
    /// Generation goes on; the maintainer should look.
    Warning,
}

/// What kind of failure an error is, for the command line's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A mistake in a spec: fix the spec.
    Spec,
    /// The machine failed: a file could not be read, or a tool could not run.
    Io,
}

/// One problem in one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A spec mistake or an I/O failure.
    pub kind: Kind,
    /// Spec path relative to the specs folder.
    pub file: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// The text of the line at `position`, shown under the location.
    pub source_line: Option<String>,
    /// Dotted path of the field inside the file (`responses.200.schema`); empty for the file.
    pub field: String,
    /// What is wrong, naming the bad value.
    pub message: String,
    /// What would be valid, or a near miss.
    pub help: Option<String>,
    /// A warning's kind, printed in brackets, by which a spec can acknowledge it
    /// (`pattern-length`).
    pub code: Option<&'static str>,
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
            kind: Kind::Spec,
            file: file.into(),
            position: None,
            source_line: None,
            field: field.into(),
            message: message.into(),
            help,
            code: None,
        }
    }

    /// The same diagnostic as a warning of the kind `code`.
    pub fn warning(mut self, code: &'static str) -> Self {
        self.severity = Severity::Warning;
        self.code = Some(code);
        self
    }

    /// The same diagnostic as an I/O failure rather than a spec mistake.
    pub fn io(mut self) -> Self {
        self.kind = Kind::Io;
        self
    }

    /// The same diagnostic at a line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }

    /// The same diagnostic at a line and column of `text`, whose line is then shown.
    pub fn at_in(mut self, text: &str, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self.source_line = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end().to_string());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.code {
            Some(code) => writeln!(f, "{label}[{code}]: {}", self.message)?,
            None => writeln!(f, "{label}: {}", self.message)?,
        }
        let gutter = match (self.position, &self.source_line) {
            (Some((line, _)), Some(_)) => line.to_string().len(),
            _ => 1,
        };
        let pad = " ".repeat(gutter);
        match self.position {
            Some((line, column)) => writeln!(f, "{pad}--> {}:{line}:{column}", self.file)?,
            None => writeln!(f, "{pad}--> {}", self.file)?,
        }
        if let (Some((line, column)), Some(text)) = (self.position, &self.source_line) {
            let text = text.replace('\t', " ");
            let start = column.saturating_sub(1);
            let width = underline_width(&text, start).min(MAX_UNDERLINE);
            // A long line (an XML example on one line, say) is cut after the underlined part.
            let keep = (start + width).max(MAX_LINE);
            let text = if text.chars().count() > keep {
                let cut: String = text.chars().take(keep).collect();
                format!("{cut} ...")
            } else {
                text
            };
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {text}")?;
            writeln!(f, "{pad} | {}{}", " ".repeat(start), "^".repeat(width))?;
        }
        if !self.field.is_empty() {
            writeln!(f, "{pad} = field: {}", self.field)?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// The longest underline drawn, in characters.
const MAX_UNDERLINE: usize = 60;
/// Source lines longer than this are cut after the underline.
const MAX_LINE: usize = 160;

/// How many characters of `line` from character `start` form the token there: a quoted scalar
/// through its closing quote, a key up to its colon, a plain value up to a flow delimiter or a
/// comment. At least one.
fn underline_width(line: &str, start: usize) -> usize {
    let chars: Vec<char> = line.chars().skip(start).collect();
    let Some(&first) = chars.first() else {
        return 1;
    };
    if first == '\'' || first == '"' {
        let mut i = 1;
        while i < chars.len() {
            if chars[i] == first {
                // A doubled single quote is an escaped quote inside a single-quoted scalar.
                if first == '\'' && chars.get(i + 1) == Some(&'\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            if first == '"' && chars[i] == '\\' {
                i += 1;
            }
            i += 1;
        }
        return chars.len().max(1);
    }
    if first == '-' && chars.get(1) == Some(&' ') {
        return 1;
    }
    if first == '{'
        && let Some(close) = chars.iter().position(|c| *c == '}')
    {
        return close + 1;
    }
    // `,`, `]` and `}` end a value only inside a flow collection (`[a, b]`, `{a: b}`).
    let before: String = line.chars().take(start).collect();
    let depth = before.chars().filter(|c| matches!(c, '[' | '{')).count() as isize
        - before.chars().filter(|c| matches!(c, ']' | '}')).count() as isize;
    let in_flow = depth > 0;
    let mut end = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (in_flow && matches!(c, ',' | ']' | '}'))
            || (c == ':' && chars.get(i + 1).is_none_or(|n| *n == ' '))
            || (c == '#' && i > 0 && chars[i - 1] == ' ')
        {
            break;
        }
        i += 1;
        if !c.is_whitespace() {
            end = i;
        }
    }
    end.max(1)
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
        self.errors().next().is_some()
    }

    /// True when any error is an I/O failure rather than a spec mistake.
    pub fn has_io_errors(&self) -> bool {
        self.errors().any(|d| d.kind == Kind::Io)
    }

    /// Only the errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
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
        let errors = self.errors().count();
        let warnings = self.0.len() - errors;
        let files: std::collections::BTreeSet<&str> =
            self.errors().map(|d| d.file.as_str()).collect();
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        if errors > 0 {
            write!(
                f,
                "{} in {}, {}",
                plural(errors, "error"),
                plural(files.len(), "file"),
                plural(warnings, "warning")
            )
        } else {
            write!(f, "{}", plural(warnings, "warning"))
        }
    }
}

/// The closest candidate to `wrong` by edit distance, if it is close enough to be a likely typo
/// (or differs only in case), as help text: ``did you mean `AccessKeys`?``.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The closest candidate to `wrong`, if it is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(1);
    let wrong_lower = wrong.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != wrong)
        .map(|c| (edit_distance(&wrong_lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
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
        assert_eq!(
            suggest("keytype", names).as_deref(),
            Some("did you mean `KeyType`?")
        );
        assert_eq!(suggest("Completely", names), None);
        assert_eq!(suggest("KeyType", names), None, "never suggests itself");
    }

    #[test]
    fn renders_like_a_compiler() {
        let text = "docs: x\nresponses:\n  '200':\n    schema: AcessKeys # typo\n";
        let diag = Diagnostic::new(
            "svc/op.yaml",
            "responses.200.schema",
            "unknown schema `AcessKeys`",
            Some("did you mean `AccessKeys`?".into()),
        )
        .at_in(text, 4, 13);
        let expected = [
            "error: unknown schema `AcessKeys`",
            " --> svc/op.yaml:4:13",
            "  |",
            "4 |     schema: AcessKeys # typo",
            "  |             ^^^^^^^^^",
            "  = field: responses.200.schema",
            "  = help: did you mean `AccessKeys`?",
            "",
        ];
        assert_eq!(diag.to_string(), expected.join("\n"));
        let bare = Diagnostic::new("svc/op.yaml", "", "op.yaml should be get.yaml", None)
            .warning("file-name");
        assert_eq!(
            bare.to_string(),
            "warning[file-name]: op.yaml should be get.yaml\n --> svc/op.yaml\n"
        );
    }

    #[test]
    fn underlines_the_token() {
        assert_eq!(underline_width("  schema: 'a b' # c", 10), 5);
        assert_eq!(underline_width("  schema: a b # c", 10), 3);
        assert_eq!(underline_width("  patern: x", 2), 6);
        assert_eq!(underline_width("enum: [A, B]", 7), 1);
        assert_eq!(underline_width("path: /a/{b}/c", 6), 8);
        assert_eq!(underline_width("path: /a/{b}/c", 9), 3);
        assert_eq!(underline_width("x: 'it''s'", 3), 7);
        assert_eq!(underline_width("  - name: a", 2), 1);
        assert_eq!(underline_width("", 0), 1);
    }

    #[test]
    fn summarises_counts() {
        let mut diags = Diagnostics::default();
        diags.push(Diagnostic::new("a.yaml", "", "one", None));
        diags.push(Diagnostic::new("a.yaml", "", "two", None));
        diags.push(Diagnostic::new("b.yaml", "", "three", None).warning("file-name"));
        assert!(diags.to_string().ends_with("2 errors in 1 file, 1 warning"));
        assert!(!diags.has_io_errors());
        diags.push(Diagnostic::new("c.yaml", "", "unreadable", None).io());
        assert!(diags.has_io_errors());
    }
}
