//! The debrief: who said what in every round, where the panel disagrees, where evidence is
//! missing, and the decision — the engine's mechanical result with the bar raiser's veto, and a
//! person's override only with a written reason.
//!
//! The coach's evaluations are shown apart, as advice. They are handed to the engine marked as the
//! coach's, and in hiring mode the engine never counts them, so they cannot change the verdict.

use hireloop_core::Content;
use hireloop_core::decision::{
    self, Candidate, CoachAdvice, DecisionError, DecisionInput, DecisionReport, Evaluation,
    EvaluatorKind, Mode, Override, OverrideRecord, Verdict,
};
use hireloop_core::pipeline::{Pipeline, PlannedRound, Profile, Role as LoopRole};
use hireloop_core::{Rating, Recommendation};
use serde::{Deserialize, Serialize};

use crate::roles::{self, Access, Action, Relation, Role};
use crate::scorecard::Scorecard;

/// Two ratings of one dimension at least this far apart are a disagreement (2 against 4, 1
/// against 3): the panel saw different candidates, and the debrief must talk about it.
pub const DISAGREEMENT_SPREAD: u8 = 2;

/// A submitted scorecard with who wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submitted {
    /// Round id.
    pub round: String,
    /// The interviewer's name or member id.
    pub interviewer: String,
    /// The seat they held in the loop.
    pub role: LoopRole,
    /// The scorecard.
    pub scorecard: Scorecard,
}

/// An interviewer assigned to a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seat {
    /// Round id.
    pub round: String,
    /// The interviewer's name or member id, as in [`Submitted::interviewer`].
    pub interviewer: String,
}

/// Everything a debrief is built from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DebriefInput {
    /// Pipeline id, for the caller that looks the pipeline up; [`debrief`] uses the pipeline it
    /// is given.
    #[serde(default)]
    pub pipeline: Option<String>,
    /// The candidate's level and region, which select the plan.
    pub candidate: Candidate,
    /// Submitted scorecards.
    #[serde(default)]
    pub scorecards: Vec<Submitted>,
    /// Who is assigned to which round; a seat without a scorecard is flagged.
    #[serde(default)]
    pub assigned: Vec<Seat>,
    /// The coach's evaluations: advice only, whatever their `evaluator.kind` says.
    #[serde(default)]
    pub coach: Vec<Evaluation>,
    /// A person's override of the mechanical result.
    #[serde(default, rename = "override")]
    pub override_: Option<Override>,
}

/// One interviewer's rating of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingSaid {
    /// Interviewer.
    pub interviewer: String,
    /// Their seat.
    pub role: LoopRole,
    /// Their rating.
    pub rating: Rating,
    /// Their note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One interviewer's recommendation for a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecommendationSaid {
    /// Interviewer.
    pub interviewer: String,
    /// Their seat.
    pub role: LoopRole,
    /// Their recommendation.
    pub recommendation: Recommendation,
    /// Their summary.
    pub summary: String,
}

/// A dimension of a round across the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionView {
    /// Dimension id.
    pub dimension: String,
    /// Its weight in the round.
    pub weight: f64,
    /// Who rated what, by interviewer name.
    pub said: Vec<RatingSaid>,
    /// Highest minus lowest rating with evidence.
    pub spread: Option<u8>,
    /// True when the spread reaches [`DISAGREEMENT_SPREAD`].
    pub disagreement: bool,
}

/// A round across the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundView {
    /// Stage id.
    pub stage: String,
    /// Round id.
    pub round: String,
    /// Round name.
    pub name: String,
    /// Who is assigned, by name.
    pub assigned: Vec<String>,
    /// Who submitted, by name.
    pub submitted: Vec<String>,
    /// Recommendations, by interviewer name.
    pub recommendations: Vec<RecommendationSaid>,
    /// Dimensions, in the round's order.
    pub dimensions: Vec<DimensionView>,
    /// True when one interviewer said yes or strong_yes and another no or strong_no.
    pub split_recommendation: bool,
}

/// What a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Ratings of one dimension in one round at least [`DISAGREEMENT_SPREAD`] apart.
    RatingSpread,
    /// Hire and no-hire recommendations in one round.
    SplitRecommendation,
    /// An interviewer rated a dimension `no_evidence`.
    NoEvidenceRating,
    /// A round was evaluated but no one found evidence for one of its dimensions.
    DimensionWithoutEvidence,
    /// An assigned interviewer has not submitted.
    ScorecardMissing,
    /// A round of the plan has no scorecard at all.
    RoundNotEvaluated,
}

/// A disagreement or a gap in the evidence, with a sentence for the debrief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// What kind.
    pub kind: FlagKind,
    /// Round id.
    pub round: String,
    /// Dimension id, when the flag is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    /// Interviewer, when the flag is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interviewer: Option<String>,
    /// What to talk about.
    pub detail: String,
}

