//! The grade of one answer: each rubric dimension scored from the signals found, checks against
//! gaming, numbers recomputed, and every effect recorded in a trace.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use hireloop_core::Recommendation;
use hireloop_core::content::{Dimension, Weight};
use serde::Serialize;

use crate::lexicon::Hit;
use crate::numbers::{self, Calculation, Fit, Quantity};
use crate::text::{Analysed, Language, Span};

/// A piece of the answer that a score rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Byte offset of the first byte, in the answer as given.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The text.
    pub text: String,
}

/// The grade of one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct DimensionGrade {
    /// Dimension id.
    pub id: String,
    /// 1.0–4.0 in steps of 0.5, or null when the coach cannot assess it.
    pub score: Option<f64>,
    /// Weight in the rubric.
    pub weight: f64,
    /// What the score rests on.
    pub evidence: Vec<Evidence>,
    /// How to do better; empty when the dimension is strong.
    pub advice: String,
}

/// Which concepts the answer covered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Concepts covered.
    pub hit: Vec<String>,
    /// Concepts missed.
    pub missed: Vec<String>,
}

/// One rule that fired and what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    /// Rule id, such as `two_sided.merchant`.
    pub rule: String,
    /// What it did.
    pub effect: String,
}

/// What the numbers of the answer showed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NumbersReport {
    /// Quantities claimed (years, list numbers and dates left out).
    pub claims: usize,
    /// "From X to Y" statements.
    pub from_to: usize,
    /// Calculations recomputed.
    pub calculations: Vec<Calculation>,
    /// The final figure of an estimate, when the question asks for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_figure: Option<f64>,
    /// How the final figure compares with the sound range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
    /// For an A/B question: the decision the figures imply and the one the answer made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ab: Option<AbCheck>,
}

/// An A/B answer's decision against the figures.
#[derive(Debug, Clone, Serialize)]
pub struct AbCheck {
    /// Revenue per visitor in control.
    pub control_rpv: f64,
    /// Revenue per visitor in treatment.
    pub treatment_rpv: f64,
    /// `ship` or `dont_ship`, from revenue per visitor.
    pub expected: String,
    /// `ship`, `dont_ship` or `unclear`, from the answer.
    pub answer: String,
}

/// The coach's grade of one answer. The JSON form is a stable contract.
#[derive(Debug, Clone, Serialize)]
pub struct Grade {
    /// Question id, or `custom:<family>` for a question outside the bank.
    pub question: String,
    /// Language of the answer.
    pub language: Language,
    /// Weighted score, 1.0–4.0.
    pub overall: f64,
    /// The recommendation the overall score maps to.
    pub recommendation: Recommendation,
    /// Per dimension of the rubric.
    pub dimensions: Vec<DimensionGrade>,
    /// Mistakes found (stable ids).
    pub mistakes: Vec<String>,
    /// Concepts covered and missed.
    pub coverage: Coverage,
    /// Words (English) or segmented words (Chinese) in the answer.
    pub words: usize,
    /// What the numbers showed.
    pub numbers: NumbersReport,
    /// Every rule that fired.
    pub trace: Vec<TraceStep>,
}

/// The question being answered, as the grader needs it.
pub struct Task<'a> {
    /// Id for the report.
    pub id: String,
    /// The prompt.
    pub prompt: &'a str,
    /// The prompt in Chinese, if the bank has it.
    pub prompt_zh: Option<&'a str>,
    /// The salient words of the prompt the answer is compared with (the Chinese one for a
    /// Chinese answer when there is one), computed once per question rather than per answer.
    pub salient: &'a [String],
    /// Rubric.
    pub rubric: &'a [Weight],
    /// Concept labels and weights (from the bank, or the salient words of a custom question).
    pub concepts: Vec<(String, f64)>,
    /// Concept mentions found in the answer (group = concept index).
    pub concept_hits: Vec<Hit>,
    /// Family id.
    pub family: &'a str,
    /// Range of a sound estimate.
    pub estimate: Option<(f64, f64)>,
    /// A/B figures.
    pub ab: Option<hireloop_core::content::AbFacts>,
    /// Per concept: true when it belongs to this question rather than to many (empty: all do).
    pub topical: Vec<bool>,
}

