//! Interviewer calibration: how each interviewer rates, against the rest of the panel, and how
//! promptly they submit.

use serde::{Deserialize, Serialize};

use super::digest::{CardSum, Digest, digest};
use super::group::group_by_key;
use super::stats::{mean_sd, median_p90, ratio, scale_mean_sd};
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

/// Computes every interviewer's calibration from the scorecards. O(n) for n scorecards, plus a
/// sort of each application's few scorecards.
pub fn calibration(
    cards: &[ScorecardFacts],
    now_ms: i64,
) -> Result<CalibrationReport, ReportError> {
    Ok(from_digest(digest(cards, now_ms)?, now_ms))
}

/// Calibration from the digested scorecards.
pub(crate) fn from_digest(d: Digest, now_ms: i64) -> CalibrationReport {
    // Panel comparison: per application, each interviewer's pooled ratings against everyone
    // else's pooled ratings on it.
    let mut panels: Vec<Vec<f64>> = vec![Vec::new(); d.counts.len()];
    let (by_app, starts) = group_by_key(&d.cards, d.apps.len(), |c| c.app as usize);
    let mut panel: Vec<CardSum> = Vec::new();
    for w in starts.windows(2) {
        panel.clear();
        panel.extend_from_slice(by_app.get(w[0]..w[1]).unwrap_or(&[]));
        // Same application throughout, so this orders by interviewer.
        panel.sort_unstable();
        let total_sum: u64 = panel.iter().map(|r| r.sum).sum();
        let total_count: u64 = panel.iter().map(|r| r.count).sum();
        for own in panel.chunk_by(|a, b| a.who == b.who) {
            let sum: u64 = own.iter().map(|r| r.sum).sum();
            let count: u64 = own.iter().map(|r| r.count).sum();
            let others = total_count - count;
            let Some(first) = own.first() else { continue };
            if others == 0 {
                continue;
            }
            let diff = sum as f64 / count as f64 - (total_sum - sum) as f64 / others as f64;
            if let Some(p) = panels.get_mut(first.who as usize) {
                p.push(diff);
            }
        }
    }
    let ranks = d.people.sorted_ranks();
    let mut rows: Vec<(usize, InterviewerRow)> = d
        .people
        .names()
        .zip(d.counts)
        .zip(panels)
        .zip(&ranks)
        .map(|(((name, mut a), mut panel), rank)| {
            let (median_hours_late, _) = median_p90(&mut a.late_hours);
            let (mean_rating, rating_sd) = scale_mean_sd(&a.ratings);
            let (panel_difference, panel_difference_sd) = mean_sd(&mut panel);
            let row = InterviewerRow {
                interviewer: name.to_string(),
                scorecards: a.scorecards,
                submitted: a.submitted,
                ratings: a.ratings.iter().sum(),
                mean_rating,
                rating_sd,
                compared_applications: panel.len() as u64,
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
    CalibrationReport {
        now_ms,
        interviewers: rows.into_iter().map(|(_, r)| r).collect(),
    }
}
