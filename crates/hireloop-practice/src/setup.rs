//! What a candidate chooses before a practice loop: the process, the level applied for, the
//! region, the language of the prompts and the seed that fixes which questions are drawn.

use hireloop_core::diag::did_you_mean;
use hireloop_core::pipeline::{Pipeline, Profile};
use hireloop_core::{Content, Level};
use serde::{Deserialize, Serialize};

use crate::error::{FieldProblem, PracticeError};
use crate::language::Language;

/// A practice loop's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeSetup {
    /// Pipeline id, such as `alibaba-pm`.
    pub pipeline: String,
    /// Level applied for.
    pub level: Level,
    /// Region id, such as `china`.
    pub region: String,
    /// Language of the prompts.
    pub language: Language,
    /// Fixes the questions drawn: the same setup always draws the same loop.
    pub seed: u64,
}

/// `known` as a list for a message, with a suggestion first when one is close.
fn choices<'a>(value: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.into_iter().collect();
    let hint = did_you_mean(value, known.iter().copied())
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!("{hint}the choices are {}", known.join(", "))
}

impl PracticeSetup {
    /// Reads a setup from text fields (as a form sends them) and checks it against the content.
    /// Every problem is reported at once, each naming its field.
    pub fn parse(
        content: &Content,
        pipeline: &str,
        level: &str,
        region: &str,
        language: &str,
        seed: u64,
    ) -> Result<PracticeSetup, PracticeError> {
        let mut problems = Vec::new();
        let p = find_pipeline(content, pipeline.trim(), &mut problems);
        let level = match level.trim().parse::<Level>() {
            Ok(l) => Some(l),
            Err(e) => {
                let valid = p.map_or_else(
                    || Level::all().map(|l| l.to_string()).collect::<Vec<_>>(),
                    |p| p.levels.levels().map(|l| l.to_string()).collect(),
                );
                problems.push(FieldProblem::new(
                    "level",
                    format!("{e}; the choices are {}", valid.join(", ")),
                ));
                None
            }
        };
        let language = match language.parse::<Language>() {
            Ok(l) => Some(l),
            Err(e) => {
                problems.push(FieldProblem::new("language", e));
                None
            }
        };
        if let Some(p) = p {
            check_profile(p, level, region.trim(), &mut problems);
        }
        match (level, language) {
            (Some(level), Some(language)) if problems.is_empty() => Ok(PracticeSetup {
                pipeline: pipeline.trim().to_string(),
                level,
                region: region.trim().to_string(),
                language,
                seed,
            }),
            _ => Err(PracticeError::Setup(problems)),
        }
    }

    /// Checks the setup against the content: the pipeline exists, hires for the level and has the
    /// region.
    pub fn check(&self, content: &Content) -> Result<(), PracticeError> {
        self.pipeline_in(content).map(|_| ())
    }

    /// The setup's pipeline, after the checks of [`PracticeSetup::check`].
    pub(crate) fn pipeline_in<'c>(
        &self,
        content: &'c Content,
    ) -> Result<&'c Pipeline, PracticeError> {
        let mut problems = Vec::new();
        let p = find_pipeline(content, &self.pipeline, &mut problems);
        if let Some(p) = p {
            check_profile(p, Some(self.level), &self.region, &mut problems);
        }
        match p {
            Some(p) if problems.is_empty() => Ok(p),
            _ => Err(PracticeError::Setup(problems)),
        }
    }

    /// The candidate profile the pipeline is resolved for.
    pub fn profile(&self) -> Profile {
        Profile {
            level: self.level,
            region: self.region.clone(),
        }
    }
}

fn find_pipeline<'c>(
    content: &'c Content,
    id: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<&'c Pipeline> {
    let p = content.pipeline(id);
    if p.is_none() {
        let known = content.pipelines.iter().map(|p| p.id.as_str());
        problems.push(FieldProblem::new(
            "pipeline",
            format!("no pipeline `{id}`; {}", choices(id, known)),
        ));
    }
    p
}

fn check_profile(
    p: &Pipeline,
    level: Option<Level>,
    region: &str,
    problems: &mut Vec<FieldProblem>,
) {
    if let Some(level) = level
        && !p.levels.contains(level)
    {
        let valid: Vec<String> = p.levels.levels().map(|l| l.to_string()).collect();
        problems.push(FieldProblem::new(
            "level",
            format!(
                "pipeline `{}` hires for {}, not {level}; the choices are {}",
                p.id,
                p.levels,
                valid.join(", ")
            ),
        ));
    }
    if p.region(region).is_none() {
        let known = p.regions.iter().map(|r| r.id.as_str());
        problems.push(FieldProblem::new(
            "region",
            format!(
                "pipeline `{}` has no region `{region}`; {}",
                p.id,
                choices(region, known)
            ),
        ));
    }
}
