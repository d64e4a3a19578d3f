//! The debrief, the decision (with the veto and overrides) and offers.

use std::collections::BTreeMap;

use hireloop_core::Rating;
use hireloop_core::decision::{
    Candidate, DecisionError, Evaluation, Evaluator, EvaluatorKind, Override, Verdict,
};
use hireloop_core::pipeline::Role as LoopRole;
use hireloop_hiring::debrief::{self, Debrief, DebriefInput, Seat, Submitted};
use hireloop_hiring::offer::{self, Approval};
use hireloop_hiring::roles::{self, Access, Action, Relation, Role};
use hireloop_store::{
    Application, Decision, InterviewStatus, NewDecision, NewOffer, Offer, OfferStatus,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::scorecards::{panel_status, valid_of};
use super::{level, optional_text, pipeline_of, plan_of, requisition_range};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// The level the debrief is decided at: `?level=P7` (the requisition's lowest by default).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct LevelQuery {
    /// Level, within the requisition's range.
    pub level: Option<String>,
    /// Include the coach's advice (from the resume screening and the graded assessment):
    /// shown beside the people's judgements, never counted.
    #[serde(default)]
    pub coach: bool,
}

/// A decision to record.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DecideBody {
    /// The level decided at (the requisition's lowest by default).
    #[serde(default)]
    pub level: Option<String>,
    /// An override of the mechanical result: `hire` or `reject`.
    #[serde(default)]
    pub override_decision: Option<String>,
    /// Why (required with an override, at least 20 characters).
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// An offer to propose.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferBody {
    /// Yearly amount in whole units of the currency.
    pub amount: u64,
    /// Currency, such as `CNY` or `USD`.
    pub currency: String,
    /// The level offered.
    pub level: String,
}

/// An approval of an offer.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApproveBody {
    /// Why the offer may go out as it is (at least 20 characters when it is outside the band).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A change of an offer's status.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferStatusBody {
    /// `sent`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
}

/// An offer with its check against the band.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferOut {
    /// The offer.
    #[schema(value_type = Object)]
    pub offer: Offer,
    /// Its check against the band.
    #[schema(value_type = Object)]
    pub check: offer::OfferCheck,
}

fn loop_role(role: Role) -> LoopRole {
    match role {
        Role::Recruiter => LoopRole::Recruiter,
        Role::HiringManager => LoopRole::HiringManager,
        Role::BarRaiser => LoopRole::BarRaiser,
        Role::Admin | Role::Interviewer | Role::Candidate => LoopRole::Interviewer,
    }
}

/// Builds the debrief of an application from its submitted scorecards, with an optional
/// override and, when asked, the coach's advice (which the engine shows and never counts).
async fn build(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
    level_text: Option<&str>,
    override_: Option<Override>,
    with_coach: bool,
) -> Result<Debrief, WebError> {
    let store = state.store();
    let org = ctx.org_id();
    let app = store.application(org, application_id).await?;
    let req = store.requisition(org, &app.requisition_id).await?;
    let plan = plan_of(state, &req, level_text)?;
    let pipeline = pipeline_of(state, &req)?;
    let interviews = store.interviews_of(org, application_id).await?;
    let cards = store.scorecards_of(org, application_id).await?;
    let mut scorecards = Vec::new();
    for card in cards.iter().filter(|c| c.submitted_ms.is_some()) {
        let Some((_, round)) = plan.round(&card.round_id) else {
            continue;
        };
        let dims: Vec<&str> = round
            .dimensions
            .iter()
            .map(|d| d.dimension.as_str())
            .collect();
        let seat_role = interviews
            .iter()
            .flat_map(|i| i.panel.iter())
            .find(|s| s.user_id == card.interviewer_id)
            .map_or(Role::Interviewer, |s| s.role);
        scorecards.push(Submitted {
            round: card.round_id.clone(),
            interviewer: card.interviewer_id.clone(),
            role: loop_role(seat_role),
            scorecard: valid_of(card, &dims)?,
        });
    }
    let assigned = interviews
        .iter()
        .filter(|i| i.status != InterviewStatus::Cancelled)
        .flat_map(|i| {
            i.panel.iter().map(|s| Seat {
                round: i.round_id.clone(),
                interviewer: s.user_id.clone(),
            })
        })
        .collect();
    let level = match level_text {
        Some(l) => level("level", l)?,
        None => requisition_range(&req)?.low,
    };
    let input = DebriefInput {
        pipeline: Some(req.pipeline_id.clone()),
        candidate: Candidate {
            name: None,
            level,
            region: req.region.clone(),
        },
        scorecards,
        assigned,
        coach: if with_coach {
            coach_advice(state, ctx, &app, &plan).await?
        } else {
            Vec::new()
        },
        override_,
    };
    debrief::debrief(state.content(), pipeline, &input).map_err(|e| match e {
        DecisionError::OverrideWithoutReason { .. } => {
            WebError::bad("override_reason", e.to_string())
        }
        other => WebError::Conflict(other.to_string()),
    })
}

