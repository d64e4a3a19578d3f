//! Funnels: golden values from DuckDB and a plain-Python reference (`tests/data/funnel`),
//! hand-written cases for each rule, errors with their place, and properties of the counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;

use hireloop_stats::funnel::{
    FunnelError, FunnelReport, FunnelSpec, Order, StepReport, analyze, parse_window,
};
use proptest::prelude::*;
use serde::Deserialize;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/funnel")
}

#[derive(Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    file: String,
    steps: Vec<String>,
    window: String,
    order: Order,
    exclude: Vec<String>,
    breakdown: Option<String>,
    expected: FunnelReport,
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-9
}

fn assert_steps(case: &str, got: &[StepReport], want: &[StepReport]) {
    assert_eq!(got.len(), want.len(), "{case}: number of steps");
    for (g, w) in got.iter().zip(want) {
        let at = format!("{case}, step {}", w.event);
        assert_eq!(g.event, w.event, "{at}");
        assert_eq!(g.users, w.users, "{at}: users");
        assert!(
            close(g.conversion_from_start, w.conversion_from_start, 1e-12),
            "{at}: conversion from start {} != {}",
            g.conversion_from_start,
            w.conversion_from_start
        );
        assert!(
            close(
                g.conversion_from_previous,
                w.conversion_from_previous,
                1e-12
            ),
            "{at}: conversion from previous {} != {}",
            g.conversion_from_previous,
            w.conversion_from_previous
        );
        match (
            g.median_seconds_from_previous,
            w.median_seconds_from_previous,
        ) {
            (None, None) => {}
            (Some(a), Some(b)) => assert!(close(a, b, 1e-9), "{at}: median {a} != {b}"),
            (a, b) => panic!("{at}: median {a:?} != {b:?}"),
        }
    }
}

fn assert_report(case: &str, got: &FunnelReport, want: &FunnelReport) {
    assert_eq!(got.users, want.users, "{case}: users");
    assert_steps(case, &got.steps, &want.steps);
    let got_keys: Vec<&String> = got.breakdown.keys().collect();
    let want_keys: Vec<&String> = want.breakdown.keys().collect();
    assert_eq!(got_keys, want_keys, "{case}: breakdown values");
    for (k, w) in &want.breakdown {
        assert_steps(&format!("{case} [{k}]"), &got.breakdown[k].steps, &w.steps);
    }
}

#[test]
fn matches_the_duckdb_and_python_references() {
    let text = std::fs::read_to_string(data_dir().join("reference.json")).unwrap();
    let reference: Reference = serde_json::from_str(&text).unwrap();
    assert!(reference.cases.len() >= 10);
    for case in &reference.cases {
        let data = std::fs::read(data_dir().join(&case.file)).unwrap();
        let spec = FunnelSpec {
            steps: case.steps.clone(),
            window_seconds: parse_window(&case.window).unwrap(),
            order: case.order,
            exclude: case.exclude.clone(),
            breakdown: case.breakdown.clone(),
        };
        for threads in [1, 2, 3] {
            let got =
                analyze(&data, &spec, threads).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            assert_report(
                &format!("{} ({threads} threads)", case.name),
                &got,
                &case.expected,
            );
        }
    }
}

#[test]
fn the_same_events_in_both_time_formats_give_the_same_funnel() {
    let spec = FunnelSpec {
        steps: vec![
            "visit".into(),
            "signup".into(),
            "cart".into(),
            "purchase".into(),
        ],
        window_seconds: 7_200.0,
        order: Order::Any,
        exclude: vec!["refund".into()],
        breakdown: Some("platform".into()),
    };
    let a = analyze(
        &std::fs::read(data_dir().join("events.csv")).unwrap(),
        &spec,
        2,
    )
    .unwrap();
    let b = analyze(
        &std::fs::read(data_dir().join("events_rfc3339.csv")).unwrap(),
        &spec,
        2,
    )
    .unwrap();
    assert_eq!(a, b);
}

/// A hand-written case: events as `user,event,time[,platform]` lines.
struct Hand {
    name: &'static str,
    steps: &'static str,
    window: f64,
    order: Order,
    exclude: &'static [&'static str],
    events: &'static str,
    counts: &'static [u64],
}

