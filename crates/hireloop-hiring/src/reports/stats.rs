//! Small statistics shared by the reports, written so that no NaN or infinity escapes.

/// Milliseconds in a day.
pub(crate) const DAY_MS: f64 = 86_400_000.0;
/// Milliseconds in an hour.
pub(crate) const HOUR_MS: f64 = 3_600_000.0;

/// `num / den`, or `None` when the denominator is zero.
pub(crate) fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// The value if it is finite.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The `p` quantile of already sorted values by linear interpolation between closest ranks
/// (type 7): position `(n - 1) · p`. `None` for no values.
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
    finite(a + (h - lo as f64) * (b - a))
}

/// Median and 90th percentile (type 7) of the values, sorting them in place.
pub(crate) fn median_p90(values: &mut [f64]) -> (Option<f64>, Option<f64>) {
    values.sort_unstable_by(f64::total_cmp);
    (quantile_sorted(values, 0.5), quantile_sorted(values, 0.9))
}

/// A running mean and variance (Welford), stable for long runs of similar values.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Running {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Running {
    /// Adds one value.
    pub(crate) fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// How many values were added.
    pub(crate) fn count(&self) -> u64 {
        self.n
    }

    /// The mean, `None` for no values.
    pub(crate) fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean).and_then(finite)
    }

    /// The sample standard deviation (divisor `n - 1`), `None` for fewer than two values.
    pub(crate) fn sd(&self) -> Option<f64> {
        (self.n > 1)
            .then(|| (self.m2.max(0.0) / (self.n - 1) as f64).sqrt())
            .and_then(finite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        assert_eq!(median_p90(&mut v), (Some(2.5), Some(3.7000000000000006)));
        assert_eq!(median_p90(&mut []), (None, None));
        assert_eq!(median_p90(&mut [7.0]), (Some(7.0), Some(7.0)));
        // Ties: the median of 1, 2, 2, 9 is the mean of the two middle values, 2.
        assert_eq!(median_p90(&mut [2.0, 9.0, 1.0, 2.0]).0, Some(2.0));
    }

    #[test]
    fn running_matches_two_pass() {
        let mut r = Running::default();
        for x in [1.0, 2.0, 4.0, 4.0] {
            r.push(x);
        }
        assert_eq!(r.mean(), Some(2.75));
        // Sum of squares about 2.75: 3.0625 + 0.5625 + 1.5625 * 2 = 6.75; / 3 = 2.25.
        assert!((r.sd().unwrap_or(0.0) - 1.5).abs() < 1e-12);
        assert_eq!(Running::default().sd(), None);
    }

    #[test]
    fn zero_denominators_give_none() {
        assert_eq!(ratio(0, 0), None);
        assert_eq!(ratio(1, 4), Some(0.25));
    }
}
