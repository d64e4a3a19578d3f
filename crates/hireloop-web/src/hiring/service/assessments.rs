//! Online assessments: a signed, expiring link per application, and the public steps a
//! candidate takes with it (view, start the clock, autosave, submit → graded keyed items).

use hireloop_hiring::link::{self, Claims, LinkError};
use hireloop_practice::{Answer, ItemKind, LoopPlan, PracticeRound, grade_item};
use hireloop_store::{Assessment, AssessmentAnswer, Org};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::{loop_plan_of, required_text};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// How long a link stays valid: a week.
pub const LINK_DAYS: i64 = 7;

/// A link issued.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    /// The assessment's id.
    pub assessment_id: String,
    /// The signed token.
    pub token: String,
    /// The path the candidate opens (under this server).
    pub path: String,
    /// When the link stops working.
    pub expires_ms: i64,
}

/// An autosave of one item.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerBody {
    /// The item's key, such as `online-assessment/1`.
    pub key: String,
    /// The answer: text, or the number of the chosen option (0 for the first).
    pub text: String,
}

/// What the candidate sees of their assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentOut {
    /// Id.
    pub id: String,
    /// The items (without keys).
    #[schema(value_type = Object)]
    pub plan: Value,
    /// When the link expires.
    pub expires_ms: i64,
    /// When it was started.
    pub started_ms: Option<i64>,
    /// When time is up.
    pub deadline_ms: Option<i64>,
    /// When submitted.
    pub submitted_ms: Option<i64>,
    /// The result, once graded.
    #[schema(value_type = Object)]
    pub result: Option<Value>,
}

fn out(a: Assessment) -> AssessmentOut {
    AssessmentOut {
        id: a.id,
        plan: a.plan,
        expires_ms: a.expires_ms,
        started_ms: a.started_ms,
        deadline_ms: a.deadline_ms,
        submitted_ms: a.submitted_ms,
        result: a.result,
    }
}

/// The assessment round of a loop: the first whose items are keyed.
fn assessment_round(plan: &LoopPlan) -> Result<&PracticeRound, WebError> {
    plan.rounds
        .iter()
        .find(|r| !r.items.is_empty() && r.items.iter().all(|i| i.kind == ItemKind::Keyed))
        .ok_or_else(|| {
            WebError::Conflict("the requisition's pipeline has no online assessment".into())
        })
}

fn secret(state: &AppState) -> Result<link::Secret, WebError> {
    state
        .settings()
        .link_secret
        .as_ref()
        .ok_or_else(|| {
            WebError::Conflict(
                "assessment links need a signing secret: start the server with --link-secret \
                 or HIRELOOP_LINK_SECRET (the same on every process)"
                    .into(),
            )
        })?
        .secret()
}

/// Issues an assessment and its signed link.
pub async fn issue(state: &AppState, ctx: &Ctx, application_id: &str) -> Result<LinkOut, WebError> {
    let secret = secret(state)?;
    let store = state.store();
    let app = store.application(ctx.org_id(), application_id).await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    let plan = loop_plan_of(state, &req, &app.id)?;
    let round = assessment_round(&plan)?;
    let items: Vec<Value> = round
        .items
        .iter()
        .map(|i| json!({ "key": i.key, "title": i.title, "prompt": i.prompt, "options": i.options, "unit": i.unit }))
        .collect();
    let shown =
        json!({ "round": round.round_id, "minutes": round.duration_minutes, "items": items });
    let now = state.now_ms();
    let expires_ms = now + LINK_DAYS * hireloop_hiring::timeline::DAY_MS;
    let nonce = crate::auth::random_hex(16)?;
    let a = store
        .issue_assessment(
            ctx.org_id(),
            application_id,
            &nonce,
            expires_ms,
            &shown,
            ctx.user(),
            now,
        )
        .await?;
    let token = link::issue(
        &secret,
        &Claims {
            application_id: app.id.clone(),
            assessment_id: a.id.clone(),
            expires_ms,
            nonce,
        },
    );
    Ok(LinkOut {
        path: format!("/api/assess/{}/{token}", ctx.org.slug),
        assessment_id: a.id,
        token,
        expires_ms,
    })
}

/// An application's assessments, oldest first (for its page; the caller is authorised on the
/// application).
pub async fn of_application(
    state: &AppState,
    ctx: &Ctx,
    application_id: &str,
) -> Result<Vec<Assessment>, WebError> {
    Ok(state
        .store()
        .assessments_of(ctx.org_id(), application_id)
        .await?)
}

/// The signed link of an issued assessment, signed again from what the store keeps (the
/// signature is a function of the claims, so it is the link that was sent). `None` once the link
/// has expired or the assessment is submitted: there is nothing left to send.
pub fn link_of(state: &AppState, ctx: &Ctx, a: &Assessment) -> Result<Option<LinkOut>, WebError> {
    if a.submitted_ms.is_some() || state.now_ms() >= a.expires_ms {
        return Ok(None);
    }
    let secret = secret(state)?;
    let token = link::issue(
        &secret,
        &Claims {
            application_id: a.application_id.clone(),
            assessment_id: a.id.clone(),
            expires_ms: a.expires_ms,
            nonce: a.nonce.clone(),
        },
    );
    Ok(Some(LinkOut {
        path: format!("/api/assess/{}/{token}", ctx.org.slug),
        assessment_id: a.id.clone(),
        token,
        expires_ms: a.expires_ms,
    }))
}

