//! `/orgs/{org}/requisitions/{id}`: a requisition's facts, its team and its applications as a
//! pipeline board, with the forms to apply a candidate and to move an application.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_hiring::roles::Action;
use hireloop_store::{Application, ApplicationStatus, InterviewStatus};

use super::{
    Form, FormState, Names, OrgBar, Refused, back_to, chrome, refused_page, req_facts, role_name,
    see_other,
};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize};
use crate::hiring::service::applications::{self, ApplicationsQuery, ApplyBody, MoveBody};
use crate::hiring::service::candidates::{self, CandidateBody, SearchQuery};
use crate::hiring::service::{MAX_PAGE, plan_of, requisitions};
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/requisitions/{id}", get(show))
        .route("/orgs/{org}/requisitions/{id}/applications", post(apply))
        .route("/orgs/{org}/applications/{id}/move", post(move_stage))
}

#[derive(Template)]
#[template(path = "hiring/requisition.html")]
struct ReqPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    id: String,
    facts: String,
    pipeline: String,
    open: bool,
    blind: bool,
    team: Vec<(String, &'static str)>,
    /// Whether the board shows every application (the team) or only the viewer's.
    whole_board: bool,
    columns: Vec<Column>,
    closed: Vec<Card>,
    stages: Vec<(String, String)>,
    can_move: bool,
    can_apply: bool,
    can_add: bool,
    pick: Vec<(String, String)>,
    form: FormState,
}

/// A stage of the board.
struct Column {
    id: String,
    name: String,
    limit_days: u32,
    cards: Vec<Card>,
}

/// An application on the board.
struct Card {
    id: String,
    candidate: String,
    stage: String,
    since: String,
    status: &'static str,
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    Ok(page(&state, &user, &slug, &id, FormState::default())
        .await?
        .into_response())
}

async fn page(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    id: &str,
    form: FormState,
) -> Result<Html<String>, WebError> {
    let ctx = authorize(
        state,
        user,
        slug,
        Action::RequisitionView,
        Object::Requisition(id),
    )
    .await?;
    let req = requisitions::get(state, &ctx, id).await?;
    let plan = plan_of(state, &req, None)?;
    let mut names = Names::default();
    let mut team = Vec::new();
    for m in requisitions::team(state, &ctx, id).await?.members {
        team.push((names.of(state, &m.user_id).await?, role_name(m.team_role)));
    }

    // The whole board for those who may list the requisition's applications; an interviewer
    // sees only the applications they are assigned to, each through the gate.
    let team_ctx = match authorize(
        state,
        user,
        slug,
        Action::CandidateView,
        Object::RequisitionTeam(id),
    )
    .await
    {
        Ok(c) => Some(c),
        Err(WebError::Denied(_)) => None,
        Err(e) => return Err(e),
    };
    let mut cards_of: Vec<(Application, String)> = Vec::new();
    match &team_ctx {
        Some(tc) => {
            let apps = applications::list(
                state,
                tc,
                id,
                &ApplicationsQuery {
                    limit: Some(MAX_PAGE),
                    ..ApplicationsQuery::default()
                },
            )
            .await?;
            // Every card's name in one query (blinded as the candidate page blinds them).
            let ids: Vec<String> = apps.items.iter().map(|a| a.candidate_id.clone()).collect();
            let mut names = candidates::names(state, tc, &ids).await?;
            for app in apps.items {
                let name = names.remove(&app.candidate_id).unwrap_or_default();
                cards_of.push((app, name));
            }
        }
        None => {
            let mine = state
                .store()
                .interviews_for(ctx.org_id(), ctx.user(), i64::MIN, i64::MAX)
                .await?;
            let mut seen: Vec<String> = Vec::new();
            for i in mine
                .iter()
                .filter(|i| i.status != InterviewStatus::Cancelled)
            {
                if seen.contains(&i.application_id) {
                    continue;
                }
                seen.push(i.application_id.clone());
                let app_ctx = match authorize(
                    state,
                    user,
                    slug,
                    Action::CandidateView,
                    Object::Application(&i.application_id),
                )
                .await
                {
                    Ok(c) => c,
                    Err(WebError::Denied(_)) => continue,
                    Err(e) => return Err(e),
                };
                let app = applications::get(state, &app_ctx, &i.application_id)
                    .await?
                    .application;
                if app.requisition_id != id {
                    continue;
                }
                let c = candidates::get(state, &app_ctx, &app.candidate_id).await?;
                cards_of.push((app, c.name));
            }
        }
    }

    let stage_name = |sid: &str| {
        plan.stage(sid)
            .map_or_else(|| sid.to_owned(), |s| s.name.clone())
    };
    let mut columns: Vec<Column> = plan
        .stages
        .iter()
        .map(|s| Column {
            id: s.id.clone(),
            name: s.name.clone(),
            limit_days: s.time_limit_days,
            cards: Vec::new(),
        })
        .collect();
    let mut closed = Vec::new();
    for (app, name) in cards_of {
        let card = Card {
            stage: stage_name(&app.stage_id),
            since: super::fmt_date(app.applied_ms),
            status: app.status.as_str(),
            id: app.id.clone(),
            candidate: name,
        };
        if app.status != ApplicationStatus::Active {
            closed.push(card);
        } else if let Some(col) = columns.iter_mut().find(|c| c.id == app.stage_id) {
            col.cards.push(card);
        } else {
            closed.push(card);
        }
    }

    let can_move = team_ctx
        .as_ref()
        .is_some_and(|c| c.may(Action::ApplicationMove));
    let can_apply = ctx.may(Action::CandidateCreate) && req.open;
    let can_add = can_apply && may(state, user, slug, Action::CandidateCreate).await?;
    // The candidates to pick from: for those who may list the organisation's candidates.
    let mut pick = Vec::new();
    if can_apply && let Some(list_ctx) = allowed(state, user, slug, Action::CandidateView).await? {
        let found = candidates::search(
            state,
            &list_ctx,
            &SearchQuery {
                limit: Some(MAX_PAGE),
                ..SearchQuery::default()
            },
        )
        .await?;
        // Those already applied to this requisition are on the board, not in the list.
        let ids: Vec<String> = found.items.iter().map(|c| c.id.clone()).collect();
        let applied = state.store().applied_to(ctx.org_id(), id, &ids).await?;
        for c in found.items {
            if !applied.contains(&c.id) {
                pick.push((c.id, format!("{} · {}", c.name, c.email)));
            }
        }
    }
    render(&ReqPage {
        chrome: chrome(user),
        title: req.title.clone(),
        bar: OrgBar::of(&ctx),
        id: req.id.clone(),
        facts: req_facts(&req),
        pipeline: plan.name.clone(),
        open: req.open,
        blind: req.blind_first_stage,
        team,
        whole_board: team_ctx.is_some(),
        columns,
        closed,
        stages: plan
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect(),
        can_move,
        can_apply,
        can_add,
        pick,
        form,
    })
}

