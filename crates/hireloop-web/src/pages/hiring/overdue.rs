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
    let mut names = Names::default();
    // Per application: the candidate as this viewer may see them, the requisition's title and
    // its plan (for round names) — looked up once each.
    let mut apps: HashMap<String, (String, String, Option<Plan>)> = HashMap::new();
    let mut rows = Vec::new();
    for o in overdue {
        if !apps.contains_key(&o.application_id) {
            let app = store.application(ctx.org_id(), &o.application_id).await?;
            let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
            // The same gate as the application page decides whether the name is blinded.
            let candidate = match authorize(
                &state,
                &user,
                &slug,
                Action::CandidateView,
                Object::Application(&app.id),
            )
            .await
            {
                Ok(c) => candidates::get(&state, &c, &app.candidate_id).await?.name,
                Err(WebError::Denied(_)) => "a candidate".to_owned(),
                Err(e) => return Err(e),
            };
            let plan = plan_of(&state, &req, None).ok();
            apps.insert(app.id.clone(), (candidate, req.title, plan));
        }
        let Some((candidate, requisition, plan)) = apps.get(&o.application_id) else {
            continue;
        };
        rows.push(Row {
            interviewer: names.of(&state, &o.interviewer_id).await?,
            candidate: candidate.clone(),
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
