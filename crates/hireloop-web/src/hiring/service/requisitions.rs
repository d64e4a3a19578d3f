//! Requisitions and their hiring teams.

use hireloop_hiring::roles::{self, Action, Relation, Role, Scope};
use hireloop_store::InterviewerLoad;
use hireloop_store::{NewRequisition, Page, Paged, Requisition, RequisitionSummary, TeamMember};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, level, required_text};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// A requisition as created or edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RequisitionBody {
    /// The position's title.
    pub title: String,
    /// Pipeline id (default `alibaba-pm`).
    #[serde(default)]
    pub pipeline: Option<String>,
    /// Lowest level hired at, such as `P6`.
    pub level_min: String,
    /// Highest level hired at, such as `P8`.
    pub level_max: String,
    /// Region id: `china` or `international`.
    pub region: String,
    /// Interview language: `en` or `zh`.
    pub language: String,
    /// Whether evaluators see the first stage blind (identity hidden).
    #[serde(default)]
    pub blind_first_stage: bool,
}

/// A list of requisitions: `?include_closed=true` shows closed ones too.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Show closed requisitions too.
    #[serde(default)]
    pub include_closed: bool,
    /// Paging cursor.
    pub after: Option<String>,
    /// Rows per page.
    pub limit: Option<i64>,
}

/// A member to put on a hiring team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TeamBody {
    /// The member's user id.
    pub user_id: String,
    /// Their role on the team: `recruiter`, `hiring_manager`, `interviewer` or `bar_raiser`.
    pub role: String,
}

/// A window of time: `?from=MS&to=MS`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct WindowQuery {
    /// Start, ms since the epoch (inclusive).
    pub from: i64,
    /// End, ms since the epoch (exclusive).
    pub to: i64,
}

/// A requisition's team member.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamOut {
    /// The team.
    #[schema(value_type = Vec<Object>)]
    pub members: Vec<TeamMember>,
}

/// Checks a requisition body against the content: the pipeline exists and hires for both
/// levels in the region. Every field is checked; the first problem is reported.
fn checked<'b>(state: &AppState, body: &'b RequisitionBody) -> Result<(String, &'b str), WebError> {
    let title = required_text("title", &body.title, 200)?;
    let pipeline_id = body.pipeline.as_deref().unwrap_or("alibaba-pm");
    let Some(pipeline) = state.content().pipeline(pipeline_id) else {
        let ids: Vec<&str> = state
            .content()
            .pipelines
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        return Err(WebError::bad(
            "pipeline",
            format!(
                "unknown pipeline {pipeline_id:?}; use one of {}",
                ids.join(", ")
            ),
        ));
    };
    let low = level("level_min", &body.level_min)?;
    let high = level("level_max", &body.level_max)?;
    if low > high {
        return Err(WebError::bad(
            "level_max",
            format!("{high} is below level_min {low}"),
        ));
    }
    for (field, l) in [("level_min", low), ("level_max", high)] {
        if !pipeline.levels.contains(l) {
            return Err(WebError::bad(
                field,
                format!("pipeline {pipeline_id} hires at {} only", pipeline.levels),
            ));
        }
    }
    if !pipeline.regions.iter().any(|r| r.id == body.region) {
        let ids: Vec<&str> = pipeline.regions.iter().map(|r| r.id.as_str()).collect();
        return Err(WebError::bad(
            "region",
            format!(
                "unknown region {:?}; use one of {}",
                body.region,
                ids.join(", ")
            ),
        ));
    }
    if !hireloop_practice::Language::ALL
        .iter()
        .any(|(id, _)| *id == body.language)
    {
        return Err(WebError::bad("language", "use `en` or `zh`"));
    }
    Ok((title, pipeline_id))
}

fn new_requisition<'a>(
    body: &'a RequisitionBody,
    title: &'a str,
    pipeline: &'a str,
) -> NewRequisition<'a> {
    NewRequisition {
        title,
        pipeline_id: pipeline,
        level_min: body.level_min.trim(),
        level_max: body.level_max.trim(),
        region: &body.region,
        language: &body.language,
        blind_first_stage: body.blind_first_stage,
    }
}

/// Opens a requisition; its creator joins its hiring team in their own role (when that role
/// works on teams), so a recruiter who opens one can run it.
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    body: &RequisitionBody,
) -> Result<Requisition, WebError> {
    let (title, pipeline) = checked(state, body)?;
    let now = state.now_ms();
    let req = state
        .store()
        .create_requisition(
            ctx.org_id(),
            &new_requisition(body, &title, pipeline),
            ctx.user(),
            now,
        )
        .await?;
    if ctx.role() == Role::Recruiter {
        state
            .store()
            .add_to_team(
                ctx.org_id(),
                &req.id,
                ctx.user(),
                Role::Recruiter,
                ctx.user(),
                now,
            )
            .await?;
    }
    Ok(req)
}

