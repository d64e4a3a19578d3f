//! Practice loops over the API: the same operations as the pages (`crate::service`).

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use hireloop_practice::PracticeSetup;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::error::{ApiError, WebError};
use crate::service::{self, LoopState, SubmitInput};
use crate::state::AppState;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/loops", post(start).get(list))
        .route("/loops/{id}", get(show))
        .route("/loops/{id}/rounds/{round}/start", post(start_round))
        .route("/loops/{id}/items/{round}/{n}/draft", put(draft))
        .route("/loops/{id}/items/{round}/{n}/submit", post(submit))
        .route("/loops/{id}/finish", post(finish))
        .route("/loops/{id}/report", get(report))
}

/// A new loop; every field is optional (the pipeline's defaults apply).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct StartBody {
    /// Level applied for, `P5`–`P10`.
    pub level: Option<String>,
    /// Region id: `china` or `international`.
    pub region: Option<String>,
    /// Language of the prompts: `en` or `zh`.
    pub language: Option<String>,
    /// Seed of the question draw (the same seed draws the same loop).
    pub seed: Option<u64>,
}

/// A round's clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockOut {
    /// When the round was opened (ms since the epoch).
    pub started_ms: i64,
    /// When its time is up.
    pub deadline_ms: i64,
}

/// An item of a loop with its saved answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemOut {
    /// Key within the loop, `<round>/<n>`.
    pub key: String,
    /// `open`, `keyed` or `resume`.
    pub kind: String,
    /// The question of the bank, if any.
    pub question: Option<String>,
    /// Title.
    pub title: String,
    /// The prompt.
    pub prompt: String,
    /// Options of a multiple-choice item.
    pub options: Vec<String>,
    /// The latest draft.
    pub draft: String,
    /// Whether the answer is submitted.
    pub submitted: bool,
    /// Its overall score, 0–4.
    pub overall: Option<f64>,
}

/// A round of a loop.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundOut {
    /// Round id.
    pub round_id: String,
    /// Round name.
    pub name: String,
    /// Stage name.
    pub stage: String,
    /// Its clock, in minutes.
    pub minutes: u32,
    /// The clock, once the round is opened.
    pub clock: Option<ClockOut>,
    /// Items.
    pub items: Vec<ItemOut>,
}

/// A loop.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoopOut {
    /// Id.
    pub id: String,
    /// `running` or `finished`.
    pub status: String,
    /// Level applied for.
    pub level: String,
    /// Region id.
    pub region: String,
    /// Language of the prompts.
    pub language: String,
    /// When it was started.
    pub created_ms: i64,
    /// Items answered.
    pub answered: usize,
    /// Items in all.
    pub total: usize,
    /// Rounds in order (left out of lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<Vec<RoundOut>>,
}

fn loop_out(s: &LoopState, with_rounds: bool) -> LoopOut {
    let rounds = with_rounds.then(|| {
        s.plan
            .rounds
            .iter()
            .map(|r| RoundOut {
                round_id: r.round_id.clone(),
                name: r.round_name.clone(),
                stage: r.stage_name.clone(),
                minutes: r.duration_minutes,
                clock: s.clock(&r.round_id).map(|c| ClockOut {
                    started_ms: c.started_ms,
                    deadline_ms: c.deadline_ms,
                }),
                items: r
                    .items
                    .iter()
                    .map(|i| {
                        let saved = s.answer(&i.key);
                        ItemOut {
                            key: i.key.clone(),
                            kind: match i.kind {
                                hireloop_practice::ItemKind::Open => "open",
                                hireloop_practice::ItemKind::Keyed => "keyed",
                                hireloop_practice::ItemKind::Resume => "resume",
                            }
                            .to_owned(),
                            question: i.question.clone(),
                            title: i.title.clone(),
                            prompt: i.prompt.clone(),
                            options: i.options.clone(),
                            draft: saved.map(|a| a.draft.clone()).unwrap_or_default(),
                            submitted: saved.is_some_and(|a| a.submitted.is_some()),
                            overall: saved.and_then(|a| a.overall),
                        }
                    })
                    .collect(),
            })
            .collect()
    });
    LoopOut {
        id: s.record.id.clone(),
        status: if s.running() { "running" } else { "finished" }.to_owned(),
        level: s.plan.setup.level.to_string(),
        region: s.plan.setup.region.clone(),
        language: s.plan.setup.language.id().to_owned(),
        created_ms: s.record.created_ms,
        answered: s.submitted_keys().len(),
        total: s.plan.items().count(),
        rounds,
    }
}

