//! The quantitative toolkit of the data round: A/B analysis, funnels from event logs, Monte Carlo
//! estimates, launch trade-offs, and a discrete-event simulation of an 11.11 traffic spike.
//!
//! Pure: callers pass data in (text or bytes) and get results back; no file or network access.

pub mod ab;
pub mod dist;
pub mod estimate;
pub mod funnel;
pub mod queueing;
pub mod spike;
pub mod tradeoff;
