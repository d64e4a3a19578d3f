//! (import) — being written.
