//! The sample-ratio-mismatch check: does the observed split of units across variants fit the
//! planned split? A chi-square goodness-of-fit test, as gbstats' `check_srm`.

use serde::Serialize;

use crate::dist::chi_squared_sf;

/// Below this p-value the split is taken as broken (gbstats' threshold).
pub const SRM_THRESHOLD: f64 = 0.001;

/// The result of the check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Srm {
    /// P-value of the chi-square test.
    pub p_value: f64,
    /// Whether the split fits the plan (`p_value ≥ 0.001`).
    pub ok: bool,
    /// Units per variant, in the order of the variants.
    pub users: Vec<u64>,
    /// The planned share of each variant.
    pub expected_shares: Vec<f64>,
    /// What to do when the split does not fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// The chi-square p-value of the observed `users` against the planned `weights`. Variants with
/// a weight of zero are left out of the statistic, as in gbstats.
pub fn srm_p_value(users: &[f64], weights: &[f64]) -> f64 {
    let total: f64 = users.iter().sum();
    let total_weight: f64 = weights.iter().sum();
    if total <= 0.0 || total_weight <= 0.0 {
        return 1.0;
    }
    let mut x = 0.0;
    for (&o, &w) in users.iter().zip(weights) {
        if w <= 0.0 {
            continue;
        }
        let e = w / total_weight * total;
        x += (o - e) * (o - e) / e;
    }
    let df = users.len().saturating_sub(1).max(1) as f64;
    chi_squared_sf(x, df)
}

/// Runs the check and explains a failure.
pub fn check(users: &[f64], weights: &[f64]) -> Srm {
    let p_value = srm_p_value(users, weights);
    let ok = p_value >= SRM_THRESHOLD;
    let total_weight: f64 = weights.iter().sum();
    let expected_shares = weights.iter().map(|w| w / total_weight).collect();
    let warning = (!ok).then(|| {
        format!(
            "sample ratio mismatch: the split of users differs from the plan (p = {}, below {SRM_THRESHOLD}); assignment or logging is broken somewhere, so no result of this test can be trusted until the cause is found",
            short_p(p_value)
        )
    });
    // Counts were checked to be whole and non-negative when the input was read.
    let users: Vec<u64> = users.iter().map(|&u| u as u64).collect();
    Srm {
        p_value,
        ok,
        users,
        expected_shares,
        warning,
    }
}

/// A p-value in a few significant digits.
pub(crate) fn short_p(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}
