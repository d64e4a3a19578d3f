//! An interview process as written: stages, rounds, gates and the variants by level and region.

use serde::Serialize;

use crate::content::{Difficulty, Weight};
use crate::level::{Level, LevelRange};

/// What a stage is for. The kinds are fixed so reports and the coach can rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// Resume screening.
    ResumeScreen,
    /// Online assessment (logic or product sense).
    OnlineAssessment,
    /// Recruiter or peer screening call.
    RecruiterScreen,
    /// Technical product round.
    ProductRound,
    /// Cross-functional round with engineering or operations.
    CrossFunctional,
    /// Culture fit, usually with a bar raiser.
    CultureFit,
    /// Anything else.
    Custom,
}

impl StageKind {
    /// Every kind with its id.
    pub const ALL: [(&'static str, StageKind); 7] = [
        ("resume_screen", StageKind::ResumeScreen),
        ("online_assessment", StageKind::OnlineAssessment),
        ("recruiter_screen", StageKind::RecruiterScreen),
        ("product_round", StageKind::ProductRound),
        ("cross_functional", StageKind::CrossFunctional),
        ("culture_fit", StageKind::CultureFit),
        ("custom", StageKind::Custom),
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("custom", |(id, _)| id)
    }
}

/// Who conducts a round, or holds a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Recruiter.
    Recruiter,
    /// Interviewer on the panel.
    Interviewer,
    /// The hiring manager.
    HiringManager,
    /// The bar raiser, a senior leader outside the hiring team.
    BarRaiser,
    /// A peer from another function.
    Peer,
}

impl Role {
    /// Every role with its id.
    pub const ALL: [(&'static str, Role); 5] = [
        ("recruiter", Role::Recruiter),
        ("interviewer", Role::Interviewer),
        ("hiring_manager", Role::HiringManager),
        ("bar_raiser", Role::BarRaiser),
        ("peer", Role::Peer),
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, r)| *r == self)
            .map_or("interviewer", |(id, _)| id)
    }
}

/// When a stage, round or variant applies. Empty parts match everything; parts combine with "and".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Condition {
    /// Levels it applies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<LevelRange>,
    /// Regions it applies to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

impl Condition {
    /// True when the condition holds for a candidate profile.
    pub fn matches(&self, profile: &Profile) -> bool {
        self.levels.is_none_or(|r| r.contains(profile.level))
            && (self.regions.is_empty() || self.regions.contains(&profile.region))
    }

    /// True when the condition always holds.
    pub fn is_always(&self) -> bool {
        self.levels.is_none() && self.regions.is_empty()
    }
}

/// Who a plan is for: the level applied for and the region of the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Level applied for.
    pub level: Level,
    /// Region id, such as `china` or `international`.
    pub region: String,
}

/// How proficient a candidate must be in a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Proficiency {
    /// Can follow and make simple points.
    Basic,
    /// Can hold a working conversation.
    Conversational,
    /// Works in it every day.
    Fluent,
    /// Native speaker.
    Native,
}

impl Proficiency {
    /// Every proficiency with its id.
    pub const ALL: [(&'static str, Proficiency); 4] = [
        ("basic", Proficiency::Basic),
        ("conversational", Proficiency::Conversational),
        ("fluent", Proficiency::Fluent),
        ("native", Proficiency::Native),
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("basic", |(id, _)| id)
    }
}

/// A language a region requires or favours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageRequirement {
    /// Language code, such as `zh` or `en`.
    pub language: String,
    /// The proficiency expected.
    pub proficiency: Proficiency,
    /// True when it is mandatory; false when it is an advantage.
    pub required: bool,
    /// A remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A region the process hires for, with its language requirements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Languages, the working language first.
    pub languages: Vec<LanguageRequirement>,
}

/// The target duration of the whole process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// Shortest expected duration.
    pub min_weeks: u32,
    /// Longest acceptable duration.
    pub max_weeks: u32,
}

