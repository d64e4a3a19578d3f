//! Benchmarks of the core's hot paths: loading the content (every CLI start does it), resolving
//! plans, checking a pipeline file, and deciding. Run with `cargo bench -p hireloop-core`.
//!
//! The shared harness (`hireloop-bench`): after a warm-up, each case runs in batches for about a second and
//! the median time per iteration is reported with the spread between the 10th and 90th batch.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use hireloop_bench::bench;

use hireloop_core::content::{Content, builtin_files};
use hireloop_core::decision::{DecisionInput, decide};
use hireloop_core::pipeline::Profile;
use hireloop_core::{Level, SourceFile};

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
