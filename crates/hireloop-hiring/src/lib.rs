//! Hiring mode: a team runs real candidates through the loop.
//!
//! Everything here is pure — rules and computations over values the store hands in — so the
//! server stays thin and every rule is testable without a database. People decide in this mode;
//! the coach's view is advice only, and the decision engine of `hireloop-core` applies the
//! pipeline's gates and the bar raiser's veto.

pub mod audit;
pub mod blind;
pub mod debrief;
pub mod ics;
pub mod import;
pub mod link;
pub mod offer;
pub mod reports;
pub mod roles;
pub mod scorecard;
pub mod timeline;
pub mod webhook;