/// The decision step: the engine's result and, if a person overrode it, the override.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionStep {
    /// What the engine decided from the people's scorecards.
    pub mechanical: Verdict,
    /// Why.
    pub mechanical_reason: String,
    /// True when the bar raiser's veto decided the mechanical result.
    pub vetoed: bool,
    /// The override, when a person gave one with a written reason.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<OverrideRecord>,
    /// The final verdict: the mechanical one unless overridden.
    pub verdict: Verdict,
}

/// The debrief of one application.
#[derive(Debug, Clone, Serialize)]
pub struct Debrief {
    /// The profile the plan was resolved for.
    pub profile: Profile,
    /// Rounds of the plan, in order.
    pub rounds: Vec<RoundView>,
    /// Where the panel disagrees.
    pub disagreements: Vec<Flag>,
    /// Where evidence is missing.
    pub missing_evidence: Vec<Flag>,
    /// The coach's view, per round: advice only.
    pub advice: Vec<CoachAdvice>,
    /// The decision.
    pub decision: DecisionStep,
    /// The engine's full report (stages, veto, level, band, trace).
    pub report: DecisionReport,
}

/// The input the engine gets: the people's scorecards as person evaluations, the coach's marked as
/// the coach's, hiring mode, and the override.
pub fn decision_input(input: &DebriefInput) -> DecisionInput {
    let people = input.scorecards.iter().map(|s| {
        s.scorecard.to_evaluation(
            &s.round,
            decision::Evaluator {
                name: s.interviewer.clone(),
                role: s.role,
                kind: EvaluatorKind::Person,
            },
        )
    });
    let coach = input.coach.iter().map(|e| {
        let mut e = e.clone();
        // Whatever the caller wrote, the coach never counts as a person in hiring mode.
        e.evaluator.kind = EvaluatorKind::Coach;
        e
    });
    DecisionInput {
        pipeline: input.pipeline.clone(),
        mode: Mode::Hiring,
        candidate: input.candidate.clone(),
        evaluations: people.chain(coach).collect(),
        override_: input.override_.clone(),
    }
}

/// Builds the debrief for `input` on `pipeline`.
///
/// Fails when the profile does not fit the pipeline, when a scorecard names a round outside the
/// plan or a dimension outside its round, when an interviewer appears twice in one round, or when
/// an override lacks a reason of at least [`decision::MIN_REASON_CHARS`] characters — all as the
/// engine reports them.
pub fn debrief(
    content: &Content,
    pipeline: &Pipeline,
    input: &DebriefInput,
) -> Result<Debrief, DecisionError> {
    let profile = Profile {
        level: input.candidate.level,
        region: input.candidate.region.clone(),
    };
    let plan = pipeline.plan(&profile)?;
    let report = decision::decide(content, pipeline, &decision_input(input))?;

    let mut rounds = Vec::new();
    let mut disagreements = Vec::new();
    let mut missing = Vec::new();
    for stage in &plan.stages {
        for round in &stage.rounds {
            let view = round_view(&stage.id, round, input);
            flag_round(&view, &mut disagreements, &mut missing);
            rounds.push(view);
        }
    }

    let decision = DecisionStep {
        mechanical: report.mechanical.decision,
        mechanical_reason: report.mechanical.reason.clone(),
        vetoed: report.veto.is_some(),
        override_: report.override_.clone(),
        verdict: report.decision,
    };
    Ok(Debrief {
        profile,
        rounds,
        disagreements,
        missing_evidence: missing,
        advice: report.advice.clone(),
        decision,
        report,
    })
}

