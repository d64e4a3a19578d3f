//! Candidates: sourcing, import, the blind view, resumes with the screener's suggestion, export
//! and erasure.

use hireloop_hiring::blind;
use hireloop_hiring::import;
use hireloop_hiring::roles::Action;
use hireloop_practice::{Answer, ItemKind, LoopPlan, PracticeSetup, grade_item};
use hireloop_store::{
    Application, Candidate, CandidateFilter, ImportOutcome, NewCandidate, Paged, Tombstone,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, optional_text, required_text};
use crate::error::WebError;
use crate::hiring::authz::Ctx;
use crate::state::AppState;

/// The longest resume accepted, in characters.
pub const MAX_RESUME_CHARS: usize = 100_000;

/// A new candidate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CandidateBody {
    /// Full name.
    pub name: String,
    /// Email address (unique in the organisation, in any case).
    pub email: String,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Location.
    #[serde(default)]
    pub location: Option<String>,
    /// Where they came from.
    #[serde(default)]
    pub source: Option<String>,
    /// A profile URL.
    #[serde(default)]
    pub profile_url: Option<String>,
    /// Self-reported group, for adverse-impact reports only.
    #[serde(default)]
    pub group: Option<String>,
    /// Notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// The user id of the candidate's own account in this organisation (role `candidate`), so
    /// they can follow their application.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// A search: `?q=PREFIX&requisition=ID&after=…&limit=…`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Name or email starting with this.
    pub q: Option<String>,
    /// Applied to this requisition.
    pub requisition: Option<String>,
    /// Paging cursor.
    pub after: Option<String>,
    /// Rows per page.
    pub limit: Option<i64>,
}

/// A candidate as the viewer may see them: under blind review, without identity.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateOut {
    /// Id.
    pub id: String,
    /// The name, or an alias such as `Candidate 7F3A` when blind.
    pub name: String,
    /// Whether identity is hidden from this viewer.
    pub blind: bool,
    /// Email (hidden when blind).
    pub email: Option<String>,
    /// Phone (hidden when blind).
    pub phone: Option<String>,
    /// Location (hidden when blind).
    pub location: Option<String>,
    /// Profile URL (hidden when blind).
    pub profile_url: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Notes (hidden when blind).
    pub notes: Option<String>,
    /// When added.
    pub created_ms: i64,
    /// Their applications.
    #[schema(value_type = Vec<Object>)]
    pub applications: Vec<Application>,
}

/// A resume to attach, as text.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResumeBody {
    /// The resume's text.
    pub text: String,
}

/// A resume as the viewer may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResumeOut {
    /// Id.
    pub id: String,
    /// The text, redacted under blind review.
    pub text: String,
    /// Whether it was redacted.
    pub redacted: bool,
    /// The screener's suggestion (advice only: people decide).
    #[schema(value_type = Object)]
    pub screen: Option<Value>,
    /// When uploaded.
    pub uploaded_ms: i64,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    /// Candidates added, in file order.
    pub imported: usize,
    /// Their ids.
    pub ids: Vec<String>,
    /// Warnings that did not stop the import.
    pub warnings: Vec<String>,
}

fn new_candidate(body: &CandidateBody) -> Result<NewCandidate, WebError> {
    let name = required_text("name", &body.name, 200)?;
    let email = body.email.trim().to_owned();
    if !import::is_email(&email) {
        return Err(WebError::bad(
            "email",
            "enter an email address such as name@example.com",
        ));
    }
    Ok(NewCandidate {
        name,
        email,
        phone: optional_text("phone", body.phone.as_deref(), 100)?,
        location: optional_text("location", body.location.as_deref(), 200)?,
        source: optional_text("source", body.source.as_deref(), 200)?,
        profile_url: optional_text("profile_url", body.profile_url.as_deref(), 500)?,
        self_reported_group: optional_text("group", body.group.as_deref(), 100)?,
        notes: optional_text("notes", body.notes.as_deref(), 10_000)?,
        user_id: optional_text("user_id", body.user_id.as_deref(), 100)?,
    })
}

/// Adds a candidate. A linked account must be a member with the candidate role.
pub async fn create(
    state: &AppState,
    ctx: &Ctx,
    body: &CandidateBody,
) -> Result<Candidate, WebError> {
    let new = new_candidate(body)?;
    if let Some(uid) = &new.user_id {
        match state.store().membership(ctx.org_id(), uid).await? {
            Some(m) if !m.role.is_staff() => {}
            _ => {
                return Err(WebError::bad(
                    "user_id",
                    "link only an account that is a member with the candidate role",
                ));
            }
        }
    }
    Ok(state
        .store()
        .create_candidate(ctx.org_id(), &new, ctx.user(), state.now_ms())
        .await?)
}