/// Everything found in the answer, shared by the dimension rules.
pub struct Findings<'a, 'b> {
    /// The analysed answer.
    pub a: &'b Analysed<'a>,
    /// Signal mentions, by signal id; negated ones and those in repeated sentences removed.
    pub signals: BTreeMap<&'b str, Vec<Hit>>,
    /// Negated signal mentions, by signal id, to explain.
    pub negated: BTreeMap<&'b str, Vec<Hit>>,
    /// Quantities written in the answer.
    pub quantities: Vec<Quantity>,
    /// Calculations recomputed.
    pub calcs: Vec<Calculation>,
    /// "From X to Y" statements.
    pub from_to: Vec<Span>,
    /// Sentences that repeat an earlier one.
    pub repeated: HashSet<Span>,
    /// Rules fired so far.
    pub trace: Vec<TraceStep>,
}

impl Findings<'_, '_> {
    fn hits(&self, id: &str) -> &[Hit] {
        self.signals.get(id).map_or(&[], Vec::as_slice)
    }

    fn count(&self, id: &str) -> usize {
        self.hits(id).len()
    }

    fn distinct(&self, id: &str) -> usize {
        self.hits(id)
            .iter()
            .map(|h| self.a.lower[h.span.start..h.span.end].trim_end_matches('s'))
            .collect::<HashSet<_>>()
            .len()
    }

    fn fire(&mut self, rule: &str, effect: impl Into<String>) {
        self.trace.push(TraceStep {
            rule: rule.to_string(),
            effect: effect.into(),
        });
    }

    fn evidence<'h>(&self, hits: impl IntoIterator<Item = &'h Hit>) -> Vec<Evidence> {
        let mut spans: Vec<Span> = hits.into_iter().map(|h| h.span).collect();
        spans.sort();
        spans.dedup();
        spans.into_iter().take(6).map(|s| self.ev(s)).collect()
    }

    fn ev(&self, s: Span) -> Evidence {
        Evidence {
            start: s.start,
            end: s.end,
            text: self.a.text[s.start..s.end].to_string(),
        }
    }

    fn claims(&self) -> impl Iterator<Item = &Quantity> {
        self.quantities
            .iter()
            .filter(|q| !q.incidental && !self.repeated.contains(&self.a.sentence_of(q.span.start)))
    }
}

/// Maps a raw measure onto 1–4 through three cut points (the measure at which 2, 3 and 4 are
/// reached), linearly in between, rounded to halves.
pub fn ladder(x: f64, cuts: [f64; 3]) -> f64 {
    let points = [(0.0, 1.0), (cuts[0], 2.0), (cuts[1], 3.0), (cuts[2], 4.0)];
    let mut s = 4.0;
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if x < x1 {
            s = if x <= x0 {
                y0
            } else {
                y0 + (x - x0) / (x1 - x0) * (y1 - y0)
            };
            break;
        }
    }
    half(s)
}

fn half(x: f64) -> f64 {
    ((x * 2.0).round() / 2.0).clamp(1.0, 4.0)
}

/// The score of one dimension with what it rests on.
pub struct Scored {
    /// The score, or none when it cannot be assessed.
    pub score: Option<f64>,
    /// What it rests on.
    pub evidence: Vec<Evidence>,
    /// Specific advice, added to the dimension's general advice when the score is low.
    pub hint: Option<String>,
}

fn scored(score: f64, evidence: Vec<Evidence>, hint: Option<String>) -> Scored {
    Scored {
        score: Some(half(score)),
        evidence,
        hint,
    }
}

