//! The decision engine: evaluations in, stage outcomes and a hiring decision out, with a trace of
//! every rule that fired.
//!
//! The engine is mechanical on purpose. People (or, in practice mode, the coach) rate; the engine
//! only applies the pipeline's gates, so the same evaluations always give the same decision, and
//! anyone can read in the trace why. A person may override the result, but only with a written
//! reason, which the report keeps.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::content::{Content, PayBand};
use crate::level::Level;
use crate::pipeline::{Gate, Plan, PlannedRound, PlannedStage, Profile, Role, StageKind};
use crate::scale::{Rating, Recommendation};

/// The fewest characters an override's reason may have.
pub const MIN_REASON_CHARS: usize = 20;

/// Who the evaluations are for and what they say.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// Pipeline id; the built-in `alibaba-pm` when absent.
    #[serde(default)]
    pub pipeline: Option<String>,
    /// Hiring (people decide) or practice (the coach is the evaluator).
    #[serde(default)]
    pub mode: Mode,
    /// The candidate's profile.
    pub candidate: Candidate,
    /// Evaluations, in any order.
    #[serde(default)]
    pub evaluations: Vec<Evaluation>,
    /// A person's override of the mechanical result.
    #[serde(default, rename = "override")]
    pub override_: Option<Override>,
}

/// Whether people or the coach decide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A real loop: people's evaluations count; the coach's are advice.
    #[default]
    Hiring,
    /// A practice loop: the coach's evaluations count.
    Practice,
}

/// The candidate: the level applied for and the region of the role.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// A name or reference, shown in the report.
    #[serde(default)]
    pub name: Option<String>,
    /// Level applied for.
    pub level: Level,
    /// Region id.
    pub region: String,
}

/// One evaluator's scorecard for one round.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Round id.
    pub round: String,
    /// Who evaluated.
    pub evaluator: Evaluator,
    /// Ratings per dimension of the round.
    #[serde(default)]
    pub ratings: BTreeMap<String, Rating>,
    /// Overall recommendation.
    pub recommendation: Recommendation,
    /// Free-text notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// An evaluator.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluator {
    /// Name.
    pub name: String,
    /// Role in the loop.
    pub role: Role,
    /// Person or coach.
    #[serde(default)]
    pub kind: EvaluatorKind,
}

/// A person or the automated coach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluatorKind {
    /// A person.
    #[default]
    Person,
    /// The automated coach.
    Coach,
}

/// The final decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Make an offer.
    Hire,
    /// Do not hire.
    Reject,
    /// Some stage still lacks evaluations.
    Incomplete,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Hire => "hire",
            Verdict::Reject => "reject",
            Verdict::Incomplete => "incomplete",
        })
    }
}

/// A person's override of the mechanical result.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The decision they want.
    pub decision: Verdict,
    /// Why; required.
    #[serde(default)]
    pub reason: Option<String>,
    /// Who overrides.
    #[serde(default)]
    pub by: Option<String>,
}

/// A problem with the input, and where in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputProblem {
    /// A path into the input, such as `evaluations[2].ratings.strucure`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why the engine refused to decide.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecisionError {
    /// The profile does not fit the pipeline.
    #[error(transparent)]
    Plan(#[from] crate::pipeline::PlanError),
    /// The evaluations do not fit the plan.
    #[error("{} problem(s) in the evaluations:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<InputProblem>),
    /// An override without a written reason.
    #[error(
        "the override to `{decision}` has no written reason; overriding the mechanical result ({mechanical}) needs `override.reason` of at least {MIN_REASON_CHARS} characters saying why"
    )]
    OverrideWithoutReason {
        /// The decision asked for.
        decision: Verdict,
        /// What the engine decided.
        mechanical: Verdict,
    },
}

/// How a stage came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    /// The gate let the candidate through.
    Passed,
    /// The gate stopped the candidate.
    Failed,
    /// Not enough evaluations to decide.
    Pending,
}

