//! Interviewer calibration: how each interviewer rates, against the rest of the panel, and how
//! promptly they submit.

use hireloop_core::Recommendation;
use serde::{Deserialize, Serialize};

use super::facts::rating_value;
use super::group::{Interner, group_by_key};
use super::stats::{HOUR_MS, mean_sd, median_p90, ratio, scale_mean_sd};
use super::{ReportError, ScorecardFacts};

/// One interviewer's figures. Ratings and recommendations come from submitted scorecards only: a
/// draft is not evidence yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewerRow {
    /// The interviewer.
    pub interviewer: String,
    /// Scorecards assigned, submitted or not.
    pub scorecards: u64,
    /// Of those, submitted.
    pub submitted: u64,
    /// 1–4 ratings given on submitted scorecards (no-evidence is not a rating).
    pub ratings: u64,
    /// Mean of those ratings.
    pub mean_rating: Option<f64>,
    /// Sample standard deviation (divisor n − 1) of those ratings; `None` below two ratings.
    pub rating_sd: Option<f64>,
    /// Applications where both this interviewer and someone else gave 1–4 ratings.
    pub compared_applications: u64,
    /// Mean over those applications of (this interviewer's mean rating there − the mean of all
    /// other scorecards' ratings there, pooled). Positive: rates more leniently than the panel.
    pub panel_difference: Option<f64>,
    /// Sample standard deviation of those per-application differences, for an interval.
    pub panel_difference_sd: Option<f64>,
    /// Submitted scorecards with a recommendation.
    pub recommendations: u64,
    /// Share of those whose recommendation is `no_decision`.
    pub no_decision_rate: Option<f64>,
    /// Share of submitted scorecards submitted after they were due.
    pub late_rate: Option<f64>,
    /// Median hours late over the late submissions.
    pub median_hours_late: Option<f64>,
    /// Scorecards not submitted and past due at `now_ms`.
    pub overdue: u64,
}

/// Calibration of every interviewer, sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// The time overdue scorecards are counted at (ms since the Unix epoch, UTC).
    pub now_ms: i64,
    /// One row per interviewer.
    pub interviewers: Vec<InterviewerRow>,
}

#[derive(Default)]
struct Acc {
    scorecards: u64,
    submitted: u64,
    /// Counts of the ratings 1, 2, 3 and 4.
    ratings: [u64; 4],
    /// Per compared application, own mean minus the others' mean.
    panel: Vec<f64>,
    recommendations: u64,
    no_decision: u64,
    late_hours: Vec<f64>,
    overdue: u64,
}

/// Computes every interviewer's calibration from the scorecards. O(n) for n scorecards after
/// interning, plus a sort of each application's few scorecards.
pub fn calibration(
    cards: &[ScorecardFacts],
    now_ms: i64,
) -> Result<CalibrationReport, ReportError> {
    let mut people = Interner::default();
    let mut apps = Interner::with_capacity(cards.len() / 4);
    let mut accs: Vec<Acc> = Vec::new();
    // Per scorecard: its interviewer, and for submitted ones with ratings the application (the
    // grouping key) and the sum and count of its 1–4 ratings.
    let mut who: Vec<u32> = Vec::with_capacity(cards.len());
    let mut keys: Vec<Option<u32>> = Vec::with_capacity(cards.len());
    let mut sums: Vec<(u64, u64)> = Vec::with_capacity(cards.len());
    for c in cards {
        let w = people.intern(&c.interviewer);
        who.push(w);
        keys.push(None);
        sums.push((0, 0));
        let w = w as usize;
        if w >= accs.len() {
            accs.resize_with(w + 1, Acc::default);
        }
        let Some(acc) = accs.get_mut(w) else {
            continue;
        };
        acc.scorecards += 1;
        let Some(at) = c.submitted_ms else {
            if c.due_ms < now_ms {
                acc.overdue += 1;
            }
            continue;
        };
        acc.submitted += 1;
        if at > c.due_ms {
            acc.late_hours
                .push(at.saturating_sub(c.due_ms) as f64 / HOUR_MS);
        }
        if let Some(r) = c.recommendation {
            acc.recommendations += 1;
            if r == Recommendation::NoDecision {
                acc.no_decision += 1;
            }
        }
        let (mut sum, mut count) = (0u64, 0u64);
        for (dim, r) in &c.ratings {
            if let Some(v) = rating_value(c, dim, *r)? {
                if let Some(n) = acc.ratings.get_mut(usize::from(v) - 1) {
                    *n += 1;
                }
                sum += u64::from(v);
                count += 1;
            }
        }
        if count > 0
            && let (Some(k), Some(s)) = (keys.last_mut(), sums.last_mut())
        {
            *k = Some(apps.intern(&c.application_id));
            *s = (sum, count);
        }
    }
    // Panel comparison: per application, each interviewer's pooled ratings against everyone
    // else's pooled ratings on it.
    let (order, starts) = group_by_key(keys.len(), apps.names().len(), |i| {
        keys.get(i).copied().flatten()
    });
    let mut panel: Vec<(u32, u64, u64)> = Vec::new();
    for w in starts.windows(2) {
        panel.clear();
        for i in order.get(w[0]..w[1]).unwrap_or(&[]) {
            let i = *i as usize;
            if let (Some(p), Some((s, n))) = (who.get(i), sums.get(i)) {
                panel.push((*p, *s, *n));
            }
        }
        panel.sort_unstable();
        let total_sum: u64 = panel.iter().map(|r| r.1).sum();
        let total_count: u64 = panel.iter().map(|r| r.2).sum();
        for own in panel.chunk_by(|a, b| a.0 == b.0) {
            let sum: u64 = own.iter().map(|r| r.1).sum();
            let count: u64 = own.iter().map(|r| r.2).sum();
            let others = total_count - count;
            let Some(first) = own.first() else { continue };
            if others == 0 {
                continue;
            }
            let diff = sum as f64 / count as f64 - (total_sum - sum) as f64 / others as f64;
            if let Some(acc) = accs.get_mut(first.0 as usize) {
                acc.panel.push(diff);
            }
        }
    }
    let ranks = people.sorted_ranks();
    let mut rows: Vec<(usize, InterviewerRow)> = people
        .names()
        .iter()
        .zip(accs)
        .zip(&ranks)
        .map(|((name, mut a), rank)| {
            let (median_hours_late, _) = median_p90(&mut a.late_hours);
            let (mean_rating, rating_sd) = scale_mean_sd(&a.ratings);
            let (panel_difference, panel_difference_sd) = mean_sd(&mut a.panel);
            let row = InterviewerRow {
                interviewer: (*name).to_string(),
                scorecards: a.scorecards,
                submitted: a.submitted,
                ratings: a.ratings.iter().sum(),
                mean_rating,
                rating_sd,
                compared_applications: a.panel.len() as u64,
                panel_difference,
                panel_difference_sd,
                recommendations: a.recommendations,
                no_decision_rate: ratio(a.no_decision, a.recommendations),
                late_rate: ratio(a.late_hours.len() as u64, a.submitted),
                median_hours_late,
                overdue: a.overdue,
            };
            (*rank, row)
        })
        .collect();
    rows.sort_unstable_by_key(|(rank, _)| *rank);
    Ok(CalibrationReport {
        now_ms,
        interviewers: rows.into_iter().map(|(_, r)| r).collect(),
    })
}
