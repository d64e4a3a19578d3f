//! Monte Carlo estimates from a small estimate language, in the spirit of Squiggle.
//!
//! ```text
//! # GMV of a shopping festival
//! buyers = 300M to 500M          # 90% sure it lies in this range (a lognormal)
//! orders_per_buyer = 2 to 6
//! aov = 150 to 400
//! gmv = buyers * orders_per_buyer * aov
//! ```
//!
//! `a to b` is a lognormal with 5th percentile `a` and 95th percentile `b` when `a > 0`, and a
//! normal with the same percentiles when the range touches zero or goes below. Also:
//! `normal(mean, sd)`, `uniform(low, high)`, `lognormal(mu, sigma)`, numbers with the suffixes k,
//! M, B and % (a hundredth), `+ - * / ^`, unary minus, parentheses, `min(...)`, `max(...)` and
//! the names of earlier lines. The last line is the result.
//!
//! [`Estimator::parse`] checks a model and reports every problem with its line and column;
//! [`Estimator::simulate`] samples it; [`Simulation::estimate`] summarises the result: mean,
//! percentiles, a histogram, and each input's share of the result's variance.
//!
//! **Variance shares.** An input's share is its first-order Sobol index, Var(E[Y | X]) / Var(Y):
//! the part of the result's variance that knowing this input alone would remove. It is estimated
//! from the first [`SHARE_SAMPLES`] samples as the variance of the result's mean within bins of
//! the input, less what noise alone would give (see `stats::BinSums`); its standard error is
//! about 0.002 at that size, and it is checked against models whose shares are known exactly
//! (tests/estimate.rs). When the result is positive by construction (products and ratios of
//! ranges above zero, the usual Fermi estimate), Y is the logarithm of the result: a product's
//! log is a sum, so the shares of independent inputs add up to one and say which assumption
//! drives the spread in orders of magnitude. Otherwise Y is the result itself. Shares add up to
//! one for independent inputs in an additive model; what is missing from one is the part due to
//! interactions between inputs.

mod check;
mod eval;
mod math;
mod stats;
mod syntax;

use std::fmt;

use serde::Serialize;

pub use stats::Bin;
pub use syntax::{BinOp, Expr, ExprKind, Func, Line, Model};

/// Samples drawn when the caller does not say.
pub const DEFAULT_SAMPLES: usize = 100_000;
/// Seed used when the caller does not say: runs are reproducible unless asked otherwise.
pub const DEFAULT_SEED: u64 = 1;
/// Fewest samples accepted: below this the percentiles mean little.
pub const MIN_SAMPLES: usize = 100;
/// Most samples accepted: each uncertain line holds 8 bytes per sample in memory.
pub const MAX_SAMPLES: usize = 10_000_000;
/// Samples of the pilot run that places the bins of the variance shares.
const PILOT_SAMPLES: usize = 1 << 16;
/// Samples the variance shares are estimated from (the first ones): enough for a standard error
/// of about 0.002, and it spares the logarithm of every sample of a long run.
pub const SHARE_SAMPLES: usize = 1 << 18;
/// Below this many samples one thread is faster than starting others.
const PARALLEL_FROM: usize = 1 << 17;
/// Bars of the histogram between the 0.5th and the 99.5th percentile.
pub const HISTOGRAM_BARS: usize = 20;

/// One problem in a model, with its place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{line}:{column}: {message}")]
pub struct Problem {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Problem {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            column,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

/// Every problem found in a model (syntax problems of all lines, or else the problems of
/// meaning of all lines).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ModelError {
    /// The problems, in the order of their places.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
            if let Some(h) = &p.hint {
                write!(f, " (hint: {h})")?;
            }
        }
        Ok(())
    }
}

/// Why a model could not be estimated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EstimateError {
    /// The model has problems.
    #[error("{0}")]
    Model(#[from] ModelError),
    /// The sample count is out of range.
    #[error("{samples} samples asked for; use between {MIN_SAMPLES} and {MAX_SAMPLES}")]
    Samples {
        /// The count asked for.
        samples: usize,
    },
    /// A line overflowed in some samples.
    #[error(
        "{line}:{column}: `{name}` is not a finite number in {count} of {samples} samples: a \
         value overflowed (beyond about 1.8e308)"
    )]
    NotFinite {
        /// Line of the definition.
        line: usize,
        /// Column of the definition.
        column: usize,
        /// The line's name.
        name: String,
        /// Samples affected.
        count: usize,
        /// Samples drawn.
        samples: usize,
    },
}

