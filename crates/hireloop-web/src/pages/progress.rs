//! Progress over time: dimension scores, the self-rating against the coach's, practice per
//! question family, recent attempts and the spaced-repetition schedule.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Html;
use axum::routing::get;
use hireloop_practice::ItemFeedback;
use hireloop_practice::progress::{Attempt, Direction, Progress, SelfRating};

use hireloop_practice::stories::Story;
use hireloop_report::svg;

use crate::auth::SignedIn;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::{Chrome, fmt_time, render};

/// How many past answers the page reads.
const HISTORY_LIMIT: i64 = 1_000;
/// How many recent attempts the table lists.
const RECENT: usize = 20;
/// How many dimensions the chart draws unless asked for others (a longer legend is unreadable).
const DEFAULT_DIMENSIONS: usize = 4;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/progress", get(page))
}

/// A question family's name, or its id when the content does not have it.
pub(super) fn family_name(state: &AppState, id: &str) -> String {
    if id == "resume" {
        return "Resume".to_owned();
    }
    state
        .content()
        .families
        .iter()
        .find(|f| f.id == id)
        .map_or_else(|| id.to_owned(), |f| f.name.clone())
}

/// A rubric dimension's (or company value's) name, or its id.
pub(super) fn dimension_name(state: &AppState, id: &str) -> String {
    let content = state.content();
    content
        .dimensions
        .iter()
        .find(|d| d.id == id)
        .map(|d| d.name.clone())
        .or_else(|| {
            content
                .values
                .iter()
                .find(|v| v.id == id)
                .map(|v| v.name.clone())
        })
        .unwrap_or_else(|| id.to_owned())
}

/// When a review is due, in words: `due now`, `in 5 hours`, `in 3 days`; and whether it is due.
pub(super) fn due_in_words(due_ms: i64, now_ms: i64) -> (String, bool) {
    let left = due_ms - now_ms;
    if left <= 0 {
        return ("due now".to_owned(), true);
    }
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("in 1 {unit}")
        } else {
            format!("in {n} {unit}s")
        }
    };
    let text = if left < HOUR_MS {
        plural((left / 60_000).max(1), "minute")
    } else if left < 22 * HOUR_MS {
        plural((left + HOUR_MS / 2) / HOUR_MS, "hour")
    } else if left < 60 * DAY_MS {
        plural((left + DAY_MS / 2) / DAY_MS, "day")
    } else {
        plural((left + 15 * DAY_MS) / (30 * DAY_MS), "month")
    };
    (text, false)
}

/// The class of a 0–4 score: `good` from 3, `bad` under 2.
pub(super) fn score_class(score: f64) -> &'static str {
    if score >= 3.0 {
        "good"
    } else if score < 2.0 {
        "bad"
    } else {
        ""
    }
}

struct AttemptRow {
    date: String,
    title: String,
    link: String,
    family: String,
    score: String,
    score_class: &'static str,
    self_rating: Option<i64>,
}

struct ReviewRow {
    label: String,
    kind: &'static str,
    link: String,
    when: String,
    due: bool,
    reps: u32,
}

struct DimChoice {
    id: String,
    name: String,
    checked: bool,
    attempts: usize,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    chrome: Chrome,
    title: String,
    attempts: usize,
    mean: String,
    families: usize,
    dim_chart: String,
    dims: Vec<DimChoice>,
    gap_chart: Option<String>,
    gap_words: Vec<String>,
    family_chart: String,
    recent: Vec<AttemptRow>,
    reviews: Vec<ReviewRow>,
    due_now: usize,
}

/// The dimensions asked for in the query (`?dim=a&dim=b`).
fn chosen_dimensions(query: Option<&str>) -> Vec<String> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k == "dim")
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The time axis of the charts: seconds, minutes, hours or days since the first answer, whichever reads
/// best for the span of the answers (a first session spans minutes, a month of practice days).
struct TimeAxis {
    first_ms: i64,
    unit_ms: i64,
    label: &'static str,
}

impl TimeAxis {
    fn of(progress: &Progress) -> TimeAxis {
        let first_ms = progress.first_ms.unwrap_or(0);
        let last_ms = progress
            .dimensions
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.at_ms))
            .chain(progress.gaps.iter().map(|g| g.at_ms))
            .max()
            .unwrap_or(first_ms);
        let span = last_ms - first_ms;
        let (unit_ms, label) = if span < 180_000 {
            (1_000, "seconds since your first answer")
        } else if span < 3 * HOUR_MS {
            (60_000, "minutes since your first answer")
        } else if span < 3 * DAY_MS {
            (HOUR_MS, "hours since your first answer")
        } else {
            (DAY_MS, "days since your first answer")
        };
        TimeAxis {
            first_ms,
            unit_ms,
            label,
        }
    }

    fn at(&self, at_ms: i64) -> f64 {
        (at_ms - self.first_ms) as f64 / self.unit_ms as f64
    }
}

