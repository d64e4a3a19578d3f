//! What a spike simulation reports. Serialised as the JSON of `hireloop spike --format json`;
//! field names are a stable contract.

use serde::Serialize;

use super::scenario::Scenario;
use crate::queueing::Mmc;

/// The result of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The scenario that ran, with every default filled in.
    pub scenario: Scenario,
    /// One entry per order class, in the scenario's order.
    pub classes: Vec<ClassOutcome>,
    /// All classes together, and the servers.
    pub total: Totals,
    /// Closed-form M/M/c figures at the base and the peak arrival rate: what the system does
    /// when a rate lasts long enough to settle.
    pub steady_state: SteadyState,
    /// The recorded time series.
    pub series: Series,
}

/// The fate of one class of orders. Counts cover orders arriving after the warm-up; every such
/// order is served, shed or abandoned (arrivals stop at the horizon and the run goes on until
/// the last order leaves).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassOutcome {
    /// The class's name.
    pub name: String,
    /// Value of one order.
    pub value: f64,
    /// Serving rank under the policy: 0 is served first (always 0 under `fifo`).
    pub priority_rank: usize,
    /// Whether the policy may shed this class (only ever true under `priority-shed`).
    pub sheddable: bool,
    /// Orders that arrived.
    pub arrivals: u64,
    /// Orders processed.
    pub served: u64,
    /// Orders turned away on arrival by the policy.
    pub shed: u64,
    /// Orders whose client gave up before processing started.
    pub abandoned: u64,
    /// served / arrivals; `null` without arrivals.
    pub served_fraction: Option<f64>,
    /// Among served orders, the share that waited at all.
    pub waited_fraction: Option<f64>,
    /// Waiting time before processing started, over served orders (seconds).
    pub wait: Durations,
    /// Waiting plus processing time, over served orders (seconds).
    pub latency: Durations,
    /// served × value.
    pub value_kept: f64,
    /// (shed + abandoned) × value.
    pub value_lost: f64,
}

/// A summary of durations in seconds; `null` fields when there was nothing to summarise.
/// Quantiles are the value of rank ⌊q·(n−1)⌋ in sorted order, within 0.1%.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Durations {
    /// Mean.
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Largest.
    pub max: Option<f64>,
}

/// All classes together, and how busy the servers were.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Totals {
    /// Orders that arrived.
    pub arrivals: u64,
    /// Orders processed.
    pub served: u64,
    /// Orders shed.
    pub shed: u64,
    /// Orders abandoned.
    pub abandoned: u64,
    /// served / arrivals.
    pub served_fraction: Option<f64>,
    /// Value of the orders served.
    pub value_kept: f64,
    /// Value of the orders shed or abandoned.
    pub value_lost: f64,
    /// Share of server time spent processing between the warm-up and the horizon.
    pub utilisation: f64,
    /// Time-average number of orders waiting between the warm-up and the horizon.
    pub mean_queue: f64,
    /// The most orders waiting at once.
    pub peak_queue: u64,
    /// When the last order left, in seconds.
    pub last_departure: f64,
}

/// Closed-form figures at the base and peak rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SteadyState {
    /// At the base rate.
    pub base: LoadPoint,
    /// At the spike's rate.
    pub peak: LoadPoint,
}

/// The M/M/c queue at one arrival rate, without abandonment or shedding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LoadPoint {
    /// Orders per second.
    pub arrival_rate: f64,
    /// arrival rate / capacity.
    pub load: f64,
    /// Erlang C figures; `null` at or above capacity, where the queue has no steady state.
    pub mmc: Option<Mmc>,
    /// By how many orders per second arrivals exceed capacity (0 below capacity): how fast the
    /// queue grows when nobody gives up and nothing is shed.
    pub excess_rate: f64,
}

/// A time series sampled every `interval` seconds from 0 until the last order left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Seconds between two samples.
    pub interval: f64,
    /// Start of each interval, in seconds.
    pub time: Vec<f64>,
    /// One entry per order class, in the scenario's order.
    pub classes: Vec<ClassSeries>,
    /// Whether recording stopped early because the run outlasted the sample budget.
    pub truncated: bool,
}

/// One class's time series; entry i describes the interval starting at `time[i]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassSeries {
    /// The class's name.
    pub name: String,
    /// Orders waiting at the start of the interval.
    pub queue: Vec<u64>,
    /// At the start of the interval, how long the longest-waiting order of the class had been
    /// waiting (seconds; 0 when none waited). Defined even when no order starts processing.
    pub oldest_wait: Vec<f64>,
    /// Mean wait of the orders whose processing started in the interval; `null` when none did.
    pub mean_wait: Vec<Option<f64>>,
    /// Orders arriving in the interval.
    pub arrivals: Vec<u64>,
    /// Orders whose processing started in the interval.
    pub started: Vec<u64>,
    /// Orders shed in the interval.
    pub shed: Vec<u64>,
    /// Orders abandoned in the interval.
    pub abandoned: Vec<u64>,
}
