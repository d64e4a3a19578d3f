//! The scenario a spike simulation runs: arrivals, servers, order classes, the admission and
//! scheduling policy, and how long clients wait before giving up. Plain data with public fields,
//! so callers can build or adjust one in code; [`Scenario::problems`] says what is wrong with it.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use super::policy::{Policy, PolicyKind};

/// The most orders a scenario may expect: about two minutes of simulation at full speed, and well
/// within the counters' range.
pub const MAX_EXPECTED_ARRIVALS: f64 = 2e9;

/// The most samples the recorded time series may hold.
pub const MAX_SAMPLES: f64 = 100_000.0;

/// The most servers a scenario may have (one slot each in the completion heap).
pub const MAX_SERVERS: i64 = 10_000_000;

/// The most order classes a scenario may have.
pub const MAX_CLASSES: usize = 1000;

/// The most orders that may pile up waiting (about 40 bytes each).
pub const MAX_BACKLOG: f64 = 5e7;

/// How shares may miss 1 and still be read as summing to it (they are often written as decimals).
const SHARE_TOLERANCE: f64 = 1e-6;

/// A complete scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// A name for reports, such as "10x spike".
    pub name: Option<String>,
    /// The seed of the random streams: the same scenario and seed give the same result.
    pub seed: u64,
    /// The arrival-rate profile.
    pub arrivals: Arrivals,
    /// The servers.
    pub service: Service,
    /// The order classes, in the order they were written.
    pub classes: Vec<OrderClass>,
    /// Who is served first and who is turned away.
    pub policy: Policy,
    /// When clients give up waiting; `None` when they never do.
    pub abandonment: Option<Abandonment>,
    /// Orders arriving before this time (seconds) are simulated but not counted, so a stationary
    /// run can skip the start from an empty system.
    pub warmup: f64,
    /// Seconds between two points of the recorded time series; `None` picks horizon / 240.
    pub sample_interval: Option<f64>,
}

/// The arrival-rate profile: Poisson arrivals at `base_rate` per second, multiplied by
/// `spike_multiple` from `spike_start` for `spike_length` seconds; arrivals stop at `horizon`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Arrivals {
    /// Orders per second outside the spike.
    pub base_rate: f64,
    /// The rate during the spike, as a multiple of the base rate.
    pub spike_multiple: f64,
    /// When the spike starts, in seconds from the start.
    pub spike_start: f64,
    /// How long the spike lasts, in seconds.
    pub spike_length: f64,
    /// When arrivals stop, in seconds; orders already in are followed until they leave.
    pub horizon: f64,
}

/// A stretch of time with a constant arrival rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateSegment {
    /// Start, in seconds.
    pub start: f64,
    /// End, in seconds (excluded).
    pub end: f64,
    /// Orders per second.
    pub rate: f64,
}

impl Arrivals {
    /// The profile as consecutive constant-rate segments from 0 to the horizon; empty segments
    /// are left out.
    pub fn segments(&self) -> Vec<RateSegment> {
        let spike_end = (self.spike_start + self.spike_length).min(self.horizon);
        let spike_start = self.spike_start.min(self.horizon);
        let pieces = [
            (0.0, spike_start, self.base_rate),
            (spike_start, spike_end, self.base_rate * self.spike_multiple),
            (spike_end, self.horizon, self.base_rate),
        ];
        pieces
            .into_iter()
            .filter(|&(start, end, _)| end > start)
            .map(|(start, end, rate)| RateSegment { start, end, rate })
            .collect()
    }

    /// The rate during the spike.
    pub fn peak_rate(&self) -> f64 {
        self.base_rate * self.spike_multiple
    }

    /// The expected number of arrivals over the horizon.
    pub fn expected_arrivals(&self) -> f64 {
        self.segments()
            .iter()
            .map(|s| (s.end - s.start) * s.rate)
            .sum()
    }
}

/// The servers: `servers` identical servers, each finishing an order in an exponential time of
/// mean 1/`rate`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Service {
    /// How many orders can be processed at once.
    pub servers: u32,
    /// Orders per second one server completes.
    pub rate: f64,
}

impl Service {
    /// Orders per second all servers complete together.
    pub fn capacity(&self) -> f64 {
        f64::from(self.servers) * self.rate
    }
}

/// A class of orders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderClass {
    /// Name, unique in the scenario.
    pub name: String,
    /// Share of arrivals, in (0, 1]; the shares sum to 1.
    pub share: f64,
    /// Value of one order (in any currency), to count the value kept and lost.
    pub value: f64,
    /// Serving order under `priority` and `priority-shed`: smaller is served first. `None`
    /// ranks classes by value, highest first.
    pub priority: Option<u32>,
    /// Whether `priority-shed` may turn this class away. `None`: every class but those of the
    /// first priority.
    pub sheddable: Option<bool>,
}

