//! Candidate import: every `tests/data/import/*.csv` against its `.expected` rendering, plus the
//! row limit and a few properties.
//!
//! `UPDATE_GOLDEN=1 cargo test -p hireloop-hiring --test import` rewrites the `.expected` files;
//! review the diff before committing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::fmt::Write as _;
use std::path::Path;

use hireloop_hiring::import::{
    CandidateRow, ImportErrors, Imported, MAX_ROWS, import_candidates, import_with_limit, is_email,
};
use proptest::prelude::*;

fn render(result: &Result<Imported, ImportErrors>) -> String {
    let mut out = String::new();
    match result {
        Ok(imported) => {
            writeln!(out, "ok: {} rows", imported.rows.len()).unwrap();
            for row in &imported.rows {
                out.push_str(&render_row(row));
            }
            for w in &imported.warnings {
                writeln!(out, "warning: {w}").unwrap();
            }
        }
        Err(errors) => {
            writeln!(out, "refused: {} errors", errors.errors.len()).unwrap();
            for e in &errors.errors {
                writeln!(out, "error: {e}").unwrap();
            }
            for w in &errors.warnings {
                writeln!(out, "warning: {w}").unwrap();
            }
        }
    }
    out
}

fn render_row(row: &CandidateRow) -> String {
    let mut out = format!(
        "line {}: name={:?} email={:?}",
        row.line, row.name, row.email
    );
    let optional = [
        ("phone", &row.phone),
        ("location", &row.location),
        ("source", &row.source),
        ("profile_url", &row.profile_url),
        ("group", &row.group),
        ("notes", &row.notes),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            write!(out, " {key}={v:?}").unwrap();
        }
    }
    out.push('\n');
    out
}

#[test]
fn data_driven_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 8,
        "expected the CSV cases in {}",
        dir.display()
    );
    let mut failures = Vec::new();
    for path in paths {
        let got = render(&import_candidates(&std::fs::read(&path).unwrap()));
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{}:\n--- got\n{got}--- want\n{want}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_row_limit_refuses_the_whole_file() {
    let mut csv = String::from("name,email\n");
    for i in 0..=MAX_ROWS {
        writeln!(csv, "Person {i},p{i}@example.com").unwrap();
    }
    let err = import_candidates(csv.as_bytes()).unwrap_err();
    assert_eq!(err.errors.len(), 1);
    assert_eq!(
        err.errors[0].to_string(),
        format!(
            "line {}: the file has more than {MAX_ROWS} candidates; split it into smaller files",
            MAX_ROWS + 2
        )
    );
    // Exactly at the limit is fine.
    let at_limit: String = csv
        .lines()
        .take(MAX_ROWS + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        import_candidates(at_limit.as_bytes()).unwrap().rows.len(),
        MAX_ROWS
    );
    assert!(import_with_limit(b"name,email\na,a@x.io\nb,b@x.io\n", 1).is_err());
}

#[test]
fn the_error_summary_names_the_first_problem() {
    let err = import_candidates(b"name,email\nBob,bob@\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 problem(s) in the CSV file; nothing was imported (first: line 2, column email: \"bob@\" is not an email address)"
    );
}

#[test]
fn emails() {
    for good in [
        "a@b.co",
        "first.last+tag@sub.example.com",
        "李@例子.中国",
        "o'neil@x.ie",
    ] {
        assert!(is_email(good), "{good}");
    }
    for bad in [
        "", "a", "a@", "@b.co", "a@b", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "a@-b.co",
        "a@b.c0m",
    ] {
        assert!(!is_email(bad), "{bad}");
    }
}

proptest! {
    /// Whatever the bytes, the importer answers (rows or problems) without panicking, and a
    /// refusal always lists at least one problem.
    #[test]
    fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Err(e) = import_candidates(&bytes) {
            prop_assert!(!e.errors.is_empty());
        }
    }

    /// Well-formed rows all come back, in order, with their line numbers.
    #[test]
    fn valid_files_round_trip(names in prop::collection::vec("[A-Za-z][A-Za-z ]{0,20}[A-Za-z]", 1..30)) {
        let mut csv = String::from("email,name\n");
        for (i, n) in names.iter().enumerate() {
            writeln!(csv, "c{i}@example.com,{n}").unwrap();
        }
        let imported = import_candidates(csv.as_bytes()).unwrap();
        prop_assert_eq!(imported.rows.len(), names.len());
        for (i, row) in imported.rows.iter().enumerate() {
            prop_assert_eq!(&row.name, &names[i]);
            prop_assert_eq!(row.line, i as u64 + 2);
        }
    }
}
