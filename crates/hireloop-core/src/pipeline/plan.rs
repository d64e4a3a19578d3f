//! A pipeline resolved for one candidate profile: only the stages and rounds that apply, with every
//! variant applied.

use serde::Serialize;

use super::model::{
    Condition, Gate, LanguageRequirement, Leveling, Pipeline, Profile, QuestionDraw, Region, Role,
    StageKind, Timeline,
};
use crate::content::Weight;

/// The process one candidate goes through.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Pipeline id.
    pub pipeline: String,
    /// Pipeline name.
    pub name: String,
    /// Who the plan is for.
    pub profile: Profile,
    /// The region's name.
    pub region_name: String,
    /// The languages required or favoured.
    pub languages: Vec<LanguageRequirement>,
    /// The target duration.
    pub timeline: Timeline,
    /// Level estimation.
    pub leveling: Leveling,
    /// Sum of the rounds' durations.
    pub interview_minutes: u32,
    /// Sum of the stages' time limits.
    pub stage_days: u32,
    /// Stages, in order.
    pub stages: Vec<PlannedStage>,
    /// Stages and rounds of the pipeline that do not apply to this profile, and why.
    pub skipped: Vec<Skipped>,
}

/// A stage or round left out of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// The stage's or round's id.
    pub id: String,
    /// The condition that did not hold.
    pub when: Condition,
}

/// A stage of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedStage {
    /// Stable id.
    pub id: String,
    /// Kind.
    pub kind: StageKind,
    /// Name.
    pub name: String,
    /// What it checks.
    pub checks: String,
    /// Days it may take.
    pub time_limit_days: u32,
    /// How it decides.
    pub gate: PlannedGate,
    /// Rounds, in order.
    pub rounds: Vec<PlannedRound>,
}

/// A gate of a plan, with the veto holder's title filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedGate {
    /// The rule.
    #[serde(flatten)]
    pub gate: Gate,
    /// For a veto: who holds it in this plan (the veto round's interviewer title).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_title: Option<String>,
}

/// A round of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRound {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Length in minutes.
    pub duration_minutes: u32,
    /// The interviewer's role.
    pub interviewer: Role,
    /// Who sits it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interviewer_title: Option<String>,
    /// The language the round is held in: the region's first required language.
    pub language: String,
    /// Rubric dimensions and weights.
    pub dimensions: Vec<Weight>,
    /// How questions are drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub questions: Option<QuestionDraw>,
}

impl Plan {
    /// The stage with this id.
    pub fn stage(&self, id: &str) -> Option<&PlannedStage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// The round with this id, with its stage.
    pub fn round(&self, id: &str) -> Option<(&PlannedStage, &PlannedRound)> {
        self.stages
            .iter()
            .find_map(|s| s.rounds.iter().find(|r| r.id == id).map(|r| (s, r)))
    }

    /// The veto gates of the plan: (stage, round id, holder).
    pub fn vetoes(&self) -> impl Iterator<Item = (&PlannedStage, &str, Role)> {
        self.stages.iter().filter_map(|s| match &s.gate.gate {
            Gate::Veto { round, holder, .. } => Some((s, round.as_str(), *holder)),
            _ => None,
        })
    }
}

/// Why a pipeline cannot be resolved for a profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The level is outside the pipeline's levels.
    #[error("pipeline `{pipeline}` hires for {range}, not {level}")]
    LevelOutOfRange {
        /// Pipeline id.
        pipeline: String,
        /// The pipeline's levels.
        range: String,
        /// The level asked for.
        level: String,
    },
    /// The region is not defined by the pipeline.
    #[error("pipeline `{pipeline}` has no region `{region}`; it knows {known}")]
    UnknownRegion {
        /// Pipeline id.
        pipeline: String,
        /// The region asked for.
        region: String,
        /// The regions it has.
        known: String,
    },
}

impl Pipeline {
    /// The region with this id.
    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// The default profile: the pipeline's default level and region.
    pub fn default_profile(&self) -> Profile {
        Profile {
            level: self.default_level,
            region: self.default_region.clone(),
        }
    }

    /// Resolves the pipeline for one candidate profile.
    pub fn plan(&self, profile: &Profile) -> Result<Plan, PlanError> {
        if !self.levels.contains(profile.level) {
            return Err(PlanError::LevelOutOfRange {
                pipeline: self.id.clone(),
                range: self.levels.to_string(),
                level: profile.level.to_string(),
            });
        }
        let region = self
            .region(&profile.region)
            .ok_or_else(|| PlanError::UnknownRegion {
                pipeline: self.id.clone(),
                region: profile.region.clone(),
                known: self
                    .regions
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let language = region
            .languages
            .iter()
            .find(|l| l.required)
            .or(region.languages.first())
            .map_or_else(|| "en".to_string(), |l| l.language.clone());

        let mut stages = Vec::new();
        let mut skipped = Vec::new();
        for stage in &self.stages {
            if !stage.when.matches(profile) {
                skipped.push(Skipped {
                    id: stage.id.clone(),
                    when: stage.when.clone(),
                });
                continue;
            }
            let mut fields = stage.base.clone();
            for (when, patch) in &stage.variants {
                if when.matches(profile) {
                    if patch.time_limit_days.is_some() {
                        fields.time_limit_days = patch.time_limit_days;
                    }
                    if patch.gate.is_some() {
                        fields.gate.clone_from(&patch.gate);
                    }
                }
            }
            let mut rounds = Vec::new();
            for round in &stage.rounds {
                if !round.when.matches(profile) {
                    skipped.push(Skipped {
                        id: round.id.clone(),
                        when: round.when.clone(),
                    });
                    continue;
                }
                let mut f = round.base.clone();
                for (when, patch) in &round.variants {
                    if when.matches(profile) {
                        f.apply(patch);
                    }
                }
                rounds.push(PlannedRound {
                    id: round.id.clone(),
                    name: f.name.unwrap_or_else(|| round.id.clone()),
                    duration_minutes: f.duration_minutes.unwrap_or(0),
                    interviewer: f.interviewer.unwrap_or(Role::Interviewer),
                    interviewer_title: f.interviewer_title,
                    language: language.clone(),
                    dimensions: f.dimensions.unwrap_or_default(),
                    questions: f.questions,
                });
            }
            let gate = fields.gate.unwrap_or(Gate::None);
            let holder_title = match &gate {
                Gate::Veto { round, .. } => rounds
                    .iter()
                    .find(|r| r.id == *round)
                    .and_then(|r| r.interviewer_title.clone()),
                _ => None,
            };
            stages.push(PlannedStage {
                id: stage.id.clone(),
                kind: stage.kind,
                name: stage.name.clone(),
                checks: stage.checks.clone(),
                time_limit_days: fields.time_limit_days.unwrap_or(0),
                gate: PlannedGate { gate, holder_title },
                rounds,
            });
        }
        Ok(Plan {
            pipeline: self.id.clone(),
            name: self.name.clone(),
            profile: profile.clone(),
            region_name: region.name.clone(),
            languages: region.languages.clone(),
            timeline: self.timeline.clone(),
            leveling: self.leveling.clone(),
            interview_minutes: stages
                .iter()
                .flat_map(|s| &s.rounds)
                .map(|r| r.duration_minutes)
                .sum(),
            stage_days: stages.iter().map(|s| s.time_limit_days).sum(),
            stages,
            skipped,
        })
    }
}
