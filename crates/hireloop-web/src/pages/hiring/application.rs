//! `/orgs/{org}/applications/{id}`: the candidate (blinded when the rules say so), the stage
//! timeline against its limits, the interviews with calendar files and the form to schedule
//! one, the scorecards the viewer may read, and the way to the debrief.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_hiring::roles::Action;
use hireloop_hiring::timeline::Target;
use hireloop_store::{ApplicationStatus, InterviewStatus};

use super::{
    Form, FormState, Names, OrgBar, Refused, chrome, local_value, parse_local, refused_page,
    req_facts, role_name, see_other,
};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Object, authorize};
use crate::hiring::service::decisions::{self, ApproveBody, OfferBody};
use crate::hiring::service::interviews::{self, ScheduleBody};
use crate::hiring::service::requisitions::{self, WindowQuery};
use crate::hiring::service::{applications, candidates, plan_of, scorecards};
use crate::state::AppState;
use crate::view::{Chrome, fmt_duration, fmt_time, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/applications/{id}", get(show))
        .route("/orgs/{org}/applications/{id}/interviews", post(schedule))
        .route("/orgs/{org}/applications/{id}/offers", post(propose))
        .route("/orgs/{org}/offers/{id}/approve", post(approve))
}

#[derive(Template)]
#[template(path = "hiring/application.html")]
struct AppPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    id: String,
    candidate: CandidateView,
    req_id: String,
    req_title: String,
    req_facts: String,
    stage: String,
    stage_id: String,
    status: &'static str,
    timeline: Option<TimelineView>,
    interviews: Vec<InterviewRow>,
    can_schedule: bool,
    rounds: Vec<(String, String)>,
    staff: Vec<StaffRow>,
    default_start: String,
    default_end: String,
    scorecards: Option<CardsView>,
    can_debrief: bool,
    decision: Option<DecisionRow>,
    offers: Vec<OfferRow>,
    can_move: bool,
    can_propose: bool,
    may_propose: bool,
    can_approve: bool,
    levels: Vec<String>,
    currency: &'static str,
    stages: Vec<(String, String)>,
    form: FormState,
}

struct CandidateView {
    name: String,
    blind: bool,
    email: Option<String>,
    phone: Option<String>,
    location: Option<String>,
    source: Option<String>,
}

struct TimelineView {
    visits: Vec<VisitRow>,
    elapsed: String,
    target: String,
    target_class: &'static str,
    stale: bool,
    flags: Vec<String>,
}

struct VisitRow {
    name: String,
    entered: String,
    elapsed: String,
    limit: String,
    over: Option<String>,
    current: bool,
}

struct InterviewRow {
    id: String,
    round: String,
    when: String,
    length: String,
    status: &'static str,
    panel: Vec<String>,
    mine: bool,
    location: Option<String>,
    url: Option<String>,
}

struct StaffRow {
    id: String,
    name: String,
    load: i64,
}

struct CardsView {
    hidden_because: Option<String>,
    cards: Vec<CardRow>,
}

struct CardRow {
    round: String,
    by: String,
    state: &'static str,
    recommendation: String,
    summary: String,
}

struct DecisionRow {
    outcome: String,
    mechanical: String,
    vetoed: bool,
    reason: Option<String>,
    when: String,
}

struct OfferRow {
    id: String,
    amount: String,
    status: String,
    approved: bool,
    /// The band check, as a sentence.
    band: String,
    needs_approval: bool,
    /// The refused approval's problem and reason, when it was this offer's.
    approve_error: Option<String>,
    approve_reason: String,
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

fn recommendation_name(id: &str) -> String {
    match id {
        "strong_no" => "Strong no",
        "no" => "No",
        "yes" => "Yes",
        "strong_yes" => "Strong yes",
        "no_decision" => "No decision",
        other => other,
    }
    .to_owned()
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
        Action::CandidateView,
        Object::Application(id),
    )
    .await?;
    let out = applications::get(state, &ctx, id).await?;
    let app = &out.application;
    let c = candidates::get(state, &ctx, &app.candidate_id).await?;
    let req = state
        .store()
        .requisition(ctx.org_id(), &app.requisition_id)
        .await?;
    let plan = plan_of(state, &req, None)?;
    let round_name = |rid: &str| {
        plan.round(rid)
            .map_or_else(|| rid.to_owned(), |(_, r)| r.name.clone())
    };
    let mut names = Names::default();
    let now = state.now_ms();

