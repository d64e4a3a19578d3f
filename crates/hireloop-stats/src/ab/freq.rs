//! The frequentist test: Welch's t-test on the absolute difference of means, and on the relative
//! difference by the delta method, as gbstats' `TwoSidedTTest` computes them.

use serde::Serialize;

use super::stats::Summary;
use crate::dist::{student_t_quantile, student_t_sf};

/// An effect with its standard error, two-sided confidence interval and p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Effect {
    /// Point estimate: the difference (treatment − control), or that difference divided by the
    /// control's value.
    pub effect: f64,
    /// Standard error of the estimate.
    pub se: f64,
    /// Confidence interval at level `1 − alpha`.
    pub ci: [f64; 2],
    /// Two-sided p-value of "no difference".
    pub p_value: f64,
}

/// Both effects of one comparison and the Welch–Satterthwaite degrees of freedom they share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TTest {
    /// Treatment − control.
    pub absolute: Effect,
    /// (Treatment − control) / control; `None` when the control's value is zero.
    pub relative: Option<Effect>,
    /// Degrees of freedom of the t distribution both effects use.
    pub df: f64,
}

/// Why no test is possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTest {
    /// The control's values do not vary.
    ControlConstant,
    /// The treatment's values do not vary.
    TreatmentConstant,
}

/// Welch's test of treatment `b` against control `a` at level `alpha`.
///
/// Like gbstats, no test is made when either arm's values do not vary (a share of 0% or 100%, or
/// a constant value): the normal approximation has nothing to stand on there.
pub fn welch(a: &Summary, b: &Summary, alpha: f64) -> Result<TTest, NoTest> {
    if a.variance <= 0.0 {
        return Err(NoTest::ControlConstant);
    }
    if b.variance <= 0.0 {
        return Err(NoTest::TreatmentConstant);
    }
    let va = a.variance / a.n;
    let vb = b.variance / b.n;
    let df = (va + vb) * (va + vb) / (va * va / (a.n - 1.0) + vb * vb / (b.n - 1.0));
    let q = student_t_quantile(1.0 - alpha / 2.0, df);
    let effect = |point: f64, variance: f64| {
        let se = variance.sqrt();
        let p_value = (2.0 * student_t_sf((point / se).abs(), df)).min(1.0);
        Effect {
            effect: point,
            se,
            ci: [point - q * se, point + q * se],
            p_value,
        }
    };
    let absolute = effect(b.mean - a.mean, va + vb);
    let relative = (a.mean != 0.0).then(|| {
        let m2 = a.mean * a.mean;
        // The delta method for (mean_b − mean_a) / mean_a.
        let variance = vb / m2 + va * b.mean * b.mean / (m2 * m2);
        effect((b.mean - a.mean) / a.mean, variance)
    });
    Ok(TTest {
        absolute,
        relative,
        df,
    })
}
