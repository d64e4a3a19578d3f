//! JSON Resume (the jsonresume.org schema) rendered as the text of a resume, with the headings the
//! screener knows, so one set of rules reads every format and evidence points into one text.

use serde_json::{Map, Value};

use super::{DocKind, ResumeError};

/// The top-level fields of the schema; a JSON object with none of them is not a resume.
const FIELDS: [&str; 8] = [
    "basics",
    "work",
    "education",
    "skills",
    "languages",
    "projects",
    "volunteer",
    "summary",
];

fn s<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn objects<'a>(
    o: &'a Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a Map<String, Value>> {
    o.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn strings<'a>(o: &'a Map<String, Value>, key: &str) -> impl Iterator<Item = &'a str> {
    o.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
}

/// `" (2019-03 – present)"` from an entry's dates; an entry still open runs to the present.
fn period(o: &Map<String, Value>) -> String {
    match (s(o, "startDate"), s(o, "endDate")) {
        (Some(a), Some(b)) => format!(" ({a} – {b})"),
        (Some(a), None) => format!(" ({a} – present)"),
        (None, Some(b)) => format!(" (until {b})"),
        (None, None) => String::new(),
    }
}

/// Work, volunteering and projects: a title line, the summary, then one line per highlight.
fn entries(out: &mut String, root: &Map<String, Value>, key: &str, heading: &str) {
    let mut first = true;
    for e in objects(root, key) {
        if first {
            line(out, &format!("\n{heading}"));
            first = false;
        }
        let role = s(e, "position").or_else(|| s(e, "name").filter(|_| key == "projects"));
        let org = s(e, "name")
            .filter(|_| key != "projects")
            .or_else(|| s(e, "company"))
            .or_else(|| s(e, "organization"))
            .or_else(|| s(e, "entity"));
        let title = match (role, org) {
            (Some(r), Some(o)) => format!("{r}, {o}"),
            (Some(x), None) | (None, Some(x)) => x.to_string(),
            (None, None) => String::new(),
        };
        line(out, format!("{title}{}", period(e)).trim_start());
        for key in ["summary", "description"] {
            if let Some(t) = s(e, key) {
                line(out, t);
            }
        }
        for h in strings(e, "highlights") {
            line(out, &format!("- {h}"));
        }
    }
}

/// The text of a JSON Resume.
pub fn text(bytes: &[u8]) -> Result<String, ResumeError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ResumeError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let root = v
        .as_object()
        .filter(|o| FIELDS.iter().any(|f| o.contains_key(*f)))
        .ok_or(ResumeError::NotJsonResume)?;
    let mut out = String::new();
    if let Some(b) = root.get("basics").and_then(Value::as_object) {
        for key in ["name", "label"] {
            if let Some(t) = s(b, key) {
                line(&mut out, t);
            }
        }
        if let Some(t) = s(b, "summary") {
            line(&mut out, &format!("\nSummary\n{t}"));
        }
    }
    if let Some(t) = s(root, "summary") {
        line(&mut out, &format!("\nSummary\n{t}"));
    }
    entries(&mut out, root, "work", "Work Experience");
    entries(&mut out, root, "volunteer", "Volunteering");
    entries(&mut out, root, "projects", "Projects");
    let mut first = true;
    for e in objects(root, "education") {
        if first {
            line(&mut out, "\nEducation");
            first = false;
        }
        let degree = [s(e, "studyType"), s(e, "area")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" in ");
        let school = s(e, "institution").unwrap_or_default();
        let title = [degree.as_str(), school]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        line(&mut out, &format!("{title}{}", period(e)));
    }
    let mut first = true;
    for e in objects(root, "skills") {
        if first {
            line(&mut out, "\nSkills");
            first = false;
        }
        let keywords: Vec<&str> = strings(e, "keywords").collect();
        match (s(e, "name"), keywords.is_empty()) {
            (Some(n), true) => line(&mut out, n),
            (Some(n), false) => line(&mut out, &format!("{n}: {}", keywords.join(", "))),
            (None, false) => line(&mut out, &keywords.join(", ")),
            (None, true) => {}
        }
    }
    let mut first = true;
    for e in objects(root, "languages") {
        if first {
            line(&mut out, "\nLanguages");
            first = false;
        }
        match (s(e, "language"), s(e, "fluency")) {
            (Some(l), Some(f)) => line(&mut out, &format!("{l}: {f}")),
            (Some(l), None) => line(&mut out, l),
            _ => {}
        }
    }
    if out.trim().is_empty() {
        return Err(ResumeError::NoText {
            kind: DocKind::JsonResume,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_sections() {
        let t = text(
            br#"{"basics": {"name": "A", "label": "Product Manager"},
                 "work": [{"name": "Taobao", "position": "PM", "startDate": "2019-03",
                           "highlights": ["Led checkout"]}],
                 "languages": [{"language": "English", "fluency": "Fluent"}]}"#,
        )
        .unwrap();
        assert_eq!(
            t,
            "A\nProduct Manager\n\nWork Experience\nPM, Taobao (2019-03 – present)\n- Led checkout\n\nLanguages\nEnglish: Fluent\n"
        );
    }

    #[test]
    fn bad_json_and_other_json_are_errors() {
        assert!(matches!(
            text(b"{\"work\": ["),
            Err(ResumeError::Json { line: 1, .. })
        ));
        assert!(matches!(
            text(b"{\"name\": 1}"),
            Err(ResumeError::NotJsonResume)
        ));
        assert!(matches!(text(b"[1, 2]"), Err(ResumeError::NotJsonResume)));
    }
}