/// Edits a requisition.
pub async fn edit(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: &RequisitionBody,
) -> Result<Requisition, WebError> {
    let (title, pipeline) = checked(state, body)?;
    Ok(state
        .store()
        .edit_requisition(
            ctx.org_id(),
            id,
            &new_requisition(body, &title, pipeline),
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// One requisition.
pub async fn get(state: &AppState, ctx: &Ctx, id: &str) -> Result<Requisition, WebError> {
    Ok(state.store().requisition(ctx.org_id(), id).await?)
}

/// A page of the requisitions the caller may read, as the policy's relation rules say: every one
/// for a role that sees the organisation's, else those whose hiring team they are on or whose
/// interviews they are assigned to (by role). Filtering happens before paging, so a page is full
/// whenever more readable requisitions follow and a caller's own never fall off the end.
pub async fn list(
    state: &AppState,
    ctx: &Ctx,
    q: &ListQuery,
) -> Result<Paged<RequisitionSummary>, WebError> {
    let page = PageQuery {
        after: q.after.clone(),
        limit: q.limit,
    }
    .page()?;
    let store = state.store();
    let org_wide =
        roles::rule(Action::RequisitionView).is_some_and(|r| r.scope(ctx.role()) == Scope::Org);
    if org_wide {
        return Ok(store
            .requisitions(ctx.org_id(), q.include_closed, &page)
            .await?);
    }
    // Walk the organisation's requisitions in key order and keep those the gate would open,
    // with the caller's relations to every requisition read once up front.
    let (team, assigned) = store
        .requisition_relations(ctx.org_id(), ctx.user())
        .await?;
    let want = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let mut items: Vec<RequisitionSummary> = Vec::new();
    let mut cursor = page.after.clone();
    loop {
        let batch = store
            .requisitions(
                ctx.org_id(),
                q.include_closed,
                &Page {
                    after: cursor.clone(),
                    limit: SCAN_PAGE,
                },
            )
            .await?;
        let mut rest = batch.items.into_iter();
        for summary in rest.by_ref() {
            let id = &summary.requisition.id;
            let mut relations = Vec::new();
            if team.contains(id) {
                relations.push(Relation::HiringTeam);
            }
            if assigned.contains(id) {
                relations.push(Relation::Assigned);
            }
            if relations.is_empty() {
                relations.push(Relation::None);
            }
            if roles::decide_any(ctx.role(), Action::RequisitionView, &relations).is_allowed() {
                items.push(summary);
                if items.len() == want {
                    break;
                }
            }
        }
        let more = rest.next().is_some() || batch.next.is_some();
        if items.len() == want {
            // Another page may hold more; its cursor is the last row kept.
            let next = if more {
                items.last().map(|s| s.requisition.id.clone())
            } else {
                None
            };
            return Ok(Paged { items, next });
        }
        match batch.next {
            Some(next) => cursor = Some(next),
            None => return Ok(Paged { items, next: None }),
        }
    }
}

/// Rows read from the store at a time while filtering requisitions by relation.
const SCAN_PAGE: i64 = 200;

/// Closes a requisition.
pub async fn close(state: &AppState, ctx: &Ctx, id: &str) -> Result<Requisition, WebError> {
    state
        .store()
        .close_requisition(ctx.org_id(), id, ctx.user(), state.now_ms())
        .await?;
    get(state, ctx, id).await
}

/// A requisition's hiring team.
pub async fn team(state: &AppState, ctx: &Ctx, id: &str) -> Result<TeamOut, WebError> {
    Ok(TeamOut {
        members: state.store().team(ctx.org_id(), id).await?,
    })
}

/// Puts a member on the team.
pub async fn add_to_team(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: &TeamBody,
) -> Result<TeamOut, WebError> {
    let role = super::orgs::role("role", &body.role)?;
    if role == Role::Candidate {
        return Err(WebError::bad(
            "role",
            "a candidate cannot be on a hiring team",
        ));
    }
    let store = state.store();
    match store.membership(ctx.org_id(), body.user_id.trim()).await? {
        Some(m) if m.role.is_staff() => {}
        _ => {
            return Err(WebError::bad(
                "user_id",
                "no staff member of this organisation has this id",
            ));
        }
    }
    store
        .add_to_team(
            ctx.org_id(),
            id,
            body.user_id.trim(),
            role,
            ctx.user(),
            state.now_ms(),
        )
        .await?;
    team(state, ctx, id).await
}

/// Takes a member off the team.
pub async fn remove_from_team(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    user_id: &str,
) -> Result<TeamOut, WebError> {
    state
        .store()
        .remove_from_team(ctx.org_id(), id, user_id, ctx.user(), state.now_ms())
        .await?;
    team(state, ctx, id).await
}

/// How many scheduled interviews each staff member sits on in a window, least loaded first.
pub async fn load(
    state: &AppState,
    ctx: &Ctx,
    q: &WindowQuery,
) -> Result<Vec<InterviewerLoad>, WebError> {
    if q.to <= q.from {
        return Err(WebError::bad("to", "the window must end after it starts"));
    }
    Ok(state
        .store()
        .interviewer_load(ctx.org_id(), q.from, q.to)
        .await?)
}
