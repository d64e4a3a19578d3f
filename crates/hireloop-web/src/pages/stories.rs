//! The STAR story bank: write stories of your own work, tag them with the values they show,
//! practise them as culture-fit answers and let spaced repetition bring them back.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hireloop_practice::feedback::FeedbackDetail;
use hireloop_practice::schedule::{self, Card};
use hireloop_practice::stories::{MAX_PART_CHARS, MAX_TITLE_CHARS, Story, practise_story};
use hireloop_practice::{FieldProblem, ItemFeedback, PracticeError};
use hireloop_store::StoryRecord;
use serde::Deserialize;

use super::progress::{dimension_name, due_in_words, score_class};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::service;
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, highlight, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(list).post(create))
        .route("/stories/{id}", get(show).post(update))
        .route("/stories/{id}/delete", post(delete))
        .route("/stories/{id}/practise", post(practise))
}

/// The four parts of a STAR story: field, label and what to write.
const PARTS: [(&str, &str, &str); 4] = [
    (
        "situation",
        "Situation",
        "Where and when: the product, the team, what was at stake.",
    ),
    (
        "task",
        "Task",
        "What you were responsible for: your goal, not the team's.",
    ),
    (
        "action",
        "Action",
        "What you did, in the first person: the decisions, the trade-offs, who you brought along.",
    ),
    (
        "result",
        "Result",
        "What came of it, with a number, and what you would do differently.",
    ),
];

/// What the form sends.
#[derive(Debug, Clone, Default)]
struct StoryForm {
    title: String,
    situation: String,
    task: String,
    action: String,
    result: String,
    values: Vec<String>,
}

impl StoryForm {
    /// Reads a URL-encoded body; `values` may repeat (one per ticked box).
    fn parse(body: &[u8]) -> StoryForm {
        let mut f = StoryForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "title" => f.title = v,
                "situation" => f.situation = v,
                "task" => f.task = v,
                "action" => f.action = v,
                "result" => f.result = v,
                "values" if !v.is_empty() && !f.values.contains(&v) => f.values.push(v),
                _ => {}
            }
        }
        f
    }

    fn of(story: &Story) -> StoryForm {
        StoryForm {
            title: story.title.clone(),
            situation: story.situation.clone(),
            task: story.task.clone(),
            action: story.action.clone(),
            result: story.result.clone(),
            values: story.values.clone(),
        }
    }

    fn story(&self, id: &str) -> Story {
        Story {
            id: id.to_owned(),
            title: self.title.trim().to_owned(),
            situation: self.situation.trim().to_owned(),
            task: self.task.trim().to_owned(),
            action: self.action.trim().to_owned(),
            result: self.result.trim().to_owned(),
            values: self.values.clone(),
        }
    }

    fn part(&self, field: &str) -> &str {
        match field {
            "situation" => &self.situation,
            "task" => &self.task,
            "action" => &self.action,
            _ => &self.result,
        }
    }
}

