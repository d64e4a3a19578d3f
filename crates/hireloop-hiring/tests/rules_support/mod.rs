//! Helpers shared by the tests of roles, scorecards, debriefs, offers and timelines.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hireloop_core::Content;
use hireloop_core::pipeline::{Pipeline, Plan, Profile};

/// The built-in content, loaded once per test binary.
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| match Content::builtin() {
        Ok(c) => c,
        Err(d) => panic!("built-in content has errors:\n{d}"),
    })
}

/// The built-in pipeline.
pub fn pipeline() -> &'static Pipeline {
    content()
        .pipeline("alibaba-pm")
        .expect("the built-in pipeline exists")
}

/// The built-in pipeline's plan for a level (`"P6"`) and region.
pub fn plan(level: &str, region: &str) -> Plan {
    pipeline()
        .plan(&Profile {
            level: level.parse().expect("a level"),
            region: region.to_string(),
        })
        .expect("the profile fits the pipeline")
}

/// The folder of this crate's test data for one module.
pub fn data(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

/// Input files of a data folder (`*.json` that are not `*.expected.json`), sorted.
pub fn inputs(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(data(sub))
        .expect("the data folder exists")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".json") && !name.ends_with(".expected.json")
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no inputs in tests/data/{sub}");
    v
}

/// The expected-output file next to an input.
pub fn expected_path(input: &Path) -> PathBuf {
    input.with_extension("expected.json")
}

/// Compares `actual` with the golden file; `UPDATE_GOLDEN=1` rewrites it for review. Returns a
/// message on mismatch so one run reports every failing case.
pub fn golden(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(path, actual).expect("the golden file is writable");
        return None;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{} differs at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_GOLDEN=1 accepts the new output)",
        path.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>")
    ))
}

/// Pretty JSON with a final newline.
pub fn pretty(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("serialisable");
    s.push('\n');
    s
}

/// Fails with every mismatch at once.
pub fn assert_all(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