fn round_view(stage: &str, round: &PlannedRound, input: &DebriefInput) -> RoundView {
    let mut cards: Vec<&Submitted> = input
        .scorecards
        .iter()
        .filter(|s| s.round == round.id)
        .collect();
    // By name, not by arrival: the order of submission should not colour the discussion.
    cards.sort_by(|a, b| a.interviewer.cmp(&b.interviewer));
    let mut assigned: Vec<String> = input
        .assigned
        .iter()
        .filter(|s| s.round == round.id)
        .map(|s| s.interviewer.clone())
        .collect();
    assigned.sort();
    assigned.dedup();

    let dimensions = round
        .dimensions
        .iter()
        .map(|w| {
            let said: Vec<RatingSaid> = cards
                .iter()
                .filter_map(|c| {
                    let d = c
                        .scorecard
                        .ratings
                        .iter()
                        .find(|d| d.dimension == w.dimension)?;
                    Some(RatingSaid {
                        interviewer: c.interviewer.clone(),
                        role: c.role,
                        rating: d.rating,
                        note: d.note.clone(),
                    })
                })
                .collect();
            let values: Vec<u8> = said.iter().filter_map(|s| s.rating.value()).collect();
            let spread = values
                .iter()
                .max()
                .zip(values.iter().min())
                .map(|(hi, lo)| hi.saturating_sub(*lo));
            DimensionView {
                dimension: w.dimension.clone(),
                weight: w.weight,
                said,
                spread,
                disagreement: spread.is_some_and(|s| s >= DISAGREEMENT_SPREAD),
            }
        })
        .collect();

    let recommendations: Vec<RecommendationSaid> = cards
        .iter()
        .map(|c| RecommendationSaid {
            interviewer: c.interviewer.clone(),
            role: c.role,
            recommendation: c.scorecard.recommendation,
            summary: c.scorecard.summary.clone(),
        })
        .collect();
    let positive = recommendations.iter().any(|r| {
        matches!(
            r.recommendation,
            Recommendation::Yes | Recommendation::StrongYes
        )
    });
    let negative = recommendations
        .iter()
        .any(|r| r.recommendation.is_negative());

    RoundView {
        stage: stage.to_string(),
        round: round.id.clone(),
        name: round.name.clone(),
        assigned,
        submitted: cards.iter().map(|c| c.interviewer.clone()).collect(),
        recommendations,
        dimensions,
        split_recommendation: positive && negative,
    }
}

fn flag(kind: FlagKind, round: &str, detail: String) -> Flag {
    Flag {
        kind,
        round: round.to_string(),
        dimension: None,
        interviewer: None,
        detail,
    }
}

fn flag_round(view: &RoundView, disagreements: &mut Vec<Flag>, missing: &mut Vec<Flag>) {
    let r = view.round.as_str();
    if view.split_recommendation {
        let said: Vec<String> = view
            .recommendations
            .iter()
            .map(|s| format!("{} {}", s.interviewer, s.recommendation))
            .collect();
        disagreements.push(flag(
            FlagKind::SplitRecommendation,
            r,
            format!("hire and no-hire in one round: {}", said.join(", ")),
        ));
    }
    for d in &view.dimensions {
        if d.disagreement {
            let said: Vec<String> = d
                .said
                .iter()
                .map(|s| format!("{} {}", s.interviewer, s.rating))
                .collect();
            disagreements.push(Flag {
                dimension: Some(d.dimension.clone()),
                ..flag(
                    FlagKind::RatingSpread,
                    r,
                    format!(
                        "`{}` ratings {} points apart: {}",
                        d.dimension,
                        d.spread.unwrap_or_default(),
                        said.join(", ")
                    ),
                )
            });
        }
    }

    if view.submitted.is_empty() {
        let detail = if view.assigned.is_empty() {
            "no scorecard and nobody assigned".to_string()
        } else {
            format!("no scorecard yet; assigned: {}", view.assigned.join(", "))
        };
        missing.push(flag(FlagKind::RoundNotEvaluated, r, detail));
    }
    for who in &view.assigned {
        if !view.submitted.contains(who) {
            missing.push(Flag {
                interviewer: Some(who.clone()),
                ..flag(
                    FlagKind::ScorecardMissing,
                    r,
                    format!("{who} is assigned but has not submitted a scorecard"),
                )
            });
        }
    }
    if view.submitted.is_empty() {
        return;
    }
    for d in &view.dimensions {
        for s in d.said.iter().filter(|s| s.rating == Rating::NoEvidence) {
            missing.push(Flag {
                dimension: Some(d.dimension.clone()),
                interviewer: Some(s.interviewer.clone()),
                ..flag(
                    FlagKind::NoEvidenceRating,
                    r,
                    format!("{} found no evidence of `{}`", s.interviewer, d.dimension),
                )
            });
        }
        if d.spread.is_none() {
            missing.push(Flag {
                dimension: Some(d.dimension.clone()),
                ..flag(
                    FlagKind::DimensionWithoutEvidence,
                    r,
                    format!("nobody on the panel found evidence of `{}`", d.dimension),
                )
            });
        }
    }
}

/// May this member record the debrief's override? Overriding needs
/// [`Action::DecisionOverride`]; an override that overturns the bar raiser's veto needs
/// [`Action::DecisionOverturnVeto`] as well, which the policy grants nobody. A debrief without an
/// override needs only [`Action::DecisionDecide`].
pub fn override_access(role: Role, relations: &[Relation], debrief: &Debrief) -> Access {
    let needed: &[Action] = match &debrief.decision.override_ {
        None => &[Action::DecisionDecide],
        Some(o) if o.overturns_veto => &[Action::DecisionOverride, Action::DecisionOverturnVeto],
        Some(_) => &[Action::DecisionOverride],
    };
    for &action in needed {
        let access = roles::decide_any(role, action, relations);
        if !access.is_allowed() {
            return access;
        }
    }
    Access::Allowed
}