fn run_hand(h: &Hand, breakdown: bool) -> FunnelReport {
    let mut csv = String::from(if breakdown {
        "user_id,event,timestamp,platform\n"
    } else {
        "user_id,event,timestamp\n"
    });
    for line in h.events.split(';').map(str::trim).filter(|l| !l.is_empty()) {
        csv.push_str(line);
        csv.push('\n');
    }
    let spec = FunnelSpec {
        steps: h.steps.split(',').map(String::from).collect(),
        window_seconds: h.window,
        order: h.order,
        exclude: h.exclude.iter().map(|s| (*s).to_owned()).collect(),
        breakdown: breakdown.then(|| "platform".to_owned()),
    };
    analyze(csv.as_bytes(), &spec, 1).unwrap_or_else(|e| panic!("{}: {e}", h.name))
}

const HAND: &[Hand] = &[
    Hand {
        name: "ordered: steps before entry do not count; entry is the first step 1",
        steps: "a,b,c",
        window: 100.0,
        order: Order::Ordered,
        exclude: &[],
        events: "1,b,5; 1,a,10; 1,a,50; 1,b,60; 1,c,70; 2,b,1; 2,c,2",
        counts: &[1, 1, 1],
    },
    Hand {
        name: "ordered: the window runs from entry and includes its end",
        steps: "a,b,c",
        window: 100.0,
        order: Order::Ordered,
        exclude: &[],
        events: "1,a,0; 1,b,50; 1,c,100; 2,a,0; 2,b,50; 2,c,100.5; 3,a,0; 3,b,101",
        counts: &[3, 2, 1],
    },
    Hand {
        name: "ordered: a next step at the same instant counts, an earlier one does not",
        steps: "a,b,c",
        window: 100.0,
        order: Order::Ordered,
        exclude: &[],
        events: "1,a,10; 1,b,10; 1,c,10; 2,a,10; 2,c,15; 2,b,20",
        counts: &[2, 2, 1],
    },
    Hand {
        name: "strict: any other event in between breaks the sequence",
        steps: "a,b,c",
        window: 100.0,
        order: Order::Strict,
        exclude: &[],
        events: "1,a,0; 1,b,1; 1,c,2; 2,a,0; 2,x,1; 2,b,2; 3,a,0; 3,b,1; 3,x,2; 3,c,3; 4,a,0; 4,a,1; 4,b,2",
        counts: &[4, 2, 1],
    },
    Hand {
        name: "strict: later events of the entry step do not restart the funnel",
        steps: "a,b",
        window: 100.0,
        order: Order::Strict,
        exclude: &[],
        events: "1,a,0; 1,x,1; 1,a,2; 1,b,3",
        counts: &[1, 0],
    },
    Hand {
        name: "any order: later steps in any order within the window from entry",
        steps: "a,b,c",
        window: 100.0,
        order: Order::Any,
        exclude: &[],
        events: "1,a,0; 1,c,10; 1,b,20; 2,a,0; 2,c,10; 3,b,-5; 3,a,0; 3,c,5; 4,a,0; 4,b,50; 4,c,150",
        counts: &[4, 2, 1],
    },
    Hand {
        name: "exclusion: dropped from the step after the excluded event",
        steps: "a,b,c",
        window: 100.0,
        order: Order::Ordered,
        exclude: &["x"],
        events: "1,a,0; 1,x,5; 1,b,10; 1,c,20; 2,a,0; 2,b,10; 2,x,15; 2,c,20; 3,x,-1; 3,a,0; 3,b,10; 3,c,20; 3,x,30",
        counts: &[3, 2, 1],
    },
    Hand {
        name: "exclusion: at the entry instant it does not count",
        steps: "a,b",
        window: 100.0,
        order: Order::Ordered,
        exclude: &["x"],
        events: "1,x,0; 1,a,0; 1,b,5",
        counts: &[1, 1],
    },
    Hand {
        name: "repeated step events need distinct events",
        steps: "a,a,b",
        window: 100.0,
        order: Order::Ordered,
        exclude: &[],
        events: "1,a,0; 1,b,5; 2,a,0; 2,a,3; 2,b,5",
        counts: &[2, 1, 1],
    },
];

#[test]
fn hand_written_cases() {
    for h in HAND {
        let r = run_hand(h, false);
        let counts: Vec<u64> = r.steps.iter().map(|s| s.users).collect();
        assert_eq!(counts, h.counts, "{}", h.name);
    }
}

#[test]
fn medians_and_conversions_on_a_tiny_log() {
    let h = Hand {
        name: "medians",
        steps: "a,b",
        window: 1e6,
        order: Order::Ordered,
        exclude: &[],
        events: "1,a,0; 1,b,10; 2,a,0; 2,b,20; 3,a,100; 3,b,130; 4,a,0; 4,b,1000; 5,a,0",
        counts: &[5, 4],
    };
    let r = run_hand(&h, false);
    assert_eq!(r.users, 5);
    assert_eq!(r.events, 9);
    assert_eq!(r.steps[0].median_seconds_from_previous, None);
    assert_eq!(r.steps[1].median_seconds_from_previous, Some(25.0));
    assert_eq!(r.steps[1].conversion_from_start, 0.8);
    assert_eq!(r.steps[0].conversion_from_previous, 1.0);
}

