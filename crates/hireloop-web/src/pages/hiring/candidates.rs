//! `/orgs/{org}/candidates`: the organisation's candidates (search, keyset pages), the forms to
//! add one and to import a CSV file; `/orgs/{org}/candidates/{id}`: a candidate's details,
//! applications and resumes with the screener's suggestion, the export and erasure.
//!
//! Uploads (a CSV file, a resume) post `multipart/form-data` with the anti-forgery token in the
//! query string, since the token check reads only URL-encoded bodies; pasted text may come either
//! way.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_hiring::roles::Action;
use hireloop_practice::ItemFeedback;
use hireloop_practice::feedback::{FeedbackDetail, ResumeSuggestion};
use serde::Deserialize;

use super::{Form, FormState, OrgBar, Posted, chrome, fmt_date, refusal, refused_page, see_other};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize};
use crate::hiring::service::candidates::{self, CandidateBody, ResumeBody, SearchQuery};
use crate::hiring::service::plan_of;
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// Candidates a page of the list shows.
const PAGE_ROWS: i64 = 25;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/candidates", get(list).post(create))
        .route("/orgs/{org}/candidates/import", post(import))
        .route("/orgs/{org}/candidates/{id}", get(show))
        .route("/orgs/{org}/candidates/{id}/resumes", post(upload_resume))
        .route("/orgs/{org}/candidates/{id}/erase", post(erase))
        .route("/orgs/{org}/candidates/{id}/erased", get(erased))
}

/// `?q=PREFIX&after=CURSOR&imported=N`.
#[derive(Debug, Default, Deserialize)]
struct ListParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    imported: String,
}

#[derive(Template)]
#[template(path = "hiring/candidates.html")]
struct ListPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    q: String,
    rows: Vec<CandRow>,
    /// The next page's address, when there is one.
    next: Option<String>,
    /// On a later page, the first page's address.
    first: Option<String>,
    can_create: bool,
    can_import: bool,
    imported: Option<usize>,
    /// Every problem of a refused import, one per line of the file.
    problems: Vec<String>,
    form: FormState,
}

/// A candidate as listed.
struct CandRow {
    id: String,
    name: String,
    email: String,
    source: String,
    added: String,
}

async fn list_page(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    params: &ListParams,
    form: FormState,
) -> Result<Html<String>, WebError> {
    let ctx = authorize(state, user, slug, Action::CandidateView, Object::None).await?;
    let q = params.q.trim().to_owned();
    let found = candidates::search(
        state,
        &ctx,
        &SearchQuery {
            q: Some(q.clone()).filter(|q| !q.is_empty()),
            requisition: None,
            after: Some(params.after.clone()).filter(|a| !a.is_empty()),
            limit: Some(PAGE_ROWS),
        },
    )
    .await?;
    let next = found.next.map(|cursor| {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &q)
            .append_pair("after", &cursor)
            .finish();
        format!("/orgs/{slug}/candidates?{query}")
    });
    let rows = found
        .items
        .into_iter()
        .map(|c| CandRow {
            id: c.id,
            name: c.name,
            email: c.email,
            source: c.source.unwrap_or_default(),
            added: fmt_date(c.created_ms),
        })
        .collect();
    let problems = match &form.0 {
        Some(r) if r.form == "import" => problem_lines(&r.message),
        _ => Vec::new(),
    };
    render(&ListPage {
        chrome: chrome(user),
        title: format!("Candidates · {}", ctx.org.name),
        bar: OrgBar::of(&ctx),
        rows,
        next,
        first: (!params.after.is_empty()).then(|| {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &q)
                .finish();
            format!("/orgs/{slug}/candidates?{query}")
        }),
        can_create: ctx.may(Action::CandidateCreate),
        can_import: ctx.may(Action::CandidateImport),
        imported: params.imported.parse().ok(),
        problems,
        form,
        q,
    })
}

/// The problems of a refused import, one per entry: the service lists them as `…: line 2,
/// column email: …; line 5: …`.
fn problem_lines(message: &str) -> Vec<String> {
    let Some(at) = message.find("line ") else {
        return vec![message.to_owned()];
    };
    let mut lines: Vec<String> = message[at..]
        .split("; line ")
        .enumerate()
        .map(|(i, p)| {
            if i == 0 {
                p.to_owned()
            } else {
                format!("line {p}")
            }
        })
        .collect();
    // The summary before the list ("nothing was imported; 2 problem(s)") heads it.
    let head = message[..at].trim_end_matches([' ', ':']);
    let mut chars = head.chars();
    let head: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !head.is_empty() {
        lines.insert(0, head);
    }
    lines
}

async fn list(
    State(state): State<AppState>,
    user: SignedIn,
    Path(slug): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    Ok(
        list_page(&state, &user, &slug, &params, FormState::default())
            .await?
            .into_response(),
    )
}

