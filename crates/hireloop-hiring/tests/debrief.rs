//! Debriefs: data-driven cases (a compact panel description in, the debrief out), targeted
//! checks of the flags and the decision step, and the property that the coach never changes the
//! verdict.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod rules_support;

use std::collections::BTreeMap;

use hireloop_core::decision::{
    Candidate, DecisionError, Evaluation, Evaluator, EvaluatorKind, MIN_REASON_CHARS, Override,
    Verdict,
};
use hireloop_core::pipeline::Role as LoopRole;
use hireloop_core::{Rating, Recommendation};
use hireloop_hiring::debrief::{Debrief, DebriefInput, FlagKind, Seat, Submitted, debrief};
use hireloop_hiring::scorecard::{ScorecardInput, validate};
use proptest::prelude::*;
use rules_support::{assert_all, content, expected_path, golden, inputs, pipeline, plan, pretty};
use serde::Deserialize;

/// One scorecard in a case: `all` rates every dimension of the round, `ratings` overrides some.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Card {
    round: String,
    interviewer: String,
    role: LoopRole,
    #[serde(default)]
    all: Option<Rating>,
    #[serde(default)]
    ratings: BTreeMap<String, Rating>,
    #[serde(default)]
    notes: BTreeMap<String, String>,
    recommendation: Recommendation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    candidate: Candidate,
    #[serde(default)]
    scorecards: Vec<Card>,
    #[serde(default)]
    assigned: Vec<Seat>,
    #[serde(default)]
    coach: Vec<Evaluation>,
    #[serde(default, rename = "override")]
    override_: Option<Override>,
}

/// Builds a valid scorecard: every dimension of the round rated, extreme ratings with a note.
fn submitted(candidate: &Candidate, card: Card) -> Submitted {
    let plan = plan(&candidate.level.to_string(), &candidate.region);
    let (_, round) = plan
        .round(&card.round)
        .unwrap_or_else(|| panic!("round {} is not in the plan", card.round));
    let dims: Vec<&str> = round
        .dimensions
        .iter()
        .map(|w| w.dimension.as_str())
        .collect();
    let mut input = ScorecardInput {
        ratings: card.ratings,
        notes: card.notes,
        recommendation: Some(card.recommendation),
        summary: Some(format!(
            "{} on {}: {}",
            card.interviewer, card.round, card.recommendation
        )),
    };
    for d in &dims {
        if let Some(all) = card.all {
            input.ratings.entry(d.to_string()).or_insert(all);
        }
        if matches!(input.ratings.get(*d), Some(Rating::Score(1 | 4))) {
            input.notes.entry(d.to_string()).or_insert_with(|| {
                format!("What {} showed on {d}, written down.", card.interviewer)
            });
        }
    }
    let scorecard = validate(&dims, &input)
        .unwrap_or_else(|p| panic!("{} {}: {p:?}", card.round, card.interviewer));
    Submitted {
        round: card.round,
        interviewer: card.interviewer,
        role: card.role,
        scorecard,
    }
}

fn build(case: Case) -> DebriefInput {
    let candidate = case.candidate;
    DebriefInput {
        pipeline: None,
        scorecards: case
            .scorecards
            .into_iter()
            .map(|c| submitted(&candidate, c))
            .collect(),
        candidate,
        assigned: case.assigned,
        coach: case.coach,
        override_: case.override_,
    }
}

/// The parts of a debrief a reviewer reads; the engine's trace is tested in the core.
fn summary(d: &Debrief) -> serde_json::Value {
    let stages: Vec<serde_json::Value> = d
        .report
        .stages
        .iter()
        .map(|s| serde_json::json!({ "id": s.id, "outcome": s.outcome, "score": s.score, "reason": s.reason }))
        .collect();
    serde_json::json!({
        "profile": d.profile,
        "decision": d.decision,
        "disagreements": d.disagreements,
        "missing_evidence": d.missing_evidence,
        "advice": d.advice,
        "stages": stages,
        "veto": d.report.veto,
        "level": d.report.level,
        "band": d.report.band,
        "rounds": d.rounds,
    })
}

