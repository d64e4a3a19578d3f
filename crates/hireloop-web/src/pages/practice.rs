//! Practice mode: start a loop, go round by round with the clock running, answer with
//! autosave, see the coach's feedback, finish with a report.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hireloop_practice::coach_json::CoachGrade;
use hireloop_practice::feedback::FeedbackDetail;
use hireloop_practice::outcome::Outcome;

use hireloop_practice::{ItemFeedback, ItemKind, LoopReport, PracticeSetup, report};
use hireloop_report::text::thousands;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::error::WebError;
use crate::service::{self, LoopState, SubmitInput, option_letter};
use crate::state::AppState;
use crate::view::{Chrome, escape, fmt_clock, fmt_duration, fmt_time, highlight, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/practice", get(dashboard))
        .route("/loops", post(start))
        .route("/loops/{id}", get(overview))
        .route(
            "/loops/{id}/rounds/{round}/{n}",
            get(item_page).post(answer),
        )
        .route("/loops/{id}/rounds/{round}/{n}/draft", post(draft))
        .route("/loops/{id}/finish", post(finish))
        .route("/loops/{id}/report", get(report_page))
        .route("/loops/{id}/report.md", get(report_markdown))
        .route("/loops/{id}/report.html", get(report_html))
}

/// Families whose questions call for the toolkit's calculators.
const DATA_FAMILIES: [&str; 4] = ["metrics", "guesstimate", "ab", "funnel"];

// ----- dashboard -------------------------------------------------------------------------------

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct LoopRow {
    id: String,
    started: String,
    level: String,
    region: String,
    finished: bool,
    answered: usize,
    total: usize,
    percent: usize,
}

struct DueRow {
    label: String,
    when: String,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "practice.html")]
struct DashboardPage {
    chrome: Chrome,
    title: String,
    name: String,
    levels: Vec<Choice>,
    regions: Vec<Choice>,
    languages: Vec<Choice>,
    loops: Vec<LoopRow>,
    due: Vec<DueRow>,
    error: Option<String>,
}

