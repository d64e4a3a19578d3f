//! What `hireloop practice` prints: items, clocks, feedback, loop lists and reports, each
//! rendered into a `String`.

use std::fmt::Write as _;

use hireloop_core::content::Content;
use hireloop_core::decision::Verdict;
use hireloop_practice::feedback::{FeedbackDetail, KeyedResult, ResumeResult, ResumeSuggestion};
use hireloop_practice::outcome::Outcome;
use hireloop_practice::{
    ItemFeedback, Language, LoopReport, PracticeItem, PracticeRound, PracticeSetup,
};
use hireloop_store::{Clock, LoopStatus, User};
use hireloop_web::service::{LoopState, option_letter};
use serde_json::{Value, json};

use crate::text::{table, thousands, wrap};

/// Columns text is wrapped to.
pub(crate) const COLS: usize = 88;
/// Evidence snippets shown per dimension.
const SNIPPETS: usize = 3;
/// Characters of a snippet shown before it is cut.
const SNIPPET_CHARS: usize = 100;

/// `2025-03-01 09:30 UTC` for milliseconds since the Unix epoch.
pub(crate) fn utc(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(
        |_| format!("{ms} ms"),
        |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// A span of time for people: `45 s`, `12 min`, `2 h 05 min`.
pub(crate) fn span(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h {:02} min", s / 3600, s % 3600 / 60)
    }
}

fn language_name(l: Language) -> &'static str {
    match l {
        Language::En => "English",
        Language::Zh => "Chinese",
    }
}

/// `P6 · china · prompts in English · seed 42`.
pub(crate) fn setup_line(s: &PracticeSetup) -> String {
    format!(
        "{} · {} · prompts in {} · seed {}",
        s.level,
        s.region,
        language_name(s.language),
        s.seed
    )
}

fn answered(ls: &LoopState) -> usize {
    ls.plan.items().filter(|i| ls.submitted(&i.key)).count()
}

/// The opening lines of a session on a loop.
pub(crate) fn loop_header(ls: &LoopState) -> String {
    let p = &ls.plan;
    let stages = stage_count(p.rounds.as_slice());
    let total = p.items().count();
    let mut o = String::new();
    let _ = writeln!(o, "\n{} — loop {}", p.pipeline_name, ls.record.id);
    let _ = writeln!(
        o,
        "{} · {} · prompts in {} · seed {} · started {}",
        p.setup.level,
        p.region_name,
        language_name(p.setup.language),
        p.setup.seed,
        utc(ls.record.created_ms)
    );
    let _ = writeln!(
        o,
        "{total} item(s) in {} round(s) across {stages} stage(s); {} answered. The rounds' clocks add up to {}.",
        p.rounds.len(),
        answered(ls),
        span(i64::from(p.interview_minutes) * 60_000)
    );
    o.push('\n');
    o.push_str(&help());
    o
}

/// How to answer, and the commands.
pub(crate) fn help() -> String {
    let mut o = String::new();
    o.push_str(&wrap(
        "Written answers take as many lines as you like; end with a line holding only `.`. A blank line between paragraphs saves a draft, here and in the web app. Multiple choice: type the letter.",
        COLS,
        "",
    ));
    o.push_str("Commands, on a line of their own:\n");
    o.push_str(&table(&[
        vec!["  :skip".into(), "leave this question for later".into()],
        vec![
            "  :save".into(),
            "keep what you wrote as a draft and stop here".into(),
        ],
        vec![
            "  :quit".into(),
            "stop here (asks whether to keep what you wrote)".into(),
        ],
        vec!["  :clear".into(), "start this answer over".into()],
        vec!["  :help".into(), "show this again".into()],
    ]));
    o
}

fn stage_count(rounds: &[PracticeRound]) -> usize {
    let mut ids: Vec<&str> = Vec::new();
    for r in rounds {
        if !ids.contains(&r.stage_id.as_str()) {
            ids.push(&r.stage_id);
        }
    }
    ids.len()
}

