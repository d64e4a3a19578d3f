//! The outcome of a practice loop: per-item feedback turned into one evaluation per round, with
//! the coach as the evaluator, and the decision engine run on them in practice mode, so the
//! culture-fit gate and every stage rule apply exactly as in a real loop.

use std::collections::BTreeMap;

use hireloop_core::Content;
use hireloop_core::content::BandBasis;
use hireloop_core::decision::{
    Candidate, DecisionInput, DecisionReport, Evaluation, Evaluator, EvaluatorKind, Mode,
    StageOutcome, Verdict, decide,
};
use hireloop_core::pipeline::{Gate, PlannedGate, Role, StageKind};
use hireloop_core::{Level, Rating, Recommendation};
use serde::{Deserialize, Serialize};

use crate::error::PracticeError;
use crate::feedback::{ItemFeedback, recommendation_for};
use crate::loop_plan::{ItemKind, LoopPlan, PracticeRound};
use crate::setup::PracticeSetup;

/// How a stage came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The gate let the candidate through.
    Passed,
    /// The gate stopped the candidate.
    Failed,
    /// Not enough answers to decide.
    Pending,
}

/// A round's rating of one dimension, as given to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingEntry {
    /// Dimension id.
    pub dimension: String,
    /// 1–4, or none when no answer gave evidence for it.
    pub rating: Option<u8>,
}

/// One item of a round in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemLine {
    /// The item's key.
    pub key: String,
    /// Its title.
    pub title: String,
    /// The question of the bank, if any.
    pub question: Option<String>,
    /// How it was answered.
    pub kind: ItemKind,
    /// The overall score, when answered.
    pub overall: Option<f64>,
    /// Mistakes named.
    pub mistakes: Vec<String>,
}

/// A round in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    /// Round id.
    pub id: String,
    /// Round name.
    pub name: String,
    /// Who sits it.
    pub interviewer_title: Option<String>,
    /// Its clock.
    pub duration_minutes: u32,
    /// Its items.
    pub items: Vec<ItemLine>,
    /// How many were answered.
    pub answered: usize,
    /// The coach's recommendation for the round, when anything was answered.
    pub recommendation: Option<Recommendation>,
    /// The engine's weighted score of the ratings.
    pub score: Option<f64>,
    /// The ratings given to the engine.
    pub ratings: Vec<RatingEntry>,
    /// Dimensions no answer gave evidence for.
    pub missing_evidence: Vec<String>,
    /// Time taken, when the answers carry it.
    pub time_used_ms: Option<u64>,
}

/// A stage in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageReport {
    /// Stage id.
    pub id: String,
    /// Stage name.
    pub name: String,
    /// Kind.
    #[serde(with = "crate::loop_plan::stage_kind")]
    pub kind: StageKind,
    /// The gate, in words.
    pub gate: String,
    /// True for a hard gate (a veto).
    pub hard_gate: bool,
    /// How it came out.
    pub outcome: Outcome,
    /// The score the gate looked at.
    pub score: Option<f64>,
    /// Why.
    pub reason: String,
    /// Rounds.
    pub rounds: Vec<RoundReport>,
}

/// The veto, when the holder said no.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VetoReport {
    /// Stage.
    pub stage: String,
    /// Round.
    pub round: String,
    /// Role holding it.
    pub holder: Role,
    /// Title of the holder.
    pub holder_title: Option<String>,
    /// The recommendation that vetoed.
    pub recommendation: Recommendation,
    /// Mean score of the other stages, which the veto overrules.
    pub others_mean: Option<f64>,
}

/// The estimated level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelReport {
    /// Applied for.
    pub applied: Level,
    /// Supported by the scores.
    pub estimated: Option<Level>,
    /// Mean of the product, cross-functional and culture-fit stage scores.
    pub loop_score: f64,
    /// The rule that placed it.
    pub rule: String,
}

/// The pay band of the estimated level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandReport {
    /// Level.
    pub level: Level,
    /// ISO currency code.
    pub currency: String,
    /// Lower end, a year.
    pub min: u64,
    /// Upper end, a year.
    pub max: u64,
    /// True when the band is an estimate rather than stated by the source.
    pub estimate: bool,
    /// How an estimate was made, or a remark.
    pub note: Option<String>,
}

