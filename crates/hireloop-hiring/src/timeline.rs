//! (timeline) — being written.
