//! Benchmarks of the core's hot paths: loading the content (every CLI start does it), resolving
//! plans, checking a pipeline file, and deciding. Run with `cargo bench -p hireloop-core`.
//!
//! A small harness of our own: after a warm-up, each case runs in batches for about a second and
//! the median time per iteration is reported with the spread between the 10th and 90th batch.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use hireloop_core::content::{Content, builtin_files};
use hireloop_core::decision::{DecisionInput, decide};
use hireloop_core::pipeline::Profile;
use hireloop_core::{Level, SourceFile};

fn bench<T>(name: &str, mut f: impl FnMut() -> T) {
    // Warm up and size the batch so one batch takes about 10 ms.
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_millis(200) {
        black_box(f());
        n += 1;
    }
    let per = start.elapsed().as_secs_f64() / n as f64;
    let batch = ((0.01 / per).ceil() as u64).max(1);
    let mut samples = Vec::new();
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(1) || samples.len() < 10 {
        let s = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        samples.push(s.elapsed().as_secs_f64() / batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    let q = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    println!(
        "{name:<44} median {:>10}   p10 {:>10}   p90 {:>10}   ({} batches of {batch})",
        fmt(q(0.5)),
        fmt(q(0.1)),
        fmt(q(0.9)),
        samples.len()
    );
}

fn fmt(secs: f64) -> String {
    if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else if secs >= 1e-6 {
        format!("{:.2} µs", secs * 1e6)
    } else {
        format!("{:.0} ns", secs * 1e9)
    }
}

fn main() {
    let files = builtin_files();
    let content = Content::load(&files).unwrap();
    let p = content.pipeline("alibaba-pm").unwrap().clone();
    let pipeline_src = files
        .iter()
        .find(|f| f.rel == "pipelines/alibaba-pm.toml")
        .unwrap()
        .source
        .clone();
    let broken = SourceFile::new(
        "broken.toml",
        include_str!("../tests/data/pipelines/broken.toml"),
    );
    let input: DecisionInput =
        serde_json::from_str(include_str!("../../../examples/decide-veto.json")).unwrap();
    let profiles: Vec<Profile> = Level::all()
        .flat_map(|level| {
            ["china", "international"].map(|r| Profile {
                level,
                region: r.into(),
            })
        })
        .collect();

    println!(
        "hireloop-core benchmarks ({} content files, {} questions)",
        files.len(),
        content.questions.len()
    );
    bench("content: load and check all built-in files", || {
        Content::load(&files).unwrap().questions.len()
    });
    bench("pipeline: read and check alibaba-pm", || {
        content.read_pipeline(&pipeline_src).0.is_some()
    });
    bench("pipeline: check broken.toml (15 errors)", || {
        content.read_pipeline(&broken).1.error_count()
    });
    bench("plan: resolve all 12 profiles", || {
        profiles
            .iter()
            .map(|pr| p.plan(pr).unwrap().stages.len())
            .sum::<usize>()
    });
    bench("decide: veto example (8 evaluations)", || {
        decide(&content, &p, &input).unwrap().trace.len()
    });
    bench("decide + JSON report", || {
        serde_json::to_string(&decide(&content, &p, &input).unwrap())
            .unwrap()
            .len()
    });
}