/// How to sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Samples to draw.
    pub samples: usize,
    /// Seed of the random streams: the same seed gives the same numbers, on any machine.
    pub seed: u64,
    /// Threads to use; the numbers do not depend on it.
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            samples: DEFAULT_SAMPLES,
            seed: DEFAULT_SEED,
            threads: 1,
        }
    }
}

/// Mean and percentiles of a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Summary {
    fn fixed(v: f64) -> Self {
        Self {
            mean: v,
            p5: v,
            p25: v,
            p50: v,
            p75: v,
            p95: v,
        }
    }

    fn of(values: &[f64]) -> Self {
        Self::with_histogram(values, false).0
    }

    /// The summary and, when asked, the histogram, from one pass of selection.
    fn with_histogram(values: &[f64], histogram: bool) -> (Self, Vec<Bin>) {
        let q = stats::quantiles(
            values,
            &[0.0, 0.005, 0.05, 0.25, 0.5, 0.75, 0.95, 0.995, 1.0],
        );
        let summary = Self {
            mean: stats::mean(values),
            p5: q[2],
            p25: q[3],
            p50: q[4],
            p75: q[5],
            p95: q[6],
        };
        let bins = if histogram {
            stats::histogram(values, HISTOGRAM_BARS, [q[0], q[1], q[7], q[8]])
        } else {
            Vec::new()
        };
        (summary, bins)
    }
}

/// The scale on which variance shares are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VarianceScale {
    /// The logarithm of the result (the result is positive by construction).
    Log,
    /// The result itself.
    Linear,
}

/// One input's share of the result's variance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputShare {
    /// The input's name.
    pub name: String,
    /// First-order share of the result's variance, 0 to 1.
    pub share_of_variance: f64,
    /// The input's definition as written (canonical form).
    #[serde(skip)]
    pub definition: String,
    /// Whether the result depends on this input at all.
    #[serde(skip)]
    pub used: bool,
}

/// The estimate of a model's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// Samples drawn.
    pub samples: usize,
    /// Seed used.
    pub seed: u64,
    /// Mean and percentiles of the result.
    pub result: Summary,
    /// Every assumption (a line that draws a distribution of its own), in the order written.
    pub inputs: Vec<InputShare>,
    /// Histogram of the result.
    pub histogram: Vec<Bin>,
    /// Whether shares are of the variance of the result or of its logarithm.
    pub variance_scale: VarianceScale,
    /// The result's name (the last line's name, or its expression).
    #[serde(skip)]
    pub name: String,
}

/// A checked model, ready to sample.
#[derive(Debug, Clone)]
pub struct Estimator {
    model: Model,
    program: check::Program,
}

