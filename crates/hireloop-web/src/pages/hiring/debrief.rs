//! `/orgs/{org}/applications/{id}/debrief`: per round and dimension who said what, with
//! disagreement and missing evidence marked, the mechanical result with the bar raiser's veto,
//! the form that records the decision (an override needs a written reason) and, set apart, the
//! coach's advice, which is shown and never counted.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_core::decision::Verdict;
use hireloop_hiring::debrief::Debrief;
use hireloop_hiring::roles::Action;
use serde::Deserialize;

use super::{FormState, Names, OrgBar, Posted, chrome, refusal, see_other};
use crate::auth::SignedIn;
use crate::error::WebError;
use crate::hiring::authz::{Object, authorize};
use crate::hiring::service::decisions::{self, DecideBody, LevelQuery};
use crate::hiring::service::{candidates, requisition_range};
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/applications/{id}/debrief", get(show))
        .route("/orgs/{org}/applications/{id}/decision", post(decide))
}

/// `?level=P7`.
#[derive(Debug, Default, Deserialize)]
struct LevelParam {
    level: Option<String>,
}

#[derive(Template)]
#[template(path = "hiring/debrief.html")]
struct DebriefPage {
    chrome: Chrome,
    title: String,
    bar: OrgBar,
    id: String,
    candidate: String,
    req_title: String,
    level: String,
    levels: Vec<String>,
    /// Why the debrief cannot be shown yet (the viewer's own scorecard is missing).
    blocked: Option<String>,
    rounds: Vec<RoundRow>,
    disagreements: Vec<String>,
    missing: Vec<String>,
    advice: Vec<AdviceRow>,
    result: Option<ResultView>,
    recorded: Option<RecordedView>,
    can_decide: bool,
    form: FormState,
}

struct RoundRow {
    name: String,
    stage: String,
    assigned: Vec<String>,
    waiting: Vec<String>,
    split: bool,
    recommendations: Vec<(String, String, String, bool)>,
    dimensions: Vec<DimRow>,
}

struct DimRow {
    name: String,
    weight: String,
    said: Vec<Said>,
    spread: String,
    disagreement: bool,
    no_evidence: bool,
}

struct Said {
    who: String,
    rating: String,
    class: &'static str,
    note: Option<String>,
}

struct AdviceRow {
    round: String,
    score: String,
    recommendation: String,
}

struct ResultView {
    mechanical: String,
    mechanical_class: &'static str,
    reason: String,
    vetoed: bool,
    incomplete: bool,
}

struct RecordedView {
    outcome: String,
    mechanical: String,
    vetoed: bool,
    reason: Option<String>,
    by: String,
    when: String,
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Hire => "good",
        Verdict::Reject => "bad",
        Verdict::Incomplete => "warn",
    }
}

fn recommendation_name(id: &str) -> String {
    match id {
        "strong_no" => "Strong no",
        "no" => "No",
        "yes" => "Yes",
        "strong_yes" => "Strong yes",
        "no_decision" => "No decision",
        other => other,
    }
    .to_owned()
}

async fn show(
    State(state): State<AppState>,
    user: SignedIn,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<LevelParam>,
) -> Result<Response, WebError> {
    let level = q.level.filter(|l| !l.is_empty());
    Ok(page(&state, &user, &slug, &id, level, FormState::default())
        .await?
        .into_response())
}

