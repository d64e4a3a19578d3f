//! Summaries of a column of samples: exact order statistics in linear time, the mean, a
//! histogram, and the first-order variance share of an input.

use super::eval::BLOCK;

/// Most buckets of the selection grid: 2^16 counters fit in the core's cache.
const BUCKETS: usize = 1 << 16;

/// Buckets for `n` values: about four values a bucket, from 2^8 to [`BUCKETS`], so that small
/// inputs do not pay for clearing a large table.
fn buckets_for(n: usize) -> u32 {
    (usize::BITS - n.leading_zeros())
        .saturating_sub(2)
        .clamp(8, BUCKETS.trailing_zeros())
}

/// Maps doubles to integers in the same order (for finite values).
fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// A monotone map from values to 2^k buckets: linear in the value when the values span
/// less than three orders of magnitude, otherwise on the bits of the double, which is nearly
/// logarithmic, so a long right tail does not crowd most values into the first bucket.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Grid {
    Linear { min: f64, scale: f64, last: usize },
    Bits { min: u64, shift: u32, last: usize },
}

impl Grid {
    /// A grid of `2^log2_buckets` buckets over `[min, max]`: on the bits when the values span
    /// more than three orders of magnitude, else linear. Values outside fall in the end buckets.
    fn new(min: f64, max: f64, log2_buckets: u32) -> Self {
        let wide = (min > 0.0 && max / min > 1e3) || (max < 0.0 && min / max > 1e3);
        if wide {
            Self::bits(min, max, log2_buckets)
        } else {
            Self::linear(min, max, log2_buckets)
        }
    }

    fn linear(min: f64, max: f64, log2_buckets: u32) -> Self {
        let buckets = 1usize << log2_buckets;
        if max > min {
            Self::Linear {
                min,
                scale: buckets as f64 / (max - min),
                last: buckets - 1,
            }
        } else {
            Self::Linear {
                min,
                scale: 0.0,
                last: 0,
            }
        }
    }

    /// Buckets on the bits of the double: nearly a log scale when `min` and `max` have the same
    /// sign.
    fn bits(min: f64, max: f64, log2_buckets: u32) -> Self {
        let range = key(max) - key(min);
        let bits = 64 - range.leading_zeros();
        Self::Bits {
            min: key(min),
            shift: bits.saturating_sub(log2_buckets),
            last: (1usize << log2_buckets) - 1,
        }
    }

