//! Scorecards: one's own draft and submission, the list others may see, and the overdue ones.

use hireloop_core::Recommendation;
use hireloop_hiring::scorecard::{self, Scorecard, ScorecardInput};
use hireloop_store::{
    Interview, InterviewStatus, OverdueScorecard, ScorecardDraft, ScorecardRecord,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::plan_of;
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// The scorecards of an application as the viewer may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardsOut {
    /// Whether other people's scorecards are shown.
    pub others_visible: bool,
    /// Why they are hidden, when they are.
    pub hidden_because: Option<String>,
    /// The viewer's own scorecards (drafts too) and, when visible, everyone's submitted ones.
    #[schema(value_type = Vec<Object>)]
    pub scorecards: Vec<ScorecardRecord>,
}

/// The round's dimensions of an interview, in order.
async fn dimensions(
    state: &AppState,
    ctx: &Ctx,
    interview: &Interview,
) -> Result<Vec<String>, WebError> {
    let app = state
        .store()
        .application(ctx.org_id(), &interview.application_id)
        .await?;
    let req = state
        .store()
        .requisition(ctx.org_id(), &app.requisition_id)
        .await?;
    let plan = plan_of(state, &req, None)?;
    let (_, round) = plan.round(&interview.round_id).ok_or_else(|| {
        WebError::Conflict(format!(
            "round {} is not in the requisition's plan any more",
            interview.round_id
        ))
    })?;
    Ok(round
        .dimensions
        .iter()
        .map(|d| d.dimension.clone())
        .collect())
}

fn draft_of(input: &ScorecardInput) -> Result<ScorecardDraft, WebError> {
    Ok(ScorecardDraft {
        ratings: serde_json::to_value(&input.ratings).map_err(WebError::internal)?,
        notes: serde_json::to_value(&input.notes).map_err(WebError::internal)?,
        recommendation: input.recommendation.map(|r| r.id().to_owned()),
        summary: input.summary.clone().unwrap_or_default(),
    })
}

/// A stored scorecard read back as input (for validation and the debrief).
pub fn input_of(record: &ScorecardRecord) -> ScorecardInput {
    ScorecardInput {
        ratings: serde_json::from_value(record.ratings.clone()).unwrap_or_default(),
        notes: serde_json::from_value(record.notes.clone()).unwrap_or_default(),
        recommendation: record.recommendation.as_deref().and_then(|r| {
            serde_json::from_value::<Recommendation>(Value::String(r.to_owned())).ok()
        }),
        summary: Some(record.summary.clone()),
    }
}

/// A submitted record as a valid scorecard for its round.
pub fn valid_of(record: &ScorecardRecord, dims: &[&str]) -> Result<Scorecard, WebError> {
    scorecard::validate(dims, &input_of(record)).map_err(|problems| {
        WebError::Conflict(format!(
            "the stored scorecard of {} for round {} no longer fits the round: {}",
            record.interviewer_id,
            record.round_id,
            list(&problems)
        ))
    })
}

