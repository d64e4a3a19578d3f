//! Blind screening: aliases and resume redaction.
//!
//! Each `tests/data/blind/*.txt` is `name: <candidate name>` (or nothing) and a `---` line,
//! then the resume; its `.expected` is the redacted text followed by every redaction with the
//! original text it hid. `UPDATE_GOLDEN=1 cargo test -p hireloop-hiring --test blind` rewrites
//! them; read the diff — it is the spec of what is hidden.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fmt::Write as _;
use std::path::Path;

use hireloop_hiring::blind::{Kind, alias, aliases, redact_resume};
use proptest::prelude::*;

fn render(text: &str, name: Option<&str>) -> String {
    let redacted = redact_resume(text, name).unwrap();
    let mut out = redacted.text.clone();
    out.push_str("\n=== redactions\n");
    for r in &redacted.redactions {
        writeln!(out, "{:?} {:?}", r.kind, &text[r.span.clone()]).unwrap();
    }
    out
}

#[test]
fn data_driven_resumes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 3);
    let mut failures = Vec::new();
    for path in paths {
        let input = std::fs::read_to_string(&path).unwrap();
        let (head, resume) = input.split_once("---\n").unwrap();
        let name = head.trim().strip_prefix("name:").map(str::trim);
        let got = render(resume, name);
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n{got}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The things a blind screen exists to hide never survive in the sample resumes.
#[test]
fn nothing_identifying_survives_in_the_samples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/blind");
    let checks: [(&str, &[&str]); 3] = [
        (
            "english_pm",
            &[
                "Jordan",
                "JORDAN",
                "Avery",
                "1991",
                "Harvard",
                "Berkeley",
                "Hong Kong",
                "MIT",
                "headshot",
                "Female",
                "married",
                "555",
            ],
        ),
        (
            "chinese_pm",
            &[
                "李雷",
                "小李",
                "1993",
                "浙江大学",
                "北京大学",
                "计算机科学",
                "第二中学",
                "清华",
                "31岁",
                "温州",
                "138",
            ],
        ),
        (
            "no_name_mixed",
            &[
                "29 years",
                "Jiao Tong",
                "复旦",
                "Montréal",
                "1995",
                "wei.zhang",
                "139-0000",
                "profile.png",
                "me.jpg",
            ],
        ),
    ];
    for (case, secrets) in checks {
        let input = std::fs::read_to_string(dir.join(format!("{case}.txt"))).unwrap();
        let (head, resume) = input.split_once("---\n").unwrap();
        let name = head.trim().strip_prefix("name:").map(str::trim);
        let out = redact_resume(resume, name).unwrap().text;
        for secret in secrets {
            assert!(!out.contains(secret), "{case}: {secret:?} survived:\n{out}");
        }
    }
}

#[test]
fn work_facts_are_kept() {
    let text = "Grew GMV from $120M to $310M; 2015-2019 at Fastcart; 40 million users; order 1234567890123; \
                商家日活从120万提升到210万；2018年生鲜业务GMV同比增长60%。";
    let out = redact_resume(text, None).unwrap();
    assert_eq!(out.text, text, "{:?}", out.redactions);
}

#[test]
fn spans_point_into_the_original_and_markers_replace_them() {
    let text = "Email a@b.co or call +44 20 7946 0958. Age 40.";
    let out = redact_resume(text, None).unwrap();
    assert_eq!(out.text, "Email [email] or call [phone]. [age].");
    let kinds: Vec<Kind> = out.redactions.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [Kind::Email, Kind::Phone, Kind::Age]);
    assert_eq!(&text[out.redactions[0].span.clone()], "a@b.co");
}

#[test]
fn aliases_are_stable_keyed_and_distinct() {
    let key = b"requisition-42 key";
    let a = alias(key, "cand-1001");
    assert_eq!(a, alias(key, "cand-1001"));
    assert_ne!(a, alias(b"another requisition", "cand-1001"));
    assert!(a.starts_with("Candidate "));
    let code = a.strip_prefix("Candidate ").unwrap();
    assert_eq!(code.len(), 4);
    assert!(
        code.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
    );

    // 2,000 candidates: four hex digits collide (birthday bound), the list form never does, and
    // everyone who had no collision keeps the short alias.
    let ids: Vec<String> = (0..2000).map(|i| format!("cand-{i}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let list = aliases(key, &refs);
    let unique: std::collections::HashSet<&String> = list.iter().collect();
    assert_eq!(unique.len(), list.len());
    assert_eq!(list[0], alias(key, "cand-0"));
    assert!(list.iter().any(|a| a.len() > "Candidate 7F3A".len()));
    assert!(
        list.iter()
            .filter(|a| a.len() == "Candidate 7F3A".len())
            .count()
            > 1900
    );
}

proptest! {
    /// Any text: redaction succeeds, spans are ordered, disjoint, on character boundaries, and
    /// the output is the input with exactly those spans replaced by their markers.
    #[test]
    fn redaction_is_consistent(text in "\\PC{0,300}", name in proptest::option::of("[A-Za-z]{2,8}( [A-Za-z]{2,8})?")) {
        let out = redact_resume(&text, name.as_deref()).unwrap();
        let mut rebuilt = String::new();
        let mut at = 0;
        for r in &out.redactions {
            prop_assert!(r.span.start >= at && r.span.start < r.span.end);
            prop_assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
            rebuilt.push_str(&text[at..r.span.start]);
            rebuilt.push_str(r.kind.marker());
            at = r.span.end;
        }
        rebuilt.push_str(&text[at..]);
        prop_assert_eq!(rebuilt, out.text);
    }

    /// An email or a name planted anywhere in filler text is always hidden.
    #[test]
    fn planted_emails_and_names_are_hidden(
        before in "[a-z ,.]{0,40}",
        after in "[a-z ,.]{0,40}",
        user in "[a-z]{2,10}",
    ) {
        let text = format!("{before} {user}@example.com Zhaoyang Quill {after}");
        let out = redact_resume(&text, Some("Zhaoyang Quill")).unwrap();
        let planted_email = format!("{user}@example.com");
        prop_assert!(!out.text.contains(&planted_email));
        prop_assert!(!out.text.contains("Zhaoyang") && !out.text.contains("Quill"));
    }
}
