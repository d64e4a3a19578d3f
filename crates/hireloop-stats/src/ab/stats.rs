//! The statistics of proportion, mean and ratio metrics: from the sufficient statistics of one
//! variant (counts, sums, sums of squares and products) to the mean and the per-unit variance the
//! tests use, with the same definitions as gbstats.

use serde::Serialize;

/// What a metric measures per unit (user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A share of units that did something (each unit's value is 0 or 1): click-through rate.
    Proportion,
    /// The mean of a per-unit value: revenue per visitor.
    Mean,
    /// The ratio of two per-unit sums, analysed per unit by the delta method: revenue / orders.
    Ratio,
}

impl MetricKind {
    /// The name used in the input and output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Proportion => "proportion",
            Self::Mean => "mean",
            Self::Ratio => "ratio",
        }
    }

    /// Parses `proportion`, `mean` or `ratio`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "proportion" => Some(Self::Proportion),
            "mean" => Some(Self::Mean),
            "ratio" => Some(Self::Ratio),
            _ => None,
        }
    }
}

/// The sufficient statistics of one variant for one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SufficientStats {
    /// `n` units of which `sum` converted.
    Proportion {
        /// Units.
        n: f64,
        /// Units that converted.
        sum: f64,
    },
    /// `n` units with the sum and the sum of squares of their values.
    Mean {
        /// Units.
        n: f64,
        /// Sum of the values.
        sum: f64,
        /// Sum of the squared values.
        sum_squares: f64,
    },
    /// `n` units with a numerator and a denominator value each.
    Ratio {
        /// Units.
        n: f64,
        /// Sum of the numerators.
        num_sum: f64,
        /// Sum of the squared numerators.
        num_sum_squares: f64,
        /// Sum of the denominators.
        den_sum: f64,
        /// Sum of the squared denominators.
        den_sum_squares: f64,
        /// Sum of numerator × denominator.
        num_den_sum: f64,
    },
}

/// The mean of a metric in one variant and the variance of one unit's contribution to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Units.
    pub n: f64,
    /// The metric's value: the share, the mean or the ratio.
    pub mean: f64,
    /// The per-unit variance; the variance of `mean` is `variance / n`.
    pub variance: f64,
}

/// Sums of squares are at least `sum²/n`; a shortfall within rounding (relative to the sum of
/// squares) is taken as a variance of zero, anything larger is an error in the input.
const ROUNDING: f64 = 1e-9;

impl SufficientStats {
    /// The kind of metric these statistics belong to.
    pub fn kind(&self) -> MetricKind {
        match self {
            Self::Proportion { .. } => MetricKind::Proportion,
            Self::Mean { .. } => MetricKind::Mean,
            Self::Ratio { .. } => MetricKind::Ratio,
        }
    }

    /// Units.
    pub fn n(&self) -> f64 {
        match *self {
            Self::Proportion { n, .. } | Self::Mean { n, .. } | Self::Ratio { n, .. } => n,
        }
    }

    /// Checks the statistics and computes the mean and per-unit variance. The error names the
    /// field at fault and says why.
    pub fn summarise(&self) -> Result<Summary, String> {
        let n = self.n();
        check_count(n, self.kind())?;
        match *self {
            Self::Proportion { n, sum } => {
                finite("sum", sum)?;
                if sum < 0.0 {
                    return Err(format!(
                        "`sum` is {sum}: a count of converted units cannot be negative"
                    ));
                }
                if sum > n {
                    return Err(format!(
                        "`sum` ({sum}) is larger than `n` ({n}): at most every unit converts"
                    ));
                }
                let p = sum / n;
                Ok(Summary {
                    n,
                    mean: p,
                    variance: p * (1.0 - p),
                })
            }
            Self::Mean {
                n,
                sum,
                sum_squares,
            } => {
                let variance = sample_variance(n, sum, sum_squares, "sum", "sum_squares")?;
                Ok(Summary {
                    n,
                    mean: sum / n,
                    variance,
                })
            }
            Self::Ratio {
                n,
                num_sum,
                num_sum_squares,
                den_sum,
                den_sum_squares,
                num_den_sum,
            } => {
                let var_m =
                    sample_variance(n, num_sum, num_sum_squares, "num_sum", "num_sum_squares")?;
                let var_d =
                    sample_variance(n, den_sum, den_sum_squares, "den_sum", "den_sum_squares")?;
                finite("num_den_sum", num_den_sum)?;
                if den_sum == 0.0 {
                    return Err(
                        "`den_sum` is 0: the ratio is undefined when no unit has a denominator"
                            .into(),
                    );
                }
                let cov = (num_den_sum - num_sum * den_sum / n) / (n - 1.0);
                // Cauchy–Schwarz: sums that no real data can produce.
                let bound = (var_m * var_d).sqrt();
                if cov.abs() > bound * (1.0 + 1e-6) + ROUNDING * num_den_sum.abs() / n {
                    return Err(format!(
                        "`num_den_sum` ({num_den_sum}) is inconsistent with the other sums: the covariance it implies ({cov:.6e}) exceeds what the variances allow ({bound:.6e})"
                    ));
                }
                let m = num_sum / n;
                let d = den_sum / n;
                // The delta method, as gbstats' RatioStatistic.
                let variance =
                    var_m / (d * d) - 2.0 * cov * m / (d * d * d) + m * m * var_d / (d * d * d * d);
                Ok(Summary {
                    n,
                    mean: num_sum / den_sum,
                    variance: variance.max(0.0),
                })
            }
        }
    }
}

