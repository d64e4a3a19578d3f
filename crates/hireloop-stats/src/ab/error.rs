//! What can be wrong with an A/B input, said so that the user can find and fix it.

/// A problem with the input of an A/B analysis or a power calculation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbError {
    /// The JSON text does not parse, or a field has the wrong JSON type.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The input parses but does not make sense; the message names the metric, variant and field.
    #[error("{0}")]
    Invalid(String),
    /// A problem in a per-user CSV file.
    #[error("line {line}, column {column}{}: {message}", column_name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default())]
    Csv {
        /// 1-based line (the header is line 1).
        line: usize,
        /// 1-based column.
        column: usize,
        /// The column's name from the header, when known.
        column_name: Option<String>,
        /// What is wrong.
        message: String,
    },
}

impl AbError {
    /// An `Invalid` error from anything printable.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }
}
