//! How long things take: time spent in each stage, and time from application to decision.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{StageIndex, check_decision, check_unique_ids, check_visit};
use super::stats::{DAY_MS, median_p90, ratio};
use super::{ApplicationFacts, ReportError, Stage};

/// Time spent in one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageTimes {
    /// The stage's id.
    pub stage_id: String,
    /// The stage's display name.
    pub stage_name: String,
    /// Completed visits (with an end time); every visit counts, re-entries included.
    pub completed: u64,
    /// Median days in the stage over completed visits.
    pub median_days: Option<f64>,
    /// 90th percentile of days in the stage over completed visits.
    pub p90_days: Option<f64>,
    /// Visits still open at `now_ms`.
    pub open: u64,
    /// Median age in days of the open visits at `now_ms`.
    pub open_median_age_days: Option<f64>,
    /// Age in days of the oldest open visit at `now_ms`.
    pub open_max_age_days: Option<f64>,
}

/// Time in stage for every stage, in the stage order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeInStageReport {
    /// The time the open visits' ages are measured at (ms since the Unix epoch, UTC).
    pub now_ms: i64,
    /// One row per stage.
    pub stages: Vec<StageTimes>,
}

/// Computes the time spent in each stage. Completed visits give durations; open visits give ages
/// at `now_ms`, counted as zero when a visit starts after `now_ms` (a clock ahead of the
/// server's) so an age is never negative. O(n log n) in the number of visits.
pub fn time_in_stage(
    stages: &[Stage],
    apps: &[ApplicationFacts],
    now_ms: i64,
) -> Result<TimeInStageReport, ReportError> {
    let index = StageIndex::new(stages)?;
    check_unique_ids(apps)?;
    let mut done: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
    let mut open: Vec<Vec<f64>> = vec![Vec::new(); stages.len()];
    for app in apps {
        for v in &app.visits {
            check_visit(app, v)?;
            let pos = index.position(app, v)?;
            let (list, end) = match v.left_ms {
                Some(left) => (&mut done, left),
                None => (&mut open, now_ms.max(v.entered_ms)),
            };
            if let Some(l) = list.get_mut(pos) {
                l.push(end.saturating_sub(v.entered_ms) as f64 / DAY_MS);
            }
        }
    }
    let rows = stages
        .iter()
        .zip(done.iter_mut().zip(open.iter_mut()))
        .map(|(s, (d, o))| {
            let (median_days, p90_days) = median_p90(d);
            let (open_median_age_days, _) = median_p90(o);
            StageTimes {
                stage_id: s.id.clone(),
                stage_name: s.name.clone(),
                completed: d.len() as u64,
                median_days,
                p90_days,
                open: o.len() as u64,
                open_median_age_days,
                open_max_age_days: o.last().copied(),
            }
        })
        .collect();
    Ok(TimeInStageReport {
        now_ms,
        stages: rows,
    })
}

/// The target window for deciding an application, in weeks from applying (the process aims at
/// 4–8 weeks).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionTarget {
    /// The start of the window, in weeks.
    pub min_weeks: f64,
    /// The end of the window, in weeks; undecided applications older than this are flagged.
    pub max_weeks: f64,
}

impl Default for DecisionTarget {
    fn default() -> Self {
        DecisionTarget {
            min_weeks: 4.0,
            max_weeks: 8.0,
        }
    }
}

/// The last week `decided_by_week` has a bin of its own.
const MAX_WEEKS: usize = 156;

/// Time to decision for one set of applications (all of them, or one cohort).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionTimes {
    /// The cohort's label; `None` for all applications together.
    pub cohort: Option<String>,
    /// Applications in the set.
    pub applications: u64,
    /// Of those, decided (hired or rejected).
    pub decided: u64,
    /// Of those, withdrawn by the candidate without a decision.
    pub withdrawn: u64,
    /// Of those, neither decided nor withdrawn.
    pub undecided: u64,
    /// Median days from applying to the decision, over decided applications. Undecided ones are
    /// not in it (they have no decision time yet), so while many are still open this leans
    /// towards the quick decisions.
    pub median_days: Option<f64>,
    /// 90th percentile of days from applying to the decision, over decided applications.
    pub p90_days: Option<f64>,
    /// Share of decided applications decided before the window opens (`< min_weeks`).
    pub share_before_target: Option<f64>,
    /// Share of decided applications decided inside the window (`min_weeks <= t <= max_weeks`).
    pub share_within_target: Option<f64>,
    /// Share of decided applications decided after the window (`> max_weeks`).
    pub share_over_target: Option<f64>,
    /// Undecided applications older than `max_weeks` at `now_ms`.
    pub overdue: u64,
    /// Decided applications by whole weeks from applying to the decision: element `w` counts
    /// decisions in `[w, w + 1)` weeks, up to the last non-empty week. Element 156 (three years),
    /// if present, also counts every later decision.
    pub decided_by_week: Vec<u64>,
}

