//! `estimate` and `tradeoff` against closed forms (tests/data/estimate/reference.json, made once
//! by make_reference.py with scipy), and their properties: reproducible with a seed and on any
//! number of threads, ordered percentiles, shares of independent inputs adding up to one, and
//! the printer and parser agreeing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use hireloop_stats::estimate::{
    self, BinOp, Estimate, Estimator, Expr, ExprKind, Func, Line, Model, Settings, Summary,
    VarianceScale,
};
use hireloop_stats::tradeoff::{self, TradeoffSpec};
use proptest::prelude::*;
use serde_json::Value;

fn reference() -> &'static Value {
    static REF: OnceLock<Value> = OnceLock::new();
    REF.get_or_init(|| {
        let text = include_str!("data/estimate/reference.json");
        serde_json::from_str(text).unwrap()
    })
}

fn run(model: &str, samples: usize, seed: u64, threads: usize) -> Estimate {
    Estimator::parse(model)
        .unwrap_or_else(|e| panic!("{model}\n{e}"))
        .simulate(&Settings {
            samples,
            seed,
            threads,
        })
        .unwrap()
        .estimate()
}

fn field(s: &Summary, name: &str) -> f64 {
    match name {
        "mean" => s.mean,
        "p5" => s.p5,
        "p25" => s.p25,
        "p50" => s.p50,
        "p75" => s.p75,
        "p95" => s.p95,
        other => panic!("no field {other}"),
    }
}

#[test]
fn the_benchmark_model_matches_the_closed_form_within_one_percent_at_1m_samples() {
    let case = &reference()["estimate"][0];
    assert_eq!(case["name"], "gmv");
    let model = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/gmv.estimate"
    ))
    .unwrap();
    assert_eq!(
        case["model"].as_str().unwrap(),
        model,
        "re-run make_reference.py"
    );
    let est = run(&model, 1_000_000, estimate::DEFAULT_SEED, 2);
    for (name, want) in case["result"].as_object().unwrap() {
        let got = field(&est.result, name);
        let want = want.as_f64().unwrap();
        assert!(
            (got / want - 1.0).abs() < 0.01,
            "{name}: {got} against {want} ({:+.3}%)",
            (got / want - 1.0) * 100.0
        );
    }
}

#[test]
fn closed_forms() {
    for case in reference()["estimate"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let samples = case["samples"].as_u64().unwrap() as usize;
        // The 1M-sample case has its own test; here every case runs at 200k.
        let est = run(case["model"].as_str().unwrap(), samples.min(200_000), 7, 2);
        let r = &case["result"];
        let spread = match (r.get("p5"), r.get("p95")) {
            (Some(a), Some(b)) => b.as_f64().unwrap() - a.as_f64().unwrap(),
            _ => est.result.p95 - est.result.p5,
        };
        for (stat, want) in r.as_object().unwrap() {
            let got = field(&est.result, stat);
            let want = want.as_f64().unwrap();
            // Two percent of the 90% range: several standard errors at 200k samples.
            assert!(
                (got - want).abs() < 0.02 * spread,
                "{name}: {stat} = {got}, closed form {want}"
            );
        }
        let scale = match case["variance_scale"].as_str().unwrap() {
            "log" => VarianceScale::Log,
            _ => VarianceScale::Linear,
        };
        assert_eq!(est.variance_scale, scale, "{name}");
        let want: Vec<(&str, f64)> = case["shares"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_f64().unwrap()))
            .collect();
        assert_eq!(est.inputs.len(), want.len(), "{name}: {:?}", est.inputs);
        for (input, share) in want {
            let got = est.inputs.iter().find(|i| i.name == input).unwrap();
            assert!(
                (got.share_of_variance - share).abs() < 0.02,
                "{name}: share of {input} = {}, closed form {share}",
                got.share_of_variance
            );
        }
    }
}