async fn page(
    state: &AppState,
    user: &SignedIn,
    slug: &str,
    id: &str,
    level: Option<String>,
    form: FormState,
) -> Result<Html<String>, WebError> {
    let ctx = authorize(
        state,
        user,
        slug,
        Action::DebriefView,
        Object::Application(id),
    )
    .await?;
    let store = state.store();
    let app = store.application(ctx.org_id(), id).await?;
    let req = store.requisition(ctx.org_id(), &app.requisition_id).await?;
    let candidate = candidates::get(state, &ctx, &app.candidate_id).await?.name;
    let range = requisition_range(&req)?;
    let levels: Vec<String> = range.levels().map(|l| l.to_string()).collect();
    let level_text = level.clone().unwrap_or_else(|| range.low.to_string());
    let debrief = match decisions::view(
        state,
        &ctx,
        id,
        &LevelQuery {
            level: level.clone(),
            coach: true,
        },
    )
    .await
    {
        Ok(d) => Ok(d),
        Err(WebError::Conflict(m)) => Err(m),
        Err(e) => return Err(e),
    };
    let recorded = match decisions::get(state, &ctx, id).await {
        Ok(d) => Some(d),
        Err(WebError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let mut names = Names::default();
    let recorded = match recorded {
        Some(d) => Some(RecordedView {
            outcome: d.final_outcome.clone(),
            mechanical: d.mechanical.clone(),
            vetoed: d.vetoed,
            reason: d.override_reason.clone(),
            by: names.of(state, &d.decided_by).await?,
            when: fmt_time(d.decided_ms),
        }),
        None => None,
    };
    let (blocked, rounds, disagreements, missing, advice, result) = match debrief {
        Err(m) => (
            Some(m),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            None,
        ),
        Ok(d) => {
            let (rounds, disagreements, missing, advice, result) =
                views(state, &mut names, &d).await?;
            (None, rounds, disagreements, missing, advice, Some(result))
        }
    };
    render(&DebriefPage {
        chrome: chrome(user),
        title: format!("Debrief · {candidate}"),
        bar: OrgBar::of(&ctx),
        id: id.to_owned(),
        candidate,
        req_title: req.title.clone(),
        level: level_text,
        levels,
        blocked,
        rounds,
        disagreements,
        missing,
        advice,
        result,
        can_decide: ctx.may(Action::DecisionDecide) && recorded.is_none(),
        recorded,
        form,
    })
}

type Views = (
    Vec<RoundRow>,
    Vec<String>,
    Vec<String>,
    Vec<AdviceRow>,
    ResultView,
);

/// The debrief as the page shows it: names for ids, words for codes.
async fn views(state: &AppState, names: &mut Names, d: &Debrief) -> Result<Views, WebError> {
    let content = state.content();
    let dim_name = |id: &str| {
        content
            .dimension(id)
            .map(|x| x.name.clone())
            .or_else(|| {
                content
                    .values
                    .iter()
                    .find(|v| v.id == id)
                    .map(|v| v.name.clone())
            })
            .unwrap_or_else(|| id.to_owned())
    };
    let round_names: HashMap<&str, &str> = d
        .rounds
        .iter()
        .map(|r| (r.round.as_str(), r.name.as_str()))
        .collect();
    let stage_name = |id: &str| {
        content
            .pipelines
            .iter()
            .flat_map(|p| p.stages.iter())
            .find(|s| s.id == id)
            .map_or_else(|| id.to_owned(), |s| s.name.clone())
    };
    let mut rounds = Vec::new();
    for r in &d.rounds {
        let mut assigned = Vec::new();
        let mut waiting = Vec::new();
        for a in &r.assigned {
            let n = names.of(state, a).await?;
            if !r.submitted.contains(a) {
                waiting.push(n.clone());
            }
            assigned.push(n);
        }
        let mut recommendations = Vec::new();
        for s in &r.recommendations {
            recommendations.push((
                names.of(state, &s.interviewer).await?,
                recommendation_name(s.recommendation.id()),
                s.summary.clone(),
                s.recommendation.is_negative(),
            ));
        }
        let mut dimensions = Vec::new();
        for dim in &r.dimensions {
            let mut said = Vec::new();
            for s in &dim.said {
                let (rating, class) = match s.rating.value() {
                    Some(v) => (
                        v.to_string(),
                        match v {
                            1 => "r1",
                            2 => "r2",
                            3 => "r3",
                            _ => "r4",
                        },
                    ),
                    None => ("no evidence".to_owned(), "rne"),
                };
                said.push(Said {
                    who: names.of(state, &s.interviewer).await?,
                    rating,
                    class,
                    note: s.note.clone(),
                });
            }
            dimensions.push(DimRow {
                name: dim_name(&dim.dimension),
                weight: format!("{:.0}%", dim.weight * 100.0),
                no_evidence: !dim.said.is_empty()
                    && dim.said.iter().all(|s| s.rating.value().is_none()),
                said,
                spread: dim.spread.map(|s| s.to_string()).unwrap_or_default(),
                disagreement: dim.disagreement,
            });
        }
        rounds.push(RoundRow {
            name: r.name.clone(),
            stage: stage_name(&r.stage),
            assigned,
            waiting,
            split: r.split_recommendation,
            recommendations,
            dimensions,
        });
    }
    let mut flag_text: Vec<Vec<String>> = Vec::new();
    for group in [&d.disagreements, &d.missing_evidence] {
        let mut out = Vec::new();
        for f in group {
            let round = round_names
                .get(f.round.as_str())
                .map_or_else(|| f.round.clone(), |n| (*n).to_owned());
            if let Some(i) = &f.interviewer {
                names.of(state, i).await?;
            }
            out.push(format!("{round} — {}", f.detail));
        }
        flag_text.push(out);
    }
    // The engine's sentences name people by user id and rounds, stages and dimensions by
    // their ids: say them as people read them.
    let mut words: Vec<(String, String)> = names
        .0
        .iter()
        .map(|(id, name)| (id.clone(), name.clone()))
        .collect();
    for r in &d.rounds {
        words.push((format!("`{}`", r.round), r.name.clone()));
        if r.round.contains('-') {
            words.push((r.round.clone(), r.name.clone()));
        }
        words.push((format!("`{}`", r.stage), stage_name(&r.stage)));
        for dim in &r.dimensions {
            words.push((format!("`{}`", dim.dimension), dim_name(&dim.dimension)));
        }
    }
    for (id, said) in [
        ("strong_yes", "strong yes"),
        ("strong_no", "strong no"),
        ("no_decision", "no decision"),
    ] {
        words.push((id.to_owned(), said.to_owned()));
    }
    let human = |text: &str| {
        words.iter().fold(text.to_owned(), |t, (from, to)| {
            t.replace(from.as_str(), to)
        })
    };
    let mut flag_text: Vec<Vec<String>> = flag_text
        .into_iter()
        .map(|group| group.iter().map(|t| human(t)).collect())
        .collect();
    let missing = flag_text.pop().unwrap_or_default();
    let disagreements = flag_text.pop().unwrap_or_default();
    let advice = d
        .advice
        .iter()
        .map(|a| AdviceRow {
            round: round_names
                .get(a.round.as_str())
                .map_or_else(|| a.round.clone(), |n| (*n).to_owned()),
            score: a.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
            recommendation: recommendation_name(a.recommendation.id()),
        })
        .collect();
    let step = &d.decision;
    let result = ResultView {
        mechanical: step.mechanical.to_string(),
        mechanical_class: verdict_class(step.mechanical),
        reason: capitalised(&human(&step.mechanical_reason)),
        vetoed: step.vetoed,
        incomplete: step.mechanical == Verdict::Incomplete,
    };
    Ok((rounds, disagreements, missing, advice, result))
}

/// A sentence with its first letter in capitals.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `POST /orgs/{org}/applications/{id}/decision`: records the mechanical result, or an
/// override (`override_decision` = `hire`/`reject`) with its written reason.
async fn decide(p: Posted) -> Result<Response, WebError> {
    let ctx = p
        .authorize(Action::DecisionDecide, Object::Application(&p.id))
        .await?;
    let level = Some(p.form.get("level").to_owned()).filter(|l| !l.is_empty());
    let result = decisions::decide(
        &p.state,
        &ctx,
        &p.id,
        &DecideBody {
            level: level.clone(),
            override_decision: Some(p.form.get("override_decision").to_owned()),
            override_reason: Some(p.form.get("override_reason").to_owned()),
        },
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(&p.url(&format!("applications/{}/debrief", p.id)))),
        Err(e) => {
            // A refused override (the veto is final) is shown on the form, like a bad field.
            let (status, e) = match e {
                WebError::Denied(m) => (StatusCode::FORBIDDEN, WebError::Conflict(m)),
                WebError::BadInput { field, .. } if field == "override_reason" => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    WebError::bad(
                        field,
                        "an override needs a written reason of at least 20 characters: say \
                         what the panel's evidence misses",
                    ),
                ),
                WebError::BadInput { .. } => (StatusCode::UNPROCESSABLE_ENTITY, e),
                other => (StatusCode::CONFLICT, other),
            };
            let refused = refusal("decide", p.form, e)?;
            let html = page(&p.state, &p.user, &p.slug, &p.id, level, refused).await?;
            Ok((status, html).into_response())
        }
    }
}
