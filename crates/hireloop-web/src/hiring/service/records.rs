//! The organisation's records: the audit log, webhooks and reports.

use hireloop_hiring::audit::Entry;
use hireloop_hiring::reports::{self, ApplicationFacts, Stage};
use hireloop_hiring::webhook::EventKind;
use hireloop_store::{ApplicationStatus, ChainStatus, VisitOutcome, Webhook};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{optional_text, plan_of};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::hiring::cache::ReportKey;
use crate::state::AppState;

/// A page of the audit log: `?after_seq=N&limit=N`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditQuery {
    /// Entries after this position (0 for the start).
    #[serde(default)]
    pub after_seq: u64,
    /// Entries per page, 1–1000 (default 100).
    pub limit: Option<i64>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// Entries in order.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<Entry>,
    /// The `after_seq` of the next page, when there may be one.
    pub next_after_seq: Option<u64>,
}

/// A webhook to register.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookBody {
    /// Where deliveries are POSTed (`http://` or `https://`).
    pub url: String,
    /// The shared secret deliveries are signed with (at least 16 characters).
    pub secret: String,
    /// Event names, such as `application.stage_changed`.
    pub events: Vec<String>,
}

/// A report: `?format=json|csv|svg`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// `json` (default), `csv` or `svg`.
    pub format: Option<String>,
}

/// A rendered report.
#[derive(Debug, Clone)]
pub enum Rendered {
    /// JSON.
    Json(serde_json::Value),
    /// CSV text.
    Csv(String),
    /// An SVG picture.
    Svg(String),
}

/// A page of the audit log.
pub async fn audit(state: &AppState, ctx: &Ctx, q: &AuditQuery) -> Result<AuditOut, WebError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(WebError::bad("limit", "ask for 1 to 1000 entries a page"));
    }
    let entries = state
        .store()
        .audit(ctx.org_id(), q.after_seq, limit)
        .await?;
    let full = i64::try_from(entries.len()).unwrap_or(i64::MAX) == limit;
    let next_after_seq = if full {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(AuditOut {
        entries,
        next_after_seq,
    })
}

/// Verifies the whole chain.
pub async fn verify(state: &AppState, ctx: &Ctx) -> Result<ChainStatus, WebError> {
    Ok(state.store().verify_audit(ctx.org_id()).await?)
}

/// The chain's state as a page shows it: resumed from where this process last found it intact,
/// checking only the entries appended since (a page view must not re-read a history of hundreds
/// of thousands of entries); [`verify`] checks the whole chain.
pub async fn verify_since_last(state: &AppState, ctx: &Ctx) -> Result<ChainStatus, WebError> {
    let chains = state.verified_chains();
    let memo = chains.get(ctx.org_id());
    let (status, last) = state
        .store()
        .verify_audit_from(ctx.org_id(), memo.as_ref().map(|(e, n)| (e, *n)))
        .await?;
    match (&status, last) {
        (ChainStatus::Intact { count, .. }, Some(last)) => chains.put(ctx.org_id(), last, *count),
        (ChainStatus::Intact { .. }, None) => {}
        _ => chains.forget(ctx.org_id()),
    }
    Ok(status)
}

/// Registers a webhook.
pub async fn create_webhook(
    state: &AppState,
    ctx: &Ctx,
    body: &WebhookBody,
) -> Result<Webhook, WebError> {
    let url = body.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://"))
        || url.contains(char::is_whitespace)
        || url.len() > 2_000
    {
        return Err(WebError::bad("url", "give an http:// or https:// address"));
    }
    if body.secret.chars().count() < 16 || body.secret.len() > 500 {
        return Err(WebError::bad(
            "secret",
            "use a secret of 16 to 500 characters",
        ));
    }
    if body.events.is_empty() {
        return Err(WebError::bad("events", "subscribe to at least one event"));
    }
    let mut events = Vec::new();
    for (i, name) in body.events.iter().enumerate() {
        let kind: EventKind = serde_json::from_value(serde_json::Value::String(name.clone()))
            .map_err(|_| {
                WebError::bad(
                    format!("events[{i}]"),
                    format!("unknown event {name:?}, such as application.stage_changed"),
                )
            })?;
        events.push(kind);
    }
    Ok(state
        .store()
        .create_webhook(
            ctx.org_id(),
            url,
            &body.secret,
            &events,
            ctx.user(),
            state.now_ms(),
        )
        .await?)
}

/// The organisation's webhooks (secrets never shown).
pub async fn webhooks(state: &AppState, ctx: &Ctx) -> Result<Vec<Webhook>, WebError> {
    Ok(state.store().webhooks(ctx.org_id()).await?)
}

/// Disables a webhook.
pub async fn disable_webhook(state: &AppState, ctx: &Ctx, id: &str) -> Result<(), WebError> {
    Ok(state
        .store()
        .disable_webhook(ctx.org_id(), id, ctx.user(), state.now_ms())
        .await?)
}

