//! `hireloop pipeline validate|show|list`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use hireloop_core::content::Content;
use hireloop_core::pipeline::{Gate, Pipeline, Plan, Profile};
use hireloop_core::{Diagnostics, Level};

use super::json;
use crate::Reported;
use crate::cli::{Format, PlanFormat, ShowArgs};
use crate::input::{emit, emit_err, source};

/// Checks pipeline files; prints every problem; fails when any file has errors.
pub fn validate(c: &Content, files: &[PathBuf], format: Format) -> Result<()> {
    let mut all = Diagnostics::new();
    let mut summary = String::new();
    for path in files {
        let file = source(path)?;
        let (pipeline, diags) = c.read_pipeline(&file);
        match (&pipeline, diags.has_errors()) {
            (Some(p), false) => {
                let _ = writeln!(
                    summary,
                    "{}: pipeline `{}` is valid ({} stages, {} warning(s))",
                    path.display(),
                    p.id,
                    p.stages.len(),
                    diags.warning_count()
                );
            }
            _ => {
                let _ = writeln!(
                    summary,
                    "{}: {} error(s), {} warning(s)",
                    path.display(),
                    diags.error_count(),
                    diags.warning_count()
                );
            }
        }
        all.extend(diags);
    }
    match format {
        Format::Json => emit(&json(&serde_json::json!({
            "valid": !all.has_errors(),
            "errors": all.error_count(),
            "warnings": all.warning_count(),
            "diagnostics": all,
        }))?)?,
        Format::Text => {
            emit_err(&all.to_string())?;
            emit(&summary)?;
        }
    }
    if all.has_errors() {
        Err(Reported.into())
    } else {
        Ok(())
    }
}

/// The pipeline named by the arguments: a file, an id, or the built-in default.
pub fn pick(c: &Content, file: Option<&Path>, id: Option<&str>) -> Result<Pipeline> {
    if let Some(path) = file {
        let src = source(path)?;
        let (p, diags) = c.read_pipeline(&src);
        return match p {
            Some(p) => Ok(p),
            None => {
                emit_err(&diags.to_string())?;
                Err(anyhow!(
                    "{} is not a valid pipeline; `hireloop pipeline validate {}` lists the problems",
                    path.display(),
                    path.display()
                ))
            }
        };
    }
    let id = id.unwrap_or("alibaba-pm");
    c.pipeline(id).cloned().ok_or_else(|| {
        let known: Vec<&str> = c.pipelines.iter().map(|p| p.id.as_str()).collect();
        anyhow!(
            "no pipeline `{id}` in the content; known: {}",
            known.join(", ")
        )
    })
}

/// The profile from `--level` and `--region`, defaulting to the pipeline's.
pub fn profile(p: &Pipeline, level: Option<&str>, region: Option<&str>) -> Result<Profile> {
    let mut profile = p.default_profile();
    if let Some(l) = level {
        profile.level = l.parse::<Level>().with_context(|| format!("--level {l}"))?;
    }
    if let Some(r) = region {
        profile.region = r.to_string();
    }
    Ok(profile)
}

/// `pipeline show`.
pub fn show(c: &Content, args: &ShowArgs) -> Result<String> {
    let p = pick(c, args.file.as_deref(), args.id.as_deref())?;
    let profile = profile(&p, args.level.as_deref(), args.region.as_deref())?;
    let plan = p.plan(&profile)?;
    Ok(match args.format {
        PlanFormat::Json => json(&plan)?,
        PlanFormat::Text => render_plan(&plan),
        PlanFormat::Mermaid => render_mermaid(&plan),
    })
}

/// `pipeline list`.
pub fn list(c: &Content, format: Format) -> Result<String> {
    if format == Format::Json {
        let items: Vec<_> = c
            .pipelines
            .iter()
            .map(|p| serde_json::json!({ "id": p.id, "name": p.name, "levels": p.levels, "regions": p.regions.iter().map(|r| &r.id).collect::<Vec<_>>(), "stages": p.stages.len() }))
            .collect();
        return json(&items);
    }
    let rows: Vec<Vec<String>> = c
        .pipelines
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.levels.to_string(),
                p.regions
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                format!("{} stages", p.stages.len()),
                p.name.clone(),
            ]
        })
        .collect();
    Ok(crate::text::table(&rows))
}

/// A gate in words.
pub fn gate_text(plan_gate: &hireloop_core::pipeline::PlannedGate) -> String {
    match &plan_gate.gate {
        Gate::None => "advisory (no gate)".into(),
        Gate::Threshold {
            min_score,
            fail_on_strong_no,
            rounds,
        } => {
            let mut s = format!("score ≥ {min_score:.2}");
            if *fail_on_strong_no {
                s.push_str("; any strong_no fails");
            }
            if !rounds.is_empty() {
                let _ = write!(s, " (rounds {})", rounds.join(", "));
            }
            s
        }
        Gate::Veto {
            round,
            holder,
            min_score,
        } => {
            let mut s = format!("VETO held by {}", holder.id());
            if let Some(t) = &plan_gate.holder_title {
                let _ = write!(s, " ({t})");
            }
            let _ = write!(
                s,
                " in round {round}: a no rejects whatever the other rounds said"
            );
            if let Some(m) = min_score {
                let _ = write!(s, "; score ≥ {m:.2}");
            }
            s
        }
    }
}