#[test]
fn histogram_counts_every_sample_and_edges_join() {
    let est = run(include_str!("../../../examples/gmv.estimate"), 50_000, 3, 1);
    assert_eq!(est.histogram.iter().map(|b| b.count).sum::<u64>(), 50_000);
    assert!(est.histogram.windows(2).all(|w| w[0].hi == w[1].lo));
    assert_eq!(est.histogram.len(), estimate::HISTOGRAM_BARS + 2);
}

#[test]
fn threads_do_not_change_the_numbers() {
    // Large enough for the sampler to use several threads (and a ragged last block).
    let model = include_str!("../../../examples/gmv.estimate");
    let one = run(model, 300_001, 9, 1);
    assert_eq!(one, run(model, 300_001, 9, 2));
    assert_eq!(one, run(model, 300_001, 9, 3));
}

#[test]
fn a_fixed_model_is_exact() {
    let est = run(
        "days = 365\norders = 2k\ntotal = days * orders\n",
        1000,
        1,
        1,
    );
    assert_eq!(est.result.p5, 730_000.0);
    assert_eq!(est.result.mean, 730_000.0);
    assert!(est.inputs.is_empty());
}

#[test]
fn an_unused_input_scores_zero() {
    let est = run("a = 1 to 10\nb = normal(0, 1)\ny = a * 2\n", 5000, 1, 1);
    let b = est.inputs.iter().find(|i| i.name == "b").unwrap();
    assert_eq!(b.share_of_variance, 0.0);
    assert!(!b.used);
}

#[test]
fn editing_one_line_leaves_the_draws_of_the_others() {
    // Streams follow a line's name, not its position: adding a line above changes nothing else.
    let a = Estimator::parse("x = 1 to 10\ny = x * 2\n").unwrap();
    let b = Estimator::parse("z = normal(0, 1)\nx = 1 to 10\ny = x * 2\n").unwrap();
    let s = Settings {
        samples: 1000,
        ..Settings::default()
    };
    let (sa, sb) = (
        a.simulate_keeping(&s, &["x"]).unwrap(),
        b.simulate_keeping(&s, &["x"]).unwrap(),
    );
    assert!(matches!(sa.samples("x"), Some(estimate::Samples::Drawn(_))));
    assert_eq!(sa.samples("x"), sb.samples("x"));
}

#[test]
fn sample_counts_out_of_range_are_refused() {
    let e = Estimator::parse("x = 1 to 2\n").unwrap();
    for samples in [0, 99, estimate::MAX_SAMPLES + 1] {
        let err = e
            .simulate(&Settings {
                samples,
                ..Settings::default()
            })
            .unwrap_err();
        assert!(err.to_string().contains("use between 100 and"), "{err}");
    }
}

#[test]
fn overflow_is_reported_with_its_line() {
    let e = Estimator::parse("big = 1e150 to 1e160\nhuge = big ^ 3\n").unwrap();
    let err = e.simulate(&Settings::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("2:1: `huge` is not a finite number"),
        "{err}"
    );
}

#[test]
fn problems_of_every_line_are_reported_together() {
    let err = Estimator::parse("a = 1 to 2\nb = c * 2\nd = normal(1, -1)\ne = a / (0 to 1)\n")
        .unwrap_err();
    let places: Vec<(usize, usize)> = err.problems.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(places, vec![(2, 5), (3, 15), (4, 10)]);
}

// ----------------------------------------------------------------------------------------------
// Trade-off against its closed form

fn worked_example() -> TradeoffSpec<'static> {
    TradeoffSpec {
        users: "100M",
        conversion: "3%",
        aov: "200",
        conversion_lift: "1%",
        latency_ms: 100.0,
        elasticity: tradeoff::DEFAULT_ELASTICITY,
    }
}

