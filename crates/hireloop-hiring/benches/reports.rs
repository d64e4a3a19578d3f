//! Benchmark of the hiring reports at the size a report page must handle: 10,000 applications
//! (4 stages, two cohorts a month over six months, four groups plus "not stated") and 100,000
//! scorecards (10 per application, 4 dimensions each, 300 interviewers), generated from a fixed
//! seed and shuffled. Each report is timed on its own, then all six together, then their CSV and SVG.
//! Run with `cargo bench -p hireloop-hiring --bench reports [-- FILTER]`; with a filter, only the
//! cases whose name contains it run.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;

use hireloop_bench::bench;
use hireloop_core::{Rating, Recommendation};
use hireloop_hiring::reports::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const T0: i64 = 1_790_812_800_000; // 2026-10-01T00:00:00Z
const STAGES: [&str; 4] = ["screen", "phone", "onsite", "offer"];
const DIMENSIONS: [&str; 4] = ["craft", "judgment", "communication", "ownership"];

fn stages() -> Vec<Stage> {
    STAGES
        .iter()
        .map(|s| Stage {
            id: (*s).into(),
            name: s.to_uppercase(),
        })
        .collect()
}

fn generate(apps: usize, cards_per_app: usize) -> (Vec<ApplicationFacts>, Vec<ScorecardFacts>) {
    let mut rng = Pcg64::seed_from_u64(7);
    let groups = ["A", "B", "C", "D"];
    let mut applications = Vec::with_capacity(apps);
    let mut cards = Vec::with_capacity(apps * cards_per_app);
    for i in 0..apps {
        let applied_day = rng.random_range(0..180i64);
        let applied = T0 + applied_day * DAY;
        let mut t = applied + rng.random_range(0..3) * DAY;
        let mut visits = Vec::new();
        let mut decision = None;
        let mut decided_ms = None;
        let pass = [0.5, 0.6, 0.4, 0.85];
        for (s, p) in STAGES.iter().zip(pass) {
            let len = rng.random_range(1..25i64) * DAY + rng.random_range(0..24) * HOUR;
            let u: f64 = rng.random();
            let (outcome, left) = if t + len > T0 + 200 * DAY {
                (VisitOutcome::Open, None)
            } else if u < 0.05 {
                (VisitOutcome::Withdrawn, Some(t + len))
            } else if u < 0.05 + p {
                (VisitOutcome::Passed, Some(t + len))
            } else {
                (VisitOutcome::Failed, Some(t + len))
            };
            visits.push(StageVisit {
                stage_id: (*s).into(),
                entered_ms: t,
                left_ms: left,
                outcome,
            });
            t += len;
            match outcome {
                VisitOutcome::Passed => continue,
                VisitOutcome::Failed => {
                    decision = Some(Decision::Reject);
                    decided_ms = Some(t);
                }
                _ => {}
            }
            break;
        }
        if decision.is_none() && visits.iter().all(|v| v.outcome == VisitOutcome::Passed) {
            decision = Some(Decision::Hire);
            decided_ms = Some(t);
        }
        applications.push(ApplicationFacts {
            id: format!("app-{i:06}"),
            requisition_id: format!("req-{}", i % 40),
            cohort: format!("2026-{:02}", 10 + applied_day / 30),
            applied_ms: applied,
            group: (rng.random::<f64>() < 0.85).then(|| groups[rng.random_range(0..4)].into()),
            visits,
            decided_ms,
            decision,
        });
        let quality = rng.random_range(1.0..4.0f64);
        for r in 0..cards_per_app {
            let due = applied + (r as i64 + 1) * 2 * DAY;
            let submitted =
                (rng.random::<f64>() < 0.95).then(|| due + rng.random_range(-24..48i64) * HOUR);
            let interviewer = format!("interviewer-{:03}", rng.random_range(0..300));
            let lean = rng.random_range(-0.7..0.7f64);
            let ratings: BTreeMap<String, Rating> = DIMENSIONS
                .iter()
                .map(|d| {
                    let r = if rng.random::<f64>() < 0.1 {
                        Rating::NoEvidence
                    } else {
                        let x = quality + lean + rng.random_range(-0.8..0.8f64);
                        Rating::Score(x.round().clamp(1.0, 4.0) as u8)
                    };
                    ((*d).to_string(), r)
                })
                .collect();
            let recommendation = submitted.map(|_| {
                if rng.random::<f64>() < 0.05 {
                    Recommendation::NoDecision
                } else {
                    Recommendation::from_mean(quality + lean)
                }
            });
            cards.push(ScorecardFacts {
                interviewer,
                application_id: format!("app-{i:06}"),
                round_id: format!("round-{r}"),
                due_ms: due,
                submitted_ms: submitted,
                ratings,
                recommendation,
            });
        }
    }
    // The store may hand records over in any order: shuffle both, so that no report is timed on
    // input conveniently grouped by application. (The records are then rebuilt, in `main`, in
    // their new order, as a store reading rows would build them.)
    shuffle(&mut rng, &mut applications);
    shuffle(&mut rng, &mut cards);
    (applications, cards)
}

