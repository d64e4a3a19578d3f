//! `/orgs/{org}/applications/{id}`: the candidate (blinded when the rules say so), the stage
//! timeline against its limits, the online assessment (its signed link and result), the
//! interviews with calendar files, their history and the forms to schedule, move and cancel them,
//! the scorecards the viewer may read, the way to the debrief, the decision and the offers, and
//! the forms that close the application (reject, withdraw, hire). A candidate signed in to their
//! own application sees a page of its own: stage, status and interviews, nothing of the panel.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_hiring::roles::{Action, Role};
use hireloop_hiring::timeline::Target;
use hireloop_report::text::thousands;
use hireloop_store::{Application, ApplicationStatus, Assessment, InterviewStatus, OfferStatus};

use super::{
    FormState, Names, OrgBar, Posted, Refused, chrome, local_value, parse_local, refused_page,
    req_facts, role_name, see_other,
};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize, membership};
use crate::hiring::service::applications::CloseBody;
use crate::hiring::service::decisions::OfferStatusBody;
use crate::hiring::service::decisions::{self, ApproveBody, OfferBody};
use crate::hiring::service::interviews::{CancelBody, RescheduleBody, ScheduleBody};
use crate::hiring::service::requisitions::{self, WindowQuery};
use crate::hiring::service::{applications, candidates, plan_of, scorecards};
use crate::hiring::service::{assessments, interviews};
use crate::state::AppState;
use crate::view::{Chrome, fmt_duration, fmt_time, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/applications/{id}", get(show))
        .route("/orgs/{org}/applications/{id}/interviews", post(schedule))
        .route("/orgs/{org}/applications/{id}/offers", post(propose))
        .route("/orgs/{org}/offers/{id}/approve", post(approve))
        .route("/orgs/{org}/offers/{id}/status", post(offer_status))
        .route(
            "/orgs/{org}/applications/{id}/assessments",
            post(issue_link),
        )
        .route("/orgs/{org}/applications/{id}/reject", post(reject))
        .route("/orgs/{org}/applications/{id}/withdraw", post(withdraw))
        .route("/orgs/{org}/applications/{id}/hire", post(hire))
        .route("/orgs/{org}/interviews/{id}/reschedule", post(reschedule))
        .route("/orgs/{org}/interviews/{id}/cancel", post(cancel))
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
    /// Why the viewer, who may propose offers, cannot propose one now (none once one is
    /// accepted).
    propose_note: Option<&'static str>,
    can_approve: bool,
    levels: Vec<String>,
    currency: &'static str,
    stages: Vec<(String, String)>,
    assessment: Option<AssessView>,
    close: CloseView,
    form: FormState,
}

/// The online assessment's part of the page.
struct AssessView {
    /// Whether the viewer may issue a link (recruiters of the team, on an active application).
    can_issue: bool,
    rows: Vec<AssessRow>,
}

struct AssessRow {
    issued: String,
    status: &'static str,
    status_class: &'static str,
    /// The candidate's page, while the link still works (only for those who send links).
    link: Option<String>,
    expires: String,
    started: Option<String>,
    deadline: Option<String>,
    submitted: Option<String>,
    /// `2.6 / 4 · 3 of 5 correct`.
    result: Option<String>,
    items: i64,
}

/// The forms that close the application, as the policy allows them to the viewer.
struct CloseView {
    can_reject: bool,
    can_withdraw: bool,
    can_hire: bool,
    /// Whether a decision to hire is recorded (the hire form says so when it is not).
    hire_decided: bool,
}

struct HistoryRow {
    when: String,
    what: String,
    by: String,
    reason: Option<String>,
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
    history: Vec<HistoryRow>,
    can_reschedule: bool,
    can_cancel: bool,
    starts_value: String,
    ends_value: String,
    /// The refused reschedule's problems when it was this interview's: (field, message).
    reschedule_error: Option<(String, String)>,
    reschedule_reason: String,
    cancel_error: Option<String>,
    cancel_reason: String,
}

