//! The funnel: how many applications reached each stage and what happened to them there, overall
//! and per cohort.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{StageIndex, check_decision, check_unique_ids, latest_outcomes};
use super::stats::ratio;
use super::{ApplicationFacts, Decision, ReportError, Stage, VisitOutcome};

/// One stage's row of a funnel. Each application is counted once per stage, by the outcome of its
/// latest visit there, so `passed + failed + withdrawn + open == entered`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelRow {
    /// The stage's id.
    pub stage_id: String,
    /// The stage's display name.
    pub stage_name: String,
    /// Applications with at least one visit to the stage.
    pub entered: u64,
    /// Of those, the latest visit passed.
    pub passed: u64,
    /// Of those, the latest visit failed.
    pub failed: u64,
    /// Of those, the candidate withdrew during the latest visit.
    pub withdrawn: u64,
    /// Of those, the latest visit is still open.
    pub open: u64,
    /// `passed / (passed + failed)`: the share passed among those *we* decided on at this stage.
    /// Withdrawals are the candidate's choice and open visits are undecided, so neither is in the
    /// denominator. `None` when nobody was decided at the stage.
    pub pass_through: Option<f64>,
    /// `withdrawn / (passed + failed + withdrawn)`: the share of closed visits the candidate
    /// ended. `None` when no visit is closed.
    pub withdrawal_rate: Option<f64>,
    /// Of the applications that entered the first stage of the order, the share that also
    /// entered this one (1 for the first stage itself). Applications that skipped the first stage
    /// (such as referrals placed straight into a later stage) are left out of both sides, so the
    /// figure stays in [0, 1]. `None` when nobody entered the first stage.
    pub conversion_from_first: Option<f64>,
}

/// The funnel of one set of applications (all of them, or one cohort).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortFunnel {
    /// The cohort's label; `None` for all applications together.
    pub cohort: Option<String>,
    /// Applications in the set.
    pub applications: u64,
    /// Of those, hired.
    pub hired: u64,
    /// Of those, rejected.
    pub rejected: u64,
    /// `hired / applications`; `None` for no applications.
    pub hire_rate: Option<f64>,
    /// One row per stage, in the stage order (stages nobody entered included, with zeros).
    pub rows: Vec<FunnelRow>,
}

/// The funnel report: all applications, then each cohort in sorted order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelReport {
    /// All applications together.
    pub overall: CohortFunnel,
    /// Each cohort, sorted by its label.
    pub cohorts: Vec<CohortFunnel>,
}

/// Counts while reading the applications.
#[derive(Clone)]
struct Acc {
    applications: u64,
    hired: u64,
    rejected: u64,
    /// Per stage: entered, passed, failed, withdrawn, open, entered together with the first stage.
    stages: Vec<[u64; 6]>,
}

impl Acc {
    fn new(n: usize) -> Self {
        Acc {
            applications: 0,
            hired: 0,
            rejected: 0,
            stages: vec![[0; 6]; n],
        }
    }

    fn add(&mut self, app: &ApplicationFacts, latest: &[Option<(i64, i64, VisitOutcome)>]) {
        self.applications += 1;
        match app.decision {
            Some(Decision::Hire) => self.hired += 1,
            Some(Decision::Reject) => self.rejected += 1,
            None => {}
        }
        let entered_first = latest.first().is_some_and(Option::is_some);
        for (acc, l) in self.stages.iter_mut().zip(latest) {
            let Some((_, _, outcome)) = l else { continue };
            acc[0] += 1;
            let k = match outcome {
                VisitOutcome::Passed => 1,
                VisitOutcome::Failed => 2,
                VisitOutcome::Withdrawn => 3,
                VisitOutcome::Open => 4,
            };
            acc[k] += 1;
            if entered_first {
                acc[5] += 1;
            }
        }
    }

    fn finish(self, cohort: Option<String>, stages: &[Stage]) -> CohortFunnel {
        let first = self.stages.first().map_or(0, |s| s[0]);
        let rows = stages
            .iter()
            .zip(&self.stages)
            .map(|(s, c)| FunnelRow {
                stage_id: s.id.clone(),
                stage_name: s.name.clone(),
                entered: c[0],
                passed: c[1],
                failed: c[2],
                withdrawn: c[3],
                open: c[4],
                pass_through: ratio(c[1], c[1] + c[2]),
                withdrawal_rate: ratio(c[3], c[1] + c[2] + c[3]),
                conversion_from_first: ratio(c[5], first),
            })
            .collect();
        CohortFunnel {
            cohort,
            applications: self.applications,
            hired: self.hired,
            rejected: self.rejected,
            hire_rate: ratio(self.hired, self.applications),
            rows,
        }
    }
}

/// Computes the funnel over `stages` (in process order) for the applications, overall and per
/// cohort. O(n log c) for n visits and c cohorts.
pub fn funnel(stages: &[Stage], apps: &[ApplicationFacts]) -> Result<FunnelReport, ReportError> {
    let index = StageIndex::new(stages)?;
    check_unique_ids(apps)?;
    let mut overall = Acc::new(stages.len());
    let mut cohorts: BTreeMap<&str, Acc> = BTreeMap::new();
    let mut latest = vec![None; stages.len()];
    for app in apps {
        check_decision(app)?;
        latest_outcomes(app, &index, &mut latest)?;
        overall.add(app, &latest);
        cohorts
            .entry(app.cohort.as_str())
            .or_insert_with(|| Acc::new(stages.len()))
            .add(app, &latest);
    }
    Ok(FunnelReport {
        overall: overall.finish(None, stages),
        cohorts: cohorts
            .into_iter()
            .map(|(c, acc)| acc.finish(Some(c.to_string()), stages))
            .collect(),
    })
}