/// The self-rating gap of each rated answer over time.
fn gap_chart(progress: &Progress) -> String {
    let axis = TimeAxis::of(progress);
    let points: Vec<(f64, f64)> = progress
        .gaps
        .iter()
        .map(|g| (axis.at(g.at_ms), g.gap))
        .collect();
    svg::lines(
        "Your rating minus the coach's",
        axis.label,
        "points (above 0: you rated higher)",
        &[svg::Series {
            name: "your rating − the coach's",
            points: &points,
        }],
    )
}

/// The dimension chart, with the content's names in the legend.
fn dimension_chart(state: &AppState, progress: &Progress, chosen: &[&str]) -> String {
    let axis = TimeAxis::of(progress);
    let picked: Vec<_> = progress
        .dimensions
        .iter()
        .filter(|s| chosen.contains(&s.dimension.as_str()))
        .collect();
    let names: Vec<String> = picked
        .iter()
        .map(|s| dimension_name(state, &s.dimension))
        .collect();
    let points: Vec<Vec<(f64, f64)>> = picked
        .iter()
        .map(|s| {
            s.points
                .iter()
                .map(|p| (axis.at(p.at_ms), p.score))
                .collect()
        })
        .collect();
    let series: Vec<svg::Series<'_>> = names
        .iter()
        .zip(&points)
        .map(|(name, points)| svg::Series { name, points })
        .collect();
    svg::lines(
        "Dimension scores over time",
        axis.label,
        "score (0–4)",
        &series,
    )
}

/// Practice per family, with the content's names.
fn family_chart(state: &AppState, progress: &Progress) -> String {
    let names: Vec<String> = progress
        .families
        .iter()
        .map(|f| family_name(state, &f.family))
        .collect();
    let rows: Vec<svg::Bar<'_>> = progress
        .families
        .iter()
        .zip(&names)
        .map(|(f, label)| svg::Bar {
            label,
            value: f.attempts as f64,
            caption: format!(
                "{} answer{} · mean score {:.1}",
                f.attempts,
                if f.attempts == 1 { "" } else { "s" },
                f.mean_overall
            ),
        })
        .collect();
    svg::bars("Answers per question family", &rows)
}

/// The self-rating gap in sentences.
fn gap_words(progress: &Progress) -> Vec<String> {
    let gaps = &progress.gaps;
    if gaps.is_empty() {
        return vec![
            "You have not rated any answer yet. Pick a rating (1–4) when you submit an answer, \
             and this chart will show how your judgement compares with the coach's."
                .to_owned(),
        ];
    }
    let mean = gaps.iter().map(|g| g.gap).sum::<f64>() / gaps.len() as f64;
    let mut words = vec![if mean > 0.25 {
        format!(
            "On average you rate your answers {mean:.1} points higher than the coach does: \
             check each answer against the rubric before you rate it."
        )
    } else if mean < -0.25 {
        format!(
            "On average you rate your answers {:.1} points lower than the coach does: you may \
             be underselling good answers.",
            -mean
        )
    } else {
        "Your ratings are close to the coach's: within a quarter of a point on average.".to_owned()
    }];
    match &progress.gap_trend {
        None => words.push("Rate one more answer to see whether the gap is closing.".to_owned()),
        Some(t) => words.push(match t.direction {
            Direction::Narrowing => format!(
                "The gap is closing: {:.1} points on your earlier rated answers, {:.1} on the \
                 later ones.",
                t.earlier, t.later
            ),
            Direction::Widening => format!(
                "The gap is growing: {:.1} points on your earlier rated answers, {:.1} on the \
                 later ones.",
                t.earlier, t.later
            ),
            Direction::Steady => format!(
                "The gap is steady at about {:.1} points from your earlier to your later rated \
                 answers.",
                t.later
            ),
        }),
    }
    words
}

