//! `/assess/{org}/{token}`: the candidate's online assessment, opened from the signed link
//! without an account — the token is the credential. The intro (how many items, the time
//! limit), Start, then the timed test (the deadline as text, a live clock with JavaScript,
//! autosave through htmx and a Save button without it), Submit, and the "submitted" page.
//!
//! Every step calls the same service functions as `/api/assess/…`; an expired or garbled link is
//! an HTML error page. These forms carry the visitor's anti-forgery token like every other form
//! of the site (the middleware checks the origin and the token for signed-out visitors too).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_store::AssessmentAnswer;
use serde::Deserialize;
use serde_json::Value;

use super::{Form, see_other};
use crate::auth::Caller;
use crate::error::WebError;
use crate::hiring::service::assessments::{self, AnswerBody, AssessmentOut};
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// The routes (public: no sign-in).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assess/{org}/{token}", get(show))
        .route("/assess/{org}/{token}/start", post(start))
        .route("/assess/{org}/{token}/save", post(save))
        .route("/assess/{org}/{token}/submit", post(submit))
}

#[derive(Template)]
#[template(path = "hiring/assess.html")]
struct AssessPage {
    chrome: Chrome,
    title: String,
    base: String,
    /// `intro`, `running`, `time_up` or `submitted`.
    phase: &'static str,
    minutes: i64,
    expires: String,
    deadline_ms: Option<i64>,
    deadline: String,
    submitted: String,
    items: Vec<ItemView>,
    answered: usize,
    error: Option<String>,
    /// The last save's time, after a Save without JavaScript.
    saved: Option<String>,
}

struct ItemView {
    n: usize,
    /// The form field: `item:` and the item's key.
    field: String,
    title: String,
    prompt: String,
    options: Vec<OptionView>,
    unit: Option<String>,
    draft: String,
}

struct OptionView {
    index: usize,
    letter: char,
    label: String,
    checked: bool,
}

/// The prefix of an item's form field; the rest is the item's key.
const FIELD: &str = "item:";

/// The items the assessment shows, each with its saved draft.
fn items_of(a: &AssessmentOut, answers: &[AssessmentAnswer]) -> Vec<ItemView> {
    let items = a
        .plan
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let key = text(item, "key");
            let draft = answers
                .iter()
                .find(|x| x.item_key == key)
                .map(|x| x.answer.clone().unwrap_or_else(|| x.draft.clone()))
                .unwrap_or_default();
            let options = item
                .get("options")
                .and_then(Value::as_array)
                .map(|o| {
                    o.iter()
                        .enumerate()
                        .map(|(j, label)| OptionView {
                            index: j,
                            letter: char::from(b'A' + u8::try_from(j % 26).unwrap_or(0)),
                            label: label.as_str().unwrap_or("").to_owned(),
                            checked: draft.trim() == j.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            ItemView {
                n: i + 1,
                field: format!("{FIELD}{key}"),
                title: text(item, "title"),
                prompt: text(item, "prompt"),
                options,
                unit: Some(text(item, "unit")).filter(|u| !u.is_empty()),
                draft,
            }
        })
        .collect()
}

/// The page for the assessment a link opens, as it stands now.
async fn page(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    token: &str,
    error: Option<String>,
    saved: Option<String>,
) -> Result<Html<String>, WebError> {
    let a = assessments::view(state, slug, token).await?;
    let answers = assessments::answers(state, slug, token).await?;
    let now = state.now_ms();
    let phase = match (a.submitted_ms, a.started_ms, a.deadline_ms) {
        (Some(_), _, _) => "submitted",
        (None, None, _) => "intro",
        (None, Some(_), Some(d)) if now > d => "time_up",
        _ => "running",
    };
    let items = items_of(&a, &answers);
    render(&AssessPage {
        chrome: Chrome::of(caller, ""),
        title: "Online assessment".to_owned(),
        base: format!("/assess/{slug}/{token}"),
        phase,
        minutes: a.plan.get("minutes").and_then(Value::as_i64).unwrap_or(60),
        expires: fmt_time(a.expires_ms),
        deadline_ms: a.deadline_ms,
        deadline: a.deadline_ms.map(fmt_time).unwrap_or_default(),
        submitted: a.submitted_ms.map(fmt_time).unwrap_or_default(),
        answered: items.iter().filter(|i| !i.draft.trim().is_empty()).count(),
        items,
        error,
        saved,
    })
}

/// `?saved=1` after a Save without JavaScript.
#[derive(Debug, Default, Deserialize)]
struct SavedParam {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, token)): Path<(String, String)>,
    Query(q): Query<SavedParam>,
) -> Result<Response, WebError> {
    let saved = q
        .saved
        .is_some()
        .then(|| "Your answers are saved.".to_owned());
    match page(&state, &caller, &slug, &token, None, saved).await {
        Ok(html) => Ok(html.into_response()),
        Err(e) => link_problem(&caller, e),
    }
}

#[derive(Template)]
#[template(path = "hiring/assess_error.html")]
struct LinkProblemPage {
    chrome: Chrome,
    title: String,
    heading: &'static str,
    message: String,
}

