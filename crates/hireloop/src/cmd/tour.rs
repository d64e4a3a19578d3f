//! `hireloop tour`: a first look at everything on the embedded defaults.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use hireloop_core::Level;
use hireloop_core::content::Content;
use hireloop_core::decision::decide;
use hireloop_core::pipeline::Profile;

use super::decide::{parse_input, render};
use super::pipeline::render_plan;
use crate::text::{table, thousands, wrap};

/// The example the tour decides on; the same file as in `examples/`.
const EXAMPLE: &str = include_str!("../../../../examples/decide-veto.json");

fn heading(out: &mut String, n: u32, title: &str) {
    let _ = writeln!(
        out,
        "\n━━ {n}. {title} {}",
        "━".repeat(80usize.saturating_sub(title.chars().count() + 6))
    );
}

/// Renders the tour.
pub fn run(c: &Content) -> Result<String> {
    let p = c
        .pipeline("alibaba-pm")
        .ok_or_else(|| anyhow!("the content has no `alibaba-pm` pipeline"))?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "hireloop — the interview process as code. Built-in process: {}.",
        p.name
    );
    let _ = writeln!(
        out,
        "Content: {} questions in {} families, {} rubric dimensions, {} values, {} levels.",
        c.questions.len(),
        c.families.len(),
        c.dimensions.len(),
        c.values.len(),
        c.levels.len()
    );

    heading(&mut out, 1, "The loop for a P6 candidate in China");
    let plan = p.plan(&Profile {
        level: Level::new(6).unwrap_or(Level::MIN),
        region: "china".into(),
    })?;
    out.push_str(&render_plan(&plan));

    heading(
        &mut out,
        2,
        "What changes for a P8 candidate on an international team",
    );
    let senior = p.plan(&Profile {
        level: Level::new(8).unwrap_or(Level::MAX),
        region: "international".into(),
    })?;
    let ids = |pl: &hireloop_core::pipeline::Plan| {
        pl.stages
            .iter()
            .flat_map(|s| s.rounds.iter().map(|r| r.id.clone()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (ids(&plan), ids(&senior));
    let _ = writeln!(
        out,
        "  rounds only for P6/china:         {}",
        a.iter()
            .filter(|r| !b.contains(r))
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "  rounds only for P8/international: {}",
        b.iter()
            .filter(|r| !a.contains(r))
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let lang = |pl: &hireloop_core::pipeline::Plan| {
        pl.stages
            .first()
            .and_then(|s| s.rounds.first())
            .map(|r| r.language.clone())
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "  working language: {} → {}",
        lang(&plan),
        lang(&senior)
    );
    let holder = |pl: &hireloop_core::pipeline::Plan| {
        pl.vetoes()
            .next()
            .map(|(s, _, _)| s.gate.holder_title.clone().unwrap_or_default())
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "  veto held by: {} → {}",
        holder(&plan),
        holder(&senior)
    );
    let _ = writeln!(
        out,
        "  interview time: {} min → {} min",
        plan.interview_minutes, senior.interview_minutes
    );

    heading(&mut out, 3, "Three questions from the bank");
    for id in [
        "scale/latency-vs-conversion",
        "ab/ctr-up-aov-down",
        "values/ownership",
    ] {
        if let Some(q) = c.question(id) {
            let _ = writeln!(
                out,
                "  {} — {} ({}, {})",
                q.id,
                q.title,
                q.difficulty.id(),
                q.levels
            );
            out.push_str(&wrap(&q.prompt, 90, "      "));
        }
    }

    heading(&mut out, 4, "Levels and pay bands");
    let rows: Vec<Vec<String>> = c
        .levels
        .iter()
        .map(|l| {
            let basis = if l.band.basis == hireloop_core::content::BandBasis::Source {
                "source"
            } else {
                "estimate"
            };
            vec![
                format!("  {}", l.id),
                l.title.clone(),
                format!(
                    "{} {} – {}",
                    l.band.currency,
                    thousands(l.band.min),
                    thousands(l.band.max)
                ),
                basis.to_string(),
            ]
        })
        .collect();
    out.push_str(&table(&rows));

    heading(
        &mut out,
        5,
        "A decision: strong product rounds, a bar raiser who says no",
    );
    let input = parse_input(EXAMPLE, "examples/decide-veto.json")?;
    let report = decide(c, p, &input)?;
    out.push_str(&render(&report));

    heading(&mut out, 6, "Next");
    out.push_str(
        "  hireloop pipeline show --level P8 --region international --format mermaid\n\
         \x20 hireloop questions list --family guesstimate\n\
         \x20 hireloop questions show case/singles-day-feature\n\
         \x20 hireloop decide examples/decide-veto.json --format json\n\
         \x20 hireloop content export my-process && hireloop --content my-process content validate\n",
    );
    Ok(out)
}
