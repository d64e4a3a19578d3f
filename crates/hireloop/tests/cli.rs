//! The `hireloop` binary as a user runs it: exit codes, messages and outputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hireloop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hireloop"))
        .args(args)
        .current_dir(root())
        .env_remove("HIRELOOP_CONTENT")
        .output()
        .unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let o = hireloop(args);
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
    serde_json::from_str(&ok(args))
        .unwrap_or_else(|e| panic!("`hireloop {}` did not print JSON: {e}", args.join(" ")))
}

fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "hireloop-test-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_command_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["tour"],
        &["pipeline"],
        &["pipeline", "validate"],
        &["pipeline", "show"],
        &["pipeline", "list"],
        &["questions"],
        &["questions", "list"],
        &["questions", "show"],
        &["questions", "families"],
        &["levels"],
        &["rubric"],
        &["values"],
        &["mistakes"],
        &["checklist"],
        &["figures"],
        &["decide"],
        &["content"],
        &["content", "validate"],
        &["content", "export"],
    ];
    for c in commands {
        let mut args = c.to_vec();
        args.push("--help");
        let out = ok(&args);
        assert!(out.contains("Usage: hireloop"), "{c:?}: {out}");
    }
}

#[test]
fn validate_lists_every_problem_of_a_broken_pipeline() {
    let r = run(&[
        "pipeline",
        "validate",
        "crates/hireloop-core/tests/data/pipelines/broken.toml",
    ]);
    assert_eq!(r.code, 1);
    let file = "crates/hireloop-core/tests/data/pipelines/broken.toml";
    for (at, what) in [
        ("72:22", "invalid TOML"),
        ("23:8", "unknown stage kind `phone_screen`"),
        ("36:6", "duplicate stage id `screen`"),
        ("51:6", "duplicate round id `call`"),
        (
            "63:33",
            "names round `bar-raiser`, which is not a round of that stage",
        ),
        ("4:10", "level `P11` is outside P5–P10"),
        ("56:19", "level `P4` is outside P5–P10"),
        (
            "31:20",
            "`duration_minutes` in round `call` must be at least 1, found 0",
        ),
    ] {
        let line = r
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("{file}:{at}: error: ")))
            .unwrap_or_else(|| panic!("no error at {at}:\n{}", r.stderr));
        assert!(line.contains(what), "{line}");
    }
    assert!(r.stdout.contains("15 error(s)"), "{}", r.stdout);

    let j: Value =
        serde_json::from_str(&run(&["pipeline", "validate", "--format", "json", file]).stdout)
            .unwrap();
    assert_eq!(j["valid"], false);
    assert_eq!(j["errors"], 15);
    assert_eq!(j["diagnostics"][0]["line"], 4);
}

