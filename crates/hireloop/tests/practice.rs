//! `hireloop practice` as a candidate runs it: the real binary on an SQLite file, the password
//! in the environment (or on the first line), answers piped in line by line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

const PASSWORD: &str = "correct horse";

/// A resume that shows ownership, impact, scale and product experience.
const RESUME: &str = "\
Senior product manager, Example Retail, 2019-2024.
I owned the checkout redesign and led 12 engineers and 2 designers.
Grew conversion from 3.1% to 4.0% in six months, adding 120 million yuan of GMV for 50 million monthly users.

Launched a merchant coupon tool now used by 200,000 merchants.
";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "hireloop-practice-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `hireloop practice --db DB ARGS` with `stdin` piped in.
fn practice(db: &Path, password: Option<&str>, args: &[&str], stdin: &str) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hireloop"));
    cmd.arg("practice")
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(db.parent().unwrap())
        .env_remove("HIRELOOP_CONTENT")
        .env_remove("HIRELOOP_DB")
        .env_remove("HIRELOOP_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = password {
        cmd.env("HIRELOOP_PASSWORD", p);
    }
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_owned();
    // Written from a thread so a long output cannot block the write.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "`hireloop practice {}` panicked:\n{}",
        args.join(" "),
        r.stderr
    );
    r
}

fn ok(db: &Path, args: &[&str], stdin: &str) -> String {
    let r = practice(db, Some(PASSWORD), args, stdin);
    assert_eq!(
        r.code,
        0,
        "`hireloop practice {}` failed:\nstdout:\n{}\nstderr:\n{}",
        args.join(" "),
        r.stdout,
        r.stderr
    );
    r.stdout
}

fn contains_all(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "missing {n:?} in:\n{haystack}");
    }
}

/// The loops of an account, as `--list --format json` gives them.
fn loops(db: &Path, email: &str) -> Vec<Value> {
    let out = ok(db, &["--email", email, "--list", "--format", "json"], "");
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_new_account_answers_the_first_items_and_gets_feedback_list_and_report() {
    let dir = temp_dir("first");
    let db = dir.join("hl.db");
    let email = "ann@example.com";
    // Seed 1 draws a multiple-choice item first in the online assessment; its key is D.
    let stdin = format!("{RESUME}.\n3\nD\n");
    let out = ok(
        &db,
        &["--email", email, "--name", "Ann", "--seed", "1"],
        &stdin,
    );
    contains_all(
        &out,
        &[
            "Created the account ann@example.com",
            "Stage 1 of 6 · Resume screening",
            "The clock starts now: 15 min",
            "[1/",
            "Paste the text of your resume",
            "How would you rate this answer 1-4? (Enter to skip)",
            "Feedback on Resume",
            "Screening: advance",
            "By dimension",
            "Quantified impact",
            "Stage 2 of 6 · Online assessment",
            "    A. ",
            "Your choice (A-D):",
            "✓ Correct: D.",
            "Model outline",
            "Follow-up probes",
            "Stopped.",
            "--loop ",
        ],
    );

    let list = loops(&db, email);
    assert_eq!(list.len(), 1, "{list:?}");
    let id = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list[0]["status"], "running");
    assert_eq!(list[0]["answered"], 2);
    assert_eq!(list[0]["setup"]["seed"], 1);
    let text = ok(&db, &["--email", email, "--list"], "");
    contains_all(&text, &[&id, "running", "2/", "P6 china en"]);

    // The report of the running loop is partial; nothing is finished by looking at it.
    let r = practice(
        &db,
        Some(PASSWORD),
        &["--email", email, "--report", &id, "--format", "json"],
        "",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["partial"], true);
    assert_eq!(report["totals"]["answered"], 2);
    let stages = report["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 6);
    assert_eq!(stages[0]["outcome"], "passed");
    assert!(stages.iter().any(|s| s["hard_gate"] == true), "{stages:?}");
    assert!(r.stderr.contains("still running"), "{}", r.stderr);
    let text = ok(&db, &["--email", email, "--report", &id], "");
    contains_all(
        &text,
        &["Partial", "Stages and gates", "✓ Resume screening"],
    );
    let md = ok(
        &db,
        &["--email", email, "--report", &id, "--format", "markdown"],
        "",
    );
    assert!(md.starts_with("# Practice loop report"), "{md}");

    // Resuming continues at the third item, in the round whose clock is already running.
    let out = ok(&db, &["--email", email], "");
    contains_all(&out, &["[3/", "left of 1 h 00 min"]);
    assert!(!out.contains("[1/"), "{out}");
}

#[test]
fn save_then_resume_shows_the_draft_at_the_same_item() {
    let dir = temp_dir("save");
    let db = dir.join("hl.db");
    let email = "bo@example.com";
    let out = ok(
        &db,
        &["--email", email, "--name", "Bo", "--seed", "2"],
        "I owned the checkout redesign.\n\nGrew conversion from 3% to 4%.\n:save\n",
    );
    contains_all(&out, &["[1/", "Draft saved.", "Stopped."]);

    // Same item, the draft shown; `.` alone submits it as it is.
    let out = ok(&db, &["--email", email], ".\n\n");
    contains_all(
        &out,
        &[
            "[1/",
            "Your draft (",
            "│ I owned the checkout redesign.",
            "│ Grew conversion from 3% to 4%.",
            "Feedback on Resume",
        ],
    );
    let list = loops(&db, email);
    assert_eq!(list.len(), 1, "a resumed loop is not a new one: {list:?}");
    assert_eq!(list[0]["answered"], 1);
}

#[test]
fn end_of_input_mid_answer_keeps_the_draft_and_a_wrong_password_is_refused() {
    let dir = temp_dir("eof");
    let db = dir.join("hl.db");
    let email = "cy@example.com";
    // No blank line and no final line break: only the end of input saves it.
    let r = practice(
        &db,
        Some(PASSWORD),
        &["--email", email, "--name", "Cy"],
        "first line of my resume\nsecond line, cut off",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    contains_all(&r.stdout, &["saved as a draft", "Continue here with"]);

    // The password on the first line of a pipe, as when typed.
    let r = practice(&db, None, &["--email", email], &format!("{PASSWORD}\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    contains_all(
        &r.stdout,
        &["│ first line of my resume", "│ second line, cut off"],
    );
    assert!(
        r.stderr.contains("Password for cy@example.com"),
        "{}",
        r.stderr
    );

    let r = practice(
        &db,
        Some("not the password"),
        &["--email", email, "--list"],
        "",
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("wrong password for cy@example.com"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn bad_setups_and_unknown_accounts_are_refused_with_what_to_do() {
    let dir = temp_dir("bad");
    let db = dir.join("hl.db");
    let r = practice(
        &db,
        Some(PASSWORD),
        &[
            "--email",
            "di@example.com",
            "--name",
            "Di",
            "--level",
            "P99",
        ],
        "",
    );
    assert_eq!(r.code, 1);
    contains_all(
        &r.stderr,
        &["--level", "P99", "the choices are P5, P6", "P10"],
    );
    assert!(!db.exists(), "a refused setup creates nothing");

    let r = practice(&db, Some(PASSWORD), &["--email", "nobody@example.com"], "");
    assert_eq!(r.code, 1);
    contains_all(&r.stderr, &["no account", "--name"]);

    let r = practice(
        &db,
        Some("short"),
        &["--email", "di@example.com", "--name", "Di"],
        "",
    );
    assert_eq!(r.code, 1);
    contains_all(&r.stderr, &["at least 8 characters"]);
}
