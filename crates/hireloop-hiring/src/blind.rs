//! (blind) — being written.