/// A page of candidates, optionally by name/email prefix and requisition.
pub async fn search(
    state: &AppState,
    ctx: &Ctx,
    q: &SearchQuery,
) -> Result<Paged<Candidate>, WebError> {
    let page = PageQuery {
        after: q.after.clone(),
        limit: q.limit,
    }
    .page()?;
    let filter = CandidateFilter {
        prefix: optional_text("q", q.q.as_deref(), 200)?,
        requisition_id: optional_text("requisition", q.requisition.as_deref(), 100)?,
        ..CandidateFilter::default()
    };
    Ok(state
        .store()
        .candidates(ctx.org_id(), &filter, &page)
        .await?)
}

/// The blind key of a requisition: aliases differ between requisitions and cannot be computed
/// from the id alone when the server has a secret.
fn blind_key(state: &AppState, requisition_id: &str) -> Vec<u8> {
    let secret = state
        .settings()
        .link_secret
        .as_ref()
        .map_or(&b"hireloop-blind"[..], |s| s.bytes());
    hireloop_hiring::webhook::hmac_sha256_hex(secret, requisition_id.as_bytes()).into_bytes()
}

/// The requisition whose blind first stage hides this candidate from the viewer, if any.
async fn blinding_requisition(
    state: &AppState,
    ctx: &Ctx,
    apps: &[Application],
) -> Result<Option<String>, WebError> {
    if ctx.may(Action::IdentityView) {
        return Ok(None);
    }
    for app in apps {
        let req = state
            .store()
            .requisition(ctx.org_id(), &app.requisition_id)
            .await?;
        if req.blind_first_stage {
            return Ok(Some(req.id));
        }
    }
    Ok(None)
}

