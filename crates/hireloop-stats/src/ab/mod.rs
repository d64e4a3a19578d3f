//! A/B test analysis: proportion, mean and ratio metrics from sufficient statistics (or a
//! per-user CSV), Welch's t-test on absolute and relative effects, the Bayesian chance to win and
//! expected loss, the sample-ratio-mismatch check, a ship / don't ship / keep running decision,
//! and sample sizes for planning.
//!
//! The statistics follow GrowthBook's gbstats 0.8 (`TwoSidedTTest`, `EffectBayesianABTest` with
//! its uninformative prior, `check_srm`), with Student's t computed exactly at any degrees of
//! freedom (see [`crate::dist`]); the golden tests hold them to gbstats within 1e-6.

mod bayes;
mod csv;
mod decision;
mod error;
mod freq;
mod input;
mod power;
mod srm;
mod stats;

use serde::Serialize;
use serde::ser::SerializeMap;

pub use bayes::{Bayesian, effect_posterior};
pub use csv::{ColumnMetric, CsvSpec, experiment_from_csv, parse_metric_spec};
pub use decision::{Decision, Verdict};
pub use error::AbError;
pub use freq::{Effect, NoTest, TTest, welch};
pub use input::{Experiment, ExperimentInput, Metric, MetricInput};
pub use power::{Mde, PowerInput, PowerResult, arcsine_n, evan_miller_n, sample_size};
pub use srm::{SRM_THRESHOLD, Srm, srm_p_value};
pub use stats::{MetricKind, SufficientStats, Summary};

/// The analysis of one experiment: the JSON contract of `hireloop ab`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The control variant.
    pub control: String,
    /// Confidence level of the intervals (`1 − alpha`).
    pub confidence: f64,
    /// The sample-ratio check on the decision metric's units.
    pub srm: Srm,
    /// Each metric, in input order.
    pub metrics: Vec<MetricReport>,
    /// Ship, don't ship or keep running, with reasons.
    pub decision: Decision,
}

/// One metric's values and comparisons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricReport {
    /// Name.
    pub name: String,
    /// Proportion, mean or ratio.
    #[serde(rename = "type")]
    pub kind: MetricKind,
    /// Whether an increase is good.
    pub higher_is_better: bool,
    /// The metric's value per variant.
    pub values: VariantValues,
    /// One entry per treatment (each variant but the control).
    pub comparisons: Vec<Comparison>,
}

/// Values keyed by variant, serialised as a JSON object in variant order.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantValues(pub Vec<(String, f64)>);

impl Serialize for VariantValues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A treatment against the control on one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The treatment.
    pub variant: String,
    /// Treatment − control; `null` when no test is possible.
    pub absolute: Option<Effect>,
    /// (Treatment − control) / control; `null` when no test is possible or the control is 0.
    pub relative: Option<Effect>,
    /// Chance to win and expected loss of the relative effect; `null` without a relative effect.
    pub bayesian: Option<Bayesian>,
    /// Why a part is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Analyses a checked experiment.
pub fn analyse(exp: &Experiment) -> Report {
    let metrics: Vec<MetricReport> = exp.metrics.iter().map(|m| metric_report(exp, m)).collect();
    let users: Vec<f64> = exp.metrics[exp.decision_metric]
        .summaries
        .iter()
        .map(|s| s.n)
        .collect();
    let srm = srm::check(&users, &exp.weights);
    let decision = decision::decide(exp, &metrics, &srm);
    Report {
        control: exp.variants[exp.control].clone(),
        confidence: 1.0 - exp.alpha,
        srm,
        metrics,
        decision,
    }
}

fn metric_report(exp: &Experiment, m: &Metric) -> MetricReport {
    let control = &m.summaries[exp.control];
    let comparisons = exp
        .variants
        .iter()
        .zip(&m.summaries)
        .enumerate()
        .filter(|(i, _)| *i != exp.control)
        .map(|(_, (variant, treatment))| compare(variant, control, treatment, m, exp.alpha))
        .collect();
    MetricReport {
        name: m.name.clone(),
        kind: m.kind,
        higher_is_better: m.higher_is_better,
        values: VariantValues(
            exp.variants
                .iter()
                .cloned()
                .zip(m.summaries.iter().map(|s| s.mean))
                .collect(),
        ),
        comparisons,
    }
}

fn compare(
    variant: &str,
    control: &Summary,
    treatment: &Summary,
    m: &Metric,
    alpha: f64,
) -> Comparison {
    match welch(control, treatment, alpha) {
        Ok(t) => {
            let bayesian = t
                .relative
                .map(|r| effect_posterior(r.effect, r.se, m.higher_is_better));
            let note = t.relative.is_none().then(|| {
                "the control's value is 0, so there is no relative effect; only the absolute one is tested".to_string()
            });
            Comparison {
                variant: variant.to_string(),
                absolute: Some(t.absolute),
                relative: t.relative,
                bayesian,
                note,
            }
        }
        Err(why) => {
            let who = match why {
                NoTest::ControlConstant => "the control's",
                NoTest::TreatmentConstant => "this variant's",
            };
            Comparison {
                variant: variant.to_string(),
                absolute: None,
                relative: None,
                bayesian: None,
                note: Some(format!(
                    "{who} values do not vary (a share of 0% or 100%, or one value for every unit), so no test is possible yet"
                )),
            }
        }
    }
}