    let timeline = out.timeline.as_ref().map(|t| TimelineView {
        visits: t
            .visits
            .iter()
            .map(|v| VisitRow {
                name: v.name.clone(),
                entered: fmt_time(v.entered_ms),
                elapsed: fmt_duration(v.elapsed_ms),
                limit: v
                    .limit_days
                    .map_or_else(|| "no limit".to_owned(), |d| format!("{d} days")),
                over: v.over_by_ms.filter(|o| *o > 0).map(fmt_duration),
                current: v.left_ms.is_none() && app.status == ApplicationStatus::Active,
            })
            .collect(),
        elapsed: fmt_duration(t.elapsed_ms),
        target: format!(
            "{} of a {}–{} week target",
            match t.target {
                Target::BelowMin => "Ahead",
                Target::InWindow => "Within",
                Target::OverMax => "Over",
            },
            t.min_weeks,
            t.max_weeks
        ),
        target_class: match t.target {
            Target::OverMax => "bad",
            _ => "good",
        },
        stale: t.stale,
        flags: t.flags.iter().map(|f| f.reason.clone()).collect(),
    });

    let mut interviews = Vec::new();
    for i in &out.interviews {
        let mut panel = Vec::new();
        for s in &i.panel {
            panel.push(format!(
                "{} ({})",
                names.of(state, &s.user_id).await?,
                role_name(s.role)
            ));
        }
        interviews.push(InterviewRow {
            id: i.id.clone(),
            round: round_name(&i.round_id),
            when: fmt_time(i.starts_ms),
            length: fmt_duration(i.ends_ms - i.starts_ms),
            status: i.status.as_str(),
            mine: i.status != InterviewStatus::Cancelled
                && i.panel.iter().any(|s| s.user_id == ctx.user()),
            panel,
            location: i.location.clone(),
            url: i
                .url
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        });
    }

    let can_schedule =
        ctx.may(Action::InterviewSchedule) && app.status == ApplicationStatus::Active;
    let mut staff = Vec::new();
    if can_schedule {
        let load = requisitions::load(
            state,
            &ctx,
            &WindowQuery {
                from: now,
                to: now + 14 * 86_400_000,
            },
        )
        .await?;
        for l in load {
            staff.push(StaffRow {
                name: names.of(state, &l.user_id).await?,
                id: l.user_id,
                load: l.interviews,
            });
        }
    }

    let scorecards = if ctx.may(Action::ScorecardViewOthers) {
        let s = scorecards::of_application(state, &ctx, id).await?;
        let order: Vec<&str> = plan
            .stages
            .iter()
            .flat_map(|st| st.rounds.iter().map(|r| r.id.as_str()))
            .collect();
        let mut records = s.scorecards;
        records.sort_by_key(|r| order.iter().position(|o| *o == r.round_id));
        let mut cards = Vec::new();
        for r in records {
            cards.push(CardRow {
                round: round_name(&r.round_id),
                by: if r.interviewer_id == ctx.user() {
                    "You".to_owned()
                } else {
                    names.of(state, &r.interviewer_id).await?
                },
                state: if r.submitted_ms.is_some() {
                    "submitted"
                } else if r.saved_ms.is_some() {
                    "draft"
                } else {
                    "not started"
                },
                recommendation: r
                    .recommendation
                    .as_deref()
                    .map(recommendation_name)
                    .unwrap_or_default(),
                summary: r.summary,
            });
        }
        Some(CardsView {
            hidden_because: s.hidden_because,
            cards,
        })
    } else {
        None
    };

    let decision = out.decision.as_ref().map(|d| DecisionRow {
        outcome: d.final_outcome.clone(),
        mechanical: d.mechanical.clone(),
        vetoed: d.vetoed,
        reason: d.override_reason.clone(),
        when: fmt_time(d.decided_ms),
    });
    let offers = out
        .offers
        .iter()
        .map(|o| {
            let check = o.position.get("check");
            OfferRow {
                id: o.id.clone(),
                amount: format!("{} {}", group_digits(o.amount), o.currency),
                status: o.status.as_str().to_owned(),
                approved: o.approved_ms.is_some(),
                band: check
                    .and_then(|c| c.get("summary"))
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                needs_approval: check
                    .and_then(|c| c.get("needs_approval"))
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false),
                approve_error: form
                    .error("approve", &format!("reason-{}", o.id))
                    .map(str::to_owned),
                approve_reason: form.value("approve", "reason", ""),
            }
        })
        .collect();
    let hired = out
        .decision
        .as_ref()
        .is_some_and(|d| d.final_outcome == "hire");

    let start = (now / 3_600_000 + 24) * 3_600_000;
    render(&AppPage {
        chrome: chrome(user),
        title: format!("{} · {}", c.name, req.title),
        bar: OrgBar::of(&ctx),
        id: app.id.clone(),
        candidate: CandidateView {
            name: c.name,
            blind: c.blind,
            email: c.email,
            phone: c.phone,
            location: c.location,
            source: c.source,
        },
        req_id: req.id.clone(),
        req_title: req.title.clone(),
        req_facts: req_facts(&req),
        stage: plan
            .stage(&app.stage_id)
            .map_or_else(|| app.stage_id.clone(), |s| s.name.clone()),
        stage_id: app.stage_id.clone(),
        status: app.status.as_str(),
        timeline,
        interviews,
        can_schedule,
        rounds: plan
            .stages
            .iter()
            .flat_map(|s| {
                s.rounds
                    .iter()
                    .map(move |r| (r.id.clone(), format!("{} — {}", s.name, r.name)))
            })
            .collect(),
        staff,
        default_start: local_value(start),
        default_end: local_value(start + 3_600_000),
        scorecards,
        can_debrief: ctx.may(Action::DebriefView),
        decision,
        offers,
        can_move: ctx.may(Action::ApplicationMove) && app.status == ApplicationStatus::Active,
        can_propose: hired && ctx.may(Action::OfferPropose),
        may_propose: ctx.may(Action::OfferPropose),
        can_approve: ctx.may(Action::OfferApprove),
        levels: super::levels_of(&req),
        currency: "CNY",
        stages: plan
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect(),
        form,
    })
}

