//! (ics) — being written.