/// One evaluator's rating of one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct RatingBy {
    /// Evaluator's name.
    pub evaluator: String,
    /// The rating.
    pub rating: Rating,
}

/// A dimension of a round, across evaluators.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionResult {
    /// Dimension id.
    pub id: String,
    /// Weight in the round.
    pub weight: f64,
    /// Mean of the ratings with evidence.
    pub mean: Option<f64>,
    /// Spread (highest minus lowest rating), to show disagreement.
    pub spread: Option<u8>,
    /// Who rated what.
    pub ratings: Vec<RatingBy>,
}

/// A recommendation by one evaluator.
#[derive(Debug, Clone, Serialize)]
pub struct RecommendationBy {
    /// Evaluator's name.
    pub evaluator: String,
    /// Role.
    pub role: Role,
    /// Recommendation.
    pub recommendation: Recommendation,
}

/// A round's result.
#[derive(Debug, Clone, Serialize)]
pub struct RoundResult {
    /// Round id.
    pub id: String,
    /// Mean over evaluators of their weighted dimension scores.
    pub score: Option<f64>,
    /// Evaluations that counted.
    pub evaluations: usize,
    /// Recommendations that counted.
    pub recommendations: Vec<RecommendationBy>,
    /// Per dimension.
    pub dimensions: Vec<DimensionResult>,
    /// Dimensions no evaluator found evidence for.
    pub missing_evidence: Vec<String>,
}

/// A stage's result.
#[derive(Debug, Clone, Serialize)]
pub struct StageResult {
    /// Stage id.
    pub id: String,
    /// Kind.
    pub kind: StageKind,
    /// Outcome.
    pub outcome: StageOutcome,
    /// Score the gate looked at.
    pub score: Option<f64>,
    /// Why.
    pub reason: String,
    /// Rounds.
    pub rounds: Vec<RoundResult>,
}

/// The veto, when its holder said no.
#[derive(Debug, Clone, Serialize)]
pub struct VetoResult {
    /// Stage of the veto.
    pub stage: String,
    /// Round of the veto.
    pub round: String,
    /// Role holding it.
    pub holder: Role,
    /// Title of the holder in this plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_title: Option<String>,
    /// Who vetoed.
    pub evaluator: String,
    /// Their recommendation.
    pub recommendation: Recommendation,
    /// Mean score of the other evaluated stages, which the veto overrules.
    pub others_mean: Option<f64>,
}

/// The engine's own result, before any override.
#[derive(Debug, Clone, Serialize)]
pub struct Mechanical {
    /// Hire, reject or incomplete.
    pub decision: Verdict,
    /// The stage that decided a rejection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Why.
    pub reason: String,
}

/// An override as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct OverrideRecord {
    /// Decision asked for.
    pub decision: Verdict,
    /// The written reason.
    pub reason: String,
    /// Who.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// True when it changes the mechanical result.
    pub changes_result: bool,
    /// True when it overturns a veto.
    pub overturns_veto: bool,
}

/// The estimated level and why.
#[derive(Debug, Clone, Serialize)]
pub struct LevelEstimate {
    /// Level applied for.
    pub applied: Level,
    /// Level the scores support.
    pub estimated: Option<Level>,
    /// Mean of the product, cross-functional and culture-fit stage scores.
    pub loop_score: f64,
    /// Which rule placed it.
    pub rule: String,
}

/// The pay band of the estimated level.
#[derive(Debug, Clone, Serialize)]
pub struct BandResult {
    /// Level.
    pub level: Level,
    /// Band.
    #[serde(flatten)]
    pub band: PayBand,
}

/// Advice from the coach in hiring mode: shown, never counted.
#[derive(Debug, Clone, Serialize)]
pub struct CoachAdvice {
    /// Round.
    pub round: String,
    /// The coach's weighted score.
    pub score: Option<f64>,
    /// The coach's recommendation.
    pub recommendation: Recommendation,
}

/// One rule that fired.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceStep {
    /// Stable rule id, such as `gate.veto.fail`.
    pub rule: &'static str,
    /// What it applied to (a stage, round or evaluator).
    pub subject: String,
    /// What happened.
    pub detail: String,
}

