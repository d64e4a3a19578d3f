//! `/orgs/{org}/interviews/{id}/scorecard`: the interview kit beside the scorecard form. Each
//! rubric dimension is rated 1–4 or "no evidence", with a note that ratings of 1 and 4 require;
//! then a recommendation and a summary. A draft can be saved at any time; a submission is
//! checked by the same rules as the API, every problem shown beside its field with the input
//! kept (and saved as a draft, so nothing typed is lost).

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use hireloop_core::{Rating, Recommendation};
use hireloop_hiring::roles::Action;
use hireloop_hiring::scorecard::{
    self, MIN_NOTE_CHARS, MIN_SUMMARY_CHARS, Problem, ScorecardInput,
};
use hireloop_store::{InterviewStatus, ScorecardRecord};

use super::{Form, OrgBar, Posted, chrome, see_other};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Ctx, Object, authorize};
use crate::hiring::service::interviews::{self, KitOut};
use crate::hiring::service::{candidates, scorecards};
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/orgs/{org}/interviews/{id}/scorecard",
        get(show).post(save),
    )
}

/// The recommendations, in the order the form offers them.
const RECOMMENDATIONS: [(Recommendation, &str, &str); 5] = [
    (
        Recommendation::StrongYes,
        "Strong yes",
        "I would fight to hire this person.",
    ),
    (Recommendation::Yes, "Yes", "Hire: the bar is met."),
    (Recommendation::No, "No", "Do not hire: the bar is not met."),
    (
        Recommendation::StrongNo,
        "Strong no",
        "I would argue against hiring.",
    ),
    (
        Recommendation::NoDecision,
        "No decision",
        "The interview did not give me enough to judge.",
    ),
];

/// What a rating of 1–4 means where a dimension's rubric does not say.
const SCALE: [&str; 4] = [
    "Well below the bar",
    "Below the bar",
    "At the bar",
    "Above the bar",
];

#[derive(Template)]
#[template(path = "hiring/scorecard.html")]
struct CardPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    interview_id: String,
    application_id: String,
    candidate: String,
    round: String,
    when: String,
    minutes: u32,
    cancelled: bool,
    kit: Option<KitOut>,
    dims: Vec<DimField>,
    recommendations: Vec<Choice>,
    recommendation_error: Option<String>,
    summary: String,
    summary_error: Option<String>,
    problems: Vec<(String, String)>,
    general: Option<String>,
    submitted: Option<String>,
    saved: Option<String>,
    min_note: usize,
    min_summary: usize,
}

/// One dimension of the form.
struct DimField {
    id: String,
    name: String,
    checks: String,
    weight: String,
    /// The four ratings with what each looks like.
    levels: Vec<Choice>,
    no_evidence: bool,
    /// Behaviours a value looks for, when the dimension is a company value.
    looks_for: Vec<String>,
    note: String,
    rating_error: Option<String>,
    note_error: Option<String>,
    /// The rating as submitted, for the read-only view.
    shown: String,
}

/// A radio choice.
struct Choice {
    value: String,
    label: String,
    hint: String,
    checked: bool,
}

/// What the form holds: ratings and notes as typed, recommendation and summary.
#[derive(Debug, Default, Clone)]
struct Typed {
    ratings: BTreeMap<String, String>,
    notes: BTreeMap<String, String>,
    recommendation: String,
    summary: String,
}

impl Typed {
    fn of_record(record: &ScorecardRecord) -> Typed {
        let input = scorecards::input_of(record);
        Typed {
            ratings: input
                .ratings
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
            notes: input.notes,
            recommendation: input
                .recommendation
                .map(|r| r.id().to_owned())
                .unwrap_or_default(),
            summary: input.summary.unwrap_or_default(),
        }
    }

    fn of_form(form: &Form, dims: &[String]) -> Typed {
        let mut t = Typed {
            recommendation: form.get("recommendation").to_owned(),
            summary: form.get("summary").to_owned(),
            ..Typed::default()
        };
        for d in dims {
            let r = form.get(&format!("rating.{d}"));
            if !r.is_empty() {
                t.ratings.insert(d.clone(), r.to_owned());
            }
            let n = form.get(&format!("note.{d}"));
            if !n.is_empty() {
                t.notes.insert(d.clone(), n.to_owned());
            }
        }
        t
    }

