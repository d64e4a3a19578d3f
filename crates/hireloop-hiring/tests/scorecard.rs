//! Scorecards: validation (data-driven, every problem at once), visibility and overdue reminders.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod rules_support;

use std::collections::BTreeMap;

use hireloop_core::{Rating, Recommendation};
use hireloop_hiring::roles::Role;
use hireloop_hiring::scorecard::{
    Assignment, DEFAULT_GRACE_MS, MIN_NOTE_CHARS, ScorecardInput, can_see_others, due_ms, overdue,
    validate,
};
use proptest::prelude::*;
use rules_support::{assert_all, expected_path, golden, inputs, pretty};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    dimensions: Vec<String>,
    input: ScorecardInput,
}

#[test]
fn data_driven_cases_match_their_expected_output() {
    let mut failures = Vec::new();
    for path in inputs("scorecard") {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let dims: Vec<&str> = case.dimensions.iter().map(String::as_str).collect();
        let out = match validate(&dims, &case.input) {
            Ok(card) => serde_json::json!({ "ok": card }),
            Err(problems) => serde_json::json!({ "problems": problems }),
        };
        failures.extend(golden(&expected_path(&path), &pretty(&out)));
    }
    assert_all(failures);
}

fn input(ratings: &[(&str, Rating)], rec: Option<Recommendation>) -> ScorecardInput {
    ScorecardInput {
        ratings: ratings.iter().map(|(d, r)| (d.to_string(), *r)).collect(),
        notes: BTreeMap::new(),
        recommendation: rec,
        summary: Some("A fair round with one clear gap in metrics.".into()),
    }
}

#[test]
fn every_problem_is_reported_at_once_with_field_paths() {
    let dims = ["structure", "metrics", "ownership"];
    let mut bad = input(
        &[
            ("structure", Rating::Score(4)),
            ("strucure", Rating::Score(3)),
        ],
        None,
    );
    bad.summary = None;
    let problems = validate(&dims, &bad).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "ratings.strucure",
            "notes.structure",
            "ratings.metrics",
            "ratings.ownership",
            "recommendation",
            "summary"
        ]
    );
    assert!(
        problems[0]
            .message
            .contains("structure, metrics, ownership")
    );
}

#[test]
fn no_evidence_is_an_answer_but_a_missing_rating_is_not() {
    let dims = ["star", "ownership"];
    let all = input(
        &[
            ("star", Rating::NoEvidence),
            ("ownership", Rating::NoEvidence),
        ],
        Some(Recommendation::NoDecision),
    );
    let card = validate(&dims, &all).unwrap();
    assert_eq!(card.rating("star"), Some(Rating::NoEvidence));
    let partial = input(&[("star", Rating::NoEvidence)], Some(Recommendation::Yes));
    let problems = validate(&dims, &partial).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "ratings.ownership");
}

#[test]
fn extreme_ratings_need_a_note_of_the_minimum_length_middle_ones_do_not() {
    let dims = ["metrics"];
    for (value, needs) in [(1, true), (2, false), (3, false), (4, true)] {
        let mut card = input(
            &[("metrics", Rating::Score(value))],
            Some(Recommendation::Yes),
        );
        assert_eq!(
            validate(&dims, &card).is_err(),
            needs,
            "rating {value} without a note"
        );
        card.notes
            .insert("metrics".into(), "x".repeat(MIN_NOTE_CHARS - 1));
        assert_eq!(
            validate(&dims, &card).is_err(),
            needs,
            "rating {value}, note too short"
        );
        // Whitespace does not count towards the minimum.
        card.notes.insert(
            "metrics".into(),
            format!("   {}   ", "y".repeat(MIN_NOTE_CHARS)),
        );
        let ok = validate(&dims, &card).unwrap();
        assert_eq!(
            ok.ratings[0].note.as_deref(),
            Some("y".repeat(MIN_NOTE_CHARS).as_str())
        );
    }
}

