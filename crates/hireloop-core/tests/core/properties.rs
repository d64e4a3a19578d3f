//! Properties of the decision engine, the plans and the content reader, over generated inputs.

use std::collections::BTreeMap;

use hireloop_core::content::{Content, ContentFile, builtin_files};
use hireloop_core::decision::{
    Candidate, DecisionInput, Evaluation, Evaluator, EvaluatorKind, Mode, Override, Verdict, decide,
};
use hireloop_core::pipeline::{Plan, Profile};
use hireloop_core::{Level, Rating, Recommendation};
use proptest::prelude::*;

use crate::util::content;

fn plan_for(level: u8, region: &str) -> Plan {
    content()
        .pipeline("alibaba-pm")
        .unwrap()
        .plan(&Profile {
            level: Level::new(level).unwrap(),
            region: region.into(),
        })
        .unwrap()
}

fn rating() -> impl Strategy<Value = Rating> {
    prop_oneof![4 => (1u8..=4).prop_map(Rating::Score), 1 => Just(Rating::NoEvidence)]
}

fn recommendation() -> impl Strategy<Value = Recommendation> {
    prop_oneof![
        Just(Recommendation::StrongNo),
        Just(Recommendation::No),
        Just(Recommendation::Yes),
        Just(Recommendation::StrongYes),
        Just(Recommendation::NoDecision)
    ]
}