impl InterviewRow {
    /// The refused reschedule's message for `field` of this interview's form.
    fn rs_error(&self, field: &str) -> Option<&str> {
        self.reschedule_error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The refused reschedule's message that belongs to none of its fields.
    fn rs_general(&self) -> Option<&str> {
        self.reschedule_error
            .as_ref()
            .filter(|(f, _)| !["starts", "ends", "reason"].contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
    }
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
    /// The statuses the viewer may move it to.
    next: Vec<(&'static str, &'static str)>,
    status_error: Option<String>,
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
    // A candidate never sees the team's page: theirs is the status page, authorised as
    // `OwnApplicationView` (another candidate's application is refused there).
    let (_, member) = membership(state, user, slug).await?;
    if member.role == Role::Candidate {
        return own_page(state, user, slug, id, form).await;
    }
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

    let panels: Vec<String> = out
        .interviews
        .iter()
        .flat_map(|i| i.panel.iter().map(|s| s.user_id.clone()))
        .collect();
    names.prefetch(state, &panels).await?;
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
        let mut history = Vec::new();
        for h in interviews::get(state, &ctx, &i.id).await?.history {
            history.push(HistoryRow {
                when: fmt_time(h.changed_ms),
                what: match (h.seq, h.status) {
                    (1, _) => format!("scheduled for {}", fmt_time(h.starts_ms)),
                    (_, InterviewStatus::Cancelled) => "cancelled".to_owned(),
                    (_, InterviewStatus::Done) => "done".to_owned(),
                    _ => format!(
                        "moved to {} ({})",
                        fmt_time(h.starts_ms),
                        fmt_duration(h.ends_ms - h.starts_ms)
                    ),
                },
                by: names.of(state, &h.changed_by).await?,
                reason: h.reason,
            });
        }
        let open = i.status == InterviewStatus::Scheduled;
        let this_form = |name: &str| form.value(name, "interview", "") == i.id;
        let reschedule_error = form
            .0
            .as_ref()
            .filter(|r| r.form == "reschedule" && this_form("reschedule"))
            .map(|r| (r.field.clone(), r.message.clone()));
        interviews.push(InterviewRow {
            can_reschedule: open && ctx.may(Action::InterviewReschedule),
            can_cancel: open && ctx.may(Action::InterviewCancel),
            starts_value: if this_form("reschedule") {
                form.value("reschedule", "starts", "")
            } else {
                local_value(i.starts_ms)
            },
            ends_value: if this_form("reschedule") {
                form.value("reschedule", "ends", "")
            } else {
                local_value(i.ends_ms)
            },
            reschedule_error,
            reschedule_reason: if this_form("reschedule") {
                form.value("reschedule", "reason", "")
            } else {
                String::new()
            },
            cancel_error: if this_form("cancel") {
                form.general("cancel", &[]).map(str::to_owned)
            } else {
                None
            },
            cancel_reason: if this_form("cancel") {
                form.value("cancel", "reason", "")
            } else {
                String::new()
            },
            history,
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
        let staffed: Vec<String> = load.iter().map(|l| l.user_id.clone()).collect();
        names.prefetch(state, &staffed).await?;
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
                amount: format!(
                    "{} {}",
                    thousands(u64::try_from(o.amount).unwrap_or_default()),
                    o.currency
                ),
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
                next: if ctx.may(Action::OfferPropose) {
                    next_statuses(o.status)
                } else {
                    Vec::new()
                },
                status_error: if form.value("offer-status", "offer", "") == o.id {
                    form.general("offer-status", &[]).map(str::to_owned)
                } else {
                    None
                },
            }
        })
        .collect();
    let hired = out
        .decision
        .as_ref()
        .is_some_and(|d| d.final_outcome == "hire");

    // One offer stands at a time: another is proposed once the last is declined or withdrawn.
    let standing = out.offers.iter().map(|o| o.status).find(|s| s.is_live());
    let assessment = assessment_view(state, &ctx, app).await?;
    let active = app.status == ApplicationStatus::Active;
    let close = CloseView {
        can_reject: active && ctx.may(Action::ApplicationReject),
        can_withdraw: active && ctx.may(Action::ApplicationWithdraw),
        can_hire: active && ctx.may(Action::DecisionDecide),
        hire_decided: hired,
    };

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
        can_propose: hired && ctx.may(Action::OfferPropose) && standing.is_none(),
        propose_note: match (hired, standing) {
            _ if !ctx.may(Action::OfferPropose) => None,
            (false, _) => Some("Offers open once the decision to hire is recorded in the debrief."),
            (true, Some(OfferStatus::Accepted) | None) => None,
            (true, Some(_)) => Some(
                "One offer stands at a time: propose another once this one is declined or \
                 withdrawn.",
            ),
        },
        may_propose: ctx.may(Action::OfferPropose),
        can_approve: ctx.may(Action::OfferApprove),
        levels: super::levels_of(&req),
        currency: "CNY",
        stages: plan
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect(),
        assessment,
        close,
        form,
    })
}

