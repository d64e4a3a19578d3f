//! Integration tests of the core: data-driven cases under `tests/data`, and properties.
//!
//! Golden files: each input has an expected output beside it. Run with `UPDATE_GOLDEN=1` to
//! rewrite them after an intended change, then review the diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod content;
mod decisions;
mod pipelines;
mod properties;
mod util;