/// The header of a round: its stage, its interviewer, its clock.
pub(crate) fn round_header(ls: &LoopState, round: &PracticeRound) -> String {
    let rounds = &ls.plan.rounds;
    let stages = stage_count(rounds);
    let upto = rounds
        .iter()
        .position(|r| r.round_id == round.round_id)
        .map_or(stages, |i| stage_count(&rounds[..=i]));
    let mut o = String::new();
    let in_stage: Vec<&PracticeRound> = rounds
        .iter()
        .filter(|r| r.stage_id == round.stage_id)
        .collect();
    let part = match in_stage.iter().position(|r| r.round_id == round.round_id) {
        Some(i) if in_stage.len() > 1 => format!(", round {} of {}", i + 1, in_stage.len()),
        _ => String::new(),
    };
    let title = format!("Stage {upto} of {stages} · {}{part}", round.stage_name);
    let _ = writeln!(o, "\n{title}\n{}", "=".repeat(crate::text::width(&title)));
    let who = match &round.interviewer_title {
        Some(t) => format!("{} ({t})", round.interviewer.id()),
        None => round.interviewer.id().to_owned(),
    };
    let _ = writeln!(
        o,
        "Round: {} · {} min · interviewer: {who}",
        round.round_name, round.duration_minutes
    );
    if round.short_by > 0 {
        o.push_str(&wrap(
            &format!(
                "Note: the question bank had {} question(s) fewer than this round asks for.",
                round.short_by
            ),
            COLS,
            "",
        ));
    }
    o
}

/// The state of a round's clock at `now_ms`.
pub(crate) fn clock_line(clock: &Clock, now_ms: i64, fresh: bool) -> String {
    let left = clock.deadline_ms - now_ms;
    if fresh {
        format!(
            "\n⏱ The clock starts now: {} for this round.\n",
            span(clock.deadline_ms - clock.started_ms)
        )
    } else if left > 0 {
        format!(
            "\n⏱ {} left of {} (the clock started {}).\n",
            span(left + 59_999),
            span(clock.deadline_ms - clock.started_ms),
            utc(clock.started_ms)
        )
    } else {
        wrap(
            &format!(
                "⏱ Over time by {}: answers are still accepted, and the report notes the time taken.",
                span(-left)
            ),
            COLS,
            "\n",
        )
    }
}

/// An item as asked.
pub(crate) fn item(ls: &LoopState, item: &PracticeItem) -> String {
    let total = ls.plan.items().count();
    let n = ls
        .plan
        .items()
        .position(|i| i.key == item.key)
        .map_or(0, |i| i + 1);
    let mut o = String::new();
    let minutes = item
        .minutes
        .map(|m| format!(" · about {m} min"))
        .unwrap_or_default();
    let _ = writeln!(o, "\n[{n}/{total}] {} ({}{minutes})", item.title, item.key);
    o.push_str(&wrap(item.prompt.trim(), COLS, "  "));
    for (i, option) in item.options.iter().enumerate() {
        o.push_str(&wrap(option, COLS, &format!("    {}. ", option_letter(i))));
    }
    o
}

fn bar(score: f64) -> String {
    let filled = (score / 4.0 * 12.0).round().clamp(0.0, 12.0) as usize;
    format!("{}{}", "█".repeat(filled), "·".repeat(12 - filled))
}

