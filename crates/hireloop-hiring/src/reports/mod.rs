//! Hiring reports — being written.
