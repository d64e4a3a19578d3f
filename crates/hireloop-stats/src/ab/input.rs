//! The experiment to analyse: variants, metrics with their sufficient statistics, the decision
//! metric and guardrails. Read from the JSON input, or built from a per-user CSV; every check that
//! makes it safe to analyse is made here, once, with messages that name what is wrong and where.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::error::AbError;
use super::stats::{MetricKind, SufficientStats, Summary};

/// A checked experiment, ready to analyse.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// Variant names, in the order of the input.
    pub variants: Vec<String>,
    /// Index of the control in `variants`.
    pub control: usize,
    /// The metrics.
    pub metrics: Vec<Metric>,
    /// Index of the metric the decision rests on.
    pub decision_metric: usize,
    /// Indices of the guardrail metrics.
    pub guardrails: Vec<usize>,
    /// Significance level: confidence intervals are at `1 − alpha`.
    pub alpha: f64,
    /// Planned traffic weight of each variant (for the sample-ratio check).
    pub weights: Vec<f64>,
}

/// One metric with its statistics per variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Name, as in the input.
    pub name: String,
    /// Proportion, mean or ratio.
    pub kind: MetricKind,
    /// Whether an increase is good (false for latency, bounce rate, cost…).
    pub higher_is_better: bool,
    /// Statistics per variant, in the order of `Experiment::variants`.
    pub stats: Vec<SufficientStats>,
    /// Mean and per-unit variance per variant, computed from `stats`.
    pub summaries: Vec<Summary>,
}

/// A metric as given, before checks: statistics keyed by variant name.
#[derive(Debug, Clone)]
pub struct MetricInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: MetricKind,
    /// Whether an increase is good.
    pub higher_is_better: bool,
    /// Statistics per variant name.
    pub stats: Vec<(String, SufficientStats)>,
}

/// Everything an experiment is built from, before checks.
#[derive(Debug, Clone)]
pub struct ExperimentInput {
    /// Variant names.
    pub variants: Vec<String>,
    /// The control's name; the first variant when absent.
    pub control: Option<String>,
    /// Metrics.
    pub metrics: Vec<MetricInput>,
    /// The decision metric's name; the first metric when absent.
    pub decision_metric: Option<String>,
    /// Guardrail metric names.
    pub guardrails: Vec<String>,
    /// Significance level; 0.05 when absent.
    pub alpha: Option<f64>,
    /// Planned traffic weights, one per variant; equal when absent.
    pub weights: Option<Vec<f64>>,
}

impl ExperimentInput {
    /// Reads the JSON input of `hireloop ab`, checking syntax, field names and metric types;
    /// [`Experiment::build`] checks the rest.
    pub fn from_json(text: &str) -> Result<Self, AbError> {
        let raw: RawExperiment = serde_json::from_str(text).map_err(|e| AbError::Json {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()).to_string(),
        })?;
        let metrics = raw
            .metrics
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.into_input(i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            variants: raw.variants,
            control: raw.control,
            metrics,
            decision_metric: raw.decision_metric,
            guardrails: raw.guardrails,
            alpha: raw.alpha,
            weights: raw.weights,
        })
    }
}

impl Experiment {
    /// Reads and checks the JSON input of `hireloop ab`.
    pub fn from_json(text: &str) -> Result<Self, AbError> {
        Self::build(ExperimentInput::from_json(text)?)
    }