#[test]
fn tradeoff_matches_the_closed_form() {
    let want = &reference()["tradeoff"];
    let settings = Settings {
        samples: 200_000,
        seed: 11,
        threads: 2,
    };
    let t = tradeoff::analyse(&worked_example(), &settings).unwrap();
    assert_eq!(t.revenue.mean, want["revenue"].as_f64().unwrap());
    assert!((t.gain.mean - want["gain"].as_f64().unwrap()).abs() < 1e-6);
    let spread = want["net"]["p95"].as_f64().unwrap() - want["net"]["p5"].as_f64().unwrap();
    for (stat, v) in want["net"].as_object().unwrap() {
        let got = field(&t.net, stat);
        let v = v.as_f64().unwrap();
        assert!(
            (got - v).abs() < 0.02 * spread,
            "net {stat}: {got} against {v}"
        );
    }
    for (stat, v) in want["loss"].as_object().unwrap() {
        let got = field(&t.loss, stat);
        let v = v.as_f64().unwrap();
        assert!(
            (got / v - 1.0).abs() < 0.02,
            "loss {stat}: {got} against {v}"
        );
    }
    let p = want["p_net_positive"].as_f64().unwrap();
    assert!(
        (t.p_net_positive - p).abs() < 0.005,
        "{} against {p}",
        t.p_net_positive
    );
    let e = t.break_even_elasticity.unwrap();
    assert!((e - want["break_even_elasticity"].as_f64().unwrap()).abs() < 1e-15);
    for (id, v) in want["sources"].as_object().unwrap() {
        let s = t.sources.iter().find(|s| s.figure.id == id).unwrap();
        assert!((s.net_relative - v.as_f64().unwrap()).abs() < 1e-12, "{id}");
    }
}

#[test]
fn tradeoff_worked_example_in_the_reference() {
    // reference/latency-elasticity.md: +6 M a day from the lift; +100 ms costs 6 M at Amazon's
    // figure (net about 0), 3.6 M at Bing's (net +0.4%), 42.6 M at Akamai's mobile one (−6.2%).
    let t = tradeoff::analyse(&worked_example(), &Settings::default()).unwrap();
    assert_eq!(t.gain.p50, 6e6);
    let at = |id: &str| t.sources.iter().find(|s| s.figure.id == id).unwrap();
    let rounded = |x: f64| (x * 1000.0).round() / 10.0; // percent, one decimal
    assert_eq!(at("latency.amazon-2006").loss.round(), 6e6);
    assert_eq!(rounded(at("latency.amazon-2006").net_relative), 0.0);
    assert_eq!(at("latency.bing-2013").loss.round(), 3.6e6);
    assert_eq!(rounded(at("latency.bing-2013").net_relative), 0.4);
    assert_eq!(at("latency.akamai-2017.smartphone").loss.round(), 42.6e6);
    assert_eq!(
        rounded(at("latency.akamai-2017.smartphone").net_relative),
        -6.2
    );
}

#[test]
fn tradeoff_model_runs_in_estimate() {
    // The model printed with the trade-off is a valid estimate file whose result is the net.
    let t = tradeoff::analyse(&worked_example(), &Settings::default()).unwrap();
    let est = run(
        &t.model,
        estimate::DEFAULT_SAMPLES,
        estimate::DEFAULT_SEED,
        1,
    );
    assert_eq!(est.name, "net");
    assert_eq!(est.result, t.net);
}

#[test]
fn tradeoff_with_uncertain_traffic_attributes_the_spread() {
    let spec = TradeoffSpec {
        users: "80M to 120M",
        ..worked_example()
    };
    let t = tradeoff::analyse(&spec, &Settings::default()).unwrap();
    let names: Vec<&str> = t.shares.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["users", "elasticity"]);
    // The elasticity decides the sign; the traffic only scales it.
    assert!(t.shares[1].share_of_variance > t.shares[0].share_of_variance);
}

// ----------------------------------------------------------------------------------------------
// Properties