/// A requisition's report — `funnel`, `time_in_stage`, `time_to_decision`, `calibration`,
/// `agreement` or `adverse_impact` — as JSON, CSV or SVG.
pub async fn report(
    state: &AppState,
    ctx: &Ctx,
    requisition_id: &str,
    kind: &str,
    q: &ReportQuery,
) -> Result<Rendered, WebError> {
    let format = optional_text("format", q.format.as_deref(), 10)?.unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "csv" | "svg") {
        return Err(WebError::bad("format", "use json, csv or svg"));
    }
    let store = state.store();
    let org = ctx.org_id();
    // The head is read before the data: a change committed in between then files a newer
    // report under the older position (recomputed on the next request), never an older report
    // under the newer one.
    let key = ReportKey {
        org_id: org.to_owned(),
        requisition_id: requisition_id.to_owned(),
        kind: kind.to_owned(),
        format: format.clone(),
        audit_seq: store.audit_head_seq(org).await?,
    };
    let now = state.now_ms();
    if let Some(hit) = state.reports().get(&key, now) {
        return Ok(hit);
    }
    let rendered = compute(state, org, requisition_id, kind, &format, now).await?;
    state.reports().put(key, rendered.clone(), now);
    Ok(rendered)
}

/// Computes a report from the requisition's data, read in three queries.
async fn compute(
    state: &AppState,
    org: &str,
    requisition_id: &str,
    kind: &str,
    format: &str,
    now: i64,
) -> Result<Rendered, WebError> {
    let store = state.store();
    let req = store.requisition(org, requisition_id).await?;
    let plan = plan_of(state, &req, None)?;
    let stages: Vec<Stage> = plan
        .stages
        .iter()
        .map(|s| Stage {
            id: s.id.clone(),
            name: s.name.clone(),
        })
        .collect();
    let data = store
        .requisition_facts(
            org,
            requisition_id,
            matches!(kind, "calibration" | "agreement"),
        )
        .await?;
    let cards: Vec<reports::ScorecardFacts> = data
        .scorecards
        .into_iter()
        .map(|card| reports::ScorecardFacts {
            interviewer: card.interviewer_id,
            application_id: card.application_id,
            round_id: card.round_id,
            due_ms: card.due_ms,
            submitted_ms: card.submitted_ms,
            ratings: serde_json::from_value(card.ratings).unwrap_or_default(),
            recommendation: card
                .recommendation
                .and_then(|r| serde_json::from_value(serde_json::Value::String(r)).ok()),
        })
        .collect();
    let facts: Vec<ApplicationFacts> = data
        .applications
        .into_iter()
        .map(|a| {
            let app = a.application;
            let visits = a
                .visits
                .into_iter()
                .map(|v| reports::StageVisit {
                    stage_id: v.stage_id,
                    entered_ms: v.entered_ms,
                    left_ms: v.left_ms,
                    outcome: match v.outcome {
                        VisitOutcome::Open => reports::VisitOutcome::Open,
                        VisitOutcome::Passed => reports::VisitOutcome::Passed,
                        VisitOutcome::Failed => reports::VisitOutcome::Failed,
                        VisitOutcome::Withdrawn => reports::VisitOutcome::Withdrawn,
                    },
                })
                .collect();
            let decision = match app.status {
                ApplicationStatus::Hired => Some(reports::Decision::Hire),
                ApplicationStatus::Rejected => Some(reports::Decision::Reject),
                ApplicationStatus::Active | ApplicationStatus::Withdrawn => None,
            };
            ApplicationFacts {
                id: app.id,
                requisition_id: app.requisition_id,
                cohort: req.title.clone(),
                applied_ms: app.applied_ms,
                group: a.group,
                visits,
                decided_ms: decision.and(app.decided_ms),
                decision,
            }
        })
        .collect();
    let bad = |e: reports::ReportError| WebError::Conflict(format!("report: {e}"));
    macro_rules! render {
        ($r:expr) => {{
            let r = $r.map_err(bad)?;
            Ok(match format {
                "csv" => Rendered::Csv(r.to_csv().map_err(bad)?),
                "svg" => Rendered::Svg(r.to_svg()),
                _ => Rendered::Json(serde_json::to_value(&r).map_err(WebError::internal)?),
            })
        }};
    }
    match kind {
        "funnel" => render!(reports::funnel(&stages, &facts)),
        "time_in_stage" => render!(reports::time_in_stage(&stages, &facts, now)),
        "time_to_decision" => {
            let target = reports::DecisionTarget {
                min_weeks: f64::from(plan.timeline.min_weeks),
                max_weeks: f64::from(plan.timeline.max_weeks),
            };
            render!(reports::time_to_decision(&facts, target, now))
        }
        "calibration" => render!(reports::calibration(&cards, now)),
        "agreement" => render!(reports::agreement(&cards)),
        "adverse_impact" => render!(reports::adverse_impact(
            &stages,
            &facts,
            reports::ImpactParams::default()
        )),
        _ => Err(WebError::bad(
            "kind",
            "use funnel, time_in_stage, time_to_decision, calibration, agreement or adverse_impact",
        )),
    }
}