    /// Checks an experiment's parts and computes each metric's summaries.
    pub fn build(input: ExperimentInput) -> Result<Self, AbError> {
        let ExperimentInput {
            variants,
            control,
            metrics,
            decision_metric,
            guardrails,
            alpha,
            weights,
        } = input;
        if variants.len() < 2 {
            return Err(AbError::invalid(format!(
                "`variants` lists {} variant(s): an A/B test needs a control and at least one treatment",
                variants.len()
            )));
        }
        let mut seen = HashSet::new();
        for v in &variants {
            if v.is_empty() {
                return Err(AbError::invalid("`variants` has an empty name"));
            }
            if !seen.insert(v.as_str()) {
                return Err(AbError::invalid(format!("`variants` lists `{v}` twice")));
            }
        }
        let control = match control {
            None => 0,
            Some(c) => variants.iter().position(|v| *v == c).ok_or_else(|| {
                AbError::invalid(format!(
                    "the control `{c}` is not among the variants ({})",
                    variants.join(", ")
                ))
            })?,
        };
        let alpha = alpha.unwrap_or(0.05);
        if !(alpha > 0.0 && alpha < 0.5) {
            return Err(AbError::invalid(format!(
                "`alpha` is {alpha}: it must be between 0 and 0.5 (0.05 gives 95% intervals)"
            )));
        }
        let weights = match weights {
            None => vec![1.0; variants.len()],
            Some(w) => {
                if w.len() != variants.len() {
                    return Err(AbError::invalid(format!(
                        "`weights` has {} value(s) for {} variants: give one planned share per variant, in the order of `variants`",
                        w.len(),
                        variants.len()
                    )));
                }
                if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
                    return Err(AbError::invalid(
                        "`weights` must be non-negative numbers, not all zero",
                    ));
                }
                w
            }
        };
        if metrics.is_empty() {
            return Err(AbError::invalid(
                "`metrics` is empty: give at least one metric",
            ));
        }
        let mut names = HashSet::new();
        let mut checked = Vec::with_capacity(metrics.len());
        for (i, m) in metrics.into_iter().enumerate() {
            let label = metric_label(i, &m.name);
            if m.name.is_empty() {
                return Err(AbError::invalid(format!("{label}: `name` is empty")));
            }
            if !names.insert(m.name.clone()) {
                return Err(AbError::invalid(format!(
                    "{label}: another metric has the same name"
                )));
            }
            checked.push(check_metric(&label, m, &variants)?);
        }
        let find = |role: &str, name: &str| {
            checked.iter().position(|m| m.name == name).ok_or_else(|| {
                let known: Vec<&str> = checked.iter().map(|m| m.name.as_str()).collect();
                AbError::invalid(format!(
                    "the {role} `{name}` is not among the metrics ({})",
                    known.join(", ")
                ))
            })
        };
        let decision_metric = match &decision_metric {
            None => 0,
            Some(name) => find("decision_metric", name)?,
        };
        let mut guards = Vec::new();
        for g in &guardrails {
            let i = find("guardrail", g)?;
            if i == decision_metric {
                return Err(AbError::invalid(format!(
                    "`{g}` is both the decision metric and a guardrail: a guardrail protects a different metric"
                )));
            }
            if !guards.contains(&i) {
                guards.push(i);
            }
        }
        Ok(Self {
            variants,
            control,
            metrics: checked,
            decision_metric,
            guardrails: guards,
            alpha,
            weights,
        })
    }
}

fn metric_label(i: usize, name: &str) -> String {
    if name.is_empty() {
        format!("metrics[{i}]")
    } else {
        format!("metric `{name}`")
    }
}

fn check_metric(label: &str, m: MetricInput, variants: &[String]) -> Result<Metric, AbError> {
    let mut by_name: BTreeMap<&str, SufficientStats> = BTreeMap::new();
    for (v, s) in &m.stats {
        if !variants.contains(v) {
            return Err(AbError::invalid(format!(
                "{label}: `stats` has a variant `{v}` that `variants` does not list ({})",
                variants.join(", ")
            )));
        }
        if s.kind() != m.kind {
            return Err(AbError::invalid(format!(
                "{label}, variant `{v}`: the statistics are those of a {} metric, but the metric's type is {}",
                s.kind().name(),
                m.kind.name()
            )));
        }
        by_name.insert(v, *s);
    }
    let mut stats = Vec::with_capacity(variants.len());
    let mut summaries = Vec::with_capacity(variants.len());
    for v in variants {
        let s = by_name.get(v.as_str()).ok_or_else(|| {
            AbError::invalid(format!(
                "{label}: `stats` has nothing for the variant `{v}`"
            ))
        })?;
        let summary = s
            .summarise()
            .map_err(|e| AbError::invalid(format!("{label}, variant `{v}`: {e}")))?;
        stats.push(*s);
        summaries.push(summary);
    }
    Ok(Metric {
        name: m.name,
        kind: m.kind,
        higher_is_better: m.higher_is_better,
        stats,
        summaries,
    })
}