    #[inline]
    pub(crate) fn bucket(self, x: f64) -> usize {
        match self {
            // `as usize` saturates: values below `min` land in bucket 0.
            Self::Linear { min, scale, last } => (((x - min) * scale) as usize).min(last),
            Self::Bits { min, shift, last } => {
                ((key(x).saturating_sub(min) >> shift) as usize).min(last)
            }
        }
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// The values of rank `ranks[i]` (0-based, in sorted order) of finite `values`, in the order
/// asked. Two passes count values per bucket and gather the few buckets holding the ranks asked
/// for; only those are sorted.
pub(crate) fn order_statistics(values: &[f64], ranks: &[usize]) -> Vec<f64> {
    if values.is_empty() {
        return vec![f64::NAN; ranks.len()];
    }
    let (min, max) = min_max(values);
    let log2 = buckets_for(values.len());
    match Grid::new(min, max, log2) {
        // One copy of the passes per kind of grid, so the loops do not branch on the kind.
        Grid::Linear { min, scale, last } => select(values, ranks, 1 << log2, |x| {
            (((x - min) * scale) as usize).min(last)
        }),
        Grid::Bits { min, shift, last } => select(values, ranks, 1 << log2, |x| {
            ((key(x).saturating_sub(min) >> shift) as usize).min(last)
        }),
    }
}

fn select(
    values: &[f64],
    ranks: &[usize],
    buckets: usize,
    bucket: impl Fn(f64) -> usize,
) -> Vec<f64> {
    // Two interleaved counters per bucket: a run of equal buckets then does not wait on the
    // previous increment.
    let mut counts = vec![0u32; buckets];
    let mut counts2 = vec![0u32; buckets];
    let mut pairs = values.chunks_exact(2);
    for pair in &mut pairs {
        counts[bucket(pair[0])] += 1;
        counts2[bucket(pair[1])] += 1;
    }
    for &x in pairs.remainder() {
        counts[bucket(x)] += 1;
    }
    for (c, d) in counts.iter_mut().zip(&counts2) {
        *c += d;
    }
    // For each rank: its bucket and its offset within the bucket.
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let mut place = vec![(0usize, 0usize); ranks.len()];
    let mut b = 0;
    let mut before = 0usize;
    for &i in &order {
        let r = ranks[i].min(values.len() - 1);
        while before + counts[b] as usize <= r {
            before += counts[b] as usize;
            b += 1;
        }
        place[i] = (b, r - before);
    }
    const NONE: u16 = u16::MAX;
    let mut slot = vec![NONE; buckets];
    let mut gathered: Vec<Vec<f64>> = Vec::new();
    for &(b, _) in &place {
        if slot[b] == NONE {
            slot[b] = gathered.len() as u16;
            gathered.push(Vec::with_capacity(counts[b] as usize));
        }
    }
    for &x in values {
        let s = slot[bucket(x)];
        if s != NONE {
            gathered[s as usize].push(x);
        }
    }
    for g in &mut gathered {
        g.sort_unstable_by(f64::total_cmp);
    }
    place
        .iter()
        .map(|&(b, offset)| gathered[slot[b] as usize][offset])
        .collect()
}

/// Quantiles by linear interpolation between order statistics (the default of numpy and R).
pub(crate) fn quantiles(values: &[f64], probs: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; probs.len()];
    }
    let positions: Vec<f64> = probs
        .iter()
        .map(|p| p.clamp(0.0, 1.0) * (n - 1) as f64)
        .collect();
    let mut ranks = Vec::with_capacity(2 * probs.len());
    for h in &positions {
        let lo = h.floor() as usize;
        ranks.push(lo);
        ranks.push((lo + 1).min(n - 1));
    }
    let stats = order_statistics(values, &ranks);
    positions
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let (a, b) = (stats[2 * i], stats[2 * i + 1]);
            a + (h - h.floor()) * (b - a)
        })
        .collect()
}

/// The mean, summed block by block so that the result does not depend on threads.
pub(crate) fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let total: f64 = values.chunks(BLOCK).map(|c| c.iter().sum::<f64>()).sum();
    total / values.len() as f64
}

/// Share of values above `threshold`.
pub(crate) fn share_above(values: &[f64], threshold: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().filter(|&&x| x > threshold).count() as f64 / values.len() as f64
}

/// One bar of a histogram: values in `[lo, hi)` (the last bar includes `hi`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bin {
    /// Lower edge.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Samples in the bar.
    pub count: u64,
}

/// A histogram with `bars` equal bars from `lo` to `hi` (the 0.5th and 99.5th percentiles, say),
/// and a bar on each side for the rare values beyond, down to `min` and up to `max` (so every
/// sample is counted, yet a long tail does not squash the picture).
pub(crate) fn histogram(values: &[f64], bars: usize, range: [f64; 4]) -> Vec<Bin> {
    let [min, mut lo, mut hi, max] = range;
    let n = values.len();
    if n == 0 {
        return Vec::new();
    }
    if hi <= lo {
        (lo, hi) = (min, max);
    }
    if hi <= lo {
        return vec![Bin {
            lo: min,
            hi: max,
            count: n as u64,
        }];
    }
    let width = (hi - lo) / bars as f64;
    let scale = bars as f64 / (hi - lo);
    let bar = |x: f64| {
        if x < lo {
            0
        } else if x > hi {
            bars + 1
        } else {
            1 + (((x - lo) * scale) as usize).min(bars - 1)
        }
    };
    // Four interleaved counters: neighbouring samples often fall in the same bar, and one
    // counter would make each increment wait on the one before.
    let mut lanes = vec![[0u64; 4]; bars + 2];
    let mut quads = values.chunks_exact(4);
    for q in &mut quads {
        lanes[bar(q[0])][0] += 1;
        lanes[bar(q[1])][1] += 1;
        lanes[bar(q[2])][2] += 1;
        lanes[bar(q[3])][3] += 1;
    }
    for &x in quads.remainder() {
        lanes[bar(x)][0] += 1;
    }
    let counts: Vec<u64> = lanes.iter().map(|l| l.iter().sum()).collect();
    let mut out = Vec::with_capacity(bars + 2);
    if counts[0] > 0 {
        out.push(Bin {
            lo: min,
            hi: lo,
            count: counts[0],
        });
    }
    for i in 0..bars {
        out.push(Bin {
            lo: lo + i as f64 * width,
            hi: if i + 1 == bars {
                hi
            } else {
                lo + (i + 1) as f64 * width
            },
            count: counts[i + 1],
        });
    }
    if counts[bars + 1] > 0 {
        out.push(Bin {
            lo: hi,
            hi: max,
            count: counts[bars + 1],
        });
    }
    out
}

