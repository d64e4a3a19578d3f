//! `/orgs/{org}/requisitions/{id}`: a requisition's facts, its team and its applications as a
//! pipeline board, with the forms to apply a candidate and to move an application.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_hiring::roles::{Action, Role};
use hireloop_store::{Application, ApplicationStatus, InterviewStatus, Requisition};

use super::{
    Form, FormState, Names, OrgBar, Posted, back_to, chrome, refusal, refused_page, req_facts,
    role_name, see_other,
};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize};
use crate::hiring::service::applications::{self, ApplicationsQuery, ApplyBody, MoveBody};
use crate::hiring::service::candidates::{self, CandidateBody, SearchQuery};
use crate::hiring::service::requisitions::{RequisitionBody, TeamBody, WindowQuery};
use crate::hiring::service::{MAX_PAGE, orgs, plan_of, requisitions};
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/requisitions/{id}", get(show))
        .route("/orgs/{org}/requisitions/{id}/applications", post(apply))
        .route("/orgs/{org}/applications/{id}/move", post(move_stage))
        .route("/orgs/{org}/requisitions/{id}/edit", post(edit))
        .route("/orgs/{org}/requisitions/{id}/close", post(close))
        .route("/orgs/{org}/requisitions/{id}/team", post(add_to_team))
        .route(
            "/orgs/{org}/requisitions/{id}/team/{user}/remove",
            post(remove_from_team),
        )
}

/// What the requisition form offers: the content's pipelines, their levels and regions, and the
/// interview languages.
#[derive(Debug, Clone)]
pub(super) struct ReqFormChoices {
    pub(super) pipelines: Vec<(String, String)>,
    pub(super) levels: Vec<String>,
    pub(super) regions: Vec<(String, String)>,
    pub(super) languages: Vec<(String, String)>,
}

impl ReqFormChoices {
    fn of(state: &AppState) -> ReqFormChoices {
        let pipelines = &state.content().pipelines;
        let levels = hireloop_core::Level::all()
            .filter(|l| pipelines.iter().any(|p| p.levels.contains(*l)))
            .map(|l| l.to_string())
            .collect();
        let mut regions: Vec<(String, String)> = Vec::new();
        for r in pipelines.iter().flat_map(|p| &p.regions) {
            if !regions.iter().any(|(id, _)| *id == r.id) {
                regions.push((r.id.clone(), super::region_name(&r.id)));
            }
        }
        ReqFormChoices {
            pipelines: pipelines
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect(),
            levels,
            regions,
            languages: hireloop_practice::Language::ALL
                .iter()
                .map(|(id, _)| ((*id).to_owned(), super::language_name(id)))
                .collect(),
        }
    }
}

/// The requisition form as shown: its values (typed, or the requisition's), problems by field
/// and the choices. Shared by the new requisition form (`req`) and the edit form (`edit`).
#[derive(Debug, Clone)]
pub(super) struct ReqFields {
    pub(super) form: &'static str,
    pub(super) title: String,
    pub(super) pipeline: String,
    pub(super) level_min: String,
    pub(super) level_max: String,
    pub(super) region: String,
    pub(super) language: String,
    pub(super) blind: bool,
    pub(super) choices: ReqFormChoices,
    pub(super) state: FormState,
}

impl ReqFields {
    /// The fields of form `form`, from what was typed when it was refused, else from `req`
    /// (editing) or the content's defaults (a new one).
    pub(super) fn new(
        state: &AppState,
        form: &'static str,
        req: Option<&Requisition>,
        typed: &FormState,
    ) -> ReqFields {
        let choices = ReqFormChoices::of(state);
        let first = state.content().pipelines.first();
        let default =
            |f: &dyn Fn(&Requisition) -> String, fallback: String| req.map_or(fallback, f);
        let fallback_level = first.map_or_else(|| "P6".to_owned(), |p| p.default_level.to_string());
        let values = ReqFields {
            form,
            title: default(&|r| r.title.clone(), String::new()),
            pipeline: default(
                &|r| r.pipeline_id.clone(),
                first.map_or_else(String::new, |p| p.id.clone()),
            ),
            level_min: default(&|r| r.level_min.clone(), fallback_level.clone()),
            level_max: default(&|r| r.level_max.clone(), fallback_level),
            region: default(
                &|r| r.region.clone(),
                first.map_or_else(String::new, |p| p.default_region.clone()),
            ),
            language: default(&|r| r.language.clone(), "en".to_owned()),
            blind: req.is_some_and(|r| r.blind_first_stage),
            choices,
            state: typed.clone(),
        };
        match &typed.0 {
            Some(r) if r.form == form => ReqFields {
                title: r.values.get("title").to_owned(),
                pipeline: r.values.get("pipeline").to_owned(),
                level_min: r.values.get("level_min").to_owned(),
                level_max: r.values.get("level_max").to_owned(),
                region: r.values.get("region").to_owned(),
                language: r.values.get("language").to_owned(),
                blind: !r.values.get("blind_first_stage").is_empty(),
                ..values
            },
            _ => values,
        }
    }