impl Estimator {
    /// Parses and checks a model. Syntax problems of every line are reported together; if there
    /// are none, the problems of meaning (unknown names, ranges that run backwards, divisions by
    /// something that can be zero...) of every line are.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let model = syntax::parse(text).map_err(|problems| ModelError { problems })?;
        Self::from_model(model)
    }

    /// Checks a model built in code or parsed before.
    pub fn from_model(model: Model) -> Result<Self, ModelError> {
        let program = check::check(&model).map_err(|problems| ModelError { problems })?;
        Ok(Self { model, program })
    }

    /// The model as parsed.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Samples the model, keeping the result's samples, and computes the variance shares of its
    /// inputs on the way.
    pub fn simulate(&self, settings: &Settings) -> Result<Simulation, EstimateError> {
        self.simulate_keeping(settings, &[])
    }

    /// Like [`Estimator::simulate`], also keeping the samples of the lines named in `keep`
    /// (the other lines are computed block by block and not kept, which saves memory and time).
    pub fn simulate_keeping(
        &self,
        settings: &Settings,
        keep: &[&str],
    ) -> Result<Simulation, EstimateError> {
        let n = settings.samples;
        if !(MIN_SAMPLES..=MAX_SAMPLES).contains(&n) {
            return Err(EstimateError::Samples { samples: n });
        }
        let lines = &self.program.lines;
        let last = lines.len() - 1;
        let column_of = |i: usize| match &lines[i].value {
            check::Value::Uncertain { column, .. } => Some(*column),
            check::Value::Fixed(_) => None,
        };
        let mut kept_lines: Vec<usize> = keep
            .iter()
            .filter_map(|name| lines.iter().position(|l| l.name == *name))
            .chain(std::iter::once(last))
            .filter(|&i| column_of(i).is_some())
            .collect();
        kept_lines.sort_unstable();
        kept_lines.dedup();
        let kept_columns: Vec<usize> = kept_lines.iter().filter_map(|&i| column_of(i)).collect();
        // Assumptions: lines that draw a distribution of their own.
        let inputs: Vec<usize> = (0..last)
            .filter(|&i| lines[i].draws && column_of(i).is_some())
            .collect();
        let used: Vec<usize> = inputs
            .iter()
            .copied()
            .filter(|&i| lines[last].depends_on[i])
            .collect();
        let threads = if n >= PARALLEL_FROM {
            settings.threads
        } else {
            1
        };
        let share_n = n.min(SHARE_SAMPLES);
        let mut attribution = None;
        if let (Some(result), false) = (column_of(last), used.is_empty()) {
            // A pilot run over the first samples (the same draws as the full run's first blocks)
            // places each input's bins and the centre of the result.
            let pilot_n = n.min(PILOT_SAMPLES);
            let all: Vec<usize> = (0..self.program.columns).collect();
            let pilot = eval::simulate(&self.program, pilot_n, settings.seed, 1, &all, None);
            let log2_bins = stats::share_bins(share_n);
            let y = &pilot.kept[result];
            let log = lines[last].positive && y.iter().all(|&v| v > 0.0);
            let center = if log {
                stats::mean(&y.iter().map(|&v| math::ln(v)).collect::<Vec<_>>())
            } else {
                stats::mean(y)
            };
            let grids: Vec<(usize, stats::Grid)> = used
                .iter()
                .filter_map(|&i| {
                    let c = column_of(i)?;
                    stats::input_grid(&pilot.kept[c], log2_bins).map(|g| (c, g))
                })
                .collect();
            attribution = Some(eval::Attribution {
                result,
                log,
                center: if center.is_finite() { center } else { 0.0 },
                inputs: grids,
                log2_bins,
                samples: share_n,
            });
        }
        let mut run = eval::simulate(
            &self.program,
            n,
            settings.seed,
            threads,
            &kept_columns,
            attribution.as_ref(),
        );
        for line in lines {
            if let check::Value::Uncertain { column, .. } = &line.value
                && run.nonfinite[*column] > 0
            {
                return Err(EstimateError::NotFinite {
                    line: line.line,
                    column: line.column,
                    name: line.name.clone(),
                    count: run.nonfinite[*column],
                    samples: n,
                });
            }
        }
        // A result that underflowed to zero somewhere has no logarithm there: measure it on the
        // linear scale instead (rare: values below 1e-308).
        if let Some(a) = attribution.as_mut()
            && a.log
            && run.shares.as_ref().is_some_and(|s| s.bad > 0)
        {
            a.log = false;
            a.center = 0.0;
            run = eval::simulate(
                &self.program,
                n,
                settings.seed,
                threads,
                &kept_columns,
                attribution.as_ref(),
            );
        }
        let mut shares = vec![0.0; inputs.len()];
        if let (Some(a), Some(sums)) = (&attribution, &run.shares) {
            for ((column, _), bins) in a.inputs.iter().zip(&sums.inputs) {
                if let Some(k) = inputs.iter().position(|&i| column_of(i) == Some(*column)) {
                    shares[k] = bins.share(share_n, sums.sum, sums.sum_sq);
                }
            }
        }
        let log = attribution.as_ref().map_or(lines[last].positive, |a| a.log);
        Ok(Simulation {
            program: self.program.clone(),
            kept: kept_lines.into_iter().zip(run.kept).collect(),
            inputs,
            shares,
            log,
            settings: *settings,
        })
    }
}

/// The samples of one line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Samples<'a> {
    /// The line is known exactly.
    Fixed(f64),
    /// One value per sample.
    Drawn(&'a [f64]),
}

