//! Interviews: scheduling with a panel, rescheduling with a reason, cancelling, the calendar
//! file and the interview kit.

use hireloop_hiring::ics;
use hireloop_hiring::roles::Role;
use hireloop_store::{Interview, InterviewChange, InterviewStatus, NewInterview, PanelSeat};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{loop_plan_of, optional_text, plan_of, required_text};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// An interview to schedule.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ScheduleBody {
    /// The round of the requisition's plan.
    pub round: String,
    /// Start, ms since the epoch.
    pub starts_ms: i64,
    /// End, ms since the epoch.
    pub ends_ms: i64,
    /// Where.
    #[serde(default)]
    pub location: Option<String>,
    /// A video-call link.
    #[serde(default)]
    pub url: Option<String>,
    /// The panel: user ids of staff members.
    pub panel: Vec<String>,
}

/// A new time for an interview.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleBody {
    /// New start.
    pub starts_ms: i64,
    /// New end.
    pub ends_ms: i64,
    /// Why it moves (required; kept in its history).
    pub reason: String,
}

/// A cancellation.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CancelBody {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// An interview with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct InterviewOut {
    /// The interview and its panel.
    #[schema(value_type = Object)]
    pub interview: Interview,
    /// Every change, in order.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<InterviewChange>,
}

/// A question of the kit (never the answer key).
#[derive(Debug, Serialize, ToSchema)]
pub struct KitQuestion {
    /// The question id of the bank.
    pub question: Option<String>,
    /// Title.
    pub title: String,
    /// The prompt.
    pub prompt: String,
    /// Options of a multiple-choice item.
    pub options: Vec<String>,
    /// Follow-up probes.
    pub probes: Vec<String>,
}

/// A rubric dimension with what each rating looks like.
#[derive(Debug, Serialize, ToSchema)]
pub struct KitDimension {
    /// Dimension id.
    pub dimension: String,
    /// Its name.
    pub name: String,
    /// Its weight in the round.
    pub weight: f64,
    /// What it looks for.
    pub checks: String,
    /// What ratings 1, 2, 3 and 4 look like.
    pub anchors: Vec<String>,
}

/// The interview kit of a round.
#[derive(Debug, Serialize, ToSchema)]
pub struct KitOut {
    /// Round id.
    pub round: String,
    /// Round name.
    pub name: String,
    /// Minutes.
    pub minutes: u32,
    /// The questions drawn for this application by the pipeline's rules.
    pub questions: Vec<KitQuestion>,
    /// The rubric.
    pub dimensions: Vec<KitDimension>,
}

fn check_times(starts_ms: i64, ends_ms: i64) -> Result<(), WebError> {
    if ends_ms <= starts_ms {
        return Err(WebError::bad(
            "ends_ms",
            "the interview must end after it starts",
        ));
    }
    if ends_ms - starts_ms > 12 * 60 * 60 * 1000 {
        return Err(WebError::bad(
            "ends_ms",
            "an interview lasts at most 12 hours",
        ));
    }
    Ok(())
}