/// Scores one dimension.
pub fn score_dimension(dim: &str, f: &mut Findings<'_, '_>, task: &Task<'_>) -> Scored {
    let zh = f.a.language == Language::Zh;
    match dim {
        "structure" => {
            let steps = f.distinct("structure.enumeration");
            let framework = f.count("structure.framework");
            let conclusion = f.count("structure.conclusion");
            let reasoning = f.count("structure.reasoning");
            let raw = match steps {
                0 => 0.0,
                1 => 0.5,
                2 => 1.0,
                _ => 1.3,
            } + if framework > 0 { 0.5 } else { 0.0 }
                + if conclusion > 0 { 0.8 } else { 0.0 }
                + if f.a.blocks >= 3 { 0.5 } else { 0.0 }
                + (reasoning.min(4) as f64) * 0.2;
            f.fire("structure", format!("{steps} ordered step marker(s), {framework} framework(s), {conclusion} conclusion(s), {} block(s), {reasoning} reasoning link(s)", f.a.blocks));
            let ev = f.evidence(
                f.hits("structure.enumeration")
                    .iter()
                    .chain(f.hits("structure.conclusion"))
                    .chain(f.hits("structure.framework")),
            );
            let hint = (conclusion == 0).then(|| {
                "End with a clear recommendation: what you would do first and why.".to_string()
            });
            scored(1.0 + raw.min(3.0), ev, hint)
        }
        "business_focus" => {
            let biz = f.count("business_focus.business");
            let ui = f.count("business_focus.ui");
            let share = if biz + ui == 0 {
                0.0
            } else {
                ui as f64 / (biz + ui) as f64
            };
            let mut s = ladder(biz as f64, [1.0, 3.0, 6.0]);
            if share > 0.2 {
                s -= (share - 0.2) * 6.0;
            }
            f.fire("business_focus", format!("{biz} business term(s), {ui} interface term(s): interface share {:.0}% (aim for at most 20%)", share * 100.0));
            let ev = f.evidence(f.hits("business_focus.business"));
            let hint = (share > 0.3).then(|| format!("About {:.0}% of the product talk is about the interface; move it to revenue drivers, user psychology and operations.", share * 100.0));
            scored(s, ev, hint)
        }
        "quantified_impact" => {
            let claims = f.claims().count();
            let from_to = f.from_to.len();
            let raw = claims as f64 + 1.5 * from_to as f64;
            f.fire(
                "quantified_impact",
                format!("{claims} quantified claim(s), {from_to} from-X-to-Y statement(s)"),
            );
            let ev: Vec<Evidence> = f
                .from_to
                .iter()
                .map(|s| f.ev(*s))
                .chain(f.claims().map(|q| f.ev(q.span)))
                .take(6)
                .collect();
            let hint = (from_to == 0).then(|| "State the change you expect as a before-and-after figure, such as conversion from 3% to 3.5%, and what it is worth.".to_string());
            scored(ladder(raw, [1.0, 3.0, 6.0]), ev, hint)
        }
        "two_sided" => {
            let n = f.count("two_sided.merchant");
            let neg = f.negated.get("two_sided.merchant").map_or(0, Vec::len);
            f.fire(
                "two_sided.merchant",
                format!(
                    "{n} mention(s) of merchants, sellers or partners{}",
                    if neg > 0 {
                        format!("; {neg} negated mention(s) not counted")
                    } else {
                        String::new()
                    }
                ),
            );
            let ev = f.evidence(f.hits("two_sided.merchant"));
            let hint = (n < 2).then(|| "Say what the change means for merchants, brands and logistics partners, and why they would take part.".to_string());
            scored(ladder(n as f64, [1.0, 2.0, 4.0]), ev, hint)
        }
        "ecosystem" => {
            let names = f.distinct("ecosystem.platform");
            let flywheel = f.count("ecosystem.flywheel");
            let raw = names as f64 + if flywheel > 0 { 1.5 } else { 0.0 };
            f.fire("ecosystem", format!("{names} ecosystem platform(s) named, {flywheel} flywheel or network-effect link(s)"));
            let ev = f.evidence(
                f.hits("ecosystem.platform")
                    .iter()
                    .chain(f.hits("ecosystem.flywheel")),
            );
            let hint = (names < 2).then(|| "Tie the product to the ecosystem: Alipay for payment, Cainiao for delivery, and how the feature feeds the flywheel.".to_string());
            scored(ladder(raw, [1.0, 2.5, 4.0]), ev, hint)
        }
        "tradeoffs" => {
            let t = f.count("tradeoffs.tradeoff");
            let d =
                f.count("tradeoffs.decision") + f.count("decision.go") + f.count("decision.no_go");
            let raw = (t.min(3) as f64) + if d > 0 { 1.5 } else { 0.0 };
            f.fire(
                "tradeoffs",
                format!("{t} trade-off marker(s), {d} decision marker(s)"),
            );
            let ev = f.evidence(
                f.hits("tradeoffs.tradeoff")
                    .iter()
                    .chain(f.hits("tradeoffs.decision")),
            );
            let hint = if d == 0 {
                Some("Make the call: say what you would do and under which condition you would change your mind.".to_string())
            } else if t == 0 {
                Some("Name what you give up with your choice and why it is worth it.".to_string())
            } else {
                None
            };
            scored(ladder(raw, [1.0, 2.5, 4.0]), ev, hint)
        }
        "metrics" => {
            let ns = f.count("metrics.north_star");
            let g = f.count("metrics.guardrail");
            let def = f.count("metrics.definition");
            let kpi = f.distinct("metrics.kpi");
            let raw = f64::from(u8::from(ns > 0))
                + f64::from(u8::from(g > 0))
                + f64::from(u8::from(def > 0))
                + (kpi.min(4) as f64) * 0.4;
            f.fire(
                "metrics",
                format!("North Star {ns}, guardrail {g}, definition {def}, {kpi} distinct KPI(s)"),
            );
            let ev = f.evidence(
                f.hits("metrics.north_star")
                    .iter()
                    .chain(f.hits("metrics.guardrail"))
                    .chain(f.hits("metrics.definition"))
                    .chain(f.hits("metrics.kpi")),
            );
            let hint = (g == 0 || ns == 0).then(|| "Name one North Star metric with its exact definition, and the guardrails that must not get worse.".to_string());
            scored(ladder(raw, [0.6, 1.6, 2.8]), ev, hint)
        }
        "star" => score_star(f),
        "embrace_change" | "customer_first" | "simplicity" => {
            let id = format!("{dim}.behaviour");
            let n = f.distinct(&id);
            f.fire(&id, format!("{n} behaviour signal(s)"));
            let ev = f.evidence(f.hits(&id));
            scored(ladder(n as f64, [1.0, 2.0, 4.0]), ev, None)
        }
        "ownership" => {
            let n = f.distinct("ownership.behaviour");
            let owner = f.count("ownership.owner_voice");
            let passenger = f.count("ownership.passenger_voice");
            let mut s = ladder(n as f64 + owner.min(3) as f64 * 0.7, [1.0, 2.5, 4.5]);
            if passenger > owner {
                s -= 1.0;
            }
            f.fire("ownership", format!("{n} ownership behaviour(s); owner's voice {owner}, passenger's voice {passenger}"));
            let ev = f.evidence(
                f.hits("ownership.behaviour")
                    .iter()
                    .chain(f.hits("ownership.owner_voice")),
            );
            let hint = (passenger > owner).then(|| "Speak as the owner: say what you decided and did (\"I decided\", \"I owned\"), not what you were told.".to_string());
            scored(s, ev, hint)
        }
        "coverage" => score_coverage(f, task),
        "estimation" => score_estimation(f, task, zh),
        other => {
            f.fire(
                "dimension.unknown",
                format!("no rule grades `{other}`; left out of the overall"),
            );
            Scored {
                score: None,
                evidence: Vec::new(),
                hint: None,
            }
        }
    }
}