/// The saved answers of the assessment a link opens, by item (drafts until submission).
pub async fn answers(
    state: &AppState,
    slug: &str,
    token: &str,
) -> Result<Vec<AssessmentAnswer>, WebError> {
    let (org, a) = open(state, slug, token).await?;
    Ok(state.store().assessment_answers(&org.id, &a.id).await?)
}

/// The organisation and assessment a token opens; 404 for anything wrong with it but expiry,
/// which says so.
async fn open(state: &AppState, slug: &str, token: &str) -> Result<(Org, Assessment), WebError> {
    let secret = secret(state)?;
    let claims = link::verify(&[secret], token, state.now_ms()).map_err(|e| match e {
        LinkError::Expired { .. } => WebError::Conflict(
            "this assessment link has expired; ask your recruiter for a new one".into(),
        ),
        _ => WebError::NotFound("assessment"),
    })?;
    let org = state
        .store()
        .org_by_slug(slug)
        .await?
        .ok_or(WebError::NotFound("assessment"))?;
    let a = state
        .store()
        .assessment(&org.id, &claims.assessment_id)
        .await?;
    if a.nonce != claims.nonce || a.application_id != claims.application_id {
        return Err(WebError::NotFound("assessment"));
    }
    Ok((org, a))
}

/// The assessment a link opens.
pub async fn view(state: &AppState, slug: &str, token: &str) -> Result<AssessmentOut, WebError> {
    Ok(out(open(state, slug, token).await?.1))
}

/// Starts the clock (once).
pub async fn start(state: &AppState, slug: &str, token: &str) -> Result<AssessmentOut, WebError> {
    let (org, a) = open(state, slug, token).await?;
    let minutes = a.plan.get("minutes").and_then(Value::as_i64).unwrap_or(60);
    let started = state
        .store()
        .start_assessment(
            &org.id,
            &a.id,
            minutes * 60_000,
            "candidate",
            state.now_ms(),
        )
        .await?;
    Ok(out(started))
}

fn item_keys(a: &Assessment) -> Vec<String> {
    a.plan
        .get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get("key").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Autosaves one item's answer before the deadline.
pub async fn save(
    state: &AppState,
    slug: &str,
    token: &str,
    body: &AnswerBody,
) -> Result<AssessmentOut, WebError> {
    let (org, a) = open(state, slug, token).await?;
    if !item_keys(&a).contains(&body.key) {
        return Err(WebError::bad(
            "key",
            format!("the assessment has no item {:?}", body.key),
        ));
    }
    if body.text.chars().count() > 20_000 {
        return Err(WebError::bad(
            "text",
            "an answer may hold at most 20000 characters",
        ));
    }
    let now = state.now_ms();
    if a.deadline_ms.is_some_and(|d| now > d) {
        return Err(WebError::Conflict(
            "time is up; submit what is saved".into(),
        ));
    }
    state
        .store()
        .save_assessment_draft(&org.id, &a.id, &body.key, &body.text, now)
        .await?;
    Ok(out(state.store().assessment(&org.id, &a.id).await?))
}

/// Submits the assessment and grades its keyed items as practice mode does; the result is
/// attached to the application.
pub async fn submit(state: &AppState, slug: &str, token: &str) -> Result<AssessmentOut, WebError> {
    let (org, a) = open(state, slug, token).await?;
    let store = state.store();
    let first = store
        .submit_assessment(&org.id, &a.id, "candidate", state.now_ms())
        .await?;
    if !first {
        return Ok(out(store.assessment(&org.id, &a.id).await?));
    }
    let app = store.application(&org.id, &a.application_id).await?;
    let req = store.requisition(&org.id, &app.requisition_id).await?;
    let plan = loop_plan_of(state, &req, &app.id)?;
    let answers = store.assessment_answers(&org.id, &a.id).await?;
    let mut graded = Vec::new();
    let mut total = 0.0;
    let mut correct = 0usize;
    let keys = item_keys(&a);
    for key in &keys {
        let given = answers
            .iter()
            .find(|x| &x.item_key == key)
            .and_then(|x| x.answer.clone().or_else(|| Some(x.draft.clone())))
            .unwrap_or_default();
        let Some(item) = plan.item(key) else { continue };
        let answer = match given.trim().parse::<usize>() {
            Ok(i) if !item.options.is_empty() && i < item.options.len() => Answer::Choice(i),
            _ if given.trim().is_empty() => {
                graded.push((key.clone(), json!({ "answered": false, "overall": 0.0 })));
                continue;
            }
            _ => Answer::Text(given.clone()),
        };
        let slot = state.grading_slot().await?;
        let feedback = grade_item(
            state.coach(),
            state.content(),
            &plan,
            key,
            &answer,
            state.now_ms(),
        );
        drop(slot);
        let feedback = feedback.map_err(|e| WebError::Conflict(format!("grading {key}: {e}")))?;
        total += feedback.overall;
        if let hireloop_practice::feedback::FeedbackDetail::Keyed(k) = &feedback.detail
            && k.correct
        {
            correct += 1;
        }
        graded.push((
            key.clone(),
            serde_json::to_value(&feedback).map_err(WebError::internal)?,
        ));
    }
    let count = keys.len().max(1);
    #[allow(clippy::cast_precision_loss)]
    let score = total / count as f64;
    let result =
        json!({ "items": keys.len(), "correct": correct, "score": score, "advice_only": true });
    store
        .attach_assessment_result(&org.id, &a.id, &result, &graded, "system", state.now_ms())
        .await?;
    Ok(out(store.assessment(&org.id, &a.id).await?))
}

/// Checks a text answer field is present (kept for the API's draft route).
pub fn check_key(key: &str) -> Result<String, WebError> {
    required_text("key", key, 200)
}
