//! `/orgs/{org}/scorecards/overdue`: every scorecard owed past its due time in the
//! organisation, latest first — who owes it, for which candidate (an alias where the first stage
//! is blind) and round, and how late. The same list as the API's, behind the same `ReportView`.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hireloop_core::pipeline::Plan;
use hireloop_hiring::roles::Action;
use hireloop_store::Application;

use super::{Names, OrgBar, chrome, fmt_late};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Object, authorize};
use crate::hiring::service::{candidates, plan_of, scorecards};
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/orgs/{org}/scorecards/overdue", get(show))
}

#[derive(Template)]
#[template(path = "hiring/overdue.html")]
struct OverduePage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    rows: Vec<Row>,
}

struct Row {
    interviewer: String,
    candidate: String,
    application: String,
    requisition: String,
    round: String,
    due: String,
    late: String,
    /// Over a week late: the debrief is stuck on it.
    very_late: bool,
}

/// A week, past which an overdue scorecard is flagged harder.
const WEEK_MS: i64 = 7 * 86_400_000;

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let ctx = authorize(&state, &user, &slug, Action::ReportView, Object::None).await?;
    let overdue = scorecards::overdue(&state, &ctx).await?;
    let store = state.store();
    // Every application, requisition and candidate name the list needs, read once each and in
    // sets: the list holds up to 500 rows.
    let mut app_ids: Vec<String> = overdue.iter().map(|o| o.application_id.clone()).collect();
    app_ids.sort();
    app_ids.dedup();
    let apps: HashMap<String, Application> = store
        .applications_by_id(ctx.org_id(), &app_ids)
        .await?
        .into_iter()
        .map(|a| (a.id.clone(), a))
        .collect();
    let mut reqs: HashMap<String, (String, Option<Plan>)> = HashMap::new();
    for app in apps.values() {
        if !reqs.contains_key(&app.requisition_id) {
            let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
            let plan = plan_of(&state, &req, None).ok();
            reqs.insert(req.id.clone(), (req.title, plan));
        }
    }
    // The candidates as this viewer may see them: at once for a role that sees every
    // candidate of the organisation, else through the gate one application at a time.
    let mut candidate_of: HashMap<String, String> = HashMap::new();
    if ctx.may(Action::CandidateView) {
        let ids: Vec<String> = apps.values().map(|a| a.candidate_id.clone()).collect();
        let names = candidates::names(&state, &ctx, &ids).await?;
        for app in apps.values() {
            if let Some(n) = names.get(&app.candidate_id) {
                candidate_of.insert(app.id.clone(), n.clone());
            }
        }
    } else {
        for app in apps.values() {
            let name = match authorize(
                &state,
                &user,
                &slug,
                Action::CandidateView,
                Object::Application(&app.id),
            )
            .await
            {
                Ok(c) => candidates::get(&state, &c, &app.candidate_id).await?.name,
                Err(WebError::Denied(_)) => continue,
                Err(e) => return Err(e),
            };
            candidate_of.insert(app.id.clone(), name);
        }
    }
    let mut names = Names::default();
    let interviewers: Vec<String> = overdue.iter().map(|o| o.interviewer_id.clone()).collect();
    names.prefetch(&state, &interviewers).await?;
    let mut rows = Vec::new();
    for o in overdue {
        let Some(app) = apps.get(&o.application_id) else {
            continue;
        };
        let Some((requisition, plan)) = reqs.get(&app.requisition_id) else {
            continue;
        };
        rows.push(Row {
            interviewer: names.of(&state, &o.interviewer_id).await?,
            candidate: candidate_of
                .get(&app.id)
                .cloned()
                .unwrap_or_else(|| "a candidate".to_owned()),
            requisition: requisition.clone(),
            round: plan
                .as_ref()
                .and_then(|p| p.round(&o.round_id).map(|(_, r)| r.name.clone()))
                .unwrap_or_else(|| o.round_id.clone()),
            application: o.application_id,
            due: fmt_time(o.due_ms),
            late: fmt_late(o.late_by_ms),
            very_late: o.late_by_ms > WEEK_MS,
        });
    }
    Ok(render(&OverduePage {
        chrome: chrome(&user),
        title: format!("Overdue scorecards · {}", ctx.org.name),
        bar: OrgBar::of(&ctx),
        rows,
    })?
    .into_response())
}