fn setup_choices(state: &AppState, level: &str, region: &str, language: &str) -> [Vec<Choice>; 3] {
    let pipeline = state.content().pipelines.first();
    let levels = pipeline
        .map(|p| {
            p.levels
                .levels()
                .map(|l| {
                    let v = l.to_string();
                    Choice {
                        selected: v == level,
                        label: level_label(state, &v),
                        value: v,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let regions = pipeline
        .map(|p| {
            p.regions
                .iter()
                .map(|r| Choice {
                    value: r.id.clone(),
                    label: r.name.clone(),
                    selected: r.id == region,
                })
                .collect()
        })
        .unwrap_or_default();
    let languages = [("en", "English"), ("zh", "中文 (Simplified Chinese)")]
        .into_iter()
        .map(|(v, l)| Choice {
            value: v.to_owned(),
            label: l.to_owned(),
            selected: v == language,
        })
        .collect();
    [levels, regions, languages]
}

fn level_label(state: &AppState, level: &str) -> String {
    state
        .content()
        .levels
        .iter()
        .find(|l| l.id.to_string() == level)
        .map_or_else(|| level.to_owned(), |l| format!("{level} — {}", l.title))
}

async fn dashboard(
    State(state): State<AppState>,
    user: SignedIn,
) -> Result<Html<String>, WebError> {
    dashboard_with(&state, &user, None, None).await
}

async fn dashboard_with(
    state: &AppState,
    user: &SignedIn,
    error: Option<String>,
    form: Option<&StartForm>,
) -> Result<Html<String>, WebError> {
    let uid = &user.user().id;
    let pipeline = state.content().pipelines.first();
    let (level, region) = pipeline.map_or((String::new(), String::new()), |p| {
        (p.default_level.to_string(), p.default_region.clone())
    });
    let (level, region, language) = match form {
        Some(f) => (f.level.clone(), f.region.clone(), f.language.clone()),
        None => (level, region, "en".to_owned()),
    };
    let [levels, regions, languages] = setup_choices(state, &level, &region, &language);
    let mut loops = Vec::new();
    for record in state.store().loops_of(uid, 20).await? {
        let loop_state = service::load_loop(state, uid, &record.id).await?;
        let total = loop_state.plan.items().count();
        let answered = loop_state.submitted_keys().len();
        loops.push(LoopRow {
            id: record.id.clone(),
            started: fmt_time(record.created_ms),
            level: loop_state.plan.setup.level.to_string(),
            region: loop_state.plan.region_name.clone(),
            finished: !loop_state.running(),
            answered,
            total,
            percent: (answered * 100).checked_div(total).unwrap_or(0),
        });
    }
    let now = state.now_ms();
    let cards = service::review_cards(state, uid).await?;
    let due = cards
        .iter()
        .take(6)
        .map(|c| {
            let (when, overdue) = super::progress::due_in_words(c.due_ms, now);
            DueRow {
                label: subject_label(state, &c.subject),
                when,
                overdue,
            }
        })
        .collect();
    render(&DashboardPage {
        chrome: Chrome::signed_in(user, "practice"),
        title: "Practice".to_owned(),
        name: user.user().display_name.clone(),
        levels,
        regions,
        languages,
        loops,
        due,
        error,
    })
}

/// A review subject in words: a family's name or a story.
pub fn subject_label(state: &AppState, subject: &str) -> String {
    if let Some(f) = subject.strip_prefix("family:") {
        state
            .content()
            .families
            .iter()
            .find(|x| x.id == f)
            .map_or_else(|| f.to_owned(), |x| x.name.clone())
    } else if subject.starts_with("story:") {
        "A STAR story".to_owned()
    } else {
        subject.to_owned()
    }
}

/// The start form.
#[derive(Debug, Deserialize)]
struct StartForm {
    #[serde(default)]
    level: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    language: String,
}

async fn start(
    State(state): State<AppState>,
    user: SignedIn,
    Form(form): Form<StartForm>,
) -> Result<Response, WebError> {
    let pipeline = state
        .content()
        .pipelines
        .first()
        .map(|p| p.id.clone())
        .unwrap_or_default();
    let seed = u64::try_from(state.now_ms()).unwrap_or(0);
    let setup = match PracticeSetup::parse(
        state.content(),
        &pipeline,
        &form.level,
        &form.region,
        &form.language,
        seed,
    ) {
        Ok(s) => s,
        Err(e) => {
            let page = dashboard_with(&state, &user, Some(e.to_string()), Some(&form)).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let started = service::start_loop(&state, &user.user().id, &setup).await?;
    Ok(Redirect::to(&format!("/loops/{}", started.record.id)).into_response())
}

// ----- loop overview ---------------------------------------------------------------------------

struct RoundView {
    name: String,
    interviewer: String,
    minutes: u32,
    answered: usize,
    total: usize,
    status: &'static str,
    status_class: &'static str,
    deadline_ms: Option<i64>,
    link: String,
}

struct StageView {
    n: usize,
    name: String,
    rounds: Vec<RoundView>,
}

#[derive(Template)]
#[template(path = "loop.html")]
struct LoopPage {
    chrome: Chrome,
    title: String,
    loop_id: String,
    summary: String,
    stages: Vec<StageView>,
    next_link: Option<String>,
    running: bool,
    answered: usize,
    total: usize,
    minutes: u32,
}

fn item_link(loop_id: &str, key: &str) -> String {
    format!("/loops/{loop_id}/rounds/{key}")
}

fn setup_summary(s: &LoopState) -> String {
    let language = match s.plan.setup.language.id() {
        "zh" => "中文",
        _ => "English",
    };
    format!(
        "{} · level {} · {} · {}",
        s.plan.pipeline_name, s.plan.setup.level, s.plan.region_name, language
    )
}

async fn overview(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let s = service::load_loop(&state, &user.user().id, &id).await?;
    let now = state.now_ms();
    let mut stages: Vec<StageView> = Vec::new();
    for round in &s.plan.rounds {
        let total = round.items.len();
        let answered = round.items.iter().filter(|i| s.submitted(&i.key)).count();
        let clock = s.clock(&round.round_id);
        let (status, status_class) = match (answered, clock) {
            (a, _) if a == total && total > 0 => ("done", "good"),
            (_, Some(c)) if c.deadline_ms < now => ("over time", "warn"),
            (_, Some(_)) => ("in progress", "accent"),
            _ => ("not started", ""),
        };
        let next = round
            .items
            .iter()
            .find(|i| !s.submitted(&i.key))
            .or(round.items.first());
        let view = RoundView {
            name: round.round_name.clone(),
            interviewer: round
                .interviewer_title
                .clone()
                .unwrap_or_else(|| format!("{:?}", round.interviewer)),
            minutes: round.duration_minutes,
            answered,
            total,
            status,
            status_class,
            deadline_ms: clock
                .filter(|_| answered < total && s.running())
                .map(|c| c.deadline_ms),
            link: next.map_or_else(String::new, |i| item_link(&id, &i.key)),
        };
        match stages.last_mut() {
            Some(st) if st.name == round.stage_name => st.rounds.push(view),
            _ => stages.push(StageView {
                n: stages.len() + 1,
                name: round.stage_name.clone(),
                rounds: vec![view],
            }),
        }
    }
    let total = s.plan.items().count();
    let answered = s.submitted_keys().len();
    render(&LoopPage {
        chrome: Chrome::signed_in(&user, "practice"),
        title: "Your loop".to_owned(),
        summary: setup_summary(&s),
        next_link: s.next_item().map(|i| item_link(&id, &i.key)),
        running: s.running(),
        answered,
        total,
        minutes: s.plan.interview_minutes,
        loop_id: id,
        stages,
    })
}

// ----- one item --------------------------------------------------------------------------------

struct OptionView {
    index: usize,
    letter: char,
    label: String,
    checked: bool,
}

struct DimView {
    name: String,
    score: String,
    percent: u32,
    class: &'static str,
    advice: String,
}

struct MistakeView {
    name: String,
    advice: String,
}

struct KeyedView {
    correct: bool,
    correct_option: String,
    explanation: String,
}

struct FeedbackView {
    overall: String,
    percent: u32,
    verdict: String,
    verdict_class: &'static str,
    dims: Vec<DimView>,
    mistakes: Vec<MistakeView>,
    answer_html: String,
    keyed: Option<KeyedView>,
    covered: Vec<String>,
    missed: Vec<String>,
    checks: Vec<String>,
    outline: Vec<String>,
    self_rating: Option<i64>,
    elapsed: Option<String>,
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    chrome: Chrome,
    title: String,
    lang: &'static str,
    loop_id: String,
    stage_name: String,
    round_name: String,
    interviewer: String,
    minutes: u32,
    deadline_ms: Option<i64>,
    deadline_text: String,
    n: usize,
    of: usize,
    kind: &'static str,
    item_title: String,
    prompt: String,
    options: Vec<OptionView>,
    unit: Option<String>,
    suggested: Option<u32>,
    probes: Vec<String>,
    draft: String,
    draft_saved: Option<String>,
    feedback: Option<FeedbackView>,
    next_link: Option<String>,
    action: String,
    draft_url: String,
    data_tools: bool,
    running: bool,
    error: Option<String>,
}

fn score_class(score: f64) -> &'static str {
    if score >= 3.0 {
        "good"
    } else if score < 2.0 {
        "bad"
    } else {
        ""
    }
}

fn percent(score: f64) -> u32 {
    // Scores run 0–4.
    (score.clamp(0.0, 4.0) * 25.0).round() as u32
}

fn feedback_view(
    state: &AppState,
    feedback: &ItemFeedback,
    answer_text: &str,
    self_rating: Option<i64>,
) -> FeedbackView {
    let content = state.content();
    let dim_name = |id: &str| {
        content
            .dimensions
            .iter()
            .find(|d| d.id == id)
            .map_or_else(|| id.to_owned(), |d| d.name.clone())
    };
    let dims = feedback
        .scores
        .iter()
        .map(|s| DimView {
            name: dim_name(&s.dimension),
            score: format!("{:.1}", s.score),
            percent: percent(s.score),
            class: score_class(s.score),
            advice: s.advice.clone(),
        })
        .collect();
    let mistakes = feedback
        .mistakes
        .iter()
        .map(|id| match content.mistakes.iter().find(|m| &m.id == id) {
            Some(m) => MistakeView {
                name: m.name.clone(),
                advice: m.advice.clone(),
            },
            None => MistakeView {
                name: id.clone(),
                advice: String::new(),
            },
        })
        .collect();
    let (answer_html, keyed, covered, missed, checks) = match &feedback.detail {
        FeedbackDetail::Open(grade) => open_details(grade, answer_text, &dim_name),
        FeedbackDetail::Keyed(k) => (
            escape(answer_text),
            Some(KeyedView {
                correct: k.correct,
                correct_option: k.correct_answer.clone(),
                explanation: k.explanation.clone(),
            }),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        ),
        FeedbackDetail::Resume(r) => {
            let spans: Vec<(usize, usize, String)> = r
                .findings
                .iter()
                .map(|f| (f.start, f.end, f.aspect.clone()))
                .collect();
            let shows = [
                (r.shows.ownership, "ownership"),
                (r.shows.impact, "quantified impact"),
                (r.shows.scale, "scale"),
                (r.shows.growth, "growth"),
                (r.shows.product, "product experience"),
            ];
            (
                highlight(answer_text, &spans),
                None,
                shows
                    .iter()
                    .filter(|s| s.0)
                    .map(|s| s.1.to_owned())
                    .collect(),
                shows
                    .iter()
                    .filter(|s| !s.0)
                    .map(|s| s.1.to_owned())
                    .collect(),
                r.reasons.clone(),
            )
        }
    };
    let (verdict, verdict_class) = match feedback.recommendation.id() {
        "strong_yes" => ("Strong yes", "good"),
        "yes" => ("Yes", "good"),
        "no" => ("No", "warn"),
        "strong_no" => ("Strong no", "bad"),
        other => (other, ""),
    };
    FeedbackView {
        overall: format!("{:.1}", feedback.overall),
        percent: percent(feedback.overall),
        verdict: verdict.to_owned(),
        verdict_class,
        dims,
        mistakes,
        answer_html,
        keyed,
        covered,
        missed,
        checks,
        outline: feedback.outline.clone(),
        self_rating,
        elapsed: feedback
            .elapsed_ms
            .map(|ms| fmt_duration(i64::try_from(ms).unwrap_or(i64::MAX))),
    }
}

type OpenDetails = (
    String,
    Option<KeyedView>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
);

fn open_details(grade: &CoachGrade, text: &str, dim_name: &dyn Fn(&str) -> String) -> OpenDetails {
    let spans: Vec<(usize, usize, String)> = grade
        .dimensions
        .iter()
        .flat_map(|d| {
            let name = dim_name(&d.id);
            d.evidence
                .iter()
                .map(move |e| (e.start, e.end, name.clone()))
        })
        .collect();
    let mut checks = Vec::new();
    for c in &grade.numbers.calculations {
        if c.slip {
            checks.push(format!(
                "“{}” — you wrote {}, it comes to {}",
                c.text, c.stated, c.computed
            ));
        }
    }
    if let Some(ab) = &grade.numbers.ab {
        checks.push(format!(
            "Revenue per visitor: control {:.3}, treatment {:.3} — the sound call is to {}; your \
             answer says {}",
            ab.control_rpv, ab.treatment_rpv, ab.expected, ab.answer
        ));
    }
    (
        highlight(text, &spans),
        None,
        grade.coverage.hit.clone(),
        grade.coverage.missed.clone(),
        checks,
    )
}

async fn item_page(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, round, n)): Path<(String, String, usize)>,
) -> Result<Html<String>, WebError> {
    render_item(&state, &user, &id, &round, n, None, None).await
}

#[allow(clippy::too_many_arguments)]
async fn render_item(
    state: &AppState,
    user: &SignedIn,
    id: &str,
    round_id: &str,
    n: usize,
    error: Option<String>,
    typed: Option<&AnswerForm>,
) -> Result<Html<String>, WebError> {
    let uid = &user.user().id;
    let key = format!("{round_id}/{n}");
    let s = service::load_loop(state, uid, id).await?;
    let round = s
        .plan
        .rounds
        .iter()
        .find(|r| r.round_id == round_id)
        .ok_or(WebError::NotFound("round"))?;
    let item = s.plan.item(&key).ok_or(WebError::NotFound("question"))?;
    let clock = if s.running() {
        Some(service::open_round(state, uid, &s, round_id).await?)
    } else {
        s.clock(round_id).cloned()
    };
    let stored = s.answer(&key);
    let feedback = match stored.and_then(|a| a.feedback.as_deref()) {
        Some(json) => {
            let fb = service::parse_feedback(json)?;
            let text = stored.and_then(|a| a.submitted.as_deref()).unwrap_or("");
            Some(feedback_view(
                state,
                &fb,
                text,
                stored.and_then(|a| a.self_rating),
            ))
        }
        None => None,
    };
    let after: Vec<String> = s
        .submitted_keys()
        .into_iter()
        .chain(feedback.is_some().then(|| key.clone()))
        .collect();
    let next_link = s
        .plan
        .next_unanswered(&after)
        .filter(|i| i.key != key)
        .map(|i| item_link(id, &i.key));
    let data_tools = item
        .family
        .as_deref()
        .is_some_and(|f| DATA_FAMILIES.contains(&f));
    let draft = match typed {
        Some(f) => f.answer.clone(),
        None => stored.map(|a| a.draft.clone()).unwrap_or_default(),
    };
    render(&ItemPage {
        chrome: Chrome::signed_in(user, "practice"),
        title: item.title.clone(),
        lang: item.language.html_tag(),
        loop_id: id.to_owned(),
        stage_name: round.stage_name.clone(),
        round_name: round.round_name.clone(),
        interviewer: round.interviewer_title.clone().unwrap_or_default(),
        minutes: round.duration_minutes,
        deadline_ms: clock
            .as_ref()
            .filter(|_| feedback.is_none() || next_link.is_some())
            .map(|c| c.deadline_ms),
        deadline_text: clock
            .as_ref()
            .map(|c| format!("time is up at {}", fmt_clock(c.deadline_ms)))
            .unwrap_or_default(),
        n,
        of: round.items.len(),
        kind: match item.kind {
            ItemKind::Open => "open",
            ItemKind::Keyed if !item.options.is_empty() => "choice",
            ItemKind::Keyed => "number",
            ItemKind::Resume => "resume",
        },
        item_title: item.title.clone(),
        prompt: item.prompt.clone(),
        options: item
            .options
            .iter()
            .enumerate()
            .map(|(index, label)| OptionView {
                index,
                letter: option_letter(index),
                label: label.clone(),
                checked: typed.and_then(|f| f.choice) == Some(index),
            })
            .collect(),
        unit: item.unit.clone(),
        suggested: item.minutes,
        probes: item.probes.clone(),
        draft_saved: stored
            .and_then(|a| a.draft_saved_ms)
            .map(|ms| format!("Draft saved {}", fmt_clock(ms))),
        draft,
        feedback,
        next_link,
        action: item_link(id, &key),
        draft_url: format!("{}/draft", item_link(id, &key)),
        data_tools,
        running: s.running(),
        error,
    })
}

/// The answer form.
#[derive(Debug, Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    choice: Option<usize>,
    #[serde(default, deserialize_with = "empty_as_none")]
    self_rating: Option<i64>,
    /// `submit` (default) or `save` (keep as a draft, for browsers without scripts).
    #[serde(default)]
    action: String,
}

/// Form fields left empty (a select's "skip") read as absent.
fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

async fn answer(
    State(state): State<AppState>,
    user: SignedIn,
    Path((id, round, n)): Path<(String, String, usize)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let uid = &user.user().id;
    let key = format!("{round}/{n}");
    let back = item_link(&id, &key);
    if form.action == "save" {
        service::save_draft(&state, uid, &id, &key, &form.answer).await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let input = SubmitInput {
        text: Some(form.answer.clone()).filter(|t| !t.trim().is_empty()),
        choice: form.choice,
        self_rating: form.self_rating,
    };
    match service::submit(&state, uid, &id, &key, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}#feedback")).into_response()),
        Err(e @ WebError::BadInput { .. }) => {
            // Keep what was typed: save it as the draft, and show the form again with the reason.
            if !form.answer.trim().is_empty() {
                service::save_draft(&state, uid, &id, &key, &form.answer)
                    .await
                    .ok();
            }
            let page = render_item(
                &state,
                &user,
                &id,
                &round,
                n,
                Some(e.to_string()),
                Some(&form),
            )
            .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The autosave form.
#[derive(Debug, Deserialize)]
struct DraftForm {
    #[serde(default)]
    answer: String,
}

/// Autosave (htmx): answers with a one-line status. Without htmx, back to the page.
async fn draft(
    State(state): State<AppState>,
    user: SignedIn,
    headers: HeaderMap,
    Path((id, round, n)): Path<(String, String, usize)>,
    Form(form): Form<DraftForm>,
) -> Result<Response, WebError> {
    let key = format!("{round}/{n}");
    let saved = service::save_draft(&state, &user.user().id, &id, &key, &form.answer).await;
    let htmx = headers.contains_key("hx-request");
    match (saved, htmx) {
        (Ok(s), true) => Ok(Html(format!(
            "Draft saved {} · {} characters",
            fmt_clock(s.saved_ms),
            form.answer.chars().count()
        ))
        .into_response()),
        (Ok(_), false) => Ok(Redirect::to(&item_link(&id, &key)).into_response()),
        // htmx swaps only successful answers by default: tell the candidate in the status line.
        (Err(e), true) => Ok(Html(format!(
            "<span class=\"warn\">Not saved: {}</span>",
            escape(&e.to_string())
        ))
        .into_response()),
        (Err(e), false) => Err(e),
    }
}

// ----- finishing and the report ----------------------------------------------------------------

async fn finish(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    service::finish(&state, &user.user().id, &id).await?;
    Ok(Redirect::to(&format!("/loops/{id}/report")).into_response())
}

struct OutcomeView {
    name: String,
    gate: String,
    label: &'static str,
    class: &'static str,
    score: String,
    reason: String,
    hard: bool,
}

struct InsightView {
    name: String,
    mean: String,
    advice: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    title: String,
    loop_id: String,
    summary: String,
    partial: bool,
    decision: String,
    decision_class: &'static str,
    reason: String,
    stages: Vec<OutcomeView>,
    level: Option<String>,
    band: Option<String>,
    strengths: Vec<InsightView>,
    gaps: Vec<InsightView>,
    mistakes: Vec<MistakeView>,
    notes: Vec<String>,
    chart: String,
    answered: usize,
    total: usize,
}

async fn loop_report(
    state: &AppState,
    user: &SignedIn,
    id: &str,
) -> Result<(LoopState, LoopReport), WebError> {
    let s = service::load_loop(state, &user.user().id, id).await?;
    let r = service::report(state, &s)?;
    Ok((s, r))
}

fn insight(d: &hireloop_practice::outcome::DimensionInsight) -> InsightView {
    InsightView {
        name: d.name.clone(),
        mean: format!("{:.1}", d.mean),
        advice: d.advice.clone(),
    }
}

async fn report_page(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let (s, r) = loop_report(&state, &user, &id).await?;
    let (decision, decision_class) = match r.decision {
        hireloop_core::decision::Verdict::Hire => ("Offer", "good"),
        hireloop_core::decision::Verdict::Reject => ("No offer", "bad"),
        hireloop_core::decision::Verdict::Incomplete => ("Not decided yet", "warn"),
    };
    render(&ReportPage {
        chrome: Chrome::signed_in(&user, "practice"),
        title: "Loop report".to_owned(),
        summary: setup_summary(&s),
        partial: r.partial,
        decision: decision.to_owned(),
        decision_class,
        reason: r.reason.clone(),
        stages: r
            .stages
            .iter()
            .map(|st| {
                let (label, class) = match st.outcome {
                    Outcome::Passed => ("passed", "good"),
                    Outcome::Failed => ("not passed", "bad"),
                    Outcome::Pending => ("pending", ""),
                };
                OutcomeView {
                    name: st.name.clone(),
                    gate: st.gate.clone(),
                    label,
                    class,
                    score: st.score.map(|x| format!("{x:.2}")).unwrap_or_default(),
                    reason: st.reason.clone(),
                    hard: st.hard_gate,
                }
            })
            .collect(),
        level: r.level.as_ref().map(|l| match l.estimated {
            Some(e) => format!(
                "{e} (applied for {}; loop score {:.2})",
                l.applied, l.loop_score
            ),
            None => format!(
                "below the levels of this pipeline (applied for {}; loop score {:.2})",
                l.applied, l.loop_score
            ),
        }),
        band: r.band.as_ref().map(|b| {
            format!(
                "{} {}–{} a year{}",
                b.currency,
                thousands(b.min),
                thousands(b.max),
                if b.estimate { " (estimate)" } else { "" }
            )
        }),
        strengths: r.strengths.iter().map(insight).collect(),
        gaps: r.gaps.iter().map(insight).collect(),
        mistakes: r
            .mistakes
            .iter()
            .map(|m| MistakeView {
                name: format!("{} (×{})", m.name, m.count),
                advice: m.advice.clone(),
            })
            .collect(),
        notes: r.notes.clone(),
        chart: report::dimension_chart(&r),
        answered: r.totals.answered,
        total: r.totals.items,
        loop_id: id,
    })
}

fn download(body: String, content_type: &'static str, filename: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

async fn report_markdown(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (_, r) = loop_report(&state, &user, &id).await?;
    Ok(download(
        report::markdown(&r),
        "text/markdown; charset=utf-8",
        format!("hireloop-report-{id}.md"),
    ))
}

async fn report_html(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (_, r) = loop_report(&state, &user, &id).await?;
    Ok(download(
        report::html(&r),
        "text/html; charset=utf-8",
        format!("hireloop-report-{id}.html"),
    ))
}
