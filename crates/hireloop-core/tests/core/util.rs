//! Helpers shared by the data-driven tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hireloop_core::content::Content;

/// The built-in content, loaded once.
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| match Content::builtin() {
        Ok(c) => c,
        Err(d) => panic!("built-in content has errors:\n{d}"),
    })
}

/// The folder of test data.
pub fn data(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(sub)
}

/// Input files of a data folder with an extension, sorted.
pub fn inputs(sub: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(data(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no .{ext} inputs in tests/data/{sub}");
    v
}

/// Compares `actual` with the golden file; rewrites it under `UPDATE_GOLDEN=1`. Returns a message
/// for a mismatch so that one run reports every failing case.
pub fn golden(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(path, actual).unwrap();
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
        "{} differs from the output at line {}:\n  expected: {:?}\n  actual:   {:?}\n(run with UPDATE_GOLDEN=1 to accept the new output)",
        path.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>")
    ))
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