/// The problems of one field (`values[2]` counts as `values`), joined.
fn errors_of(field: &str, problems: &[FieldProblem]) -> Option<String> {
    let messages: Vec<&str> = problems
        .iter()
        .filter(|p| p.field == field || p.field.starts_with(&format!("{field}[")))
        .map(|p| p.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

struct PartField {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    value: String,
    error: Option<String>,
}

struct ValueChoice {
    id: String,
    name: String,
    summary: String,
    checked: bool,
}

/// The form as shown: what was typed and the problems next to their fields.
struct FormView {
    title: String,
    title_error: Option<String>,
    parts: Vec<PartField>,
    values: Vec<ValueChoice>,
    values_error: Option<String>,
    /// Every problem, in field order, for the summary at the top.
    summary: Vec<(String, String)>,
    max_title: usize,
    max_part: usize,
}

fn field_label(field: &str) -> String {
    match field {
        "title" => "Title".to_owned(),
        "situation" => "Situation".to_owned(),
        "task" => "Task".to_owned(),
        "action" => "Action".to_owned(),
        "result" => "Result".to_owned(),
        f if f.starts_with("values") => "Values".to_owned(),
        other => other.to_owned(),
    }
}

fn field_anchor(field: &str) -> String {
    if field.starts_with("values") {
        "values".to_owned()
    } else {
        field.to_owned()
    }
}

fn form_view(state: &AppState, form: &StoryForm, problems: &[FieldProblem]) -> FormView {
    FormView {
        title: form.title.clone(),
        title_error: errors_of("title", problems),
        parts: PARTS
            .iter()
            .map(|(name, label, hint)| PartField {
                name,
                label,
                hint,
                value: form.part(name).to_owned(),
                error: errors_of(name, problems),
            })
            .collect(),
        values: state
            .content()
            .values
            .iter()
            .map(|v| ValueChoice {
                id: v.id.clone(),
                name: v.name.clone(),
                summary: v.summary.clone(),
                checked: form.values.contains(&v.id),
            })
            .collect(),
        values_error: errors_of("values", problems),
        summary: problems
            .iter()
            .map(|p| {
                (
                    field_anchor(&p.field),
                    format!("{}: {}", field_label(&p.field), p.message),
                )
            })
            .collect(),
        max_title: MAX_TITLE_CHARS,
        max_part: MAX_PART_CHARS,
    }
}

/// A stored story, with its record's id (the one the store gave it).
fn read_story(record: &StoryRecord) -> Result<Story, WebError> {
    let mut story: Story = serde_json::from_str(&record.story)
        .map_err(|e| WebError::internal(format!("stored story {}: {e}", record.id)))?;
    story.id.clone_from(&record.id);
    Ok(story)
}

fn value_name(state: &AppState, id: &str) -> String {
    state
        .content()
        .values
        .iter()
        .find(|v| v.id == id)
        .map_or_else(|| id.to_owned(), |v| v.name.clone())
}

/// The review cards of the user's stories, by story id.
async fn story_cards(state: &AppState, user_id: &str) -> Result<BTreeMap<String, Card>, WebError> {
    Ok(state
        .store()
        .cards(user_id)
        .await?
        .iter()
        .filter_map(|c| serde_json::from_str::<Card>(&c.card).ok())
        .filter_map(|c| {
            c.subject
                .strip_prefix("story:")
                .map(str::to_owned)
                .map(|id| (id, c))
        })
        .collect())
}

// ----- the bank --------------------------------------------------------------------------------

struct StoryRow {
    id: String,
    title: String,
    values: Vec<String>,
    updated: String,
    review: String,
    due: bool,
    practised: u32,
}

#[derive(Template)]
#[template(path = "stories.html")]
struct StoriesPage {
    chrome: Chrome,
    title: String,
    stories: Vec<StoryRow>,
    form: FormView,
    action: String,
    submit_label: &'static str,
    target: u32,
}

async fn list_page(
    state: &AppState,
    user: &SignedIn,
    form: &StoryForm,
    problems: &[FieldProblem],
) -> Result<Html<String>, WebError> {
    let uid = &user.user().id;
    let now = state.now_ms();
    let cards = story_cards(state, uid).await?;
    let mut stories = Vec::new();
    for record in state.store().stories(uid).await? {
        let story = read_story(&record)?;
        let card = cards.get(&record.id);
        let (review, due) = card.map_or_else(
            || ("not practised yet".to_owned(), false),
            |c| due_in_words(c.due_ms, now),
        );
        stories.push(StoryRow {
            title: story.title.clone(),
            values: story.values.iter().map(|v| value_name(state, v)).collect(),
            updated: fmt_time(record.updated_ms),
            review,
            due,
            practised: card.map_or(0, |c| c.reps),
            id: record.id,
        });
    }
    let target = state
        .content()
        .checklist
        .iter()
        .find(|i| i.id == "star-stories")
        .map_or(5, |i| i.target);
    render(&StoriesPage {
        chrome: Chrome::signed_in(user, "stories"),
        title: "Story bank".to_owned(),
        stories,
        form: form_view(state, form, problems),
        action: "/stories".to_owned(),
        submit_label: "Save the story",
        target,
    })
}

async fn list(State(state): State<AppState>, user: SignedIn) -> Result<Html<String>, WebError> {
    list_page(&state, &user, &StoryForm::default(), &[]).await
}

/// The problems of a story, or an error that is not about its fields.
fn problems_of(e: PracticeError) -> Result<Vec<FieldProblem>, WebError> {
    match e {
        PracticeError::Story(p) => Ok(p),
        other => Err(WebError::bad("story", other.to_string())),
    }
}

async fn create(
    State(state): State<AppState>,
    user: SignedIn,
    body: Bytes,
) -> Result<Response, WebError> {
    let form = StoryForm::parse(&body);
    // The store names the story; any valid id stands in for the check.
    let story = form.story("new");
    if let Err(e) = story.validate(state.content()) {
        let problems = problems_of(e)?;
        let page = list_page(&state, &user, &form, &problems).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let json = serde_json::to_string(&story).map_err(WebError::internal)?;
    let record = state
        .store()
        .create_story(&user.user().id, &json, state.now_ms())
        .await?;
    Ok(Redirect::to(&format!("/stories/{}?saved=1", record.id)).into_response())
}

// ----- one story -------------------------------------------------------------------------------

struct DimView {
    name: String,
    score: String,
    percent: u32,
    class: &'static str,
    advice: String,
}

struct FeedbackView {
    overall: String,
    percent: u32,
    verdict: &'static str,
    verdict_class: &'static str,
    dims: Vec<DimView>,
    mistakes: Vec<(String, String)>,
    text_html: String,
    covered: Vec<String>,
    missed: Vec<String>,
    next_review: String,
}

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    chrome: Chrome,
    title: String,
    id: String,
    form: FormView,
    action: String,
    submit_label: &'static str,
    saved: bool,
    created: String,
    updated: String,
    review: Option<String>,
    practised: u32,
    feedback: Option<FeedbackView>,
    error: Option<String>,
}

/// What the story page shows besides the form.
#[derive(Default)]
struct Extras {
    saved: bool,
    feedback: Option<FeedbackView>,
    error: Option<String>,
}

async fn story_page(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    form: Option<&StoryForm>,
    problems: &[FieldProblem],
    extras: Extras,
) -> Result<Html<String>, WebError> {
    let uid = &user.user().id;
    let record = state.store().story(uid, id).await?;
    let story = read_story(&record)?;
    let card = story_cards(state, uid).await?.remove(id);
    let stored_form = StoryForm::of(&story);
    let form = form.unwrap_or(&stored_form);
    render(&StoryPage {
        chrome: Chrome::signed_in(user, "stories"),
        title: story.title.clone(),
        id: id.to_owned(),
        form: form_view(state, form, problems),
        action: format!("/stories/{id}"),
        submit_label: "Save changes",
        saved: extras.saved,
        created: fmt_time(record.created_ms),
        updated: fmt_time(record.updated_ms),
        review: card
            .as_ref()
            .map(|c| due_in_words(c.due_ms, state.now_ms()).0),
        practised: card.map_or(0, |c| c.reps),
        feedback: extras.feedback,
        error: extras.error,
    })
}

#[derive(Debug, Deserialize)]
struct ShowQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, WebError> {
    let extras = Extras {
        saved: q.saved.is_some(),
        ..Extras::default()
    };
    story_page(&state, &user, &id, None, &[], extras).await
}

async fn update(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, WebError> {
    let uid = &user.user().id;
    // A story of someone else's is "not found" before anything is checked.
    state.store().story(uid, &id).await?;
    let form = StoryForm::parse(&body);
    let story = form.story(&id);
    if let Err(e) = story.validate(state.content()) {
        let problems = problems_of(e)?;
        let page = story_page(
            &state,
            &user,
            &id,
            Some(&form),
            &problems,
            Extras::default(),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let json = serde_json::to_string(&story).map_err(WebError::internal)?;
    state
        .store()
        .update_story(uid, &id, &json, state.now_ms())
        .await?;
    Ok(Redirect::to(&format!("/stories/{id}?saved=1")).into_response())
}

async fn delete(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    state.store().delete_story(&user.user().id, &id).await?;
    Ok(Redirect::to("/stories").into_response())
}

fn feedback_view(state: &AppState, story: &Story, f: &ItemFeedback, card: &Card) -> FeedbackView {
    let content = state.content();
    let text = story.text();
    let (spans, covered, missed) = match &f.detail {
        FeedbackDetail::Open(grade) => (
            grade
                .dimensions
                .iter()
                .flat_map(|d| {
                    let name = dimension_name(state, &d.id);
                    d.evidence
                        .iter()
                        .map(move |e| (e.start, e.end, name.clone()))
                })
                .collect::<Vec<_>>(),
            grade.coverage.hit.clone(),
            grade.coverage.missed.clone(),
        ),
        _ => (Vec::new(), Vec::new(), Vec::new()),
    };
    let (verdict, verdict_class) = match f.recommendation.id() {
        "strong_yes" => ("Strong yes", "good"),
        "yes" => ("Yes", "good"),
        "no" => ("No", "warn"),
        _ => ("Strong no", "bad"),
    };
    let percent = |s: f64| (s.clamp(0.0, 4.0) * 25.0).round() as u32;
    FeedbackView {
        overall: format!("{:.1}", f.overall),
        percent: percent(f.overall),
        verdict,
        verdict_class,
        dims: f
            .scores
            .iter()
            .map(|s| DimView {
                name: dimension_name(state, &s.dimension),
                score: format!("{:.1}", s.score),
                percent: percent(s.score),
                class: score_class(s.score),
                advice: s.advice.clone(),
            })
            .collect(),
        mistakes: f
            .mistakes
            .iter()
            .map(|id| {
                content.mistakes.iter().find(|m| &m.id == id).map_or_else(
                    || (id.clone(), String::new()),
                    |m| (m.name.clone(), m.advice.clone()),
                )
            })
            .collect(),
        text_html: highlight(&text, &spans),
        covered,
        missed,
        next_review: due_in_words(card.due_ms, state.now_ms()).0,
    }
}

async fn practise(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let uid = &user.user().id;
    let record = state.store().story(uid, &id).await?;
    let story = read_story(&record)?;
    match practise_story(state.coach(), state.content(), &story) {
        Ok(feedback) => {
            let card = service::review_subject(
                &state,
                uid,
                &schedule::story_subject(&id),
                feedback.overall,
            )
            .await?;
            tracing::info!(user = %uid, story = %id, overall = feedback.overall, "story practised");
            let extras = Extras {
                feedback: Some(feedback_view(&state, &story, &feedback, &card)),
                ..Extras::default()
            };
            Ok(story_page(&state, &user, &id, None, &[], extras)
                .await?
                .into_response())
        }
        Err(e) => {
            // A story the content no longer accepts (a value removed), or one the coach refuses
            // (too short to grade): say so on the page, next to the form to fix it.
            let (problems, error) = match e {
                PracticeError::Story(p) => (p, None),
                other => (Vec::new(), Some(other.to_string())),
            };
            let extras = Extras {
                error,
                ..Extras::default()
            };
            let page = story_page(&state, &user, &id, None, &problems, extras).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_repeated_values() {
        let f = StoryForm::parse(
            b"title=Launch&values=ownership&values=customer_first&values=ownership&values=&x=1",
        );
        assert_eq!(f.title, "Launch");
        assert_eq!(f.values, vec!["ownership", "customer_first"]);
    }

    #[test]
    fn problems_are_found_by_field() {
        let problems = vec![
            FieldProblem::new("title", "the title is empty"),
            FieldProblem::new("values[1]", "no value `x`"),
        ];
        assert_eq!(
            errors_of("title", &problems).as_deref(),
            Some("the title is empty")
        );
        assert_eq!(
            errors_of("values", &problems).as_deref(),
            Some("no value `x`")
        );
        assert_eq!(errors_of("task", &problems), None);
    }
}
