//! A practice loop: the pipeline resolved for the candidate's profile, with questions drawn for
//! every round, reproducibly from the seed.

use std::collections::BTreeSet;

use hireloop_core::Content;
use hireloop_core::content::{AnswerKey, Question};
use hireloop_core::pipeline::{PlannedRound, PlannedStage, Role, StageKind};
use serde::{Deserialize, Serialize};

use crate::draw::{rng_for, shuffle};
use crate::error::{FieldProblem, PracticeError};
use crate::language::Language;
use crate::setup::PracticeSetup;

/// How an item is answered and graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The candidate's resume, screened as the resume-screen stage does.
    Resume,
    /// A question with an answer key: a chosen option or a number.
    Keyed,
    /// A free-text answer, graded by the coach.
    Open,
}

/// One thing the candidate answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeItem {
    /// Stable key within the loop, `<round id>/<n>` from 1.
    pub key: String,
    /// How it is answered.
    pub kind: ItemKind,
    /// The question of the bank; none for the resume.
    pub question: Option<String>,
    /// The question's family.
    pub family: Option<String>,
    /// Short title.
    pub title: String,
    /// What the candidate is asked, in `language`.
    pub prompt: String,
    /// The prompt's language: the one chosen, or English when the question has no Chinese text.
    pub language: Language,
    /// The options of a multiple-choice item, in order; empty otherwise.
    #[serde(default)]
    pub options: Vec<String>,
    /// The unit of a numeric answer.
    #[serde(default)]
    pub unit: Option<String>,
    /// Suggested answer time.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Follow-up probes an interviewer would ask.
    #[serde(default)]
    pub probes: Vec<String>,
}

/// A rubric dimension of a round and its weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundDimension {
    /// Dimension id.
    pub dimension: String,
    /// Share of the round's score.
    pub weight: f64,
}

/// A round of the loop with its stage and its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeRound {
    /// Stage id.
    pub stage_id: String,
    /// Stage name.
    pub stage_name: String,
    /// What kind of stage.
    #[serde(with = "stage_kind")]
    pub stage_kind: StageKind,
    /// Round id.
    pub round_id: String,
    /// Round name.
    pub round_name: String,
    /// Length in minutes: the round's clock.
    pub duration_minutes: u32,
    /// The interviewer's role.
    pub interviewer: Role,
    /// Who sits the round, such as "Senior Director".
    pub interviewer_title: Option<String>,
    /// Rubric dimensions and weights.
    pub dimensions: Vec<RoundDimension>,
    /// Items, in the order asked.
    pub items: Vec<PracticeItem>,
    /// Questions the bank could not supply for this profile (zero when the draw was filled).
    #[serde(default)]
    pub short_by: u32,
}

/// The whole practice loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopPlan {
    /// What it was drawn for.
    pub setup: PracticeSetup,
    /// The pipeline's name.
    pub pipeline_name: String,
    /// The region's name.
    pub region_name: String,
    /// Sum of the rounds' durations.
    pub interview_minutes: u32,
    /// Rounds in order, stage by stage.
    pub rounds: Vec<PracticeRound>,
}

/// Stage kinds as their stable ids; the core type is written out but not read back.
pub(crate) mod stage_kind {
    use hireloop_core::pipeline::StageKind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(k: &StageKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(k.id())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<StageKind, D::Error> {
        let id = String::deserialize(d)?;
        StageKind::ALL
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, kind)| *kind)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown stage kind `{id}`")))
    }
}

const RESUME_PROMPT_EN: &str = "Paste the text of your resume: the recruiter screens it for ownership, quantified impact, scale or growth, and product experience.";
const RESUME_PROMPT_ZH: &str =
    "请粘贴你的简历文本：招聘方会看其中的主导经历、量化成果、规模或增长，以及产品经验。";

impl LoopPlan {
    /// Draws a loop for `setup`. `avoid` holds ids of questions practised recently: they are
    /// drawn only when the bank has nothing else that fits a round.
    pub fn build(
        content: &Content,
        setup: &PracticeSetup,
        avoid: &[String],
    ) -> Result<LoopPlan, PracticeError> {
        let pipeline = setup.pipeline_in(content)?;
        let plan = pipeline
            .plan(&setup.profile())
            .map_err(|e| PracticeError::Setup(vec![FieldProblem::new("level", e.to_string())]))?;
        let avoid: BTreeSet<&str> = avoid.iter().map(String::as_str).collect();
        let mut used: BTreeSet<&str> = BTreeSet::new();
        let mut rounds = Vec::new();
        for stage in &plan.stages {
            for round in &stage.rounds {
                rounds.push(draw_round(content, setup, stage, round, &avoid, &mut used));
            }
        }
        Ok(LoopPlan {
            setup: setup.clone(),
            pipeline_name: plan.name,
            region_name: plan.region_name,
            interview_minutes: plan.interview_minutes,
            rounds,
        })
    }

    /// Every item, in order.
    pub fn items(&self) -> impl Iterator<Item = &PracticeItem> {
        self.rounds.iter().flat_map(|r| &r.items)
    }