/// Starts a loop.
#[utoipa::path(post, path = "/api/loops", request_body = StartBody, tag = "practice",
    security(("bearer" = [])),
    responses((status = 201, body = LoopOut), (status = 422, body = super::ErrorOut)))]
pub async fn start(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Option<Json<StartBody>>,
) -> Result<(StatusCode, Json<LoopOut>), ApiError> {
    let body = body.map(|Json(b)| b).unwrap_or_default();
    let pipeline = state
        .content()
        .pipelines
        .first()
        .ok_or_else(|| WebError::internal("the content has no pipeline"))?;
    let setup = PracticeSetup::parse(
        state.content(),
        &pipeline.id,
        &body
            .level
            .unwrap_or_else(|| pipeline.default_level.to_string()),
        &body
            .region
            .unwrap_or_else(|| pipeline.default_region.clone()),
        body.language.as_deref().unwrap_or("en"),
        body.seed
            .unwrap_or_else(|| u64::try_from(state.now_ms()).unwrap_or(0)),
    )
    .map_err(|e| WebError::bad("setup", e.to_string()))?;
    let s = service::start_loop(&state, &user.user().id, &setup).await?;
    Ok((StatusCode::CREATED, Json(loop_out(&s, true))))
}

/// The user's loops, newest first.
#[utoipa::path(get, path = "/api/loops", tag = "practice", security(("bearer" = [])),
    responses((status = 200, body = [LoopOut])))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<LoopOut>>, ApiError> {
    let uid = &user.user().id;
    let mut out = Vec::new();
    for record in state.store().loops_of(uid, 100).await? {
        out.push(loop_out(
            &service::load_loop(&state, uid, &record.id).await?,
            false,
        ));
    }
    Ok(Json(out))
}

/// One loop with its rounds, items, drafts and clocks.
#[utoipa::path(get, path = "/api/loops/{id}", tag = "practice", security(("bearer" = [])),
    params(("id" = String, Path, description = "Loop id")),
    responses((status = 200, body = LoopOut), (status = 404, body = super::ErrorOut)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<LoopOut>, ApiError> {
    let s = service::load_loop(&state, &user.user().id, &id).await?;
    Ok(Json(loop_out(&s, true)))
}

/// Opens a round: starts its clock once; later calls return the same clock.
#[utoipa::path(post, path = "/api/loops/{id}/rounds/{round}/start", tag = "practice",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Loop id"), ("round" = String, Path, description = "Round id")),
    responses((status = 200, body = ClockOut), (status = 404, body = super::ErrorOut)))]
pub async fn start_round(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, round)): Path<(String, String)>,
) -> Result<Json<ClockOut>, ApiError> {
    let uid = &user.user().id;
    let s = service::load_loop(&state, uid, &id).await?;
    let c = service::open_round(&state, uid, &s, &round).await?;
    Ok(Json(ClockOut {
        started_ms: c.started_ms,
        deadline_ms: c.deadline_ms,
    }))
}

/// A draft.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftBody {
    /// The text so far.
    pub text: String,
}

/// An autosave's acknowledgement: the draft is durable once this is received.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftOut {
    /// The draft's version.
    pub version: i64,
    /// When it was saved.
    pub saved_ms: i64,
}