/// Everything the engine decided and why.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionReport {
    /// Pipeline id.
    pub pipeline: String,
    /// Candidate name, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
    /// Profile.
    pub profile: Profile,
    /// Hiring or practice.
    pub mode: Mode,
    /// Stages in order.
    pub stages: Vec<StageResult>,
    /// The veto, when applied.
    pub veto: Option<VetoResult>,
    /// The mechanical result.
    pub mechanical: Mechanical,
    /// The override, when given.
    #[serde(rename = "override")]
    pub override_: Option<OverrideRecord>,
    /// The final decision.
    pub decision: Verdict,
    /// Estimated level.
    pub level: Option<LevelEstimate>,
    /// Pay band of the estimated level.
    pub band: Option<BandResult>,
    /// Coach advice not counted (hiring mode).
    pub advice: Vec<CoachAdvice>,
    /// Every rule that fired, in order.
    pub trace: Vec<TraceStep>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn mean(xs: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = xs
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// An evaluation's weighted score over the round's dimensions with evidence.
fn weighted_score(round: &PlannedRound, ev: &Evaluation) -> Option<f64> {
    let (num, den) = round.dimensions.iter().fold((0.0, 0.0), |(num, den), w| {
        match ev.ratings.get(&w.dimension).and_then(|r| r.value()) {
            Some(v) => (num + w.weight * f64::from(v), den + w.weight),
            None => (num, den),
        }
    });
    (den > 0.0).then(|| num / den)
}

/// Checks the evaluations against the plan; reports every problem.
fn check_input(
    plan: &Plan,
    input: &DecisionInput,
    pipeline: &crate::pipeline::Pipeline,
) -> Vec<InputProblem> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (i, ev) in input.evaluations.iter().enumerate() {
        let path = format!("evaluations[{i}]");
        if ev.evaluator.name.trim().is_empty() {
            problems.push(InputProblem {
                path: format!("{path}.evaluator.name"),
                message: "the evaluator has no name".into(),
            });
        }
        let Some((_, round)) = plan.round(&ev.round) else {
            let in_pipeline = pipeline
                .stages
                .iter()
                .flat_map(|s| &s.rounds)
                .any(|r| r.id == ev.round);
            let message = if in_pipeline {
                format!(
                    "round `{}` is not part of the plan for {}/{}",
                    ev.round, plan.profile.level, plan.profile.region
                )
            } else {
                let ids: Vec<&str> = plan
                    .stages
                    .iter()
                    .flat_map(|s| &s.rounds)
                    .map(|r| r.id.as_str())
                    .collect();
                format!(
                    "unknown round `{}`; the plan's rounds are {}",
                    ev.round,
                    ids.join(", ")
                )
            };
            problems.push(InputProblem {
                path: format!("{path}.round"),
                message,
            });
            continue;
        };
        if let Some(first) = seen.insert((ev.round.as_str(), ev.evaluator.name.as_str()), i) {
            problems.push(InputProblem {
                path: path.clone(),
                message: format!(
                    "{} evaluates round `{}` twice (also evaluations[{first}])",
                    ev.evaluator.name, ev.round
                ),
            });
        }
        for dim in ev.ratings.keys() {
            if !round.dimensions.iter().any(|w| w.dimension == *dim) {
                let dims: Vec<&str> = round
                    .dimensions
                    .iter()
                    .map(|w| w.dimension.as_str())
                    .collect();
                problems.push(InputProblem {
                    path: format!("{path}.ratings.{dim}"),
                    message: format!(
                        "round `{}` does not assess `{dim}`; it assesses {}",
                        ev.round,
                        dims.join(", ")
                    ),
                });
            }
        }
    }
    problems
}

struct Engine<'a> {
    trace: Vec<TraceStep>,
    mode: Mode,
    plan: &'a Plan,
}