    /// The item with this key.
    pub fn item(&self, key: &str) -> Option<&PracticeItem> {
        self.items().find(|i| i.key == key)
    }

    /// The round an item belongs to.
    pub fn round_of(&self, key: &str) -> Option<&PracticeRound> {
        self.rounds
            .iter()
            .find(|r| r.items.iter().any(|i| i.key == key))
    }

    /// The first item, in loop order, whose key is not among `answered`.
    pub fn next_unanswered(&self, answered: &[String]) -> Option<&PracticeItem> {
        self.items().find(|i| !answered.contains(&i.key))
    }

    /// The ids of the questions drawn, in order: what the next loop may want to avoid.
    pub fn question_ids(&self) -> Vec<&str> {
        self.items().filter_map(|i| i.question.as_deref()).collect()
    }

    /// The item, or an error naming the loop's keys.
    pub(crate) fn require_item(&self, key: &str) -> Result<&PracticeItem, PracticeError> {
        self.item(key).ok_or_else(|| PracticeError::UnknownItem {
            key: key.to_string(),
            known: self
                .items()
                .map(|i| i.key.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

/// True when a question may be asked in this round of this stage for this level.
fn suits(q: &Question, setup: &PracticeSetup, stage: &PlannedStage, round: &PlannedRound) -> bool {
    round.questions.as_ref().is_some_and(|draw| {
        draw.families.contains(&q.family)
            && (draw.difficulty.is_empty() || draw.difficulty.contains(&q.difficulty))
            && q.levels.contains(setup.level)
            && q.stages.contains(&stage.kind)
    })
}

fn draw_round<'c>(
    content: &'c Content,
    setup: &PracticeSetup,
    stage: &PlannedStage,
    round: &PlannedRound,
    avoid: &BTreeSet<&str>,
    used: &mut BTreeSet<&'c str>,
) -> PracticeRound {
    let mut items = Vec::new();
    if stage.kind == StageKind::ResumeScreen {
        let (prompt, language) = match setup.language {
            Language::En => (RESUME_PROMPT_EN, Language::En),
            Language::Zh => (RESUME_PROMPT_ZH, Language::Zh),
        };
        items.push(PracticeItem {
            key: String::new(),
            kind: ItemKind::Resume,
            question: None,
            family: None,
            title: "Resume".into(),
            prompt: prompt.into(),
            language,
            options: Vec::new(),
            unit: None,
            minutes: Some(round.duration_minutes),
            probes: Vec::new(),
        });
    }
    let want = round.questions.as_ref().map_or(0, |d| d.count as usize);
    // Sorted by id so that the draw does not depend on the order of the content files.
    let mut candidates: Vec<&Question> = content
        .questions
        .iter()
        .filter(|q| suits(q, setup, stage, round) && !used.contains(q.id.as_str()))
        .collect();
    candidates.sort_by(|a, b| a.id.cmp(&b.id));
    let (mut fresh, mut stale): (Vec<&Question>, Vec<&Question>) = candidates
        .into_iter()
        .partition(|q| !avoid.contains(q.id.as_str()));
    let mut rng = rng_for(setup.seed, &round.id);
    shuffle(&mut rng, &mut fresh);
    shuffle(&mut rng, &mut stale);
    let picked: Vec<&Question> = fresh.into_iter().chain(stale).take(want).collect();
    for q in &picked {
        used.insert(q.id.as_str());
        items.push(item_of(q, setup.language));
    }
    for (n, item) in items.iter_mut().enumerate() {
        item.key = format!("{}/{}", round.id, n + 1);
    }
    PracticeRound {
        stage_id: stage.id.clone(),
        stage_name: stage.name.clone(),
        stage_kind: stage.kind,
        round_id: round.id.clone(),
        round_name: round.name.clone(),
        duration_minutes: round.duration_minutes,
        interviewer: round.interviewer,
        interviewer_title: round.interviewer_title.clone(),
        dimensions: round
            .dimensions
            .iter()
            .map(|w| RoundDimension {
                dimension: w.dimension.clone(),
                weight: w.weight,
            })
            .collect(),
        items,
        short_by: u32::try_from(want - picked.len()).unwrap_or(u32::MAX),
    }
}

fn item_of(q: &Question, language: Language) -> PracticeItem {
    let (prompt, language) = match (language, &q.prompt_zh) {
        (Language::Zh, Some(zh)) => (zh.clone(), Language::Zh),
        _ => (q.prompt.clone(), Language::En),
    };
    let (kind, options, unit) = match &q.key {
        Some(AnswerKey::Choice { options, .. }) => (ItemKind::Keyed, options.clone(), None),
        Some(AnswerKey::Numeric { unit, .. }) => (ItemKind::Keyed, Vec::new(), Some(unit.clone())),
        None => (ItemKind::Open, Vec::new(), None),
    };
    PracticeItem {
        key: String::new(),
        kind,
        question: Some(q.id.clone()),
        family: Some(q.family.clone()),
        title: q.title.clone(),
        prompt,
        language,
        options,
        unit,
        minutes: q.minutes,
        probes: q.probes.clone(),
    }
}
