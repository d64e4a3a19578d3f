//! Hiring reports: a hand-computed fixture compared field by field, Krippendorff's alpha against
//! the `krippendorff` Python package, edge cases, exports, and property tests.
//!
//! The fixture (`tests/data/reports/fixture.json`, written by `make_fixture.py` there) has 12
//! applications in two cohorts, three groups and one "not stated", three stages, and 12
//! scorecards by four interviewers. Times are T0 + days; each record's `_note` gives them in days.
//! now = T0 + 100 days. Every expected figure below says how it was worked out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;

use hireloop_core::{Rating, Recommendation};
use hireloop_hiring::reports::*;
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    now_ms: i64,
    stages: Vec<Stage>,
    applications: Vec<ApplicationFacts>,
    scorecards: Vec<ScorecardFacts>,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("data/reports/fixture.json")).unwrap()
}

const DAY: i64 = 86_400_000;

/// Asserts two optional figures are equal to 1e-9 (figures are sums of a few exact terms).
#[track_caller]
fn close(got: Option<f64>, want: Option<f64>) {
    match (got, want) {
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "got {g}, want {w}"),
        (g, w) => assert_eq!(g, w),
    }
}

/// (entered, passed, failed, withdrawn, open, pass_through, withdrawal_rate, conversion)
type Row = (
    u64,
    u64,
    u64,
    u64,
    u64,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

#[track_caller]
fn check_rows(f: &CohortFunnel, want: &[Row]) {
    assert_eq!(f.rows.len(), want.len());
    for (r, w) in f.rows.iter().zip(want) {
        assert_eq!(
            (r.entered, r.passed, r.failed, r.withdrawn, r.open),
            (w.0, w.1, w.2, w.3, w.4),
            "stage {}",
            r.stage_id
        );
        close(r.pass_through, w.5);
        close(r.withdrawal_rate, w.6);
        close(r.conversion_from_first, w.7);
    }
}

#[test]
fn funnel_of_the_fixture() {
    let fx = fixture();
    let r = funnel(&fx.stages, &fx.applications).unwrap();
    let o = &r.overall;
    assert_eq!(o.cohort, None);
    // Hired a01 a04 a06 a10; rejected a02 a03 a08 a09 a12; a05 withdrew; a07 a11 open.
    assert_eq!((o.applications, o.hired, o.rejected), (12, 4, 5));
    close(o.hire_rate, Some(4.0 / 12.0));
    assert_eq!(o.rows[0].stage_name, "Resume screen");
    check_rows(
        o,
        &[
            // screen: all 12 entered. Passed a01 a03 a04 a06 a07 a08 a10 a12 (8), failed a02 a09,
            // withdrew a05, open a11. Pass-through 8 / (8 + 2); withdrawals 1 / 11 closed.
            (12, 8, 2, 1, 1, Some(0.8), Some(1.0 / 11.0), Some(1.0)),
            // onsite: a01 a03 a04 a06 a07 a08 a10 a12 entered (8). a10's latest stay passed (its
            // earlier one failed and does not count). Passed a01 a04 a06 a10 a12, failed a03 a08,
            // open a07. Pass-through 5/7; conversion 8/12.
            (8, 5, 2, 0, 1, Some(5.0 / 7.0), Some(0.0), Some(8.0 / 12.0)),
            // offer: a01 a04 a06 a10 passed, a12 failed. 4/5; conversion 5/12.
            (5, 4, 1, 0, 0, Some(0.8), Some(0.0), Some(5.0 / 12.0)),
        ],
    );
    assert_eq!(r.cohorts.len(), 2);
    let oct = &r.cohorts[0];
    assert_eq!(oct.cohort.as_deref(), Some("2026-10"));
    // a01–a06: hired a01 a04 a06, rejected a02 a03.
    assert_eq!((oct.applications, oct.hired, oct.rejected), (6, 3, 2));
    check_rows(
        oct,
        &[
            // passed a01 a03 a04 a06, failed a02, withdrew a05: 4/5, 1/6.
            (6, 4, 1, 1, 0, Some(0.8), Some(1.0 / 6.0), Some(1.0)),
            // a01 a04 a06 passed, a03 failed: 3/4; conversion 4/6.
            (4, 3, 1, 0, 0, Some(0.75), Some(0.0), Some(4.0 / 6.0)),
            // a01 a04 a06 all passed: 3/3; conversion 3/6.
            (3, 3, 0, 0, 0, Some(1.0), Some(0.0), Some(0.5)),
        ],
    );
    let nov = &r.cohorts[1];
    assert_eq!(nov.cohort.as_deref(), Some("2026-11"));
    // a07–a12: hired a10, rejected a08 a09 a12.
    assert_eq!((nov.applications, nov.hired, nov.rejected), (6, 1, 3));
    check_rows(
        nov,
        &[
            // passed a07 a08 a10 a12, failed a09, open a11: 4/5; no withdrawals among 5 closed.
            (6, 4, 1, 0, 1, Some(0.8), Some(0.0), Some(1.0)),
            // a10 a12 passed, a08 failed, a07 open: 2/3; conversion 4/6.
            (4, 2, 1, 0, 1, Some(2.0 / 3.0), Some(0.0), Some(4.0 / 6.0)),
            // a10 passed, a12 failed: 1/2; conversion 2/6.
            (2, 1, 1, 0, 0, Some(0.5), Some(0.0), Some(2.0 / 6.0)),
        ],
    );
}

#[test]
fn time_in_stage_of_the_fixture() {
    let fx = fixture();
    let r = time_in_stage(&fx.stages, &fx.applications, fx.now_ms).unwrap();
    let [screen, onsite, offer] = &r.stages[..] else {
        panic!("three stages")
    };
    // screen, completed: a01 4, a02 2, a03 7, a04 1, a05 2, a06 2, a07 2, a08 4, a09 2, a10 1,
    // a12 2 days. Sorted 1 1 2 2 2 2 2 2 4 4 7: median at position 5 → 2; p90 at 9.0 → 4.
    // Open: a11 since d45, 55 days at d100.
    assert_eq!((screen.completed, screen.open), (11, 1));
    close(screen.median_days, Some(2.0));
    close(screen.p90_days, Some(4.0));
    close(screen.open_median_age_days, Some(55.0));
    close(screen.open_max_age_days, Some(55.0));
    // onsite, completed (both of a10's stays count): 15 15 34 63 14 3 10 28. Sorted
    // 3 10 14 15 15 28 34 63: median at 3.5 → (15 + 15) / 2 = 15 (a tie);
    // p90 at 6.3 → 34 + 0.3 · (63 − 34) = 42.7. Open: a07 since d33, 67 days.
    assert_eq!((onsite.completed, onsite.open), (8, 1));
    close(onsite.median_days, Some(15.0));
    close(onsite.p90_days, Some(42.7));
    close(onsite.open_median_age_days, Some(67.0));
    // offer: 10 5 5 10 5 → sorted 5 5 5 10 10: median 5; p90 at 3.6 → 10. Nothing open.
    assert_eq!((offer.completed, offer.open), (5, 0));
    close(offer.median_days, Some(5.0));
    close(offer.p90_days, Some(10.0));
    close(offer.open_median_age_days, None);
    close(offer.open_max_age_days, None);
}

#[test]
fn time_to_decision_of_the_fixture() {
    let fx = fixture();
    let r = time_to_decision(&fx.applications, DecisionTarget::default(), fx.now_ms).unwrap();
    let o = &r.overall;
    // Decided (days): a01 30, a02 4, a03 22, a04 40, a06 70, a08 18, a09 2, a10 30, a12 35.
    // a05 withdrew; a07 and a11 are undecided.
    assert_eq!(
        (o.applications, o.decided, o.withdrawn, o.undecided),
        (12, 9, 1, 2)
    );
    // Sorted 2 4 18 22 30 30 35 40 70: median at 4 → 30; p90 at 7.2 → 40 + 0.2 · 30 = 46.
    close(o.median_days, Some(30.0));
    close(o.p90_days, Some(46.0));
    // Window 28–56 days: before 2 4 18 22 (4), within 30 30 35 40 (4), over 70 (1).
    close(o.share_before_target, Some(4.0 / 9.0));
    close(o.share_within_target, Some(4.0 / 9.0));
    close(o.share_over_target, Some(1.0 / 9.0));
    // a07 applied d31: 69 days > 56 at d100; a11 applied d45: 55 days, not yet.
    assert_eq!(o.overdue, 1);
    // Weeks: 2→0 4→0 18→2 22→3 30→4 30→4 35→5 40→5 70→10.
    assert_eq!(o.decided_by_week, vec![2, 0, 1, 1, 2, 2, 0, 0, 0, 0, 1]);
    let oct = &r.cohorts[0];
    // 4 22 30 40 70: median 30; p90 at 3.6 → 40 + 0.6 · 30 = 58; 2 before, 2 within, 1 over.
    assert_eq!(
        (oct.decided, oct.withdrawn, oct.undecided, oct.overdue),
        (5, 1, 0, 0)
    );
    close(oct.median_days, Some(30.0));
    close(oct.p90_days, Some(58.0));
    close(oct.share_before_target, Some(0.4));
    close(oct.share_within_target, Some(0.4));
    close(oct.share_over_target, Some(0.2));
    let nov = &r.cohorts[1];
    // 2 18 30 35: median (18 + 30) / 2 = 24; p90 at 2.7 → 30 + 0.7 · 5 = 33.5; 2 before, 2 within.
    assert_eq!(
        (nov.decided, nov.withdrawn, nov.undecided, nov.overdue),
        (4, 0, 2, 1)
    );
    close(nov.median_days, Some(24.0));
    close(nov.p90_days, Some(33.5));
    close(nov.share_before_target, Some(0.5));
    close(nov.share_within_target, Some(0.5));
    close(nov.share_over_target, Some(0.0));
    assert_eq!(nov.decided_by_week, vec![1, 0, 1, 0, 1, 1]);
    assert_eq!(r.overdue.len(), 1);
    assert_eq!(r.overdue[0].application_id, "a07");
    assert_eq!(r.overdue[0].requisition_id, "r2");
    close(Some(r.overdue[0].age_days), Some(69.0));
}

#[test]
fn calibration_of_the_fixture() {
    let fx = fixture();
    let r = calibration(&fx.scorecards, fx.now_ms).unwrap();
    let names: Vec<&str> = r
        .interviewers
        .iter()
        .map(|i| i.interviewer.as_str())
        .collect();
    assert_eq!(names, ["ivy", "max", "noor", "omar"]);
    let [ivy, max, noor, omar] = &r.interviewers[..] else {
        panic!("four interviewers")
    };

    // ivy: a01 (4, 3), a03 (2, 2), a04 (3, 4). Mean 18/6 = 3; squares about 3: 1 0 1 1 0 1 → 4/5.
    assert_eq!((ivy.scorecards, ivy.submitted, ivy.ratings), (3, 3, 6));
    close(ivy.mean_rating, Some(3.0));
    close(ivy.rating_sd, Some(0.8f64.sqrt()));
    // Panel: a01 3.5 − (3 + 3 + 2)/3 = 5/6; a03 2 − (1 + 2)/2 = 1/2; a04 3.5 − (3+3+4+4)/4 = 0.
    // Mean 4/9; deviations 7/18, 1/18, −8/18 → squares 114/324, / 2 → sd √57 / 18.
    assert_eq!(ivy.compared_applications, 3);
    close(ivy.panel_difference, Some(4.0 / 9.0));
    close(ivy.panel_difference_sd, Some(57f64.sqrt() / 18.0));
    // strong_yes, no, yes: none undecided. Submitted 2 h early, a day early, exactly on time
    // (on time is not late).
    assert_eq!(ivy.recommendations, 3);
    close(ivy.no_decision_rate, Some(0.0));
    close(ivy.late_rate, Some(0.0));
    close(ivy.median_hours_late, None);
    assert_eq!(ivy.overdue, 0);

    // max: a01 (3, 3), a03 (1, 2); a07 not submitted. Mean 9/4; squares 2.75 / 3.
    assert_eq!((max.scorecards, max.submitted, max.ratings), (3, 2, 4));
    close(max.mean_rating, Some(2.25));
    close(max.rating_sd, Some((2.75f64 / 3.0).sqrt()));
    // a01: 3 − (4 + 3 + 2)/3 = 0; a03: 1.5 − 2 = −0.5. Mean −0.25, sd √(0.125).
    assert_eq!(max.compared_applications, 2);
    close(max.panel_difference, Some(-0.25));
    close(max.panel_difference_sd, Some(0.125f64.sqrt()));
    close(max.no_decision_rate, Some(0.0));
    // 10 h and 24 h late: both late, median 17 h. a07's card was due d36: overdue at d100.
    close(max.late_rate, Some(1.0));
    close(max.median_hours_late, Some(17.0));
    assert_eq!(max.overdue, 1);

    // noor: a01 (2, no evidence), a04 (3, 3), a08 (3). Ratings 2 3 3 3: mean 2.75, sd 0.5.
    assert_eq!((noor.scorecards, noor.submitted, noor.ratings), (3, 3, 4));
    close(noor.mean_rating, Some(2.75));
    close(noor.rating_sd, Some(0.5));
    // a01: 2 − (4+3+3+3)/4 = −1.25; a04: 3 − (3+4+4+4)/4 = −0.75; a08: omar's card there is a
    // draft, so no panel. Mean −1, sd √0.125.
    assert_eq!(noor.compared_applications, 2);
    close(noor.panel_difference, Some(-1.0));
    close(noor.panel_difference_sd, Some(0.125f64.sqrt()));
    // no_decision, yes, and one without a recommendation: 1 of 2.
    assert_eq!(noor.recommendations, 2);
    close(noor.no_decision_rate, Some(0.5));
    // 4 h, 30 h, 24 h late: median 24.
    close(noor.late_rate, Some(1.0));
    close(noor.median_hours_late, Some(24.0));

    // omar: a04 (4, 4), a07 (2, 3); the a08 draft's rating of 1 does not count. Mean 13/4.
    assert_eq!((omar.scorecards, omar.submitted, omar.ratings), (3, 2, 4));
    close(omar.mean_rating, Some(3.25));
    close(omar.rating_sd, Some((2.75f64 / 3.0).sqrt()));
    // a04: 4 − (3+4+3+3)/4 = 0.75; a07: max did not submit, so no panel. One value: no sd.
    assert_eq!(omar.compared_applications, 1);
    close(omar.panel_difference, Some(0.75));
    close(omar.panel_difference_sd, None);
    close(omar.no_decision_rate, Some(0.5));
    close(omar.late_rate, Some(0.0));
    // The a08 draft is due at d200: not overdue at d100.
    assert_eq!(omar.overdue, 0);
}

#[test]
fn agreement_of_the_fixture() {
    let fx = fixture();
    let r = agreement(&fx.scorecards).unwrap();
    // Pairable units (submitted, 1–4 only): a01 craft 4 3 2, a01 judgment 3 3, a03 craft 2 1,
    // a03 judgment 2 2, a04 craft 3 3 4, a04 judgment 4 3 4. a07 and a08 have one rating each.
    //
    // craft: coincidences — 4 3 2 adds ½ to each ordered pair of distinct values; 2 1 adds 1 to
    // (2,1) and (1,2); 3 3 4 adds 1 to (3,3), (3,4), (4,3). Marginals n1 1, n2 2, n3 3, n4 2,
    // n = 8. Observed Σ o·δ² = ½·2·(1 + 4 + 1) + 2·1 + 2·1 = 10. Expected Σ n_c·n_k·δ² over
    // c ≠ k = 2·(2 + 12 + 18 + 6 + 16 + 6) = 120. α = 1 − 7 · 10 / 120 = 5/12.
    // judgment: n2 2, n3 3, n4 2, n = 7; observed 2 (the 4 3 4 unit); expected 2·(6 + 16 + 6) = 56;
    // α = 1 − 6 · 2 / 56 = 11/14.
    // pooled: n1 1, n2 4, n3 6, n4 4, n = 15; observed 12; expected
    // 2·(4 + 24 + 36 + 24 + 64 + 24) = 352; α = 1 − 14 · 12 / 352 = 23/44.
    // The same figures from the `krippendorff` package: 0.41667, 0.78571, 0.52273.
    assert_eq!((r.overall.units, r.overall.values), (6, 15));
    close(r.overall.interval, Some(23.0 / 44.0));
    close(r.overall.ordinal, Some(0.5148514851485149));
    close(r.overall.nominal, Some(0.1923076923076923));
    // The combined call reads the scorecards once and gives the same two reports.
    let (c, a) = calibration_and_agreement(&fx.scorecards, fx.now_ms).unwrap();
    assert_eq!(a, r);
    assert_eq!(c, calibration(&fx.scorecards, fx.now_ms).unwrap());
    let [craft, judgment] = &r.dimensions[..] else {
        panic!("two dimensions")
    };
    assert_eq!(craft.dimension.as_deref(), Some("craft"));
    assert_eq!((craft.units, craft.values), (3, 8));
    close(craft.interval, Some(5.0 / 12.0));
    close(craft.ordinal, Some(0.3886217948717948));
    close(craft.nominal, Some(-0.0652173913043479));
    assert_eq!(judgment.dimension.as_deref(), Some("judgment"));
    assert_eq!((judgment.units, judgment.values), (3, 7));
    close(judgment.interval, Some(11.0 / 14.0));
    close(judgment.ordinal, Some(11.0 / 14.0));
    close(judgment.nominal, Some(0.625));
}

#[test]
fn alpha_matches_the_krippendorff_package() {
    // tests/data/reports/alpha_reference.json, written by alpha_reference.py with the
    // `krippendorff` package; "textbook" is Krippendorff's own worked example (published values
    // 0.743 nominal, 0.815 ordinal, 0.849 interval).
    let cases: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(include_str!("data/reports/alpha_reference.json")).unwrap();
    let mut checked = 0;
    for (name, case) in &cases {
        let Some(units) = case.get("units") else {
            continue;
        };
        let units: Vec<Vec<u8>> = serde_json::from_value(units.clone()).unwrap();
        for (metric, key) in [
            (Metric::Nominal, "nominal"),
            (Metric::Ordinal, "ordinal"),
            (Metric::Interval, "interval"),
        ] {
            let want = case[key].as_f64().unwrap();
            let got = krippendorff_alpha(&units, metric).unwrap();
            assert!(
                (got - want).abs() < 1e-12,
                "{name} {key}: got {got}, want {want}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 15);
}

fn impact_cell(l: &ImpactLevel, group: &str) -> GroupCell {
    l.groups
        .iter()
        .find(|g| g.group == group)
        .unwrap()
        .cell
        .clone()
}

#[track_caller]
fn shown(cell: &GroupCell, considered: u64, selected: u64, ratio: Option<f64>, flagged: bool) {
    match cell {
        GroupCell::Shown {
            considered: c,
            selected: s,
            rate,
            impact_ratio,
            flagged: f,
        } => {
            assert_eq!((*c, *s, *f), (considered, selected, flagged));
            close(*rate, Some(selected as f64 / considered as f64));
            close(*impact_ratio, ratio);
        }
        other => panic!("expected shown, got {other:?}"),
    }
}

fn suppressed(reason: SuppressionReason) -> GroupCell {
    GroupCell::Suppressed { reason }
}

#[test]
fn adverse_impact_of_the_fixture_with_a_minimum_of_two() {
    let fx = fixture();
    let params = ImpactParams {
        min_group_size: 2,
        threshold: 0.8,
    };
    let r = adverse_impact(&fx.stages, &fx.applications, params).unwrap();
    // Groups: A a01 a02 a07 a08 a09; B a03 a04 a10 a11; C a05 a12; not stated a06.
    assert_eq!(r.not_stated, Some(1));
    assert_eq!(r.levels.len(), 4);
    let [overall, screen, onsite, offer] = &r.levels[..] else {
        panic!()
    };
    // Overall hired/applied: A 1/5 = 0.2, B 2/4 = 0.5 (the reference), C 0/2.
    // Ratios 0.4 (flagged), 1, 0 (flagged).
    close(overall.reference_rate, Some(0.5));
    shown(&impact_cell(overall, "A"), 5, 1, Some(0.4), true);
    shown(&impact_cell(overall, "B"), 4, 2, Some(1.0), false);
    shown(&impact_cell(overall, "C"), 2, 0, Some(0.0), true);
    // screen, passed/(passed+failed): A 3/5, B 3/3 (a11 open), C 1 considered (a05 withdrew) →
    // suppressed. Only C is suppressed, so the smallest shown group, B (3 < 5), is hidden too.
    assert_eq!(
        impact_cell(screen, "C"),
        suppressed(SuppressionReason::SmallGroup)
    );
    assert_eq!(
        impact_cell(screen, "B"),
        suppressed(SuppressionReason::Complementary)
    );
    shown(&impact_cell(screen, "A"), 5, 3, Some(1.0), false);
    close(screen.reference_rate, Some(0.6));
    // onsite: A 1/2 (a07 open), B 2/3, C 1 → C small, A (2 < 3) complementary.
    assert_eq!(
        impact_cell(onsite, "C"),
        suppressed(SuppressionReason::SmallGroup)
    );
    assert_eq!(
        impact_cell(onsite, "A"),
        suppressed(SuppressionReason::Complementary)
    );
    shown(&impact_cell(onsite, "B"), 3, 2, Some(1.0), false);
    // offer: A 1, B 2/2, C 1: two groups suppressed, nothing more to hide.
    assert_eq!(
        impact_cell(offer, "A"),
        suppressed(SuppressionReason::SmallGroup)
    );
    assert_eq!(
        impact_cell(offer, "C"),
        suppressed(SuppressionReason::SmallGroup)
    );
    shown(&impact_cell(offer, "B"), 2, 2, Some(1.0), false);
}

#[test]
fn adverse_impact_of_the_fixture_with_default_parameters() {
    let fx = fixture();
    let r = adverse_impact(&fx.stages, &fx.applications, ImpactParams::default()).unwrap();
    // Minimum 5: A (5) is shown, B (4) and C (2) are suppressed everywhere — two suppressed, so
    // no complementary suppression is needed and "not stated" stays.
    assert_eq!(r.not_stated, Some(1));
    let overall = &r.levels[0];
    shown(&impact_cell(overall, "A"), 5, 1, Some(1.0), false);
    for l in &r.levels {
        assert_eq!(
            impact_cell(l, "B"),
            suppressed(SuppressionReason::SmallGroup)
        );
        assert_eq!(
            impact_cell(l, "C"),
            suppressed(SuppressionReason::SmallGroup)
        );
    }
    // onsite: A had 2 decided, below 5: everyone is suppressed and there is no reference.
    assert_eq!(
        impact_cell(&r.levels[2], "A"),
        suppressed(SuppressionReason::SmallGroup)
    );
    assert_eq!(r.levels[2].reference_rate, None);
    // The suppressed figures appear nowhere in the JSON.
    let json = serde_json::to_value(&r).unwrap();
    let b = &json["levels"][0]["groups"][1];
    assert_eq!(b["group"], "B");
    assert_eq!(
        b["cell"],
        serde_json::json!({"status": "suppressed", "reason": "small_group"})
    );
}

fn app(id: &str, group: Option<&str>, hired: bool) -> ApplicationFacts {
    ApplicationFacts {
        id: id.into(),
        requisition_id: "r".into(),
        cohort: "c".into(),
        applied_ms: 0,
        group: group.map(Into::into),
        visits: vec![StageVisit {
            stage_id: "s".into(),
            entered_ms: 0,
            left_ms: Some(DAY),
            outcome: if hired {
                VisitOutcome::Passed
            } else {
                VisitOutcome::Failed
            },
        }],
        decided_ms: Some(DAY),
        decision: Some(if hired {
            Decision::Hire
        } else {
            Decision::Reject
        }),
    }
}

fn one_stage() -> Vec<Stage> {
    vec![Stage {
        id: "s".into(),
        name: "Stage".into(),
    }]
}

#[test]
fn a_lone_suppressed_group_cannot_be_recovered_by_subtraction() {
    // X 6 (3 hired), Y 7 (2 hired), Z 3 (1 hired), not stated 2. With Z alone suppressed, a
    // reader could take the funnel's totals (18 applied, 6 hired) minus X, Y and "not stated".
    let mut apps = Vec::new();
    for (g, n, hired) in [
        (Some("X"), 6, 3),
        (Some("Y"), 7, 2),
        (Some("Z"), 3, 1),
        (None, 2, 0),
    ] {
        for i in 0..n {
            apps.push(app(&format!("{g:?}{i}"), g, i < hired));
        }
    }
    let r = adverse_impact(&one_stage(), &apps, ImpactParams::default()).unwrap();
    let overall = &r.levels[0];
    assert_eq!(
        impact_cell(overall, "Z"),
        suppressed(SuppressionReason::SmallGroup)
    );
    // X (6) is smaller than Y (7): it is hidden too, so only X + Z can be derived.
    assert_eq!(
        impact_cell(overall, "X"),
        suppressed(SuppressionReason::Complementary)
    );
    shown(&impact_cell(overall, "Y"), 7, 2, Some(1.0), false);
    assert_eq!(r.not_stated, Some(2));

    // A single stated group, suppressed: total minus "not stated" would give it, so the "not
    // stated" count is withheld instead.
    let apps: Vec<_> = (0..4)
        .map(|i| app(&format!("z{i}"), Some("Z"), i == 0))
        .chain((0..3).map(|i| app(&format!("n{i}"), None, false)))
        .collect();
    let r = adverse_impact(&one_stage(), &apps, ImpactParams::default()).unwrap();
    assert_eq!(r.not_stated, None);
    assert_eq!(
        impact_cell(&r.levels[0], "Z"),
        suppressed(SuppressionReason::SmallGroup)
    );
    let csv = r.to_csv().unwrap();
    assert!(
        csv.ends_with("overall,(not stated),suppressed,,,,,\n"),
        "{csv}"
    );
}

#[test]
fn not_stated_is_counted_but_never_compared() {
    let apps: Vec<_> = (0..10)
        .map(|i| app(&format!("n{i}"), None, i < 9))
        .chain((0..5).map(|i| app(&format!("a{i}"), Some("A"), i < 1)))
        .chain((0..5).map(|i| app(&format!("b{i}"), Some("B"), i < 2)))
        .collect();
    let r = adverse_impact(&one_stage(), &apps, ImpactParams::default()).unwrap();
    assert_eq!(r.not_stated, Some(10));
    let overall = &r.levels[0];
    // "Not stated" hires 9/10 but is not the reference: B's 2/5 is.
    close(overall.reference_rate, Some(0.4));
    assert_eq!(overall.groups.len(), 2);
    shown(&impact_cell(overall, "A"), 5, 1, Some(0.5), true);
}

#[test]
fn empty_input_gives_empty_reports_without_nan() {
    let stages = fixture().stages;
    let f = funnel(&stages, &[]).unwrap();
    assert_eq!(f.overall.applications, 0);
    assert!(f.cohorts.is_empty());
    assert!(
        f.overall.rows.iter().all(|r| r.entered == 0
            && r.pass_through.is_none()
            && r.conversion_from_first.is_none())
    );
    let t = time_in_stage(&stages, &[], 0).unwrap();
    assert!(
        t.stages
            .iter()
            .all(|s| s.median_days.is_none() && s.open == 0)
    );
    let d = time_to_decision(&[], DecisionTarget::default(), 0).unwrap();
    assert_eq!(d.overall.median_days, None);
    assert_eq!(d.overall.share_within_target, None);
    let c = calibration(&[], 0).unwrap();
    assert!(c.interviewers.is_empty());
    let a = agreement(&[]).unwrap();
    assert_eq!((a.overall.units, a.overall.interval), (0, None));
    let i = adverse_impact(&stages, &[], ImpactParams::default()).unwrap();
    assert_eq!(i.not_stated, Some(0));
    // No stages at all is fine too.
    assert!(funnel(&[], &[]).unwrap().overall.rows.is_empty());
    for json in [
        serde_json::to_string(&f).unwrap(),
        serde_json::to_string(&t).unwrap(),
        serde_json::to_string(&d).unwrap(),
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&i).unwrap(),
    ] {
        assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
    }
    // Charts say there is no data rather than drawing nothing.
    assert!(f.to_svg().contains("no data"));
    assert!(d.to_svg().contains("no data"));
    assert!(c.to_svg().contains("no data"));
}

fn card(who: &str, app: &str, ratings: &[(&str, u8)]) -> ScorecardFacts {
    ScorecardFacts {
        interviewer: who.into(),
        application_id: app.into(),
        round_id: "r".into(),
        due_ms: 0,
        submitted_ms: Some(0),
        ratings: ratings
            .iter()
            .map(|(d, v)| ((*d).to_string(), Rating::Score(*v)))
            .collect(),
        recommendation: Some(Recommendation::Yes),
    }
}

#[test]
fn a_decision_years_later_does_not_blow_up_the_histogram() {
    let mut a = app("old", None, true);
    a.applied_ms = i64::MIN / 2;
    let r = time_to_decision(&[a], DecisionTarget::default(), DAY).unwrap();
    assert_eq!(r.overall.decided_by_week.len(), 157);
    assert_eq!(r.overall.decided_by_week[156], 1);
    assert_eq!(r.overall.share_over_target, Some(1.0));
}

#[test]
fn one_interviewer_has_no_panel_and_no_agreement() {
    let cards = vec![
        card("solo", "a", &[("x", 3), ("y", 4)]),
        card("solo", "b", &[("x", 2)]),
    ];
    let c = calibration(&cards, 0).unwrap();
    let solo = &c.interviewers[0];
    assert_eq!((solo.ratings, solo.compared_applications), (3, 0));
    close(solo.mean_rating, Some(3.0));
    close(solo.rating_sd, Some(1.0));
    assert_eq!(solo.panel_difference, None);
    // Every unit has one rating: nothing to pair.
    let a = agreement(&cards).unwrap();
    assert_eq!(
        (a.overall.units, a.overall.interval, a.overall.ordinal),
        (0, None, None)
    );
}

#[test]
fn agreement_without_variation_is_undefined_not_one() {
    // Everyone says 3 on every unit: expected disagreement is zero; alpha cannot tell agreement
    // from chance and is reported as None.
    let cards = vec![card("p", "a", &[("x", 3)]), card("q", "a", &[("x", 3)])];
    let a = agreement(&cards).unwrap();
    assert_eq!((a.overall.units, a.overall.interval), (1, None));
}

#[test]
fn contradictory_input_is_refused_with_the_record_named() {
    let fx = fixture();
    let mut apps = fx.applications.clone();
    apps[0].visits[0].stage_id = "nowhere".into();
    assert_eq!(
        funnel(&fx.stages, &apps).unwrap_err(),
        ReportError::UnknownStage {
            application: "a01".into(),
            stage: "nowhere".into()
        }
    );
    let mut apps = fx.applications.clone();
    apps[1].visits[0].left_ms = Some(apps[1].visits[0].entered_ms - 1);
    assert!(matches!(
        time_in_stage(&fx.stages, &apps, fx.now_ms),
        Err(ReportError::VisitEndsBeforeStart { .. })
    ));
    let mut apps = fx.applications.clone();
    apps[6].visits[1].left_ms = Some(fx.now_ms);
    assert!(matches!(
        adverse_impact(&fx.stages, &apps, ImpactParams::default()),
        Err(ReportError::VisitEndMismatch { .. })
    ));
    let mut apps = fx.applications.clone();
    apps[0].decided_ms = None;
    assert_eq!(
        time_to_decision(&apps, DecisionTarget::default(), 0).unwrap_err(),
        ReportError::DecisionMismatch("a01".into())
    );
    let mut dup = fx.stages.clone();
    dup.push(dup[0].clone());
    assert_eq!(
        funnel(&dup, &[]).unwrap_err(),
        ReportError::DuplicateStage("screen".into())
    );
    let mut twice = fx.applications.clone();
    twice.push(twice[3].clone());
    let repeated = ReportError::DuplicateApplication(twice[3].id.clone());
    assert_eq!(funnel(&fx.stages, &twice).unwrap_err(), repeated);
    assert_eq!(time_in_stage(&fx.stages, &twice, 0).unwrap_err(), repeated);
    assert_eq!(
        time_to_decision(&twice, DecisionTarget::default(), 0).unwrap_err(),
        repeated
    );
    assert_eq!(
        adverse_impact(&fx.stages, &twice, ImpactParams::default()).unwrap_err(),
        repeated
    );
    let bad = vec![card("p", "a", &[("x", 7)])];
    let err = agreement(&bad).unwrap_err();
    assert!(err.to_string().contains("off the 1–4 scale"), "{err}");
    assert!(calibration(&bad, 0).is_err());
    let target = DecisionTarget {
        min_weeks: 8.0,
        max_weeks: 4.0,
    };
    assert!(time_to_decision(&[], target, 0).is_err());
    let params = ImpactParams {
        min_group_size: 0,
        threshold: 0.8,
    };
    assert!(adverse_impact(&[], &[], params).is_err());
}

#[test]
fn csv_exports_have_a_header_and_one_row_per_figure_set() {
    let fx = fixture();
    let f = funnel(&fx.stages, &fx.applications)
        .unwrap()
        .to_csv()
        .unwrap();
    let lines: Vec<&str> = f.lines().collect();
    // Header, then 3 stages × (all + 2 cohorts).
    assert_eq!(lines.len(), 1 + 9);
    assert_eq!(
        lines[0],
        "cohort,stage_id,stage_name,entered,passed,failed,withdrawn,open,pass_through,\
         withdrawal_rate,conversion_from_first"
    );
    assert_eq!(
        lines[1],
        "all,screen,Resume screen,12,8,2,1,1,0.8000,0.0909,1.0000"
    );
    let t = time_in_stage(&fx.stages, &fx.applications, fx.now_ms).unwrap();
    assert!(
        t.to_csv()
            .unwrap()
            .contains("offer,Offer,5,5.0000,10.0000,0,,\n")
    );
    let d = time_to_decision(&fx.applications, DecisionTarget::default(), fx.now_ms).unwrap();
    assert_eq!(d.to_csv().unwrap().lines().count(), 4);
    assert_eq!(
        d.overdue_csv().unwrap(),
        "application_id,requisition_id,cohort,age_days\na07,r2,2026-11,69.0000\n"
    );
    let c = calibration(&fx.scorecards, fx.now_ms)
        .unwrap()
        .to_csv()
        .unwrap();
    assert!(c.contains("\nmax,3,2,4,2.2500,0.9574,2,-0.2500,0.3536,2,0.0000,1.0000,17.0000,1\n"));
    let a = agreement(&fx.scorecards).unwrap().to_csv().unwrap();
    assert!(a.starts_with("dimension,units,values,interval,ordinal,nominal\nall,6,15,0.5227,"));
    let params = ImpactParams {
        min_group_size: 2,
        threshold: 0.8,
    };
    let i = adverse_impact(&fx.stages, &fx.applications, params)
        .unwrap()
        .to_csv()
        .unwrap();
    assert!(i.contains("\noverall,A,shown,5,1,0.2000,0.4000,true\n"));
    assert!(i.contains("\nscreen,B,suppressed,,,,,\n"));
    assert!(i.ends_with("overall,(not stated),count_only,1,,,,\n"));
}

#[test]
fn csv_text_cannot_run_as_a_spreadsheet_formula() {
    let cards = vec![card("=HYPERLINK(\"x\")", "a", &[("x", 3)])];
    let c = calibration(&cards, 0).unwrap().to_csv().unwrap();
    assert!(c.contains("\n\"'=HYPERLINK(\"\"x\"\")\",1,"), "{c}");
}

#[test]
fn charts_are_svg_with_names_escaped() {
    let fx = fixture();
    let mut cards = fx.scorecards.clone();
    for c in &mut cards {
        if c.interviewer == "ivy" {
            c.interviewer = "Ivy <script>".into();
        }
    }
    let svg = calibration(&cards, fx.now_ms).unwrap().to_svg();
    assert!(svg.starts_with("<svg") && svg.contains("Ivy &lt;script&gt;"));
    assert!(!svg.contains("<script>"));
    let svgs = [
        funnel(&fx.stages, &fx.applications).unwrap().to_svg(),
        time_in_stage(&fx.stages, &fx.applications, fx.now_ms)
            .unwrap()
            .to_svg(),
        time_to_decision(&fx.applications, DecisionTarget::default(), fx.now_ms)
            .unwrap()
            .to_svg(),
        agreement(&fx.scorecards).unwrap().to_svg(),
        adverse_impact(&fx.stages, &fx.applications, ImpactParams::default())
            .unwrap()
            .to_svg(),
    ];
    for s in &svgs {
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
        assert!(!s.contains("NaN"));
    }
    assert!(svgs[0].contains("Onsite loop"));
    assert!(svgs[4].contains("suppressed"));
}

// ---------------------------------------------------------------------------------------------
// Properties.

const STAGE_IDS: [&str; 3] = ["s0", "s1", "s2"];

fn stages3() -> Vec<Stage> {
    STAGE_IDS
        .iter()
        .map(|id| Stage {
            id: (*id).into(),
            name: id.to_uppercase(),
        })
        .collect()
}

fn arb_visit() -> impl Strategy<Value = StageVisit> {
    (0..3usize, 0..60i64, 0..30i64, 0..4u8).prop_map(|(s, start, len, o)| {
        let outcome = [
            VisitOutcome::Open,
            VisitOutcome::Passed,
            VisitOutcome::Failed,
            VisitOutcome::Withdrawn,
        ][usize::from(o)];
        StageVisit {
            stage_id: STAGE_IDS[s].into(),
            entered_ms: start * DAY,
            left_ms: (outcome != VisitOutcome::Open).then_some((start + len) * DAY),
            outcome,
        }
    })
}

fn arb_app() -> impl Strategy<Value = ApplicationFacts> {
    (
        0..1000u32,
        0..3u8,
        prop::option::of(0..4u8),
        0..30i64,
        prop::collection::vec(arb_visit(), 0..5),
        prop::option::of((0..90i64, any::<bool>())),
    )
        .prop_map(
            |(id, cohort, group, applied, visits, decided)| ApplicationFacts {
                id: format!("a{id}"),
                requisition_id: "r".into(),
                cohort: format!("2026-0{cohort}"),
                applied_ms: applied * DAY,
                group: group.map(|g| ["A", "B", "C", "D"][usize::from(g)].into()),
                visits,
                decided_ms: decided.map(|(d, _)| (applied + d) * DAY),
                decision: decided.map(|(_, h)| if h { Decision::Hire } else { Decision::Reject }),
            },
        )
}

/// Applications with distinct ids (a repeated id is refused), in any order.
fn arb_apps(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<ApplicationFacts>> {
    prop::collection::vec(arb_app(), n).prop_map(|mut apps| {
        for (i, app) in apps.iter_mut().enumerate() {
            app.id = format!("a{i}");
        }
        apps
    })
}

fn arb_card() -> impl Strategy<Value = ScorecardFacts> {
    (
        0..4u8,
        0..15u8,
        prop::collection::btree_map(0..3u8, prop::option::of(1..=4u8), 0..3),
        0..10i64,
        prop::option::of(0..20i64),
        prop::option::of(0..5u8),
    )
        .prop_map(|(who, app, ratings, due, sub, rec)| ScorecardFacts {
            interviewer: format!("i{who}"),
            application_id: format!("a{app}"),
            round_id: "r".into(),
            due_ms: due * DAY,
            submitted_ms: sub.map(|s| s * DAY),
            ratings: ratings
                .into_iter()
                .map(|(d, r)| (format!("d{d}"), r.map_or(Rating::NoEvidence, Rating::Score)))
                .collect(),
            recommendation: rec.map(|r| {
                [
                    Recommendation::StrongNo,
                    Recommendation::No,
                    Recommendation::Yes,
                    Recommendation::StrongYes,
                    Recommendation::NoDecision,
                ][usize::from(r)]
            }),
        })
}

fn in_unit(x: Option<f64>) -> bool {
    x.is_none_or(|x| (0.0..=1.0).contains(&x))
}

/// Every report as JSON, so two inputs can be compared on everything at once.
fn all_reports(apps: &[ApplicationFacts], cards: &[ScorecardFacts]) -> Vec<String> {
    let stages = stages3();
    let now = 100 * DAY;
    vec![
        serde_json::to_string(&funnel(&stages, apps).unwrap()).unwrap(),
        serde_json::to_string(&time_in_stage(&stages, apps, now).unwrap()).unwrap(),
        serde_json::to_string(&time_to_decision(apps, DecisionTarget::default(), now).unwrap())
            .unwrap(),
        serde_json::to_string(&calibration(cards, now).unwrap()).unwrap(),
        serde_json::to_string(&agreement(cards).unwrap()).unwrap(),
        serde_json::to_string(&adverse_impact(&stages, apps, ImpactParams::default()).unwrap())
            .unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn funnel_counts_add_up_and_ratios_stay_in_range(
        apps in arb_apps(0..40)
    ) {
        let r = funnel(&stages3(), &apps).unwrap();
        for f in std::iter::once(&r.overall).chain(&r.cohorts) {
            for row in &f.rows {
                prop_assert_eq!(row.passed + row.failed + row.withdrawn + row.open, row.entered);
                prop_assert!(row.entered <= f.applications);
                prop_assert!(in_unit(row.pass_through));
                prop_assert!(in_unit(row.withdrawal_rate));
                prop_assert!(in_unit(row.conversion_from_first));
            }
            prop_assert!(in_unit(f.hire_rate));
        }
        // Cohorts partition the applications.
        let total: u64 = r.cohorts.iter().map(|c| c.applications).sum();
        prop_assert_eq!(total, apps.len() as u64);
        for (i, row) in r.overall.rows.iter().enumerate() {
            let sum: u64 = r.cohorts.iter().map(|c| c.rows[i].entered).sum();
            prop_assert_eq!(sum, row.entered);
        }
    }

    #[test]
    fn durations_are_ordered_and_shares_add_up(apps in arb_apps(0..40)) {
        let t = time_in_stage(&stages3(), &apps, 100 * DAY).unwrap();
        for s in &t.stages {
            if let (Some(m), Some(p)) = (s.median_days, s.p90_days) {
                prop_assert!(0.0 <= m && m <= p);
            }
            if let (Some(m), Some(x)) = (s.open_median_age_days, s.open_max_age_days) {
                prop_assert!(0.0 <= m && m <= x);
            }
        }
        let d = time_to_decision(&apps, DecisionTarget::default(), 100 * DAY).unwrap();
        for c in std::iter::once(&d.overall).chain(&d.cohorts) {
            prop_assert_eq!(c.decided + c.withdrawn + c.undecided, c.applications);
            prop_assert_eq!(c.decided_by_week.iter().sum::<u64>(), c.decided);
            if c.decided > 0 {
                let s = c.share_before_target.unwrap()
                    + c.share_within_target.unwrap()
                    + c.share_over_target.unwrap();
                prop_assert!((s - 1.0).abs() < 1e-9);
            }
            prop_assert!(c.overdue <= c.undecided);
        }
        prop_assert_eq!(d.overdue.len() as u64, d.overall.overdue);
    }

    #[test]
    fn impact_never_shows_a_small_cell_or_a_lone_suppression(
        apps in arb_apps(0..60)
    ) {
        let p = ImpactParams::default();
        let r = adverse_impact(&stages3(), &apps, p).unwrap();
        for l in &r.levels {
            let hidden = l.groups.iter()
                .filter(|g| matches!(g.cell, GroupCell::Suppressed { .. }))
                .count();
            // Never exactly one hidden group while others are shown.
            prop_assert!(hidden != 1 || l.groups.len() == 1);
            for g in &l.groups {
                if let GroupCell::Shown { considered, rate, impact_ratio, flagged, .. } = &g.cell {
                    prop_assert!(*considered >= p.min_group_size);
                    prop_assert!(in_unit(*rate) && in_unit(*impact_ratio));
                    prop_assert_eq!(*flagged, impact_ratio.is_some_and(|x| x < p.threshold));
                }
            }
        }
        if r.levels[0].groups.len() == 1 && r.levels[0].groups.iter()
            .all(|g| matches!(g.cell, GroupCell::Suppressed { .. })) {
            prop_assert_eq!(r.not_stated, None);
        }
    }

    #[test]
    fn permuting_the_input_changes_nothing(
        apps in arb_apps(0..30).prop_shuffle(),
        cards in prop::collection::vec(arb_card(), 0..60),
        seed in any::<u64>(),
    ) {
        let before = all_reports(&apps, &cards);
        // Reverse the applications, rotate the scorecards, and reverse each application's visits.
        let mut apps2: Vec<_> = apps.iter().rev().cloned().collect();
        for a in &mut apps2 {
            a.visits.reverse();
        }
        let mut cards2 = cards.clone();
        if !cards2.is_empty() {
            let k = (seed % cards2.len() as u64) as usize;
            cards2.rotate_left(k);
            cards2.reverse();
        }
        prop_assert_eq!(before, all_reports(&apps2, &cards2));
    }

    #[test]
    fn alpha_is_one_for_perfect_agreement(
        truth in prop::collection::vec((1..=4u8, 2..6usize), 2..30)
    ) {
        // Each unit gets the same value from every rater; at least two values must occur or
        // alpha is undefined.
        let units: Vec<Vec<u8>> = truth.iter().map(|(v, m)| vec![*v; *m]).collect();
        let distinct = truth.iter().map(|t| t.0).collect::<std::collections::BTreeSet<_>>().len();
        for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
            let a = krippendorff_alpha(&units, metric);
            if distinct > 1 {
                prop_assert!((a.unwrap() - 1.0).abs() < 1e-12);
            } else {
                prop_assert_eq!(a, None);
            }
        }
    }

    #[test]
    fn alpha_is_at_most_one_and_calibration_is_finite(
        cards in prop::collection::vec(arb_card(), 0..80)
    ) {
        let a = agreement(&cards).unwrap();
        for r in std::iter::once(&a.overall).chain(&a.dimensions) {
            for x in [r.interval, r.ordinal, r.nominal].into_iter().flatten() {
                prop_assert!(x.is_finite() && x <= 1.0 + 1e-12);
            }
        }
        let c = calibration(&cards, 15 * DAY).unwrap();
        let both = calibration_and_agreement(&cards, 15 * DAY).unwrap();
        prop_assert_eq!(&both.0, &c);
        prop_assert_eq!(&both.1, &a);
        for i in &c.interviewers {
            prop_assert!(i.submitted <= i.scorecards);
            prop_assert!(in_unit(i.no_decision_rate) && in_unit(i.late_rate));
            prop_assert!(i.mean_rating.is_none_or(|m| (1.0..=4.0).contains(&m)));
            prop_assert!(i.panel_difference.is_none_or(|d| d.abs() <= 3.0));
            prop_assert!(i.overdue + i.submitted <= i.scorecards);
        }
    }
}

/// Scorecards over many more ids than `arb_card`, so that the library's id tables grow several
/// times and hold hundreds of applications.
fn arb_wide_card() -> impl Strategy<Value = ScorecardFacts> {
    (
        0..40u16,
        0..300u16,
        prop::collection::btree_map(0..24u8, prop::option::of(1..=4u8), 0..6),
        0..10i64,
        prop::option::of(0..20i64),
        prop::option::of(0..5u8),
    )
        .prop_map(|(who, app, ratings, due, sub, rec)| ScorecardFacts {
            interviewer: format!("interviewer-{who}"),
            application_id: format!("application-{app:05}"),
            round_id: "r".into(),
            due_ms: due * DAY,
            submitted_ms: sub.map(|s| s * DAY + 3_600_000 * i64::from(who % 7)),
            ratings: ratings
                .into_iter()
                .map(|(d, r)| {
                    (
                        format!("dim-{d}"),
                        r.map_or(Rating::NoEvidence, Rating::Score),
                    )
                })
                .collect(),
            recommendation: rec.map(|r| {
                [
                    Recommendation::StrongNo,
                    Recommendation::No,
                    Recommendation::Yes,
                    Recommendation::StrongYes,
                    Recommendation::NoDecision,
                ][usize::from(r)]
            }),
        })
}

/// The textbook reading of the calibration figures, with string-keyed maps and no care for speed:
/// the reference the library's interned, flat computation must agree with.
fn reference_calibration(cards: &[ScorecardFacts], now: i64) -> CalibrationReport {
    fn mean_sd(v: &[f64]) -> (Option<f64>, Option<f64>) {
        if v.is_empty() {
            return (None, None);
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = (v.len() > 1)
            .then(|| (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt());
        (Some(mean), sd)
    }
    let values = |c: &ScorecardFacts| -> Vec<f64> {
        c.ratings
            .values()
            .filter_map(|r| r.value())
            .map(f64::from)
            .collect()
    };
    let submitted: Vec<&ScorecardFacts> =
        cards.iter().filter(|c| c.submitted_ms.is_some()).collect();
    let people: std::collections::BTreeSet<&str> =
        cards.iter().map(|c| c.interviewer.as_str()).collect();
    let apps: std::collections::BTreeSet<&str> =
        cards.iter().map(|c| c.application_id.as_str()).collect();
    let interviewers = people
        .into_iter()
        .map(|who| {
            let all: Vec<&ScorecardFacts> = cards.iter().filter(|c| c.interviewer == who).collect();
            let mine: Vec<&&ScorecardFacts> =
                submitted.iter().filter(|c| c.interviewer == who).collect();
            let ratings: Vec<f64> = mine.iter().flat_map(|c| values(c)).collect();
            let (mean_rating, rating_sd) = mean_sd(&ratings);
            let mut diffs = Vec::new();
            for app in &apps {
                let on_app = |own: bool| -> Vec<f64> {
                    submitted
                        .iter()
                        .filter(|c| c.application_id == *app && (c.interviewer == who) == own)
                        .flat_map(|c| values(c))
                        .collect()
                };
                let (own, others) = (on_app(true), on_app(false));
                if !own.is_empty() && !others.is_empty() {
                    diffs.push(mean_sd(&own).0.unwrap() - mean_sd(&others).0.unwrap());
                }
            }
            let (panel_difference, panel_difference_sd) = mean_sd(&diffs);
            let recommendations = mine.iter().filter(|c| c.recommendation.is_some()).count();
            let no_decision = mine
                .iter()
                .filter(|c| c.recommendation == Some(Recommendation::NoDecision))
                .count();
            let mut late: Vec<f64> = mine
                .iter()
                .filter_map(|c| {
                    c.submitted_ms
                        .filter(|s| *s > c.due_ms)
                        .map(|s| s - c.due_ms)
                })
                .map(|ms| ms as f64 / 3_600_000.0)
                .collect();
            late.sort_by(f64::total_cmp);
            let median_hours_late = (!late.is_empty()).then(|| {
                let h = (late.len() - 1) as f64 / 2.0;
                let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
                late[lo] + (h - lo as f64) * (late[hi] - late[lo])
            });
            let share = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
            InterviewerRow {
                interviewer: who.to_string(),
                scorecards: all.len() as u64,
                submitted: mine.len() as u64,
                ratings: ratings.len() as u64,
                mean_rating,
                rating_sd,
                compared_applications: diffs.len() as u64,
                panel_difference,
                panel_difference_sd,
                recommendations: recommendations as u64,
                no_decision_rate: share(no_decision, recommendations),
                late_rate: share(late.len(), mine.len()),
                median_hours_late,
                overdue: all
                    .iter()
                    .filter(|c| c.submitted_ms.is_none() && c.due_ms < now)
                    .count() as u64,
            }
        })
        .collect();
    CalibrationReport {
        now_ms: now,
        interviewers,
    }
}

/// Krippendorff's alpha straight from its definition (coincidences summed pair by pair in
/// floating point), over units given as lists of 1–4 values. Returns (units, values, interval,
/// ordinal, nominal).
#[allow(clippy::type_complexity)]
fn reference_alpha(units: &[Vec<u8>]) -> (u64, u64, Option<f64>, Option<f64>, Option<f64>) {
    let mut o = [[0.0f64; 5]; 5];
    let mut pairable = (0u64, 0u64);
    for u in units.iter().filter(|u| u.len() > 1) {
        pairable.0 += 1;
        pairable.1 += u.len() as u64;
        for (i, a) in u.iter().enumerate() {
            for (j, b) in u.iter().enumerate() {
                if i != j {
                    o[usize::from(*a)][usize::from(*b)] += 1.0 / (u.len() - 1) as f64;
                }
            }
        }
    }
    let marg: Vec<f64> = (0..5).map(|c| o[c].iter().sum()).collect();
    let n: f64 = marg.iter().sum();
    let alpha = |delta2: &dyn Fn(usize, usize) -> f64| -> Option<f64> {
        if n <= 1.0 {
            return None;
        }
        let (mut observed, mut expected) = (0.0, 0.0);
        for c in 1..5 {
            for k in 1..5 {
                observed += o[c][k] * delta2(c, k);
                expected += marg[c] * marg[k] * delta2(c, k);
            }
        }
        (expected > 0.0).then(|| 1.0 - (n - 1.0) * observed / expected)
    };
    let interval = alpha(&|c, k| (c as f64 - k as f64).powi(2));
    let ordinal = alpha(&|c, k| {
        let (lo, hi) = (c.min(k), c.max(k));
        (marg[lo..=hi].iter().sum::<f64>() - (marg[c] + marg[k]) / 2.0).powi(2)
    });
    let nominal = alpha(&|c, k| f64::from(u8::from(c != k)));
    (pairable.0, pairable.1, interval, ordinal, nominal)
}

/// Agreement by the definition: units are (application, dimension) pairs, in string-keyed maps.
fn reference_agreement(cards: &[ScorecardFacts]) -> AgreementReport {
    let mut units: BTreeMap<(&str, &str), Vec<u8>> = BTreeMap::new();
    for c in cards.iter().filter(|c| c.submitted_ms.is_some()) {
        for (dim, r) in &c.ratings {
            if let Some(v) = r.value() {
                units.entry((dim, &c.application_id)).or_default().push(v);
            }
        }
    }
    let row = |dimension: Option<String>, units: Vec<Vec<u8>>| {
        let (units, values, interval, ordinal, nominal) = reference_alpha(&units);
        AlphaRow {
            dimension,
            units,
            values,
            interval,
            ordinal,
            nominal,
        }
    };
    let dims: std::collections::BTreeSet<&str> = units.keys().map(|(d, _)| *d).collect();
    AgreementReport {
        overall: row(None, units.values().cloned().collect()),
        dimensions: dims
            .into_iter()
            .map(|d| {
                let of_dim = units
                    .iter()
                    .filter(|((dd, _), _)| *dd == d)
                    .map(|(_, v)| v.clone())
                    .collect();
                row(Some(d.to_string()), of_dim)
            })
            .collect(),
    }
}

#[track_caller]
fn close_rows(got: &AlphaRow, want: &AlphaRow) {
    assert_eq!(
        (&got.dimension, got.units, got.values),
        (&want.dimension, want.units, want.values)
    );
    close(got.interval, want.interval);
    close(got.ordinal, want.ordinal);
    close(got.nominal, want.nominal);
}

proptest! {
    // The reference is quadratic and the tests run unoptimised: fewer, larger cases.
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn calibration_and_agreement_match_a_simple_reference(
        cards in prop::collection::vec(arb_wide_card(), 0..400)
    ) {
        let now = 12 * DAY;
        let (c, a) = calibration_and_agreement(&cards, now).unwrap();
        let (rc, ra) = (reference_calibration(&cards, now), reference_agreement(&cards));
        prop_assert_eq!(c.interviewers.len(), rc.interviewers.len());
        for (g, w) in c.interviewers.iter().zip(&rc.interviewers) {
            prop_assert_eq!(
                (&g.interviewer, g.scorecards, g.submitted, g.ratings),
                (&w.interviewer, w.scorecards, w.submitted, w.ratings)
            );
            prop_assert_eq!(
                (g.compared_applications, g.recommendations, g.overdue),
                (w.compared_applications, w.recommendations, w.overdue)
            );
            for (x, y) in [
                (g.mean_rating, w.mean_rating),
                (g.rating_sd, w.rating_sd),
                (g.panel_difference, w.panel_difference),
                (g.panel_difference_sd, w.panel_difference_sd),
                (g.no_decision_rate, w.no_decision_rate),
                (g.late_rate, w.late_rate),
                (g.median_hours_late, w.median_hours_late),
            ] {
                close(x, y);
            }
        }
        close_rows(&a.overall, &ra.overall);
        prop_assert_eq!(a.dimensions.len(), ra.dimensions.len());
        for (g, w) in a.dimensions.iter().zip(&ra.dimensions) {
            close_rows(g, w);
        }
    }
}