fn list(problems: &[scorecard::Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The caller's own scorecard for an interview.
pub async fn own(
    state: &AppState,
    ctx: &Ctx,
    interview_id: &str,
) -> Result<ScorecardRecord, WebError> {
    let interview = state.store().interview(ctx.org_id(), interview_id).await?;
    state
        .store()
        .own_scorecard(
            ctx.org_id(),
            &interview.application_id,
            &interview.round_id,
            ctx.user(),
        )
        .await?
        .ok_or(WebError::NotFound("scorecard"))
}

/// Autosaves the caller's draft (anything goes: it is checked on submission).
pub async fn save_draft(
    state: &AppState,
    ctx: &Ctx,
    interview_id: &str,
    input: &ScorecardInput,
) -> Result<ScorecardRecord, WebError> {
    let draft = draft_of(input)?;
    let text_len = draft.summary.chars().count()
        + input
            .notes
            .values()
            .map(|n| n.chars().count())
            .sum::<usize>();
    if text_len > 4 * scorecard::MAX_TEXT_CHARS {
        return Err(WebError::bad("summary", "the draft is too long"));
    }
    state
        .store()
        .save_scorecard_draft(
            ctx.org_id(),
            interview_id,
            ctx.user(),
            &draft,
            state.now_ms(),
        )
        .await?;
    own(state, ctx, interview_id).await
}

/// Submits the caller's scorecard, checked against the round's dimensions: every problem is
/// listed at once, and nothing is saved while there is one.
pub async fn submit(
    state: &AppState,
    ctx: &Ctx,
    interview_id: &str,
    input: &ScorecardInput,
) -> Result<ScorecardRecord, WebError> {
    let interview = state.store().interview(ctx.org_id(), interview_id).await?;
    if interview.status == InterviewStatus::Cancelled {
        return Err(WebError::Conflict("the interview was cancelled".into()));
    }
    let dims = dimensions(state, ctx, &interview).await?;
    let refs: Vec<&str> = dims.iter().map(String::as_str).collect();
    let valid = scorecard::validate(&refs, input).map_err(|problems| {
        let field = problems
            .first()
            .map_or("scorecard".to_owned(), |p| p.field.clone());
        WebError::bad(
            field,
            format!("{} problem(s): {}", problems.len(), list(&problems)),
        )
    })?;
    let card = ScorecardDraft {
        ratings: serde_json::to_value(
            valid
                .ratings
                .iter()
                .map(|d| (d.dimension.clone(), d.rating))
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .map_err(WebError::internal)?,
        notes: serde_json::to_value(
            valid
                .ratings
                .iter()
                .filter_map(|d| d.note.clone().map(|n| (d.dimension.clone(), n)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .map_err(WebError::internal)?,
        recommendation: Some(valid.recommendation.id().to_owned()),
        summary: valid.summary.clone(),
    };
    Ok(state
        .store()
        .submit_scorecard(
            ctx.org_id(),
            interview_id,
            ctx.user(),
            &card,
            state.now_ms(),
        )
        .await?)
}

/// Whether the caller sits on a panel of the application and whether every scorecard they owe
/// for it is submitted.
pub async fn panel_status(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
    cards: &[ScorecardRecord],
) -> Result<(bool, bool), WebError> {
    let on_panel = state
        .store()
        .interviews_of(ctx.org_id(), application_id)
        .await?
        .iter()
        .filter(|i| i.status != InterviewStatus::Cancelled)
        .any(|i| i.panel.iter().any(|s| s.user_id == ctx.user()));
    let own_submitted = cards
        .iter()
        .filter(|c| c.interviewer_id == ctx.user())
        .all(|c| c.submitted_ms.is_some());
    Ok((on_panel, own_submitted))
}

/// An application's scorecards: one's own always; the others' submitted ones only as
/// `scorecard::can_see_others` allows (a panelist after submitting their own).
pub async fn of_application(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
) -> Result<ScorecardsOut, WebError> {
    let cards = state
        .store()
        .scorecards_of(ctx.org_id(), application_id)
        .await?;
    let (on_panel, own_submitted) = panel_status(state, ctx, application_id, &cards).await?;
    let visible = scorecard::can_see_others(ctx.role(), on_panel, own_submitted);
    let hidden_because = (!visible).then(|| {
        if on_panel {
            "submit your own scorecard first: a panel's judgements stay independent".to_owned()
        } else {
            format!(
                "role `{}` does not read other people's scorecards",
                ctx.role()
            )
        }
    });
    let scorecards = cards
        .into_iter()
        .filter(|c| c.interviewer_id == ctx.user() || (visible && c.submitted_ms.is_some()))
        .collect();
    Ok(ScorecardsOut {
        others_visible: visible,
        hidden_because,
        scorecards,
    })
}

/// The organisation's overdue scorecards, latest first.
pub async fn overdue(state: &AppState, ctx: &Ctx) -> Result<Vec<OverdueScorecard>, WebError> {
    Ok(state
        .store()
        .overdue_scorecards(ctx.org_id(), state.now_ms(), 500)
        .await?)
}