/// A random distribution of the language, as text.
fn distribution() -> impl Strategy<Value = String> {
    prop_oneof![
        (0.1f64..100.0, 1.01f64..20.0).prop_map(|(a, r)| format!("{a} to {}", a * r)),
        (-50.0f64..0.0, 0.1f64..100.0).prop_map(|(a, w)| format!("{a} to {}", a + w)),
        (-10.0f64..10.0, 0.01f64..5.0).prop_map(|(m, s)| format!("normal({m}, {s})")),
        (-10.0f64..10.0, 0.01f64..20.0).prop_map(|(a, w)| format!("uniform({a}, {})", a + w)),
        (-2.0f64..2.0, 0.01f64..1.0).prop_map(|(m, s)| format!("lognormal({m}, {s})")),
    ]
}

/// A random model: a few inputs combined by random operations.
fn model() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(distribution(), 1..5),
        prop::collection::vec(0usize..5, 0..4),
    )
        .prop_map(|(inputs, ops)| {
            let mut text = String::new();
            for (i, d) in inputs.iter().enumerate() {
                text.push_str(&format!("x{i} = {d}\n"));
            }
            let mut expr = "x0".to_string();
            for (k, op) in ops.iter().enumerate() {
                let other = format!("x{}", (k + 1) % inputs.len());
                expr = match op {
                    0 => format!("{expr} + {other}"),
                    1 => format!("{expr} - {other}"),
                    2 => format!("({expr}) * {other}"),
                    3 => format!("max({expr}, {other})"),
                    _ => format!("min({expr}, 2 * {other})"),
                };
            }
            text.push_str(&format!("result = {expr}\n"));
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn same_seed_same_estimate_on_any_thread_count(model in model(), seed in any::<u64>()) {
        let a = run(&model, 3000, seed, 1);
        let b = run(&model, 3000, seed, 1);
        let c = run(&model, 3000, seed, 3);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
    }

    #[test]
    fn percentiles_are_ordered_and_shares_bounded(model in model(), seed in any::<u64>()) {
        let e = run(&model, 3000, seed, 1);
        let r = e.result;
        prop_assert!(r.p5 <= r.p25 && r.p25 <= r.p50 && r.p50 <= r.p75 && r.p75 <= r.p95, "{r:?}");
        let lo = e.histogram.first().unwrap().lo;
        let hi = e.histogram.last().unwrap().hi;
        prop_assert!(lo <= r.mean && r.mean <= hi);
        prop_assert_eq!(e.histogram.iter().map(|b| b.count).sum::<u64>(), 3000);
        for i in &e.inputs {
            prop_assert!((0.0..=1.0).contains(&i.share_of_variance), "{i:?}");
        }
    }

    #[test]
    fn shares_of_independent_inputs_in_a_sum_add_up_to_one(
        inputs in prop::collection::vec(distribution(), 2..5),
        weights in prop::collection::vec(0.2f64..5.0, 4),
        seed in any::<u64>(),
    ) {
        let mut text = String::new();
        let mut terms = Vec::new();
        for (i, d) in inputs.iter().enumerate() {
            text.push_str(&format!("x{i} = {d}\n"));
            terms.push(format!("{} * x{i}", weights[i]));
        }
        // A small term that can be negative keeps the sum on the linear scale, where the shares
        // of an additive model add up to one.
        text.push_str("z = normal(0, 0.001)\n");
        text.push_str(&format!("y = {} + z\n", terms.join(" + ")));
        let e = run(&text, 40_000, seed, 1);
        prop_assert_eq!(e.variance_scale, VarianceScale::Linear);
        let total: f64 = e.inputs.iter().map(|i| i.share_of_variance).sum();
        prop_assert!((total - 1.0).abs() < 0.05, "{total}: {:?}", e.inputs);
    }

    #[test]
    fn shares_of_independent_inputs_in_a_product_add_up_to_one(
        ranges in prop::collection::vec((0.1f64..100.0, 1.05f64..30.0), 2..5),
        seed in any::<u64>(),
    ) {
        let mut text = String::new();
        let mut names = Vec::new();
        for (i, (a, r)) in ranges.iter().enumerate() {
            text.push_str(&format!("x{i} = {a} to {}\n", a * r));
            names.push(format!("x{i}"));
        }
        text.push_str(&format!("y = {}\n", names.join(" * ")));
        let e = run(&text, 40_000, seed, 1);
        prop_assert_eq!(e.variance_scale, VarianceScale::Log);
        let total: f64 = e.inputs.iter().map(|i| i.share_of_variance).sum();
        prop_assert!((total - 1.0).abs() < 0.05, "{total}: {:?}", e.inputs);
    }

    #[test]
    fn print_then_parse_gives_the_same_model(model in model_tree()) {
        let text = model.to_string();
        let again = Estimator::parse(&text);
        // Random trees may mean nonsense (a division by zero); only the syntax matters here.
        let parsed = match again {
            Ok(e) => e.model().clone(),
            Err(_) => parse_syntax_only(&text),
        };
        prop_assert_eq!(&parsed, &model, "{}", text);
        prop_assert_eq!(parsed.to_string(), text);
    }

    #[test]
    fn any_text_gives_a_model_or_problems_never_a_panic(text in "\\PC{0,80}(\n\\PC{0,40}){0,3}") {
        if let Err(e) = Estimator::parse(&text) {
            prop_assert!(!e.problems.is_empty());
            for p in &e.problems {
                prop_assert!(p.line >= 1 && p.column >= 1);
            }
        }
    }
}

/// Syntax-only parse for the round trip: a model whose meaning is refused still parses line by
/// line as an expression.
fn parse_syntax_only(text: &str) -> Model {
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let (name, expr) = l.split_once(" = ").unwrap();
            Line {
                name: Some(name.to_string()),
                expr: estimate::parse_expression(expr).unwrap_or_else(|p| panic!("{l}: {p}")),
                source: String::new(),
                line: i + 1,
                column: 1,
            }
        })
        .collect();
    Model { lines }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (0.0f64..1e6).prop_map(|v| Expr::new(ExprKind::Number(v))),
        prop_oneof![Just(1e-9f64), Just(3e20), Just(0.03), Just(300e6)]
            .prop_map(|v| Expr::new(ExprKind::Number(v))),
        prop_oneof![Just("a"), Just("b_2"), Just("Total")]
            .prop_map(|n| Expr::new(ExprKind::Name(n.to_string()))),
    ]
}

