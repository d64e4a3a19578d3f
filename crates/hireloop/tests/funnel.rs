//! `hireloop funnel` as a user runs it: outputs, the JSON contract, and bad input with where.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const EVENTS: &str = "crates/hireloop-stats/tests/data/funnel/events.csv";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_hireloop"))
        .arg("funnel")
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let r = Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        r.stderr
    );
    r
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hireloop-funnel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn text_output_reads_like_a_report() {
    let r = run(&[
        "--steps",
        "visit,signup,cart,purchase",
        "--breakdown",
        "platform",
        EVENTS,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for want in [
        "Funnel: visit → signup → cart → purchase",
        "688 users; 638 entered the funnel",
        "1. visit",
        "4. purchase",
        "median time from previous",
        "By platform",
        "web, desktop",
    ] {
        assert!(
            r.stdout.contains(want),
            "missing {want:?} in:\n{}",
            r.stdout
        );
    }
}

#[test]
fn json_output_is_the_contract() {
    let r = run(&[
        "--steps",
        "visit,signup,cart,purchase",
        "--window",
        "1d",
        "--breakdown",
        "platform",
        "--format",
        "json",
        EVENTS,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["users"], 688);
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    // DuckDB's counts for this file (tests/data/funnel/reference.json).
    let counts: Vec<u64> = steps.iter().map(|s| s["users"].as_u64().unwrap()).collect();
    assert_eq!(counts, [638, 436, 264, 149]);
    assert_eq!(steps[1]["event"], "signup");
    assert!(steps[1]["median_seconds_from_previous"].as_f64().unwrap() > 0.0);
    assert!(steps[0]["median_seconds_from_previous"].is_null());
    let b = v["breakdown"].as_object().unwrap();
    assert_eq!(b.len(), 4);
    assert!(b["web, desktop"]["steps"].as_array().unwrap().len() == 4);
}

#[test]
fn orders_windows_and_exclusions_change_the_result() {
    let counts = |extra: &[&str]| -> Vec<u64> {
        let mut args = vec!["--steps", "visit,signup,cart,purchase", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(EVENTS);
        let r = run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["users"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(counts(&["--window", "30m"]), [638, 338, 47, 6]);
    assert_eq!(counts(&["--order", "strict"]), [638, 391, 199, 94]);
    assert_eq!(counts(&["--order", "any"]), [638, 436, 265, 150]);
    assert_eq!(counts(&["--exclude", "refund"]), [638, 436, 264, 148]);
}

#[test]
fn svg_chart_is_written() {
    let out = std::env::temp_dir().join(format!("hireloop-funnel-{}.svg", std::process::id()));
    let r = run(&[
        "--steps",
        "visit,signup",
        "--svg",
        out.to_str().unwrap(),
        EVENTS,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("2. signup"));
    assert!(svg.contains("436 users"));
    let _ = std::fs::remove_file(out);
}

#[test]
fn bad_input_exits_1_with_what_and_where() {
    let missing = temp_file("missing.csv", "user,event,timestamp\n1,a,1\n");
    let ragged = temp_file("ragged.csv", "user_id,event,timestamp\n1,a,1\n2,a\n");
    let bad_time = temp_file("time.csv", "user_id,event,timestamp\n1,a,1\n2,a,noon\n");
    let empty = temp_file("empty.csv", "");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--steps", "a", missing.to_str().unwrap()],
            "no column `user_id` in the header (columns: user, event, timestamp)".into(),
        ),
        (
            vec!["--steps", "a", ragged.to_str().unwrap()],
            "ragged.csv: line 3: 2 fields where the header has 3".into(),
        ),
        (
            vec!["--steps", "a", bad_time.to_str().unwrap()],
            "time.csv: line 3, column 5: malformed timestamp `noon` in `timestamp`".into(),
        ),
        (
            vec!["--steps", "a", empty.to_str().unwrap()],
            "empty.csv: the file is empty".into(),
        ),
        (
            vec!["--steps", "visit,checkout,pay", EVENTS],
            "steps never occur in the file: `checkout`, `pay`".into(),
        ),
        (
            vec!["--steps", "visit", "--breakdown", "country", EVENTS],
            "no column `country`".into(),
        ),
        (
            vec!["--steps", "visit", "--window", "soon", EVENTS],
            "--window \"soon\" is not a duration".into(),
        ),
        (
            vec!["--steps", "visit", "no-such-file.csv"],
            "cannot read no-such-file.csv".into(),
        ),
    ];
    for (args, want) in cases {
        let r = run(&args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(&want),
            "{args:?}: got {:?}, want {want:?}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
}
