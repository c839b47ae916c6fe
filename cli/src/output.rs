//! Where things are written: data on stdout (a table by default, JSON with `--output json`),
//! progress and diagnostics on stderr: a spinner with the elapsed time when stderr is a
//! terminal, plain lines otherwise (no escape codes in pipes or CI logs).

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How results are printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people: aligned columns (or `path  value` lines for one object).
    Table,
    /// For scripts: the documented JSON shapes.
    Json,
}

/// The spinner, while one runs.
static SPINNER: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Shows `message` as the current step: on the spinner when stderr is a terminal (starting
/// it), else as a line on stderr.
pub fn status(message: &str) {
    let mut spinner = SPINNER.lock().unwrap_or_else(PoisonError::into_inner);
    if spinner.is_none() && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        *spinner = Some(bar);
    }
    match spinner.as_ref() {
        Some(bar) => bar.set_message(message.to_owned()),
        None => eprintln!("{message}"),
    }
}

/// Writes a line on stderr, above the spinner if one runs.
pub fn log_line(line: &str) {
    let spinner = SPINNER.lock().unwrap_or_else(PoisonError::into_inner);
    match spinner.as_ref() {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    }
}

/// Stops the spinner, clearing it.
pub fn done() {
    if let Some(bar) = SPINNER
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    {
        bar.finish_and_clear();
    }
}

/// Prints a JSON value on stdout, pretty.
pub fn print_json(value: &Value) {
    done();
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    );
}

/// Aligned columns under a header line; the last column is not padded.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut text = String::new();
        for (i, cell) in cells.into_iter().enumerate() {
            if i == last {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut text = line(header.to_vec());
    for row in rows {
        text.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    text
}

/// One object as `path  value` lines (nested fields dotted, array items by index); a scalar as
/// itself.
pub fn flat(value: &Value) -> String {
    let mut rows = Vec::new();
    flatten(value, String::new(), &mut rows);
    if let [(path, value)] = rows.as_slice()
        && path.is_empty()
    {
        return format!("{value}\n");
    }
    let width = rows
        .iter()
        .map(|(p, _)| p.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(path, value)| format!("{path:<width$}  {value}\n"))
        .collect()
}

fn flatten(value: &Value, path: String, rows: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                flatten(item, join(key), rows);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                flatten(item, join(&i.to_string()), rows);
            }
        }
        Value::String(text) => rows.push((path, text.clone())),
        other => rows.push((path, other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_columns() {
        let rows = vec![
            vec!["a".to_owned(), "long value".to_owned(), "x".to_owned()],
            vec!["longer".to_owned(), "b".to_owned(), String::new()],
        ];
        assert_eq!(
            table(&["ONE", "TWO", "THREE"], &rows),
            "ONE     TWO         THREE\na       long value  x\nlonger  b\n"
        );
    }

    #[test]
    fn objects_flatten_to_paths() {
        let value =
            json!({"name": "n", "properties": {"on": true, "list": ["a", {"b": 1}]}, "empty": {}});
        assert_eq!(
            flat(&value),
            "empty                {}\nname                 n\nproperties.list.0    a\nproperties.list.1.b  1\nproperties.on        true\n"
        );
        assert_eq!(flat(&json!("text")), "text\n");
    }
}
