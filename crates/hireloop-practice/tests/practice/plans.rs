//! Loops drawn for a few setups, as golden summaries, and the plan's helpers.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use hireloop_practice::{ItemKind, Language, LoopPlan};

use crate::util::{assert_all, content, golden, setup};

/// A compact, reviewable rendering of a loop: every round and every item.
pub fn summary(plan: &LoopPlan) -> String {
    let s = &plan.setup;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} · {} · {} · {} · seed {} · {} min",
        s.pipeline, s.level, s.region, s.language, s.seed, plan.interview_minutes
    );
    for r in &plan.rounds {
        let dims: Vec<String> = r
            .dimensions
            .iter()
            .map(|d| format!("{} {}", d.dimension, d.weight))
            .collect();
        let _ = writeln!(
            o,
            "{} ({}) / {} \"{}\" · {} min · {} ({}){}",
            r.stage_id,
            r.stage_kind.id(),
            r.round_id,
            r.round_name,
            r.duration_minutes,
            r.interviewer.id(),
            r.interviewer_title.as_deref().unwrap_or("-"),
            if r.short_by > 0 {
                format!(" · short by {}", r.short_by)
            } else {
                String::new()
            }
        );
        let _ = writeln!(o, "  dimensions: {}", dims.join(", "));
        for i in &r.items {
            let extra = match i.kind {
                ItemKind::Keyed if !i.options.is_empty() => {
                    format!(" · {} options", i.options.len())
                }
                ItemKind::Keyed => format!(" · number in {}", i.unit.as_deref().unwrap_or("?")),
                _ => String::new(),
            };
            let _ = writeln!(
                o,
                "  {} {:?} {} [{}] {}{extra}",
                i.key,
                i.kind,
                i.question.as_deref().unwrap_or("-"),
                i.language,
                i.prompt.chars().take(24).collect::<String>()
            );
        }
    }
    o
}

#[test]
fn golden_loops() {
    let cases = [
        (
            "loop-p6-china-zh.expected",
            setup("P6", "china", Language::Zh, 11),
        ),
        (
            "loop-p7-international-en.expected",
            setup("P7", "international", Language::En, 3),
        ),
        (
            "loop-p8-china-en.expected",
            setup("P8", "china", Language::En, 5),
        ),
    ];
    let mut failures = Vec::new();
    for (file, s) in cases {
        let plan = LoopPlan::build(content(), &s, &[]).unwrap();
        failures.extend(golden(file, &summary(&plan)));
    }
    assert_all(failures);
}

#[test]
fn the_profile_shapes_the_loop() {
    let p6 = LoopPlan::build(content(), &setup("P6", "china", Language::Zh, 11), &[]).unwrap();
    let p8 = LoopPlan::build(content(), &setup("P8", "china", Language::En, 11), &[]).unwrap();
    let rounds = |p: &LoopPlan| {
        p.rounds
            .iter()
            .map(|r| r.round_id.clone())
            .collect::<Vec<_>>()
    };
    assert!(
        rounds(&p6).contains(&"assessment".to_string()),
        "P6 takes the online assessment"
    );
    assert!(!rounds(&p8).contains(&"assessment".to_string()));
    assert!(
        rounds(&p8).contains(&"product-case".to_string()),
        "P8 takes the 11.11 case"
    );
    assert!(!rounds(&p6).contains(&"product-case".to_string()));
    let bar = p8
        .rounds
        .iter()
        .find(|r| r.round_id == "bar-raiser")
        .unwrap();
    assert_eq!(bar.interviewer_title.as_deref(), Some("Vice President"));
    assert_eq!(bar.items.len(), 3);
    let assessment = p6
        .rounds
        .iter()
        .find(|r| r.round_id == "assessment")
        .unwrap();
    assert_eq!(assessment.items.len(), 10);
    assert!(assessment.items.iter().all(|i| i.kind == ItemKind::Keyed));
    assert_eq!(p6.rounds[0].items[0].kind, ItemKind::Resume);
    // Chinese prompts where the bank has them.
    assert!(
        p6.items()
            .filter(|i| i.question.is_some())
            .all(|i| i.language == Language::Zh)
    );
}

#[test]
fn recently_practised_questions_come_last_but_never_leave_a_round_short() {
    let s = setup("P6", "china", Language::En, 21);
    let core = content()
        .pipeline("alibaba-pm")
        .unwrap()
        .plan(&s.profile())
        .unwrap();
    let first = LoopPlan::build(content(), &s, &[]).unwrap();
    let avoid: Vec<String> = first.question_ids().iter().map(|q| q.to_string()).collect();
    let second = LoopPlan::build(content(), &s, &avoid).unwrap();
    let drawn: BTreeSet<&str> = second.question_ids().into_iter().collect();
    for (a, b) in first.rounds.iter().zip(&second.rounds) {
        assert_eq!(
            a.items.len(),
            b.items.len(),
            "round {} is as long",
            a.round_id
        );
        let repeats = b
            .items
            .iter()
            .filter(|i| i.question.as_ref().is_some_and(|q| avoid.contains(q)))
            .count();
        if repeats == 0 {
            continue;
        }
        // A repeat only when no question fitting the round is left that was not practised.
        let (stage, round) = core.round(&b.round_id).unwrap();
        let draw = round.questions.as_ref().unwrap();
        let fresh_left = content().questions.iter().filter(|q| {
            draw.families.contains(&q.family)
                && (draw.difficulty.is_empty() || draw.difficulty.contains(&q.difficulty))
                && q.levels.contains(s.level)
                && q.stages.contains(&stage.kind)
                && !avoid.contains(&q.id)
                && !drawn.contains(q.id.as_str())
        });
        assert_eq!(
            fresh_left.count(),
            0,
            "round {} repeats a question while fresh ones fit",
            b.round_id
        );
    }
    // The assessment draws 10 of the 16 items for P5–P7: the second loop takes the other 6 first.
    let assessment = second
        .rounds
        .iter()
        .find(|r| r.round_id == "assessment")
        .unwrap();
    let repeats = assessment
        .items
        .iter()
        .filter(|i| avoid.contains(i.question.as_ref().unwrap()))
        .count();
    assert_eq!(repeats, 4);
}

#[test]
fn helpers_find_items_rounds_and_the_next_item() {
    let plan = LoopPlan::build(
        content(),
        &setup("P7", "international", Language::En, 3),
        &[],
    )
    .unwrap();
    let keys: Vec<String> = plan.items().map(|i| i.key.clone()).collect();
    assert_eq!(keys[0], "resume-review/1");
    assert_eq!(plan.item("product-data/2").unwrap().key, "product-data/2");
    assert!(plan.item("product-data/9").is_none());
    assert_eq!(
        plan.round_of("bar-raiser/1").unwrap().stage_id,
        "culture-fit"
    );
    assert!(plan.round_of("nope/1").is_none());
    assert_eq!(plan.next_unanswered(&[]).unwrap().key, keys[0]);
    let answered: Vec<String> = keys[..3].to_vec();
    assert_eq!(plan.next_unanswered(&answered).unwrap().key, keys[3]);
    let skipped_one: Vec<String> = keys.iter().filter(|k| *k != &keys[1]).cloned().collect();
    assert_eq!(plan.next_unanswered(&skipped_one).unwrap().key, keys[1]);
    assert!(plan.next_unanswered(&keys).is_none());
}
