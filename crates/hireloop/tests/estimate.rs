//! `hireloop estimate` and `hireloop tradeoff` as a user runs them: outputs, JSON contracts,
//! reproducibility, and bad input named with its place.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hireloop"))
        .args(args)
        .current_dir(root())
        .env_remove("HIRELOOP_CONTENT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(pipe);
    let o = child.wait_with_output().unwrap();
    let r = Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "`hireloop {}` panicked:\n{}",
        args.join(" "),
        r.stderr
    );
    r
}

fn run(args: &[&str]) -> Run {
    run_with(args, None)
}

fn ok(args: &[&str]) -> String {
    let r = run(args);
    assert_eq!(
        r.code,
        0,
        "`hireloop {}` failed:\n{}",
        args.join(" "),
        r.stderr
    );
    r.stdout
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

/// A fresh scratch file path.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hireloop-estimate-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

const WORKED: [&str; 11] = [
    "tradeoff",
    "--users",
    "100M",
    "--conversion",
    "3%",
    "--aov",
    "200",
    "--conversion-lift",
    "1%",
    "--latency",
    "100ms",
];

/// The worked example with one flag set to `value`.
fn worked_with<'a>(flag: &'a str, value: &'a str) -> Vec<&'a str> {
    let mut args = WORKED.to_vec();
    match args.iter().position(|a| *a == flag) {
        Some(i) => args[i + 1] = value,
        None => args.extend([flag, value]),
    }
    args
}

#[test]
fn both_commands_have_help() {
    for cmd in ["estimate", "tradeoff"] {
        let out = ok(&[cmd, "--help"]);
        assert!(out.contains(&format!("Usage: hireloop {cmd}")), "{out}");
    }
}

#[test]
fn estimate_json_follows_the_contract() {
    let v = json(&[
        "estimate",
        "examples/gmv.estimate",
        "--format",
        "json",
        "--samples",
        "20000",
    ]);
    assert_eq!(
        keys(&v),
        [
            "histogram",
            "inputs",
            "result",
            "samples",
            "seed",
            "variance_scale"
        ]
    );
    assert_eq!(v["samples"], 20000);
    assert_eq!(v["seed"], 1);
    assert_eq!(
        keys(&v["result"]),
        ["mean", "p25", "p5", "p50", "p75", "p95"]
    );
    let names: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(keys(i), ["name", "share_of_variance"]);
            i["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(names, ["buyers", "ordersPerBuyer", "aovRmb"]);
    let total: u64 = v["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert_eq!(keys(b), ["count", "hi", "lo"]);
            b["count"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(total, 20000);
    assert_eq!(v["variance_scale"], "log");
}

#[test]
fn estimate_is_reproducible_and_the_seed_matters() {
    let args = [
        "estimate",
        "examples/gmv.estimate",
        "--format",
        "json",
        "--samples",
        "5000",
    ];
    assert_eq!(ok(&args), ok(&args));
    let mut other = args.to_vec();
    other.extend(["--seed", "2"]);
    assert_ne!(ok(&args), ok(&other));
}

#[test]
fn estimate_text_reads_well() {
    let out = ok(&["estimate", "examples/gmv.estimate"]);
    for needle in [
        "Estimate of gmv (100,000 samples, seed 1)",
        "median",
        "95th percentile",
        "90% of the outcomes lie between",
        "Distribution of gmv",
        "share of the variance of log(gmv)",
        "300M to 500M",
        "Research `ordersPerBuyer` first",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn estimate_reads_standard_input() {
    let r = run_with(
        &["estimate", "-", "--format", "json", "--samples", "1000"],
        Some("x = normal(10, 2)\ny = x * 3\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!((v["result"]["mean"].as_f64().unwrap() - 30.0).abs() < 1.0);
}

#[test]
fn estimate_writes_a_chart() {
    let path = scratch("gmv.svg");
    ok(&[
        "estimate",
        "examples/gmv.estimate",
        "--samples",
        "2000",
        "--svg",
        path.to_str().unwrap(),
    ]);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("gmv"), "{svg}");
}

#[test]
fn estimate_problems_name_file_line_and_column() {
    let path = scratch("bad.estimate");
    for (model, want) in [
        (
            "buyers = 300M to 500M\ngmv = byers * 2\n",
            ":2:7: error: unknown name `byers`\n  hint: did you mean `buyers`?",
        ),
        (
            "a = 10 to 5\n",
            ":1:5: error: the range `10 to 5` runs backwards",
        ),
        (
            "a = normal(5, -1)\n",
            ":1:15: error: the sd of `normal` is -1",
        ),
        (
            "a = 3 / normal(0, 1)\n",
            ":1:9: error: division by `normal(0, 1)`, which can be zero",
        ),
        (
            "a = 2 * (1 + 2))\n",
            ":1:16: error: unexpected `)` after the expression",
        ),
        (
            "a = b\nb = 2\n",
            ":1:5: error: `b` is used before its definition on line 2",
        ),
        ("a = 3x\n", ":1:6: error: unknown number suffix `x`"),
    ] {
        std::fs::write(&path, model).unwrap();
        let r = run(&["estimate", path.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{model}");
        let want = format!("{}{want}", path.display());
        assert!(r.stderr.starts_with(&want), "{model}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn estimate_refuses_bad_arguments() {
    let r = run(&["estimate", "examples/gmv.estimate", "--samples", "10"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--samples: 10 samples asked for"),
        "{}",
        r.stderr
    );
    let r = run(&["estimate", "no/such/model.estimate"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot read no/such/model.estimate"),
        "{}",
        r.stderr
    );
    let r = run(&["estimate", "examples/gmv.estimate", "--samples", "many"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn tradeoff_reproduces_the_worked_example() {
    let out = ok(&WORKED);
    for needle in [
        "revenue today       600 M a day",
        "gain from the lift  +6 M a day",
        "P(net > 0) = 52",
        "Break-even: the launch pays off if +100 ms costs less than 0.99% of revenue",
        "Amazon (Greg Linden, 2006)",
        "Bing (Kohavi et al., KDD 2013)",
        "Akamai/SOASTA (2017), smartphone",
        "Google (Brutlag, 2009)",
        "Deloitte",
        "Walmart",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    let v: Value = {
        let mut args = WORKED.to_vec();
        args.extend(["--format", "json"]);
        json(&args)
    };
    assert_eq!(
        keys(&v),
        [
            "break_even_elasticity",
            "gain",
            "histogram",
            "inputs",
            "loss",
            "model",
            "net",
            "net_relative",
            "p_net_positive",
            "revenue",
            "samples",
            "seed",
            "shares",
            "sources"
        ]
    );
    let net_at = |id: &str| {
        let s = v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap();
        (s["net_relative"].as_f64().unwrap() * 1000.0).round() / 10.0
    };
    assert_eq!(net_at("latency.amazon-2006"), 0.0);
    assert_eq!(net_at("latency.bing-2013"), 0.4);
    assert_eq!(net_at("latency.akamai-2017.smartphone"), -6.2);
    assert_eq!(v["inputs"]["elasticity"], "0.3% to 3%");
}

#[test]
fn tradeoff_sources_agree_with_the_reference_figures() {
    let figures = json(&["figures", "--format", "json"]);
    let v = {
        let mut args = WORKED.to_vec();
        args.extend(["--format", "json", "--samples", "1000"]);
        json(&args)
    };
    for s in v["sources"].as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let f = figures
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not a reference figure"));
        assert_eq!(f["unit"], "% per 100 ms", "{id}");
        let want = f["value"].as_f64().unwrap() / 100.0;
        assert!(
            (s["per_100ms"].as_f64().unwrap() - want).abs() < 1e-12,
            "{id}"
        );
    }
    let default = figures
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "latency.default")
        .unwrap();
    assert_eq!(
        format!("{}% to {}%", default["low"], default["high"]).replace(".0%", "%"),
        "0.3% to 3%"
    );
}

#[test]
fn tradeoff_takes_distributions_and_writes_a_chart() {
    let path = scratch("net.svg");
    let mut args = WORKED.to_vec();
    args.extend([
        "--elasticity",
        "normal(1%, 0.2%)",
        "--samples",
        "5000",
        "--svg",
        path.to_str().unwrap(),
    ]);
    let out = ok(&args);
    assert!(
        out.contains("revenue lost per +100 ms: normal(1%, 0.2%)"),
        "{out}"
    );
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("break even"), "{svg}");
}

#[test]
fn tradeoff_bad_input_names_the_flag_and_column() {
    for (flag, value, want) in [
        (
            "--elasticity",
            "3% to 1%",
            "--elasticity \"3% to 1%\": column 1: the range",
        ),
        (
            "--users",
            "100X",
            "--users \"100X\": column 4: unknown number suffix `X`",
        ),
        (
            "--aov",
            "price",
            "--aov \"price\": column 1: unknown name `price`",
        ),
        (
            "--conversion",
            "3% +",
            "--conversion \"3% +\": column 5: expected a number",
        ),
        ("--latency", "fast", "--latency \"fast\" is not a duration"),
    ] {
        let r = run(&worked_with(flag, value));
        assert_eq!(r.code, 1, "{flag} {value}");
        assert!(r.stderr.contains(want), "{flag} {value}: {}", r.stderr);
    }
}