impl Engine<'_> {
    fn fire(&mut self, rule: &'static str, subject: impl Into<String>, detail: impl Into<String>) {
        self.trace.push(TraceStep {
            rule,
            subject: subject.into(),
            detail: detail.into(),
        });
    }

    fn counts(&self, ev: &Evaluation) -> bool {
        self.mode == Mode::Practice || ev.evaluator.kind == EvaluatorKind::Person
    }

    /// The role an evaluation speaks for: in practice mode the coach sits every chair.
    fn role_of(&self, ev: &Evaluation, round: &PlannedRound) -> Role {
        if self.mode == Mode::Practice && ev.evaluator.kind == EvaluatorKind::Coach {
            round.interviewer
        } else {
            ev.evaluator.role
        }
    }

    fn round_result(&mut self, round: &PlannedRound, evs: &[&Evaluation]) -> RoundResult {
        let scores: Vec<f64> = evs
            .iter()
            .filter_map(|ev| weighted_score(round, ev))
            .collect();
        let score = mean(scores.iter().copied()).map(round3);
        let dimensions: Vec<DimensionResult> = round
            .dimensions
            .iter()
            .map(|w| {
                let ratings: Vec<RatingBy> = evs
                    .iter()
                    .filter_map(|ev| {
                        ev.ratings.get(&w.dimension).map(|r| RatingBy {
                            evaluator: ev.evaluator.name.clone(),
                            rating: *r,
                        })
                    })
                    .collect();
                let values: Vec<u8> = ratings.iter().filter_map(|r| r.rating.value()).collect();
                DimensionResult {
                    id: w.dimension.clone(),
                    weight: w.weight,
                    mean: mean(values.iter().map(|v| f64::from(*v))).map(round3),
                    spread: values
                        .iter()
                        .max()
                        .zip(values.iter().min())
                        .map(|(a, b)| a - b),
                    ratings,
                }
            })
            .collect();
        let missing_evidence: Vec<String> = if evs.is_empty() {
            Vec::new()
        } else {
            dimensions
                .iter()
                .filter(|d| d.mean.is_none())
                .map(|d| d.id.clone())
                .collect()
        };
        if !evs.is_empty() {
            match score {
                Some(s) => self.fire(
                    "round.score",
                    &round.id,
                    format!("{} evaluation(s); weighted score {s:.2}", evs.len()),
                ),
                None => self.fire(
                    "round.no_evidence",
                    &round.id,
                    "no rating with evidence in any evaluation",
                ),
            }
            if !missing_evidence.is_empty() {
                self.fire(
                    "round.missing_evidence",
                    &round.id,
                    format!("no evidence for {}", missing_evidence.join(", ")),
                );
            }
        }
        RoundResult {
            id: round.id.clone(),
            score,
            evaluations: evs.len(),
            recommendations: evs
                .iter()
                .map(|ev| RecommendationBy {
                    evaluator: ev.evaluator.name.clone(),
                    role: self.role_of(ev, round),
                    recommendation: ev.recommendation,
                })
                .collect(),
            dimensions,
            missing_evidence,
        }
    }

    fn stage_result(
        &mut self,
        stage: &PlannedStage,
        evals: &[Evaluation],
    ) -> (StageResult, Option<VetoResult>) {
        let rounds: Vec<RoundResult> = stage
            .rounds
            .iter()
            .map(|r| {
                let evs: Vec<&Evaluation> = evals
                    .iter()
                    .filter(|e| e.round == r.id && self.counts(e))
                    .collect();
                self.round_result(r, &evs)
            })
            .collect();
        let considered: Vec<&RoundResult> = match &stage.gate.gate {
            Gate::Threshold { rounds: named, .. } if !named.is_empty() => {
                rounds.iter().filter(|r| named.contains(&r.id)).collect()
            }
            _ => rounds.iter().collect(),
        };
        // In a real loop, a round whose scorecards carry neither evidence nor a decision has not
        // been assessed: it holds its stage like a round nobody rated, rather than letting the
        // other rounds pass the stage alone. (Practice mode scores unanswered rounds itself.)
        let hiring = self.mode == Mode::Hiring;
        let unrated: Vec<&str> = considered
            .iter()
            .filter(|r| {
                r.evaluations == 0
                    || (hiring
                        && r.score.is_none()
                        && r.recommendations
                            .iter()
                            .all(|x| x.recommendation == Recommendation::NoDecision))
            })
            .map(|r| r.id.as_str())
            .collect();
        let score = mean(considered.iter().filter_map(|r| r.score)).or_else(|| {
            // Only recommendations, no ratings with evidence: fall back on them.
            mean(
                considered
                    .iter()
                    .flat_map(|r| &r.recommendations)
                    .filter_map(|r| r.recommendation.value())
                    .map(f64::from),
            )
        });
        let score = score.map(round3);
        let sid = stage.id.clone();
        let mut veto = None;
        let (outcome, reason) = match &stage.gate.gate {
            Gate::None => {
                if unrated.is_empty() {
                    self.fire(
                        "gate.none",
                        &sid,
                        "advisory stage: it never stops the process",
                    );
                    (StageOutcome::Passed, "advisory stage".to_string())
                } else {
                    (
                        StageOutcome::Pending,
                        format!("waiting for {}", unrated.join(", ")),
                    )
                }
            }
            Gate::Threshold {
                min_score,
                fail_on_strong_no,
                ..
            } => {
                let strong_no = considered
                    .iter()
                    .flat_map(|r| r.recommendations.iter().map(move |rec| (r, rec)))
                    .find(|(_, rec)| rec.recommendation == Recommendation::StrongNo);
                if let (true, Some((r, rec))) = (*fail_on_strong_no, strong_no) {
                    let why = format!(
                        "{} said strong_no in round `{}`; one strong_no fails this stage",
                        rec.evaluator, r.id
                    );
                    self.fire("gate.threshold.strong_no", &sid, &why);
                    (StageOutcome::Failed, why)
                } else if !unrated.is_empty() {
                    let why = format!("waiting for evaluations of {}", unrated.join(", "));
                    self.fire("stage.pending", &sid, &why);
                    (StageOutcome::Pending, why)
                } else {
                    match score {
                        Some(s) if s >= *min_score => {
                            let why = format!("score {s:.2} reaches the threshold {min_score:.2}");
                            self.fire("gate.threshold.pass", &sid, &why);
                            (StageOutcome::Passed, why)
                        }
                        Some(s) => {
                            let why = format!("score {s:.2} is below the threshold {min_score:.2}");
                            self.fire("gate.threshold.fail", &sid, &why);
                            (StageOutcome::Failed, why)
                        }
                        None => {
                            let why = "no rating with evidence and no recommendation".to_string();
                            self.fire("stage.pending", &sid, &why);
                            (StageOutcome::Pending, why)
                        }
                    }
                }
            }
            Gate::Veto {
                round,
                holder,
                min_score,
            } => {
                let holder_recs: Vec<&RecommendationBy> = rounds
                    .iter()
                    .filter(|r| r.id == *round)
                    .flat_map(|r| &r.recommendations)
                    .filter(|r| r.role == *holder)
                    .collect();
                let title = stage.gate.holder_title.clone();
                let who = title.clone().unwrap_or_else(|| holder.id().to_string());
                if let Some(neg) = holder_recs.iter().find(|r| r.recommendation.is_negative()) {
                    let why = format!(
                        "the {} ({}, {}) said {}: a hard gate, it rejects whatever the other rounds said",
                        holder.id(),
                        who,
                        neg.evaluator,
                        neg.recommendation
                    );
                    self.fire("gate.veto.fail", &sid, &why);
                    veto = Some(VetoResult {
                        stage: sid.clone(),
                        round: round.clone(),
                        holder: *holder,
                        holder_title: title,
                        evaluator: neg.evaluator.clone(),
                        recommendation: neg.recommendation,
                        others_mean: None,
                    });
                    (StageOutcome::Failed, why)
                } else if holder_recs.is_empty()
                    || holder_recs
                        .iter()
                        .all(|r| r.recommendation == Recommendation::NoDecision)
                {
                    let why = format!(
                        "waiting for the {} ({who}) to decide in round `{round}`",
                        holder.id()
                    );
                    self.fire("gate.veto.pending", &sid, &why);
                    (StageOutcome::Pending, why)
                } else if let (Some(min), Some(s)) = (min_score, score)
                    && s < *min
                {
                    let why = format!(
                        "the {} said yes, but the stage score {s:.2} is below {min:.2}",
                        holder.id()
                    );
                    self.fire("gate.threshold.fail", &sid, &why);
                    (StageOutcome::Failed, why)
                } else {
                    let why = format!("the {} ({who}) said yes", holder.id());
                    self.fire("gate.veto.pass", &sid, &why);
                    (StageOutcome::Passed, why)
                }
            }
        };
        (
            StageResult {
                id: sid,
                kind: stage.kind,
                outcome,
                score,
                reason,
                rounds,
            },
            veto,
        )
    }
}