/// The form's field a service problem belongs to.
fn schedule_field(field: &str) -> String {
    match field {
        "starts_ms" => "starts".to_owned(),
        "ends_ms" => "ends".to_owned(),
        f if f.starts_with("panel") => "panel".to_owned(),
        f => f.to_owned(),
    }
}

/// `POST /orgs/{org}/applications/{id}/interviews`: schedules a round with a panel.
async fn schedule(
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
        Action::InterviewSchedule,
        Object::Application(&id),
    )
    .await?;
    let times = match (
        parse_local(form.get("starts")),
        parse_local(form.get("ends")),
    ) {
        (None, _) => Err(WebError::bad("starts", "enter a start date and time")),
        (_, None) => Err(WebError::bad("ends", "enter an end date and time")),
        (Some(s), Some(e)) => Ok((s, e)),
    };
    let result = match times {
        Ok((starts_ms, ends_ms)) => {
            interviews::schedule(
                &state,
                &ctx,
                &id,
                &ScheduleBody {
                    round: form.get("round").to_owned(),
                    starts_ms,
                    ends_ms,
                    location: Some(form.get("location").to_owned()),
                    url: Some(form.get("url").to_owned()),
                    panel: form.all("panel"),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/orgs/{slug}/applications/{id}#interviews"
        ))),
        Err(e) => {
            let mut refused = Refused::of("schedule", form, e)?;
            refused.field = schedule_field(&refused.field);
            let refused = FormState(Some(refused));
            let html = page(&state, &user, &slug, &id, refused.clone()).await?;
            Ok(refused_page(&refused, html))
        }
    }
}

/// A whole amount with thin spaces between thousands: `1 250 000`.
fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `POST /orgs/{org}/applications/{id}/offers`: proposes an offer, checked against the band.
async fn propose(
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
        Action::OfferPropose,
        Object::Application(&id),
    )
    .await?;
    let amount = form
        .get("amount")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect::<String>();
    let result = match amount.parse::<u64>() {
        Ok(amount) => {
            decisions::propose(
                &state,
                &ctx,
                &id,
                &OfferBody {
                    amount,
                    currency: form.get("currency").to_owned(),
                    level: form.get("level").to_owned(),
                },
            )
            .await
        }
        Err(_) => Err(WebError::bad(
            "amount",
            "give the yearly amount in whole units, such as 650000",
        )),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/orgs/{slug}/applications/{id}#offers"))),
        Err(e) => {
            let refused = FormState(Some(Refused::of("offer", form, e)?));
            let html = page(&state, &user, &slug, &id, refused.clone()).await?;
            Ok(refused_page(&refused, html))
        }
    }
}

/// `POST /orgs/{org}/offers/{id}/approve`: approves an offer outside the band, with a reason.
async fn approve(
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
        Action::OfferApprove,
        Object::Offer(&id),
    )
    .await?;
    let application_id = state.store().offer(ctx.org_id(), &id).await?.application_id;
    let result = decisions::approve(
        &state,
        &ctx,
        &id,
        &ApproveBody {
            reason: Some(form.get("reason").to_owned()),
        },
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/orgs/{slug}/applications/{application_id}#offers"
        ))),
        Err(e) => {
            let mut refused = Refused::of("approve", form, e)?;
            refused.field = format!("reason-{id}");
            let refused = FormState(Some(refused));
            let html = page(&state, &user, &slug, &application_id, refused.clone()).await?;
            Ok(refused_page(&refused, html))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_their_thousands() {
        assert_eq!(group_digits(650_000), "650\u{2009}000");
        assert_eq!(group_digits(1_250_000), "1\u{2009}250\u{2009}000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(-1_000), "-1\u{2009}000");
    }

    #[test]
    fn service_fields_map_to_the_form() {
        assert_eq!(schedule_field("ends_ms"), "ends");
        assert_eq!(schedule_field("panel[2]"), "panel");
        assert_eq!(schedule_field("round"), "round");
    }
}