#[test]
fn data_driven_cases_match_their_expected_output() {
    let mut failures = Vec::new();
    for path in inputs("debrief") {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let out = match debrief(content(), pipeline(), &build(case)) {
            Ok(d) => summary(&d),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        failures.extend(golden(&expected_path(&path), &pretty(&out)));
    }
    assert_all(failures);
}

fn p6() -> Candidate {
    Candidate {
        name: Some("Test".into()),
        level: "P6".parse().unwrap(),
        region: "china".into(),
    }
}

fn card(round: &str, who: &str, role: LoopRole, all: u8, rec: Recommendation) -> Card {
    Card {
        round: round.into(),
        interviewer: who.into(),
        role,
        all: Some(Rating::Score(all)),
        ratings: BTreeMap::new(),
        notes: BTreeMap::new(),
        recommendation: rec,
    }
}

/// A full P6 loop where everyone says `all`/`rec`, and the bar raiser says `br`.
fn full_loop(all: u8, rec: Recommendation, br: Recommendation) -> Vec<Card> {
    use LoopRole::*;
    vec![
        card("resume-review", "rita", Recruiter, all, rec),
        card("assessment", "auto", Recruiter, all, rec),
        card("recruiter-call", "rita", Recruiter, all, rec),
        card("product-design", "lin", Interviewer, all, rec),
        card("product-data", "wu", Interviewer, all, rec),
        card("cross-functional", "qian", Peer, all, rec),
        card("bar-raiser", "zhao", BarRaiser, all, br),
    ]
}

fn case(cards: Vec<Card>) -> Case {
    Case {
        candidate: p6(),
        scorecards: cards,
        assigned: Vec::new(),
        coach: Vec::new(),
        override_: None,
    }
}

#[test]
fn an_empty_panel_is_incomplete_and_every_round_lacks_evidence() {
    let d = debrief(content(), pipeline(), &build(case(Vec::new()))).unwrap();
    assert_eq!(d.decision.verdict, Verdict::Incomplete);
    assert!(d.disagreements.is_empty());
    assert_eq!(d.missing_evidence.len(), d.rounds.len());
    assert!(
        d.missing_evidence
            .iter()
            .all(|f| f.kind == FlagKind::RoundNotEvaluated)
    );
}

#[test]
fn the_veto_is_respected_however_strong_the_other_rounds() {
    let d = debrief(
        content(),
        pipeline(),
        &build(case(full_loop(
            4,
            Recommendation::StrongYes,
            Recommendation::No,
        ))),
    )
    .unwrap();
    assert!(d.decision.vetoed);
    assert_eq!(d.decision.mechanical, Verdict::Reject);
    assert_eq!(d.decision.verdict, Verdict::Reject);
}

#[test]
fn all_no_evidence_flags_every_dimension_of_the_round() {
    let mut cards = full_loop(3, Recommendation::Yes, Recommendation::Yes);
    cards[3].all = Some(Rating::NoEvidence);
    cards[3].recommendation = Recommendation::NoDecision;
    let d = debrief(content(), pipeline(), &build(case(cards))).unwrap();
    let design = d
        .rounds
        .iter()
        .find(|r| r.round == "product-design")
        .unwrap();
    let n = design.dimensions.len();
    let flags: Vec<FlagKind> = d
        .missing_evidence
        .iter()
        .filter(|f| f.round == "product-design")
        .map(|f| f.kind)
        .collect();
    assert_eq!(
        flags
            .iter()
            .filter(|k| **k == FlagKind::NoEvidenceRating)
            .count(),
        n
    );
    assert_eq!(
        flags
            .iter()
            .filter(|k| **k == FlagKind::DimensionWithoutEvidence)
            .count(),
        n
    );
    // A round that showed nothing and decided nothing holds its stage: the loop is incomplete
    // until the round is redone, however well the other product round went.
    assert_eq!(d.decision.verdict, Verdict::Incomplete);
    let stage = d
        .report
        .stages
        .iter()
        .find(|s| s.rounds.iter().any(|r| r.id == "product-design"))
        .unwrap();
    assert_eq!(
        stage.outcome,
        hireloop_core::decision::StageOutcome::Pending
    );
    assert!(stage.reason.contains("product-design"), "{}", stage.reason);
}

#[test]
fn disagreement_is_a_spread_of_two_or_a_hire_no_hire_split() {
    let mut cards = full_loop(3, Recommendation::Yes, Recommendation::Yes);
    let mut second = card(
        "product-design",
        "sun",
        LoopRole::Interviewer,
        3,
        Recommendation::No,
    );
    second.ratings.insert("structure".into(), Rating::Score(1));
    second.ratings.insert("ecosystem".into(), Rating::Score(2));
    cards.push(second);
    let d = debrief(content(), pipeline(), &build(case(cards))).unwrap();
    let kinds: Vec<(FlagKind, Option<&str>)> = d
        .disagreements
        .iter()
        .map(|f| (f.kind, f.dimension.as_deref()))
        .collect();
    // structure 3 vs 1 is a disagreement; ecosystem 3 vs 2 is not; yes against no is.
    assert_eq!(
        kinds,
        [
            (FlagKind::SplitRecommendation, None),
            (FlagKind::RatingSpread, Some("structure"))
        ]
    );
    // no_decision next to yes is not a split.
    let mut cards = full_loop(3, Recommendation::Yes, Recommendation::Yes);
    cards.push(card(
        "product-data",
        "he",
        LoopRole::Interviewer,
        3,
        Recommendation::NoDecision,
    ));
    let d = debrief(content(), pipeline(), &build(case(cards))).unwrap();
    assert!(d.disagreements.is_empty());
}

#[test]
fn an_assigned_interviewer_without_a_scorecard_is_flagged() {
    let mut c = case(full_loop(3, Recommendation::Yes, Recommendation::Yes));
    c.assigned = vec![
        Seat {
            round: "product-data".into(),
            interviewer: "wu".into(),
        },
        Seat {
            round: "product-data".into(),
            interviewer: "ma".into(),
        },
    ];
    let d = debrief(content(), pipeline(), &build(c)).unwrap();
    let missing: Vec<(&str, Option<&str>)> = d
        .missing_evidence
        .iter()
        .filter(|f| f.kind == FlagKind::ScorecardMissing)
        .map(|f| (f.round.as_str(), f.interviewer.as_deref()))
        .collect();
    assert_eq!(missing, [("product-data", Some("ma"))]);
}

#[test]
fn an_override_needs_a_written_reason_and_then_decides() {
    let cards = || full_loop(2, Recommendation::No, Recommendation::Yes);
    let mut c = case(cards());
    c.override_ = Some(Override {
        decision: Verdict::Hire,
        reason: Some("  too short ".into()),
        by: Some("hm".into()),
    });
    let err = debrief(content(), pipeline(), &build(c)).unwrap_err();
    assert!(matches!(
        err,
        DecisionError::OverrideWithoutReason {
            decision: Verdict::Hire,
            mechanical: Verdict::Reject
        }
    ));

    let mut c = case(cards());
    c.override_ = Some(Override {
        decision: Verdict::Hire,
        reason: None,
        by: None,
    });
    assert!(debrief(content(), pipeline(), &build(c)).is_err());

    let mut c = case(cards());
    let reason = "Strong referral; the data round was cut short by an outage.";
    assert!(reason.len() >= MIN_REASON_CHARS);
    c.override_ = Some(Override {
        decision: Verdict::Hire,
        reason: Some(reason.into()),
        by: Some("hm".into()),
    });
    let d = debrief(content(), pipeline(), &build(c)).unwrap();
    assert_eq!(d.decision.mechanical, Verdict::Reject);
    assert_eq!(d.decision.verdict, Verdict::Hire);
    let o = d.decision.override_.unwrap();
    assert!(o.changes_result);
    assert!(!o.overturns_veto);
    assert_eq!(o.reason, reason);
}

#[test]
fn only_the_hiring_manager_records_an_override_and_nobody_overturns_a_veto() {
    use hireloop_hiring::debrief::override_access;
    use hireloop_hiring::roles::{Relation, Role};
    let reason = "Strong referral; the data round was cut short by an outage.";
    let with_override = |br: Recommendation| {
        let mut c = case(full_loop(2, Recommendation::No, br));
        c.override_ = Some(Override {
            decision: Verdict::Hire,
            reason: Some(reason.into()),
            by: Some("hm".into()),
        });
        debrief(content(), pipeline(), &build(c)).unwrap()
    };
    let plain = with_override(Recommendation::Yes);
    let team = [Relation::HiringTeam, Relation::Assigned];
    assert!(override_access(Role::HiringManager, &team, &plain).is_allowed());
    assert!(!override_access(Role::HiringManager, &[Relation::Assigned], &plain).is_allowed());
    assert!(!override_access(Role::Recruiter, &team, &plain).is_allowed());
    assert!(!override_access(Role::BarRaiser, &team, &plain).is_allowed());
    let vetoed = with_override(Recommendation::StrongNo);
    assert!(vetoed.decision.override_.as_ref().unwrap().overturns_veto);
    for role in Role::ALL {
        assert!(
            !override_access(role, &team, &vetoed).is_allowed(),
            "{role}"
        );
    }
    // Without an override, recording the decision needs the right to decide.
    let none = debrief(
        content(),
        pipeline(),
        &build(case(full_loop(3, Recommendation::Yes, Recommendation::Yes))),
    )
    .unwrap();
    assert!(override_access(Role::HiringManager, &[Relation::HiringTeam], &none).is_allowed());
    assert!(!override_access(Role::Admin, &[Relation::None], &none).is_allowed());
}

#[test]
fn a_coach_marked_as_a_person_is_still_only_advice() {
    let mut c = case(full_loop(3, Recommendation::Yes, Recommendation::No));
    c.coach = vec![Evaluation {
        round: "bar-raiser".into(),
        evaluator: Evaluator {
            name: "coach".into(),
            role: LoopRole::BarRaiser,
            kind: EvaluatorKind::Person,
        },
        ratings: BTreeMap::new(),
        recommendation: Recommendation::StrongYes,
        notes: None,
    }];
    let d = debrief(content(), pipeline(), &build(c)).unwrap();
    assert_eq!(d.decision.verdict, Verdict::Reject);
    assert_eq!(d.advice.len(), 1);
    assert_eq!(d.advice[0].recommendation, Recommendation::StrongYes);
}

fn recommendation() -> impl Strategy<Value = Recommendation> {
    prop_oneof![
        Just(Recommendation::StrongNo),
        Just(Recommendation::No),
        Just(Recommendation::Yes),
        Just(Recommendation::StrongYes),
        Just(Recommendation::NoDecision),
    ]
}

const ROUNDS: [&str; 7] = [
    "resume-review",
    "assessment",
    "recruiter-call",
    "product-design",
    "product-data",
    "cross-functional",
    "bar-raiser",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the people said and whatever the coach says, adding the coach's evaluations
    /// changes neither the mechanical result, nor the verdict, nor any stage.
    #[test]
    fn the_coach_never_changes_the_verdict(
        people in prop::collection::vec((1u8..=4, recommendation()), 7),
        drop in prop::collection::vec(any::<bool>(), 7),
        coach in prop::collection::vec((prop::sample::select(ROUNDS.to_vec()), 1u8..=4, recommendation()), 0..7),
    ) {
        let roles = [LoopRole::Recruiter, LoopRole::Recruiter, LoopRole::Recruiter, LoopRole::Interviewer,
            LoopRole::Interviewer, LoopRole::Peer, LoopRole::BarRaiser];
        let cards: Vec<Card> = ROUNDS
            .iter()
            .zip(people)
            .zip(roles)
            .zip(drop)
            .filter(|(_, dropped)| !dropped)
            .map(|(((round, (all, rec)), role), _)| card(round, &format!("p-{round}"), role, all, rec))
            .collect();
        let without = build(case(cards));
        let mut with = without.clone();
        let mut seen = std::collections::BTreeSet::new();
        for (round, all, rec) in coach {
            if !seen.insert(round) {
                continue; // one coach evaluation per round, as the engine requires
            }
            let (_, planned) = plan("P6", "china").round(round).map(|(s, r)| (s.clone(), r.clone())).unwrap();
            with.coach.push(Evaluation {
                round: round.into(),
                evaluator: Evaluator { name: "coach".into(), role: planned.interviewer, kind: EvaluatorKind::Coach },
                ratings: planned.dimensions.iter().map(|w| (w.dimension.clone(), Rating::Score(all))).collect(),
                recommendation: rec,
                notes: None,
            });
        }
        let a = debrief(content(), pipeline(), &without).unwrap();
        let b = debrief(content(), pipeline(), &with).unwrap();
        prop_assert_eq!(a.decision.verdict, b.decision.verdict);
        prop_assert_eq!(a.decision.mechanical, b.decision.mechanical);
        prop_assert_eq!(a.decision.vetoed, b.decision.vetoed);
        let outcomes = |d: &Debrief| d.report.stages.iter().map(|s| (s.id.clone(), s.outcome, s.score)).collect::<Vec<_>>();
        prop_assert_eq!(outcomes(&a), outcomes(&b));
        prop_assert_eq!(&a.rounds, &b.rounds);
        prop_assert_eq!(b.advice.len(), with.coach.len());
    }
}
