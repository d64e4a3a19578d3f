//! The hiring operations, shared by the JSON API now and the pages later. Each takes the
//! authorised [`Ctx`](super::authz::Ctx) (the caller, their organisation and relation), checks
//! its input field by field, calls the store (which audits every change in its transaction) and
//! the pure rules of `hireloop_hiring`, and returns plain serialisable values.

pub mod applications;
pub mod assessments;
pub mod candidates;
pub mod decisions;
pub mod interviews;
pub mod orgs;
pub mod records;
pub mod requisitions;
pub mod scorecards;

use hireloop_core::pipeline::{Pipeline, Plan, Profile};
use hireloop_core::{Level, LevelRange};
use hireloop_practice::{Language, LoopPlan, PracticeSetup};
use hireloop_store::{Page, Requisition};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::WebError;
use crate::state::AppState;

/// The most rows one page holds.
pub const MAX_PAGE: i64 = 200;
/// The rows of a page when the request names no limit.
pub const DEFAULT_PAGE: i64 = 50;

/// Paging of a list: `?after=CURSOR&limit=N`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PageQuery {
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Rows per page, 1–200 (default 50).
    pub limit: Option<i64>,
}

impl PageQuery {
    /// The store's page; 422 on a limit out of range.
    pub fn page(&self) -> Result<Page, WebError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(WebError::bad(
                "limit",
                format!("ask for 1 to {MAX_PAGE} rows a page (got {limit})"),
            ));
        }
        Ok(Page {
            after: self.after.clone(),
            limit,
        })
    }
}

/// A required text field, trimmed, between 1 and `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, WebError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(WebError::bad(field, format!("{field} is required")));
    }
    optional_text(field, Some(value), max).map(|v| v.unwrap_or_default())
}

/// An optional text field, trimmed, at most `max` characters; blank reads as absent.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, WebError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let chars = value.chars().count();
    if chars > max {
        return Err(WebError::bad(
            field,
            format!("{field} may hold at most {max} characters (this one has {chars})"),
        ));
    }
    Ok(Some(value.to_owned()))
}

/// A level field such as `P7`.
pub fn level(field: &str, value: &str) -> Result<Level, WebError> {
    value
        .parse::<Level>()
        .map_err(|e| WebError::bad(field, format!("{e}; levels are P5 to P10")))
}

/// The pipeline a requisition runs.
pub fn pipeline_of<'c>(state: &'c AppState, req: &Requisition) -> Result<&'c Pipeline, WebError> {
    state.content().pipeline(&req.pipeline_id).ok_or_else(|| {
        WebError::Conflict(format!(
            "requisition {} runs pipeline `{}`, which the content no longer has",
            req.id, req.pipeline_id
        ))
    })
}

/// The plan of a requisition for a candidate at `level` (the requisition's lowest level when
/// none is given); 422 on `level` when it is outside the requisition's range.
pub fn plan_of(state: &AppState, req: &Requisition, level: Option<&str>) -> Result<Plan, WebError> {
    let pipeline = pipeline_of(state, req)?;
    let range = requisition_range(req)?;
    let level = match level {
        Some(l) => self::level("level", l)?,
        None => range.low,
    };
    if !range.contains(level) {
        return Err(WebError::bad(
            "level",
            format!(
                "{level} is outside the requisition's range {}..{}",
                range.low, range.high
            ),
        ));
    }
    pipeline
        .plan(&Profile {
            level,
            region: req.region.clone(),
        })
        .map_err(|e| WebError::Conflict(format!("requisition {}: {e}", req.id)))
}

/// A requisition's level range as stored.
pub fn requisition_range(req: &Requisition) -> Result<LevelRange, WebError> {
    format!("{}..{}", req.level_min, req.level_max)
        .parse::<LevelRange>()
        .map_err(|e| WebError::internal(format!("requisition {} level range: {e}", req.id)))
}

/// The questions a requisition's pipeline draws for one application, as practice mode draws
/// them: the same rules, seeded by the application so every interviewer of it sees the same kit.
pub fn loop_plan_of(
    state: &AppState,
    req: &Requisition,
    application_id: &str,
) -> Result<LoopPlan, WebError> {
    let range = requisition_range(req)?;
    let language = Language::ALL
        .iter()
        .find(|(id, _)| *id == req.language)
        .map_or(Language::En, |(_, l)| *l);
    let setup = PracticeSetup {
        pipeline: req.pipeline_id.clone(),
        level: range.low,
        region: req.region.clone(),
        language,
        seed: seed_of(application_id),
    };
    LoopPlan::build(state.content(), &setup, &[])
        .map_err(|e| WebError::Conflict(format!("cannot draw the questions: {e}")))
}

/// A stable seed from an id (FNV-1a), so a kit is drawn the same way every time.
fn seed_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
