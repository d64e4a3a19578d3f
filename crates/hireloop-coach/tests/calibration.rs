//! The coach against the calibration set: reference answers graded by people.
//!
//! Prints every answer's reference grade beside the coach's, the Spearman correlation (it must be
//! at least 0.8), and fails when a trap scores above 2.0 or a grade is not byte-for-byte
//! reproducible. A plain `main` rather than the test harness, so the figures are always printed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use std::process::ExitCode;

use hireloop_coach::Coach;
use hireloop_core::Content;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    answers: Vec<Answer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    id: String,
    question: String,
    language: String,
    grade: f64,
    traits: Vec<String>,
    #[serde(default)]
    trap: Option<String>,
    text: String,
}

/// Ranks with ties sharing their mean rank.
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|a, b| xs[*a].total_cmp(&xs[*b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for k in &idx[i..=j] {
            r[*k] = mean;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation: Pearson's on the ranks.
fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va.sqrt() * vb.sqrt())
}

fn main() -> ExitCode {
    let content = Content::builtin().expect("built-in content");
    let coach = Coach::new(&content);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calibration");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let mut answers = Vec::new();
    for p in &paths {
        let file: File = toml::from_str(&std::fs::read_to_string(p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        answers.extend(file.answers);
    }
    let mut failures = Vec::new();
    let (mut human, mut machine) = (Vec::new(), Vec::new());
    println!(
        "{:<44} {:>5} {:>6}  {:<4} {:<16} mistakes",
        "answer", "grade", "coach", "lang", "trap"
    );
    for a in &answers {
        let g = coach
            .grade_question(&a.question, &a.text)
            .unwrap_or_else(|e| panic!("{}: {e}", a.id));
        let again = coach.grade_question(&a.question, &a.text).unwrap();
        if serde_json::to_string(&g).unwrap() != serde_json::to_string(&again).unwrap() {
            failures.push(format!("{}: grading twice gave different JSON", a.id));
        }
        let lang = serde_json::to_value(g.language).unwrap();
        if lang.as_str() != Some(a.language.as_str()) {
            failures.push(format!(
                "{}: language detected as {lang}, labelled {}",
                a.id, a.language
            ));
        }
        if let Some(trap) = &a.trap
            && g.overall > 2.0
        {
            failures.push(format!(
                "{}: trap `{trap}` scored {:.2} (> 2.0)",
                a.id, g.overall
            ));
        }
        if a.traits.is_empty() {
            failures.push(format!("{}: no traits recorded", a.id));
        }
        println!(
            "{:<44} {:>5.1} {:>6.2}  {:<4} {:<16} {}",
            a.id,
            a.grade,
            g.overall,
            a.language,
            a.trap.as_deref().unwrap_or(""),
            g.mistakes.join(",")
        );
        human.push(a.grade);
        machine.push(g.overall);
    }
    let rho = spearman(&human, &machine);
    let traps = answers.iter().filter(|a| a.trap.is_some()).count();
    let zh = answers.iter().filter(|a| a.language == "zh").count();
    println!(
        "\n{} answers ({zh} in Chinese, {traps} traps) over {} questions",
        answers.len(),
        answers
            .iter()
            .map(|a| a.question.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    println!(
        "Spearman correlation between the coach and the reference grades: {rho:.3} (required ≥ 0.80)"
    );
    if answers.len() < 60 {
        failures.push(format!(
            "the calibration set has {} answers; it needs at least 60",
            answers.len()
        ));
    }
    if rho < 0.8 {
        failures.push(format!("Spearman {rho:.3} is below 0.80"));
    }
    if failures.is_empty() {
        println!("calibration: ok");
        ExitCode::SUCCESS
    } else {
        for f in &failures {
            println!("FAIL {f}");
        }
        ExitCode::FAILURE
    }
}
