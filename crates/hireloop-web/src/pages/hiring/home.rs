//! `/orgs`: the organisations I belong to and a form to start one; `/orgs/{org}`: my role, my
//! upcoming interviews, the scorecards I owe and the requisitions I may see.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_core::pipeline::Plan;
use hireloop_hiring::roles::{self, Action, Relation};
use hireloop_store::{CalendarWindow, Interview, Requisition, ScorecardRecord};

use super::{FormState, OrgBar, Posted, chrome, refusal, refused_page, req_facts, see_other};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{self, Ctx, Object};
use crate::hiring::service::orgs::{self, NewOrgBody, OrgOut};
use crate::hiring::service::{candidates, plan_of, requisitions};
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list).post(create))
        .route("/orgs/{org}", get(org_home))
        .route("/orgs/{org}/requisitions", post(create_requisition))
}

#[derive(Template)]
#[template(path = "hiring/orgs.html")]
struct OrgsPage {
    chrome: Chrome,
    title: String,
    orgs: Vec<OrgRow>,
    form: FormState,
}

struct OrgRow {
    name: String,
    slug: String,
    role: &'static str,
}

async fn orgs_page(
    state: &AppState,
    user: &SignedIn,
    form: FormState,
) -> Result<axum::response::Html<String>, WebError> {
    let orgs = orgs::mine(state, user)
        .await?
        .into_iter()
        .map(|o: OrgOut| OrgRow {
            role: hireloop_hiring::roles::Role::from_id(&o.role).map_or("member", super::role_name),
            name: o.name,
            slug: o.slug,
        })
        .collect::<Vec<_>>();
    render(&OrgsPage {
        chrome: chrome(user),
        title: "Hiring".to_owned(),
        orgs,
        form,
    })
}

async fn list(State(state): State<AppState>, user: SignedIn) -> Result<Response, WebError> {
    Ok(orgs_page(&state, &user, FormState::default())
        .await?
        .into_response())
}

async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = super::Form::parse(&body);
    let new = NewOrgBody {
        name: form.get("name").to_owned(),
        slug: form.get("slug").to_owned(),
    };
    match orgs::create(&state, &user, &new).await {
        Ok(org) => Ok(see_other(&format!("/orgs/{}", org.slug))),
        Err(e) => {
            let refused = refusal("org", form, e)?;
            let page = orgs_page(&state, &user, refused.clone()).await?;
            Ok(refused_page(&refused, page))
        }
    }
}

#[derive(Template)]
#[template(path = "hiring/org.html")]
struct OrgPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    upcoming: Vec<InterviewRow>,
    /// Upcoming interviews beyond those listed.
    more_upcoming: usize,
    overdue: Vec<InterviewRow>,
    reqs: Vec<ReqRow>,
    all_reqs: bool,
    links: OrgLinks,
    /// The new requisition form, for those who may open one.
    rf: Option<super::requisition::ReqFields>,
}

/// Upcoming interviews listed on the home page; the rest are counted.
const UPCOMING_SHOWN: usize = 20;

/// One of my interviews.
struct InterviewRow {
    when: String,
    round: String,
    requisition: String,
    candidate: String,
    application: Option<String>,
    scorecard: String,
    ics: String,
    /// Draft saved, submitted or nothing yet.
    card: &'static str,
    /// For overdue cards: how late.
    late: String,
}

struct ReqRow {
    id: String,
    title: String,
    facts: String,
    active: Option<i64>,
    relation: &'static str,
}

/// Requisitions and their plans, looked up once each.
#[derive(Default)]
struct Reqs(HashMap<String, (Requisition, Option<Plan>)>);

impl Reqs {
    async fn of(
        &mut self,
        state: &AppState,
        org_id: &str,
        id: &str,
    ) -> Result<&(Requisition, Option<Plan>), WebError> {
        if !self.0.contains_key(id) {
            let req = state.store().requisition(org_id, id).await?;
            let plan = plan_of(state, &req, None).ok();
            self.0.insert(id.to_owned(), (req, plan));
        }
        self.0
            .get(id)
            .ok_or_else(|| WebError::internal("requisition cache lost an entry"))
    }
}

