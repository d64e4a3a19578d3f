//! Sample size for a test on a proportion: Evan Miller's formula (the figure most A/B calculators
//! print), with the arcsine (Cohen's h) answer of statsmodels' `NormalIndPower` beside it.

use serde::Serialize;

use super::error::AbError;
use crate::dist::{normal_cdf, normal_pdf, normal_quantile, normal_sf};

/// The smallest effect worth detecting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mde {
    /// A fraction of the baseline: 0.1 is a 10% lift (4% → 4.4%).
    Relative(f64),
    /// Percentage points as a fraction: 0.004 is 4% → 4.4%.
    Absolute(f64),
}

/// What a sample size is asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerInput {
    /// The control's conversion rate, in (0, 1).
    pub baseline: f64,
    /// The effect to detect.
    pub mde: Mde,
    /// Significance level of the two-sided test.
    pub alpha: f64,
    /// Probability of detecting the effect when it is there.
    pub power: f64,
}

/// The sample size, with the figures it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerResult {
    /// The control's rate.
    pub baseline: f64,
    /// The treatment's rate at the minimum detectable effect.
    pub target: f64,
    /// The effect as a difference of rates.
    pub mde_absolute: f64,
    /// The effect as a fraction of the baseline.
    pub mde_relative: f64,
    /// Significance level (two-sided).
    pub alpha: f64,
    /// Power.
    pub power: f64,
    /// Units per arm by Evan Miller's formula, rounded up.
    pub n_per_arm: u64,
    /// Units in both arms.
    pub total: u64,
    /// Units per arm by the arcsine method (statsmodels' `NormalIndPower` with Cohen's h), rounded up.
    pub n_per_arm_arcsine: u64,
}

/// Evan Miller's sample size per arm for baseline `p` and difference `delta`: the null spread is
/// the baseline's, the alternative's is the average of both arms'. Like his calculator, a
/// baseline above one half is mirrored.
pub fn evan_miller_n(p: f64, delta: f64, alpha: f64, power: f64) -> f64 {
    let p = if p > 0.5 { 1.0 - p } else { p };
    let z_a = normal_quantile(1.0 - alpha / 2.0);
    let z_b = normal_quantile(power);
    let sd1 = (2.0 * p * (1.0 - p)).sqrt();
    let sd2 = (p * (1.0 - p) + (p + delta) * (1.0 - p - delta)).sqrt();
    let s = z_a * sd1 + z_b * sd2;
    s * s / (delta * delta)
}

/// Units per arm for the two-sided z-test on Cohen's `h = 2 asin √p₂ − 2 asin √p₁`, counting
/// both rejection tails as statsmodels does: solves `Φ(−c + s) + Φ(−c − s) = power` for
/// `s = |h|·√(n/2)`.
pub fn arcsine_n(p1: f64, p2: f64, alpha: f64, power: f64) -> f64 {
    let h = (2.0 * p2.sqrt().asin() - 2.0 * p1.sqrt().asin()).abs();
    let c = normal_quantile(1.0 - alpha / 2.0);
    let mut s = c + normal_quantile(power);
    for _ in 0..50 {
        let f = normal_sf(c - s) + normal_cdf(-c - s) - power;
        let slope = normal_pdf(c - s) - normal_pdf(c + s);
        if slope <= 0.0 {
            break;
        }
        let step = f / slope;
        s -= step;
        if step.abs() <= 1e-15 * s.abs() {
            break;
        }
    }
    2.0 * (s / h) * (s / h)
}

/// Checks the request and computes the sample sizes.
pub fn sample_size(input: &PowerInput) -> Result<PowerResult, AbError> {
    let PowerInput {
        baseline,
        mde,
        alpha,
        power,
    } = *input;
    if !(baseline > 0.0 && baseline < 1.0) {
        return Err(AbError::invalid(format!(
            "--baseline is {baseline}: a conversion rate strictly between 0 and 1 (such as 0.04 or 4%)"
        )));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(AbError::invalid(format!(
            "--alpha is {alpha}: it must be between 0 and 1 (such as 0.05)"
        )));
    }
    if !(power > alpha / 2.0 && power < 1.0) {
        return Err(AbError::invalid(format!(
            "--power is {power}: it must be between alpha/2 and 1 (such as 0.8)"
        )));
    }
    let delta = match mde {
        Mde::Relative(r) => baseline * r,
        Mde::Absolute(d) => d,
    };
    if !delta.is_finite() || delta == 0.0 {
        return Err(AbError::invalid(
            "--mde is zero: give the smallest change worth detecting, such as 10%",
        ));
    }
    let target = baseline + delta;
    if !(target > 0.0 && target < 1.0) {
        return Err(AbError::invalid(format!(
            "--mde moves the rate from {baseline} to {target}, outside (0, 1): use a smaller effect"
        )));
    }
    let n = evan_miller_n(baseline, delta, alpha, power).ceil();
    let n_arcsine = arcsine_n(baseline, target, alpha, power).ceil();
    Ok(PowerResult {
        baseline,
        target,
        mde_absolute: delta,
        mde_relative: delta / baseline,
        alpha,
        power,
        n_per_arm: n as u64,
        total: 2 * n as u64,
        n_per_arm_arcsine: n_arcsine as u64,
    })
}
