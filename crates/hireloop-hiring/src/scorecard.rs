//! One interviewer's scorecard for one round: validation, who may read others' scorecards, and
//! which scorecards are overdue.
//!
//! Structured hiring depends on independent judgements: each rubric dimension of the round is
//! rated (or explicitly marked `no_evidence`), extreme ratings are justified in writing, and
//! nobody on the panel reads the others' scorecards before submitting their own.

use std::collections::{BTreeMap, BTreeSet};

use hireloop_core::decision::{Evaluation, Evaluator};
use hireloop_core::{Rating, Recommendation};
use serde::{Deserialize, Serialize};

use crate::roles::Role;

/// The fewest characters of a note justifying a rating of 1 or 4: an extreme rating must say what
/// the interviewer saw, in a sentence, not a word.
pub const MIN_NOTE_CHARS: usize = 30;

/// The fewest characters of the summary.
pub const MIN_SUMMARY_CHARS: usize = 20;

/// The most characters of any one text field, so one scorecard cannot flood the store.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Twenty-four hours: the usual time after an interview ends before its scorecard is overdue.
pub const DEFAULT_GRACE_MS: i64 = 24 * 60 * 60 * 1000;

/// A scorecard as the interviewer submits it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardInput {
    /// Rating per rubric dimension id.
    #[serde(default)]
    pub ratings: BTreeMap<String, Rating>,
    /// Note per rubric dimension id.
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
    /// Overall recommendation; required.
    #[serde(default)]
    pub recommendation: Option<Recommendation>,
    /// What the interviewer concluded, in a few sentences; required.
    #[serde(default)]
    pub summary: Option<String>,
}

/// A problem with a scorecard, and the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The field, as a path: `ratings.structure`, `notes.ownership`, `recommendation`, `summary`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// One dimension of a valid scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    /// Dimension id.
    pub dimension: String,
    /// The rating.
    pub rating: Rating,
    /// The note, trimmed; absent when none was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A valid scorecard: every dimension of the round rated, in the round's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Ratings, in the order of the round's dimensions.
    pub ratings: Vec<DimensionScore>,
    /// Overall recommendation.
    pub recommendation: Recommendation,
    /// The summary, trimmed.
    pub summary: String,
}

impl Scorecard {
    /// The rating of a dimension.
    pub fn rating(&self, dimension: &str) -> Option<Rating> {
        self.ratings
            .iter()
            .find(|d| d.dimension == dimension)
            .map(|d| d.rating)
    }