async fn org_home(
    State(state): State<AppState>,
    user: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    Ok(org_page(&state, &user, &slug, FormState::default())
        .await?
        .into_response())
}

/// `POST /orgs/{org}/requisitions`: opens a requisition from the home page's form, then shows it.
async fn create_requisition(p: Posted) -> Result<Response, WebError> {
    let ctx = p.authorize(Action::RequisitionCreate, Object::None).await?;
    match requisitions::create(&p.state, &ctx, &super::requisition::req_body(&p.form)).await {
        Ok(req) => Ok(see_other(&p.url(&format!("requisitions/{}", req.id)))),
        Err(e) => {
            let refused = refusal("req", p.form, e)?;
            let page = org_page(&p.state, &p.user, &p.slug, refused.clone()).await?;
            Ok(refused_page(&refused, page))
        }
    }
}

/// The links of the organisation's own pages the caller's role may open.
struct OrgLinks {
    members: Option<String>,
    candidates: Option<String>,
    audit: Option<String>,
    overdue: Option<String>,
}

impl OrgLinks {
    fn of(slug: &str, role: hireloop_hiring::roles::Role) -> OrgLinks {
        // These pages act on the organisation as a whole (relation `none`), as their API does.
        let may = |a: Action| roles::decide(role, a, Relation::None).is_allowed();
        let link = |a: Action, tail: &str| may(a).then(|| format!("/orgs/{slug}/{tail}"));
        OrgLinks {
            members: link(Action::MemberManage, "members"),
            candidates: link(Action::CandidateView, "candidates"),
            audit: link(Action::AuditView, "audit"),
            overdue: link(Action::ReportView, "scorecards/overdue"),
        }
    }

    fn any(&self) -> bool {
        self.members.is_some()
            || self.candidates.is_some()
            || self.audit.is_some()
            || self.overdue.is_some()
    }
}

