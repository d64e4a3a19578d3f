//! Inter-rater agreement: Krippendorff's alpha over units = (application, rubric dimension).
//!
//! Alpha compares the disagreement observed inside units with the disagreement expected if the
//! same values were paired at random: `alpha = 1 - D_o / D_e`. 1 is perfect agreement, 0 is no
//! better than chance, below 0 is systematic disagreement. It allows any number of raters per
//! unit and missing values: units with fewer than two values are not pairable and are left out.
//!
//! Computed from the coincidence matrix (Krippendorff, "Computing Krippendorff's
//! alpha-reliability", 2011): every ordered pair of values from different raters in a unit with
//! `m` values adds `1 / (m - 1)`. Every scorecard is one rater, so an interviewer who rated the
//! same dimension of the same application in two rounds contributes two values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::{Digest, digest};
use super::group::group_by_key;
use super::stats::finite;
use super::{CalibrationReport, ReportError, ScorecardFacts};

/// How far apart two values are, for alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Values are categories: equal or not.
    Nominal,
    /// Values are ranks: the distance counts how many values lie between them.
    Ordinal,
    /// Values are on an interval scale: squared difference.
    Interval,
}

/// A coincidence matrix over a small sorted set of values.
struct Coincidences {
    /// The distinct values, sorted.
    values: Vec<u8>,
    /// Position of each possible `u8` in `values`.
    slot: [usize; 256],
    /// Per unit size `m`, the integer pair counts `n_c · n_k` (or `n_c · (n_c - 1)`) as
    /// `[c * d + k]`. Kept as integers and weighted by `1 / (m - 1)` only at the end, so the
    /// result is exact to the last bit whatever order the units come in.
    by_size: BTreeMap<u64, Vec<u64>>,
    /// Units that had at least two values.
    units: u64,
    /// Pairable values equal to each value: the matrix's marginals `n_c`, kept exactly.
    marginals: Vec<u64>,
    /// Scratch counts for one unit.
    counts: Vec<u64>,
}

impl Coincidences {
    fn new(values: Vec<u8>) -> Self {
        let mut slot = [usize::MAX; 256];
        for (i, v) in values.iter().enumerate() {
            slot[usize::from(*v)] = i;
        }
        let d = values.len();
        Coincidences {
            values,
            slot,
            by_size: BTreeMap::new(),
            units: 0,
            marginals: vec![0; d],
            counts: vec![0; d],
        }
    }

    /// Adds one unit's values (in any order). Values outside the set given to `new` are ignored;
    /// callers build the set from the same values.
    fn add_unit(&mut self, unit: &[u8]) {
        let mut counts = std::mem::take(&mut self.counts);
        counts.iter_mut().for_each(|c| *c = 0);
        for v in unit {
            if let Some(c) = counts.get_mut(self.slot[usize::from(*v)]) {
                *c += 1;
            }
        }
        self.add_counts(&counts);
        self.counts = counts;
    }

    /// Adds one unit given as the count of each value (in the order of `values`).
    fn add_counts(&mut self, counts: &[u64]) {
        let m: u64 = counts.iter().sum();
        if m < 2 {
            return;
        }
        self.units += 1;
        for (total, c) in self.marginals.iter_mut().zip(counts) {
            *total += c;
        }
        let d = self.values.len();
        let o = self.by_size.entry(m).or_insert_with(|| vec![0; d * d]);
        for (c, nc) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            for (k, nk) in counts.iter().enumerate() {
                let pairs = if c == k {
                    nc * nc.saturating_sub(1)
                } else {
                    nc * nk
                };
                if let Some(x) = o.get_mut(c * d + k) {
                    *x += pairs;
                }
            }
        }
    }

    /// The coincidence matrix `o[c * d + k]`.
    fn matrix(&self) -> Vec<f64> {
        let d = self.values.len();
        let mut o = vec![0.0; d * d];
        for (m, counts) in &self.by_size {
            let w = (m - 1) as f64;
            for (x, n) in o.iter_mut().zip(counts) {
                *x += *n as f64 / w;
            }
        }
        o
    }

    /// Pairable values: the total of the matrix.
    fn pairable(&self) -> u64 {
        self.marginals.iter().sum()
    }

    /// Alpha under the metric; `None` when there are no pairable values or when every pairable
    /// value is the same (expected disagreement is zero, so agreement cannot be told from chance).
    fn alpha(&self, metric: Metric) -> Option<f64> {
        let d = self.values.len();
        let o = self.matrix();
        let marg: Vec<f64> = self.marginals.iter().map(|n| *n as f64).collect();
        let n = self.pairable() as f64;
        if n <= 1.0 {
            return None;
        }
        let delta2 = |c: usize, k: usize| -> f64 {
            match metric {
                Metric::Nominal => f64::from(u8::from(c != k)),
                Metric::Interval => {
                    let diff = f64::from(self.values[c]) - f64::from(self.values[k]);
                    diff * diff
                }
                Metric::Ordinal => {
                    let (lo, hi) = (c.min(k), c.max(k));
                    let between: f64 = marg[lo..=hi].iter().sum();
                    let x = between - (marg[c] + marg[k]) / 2.0;
                    x * x
                }
            }
        };
        let (mut observed, mut expected) = (0.0, 0.0);
        for c in 0..d {
            for k in 0..d {
                if c == k {
                    continue;
                }
                let dd = delta2(c, k);
                observed += o[c * d + k] * dd;
                expected += marg[c] * marg[k] * dd;
            }
        }
        if expected <= 0.0 {
            return None;
        }
        finite(1.0 - (n - 1.0) * observed / expected)
    }
}