fn score_star(f: &mut Findings<'_, '_>) -> Scored {
    let parts = ["star.situation", "star.task", "star.action", "star.result"];
    let firsts: Vec<Option<usize>> = parts
        .iter()
        .map(|p| f.hits(p).first().map(|h| h.span.start))
        .collect();
    let present = firsts.iter().filter(|x| x.is_some()).count();
    let found: Vec<usize> = firsts.iter().flatten().copied().collect();
    let in_order = present >= 3 && found.windows(2).all(|w| w[0] <= w[1]);
    let result_at = firsts[3];
    let measurable =
        result_at.is_some_and(|r| f.claims().any(|q| q.span.start >= r.saturating_sub(40)));
    let owner = f.count("ownership.owner_voice") > 0
        || f.a.lower.contains(" i ")
        || f.a.text.contains('我');
    let raw = present as f64
        + if in_order { 0.5 } else { 0.0 }
        + if measurable { 1.0 } else { 0.0 }
        + if owner { 0.3 } else { 0.0 };
    f.fire(
        "star",
        format!(
            "{present} of 4 STAR parts{}{}",
            if in_order { ", in order" } else { "" },
            if measurable {
                ", a measurable result"
            } else {
                ", no measured result"
            }
        ),
    );
    let ev = f.evidence(
        parts
            .iter()
            .filter_map(|p| f.hits(p).first())
            .collect::<Vec<_>>(),
    );
    let missing: Vec<&str> = parts
        .iter()
        .zip(&firsts)
        .filter(|(_, x)| x.is_none())
        .map(|(p, _)| p.trim_start_matches("star."))
        .collect();
    let hint = if !missing.is_empty() {
        Some(format!(
            "Tell it as a STAR story; missing: {}.",
            missing.join(", ")
        ))
    } else if !measurable {
        Some("End with the result as a number: what changed, by how much, by when.".to_string())
    } else {
        None
    };
    scored(ladder(raw, [1.5, 3.2, 5.2]), ev, hint)
}