/// The list again with a form's problem.
async fn list_refused(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    which: &'static str,
    values: Form,
    error: WebError,
) -> Result<Response, WebError> {
    let refused = refusal(which, values, error)?;
    let html = list_page(state, user, slug, &ListParams::default(), refused.clone()).await?;
    Ok(refused_page(&refused, html))
}

/// `POST /orgs/{org}/candidates`: adds a candidate, then shows them.
async fn create(p: Posted) -> Result<Response, WebError> {
    let ctx = p.authorize(Action::CandidateCreate, Object::None).await?;
    let optional = |name: &str| Some(p.form.get(name).to_owned()).filter(|v| !v.trim().is_empty());
    let new = CandidateBody {
        name: p.form.get("name").to_owned(),
        email: p.form.get("email").to_owned(),
        phone: optional("phone"),
        location: optional("location"),
        source: optional("source"),
        profile_url: optional("profile_url"),
        group: optional("group"),
        notes: optional("notes"),
        user_id: None,
    };
    match candidates::create(&p.state, &ctx, &new).await {
        Ok(c) => Ok(see_other(&p.url(&format!("candidates/{}", c.id)))),
        Err(e) => list_refused(&p.state, &p.user, &p.slug, "new", p.form, e).await,
    }
}

/// `POST /orgs/{org}/candidates/import`: imports a CSV file (`file`) or pasted rows (`csv`), all
/// or nothing.
async fn import(
    State(state): State<AppState>,
    user: SignedIn,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = authorize(&state, &user, &slug, Action::CandidateImport, Object::None).await?;
    let upload = Upload::read(&headers, &body)?;
    // What was pasted is kept in the form when the import is refused; a file cannot be.
    let kept = Form(vec![("csv".to_owned(), upload.text("csv"))]);
    let bytes = match upload.file("file") {
        Some(part) => part.data.clone(),
        None => upload.text("csv").into_bytes(),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let e = WebError::bad(
            "file",
            "choose a CSV file or paste its rows; nothing was imported",
        );
        return list_refused(&state, &user, &slug, "import", kept, e).await;
    }
    match candidates::import_csv(&state, &ctx, &bytes).await {
        Ok(done) => Ok(see_other(&format!(
            "/orgs/{slug}/candidates?imported={}",
            done.imported
        ))),
        Err(e) => list_refused(&state, &user, &slug, "import", kept, e).await,
    }
}

#[derive(Template)]
#[template(path = "hiring/candidate.html")]
struct CandidatePage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    id: String,
    c: candidates::CandidateOut,
    added: String,
    apps: Vec<AppRow>,
    /// The resumes, newest first, when the viewer may read them.
    resumes: Option<Vec<ResumeRow>>,
    can_upload: bool,
    can_export: bool,
    can_erase: bool,
    form: FormState,
}

/// One of the candidate's applications.
struct AppRow {
    id: String,
    requisition: String,
    stage: String,
    status: &'static str,
    applied: String,
}

/// A resume with its screening.
struct ResumeRow {
    uploaded: String,
    text: String,
    redacted: bool,
    screen: Option<ScreenView>,
}

/// The screener's suggestion as people read it.
struct ScreenView {
    suggestion: &'static str,
    tone: &'static str,
    overall: String,
    reasons: Vec<String>,
    years: Option<String>,
    level_band: Option<String>,
    scores: Vec<(String, String, String)>,
    /// Whether any dimension comes with advice (else the column is left out).
    advice: bool,
}

impl ScreenView {
    /// The stored screening, when it reads as one.
    fn of(value: &serde_json::Value) -> Option<ScreenView> {
        let feedback: ItemFeedback = serde_json::from_value(value.clone()).ok()?;
        let FeedbackDetail::Resume(r) = &feedback.detail else {
            return None;
        };
        let (suggestion, tone) = match r.suggestion {
            ResumeSuggestion::Advance => ("Advance", "good"),
            ResumeSuggestion::Hold => ("Hold", "warn"),
            ResumeSuggestion::Reject => ("Reject", "bad"),
        };
        Some(ScreenView {
            advice: feedback.scores.iter().any(|s| !s.advice.is_empty()),
            suggestion,
            tone,
            overall: format!("{:.1}", feedback.overall),
            reasons: r.reasons.clone(),
            years: r.years.map(|y| format!("{y:.1}")),
            level_band: r.level_band.clone(),
            scores: feedback
                .scores
                .iter()
                .map(|s| {
                    (
                        s.dimension.replace(['_', '-'], " "),
                        format!("{:.1}", s.score),
                        s.advice.clone(),
                    )
                })
                .collect(),
        })
    }
}

