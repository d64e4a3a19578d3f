//! The input facts the store fills, and the checks every report runs on them first.

use std::collections::BTreeMap;

use hireloop_core::{Rating, Recommendation};
use serde::{Deserialize, Serialize};

use super::ReportError;
use super::group::FastMap;

/// One stage of the process, in the order candidates go through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stable stage id, as visits refer to it.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// What happened to an application at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitOutcome {
    /// Still in the stage.
    Open,
    /// Moved on to the next stage.
    Passed,
    /// Rejected at this stage.
    Failed,
    /// The candidate withdrew during this stage.
    Withdrawn,
}

/// One stay of an application in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageVisit {
    /// The stage's id (must be in the stage order).
    pub stage_id: String,
    /// When the application entered the stage (ms since the Unix epoch, UTC).
    pub entered_ms: i64,
    /// When it left; `None` while the visit is open.
    #[serde(default)]
    pub left_ms: Option<i64>,
    /// How the visit ended, or `Open`.
    pub outcome: VisitOutcome,
}

/// The final decision on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// An offer was made.
    Hire,
    /// The application was turned down.
    Reject,
}

/// What the reports need to know about one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationFacts {
    /// The application's id.
    pub id: String,
    /// The requisition it applies to.
    pub requisition_id: String,
    /// The cohort it belongs to, such as the month applied (`"2026-11"`); the caller chooses.
    pub cohort: String,
    /// When the candidate applied (ms since the Unix epoch, UTC).
    pub applied_ms: i64,
    /// The self-reported group for adverse-impact reporting; `None` when not stated.
    #[serde(default)]
    pub group: Option<String>,
    /// The stage visits, in any order.
    #[serde(default)]
    pub visits: Vec<StageVisit>,
    /// When the decision was made.
    #[serde(default)]
    pub decided_ms: Option<i64>,
    /// The decision, if made.
    #[serde(default)]
    pub decision: Option<Decision>,
}

impl ApplicationFacts {
    /// True when the candidate withdrew (some visit ended in withdrawal) and no decision was made.
    pub fn is_withdrawn(&self) -> bool {
        self.decision.is_none()
            && self
                .visits
                .iter()
                .any(|v| v.outcome == VisitOutcome::Withdrawn)
    }
}

/// One interviewer's scorecard for one round of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardFacts {
    /// The interviewer (a stable user id or name).
    pub interviewer: String,
    /// The application's id.
    pub application_id: String,
    /// The round's id.
    pub round_id: String,
    /// When the scorecard was due (ms since the Unix epoch, UTC).
    pub due_ms: i64,
    /// When it was submitted; `None` while it is a draft or not started.
    #[serde(default)]
    pub submitted_ms: Option<i64>,
    /// Ratings by rubric dimension id. Only submitted scorecards' ratings are counted.
    #[serde(default)]
    pub ratings: BTreeMap<String, Rating>,
    /// The overall recommendation. Only submitted scorecards' recommendations are counted.
    #[serde(default)]
    pub recommendation: Option<Recommendation>,
}

/// The stage order as an index from id to position. A process has a handful of stages, so a
/// linear scan (with the last hit checked first) is the common path; the map serves long orders.
pub(crate) struct StageIndex<'a> {
    ids: Vec<&'a str>,
    by_id: FastMap<&'a str, usize>,
}

/// Up to this many stages, ids are found by scanning.
const SCAN: usize = 16;

impl<'a> StageIndex<'a> {
    /// Indexes the stage order, refusing duplicate ids.
    pub(crate) fn new(stages: &'a [Stage]) -> Result<Self, ReportError> {
        let mut by_id = FastMap::default();
        for (i, s) in stages.iter().enumerate() {
            if by_id.insert(s.id.as_str(), i).is_some() {
                return Err(ReportError::DuplicateStage(s.id.clone()));
            }
        }
        let ids = stages.iter().map(|s| s.id.as_str()).collect();
        Ok(StageIndex { ids, by_id })
    }