fn score_coverage(f: &mut Findings<'_, '_>, task: &Task<'_>) -> Scored {
    let total: f64 = task.concepts.iter().map(|(_, w)| w).sum();
    let mut hit_w = 0.0;
    let mut hit_groups = BTreeSet::new();
    for h in task
        .concept_hits
        .iter()
        .filter(|h| !h.negated && !f.repeated.contains(&f.a.sentence_of(h.span.start)))
    {
        if hit_groups.insert(h.group) {
            hit_w += task.concepts.get(h.group).map_or(0.0, |c| c.1);
        }
    }
    let frac = if total > 0.0 { hit_w / total } else { 0.0 };
    f.fire(
        "coverage",
        format!(
            "{} of {} concept(s) covered ({:.0}% of the weight)",
            hit_groups.len(),
            task.concepts.len(),
            frac * 100.0
        ),
    );
    let ev = f.evidence(task.concept_hits.iter().filter(|h| !h.negated));
    let missed: Vec<&str> = task
        .concepts
        .iter()
        .enumerate()
        .filter(|(i, _)| !hit_groups.contains(i))
        .map(|(_, c)| c.0.as_str())
        .collect();
    let hint = (!missed.is_empty()).then(|| {
        format!(
            "Not covered: {}.",
            missed
                .iter()
                .take(4)
                .copied()
                .collect::<Vec<_>>()
                .join("; ")
        )
    });
    scored(ladder(frac, [0.2, 0.45, 0.7]), ev, hint)
}

