//! `hireloop spike` as a user runs it: outputs, overrides, charts and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_hireloop"))
        .args(args)
        .current_dir(root())
        .env_remove("HIRELOOP_CONTENT")
        .output()
        .unwrap();
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

/// Runs a command that must fail with exit code 1; returns its error output.
fn fails(args: &[&str]) -> String {
    let r = run(args);
    assert_eq!(
        r.code,
        1,
        "`hireloop {}` should fail with 1:\n{}{}",
        args.join(" "),
        r.stdout,
        r.stderr
    );
    assert!(
        r.stdout.is_empty(),
        "output despite the error: {}",
        r.stdout
    );
    r.stderr
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hireloop-spike-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn default_run_reads_like_a_report() {
    let out = ok(&["spike"]);
    for needle in [
        "10x spike — seed 3",
        "600 orders/s, 6,000/s from 10 s to 30 s (10x)",
        "100 servers x 10 orders/s = 1,000 orders/s",
        "Clients give up after waiting 2 s.",
        "priority-shed",
        "high-value",
        "low-value",
        "wait p99",
        "value kept",
        "Servers were busy",
        "Queueing theory",
        "grows by 5,000 orders every second",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    // The built-in scenario is the example file.
    assert_eq!(out, ok(&["spike", "--scenario", "examples/spike-10x.toml"]));
}

#[test]
fn json_accounts_for_every_order_and_is_reproducible() {
    let v = json(&["spike", "--format", "json"]);
    for c in v["classes"].as_array().unwrap() {
        let n = |k: &str| c[k].as_u64().unwrap();
        assert_eq!(n("arrivals"), n("served") + n("shed") + n("abandoned"));
    }
    assert_eq!(v["scenario"]["policy"]["kind"], "priority-shed");
    assert_eq!(v["scenario"]["seed"], 3);
    let a = ok(&["spike", "--format", "json", "--seed", "9"]);
    let b = ok(&["spike", "--format", "json", "--seed", "9"]);
    assert_eq!(a, b);
    assert_ne!(a, ok(&["spike", "--format", "json", "--seed", "10"]));
}

#[test]
fn flags_override_the_scenario() {
    let v = json(&[
        "spike",
        "--format",
        "json",
        "--policy",
        "fifo",
        "--spike-multiple",
        "36",
        "--spike-length",
        "5",
        "--servers",
        "200",
        "--service-rate",
        "5",
        "--base-rate",
        "500",
        "--patience",
        "1.5",
    ]);
    let s = &v["scenario"];
    assert_eq!(s["policy"]["kind"], "fifo");
    // The file's limit belonged to priority-shed.
    assert!(s["policy"]["queue_limit"].is_null());
    assert_eq!(s["arrivals"]["spike_multiple"], 36.0);
    assert_eq!(s["arrivals"]["spike_length"], 5.0);
    assert_eq!(s["arrivals"]["base_rate"], 500.0);
    assert_eq!(s["service"]["servers"], 200);
    assert_eq!(s["service"]["rate"], 5.0);
    assert_eq!(s["abandonment"]["patience"], 1.5);
    assert_eq!(v["classes"][0]["shed"], 0);
    let v = json(&["spike", "--format", "json", "--queue-limit", "50"]);
    assert_eq!(v["scenario"]["policy"]["queue_limit"], 50);
    assert!(v["total"]["peak_queue"].as_u64().unwrap() < 100);
}

#[test]
fn compare_runs_the_three_policies_on_the_same_orders() {
    let v = json(&["spike", "--compare", "--format", "json"]);
    let runs = v["runs"].as_array().unwrap();
    let kinds: Vec<&str> = runs
        .iter()
        .map(|r| r["scenario"]["policy"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["fifo", "priority", "priority-shed"]);
    let arrivals: Vec<&Value> = runs.iter().map(|r| &r["total"]["arrivals"]).collect();
    assert!(arrivals.windows(2).all(|w| w[0] == w[1]));
    let text = ok(&["spike", "--compare"]);
    assert!(
        text.contains("The three policies on the same orders"),
        "{text}"
    );
    // --compare and --policy contradict each other: a wrong command line.
    let r = run(&["spike", "--compare", "--policy", "fifo"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

#[test]
fn svg_chart_shows_waits_per_class() {
    let path = temp("spike.svg");
    ok(&["spike", "--svg", path.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    assert!(svg.contains("high-value") && svg.contains("low-value"));
    assert!(svg.contains("wait so far (s)"));
    let path = temp("compare.svg");
    ok(&["spike", "--compare", "--svg", path.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("priority-shed: low-value"));
}

#[test]
fn bad_scenarios_name_the_field_and_its_place() {
    let path = temp("bad.toml");
    std::fs::write(
        &path,
        "[arrivals]\nbase_rate = -5\nhorizon = 60\n\n[service]\nservers = 10\nrate = 1\n\n\
         [[classes]]\nname = \"a\"\nshare = 0.5\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let err = fails(&["spike", "--scenario", p]);
    assert!(
        err.contains(&format!(
            "{p}:2:13: error: arrivals.base_rate: must be zero or more (got -5)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{p}:11:9: error: classes[0].share: the shares of the classes must sum to 1"
        )),
        "{err}"
    );
    // A value from the command line is named by its flag.
    let err = fails(&["spike", "--spike-multiple", "-3"]);
    assert!(
        err.contains(
            "error: arrivals.spike_multiple (set by --spike-multiple): must be zero or more (got -3)"
        ),
        "{err}"
    );
    let err = fails(&["spike", "--servers", "0"]);
    assert!(
        err.contains("service.servers (set by --servers): must be at least 1"),
        "{err}"
    );
    let err = fails(&[
        "spike",
        "--scenario",
        "crates/hireloop-stats/tests/data/spike/invalid/nothing-to-shed.toml",
    ]);
    assert!(
        err.contains("nothing-to-shed.toml:11:8: error: policy.kind"),
        "{err}"
    );
    let err = fails(&["spike", "--scenario", "no/such/file.toml"]);
    assert!(err.contains("cannot read no/such/file.toml"), "{err}");
    std::fs::write(&path, "[arrivals\n").unwrap();
    let err = fails(&["spike", "--scenario", p]);
    assert!(err.contains(&format!("{p}:1:")), "{err}");
    // A wrong flag value is a wrong command line: exit code 2.
    assert_eq!(run(&["spike", "--policy", "lifo"]).code, 2);
}