    /// The position of a visit's stage, or the error naming the application.
    pub(crate) fn position(
        &self,
        app: &ApplicationFacts,
        visit: &StageVisit,
    ) -> Result<usize, ReportError> {
        let id = visit.stage_id.as_str();
        let found = if self.ids.len() <= SCAN {
            self.ids.iter().position(|s| *s == id)
        } else {
            self.by_id.get(id).copied()
        };
        found.ok_or_else(|| ReportError::UnknownStage {
            application: app.id.clone(),
            stage: visit.stage_id.clone(),
        })
    }
}

/// Checks one visit: an end only when closed, and never before the start.
pub(crate) fn check_visit(app: &ApplicationFacts, v: &StageVisit) -> Result<(), ReportError> {
    let closed = v.outcome != VisitOutcome::Open;
    if closed != v.left_ms.is_some() {
        return Err(ReportError::VisitEndMismatch {
            application: app.id.clone(),
            stage: v.stage_id.clone(),
        });
    }
    if v.left_ms.is_some_and(|left| left < v.entered_ms) {
        return Err(ReportError::VisitEndsBeforeStart {
            application: app.id.clone(),
            stage: v.stage_id.clone(),
        });
    }
    Ok(())
}

/// Refuses two applications with one id: reports group and break ties by id, so a repeated id
/// would make the result depend on the order the facts came in.
pub(crate) fn check_unique_ids(apps: &[ApplicationFacts]) -> Result<(), ReportError> {
    let mut seen = std::collections::HashSet::with_capacity(apps.len());
    for app in apps {
        if !seen.insert(app.id.as_str()) {
            return Err(ReportError::DuplicateApplication(app.id.clone()));
        }
    }
    Ok(())
}

/// Checks an application's decision: both parts or neither, and not before applying.
pub(crate) fn check_decision(app: &ApplicationFacts) -> Result<(), ReportError> {
    match (app.decision, app.decided_ms) {
        (Some(_), Some(at)) if at < app.applied_ms => {
            Err(ReportError::DecidedBeforeApplied(app.id.clone()))
        }
        (Some(_), Some(_)) | (None, None) => Ok(()),
        _ => Err(ReportError::DecisionMismatch(app.id.clone())),
    }
}

/// The 1–4 value of a rating, `None` for no evidence, or the error for a value off the scale
/// (`Rating::Score` can be built with any `u8` in code, so the scale is checked here too).
pub(crate) fn rating_value(
    card: &ScorecardFacts,
    dimension: &str,
    rating: Rating,
) -> Result<Option<u8>, ReportError> {
    match rating.value() {
        None => Ok(None),
        Some(v @ 1..=4) => Ok(Some(v)),
        Some(v) => Err(ReportError::RatingOutOfRange {
            interviewer: card.interviewer.clone(),
            application: card.application_id.clone(),
            dimension: dimension.to_string(),
            value: v,
        }),
    }
}

/// For each stage, the outcome of the application's latest visit there (`None` if never
/// entered). When a candidate is moved back and re-enters a stage, the latest stay is the one that
/// counts, so every application is counted once per stage. Ties on the entry time are broken by
/// the end time and then the outcome, so the result never depends on the order of the visits.
pub(crate) fn latest_outcomes(
    app: &ApplicationFacts,
    index: &StageIndex<'_>,
    out: &mut [Option<(i64, i64, VisitOutcome)>],
) -> Result<(), ReportError> {
    out.iter_mut().for_each(|o| *o = None);
    for v in &app.visits {
        check_visit(app, v)?;
        let pos = index.position(app, v)?;
        let key = (v.entered_ms, v.left_ms.unwrap_or(i64::MAX), v.outcome);
        if let Some(slot) = out.get_mut(pos)
            && slot.is_none_or(|old| key > old)
        {
            *slot = Some(key);
        }
    }
    Ok(())
}
