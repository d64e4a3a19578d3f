//! A fixed-size log-linear histogram of non-negative durations: quantiles to within 0.1% of the
//! value without keeping every sample, so memory does not grow with the run and recording is one
//! increment.

/// Mantissa bits kept: each power of two is split into 2⁹ = 512 buckets, so a bucket spans at most
/// 1/512 ≈ 0.2% of its value and its midpoint is within 0.1% of any value in it.
const SUB_BITS: u32 = 9;
/// The smallest exponent with its own buckets: 2⁻³⁰ s ≈ 1 ns. Smaller positive values share the
/// first bucket.
const MIN_EXP: i64 = -30;
/// One past the largest exponent: 2²⁴ s ≈ 194 days. Larger values share the last bucket.
const MAX_EXP: i64 = 24;
const BUCKETS: usize = ((MAX_EXP - MIN_EXP) as usize) << SUB_BITS;

/// The bit pattern of 2^MIN_EXP, shifted like a recorded value's: the index of the first bucket.
const BASE: u64 = (((MIN_EXP + 1023) as u64) << 52) >> (52 - SUB_BITS);

/// Counts of durations (seconds) in log-linear buckets, with exact zeros counted apart: most
/// orders of a lightly loaded system do not wait at all.
#[derive(Debug, Clone)]
pub(crate) struct Histogram {
    zeros: u64,
    counts: Vec<u64>,
    total: u64,
    sum: f64,
    max: f64,
}

impl Histogram {
    pub(crate) fn new() -> Histogram {
        Histogram {
            zeros: 0,
            counts: vec![0; BUCKETS],
            total: 0,
            sum: 0.0,
            max: 0.0,
        }
    }

    /// The bucket of a positive value: for a positive finite f64 the bit pattern grows with the
    /// value, so its top bits (exponent and the first mantissa bits) are a log-linear index.
    #[inline]
    fn bucket(x: f64) -> usize {
        let top = x.to_bits() >> (52 - SUB_BITS);
        (top.saturating_sub(BASE) as usize).min(BUCKETS - 1)
    }

    /// The range of values a bucket holds.
    fn bounds(bucket: usize) -> (f64, f64) {
        let lo = f64::from_bits(((bucket as u64) + BASE) << (52 - SUB_BITS));
        let hi = f64::from_bits(((bucket as u64) + BASE + 1) << (52 - SUB_BITS));
        (lo, hi)
    }

    #[inline]
    pub(crate) fn record(&mut self, x: f64) {
        self.total += 1;
        self.sum += x;
        if x > self.max {
            self.max = x;
        }
        if x > 0.0 {
            self.counts[Self::bucket(x)] += 1;
        } else {
            self.zeros += 1;
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.total
    }

    /// The share of recorded values above zero.
    pub(crate) fn positive_fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| (self.total - self.zeros) as f64 / self.total as f64)
    }

    pub(crate) fn mean(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum / self.total as f64)
    }

    pub(crate) fn max(&self) -> Option<f64> {
        (self.total > 0).then_some(self.max)
    }

    /// The `q`-quantile as the value of rank ⌊q·(n−1)⌋ in sorted order (counted from 0), given
    /// as its bucket's midpoint; `None` when nothing was recorded.
    pub(crate) fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (self.total - 1) as f64).floor() as u64;
        if rank < self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen > rank {
                // The top bucket also holds everything larger: give the largest value, which is
                // exact. Elsewhere the midpoint, never above the largest value seen.
                if i == BUCKETS - 1 {
                    return Some(self.max);
                }
                let (lo, hi) = Self::bounds(i);
                return Some((0.5 * (lo + hi)).min(self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_a_tenth_of_a_percent() {
        let mut h = Histogram::new();
        let mut xs: Vec<f64> = (0..10_000).map(|i| 0.001 * f64::from(i) + 1e-4).collect();
        xs.extend([0.0; 100]);
        for &x in &xs {
            h.record(x);
        }
        xs.sort_by(f64::total_cmp);
        for q in [0.0, 0.01, 0.5, 0.9, 0.99, 0.999, 1.0] {
            let want = xs[(q * (xs.len() - 1) as f64).floor() as usize];
            let got = h.quantile(q).unwrap();
            assert!((got - want).abs() <= 1e-3 * want, "q={q}: {got} vs {want}");
        }
        assert_eq!(h.count(), 10_100);
        assert!((h.positive_fraction().unwrap() - 10_000.0 / 10_100.0).abs() < 1e-12);
    }

    #[test]
    fn zeros_tiny_and_huge_values() {
        let mut h = Histogram::new();
        assert_eq!(h.quantile(0.5), None);
        h.record(0.0);
        assert_eq!(h.quantile(0.5), Some(0.0));
        h.record(1e-12);
        h.record(1e12);
        assert_eq!(h.quantile(1.0), Some(1e12));
        let tiny = h.quantile(0.5).unwrap();
        assert!(tiny > 0.0 && tiny < 1e-8, "{tiny}");
    }

    #[test]
    fn buckets_cover_their_values() {
        for x in [1e-9, 3.7e-4, 0.5, 1.0, 2.0, 2.379, 1234.5] {
            let (lo, hi) = Histogram::bounds(Histogram::bucket(x));
            assert!(lo <= x && x < hi, "{x} not in [{lo}, {hi})");
            assert!((hi - lo) / lo <= 1.0 / 512.0 + 1e-12);
        }
    }
}