#[test]
fn builtin_pipeline_validates_clean() {
    let r = run(&["pipeline", "validate", "content/pipelines/alibaba-pm.toml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(r.stdout.contains("pipeline `alibaba-pm` is valid"));
}

#[test]
fn validate_reports_unreadable_files() {
    let r = run(&["pipeline", "validate", "no/such/file.toml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot read no/such/file.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn plans_differ_by_level_and_region() {
    let junior = json(&[
        "pipeline", "show", "--level", "P5", "--region", "china", "--format", "json",
    ]);
    let senior = json(&[
        "pipeline",
        "show",
        "--level",
        "P8",
        "--region",
        "international",
        "--format",
        "json",
    ]);
    let stage_ids = |p: &Value| {
        p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(stage_ids(&junior).contains(&"online-assessment".to_string()));
    assert!(!stage_ids(&senior).contains(&"online-assessment".to_string()));
    let product_rounds = |p: &Value| {
        p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "product_round")
            .unwrap()["rounds"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!((product_rounds(&junior), product_rounds(&senior)), (2, 3));
    assert_eq!(junior["languages"][0]["language"], "zh");
    assert_eq!(junior["languages"][0]["required"], true);
    assert_eq!(senior["languages"][0]["language"], "en");
    let veto = |p: &Value| {
        p["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["gate"]["kind"] == "veto")
            .unwrap()["gate"]
            .clone()
    };
    assert_eq!(veto(&junior)["holder"], "bar_raiser");
    assert_eq!(veto(&junior)["holder_title"], "Senior Director");
    assert_eq!(veto(&senior)["holder_title"], "Vice President");
}

#[test]
fn pipeline_show_renders_text_and_mermaid() {
    let text = ok(&["pipeline", "show", "--level", "P7"]);
    assert!(
        text.contains("plan for P7, Mainland China")
            && text.contains("VETO held by bar_raiser (Senior Director)"),
        "{text}"
    );
    let mermaid = ok(&["pipeline", "show", "--format", "mermaid"]);
    assert!(
        mermaid.starts_with("flowchart TD\n") && mermaid.contains("-. \"veto\" .-> reject"),
        "{mermaid}"
    );
    let r = run(&["pipeline", "show", "--level", "P11"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("P11") && r.stderr.contains("outside P5–P10"),
        "{}",
        r.stderr
    );
    let r = run(&["pipeline", "show", "--region", "mars"]);
    assert!(
        r.code == 1 && r.stderr.contains("no region `mars`"),
        "{}",
        r.stderr
    );
}

#[test]
fn required_questions_show_in_full() {
    for id in [
        "design/taobao-digital-health",
        "scale/latency-vs-conversion",
        "competitive/aliexpress-vs-amazon-europe",
        "optimize/rural-elderly-checkout",
        "metrics/cloud-north-star",
        "guesstimate/tmall-1111-category-volume",
        "ab/ctr-up-aov-down",
        "funnel/impression-to-purchase",
        "values/embrace-change",
        "values/customer-first",
        "values/ownership",
        "values/simplicity",
        "case/singles-day-feature",
    ] {
        let q = json(&["questions", "show", id, "--format", "json"]);
        assert_eq!(q["id"], id);
        assert!(q["concepts"].as_array().unwrap().len() >= 3, "{id}");
        assert!(
            !q["concepts"][0]["zh"].as_array().unwrap().is_empty(),
            "{id}"
        );
        assert!(q["rubric"].as_array().unwrap().len() >= 2, "{id}");
        assert!(q["outline"].as_array().unwrap().len() >= 4, "{id}");
        let text = ok(&["questions", "show", id]);
        assert!(
            text.contains("Model answer outline")
                && text.contains("Concepts a strong answer covers"),
            "{id}"
        );
    }
}

#[test]
fn question_listing_and_filters() {
    let all = json(&["questions", "list", "--format", "json"]);
    assert!(all.as_array().unwrap().len() >= 80);
    let guess = json(&[
        "questions",
        "list",
        "--family",
        "guesstimate",
        "--format",
        "json",
    ]);
    assert!(!guess.as_array().unwrap().is_empty());
    assert!(
        guess
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["family"] == "guesstimate")
    );
    let oa = json(&[
        "questions",
        "list",
        "--stage",
        "online_assessment",
        "--format",
        "json",
    ]);
    assert!(oa.as_array().unwrap().iter().all(|q| {
        q["stages"]
            .as_array()
            .unwrap()
            .contains(&Value::from("online_assessment"))
    }));
    let r = run(&["questions", "list", "--family", "guesstimates"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("did you mean `guesstimate`"),
        "{}",
        r.stderr
    );
    let r = run(&["questions", "show", "ab/ctr-up-aov-dwn"]);
    assert!(
        r.code == 1 && r.stderr.contains("did you mean `ab/ctr-up-aov-down`"),
        "{}",
        r.stderr
    );
}

#[test]
fn reference_commands_print_json() {
    assert_eq!(
        json(&["levels", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        json(&["rubric", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        14
    );
    assert_eq!(
        json(&["values", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        json(&["mistakes", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        12
    );
    assert!(
        !json(&["checklist", "--format", "json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !json(&["figures", "--format", "json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        json(&["questions", "families", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        13
    );
    let levels = ok(&["levels"]);
    assert!(
        levels.contains("CNY 300,000 – 600,000") && levels.contains("CNY 600,000 – 1,200,000"),
        "{levels}"
    );
}

#[test]
fn decide_applies_the_veto() {
    let r = json(&["decide", "examples/decide-veto.json", "--format", "json"]);
    assert_eq!(r["decision"], "reject");
    assert_eq!(r["veto"]["round"], "bar-raiser");
    assert!(
        r["trace"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["rule"] == "gate.veto.fail")
    );
    let text = ok(&["decide", "examples/decide-veto.json"]);
    assert!(
        text.starts_with("Decision: REJECT") && text.contains("VETO"),
        "{text}"
    );
    assert_eq!(
        json(&["decide", "examples/decide-hire.json", "--format", "json"])["decision"],
        "hire"
    );
    let o = json(&[
        "decide",
        "examples/decide-override.json",
        "--format",
        "json",
    ]);
    assert_eq!(o["decision"], "hire");
    assert_eq!(o["override"]["overturns_veto"], true);
}

#[test]
fn decide_refuses_bad_input_with_a_clear_message() {
    let dir = temp_dir("decide");
    let no_reason = dir.join("no-reason.json");
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/decide-veto.json")).unwrap(),
    )
    .unwrap();
    v["override"] = serde_json::json!({ "decision": "hire", "by": "hiring manager" });
    std::fs::write(&no_reason, v.to_string()).unwrap();
    let r = run(&["decide", no_reason.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("has no written reason") && r.stderr.contains("override.reason"),
        "{}",
        r.stderr
    );

    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\n  \"candidate\": { \"level\": \"P6\", \"region\": \"china\" },\n  \"evaluations\": [ { \"round\": 7 } ]\n}\n").unwrap();
    let r = run(&["decide", broken.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(&format!("{}:3:", broken.display())),
        "{}",
        r.stderr
    );

    let r = run(&[
        "decide",
        "crates/hireloop-core/tests/data/decisions/error-every-problem-listed.json",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("4 problem(s)") && r.stderr.contains("evaluations[8].round"),
        "{}",
        r.stderr
    );
}

#[test]
fn tour_runs_on_the_embedded_defaults() {
    let out = ok(&["tour"]);
    for part in [
        "The loop for a P6 candidate in China",
        "veto held by: Senior Director → Vice President",
        "Decision: REJECT",
        "Levels and pay bands",
    ] {
        assert!(out.contains(part), "missing `{part}`");
    }
}

#[test]
fn content_export_edit_and_validate() {
    let dir = temp_dir("content");
    let out = ok(&["content", "export", dir.to_str().unwrap()]);
    assert!(out.contains("wrote"), "{out}");
    let r = run(&["content", "export", dir.to_str().unwrap()]);
    assert_eq!(r.code, 1, "export refuses to overwrite");
    let clean = run(&["--content", dir.to_str().unwrap(), "content", "validate"]);
    assert_eq!(clean.code, 0, "{}", clean.stderr);
    assert!(
        clean
            .stdout
            .contains("content is valid: 0 error(s), 0 warning(s)"),
        "{}",
        clean.stdout
    );

    // Break one question file: a wrong weight and an unknown dimension.
    let ab = dir.join("questions/ab.toml");
    let text = std::fs::read_to_string(&ab).unwrap();
    let broken = text.replacen("[[questions]]", "[[questions]]\nsurprise = 1", 1);
    std::fs::write(&ab, broken).unwrap();
    let r = run(&["--content", dir.to_str().unwrap(), "content", "validate"]);
    assert_eq!(r.code, 1);
    let path = ab.display().to_string();
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with(&path) && l.contains("unknown key `surprise`")),
        "{}",
        r.stderr
    );

    // Commands that need the content refuse to run on broken content, saying why.
    let r = run(&["--content", dir.to_str().unwrap(), "questions", "list"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("the content has 1 error(s)"),
        "{}",
        r.stderr
    );
}

#[test]
fn overlay_replaces_one_file() {
    let dir = temp_dir("overlay");
    std::fs::create_dir_all(dir.join("pipelines")).unwrap();
    std::fs::copy(
        root().join("crates/hireloop-core/tests/data/pipelines/minimal.toml"),
        dir.join("pipelines/startup.toml"),
    )
    .unwrap();
    let list = json(&[
        "--content",
        dir.to_str().unwrap(),
        "pipeline",
        "list",
        "--format",
        "json",
    ]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alibaba-pm", "startup-pm"]);
    let plan = json(&[
        "--content",
        dir.to_str().unwrap(),
        "pipeline",
        "show",
        "--id",
        "startup-pm",
        "--format",
        "json",
    ]);
    assert_eq!(plan["stages"].as_array().unwrap().len(), 2);
}

#[test]
fn resume_screen_reports_each_bad_file_and_screens_the_rest() {
    for c in [&["resume", "--help"][..], &["resume", "screen", "--help"]] {
        assert!(ok(c).contains("Usage: hireloop"), "{c:?}");
    }
    let data = root().join("crates/hireloop-coach/tests/data/resumes");
    let dir = temp_dir("resumes");
    for f in [
        "corrupt.pdf",
        "empty.txt",
        "growth-pm.docx",
        "strong-pm.pdf",
    ] {
        std::fs::copy(data.join(f), dir.join(f)).unwrap();
    }
    // 50 MB, made here rather than committed; sparse, so it costs no disk.
    std::fs::File::create(dir.join("huge.pdf"))
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    let d = dir.to_str().unwrap();

    let r = run(&["resume", "screen", "--as-of", "2025-06", d]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(errors.len(), 3, "one line per bad file:\n{}", r.stderr);
    for (file, says) in [
        ("corrupt.pdf", "malformed PDF"),
        ("empty.txt", "the file is empty"),
        ("huge.pdf", "the file is huge"),
    ] {
        assert!(
            errors
                .iter()
                .any(|l| l.starts_with("error: ") && l.contains(file) && l.contains(says)),
            "{file}: {}",
            r.stderr
        );
    }
    assert!(r.stdout.contains("growth-pm.docx — DOCX"), "{}", r.stdout);
    assert!(r.stdout.contains("strong-pm.pdf — PDF"), "{}", r.stdout);
    assert!(r.stdout.contains("ADVANCE"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("5 file(s): 2 advance, 0 hold, 0 reject, 3 could not be screened"),
        "{}",
        r.stdout
    );

    let r = run(&[
        "resume", "screen", "--format", "json", "--as-of", "2025-06", d,
    ]);
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let entries = v.as_array().unwrap();
    assert_eq!(entries.len(), 5);
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let bad = ["corrupt.pdf", "empty.txt", "huge.pdf"]
            .iter()
            .any(|b| file.ends_with(b));
        if bad {
            assert!(e["error"].as_str().is_some_and(|s| !s.is_empty()), "{e}");
            assert_eq!(e.as_object().unwrap().len(), 2, "{e}");
        } else {
            assert_eq!(e["suggestion"], "advance", "{e}");
            let text = e["text"].as_str().unwrap();
            let first = &e["ownership"][0];
            let (s, t) = (
                first["start"].as_u64().unwrap() as usize,
                first["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..t], first["text"].as_str().unwrap());
        }
    }
}

#[test]
fn resume_screen_contains_hostile_files() {
    let data = root().join("crates/hireloop-coach/tests/data/resumes");
    let files: Vec<String> = [
        "no-media-box.pdf",
        "self-drawing-form.pdf",
        "parent-loop.pdf",
        "encrypted.pdf",
        "bomb.docx",
        "photo.txt",
        "chinese-pm.md",
    ]
    .iter()
    .map(|f| data.join(f).to_str().unwrap().to_string())
    .collect();
    let mut args = vec!["resume", "screen", "--as-of", "2025-06"];
    args.extend(files.iter().map(String::as_str));
    let r = run(&args);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.lines().count(), 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("encrypted (password-protected)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("decompression bomb"), "{}", r.stderr);
    assert!(r.stderr.contains("draws itself"), "{}", r.stderr);
    assert!(!r.stderr.contains("panic") && !r.stderr.contains("RUST_BACKTRACE"));
    assert!(
        r.stdout.contains("chinese-pm.md — Markdown, Chinese"),
        "{}",
        r.stdout
    );
    let missing = run(&["resume", "screen", "no/such/resume.pdf"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .starts_with("error: no/such/resume.pdf: cannot read it"),
        "{}",
        missing.stderr
    );
    let bad_date = run(&["resume", "screen", "--as-of", "June", "x.pdf"]);
    assert_eq!(bad_date.code, 2);
    assert!(bad_date.stderr.contains("YYYY-MM"), "{}", bad_date.stderr);
}
