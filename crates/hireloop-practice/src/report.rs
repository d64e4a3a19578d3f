//! A loop report as Markdown, and as a standalone HTML document (inline CSS, print-friendly, the
//! dimension scores as an inline SVG chart). Both are deterministic: the same report renders to
//! the same bytes.

use std::fmt::Write as _;

use hireloop_core::decision::Verdict;
use hireloop_report::svg;
use hireloop_report::text::thousands;

use crate::outcome::{LoopReport, Outcome, RoundReport};

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Hire => "HIRE",
        Verdict::Reject => "REJECT",
        Verdict::Incomplete => "INCOMPLETE",
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Pending => "pending",
    }
}

fn score(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{x:.2}"))
}

fn minutes(ms: u64) -> String {
    format!("{} min", ms.div_ceil(60_000))
}

/// The lines every rendering shares, as plain text.
struct Facts {
    title: String,
    meta: String,
    partial: Option<String>,
    veto: Option<String>,
    level: Option<String>,
    band: Option<String>,
    totals: String,
}

fn facts(r: &LoopReport) -> Facts {
    let s = &r.setup;
    Facts {
        title: format!("Practice loop report: {}", r.pipeline_name),
        meta: format!(
            "{} · {} · prompts in {} · seed {}",
            s.level,
            r.region_name,
            match s.language {
                crate::Language::En => "English",
                crate::Language::Zh => "Chinese",
            },
            s.seed
        ),
        partial: r.partial.then(|| {
            format!(
                "Partial report: the loop is not finished ({} of {} items answered). Stages not reached yet are pending, and the decision may change.",
                r.totals.answered, r.totals.items
            )
        }),
        veto: r.veto.as_ref().map(|v| {
            let who = v
                .holder_title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            let others = v.others_mean.map_or_else(String::new, |m| {
                format!("; the other stages averaged {m:.2}, which a hard gate overrules")
            });
            format!(
                "Veto: the {}{who} said {} in round {}{others}.",
                v.holder.id(),
                v.recommendation,
                v.round
            )
        }),
        level: r.level.as_ref().map(|l| {
            let est = l
                .estimated
                .map_or_else(|| "no level fits".to_string(), |e| e.to_string());
            format!(
                "Estimated level: {est} (applied for {}) — {}.",
                l.applied, l.rule
            )
        }),
        band: r.band.as_ref().map(|b| {
            let basis = if b.estimate {
                "an estimate".to_string()
            } else {
                "from the source".to_string()
            };
            let note = b
                .note
                .as_deref()
                .map(|n| format!(" {n}"))
                .unwrap_or_default();
            format!(
                "Pay band for {}: {} {}–{} a year ({basis}).{note}",
                b.level,
                b.currency,
                thousands(b.min),
                thousands(b.max)
            )
        }),
        totals: {
            let t = &r.totals;
            let used = t
                .time_used_ms
                .map(|ms| format!("; time used {}", minutes(ms)))
                .unwrap_or_default();
            format!(
                "{} item(s): {} answered, {} unanswered; the rounds' clocks add up to {} min{used}.",
                t.items, t.answered, t.unanswered, t.planned_minutes
            )
        },
    }
}

