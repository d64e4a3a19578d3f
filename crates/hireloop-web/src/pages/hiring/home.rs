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
use hireloop_store::{Interview, InterviewStatus, Requisition, ScorecardRecord};

use super::{FormState, OrgBar, Posted, chrome, refusal, refused_page, req_facts, see_other};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{self, Ctx, Object, authorize};
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

    // My interviews from 90 days back (for the scorecards I owe) to 60 days ahead.
    let mine = store
        .interviews_for(&org.id, &member.user_id, now - 90 * day, now + 60 * day)
        .await?;
    let live: Vec<&Interview> = mine
        .iter()
        .filter(|i| i.status != InterviewStatus::Cancelled)
        .collect();
    // My scorecards on those applications in one query; the newest seat of a round wins, as
    // for one interview.
    let mut app_ids: Vec<String> = live.iter().map(|i| i.application_id.clone()).collect();
    app_ids.sort();
    app_ids.dedup();
    let mut cards: HashMap<(String, String), ScorecardRecord> = HashMap::new();
    for card in store
        .own_scorecards(&org.id, &member.user_id, &app_ids)
        .await?
    {
        cards.insert((card.application_id.clone(), card.round_id.clone()), card);
    }

    // Which interviews the page lists: the next few upcoming ones (the rest counted), and every
    // past one whose card is overdue. A past interview whose card is in or not yet due is on
    // neither list and costs nothing more (an interviewer has hundreds a season).
    let mut listed: Vec<(&Interview, Option<&ScorecardRecord>, i64)> = Vec::new();
    let mut more_upcoming = 0usize;
    let mut shown_upcoming = 0usize;
    for interview in live {
        let own = cards.get(&(interview.application_id.clone(), interview.round_id.clone()));
        let submitted = own.is_some_and(|c| c.submitted_ms.is_some());
        let due = own.map_or(
            hireloop_hiring::scorecard::due_ms(
                interview.ends_ms,
                hireloop_hiring::scorecard::DEFAULT_GRACE_MS,
            ),
            |c| c.due_ms,
        );
        if interview.starts_ms >= now {
            if shown_upcoming == UPCOMING_SHOWN {
                more_upcoming += 1;
                continue;
            }
            shown_upcoming += 1;
        } else if submitted || now <= due {
            continue;
        }
        listed.push((interview, own, due));
    }

    let mut reqs = Reqs::default();
    // The candidate as this viewer may see them (blinded when the rules say so), through the
    // same gate as the application page, once per application.
    let mut seen: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut upcoming = Vec::new();
    let mut overdue = Vec::new();
    for (interview, own, due) in listed {
        let app = store
            .application(&org.id, &interview.application_id)
            .await?;
        let (req, plan) = reqs.of(state, &org.id, &app.requisition_id).await?;
        let round = plan
            .as_ref()
            .and_then(|p| p.round(&interview.round_id))
            .map_or_else(|| interview.round_id.clone(), |(_, r)| r.name.clone());
        let req_title = req.title.clone();
        let (candidate, application) = match seen.get(&app.id) {
            Some(known) => known.clone(),
            None => {
                let known = match authorize(
                    state,
                    user,
                    slug,
                    Action::CandidateView,
                    Object::Application(&app.id),
                )
                .await
                {
                    Ok(ctx) => {
                        let ids = [app.candidate_id.clone()];
                        let name = candidates::names(state, &ctx, &ids)
                            .await?
                            .remove(&app.candidate_id)
                            .unwrap_or_else(|| "a candidate".to_owned());
                        (name, Some(app.id.clone()))
                    }
                    Err(WebError::Denied(_)) => ("a candidate".to_owned(), None),
                    Err(e) => return Err(e),
                };
                seen.insert(app.id.clone(), known.clone());
                known
            }
        };
        let row = InterviewRow {
            when: fmt_time(interview.starts_ms),
            round,
            requisition: req_title,
            candidate,
            application,
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
        let on_team = store
            .on_team(&org.id, &req.id, &member.user_id)
            .await?
            .is_some();
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