/// Schedules an interview of an application's round with a panel of staff members.
pub async fn schedule(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
    body: &ScheduleBody,
) -> Result<Interview, WebError> {
    let store = state.store();
    let app = store.application(ctx.org_id(), application_id).await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    let plan = plan_of(state, &req, None)?;
    let round = body.round.trim();
    if plan.round(round).is_none() {
        return Err(WebError::bad(
            "round",
            format!("the requisition's plan has no round {round:?}"),
        ));
    }
    check_times(body.starts_ms, body.ends_ms)?;
    if body.panel.is_empty() {
        return Err(WebError::bad("panel", "name at least one interviewer"));
    }
    let mut panel = Vec::new();
    for (i, uid) in body.panel.iter().enumerate() {
        let Some(m) = store.membership(ctx.org_id(), uid.trim()).await? else {
            return Err(WebError::bad(
                format!("panel[{i}]"),
                "no member of this organisation has this id",
            ));
        };
        if m.role == Role::Candidate {
            return Err(WebError::bad(
                format!("panel[{i}]"),
                "a candidate cannot interview",
            ));
        }
        if panel.iter().any(|s: &PanelSeat| s.user_id == m.user_id) {
            return Err(WebError::bad(format!("panel[{i}]"), "named twice"));
        }
        panel.push(PanelSeat {
            user_id: m.user_id,
            role: m.role,
        });
    }
    let new = NewInterview {
        round_id: round.to_owned(),
        starts_ms: body.starts_ms,
        ends_ms: body.ends_ms,
        location: optional_text("location", body.location.as_deref(), 500)?,
        url: optional_text("url", body.url.as_deref(), 1_000)?,
        panel,
    };
    Ok(store
        .schedule_interview(
            ctx.org_id(),
            application_id,
            &new,
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// Moves an interview; the reason is kept in its history.
pub async fn reschedule(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: &RescheduleBody,
) -> Result<Interview, WebError> {
    check_times(body.starts_ms, body.ends_ms)?;
    let reason = required_text("reason", &body.reason, 2_000)?;
    Ok(state
        .store()
        .reschedule_interview(
            ctx.org_id(),
            id,
            body.starts_ms,
            body.ends_ms,
            Some(&reason),
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// Cancels an interview.
pub async fn cancel(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: &CancelBody,
) -> Result<Interview, WebError> {
    let reason = optional_text("reason", body.reason.as_deref(), 2_000)?;
    Ok(state
        .store()
        .cancel_interview(
            ctx.org_id(),
            id,
            reason.as_deref(),
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// One interview with its history.
pub async fn get(state: &AppState, ctx: &Ctx, id: &str) -> Result<InterviewOut, WebError> {
    Ok(InterviewOut {
        interview: state.store().interview(ctx.org_id(), id).await?,
        history: state.store().interview_history(ctx.org_id(), id).await?,
    })
}

/// An application's interviews.
pub async fn of_application(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
) -> Result<Vec<Interview>, WebError> {
    Ok(state
        .store()
        .interviews_of(ctx.org_id(), application_id)
        .await?)
}

/// The interview as an iCalendar file (`text/calendar`): the panel as attendees, the recruiter
/// who scheduled it as organiser.
pub async fn calendar(state: &AppState, ctx: &Ctx, id: &str) -> Result<String, WebError> {
    let store = state.store();
    let interview = store.interview(ctx.org_id(), id).await?;
    let person = |u: Option<hireloop_store::User>| {
        u.map_or_else(
            || ("someone".to_owned(), "unknown@invalid.example".to_owned()),
            |u| (u.display_name, u.email),
        )
    };
    let (org_name, org_email) = person(store.user(&interview.created_by).await?);
    let mut attendees = Vec::new();
    for seat in &interview.panel {
        let (name, email) = person(store.user(&seat.user_id).await?);
        attendees.push(ics::Attendee {
            name,
            email,
            role: ics::Role::Required,
            partstat: ics::PartStat::NeedsAction,
        });
    }
    let file = ics::Interview {
        id: interview.id.clone(),
        sequence: u32::try_from(interview.sequence).unwrap_or(0),
        status: if interview.status == InterviewStatus::Cancelled {
            ics::InterviewStatus::Cancelled
        } else {
            ics::InterviewStatus::Scheduled
        },
        start_ms: interview.starts_ms,
        end_ms: interview.ends_ms,
        stamp_ms: state.now_ms(),
        summary: format!("Interview: {} ({})", interview.round_id, ctx.org.name),
        description: format!(
            "Round {} of application {}. The kit and scorecard are in hireloop.",
            interview.round_id, interview.application_id
        ),
        location: interview.location.clone(),
        url: interview.url.clone(),
        organizer: ics::Person {
            name: org_name,
            email: org_email,
        },
        attendees,
    };
    let producer = ics::Producer {
        prodid: "-//hireloop//hiring//EN".to_owned(),
        uid_domain: "hireloop.invalid".to_owned(),
    };
    ics::render(&producer, &file).map_err(|e| WebError::Conflict(format!("calendar file: {e}")))
}

/// The kit of an interview's round: the questions drawn for the application and the rubric's
/// dimensions with their anchors.
pub async fn kit(state: &AppState, ctx: &Ctx, id: &str) -> Result<KitOut, WebError> {
    let store = state.store();
    let interview = store.interview(ctx.org_id(), id).await?;
    let app = store
        .application(ctx.org_id(), &interview.application_id)
        .await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    let plan = loop_plan_of(state, &req, &app.id)?;
    let Some(round) = plan
        .rounds
        .iter()
        .find(|r| r.round_id == interview.round_id)
    else {
        return Err(WebError::Conflict(format!(
            "round {} is not in the requisition's plan any more",
            interview.round_id
        )));
    };
    let content = state.content();
    let dimensions = round
        .dimensions
        .iter()
        .map(|d| {
            let (name, checks, anchors) = match content.dimension(&d.dimension) {
                Some(dim) => (dim.name.clone(), dim.checks.clone(), dim.anchors.clone()),
                None => match content.values.iter().find(|v| v.id == d.dimension) {
                    Some(v) => (v.name.clone(), v.summary.clone(), v.behaviours.clone()),
                    None => (d.dimension.clone(), String::new(), Vec::new()),
                },
            };
            KitDimension {
                dimension: d.dimension.clone(),
                name,
                weight: d.weight,
                checks,
                anchors,
            }
        })
        .collect();
    Ok(KitOut {
        round: round.round_id.clone(),
        name: round.round_name.clone(),
        minutes: round.duration_minutes,
        questions: round
            .items
            .iter()
            .map(|i| KitQuestion {
                question: i.question.clone(),
                title: i.title.clone(),
                prompt: i.prompt.clone(),
                options: i.options.clone(),
                probes: i.probes.clone(),
            })
            .collect(),
        dimensions,
    })
}