/// A sampled model: the samples of the result (and of the lines asked for), and the variance
/// shares of the inputs.
#[derive(Debug, Clone)]
pub struct Simulation {
    program: check::Program,
    /// Kept samples, by line index.
    kept: Vec<(usize, Vec<f64>)>,
    /// The inputs (lines that draw), by line index, and their shares.
    inputs: Vec<usize>,
    shares: Vec<f64>,
    log: bool,
    settings: Settings,
}

impl Simulation {
    fn index(&self, name: &str) -> Option<usize> {
        self.program.lines.iter().position(|l| l.name == name)
    }

    fn samples_at(&self, i: usize) -> Option<Samples<'_>> {
        match &self.program.lines[i].value {
            check::Value::Fixed(v) => Some(Samples::Fixed(*v)),
            check::Value::Uncertain { .. } => self
                .kept
                .iter()
                .find(|(line, _)| *line == i)
                .map(|(_, v)| Samples::Drawn(v.as_slice())),
        }
    }

    /// The samples of the line named `name`: its value when fixed, its samples when it is the
    /// result or was asked for in [`Estimator::simulate_keeping`], else `None`.
    pub fn samples(&self, name: &str) -> Option<Samples<'_>> {
        self.index(name).and_then(|i| self.samples_at(i))
    }

    /// The result's name: the last line's name, or its expression when it has none.
    pub fn result_name(&self) -> &str {
        self.program.lines.last().map_or("", |l| l.name.as_str())
    }

    /// Mean and percentiles of the line named `name` (see [`Simulation::samples`]).
    pub fn summary(&self, name: &str) -> Option<Summary> {
        self.samples(name).map(|s| match s {
            Samples::Fixed(v) => Summary::fixed(v),
            Samples::Drawn(values) => Summary::of(values),
        })
    }

    /// The share of samples in which the line named `name` is above `threshold`.
    pub fn probability_above(&self, name: &str, threshold: f64) -> Option<f64> {
        self.samples(name).map(|s| match s {
            Samples::Fixed(v) => f64::from(u8::from(v > threshold)),
            Samples::Drawn(values) => stats::share_above(values, threshold),
        })
    }

    /// A histogram of the line named `name` (see [`HISTOGRAM_BARS`]).
    pub fn histogram(&self, name: &str) -> Option<Vec<Bin>> {
        self.samples(name).map(|s| match s {
            Samples::Fixed(v) => vec![Bin {
                lo: v,
                hi: v,
                count: self.settings.samples as u64,
            }],
            Samples::Drawn(values) => Summary::with_histogram(values, true).1,
        })
    }

    /// The estimate of the result: summary, histogram and variance shares.
    pub fn estimate(&self) -> Estimate {
        let last = self.program.lines.len() - 1;
        let result_line = &self.program.lines[last];
        let (result, histogram) = match self.samples_at(last) {
            Some(Samples::Drawn(values)) => Summary::with_histogram(values, true),
            Some(Samples::Fixed(v)) => (
                Summary::fixed(v),
                vec![Bin {
                    lo: v,
                    hi: v,
                    count: self.settings.samples as u64,
                }],
            ),
            None => (Summary::fixed(f64::NAN), Vec::new()),
        };
        Estimate {
            samples: self.settings.samples,
            seed: self.settings.seed,
            result,
            inputs: self
                .inputs
                .iter()
                .zip(&self.shares)
                .map(|(&i, s)| InputShare {
                    name: self.program.lines[i].name.clone(),
                    // Four decimals: the estimator's noise is larger than that anyway.
                    share_of_variance: (s * 1e4).round() / 1e4,
                    definition: self.program.lines[i].definition.clone(),
                    used: result_line.depends_on[i],
                })
                .collect(),
            histogram,
            variance_scale: if self.log {
                VarianceScale::Log
            } else {
                VarianceScale::Linear
            },
            name: result_line.name.clone(),
        }
    }
}

/// Mean and percentiles of any column of numbers (percentiles interpolated as numpy does).
pub fn summarise(values: &[f64]) -> Summary {
    Summary::of(values)
}

/// Parses one expression of the estimate language that fills `text` (one line), such as
/// `0.3% to 3%` or `normal(100, 15)`; problems are placed on line 1.
pub fn parse_expression(text: &str) -> Result<Expr, Problem> {
    syntax::parse_expression(text)
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    // A third of the name may differ; a name of one or two letters is too short to guess from.
    let limit = name.chars().count() / 3;
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
