//! `hireloop questions list|show|families`.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use hireloop_core::Level;
use hireloop_core::content::{AnswerKey, Content, Question};
use hireloop_core::diag::did_you_mean;
use hireloop_core::pipeline::StageKind;
use serde::Serialize;

use super::json;
use crate::cli::{Format, ListArgs};
use crate::text::{human, table, wrap};

/// A question in a listing.
#[derive(Serialize)]
struct Summary<'a> {
    id: &'a str,
    family: &'a str,
    title: &'a str,
    difficulty: &'static str,
    levels: String,
    stages: Vec<&'static str>,
}

fn check_one_of(what: &str, value: &str, known: &[&str]) -> Result<()> {
    if known.contains(&value) {
        return Ok(());
    }
    let hint = did_you_mean(value, known.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(anyhow!(
        "unknown {what} `{value}`{hint}; known: {}",
        known.join(", ")
    ))
}

/// `questions list`.
pub fn list(c: &Content, args: &ListArgs) -> Result<String> {
    if let Some(f) = &args.family {
        let fams: Vec<&str> = c.families.iter().map(|f| f.id.as_str()).collect();
        check_one_of("family", f, &fams)?;
    }
    let stage = match &args.stage {
        Some(s) => {
            let kinds: Vec<&str> = StageKind::ALL.iter().map(|(id, _)| *id).collect();
            check_one_of("stage kind", s, &kinds)?;
            StageKind::ALL
                .iter()
                .find(|(id, _)| id == s)
                .map(|(_, k)| *k)
        }
        None => None,
    };
    let level: Option<Level> = args.level.as_deref().map(str::parse).transpose()?;
    if let Some(d) = &args.difficulty {
        check_one_of("difficulty", d, &["easy", "medium", "hard"])?;
    }
    let picked: Vec<&Question> = c
        .questions
        .iter()
        .filter(|q| args.family.as_ref().is_none_or(|f| q.family == *f))
        .filter(|q| stage.is_none_or(|s| q.stages.contains(&s)))
        .filter(|q| level.is_none_or(|l| q.levels.contains(l)))
        .filter(|q| {
            args.difficulty
                .as_ref()
                .is_none_or(|d| q.difficulty.id() == d)
        })
        .collect();
    if args.format == Format::Json {
        let items: Vec<Summary<'_>> = picked
            .iter()
            .map(|q| Summary {
                id: &q.id,
                family: &q.family,
                title: &q.title,
                difficulty: q.difficulty.id(),
                levels: q.levels.to_string(),
                stages: q.stages.iter().map(|s| s.id()).collect(),
            })
            .collect();
        return json(&items);
    }
    let mut rows = vec![vec![
        "ID".to_string(),
        "DIFFICULTY".into(),
        "LEVELS".into(),
        "TITLE".into(),
    ]];
    rows.extend(picked.iter().map(|q| {
        vec![
            q.id.clone(),
            q.difficulty.id().into(),
            q.levels.to_string(),
            q.title.clone(),
        ]
    }));
    let mut out = table(&rows);
    let _ = writeln!(out, "\n{} question(s)", picked.len());
    Ok(out)
}

/// `questions show`.
pub fn show(c: &Content, id: &str, format: Format) -> Result<String> {
    let q = c.question(id).ok_or_else(|| {
        let hint = did_you_mean(id, c.questions.iter().map(|q| q.id.as_str()))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| "; `hireloop questions list` shows them all".into());
        anyhow!("no question `{id}` in the bank{hint}")
    })?;
    if format == Format::Json {
        return json(q);
    }
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", q.id, q.title);
    let stages: Vec<&str> = q.stages.iter().map(|s| s.id()).collect();
    let _ = writeln!(
        out,
        "family {} · {} · levels {} · stages {}{}\n",
        q.family,
        q.difficulty.id(),
        q.levels,
        stages.join(", "),
        q.minutes
            .map(|m| format!(" · about {m} min"))
            .unwrap_or_default()
    );
    out.push_str(&wrap(&q.prompt, 96, "  "));
    if let Some(zh) = &q.prompt_zh {
        out.push('\n');
        out.push_str(&wrap(zh, 96, "  "));
    }
    let _ = writeln!(out, "\nRubric");
    for w in &q.rubric {
        let name = c.dimension(&w.dimension).map_or("", |d| d.name.as_str());
        let _ = writeln!(
            out,
            "  {:<18} {:>4.0}%  {name}",
            w.dimension,
            w.weight * 100.0
        );
    }
    let _ = writeln!(out, "\nConcepts a strong answer covers");
    for k in &q.concepts {
        let _ = writeln!(out, "  • {} [{}]", k.label, k.id);
        let _ = writeln!(out, "      en: {}", k.en.join(", "));
        let _ = writeln!(out, "      zh: {}", k.zh.join("、"));
    }
    let _ = writeln!(out, "\nFollow-up probes");
    for p in &q.probes {
        out.push_str(&wrap(p, 92, "  - "));
    }
    let _ = writeln!(out, "\nModel answer outline");
    for (i, step) in q.outline.iter().enumerate() {
        out.push_str(&wrap(step, 92, &format!("  {}. ", i + 1)));
    }
    if !q.mistakes.is_empty() {
        let _ = writeln!(out, "\nWatch out for: {}", q.mistakes.join(", "));
    }
    match &q.key {
        Some(AnswerKey::Choice {
            options,
            correct,
            explanation,
        }) => {
            let _ = writeln!(out, "\nOptions");
            for (i, o) in options.iter().enumerate() {
                let mark = if i == *correct { "✓" } else { " " };
                let _ = writeln!(out, "  {mark} {}) {o}", char::from(b'A' + (i as u8 % 26)));
            }
            out.push_str(&wrap(explanation, 92, "  why: "));
        }
        Some(AnswerKey::Numeric {
            value,
            tolerance,
            unit,
            explanation,
        }) => {
            let _ = writeln!(out, "\nAnswer: {value} {unit} (± {tolerance})");
            out.push_str(&wrap(explanation, 92, "  why: "));
        }
        None => {}
    }
    if let Some(e) = &q.estimate {
        let _ = writeln!(
            out,
            "\nA sound estimate lands between {} and {} {}",
            human(e.low),
            human(e.high),
            e.unit
        );
        out.push_str(&wrap(&e.basis, 92, "  basis: "));
    }
    Ok(out)
}

/// `questions families`.
pub fn families(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        return json(&c.families);
    }
    let mut rows = vec![vec![
        "FAMILY".to_string(),
        "QUESTIONS".into(),
        "STAGES".into(),
        "NAME".into(),
    ]];
    for f in &c.families {
        let n = c.questions.iter().filter(|q| q.family == f.id).count();
        rows.push(vec![
            f.id.clone(),
            n.to_string(),
            f.stages
                .iter()
                .map(|s| s.id())
                .collect::<Vec<_>>()
                .join(","),
            f.name.clone(),
        ]);
    }
    Ok(table(&rows))
}