/// Fisher–Yates.
fn shuffle<T>(rng: &mut Pcg64, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

/// This thread's CPU time in seconds (user + system), from /proc; `None` off Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are 14th and 15th.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Runs a case unless a filter on the command line leaves it out. Besides the harness's wall
/// time it prints CPU seconds per call over about two seconds of calls: the machine the bench
/// runs on is shared, and CPU time says what the code costs when other processes take turns.
fn case<T>(filter: &Option<String>, name: &str, mut f: impl FnMut() -> T) {
    if filter.as_deref().is_some_and(|p| !name.contains(p)) {
        return;
    }
    bench(name, &mut f);
    let (start, cpu0) = (std::time::Instant::now(), cpu_seconds());
    let mut n = 0u32;
    while start.elapsed().as_secs_f64() < 2.0 || n < 5 {
        black_box(f());
        n += 1;
    }
    if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
        println!(
            "{name:<52} cpu    {:>10} per call over {n} calls",
            hireloop_bench::fmt_seconds((b - a) / f64::from(n))
        );
    }
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let (scattered_apps, scattered_cards) = generate(10_000, 10);
    // Deep copies made in the shuffled order: each record's strings and map are allocated next
    // to each other and in the order the records are read, as when a store builds them row by
    // row. `scattered_cards` keeps the allocations in generation order, so that each record's
    // pieces lie somewhere random relative to the order of reading: the worst case, timed too.
    let apps = scattered_apps.clone();
    let cards = scattered_cards.clone();
    drop(scattered_apps);
    let stages = stages();
    let now = T0 + 200 * DAY;
    let target = DecisionTarget::default();
    let params = ImpactParams::default();
    println!(
        "{} applications, {} scorecards, {} visits",
        apps.len(),
        cards.len(),
        apps.iter().map(|a| a.visits.len()).sum::<usize>()
    );
    // The floor: reading every scorecard's ids (their bytes, as telling ids apart needs) and
    // ratings once, doing nothing with them. The input is ~8 heap allocations per scorecard, so
    // this is mostly memory latency.
    case(&filter, "reports/baseline: read every scorecard", || {
        let first = |s: &str| usize::from(s.as_bytes().last().copied().unwrap_or(0));
        let mut x = 0usize;
        for c in &cards {
            x += first(&c.interviewer) + first(&c.application_id);
            for (d, r) in &c.ratings {
                x += first(d) + usize::from(r.value().unwrap_or(0));
            }
        }
        x
    });
    case(&filter, "reports/funnel", || {
        funnel(&stages, &apps).unwrap()
    });
    case(&filter, "reports/time_in_stage", || {
        time_in_stage(&stages, &apps, now).unwrap()
    });
    case(&filter, "reports/time_to_decision", || {
        time_to_decision(&apps, target, now).unwrap()
    });
    case(&filter, "reports/calibration", || {
        calibration(&cards, now).unwrap()
    });
    case(&filter, "reports/agreement", || agreement(&cards).unwrap());
    case(&filter, "reports/adverse_impact", || {
        adverse_impact(&stages, &apps, params).unwrap()
    });
    case(&filter, "reports/all six", || {
        black_box(funnel(&stages, &apps).unwrap());
        black_box(time_in_stage(&stages, &apps, now).unwrap());
        black_box(time_to_decision(&apps, target, now).unwrap());
        black_box(calibration(&cards, now).unwrap());
        black_box(agreement(&cards).unwrap());
        adverse_impact(&stages, &apps, params).unwrap()
    });
    case(&filter, "reports/calibration_and_agreement", || {
        calibration_and_agreement(&cards, now).unwrap()
    });
    case(
        &filter,
        "reports/scattered heap: calibration_and_agreement",
        || calibration_and_agreement(&scattered_cards, now).unwrap(),
    );
    case(&filter, "reports/all (one read of the scorecards)", || {
        black_box(funnel(&stages, &apps).unwrap());
        black_box(time_in_stage(&stages, &apps, now).unwrap());
        black_box(time_to_decision(&apps, target, now).unwrap());
        black_box(calibration_and_agreement(&cards, now).unwrap());
        adverse_impact(&stages, &apps, params).unwrap()
    });
    let f = funnel(&stages, &apps).unwrap();
    let c = calibration(&cards, now).unwrap();
    let a = agreement(&cards).unwrap();
    let d = time_to_decision(&apps, target, now).unwrap();
    println!(
        "interval alpha {:?}, {} interviewers, {} overdue applications",
        a.overall.interval,
        c.interviewers.len(),
        d.overdue.len()
    );
    case(&filter, "reports/csv of all six", || {
        (
            f.to_csv().unwrap(),
            c.to_csv().unwrap(),
            a.to_csv().unwrap(),
            d.to_csv().unwrap(),
        )
    });
    case(&filter, "reports/svg calibration (300 rows)", || c.to_svg());
    case(&filter, "reports/json calibration", || {
        serde_json::to_string(&c).unwrap()
    });
}