/// The names of many candidates as the viewer may see them — blinded, as [`get`] blinds one,
/// when the viewer may not see identity and a requisition of theirs evaluates blind — in one
/// query rather than two or three per candidate. Ids of no candidate of the organisation are
/// left out.
pub async fn names(
    state: &AppState,
    ctx: &Ctx,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, WebError> {
    let identity = ctx.may(Action::IdentityView);
    Ok(state
        .store()
        .candidate_names(ctx.org_id(), ids)
        .await?
        .into_iter()
        .map(|c| {
            let name = match c.blind_requisition.filter(|_| !identity) {
                Some(req) => blind::alias(&blind_key(state, &req), &c.id),
                None => c.name,
            };
            (c.id, name)
        })
        .collect())
}

/// One candidate, blinded when the viewer may not see identity and a requisition of theirs
/// evaluates blind.
pub async fn get(state: &AppState, ctx: &Ctx, id: &str) -> Result<CandidateOut, WebError> {
    let c = state.store().candidate(ctx.org_id(), id).await?;
    let applications = state.store().applications_of(ctx.org_id(), id).await?;
    let blind_req = blinding_requisition(state, ctx, &applications).await?;
    Ok(match blind_req {
        Some(req) => CandidateOut {
            name: blind::alias(&blind_key(state, &req), &c.id),
            id: c.id,
            blind: true,
            email: None,
            phone: None,
            location: None,
            profile_url: None,
            source: c.source,
            notes: None,
            created_ms: c.created_ms,
            applications,
        },
        None => CandidateOut {
            id: c.id,
            name: c.name,
            blind: false,
            email: Some(c.email),
            phone: c.phone,
            location: c.location,
            profile_url: c.profile_url,
            source: c.source,
            notes: c.notes,
            created_ms: c.created_ms,
            applications,
        },
    })
}

/// Imports a CSV file of candidates, all or nothing: every problem of the file, or every row
/// that clashes with an existing candidate, is listed with its line (and column).
pub async fn import_csv(state: &AppState, ctx: &Ctx, bytes: &[u8]) -> Result<ImportOut, WebError> {
    let read = import::import_candidates(bytes).map_err(|e| {
        let list: Vec<String> = e
            .errors
            .iter()
            .map(|p| match &p.column {
                Some(col) => format!("line {}, column {col}: {}", p.line, p.message),
                None => format!("line {}: {}", p.line, p.message),
            })
            .collect();
        WebError::bad(
            "file",
            format!(
                "nothing was imported; {} problem(s): {}",
                list.len(),
                list.join("; ")
            ),
        )
    })?;
    let warnings = read
        .warnings
        .iter()
        .map(|p| format!("line {}: {}", p.line, p.message))
        .collect();
    match state
        .store()
        .import_candidates(ctx.org_id(), &read.rows, ctx.user(), state.now_ms())
        .await?
    {
        ImportOutcome::Imported(list) => Ok(ImportOut {
            imported: list.len(),
            ids: list.into_iter().map(|c| c.id).collect(),
            warnings,
        }),
        ImportOutcome::Refused(dups) => {
            let list: Vec<String> = dups
                .iter()
                .map(|d| match d.earlier_line {
                    Some(l) => format!(
                        "line {}, column email: {} repeats line {l}",
                        d.line, d.email
                    ),
                    None => format!(
                        "line {}, column email: {} is already a candidate",
                        d.line, d.email
                    ),
                })
                .collect();
            Err(WebError::bad(
                "file",
                format!(
                    "nothing was imported; {} duplicate(s): {}",
                    list.len(),
                    list.join("; ")
                ),
            ))
        }
    }
}

/// Screens a resume as practice mode does (the coach's resume screener) against the plan of
/// the candidate's first requisition, or the default pipeline's. The result is a suggestion.
async fn screen(
    state: &AppState,
    ctx: &Ctx,
    apps: &[Application],
    text: &str,
) -> Result<Option<Value>, WebError> {
    let plan = match apps.first() {
        Some(app) => {
            let req = state
                .store()
                .requisition(ctx.org_id(), &app.requisition_id)
                .await?;
            super::loop_plan_of(state, &req, &app.id)?
        }
        None => {
            let Some(pipeline) = state.content().pipelines.first() else {
                return Ok(None);
            };
            let setup = PracticeSetup {
                pipeline: pipeline.id.clone(),
                level: pipeline.default_level,
                region: pipeline.default_region.clone(),
                language: hireloop_practice::Language::En,
                seed: 0,
            };
            LoopPlan::build(state.content(), &setup, &[])
                .map_err(|e| WebError::Conflict(format!("cannot screen: {e}")))?
        }
    };
    let Some(item) = plan.items().find(|i| i.kind == ItemKind::Resume) else {
        return Ok(None);
    };
    let key = item.key.clone();
    let slot = state.grading_slot().await?;
    let graded = grade_item(
        state.coach(),
        state.content(),
        &plan,
        &key,
        &Answer::Text(text.to_owned()),
        state.now_ms(),
    );
    drop(slot);
    let feedback = graded.map_err(|e| WebError::bad("text", e.to_string()))?;
    let mut value = serde_json::to_value(&feedback).map_err(WebError::internal)?;
    if let Value::Object(map) = &mut value {
        map.insert("advice_only".into(), Value::Bool(true));
    }
    Ok(Some(value))
}

/// Attaches a resume and the screener's suggestion.
pub async fn upload_resume(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: &ResumeBody,
) -> Result<ResumeOut, WebError> {
    let text = required_text("text", &body.text, MAX_RESUME_CHARS)?;
    let apps = state.store().applications_of(ctx.org_id(), id).await?;
    let screen = screen(state, ctx, &apps, &text).await?;
    let screen_json = match &screen {
        Some(v) => Some(serde_json::to_string(v).map_err(WebError::internal)?),
        None => None,
    };
    let r = state
        .store()
        .attach_resume(
            ctx.org_id(),
            id,
            &text,
            screen_json.as_deref(),
            ctx.user(),
            state.now_ms(),
        )
        .await?;
    Ok(ResumeOut {
        id: r.id,
        text: r.text,
        redacted: false,
        screen,
        uploaded_ms: r.uploaded_ms,
    })
}

/// A candidate's resumes, redacted when the viewer may not see identity under blind review.
pub async fn resumes(state: &AppState, ctx: &Ctx, id: &str) -> Result<Vec<ResumeOut>, WebError> {
    let c = state.store().candidate(ctx.org_id(), id).await?;
    let apps = state.store().applications_of(ctx.org_id(), id).await?;
    let blind = blinding_requisition(state, ctx, &apps).await?.is_some();
    let mut out = Vec::new();
    for r in state.store().resumes(ctx.org_id(), id).await? {
        let text = if blind {
            blind::redact_resume(&r.text, Some(&c.name))
                .map_err(WebError::internal)?
                .text
        } else {
            r.text
        };
        out.push(ResumeOut {
            id: r.id,
            text,
            redacted: blind,
            screen: r
                .screen_json
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok()),
            uploaded_ms: r.uploaded_ms,
        });
    }
    Ok(out)
}

/// Everything held about a candidate.
pub async fn export(state: &AppState, ctx: &Ctx, id: &str) -> Result<Value, WebError> {
    Ok(state.store().export_candidate(ctx.org_id(), id).await?)
}

/// Erases a candidate, leaving the tombstone.
pub async fn erase(state: &AppState, ctx: &Ctx, id: &str) -> Result<Tombstone, WebError> {
    Ok(state
        .store()
        .erase_candidate(ctx.org_id(), id, ctx.user(), state.now_ms())
        .await?)
}