/// Bins for a first-order index, as a power of two: enough that the mean of the result within
/// a bin tracks its conditional mean, few enough that each bin holds many samples.
pub(crate) fn share_bins(samples: usize) -> u32 {
    let target = ((samples as f64).sqrt() / 2.0).clamp(4.0, 256.0);
    target.log2().floor() as u32
}

/// The bins of an input for its first-order index, placed from its first samples (`head`):
/// `2^log2_bins` bins from the 0.01th to the 99.99th percentile, the rare values beyond falling
/// in the end bins. The end bins lose the variance of what falls in them, and a long right tail
/// keeps much of its variance there: for a range with a 20-fold spread (a lognormal of σ 0.9),
/// the values past the 99.9th percentile hold about a tenth of the variance, which cut the
/// input's share of a sum to 0.94; past the 99.99th they hold about a thirtieth. The bins are
/// equal in the input, or (for an input of one sign) equal on the bits of the double, nearly a
/// log scale — whichever fills them more evenly, so a lognormal input gets as fine a grid where
/// its samples are as a uniform one does. `None` when the input is (nearly) constant.
pub(crate) fn input_grid(head: &[f64], log2_bins: u32) -> Option<Grid> {
    if head.len() < 2 {
        return None;
    }
    let tail = head.len() / 10_000;
    let q = order_statistics(head, &[tail, head.len() - 1 - tail]);
    let (mut lo, mut hi) = (q[0], q[1]);
    if hi <= lo {
        // Mostly one value (an atom, such as a max with zero): use the whole range.
        (lo, hi) = min_max(head);
        if hi <= lo {
            return None;
        }
    }
    let bins = 1usize << log2_bins;
    let linear = Grid::linear(lo, hi, log2_bins);
    if lo > 0.0 || hi < 0.0 {
        let unevenness = |g: Grid| {
            let mut counts = vec![0u64; bins];
            for &v in head {
                counts[g.bucket(v)] += 1;
            }
            counts.iter().map(|c| c * c).sum::<u64>()
        };
        let log_like = Grid::bits(lo, hi, log2_bins);
        if unevenness(log_like) < unevenness(linear) {
            return Some(log_like);
        }
    }
    Some(linear)
}

/// Per-bin sums of the result for one input: the sufficient statistics of its first-order
/// index, accumulated block by block.
#[derive(Debug, Clone)]
pub(crate) struct BinSums {
    count: Vec<u64>,
    sum: Vec<f64>,
}

impl BinSums {
    pub(crate) fn new(log2_bins: u32) -> Self {
        Self {
            count: vec![0; 1 << log2_bins],
            sum: vec![0.0; 1 << log2_bins],
        }
    }

    /// Adds samples: the input's values `x` and the (centred) result's values `y`.
    pub(crate) fn add(&mut self, grid: Grid, x: &[f64], y: &[f64]) {
        for (&xi, &yi) in x.iter().zip(y) {
            let b = grid.bucket(xi);
            self.count[b] += 1;
            self.sum[b] += yi;
        }
    }

    pub(crate) fn merge(&mut self, other: &BinSums) {
        for (a, b) in self.count.iter_mut().zip(&other.count) {
            *a += b;
        }
        for (a, b) in self.sum.iter_mut().zip(&other.sum) {
            *a += b;
        }
    }