/// One undecided application older than the target window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueApplication {
    /// The application's id.
    pub application_id: String,
    /// The requisition it applies to.
    pub requisition_id: String,
    /// Its cohort.
    pub cohort: String,
    /// Days since applying at `now_ms`.
    pub age_days: f64,
}

/// The time-to-decision report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeToDecisionReport {
    /// The target window used.
    pub target: DecisionTarget,
    /// The time ages are measured at (ms since the Unix epoch, UTC).
    pub now_ms: i64,
    /// All applications together.
    pub overall: DecisionTimes,
    /// Each cohort, sorted by its label.
    pub cohorts: Vec<DecisionTimes>,
    /// Undecided applications older than `max_weeks`, oldest first (ties by id).
    pub overdue: Vec<OverdueApplication>,
}

/// Per-set counts and the decision times collected so far.
#[derive(Default)]
struct Acc {
    applications: u64,
    withdrawn: u64,
    undecided: u64,
    overdue: u64,
    days: Vec<f64>,
}

impl Acc {
    fn finish(mut self, cohort: Option<String>, target: DecisionTarget) -> DecisionTimes {
        let decided = self.days.len() as u64;
        let (median_days, p90_days) = median_p90(&mut self.days);
        let (lo, hi) = (target.min_weeks * 7.0, target.max_weeks * 7.0);
        let before = self.days.iter().filter(|d| **d < lo).count() as u64;
        let over = self.days.iter().filter(|d| **d > hi).count() as u64;
        let mut decided_by_week = Vec::new();
        for d in &self.days {
            // Days are never negative (decisions before applying are refused); a wild date
            // must not make a huge histogram, so the last week counts everything later.
            let w = ((d / 7.0).floor() as usize).min(MAX_WEEKS);
            if decided_by_week.len() <= w {
                decided_by_week.resize(w + 1, 0);
            }
            if let Some(c) = decided_by_week.get_mut(w) {
                *c += 1;
            }
        }
        DecisionTimes {
            cohort,
            applications: self.applications,
            decided,
            withdrawn: self.withdrawn,
            undecided: self.undecided,
            median_days,
            p90_days,
            share_before_target: ratio(before, decided),
            share_within_target: ratio(decided - before - over, decided),
            share_over_target: ratio(over, decided),
            overdue: self.overdue,
            decided_by_week,
        }
    }
}

/// Computes time from applying to the decision, overall and per cohort, and lists the undecided
/// applications older than the window's end. Withdrawn applications (a visit ended in withdrawal,
/// no decision) are closed, so they are neither timed nor flagged. O(n log n).
pub fn time_to_decision(
    apps: &[ApplicationFacts],
    target: DecisionTarget,
    now_ms: i64,
) -> Result<TimeToDecisionReport, ReportError> {
    let ok = target.min_weeks.is_finite()
        && target.max_weeks.is_finite()
        && 0.0 <= target.min_weeks
        && target.min_weeks <= target.max_weeks;
    if !ok {
        return Err(ReportError::BadTarget {
            min: target.min_weeks,
            max: target.max_weeks,
        });
    }
    check_unique_ids(apps)?;
    let max_days = target.max_weeks * 7.0;
    let mut overall = Acc::default();
    let mut cohorts: BTreeMap<&str, Acc> = BTreeMap::new();
    let mut overdue = Vec::new();
    for app in apps {
        check_decision(app)?;
        let cohort = cohorts.entry(app.cohort.as_str()).or_default();
        for acc in [&mut overall, &mut *cohort] {
            acc.applications += 1;
        }
        if let Some(at) = app.decided_ms {
            let days = at.saturating_sub(app.applied_ms) as f64 / DAY_MS;
            overall.days.push(days);
            cohort.days.push(days);
        } else if app.is_withdrawn() {
            overall.withdrawn += 1;
            cohort.withdrawn += 1;
        } else {
            overall.undecided += 1;
            cohort.undecided += 1;
            let age_days = now_ms.saturating_sub(app.applied_ms).max(0) as f64 / DAY_MS;
            if age_days > max_days {
                overall.overdue += 1;
                cohort.overdue += 1;
                overdue.push(OverdueApplication {
                    application_id: app.id.clone(),
                    requisition_id: app.requisition_id.clone(),
                    cohort: app.cohort.clone(),
                    age_days,
                });
            }
        }
    }
    overdue.sort_by(|a, b| {
        b.age_days
            .total_cmp(&a.age_days)
            .then_with(|| a.application_id.cmp(&b.application_id))
    });
    Ok(TimeToDecisionReport {
        target,
        now_ms,
        overall: overall.finish(None, target),
        cohorts: cohorts
            .into_iter()
            .map(|(c, acc)| acc.finish(Some(c.to_string()), target))
            .collect(),
        overdue,
    })
}