#[test]
fn breakdown_reads_the_entry_event_and_breaks_ties_by_value() {
    let h = Hand {
        name: "breakdown",
        steps: "a,b",
        window: 100.0,
        order: Order::Ordered,
        exclude: &[],
        events: "1,x,0,tv; 1,a,5,web; 1,b,6,ios; 2,a,5,web; 2,a,5,ios; 2,b,9,web; 3,b,1,tv",
        counts: &[2, 2],
    };
    let r = run_hand(&h, true);
    let keys: Vec<&str> = r.breakdown.keys().map(String::as_str).collect();
    assert_eq!(keys, ["ios", "web"], "tv never enters");
    assert_eq!(r.breakdown["ios"].steps[0].users, 1);
    assert_eq!(r.breakdown["web"].steps[1].users, 1);
    assert_eq!(r.users, 3);
}

#[test]
fn json_contract() {
    let h = &HAND[0];
    let text = serde_json::to_string(&run_hand(h, false)).unwrap();
    // Field order as written, then the exact key sets.
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(
        at("users") < at("steps") && at("steps") < at("breakdown"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["breakdown", "steps", "users"]);
    let step = v["steps"][1].as_object().unwrap();
    let keys: Vec<&str> = step.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "conversion_from_previous",
            "conversion_from_start",
            "event",
            "median_seconds_from_previous",
            "users"
        ]
    );
    assert!(v["steps"][0]["median_seconds_from_previous"].is_null());
}

fn spec(steps: &[&str]) -> FunnelSpec {
    FunnelSpec {
        steps: steps.iter().map(|s| (*s).to_owned()).collect(),
        window_seconds: 86_400.0,
        order: Order::Ordered,
        exclude: Vec::new(),
        breakdown: None,
    }
}

#[test]
fn bad_input_says_what_and_where() {
    let cases: &[(&str, &str, &str)] = &[
        ("", "a", "the file is empty"),
        ("user_id,event,timestamp\n", "a", "no events"),
        ("user,event,timestamp\n1,a,1\n", "a", "no column `user_id`"),
        (
            "user_id,event,timestamp\n1,a,1\n2,b\n",
            "a",
            "line 3: 2 fields where the header has 3",
        ),
        (
            "user_id,event,timestamp\n1,a,1\n2,b,2023-13-01T00:00:00Z\n",
            "a",
            "line 3, column 5: malformed timestamp `2023-13-01T00:00:00Z`",
        ),
        (
            "user_id,event,timestamp\n1,a,1\n",
            "a,b,c",
            "steps never occur in the file: `b`, `c`",
        ),
        (
            "user_id,event,timestamp\n1,purchase,1\n1,visit,2\n",
            "visit,purchse",
            "`purchse` (events in the file include `purchase`)",
        ),
        (
            "user_id,event,timestamp\n1,a,\"1\n",
            "a",
            "line 2, column 5: a quoted field is never closed",
        ),
    ];
    for (csv, steps, want) in cases {
        let steps: Vec<&str> = steps.split(',').collect();
        let err = analyze(csv.as_bytes(), &spec(&steps), 2)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{csv:?}: got {err:?}, want {want:?}");
    }
}

#[test]
fn bad_definitions_are_refused() {
    let csv = b"user_id,event,timestamp\n1,a,1\n";
    let mut s = spec(&["a", "b"]);
    s.exclude = vec!["b".into()];
    assert!(
        matches!(analyze(csv, &s, 1), Err(FunnelError::InvalidFunnel(m)) if m.contains("both a step"))
    );
    let s = spec(&[]);
    assert!(matches!(
        analyze(csv, &s, 1),
        Err(FunnelError::InvalidFunnel(_))
    ));
    let mut s = spec(&["a"]);
    s.window_seconds = 0.0;
    assert!(matches!(
        analyze(csv, &s, 1),
        Err(FunnelError::InvalidFunnel(_))
    ));
}

// ------------------------------------------------------------------ properties

const NAMES: [&str; 5] = ["a", "b", "c", "d", "x"];

#[derive(Debug, Clone)]
struct Log {
    rows: Vec<(u8, usize, u32, u8)>,
}

impl Log {
    fn csv(&self) -> String {
        self.csv_with_ids(|u| {
            if u == 0 {
                "\"anon, 0\"".to_owned()
            } else {
                u.to_string()
            }
        })
    }

