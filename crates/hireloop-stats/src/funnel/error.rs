//! What can go wrong reading an event log or defining a funnel, with the place in the file.

use thiserror::Error;

/// A problem with the event log or the funnel definition. Problems in the file say where: line
/// (1-based) and column (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FunnelError {
    /// The input has no bytes (or only a byte-order mark and blank space).
    #[error(
        "the file is empty: expected a header line naming the columns user_id, event and timestamp"
    )]
    Empty,
    /// A header line and nothing else.
    #[error("the file has a header line but no events")]
    NoEvents,
    /// A required column (or the breakdown column) is not in the header.
    #[error("line 1: no column `{column}` in the header (columns: {found})")]
    MissingColumn {
        /// The column looked for.
        column: String,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// The same column name twice in the header, so which one to read is ambiguous.
    #[error("line 1: the column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The repeated name.
        column: String,
    },
    /// A row with more or fewer fields than the header.
    #[error("line {line}: {found} fields where the header has {expected}")]
    Ragged {
        /// Line of the row.
        line: usize,
        /// Fields in the row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A field opened with `"` that is never closed.
    #[error("line {line}, column {column}: a quoted field is never closed")]
    UnclosedQuote {
        /// Line where the field starts.
        line: usize,
        /// Column where the field starts.
        column: usize,
    },
    /// Text between a closing quote and the next comma or line end.
    #[error("line {line}, column {column}: unexpected text after the closing quote of a field")]
    TextAfterQuote {
        /// Line of the text.
        line: usize,
        /// Column of the text.
        column: usize,
    },
    /// A timestamp that is neither epoch seconds nor RFC 3339.
    #[error(
        "line {line}, column {column}: malformed timestamp `{value}` in `{name}`: expected epoch \
         seconds (1700000000.5) or RFC 3339 (2023-11-14T22:13:20Z)"
    )]
    BadTimestamp {
        /// Line of the field.
        line: usize,
        /// Column where the field starts.
        column: usize,
        /// The column's name in the header.
        name: String,
        /// The field as written (shortened when long).
        value: String,
    },
    /// A row without a user id.
    #[error("line {line}, column {column}: empty user id in `{name}`")]
    EmptyUser {
        /// Line of the field.
        line: usize,
        /// Column where the field starts.
        column: usize,
        /// The column's name in the header.
        name: String,
    },
    /// A user id longer than anyone needs (4 GiB).
    #[error("line {line}, column {column}: the user id in `{name}` is too long")]
    LongUser {
        /// Line of the field.
        line: usize,
        /// Column where the field starts.
        column: usize,
        /// The column's name in the header.
        name: String,
    },
    /// Step events that no row of the file has; usually a typo.
    #[error("{}", unknown_steps_message(missing, others))]
    UnknownSteps {
        /// The step events that never occur, in funnel order.
        missing: Vec<String>,
        /// Some of the other event names the file does have.
        others: Vec<String>,
    },
    /// The funnel definition itself is wrong (no steps, a step also excluded, …).
    #[error("{0}")]
    InvalidFunnel(String),
    /// More users or events than the analysis can index.
    #[error("the file holds more than {} users or events", u32::MAX - 2)]
    TooLarge,
}

fn unknown_steps_message(missing: &[String], others: &[String]) -> String {
    let list = |v: &[String]| {
        v.iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let what = if missing.len() == 1 {
        "step never occurs"
    } else {
        "steps never occur"
    };
    let mut msg = format!("{what} in the file: {}", list(missing));
    if !others.is_empty() {
        msg.push_str(&format!(" (events in the file include {})", list(others)));
    }
    msg
}