/// How long a client waits for its order to start being processed before giving up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Abandonment {
    /// Seconds: every client's patience, or the mean patience when exponential.
    pub patience: f64,
    /// How patience varies between clients.
    pub distribution: PatienceDistribution,
}

/// How patience varies between clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatienceDistribution {
    /// Every client gives up after exactly `patience` seconds.
    Deterministic,
    /// Patience is exponential with mean `patience` seconds.
    Exponential,
}

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field, as a path: `arrivals.base_rate`, `classes[1].share`.
    pub field: String,
    /// Where it was written, when the scenario came from a file.
    pub place: Option<Place>,
    /// What is wrong, for a person.
    pub message: String,
}

/// A line and column in a scenario file, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl Place {
    /// The place of a byte offset in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Place {
        let mut cut = offset.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let before = &text[..cut];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Place {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.place {
            write!(f, "{}:{}: ", p.line, p.column)?;
        }
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Everything wrong with a scenario: every problem found, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The problems, in the order of the fields.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Collects problems while checking.
struct Check {
    problems: Vec<Problem>,
}

impl Check {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            place: None,
            message: message.into(),
        });
    }

    fn at_least_zero(&mut self, field: &str, value: f64) -> bool {
        if !value.is_finite() {
            self.fail(field, format!("must be a finite number (got {value})"));
            false
        } else if value < 0.0 {
            self.fail(field, format!("must be zero or more (got {value})"));
            false
        } else {
            true
        }
    }

    fn above_zero(&mut self, field: &str, value: f64) -> bool {
        if !value.is_finite() {
            self.fail(field, format!("must be a finite number (got {value})"));
            false
        } else if value <= 0.0 {
            self.fail(field, format!("must be above zero (got {value})"));
            false
        } else {
            true
        }
    }
}

impl Scenario {
    /// Every problem with the scenario; empty when it can run.
    pub fn problems(&self) -> Vec<Problem> {
        let mut c = Check {
            problems: Vec::new(),
        };
        self.check_arrivals(&mut c);
        self.check_service(&mut c);
        self.check_classes(&mut c);
        self.check_policy(&mut c);
        if let Some(a) = &self.abandonment {
            c.above_zero("abandonment.patience", a.patience);
        } else if c.problems.is_empty() {
            let backlog = self.backlog_without_abandonment();
            if backlog > MAX_BACKLOG {
                c.fail(
                    "abandonment",
                    format!(
                        "nobody gives up, so about {backlog:.1e} orders would pile up waiting; at \
                         most {MAX_BACKLOG:.0e} are held: add an [abandonment] table, shed with \
                         priority-shed, or add servers"
                    ),
                );
            }
        }
        if c.at_least_zero("warmup", self.warmup)
            && self.arrivals.horizon.is_finite()
            && self.warmup >= self.arrivals.horizon
        {
            c.fail(
                "warmup",
                format!(
                    "must end before the horizon of {} s (got {} s)",
                    self.arrivals.horizon, self.warmup
                ),
            );
        }
        if let Some(dt) = self.sample_interval
            && c.above_zero("sample_interval", dt)
            && self.arrivals.horizon.is_finite()
            && self.arrivals.horizon / dt > MAX_SAMPLES
        {
            c.fail(
                "sample_interval",
                format!(
                    "{dt} s gives {:.0} samples over the horizon; at most {MAX_SAMPLES} are kept",
                    self.arrivals.horizon / dt
                ),
            );
        }
        c.problems
    }

    fn check_arrivals(&self, c: &mut Check) {
        let a = &self.arrivals;
        let rates_ok = c.at_least_zero("arrivals.base_rate", a.base_rate)
            & c.at_least_zero("arrivals.spike_multiple", a.spike_multiple);
        let times_ok = c.at_least_zero("arrivals.spike_start", a.spike_start)
            & c.at_least_zero("arrivals.spike_length", a.spike_length)
            & c.above_zero("arrivals.horizon", a.horizon);
        if times_ok && a.spike_start + a.spike_length > a.horizon {
            c.fail(
                "arrivals.spike_length",
                format!(
                    "the spike ends at {} s, after the horizon of {} s",
                    a.spike_start + a.spike_length,
                    a.horizon
                ),
            );
        }
        if rates_ok && times_ok {
            let expected = a.expected_arrivals();
            if expected <= 0.0 {
                c.fail(
                    "arrivals.base_rate",
                    "no order would arrive: the base rate, or the spike, must be above zero",
                );
            } else if expected > MAX_EXPECTED_ARRIVALS {
                c.fail(
                    "arrivals.horizon",
                    format!(
                        "about {expected:.1e} orders would arrive; at most {MAX_EXPECTED_ARRIVALS:.1e} \
                         are simulated in one run (shorten the horizon or lower the rates)"
                    ),
                );
            }
        }
    }