    /// Whether this form was the one refused (so an edit form opens to show its problem).
    pub(super) fn refused(&self) -> bool {
        self.state.0.as_ref().is_some_and(|r| r.form == self.form)
    }

    pub(super) fn error(&self, field: &str) -> Option<&str> {
        self.state.error(self.form, field)
    }

    pub(super) fn general(&self) -> Option<&str> {
        self.state.general(
            self.form,
            &[
                "title",
                "pipeline",
                "level_min",
                "level_max",
                "region",
                "language",
            ],
        )
    }
}

/// The requisition body a form describes (the service checks every field).
pub(super) fn req_body(form: &Form) -> RequisitionBody {
    RequisitionBody {
        title: form.get("title").to_owned(),
        pipeline: Some(form.get("pipeline").trim().to_owned()).filter(|p| !p.is_empty()),
        level_min: form.get("level_min").to_owned(),
        level_max: form.get("level_max").to_owned(),
        region: form.get("region").to_owned(),
        language: form.get("language").to_owned(),
        blind_first_stage: !form.get("blind_first_stage").is_empty(),
    }
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
    /// The team with user ids, for the remove buttons.
    team_ids: Vec<TeamRow>,
    can_edit: bool,
    can_close: bool,
    can_manage_team: bool,
    can_report: bool,
    /// Staff of the organisation not yet on the team: (user id, name).
    staff: Vec<(String, String)>,
    team_roles: Vec<(&'static str, &'static str)>,
    /// Scheduled interviews per staff member over the next two weeks, for those who schedule.
    load: Option<Vec<(String, i64)>>,
    rf: ReqFields,
}