fn expr_tree() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|e| Expr::new(ExprKind::Neg(Box::new(e)))),
            (
                prop_oneof![
                    Just(BinOp::Add),
                    Just(BinOp::Sub),
                    Just(BinOp::Mul),
                    Just(BinOp::Div),
                    Just(BinOp::Pow)
                ],
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, a, b)| Expr::new(ExprKind::Binary(
                    op,
                    Box::new(a),
                    Box::new(b)
                ))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| {
                // A range's ends are themselves no ranges (the grammar has no `a to b to c`).
                Expr::new(ExprKind::Range(
                    Box::new(strip_ranges(a)),
                    Box::new(strip_ranges(b)),
                ))
            }),
            (
                prop_oneof![
                    Just(Func::Normal),
                    Just(Func::Uniform),
                    Just(Func::Lognormal),
                    Just(Func::Min),
                    Just(Func::Max)
                ],
                prop::collection::vec(inner, 1..4)
            )
                .prop_map(|(f, args)| Expr::new(ExprKind::Call(f, args))),
        ]
    })
}

/// Replaces ranges by their low end, where the grammar cannot hold a range without parentheses
/// — it can, with them, so this only keeps the trees small and readable.
fn strip_ranges(e: Expr) -> Expr {
    match e.kind {
        ExprKind::Range(a, _) => strip_ranges(*a),
        _ => e,
    }
}

fn model_tree() -> impl Strategy<Value = Model> {
    prop::collection::vec(expr_tree(), 1..4).prop_map(|exprs| Model {
        lines: exprs
            .into_iter()
            .enumerate()
            .map(|(i, expr)| Line {
                name: Some(format!("v{i}")),
                expr,
                source: String::new(),
                line: i + 1,
                column: 1,
            })
            .collect(),
    })
}