/// serde_json appends " at line L column C"; the position leads our message instead.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExperiment {
    variants: Vec<String>,
    #[serde(default)]
    control: Option<String>,
    metrics: Vec<RawMetric>,
    #[serde(default)]
    decision_metric: Option<String>,
    #[serde(default)]
    guardrails: Vec<String>,
    #[serde(default)]
    alpha: Option<f64>,
    #[serde(default)]
    weights: Option<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    higher_is_better: Option<bool>,
    stats: BTreeMap<String, RawStats>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStats {
    n: Option<f64>,
    sum: Option<f64>,
    sum_squares: Option<f64>,
    num_sum: Option<f64>,
    num_sum_squares: Option<f64>,
    den_sum: Option<f64>,
    den_sum_squares: Option<f64>,
    num_den_sum: Option<f64>,
}

const PROPORTION_FIELDS: &[&str] = &["n", "sum"];
const MEAN_FIELDS: &[&str] = &["n", "sum", "sum_squares"];
const RATIO_FIELDS: &[&str] = &[
    "n",
    "num_sum",
    "num_sum_squares",
    "den_sum",
    "den_sum_squares",
    "num_den_sum",
];

impl RawMetric {
    fn into_input(self, i: usize) -> Result<MetricInput, AbError> {
        let label = metric_label(i, &self.name);
        let kind = MetricKind::parse(&self.kind).ok_or_else(|| {
            AbError::invalid(format!(
                "{label}: unknown metric type `{}` (use proportion, mean or ratio)",
                self.kind
            ))
        })?;
        let stats = self
            .stats
            .into_iter()
            .map(|(v, s)| {
                let at = |msg: String| AbError::invalid(format!("{label}, variant `{v}`: {msg}"));
                let s = s.into_stats(kind).map_err(at)?;
                Ok((v, s))
            })
            .collect::<Result<Vec<_>, AbError>>()?;
        Ok(MetricInput {
            name: self.name,
            kind,
            higher_is_better: self.higher_is_better.unwrap_or(true),
            stats,
        })
    }
}

impl RawStats {
    fn present(&self) -> Vec<(&'static str, f64)> {
        [
            ("n", self.n),
            ("sum", self.sum),
            ("sum_squares", self.sum_squares),
            ("num_sum", self.num_sum),
            ("num_sum_squares", self.num_sum_squares),
            ("den_sum", self.den_sum),
            ("den_sum_squares", self.den_sum_squares),
            ("num_den_sum", self.num_den_sum),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }

    fn into_stats(self, kind: MetricKind) -> Result<SufficientStats, String> {
        let fields = match kind {
            MetricKind::Proportion => PROPORTION_FIELDS,
            MetricKind::Mean => MEAN_FIELDS,
            MetricKind::Ratio => RATIO_FIELDS,
        };
        let present = self.present();
        let get = |name: &str| {
            present
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    format!(
                        "`{name}` is missing (a {} metric needs {})",
                        kind.name(),
                        fields.join(", ")
                    )
                })
        };
        for (k, v) in &present {
            if fields.contains(k) {
                continue;
            }
            // A 0/1 column's sum of squares equals its sum, so tools often emit it; accept it
            // when it says nothing new.
            if kind == MetricKind::Proportion && *k == "sum_squares" && Some(*v) == self.sum {
                continue;
            }
            return Err(format!(
                "`{k}` does not belong to a {} metric (it takes {})",
                kind.name(),
                fields.join(", ")
            ));
        }
        Ok(match kind {
            MetricKind::Proportion => SufficientStats::Proportion {
                n: get("n")?,
                sum: get("sum")?,
            },
            MetricKind::Mean => SufficientStats::Mean {
                n: get("n")?,
                sum: get("sum")?,
                sum_squares: get("sum_squares")?,
            },
            MetricKind::Ratio => SufficientStats::Ratio {
                n: get("n")?,
                num_sum: get("num_sum")?,
                num_sum_squares: get("num_sum_squares")?,
                den_sum: get("den_sum")?,
                den_sum_squares: get("den_sum_squares")?,
                num_den_sum: get("num_den_sum")?,
            },
        })
    }
}