/// Whitespace collapsed, and cut to `max` characters.
fn snippet(s: &str, max: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

fn dimension_name<'c>(content: &'c Content, id: &'c str) -> &'c str {
    content.dimension(id).map_or(id, |d| d.name.as_str())
}

/// The feedback on a submitted answer.
pub(crate) fn feedback(
    content: &Content,
    item: &PracticeItem,
    f: &ItemFeedback,
    fresh: bool,
) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "\n--- Feedback on {} ---", item.title);
    if !fresh {
        o.push_str(&wrap(
            "This item was already submitted (in another window or tab); its first grading stands.",
            COLS,
            "",
        ));
    }
    let _ = writeln!(
        o,
        "Score {:.2} / 4  {}  → {}",
        f.overall,
        bar(f.overall),
        f.recommendation
    );
    match &f.detail {
        FeedbackDetail::Keyed(k) => keyed(&mut o, k),
        FeedbackDetail::Resume(r) => resume(&mut o, r),
        FeedbackDetail::Open(_) => {}
    }
    if !f.scores.is_empty() {
        let _ = writeln!(o, "\nBy dimension");
        let w = f
            .scores
            .iter()
            .map(|s| crate::text::width(dimension_name(content, &s.dimension)))
            .max()
            .unwrap_or(0);
        for s in &f.scores {
            let name = dimension_name(content, &s.dimension);
            let pad = " ".repeat(w - crate::text::width(name));
            let _ = writeln!(o, "  {name}{pad}  {:.1}  {}", s.score, bar(s.score));
            if !s.advice.is_empty() {
                o.push_str(&wrap(&s.advice, COLS, "      → "));
            }
        }
    }
    if !f.mistakes.is_empty() {
        let _ = writeln!(o, "\nMistakes");
        for id in &f.mistakes {
            match content.mistakes.iter().find(|m| m.id == *id) {
                Some(m) => o.push_str(&wrap(
                    &format!("{} ({id}) — {}", m.name, m.advice),
                    COLS,
                    "  ✗ ",
                )),
                None => {
                    let _ = writeln!(o, "  ✗ {id}");
                }
            }
        }
    }
    if let FeedbackDetail::Open(g) = &f.detail {
        let with_evidence: Vec<_> = g
            .dimensions
            .iter()
            .filter(|d| !d.evidence.is_empty())
            .collect();
        if !with_evidence.is_empty() {
            let _ = writeln!(o, "\nEvidence the coach counted");
            for d in with_evidence {
                let mut quotes: Vec<String> = Vec::new();
                for e in &d.evidence {
                    let q = format!("“{}”", snippet(&e.text, SNIPPET_CHARS));
                    if !quotes.contains(&q) {
                        quotes.push(q);
                    }
                }
                let more = quotes.len().saturating_sub(SNIPPETS);
                quotes.truncate(SNIPPETS);
                let more = if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                };
                o.push_str(&wrap(
                    &format!(
                        "{}: {}{more}",
                        dimension_name(content, &d.id),
                        quotes.join(" · ")
                    ),
                    COLS,
                    "  ",
                ));
            }
        }
        if !g.coverage.missed.is_empty() {
            let _ = writeln!(o, "\nNot covered");
            for m in &g.coverage.missed {
                o.push_str(&wrap(m, COLS, "  ○ "));
            }
        }
        for c in g.numbers.calculations.iter().filter(|c| c.slip) {
            o.push_str(&wrap(
                &format!(
                    "Calculation slip: “{}” gives {} when recomputed.",
                    snippet(&c.text, SNIPPET_CHARS),
                    c.computed
                ),
                COLS,
                "  ✗ ",
            ));
        }
        if let Some(ab) = &g.numbers.ab
            && ab.answer != ab.expected
        {
            o.push_str(&wrap(
                &format!(
                    "Revenue per visitor goes from {:.2} to {:.2}, which says `{}`; the answer says `{}`.",
                    ab.control_rpv, ab.treatment_rpv, ab.expected, ab.answer
                ),
                COLS,
                "  ✗ ",
            ));
        }
    }
    if let Some(ms) = f.elapsed_ms {
        let _ = writeln!(
            o,
            "\nTime since the round's clock started: {}",
            span(i64::try_from(ms).unwrap_or(i64::MAX))
        );
    }
    if !item.probes.is_empty() {
        let _ = writeln!(o, "\nFollow-up probes an interviewer would ask next");
        for p in &item.probes {
            o.push_str(&wrap(p, COLS, "  - "));
        }
    }
    if !f.outline.is_empty() {
        let _ = writeln!(o, "\nModel outline");
        for (i, line) in f.outline.iter().enumerate() {
            o.push_str(&wrap(line, COLS, &format!("  {}. ", i + 1)));
        }
    }
    o
}