fn score_estimation(f: &mut Findings<'_, '_>, task: &Task<'_>, zh: bool) -> Scored {
    let assumptions = f.count("estimation.assumption");
    let sanity = f.count("estimation.sanity");
    let steps = f.calcs.len();
    let slips = f.calcs.iter().filter(|c| c.slip).count();
    let claims = f.claims().count();
    let mut raw = (assumptions.min(3) as f64) * 0.4
        + (steps.min(3) as f64) * 0.5
        + (claims.min(6) as f64) * 0.15
        + if sanity > 0 { 0.6 } else { 0.0 };
    if slips > 0 {
        raw -= 1.0;
    }
    let mut hint = None;
    if let Some((low, high)) = task.estimate {
        let figure = numbers::final_figure(f.a, &f.quantities, &f.calcs);
        match figure {
            Some((v, _)) => {
                let fit = numbers::fit(v, low, high);
                raw += match fit {
                    Fit::InRange => 1.5,
                    Fit::Close => 1.0,
                    Fit::SameMagnitude => 0.2,
                    Fit::Off => -1.0,
                };
                f.fire(
                    "estimation.fit",
                    format!(
                        "final figure {} is {:?} against the sound range {}–{}",
                        short(v),
                        fit,
                        short(low),
                        short(high)
                    ),
                );
                if matches!(fit, Fit::SameMagnitude | Fit::Off) {
                    hint = Some(format!(
                        "Your result ({}) is far from what the public figures support ({}–{}); check each assumption against a known anchor.",
                        short(v),
                        short(low),
                        short(high)
                    ));
                }
            }
            None => {
                raw -= 0.5;
                f.fire("estimation.fit", "no final figure found");
                hint = Some(
                    "Finish with one number, the result of your chain of assumptions.".to_string(),
                );
            }
        }
    }
    for c in f.calcs.iter().filter(|c| c.slip) {
        let msg = format!(
            "`{}` states {} but the arithmetic gives {}",
            c.text,
            short(c.stated),
            short(c.computed)
        );
        f.trace.push(TraceStep {
            rule: "estimation.arithmetic".into(),
            effect: msg,
        });
    }
    if slips > 0 && hint.is_none() {
        hint = Some(
            "Recheck your arithmetic: one step does not give the result you wrote.".to_string(),
        );
    }
    f.fire("estimation", format!("{assumptions} stated assumption(s), {steps} calculation(s) recomputed, {slips} slip(s), sanity check {}", if sanity > 0 { "yes" } else { "no" }));
    let ev: Vec<Evidence> = f
        .calcs
        .iter()
        .map(|c| f.ev(c.span))
        .chain(f.hits("estimation.assumption").iter().map(|h| f.ev(h.span)))
        .take(6)
        .collect();
    let _ = zh;
    scored(ladder(raw, [0.8, 2.0, 3.4]), ev, hint)
}

/// A number for messages: 2.4e11 → "240B".
pub fn short(x: f64) -> String {
    let a = x.abs();
    let (v, s) = if a >= 1e12 {
        (x / 1e12, "T")
    } else if a >= 1e9 {
        (x / 1e9, "B")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let t = format!("{v:.3}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    format!("{t}{s}")
}

/// Advice for a dimension: the specific hint first, then the rubric's general advice.
pub fn advice(score: Option<f64>, dim: Option<&Dimension>, hint: Option<String>) -> String {
    match score {
        Some(s) if s >= 3.5 => String::new(),
        Some(s) if s >= 3.0 => hint.unwrap_or_default(),
        Some(_) => {
            let general = dim.map(|d| d.advice.as_str()).unwrap_or_default();
            match hint {
                Some(h) if !general.is_empty() => format!("{h} {general}"),
                Some(h) => h,
                None => general.to_string(),
            }
        }
        None => String::new(),
    }
}

/// Words that carry little meaning, left out when comparing a custom question with an answer.
pub const STOPWORDS: [&str; 64] = [
    "the", "and", "for", "with", "that", "this", "from", "your", "you", "would", "what", "how",
    "why", "when", "which", "will", "should", "could", "into", "about", "have", "has", "are",
    "was", "were", "been", "their", "they", "them", "there", "then", "than", "more", "most",
    "such", "also", "only", "each", "other", "some", "any", "all", "can", "does", "did", "not",
    "but", "our", "out", "over", "under", "make", "like", "just", "very", "much", "many", "who",
    "whom", "its", "it's", "let", "tell", "walk",
];