fn finite(field: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("`{field}` is not a finite number"))
    }
}

fn check_count(n: f64, kind: MetricKind) -> Result<(), String> {
    finite("n", n)?;
    if n < 0.0 {
        return Err(format!("`n` is {n}: a count of units cannot be negative"));
    }
    if n.fract() != 0.0 {
        return Err(format!("`n` is {n}: a count of units is a whole number"));
    }
    let least = if kind == MetricKind::Proportion {
        1.0
    } else {
        2.0
    };
    if n < least {
        return Err(format!(
            "`n` is {n}: a {} metric needs at least {least} units to estimate a variance",
            kind.name()
        ));
    }
    Ok(())
}

/// `(Σx² − (Σx)²/n) / (n − 1)`, refusing sums that would make it negative.
fn sample_variance(
    n: f64,
    sum: f64,
    sum_squares: f64,
    sum_name: &str,
    sq_name: &str,
) -> Result<f64, String> {
    finite(sum_name, sum)?;
    finite(sq_name, sum_squares)?;
    if sum_squares < 0.0 {
        return Err(format!(
            "`{sq_name}` is {sum_squares}: a sum of squares cannot be negative"
        ));
    }
    let centred = sum_squares - sum * sum / n;
    if centred < -ROUNDING * sum_squares.max(f64::MIN_POSITIVE) {
        return Err(format!(
            "`{sq_name}` ({sum_squares}) is smaller than `{sum_name}`²/n ({}): the variance would be negative, so these are not the sums of one set of values",
            sum * sum / n
        ));
    }
    Ok(centred.max(0.0) / (n - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportion_variance_is_p_times_one_minus_p() {
        let s = SufficientStats::Proportion {
            n: 1000.0,
            sum: 40.0,
        }
        .summarise()
        .unwrap();
        assert_eq!(s.mean, 0.04);
        assert!((s.variance - 0.04 * 0.96).abs() < 1e-15);
    }

    #[test]
    fn mean_variance_is_the_sample_variance() {
        // Values 1, 2, 3, 4: mean 2.5, sample variance 5/3.
        let s = SufficientStats::Mean {
            n: 4.0,
            sum: 10.0,
            sum_squares: 30.0,
        }
        .summarise()
        .unwrap();
        assert_eq!(s.mean, 2.5);
        assert!((s.variance - 5.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn ratio_of_proportional_values_has_no_variance() {
        // Numerators are exactly twice the denominators: the ratio is 2 with no spread.
        let (d, m) = ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]);
        let s = SufficientStats::Ratio {
            n: 3.0,
            num_sum: m.iter().sum(),
            num_sum_squares: m.iter().map(|x| x * x).sum(),
            den_sum: d.iter().sum(),
            den_sum_squares: d.iter().map(|x| x * x).sum(),
            num_den_sum: m.iter().zip(&d).map(|(a, b)| a * b).sum(),
        }
        .summarise()
        .unwrap();
        assert_eq!(s.mean, 2.0);
        assert!(s.variance.abs() < 1e-12);
    }

    #[test]
    fn impossible_sums_name_the_field() {
        let cases = [
            (
                SufficientStats::Proportion { n: -3.0, sum: 1.0 },
                "`n` is -3",
            ),
            (
                SufficientStats::Proportion { n: 10.0, sum: 11.0 },
                "`sum` (11) is larger than `n` (10)",
            ),
            (
                SufficientStats::Mean {
                    n: 4.0,
                    sum: 10.0,
                    sum_squares: 20.0,
                },
                "`sum_squares` (20) is smaller",
            ),
            (
                SufficientStats::Mean {
                    n: 1.0,
                    sum: 1.0,
                    sum_squares: 1.0,
                },
                "at least 2 units",
            ),
            (
                SufficientStats::Ratio {
                    n: 3.0,
                    num_sum: 3.0,
                    num_sum_squares: 5.0,
                    den_sum: 0.0,
                    den_sum_squares: 0.0,
                    num_den_sum: 0.0,
                },
                "`den_sum` is 0",
            ),
        ];
        for (stats, want) in cases {
            let err = stats.summarise().unwrap_err();
            assert!(err.contains(want), "{err}");
        }
    }
}