    /// The scorecard as the decision engine's input for `round`, by `evaluator`.
    pub fn to_evaluation(&self, round: &str, evaluator: Evaluator) -> Evaluation {
        Evaluation {
            round: round.to_string(),
            evaluator,
            ratings: self
                .ratings
                .iter()
                .map(|d| (d.dimension.clone(), d.rating))
                .collect(),
            recommendation: self.recommendation,
            notes: Some(self.summary.clone()),
        }
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Checks a scorecard against the dimensions of its round and returns every problem at once.
///
/// Rules: every dimension of the round is rated (`no_evidence` is an explicit answer, a missing
/// rating is not); no rating or note names a dimension outside the round; a rating of 1 or 4 has a
/// note of at least [`MIN_NOTE_CHARS`] characters; the recommendation is given; the summary has at
/// least [`MIN_SUMMARY_CHARS`] characters; no text exceeds [`MAX_TEXT_CHARS`].
pub fn validate(dimensions: &[&str], input: &ScorecardInput) -> Result<Scorecard, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut push = |field: String, message: String| problems.push(Problem { field, message });
    let known: BTreeSet<&str> = dimensions.iter().copied().collect();
    let listed = dimensions.join(", ");

    for dim in input.ratings.keys() {
        if !known.contains(dim.as_str()) {
            push(
                format!("ratings.{dim}"),
                format!("this round does not assess `{dim}`; it assesses {listed}"),
            );
        }
    }
    for dim in input.notes.keys() {
        if !known.contains(dim.as_str()) {
            push(
                format!("notes.{dim}"),
                format!(
                    "a note on `{dim}`, which this round does not assess; it assesses {listed}"
                ),
            );
        }
    }

    let mut ratings = Vec::with_capacity(dimensions.len());
    for &dim in dimensions {
        let note = input
            .notes
            .get(dim)
            .map(|n| n.trim())
            .filter(|n| !n.is_empty());
        if let Some(n) = note
            && chars(n) > MAX_TEXT_CHARS
        {
            push(
                format!("notes.{dim}"),
                format!(
                    "the note has {} characters; the most is {MAX_TEXT_CHARS}",
                    chars(n)
                ),
            );
        }
        let Some(&rating) = input.ratings.get(dim) else {
            push(
                format!("ratings.{dim}"),
                "not rated; rate it 1–4, or `no_evidence` if the interview did not show it"
                    .to_string(),
            );
            continue;
        };
        if let Rating::Score(v) = rating {
            if !(1..=4).contains(&v) {
                push(
                    format!("ratings.{dim}"),
                    format!("{v} is outside the scale; a rating is 1–4 or `no_evidence`"),
                );
            } else if (v == 1 || v == 4) && note.is_none_or(|n| chars(n) < MIN_NOTE_CHARS) {
                push(
                    format!("notes.{dim}"),
                    format!(
                        "a rating of {v} needs a note of at least {MIN_NOTE_CHARS} characters saying what you saw"
                    ),
                );
            }
        }
        ratings.push(DimensionScore {
            dimension: dim.to_string(),
            rating,
            note: note.map(str::to_string),
        });
    }

    if input.recommendation.is_none() {
        push(
            "recommendation".to_string(),
            "choose an overall recommendation: strong_no, no, yes, strong_yes or no_decision"
                .to_string(),
        );
    }
    let summary = input.summary.as_deref().map(str::trim).unwrap_or_default();
    if chars(summary) < MIN_SUMMARY_CHARS {
        push(
            "summary".to_string(),
            format!("write a summary of at least {MIN_SUMMARY_CHARS} characters"),
        );
    } else if chars(summary) > MAX_TEXT_CHARS {
        push(
            "summary".to_string(),
            format!(
                "the summary has {} characters; the most is {MAX_TEXT_CHARS}",
                chars(summary)
            ),
        );
    }

    match input.recommendation {
        Some(recommendation) if problems.is_empty() => Ok(Scorecard {
            ratings,
            recommendation,
            summary: summary.to_string(),
        }),
        _ => Err(problems),
    }
}

/// May `viewer_role` read the other scorecards of an application?
///
/// - A member on the panel (assigned to any interview of the application, whatever their role,
///   so also a hiring manager or bar raiser who interviews) sees the others only after submitting
///   every scorecard they owe for it (`own_submitted`): their judgement stays independent.
/// - Off the panel: recruiters, hiring managers and bar raisers see them (they coordinate,
///   decide and guard the bar; they do not rate, so they cannot be anchored); admins do not
///   (they administer, and the table in `roles` gives them no access); interviewers do not (an
///   interviewer off the panel has no business with the application).
/// - Candidates never do.
///
/// This is the timing rule; the server also checks `roles::Action::ScorecardViewOthers`, which
/// ties the right to the requisition's team or the assignment.
pub fn can_see_others(viewer_role: Role, viewer_is_on_panel: bool, own_submitted: bool) -> bool {
    match viewer_role {
        Role::Candidate => false,
        _ if viewer_is_on_panel => own_submitted,
        Role::Recruiter | Role::HiringManager | Role::BarRaiser => true,
        Role::Admin | Role::Interviewer => false,
    }
}

/// An interviewer's assignment to a round, as the reminder job sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Application id.
    pub application: String,
    /// Round id.
    pub round: String,
    /// The interviewer (a member id).
    pub interviewer: String,
    /// When the scorecard is due, ms since the epoch (UTC); see [`due_ms`].
    pub due_ms: i64,
    /// True once the scorecard is submitted.
    pub submitted: bool,
}

/// When a scorecard is due: the interview's end plus a grace period (such as
/// [`DEFAULT_GRACE_MS`]).
pub fn due_ms(interview_end_ms: i64, grace_ms: i64) -> i64 {
    interview_end_ms.saturating_add(grace_ms.max(0))
}

/// A scorecard past its due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    /// Application id.
    pub application: String,
    /// Round id.
    pub round: String,
    /// The interviewer who owes it.
    pub interviewer: String,
    /// When it was due.
    pub due_ms: i64,
    /// How late it is at `now_ms`.
    pub late_by_ms: i64,
}

/// The unsubmitted scorecards whose due time has passed at `now_ms`, the latest first (ties by
/// application, round and interviewer, so the order is stable).
pub fn overdue(assignments: &[Assignment], now_ms: i64) -> Vec<Overdue> {
    let mut out: Vec<Overdue> = assignments
        .iter()
        .filter(|a| !a.submitted && now_ms > a.due_ms)
        .map(|a| Overdue {
            application: a.application.clone(),
            round: a.round.clone(),
            interviewer: a.interviewer.clone(),
            due_ms: a.due_ms,
            late_by_ms: now_ms.saturating_sub(a.due_ms),
        })
        .collect();
    out.sort_by(|a, b| {
        b.late_by_ms
            .cmp(&a.late_by_ms)
            .then_with(|| a.application.cmp(&b.application))
            .then_with(|| a.round.cmp(&b.round))
            .then_with(|| a.interviewer.cmp(&b.interviewer))
    });
    out
}