fn hours(minutes: u32) -> String {
    format!("{}h {:02}m", minutes / 60, minutes % 60)
}

/// The plan as readable text.
pub fn render_plan(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}): plan for {}, {}",
        plan.name, plan.pipeline, plan.profile.level, plan.region_name
    );
    for l in &plan.languages {
        let need = if l.required {
            "required"
        } else {
            "an advantage"
        };
        let note = l
            .note
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Language: {} ({}, {need}){note}",
            l.language,
            l.proficiency.id()
        );
    }
    let _ = writeln!(
        out,
        "Timeline: {}–{} weeks; stage limits add up to {} days; {} of interviews\n",
        plan.timeline.min_weeks,
        plan.timeline.max_weeks,
        plan.stage_days,
        hours(plan.interview_minutes)
    );
    for (i, s) in plan.stages.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} [{}], within {} days",
            i + 1,
            s.name,
            s.kind.id(),
            s.time_limit_days
        );
        let _ = writeln!(out, "   gate: {}", gate_text(&s.gate));
        for r in &s.rounds {
            let who = r.interviewer_title.as_deref().map_or_else(
                || r.interviewer.id().to_string(),
                |t| format!("{} ({t})", r.interviewer.id()),
            );
            let _ = writeln!(
                out,
                "   - {} · {} · {} min · {} · in {}",
                r.id, r.name, r.duration_minutes, who, r.language
            );
            let dims: Vec<String> = r
                .dimensions
                .iter()
                .map(|w| format!("{} {:.2}", w.dimension, w.weight))
                .collect();
            let _ = writeln!(out, "     rubric: {}", dims.join(", "));
            if let Some(q) = &r.questions {
                let diff = if q.difficulty.is_empty() {
                    "any difficulty".to_string()
                } else {
                    q.difficulty
                        .iter()
                        .map(|d| d.id())
                        .collect::<Vec<_>>()
                        .join("/")
                };
                let _ = writeln!(
                    out,
                    "     questions: {} from {} ({diff})",
                    q.count,
                    q.families.join(", ")
                );
            }
        }
    }
    if !plan.skipped.is_empty() {
        let _ = writeln!(out, "\nNot in this plan:");
        for s in &plan.skipped {
            let mut why = Vec::new();
            if let Some(l) = s.when.levels {
                why.push(format!("levels {l}"));
            }
            if !s.when.regions.is_empty() {
                why.push(format!("regions {}", s.when.regions.join(", ")));
            }
            let _ = writeln!(out, "   - {} (only for {})", s.id, why.join(" in "));
        }
    }
    out
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "'").replace(['<', '>'], "")
}

/// The plan as a Mermaid flowchart.
pub fn render_mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart TD\n");
    let _ = writeln!(
        out,
        "  apply([\"Apply: {} {}\"])",
        plan.profile.level,
        mermaid_text(&plan.region_name)
    );
    let mut prev = "apply".to_string();
    let mut edge = String::new();
    for (i, s) in plan.stages.iter().enumerate() {
        let node = format!("s{}", i + 1);
        let rounds: Vec<String> = s
            .rounds
            .iter()
            .map(|r| {
                format!(
                    "{} · {} min · {}",
                    mermaid_text(&r.name),
                    r.duration_minutes,
                    r.interviewer_title
                        .as_deref()
                        .map_or_else(|| r.interviewer.id().to_string(), mermaid_text)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  {node}[\"<b>{}. {}</b><br/>{}\"]",
            i + 1,
            mermaid_text(&s.name),
            rounds.join("<br/>")
        );
        if edge.is_empty() {
            let _ = writeln!(out, "  {prev} --> {node}");
        } else {
            let _ = writeln!(out, "  {prev} -- \"{edge}\" --> {node}");
        }
        let (pass, fail) = match &s.gate.gate {
            Gate::None => ("next".to_string(), None),
            Gate::Threshold { min_score, .. } => {
                (format!("score ≥ {min_score:.2}"), Some("below".to_string()))
            }
            Gate::Veto { holder, .. } => (
                format!("{} says yes", holder.id()),
                Some("veto".to_string()),
            ),
        };
        if let Some(f) = fail {
            let _ = writeln!(out, "  {node} -. \"{f}\" .-> reject");
        }
        prev = node;
        edge = pass;
    }
    let _ = writeln!(out, "  {prev} -- \"{edge}\" --> offer([\"Offer\"])");
    let _ = writeln!(out, "  reject([\"Reject\"])");
    out
}
