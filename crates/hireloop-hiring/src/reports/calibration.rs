//! Interviewer calibration: how each interviewer rates, against the rest of the panel, and how
//! promptly they submit.

use std::collections::{BTreeMap, HashMap};

use hireloop_core::Recommendation;
use serde::{Deserialize, Serialize};

use super::facts::rating_value;
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

/// One submitted scorecard's ratings, reduced to what the panel comparison needs.
struct Rated {
    application: usize,
    interviewer: usize,
    sum: u64,
    count: u64,
}

/// Computes every interviewer's calibration from the scorecards. O(n log n) for n scorecards.
pub fn calibration(
    cards: &[ScorecardFacts],
    now_ms: i64,
) -> Result<CalibrationReport, ReportError> {
    // Interviewers in name order: the BTreeMap gives each its index in the output.
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cards {
        names.entry(c.interviewer.as_str()).or_insert(0);
    }
    for (i, v) in names.values_mut().enumerate() {
        *v = i;
    }
    let mut accs: Vec<Acc> = (0..names.len()).map(|_| Acc::default()).collect();
    let mut apps: HashMap<&str, usize> = HashMap::new();
    let mut rated: Vec<Rated> = Vec::new();
    for c in cards {
        let who = names.get(c.interviewer.as_str()).copied().unwrap_or(0);
        let Some(acc) = accs.get_mut(who) else {
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
        if count > 0 {
            let next = apps.len();
            let application = *apps.entry(c.application_id.as_str()).or_insert(next);
            rated.push(Rated {
                application,
                interviewer: who,
                sum,
                count,
            });
        }
    }
    // Panel comparison: per application, each interviewer's pooled ratings against everyone
    // else's pooled ratings on it.
    rated.sort_unstable_by_key(|r| (r.application, r.interviewer));
    for app in rated.chunk_by(|a, b| a.application == b.application) {
        let total_sum: u64 = app.iter().map(|r| r.sum).sum();
        let total_count: u64 = app.iter().map(|r| r.count).sum();
        for own in app.chunk_by(|a, b| a.interviewer == b.interviewer) {
            let sum: u64 = own.iter().map(|r| r.sum).sum();
            let count: u64 = own.iter().map(|r| r.count).sum();
            let others = total_count - count;
            let Some(first) = own.first() else { continue };
            if others == 0 {
                continue;
            }
            let diff = sum as f64 / count as f64 - (total_sum - sum) as f64 / others as f64;
            if let Some(acc) = accs.get_mut(first.interviewer) {
                acc.panel.push(diff);
            }
        }
    }
    let interviewers = names
        .keys()
        .zip(accs)
        .map(|(name, mut a)| {
            let (median_hours_late, _) = median_p90(&mut a.late_hours);
            let (mean_rating, rating_sd) = scale_mean_sd(&a.ratings);
            let (panel_difference, panel_difference_sd) = mean_sd(&mut a.panel);
            InterviewerRow {
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
            }
        })
        .collect();
    Ok(CalibrationReport {
        now_ms,
        interviewers,
    })
}