    /// The input the rules check, and the problems of values that are not ratings at all.
    fn input(&self) -> (ScorecardInput, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut ratings = BTreeMap::new();
        for (d, v) in &self.ratings {
            let rating = match v.as_str() {
                "no_evidence" => Some(Rating::NoEvidence),
                "1" => Some(Rating::Score(1)),
                "2" => Some(Rating::Score(2)),
                "3" => Some(Rating::Score(3)),
                "4" => Some(Rating::Score(4)),
                _ => None,
            };
            match rating {
                Some(r) => {
                    ratings.insert(d.clone(), r);
                }
                None => problems.push(Problem {
                    field: format!("ratings.{d}"),
                    message: format!("{v:?} is not a rating; choose 1–4 or no evidence"),
                }),
            }
        }
        let recommendation = RECOMMENDATIONS
            .iter()
            .find(|(r, _, _)| r.id() == self.recommendation)
            .map(|(r, _, _)| *r);
        (
            ScorecardInput {
                ratings,
                notes: self.notes.clone(),
                recommendation,
                summary: Some(self.summary.clone()),
            },
            problems,
        )
    }
}

/// Everything the page needs besides the form's values.
struct Loaded {
    ctx: Ctx,
    kit: Option<KitOut>,
    dims: Vec<String>,
    application_id: String,
    candidate: String,
    when: String,
    cancelled: bool,
    own: Option<ScorecardRecord>,
}

