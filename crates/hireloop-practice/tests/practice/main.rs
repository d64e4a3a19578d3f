//! Integration tests of the practice loop: golden plans and reports under `tests/data`, grading,
//! the culture-fit gate, spaced repetition, the story bank, progress, and properties.
//!
//! Golden files: run with `UPDATE_GOLDEN=1` to rewrite them after an intended change, then review
//! the diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod errors;
mod grading;
mod plans;
mod progress;
mod properties;
mod reports;
mod schedule;
mod stories;
mod util;