/// Runs the engine.
pub fn decide(
    content: &Content,
    pipeline: &crate::pipeline::Pipeline,
    input: &DecisionInput,
) -> Result<DecisionReport, DecisionError> {
    let profile = Profile {
        level: input.candidate.level,
        region: input.candidate.region.clone(),
    };
    let plan = pipeline.plan(&profile)?;
    let problems = check_input(&plan, input, pipeline);
    if !problems.is_empty() {
        return Err(DecisionError::Invalid(problems));
    }
    let mut engine = Engine {
        trace: Vec::new(),
        mode: input.mode,
        plan: &plan,
    };
    let mut advice = Vec::new();
    for ev in &input.evaluations {
        if !engine.counts(ev) {
            let score = engine
                .plan
                .round(&ev.round)
                .and_then(|(_, r)| weighted_score(r, ev))
                .map(round3);
            engine.fire(
                "evaluation.advice_only",
                &ev.round,
                format!(
                    "the coach's evaluation ({}) is advice in hiring mode and is not counted",
                    ev.recommendation
                ),
            );
            advice.push(CoachAdvice {
                round: ev.round.clone(),
                score,
                recommendation: ev.recommendation,
            });
        }
    }

    let mut stages = Vec::new();
    let mut veto = None;
    for stage in &plan.stages {
        let (result, v) = engine.stage_result(stage, &input.evaluations);
        if veto.is_none() {
            veto = v;
        }
        stages.push(result);
    }

    let mechanical = if let Some(v) = &mut veto {
        v.others_mean = mean(
            stages
                .iter()
                .filter(|s| s.id != v.stage)
                .filter_map(|s| s.score),
        )
        .map(round3);
        let others = v.others_mean.map_or_else(String::new, |m| {
            format!("; the other stages averaged {m:.2}, which does not matter")
        });
        let reason = format!("vetoed at `{}` by the {}{}", v.stage, v.holder.id(), others);
        engine.fire("decision.veto", &v.stage, &reason);
        Mechanical {
            decision: Verdict::Reject,
            stage: Some(v.stage.clone()),
            reason,
        }
    } else if let Some(failed) = stages.iter().find(|s| s.outcome == StageOutcome::Failed) {
        let reason = format!("stage `{}` failed: {}", failed.id, failed.reason);
        engine.fire("decision.reject", &failed.id, &reason);
        Mechanical {
            decision: Verdict::Reject,
            stage: Some(failed.id.clone()),
            reason,
        }
    } else if let Some(p) = stages.iter().find(|s| s.outcome == StageOutcome::Pending) {
        let reason = format!("stage `{}` is pending: {}", p.id, p.reason);
        engine.fire("decision.incomplete", &p.id, &reason);
        Mechanical {
            decision: Verdict::Incomplete,
            stage: None,
            reason,
        }
    } else {
        let reason = "every stage passed its gate".to_string();
        engine.fire("decision.hire", "loop", &reason);
        Mechanical {
            decision: Verdict::Hire,
            stage: None,
            reason,
        }
    };

    let override_ = match &input.override_ {
        None => None,
        Some(o) => {
            let reason = o.reason.as_deref().map(str::trim).unwrap_or_default();
            if reason.chars().count() < MIN_REASON_CHARS {
                return Err(DecisionError::OverrideWithoutReason {
                    decision: o.decision,
                    mechanical: mechanical.decision,
                });
            }
            let changes_result = o.decision != mechanical.decision;
            let overturns_veto = changes_result && veto.is_some();
            engine.fire(
                "override",
                o.by.clone().unwrap_or_else(|| "unnamed".into()),
                format!(
                    "{} → {}{}: {reason}",
                    mechanical.decision,
                    o.decision,
                    if overturns_veto {
                        " (overturns the veto)"
                    } else {
                        ""
                    }
                ),
            );
            Some(OverrideRecord {
                decision: o.decision,
                reason: reason.to_string(),
                by: o.by.clone(),
                changes_result,
                overturns_veto,
            })
        }
    };
    let decision = override_
        .as_ref()
        .map_or(mechanical.decision, |o| o.decision);

    let level = estimate_level(&mut engine, &stages, pipeline, profile.level);
    let band = level.as_ref().and_then(|l| l.estimated).and_then(|lv| {
        let info = content.level(lv)?;
        engine.fire(
            "band",
            lv.to_string(),
            format!(
                "{} {}–{} a year ({})",
                info.band.currency,
                info.band.min,
                info.band.max,
                match info.band.basis {
                    crate::content::BandBasis::Source => "from the source",
                    crate::content::BandBasis::Estimate => "an estimate",
                }
            ),
        );
        Some(BandResult {
            level: lv,
            band: info.band.clone(),
        })
    });

    Ok(DecisionReport {
        pipeline: pipeline.id.clone(),
        candidate: input.candidate.name.clone(),
        profile,
        mode: input.mode,
        stages,
        veto,
        mechanical,
        override_,
        decision,
        level,
        band,
        advice,
        trace: engine.trace,
    })
}

