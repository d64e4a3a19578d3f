//! `hireloop levels|rubric|values|mistakes|checklist|figures`: the reference content.

use std::fmt::Write as _;

use anyhow::Result;
use hireloop_core::content::{BandBasis, Content};

use super::json;
use crate::cli::Format;
use crate::text::{human, table, thousands, wrap};

/// `levels`.
pub fn levels(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.levels);
    }
    let mut rows = vec![vec![
        "LEVEL".to_string(),
        "TITLE".into(),
        "PAY A YEAR (BASE + STOCK)".into(),
        "BASIS".into(),
    ]];
    for l in &c.levels {
        let basis = match l.band.basis {
            BandBasis::Source => "source",
            BandBasis::Estimate => "estimate",
        };
        rows.push(vec![
            l.id.to_string(),
            l.title.clone(),
            format!(
                "{} {} – {}",
                l.band.currency,
                thousands(l.band.min),
                thousands(l.band.max)
            ),
            basis.into(),
        ]);
    }
    let mut out = table(&rows);
    out.push('\n');
    for l in &c.levels {
        let _ = writeln!(out, "{} {} ({})", l.id, l.title, l.experience);
        out.push_str(&wrap(&l.description, 92, "    "));
        out.push_str(&wrap(&format!("Scope: {}", l.scope), 92, "    "));
        if let Some(n) = &l.band.note {
            out.push_str(&wrap(&format!("Band: {n}"), 92, "    "));
        }
    }
    Ok(out)
}

/// `rubric`.
pub fn rubric(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.dimensions);
    }
    let mut out = String::new();
    for d in &c.dimensions {
        let _ = writeln!(out, "{} — {} ({})", d.id, d.name, d.name_zh);
        out.push_str(&wrap(&d.checks, 92, "    "));
        for a in &d.anchors {
            out.push_str(&wrap(a, 88, "      "));
        }
        out.push_str(&wrap(&format!("Advice: {}", d.advice), 92, "    "));
        out.push('\n');
    }
    Ok(out)
}

/// `values`.
pub fn values(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.values);
    }
    let mut out = String::new();
    for v in &c.values {
        let _ = writeln!(out, "{} ({}) [{}]", v.name, v.name_zh, v.id);
        out.push_str(&wrap(&v.summary, 92, "    "));
        let _ = writeln!(out, "    Shows:");
        for b in &v.behaviours {
            out.push_str(&wrap(b, 86, "      + "));
        }
        let _ = writeln!(out, "    Red flags:");
        for r in &v.red_flags {
            out.push_str(&wrap(r, 86, "      - "));
        }
        if !v.questions.is_empty() {
            let _ = writeln!(out, "    Practise: {}", v.questions.join(", "));
        }
        out.push('\n');
    }
    Ok(out)
}

/// `mistakes`.
pub fn mistakes(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.mistakes);
    }
    let mut out = String::new();
    for m in &c.mistakes {
        let _ = writeln!(out, "{} — {}", m.id, m.name);
        out.push_str(&wrap(&m.description, 92, "    "));
        out.push_str(&wrap(&format!("Instead: {}", m.advice), 92, "    "));
        out.push('\n');
    }
    Ok(out)
}

/// `checklist`.
pub fn checklist(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.checklist);
    }
    let mut out = String::new();
    for i in &c.checklist {
        let target = if i.target > 1 {
            format!(" (×{})", i.target)
        } else {
            String::new()
        };
        out.push_str(&wrap(
            &format!("{}{target}", i.text),
            88,
            &format!("[ ] {:<10} ", i.category),
        ));
    }
    Ok(out)
}

/// `figures`.
pub fn figures(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.figures);
    }
    let mut rows = vec![vec![
        "ID".to_string(),
        "VALUE".into(),
        "UNIT".into(),
        "LABEL".into(),
    ]];
    for f in &c.figures {
        let value = match (f.value, f.low, f.high) {
            (Some(v), _, _) => human(v),
            (None, Some(l), Some(h)) => format!("{} – {}", human(l), human(h)),
            _ => String::new(),
        };
        rows.push(vec![f.id.clone(), value, f.unit.clone(), f.label.clone()]);
    }
    let mut out = table(&rows);
    let _ = writeln!(
        out,
        "\n`hireloop figures --format json` adds each figure's source and notes."
    );
    Ok(out)
}
