//! `hireloop ab` as a user runs it: the example, CSV input, `ab power`, charts, and bad input
//! refused with a message that says what and where (exit code 1).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write as _;
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
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            pipe.write_all(s.as_bytes()).unwrap();
        }
    }
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

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hireloop-ab-test-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn the_example_reads_as_a_decision() {
    let out = ok(&["ab", "examples/ab-ctr-aov.json"]);
    assert!(out.contains("Decision: DON'T SHIP"), "{out}");
    assert!(out.contains("aov (guardrail): treatment −4.54%"), "{out}");
    assert!(out.contains("Traffic split: OK"), "{out}");
    for metric in ["ctr (proportion)", "rpv (mean)", "aov (ratio)"] {
        assert!(out.contains(metric), "{metric} missing:\n{out}");
    }
}

#[test]
fn json_output_is_the_documented_contract() {
    let v = json(&["ab", "examples/ab-ctr-aov.json", "--format", "json"]);
    assert_eq!(v["srm"]["ok"], true);
    let rpv = &v["metrics"][1];
    assert_eq!(rpv["name"], "rpv");
    let c = &rpv["comparisons"][0];
    assert_eq!(c["variant"], "treatment");
    let rel = c["relative"]["effect"].as_f64().unwrap();
    assert!((rel - 0.061_940_165_482_828_56).abs() < 1e-9, "{rel}");
    let p = c["absolute"]["p_value"].as_f64().unwrap();
    assert!((p - 0.006_802_836_188_713_579).abs() < 1e-9, "{p}");
    assert_eq!(v["decision"]["verdict"], "dont_ship");
}

#[test]
fn standard_input_and_flags_override_the_file() {
    let text = std::fs::read_to_string(root().join("examples/ab-ctr-aov.json")).unwrap();
    let r = run_with(
        &["ab", "-", "--format", "json", "--guardrail", "ctr"],
        Some(&text),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["decision"]["verdict"], "ship");
    assert_eq!(v["decision"]["variant"], "treatment");
}

const USERS: &str = "user_id,variant,clicked,orders,revenue\n\
u1,control,1,1,120\nu2,control,0,0,0\nu3,control,1,2,80\nu4,control,0,0,0\nu5,control,1,1,60\n\
u6,treatment,1,1,100\nu7,treatment,1,1,90\nu8,treatment,0,0,0\nu9,treatment,1,3,150\nu10,treatment,0,0,0\n";