fn keyed(o: &mut String, k: &KeyedResult) {
    let letter = |i: Option<usize>| {
        i.map(|i| format!("{}. ", option_letter(i)))
            .unwrap_or_default()
    };
    let line = if k.correct {
        format!("✓ Correct: {}{}", letter(k.chosen), k.given)
    } else {
        format!(
            "✗ Wrong: you answered {}{}; the correct answer is {}{}",
            letter(k.chosen),
            k.given,
            letter(k.correct_option),
            k.correct_answer
        )
    };
    o.push_str(&wrap(&line, COLS, ""));
    if !k.explanation.is_empty() {
        o.push_str(&wrap(&k.explanation, COLS, "  Why: "));
    }
}

fn resume(o: &mut String, r: &ResumeResult) {
    let word = match r.suggestion {
        ResumeSuggestion::Advance => "advance to the next stage",
        ResumeSuggestion::Hold => "hold: some of what the stage looks for is missing",
        ResumeSuggestion::Reject => "reject: nothing the stage looks for is there",
    };
    let _ = writeln!(o, "Screening: {word}");
    for reason in &r.reasons {
        o.push_str(&wrap(reason, COLS, "  - "));
    }
    if let Some(y) = r.years {
        let band = r
            .level_band
            .as_deref()
            .map(|b| format!(", which suggests {b}"))
            .unwrap_or_default();
        let _ = writeln!(o, "  {y:.1} year(s) of dated experience{band}");
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\nWhat the screener found");
        // A sentence may show several things: once, with all of them.
        let mut sentences: Vec<(usize, Vec<&str>, &str)> = Vec::new();
        for f in &r.findings {
            match sentences.iter_mut().find(|s| s.0 == f.start) {
                Some(s) if !s.1.contains(&f.aspect.as_str()) => s.1.push(&f.aspect),
                Some(_) => {}
                None => sentences.push((f.start, vec![&f.aspect], &f.text)),
            }
        }
        for (_, aspects, text) in sentences {
            o.push_str(&wrap(
                &format!("{}: “{}”", aspects.join(", "), snippet(text, SNIPPET_CHARS)),
                COLS,
                "  ",
            ));
        }
    }
}

/// `--list` as text.
pub(crate) fn list_text(loops: &[LoopState], user: &User, again: &str) -> String {
    let mut o = String::new();
    if loops.is_empty() {
        let _ = writeln!(
            o,
            "{} has no practice loop yet; `{again}` starts one.",
            user.email
        );
        return o;
    }
    let mut rows = vec![vec![
        "ID".into(),
        "STARTED".into(),
        "STATUS".into(),
        "ANSWERED".into(),
        "SETUP".into(),
        "DECISION".into(),
    ]];
    for ls in loops {
        let decision = match ls.record.status {
            LoopStatus::Running => "–".to_owned(),
            LoopStatus::Finished => ls
                .record
                .report
                .as_deref()
                .and_then(|r| serde_json::from_str::<LoopReport>(r).ok())
                .map_or_else(|| "?".to_owned(), |r| verdict_word(r.decision).to_owned()),
        };
        rows.push(vec![
            ls.record.id.clone(),
            utc(ls.record.created_ms),
            status_word(ls.record.status).into(),
            format!("{}/{}", answered(ls), ls.plan.items().count()),
            format!(
                "{} {} {}",
                ls.plan.setup.level, ls.plan.setup.region, ls.plan.setup.language
            ),
            decision,
        ]);
    }
    o.push_str(&table(&rows));
    let _ = writeln!(
        o,
        "\nContinue a loop with `{again} --loop ID`; see a report with `{again} --report ID`."
    );
    o
}

