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

/// Mean and sample standard deviation (divisor `n - 1`) of the values, summed in sorted order so
/// that the result does not depend on the order the values arrived in. The mean is `None` for no
/// values, the deviation for fewer than two.
pub(crate) fn mean_sd(values: &mut [f64]) -> (Option<f64>, Option<f64>) {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return (None, None);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let sd = (n > 1).then(|| {
        let ss: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
        (ss / (n - 1) as f64).sqrt()
    });
    (finite(mean), sd.and_then(finite))
}

/// Mean and sample standard deviation of values given as counts of 1, 2, 3 and 4 — exact sums,
/// so independent of order.
pub(crate) fn scale_mean_sd(counts: &[u64; 4]) -> (Option<f64>, Option<f64>) {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return (None, None);
    }
    let sum: u64 = counts.iter().zip(1u64..).map(|(c, v)| c * v).sum();
    let mean = sum as f64 / n as f64;
    let sd = (n > 1).then(|| {
        let ss: f64 = counts
            .iter()
            .zip(1u64..)
            .map(|(c, v)| *c as f64 * (v as f64 - mean) * (v as f64 - mean))
            .sum();
        (ss / (n - 1) as f64).sqrt()
    });
    (finite(mean), sd.and_then(finite))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        let mut v = vec![4.0, 1.0, 3.0, 2.0];
        assert_eq!(median_p90(&mut v), (Some(2.5), Some(3.7)));
        assert_eq!(median_p90(&mut []), (None, None));
        assert_eq!(median_p90(&mut [7.0]), (Some(7.0), Some(7.0)));
        // Ties: the median of 1, 2, 2, 9 is the mean of the two middle values, 2.
        assert_eq!(median_p90(&mut [2.0, 9.0, 1.0, 2.0]).0, Some(2.0));
    }

    #[test]
    fn mean_and_sd_agree_between_forms() {
        // 1, 2, 4, 4: mean 2.75; squares about it 3.0625 + 0.5625 + 1.5625 * 2 = 6.75; / 3 = 2.25.
        let (m, sd) = mean_sd(&mut [4.0, 1.0, 4.0, 2.0]);
        assert_eq!(m, Some(2.75));
        assert!((sd.unwrap_or(0.0) - 1.5).abs() < 1e-12);
        assert_eq!(scale_mean_sd(&[1, 1, 0, 2]), (m, sd));
        assert_eq!(mean_sd(&mut [3.0]), (Some(3.0), None));
        assert_eq!(scale_mean_sd(&[0; 4]), (None, None));
    }

    #[test]
    fn zero_denominators_give_none() {
        assert_eq!(ratio(0, 0), None);
        assert_eq!(ratio(1, 4), Some(0.25));
    }
}