/// A dimension across the loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionInsight {
    /// Dimension id.
    pub dimension: String,
    /// Its name.
    pub name: String,
    /// Mean score over the answers that assessed it, 0–4.
    pub mean: f64,
    /// How many answers assessed it.
    pub items: usize,
    /// The coach's advice from the weakest answer, or the rubric's.
    pub advice: String,
}

/// A mistake and how often the coach named it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MistakeCount {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Answers it was named in.
    pub count: usize,
    /// How to avoid it.
    pub advice: String,
}

/// Counts over the loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Items in the loop.
    pub items: usize,
    /// Items answered.
    pub answered: usize,
    /// Items not answered.
    pub unanswered: usize,
    /// Sum of the rounds' clocks.
    pub planned_minutes: u32,
    /// Time taken, when the answers carry it.
    pub time_used_ms: Option<u64>,
}

/// One rule the decision engine applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceLine {
    /// Stable rule id.
    pub rule: String,
    /// What it applied to.
    pub subject: String,
    /// What happened.
    pub detail: String,
}

/// The report of a practice loop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoopReport {
    /// The loop's setup.
    pub setup: PracticeSetup,
    /// The pipeline's name.
    pub pipeline_name: String,
    /// The region's name.
    pub region_name: String,
    /// True while the loop is not finished: unanswered rounds are pending, not missing.
    pub partial: bool,
    /// Hire, reject or incomplete.
    pub decision: Verdict,
    /// Why.
    pub reason: String,
    /// The stage that decided a rejection.
    pub decided_at: Option<String>,
    /// Stages in order.
    pub stages: Vec<StageReport>,
    /// The veto, when applied.
    pub veto: Option<VetoReport>,
    /// The estimated level.
    pub level: Option<LevelReport>,
    /// The estimated level's pay band.
    pub band: Option<BandReport>,
    /// Every dimension assessed, in rubric order.
    pub dimensions: Vec<DimensionInsight>,
    /// The strongest dimensions (mean 3 or more), best first.
    pub strengths: Vec<DimensionInsight>,
    /// The weakest dimensions (mean under 3.5, not among the strengths), weakest first.
    pub gaps: Vec<DimensionInsight>,
    /// Mistakes, most frequent first.
    pub mistakes: Vec<MistakeCount>,
    /// Counts.
    pub totals: Totals,
    /// Remarks: partial loop, unanswered items, short draws, rounds over time.
    pub notes: Vec<String>,
    /// Every rule the engine applied.
    pub trace: Vec<TraceLine>,
}

/// The name the coach signs its evaluations with.
const COACH: &str = "coach";

/// A mean on the 0–4 scale as a rating: clamped to 1–4, halves rounded up.
fn to_rating(mean: f64) -> u8 {
    let r = (mean.clamp(1.0, 4.0) + 0.5).floor();
    if r >= 4.0 {
        4
    } else if r >= 3.0 {
        3
    } else if r >= 2.0 {
        2
    } else {
        1
    }
}

fn mean(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (s, n) = xs
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The answers by item key, the last answer to a key winning; unknown keys are refused.
fn answers_by_key<'a>(
    plan: &LoopPlan,
    answers: &'a [(String, ItemFeedback)],
) -> Result<BTreeMap<&'a str, &'a ItemFeedback>, PracticeError> {
    let mut by_key = BTreeMap::new();
    for (key, feedback) in answers {
        plan.require_item(key)?;
        by_key.insert(key.as_str(), feedback);
    }
    Ok(by_key)
}

/// The coach's evaluation of one round, from its answered items.
fn evaluation(round: &PracticeRound, answered: &[&ItemFeedback]) -> Evaluation {
    let ratings = round
        .dimensions
        .iter()
        .map(|w| {
            let r = mean(answered.iter().filter_map(|f| f.score_of(&w.dimension)))
                .map_or(Rating::NoEvidence, |m| Rating::Score(to_rating(m)));
            (w.dimension.clone(), r)
        })
        .collect();
    let recommendation = mean(answered.iter().map(|f| f.overall))
        .map_or(Recommendation::NoDecision, recommendation_for);
    Evaluation {
        round: round.round_id.clone(),
        evaluator: Evaluator {
            name: COACH.into(),
            role: round.interviewer,
            kind: EvaluatorKind::Coach,
        },
        ratings,
        recommendation,
        notes: Some(format!(
            "{} of {} item(s) answered",
            answered.len(),
            round.items.len()
        )),
    }
}