/// The online assessment's part of the application page: shown to those who send links and to
/// those who read the debrief (its result is advice there); `None` to everyone else.
async fn assessment_view(
    state: &AppState,
    ctx: &Ctx,
    app: &Application,
) -> Result<Option<AssessView>, WebError> {
    let sends = ctx.may(Action::AssessmentLinkSend);
    if !sends && !ctx.may(Action::DebriefView) {
        return Ok(None);
    }
    let now = state.now_ms();
    let mut rows = Vec::new();
    for a in assessments::of_application(state, ctx, &app.id).await? {
        let (status, status_class) = assessment_status(&a, now);
        let link = if sends {
            assessments::link_of(state, ctx, &a)?.map(|l| {
                // The candidate's page, not the API's JSON: the same token opens both.
                format!("/assess/{}/{}", ctx.org.slug, l.token)
            })
        } else {
            None
        };
        let result = a.result.as_ref().map(|r| {
            let score = r.get("score").and_then(serde_json::Value::as_f64);
            let items = r.get("items").and_then(serde_json::Value::as_i64);
            let correct = r.get("correct").and_then(serde_json::Value::as_i64);
            match (score, items, correct) {
                (Some(s), Some(n), Some(c)) => format!("{s:.1} / 4 · {c} of {n} correct"),
                (Some(s), _, _) => format!("{s:.1} / 4"),
                _ => "graded".to_owned(),
            }
        });
        let items = a
            .plan
            .get("items")
            .and_then(serde_json::Value::as_array)
            .map_or(0, |v| i64::try_from(v.len()).unwrap_or(0));
        rows.push(AssessRow {
            issued: fmt_time(a.issued_ms),
            status,
            status_class,
            link,
            expires: fmt_time(a.expires_ms),
            started: a.started_ms.map(fmt_time),
            deadline: a.deadline_ms.map(fmt_time),
            submitted: a.submitted_ms.map(fmt_time),
            result,
            items,
        });
    }
    Ok(Some(AssessView {
        can_issue: sends && app.status == ApplicationStatus::Active,
        rows,
    }))
}

/// An assessment's state as a word and its badge class: `submitted`, `expired` (the link
/// stopped working before it was submitted), `started` or `issued`.
fn assessment_status(a: &Assessment, now: i64) -> (&'static str, &'static str) {
    if a.submitted_ms.is_some() {
        ("submitted", "good")
    } else if now >= a.expires_ms {
        ("expired", "bad")
    } else if a.started_ms.is_some() {
        ("started", "accent")
    } else {
        ("issued", "")
    }
}