/// Krippendorff's alpha for units of small integer values (each unit lists the values its raters
/// gave; missing values are simply absent). `None` when undefined: no unit with two values, or no
/// variation at all among the pairable values.
pub fn krippendorff_alpha(units: &[Vec<u8>], metric: Metric) -> Option<f64> {
    let mut seen = [false; 256];
    for u in units.iter().filter(|u| u.len() > 1) {
        for v in u {
            seen[usize::from(*v)] = true;
        }
    }
    let values = (0..=u8::MAX).filter(|v| seen[usize::from(*v)]).collect();
    let mut co = Coincidences::new(values);
    for u in units {
        co.add_unit(u);
    }
    co.alpha(metric)
}

/// Alpha for one dimension, or for all dimensions pooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlphaRow {
    /// The rubric dimension id; `None` for all dimensions pooled.
    pub dimension: Option<String>,
    /// Pairable units: (application, dimension) pairs rated by at least two scorecards.
    pub units: u64,
    /// Pairable values: ratings in those units.
    pub values: u64,
    /// Alpha treating the 1–4 scale as interval data.
    pub interval: Option<f64>,
    /// Alpha treating the 1–4 scale as ranks.
    pub ordinal: Option<f64>,
    /// Alpha treating the ratings as categories.
    pub nominal: Option<f64>,
}

/// Inter-rater agreement over submitted scorecards' 1–4 ratings (no-evidence is missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementReport {
    /// All dimensions pooled (each (application, dimension) is still its own unit).
    pub overall: AlphaRow,
    /// Each dimension, sorted by id.
    pub dimensions: Vec<AlphaRow>,
}

fn row(dimension: Option<String>, co: &Coincidences) -> AlphaRow {
    AlphaRow {
        dimension,
        units: co.units,
        values: co.pairable(),
        interval: co.alpha(Metric::Interval),
        ordinal: co.alpha(Metric::Ordinal),
        nominal: co.alpha(Metric::Nominal),
    }
}

/// Computes Krippendorff's alpha over units = (application, dimension), overall and per
/// dimension, from the submitted scorecards. O(r) for r ratings after a counting sort of the
/// scorecards by application.
pub fn agreement(cards: &[ScorecardFacts]) -> Result<AgreementReport, ReportError> {
    // The time only matters for overdue scorecards, which agreement does not look at.
    Ok(from_digest(&digest(cards, i64::MIN)?))
}

/// Agreement from the digested scorecards.
pub(crate) fn from_digest(d: &Digest) -> AgreementReport {
    let (by_app, starts) = group_by_key(&d.ratings, d.apps.len(), |r| r.app as usize);
    let n_dims = d.dims.len();
    let scale = || Coincidences::new(vec![1, 2, 3, 4]);
    let mut overall = scale();
    let mut per_dim: Vec<Coincidences> = (0..n_dims).map(|_| scale()).collect();
    // Per dimension, the counts of 1, 2, 3 and 4 within the current application.
    let mut counts: Vec<[u64; 4]> = vec![[0; 4]; n_dims];
    let mut touched: Vec<usize> = Vec::new();
    for w in starts.windows(2) {
        for r in by_app.get(w[0]..w[1]).unwrap_or(&[]) {
            let dim = r.dim as usize;
            if let Some(c) = counts.get_mut(dim) {
                if c.iter().all(|n| *n == 0) {
                    touched.push(dim);
                }
                c[usize::from(r.value) - 1] += 1;
            }
        }
        for dim in touched.drain(..) {
            if let (Some(c), Some(co)) = (counts.get_mut(dim), per_dim.get_mut(dim)) {
                overall.add_counts(c);
                co.add_counts(c);
                *c = [0; 4];
            }
        }
    }
    let ranks = d.dims.sorted_ranks();
    let mut dimensions: Vec<(usize, AlphaRow)> = d
        .dims
        .names()
        .zip(&per_dim)
        .zip(&ranks)
        .map(|((name, co), rank)| (*rank, row(Some(name.to_string()), co)))
        .collect();
    dimensions.sort_unstable_by_key(|(rank, _)| *rank);
    AgreementReport {
        overall: row(None, &overall),
        dimensions: dimensions.into_iter().map(|(_, r)| r).collect(),
    }
}

/// Calibration and agreement together from one read of the scorecards — what a page showing
/// both should call, as reading 100,000 scorecards is most of the cost of each.
pub fn calibration_and_agreement(
    cards: &[ScorecardFacts],
    now_ms: i64,
) -> Result<(CalibrationReport, AgreementReport), ReportError> {
    let d = digest(cards, now_ms)?;
    let a = from_digest(&d);
    Ok((super::calibration::from_digest(d, now_ms), a))
}