#[test]
fn a_per_user_csv_is_analysed_like_its_sums() {
    let dir = temp_dir("csv");
    let csv = write(&dir, "users.csv", USERS);
    let svg = dir.join("ab.svg");
    let v = json(&[
        "ab",
        "--csv",
        &csv,
        "--metric",
        "clicked=proportion",
        "--metric",
        "revenue=mean",
        "--metric",
        "aov=ratio:revenue/orders",
        "--decision-metric",
        "revenue",
        "--guardrail",
        "aov",
        "--format",
        "json",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(v["metrics"][0]["values"]["control"], 0.6);
    assert_eq!(v["metrics"][1]["values"]["treatment"], 68.0);
    assert_eq!(v["metrics"][2]["values"]["control"], 65.0);
    assert_eq!(v["decision"]["metric"], "revenue");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(
        chart.starts_with("<svg") || chart.starts_with("<?xml"),
        "{chart}"
    );
    assert!(chart.contains("aov"));
}

#[test]
fn power_gives_the_sample_size() {
    let v = json(&[
        "ab",
        "power",
        "--baseline",
        "0.04",
        "--mde",
        "10%",
        "--format",
        "json",
    ]);
    assert_eq!(v["n_per_arm"], 38211);
    assert_eq!(v["total"], 76422);
    assert_eq!(v["n_per_arm_arcsine"], 39455);
    // The same effect in points, and the default relative reading of a plain number.
    let pp = json(&[
        "ab",
        "power",
        "--baseline",
        "4%",
        "--mde",
        "0.4pp",
        "--format",
        "json",
    ]);
    assert_eq!(pp["n_per_arm"], 38211);
    let abs = json(&[
        "ab",
        "power",
        "--baseline",
        "0.04",
        "--mde",
        "0.004",
        "--absolute",
        "--format",
        "json",
    ]);
    assert_eq!(abs["n_per_arm"], 38211);
    let text = ok(&[
        "ab",
        "power",
        "--baseline",
        "0.2",
        "--mde",
        "0.05",
        "--absolute",
        "--daily-users",
        "500",
    ]);
    assert!(text.contains("1,031 users per arm"), "{text}");
    assert!(text.contains("about 5 day(s)"), "{text}");
}

#[test]
fn bad_input_is_refused_with_what_and_where() {
    let dir = temp_dir("bad");
    let syntax = write(
        &dir,
        "syntax.json",
        "{\n  \"variants\": [\"control\", \"treatment\"],\n  \"metrics\": [,]\n}\n",
    );
    let neg = write(
        &dir,
        "neg.json",
        r#"{ "variants": ["control", "treatment"], "metrics": [ { "name": "ctr", "type": "proportion",
            "stats": { "control": { "n": -10, "sum": 1 }, "treatment": { "n": 10, "sum": 1 } } } ] }"#,
    );
    let kind = write(
        &dir,
        "kind.json",
        r#"{ "variants": ["control", "treatment"], "metrics": [ { "name": "ctr", "type": "percent", "stats": {} } ] }"#,
    );
    let missing = write(
        &dir,
        "missing.json",
        r#"{ "variants": ["control", "treatment"], "metrics": [ { "name": "ctr", "type": "proportion",
            "stats": { "control": { "n": 10, "sum": 1 } } } ] }"#,
    );
    let csv = write(
        &dir,
        "bad.csv",
        "user_id,variant,clicked\nu1,control,1\nu2,treatment,yes\n",
    );
    let cases: Vec<(Vec<&str>, String)> = vec![
        (vec!["ab", &syntax], format!("{syntax}:3:15:")),
        (
            vec!["ab", &neg],
            "metric `ctr`, variant `control`: `n` is -10".into(),
        ),
        (
            vec!["ab", &kind],
            "metric `ctr`: unknown metric type `percent`".into(),
        ),
        (
            vec!["ab", &missing],
            "`stats` has nothing for the variant `treatment`".into(),
        ),
        (
            vec!["ab", "examples/ab-ctr-aov.json", "--decision-metric", "gmv"],
            "the decision_metric `gmv` is not among the metrics (ctr, rpv, aov)".into(),
        ),
        (
            vec!["ab", "--csv", &csv, "--metric", "clicked=proportion"],
            "line 3, column 3 (clicked): a proportion column holds 0 or 1".into(),
        ),
        (
            vec!["ab", "--csv", &csv, "--metric", "clicked"],
            "--metric `clicked`: expected NAME=TYPE".into(),
        ),
        (
            vec!["ab", "power", "--baseline", "0.04", "--mde", "ten"],
            "--mde `ten` is not a number".into(),
        ),
        (
            vec!["ab", "power", "--baseline", "0.5", "--mde", "150%"],
            "--mde moves the rate".into(),
        ),
    ];
    for (args, want) in cases {
        let r = run(&args);
        assert_eq!(
            r.code,
            1,
            "`hireloop {}` should fail:\n{}{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        assert!(
            r.stderr.contains(&want),
            "`hireloop {}`: want {want:?} in\n{}",
            args.join(" "),
            r.stderr
        );
    }
    // A file and --csv together, or nothing at all, is a command-line error.
    assert_eq!(
        run(&["ab", "examples/ab-ctr-aov.json", "--csv", &csv]).code,
        2
    );
    assert_eq!(run(&["ab"]).code, 2);
}