/// A reason as a sentence: capitalised, with a full stop.
fn sentence(s: &str) -> String {
    let mut chars = s.trim().chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn round_meta(round: &RoundReport) -> String {
    let mut parts = vec![format!("{} min", round.duration_minutes)];
    if let Some(t) = &round.interviewer_title {
        parts.push(t.clone());
    }
    parts.push(format!(
        "{} of {} answered",
        round.answered,
        round.items.len()
    ));
    if let Some(rec) = round.recommendation {
        parts.push(format!("coach: {rec}"));
    }
    parts.push(format!("score {}", score(round.score)));
    if let Some(ms) = round.time_used_ms {
        parts.push(format!("time {}", minutes(ms)));
    }
    parts.join(" · ")
}

fn ratings_line(round: &RoundReport) -> String {
    round
        .ratings
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r.dimension,
                r.rating.map_or_else(|| "–".to_string(), |x| x.to_string())
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Escapes text for Markdown: characters that would start markup, and line breaks.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '[' | ']' | '|' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The report as Markdown.
pub fn markdown(r: &LoopReport) -> String {
    let f = facts(r);
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", md(&f.title));
    let _ = writeln!(o, "{}\n", md(&f.meta));
    if let Some(p) = &f.partial {
        let _ = writeln!(o, "> **{}**\n", md(p));
    }
    let _ = writeln!(o, "## Decision: {}\n", verdict_word(r.decision));
    let _ = writeln!(o, "{}\n", md(&sentence(&r.reason)));
    if let Some(v) = &f.veto {
        let _ = writeln!(o, "**{}**\n", md(v));
    }

    let _ = writeln!(o, "## Stages and gates\n");
    let _ = writeln!(o, "| Stage | Gate | Outcome | Score | Why |");
    let _ = writeln!(o, "|---|---|---|---|---|");
    for s in &r.stages {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            md(&s.name),
            md(&s.gate),
            outcome_word(s.outcome),
            score(s.score),
            md(&s.reason)
        );
    }
    let _ = writeln!(o);

    let _ = writeln!(o, "## Level and pay\n");
    match (&f.level, &f.band) {
        (None, None) => {
            let _ = writeln!(
                o,
                "No level can be estimated yet: no interview stage has a score.\n"
            );
        }
        (l, b) => {
            for line in [l, b].into_iter().flatten() {
                let _ = writeln!(o, "- {}", md(line));
            }
            let _ = writeln!(o);
        }
    }

    let _ = writeln!(o, "## Strengths\n");
    if r.strengths.is_empty() {
        let _ = writeln!(o, "No dimension averages 3 or more yet.\n");
    } else {
        for d in &r.strengths {
            let _ = writeln!(
                o,
                "- **{}** — {:.2} over {} answer(s)",
                md(&d.name),
                d.mean,
                d.items
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Gaps\n");
    if r.gaps.is_empty() {
        let _ = writeln!(o, "No dimension averages under 3.5.\n");
    } else {
        for d in &r.gaps {
            let advice = if d.advice.is_empty() {
                String::new()
            } else {
                format!(" {}", md(&d.advice))
            };
            let _ = writeln!(
                o,
                "- **{}** — {:.2} over {} answer(s).{advice}",
                md(&d.name),
                d.mean,
                d.items
            );
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## Mistakes seen most\n");
    if r.mistakes.is_empty() {
        let _ = writeln!(o, "The coach named no mistake.\n");
    } else {
        for m in &r.mistakes {
            let _ = writeln!(
                o,
                "- **{}** (`{}`) × {} — {}",
                md(&m.name),
                m.id,
                m.count,
                md(&m.advice)
            );
        }
        let _ = writeln!(o);
    }

    let _ = writeln!(o, "## Rounds\n");
    for s in &r.stages {
        for round in &s.rounds {
            let _ = writeln!(o, "### {} — {}\n", md(&round.name), md(&s.name));
            let _ = writeln!(o, "{}\n", md(&round_meta(round)));
            if !round.items.is_empty() {
                let _ = writeln!(o, "| Item | Question | Score | Mistakes |");
                let _ = writeln!(o, "|---|---|---|---|");
                for i in &round.items {
                    let _ = writeln!(
                        o,
                        "| `{}` | {} | {} | {} |",
                        i.key,
                        md(&i.title),
                        i.overall
                            .map_or_else(|| "unanswered".to_string(), |x| format!("{x:.2}")),
                        md(&i.mistakes.join(", "))
                    );
                }
                let _ = writeln!(o);
            }
            let _ = writeln!(o, "Ratings: {}\n", md(&ratings_line(round)));
            if !round.missing_evidence.is_empty() {
                let _ = writeln!(
                    o,
                    "Missing evidence: {}\n",
                    md(&round.missing_evidence.join(", "))
                );
            }
        }
    }

    let _ = writeln!(o, "## Dimension scores\n");
    if r.dimensions.is_empty() {
        let _ = writeln!(o, "No answer yet.\n");
    } else {
        let _ = writeln!(o, "| Dimension | Mean | Answers |");
        let _ = writeln!(o, "|---|---|---|");
        for d in &r.dimensions {
            let _ = writeln!(o, "| {} | {:.2} | {} |", md(&d.name), d.mean, d.items);
        }
        let _ = writeln!(o);
    }

    let _ = writeln!(o, "## Totals\n");
    let _ = writeln!(o, "{}\n", md(&f.totals));
    if !r.notes.is_empty() {
        let _ = writeln!(o, "## Notes\n");
        for n in &r.notes {
            let _ = writeln!(o, "- {}", md(n));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "## How the decision was reached\n");
    for (i, t) in r.trace.iter().enumerate() {
        let _ = writeln!(
            o,
            "{}. `{}` {}: {}",
            i + 1,
            t.rule,
            md(&t.subject),
            md(&t.detail)
        );
    }
    o
}

/// Escapes text for HTML content and attribute values.
fn h(s: &str) -> String {
    svg::escape(s)
}

/// The dimension scores as a horizontal bar chart.
pub fn dimension_chart(r: &LoopReport) -> String {
    let rows: Vec<svg::Bar<'_>> = r
        .dimensions
        .iter()
        .map(|d| svg::Bar {
            label: &d.name,
            value: d.mean,
            caption: format!("{:.2} / 4 · {} answer(s)", d.mean, d.items),
        })
        .collect();
    svg::bars("Scores by dimension (0–4)", &rows)
}

const CSS: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans','PingFang SC','Microsoft YaHei',sans-serif;color:#1f2937;background:#fff;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #e5e7eb;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.2rem}
.meta{color:#4b5563;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.95rem}
th,td{border:1px solid #d1d5db;padding:.35rem .5rem;text-align:left;vertical-align:top}th{background:#f3f4f6}
.passed{color:#15803d;font-weight:600}.failed{color:#b91c1c;font-weight:600}.pending{color:#6b7280;font-weight:600}
.verdict-hire{color:#15803d}.verdict-reject{color:#b91c1c}.verdict-incomplete{color:#6b7280}
.partial{border-left:4px solid #ea580c;background:#fff7ed;padding:.5rem 1rem}
.veto{border-left:4px solid #b91c1c;background:#fef2f2;padding:.5rem 1rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
code{font-size:.9em}ol.trace{font-size:.9rem;color:#374151}
@media print{body{max-width:none;margin:0;font-size:11pt}h2{break-after:avoid}section,figure,tr{break-inside:avoid}.partial,.veto,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

/// The report as a standalone HTML document.
pub fn html(r: &LoopReport) -> String {
    let f = facts(r);
    let mut o = String::new();
    let _ = writeln!(o, "<!DOCTYPE html>");
    // Every string of the report is English (content and labels alike), whatever the language the
    // prompts were shown in.
    let _ = writeln!(o, "<html lang=\"en\">");
    let _ = writeln!(
        o,
        "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>",
        h(&f.title)
    );
    let _ = writeln!(o, "<body>\n<main>");
    let _ = writeln!(
        o,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n</header>",
        h(&f.title),
        h(&f.meta)
    );
    if let Some(p) = &f.partial {
        let _ = writeln!(
            o,
            "<p class=\"partial\" role=\"note\"><strong>{}</strong></p>",
            h(p)
        );
    }
    let verdict = verdict_word(r.decision);
    let _ = writeln!(
        o,
        "<section>\n<h2 class=\"verdict-{}\">Decision: {verdict}</h2>\n<p>{}</p>",
        verdict.to_lowercase(),
        h(&sentence(&r.reason))
    );
    if let Some(v) = &f.veto {
        let _ = writeln!(o, "<p class=\"veto\"><strong>{}</strong></p>", h(v));
    }
    let _ = writeln!(o, "</section>");

    let _ = writeln!(
        o,
        "<section>\n<h2>Stages and gates</h2>\n<table>\n<thead><tr><th scope=\"col\">Stage</th><th scope=\"col\">Gate</th><th scope=\"col\">Outcome</th><th scope=\"col\">Score</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>"
    );
    for s in &r.stages {
        let word = outcome_word(s.outcome);
        let _ = writeln!(
            o,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"{word}\">{word}</td><td>{}</td><td>{}</td></tr>",
            h(&s.name),
            h(&s.gate),
            score(s.score),
            h(&s.reason)
        );
    }
    let _ = writeln!(o, "</tbody>\n</table>\n</section>");

    let _ = writeln!(o, "<section>\n<h2>Level and pay</h2>");
    if f.level.is_none() && f.band.is_none() {
        let _ = writeln!(
            o,
            "<p>No level can be estimated yet: no interview stage has a score.</p>"
        );
    } else {
        let _ = writeln!(o, "<ul>");
        for line in [&f.level, &f.band].into_iter().flatten() {
            let _ = writeln!(o, "<li>{}</li>", h(line));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "</section>");

    let _ = writeln!(o, "<section>\n<h2>Strengths</h2>");
    if r.strengths.is_empty() {
        let _ = writeln!(o, "<p>No dimension averages 3 or more yet.</p>");
    } else {
        let _ = writeln!(o, "<ul>");
        for d in &r.strengths {
            let _ = writeln!(
                o,
                "<li><strong>{}</strong> — {:.2} over {} answer(s)</li>",
                h(&d.name),
                d.mean,
                d.items
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "<h2>Gaps</h2>");
    if r.gaps.is_empty() {
        let _ = writeln!(o, "<p>No dimension averages under 3.5.</p>");
    } else {
        let _ = writeln!(o, "<ul>");
        for d in &r.gaps {
            let _ = writeln!(
                o,
                "<li><strong>{}</strong> — {:.2} over {} answer(s).{}</li>",
                h(&d.name),
                d.mean,
                d.items,
                if d.advice.is_empty() {
                    String::new()
                } else {
                    format!(" {}", h(&d.advice))
                }
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "<h2>Mistakes seen most</h2>");
    if r.mistakes.is_empty() {
        let _ = writeln!(o, "<p>The coach named no mistake.</p>");
    } else {
        let _ = writeln!(o, "<ul>");
        for m in &r.mistakes {
            let _ = writeln!(
                o,
                "<li><strong>{}</strong> (<code>{}</code>) × {} — {}</li>",
                h(&m.name),
                h(&m.id),
                m.count,
                h(&m.advice)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "</section>");

    let _ = writeln!(o, "<section>\n<h2>Rounds</h2>");
    for s in &r.stages {
        for round in &s.rounds {
            let _ = writeln!(
                o,
                "<h3>{} — {}</h3>\n<p class=\"meta\">{}</p>",
                h(&round.name),
                h(&s.name),
                h(&round_meta(round))
            );
            if !round.items.is_empty() {
                let _ = writeln!(
                    o,
                    "<table>\n<thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Question</th><th scope=\"col\">Score</th><th scope=\"col\">Mistakes</th></tr></thead>\n<tbody>"
                );
                for i in &round.items {
                    let _ = writeln!(
                        o,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        h(&i.key),
                        h(&i.title),
                        i.overall
                            .map_or_else(|| "unanswered".to_string(), |x| format!("{x:.2}")),
                        h(&i.mistakes.join(", "))
                    );
                }
                let _ = writeln!(o, "</tbody>\n</table>");
            }
            let _ = writeln!(o, "<p>Ratings: {}</p>", h(&ratings_line(round)));
            if !round.missing_evidence.is_empty() {
                let _ = writeln!(
                    o,
                    "<p>Missing evidence: {}</p>",
                    h(&round.missing_evidence.join(", "))
                );
            }
        }
    }
    let _ = writeln!(o, "</section>");

    let _ = writeln!(o, "<section>\n<h2>Dimension scores</h2>");
    if r.dimensions.is_empty() {
        let _ = writeln!(o, "<p>No answer yet.</p>");
    } else {
        let _ = write!(o, "<figure>\n{}</figure>\n", dimension_chart(r));
        let _ = writeln!(
            o,
            "<table>\n<thead><tr><th scope=\"col\">Dimension</th><th scope=\"col\">Mean</th><th scope=\"col\">Answers</th></tr></thead>\n<tbody>"
        );
        for d in &r.dimensions {
            let _ = writeln!(
                o,
                "<tr><th scope=\"row\">{}</th><td>{:.2}</td><td>{}</td></tr>",
                h(&d.name),
                d.mean,
                d.items
            );
        }
        let _ = writeln!(o, "</tbody>\n</table>");
    }
    let _ = writeln!(o, "</section>");

    let _ = writeln!(o, "<section>\n<h2>Totals</h2>\n<p>{}</p>", h(&f.totals));
    if !r.notes.is_empty() {
        let _ = writeln!(o, "<h2>Notes</h2>\n<ul>");
        for n in &r.notes {
            let _ = writeln!(o, "<li>{}</li>", h(n));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "</section>");
    let _ = writeln!(
        o,
        "<section>\n<h2>How the decision was reached</h2>\n<ol class=\"trace\">"
    );
    for t in &r.trace {
        let _ = writeln!(
            o,
            "<li><code>{}</code> {}: {}</li>",
            h(&t.rule),
            h(&t.subject),
            h(&t.detail)
        );
    }
    let _ = writeln!(o, "</ol>\n</section>\n</main>\n</body>\n</html>");
    o
}