/// The statuses an offer may move to from `status` (see `decisions::set_status`), with labels.
fn next_statuses(status: OfferStatus) -> Vec<(&'static str, &'static str)> {
    match status {
        OfferStatus::Proposed | OfferStatus::Approved => {
            vec![("sent", "Extended (sent)"), ("withdrawn", "Withdrawn")]
        }
        OfferStatus::Sent => vec![
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("withdrawn", "Withdrawn"),
        ],
        _ => Vec::new(),
    }
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
async fn schedule(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::InterviewSchedule, Object::Application(&p.id))
        .await?;
    let times = match (
        parse_local(p.form.get("starts")),
        parse_local(p.form.get("ends")),
    ) {
        (None, _) => Err(WebError::bad("starts", "enter a start date and time")),
        (_, None) => Err(WebError::bad("ends", "enter an end date and time")),
        (Some(s), Some(e)) => Ok((s, e)),
    };
    let result = match times {
        Ok((starts_ms, ends_ms)) => {
            interviews::schedule(
                &p.state,
                &ctx,
                &p.id,
                &ScheduleBody {
                    round: p.form.get("round").to_owned(),
                    starts_ms,
                    ends_ms,
                    location: Some(p.form.get("location").to_owned()),
                    url: Some(p.form.get("url").to_owned()),
                    panel: p.form.all("panel"),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(
            &p.url(&format!("applications/{}#interviews", p.id)),
        )),
        Err(e) => {
            let mut refused = Refused::of("schedule", p.form, e)?;
            refused.field = schedule_field(&refused.field);
            again(&p.state, &p.user, &p.slug, &p.id, refused).await
        }
    }
}

/// `POST /orgs/{org}/applications/{id}/offers`: proposes an offer, checked against the band.
async fn propose(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::OfferPropose, Object::Application(&p.id))
        .await?;
    let amount = p
        .form
        .get("amount")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect::<String>();
    let result = match amount.parse::<u64>() {
        Ok(amount) => {
            decisions::propose(
                &p.state,
                &ctx,
                &p.id,
                &OfferBody {
                    amount,
                    currency: p.form.get("currency").to_owned(),
                    level: p.form.get("level").to_owned(),
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
        Ok(_) => Ok(see_other(&p.url(&format!("applications/{}#offers", p.id)))),
        Err(e) => refuse(p, "offer", e).await,
    }
}

/// What a row's form (`p.id`) acts on: an interview or an offer of the application.
#[derive(Clone, Copy)]
enum Row {
    Interview,
    Offer,
}

/// Authorises `action` on the row the form names, and finds the application the row belongs
/// to (where the page goes back to).
async fn on_row(p: &Posted, action: Action, row: Row) -> Result<(Ctx, String), WebError> {
    let (object, store) = (
        match row {
            Row::Interview => Object::Interview(&p.id),
            Row::Offer => Object::Offer(&p.id),
        },
        p.state.store(),
    );
    let ctx = p.authorize(action, object).await?;
    let application_id = match row {
        Row::Interview => store.interview(ctx.org_id(), &p.id).await?.application_id,
        Row::Offer => store.offer(ctx.org_id(), &p.id).await?.application_id,
    };
    Ok((ctx, application_id))
}

/// `POST /orgs/{org}/offers/{id}/approve`: approves an offer outside the band, with a reason.
async fn approve(p: Posted) -> Result<Response, WebError> {
    let (ctx, application_id) = on_row(&p, Action::OfferApprove, Row::Offer).await?;
    let result = decisions::approve(
        &p.state,
        &ctx,
        &p.id,
        &ApproveBody {
            reason: Some(p.form.get("reason").to_owned()),
        },
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(
            &p.url(&format!("applications/{application_id}#offers")),
        )),
        Err(e) => {
            let mut refused = Refused::of("approve", p.form, e)?;
            refused.field = format!("reason-{}", p.id);
            again(&p.state, &p.user, &p.slug, &application_id, refused).await
        }
    }
}

/// `POST /orgs/{org}/applications/{id}/assessments`: issues an online-assessment link; the page
/// then shows it to copy.
async fn issue_link(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::AssessmentLinkSend, Object::Application(&p.id))
        .await?;
    match assessments::issue(&p.state, &ctx, &p.id).await {
        Ok(_) => Ok(see_other(
            &p.url(&format!("applications/{}#assessment", p.id)),
        )),
        Err(e) => refuse(p, "assess", e).await,
    }
}

/// Renders the application page again with form `name`'s problem.
async fn refuse(p: Posted, name: &'static str, e: WebError) -> Result<Response, WebError> {
    let refused = Refused::of(name, p.form, e)?;
    again(&p.state, &p.user, &p.slug, &p.id, refused).await
}

/// Renders the application page again with a refused form's problem, its field already named
/// as the form names it.
async fn again(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    application_id: &str,
    refused: Refused,
) -> Result<Response, WebError> {
    let refused = FormState(Some(refused));
    let html = page(state, user, slug, application_id, refused.clone()).await?;
    Ok(refused_page(&refused, html))
}

/// The application page again after the form of one of its rows (an interview, an offer) was
/// refused. The page matches a refused form to its row by the field `key`, so it holds the
/// row's id whatever was posted; `field` names the problem's field as the form names it.
async fn refuse_row(
    p: Posted,
    application_id: &str,
    name: &'static str,
    key: &str,
    e: WebError,
    field: fn(&str) -> String,
) -> Result<Response, WebError> {
    let mut form = p.form;
    form.0.retain(|(k, _)| k != key);
    form.0.push((key.to_owned(), p.id.clone()));
    let mut refused = Refused::of(name, form, e)?;
    refused.field = field(&refused.field);
    again(&p.state, &p.user, &p.slug, application_id, refused).await
}

/// For [`refuse_row`]: a row's form whose every problem is shown above it, whatever field the
/// service named.
fn above(_field: &str) -> String {
    String::new()
}

/// Closes an application as `status` after `action` is authorised, with the form's reason.
async fn close_with(
    p: Posted,
    action: Action,
    status: ApplicationStatus,
) -> Result<Response, WebError> {
    let ctx = p.authorize(action, Object::Application(&p.id)).await?;
    let reason = Some(p.form.get("reason").to_owned());
    match applications::close(&p.state, &ctx, &p.id, status, &CloseBody { reason }).await {
        Ok(_) => Ok(see_other(&p.url(&format!("applications/{}", p.id)))),
        Err(e) => refuse(p, "close", e).await,
    }
}

/// `POST /orgs/{org}/applications/{id}/reject` (`ApplicationReject`).
async fn reject(p: Posted) -> Result<Response, WebError> {
    close_with(p, Action::ApplicationReject, ApplicationStatus::Rejected).await
}

/// `POST /orgs/{org}/applications/{id}/withdraw` (`ApplicationWithdraw`: the recruiter for the
/// candidate, or the candidate themselves).
async fn withdraw(p: Posted) -> Result<Response, WebError> {
    close_with(p, Action::ApplicationWithdraw, ApplicationStatus::Withdrawn).await
}

/// `POST /orgs/{org}/applications/{id}/hire` (`DecisionDecide`, as the API's hire).
async fn hire(p: Posted) -> Result<Response, WebError> {
    close_with(p, Action::DecisionDecide, ApplicationStatus::Hired).await
}

/// The form's field a reschedule problem belongs to.
fn reschedule_field(field: &str) -> String {
    match field {
        "starts_ms" => "starts".to_owned(),
        "ends_ms" => "ends".to_owned(),
        f => f.to_owned(),
    }
}

/// `POST /orgs/{org}/interviews/{id}/reschedule`: a new time with the reason, kept in the
/// interview's history.
async fn reschedule(p: Posted) -> Result<Response, WebError> {
    let (ctx, application_id) = on_row(&p, Action::InterviewReschedule, Row::Interview).await?;
    let result = match (
        parse_local(p.form.get("starts")),
        parse_local(p.form.get("ends")),
    ) {
        (None, _) => Err(WebError::bad("starts", "enter a start date and time")),
        (_, None) => Err(WebError::bad("ends", "enter an end date and time")),
        (Some(starts_ms), Some(ends_ms)) => {
            interviews::reschedule(
                &p.state,
                &ctx,
                &p.id,
                &RescheduleBody {
                    starts_ms,
                    ends_ms,
                    reason: p.form.get("reason").to_owned(),
                },
            )
            .await
        }
    };
    match result {
        Ok(_) => Ok(see_other(
            &p.url(&format!("applications/{application_id}#interviews")),
        )),
        Err(e) => {
            refuse_row(
                p,
                &application_id,
                "reschedule",
                "interview",
                e,
                reschedule_field,
            )
            .await
        }
    }
}

/// `POST /orgs/{org}/interviews/{id}/cancel`: calls an interview off, with an optional reason.
async fn cancel(p: Posted) -> Result<Response, WebError> {
    let (ctx, application_id) = on_row(&p, Action::InterviewCancel, Row::Interview).await?;
    let body = CancelBody {
        reason: Some(p.form.get("reason").to_owned()),
    };
    match interviews::cancel(&p.state, &ctx, &p.id, &body).await {
        Ok(_) => Ok(see_other(
            &p.url(&format!("applications/{application_id}#interviews")),
        )),
        // A cancel form has one field: every problem goes above it.
        Err(e) => refuse_row(p, &application_id, "cancel", "interview", e, above).await,
    }
}

/// `POST /orgs/{org}/offers/{id}/status`: the offer goes out, is accepted, declined or withdrawn.
async fn offer_status(p: Posted) -> Result<Response, WebError> {
    let (ctx, application_id) = on_row(&p, Action::OfferPropose, Row::Offer).await?;
    let body = OfferStatusBody {
        status: p.form.get("status").to_owned(),
    };
    match decisions::set_status(&p.state, &ctx, &p.id, &body).await {
        Ok(_) => Ok(see_other(
            &p.url(&format!("applications/{application_id}#offers")),
        )),
        Err(e) => refuse_row(p, &application_id, "offer-status", "offer", e, above).await,
    }
}

#[derive(Template)]
#[template(path = "hiring/own_application.html")]
struct OwnPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    id: String,
    req_title: String,
    stage: String,
    status: String,
    upcoming: Vec<OwnInterviewRow>,
    past: Vec<OwnInterviewRow>,
    can_withdraw: bool,
    /// Their online assessment, while its link works and it is not submitted: the page to take
    /// it and when the link stops working.
    assessment: Option<(String, String)>,
    form: FormState,
}

struct OwnInterviewRow {
    id: String,
    round: String,
    when: String,
    length: String,
    status: String,
}

/// A candidate's own application: the stage and status, their interviews with calendar files
/// and the way to withdraw; nothing of the panel's judgements or of other candidates.
async fn own_page(
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
        Action::OwnApplicationView,
        Object::Application(id),
    )
    .await?;
    let own = applications::own(state, &ctx, id).await?;
    // The requisition's title and the rounds' names: the candidate knows what they applied to.
    let app = state.store().application(ctx.org_id(), id).await?;
    let req = state
        .store()
        .requisition(ctx.org_id(), &app.requisition_id)
        .await?;
    let plan = plan_of(state, &req, None).ok();
    let now = state.now_ms();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for i in own.interviews {
        let row = OwnInterviewRow {
            round: plan
                .as_ref()
                .and_then(|p| p.round(&i.round).map(|(_, r)| r.name.clone()))
                .unwrap_or_else(|| i.round.clone()),
            when: fmt_time(i.starts_ms),
            length: fmt_duration(i.ends_ms - i.starts_ms),
            status: i.status.clone(),
            id: i.id,
        };
        if row.status == "scheduled" && i.ends_ms >= now {
            upcoming.push(row);
        } else {
            // A scheduled interview whose time has gone is not "scheduled" to the candidate.
            let status = if row.status == "scheduled" {
                "past".to_owned()
            } else {
                row.status
            };
            past.push(OwnInterviewRow { status, ..row });
        }
    }
    // The link the recruiter sent, also here: the candidate is who it is for.
    let mut assessment = None;
    for a in assessments::of_application(state, &ctx, id).await? {
        if let Some(l) = assessments::link_of(state, &ctx, &a)? {
            assessment = Some((
                format!("/assess/{}/{}", ctx.org.slug, l.token),
                fmt_time(l.expires_ms),
            ));
        }
    }
    render(&OwnPage {
        assessment,
        chrome: chrome(user),
        title: format!("Your application · {}", req.title),
        bar: OrgBar::of(&ctx),
        id: own.id,
        req_title: req.title.clone(),
        stage: own.stage,
        can_withdraw: own.status == "active" && ctx.may(Action::ApplicationWithdraw),
        status: own.status,
        upcoming,
        past,
        form,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_fields_map_to_the_form() {
        assert_eq!(schedule_field("ends_ms"), "ends");
        assert_eq!(schedule_field("panel[2]"), "panel");
        assert_eq!(schedule_field("round"), "round");
        assert_eq!(reschedule_field("starts_ms"), "starts");
        assert_eq!(reschedule_field("reason"), "reason");
    }

    #[test]
    fn offers_move_on_only_forward() {
        let next = |s| {
            next_statuses(s)
                .into_iter()
                .map(|(v, _)| v)
                .collect::<Vec<_>>()
        };
        assert_eq!(next(OfferStatus::Proposed), ["sent", "withdrawn"]);
        assert_eq!(
            next(OfferStatus::Sent),
            ["accepted", "declined", "withdrawn"]
        );
        assert!(next(OfferStatus::Accepted).is_empty());
    }
}
