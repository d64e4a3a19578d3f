//! The practice loop: a candidate runs through a whole interview loop and gets explainable,
//! deterministic feedback.
//!
//! - [`setup`]: the choices (pipeline, level, region, language, seed), checked against content.
//! - [`loop_plan`]: the loop drawn for them, round by round, reproducibly from the seed.
//! - [`grade`]: one answer graded — free text by the coach, keyed items against their key, the
//!   resume by the screener — on one 0–4 scale with per-dimension scores.
//! - [`outcome`]: the answers turned into the coach's evaluations and decided by the engine in
//!   practice mode, with the culture-fit gate; [`report`] renders it as Markdown or HTML.
//! - [`schedule`] (spaced repetition with FSRS), [`stories`] (the STAR story bank),
//!   [`progress`] (scores and self-ratings over time) and [`checklist`] (preparation).
//!
//! Pure: no file or network I/O, no clock (callers pass time in as milliseconds since the Unix
//! epoch) and no unseeded randomness. Every state type reads back from the JSON it writes.

pub mod checklist;
pub mod coach_json;
pub mod feedback;
pub mod grade;
pub mod loop_plan;
pub mod outcome;
pub mod progress;
pub mod report;
pub mod schedule;
pub mod setup;
pub mod stories;

mod calendar;
mod draw;
mod error;
mod language;

pub use error::{FieldProblem, PracticeError};
pub use feedback::{Answer, ItemFeedback};
pub use grade::grade_item;
pub use language::Language;
pub use loop_plan::{ItemKind, LoopPlan, PracticeItem, PracticeRound};
pub use outcome::LoopReport;
pub use setup::PracticeSetup;
