//! (audit) — being written.