async fn org_page(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    form: FormState,
) -> Result<axum::response::Html<String>, WebError> {
    let (org, member) = authz::membership(state, user, slug).await?;
    let bar = OrgBar::new(&org, member.role);
    let now = state.now_ms();
    let store = state.store();
    let day = 86_400_000;

    // My calendar from 90 days back (for the scorecards I owe) to 60 days ahead: the next few
    // upcoming interviews (the rest counted) and the past ones whose card is not in. A past
    // interview whose card is in costs nothing (an interviewer has hundreds a season).
    let calendar = store
        .member_calendar(
            &org.id,
            &member.user_id,
            &CalendarWindow {
                now_ms: now,
                since_ms: now - 90 * day,
                until_ms: now + 60 * day,
                upcoming_limit: UPCOMING_SHOWN,
            },
        )
        .await?;
    let more_upcoming = usize::try_from(calendar.upcoming_total)
        .unwrap_or(usize::MAX)
        .saturating_sub(calendar.upcoming.len());
    let mut app_ids: Vec<String> = calendar
        .upcoming
        .iter()
        .chain(&calendar.owed)
        .map(|i| i.application_id.clone())
        .collect();
    app_ids.sort();
    app_ids.dedup();
    // My scorecards on those applications in one query, by the interview each belongs to.
    let cards: HashMap<String, ScorecardRecord> = store
        .own_scorecards(&org.id, &member.user_id, &app_ids)
        .await?
        .into_iter()
        .map(|card| (card.interview_id.clone(), card))
        .collect();
    let mut listed: Vec<(&Interview, Option<&ScorecardRecord>, i64)> = Vec::new();
    for interview in calendar.upcoming.iter().chain(&calendar.owed) {
        let own = cards.get(&interview.id);
        let due = own.map_or(
            hireloop_hiring::scorecard::due_ms(
                interview.ends_ms,
                hireloop_hiring::scorecard::DEFAULT_GRACE_MS,
            ),
            |c| c.due_ms,
        );
        let submitted = own.is_some_and(|c| c.submitted_ms.is_some());
        if interview.starts_ms < now && (submitted || now <= due) {
            continue;
        }
        listed.push((interview, own, due));
    }

    // The candidate as this viewer may see them (blinded when the rules say so), decided by
    // the same policy as the application page. Every listed interview has me on its panel
    // (assigned); the hiring team is the other relation an application can give a member, so
    // the relations of all of them come from one read of my teams.
    let my_teams = store.teams_of(&org.id, &member.user_id).await?;
    let apps: HashMap<String, hireloop_store::Application> = store
        .applications_by_id(&org.id, &app_ids)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let relations_of = |on_team: bool| {
        let mut rel = vec![Relation::Assigned];
        if on_team {
            rel.push(Relation::HiringTeam);
        }
        rel
    };
    let mut names: HashMap<String, String> = HashMap::new();
    for on_team in [false, true] {
        let ctx = Ctx {
            org: org.clone(),
            member: member.clone(),
            relations: relations_of(on_team),
        };
        if !ctx.may(Action::CandidateView) {
            continue;
        }
        let ids: Vec<String> = apps
            .values()
            .filter(|a| my_teams.contains(&a.requisition_id) == on_team)
            .map(|a| a.candidate_id.clone())
            .collect();
        if !ids.is_empty() {
            names.extend(candidates::names(state, &ctx, &ids).await?);
        }
    }

    let mut reqs = Reqs::default();
    let mut upcoming = Vec::new();
    let mut overdue = Vec::new();
    for (interview, own, due) in listed {
        let app = apps.get(&interview.application_id).ok_or_else(|| {
            WebError::internal("an interview's application is not in its organisation")
        })?;
        let (req, plan) = reqs.of(state, &org.id, &app.requisition_id).await?;
        let round = plan
            .as_ref()
            .and_then(|p| p.round(&interview.round_id))
            .map_or_else(|| interview.round_id.clone(), |(_, r)| r.name.clone());
        let viewable = roles::decide_any(
            member.role,
            Action::CandidateView,
            &relations_of(my_teams.contains(&app.requisition_id)),
        )
        .is_allowed();
        let row = InterviewRow {
            when: fmt_time(interview.starts_ms),
            round,
            requisition: req.title.clone(),
            candidate: names
                .get(&app.candidate_id)
                .filter(|_| viewable)
                .cloned()
                .unwrap_or_else(|| "a candidate".to_owned()),
            application: viewable.then(|| app.id.clone()),
            scorecard: format!("/orgs/{slug}/interviews/{}/scorecard", interview.id),
            ics: format!("/api/orgs/{slug}/interviews/{}/calendar.ics", interview.id),
            card: match own {
                Some(c) if c.submitted_ms.is_some() => "submitted",
                Some(c) if c.saved_ms.is_some() => "draft saved",
                _ => "not started",
            },
            late: super::fmt_late(now - due),
        };
        if interview.starts_ms >= now {
            upcoming.push(row);
        } else {
            overdue.push(row);
        }
    }

    // The requisitions I may see: the service lists exactly those the policy lets me read
    // (all of them for a role that sees the organisation's, else my teams' and interviews').
    let ctx = Ctx {
        org: org.clone(),
        member: member.clone(),
        relations: vec![Relation::None],
    };
    let all_reqs = ctx.may(Action::RequisitionView);
    let listed = requisitions::list(
        state,
        &ctx,
        &requisitions::ListQuery {
            include_closed: false,
            after: None,
            limit: Some(crate::hiring::service::MAX_PAGE),
        },
    )
    .await?;
    let mut rows = Vec::new();
    for summary in listed.items {
        let req = summary.requisition;
        let on_team = my_teams.contains(&req.id);
        let relation: &'static str = match (on_team, all_reqs) {
            (true, _) => "on the team",
            (false, true) => "",
            (false, false) => "interviewing",
        };
        rows.push(ReqRow {
            facts: req_facts(&req),
            id: req.id,
            title: req.title,
            // How many applications a requisition has is the team's business.
            active: (on_team || ctx.may(Action::CandidateView))
                .then_some(summary.active_applications),
            relation,
        });
    }
    let links = OrgLinks::of(slug, member.role);
    let rf = ctx
        .may(Action::RequisitionCreate)
        .then(|| super::requisition::ReqFields::new(state, "req", None, &form));
    render(&OrgPage {
        chrome: chrome(user),
        title: org.name.clone(),
        bar,
        upcoming,
        more_upcoming,
        overdue,
        reqs: rows,
        all_reqs,
        links,
        rf,
    })
}