/// How the overall score maps to a level relative to the level applied for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leveling {
    /// A hire whose loop score is below this is offered one level lower.
    pub down_level_below: f64,
    /// A hire whose loop score reaches this may be offered one level higher.
    pub up_level_at: f64,
}

/// How a stage decides whether the candidate goes on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gate {
    /// Advisory: the stage never stops the process.
    None,
    /// The stage's score must reach `min_score`.
    Threshold {
        /// Lowest passing score on the 1–4 scale.
        min_score: f64,
        /// A single `strong_no` fails the stage.
        fail_on_strong_no: bool,
        /// The rounds the gate looks at; empty means all.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        rounds: Vec<String>,
    },
    /// A hard gate: a negative recommendation by the holder rejects the candidate whatever the
    /// other rounds said.
    Veto {
        /// The round whose recommendation decides.
        round: String,
        /// The role that holds the veto.
        holder: Role,
        /// Optional score the stage must also reach.
        #[serde(skip_serializing_if = "Option::is_none")]
        min_score: Option<f64>,
    },
}

/// How questions are drawn for a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionDraw {
    /// Families to draw from.
    pub families: Vec<String>,
    /// How many questions.
    pub count: u32,
    /// Difficulties allowed; empty means any.
    pub difficulty: Vec<Difficulty>,
}

/// The fields of a round that variants may change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoundPatch {
    /// Round name.
    pub name: Option<String>,
    /// Length in minutes.
    pub duration_minutes: Option<u32>,
    /// The interviewer's role.
    pub interviewer: Option<Role>,
    /// Who sits the round, such as "Senior Director".
    pub interviewer_title: Option<String>,
    /// Rubric dimensions and weights.
    pub dimensions: Option<Vec<Weight>>,
    /// How questions are drawn.
    pub questions: Option<QuestionDraw>,
}

impl RoundPatch {
    /// Applies `other` on top of `self`: fields set in `other` win.
    pub fn apply(&mut self, other: &RoundPatch) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f.clone_from(&other.$f); } )* };
        }
        take!(
            name,
            duration_minutes,
            interviewer,
            interviewer_title,
            dimensions,
            questions
        );
    }
}

/// A round as written, with its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// Stable id, unique in the pipeline.
    pub id: String,
    /// When the round is part of the plan.
    pub when: Condition,
    /// Its base fields; `name`, `duration_minutes`, `interviewer` and `dimensions` are always set.
    pub base: RoundPatch,
    /// Changes for some profiles, applied in order.
    pub variants: Vec<(Condition, RoundPatch)>,
}

/// The fields of a stage that variants may change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StagePatch {
    /// Days the stage may take.
    pub time_limit_days: Option<u32>,
    /// How the stage decides.
    pub gate: Option<Gate>,
}

/// A stage as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Stable id.
    pub id: String,
    /// What kind of stage.
    pub kind: StageKind,
    /// Name.
    pub name: String,
    /// What the stage checks.
    pub checks: String,
    /// When the stage is part of the plan.
    pub when: Condition,
    /// Base fields; both are always set.
    pub base: StagePatch,
    /// Changes for some profiles, applied in order.
    pub variants: Vec<(Condition, StagePatch)>,
    /// Rounds, in order.
    pub rounds: Vec<Round>,
}

/// A whole interview process.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// Stable id, such as `alibaba-pm`.
    pub id: String,
    /// Name.
    pub name: String,
    /// What the process is.
    pub description: String,
    /// Levels it hires for.
    pub levels: LevelRange,
    /// Level used when none is given.
    pub default_level: Level,
    /// Region used when none is given.
    pub default_region: String,
    /// Target duration.
    pub timeline: Timeline,
    /// Level estimation.
    pub leveling: Leveling,
    /// Regions.
    pub regions: Vec<Region>,
    /// Stages, in order.
    pub stages: Vec<Stage>,
}
