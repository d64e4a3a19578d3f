//! (roles) — being written.