async fn candidate_page(
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
        Object::Candidate(id),
    )
    .await?;
    let c = candidates::get(state, &ctx, id).await?;
    let mut apps = Vec::new();
    for a in &c.applications {
        let req = state
            .store()
            .requisition(ctx.org_id(), &a.requisition_id)
            .await?;
        let stage = plan_of(state, &req, None)
            .ok()
            .and_then(|p| p.stage(&a.stage_id).map(|s| s.name.clone()))
            .unwrap_or_else(|| a.stage_id.clone());
        apps.push(AppRow {
            id: a.id.clone(),
            requisition: req.title,
            stage,
            status: a.status.as_str(),
            applied: fmt_date(a.applied_ms),
        });
    }
    let resumes = if ctx.may(Action::ResumeView) {
        let mut rows: Vec<ResumeRow> = candidates::resumes(state, &ctx, id)
            .await?
            .into_iter()
            .map(|r| ResumeRow {
                uploaded: fmt_time(r.uploaded_ms),
                screen: r.screen.as_ref().and_then(ScreenView::of),
                text: r.text,
                redacted: r.redacted,
            })
            .collect();
        rows.reverse();
        Some(rows)
    } else {
        None
    };
    render(&CandidatePage {
        chrome: chrome(user),
        title: c.name.clone(),
        bar: OrgBar::of(&ctx),
        id: id.to_owned(),
        added: fmt_date(c.created_ms),
        apps,
        resumes,
        can_upload: ctx.may(Action::CandidateCreate),
        can_export: ctx.may(Action::CandidateExport),
        can_erase: ctx.may(Action::CandidateErase),
        c,
        form,
    })
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    Ok(
        candidate_page(&state, &user, &slug, &id, FormState::default())
            .await?
            .into_response(),
    )
}

/// The candidate page again with a form's problem.
async fn candidate_refused(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    id: &str,
    which: &'static str,
    values: Form,
    error: WebError,
) -> Result<Response, WebError> {
    let refused = refusal(which, values, error)?;
    let html = candidate_page(state, user, slug, id, refused.clone()).await?;
    Ok(refused_page(&refused, html))
}

/// `POST /orgs/{org}/candidates/{id}/resumes`: attaches a resume, uploaded (`file`: PDF, DOCX,
/// Markdown, text or JSON Resume) or pasted (`text`), and screens it.
async fn upload_resume(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let ctx = authorize(
        &state,
        &user,
        &slug,
        Action::CandidateCreate,
        Object::Candidate(&id),
    )
    .await?;
    let upload = Upload::read(&headers, &body)?;
    let kept = Form(vec![("text".to_owned(), upload.text("text"))]);
    let text = match upload.file("file") {
        Some(part) => {
            let name = part.filename.clone().unwrap_or_default();
            match hireloop_coach::resume::extract(&part.data, &name) {
                Ok(extracted) => extracted.text,
                Err(e) => {
                    let e = WebError::bad("file", format!("{name}: {e}"));
                    return candidate_refused(&state, &user, &slug, &id, "resume", kept, e).await;
                }
            }
        }
        None => upload.text("text"),
    };
    match resume(&state, &ctx, &id, text).await {
        Ok(()) => Ok(see_other(&format!("/orgs/{slug}/candidates/{id}#resumes"))),
        Err(e) => candidate_refused(&state, &user, &slug, &id, "resume", kept, e).await,
    }
}

async fn resume(state: &AppState, ctx: &Ctx, id: &str, text: String) -> Result<(), WebError> {
    candidates::upload_resume(state, ctx, id, &ResumeBody { text }).await?;
    Ok(())
}

/// `POST /orgs/{org}/candidates/{id}/erase`: erases the candidate once `confirm` holds their
/// name or the word `erase`.
async fn erase(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::CandidateErase, Object::Candidate(&p.id))
        .await?;
    let candidate = p.state.store().candidate(ctx.org_id(), &p.id).await?;
    if !confirms(p.form.get("confirm"), &candidate.name) {
        let e = WebError::bad(
            "confirm",
            format!(
                "type {} or the word “erase” to confirm; nothing was erased",
                candidate.name.trim()
            ),
        );
        return candidate_refused(&p.state, &p.user, &p.slug, &p.id, "erase", p.form, e).await;
    }
    match candidates::erase(&p.state, &ctx, &p.id).await {
        Ok(_) => Ok(see_other(&p.url(&format!("candidates/{}/erased", p.id)))),
        Err(e) => candidate_refused(&p.state, &p.user, &p.slug, &p.id, "erase", p.form, e).await,
    }
}

/// Whether the confirmation typed is the candidate's name (spacing and case aside) or `erase`.
fn confirms(typed: &str, name: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let typed = norm(typed);
    !typed.is_empty() && (typed == "erase" || typed == norm(name))
}

#[derive(Template)]
#[template(path = "hiring/erased.html")]
struct ErasedPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    tombstone: hireloop_store::Tombstone,
    when: String,
    by: String,
}

