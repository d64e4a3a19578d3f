//! Timelines: data-driven cases against the built-in pipeline, and invariants over generated
//! histories.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod rules_support;

use hireloop_hiring::timeline::{
    DAY_MS, DEFAULT_STALE_AFTER_MS, FlagKind, History, StageVisit, Target, WEEK_MS, timeline,
};
use proptest::prelude::*;
use rules_support::{assert_all, expected_path, golden, inputs, plan, pretty};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    level: String,
    region: String,
    now_ms: i64,
    #[serde(default)]
    stale_after_ms: Option<i64>,
    history: History,
}

#[test]
fn data_driven_cases_match_their_expected_output() {
    let mut failures = Vec::new();
    for path in inputs("timeline") {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let plan = plan(&case.level, &case.region);
        let stale = case.stale_after_ms.unwrap_or(DEFAULT_STALE_AFTER_MS);
        let out = match timeline(&plan, &case.history, case.now_ms, stale) {
            Ok(t) => serde_json::json!({ "ok": t }),
            Err(problems) => serde_json::json!({ "problems": problems }),
        };
        failures.extend(golden(&expected_path(&path), &pretty(&out)));
    }
    assert_all(failures);
}

const T0: i64 = 1_767_225_600_000;

#[test]
fn a_closed_application_is_never_stale_and_is_measured_to_its_close() {
    let plan = plan("P6", "china");
    let h = History {
        started_ms: T0,
        visits: vec![StageVisit {
            stage: "resume-screen".into(),
            entered_ms: T0,
            left_ms: None,
        }],
        last_activity_ms: None,
        closed_ms: Some(T0 + 30 * DAY_MS),
    };
    let t = timeline(&plan, &h, T0 + 400 * DAY_MS, DEFAULT_STALE_AFTER_MS).unwrap();
    assert!(!t.stale);
    assert_eq!(t.elapsed_ms, 30 * DAY_MS);
    assert_eq!(t.current_stage, None);
    assert_eq!(t.idle_ms, None);
    assert_eq!(t.visits[0].over_by_ms, Some(23 * DAY_MS));
    assert_eq!(t.target, Target::InWindow);
}

#[test]
fn the_target_window_is_the_pipelines_four_to_eight_weeks() {
    let plan = plan("P6", "china");
    assert_eq!((plan.timeline.min_weeks, plan.timeline.max_weeks), (4, 8));
    let at = |weeks: i64, extra: i64| {
        let h = History {
            started_ms: T0,
            visits: vec![],
            last_activity_ms: None,
            closed_ms: Some(T0 + weeks * WEEK_MS + extra),
        };
        timeline(&plan, &h, T0 + 100 * WEEK_MS, DEFAULT_STALE_AFTER_MS).unwrap()
    };
    assert_eq!(at(4, -1).target, Target::BelowMin);
    assert_eq!(at(4, 0).target, Target::InWindow);
    assert_eq!(at(8, 0).target, Target::InWindow);
    let over = at(8, 1);
    assert_eq!(over.target, Target::OverMax);
    assert!(over.flags.iter().any(|f| f.kind == FlagKind::OverTarget));
}

#[test]
fn the_limit_itself_is_not_over_the_limit() {
    let plan = plan("P6", "china");
    let h = |now: i64| History {
        started_ms: T0,
        visits: vec![StageVisit {
            stage: "resume-screen".into(),
            entered_ms: T0,
            left_ms: None,
        }],
        last_activity_ms: Some(now),
        closed_ms: None,
    };
    let on = timeline(
        &plan,
        &h(T0 + 7 * DAY_MS),
        T0 + 7 * DAY_MS,
        DEFAULT_STALE_AFTER_MS,
    )
    .unwrap();
    assert!(!on.stale);
    assert!(on.flags.is_empty(), "{:?}", on.flags);
    let past = timeline(
        &plan,
        &h(T0 + 7 * DAY_MS + 1),
        T0 + 7 * DAY_MS + 1,
        DEFAULT_STALE_AFTER_MS,
    )
    .unwrap();
    assert!(past.stale, "over its limit, even if active");
    let kinds: Vec<FlagKind> = past.flags.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FlagKind::StageOverLimit, FlagKind::Stale]);
}

#[test]
fn every_problem_of_a_history_is_reported_at_once() {
    let plan = plan("P6", "china");
    let h = History {
        started_ms: T0,
        visits: vec![
            StageVisit {
                stage: "nope".into(),
                entered_ms: T0,
                left_ms: None,
            },
            StageVisit {
                stage: "resume-screen".into(),
                entered_ms: T0 + DAY_MS,
                left_ms: Some(T0),
            },
        ],
        last_activity_ms: None,
        closed_ms: Some(T0 - 1),
    };
    let problems = timeline(&plan, &h, T0 + DAY_MS, DEFAULT_STALE_AFTER_MS).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "closed_ms",
            "visits[0].stage",
            "visits[0].entered_ms",
            "visits[0].left_ms",
            "visits[1].entered_ms",
            "visits[1].left_ms"
        ],
        "{problems:?}"
    );
}

const STAGES: [&str; 6] = [
    "resume-screen",
    "online-assessment",
    "recruiter-screen",
    "product-rounds",
    "cross-functional",
    "culture-fit",
];

proptest! {
    /// Over any well-formed history: visits' times add up within the elapsed time, `stale` is
    /// exactly "idle for the threshold or over the current limit", and closed applications are
    /// never stale.
    #[test]
    fn flags_follow_their_definitions(
        gaps in prop::collection::vec((0i64..20 * DAY_MS, 0usize..6), 0..8),
        tail in 0i64..20 * DAY_MS,
        open_last in any::<bool>(),
        closed in any::<bool>(),
        stale_after in 1i64..15 * DAY_MS,
    ) {
        let plan = plan("P6", "china");
        let mut t = T0;
        let mut visits = Vec::new();
        for (i, (len, stage)) in gaps.iter().enumerate() {
            let last = i + 1 == gaps.len();
            let left = if last && open_last { None } else { Some(t + len) };
            visits.push(StageVisit { stage: STAGES[*stage].into(), entered_ms: t, left_ms: left });
            t += len;
        }
        let now = t + tail;
        let h = History { started_ms: T0, visits, last_activity_ms: None, closed_ms: closed.then_some(now) };
        let out = timeline(&plan, &h, now, stale_after).unwrap();
        let total: i64 = out.visits.iter().map(|v| v.elapsed_ms).sum();
        prop_assert!(total <= out.elapsed_ms);
        prop_assert_eq!(out.elapsed_ms, now - T0);
        if closed {
            prop_assert!(!out.stale);
            prop_assert_eq!(out.current_stage.clone(), None);
        } else {
            let idle = out.idle_ms.unwrap();
            let current_over = out.current_stage.is_some()
                && out.visits.last().is_some_and(|v| v.over_by_ms.is_some());
            prop_assert_eq!(out.stale, idle >= stale_after || current_over);
        }
        for v in &out.visits {
            let limit = i64::from(v.limit_days.unwrap()) * DAY_MS;
            prop_assert_eq!(v.over_by_ms.is_some(), v.elapsed_ms > limit);
        }
        prop_assert_eq!(out.stale, out.flags.iter().any(|f| f.kind == FlagKind::Stale));
    }
}
