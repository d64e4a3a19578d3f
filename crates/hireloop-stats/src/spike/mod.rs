//! A discrete-event simulation of an 11.11 order spike: Poisson arrivals whose rate jumps for a
//! while, a pool of servers with exponential service times, classes of orders with their value,
//! a policy that decides who is served first and who is turned away, and clients who give up when
//! they wait too long.
//!
//! ```
//! use hireloop_stats::spike::{Scenario, simulate};
//!
//! let scenario = Scenario::builtin().unwrap();
//! let outcome = simulate(&scenario).unwrap();
//! let high = &outcome.classes[0];
//! assert_eq!(high.arrivals, high.served + high.shed + high.abandoned);
//! ```
//!
//! - [`scenario`]: the model and its checks; [`Scenario::problems`] lists everything wrong.
//! - [`policy`]: fifo, priority and priority-shed.
//! - [`ScenarioDoc`]: reading a scenario from TOML, with the line and column of each problem.
//! - [`simulate`]: the event-driven simulator; its [`Outcome`] is the report.

mod engine;
mod histogram;
pub mod outcome;
pub mod policy;
mod read;
pub mod scenario;

pub use engine::simulate;
pub use outcome::{ClassOutcome, ClassSeries, Durations, LoadPoint, Outcome, Series, Totals};
pub use read::{DEFAULT_SCENARIO, DEFAULT_SEED, ScenarioDoc};
pub use scenario::{
    Abandonment, Arrivals, OrderClass, PatienceDistribution, Place, Policy, PolicyKind, Problem,
    Scenario, ScenarioError, Service,
};
