//! Calendar files: golden files (checked once with Python's `icalendar`, see
//! `tests/data/ics/check_with_icalendar.py`), escaping, folding, errors.
//!
//! `UPDATE_GOLDEN=1 cargo test -p hireloop-hiring --test ics` rewrites the `.ics` files; review
//! the diff and re-run the Python check before committing them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

use hireloop_hiring::ics::{
    IcsError, Interview, MAX_LINE_OCTETS, Producer, escape_text, fold, param_value, render, uid,
    unfold,
};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    producer: Producer,
    interview: Interview,
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ics")
}

fn load(name: &str) -> Case {
    let text = std::fs::read_to_string(data_dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

const CASES: [&str; 5] = ["basic", "rescheduled", "cancelled", "chinese", "escaping"];

#[test]
fn golden_files() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for name in CASES {
        let case = load(name);
        let got = render(&case.producer, &case.interview).unwrap();
        let path = data_dir().join(format!("{name}.ics"));
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            failures.push(format!("{name}.ics differs; got:\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_file_has_crlf_lines_of_at_most_75_octets() {
    for name in CASES {
        let case = load(name);
        let text = render(&case.producer, &case.interview).unwrap();
        assert!(text.ends_with("\r\n"));
        let body = text.strip_suffix("\r\n").unwrap();
        for line in body.split("\r\n") {
            assert!(
                !line.contains('\n') && !line.contains('\r'),
                "{name}: {line:?}"
            );
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{name}: {} octets",
                line.len()
            );
        }
    }
}

#[test]
fn the_uid_is_stable_across_reschedule_and_cancel() {
    let uids: Vec<String> = ["basic", "rescheduled", "cancelled"]
        .iter()
        .map(|n| {
            let case = load(n);
            let text = unfold(&render(&case.producer, &case.interview).unwrap());
            text.lines()
                .find_map(|l| l.strip_prefix("UID:"))
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(uids[0], "interview-iv-20261201-0042@hireloop.example.com");
    assert!(uids.iter().all(|u| *u == uids[0]));
}

#[test]
fn cancellation_changes_method_and_status() {
    let case = load("cancelled");
    let text = render(&case.producer, &case.interview).unwrap();
    assert!(text.contains("\r\nMETHOD:CANCEL\r\n"));
    assert!(text.contains("\r\nSTATUS:CANCELLED\r\n"));
    assert!(text.contains("\r\nSEQUENCE:3\r\n"));
    assert!(!text.contains("RSVP=TRUE"));
}

#[test]
fn text_is_escaped() {
    assert_eq!(escape_text("a\\b;c,d"), "a\\\\b\\;c\\,d");
    assert_eq!(
        escape_text("one\r\ntwo\nthree\rfour"),
        "one\\ntwo\\nthree\\nfour"
    );
    assert_eq!(escape_text("bell\u{7}\ttab"), "bell\ttab");
    assert_eq!(escape_text("面试，安排"), "面试，安排");
}

#[test]
fn parameter_values_are_quoted_when_needed() {
    assert_eq!(param_value("Jordan Avery"), "Jordan Avery");
    assert_eq!(param_value("Chen, Mei"), "\"Chen, Mei\"");
    assert_eq!(param_value("a;b"), "\"a;b\"");
    assert_eq!(param_value("mailto:x"), "\"mailto:x\"");
    assert_eq!(param_value("Sam \"S\" O^"), "Sam ^'S^' O^^");
    assert_eq!(param_value("李雷"), "李雷");
}

#[test]
fn folding_respects_octets_and_characters() {
    let short = "SUMMARY:short";
    assert_eq!(fold(short), short);
    let exact = "X".repeat(75);
    assert_eq!(fold(&exact), exact);
    let long = "X".repeat(76);
    assert_eq!(fold(&long), format!("{}\r\n X", "X".repeat(75)));
    // 25 three-octet characters fill 75 octets exactly; one more must move whole.
    let han = format!("D:{}", "面".repeat(30));
    let folded = fold(&han);
    let first = folded.split("\r\n").next().unwrap();
    assert_eq!(first.len(), 74); // "D:" + 24 × 3; a 25th would make 77
    assert_eq!(unfold(&folded), han);
}

#[test]
fn errors_name_the_field() {
    let mut case = load("basic");
    case.interview.end_ms = case.interview.start_ms;
    assert!(matches!(
        render(&case.producer, &case.interview),
        Err(IcsError::EndNotAfterStart { .. })
    ));

    let mut case = load("basic");
    case.interview.attendees[1].email = "mei chen@example.com".into();
    let err = render(&case.producer, &case.interview).unwrap_err();
    assert_eq!(
        err.to_string(),
        "attendee 2 has an unusable email address \"mei chen@example.com\""
    );

    let mut case = load("basic");
    case.interview.url = Some("javascript:alert(1)".into());
    assert!(matches!(
        render(&case.producer, &case.interview),
        Err(IcsError::BadUrl(_))
    ));

    let mut case = load("basic");
    case.interview.stamp_ms = i64::MIN;
    assert!(matches!(
        render(&case.producer, &case.interview),
        Err(IcsError::TimeOutOfRange {
            field: "stamp_ms",
            ..
        })
    ));

    assert!(matches!(
        uid("iv 1", "example.com"),
        Err(IcsError::BadIdentifier { field: "id", .. })
    ));
    assert!(matches!(
        uid("iv1", "exa@mple.com"),
        Err(IcsError::BadIdentifier {
            field: "uid_domain",
            ..
        })
    ));
}

proptest! {
    #[test]
    fn unfolding_restores_any_line(line in "\\PC{0,300}") {
        // Content lines never hold CR or LF: escaping has turned them into `\n` already.
        let line = escape_text(&line);
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            prop_assert!(physical.len() <= MAX_LINE_OCTETS);
        }
        prop_assert_eq!(unfold(&folded), line);
    }

    #[test]
    fn cjk_heavy_lines_fold_on_character_boundaries(
        line in "[a-z:;]{0,5}[\u{4e00}-\u{9fa5}\u{1F600}-\u{1F64F}a-z]{0,200}"
    ) {
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            prop_assert!(physical.len() <= MAX_LINE_OCTETS);
        }
        prop_assert_eq!(unfold(&folded), line);
    }
}
