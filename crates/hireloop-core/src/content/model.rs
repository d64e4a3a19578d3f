//! The content types: what a process owner writes in `content/`, after loading and checking.

use serde::Serialize;

use crate::level::{Level, LevelRange};
use crate::pipeline::StageKind;

/// A rubric dimension with anchored descriptions of ratings 1–4.
#[derive(Debug, Clone, Serialize)]
pub struct Dimension {
    /// Stable id, such as `two_sided`.
    pub id: String,
    /// English name.
    pub name: String,
    /// Simplified Chinese name.
    pub name_zh: String,
    /// What the dimension looks for.
    pub checks: String,
    /// What ratings 1, 2, 3 and 4 look like, in that order.
    pub anchors: Vec<String>,
    /// How to improve when the rating is low.
    pub advice: String,
}

/// A weight given to one rubric dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weight {
    /// The dimension's id.
    pub dimension: String,
    /// Its share of the total, in (0, 1]; the weights of one rubric sum to 1.
    pub weight: f64,
}

/// A company value with behavioural anchors.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyValue {
    /// Stable id, also a rubric dimension id.
    pub id: String,
    /// English name.
    pub name: String,
    /// Simplified Chinese name.
    pub name_zh: String,
    /// What the value means in practice.
    pub summary: String,
    /// What a strong answer shows.
    pub behaviours: Vec<String>,
    /// What a weak answer shows.
    pub red_flags: Vec<String>,
    /// Questions of the bank that probe the value.
    pub questions: Vec<String>,
}

/// A common mistake that the coach names.
#[derive(Debug, Clone, Serialize)]
pub struct Mistake {
    /// Stable id, such as `ignores_merchants`.
    pub id: String,
    /// Short name.
    pub name: String,
    /// What the mistake looks like.
    pub description: String,
    /// How to avoid it.
    pub advice: String,
}

/// Where a pay band comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BandBasis {
    /// Stated by the source the process comes from.
    Source,
    /// Our estimate; the band's note says how it was made.
    Estimate,
}

/// The yearly pay range of a level.
#[derive(Debug, Clone, Serialize)]
pub struct PayBand {
    /// ISO currency code.
    pub currency: String,
    /// Lower end, a year, base plus stock.
    pub min: u64,
    /// Upper end.
    pub max: u64,
    /// Source or estimate.
    pub basis: BandBasis,
    /// How an estimate was made, or a remark on a sourced band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PayBand {
    /// True when `amount` lies within the band.
    pub fn contains(&self, amount: u64) -> bool {
        self.min <= amount && amount <= self.max
    }
}

/// A level with its description and pay band.
#[derive(Debug, Clone, Serialize)]
pub struct LevelInfo {
    /// The level.
    pub id: Level,
    /// The usual title.
    pub title: String,
    /// What a person at this level does.
    pub description: String,
    /// The scope of ownership.
    pub scope: String,
    /// Typical experience.
    pub experience: String,
    /// The pay band.
    pub band: PayBand,
}

/// One item of the preparation checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    /// Stable id.
    pub id: String,
    /// research, practice, frameworks or kpis.
    pub category: String,
    /// What to do.
    pub text: String,
    /// How many to complete.
    pub target: u32,
    /// Question families that practise it.
    pub families: Vec<String>,
}

/// A reference figure with its source.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Stable id, such as `singles-day.2019.gmv`.
    pub id: String,
    /// What the figure is.
    pub label: String,
    /// A point value, when the figure is one number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Lower end, when the figure is a range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper end, when the figure is a range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Unit.
    pub unit: String,
    /// Year the figure refers to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// Where it comes from.
    pub source: String,
    /// A remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A family of questions, with the generic rubric for questions outside the bank.
#[derive(Debug, Clone, Serialize)]
pub struct Family {
    /// Stable id, such as `guesstimate`.
    pub id: String,
    /// Name.
    pub name: String,
    /// What the family tests.
    pub description: String,
    /// Stage kinds where its questions are asked.
    pub stages: Vec<StageKind>,
    /// Generic rubric.
    pub rubric: Vec<Weight>,
}

/// How hard a question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// Warm-up.
    Easy,
    /// Typical.
    Medium,
    /// Senior.
    Hard,
}

