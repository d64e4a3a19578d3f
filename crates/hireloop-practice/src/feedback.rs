//! What the candidate gives for an item and what comes back: a score on one scale for every kind
//! of item, per-dimension scores for progress charts, and the details of each kind.

use hireloop_core::Recommendation;
use serde::{Deserialize, Serialize};

use crate::coach_json::CoachGrade;
use crate::language::Language;
use crate::loop_plan::ItemKind;

/// The candidate's answer to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Free text: an answer, a number, or the text of a resume.
    Text(String),
    /// The zero-based index of the option chosen.
    Choice(usize),
}

/// A score of one rubric dimension, 0–4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    /// Dimension id.
    pub dimension: String,
    /// 0–4; the coach's grades are 1–4, a wrong keyed answer is 0.
    pub score: f64,
    /// How to do better; empty when the dimension is strong.
    #[serde(default)]
    pub advice: String,
}

/// The result of an item with an answer key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyedResult {
    /// True when the answer matches the key.
    pub correct: bool,
    /// The answer as read: the option's text, or the number.
    pub given: String,
    /// The option chosen, for a multiple-choice item.
    pub chosen: Option<usize>,
    /// The correct option, for a multiple-choice item.
    pub correct_option: Option<usize>,
    /// The correct answer as text: the option, or the value with its unit and tolerance.
    pub correct_answer: String,
    /// Why it is correct.
    pub explanation: String,
}

/// The screener's suggestion for a resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResumeSuggestion {
    /// Invite to the next stage.
    Advance,
    /// Some of what the stage looks for is missing.
    Hold,
    /// Nothing the stage looks for is there.
    Reject,
}

/// What a resume shows, as the screener counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeShows {
    /// Ownership in the owner's voice.
    pub ownership: bool,
    /// Quantified impact.
    pub impact: bool,
    /// Scale.
    pub scale: bool,
    /// High growth.
    pub growth: bool,
    /// Product-management experience.
    pub product: bool,
}

/// Words of a resume sentence that triggered a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeMark {
    /// The rule, such as `ownership.owner_voice`.
    pub rule: String,
    /// First byte in the resume text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The words.
    pub text: String,
}

/// A sentence of the resume that shows something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeFinding {
    /// What it shows: `ownership`, `impact`, `scale`, `growth` or `product`.
    pub aspect: String,
    /// First byte of the sentence in the resume text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The sentence.
    pub text: String,
    /// The words that triggered a rule.
    pub marks: Vec<ResumeMark>,
}

/// The screening of the candidate's resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeResult {
    /// Advance, hold or reject.
    pub suggestion: ResumeSuggestion,
    /// Why: the deciding rule, then one line per aspect.
    pub reasons: Vec<String>,
    /// What the suggestion counted.
    pub shows: ResumeShows,
    /// English or Chinese.
    pub language: Language,
    /// Words in the text.
    pub words: usize,
    /// Years of experience, when the resume dates its work.
    pub years: Option<f64>,
    /// The level band those years suggest, such as `P6..P7`.
    pub level_band: Option<String>,
    /// The sentences that show something, by aspect.
    pub findings: Vec<ResumeFinding>,
}

/// The details of a feedback, by kind of item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "result", rename_all = "snake_case")]
pub enum FeedbackDetail {
    /// The coach's full grade of a free-text answer.
    Open(CoachGrade),
    /// The answer checked against the key.
    Keyed(KeyedResult),
    /// The resume screening.
    Resume(ResumeResult),
}

/// The feedback on one answered item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemFeedback {
    /// The item's key in the loop (or `story:<id>` for a story).
    pub key: String,
    /// The question of the bank, if any.
    pub question: Option<String>,
    /// The question's family, if any.
    pub family: Option<String>,
    /// 0–4: the coach's overall grade, 4 or 0 for a keyed answer, the weighted screening of a
    /// resume.
    pub overall: f64,
    /// The recommendation the overall score maps to (`strong_yes` from 3.5, `yes` from 2.5, `no`
    /// from 1.75).
    pub recommendation: Recommendation,
    /// Per rubric dimension that could be assessed.
    pub scores: Vec<DimensionScore>,
    /// Mistakes named (stable ids).
    #[serde(default)]
    pub mistakes: Vec<String>,
    /// The question's model answer outline.
    #[serde(default)]
    pub outline: Vec<String>,
    /// Details by kind.
    pub detail: FeedbackDetail,
    /// Time the candidate took, set by the caller, which has the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

impl ItemFeedback {
    /// The kind of item the feedback is for.
    pub fn kind(&self) -> ItemKind {
        match self.detail {
            FeedbackDetail::Open(_) => ItemKind::Open,
            FeedbackDetail::Keyed(_) => ItemKind::Keyed,
            FeedbackDetail::Resume(_) => ItemKind::Resume,
        }
    }

    /// The score of one dimension, if it was assessed.
    pub fn score_of(&self, dimension: &str) -> Option<f64> {
        self.scores
            .iter()
            .find(|s| s.dimension == dimension)
            .map(|s| s.score)
    }
}

/// The recommendation a score maps to, with the coach's cut points.
pub fn recommendation_for(score: f64) -> Recommendation {
    if score >= 3.5 {
        Recommendation::StrongYes
    } else if score >= 2.5 {
        Recommendation::Yes
    } else if score >= 1.75 {
        Recommendation::No
    } else {
        Recommendation::StrongNo
    }
}
