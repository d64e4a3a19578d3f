//! Why the practice loop refused an input. Each message names the field or item it is about, so
//! a form can show it next to the right place.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A problem with one field of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field, such as `region` or `action`.
    pub field: String,
    /// What is wrong, naming the value and, where there are few, the valid choices.
    pub message: String,
}

impl FieldProblem {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldProblem {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn list(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why the practice loop refused an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PracticeError {
    /// The setup does not fit the content: every problem, each naming its field.
    #[error("invalid practice setup: {}", list(.0))]
    Setup(Vec<FieldProblem>),
    /// A STAR story with missing or invalid parts: every problem, each naming its field.
    #[error("invalid story: {}", list(.0))]
    Story(Vec<FieldProblem>),
    /// No item with this key in the loop.
    #[error("no item `{key}` in this loop; its items are {known}")]
    UnknownItem {
        /// The key asked for.
        key: String,
        /// The loop's item keys.
        known: String,
    },
    /// The answer does not fit the item (a choice for a free-text item, an option out of range…).
    #[error("item `{key}`: {message}")]
    Answer {
        /// The item.
        key: String,
        /// What is wrong and what the item expects.
        message: String,
    },
    /// The loop names a question the content no longer has.
    #[error("item `{key}` asks question `{question}`, which the content no longer has")]
    MissingQuestion {
        /// The item.
        key: String,
        /// The question id.
        question: String,
    },
    /// The coach refused the answer.
    #[error("item `{key}`: {source}")]
    Coach {
        /// The item.
        key: String,
        /// The coach's reason.
        source: hireloop_coach::CoachError,
    },
    /// The decision engine refused the evaluations made from the answers.
    #[error("the decision engine refused the loop's evaluations: {0}")]
    Decision(#[from] hireloop_core::decision::DecisionError),
}