    /// The log with user ids written by `id` (times on a coarse grid make ties common).
    fn csv_with_ids(&self, id: impl Fn(u8) -> String) -> String {
        let mut s = String::from("user_id,event,timestamp,platform\n");
        for (u, e, t, p) in &self.rows {
            let user = id(*u);
            s.push_str(&format!("{user},{},{}.5,p{p}\n", NAMES[*e], t));
        }
        s
    }
}

fn logs() -> impl Strategy<Value = Log> {
    prop::collection::vec((0u8..12, 0usize..5, 0u32..40, 0u8..3), 1..120)
        .prop_map(|rows| Log { rows })
}

fn orders() -> impl Strategy<Value = Order> {
    prop_oneof![Just(Order::Ordered), Just(Order::Strict), Just(Order::Any)]
}

fn funnel_spec() -> impl Strategy<Value = FunnelSpec> {
    (
        prop::collection::vec(0usize..4, 1..5),
        1u32..50,
        orders(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(steps, window, order, exclude, breakdown)| FunnelSpec {
            steps: steps.iter().map(|&i| NAMES[i].to_owned()).collect(),
            window_seconds: f64::from(window),
            order,
            exclude: if exclude {
                vec!["x".into()]
            } else {
                Vec::new()
            },
            breakdown: breakdown.then(|| "platform".to_owned()),
        })
}

/// The report, or `None` when a step never occurs (an error by design).
fn run(log: &Log, spec: &FunnelSpec, threads: usize) -> Option<FunnelReport> {
    match analyze(log.csv().as_bytes(), spec, threads) {
        Ok(r) => Some(r),
        Err(FunnelError::UnknownSteps { .. }) => None,
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn counts_never_increase_along_the_funnel(log in logs(), spec in funnel_spec()) {
        if let Some(r) = run(&log, &spec, 1) {
            for w in r.steps.windows(2) {
                prop_assert!(w[1].users <= w[0].users);
            }
            for b in r.breakdown.values() {
                for w in b.steps.windows(2) {
                    prop_assert!(w[1].users <= w[0].users);
                }
            }
            prop_assert!(r.steps[0].users <= r.users);
        }
    }

    #[test]
    fn a_wider_window_never_lowers_a_count(log in logs(), spec in funnel_spec(), extra in 1u32..100) {
        let mut wide = spec.clone();
        wide.window_seconds += f64::from(extra);
        if let (Some(a), Some(b)) = (run(&log, &spec, 1), run(&log, &wide, 1)) {
            for (x, y) in a.steps.iter().zip(&b.steps) {
                prop_assert!(y.users >= x.users, "{} < {}", y.users, x.users);
            }
        }
    }

    #[test]
    fn row_order_and_threads_do_not_change_the_result(
        log in logs(),
        spec in funnel_spec(),
        seed in any::<u64>(),
        threads in 1usize..5,
    ) {
        let mut shuffled = log.clone();
        // A small deterministic shuffle (Fisher–Yates on a xorshift sequence).
        let mut state = seed | 1;
        for i in (1..shuffled.rows.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.rows.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = run(&log, &spec, 1);
        let b = run(&shuffled, &spec, threads);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn user_ids_are_opaque(log in logs(), spec in funnel_spec(), style in 0u8..4, threads in 1usize..4) {
        // Small numbers index arrays directly; huge numbers, text and a mix go through tables.
        let renamed = log.csv_with_ids(|u| match style {
            0 => format!("{}", u64::from(u) * 1_000_000_007 + 5_000_000_000),
            1 => format!("user-{u:03}"),
            2 if u % 2 == 0 => format!("{u}"),
            2 => format!("\"id \"\"{u}\"\"\""),
            _ => format!("{}", 1000 + u64::from(u)),
        });
        let a = run(&log, &spec, 1);
        let b = match analyze(renamed.as_bytes(), &spec, threads) {
            Ok(r) => Some(r),
            Err(FunnelError::UnknownSteps { .. }) => None,
            Err(e) => panic!("{e}"),
        };
        prop_assert_eq!(a, b);
    }

    #[test]
    fn breakdown_groups_add_up_to_the_whole(log in logs(), mut spec in funnel_spec()) {
        spec.breakdown = Some("platform".into());
        if let Some(r) = run(&log, &spec, 2) {
            for (j, s) in r.steps.iter().enumerate() {
                let sum: u64 = r.breakdown.values().map(|b| b.steps[j].users).sum();
                prop_assert_eq!(sum, s.users);
            }
        }
    }
}
