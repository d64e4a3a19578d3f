//! Applications: filing, stages, closing, and the view with its timeline.

use hireloop_hiring::roles::Action;
use hireloop_hiring::timeline::{self, ApplicationTimeline, History};
use hireloop_store::{
    Application, ApplicationFilter, ApplicationStatus, Decision, Interview, Offer, Paged,
    StageVisit, VisitOutcome,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, optional_text, plan_of};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// A candidate applied to a requisition.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplyBody {
    /// The candidate.
    pub candidate_id: String,
}

/// A filter of a requisition's applications.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ApplicationsQuery {
    /// In this stage.
    pub stage: Option<String>,
    /// With this status: `active`, `hired`, `rejected`, `withdrawn`.
    pub status: Option<String>,
    /// Paging cursor.
    pub after: Option<String>,
    /// Rows per page.
    pub limit: Option<i64>,
}

/// A move to another stage.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBody {
    /// The stage to move to (a stage id of the requisition's plan).
    pub stage: String,
}

/// Closing an application.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CloseBody {
    /// Why (kept in the audit log's erasable detail).
    #[serde(default)]
    pub reason: Option<String>,
}

/// An application with everything about it the viewer may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationOut {
    /// The application.
    #[schema(value_type = Object)]
    pub application: Application,
    /// Its stays in stages.
    #[schema(value_type = Vec<Object>)]
    pub visits: Vec<StageVisit>,
    /// Its timeline against the pipeline's per-stage limits and 4–8 week target.
    #[schema(value_type = Object)]
    pub timeline: Option<ApplicationTimeline>,
    /// Its interviews.
    #[schema(value_type = Vec<Object>)]
    pub interviews: Vec<Interview>,
    /// Its decision, once recorded (for those who may read the debrief).
    #[schema(value_type = Object)]
    pub decision: Option<Decision>,
    /// Its offers (for those who propose or approve offers).
    #[schema(value_type = Vec<Object>)]
    pub offers: Vec<Offer>,
}

/// What a candidate sees of their own application.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnStatusOut {
    /// Application id.
    pub id: String,
    /// The stage's name.
    pub stage: String,
    /// `active`, `hired`, `rejected` or `withdrawn`.
    pub status: String,
    /// Their scheduled interviews: round and times.
    pub interviews: Vec<OwnInterview>,
}

/// An interview as the candidate sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnInterview {
    /// Interview id.
    pub id: String,
    /// Round id.
    pub round: String,
    /// Start.
    pub starts_ms: i64,
    /// End.
    pub ends_ms: i64,
    /// `scheduled`, `cancelled` or `done`.
    pub status: String,
}