/// A member of the hiring team.
struct TeamRow {
    user_id: String,
    name: String,
    role: &'static str,
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
    let mut team_ids = Vec::new();
    for m in requisitions::team(state, &ctx, id).await?.members {
        let name = names.of(state, &m.user_id).await?;
        team_ids.push(TeamRow {
            user_id: m.user_id,
            name,
            role: role_name(m.team_role),
        });
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
    // The forms this caller may use on this requisition, each as the policy decides for them.
    let can_edit = ctx.may(Action::RequisitionEdit);
    let can_close = ctx.may(Action::RequisitionClose) && req.open;
    let can_manage_team = ctx.may(Action::TeamManage);
    let can_report = team_ctx.as_ref().is_some_and(|c| c.may(Action::ReportView));
    let mut staff = Vec::new();
    if can_manage_team {
        for m in orgs::members(state, &ctx).await? {
            let staff_role = Role::from_id(&m.role).is_some_and(Role::is_staff);
            if staff_role && !team_ids.iter().any(|t| t.user_id == m.user_id) {
                staff.push((m.user_id, m.name));
            }
        }
    }
    let load = if ctx.may(Action::InterviewSchedule) {
        let now = state.now_ms();
        let mut rows = Vec::new();
        for l in requisitions::load(
            state,
            &ctx,
            &WindowQuery {
                from: now,
                to: now + LOAD_WINDOW_MS,
            },
        )
        .await?
        {
            rows.push((names.of(state, &l.user_id).await?, l.interviews));
        }
        Some(rows)
    } else {
        None
    };
    let edit = ReqFields::new(state, "edit", Some(&req), &form);
    render(&ReqPage {
        team_ids,
        can_edit,
        can_close,
        can_manage_team,
        can_report,
        staff,
        team_roles: TEAM_ROLES.iter().map(|r| (r.id(), role_name(*r))).collect(),
        load,
        rf: edit,
        chrome: chrome(user),
        title: req.title.clone(),
        bar: OrgBar::of(&ctx),
        id: req.id.clone(),
        facts: req_facts(&req),
        pipeline: plan.name.clone(),
        open: req.open,
        blind: req.blind_first_stage,
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
async fn apply(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::CandidateCreate, Object::Requisition(&p.id))
        .await?;
    let (which, result) = if p.form.get("mode") == "new" {
        let add_ctx = authorize(
            &p.state,
            &p.user,
            &p.slug,
            Action::CandidateCreate,
            Object::None,
        )
        .await?;
        let created = candidates::create(
            &p.state,
            &add_ctx,
            &CandidateBody {
                name: p.form.get("name").to_owned(),
                email: p.form.get("email").to_owned(),
                phone: None,
                location: None,
                source: Some(p.form.get("source").to_owned()).filter(|s| !s.trim().is_empty()),
                profile_url: None,
                group: None,
                notes: None,
                user_id: None,
            },
        )
        .await;
        let applied = match created {
            Ok(c) => {
                applications::apply(&p.state, &ctx, &p.id, &ApplyBody { candidate_id: c.id }).await
            }
            Err(e) => Err(e),
        };
        ("new", applied)
    } else {
        let applied = applications::apply(
            &p.state,
            &ctx,
            &p.id,
            &ApplyBody {
                candidate_id: p.form.get("candidate_id").to_owned(),
            },
        )
        .await;
        ("existing", applied)
    };
    match result {
        Ok(app) => Ok(see_other(&p.url(&format!("applications/{}", app.id)))),
        Err(e) => refused(p, which, e).await,
    }
}

/// `POST /orgs/{org}/applications/{id}/move`: moves an application to `stage`, then back to
/// the page the form was on.
async fn move_stage(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::ApplicationMove, Object::Application(&p.id))
        .await?;
    let moved = applications::move_stage(
        &p.state,
        &ctx,
        &p.id,
        &MoveBody {
            stage: p.form.get("stage").to_owned(),
        },
    )
    .await?;
    Ok(see_other(&back_to(
        &p.form,
        &p.slug,
        p.url(&format!("requisitions/{}", moved.requisition_id)),
    )))
}

/// The roles a member may hold on a hiring team, as the service accepts them.
const TEAM_ROLES: [Role; 4] = [
    Role::Recruiter,
    Role::HiringManager,
    Role::Interviewer,
    Role::BarRaiser,
];

/// How far ahead the interviewer load looks.
const LOAD_WINDOW_MS: i64 = 14 * 86_400_000;

/// A requisition form refused: the page again with the problem by its field.
async fn refused(p: Posted, form: &'static str, error: WebError) -> Result<Response, WebError> {
    let refused = refusal(form, p.form, error)?;
    let html = page(&p.state, &p.user, &p.slug, &p.id, refused.clone()).await?;
    Ok(refused_page(&refused, html))
}

/// `POST /orgs/{org}/requisitions/{id}/edit`: changes the requisition's facts.
async fn edit(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::RequisitionEdit, Object::Requisition(&p.id))
        .await?;
    match requisitions::edit(&p.state, &ctx, &p.id, &req_body(&p.form)).await {
        Ok(_) => Ok(see_other(&p.url(&format!("requisitions/{}", p.id)))),
        Err(e) => refused(p, "edit", e).await,
    }
}

/// `POST /orgs/{org}/requisitions/{id}/close`: closes the requisition.
async fn close(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::RequisitionClose, Object::Requisition(&p.id))
        .await?;
    match requisitions::close(&p.state, &ctx, &p.id).await {
        Ok(_) => Ok(see_other(&p.url(&format!("requisitions/{}", p.id)))),
        Err(e) => refused(p, "close", e).await,
    }
}

/// `POST /orgs/{org}/requisitions/{id}/team`: puts a member on the team (`user_id`, `role`).
async fn add_to_team(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::TeamManage, Object::Requisition(&p.id))
        .await?;
    let team = TeamBody {
        user_id: p.form.get("user_id").to_owned(),
        role: p.form.get("role").to_owned(),
    };
    match requisitions::add_to_team(&p.state, &ctx, &p.id, &team).await {
        Ok(_) => Ok(see_other(&p.url(&format!("requisitions/{}#team", p.id)))),
        Err(e) => refused(p, "team", e).await,
    }
}

/// `POST /orgs/{org}/requisitions/{id}/team/{user}/remove`: takes a member off the team.
async fn remove_from_team(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::TeamManage, Object::Requisition(&p.id))
        .await?;
    match requisitions::remove_from_team(&p.state, &ctx, &p.id, &p.member).await {
        Ok(_) => Ok(see_other(&p.url(&format!("requisitions/{}#team", p.id)))),
        Err(e) => refused(p, "team", e).await,
    }
}
