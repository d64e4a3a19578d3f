//! Properties over generated setups, answers and review histories: the draw is reproducible and
//! sound, FSRS behaves, bad forms never panic, and every state type reads back from its JSON.

use std::collections::BTreeSet;
use std::fmt::Debug;

use hireloop_practice::checklist;
use hireloop_practice::progress::{Attempt, Progress, SelfRating};
use hireloop_practice::schedule::{Card, Grade, review};
use hireloop_practice::stories::Story;
use hireloop_practice::{
    Answer, ItemKind, Language, LoopPlan, LoopReport, PracticeSetup, grade_item,
};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::util::{Candidate, NOW_MS, coach, content, setup, simulate};

/// Writes `x` as JSON, reads it back, and checks the value and its JSON are unchanged.
fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    x: &T,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(x).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: T =
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
    prop_assert_eq!(&back, x);
    prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    Ok(())
}

fn any_setup() -> impl Strategy<Value = PracticeSetup> {
    (5u8..=10, prop::bool::ANY, prop::bool::ANY, any::<u64>()).prop_map(|(l, intl, zh, seed)| {
        setup(
            &format!("P{l}"),
            if intl { "international" } else { "china" },
            if zh { Language::Zh } else { Language::En },
            seed,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_same_seed_draws_the_same_loop(s in any_setup(), avoid_n in 0usize..12) {
        let a = LoopPlan::build(content(), &s, &[]).unwrap();
        prop_assert_eq!(&a, &LoopPlan::build(content(), &s, &[]).unwrap());
        let avoid: Vec<String> = a.question_ids().iter().take(avoid_n).map(|q| q.to_string()).collect();
        let b = LoopPlan::build(content(), &s, &avoid).unwrap();
        prop_assert_eq!(&b, &LoopPlan::build(content(), &s, &avoid).unwrap());
        round_trips(&a)?;
        round_trips(&s)?;
    }

    #[test]
    fn a_loop_never_repeats_a_question_and_every_question_suits_its_round(s in any_setup()) {
        let plan = LoopPlan::build(content(), &s, &[]).unwrap();
        let core = content().pipeline("alibaba-pm").unwrap().plan(&s.profile()).unwrap();
        let ids = plan.question_ids();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        prop_assert_eq!(unique.len(), ids.len(), "a question twice in {:?}", ids);
        let keys: BTreeSet<&str> = plan.items().map(|i| i.key.as_str()).collect();
        prop_assert_eq!(keys.len(), plan.items().count(), "keys are unique");
        for round in &plan.rounds {
            let (stage, planned) = core.round(&round.round_id).unwrap();
            prop_assert_eq!(&round.stage_id, &stage.id);
            let want = planned.questions.as_ref().map_or(0, |d| d.count);
            let resume = usize::from(stage.kind == hireloop_core::pipeline::StageKind::ResumeScreen);
            prop_assert_eq!(round.items.len() + round.short_by as usize, want as usize + resume);
            for (n, item) in round.items.iter().enumerate() {
                prop_assert_eq!(&item.key, &format!("{}/{}", round.round_id, n + 1));
                let Some(id) = &item.question else {
                    prop_assert_eq!(item.kind, ItemKind::Resume);
                    continue;
                };
                let q = content().question(id).unwrap();
                let draw = planned.questions.as_ref().unwrap();
                prop_assert!(q.levels.contains(s.level), "{} does not suit {}", id, s.level);
                prop_assert!(q.stages.contains(&stage.kind), "{} is not asked in {:?}", id, stage.kind);
                prop_assert!(draw.families.contains(&q.family));
                prop_assert!(draw.difficulty.is_empty() || draw.difficulty.contains(&q.difficulty));
                prop_assert_eq!(item.kind == ItemKind::Keyed, q.key.is_some());
                let zh = s.language == Language::Zh && q.prompt_zh.is_some();
                prop_assert_eq!(item.language, if zh { Language::Zh } else { Language::En });
            }
        }
    }

    #[test]
    fn good_reviews_lengthen_the_interval_and_again_shortens_it(goods in 1usize..7, start in -1_000_000_000_000i64..4_000_000_000_000) {
        let mut card: Option<Card> = None;
        let mut last = 0.0;
        for _ in 0..goods {
            let now = card.as_ref().map_or(start, |c| c.due_ms);
            let next = review(card.as_ref(), "family:ab", Grade::Good, now);
            let days = next.interval_days();
            prop_assert!(days > last || days == 365.0, "{} after {}", days, last);
            last = days;
            round_trips(&next)?;
            card = Some(next);
        }
        let c = card.unwrap();
        let again = review(Some(&c), "family:ab", Grade::Again, c.due_ms);
        prop_assert!(again.interval_days() < c.interval_days() || c.interval_days() <= 1.0);
        prop_assert_eq!(again.lapses, c.lapses + 1);
    }

    #[test]
    fn cards_with_any_numbers_read_back(stability in any::<f64>().prop_filter("finite", |x| x.is_finite()), difficulty in -1e9f64..1e9, last in any::<i64>(), due in any::<i64>(), reps in any::<u32>()) {
        round_trips(&Card { subject: "story:a".into(), stability, difficulty, last_review_ms: last, due_ms: due, reps, lapses: reps / 2 })?;
    }

    #[test]
    fn any_form_parses_or_names_a_field(pipeline in "\\PC{0,12}", level in "\\PC{0,5}", region in "\\PC{0,14}", language in "\\PC{0,3}") {
        match PracticeSetup::parse(content(), &pipeline, &level, &region, &language, 0) {
            Ok(s) => prop_assert!(s.check(content()).is_ok()),
            Err(hireloop_practice::PracticeError::Setup(problems)) => {
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(["pipeline", "level", "region", "language"].contains(&p.field.as_str()), "{:?}", p);
                    prop_assert!(!p.message.is_empty());
                }
            }
            Err(other) => prop_assert!(false, "unexpected error {}", other),
        }
    }

    #[test]
    fn answers_read_back(text in "\\PC{0,40}", choice in any::<usize>()) {
        round_trips(&Answer::Text(text))?;
        round_trips(&Answer::Choice(choice))?;
    }

    #[test]
    fn any_text_answer_grades_or_is_refused_without_panicking(text in "\\PC{0,300}", seed in 0u64..4) {
        let plan = LoopPlan::build(content(), &setup("P6", "china", Language::En, seed), &[]).unwrap();
        for item in plan.items().step_by(3) {
            match grade_item(coach(), content(), &plan, &item.key, &Answer::Text(text.clone()), NOW_MS) {
                Ok(f) => {
                    prop_assert!((0.0..=4.0).contains(&f.overall), "{}", f.overall);
                    prop_assert!(f.scores.iter().all(|s| (0.0..=4.0).contains(&s.score)));
                    round_trips(&f)?;
                }
                Err(e) => prop_assert!(e.to_string().contains(&item.key)),
            }
        }
    }

    #[test]
    fn stories_progress_and_checklists_read_back(
        title in "\\PC{1,40}",
        values in prop::collection::vec(prop::sample::select(vec!["ownership", "simplicity", "customer_first", "embrace_change"]), 0..3),
        scores in prop::collection::vec((0i64..1_000_000_000_000, 0.0f64..=4.0, prop::option::of(1u8..=4)), 0..12),
        done in prop::collection::vec(prop::sample::select(vec!["guesstimates", "star-stories", "framework-4p", "old"]), 0..4),
    ) {
        round_trips(&Story {
            id: "s-1".into(),
            title,
            situation: "a".into(),
            task: "b".into(),
            action: "c".into(),
            result: "d".into(),
            values: values.into_iter().map(String::from).collect(),
        })?;
        let attempts: Vec<Attempt> = scores
            .iter()
            .map(|(t, s, own)| Attempt {
                at_ms: *t,
                family: "ab".into(),
                scores: [("metrics".to_string(), *s)].into_iter().collect(),
                overall: *s,
                self_rating: own.map(|o| SelfRating { overall: Some(o), ..SelfRating::default() }),
            })
            .collect();
        for a in &attempts {
            round_trips(a)?;
        }
        round_trips(&Progress::compute(&attempts))?;
        let done: Vec<String> = done.into_iter().map(String::from).collect();
        round_trips(&checklist::progress(content(), &done))?;
    }
}

#[test]
fn reports_and_feedback_of_whole_loops_read_back() {
    let plan = LoopPlan::build(content(), &setup("P6", "china", Language::Zh, 11), &[]).unwrap();
    let strong = simulate(&plan, |_| Some(Candidate::Strong));
    let weak = simulate(&plan, |i| {
        Some(if i.key.starts_with("assessment/") {
            Candidate::Weak
        } else {
            Candidate::Strong
        })
    });
    for (_, f) in strong.iter().chain(&weak) {
        round_trips(f).unwrap();
    }
    for r in [
        LoopReport::compute(content(), &plan, &strong).unwrap(),
        LoopReport::compute(content(), &plan, &weak).unwrap(),
        LoopReport::partial(content(), &plan, &strong[..4]).unwrap(),
    ] {
        round_trips(&r).unwrap();
    }
    // Every keyed answer wrong fails the assessment with the lowest ratings.
    let r = LoopReport::compute(content(), &plan, &weak).unwrap();
    assert_eq!(r.decision, hireloop_core::decision::Verdict::Reject);
    let stage = r
        .stages
        .iter()
        .find(|s| s.id == "online-assessment")
        .unwrap();
    assert_eq!(stage.outcome, hireloop_practice::outcome::Outcome::Failed);
    assert_eq!(
        stage.rounds[0]
            .ratings
            .iter()
            .filter_map(|x| x.rating)
            .max(),
        Some(1)
    );
}