#[test]
fn a_rating_outside_the_scale_is_refused_by_serde_and_by_validate() {
    let err = serde_json::from_str::<ScorecardInput>(r#"{"ratings":{"metrics":5}}"#).unwrap_err();
    assert!(err.to_string().contains("no_evidence"), "{err}");
    let card = input(&[("metrics", Rating::Score(7))], Some(Recommendation::Yes));
    let problems = validate(&["metrics"], &card).unwrap_err();
    assert_eq!(problems[0].field, "ratings.metrics");
}

#[test]
fn the_valid_scorecard_becomes_a_person_evaluation_for_the_engine() {
    let card = validate(
        &["structure", "metrics"],
        &input(
            &[
                ("metrics", Rating::Score(3)),
                ("structure", Rating::NoEvidence),
            ],
            Some(Recommendation::Yes),
        ),
    )
    .unwrap();
    let ev = card.to_evaluation(
        "product-data",
        hireloop_core::decision::Evaluator {
            name: "Lin".into(),
            role: hireloop_core::pipeline::Role::Interviewer,
            kind: hireloop_core::decision::EvaluatorKind::Person,
        },
    );
    assert_eq!(ev.round, "product-data");
    assert_eq!(ev.ratings.len(), 2);
    assert_eq!(ev.recommendation, Recommendation::Yes);
    // The round's order, not the input's.
    assert_eq!(card.ratings[0].dimension, "structure");
}

#[test]
fn visibility_follows_the_panel_rule_and_the_role() {
    use Role::*;
    // On the panel, any role waits for its own scorecard.
    for role in [Admin, Recruiter, HiringManager, Interviewer, BarRaiser] {
        assert!(
            !can_see_others(role, true, false),
            "{role} on the panel, not submitted"
        );
        assert!(
            can_see_others(role, true, true),
            "{role} on the panel, submitted"
        );
    }
    // Off the panel.
    assert!(can_see_others(Recruiter, false, false));
    assert!(can_see_others(HiringManager, false, false));
    assert!(can_see_others(BarRaiser, false, false));
    assert!(!can_see_others(Admin, false, false));
    assert!(!can_see_others(Interviewer, false, true));
    // Candidates never.
    for on_panel in [false, true] {
        for submitted in [false, true] {
            assert!(!can_see_others(Candidate, on_panel, submitted));
        }
    }
}

fn assignment(app: &str, round: &str, who: &str, due: i64, submitted: bool) -> Assignment {
    Assignment {
        application: app.into(),
        round: round.into(),
        interviewer: who.into(),
        due_ms: due,
        submitted,
    }
}

#[test]
fn overdue_lists_unsubmitted_past_due_scorecards_latest_first() {
    let hour = 3_600_000;
    let end = 1_700_000_000_000;
    let due = due_ms(end, DEFAULT_GRACE_MS);
    assert_eq!(due, end + 24 * hour);
    let now = due + 10 * hour;
    let list = overdue(
        &[
            assignment("a1", "product-design", "lin", due, false),
            assignment("a1", "product-data", "wu", due - 30 * hour, false),
            assignment("a2", "bar-raiser", "zhao", due - 30 * hour, true),
            assignment("a3", "cross-functional", "qian", now, false),
            assignment("a3", "product-design", "sun", now + hour, false),
            assignment("a0", "product-data", "li", due - 30 * hour, false),
        ],
        now,
    );
    let got: Vec<(&str, &str, i64)> = list
        .iter()
        .map(|o| {
            (
                o.application.as_str(),
                o.interviewer.as_str(),
                o.late_by_ms / hour,
            )
        })
        .collect();
    assert_eq!(got, [("a0", "li", 40), ("a1", "wu", 40), ("a1", "lin", 10)]);
    assert!(overdue(&[], now).is_empty());
}

fn rating() -> impl Strategy<Value = Rating> {
    prop_oneof![(0u8..=6).prop_map(Rating::Score), Just(Rating::NoEvidence)]
}

fn recommendation() -> impl Strategy<Value = Option<Recommendation>> {
    prop::option::of(prop_oneof![
        Just(Recommendation::StrongNo),
        Just(Recommendation::No),
        Just(Recommendation::Yes),
        Just(Recommendation::StrongYes),
        Just(Recommendation::NoDecision),
    ])
}

const DIMS: [&str; 5] = ["structure", "metrics", "ownership", "star", "tradeoffs"];

proptest! {
    #[test]
    fn validation_is_total_and_a_valid_card_rates_exactly_the_round(
        n_dims in 0usize..=5,
        ratings in prop::collection::btree_map(prop::sample::select(DIMS.to_vec()).prop_map(str::to_string), rating(), 0..6),
        notes in prop::collection::btree_map(prop::sample::select(DIMS.to_vec()).prop_map(str::to_string), "[ a-z]{0,40}", 0..6),
        rec in recommendation(),
        summary in prop::option::of("[ a-z]{0,40}"),
    ) {
        let dims = &DIMS[..n_dims];
        let card = ScorecardInput { ratings, notes, recommendation: rec, summary };
        match validate(dims, &card) {
            Ok(valid) => {
                let rated: Vec<&str> = valid.ratings.iter().map(|d| d.dimension.as_str()).collect();
                prop_assert_eq!(rated, dims.to_vec());
                for d in &valid.ratings {
                    if matches!(d.rating, Rating::Score(1) | Rating::Score(4)) {
                        prop_assert!(d.note.as_ref().is_some_and(|n| n.chars().count() >= MIN_NOTE_CHARS));
                    }
                }
                prop_assert_eq!(Some(valid.recommendation), rec);
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for p in &problems {
                    let ok = p.field == "recommendation" || p.field == "summary"
                        || p.field.starts_with("ratings.") || p.field.starts_with("notes.");
                    prop_assert!(ok, "unexpected field {}", p.field);
                }
            }
        }
    }

    #[test]
    fn overdue_is_sorted_and_only_holds_late_unsubmitted_cards(
        items in prop::collection::vec((0i64..1_000_000, any::<bool>(), 0u8..4), 0..30),
        now in 0i64..1_000_000,
    ) {
        let list: Vec<Assignment> = items
            .iter()
            .enumerate()
            .map(|(i, (due, done, r))| assignment(&format!("a{i}"), &format!("r{r}"), "x", *due, *done))
            .collect();
        let out = overdue(&list, now);
        let expected = list.iter().filter(|a| !a.submitted && a.due_ms < now).count();
        prop_assert_eq!(out.len(), expected);
        for w in out.windows(2) {
            prop_assert!(w[0].late_by_ms >= w[1].late_by_ms);
        }
        for o in &out {
            prop_assert!(o.late_by_ms > 0);
            prop_assert_eq!(o.late_by_ms, now - o.due_ms);
        }
    }
}