/// A full loop of evaluations for a profile: 1–2 evaluators per round, random ratings.
fn loop_input() -> impl Strategy<Value = DecisionInput> {
    (5u8..=10, prop::bool::ANY).prop_flat_map(|(level, intl)| {
        let region = if intl { "international" } else { "china" };
        let plan = plan_for(level, region);
        let rounds: Vec<(String, Vec<String>, hireloop_core::pipeline::Role)> = plan
            .stages
            .iter()
            .flat_map(|s| &s.rounds)
            .map(|r| {
                (
                    r.id.clone(),
                    r.dimensions.iter().map(|w| w.dimension.clone()).collect(),
                    r.interviewer,
                )
            })
            .collect();
        let per_round: Vec<_> = rounds
            .into_iter()
            .map(|(id, dims, role)| {
                let n = dims.len();
                prop::collection::vec(
                    (prop::collection::vec(rating(), n), recommendation()),
                    1..=2,
                )
                .prop_map(move |evs| {
                    evs.into_iter()
                        .enumerate()
                        .map(|(i, (ratings, rec))| Evaluation {
                            round: id.clone(),
                            evaluator: Evaluator {
                                name: format!("{id}-{i}"),
                                role,
                                kind: EvaluatorKind::Person,
                            },
                            ratings: dims
                                .iter()
                                .cloned()
                                .zip(ratings)
                                .collect::<BTreeMap<_, _>>(),
                            recommendation: rec,
                            notes: None,
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        per_round.prop_map(move |evs| DecisionInput {
            pipeline: None,
            mode: Mode::Hiring,
            candidate: Candidate {
                name: None,
                level: Level::new(level).unwrap(),
                region: region.into(),
            },
            evaluations: evs.into_iter().flatten().collect(),
            override_: None,
        })
    })
}

fn run(input: &DecisionInput) -> hireloop_core::decision::DecisionReport {
    decide(content(), content().pipeline("alibaba-pm").unwrap(), input).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Same evaluations, same report, byte for byte.
    #[test]
    fn decisions_are_deterministic(input in loop_input()) {
        let a = serde_json::to_string(&run(&input)).unwrap();
        let b = serde_json::to_string(&run(&input)).unwrap();
        prop_assert_eq!(a, b);
    }

    /// A bar raiser's no rejects, whatever the other rounds said; a hire needs the bar raiser's yes.
    #[test]
    fn the_veto_always_holds(input in loop_input()) {
        let r = run(&input);
        let bar_raiser_says_no = input.evaluations.iter().any(|e| e.round == "bar-raiser" && e.recommendation.is_negative());
        if bar_raiser_says_no {
            prop_assert_eq!(r.decision, Verdict::Reject);
            prop_assert!(r.veto.is_some());
        }
        if r.decision == Verdict::Hire {
            prop_assert!(input.evaluations.iter().any(|e| e.round == "bar-raiser" && matches!(e.recommendation, Recommendation::Yes | Recommendation::StrongYes)));
            prop_assert!(r.stages.iter().all(|s| s.outcome == hireloop_core::decision::StageOutcome::Passed));
        }
    }

    /// Raising one rating never lowers a stage's score and never turns a hire into something else.
    #[test]
    fn better_ratings_never_hurt(input in loop_input(), pick in any::<prop::sample::Index>()) {
        let before = run(&input);
        let mut better = input.clone();
        let ev = pick.get_mut(&mut better.evaluations);
        if let Some((_, r)) = ev.ratings.iter_mut().find(|(_, r)| matches!(r, Rating::Score(n) if *n < 4))
            && let Rating::Score(n) = *r
        {
            *r = Rating::Score(n + 1);
        }
        let after = run(&better);
        for (a, b) in before.stages.iter().zip(&after.stages) {
            if let (Some(x), Some(y)) = (a.score, b.score) {
                prop_assert!(y >= x - 1e-9, "stage {} went from {x} to {y}", a.id);
            }
        }
        if before.decision == Verdict::Hire {
            prop_assert_eq!(after.decision, Verdict::Hire);
        }
    }

    /// An override is refused without a reason of at least 20 characters and decides with one.
    #[test]
    fn overrides_need_reasons(input in loop_input(), reason in "[a-z ]{0,40}", hire in any::<bool>()) {
        let mut with = input.clone();
        let decision = if hire { Verdict::Hire } else { Verdict::Reject };
        with.override_ = Some(Override { decision, reason: Some(reason.clone()), by: None });
        let out = decide(content(), content().pipeline("alibaba-pm").unwrap(), &with);
        if reason.trim().chars().count() < 20 {
            prop_assert!(out.is_err());
        } else {
            let r = out.unwrap();
            prop_assert_eq!(r.decision, decision);
            prop_assert_eq!(r.override_.unwrap().reason, reason.trim());
        }
    }

    /// Every plan keeps the pipeline's stage order and gives each round a rubric summing to 1.
    #[test]
    fn plans_are_ordered_subsets(level in 5u8..=10, intl in any::<bool>()) {
        let p = content().pipeline("alibaba-pm").unwrap();
        let plan = plan_for(level, if intl { "international" } else { "china" });
        let order: Vec<&str> = p.stages.iter().map(|s| s.id.as_str()).collect();
        let mut last = 0;
        for s in &plan.stages {
            let i = order.iter().position(|id| *id == s.id).unwrap();
            prop_assert!(i >= last);
            last = i;
            prop_assert!(!s.rounds.is_empty());
            for r in &s.rounds {
                let sum: f64 = r.dimensions.iter().map(|w| w.weight).sum();
                prop_assert!((sum - 1.0).abs() < 1e-6);
            }
        }
    }

    /// Damaging a content file anywhere never panics the loader, and every problem it reports
    /// points inside the file.
    #[test]
    fn damaged_content_is_reported_not_panicked(file_pick in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), junk in "[\\[\\]{}=\"#\\n a-z0-9.,]{1,6}", cut in 0usize..40) {
        let mut files: Vec<ContentFile> = builtin_files();
        let victim = file_pick.index(files.len());
        let text = files[victim].source.text.to_string();
        let mut pos = at.index(text.len().max(1));
        while !text.is_char_boundary(pos) { pos -= 1; }
        let mut end = (pos + cut).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let damaged = format!("{}{}{}", &text[..pos], junk, &text[end..]);
        let lines = damaged.lines().count() as u32 + 1;
        let path = files[victim].source.path.clone();
        files[victim].source = hireloop_core::SourceFile::new(path.clone(), damaged);
        let (_, diags) = Content::load_with_warnings(&files);
        for d in diags.iter() {
            if d.loc.file == path {
                prop_assert!(d.loc.line <= lines, "{d}");
            }
        }
    }
}