fn gate_text(gate: &PlannedGate) -> (String, bool) {
    match &gate.gate {
        Gate::None => ("advisory: never stops the loop".into(), false),
        Gate::Threshold {
            min_score,
            fail_on_strong_no,
            rounds,
        } => {
            let mut s = format!("score at least {min_score:.2}");
            if *fail_on_strong_no {
                s.push_str("; one strong_no fails it");
            }
            if !rounds.is_empty() {
                s.push_str(&format!(" (rounds {})", rounds.join(", ")));
            }
            (s, false)
        }
        Gate::Veto {
            round,
            holder,
            min_score,
        } => {
            let who = gate
                .holder_title
                .clone()
                .unwrap_or_else(|| holder.id().to_string());
            let mut s = format!(
                "hard gate: a no from the {} ({who}) in `{round}` rejects whatever the other rounds said",
                holder.id()
            );
            if let Some(m) = min_score {
                s.push_str(&format!("; score at least {m:.2}"));
            }
            (s, true)
        }
    }
}

impl LoopReport {
    /// The report of a finished loop: items left unanswered are missing evidence, and a round
    /// with no answer at all leaves its stage pending.
    pub fn compute(
        content: &Content,
        plan: &LoopPlan,
        answers: &[(String, ItemFeedback)],
    ) -> Result<LoopReport, PracticeError> {
        build(content, plan, answers, false)
    }

    /// The report of a loop still under way, marked as partial: rounds not reached yet are left
    /// out of the evaluations, so their stages are pending rather than failed.
    pub fn partial(
        content: &Content,
        plan: &LoopPlan,
        answers: &[(String, ItemFeedback)],
    ) -> Result<LoopReport, PracticeError> {
        build(content, plan, answers, true)
    }
}

fn build(
    content: &Content,
    plan: &LoopPlan,
    answers: &[(String, ItemFeedback)],
    partial: bool,
) -> Result<LoopReport, PracticeError> {
    let pipeline = plan.setup.pipeline_in(content)?;
    let core_plan = pipeline
        .plan(&plan.setup.profile())
        .map_err(|e| PracticeError::Decision(hireloop_core::decision::DecisionError::Plan(e)))?;
    let by_key = answers_by_key(plan, answers)?;
    let answered_in = |round: &PracticeRound| -> Vec<&ItemFeedback> {
        round
            .items
            .iter()
            .filter_map(|i| by_key.get(i.key.as_str()).copied())
            .collect()
    };
    let evaluations: Vec<Evaluation> = plan
        .rounds
        .iter()
        .filter_map(|round| {
            let answered = answered_in(round);
            (!answered.is_empty() || !partial).then(|| evaluation(round, &answered))
        })
        .collect();
    let input = DecisionInput {
        pipeline: Some(plan.setup.pipeline.clone()),
        mode: Mode::Practice,
        candidate: Candidate {
            name: None,
            level: plan.setup.level,
            region: plan.setup.region.clone(),
        },
        evaluations: evaluations.clone(),
        override_: None,
    };
    let report = decide(content, pipeline, &input)?;

    let stages = core_plan
        .stages
        .iter()
        .map(|stage| {
            let result = report.stages.iter().find(|s| s.id == stage.id);
            let (gate, hard_gate) = gate_text(&stage.gate);
            let rounds = plan
                .rounds
                .iter()
                .filter(|r| r.stage_id == stage.id)
                .map(|r| round_report(r, &by_key, &report, &evaluations))
                .collect();
            StageReport {
                id: stage.id.clone(),
                name: stage.name.clone(),
                kind: stage.kind,
                gate,
                hard_gate,
                outcome: match result.map(|r| r.outcome) {
                    Some(StageOutcome::Passed) => Outcome::Passed,
                    Some(StageOutcome::Failed) => Outcome::Failed,
                    _ => Outcome::Pending,
                },
                score: result.and_then(|r| r.score),
                reason: result.map(|r| r.reason.clone()).unwrap_or_default(),
                rounds,
            }
        })
        .collect::<Vec<_>>();

    let dimensions = insights(content, &by_key);
    let mut ranked = dimensions.clone();
    ranked.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    let strengths: Vec<DimensionInsight> = ranked
        .iter()
        .filter(|d| d.mean >= 3.0)
        .take(3)
        .cloned()
        .collect();
    let gaps: Vec<DimensionInsight> = ranked
        .iter()
        .rev()
        .filter(|d| d.mean < 3.5 && !strengths.iter().any(|s| s.dimension == d.dimension))
        .take(3)
        .cloned()
        .collect();

    let items = plan.items().count();
    let answered = by_key.len();
    let times: Vec<u64> = by_key.values().filter_map(|f| f.elapsed_ms).collect();
    let totals = Totals {
        items,
        answered,
        unanswered: items - answered,
        planned_minutes: plan.interview_minutes,
        time_used_ms: (!times.is_empty()).then(|| times.iter().sum()),
    };
    let notes = notes(plan, &by_key, &stages, &totals, partial);

    Ok(LoopReport {
        setup: plan.setup.clone(),
        pipeline_name: plan.pipeline_name.clone(),
        region_name: plan.region_name.clone(),
        partial,
        decision: report.decision,
        reason: report.mechanical.reason.clone(),
        decided_at: report.mechanical.stage.clone(),
        stages,
        veto: report.veto.as_ref().map(|v| VetoReport {
            stage: v.stage.clone(),
            round: v.round.clone(),
            holder: v.holder,
            holder_title: v.holder_title.clone(),
            recommendation: v.recommendation,
            others_mean: v.others_mean,
        }),
        level: report.level.as_ref().map(|l| LevelReport {
            applied: l.applied,
            estimated: l.estimated,
            loop_score: l.loop_score,
            rule: l.rule.clone(),
        }),
        band: report.band.as_ref().map(|b| BandReport {
            level: b.level,
            currency: b.band.currency.clone(),
            min: b.band.min,
            max: b.band.max,
            estimate: b.band.basis == BandBasis::Estimate,
            note: b.band.note.clone(),
        }),
        dimensions,
        strengths,
        gaps,
        mistakes: mistakes(content, &by_key),
        totals,
        notes,
        trace: report
            .trace
            .iter()
            .map(|t| TraceLine {
                rule: t.rule.to_string(),
                subject: t.subject.clone(),
                detail: t.detail.clone(),
            })
            .collect(),
    })
}