impl Difficulty {
    /// Every difficulty with its id.
    pub const ALL: [(&'static str, Difficulty); 3] = [
        ("easy", Difficulty::Easy),
        ("medium", Difficulty::Medium),
        ("hard", Difficulty::Hard),
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// A concept a good answer covers, with the words that signal it.
#[derive(Debug, Clone, Serialize)]
pub struct Concept {
    /// Id, unique within its question.
    pub id: String,
    /// What the concept is.
    pub label: String,
    /// English words and phrases.
    pub en: Vec<String>,
    /// Simplified Chinese words and phrases.
    pub zh: Vec<String>,
    /// Relative weight.
    pub weight: f64,
}

/// The answer key of an online-assessment item.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerKey {
    /// Multiple choice.
    Choice {
        /// The options, in order.
        options: Vec<String>,
        /// Zero-based index of the correct option.
        correct: usize,
        /// Why it is correct.
        explanation: String,
    },
    /// A number within a tolerance.
    Numeric {
        /// The correct value.
        value: f64,
        /// Absolute tolerance.
        tolerance: f64,
        /// Unit.
        unit: String,
        /// How it is computed.
        explanation: String,
    },
}

/// The range a sound estimate lands in.
#[derive(Debug, Clone, Serialize)]
pub struct EstimateRange {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Unit.
    pub unit: String,
    /// Which figures the range comes from.
    pub basis: String,
}

/// A question of the bank.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// Stable id, `<family>/<slug>`.
    pub id: String,
    /// Its family.
    pub family: String,
    /// Short title.
    pub title: String,
    /// The question in English.
    pub prompt: String,
    /// The question in Simplified Chinese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_zh: Option<String>,
    /// Stage kinds where it may be asked.
    pub stages: Vec<StageKind>,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// Levels it suits.
    pub levels: LevelRange,
    /// Suggested answer time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// Rubric: dimensions and weights.
    pub rubric: Vec<Weight>,
    /// Mistakes the question tends to provoke.
    pub mistakes: Vec<String>,
    /// Reference figures it relies on.
    pub figures: Vec<String>,
    /// What a good answer covers.
    pub concepts: Vec<Concept>,
    /// Follow-up probes.
    pub probes: Vec<String>,
    /// A model answer outline.
    pub outline: Vec<String>,
    /// Answer key (online-assessment items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<AnswerKey>,
    /// Range of a sound estimate (guesstimates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<EstimateRange>,
    /// The figures of an A/B question, so that an answer's decision can be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ab: Option<AbFacts>,
}

/// Words and phrases that signal one aspect of a rubric dimension, in both languages.
#[derive(Debug, Clone, Serialize)]
pub struct Signal {
    /// Stable id, `<dimension>.<signal>`, such as `two_sided.merchant`.
    pub id: String,
    /// Short English label for reports.
    pub label: String,
    /// English words and phrases, lowercase.
    pub en: Vec<String>,
    /// Simplified Chinese words and phrases.
    pub zh: Vec<String>,
}

/// The coach's lexicons: negation cues and the signals of each dimension.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Lexicon {
    /// English words that negate a mention that follows in the same clause.
    pub negation_en: Vec<String>,
    /// Chinese words that negate a mention that follows in the same clause.
    pub negation_zh: Vec<String>,
    /// Signals, in file order.
    pub signals: Vec<Signal>,
}

impl Lexicon {
    /// The signal with this id.
    pub fn signal(&self, id: &str) -> Option<&Signal> {
        self.signals.iter().find(|s| s.id == id)
    }
}

/// The resume screener's lexicon (`coach/resume.toml`): the signals it looks for, the smallest
/// quantities that count as scale, and the years of experience typical of each level.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResumeLexicon {
    /// Signals, in file order, with ids `<group>.<aspect>`. Every `scale.*` signal names a metric
    /// (users, GMV, QPS…), every `language.*` signal a language and every `proficiency.*` signal a
    /// proficiency, strongest first; the other groups are listed in `REQUIRED_RESUME_SIGNALS`.
    pub signals: Vec<Signal>,
    /// The smallest quantity that counts as scale when its metric has no minimum of its own.
    pub scale_min: f64,
    /// Minimums of single metrics, by `scale.*` signal id, in file order.
    pub scale_metric_min: Vec<(String, f64)>,
    /// Years of experience typical of each level; ranges may overlap.
    pub levels: Vec<LevelYears>,
}

impl ResumeLexicon {
    /// The signal with this id.
    pub fn signal(&self, id: &str) -> Option<&Signal> {
        self.signals.iter().find(|s| s.id == id)
    }

    /// The signals of one group (`scale`, `language`…), in file order.
    pub fn group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Signal> + 'a {
        self.signals
            .iter()
            .filter(move |s| s.id.split_once('.').is_some_and(|(g, _)| g == group))
    }

    /// The smallest quantity that counts as scale for a metric signal.
    pub fn scale_min_of(&self, id: &str) -> f64 {
        self.scale_metric_min
            .iter()
            .find(|(m, _)| m == id)
            .map_or(self.scale_min, |(_, v)| *v)
    }
}

/// The years of experience typical of one level.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LevelYears {
    /// The level.
    pub level: Level,
    /// Fewest years, inclusive.
    pub min_years: f64,
    /// Most years, inclusive.
    pub max_years: f64,
}

/// One arm of an A/B test as a question states it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AbArm {
    /// Visitors in the arm.
    pub visitors: u64,
    /// Orders per visitor.
    pub conversion: f64,
    /// Average order value.
    pub aov: f64,
}

impl AbArm {
    /// Revenue per visitor: conversion times average order value.
    pub fn revenue_per_visitor(&self) -> f64 {
        self.conversion * self.aov
    }
}

/// The figures of an A/B question, from which the right decision follows.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct AbFacts {
    /// The control arm.
    pub control: AbArm,
    /// The treatment arm.
    pub treatment: AbArm,
}