/// Autosaves a draft.
#[utoipa::path(put, path = "/api/loops/{id}/items/{round}/{n}/draft", request_body = DraftBody,
    tag = "practice", security(("bearer" = [])),
    params(("id" = String, Path, description = "Loop id"), ("round" = String, Path, description = "Round id"),
           ("n" = usize, Path, description = "Item number in the round, from 1")),
    responses((status = 200, body = DraftOut), (status = 409, body = super::ErrorOut),
              (status = 503, body = super::ErrorOut)))]
pub async fn draft(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, round, n)): Path<(String, String, usize)>,
    Json(body): Json<DraftBody>,
) -> Result<Json<DraftOut>, ApiError> {
    let key = format!("{round}/{n}");
    let saved = service::save_draft(&state, &user.user().id, &id, &key, &body.text).await?;
    Ok(Json(DraftOut {
        version: saved.version,
        saved_ms: saved.saved_ms,
    }))
}

/// An answer to submit.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SubmitBody {
    /// The written answer (free text, a number, a resume).
    pub text: Option<String>,
    /// The option chosen, zero-based (multiple choice).
    pub choice: Option<usize>,
    /// The candidate's own rating, 1–4.
    pub self_rating: Option<i64>,
}

/// The grading.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitOut {
    /// False when the item had been submitted before: the first grading is returned.
    pub first: bool,
    /// The feedback: overall (0–4), recommendation, scores per dimension with advice, mistakes,
    /// outline, and details by kind (the coach's grade, the key check, or the resume screen).
    /// Sent as stored: the grading is serialised once, for the database and this answer.
    #[schema(value_type = Object)]
    pub feedback: Box<serde_json::value::RawValue>,
}

/// Submits an answer and returns its grading.
#[utoipa::path(post, path = "/api/loops/{id}/items/{round}/{n}/submit", request_body = SubmitBody,
    tag = "practice", security(("bearer" = [])),
    params(("id" = String, Path, description = "Loop id"), ("round" = String, Path, description = "Round id"),
           ("n" = usize, Path, description = "Item number in the round, from 1")),
    responses((status = 200, body = SubmitOut), (status = 422, body = super::ErrorOut),
              (status = 409, body = super::ErrorOut), (status = 503, body = super::ErrorOut)))]
pub async fn submit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, round, n)): Path<(String, String, usize)>,
    Json(body): Json<SubmitBody>,
) -> Result<Response, ApiError> {
    let key = format!("{round}/{n}");
    let input = SubmitInput {
        text: body.text,
        choice: body.choice,
        self_rating: body.self_rating,
    };
    let graded = service::submit(&state, &user.user().id, &id, &key, &input).await?;
    // The body is [`SubmitOut`]. The grading is JSON already, written by serde_json as it was
    // stored (or read back from the store and parsed on the way): it is spliced in as it is,
    // where embedding it as a raw value would parse all of it once more.
    let body = format!(r#"{{"first":{},"feedback":{}}}"#, graded.first, graded.json);
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Finishes the loop and returns its report.
#[utoipa::path(post, path = "/api/loops/{id}/finish", tag = "practice", security(("bearer" = [])),
    params(("id" = String, Path, description = "Loop id")),
    responses((status = 200, description = "The loop report", body = Object),
              (status = 404, body = super::ErrorOut)))]
pub async fn finish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let r = service::finish(&state, &user.user().id, &id).await?;
    Ok(Json(serde_json::to_value(&r).map_err(WebError::internal)?))
}

/// The report: final once the loop is finished, partial (`"partial": true`) before.
#[utoipa::path(get, path = "/api/loops/{id}/report", tag = "practice", security(("bearer" = [])),
    params(("id" = String, Path, description = "Loop id")),
    responses((status = 200, description = "The loop report", body = Object),
              (status = 404, body = super::ErrorOut)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let s = service::load_loop(&state, &user.user().id, &id).await?;
    let r = service::report(&state, &s)?;
    Ok(Json(serde_json::to_value(&r).map_err(WebError::internal)?))
}
