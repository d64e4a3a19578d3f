//! The coach's grade as a value the store can read back.
//!
//! The coach's own result is written out as a documented JSON contract but not read back; these
//! types mirror it field for field, so a stored grade reads back and writes out as the same JSON
//! the coach produces (a test holds them equal).

use hireloop_coach::grade::Grade;
use hireloop_coach::numbers::Fit;
use hireloop_core::Recommendation;
use serde::{Deserialize, Serialize};

use crate::language::Language;

/// A piece of the answer that a score rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachEvidence {
    /// Byte offset of the first byte, in the answer as given.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The text.
    pub text: String,
}

/// The grade of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachDimension {
    /// Dimension id.
    pub id: String,
    /// 1.0–4.0 in steps of 0.5, or null when the coach cannot assess it.
    pub score: Option<f64>,
    /// Weight in the rubric.
    pub weight: f64,
    /// What the score rests on.
    pub evidence: Vec<CoachEvidence>,
    /// How to do better; empty when the dimension is strong.
    pub advice: String,
}

/// Which concepts the answer covered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoachCoverage {
    /// Concepts covered.
    pub hit: Vec<String>,
    /// Concepts missed.
    pub missed: Vec<String>,
}

/// A calculation in the answer, recomputed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachCalculation {
    /// As written.
    pub text: String,
    /// The result the answer states.
    pub stated: f64,
    /// The result of the arithmetic.
    pub computed: f64,
    /// True when they differ by more than rounding.
    pub slip: bool,
}

/// How an estimate compares with the sound range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateFit {
    /// Inside the range.
    InRange,
    /// Within 30% beyond either end.
    Close,
    /// Within a factor of ten.
    SameMagnitude,
    /// Further off.
    Off,
}

/// An A/B answer's decision against the figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachAbCheck {
    /// Revenue per visitor in control.
    pub control_rpv: f64,
    /// Revenue per visitor in treatment.
    pub treatment_rpv: f64,
    /// `ship` or `dont_ship`, from revenue per visitor.
    pub expected: String,
    /// `ship`, `dont_ship` or `unclear`, from the answer.
    pub answer: String,
}

/// What the numbers of the answer showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoachNumbers {
    /// Quantities claimed.
    pub claims: usize,
    /// "From X to Y" statements.
    pub from_to: usize,
    /// Calculations recomputed.
    pub calculations: Vec<CoachCalculation>,
    /// The final figure of an estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_figure: Option<f64>,
    /// How the final figure compares with the sound range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<EstimateFit>,
    /// For an A/B question: the decision implied and the one made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ab: Option<CoachAbCheck>,
}

/// One rule that fired and what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachTrace {
    /// Rule id.
    pub rule: String,
    /// What it did.
    pub effect: String,
}

/// The coach's grade of one answer, in the coach's JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachGrade {
    /// Question id, or `custom:<family>`.
    pub question: String,
    /// Language of the answer.
    pub language: Language,
    /// Weighted score, 1.0–4.0.
    pub overall: f64,
    /// The recommendation the overall score maps to.
    pub recommendation: Recommendation,
    /// Per dimension of the rubric.
    pub dimensions: Vec<CoachDimension>,
    /// Mistakes found (stable ids).
    pub mistakes: Vec<String>,
    /// Concepts covered and missed.
    pub coverage: CoachCoverage,
    /// Words in the answer.
    pub words: usize,
    /// What the numbers showed.
    pub numbers: CoachNumbers,
    /// Every rule that fired.
    pub trace: Vec<CoachTrace>,
}

impl From<&Grade> for CoachGrade {
    fn from(g: &Grade) -> Self {
        CoachGrade {
            question: g.question.clone(),
            language: match g.language {
                hireloop_coach::text::Language::En => Language::En,
                hireloop_coach::text::Language::Zh => Language::Zh,
            },
            overall: g.overall,
            recommendation: g.recommendation,
            dimensions: g
                .dimensions
                .iter()
                .map(|d| CoachDimension {
                    id: d.id.clone(),
                    score: d.score,
                    weight: d.weight,
                    evidence: d
                        .evidence
                        .iter()
                        .map(|e| CoachEvidence {
                            start: e.start,
                            end: e.end,
                            text: e.text.clone(),
                        })
                        .collect(),
                    advice: d.advice.clone(),
                })
                .collect(),
            mistakes: g.mistakes.clone(),
            coverage: CoachCoverage {
                hit: g.coverage.hit.clone(),
                missed: g.coverage.missed.clone(),
            },
            words: g.words,
            numbers: CoachNumbers {
                claims: g.numbers.claims,
                from_to: g.numbers.from_to,
                calculations: g
                    .numbers
                    .calculations
                    .iter()
                    .map(|c| CoachCalculation {
                        text: c.text.clone(),
                        stated: c.stated,
                        computed: c.computed,
                        slip: c.slip,
                    })
                    .collect(),
                final_figure: g.numbers.final_figure,
                fit: g.numbers.fit.map(|f| match f {
                    Fit::InRange => EstimateFit::InRange,
                    Fit::Close => EstimateFit::Close,
                    Fit::SameMagnitude => EstimateFit::SameMagnitude,
                    Fit::Off => EstimateFit::Off,
                }),
                ab: g.numbers.ab.as_ref().map(|a| CoachAbCheck {
                    control_rpv: a.control_rpv,
                    treatment_rpv: a.treatment_rpv,
                    expected: a.expected.clone(),
                    answer: a.answer.clone(),
                }),
            },
            trace: g
                .trace
                .iter()
                .map(|t| CoachTrace {
                    rule: t.rule.clone(),
                    effect: t.effect.clone(),
                })
                .collect(),
        }
    }
}