/// The context of an action on nothing in particular, when the policy allows it.
async fn allowed(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    action: Action,
) -> Result<Option<Ctx>, WebError> {
    match authorize(state, user, slug, action, Object::None).await {
        Ok(c) => Ok(Some(c)),
        Err(WebError::Denied(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn may(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    action: Action,
) -> Result<bool, WebError> {
    Ok(allowed(state, user, slug, action).await?.is_some())
}

/// `POST /orgs/{org}/requisitions/{id}/applications`: applies an existing candidate
/// (`mode=existing`, `candidate_id`) or adds a new one and applies them (`mode=new`, `name`,
/// `email`).
async fn apply(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&body);
    let ctx = authorize(
        &state,
        &user,
        &slug,
        Action::CandidateCreate,
        Object::Requisition(&id),
    )
    .await?;
    let (which, result) = if form.get("mode") == "new" {
        let add_ctx =
            authorize(&state, &user, &slug, Action::CandidateCreate, Object::None).await?;
        let created = candidates::create(
            &state,
            &add_ctx,
            &CandidateBody {
                name: form.get("name").to_owned(),
                email: form.get("email").to_owned(),
                phone: None,
                location: None,
                source: Some(form.get("source").to_owned()).filter(|s| !s.trim().is_empty()),
                profile_url: None,
                group: None,
                notes: None,
                user_id: None,
            },
        )
        .await;
        let applied = match created {
            Ok(c) => {
                applications::apply(&state, &ctx, &id, &ApplyBody { candidate_id: c.id }).await
            }
            Err(e) => Err(e),
        };
        ("new", applied)
    } else {
        let applied = applications::apply(
            &state,
            &ctx,
            &id,
            &ApplyBody {
                candidate_id: form.get("candidate_id").to_owned(),
            },
        )
        .await;
        ("existing", applied)
    };
    match result {
        Ok(app) => Ok(see_other(&format!("/orgs/{slug}/applications/{}", app.id))),
        Err(e) => {
            let refused = FormState(Some(Refused::of(which, form, e)?));
            let html = page(&state, &user, &slug, &id, refused.clone()).await?;
            Ok(refused_page(&refused, html))
        }
    }
}

/// `POST /orgs/{org}/applications/{id}/move`: moves an application to `stage`, then back to
/// the page the form was on.
async fn move_stage(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&body);
    let ctx = authorize(
        &state,
        &user,
        &slug,
        Action::ApplicationMove,
        Object::Application(&id),
    )
    .await?;
    let moved = applications::move_stage(
        &state,
        &ctx,
        &id,
        &MoveBody {
            stage: form.get("stage").to_owned(),
        },
    )
    .await?;
    Ok(see_other(&back_to(
        &form,
        &slug,
        format!("/orgs/{slug}/requisitions/{}", moved.requisition_id),
    )))
}