/// `GET /orgs/{org}/candidates/{id}/erased`: the tombstone an erasure left.
async fn erased(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    // The candidate is gone, so the gate is the organisation-wide right to erase.
    let ctx = authorize(&state, &user, &slug, Action::CandidateErase, Object::None).await?;
    let Some(tombstone) = state.store().tombstone(ctx.org_id(), &id).await? else {
        return Err(WebError::NotFound("tombstone"));
    };
    let by = super::Names::default()
        .of(&state, &tombstone.erased_by)
        .await?;
    Ok(render(&ErasedPage {
        chrome: chrome(&user),
        title: "Candidate erased".to_owned(),
        bar: OrgBar::of(&ctx),
        when: fmt_time(tombstone.erased_ms),
        by,
        tombstone,
    })?
    .into_response())
}

/// One field of a form post.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    name: String,
    filename: Option<String>,
    data: Vec<u8>,
}

/// The fields of an upload form: `multipart/form-data` or URL-encoded.
#[derive(Debug, Default)]
struct Upload(Vec<Part>);

impl Upload {
    fn read(headers: &HeaderMap, body: &[u8]) -> Result<Upload, WebError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if content_type
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
        {
            return multipart(content_type, body).map(Upload);
        }
        Ok(Upload(
            Form::parse(body)
                .0
                .into_iter()
                .map(|(name, value)| Part {
                    name,
                    filename: None,
                    data: value.into_bytes(),
                })
                .collect(),
        ))
    }

    /// A text field, empty when absent.
    fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
            .unwrap_or_default()
    }

    /// A file chosen in field `name` (a file input left empty sends no bytes).
    fn file(&self, name: &str) -> Option<&Part> {
        self.0
            .iter()
            .find(|p| p.name == name && p.filename.is_some() && !p.data.is_empty())
    }
}

/// The parts of a `multipart/form-data` body (RFC 7578): each part's name, file name and bytes.
fn multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, WebError> {
    let bad = || {
        WebError::bad(
            "file",
            "the upload could not be read; choose the file again",
        )
    };
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| {
            p.strip_prefix("boundary=")
                .or_else(|| p.strip_prefix("BOUNDARY="))
        })
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty() && b.len() <= 200)
        .ok_or_else(bad)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let between = [b"\r\n".as_slice(), &delimiter].concat();
    let start = find(body, &delimiter).ok_or_else(bad)?;
    let mut rest = &body[start + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(bad)?;
        let head_end = find(rest, b"\r\n\r\n").ok_or_else(bad)?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| bad())?;
        rest = &rest[head_end + 4..];
        let end = find(rest, &between).ok_or_else(bad)?;
        let data = rest[..end].to_vec();
        rest = &rest[end + between.len()..];
        let (mut name, mut filename) = (None, None);
        for line in head.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if !key.trim().eq_ignore_ascii_case("content-disposition") {
                continue;
            }
            for param in value.split(';').map(str::trim) {
                if let Some(n) = param.strip_prefix("name=") {
                    name = Some(n.trim_matches('"').to_owned());
                } else if let Some(f) = param.strip_prefix("filename=") {
                    filename = Some(f.trim_matches('"').to_owned());
                }
            }
        }
        if let Some(name) = name {
            parts.push(Part {
                name,
                filename,
                data,
            });
        }
    }
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_give_their_fields_and_files() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\nname,email\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nname,email\r\nAda,ada@example.org\r\n\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "csv");
        assert_eq!(parts[0].data, b"name,email");
        assert_eq!(parts[1].filename.as_deref(), Some("a.csv"));
        assert_eq!(parts[1].data, b"name,email\r\nAda,ada@example.org\r\n");
        assert!(multipart("multipart/form-data", body).is_err());
        assert!(multipart("multipart/form-data; boundary=other", body).is_err());
        let cut = b"--XyZ\r\nContent-Disposition: form-data; name=\"csv\"\r\n\r\nno end";
        assert!(multipart("multipart/form-data; boundary=XyZ", cut).is_err());
    }

    #[test]
    fn erasure_is_confirmed_by_the_name_or_the_word() {
        assert!(confirms("Ada  Lovelace ", "Ada Lovelace"));
        assert!(confirms("ERASE", "Ada Lovelace"));
        assert!(!confirms("Ada", "Ada Lovelace"));
        assert!(!confirms("  ", ""));
    }

    #[test]
    fn import_problems_are_listed_one_per_line() {
        let lines = problem_lines(
            "nothing was imported; 2 problem(s): line 3, column email: not an email; line 5: too many cells",
        );
        assert_eq!(
            lines,
            [
                "Nothing was imported; 2 problem(s)",
                "line 3, column email: not an email",
                "line 5: too many cells"
            ]
        );
        assert_eq!(problem_lines("odd"), ["odd"]);
    }
}
