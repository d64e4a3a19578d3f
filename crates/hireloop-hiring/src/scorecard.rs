//! (scorecard) — being written.