fn estimate_level(
    engine: &mut Engine<'_>,
    stages: &[StageResult],
    pipeline: &crate::pipeline::Pipeline,
    applied: Level,
) -> Option<LevelEstimate> {
    let loop_kinds = [
        StageKind::ProductRound,
        StageKind::CrossFunctional,
        StageKind::CultureFit,
    ];
    let loop_score = round3(mean(
        stages
            .iter()
            .filter(|s| loop_kinds.contains(&s.kind))
            .filter_map(|s| s.score),
    )?);
    let lv = &pipeline.leveling;
    let in_range = |l: Option<Level>| l.filter(|l| pipeline.levels.contains(*l));
    let (estimated, rule) = if loop_score < lv.down_level_below {
        let down = in_range(applied.down());
        let rule = match down {
            Some(d) => format!(
                "loop score {loop_score:.2} is below {:.2}: one level down, {d}",
                lv.down_level_below
            ),
            None => format!(
                "loop score {loop_score:.2} is below {:.2} and {applied} is the lowest level: no level fits",
                lv.down_level_below
            ),
        };
        (down, rule)
    } else if loop_score >= lv.up_level_at {
        match in_range(applied.up()) {
            Some(u) => (
                Some(u),
                format!(
                    "loop score {loop_score:.2} reaches {:.2}: one level up, {u}",
                    lv.up_level_at
                ),
            ),
            None => (
                Some(applied),
                format!(
                    "loop score {loop_score:.2} reaches {:.2}, but {applied} is the highest level",
                    lv.up_level_at
                ),
            ),
        }
    } else {
        (
            Some(applied),
            format!(
                "loop score {loop_score:.2} lies in [{:.2}, {:.2}): the level applied for",
                lv.down_level_below, lv.up_level_at
            ),
        )
    };
    engine.fire("level.estimate", applied.to_string(), &rule);
    Some(LevelEstimate {
        applied,
        estimated,
        loop_score,
        rule,
    })
}
