//! Resume screening against fixtures: every file in `tests/data/resumes/` (written by
//! `make_fixtures.py` there) is screened, and its screening — or its error — is compared with
//! `<file>.expected.json` beside it. `UPDATE_GOLDEN=1` rewrites the expected files for review.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

use hireloop_coach::resume::{Screener, Screening, YearMonth};
use hireloop_core::Content;
use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/resumes")
}

fn fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".expected.json") && !name.ends_with(".py")
        })
        .collect();
    out.sort();
    out
}

fn as_of() -> YearMonth {
    "2025-06".parse().unwrap()
}

/// Every offset points at the text it quotes.
fn check_spans(s: &Screening) {
    let at = |start: usize, end: usize, text: &str| {
        assert_eq!(&s.text[start..end], text, "span {start}..{end}");
    };
    for f in s
        .ownership
        .iter()
        .chain(&s.passenger_voice)
        .chain(&s.impact)
        .chain(&s.scale)
        .chain(&s.growth)
        .chain(&s.product)
    {
        at(f.start, f.end, &f.text);
        for m in &f.marks {
            at(m.start, m.end, &m.text);
            assert!(
                f.start <= m.start && m.end <= f.end,
                "mark outside its sentence"
            );
        }
    }
    for l in &s.languages {
        at(l.start, l.end, &l.text);
    }
    for p in s.experience.iter().flat_map(|e| &e.periods) {
        at(p.start, p.end, &p.text);
    }
}

fn result_json(screener: &Screener, path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    match screener.screen(&bytes, &name, as_of()) {
        Ok(s) => {
            check_spans(&s);
            let again = screener.screen(&bytes, &name, as_of()).unwrap();
            assert_eq!(s, again, "{name}: screening twice differs");
            let mut v = serde_json::to_value(&s).unwrap();
            // The extracted text is long and checked through the spans above.
            v.as_object_mut().unwrap().remove("text");
            v
        }
        Err(e) => json!({ "error": e.to_string() }),
    }
}

#[test]
fn every_fixture_screens_as_expected() {
    let content = Content::builtin().unwrap();
    let screener = Screener::new(&content);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    let files = fixtures();
    assert!(
        files.len() >= 12,
        "fixtures are missing: run make_fixtures.py"
    );
    for path in files {
        let got = result_json(&screener, &path);
        let expected_path = PathBuf::from(format!("{}.expected.json", path.display()));
        let pretty = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if update {
            std::fs::write(&expected_path, &pretty).unwrap();
            continue;
        }
        let expected: Value = match std::fs::read_to_string(&expected_path) {
            Ok(s) => serde_json::from_str(&s).unwrap(),
            Err(_) => {
                failures.push(format!(
                    "{}: no expected file; run with UPDATE_GOLDEN=1",
                    path.display()
                ));
                continue;
            }
        };
        if got != expected {
            failures.push(format!(
                "{}: screening differs from {}:\n{pretty}",
                path.display(),
                expected_path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The suggestions the fixtures were written to get, as a summary a reader can check at a glance.
#[test]
fn suggestions_and_errors_at_a_glance() {
    let content = Content::builtin().unwrap();
    let screener = Screener::new(&content);
    let expect = [
        ("strong-pm.pdf", "advance"),
        ("growth-pm.docx", "advance"),
        ("chinese-pm.md", "advance"),
        ("engineer.md", "hold"),
        ("analyst.json", "hold"),
        ("passenger.txt", "reject"),
        ("corrupt.pdf", "error: malformed PDF"),
        ("encrypted.pdf", "error: the PDF is encrypted"),
        ("owner-password.pdf", "advance"),
        (
            "self-drawing-form.pdf",
            "error: malformed PDF: a form in it draws itself",
        ),
        (
            "parent-loop.pdf",
            "error: malformed PDF: its page tree links back",
        ),
        (
            "no-media-box.pdf",
            "error: malformed PDF: the PDF reader gave up",
        ),
        ("scanned.pdf", "error: no text in the PDF"),
        ("bomb.docx", "error: the DOCX would unpack to more than"),
        ("empty.txt", "error: the file is empty"),
        ("photo.txt", "error: not a resume: binary data"),
        ("legacy.doc", "error: a legacy Word .doc"),
        ("not-a-resume.json", "error: JSON, but not a JSON Resume"),
    ];
    for (file, want) in expect {
        let v = result_json(&screener, &dir().join(file));
        let got = match v.get("error") {
            Some(e) => format!("error: {}", e.as_str().unwrap()),
            None => v["suggestion"].as_str().unwrap().to_string(),
        };
        assert!(got.starts_with(want), "{file}: {got}");
    }
}

/// The resume lexicon is checked like every content file: a missing signal or a bad level is
/// reported with its place, and the content is refused.
#[test]
fn a_broken_resume_lexicon_is_reported() {
    use hireloop_core::SourceFile;
    use hireloop_core::content::{ContentFile, builtin_files, overlay};
    let broken = r#"
[[signals]]
id = "ownership.owner_voice"
label = "Owner's voice"
en = ["led"]
zh = ["主导"]

[[signals]]
id = "Scale-Users"
label = "users"
en = ["users"]
zh = ["用户"]

[scale]
min = 10000
[scale.metric_min]
"scale.qps" = 1000

[[levels]]
level = "P11"
min_years = 0
max_years = 3
"#;
    let files = overlay(
        builtin_files(),
        vec![ContentFile {
            rel: "coach/resume.toml".into(),
            source: SourceFile::new("my/coach/resume.toml", broken),
        }],
    );
    let diags = Content::load(&files).unwrap_err().to_string();
    for expected in [
        "signal `ownership.passenger_voice` is missing",
        "resume signal id `Scale-Users` is not `<group>.<aspect>` in snake_case",
        "unknown resume signal `scale.qps`",
        "no `language.*` signal",
        "P11",
    ] {
        assert!(diags.contains(expected), "{expected}:\n{diags}");
    }
    assert!(diags.contains("my/coach/resume.toml:"), "{diags}");
}
