//! (offer) — being written.
