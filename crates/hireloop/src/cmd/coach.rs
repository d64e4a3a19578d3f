//! `hireloop coach`: grade one answer with the coach.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use hireloop_coach::Coach;
use hireloop_coach::grade::Grade;
use hireloop_core::content::Content;
use hireloop_core::diag::did_you_mean;

use super::json;
use crate::cli::Format;
use crate::input::read_text;
use crate::text::wrap;

/// Arguments of `hireloop coach`.
#[derive(Debug, Args)]
pub struct CoachArgs {
    /// The answer: a text file, or `-` (or nothing) for standard input.
    #[arg(value_name = "FILE|-")]
    pub answer: Option<PathBuf>,
    /// A question of the bank, such as `design/taobao-digital-health`.
    #[arg(long, required_unless_present = "family", conflicts_with_all = ["family", "question_text"])]
    pub question: Option<String>,
    /// For a question outside the bank: its family, whose generic rubric grades the answer.
    #[arg(long, requires = "question_text")]
    pub family: Option<String>,
    /// For a question outside the bank: the question as asked.
    #[arg(long, requires = "family")]
    pub question_text: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn read_answer(path: Option<&PathBuf>) -> Result<String> {
    match path {
        Some(p) if p.as_os_str() != "-" => read_text(p),
        _ => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read the answer from standard input")?;
            Ok(s)
        }
    }
}

/// Runs the command.
pub fn run(c: &Content, args: &CoachArgs) -> Result<String> {
    let answer = read_answer(args.answer.as_ref())?;
    if answer.trim().is_empty() {
        bail!("the answer is empty; give a file or pipe the answer in");
    }
    let coach = Coach::new(c);
    let grade = match (&args.question, &args.family, &args.question_text) {
        (Some(id), _, _) => coach.grade_question(id, &answer).map_err(|e| {
            let hint = did_you_mean(id, c.questions.iter().map(|q| q.id.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            anyhow::anyhow!("{e}{hint}")
        })?,
        (None, Some(f), Some(q)) => coach.grade_custom(f, q, &answer)?,
        _ => bail!("give --question ID, or --family F with --question-text"),
    };
    match args.format {
        Format::Json => json(&grade),
        Format::Text => Ok(render(c, &grade, &answer)),
    }
}

fn bar(score: f64) -> String {
    let filled = ((score - 1.0) / 3.0 * 12.0).round().clamp(0.0, 12.0) as usize;
    format!("{}{}", "█".repeat(filled), "·".repeat(12 - filled))
}

/// The grade as a readable report, with the evidence marked in the answer.
pub fn render(c: &Content, g: &Grade, answer: &str) -> String {
    let mut out = String::new();
    let title = c
        .question(&g.question)
        .map_or(g.question.as_str(), |q| q.title.as_str());
    let _ = writeln!(out, "{} — {}", g.question, title);
    let _ = writeln!(
        out,
        "Overall {:.2} / 4  {}  → {}   ({} words, {:?})\n",
        g.overall,
        bar(g.overall),
        g.recommendation,
        g.words,
        g.language
    );
    for d in &g.dimensions {
        let name = c
            .dimension(&d.id)
            .map_or(d.id.as_str(), |x| x.name.as_str());
        let score = d
            .score
            .map_or_else(|| " –  ".to_string(), |s| format!("{s:.1}"));
        let _ = writeln!(
            out,
            "  {:<24} {score}  {}  weight {:>3.0}%",
            name,
            d.score.map(bar).unwrap_or_default(),
            d.weight * 100.0
        );
        if !d.advice.is_empty() {
            out.push_str(&wrap(&d.advice, 88, "      → "));
        }
    }
    if !g.mistakes.is_empty() {
        let _ = writeln!(out, "\nMistakes");
        for m in &g.mistakes {
            let name = c
                .mistakes
                .iter()
                .find(|x| x.id == *m)
                .map_or(m.as_str(), |x| x.name.as_str());
            let _ = writeln!(out, "  ✗ {m}: {name}");
        }
    }
    if !g.coverage.hit.is_empty() || !g.coverage.missed.is_empty() {
        let _ = writeln!(out, "\nConcepts");
        for h in &g.coverage.hit {
            out.push_str(&wrap(h, 88, "  ✓ "));
        }
        for m in &g.coverage.missed {
            out.push_str(&wrap(m, 88, "  ○ "));
        }
    }
    if let Some(ab) = &g.numbers.ab {
        let _ = writeln!(
            out,
            "\nNumbers: revenue per visitor {:.2} → {:.2} implies `{}`; the answer says `{}`",
            ab.control_rpv, ab.treatment_rpv, ab.expected, ab.answer
        );
    }
    for calc in &g.numbers.calculations {
        let mark = if calc.slip { "✗" } else { "✓" };
        let _ = writeln!(
            out,
            "  {mark} {}  (recomputed: {})",
            calc.text,
            hireloop_coach::grade::short(calc.computed)
        );
    }
    if let (Some(v), Some(fit)) = (g.numbers.final_figure, g.numbers.fit) {
        let _ = writeln!(
            out,
            "  final figure {} — {:?}",
            hireloop_coach::grade::short(v),
            fit
        );
    }
    let _ = writeln!(
        out,
        "\nEvidence in the answer (marked ⟦…⟧ with the dimension it counts for)"
    );
    out.push_str(&wrap(&marked(g, answer), 96, "  "));
    let _ = writeln!(out, "\nTrace");
    for t in &g.trace {
        out.push_str(&wrap(&t.effect, 64, &format!("  {:<36}", t.rule)));
    }
    out
}

/// The answer with every evidence span wrapped in ⟦…⟧ and tagged with its dimensions.
fn marked(g: &Grade, answer: &str) -> String {
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for d in &g.dimensions {
        for e in &d.evidence {
            match spans.iter_mut().find(|s| s.0 == e.start && s.1 == e.end) {
                Some(s) => {
                    s.2.push(',');
                    s.2.push_str(&d.id);
                }
                None => spans.push((e.start, e.end, d.id.clone())),
            }
        }
    }
    spans.sort();
    let mut out = String::new();
    let mut at = 0;
    for (s, e, tags) in spans {
        if s < at || e > answer.len() || !answer.is_char_boundary(s) || !answer.is_char_boundary(e)
        {
            continue;
        }
        out.push_str(&answer[at..s]);
        let _ = write!(out, "⟦{}⟧{{{tags}}}", &answer[s..e]);
        at = e;
    }
    out.push_str(&answer[at..]);
    out
}