    /// The first-order (Sobol) index Var(E[Y | X]) / Var(Y), given the totals of Y over all `n`
    /// samples: E[Y | X] is the mean of Y within X's bin. The between-bin sum of squares is
    /// corrected for what noise alone gives, (bins − 1) times the within-bin mean square (the
    /// one-way analysis of variance identity, which holds for bins of unequal counts), so an
    /// input that does not matter scores about 0 rather than about bins / samples.
    pub(crate) fn share(&self, n: usize, sum: f64, sum_sq: f64) -> f64 {
        let total = sum_sq - sum * sum / n as f64;
        if n < 2 || total.is_nan() || total <= 0.0 {
            return 0.0;
        }
        let mut between = -sum * sum / n as f64;
        let mut used = 0usize;
        for (s, &k) in self.sum.iter().zip(&self.count) {
            if k > 0 {
                between += s * s / k as f64;
                used += 1;
            }
        }
        let within = (total - between).max(0.0);
        let noise = if n > used {
            (used.saturating_sub(1)) as f64 * within / (n - used) as f64
        } else {
            0.0
        };
        ((between - noise) / total).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::math;
    use super::*;

    fn sorted(v: &[f64]) -> Vec<f64> {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        s
    }

    #[test]
    fn order_statistics_match_sorting() {
        let cases: Vec<Vec<f64>> = vec![
            (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect(),
            (0..5000)
                .map(|i| math::exp((i % 97) as f64 / 3.0))
                .collect(),
            (0..5000)
                .map(|i| -math::exp((i % 89) as f64 / 4.0))
                .collect(),
            (0..3000)
                .map(|i| if i % 2 == 0 { 0.0 } else { i as f64 - 1500.0 })
                .collect(),
            vec![5.0; 100],
            vec![1e-300, 1e300, 0.0, -1.0, 3.0],
        ];
        for v in cases {
            let s = sorted(&v);
            let ranks: Vec<usize> = vec![0, 1, v.len() / 2, v.len() - 2, v.len() - 1, 3];
            let got = order_statistics(&v, &ranks);
            let want: Vec<f64> = ranks.iter().map(|&r| s[r]).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        // numpy.quantile([1,2,3,4,10], [0.05, 0.5, 0.9]) = [1.2, 3.0, 7.6]
        let q = quantiles(&v, &[0.05, 0.5, 0.9]);
        for (a, b) in q.iter().zip([1.2, 3.0, 7.6]) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
    }

    #[test]
    fn histogram_counts_every_sample() {
        let v: Vec<f64> = (0..10_000).map(|i| math::exp(i as f64 / 2000.0)).collect();
        let q = quantiles(&v, &[0.0, 0.005, 0.995, 1.0]);
        let h = histogram(&v, 20, [q[0], q[1], q[2], q[3]]);
        assert_eq!(h.len(), 22);
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 10_000);
        assert_eq!(h.first().map(|b| b.lo), Some(1.0));
        assert!(h.windows(2).all(|w| w[0].hi == w[1].lo));
        assert_eq!(
            histogram(&[3.0; 10], 20, [3.0; 4]),
            vec![Bin {
                lo: 3.0,
                hi: 3.0,
                count: 10
            }]
        );
    }

    #[test]
    fn first_order_index_of_known_models() {
        let mut rng = rand_pcg::Pcg64Mcg::new(5);
        let n = 40_000;
        let mut draw = || {
            let mut v = vec![0.0; n];
            math::fill_uniform(&mut rng, &mut v);
            v
        };
        let (x1, x2, noise) = (draw(), draw(), draw());
        let bins = share_bins(n);
        let share = |x: &[f64], y: &[f64]| {
            let (sum, sum_sq) = (y.iter().sum::<f64>(), y.iter().map(|v| v * v).sum::<f64>());
            let grid = input_grid(x, bins).unwrap();
            let mut sums = BinSums::new(bins);
            // In two halves, as blocks would come.
            sums.add(grid, &x[..n / 2], &y[..n / 2]);
            let mut rest = BinSums::new(bins);
            rest.add(grid, &x[n / 2..], &y[n / 2..]);
            sums.merge(&rest);
            sums.share(n, sum, sum_sq)
        };
        // An input that does not matter scores about zero, not about bins / samples.
        assert!(share(&noise, &x1) < 0.005, "{}", share(&noise, &x1));
        // y = x1 + 2 x2 with x1, x2 independent and equally spread: shares 1/5 and 4/5.
        let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| a + 2.0 * b).collect();
        let (s1, s2) = (share(&x1, &y), share(&x2, &y));
        assert!((s1 - 0.2).abs() < 0.02, "{s1}");
        assert!((s2 - 0.8).abs() < 0.02, "{s2}");
    }
}
