//! Benchmarks of the coach: grading a 300-word English answer and a Chinese answer of similar
//! length, single-threaded. Run with `cargo bench -p hireloop-coach --bench coach`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use hireloop_coach::Coach;
use hireloop_core::Content;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    answers: Vec<Answer>,
}

#[derive(Deserialize)]
struct Answer {
    question: String,
    language: String,
    text: String,
}

/// Median seconds per call over batches run for about a second.
fn median(mut f: impl FnMut()) -> (f64, f64, f64) {
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed() < Duration::from_millis(300) {
        f();
        n += 1;
    }
    let batch = ((0.01 / (t.elapsed().as_secs_f64() / n as f64)).ceil() as u64).max(1);
    let mut samples = Vec::new();
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(2) || samples.len() < 10 {
        let s = Instant::now();
        for _ in 0..batch {
            f();
        }
        samples.push(s.elapsed().as_secs_f64() / batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    let q = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    (q(0.5), q(0.1), q(0.9))
}

fn main() {
    let content = Content::builtin().unwrap();
    let t = Instant::now();
    let coach = Coach::new(&content);
    let build = t.elapsed();
    let t = Instant::now();
    let _ = hireloop_coach::text::jieba();
    let dict = t.elapsed();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/calibration/design-taobao-digital-health.toml"
    ))
    .unwrap();
    let file: File = toml::from_str(&text).unwrap();
    let pick = |lang: &str| {
        file.answers
            .iter()
            .filter(|a| a.language == lang)
            .max_by_key(|a| a.text.len())
            .unwrap()
    };
    let (en, zh) = (pick("en"), pick("zh"));
    let words = en.text.split_whitespace().count();
    println!(
        "coach benchmarks: compiling the lexicons {:.1} ms; loading the Chinese dictionary {:.0} ms (once per process)",
        build.as_secs_f64() * 1e3,
        dict.as_secs_f64() * 1e3
    );
    let (m, lo, hi) = median(|| {
        black_box(
            coach
                .grade_question(&en.question, black_box(&en.text))
                .unwrap(),
        );
    });
    println!(
        "grade an English answer ({words} words)      median {:>8.1} µs  p10 {:>8.1}  p90 {:>8.1}  → {:.0} answers/s on one core",
        m * 1e6,
        lo * 1e6,
        hi * 1e6,
        1.0 / m
    );
    let (mz, loz, hiz) = median(|| {
        black_box(
            coach
                .grade_question(&zh.question, black_box(&zh.text))
                .unwrap(),
        );
    });
    println!(
        "grade a Chinese answer ({} characters)  median {:>8.1} µs  p10 {:>8.1}  p90 {:>8.1}  → {:.1}x the English time",
        zh.text.chars().count(),
        mz * 1e6,
        loz * 1e6,
        hiz * 1e6,
        mz / m
    );
    let (mj, _, _) = median(|| {
        black_box(
            serde_json::to_string(&coach.grade_question(&en.question, &en.text).unwrap()).unwrap(),
        );
    });
    println!(
        "grade + JSON (English)                    median {:>8.1} µs",
        mj * 1e6
    );
}