async fn page(
    State(state): State<AppState>,
    user: SignedIn,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, WebError> {
    let uid = &user.user().id;
    let content = state.content();
    let now = state.now_ms();
    let history = state.store().history(uid, HISTORY_LIMIT).await?;
    let mut attempts = Vec::with_capacity(history.len());
    let mut recent = Vec::new();
    for a in &history {
        let (Some(at_ms), Some(json)) = (a.submitted_ms, a.feedback.as_deref()) else {
            continue;
        };
        let Ok(feedback) = serde_json::from_str::<ItemFeedback>(json) else {
            tracing::warn!(loop_id = %a.loop_id, item = %a.item_key, "unreadable stored feedback");
            continue;
        };
        let self_rating = a
            .self_rating
            .and_then(|r| u8::try_from(r).ok())
            .map(|r| SelfRating {
                overall: Some(r),
                dimensions: BTreeMap::new(),
            });
        attempts.push(Attempt::from_feedback(at_ms, &feedback, self_rating));
        recent.push(AttemptRow {
            date: fmt_time(at_ms),
            title: content.question(&a.question_id).map_or_else(
                || {
                    if a.family == "resume" {
                        "Your resume".to_owned()
                    } else {
                        a.question_id.clone()
                    }
                },
                |q| q.title.clone(),
            ),
            link: format!("/loops/{}/rounds/{}", a.loop_id, a.item_key),
            family: family_name(&state, &a.family),
            score: format!("{:.1}", feedback.overall),
            score_class: score_class(feedback.overall),
            self_rating: a.self_rating,
        });
    }
    recent.reverse();
    recent.truncate(RECENT);
    let progress = Progress::compute(&attempts);

    // The dimensions drawn: those asked for, else the most practised.
    let asked = chosen_dimensions(query.as_deref());
    let mut by_count: Vec<_> = progress.dimensions.iter().collect();
    by_count.sort_by(|a, b| {
        b.points
            .len()
            .cmp(&a.points.len())
            .then_with(|| a.dimension.cmp(&b.dimension))
    });
    let known = |d: &str| progress.dimensions.iter().any(|s| s.dimension == d);
    let mut chosen: Vec<&str> = asked
        .iter()
        .map(String::as_str)
        .filter(|d| known(d))
        .collect();
    if chosen.is_empty() {
        chosen = by_count
            .iter()
            .take(DEFAULT_DIMENSIONS)
            .map(|s| s.dimension.as_str())
            .collect();
    }
    let mut dims: Vec<DimChoice> = progress
        .dimensions
        .iter()
        .map(|s| DimChoice {
            id: s.dimension.clone(),
            name: dimension_name(&state, &s.dimension),
            checked: chosen.contains(&s.dimension.as_str()),
            attempts: s.points.len(),
        })
        .collect();
    dims.sort_by(|a, b| a.name.cmp(&b.name));

    // The review schedule, soonest first.
    let stories: BTreeMap<String, String> = state
        .store()
        .stories(uid)
        .await?
        .into_iter()
        .map(|r| {
            let title = serde_json::from_str::<Story>(&r.story)
                .map(|s| s.title)
                .unwrap_or_else(|_| "A story".to_owned());
            (r.id, title)
        })
        .collect();
    let cards = crate::service::review_cards(&state, uid).await?;
    let reviews: Vec<ReviewRow> = cards
        .iter()
        .map(|c| {
            let (when, due) = due_in_words(c.due_ms, now);
            let (label, kind, link) = if let Some(f) = c.subject.strip_prefix("family:") {
                (
                    family_name(&state, f),
                    "Question family",
                    "/practice".to_owned(),
                )
            } else if let Some(id) = c.subject.strip_prefix("story:") {
                (
                    stories
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| "A deleted story".to_owned()),
                    "STAR story",
                    format!("/stories/{id}"),
                )
            } else {
                (c.subject.clone(), "Other", String::new())
            };
            ReviewRow {
                label,
                kind,
                link,
                when,
                due,
                reps: c.reps,
            }
        })
        .collect();

    let mean = if attempts.is_empty() {
        String::new()
    } else {
        format!(
            "{:.1}",
            attempts.iter().map(|a| a.overall).sum::<f64>() / attempts.len() as f64
        )
    };
    render(&ProgressPage {
        chrome: Chrome::signed_in(&user, "progress"),
        title: "Progress".to_owned(),
        attempts: attempts.len(),
        mean,
        families: progress.families.len(),
        dim_chart: dimension_chart(&state, &progress, &chosen),
        dims,
        gap_chart: (!progress.gaps.is_empty()).then(|| gap_chart(&progress)),
        gap_words: gap_words(&progress),
        family_chart: family_chart(&state, &progress),
        due_now: reviews.iter().filter(|r| r.due).count(),
        recent,
        reviews,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_read_as_words() {
        let now = 1_000 * DAY_MS;
        assert_eq!(due_in_words(now - 5, now), ("due now".to_owned(), true));
        assert_eq!(due_in_words(now, now).0, "due now");
        assert_eq!(due_in_words(now + 90_000, now).0, "in 1 minute");
        assert_eq!(due_in_words(now + 5 * HOUR_MS, now).0, "in 5 hours");
        assert_eq!(due_in_words(now + DAY_MS, now).0, "in 1 day");
        assert_eq!(due_in_words(now + DAY_MS - 60_000, now).0, "in 1 day");
        assert_eq!(due_in_words(now + 3 * DAY_MS + HOUR_MS, now).0, "in 3 days");
        assert_eq!(due_in_words(now + 90 * DAY_MS, now).0, "in 3 months");
    }

    #[test]
    fn the_query_chooses_dimensions() {
        assert_eq!(
            chosen_dimensions(Some("dim=a&x=1&dim=b%20c")),
            vec!["a".to_owned(), "b c".to_owned()]
        );
        assert!(chosen_dimensions(None).is_empty());
    }
}