fn round_report(
    round: &PracticeRound,
    by_key: &BTreeMap<&str, &ItemFeedback>,
    report: &DecisionReport,
    evaluations: &[Evaluation],
) -> RoundReport {
    let result = report
        .stages
        .iter()
        .flat_map(|s| &s.rounds)
        .find(|r| r.id == round.round_id);
    let evaluation = evaluations.iter().find(|e| e.round == round.round_id);
    let items: Vec<ItemLine> = round
        .items
        .iter()
        .map(|i| {
            let f = by_key.get(i.key.as_str());
            ItemLine {
                key: i.key.clone(),
                title: i.title.clone(),
                question: i.question.clone(),
                kind: i.kind,
                overall: f.map(|f| f.overall),
                mistakes: f.map(|f| f.mistakes.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let times: Vec<u64> = round
        .items
        .iter()
        .filter_map(|i| by_key.get(i.key.as_str()).and_then(|f| f.elapsed_ms))
        .collect();
    RoundReport {
        id: round.round_id.clone(),
        name: round.round_name.clone(),
        interviewer_title: round.interviewer_title.clone(),
        duration_minutes: round.duration_minutes,
        answered: items.iter().filter(|i| i.overall.is_some()).count(),
        items,
        recommendation: evaluation
            .map(|e| e.recommendation)
            .filter(|r| *r != Recommendation::NoDecision),
        score: result.and_then(|r| r.score),
        ratings: round
            .dimensions
            .iter()
            .map(|w| RatingEntry {
                dimension: w.dimension.clone(),
                rating: evaluation
                    .and_then(|e| e.ratings.get(&w.dimension))
                    .and_then(|r| r.value()),
            })
            .collect(),
        missing_evidence: result
            .map(|r| r.missing_evidence.clone())
            .unwrap_or_default(),
        time_used_ms: (!times.is_empty()).then(|| times.iter().sum()),
    }
}

/// Every dimension the answers assessed, in rubric order, with the advice of the weakest answer.
fn insights(content: &Content, by_key: &BTreeMap<&str, &ItemFeedback>) -> Vec<DimensionInsight> {
    let mut seen: BTreeMap<&str, Vec<(f64, &str)>> = BTreeMap::new();
    for f in by_key.values() {
        for s in &f.scores {
            seen.entry(s.dimension.as_str())
                .or_default()
                .push((s.score, s.advice.as_str()));
        }
    }
    let order = |id: &str| {
        content
            .dimensions
            .iter()
            .position(|d| d.id == id)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<DimensionInsight> = seen
        .into_iter()
        .map(|(id, scores)| {
            let m = mean(scores.iter().map(|(s, _)| *s)).unwrap_or(0.0);
            let dim = content.dimension(id);
            let mut weakest = scores.clone();
            weakest.sort_by(|a, b| a.0.total_cmp(&b.0));
            let advice = weakest
                .iter()
                .map(|(_, a)| *a)
                .find(|a| !a.is_empty())
                .map(str::to_string)
                .or_else(|| (m < 3.0).then(|| dim.map(|d| d.advice.clone()).unwrap_or_default()))
                .unwrap_or_default();
            DimensionInsight {
                dimension: id.to_string(),
                name: dim.map_or_else(|| id.to_string(), |d| d.name.clone()),
                mean: round2(m),
                items: scores.len(),
                advice,
            }
        })
        .collect();
    out.sort_by_key(|d| (order(&d.dimension), d.dimension.clone()));
    out
}

fn mistakes(content: &Content, by_key: &BTreeMap<&str, &ItemFeedback>) -> Vec<MistakeCount> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in by_key.values() {
        for m in &f.mistakes {
            *counts.entry(m.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<MistakeCount> = counts
        .into_iter()
        .map(|(id, count)| {
            let m = content.mistakes.iter().find(|m| m.id == id);
            MistakeCount {
                id: id.to_string(),
                name: m.map_or_else(|| id.to_string(), |m| m.name.clone()),
                count,
                advice: m.map(|m| m.advice.clone()).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    out
}

fn notes(
    plan: &LoopPlan,
    by_key: &BTreeMap<&str, &ItemFeedback>,
    stages: &[StageReport],
    totals: &Totals,
    partial: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    if partial {
        notes.push(format!(
            "Partial report: the loop is not finished ({} of {} items answered); stages not reached yet are pending.",
            totals.answered, totals.items
        ));
    } else if totals.unanswered > 0 {
        let keys: Vec<&str> = plan
            .items()
            .filter(|i| !by_key.contains_key(i.key.as_str()))
            .map(|i| i.key.as_str())
            .collect();
        notes.push(format!(
            "{} item(s) were not answered ({}): counted as missing evidence.",
            keys.len(),
            keys.join(", ")
        ));
        for r in &plan.rounds {
            if !r.items.is_empty() && r.items.iter().all(|i| !by_key.contains_key(i.key.as_str())) {
                notes.push(format!(
                    "Round `{}` had no answer, so its stage cannot be decided.",
                    r.round_id
                ));
            }
        }
    }
    for r in &plan.rounds {
        if r.short_by > 0 {
            notes.push(format!(
                "Round `{}` has {} question(s) fewer than planned: the bank has no more for this profile.",
                r.round_id, r.short_by
            ));
        }
        if r.items.is_empty() && r.stage_kind != StageKind::ResumeScreen {
            notes.push(format!(
                "Round `{}` has no questions to practise.",
                r.round_id
            ));
        }
    }
    for s in stages {
        for r in &s.rounds {
            if let Some(ms) = r.time_used_ms
                && ms > u64::from(r.duration_minutes) * 60_000
            {
                notes.push(format!(
                    "Round `{}` took {} min of its {}.",
                    r.id,
                    ms.div_ceil(60_000),
                    r.duration_minutes
                ));
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_become_ratings_with_halves_up() {
        assert_eq!(to_rating(0.0), 1);
        assert_eq!(to_rating(1.49), 1);
        assert_eq!(to_rating(1.5), 2);
        assert_eq!(to_rating(2.5), 3);
        assert_eq!(to_rating(3.49), 3);
        assert_eq!(to_rating(3.5), 4);
        assert_eq!(to_rating(9.0), 4);
        assert_eq!(to_rating(f64::NAN), 1);
    }
}
