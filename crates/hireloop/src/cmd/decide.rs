//! `hireloop decide`: the decision engine on a file of evaluations.

use std::fmt::Write as _;

use anyhow::{Context, Result, anyhow};
use hireloop_core::content::{BandBasis, Content};
use hireloop_core::decision::{DecisionInput, DecisionReport, StageOutcome, Verdict, decide};

use super::json;
use super::pipeline::pick;
use crate::cli::{DecideArgs, Format};
use crate::input::read_text;
use crate::text::{thousands, wrap};

/// Parses evaluations, naming the line and column of a syntax or type error.
pub fn parse_input(text: &str, origin: &str) -> Result<DecisionInput> {
    serde_json::from_str(text).map_err(|e| {
        anyhow!(
            "{origin}:{}:{}: {}",
            e.line(),
            e.column(),
            strip_position(&e.to_string())
        )
    })
}

/// serde_json appends " at line L column C"; we already lead with the position.
fn strip_position(msg: &str) -> &str {
    msg.rfind(" at line ").map_or(msg, |i| &msg[..i])
}

/// `decide`.
pub fn run(c: &Content, args: &DecideArgs) -> Result<String> {
    let text = read_text(&args.file)?;
    let origin = args.file.display().to_string();
    let input = parse_input(&text, &origin)?;
    let pipeline = pick(c, args.pipeline.as_deref(), input.pipeline.as_deref())?;
    let report =
        decide(c, &pipeline, &input).with_context(|| format!("cannot decide on {origin}"))?;
    match args.format {
        Format::Json => json(&report),
        Format::Text => Ok(render(&report)),
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Hire => "HIRE",
        Verdict::Reject => "REJECT",
        Verdict::Incomplete => "INCOMPLETE",
    }
}

/// The report as readable text.
pub fn render(r: &DecisionReport) -> String {
    let mut out = String::new();
    let who = r.candidate.as_deref().unwrap_or("candidate");
    let _ = writeln!(out, "Decision: {}", verdict_word(r.decision));
    let _ = writeln!(
        out,
        "  {who} · {} · {} · {:?} mode · pipeline {}",
        r.profile.level, r.profile.region, r.mode, r.pipeline
    );
    let _ = writeln!(
        out,
        "  mechanical result: {} — {}",
        r.mechanical.decision, r.mechanical.reason
    );
    if let Some(o) = &r.override_ {
        let by = o.by.as_deref().unwrap_or("unnamed");
        let _ = writeln!(
            out,
            "  OVERRIDDEN by {by} to {}{}",
            o.decision,
            if o.overturns_veto {
                " (overturns the veto)"
            } else {
                ""
            }
        );
        out.push_str(&wrap(&o.reason, 88, "    reason: "));
    }
    if let Some(v) = &r.veto {
        let title = v
            .holder_title
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  VETO: {} ({}{title}) said {} in round {}",
            v.evaluator,
            v.holder.id(),
            v.recommendation,
            v.round
        );
        if let Some(m) = v.others_mean {
            let _ = writeln!(
                out,
                "        the other stages averaged {m:.2}; a hard gate overrules them"
            );
        }
    }
    let _ = writeln!(out, "\nStages");
    for s in &r.stages {
        let mark = match s.outcome {
            StageOutcome::Passed => "pass",
            StageOutcome::Failed => "FAIL",
            StageOutcome::Pending => "wait",
        };
        let score = s
            .score
            .map_or_else(|| "  –  ".to_string(), |x| format!("{x:.2}"));
        let _ = writeln!(out, "  [{mark}] {:<20} {score}  {}", s.id, s.reason);
        for round in &s.rounds {
            let recs: Vec<String> = round
                .recommendations
                .iter()
                .map(|x| format!("{} {}", x.evaluator, x.recommendation))
                .collect();
            let score = round
                .score
                .map_or_else(|| "–".to_string(), |x| format!("{x:.2}"));
            let _ = writeln!(
                out,
                "         {:<18} {score:>5}  {}",
                round.id,
                if recs.is_empty() {
                    "no evaluations".into()
                } else {
                    recs.join(", ")
                }
            );
            for d in round
                .dimensions
                .iter()
                .filter(|d| d.spread.is_some_and(|s| s >= 2))
            {
                let _ = writeln!(
                    out,
                    "           disagreement on {}: ratings differ by {}",
                    d.id,
                    d.spread.unwrap_or(0)
                );
            }
            if !round.missing_evidence.is_empty() {
                let _ = writeln!(
                    out,
                    "           no evidence: {}",
                    round.missing_evidence.join(", ")
                );
            }
        }
    }
    if let Some(l) = &r.level {
        let est = l
            .estimated
            .map_or_else(|| "none".to_string(), |e| e.to_string());
        let cond = if r.decision == Verdict::Hire {
            ""
        } else {
            " if hired"
        };
        let _ = writeln!(
            out,
            "\nLevel{cond}: {est} (applied for {}) — {}",
            l.applied, l.rule
        );
    }
    if let Some(b) = &r.band {
        let basis = match b.band.basis {
            BandBasis::Source => "from the source",
            BandBasis::Estimate => "an estimate",
        };
        let cond = if r.decision == Verdict::Hire {
            ""
        } else {
            " if hired"
        };
        let _ = writeln!(
            out,
            "Band{cond}: {} {} {} – {} a year, base plus stock ({basis})",
            b.level,
            b.band.currency,
            thousands(b.band.min),
            thousands(b.band.max)
        );
    }
    if !r.advice.is_empty() {
        let _ = writeln!(out, "\nCoach advice (not counted in hiring mode)");
        for a in &r.advice {
            let score = a
                .score
                .map_or_else(|| "–".to_string(), |x| format!("{x:.2}"));
            let _ = writeln!(out, "  {:<20} {score:>5}  {}", a.round, a.recommendation);
        }
    }
    let _ = writeln!(out, "\nTrace");
    for t in &r.trace {
        let _ = writeln!(out, "  {:<26} {:<18} {}", t.rule, t.subject, t.detail);
    }
    out
}