/// `--list` as JSON.
pub(crate) fn list_json(loops: &[LoopState]) -> Value {
    Value::Array(
        loops
            .iter()
            .map(|ls| {
                json!({
                    "id": ls.record.id,
                    "started_ms": ls.record.created_ms,
                    "finished_ms": ls.record.finished_ms,
                    "status": status_word(ls.record.status),
                    "answered": answered(ls),
                    "items": ls.plan.items().count(),
                    "setup": ls.plan.setup,
                })
            })
            .collect(),
    )
}

fn status_word(s: LoopStatus) -> &'static str {
    match s {
        LoopStatus::Running => "running",
        LoopStatus::Finished => "finished",
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Hire => "HIRE",
        Verdict::Reject => "REJECT",
        Verdict::Incomplete => "INCOMPLETE",
    }
}

fn score(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{x:.2}"))
}

/// A report as readable text.
pub(crate) fn report_text(r: &LoopReport) -> String {
    let mut o = String::new();
    let title = format!("Practice loop report: {}", r.pipeline_name);
    let _ = writeln!(o, "\n{title}\n{}", "=".repeat(crate::text::width(&title)));
    let _ = writeln!(
        o,
        "{} · {} · prompts in {} · seed {}",
        r.setup.level,
        r.region_name,
        language_name(r.setup.language),
        r.setup.seed
    );
    if r.partial {
        o.push_str(&wrap(
            &format!(
                "Partial: the loop is still running ({} of {} items answered). Stages not reached yet are pending, and the decision may change.",
                r.totals.answered, r.totals.items
            ),
            COLS,
            "",
        ));
    }
    let _ = writeln!(o, "\nDecision: {}", verdict_word(r.decision));
    o.push_str(&wrap(&r.reason, COLS, "  "));
    if let Some(v) = &r.veto {
        let who = v
            .holder_title
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        o.push_str(&wrap(
            &format!(
                "Veto: the {}{who} said {} in round {}: the culture-fit gate rejects whatever the other rounds said.",
                v.holder.id(),
                v.recommendation,
                v.round
            ),
            COLS,
            "  ",
        ));
    }

    let _ = writeln!(o, "\nStages and gates");
    for s in &r.stages {
        let (mark, word) = match s.outcome {
            Outcome::Passed => ("✓", "passed"),
            Outcome::Failed => ("✗", "failed"),
            Outcome::Pending => ("…", "pending"),
        };
        let gate = if s.hard_gate && !s.gate.contains("hard gate") {
            format!("hard gate: {}", s.gate)
        } else {
            s.gate.clone()
        };
        let _ = writeln!(o, "  {mark} {} — {word}, score {}", s.name, score(s.score));
        o.push_str(&wrap(&format!("gate: {gate}"), COLS, "      "));
        if !s.reason.is_empty() {
            o.push_str(&wrap(&s.reason, COLS, "      "));
        }
    }

    let _ = writeln!(o, "\nLevel and pay");
    match &r.level {
        Some(l) => {
            let est = l
                .estimated
                .map_or_else(|| "no level fits".to_owned(), |e| e.to_string());
            o.push_str(&wrap(
                &format!(
                    "Estimated level: {est} (applied for {}; loop score {:.2}) — {}",
                    l.applied, l.loop_score, l.rule
                ),
                COLS,
                "  ",
            ));
        }
        None => {
            let _ = writeln!(
                o,
                "  No level can be estimated yet: no interview stage has a score."
            );
        }
    }
    if let Some(b) = &r.band {
        let basis = if b.estimate {
            "an estimate"
        } else {
            "from the source"
        };
        let note = b
            .note
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        o.push_str(&wrap(
            &format!(
                "Pay band for {}: {} {}–{} a year ({basis}).{note}",
                b.level,
                b.currency,
                thousands(b.min),
                thousands(b.max)
            ),
            COLS,
            "  ",
        ));
    }

    let _ = writeln!(o, "\nStrengths");
    if r.strengths.is_empty() {
        let _ = writeln!(o, "  No dimension averages 3 or more yet.");
    }
    for d in &r.strengths {
        let _ = writeln!(o, "  + {} {:.2} over {} answer(s)", d.name, d.mean, d.items);
    }
    let _ = writeln!(o, "\nGaps");
    if r.gaps.is_empty() {
        let _ = writeln!(o, "  No dimension averages under 3.5.");
    }
    for d in &r.gaps {
        let _ = writeln!(o, "  - {} {:.2} over {} answer(s)", d.name, d.mean, d.items);
        if !d.advice.is_empty() {
            o.push_str(&wrap(&d.advice, COLS, "      → "));
        }
    }
    if !r.mistakes.is_empty() {
        let _ = writeln!(o, "\nMistakes seen most");
        for m in &r.mistakes {
            o.push_str(&wrap(
                &format!("{} ({}) × {} — {}", m.name, m.id, m.count, m.advice),
                COLS,
                "  ✗ ",
            ));
        }
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o, "\nNotes");
        for n in &r.notes {
            o.push_str(&wrap(n, COLS, "  - "));
        }
    }
    let t = &r.totals;
    let used = t
        .time_used_ms
        .map(|ms| {
            format!(
                "; time used {}",
                span(i64::try_from(ms).unwrap_or(i64::MAX))
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "\n{} item(s): {} answered, {} unanswered; the rounds' clocks add up to {}{used}.",
        t.items,
        t.answered,
        t.unanswered,
        span(i64::from(t.planned_minutes) * 60_000)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_709_251_199_000), "2024-02-29 23:59 UTC");
        assert_eq!(utc(-86_400_000), "1969-12-31 00:00 UTC");
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(45_000), "45 s");
        assert_eq!(span(12 * 60_000), "12 min");
        assert_eq!(span(125 * 60_000), "2 h 05 min");
        assert_eq!(span(-5), "0 s");
    }

    #[test]
    fn open_feedback_quotes_the_evidence_and_lists_probes_and_outline() {
        let content = Content::builtin().unwrap();
        let setup = PracticeSetup::parse(&content, "alibaba-pm", "P6", "china", "en", 1).unwrap();
        let plan = hireloop_practice::LoopPlan::build(&content, &setup, &[]).unwrap();
        let item = plan
            .items()
            .find(|i| i.kind == hireloop_practice::ItemKind::Open && !i.probes.is_empty())
            .unwrap();
        let answer = "First, I would clarify the goal: grow GMV for merchants while buyers stay happy. \
            Second, I would segment buyers and merchants. I owned a similar launch: conversion rose \
            from 3% to 3.6% in 8 weeks. The trade-off is ad load against retention, so I would set \
            a guardrail metric and run an A/B test.";
        let coach = hireloop_coach::Coach::new(&content);
        let f = hireloop_practice::grade_item(
            &coach,
            &content,
            &plan,
            &item.key,
            &hireloop_practice::Answer::Text(answer.into()),
            0,
        )
        .unwrap();
        let out = feedback(&content, item, &f, true);
        for part in [
            "Score ",
            "By dimension",
            "Evidence the coach counted",
            "“",
            "Follow-up probes",
            "Model outline",
        ] {
            assert!(out.contains(part), "missing {part:?} in:\n{out}");
        }
        assert!(!out.contains("already submitted"), "{out}");
    }

    #[test]
    fn clocks_show_time_left_and_warn_when_over() {
        let clock = Clock {
            round_id: "r".into(),
            started_ms: 0,
            deadline_ms: 60 * 60_000,
        };
        assert!(clock_line(&clock, 0, true).contains("starts now: 1 h 00 min"));
        assert!(clock_line(&clock, 15 * 60_000, false).contains("45 min left of 1 h 00 min"));
        let over = clock_line(&clock, 65 * 60_000, false);
        assert!(over.contains("Over time by 5 min"), "{over}");
        assert!(over.contains("still accepted"), "{over}");
    }

    #[test]
    fn snippets_are_flattened_and_cut() {
        assert_eq!(snippet("a\n  b", 10), "a b");
        assert_eq!(snippet("abcdef", 3), "abc…");
    }
}