/// Files an application of a candidate to a requisition, in its plan's first stage.
pub async fn apply(
    state: &AppState,
    ctx: &Ctx,
    requisition_id: &str,
    body: &ApplyBody,
) -> Result<Application, WebError> {
    let store = state.store();
    let req = store.requisition(ctx.org_id(), requisition_id).await?;
    let candidate = store
        .candidate(ctx.org_id(), body.candidate_id.trim())
        .await
        .map_err(|_| {
            WebError::bad(
                "candidate_id",
                "no candidate of this organisation has this id",
            )
        })?;
    let plan = plan_of(state, &req, None)?;
    let first = plan
        .stages
        .first()
        .ok_or_else(|| WebError::Conflict("the requisition's plan has no stage".into()))?;
    Ok(store
        .apply(
            ctx.org_id(),
            &req.id,
            &candidate.id,
            &first.id,
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// A page of a requisition's applications.
pub async fn list(
    state: &AppState,
    ctx: &Ctx,
    requisition_id: &str,
    q: &ApplicationsQuery,
) -> Result<Paged<Application>, WebError> {
    let page = PageQuery {
        after: q.after.clone(),
        limit: q.limit,
    }
    .page()?;
    let status =
        match q.status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(ApplicationStatus::parse(s).ok_or_else(|| {
                WebError::bad("status", "use active, hired, rejected or withdrawn")
            })?),
        };
    let filter = ApplicationFilter {
        stage_id: optional_text("stage", q.stage.as_deref(), 100)?,
        status,
    };
    Ok(state
        .store()
        .applications(ctx.org_id(), requisition_id, &filter, &page)
        .await?)
}

/// One application with its visits, timeline, interviews, decision and offers.
pub async fn get(state: &AppState, ctx: &Ctx, id: &str) -> Result<ApplicationOut, WebError> {
    let store = state.store();
    let org = ctx.org_id();
    let application = store.application(org, id).await?;
    let visits = store.visits(org, id).await?;
    let req = store.requisition(org, &application.requisition_id).await?;
    let plan = plan_of(state, &req, None)?;
    let history = History {
        started_ms: application.applied_ms,
        visits: visits
            .iter()
            .map(|v| timeline::StageVisit {
                stage: v.stage_id.clone(),
                entered_ms: v.entered_ms,
                left_ms: v.left_ms,
            })
            .collect(),
        last_activity_ms: Some(application.updated_ms),
        closed_ms: application.decided_ms,
    };
    // A history the timeline cannot read (a stage the pipeline dropped) leaves it out rather
    // than failing the whole view.
    let timeline = timeline::timeline(
        &plan,
        &history,
        state.now_ms().max(application.updated_ms),
        timeline::DEFAULT_STALE_AFTER_MS,
    )
    .ok();
    // The decision and the offers are shown only to those who may read the debrief or work
    // on offers: an interviewer assigned to one round sees the schedule, not the pay.
    let decision = if ctx.may(Action::DebriefView) {
        store.decision(org, id).await?
    } else {
        None
    };
    let offers = if ctx.may(Action::OfferPropose) || ctx.may(Action::OfferApprove) {
        store.offers_of(org, id).await?
    } else {
        Vec::new()
    };
    Ok(ApplicationOut {
        interviews: store.interviews_of(org, id).await?,
        decision,
        offers,
        application,
        visits,
        timeline,
    })
}

/// A candidate's own application: stage, status and interview times, nothing else.
pub async fn own(state: &AppState, ctx: &Ctx, id: &str) -> Result<OwnStatusOut, WebError> {
    let store = state.store();
    let app = store.application(ctx.org_id(), id).await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    let stage = plan_of(state, &req, None)
        .ok()
        .and_then(|p| p.stage(&app.stage_id).map(|s| s.name.clone()))
        .unwrap_or_else(|| app.stage_id.clone());
    let interviews = store
        .interviews_of(ctx.org_id(), id)
        .await?
        .into_iter()
        .map(|i| OwnInterview {
            id: i.id,
            round: i.round_id,
            starts_ms: i.starts_ms,
            ends_ms: i.ends_ms,
            status: i.status.as_str().to_owned(),
        })
        .collect();
    Ok(OwnStatusOut {
        id: app.id,
        stage,
        status: app.status.as_str().to_owned(),
        interviews,
    })
}

/// Moves an application to another stage of its plan: forward counts as passing the stage it
/// leaves, backward as failing it.
pub async fn move_stage(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: &MoveBody,
) -> Result<Application, WebError> {
    let store = state.store();
    let app = store.application(ctx.org_id(), id).await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    let plan = plan_of(state, &req, None)?;
    let to = body.stage.trim();
    let position = |s: &str| plan.stages.iter().position(|st| st.id == s);
    let Some(to_at) = position(to) else {
        let ids: Vec<&str> = plan.stages.iter().map(|s| s.id.as_str()).collect();
        return Err(WebError::bad(
            "stage",
            format!("unknown stage {to:?}; the plan has {}", ids.join(", ")),
        ));
    };
    if to == app.stage_id {
        return Err(WebError::bad(
            "stage",
            format!("the application is already in {to}"),
        ));
    }
    let outcome = match position(&app.stage_id) {
        Some(from_at) if from_at > to_at => VisitOutcome::Failed,
        _ => VisitOutcome::Passed,
    };
    Ok(store
        .move_stage(ctx.org_id(), id, to, outcome, ctx.user(), state.now_ms())
        .await?)
}

/// Closes an application as hired, rejected or withdrawn.
pub async fn close(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: ApplicationStatus,
    body: &CloseBody,
) -> Result<Application, WebError> {
    let reason = optional_text("reason", body.reason.as_deref(), 2_000)?;
    Ok(state
        .store()
        .close_application(
            ctx.org_id(),
            id,
            status,
            reason.as_deref(),
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}
