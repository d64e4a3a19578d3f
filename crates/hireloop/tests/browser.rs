//! Headless Chromium against the real server. Each script in `tests/browser/` (playwright-core)
//! drives one journey:
//! - `practice.mjs`: a candidate practises the loop (sign up, answer, feedback, draft survives a
//!   reload);
//! - `hiring.mjs`: a hiring team takes one candidate from application to decision through every
//!   stage, each person signed in as themselves, the candidate taking the online assessment
//!   through the signed link.
//!
//! They need Debian's `chromium` and `npm ci --prefix crates/hireloop/tests/browser`; `.ci/run`
//! installs both and sets `HIRELOOP_REQUIRE_BROWSER=1`, so there a missing browser is a failure.
//! Elsewhere the tests say what is missing and pass. `HIRELOOP_SHOTS=DIR` keeps a screenshot of
//! every page visited.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[test]
fn a_candidate_practises_in_the_browser() {
    run_script("practice.mjs");
}

#[test]
fn a_team_hires_through_every_stage_in_the_browser() {
    run_script("hiring.mjs");
}

/// The browser scripts' folder, if everything they need is here; otherwise says what is missing
/// (and fails when the browser is required).
fn ready() -> Option<(PathBuf, String)> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let missing: Vec<&str> = [
        (!Path::new(&chromium).exists()).then_some("chromium (apt-get install chromium)"),
        (!here.join("node_modules/playwright-core").exists())
            .then_some("playwright-core (npm ci --prefix crates/hireloop/tests/browser)"),
        Command::new("node")
            .arg("--version")
            .output()
            .is_err()
            .then_some("node"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Some((here, chromium));
    }
    let message = format!("browser test needs: {}", missing.join(", "));
    if std::env::var("HIRELOOP_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("{message}");
    }
    eprintln!("skipped: {message}");
    None
}

/// Starts a server on a fresh database, runs `script` against it and expects it to pass.
fn run_script(script: &str) {
    let Some((here, chromium)) = ready() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("browser.db").display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_hireloop"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &db])
        .env("HIRELOOP_LOG", "warn")
        // As a newcomer runs it: no link secret given, the installation's own signs the links.
        .env_remove("HIRELOOP_LINK_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_owned();

    let mut node = Command::new("node");
    node.arg(here.join(script)).arg(&base);
    if let Ok(shots) = std::env::var("HIRELOOP_SHOTS") {
        node.arg(shots);
    }
    let out = node.env("CHROMIUM", &chromium).output().unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("browser test passed"),
        "{script} failed:\n{stdout}\n{stderr}"
    );
}
