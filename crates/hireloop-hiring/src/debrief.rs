//! (debrief) — being written.