async fn load(state: &AppState, user: &SignedIn, slug: &str, id: &str) -> Result<Loaded, WebError> {
    let ctx = authorize(
        state,
        user,
        slug,
        Action::ScorecardSubmit,
        Object::Interview(id),
    )
    .await?;
    let interview = interviews::get(state, &ctx, id).await?.interview;
    let kit = if ctx.may(Action::KitView) {
        Some(interviews::kit(state, &ctx, id).await?)
    } else {
        None
    };
    let dims = kit
        .as_ref()
        .map(|k| k.dimensions.iter().map(|d| d.dimension.clone()).collect())
        .unwrap_or_default();
    let app = state
        .store()
        .application(ctx.org_id(), &interview.application_id)
        .await?;
    let candidate = candidates::get(state, &ctx, &app.candidate_id).await?.name;
    let own = match scorecards::own(state, &ctx, id).await {
        Ok(r) => Some(r),
        Err(WebError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(Loaded {
        kit,
        dims,
        application_id: app.id,
        candidate,
        when: fmt_time(interview.starts_ms),
        cancelled: interview.status == InterviewStatus::Cancelled,
        own,
        ctx,
    })
}

/// A rule's message with its ids said as the form says them.
fn plain(message: &str) -> String {
    message.replace("`no_evidence`", "“no evidence”").replace(
        "strong_no, no, yes, strong_yes or no_decision",
        "strong yes, yes, no, strong no or no decision",
    )
}

/// An anchor without the `3 — ` its rubric text may open with (the form shows the number).
fn anchor_text(anchor: &str, n: u8) -> String {
    let prefix = format!("{n} — ");
    anchor.strip_prefix(&prefix).unwrap_or(anchor).to_owned()
}

/// The field of the form a rule's problem belongs to (`ratings.x` → the rating of x).
fn problem_anchor(field: &str) -> String {
    if let Some(d) = field.strip_prefix("ratings.") {
        format!("rating-{d}")
    } else if let Some(d) = field.strip_prefix("notes.") {
        format!("note-{d}")
    } else {
        field.to_owned()
    }
}

fn render_page(
    user: &SignedIn,
    interview_id: &str,
    loaded: Loaded,
    typed: &Typed,
    problems: &[Problem],
    general: Option<String>,
) -> Result<Html<String>, WebError> {
    let errors_of = |field: &str| {
        let m: Vec<String> = problems
            .iter()
            .filter(|p| p.field == field)
            .map(|p| plain(&p.message))
            .collect();
        (!m.is_empty()).then(|| m.join("; "))
    };
    let submitted = loaded
        .own
        .as_ref()
        .and_then(|o| o.submitted_ms)
        .map(fmt_time);
    let dims = loaded
        .kit
        .as_ref()
        .map(|k| {
            k.dimensions
                .iter()
                .map(|d| {
                    let rating = typed.ratings.get(&d.dimension).cloned().unwrap_or_default();
                    let scale = d.anchors.len() == 4;
                    DimField {
                        id: d.dimension.clone(),
                        name: d.name.clone(),
                        checks: d.checks.clone(),
                        weight: format!("{:.0}%", d.weight * 100.0),
                        levels: (1..=4u8)
                            .map(|n| Choice {
                                value: n.to_string(),
                                label: format!("{n} · {}", SCALE[usize::from(n - 1)]),
                                hint: if scale {
                                    anchor_text(&d.anchors[usize::from(n - 1)], n)
                                } else {
                                    String::new()
                                },
                                checked: rating == n.to_string(),
                            })
                            .collect(),
                        no_evidence: rating == "no_evidence",
                        looks_for: if scale { Vec::new() } else { d.anchors.clone() },
                        note: typed.notes.get(&d.dimension).cloned().unwrap_or_default(),
                        rating_error: errors_of(&format!("ratings.{}", d.dimension)),
                        note_error: errors_of(&format!("notes.{}", d.dimension)),
                        shown: match rating.as_str() {
                            "no_evidence" => "no evidence".to_owned(),
                            "" => "not rated".to_owned(),
                            r => r.to_owned(),
                        },
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    // The summary names the dimension each problem is about.
    let dim_names: Vec<(String, String)> = loaded
        .kit
        .as_ref()
        .map(|k| {
            k.dimensions
                .iter()
                .map(|d| (d.dimension.clone(), d.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let problems_list = problems
        .iter()
        .map(|p| {
            let dim = p
                .field
                .split_once('.')
                .and_then(|(_, d)| dim_names.iter().find(|(id, _)| id == d))
                .map(|(_, name)| name.as_str());
            let label = match (dim, p.field.as_str()) {
                (Some(name), f) if f.starts_with("notes.") => format!("{name}, note"),
                (Some(name), _) => name.to_owned(),
                (None, "recommendation") => "Recommendation".to_owned(),
                (None, "summary") => "Summary".to_owned(),
                (None, f) => f.to_owned(),
            };
            (
                problem_anchor(&p.field),
                format!("{label}: {}", plain(&p.message)),
            )
        })
        .collect();
    let (round, minutes) = loaded
        .kit
        .as_ref()
        .map_or((String::new(), 0), |k| (k.name.clone(), k.minutes));
    render(&CardPage {
        chrome: chrome(user),
        title: format!("Scorecard · {round}"),
        bar: OrgBar::of(&loaded.ctx),
        interview_id: interview_id.to_owned(),
        application_id: loaded.application_id,
        candidate: loaded.candidate,
        round,
        when: loaded.when,
        minutes,
        cancelled: loaded.cancelled,
        dims,
        recommendations: RECOMMENDATIONS
            .iter()
            .map(|(r, label, hint)| Choice {
                value: r.id().to_owned(),
                label: (*label).to_owned(),
                hint: (*hint).to_owned(),
                checked: typed.recommendation == r.id(),
            })
            .collect(),
        recommendation_error: errors_of("recommendation"),
        summary: typed.summary.clone(),
        summary_error: errors_of("summary"),
        problems: problems_list,
        general,
        submitted,
        saved: loaded
            .own
            .as_ref()
            .filter(|o| o.submitted_ms.is_none())
            .and_then(|o| o.saved_ms)
            .map(fmt_time),
        kit: loaded.kit,
        min_note: MIN_NOTE_CHARS,
        min_summary: MIN_SUMMARY_CHARS,
    })
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let loaded = load(&state, &user, &slug, &id).await?;
    let typed = loaded
        .own
        .as_ref()
        .map(Typed::of_record)
        .unwrap_or_default();
    Ok(render_page(&user, &id, loaded, &typed, &[], None)?.into_response())
}

/// `POST`: `action=save` keeps a draft; `action=submit` checks and submits.
async fn save(p: Posted) -> Result<Response, WebError> {
    let loaded = load(&p.state, &p.user, &p.slug, &p.id).await?;
    let typed = Typed::of_form(&p.form, &loaded.dims);
    let (input, mut problems) = typed.input();
    let here = p.url(&format!("interviews/{}/scorecard", p.id));
    if p.form.get("action") != "submit" {
        match scorecards::save_draft(&p.state, &loaded.ctx, &p.id, &input).await {
            Ok(_) => return Ok(see_other(&format!("{here}#saved"))),
            Err(WebError::BadInput { field, message }) => {
                problems.push(Problem { field, message });
                let html = render_page(&p.user, &p.id, loaded, &typed, &problems, None)?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
            }
            Err(e) => return Err(e),
        }
    }
    let refs: Vec<&str> = loaded.dims.iter().map(String::as_str).collect();
    if let Err(found) = scorecard::validate(&refs, &input) {
        problems.extend(found);
    }
    if problems.is_empty() {
        match scorecards::submit(&p.state, &loaded.ctx, &p.id, &input).await {
            Ok(_) => {
                return Ok(see_other(
                    &p.url(&format!("applications/{}", loaded.application_id)),
                ));
            }
            Err(WebError::BadInput { message, .. } | WebError::Conflict(message)) => {
                let html = render_page(&p.user, &p.id, loaded, &typed, &[], Some(message))?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
            }
            Err(e) => return Err(e),
        }
    }
    // Keep what was typed as the draft, so leaving the page loses nothing; a draft the store
    // refuses (too long) is reported with the rest.
    let loaded = if loaded.own.as_ref().is_none_or(|o| o.submitted_ms.is_none()) {
        match scorecards::save_draft(&p.state, &loaded.ctx, &p.id, &input).await {
            Ok(record) => Loaded {
                own: Some(record),
                ..loaded
            },
            Err(WebError::BadInput { field, message }) => {
                problems.push(Problem { field, message });
                loaded
            }
            Err(e) => return Err(e),
        }
    } else {
        loaded
    };
    let html = render_page(&p.user, &p.id, loaded, &typed, &problems, None)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}
