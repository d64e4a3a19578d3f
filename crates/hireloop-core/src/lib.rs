//! The core of hireloop: an interview process as code.
//!
//! - [`pipeline`]: stages, rounds, gates and variants by level and region; plans per candidate.
//! - [`content`]: the rubric, values, mistakes, levels and bands, checklist, figures and questions.
//! - [`decision`]: turns evaluations into stage outcomes and a hiring decision, with a trace.
//!
//! This crate does no I/O: callers hand it text and get values and [`diag::Diagnostics`] back.

pub mod content;
pub mod decision;
pub mod diag;
pub mod level;
pub mod pipeline;
pub mod scale;
mod tomlread;

pub use content::Content;
pub use diag::{Diagnostic, Diagnostics, Loc, Severity, SourceFile};
pub use level::{Level, LevelRange};
pub use scale::{Rating, Recommendation};
