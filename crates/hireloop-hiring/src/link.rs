//! (link) — being written.