/// The debrief: who said what, disagreements, missing evidence and the mechanical result. A
/// panelist sees it only once their own scorecards are in.
pub async fn view(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
    q: &LevelQuery,
) -> Result<Debrief, WebError> {
    let cards = state
        .store()
        .scorecards_of(ctx.org_id(), application_id)
        .await?;
    let (on_panel, own_submitted) = panel_status(state, ctx, application_id, &cards).await?;
    if on_panel && !own_submitted {
        return Err(WebError::Conflict(
            "submit your own scorecard first: the debrief shows the panel's judgements".into(),
        ));
    }
    build(
        state,
        ctx,
        application_id,
        q.level.as_deref(),
        None,
        q.coach,
    )
    .await
}

/// Records the decision: the mechanical result, or an override with a written reason. An
/// override needs `decision_override`; one that overturns the bar raiser's veto needs
/// `decision_overturn_veto`, which nobody has.
pub async fn decide(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
    body: &DecideBody,
) -> Result<Decision, WebError> {
    let override_ = match body.override_decision.as_deref() {
        None | Some("") => None,
        Some(d) => {
            let decision = match d {
                "hire" => Verdict::Hire,
                "reject" => Verdict::Reject,
                _ => return Err(WebError::bad("override_decision", "use `hire` or `reject`")),
            };
            Some(Override {
                decision,
                reason: optional_text("override_reason", body.override_reason.as_deref(), 5_000)?,
                by: Some(ctx.user().to_owned()),
            })
        }
    };
    let debrief = build(
        state,
        ctx,
        application_id,
        body.level.as_deref(),
        override_,
        false,
    )
    .await?;
    if let Access::Denied { reason } =
        debrief::override_access(ctx.role(), &ctx.relations, &debrief)
    {
        return Err(WebError::Denied(reason));
    }
    let step = &debrief.decision;
    if step.verdict == Verdict::Incomplete {
        return Err(WebError::Conflict(format!(
            "the loop is incomplete: {}",
            step.mechanical_reason
        )));
    }
    let report = serde_json::to_value(&debrief.report).map_err(WebError::internal)?;
    let mechanical = step.mechanical.to_string();
    let verdict = step.verdict.to_string();
    let reason = step.override_.as_ref().map(|o| o.reason.clone());
    Ok(state
        .store()
        .record_decision(
            ctx.org_id(),
            application_id,
            &NewDecision {
                mechanical: &mechanical,
                final_outcome: &verdict,
                vetoed: step.vetoed,
                override_reason: reason.as_deref(),
                report: &report,
            },
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// The recorded decision.
pub async fn get(state: &AppState, ctx: &Ctx, application_id: &str) -> Result<Decision, WebError> {
    state
        .store()
        .decision(ctx.org_id(), application_id)
        .await?
        .ok_or(WebError::NotFound("decision"))
}

async fn check_of(
    state: &AppState,
    ctx: &Ctx,
    offer: &Offer,
) -> Result<offer::OfferCheck, WebError> {
    let app = state
        .store()
        .application(ctx.org_id(), &offer.application_id)
        .await?;
    let req = state
        .store()
        .requisition(ctx.org_id(), &app.requisition_id)
        .await?;
    let level_text = offer
        .position
        .get("level")
        .and_then(|l| l.as_str())
        .unwrap_or("P5");
    let level = level("level", level_text)?;
    Ok(offer::check(
        state.content(),
        level,
        &req.region,
        u64::try_from(offer.amount).unwrap_or(0),
        &offer.currency,
    ))
}

/// Proposes an offer for a hired decision, checked against the band of the level.
pub async fn propose(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
    body: &OfferBody,
) -> Result<OfferOut, WebError> {
    let store = state.store();
    let app = store.application(ctx.org_id(), application_id).await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    match store.decision(ctx.org_id(), application_id).await? {
        Some(d) if d.final_outcome == "hire" => {}
        Some(_) => return Err(WebError::Conflict("the decision was not to hire".into())),
        None => {
            return Err(WebError::Conflict(
                "record the decision to hire first".into(),
            ));
        }
    }
    let level = level("level", &body.level)?;
    if !requisition_range(&req)?.contains(level) {
        return Err(WebError::bad(
            "level",
            format!(
                "{level} is outside the requisition's range {}..{}",
                req.level_min, req.level_max
            ),
        ));
    }
    let currency = body.currency.trim().to_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(WebError::bad(
            "currency",
            "use a three-letter code such as CNY or USD",
        ));
    }
    if body.amount == 0 || body.amount > 1_000_000_000 {
        return Err(WebError::bad("amount", "give a yearly amount above 0"));
    }
    let amount = i64::try_from(body.amount).map_err(|_| WebError::bad("amount", "too large"))?;
    let check = offer::check(state.content(), level, &req.region, body.amount, &currency);
    let position = json!({ "level": level.to_string(), "check": check });
    let offer = store
        .propose_offer(
            ctx.org_id(),
            application_id,
            &NewOffer {
                amount,
                currency: &currency,
                position: &position,
            },
            ctx.user(),
            state.now_ms(),
        )
        .await?;
    Ok(OfferOut { offer, check })
}

/// Approves an offer: outside the band it needs someone other than the proposer, allowed to
/// approve, with a written reason.
pub async fn approve(
    state: &AppState,
    ctx: &Ctx,
    offer_id: &str,
    body: &ApproveBody,
) -> Result<OfferOut, WebError> {
    let offer = state.store().offer(ctx.org_id(), offer_id).await?;
    let check = check_of(state, ctx, &offer).await?;
    let relation = ctx
        .relations
        .iter()
        .copied()
        .find(|r| roles::decide(ctx.role(), Action::OfferApprove, *r).is_allowed())
        .unwrap_or(Relation::None);
    let reason = optional_text("reason", body.reason.as_deref(), 5_000)?;
    let approval = Approval {
        approver: ctx.user().to_owned(),
        role: ctx.role(),
        relation,
        reason: reason.clone(),
    };
    offer::ready(&check, &offer.proposed_by, Some(&approval)).map_err(|problems| {
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        WebError::bad("reason", text.join("; "))
    })?;
    let offer = state
        .store()
        .approve_offer(
            ctx.org_id(),
            offer_id,
            reason.as_deref(),
            ctx.user(),
            state.now_ms(),
        )
        .await?;
    Ok(OfferOut { offer, check })
}

/// Moves an offer on. It goes out (`sent`) only when it is within the band or approved.
pub async fn set_status(
    state: &AppState,
    ctx: &Ctx,
    offer_id: &str,
    body: &OfferStatusBody,
) -> Result<OfferOut, WebError> {
    let status = OfferStatus::parse(body.status.trim())
        .filter(|s| *s != OfferStatus::Proposed && *s != OfferStatus::Approved)
        .ok_or_else(|| WebError::bad("status", "use sent, accepted, declined or withdrawn"))?;
    let offer = state.store().offer(ctx.org_id(), offer_id).await?;
    let check = check_of(state, ctx, &offer).await?;
    if status == OfferStatus::Sent && check.needs_approval && offer.status != OfferStatus::Approved
    {
        return Err(WebError::Conflict(format!(
            "the offer needs an approval before it goes out: {}",
            check.summary
        )));
    }
    if status == OfferStatus::Sent && offer.status == OfferStatus::Proposed {
        // Within the band no second person is needed: the approval is recorded as such.
        state
            .store()
            .approve_offer(
                ctx.org_id(),
                offer_id,
                Some("within the band"),
                ctx.user(),
                state.now_ms(),
            )
            .await?;
    }
    let offer = state
        .store()
        .set_offer_status(ctx.org_id(), offer_id, status, ctx.user(), state.now_ms())
        .await?;
    Ok(OfferOut { offer, check })
}

/// An application's offers.
pub async fn of_application(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
) -> Result<Vec<Offer>, WebError> {
    Ok(state
        .store()
        .offers_of(ctx.org_id(), application_id)
        .await?)
}

/// A mean score on the coach's 0–4 scale as a 1–4 rating (halves up).
fn coach_rating(score: f64) -> Rating {
    let r = (score.clamp(1.0, 4.0) + 0.5).floor();
    // The clamp keeps it in 1..=4, so the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Rating::Score(r as u8)
}

/// The coach's evaluations of an application: the latest resume screening for the resume round
/// and each graded assessment for the assessment round, per dimension of the round.
async fn coach_advice(
    state: &AppState,
    ctx: &Ctx,
    app: &Application,
    plan: &hireloop_core::pipeline::Plan,
) -> Result<Vec<Evaluation>, WebError> {
    let store = state.store();
    let mut out = Vec::new();
    let evaluator = || Evaluator {
        name: "coach".into(),
        role: LoopRole::Interviewer,
        kind: EvaluatorKind::Coach,
    };
    let screens: Vec<Value> = store
        .resumes(ctx.org_id(), &app.candidate_id)
        .await?
        .into_iter()
        .filter_map(|r| r.screen_json.and_then(|j| serde_json::from_str(&j).ok()))
        .collect();
    let assessments: Vec<Value> = {
        let mut graded = Vec::new();
        for a in store.assessments_of(ctx.org_id(), &app.id).await? {
            for answer in store.assessment_answers(ctx.org_id(), &a.id).await? {
                if let Some(g) = answer.graded {
                    graded.push(g);
                }
            }
        }
        graded
    };
    for stage in &plan.stages {
        for round in &stage.rounds {
            let sources: Vec<&Value> = match round.id.as_str() {
                "resume-review" => screens.last().into_iter().collect(),
                "assessment" => assessments.iter().collect(),
                _ => continue,
            };
            let mut ratings = BTreeMap::new();
            let mut overall = Vec::new();
            for d in &round.dimensions {
                let scores: Vec<f64> = sources
                    .iter()
                    .filter_map(|v| v.get("scores")?.as_array().cloned())
                    .flatten()
                    .filter(|s| s.get("dimension").and_then(Value::as_str) == Some(&d.dimension))
                    .filter_map(|s| s.get("score")?.as_f64())
                    .collect();
                if scores.is_empty() {
                    continue;
                }
                #[allow(clippy::cast_precision_loss)]
                let mean = scores.iter().sum::<f64>() / scores.len() as f64;
                overall.push(mean);
                ratings.insert(d.dimension.clone(), coach_rating(mean));
            }
            if ratings.is_empty() {
                continue;
            }
            #[allow(clippy::cast_precision_loss)]
            let mean = overall.iter().sum::<f64>() / overall.len() as f64;
            out.push(Evaluation {
                round: round.id.clone(),
                evaluator: evaluator(),
                ratings,
                recommendation: hireloop_practice::feedback::recommendation_for(mean),
                notes: Some("automated screening: advice only".into()),
            });
        }
    }
    Ok(out)
}
