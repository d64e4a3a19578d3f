//! (webhook) — being written.