    fn check_service(&self, c: &mut Check) {
        if self.service.servers == 0 {
            c.fail("service.servers", "must be at least 1 (got 0)");
        } else if i64::from(self.service.servers) > MAX_SERVERS {
            c.fail(
                "service.servers",
                format!(
                    "must be at most {MAX_SERVERS} (got {})",
                    self.service.servers
                ),
            );
        }
        c.above_zero("service.rate", self.service.rate);
    }

    fn check_classes(&self, c: &mut Check) {
        if self.classes.is_empty() {
            c.fail("classes", "at least one order class is needed");
            return;
        }
        if self.classes.len() > MAX_CLASSES {
            c.fail(
                "classes",
                format!(
                    "at most {MAX_CLASSES} order classes (got {})",
                    self.classes.len()
                ),
            );
        }
        let mut all_shares_ok = true;
        for (i, class) in self.classes.iter().enumerate() {
            let field = |f: &str| format!("classes[{i}].{f}");
            if class.name.trim().is_empty() {
                c.fail(field("name"), "must not be empty");
            } else if let Some(first) = self.classes[..i].iter().position(|o| o.name == class.name)
            {
                c.fail(
                    field("name"),
                    format!("\"{}\" is already the name of classes[{first}]", class.name),
                );
            }
            if c.above_zero(&field("share"), class.share) {
                if class.share > 1.0 {
                    c.fail(
                        field("share"),
                        format!("must be at most 1 (got {})", class.share),
                    );
                    all_shares_ok = false;
                }
            } else {
                all_shares_ok = false;
            }
            c.at_least_zero(&field("value"), class.value);
        }
        let sum: f64 = self.classes.iter().map(|k| k.share).sum();
        if all_shares_ok && (sum - 1.0).abs() > SHARE_TOLERANCE {
            let shares: Vec<String> = self.classes.iter().map(|k| k.share.to_string()).collect();
            c.fail(
                "classes[0].share",
                format!(
                    "the shares of the classes must sum to 1; {} = {sum}",
                    shares.join(" + ")
                ),
            );
        }
    }

    fn check_policy(&self, c: &mut Check) {
        match (self.policy.kind, self.policy.queue_limit) {
            (PolicyKind::PriorityShed, None) => c.fail(
                "policy.queue_limit",
                "priority-shed needs a queue limit: shed while this many orders or more wait",
            ),
            (PolicyKind::PriorityShed, Some(_)) => {
                if !self.classes.is_empty() && self.sheddable_classes().iter().all(|s| !s) {
                    c.fail(
                        "policy.kind",
                        "priority-shed has no class to shed: by default every class but those of \
                         the first priority may be shed; set `sheddable = true` on a class",
                    );
                }
            }
            (kind, Some(_)) => c.fail(
                "policy.queue_limit",
                format!("only priority-shed takes a queue limit (the policy is {kind})"),
            ),
            (_, None) => {}
        }
    }

    /// The largest number of orders that could be waiting at once when nobody gives up: the
    /// arrivals the policy never sheds, beyond capacity, accumulated over the segments.
    fn backlog_without_abandonment(&self) -> f64 {
        let kept = if self.policy.kind == PolicyKind::PriorityShed {
            self.classes
                .iter()
                .zip(self.sheddable_classes())
                .filter(|(_, shed)| !shed)
                .map(|(k, _)| k.share)
                .sum()
        } else {
            1.0
        };
        let capacity = self.service.capacity();
        let mut backlog: f64 = 0.0;
        let mut peak: f64 = 0.0;
        for s in self.arrivals.segments() {
            backlog = (backlog + (s.rate * kept - capacity) * (s.end - s.start)).max(0.0);
            peak = peak.max(backlog);
        }
        peak
    }

    /// The priority rank of each class: 0 is served first. Explicit priorities are ranked by
    /// number; without them classes rank by value, highest first, and ties keep the written
    /// order. Under `fifo` every class has rank 0.
    pub fn priority_ranks(&self) -> Vec<usize> {
        if self.policy.kind == PolicyKind::Fifo {
            vec![0; self.classes.len()]
        } else {
            super::policy::ranks_by_priority(&self.classes)
        }
    }

    /// Whether `priority-shed` may turn each class away: as written, or every class but those of
    /// the first priority.
    pub fn sheddable_classes(&self) -> Vec<bool> {
        self.classes
            .iter()
            .zip(super::policy::ranks_by_priority(&self.classes))
            .map(|(k, rank)| k.sheddable.unwrap_or(rank > 0))
            .collect()
    }

    /// The interval between two samples of the time series.
    pub fn sample_interval(&self) -> f64 {
        self.sample_interval
            .unwrap_or(self.arrivals.horizon / 240.0)
    }
}
