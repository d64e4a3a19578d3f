//! `hireloop coach` as a user runs it: the 13 required questions with a strong, a weak and a trap
//! answer each (from the calibration set), in both formats; custom questions; bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File {
    answers: Vec<Answer>,
}

#[derive(Deserialize, Clone)]
struct Answer {
    id: String,
    question: String,
    grade: f64,
    #[serde(default)]
    trap: Option<String>,
    text: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn coach(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hireloop"))
        .arg("coach")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

fn grade(question: &str, answer: &str) -> Value {
    let out = coach(&["--question", question, "--format", "json", "-"], answer);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn calibration() -> Vec<Answer> {
    let dir = root().join("crates/hireloop-coach/tests/calibration");
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let f: File = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        all.extend(f.answers);
    }
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

/// Every evidence span points at exactly the text it quotes.
fn check_evidence(g: &Value, answer: &str) {
    for d in g["dimensions"].as_array().unwrap() {
        for e in d["evidence"].as_array().unwrap() {
            let (s, t) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                &answer.as_bytes()[s..t],
                e["text"].as_str().unwrap().as_bytes(),
                "evidence offsets of {}",
                d["id"]
            );
        }
    }
}

#[test]
fn required_questions_grade_strong_weak_and_trap_answers_as_expected() {
    let all = calibration();
    let questions: std::collections::BTreeSet<&str> =
        all.iter().map(|a| a.question.as_str()).collect();
    assert_eq!(questions.len(), 13);
    for q in questions {
        let mine: Vec<&Answer> = all.iter().filter(|a| a.question == q).collect();
        let strong = mine
            .iter()
            .filter(|a| a.trap.is_none())
            .max_by(|a, b| a.grade.total_cmp(&b.grade))
            .unwrap();
        let weak = mine
            .iter()
            .filter(|a| a.trap.is_none())
            .min_by(|a, b| a.grade.total_cmp(&b.grade))
            .unwrap();
        let trap = mine
            .iter()
            .find(|a| a.trap.is_some())
            .unwrap_or_else(|| panic!("{q} has no trap answer"));
        let gs = grade(q, &strong.text);
        let gw = grade(q, &weak.text);
        let gt = grade(q, &trap.text);
        for (g, a) in [(&gs, strong), (&gw, weak), (&gt, trap)] {
            assert_eq!(g["question"], q);
            check_evidence(g, &a.text);
        }
        let (s, w, t) = (
            gs["overall"].as_f64().unwrap(),
            gw["overall"].as_f64().unwrap(),
            gt["overall"].as_f64().unwrap(),
        );
        assert!(s >= 3.0, "{q}: strong answer {} scored {s}", strong.id);
        assert!(
            matches!(gs["recommendation"].as_str(), Some("yes" | "strong_yes")),
            "{q}: {}",
            gs["recommendation"]
        );
        assert!(w <= 2.0, "{q}: weak answer {} scored {w}", weak.id);
        assert!(t <= 2.0, "{q}: trap {} scored {t}", trap.id);
        assert!(
            !gt["mistakes"].as_array().unwrap().is_empty(),
            "{q}: trap {} names no mistake",
            trap.id
        );
        let text = coach(&["--question", q, "-"], &strong.text);
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(
            text.starts_with(q) && text.contains("Overall") && text.contains("⟦"),
            "{q}: text report"
        );
    }
}

#[test]
fn custom_questions_use_the_family_rubric() {
    let answer = "I would build a pet-care channel inside Taobao in three steps. First, bring pet clinics and pet-food brands on as merchants, because supply and trust come first. Second, put the entry point in search results when the query is about pets, and let users pay with Alipay, with Cainiao delivering food subscriptions. Third, measure monthly active pet owners who bought twice; I expect repeat purchase to rise from 20% to 30% within a year, worth about 500 million CNY of GMV. The trade-off is clutter against growth, so my recommendation is to start in five cities.";
    let out = coach(
        &[
            "--family",
            "design",
            "--question-text",
            "How would you add a pet-care marketplace to Taobao?",
            "--format",
            "json",
            "-",
        ],
        answer,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let g: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(g["question"], "custom:design");
    assert!(g["overall"].as_f64().unwrap() >= 2.5, "{g}");
    assert!(
        g["coverage"]["hit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h == "taobao")
    );
}

#[test]
fn bad_input_is_refused_clearly() {
    let out = coach(&["--question", "ab/ctr-up-aov-dwn", "-"], "some answer");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `ab/ctr-up-aov-down`"));
    let out = coach(&["--question", "ab/ctr-up-aov-down", "-"], "   \n");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the answer is empty"));
    let out = coach(&["--family", "design", "-"], "x");
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses --family without --question-text"
    );
    let out = coach(
        &["--family", "desgn", "--question-text", "q?", "-"],
        "an answer",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no question family `desgn`"));
}