/// A link that does not open an assessment, as a page the candidate can act on: 404 for a
/// broken or unknown link, 409 for an expired one (the service's message says what to do).
/// Other errors stay as they are.
fn link_problem(caller: &Caller, e: WebError) -> Result<Response, WebError> {
    let (status, heading, message) = match e {
        WebError::NotFound(_) => (
            StatusCode::NOT_FOUND,
            "This assessment link does not work",
            "Check that the whole link from your message was opened — a part cut off at a line \
             break is a common cause. If it still fails, ask your recruiter for a new link."
                .to_owned(),
        ),
        WebError::Conflict(message) => (
            StatusCode::CONFLICT,
            "This assessment link cannot be used",
            message,
        ),
        other => return Err(other),
    };
    let html = render(&LinkProblemPage {
        chrome: Chrome::of(caller, ""),
        title: heading.to_owned(),
        heading,
        message,
    })?;
    Ok((status, html).into_response())
}

/// `POST …/start`: starts the clock (once; starting again changes nothing).
async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, token)): Path<(String, String)>,
) -> Result<Response, WebError> {
    match assessments::start(&state, &slug, &token).await {
        Ok(_) => Ok(see_other(&format!("/assess/{slug}/{token}"))),
        Err(e) => link_problem(&caller, e),
    }
}

/// Saves every item of the form whose answer differs from the saved one; returns how many were
/// written.
async fn save_changed(
    state: &AppState,
    slug: &str,
    token: &str,
    form: &Form,
) -> Result<usize, WebError> {
    let saved = assessments::answers(state, slug, token).await?;
    let mut written = 0;
    for (name, text) in &form.0 {
        let Some(key) = name.strip_prefix(FIELD) else {
            continue;
        };
        let before = saved
            .iter()
            .find(|x| x.item_key == key)
            .map_or("", |x| x.draft.as_str());
        if before == text {
            continue;
        }
        assessments::save(
            state,
            slug,
            token,
            &AnswerBody {
                key: key.to_owned(),
                text: text.clone(),
            },
        )
        .await
        .map_err(|e| match e {
            // Name the item, not the API's field.
            WebError::BadInput { message, .. } => WebError::bad(name.clone(), message),
            other => other,
        })?;
        written += 1;
    }
    Ok(written)
}

/// `POST …/save`: the autosave (htmx, answered with a line for the page) and the Save button
/// (answered with a redirect to the page, which says so).
async fn save(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((slug, token)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&body);
    let result = save_changed(&state, &slug, &token, &form).await;
    if headers.contains_key("hx-request") {
        // htmx swaps only successful answers: the problem is shown as the status line.
        let line = match result {
            Ok(_) => format!("Saved {}", fmt_time(state.now_ms())),
            Err(WebError::BadInput { message, .. } | WebError::Conflict(message)) => {
                format!("Not saved: {message}")
            }
            Err(e) => return Err(e),
        };
        return Ok(Html(escape_html(&line)).into_response());
    }
    match result {
        Ok(_) => Ok(see_other(&format!("/assess/{slug}/{token}?saved=1#items"))),
        Err(e) => refused(&state, &caller, &slug, &token, e).await,
    }
}

/// The page again with a refused step's problem above the items.
async fn refused(
    state: &AppState,
    caller: &Caller,
    slug: &str,
    token: &str,
    e: WebError,
) -> Result<Response, WebError> {
    let status = match &e {
        WebError::BadInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        WebError::Conflict(_) => StatusCode::CONFLICT,
        _ => return link_problem(caller, e),
    };
    let message = match e {
        WebError::BadInput { message, .. } | WebError::Conflict(message) => message,
        other => other.to_string(),
    };
    // A link that stopped working meanwhile (it expired) cannot show the page: say so instead.
    match page(state, caller, slug, token, Some(message), None).await {
        Ok(html) => Ok((status, html).into_response()),
        Err(e) => link_problem(caller, e),
    }
}

/// `POST …/submit`: saves what the form holds (while time is left), then submits; the result
/// is graded and attached to the application.
async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path((slug, token)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = Form::parse(&body);
    let a = match assessments::view(&state, &slug, &token).await {
        Ok(a) => a,
        Err(e) => return link_problem(&caller, e),
    };
    let time_left = a.submitted_ms.is_none()
        && a.started_ms.is_some()
        && a.deadline_ms.is_none_or(|d| state.now_ms() <= d);
    if time_left && let Err(e) = save_changed(&state, &slug, &token, &form).await {
        return refused(&state, &caller, &slug, &token, e).await;
    }
    match assessments::submit(&state, &slug, &token).await {
        Ok(_) => Ok(see_other(&format!("/assess/{slug}/{token}"))),
        Err(e) => refused(&state, &caller, &slug, &token, e).await,
    }
}

/// Text made safe to place in HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_carry_their_saved_drafts_and_choices() {
        let a = AssessmentOut {
            id: "a".into(),
            plan: json!({ "minutes": 30, "items": [
                { "key": "oa/1", "title": "Pick", "prompt": "Which?", "options": ["x", "y"] },
                { "key": "oa/2", "title": "Size", "prompt": "How many?", "options": [], "unit": "users" }
            ]}),
            expires_ms: 0,
            started_ms: None,
            deadline_ms: None,
            submitted_ms: None,
            result: None,
        };
        let answers = vec![AssessmentAnswer {
            item_key: "oa/1".into(),
            draft: "1".into(),
            draft_saved_ms: 0,
            answer: None,
            graded: None,
        }];
        let items = items_of(&a, &answers);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].field, "item:oa/1");
        assert!(!items[0].options[0].checked && items[0].options[1].checked);
        assert_eq!(items[0].options[1].letter, 'B');
        assert_eq!(items[1].unit.as_deref(), Some("users"));
        assert_eq!(items[1].draft, "");
    }

    #[test]
    fn status_lines_are_escaped() {
        assert_eq!(escape_html("<b>&\"'"), "&lt;b&gt;&amp;&quot;&#39;");
    }
}
