//! The coach: deterministic, explainable grading of interview answers in English and Simplified
//! Chinese.
//!
//! Every point of a grade comes from a rule over data in `content/` (the lexicon of signals, the
//! question's concepts, rubric and figures) and the exact spans of the answer that triggered it.
//! The same answer always gets the same grade, byte for byte. The coach is hard to fool on
//! purpose: mentions under negation do not count, repeated sentences count once, lists of
//! buzzwords without reasoning, answers to another question and very short answers are capped and
//! named in `mistakes`, and numbers are recomputed rather than trusted.
//!
//! Pure: no I/O. The Chinese segmenter's dictionary is built once per process.

pub mod grade;
pub mod lexicon;
pub mod numbers;
pub mod resume;
pub mod text;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use hireloop_core::Content;
use hireloop_core::content::{Question, Weight};

use grade::{Coverage, DimensionGrade, Findings, Grade, NumbersReport, Task, TraceStep};
use lexicon::{Hit, Negation, TermSet};
use text::{Analysed, Language, Span};

/// The largest answer graded, in bytes: a long written answer is a few thousand.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Why an answer could not be graded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoachError {
    /// No such question in the bank.
    #[error("no question `{0}` in the bank")]
    UnknownQuestion(String),
    /// No such family.
    #[error("no question family `{0}`; known: {1}")]
    UnknownFamily(String, String),
    /// The answer is too large.
    #[error("the answer is {0} bytes; the coach grades answers up to {MAX_ANSWER_BYTES} bytes")]
    TooLarge(usize),
    /// A custom question without text.
    #[error("the question text is empty")]
    EmptyQuestion,
}

/// The coach, ready to grade against one content set.
pub struct Coach<'c> {
    content: &'c Content,
    signals: TermSet,
    /// Per signal (group of `signals`): the index of its id in `signal_ids`.
    signal_slot: Vec<usize>,
    /// The distinct signal ids, in lexicon order.
    signal_ids: Vec<&'c str>,
    negation: Negation,
    /// What each question of the bank needs for grading, by question id, compiled on first use: a
    /// command grades one question, a server many, and neither should pay for the whole bank up
    /// front.
    questions: HashMap<&'c str, Prepared<'c>>,
    /// Concept ids shared by many questions (such as the parts of a STAR story): they show an
    /// answer has the right shape, not that it answers this question.
    generic_concepts: HashSet<&'c str>,
    /// The resume screener, compiled on first use and kept: building its term automaton costs
    /// more than screening a resume.
    screener: OnceLock<resume::Screener>,
}

/// One question of the bank with what grading it needs, each part computed on first use.
struct Prepared<'c> {
    question: &'c Question,
    /// The question's concepts as one term set.
    concepts: OnceLock<TermSet>,
    /// The salient words of the English prompt.
    salient_en: OnceLock<Vec<String>>,
    /// The salient words of the Chinese prompt. Apart from the English ones because finding them
    /// needs the Chinese segmenter, which an English answer should not have to load.
    salient_zh: OnceLock<Vec<String>>,
}

impl<'c> Prepared<'c> {
    fn new(question: &'c Question) -> Self {
        Prepared {
            question,
            concepts: OnceLock::new(),
            salient_en: OnceLock::new(),
            salient_zh: OnceLock::new(),
        }
    }

    fn concepts(&self) -> &TermSet {
        self.concepts.get_or_init(|| concept_set(self.question))
    }

    /// The salient words of the prompt an answer in `language` is compared with: the Chinese
    /// prompt for a Chinese answer when there is one, else the English one.
    fn salient(&self, language: Language) -> &[String] {
        match (language, &self.question.prompt_zh) {
            (Language::Zh, Some(zh)) => self.salient_zh.get_or_init(|| salient_words(zh)),
            _ => self
                .salient_en
                .get_or_init(|| salient_words(&self.question.prompt)),
        }
    }
}

/// Caps on the overall score when an answer games the rubric or cannot be judged.
const CAP_TOO_SHORT: f64 = 1.5;
const CAP_VERY_SHORT: f64 = 1.0;
const CAP_OFF_TOPIC: f64 = 1.0;
const CAP_STUFFING: f64 = 1.5;
const CAP_REPETITION: f64 = 1.5;
const CAP_WRONG_DECISION: f64 = 2.0;

impl<'c> Coach<'c> {
    /// Compiles the lexicons; question concepts are compiled when first graded.
    pub fn new(content: &'c Content) -> Self {
        let lex = &content.lexicon;
        let groups: Vec<Vec<&str>> = lex
            .signals
            .iter()
            .map(|s| s.en.iter().chain(&s.zh).map(String::as_str).collect())
            .collect();
        // The first of questions with the same id wins, as in `Content::question`.
        let mut questions = HashMap::with_capacity(content.questions.len());
        for q in &content.questions {
            questions
                .entry(q.id.as_str())
                .or_insert_with(|| Prepared::new(q));
        }
        // Mentions are gathered per signal id; ids are unique in checked content, but a repeated
        // id still gathers the mentions of all its signals together.
        let mut signal_ids: Vec<&str> = Vec::with_capacity(lex.signals.len());
        let signal_slot = lex
            .signals
            .iter()
            .map(|s| {
                signal_ids
                    .iter()
                    .position(|id| *id == s.id)
                    .unwrap_or_else(|| {
                        signal_ids.push(&s.id);
                        signal_ids.len() - 1
                    })
            })
            .collect();
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for q in &content.questions {
            for k in &q.concepts {
                *uses.entry(k.id.as_str()).or_default() += 1;
            }
        }
        Coach {
            generic_concepts: uses
                .into_iter()
                .filter(|(_, n)| *n >= 3)
                .map(|(id, _)| id)
                .collect(),
            content,
            signals: TermSet::new(&groups),
            signal_slot,
            signal_ids,
            negation: Negation::new(&lex.negation_en, &lex.negation_zh),
            questions,
            screener: OnceLock::new(),
        }
    }

    /// The resume screener for this coach's content, built once.
    pub fn screener(&self) -> &resume::Screener {
        self.screener
            .get_or_init(|| resume::Screener::new(self.content))
    }

    /// Compiles now what is otherwise compiled on first use: every question's concepts and
    /// salient words, the resume screener and the Chinese segmenter. A server calls this as it
    /// starts, so the first candidates after a restart do not wait for it (together it takes a
    /// good part of a second).
    pub fn warm(&self) {
        text::jieba();
        for c in self.questions.values() {
            c.concepts();
            c.salient(Language::En);
            c.salient(Language::Zh);
        }
        self.screener();
    }

    /// Grades an answer to a question of the bank.
    pub fn grade_question(&self, id: &str, answer: &str) -> Result<Grade, CoachError> {
        let c = self
            .questions
            .get(id)
            .ok_or_else(|| CoachError::UnknownQuestion(id.to_string()))?;
        let q = c.question;
        check_size(answer)?;
        let a = text::analyse(answer);
        let concept_hits = c.concepts().find(&a, &self.negation);
        let mut task = task_of(q, concept_hits, c.salient(a.language));
        task.topical = q
            .concepts
            .iter()
            .map(|k| !self.generic_concepts.contains(k.id.as_str()))
            .collect();
        Ok(self.grade(&a, &task))
    }

    /// Grades an answer to a question outside the bank, with its family's generic rubric; the
    /// question's own salient words stand in for concepts.
    pub fn grade_custom(
        &self,
        family: &str,
        question: &str,
        answer: &str,
    ) -> Result<Grade, CoachError> {
        let fam = self.content.family(family).ok_or_else(|| {
            let known: Vec<&str> = self
                .content
                .families
                .iter()
                .map(|f| f.id.as_str())
                .collect();
            CoachError::UnknownFamily(family.to_string(), known.join(", "))
        })?;
        if question.trim().is_empty() {
            return Err(CoachError::EmptyQuestion);
        }
        check_size(answer)?;
        check_size(question)?;
        let words = salient_words(question);
        let set = TermSet::new(&words.iter().map(|w| vec![w.as_str()]).collect::<Vec<_>>());
        let a = text::analyse(answer);
        let concept_hits = set.find(&a, &self.negation);
        let task = Task {
            id: format!("custom:{family}"),
            prompt: question,
            prompt_zh: None,
            salient: &words,
            rubric: &fam.rubric,
            concepts: words.iter().map(|w| (w.clone(), 1.0)).collect(),
            concept_hits,
            family: &fam.id,
            estimate: None,
            ab: None,
            topical: Vec::new(),
        };
        Ok(self.grade(&a, &task))
    }

    fn grade(&self, a: &Analysed<'_>, task: &Task<'_>) -> Grade {
        let repeated = repeated_sentences(a);
        let all = self.signals.find(a, &self.negation);
        // Gathered by the index of the signal id first: cheaper than a map lookup by id per
        // mention.
        let mut kept: Vec<Vec<Hit>> = vec![Vec::new(); self.signal_ids.len()];
        let mut under_negation: Vec<Vec<Hit>> = vec![Vec::new(); self.signal_ids.len()];
        for h in &all {
            let slot = self.signal_slot[h.group];
            if h.negated {
                under_negation[slot].push(*h);
            } else if !repeated.contains(&a.sentence_of(h.span.start)) {
                kept[slot].push(*h);
            }
        }
        let by_id = |slots: Vec<Vec<Hit>>| -> BTreeMap<&str, Vec<Hit>> {
            self.signal_ids
                .iter()
                .copied()
                .zip(slots)
                .filter(|(_, hits)| !hits.is_empty())
                .collect()
        };
        let signals = by_id(kept);
        let negated = by_id(under_negation);
        let quantities = numbers::quantities(a);
        let calcs = numbers::calculations(a, &quantities);
        let from_to = numbers::from_to_claims(a, &quantities);
        let mut f = Findings {
            a,
            signals,
            negated,
            quantities,
            calcs,
            from_to,
            repeated,
            trace: Vec::new(),
        };
        f.trace.push(TraceStep {
            rule: "language".into(),
            effect: format!(
                "{} answer of {} word(s) in {} sentence(s)",
                if a.language == Language::Zh {
                    "Chinese"
                } else {
                    "English"
                },
                a.word_count(),
                a.sentences.len()
            ),
        });
        for (id, hits) in &f.negated {
            let texts: Vec<&str> = hits
                .iter()
                .map(|h| &a.text[h.span.start..h.span.end])
                .collect();
            f.trace.push(TraceStep {
                rule: format!("{id}.negated"),
                effect: format!("not counted, under negation: {}", texts.join(", ")),
            });
        }

        let mut dimensions = Vec::new();
        for Weight { dimension, weight } in task.rubric {
            let s = grade::score_dimension(dimension, &mut f, task);
            let dim = self.content.dimension(dimension);
            dimensions.push(DimensionGrade {
                id: dimension.clone(),
                score: s.score,
                weight: *weight,
                evidence: s.evidence,
                advice: grade::advice(s.score, dim, s.hint),
            });
        }

        let mut m = Mistakes {
            ids: Vec::new(),
            cap: 4.0,
        };

        // Gaming and answers that cannot be judged.
        let words = a.word_count();
        let (short, very_short) = match a.language {
            Language::En => (60, 20),
            Language::Zh => (80, 30),
        };
        if words < very_short {
            m.capped(
                &mut f,
                "too_short",
                CAP_VERY_SHORT,
                format!("{words} words"),
            );
        } else if words < short {
            m.capped(
                &mut f,
                "too_short",
                CAP_TOO_SHORT,
                format!("{words} words; a spoken answer of a few minutes has several hundred"),
            );
        }
        let rep_share = if a.sentences.is_empty() {
            0.0
        } else {
            f.repeated.len() as f64 / a.sentences.len() as f64
        };
        if a.sentences.len() >= 4 && rep_share >= 0.3 {
            m.capped(
                &mut f,
                "repetition",
                CAP_REPETITION,
                format!(
                    "{:.0}% of the sentences repeat an earlier one; repeats count once",
                    rep_share * 100.0
                ),
            );
        }
        let (stuffed, why) = stuffing(
            a,
            &all,
            &task.concept_hits,
            f.count_of("structure.reasoning"),
        );
        if stuffed && words >= very_short {
            m.capped(&mut f, "keyword_stuffing", CAP_STUFFING, why);
        }
        let topical = topical_coverage(task, &f);
        let overlap = prompt_overlap(a, task.salient);
        if words >= short && topical < 0.15 && overlap < 0.25 {
            m.capped(
                &mut f,
                "off_topic",
                CAP_OFF_TOPIC,
                format!("the answer covers {:.0}% of this question's own concepts and uses {:.0}% of the question's key words", topical * 100.0, overlap * 100.0),
            );
        }

        // Mistakes that follow from the dimensions.
        let has = |d: &str| task.rubric.iter().any(|w| w.dimension == d);
        let ui = f.count_of("business_focus.ui");
        let biz = f.count_of("business_focus.business");
        if ui >= 3 && ui as f64 / (ui + biz).max(1) as f64 > 0.35 {
            m.note(
                &mut f,
                "ui_overemphasis",
                format!("{ui} interface terms against {biz} business terms"),
            );
        }
        if has("two_sided") && f.count_of("two_sided.merchant") == 0 {
            m.note(
                &mut f,
                "ignores_merchants",
                "no merchant, seller or partner is considered".into(),
            );
        }
        if has("ecosystem") && f.count_of("ecosystem.platform") == 0 {
            m.note(
                &mut f,
                "no_ecosystem",
                "no platform of the ecosystem is named".into(),
            );
        }
        if (has("metrics") || has("quantified_impact")) && f.claims_count() == 0 {
            m.note(&mut f, "vague_metrics", "no number backs the claims".into());
        }
        let decisions = f.count_of("tradeoffs.decision")
            + f.count_of("decision.go")
            + f.count_of("decision.no_go");
        if (has("tradeoffs") || matches!(task.family, "ab" | "scale")) && decisions == 0 {
            m.note(
                &mut f,
                "no_decision",
                "the answer never makes a call".into(),
            );
        }
        if dimensions
            .iter()
            .any(|d| d.id == "structure" && d.score.is_some_and(|s| s <= 1.5))
            && words >= short
        {
            m.note(
                &mut f,
                "no_structure",
                "no order, framework or conclusion".into(),
            );
        }
        if f.calcs.iter().any(|c| c.slip) {
            let slips = f.calcs.iter().filter(|c| c.slip).count();
            m.note(
                &mut f,
                "arithmetic_slip",
                format!("{slips} calculation(s) do not add up"),
            );
        }
        let mut report = NumbersReport {
            claims: f.claims_count(),
            from_to: f.from_to.len(),
            calculations: f.calcs.clone(),
            ..NumbersReport::default()
        };
        if let Some((low, high)) = task.estimate
            && let Some((v, _)) = numbers::final_figure(a, &f.quantities, &f.calcs)
        {
            report.final_figure = Some(v);
            report.fit = Some(numbers::fit(v, low, high));
        }
        if let Some(ab) = task.ab {
            let (c, t) = (
                ab.control.revenue_per_visitor(),
                ab.treatment.revenue_per_visitor(),
            );
            let expected = if t > c { "ship" } else { "dont_ship" };
            let (go, no) = (f.count_of("decision.go"), f.count_of("decision.no_go"));
            let answer = if no > go {
                "dont_ship"
            } else if go > no {
                "ship"
            } else {
                "unclear"
            };
            f.trace.push(TraceStep {
                rule: "ab.decision".into(),
                effect: format!("revenue per visitor {} → {} implies `{expected}`; the answer says `{answer}` ({go} go, {no} no-go signal(s))", grade::short(c), grade::short(t)),
            });
            if answer != expected && answer != "unclear" {
                m.capped(
                    &mut f,
                    "wrong_decision",
                    CAP_WRONG_DECISION,
                    format!(
                        "the answer decides `{answer}` but revenue per visitor implies `{expected}`"
                    ),
                );
            }
            report.ab = Some(grade::AbCheck {
                control_rpv: c,
                treatment_rpv: t,
                expected: expected.into(),
                answer: answer.into(),
            });
        }

        let (num, den) = dimensions
            .iter()
            .fold((0.0, 0.0), |(n, d), g| match g.score {
                Some(s) => (n + s * g.weight, d + g.weight),
                None => (n, d),
            });
        let raw = if den > 0.0 { num / den } else { 1.0 };
        let cap = m.cap;
        let overall = (raw.min(cap) * 100.0).round() / 100.0;
        f.trace.push(TraceStep {
            rule: "overall".into(),
            effect: format!(
                "weighted mean {raw:.2}{}",
                if cap < raw {
                    format!(", capped at {cap:.1}")
                } else {
                    String::new()
                }
            ),
        });
        let recommendation = if overall >= 3.5 {
            hireloop_core::Recommendation::StrongYes
        } else if overall >= 2.5 {
            hireloop_core::Recommendation::Yes
        } else if overall >= 1.75 {
            hireloop_core::Recommendation::No
        } else {
            hireloop_core::Recommendation::StrongNo
        };
        let mut covered = vec![false; task.concepts.len()];
        for h in task.concept_hits.iter().filter(|h| !h.negated) {
            if let Some(c) = covered.get_mut(h.group) {
                *c = true;
            }
        }
        let (hit, missed): (Vec<_>, Vec<_>) = task
            .concepts
            .iter()
            .zip(&covered)
            .partition(|(_, covered)| **covered);
        let coverage = Coverage {
            hit: hit.into_iter().map(|(c, _)| c.0.clone()).collect(),
            missed: missed.into_iter().map(|(c, _)| c.0.clone()).collect(),
        };
        let mut trace = f.trace;
        trace.sort_by_key(|t| rule_rank(&t.rule));
        Grade {
            question: task.id.clone(),
            language: a.language,
            overall,
            recommendation,
            dimensions,
            mistakes: m.ids.into_iter().map(String::from).collect(),
            coverage,
            words,
            numbers: report,
            trace,
        }
    }
}

/// Keeps the trace in a stable, readable order: language, dimensions, then mistakes, then overall.
fn rule_rank(rule: &str) -> u8 {
    if rule == "language" {
        0
    } else if rule.starts_with("mistake.") {
        2
    } else if rule == "overall" {
        3
    } else {
        1
    }
}

/// Mistakes found so far and the cap they put on the overall score.
struct Mistakes {
    ids: Vec<&'static str>,
    cap: f64,
}

impl Mistakes {
    /// Names a mistake.
    fn note(&mut self, f: &mut Findings<'_, '_>, id: &'static str, why: String) {
        if !self.ids.contains(&id) {
            self.ids.push(id);
            f.trace.push(TraceStep {
                rule: format!("mistake.{id}"),
                effect: why,
            });
        }
    }

    /// Names a mistake that also caps the overall score.
    fn capped(&mut self, f: &mut Findings<'_, '_>, id: &'static str, limit: f64, why: String) {
        if !self.ids.contains(&id) {
            self.ids.push(id);
        }
        self.cap = self.cap.min(limit);
        f.trace.push(TraceStep {
            rule: format!("mistake.{id}"),
            effect: format!("{why}; overall capped at {limit:.1}"),
        });
    }
}

impl Findings<'_, '_> {
    fn count_of(&self, id: &str) -> usize {
        self.signals.get(id).map_or(0, Vec::len)
    }

    fn claims_count(&self) -> usize {
        self.quantities
            .iter()
            .filter(|q| !q.incidental && !self.repeated.contains(&self.a.sentence_of(q.span.start)))
            .count()
    }
}

fn check_size(s: &str) -> Result<(), CoachError> {
    if s.len() > MAX_ANSWER_BYTES {
        Err(CoachError::TooLarge(s.len()))
    } else {
        Ok(())
    }
}

/// A question's concepts as one term set, each concept a group of its English and Chinese terms.
fn concept_set(q: &Question) -> TermSet {
    let groups: Vec<Vec<&str>> = q
        .concepts
        .iter()
        .map(|k| k.en.iter().chain(&k.zh).map(String::as_str).collect())
        .collect();
    TermSet::new(&groups)
}

fn task_of<'a>(q: &'a Question, concept_hits: Vec<Hit>, salient: &'a [String]) -> Task<'a> {
    Task {
        id: q.id.clone(),
        prompt: &q.prompt,
        prompt_zh: q.prompt_zh.as_deref(),
        salient,
        rubric: &q.rubric,
        concepts: q
            .concepts
            .iter()
            .map(|k| (k.label.clone(), k.weight))
            .collect(),
        concept_hits,
        family: &q.family,
        estimate: q.estimate.as_ref().map(|e| (e.low, e.high)),
        ab: q.ab,
        topical: Vec::new(),
    }
}

/// The share of the weight of the question's own concepts (generic ones left out when at least
/// two remain) that the answer covers, mentions in repeated sentences excluded.
fn topical_coverage(task: &Task<'_>, f: &Findings<'_, '_>) -> f64 {
    let own = task.topical.iter().filter(|t| **t).count();
    let counts = |i: usize| own < 2 || task.topical.get(i).copied().unwrap_or(true);
    let total: f64 = task
        .concepts
        .iter()
        .enumerate()
        .filter(|(i, _)| counts(*i))
        .map(|(_, c)| c.1)
        .sum();
    let mut covered = vec![false; task.concepts.len()];
    for h in task
        .concept_hits
        .iter()
        .filter(|h| !h.negated && !f.repeated.contains(&f.a.sentence_of(h.span.start)))
    {
        if let Some(c) = covered.get_mut(h.group) {
            *c = true;
        }
    }
    let hit: f64 = task
        .concepts
        .iter()
        .zip(&covered)
        .enumerate()
        .filter(|(i, (_, covered))| **covered && counts(*i))
        .map(|(_, (c, _))| c.1)
        .sum();
    if total > 0.0 { hit / total } else { 0.0 }
}

/// Sentences whose words repeat an earlier sentence: the same letters and digits, at least eight.
fn repeated_sentences(a: &Analysed<'_>) -> HashSet<Span> {
    // The keys of all sentences share one buffer and are compared by sorting, rather than each
    // allocated and hashed: most answers repeat nothing.
    let mut keys: Vec<u8> = Vec::with_capacity(a.lower.len());
    let mut ranges: Vec<(usize, usize, usize)> = Vec::with_capacity(a.sentences.len());
    for (i, s) in a.sentences.iter().enumerate() {
        let from = keys.len();
        let mut chars = 0;
        let sentence = &a.lower[s.start..s.end];
        if sentence.is_ascii() {
            keys.extend(sentence.bytes().filter(u8::is_ascii_alphanumeric));
            chars = keys.len() - from;
        } else {
            for c in sentence.chars().filter(|c| c.is_alphanumeric()) {
                keys.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                chars += 1;
            }
        }
        if chars < 8 {
            keys.truncate(from);
        } else {
            ranges.push((from, keys.len(), i));
        }
    }
    let key = |r: &(usize, usize, usize)| &keys[r.0..r.1];
    // Equal keys end up together, the earliest sentence first; the others repeat it.
    ranges.sort_unstable_by(|x, y| key(x).cmp(key(y)).then(x.2.cmp(&y.2)));
    ranges
        .windows(2)
        .filter(|w| key(&w[0]) == key(&w[1]))
        .map(|w| a.sentences[w[1].2])
        .collect()
}

/// Keyword stuffing: many expected terms with little reasoning around them. A mention counts as
/// reasoned when its sentence has enough words around the terms and is not a bare list.
fn stuffing(
    a: &Analysed<'_>,
    signals: &[Hit],
    concepts: &[Hit],
    reasoning: usize,
) -> (bool, String) {
    let hits: Vec<&Hit> = signals
        .iter()
        .chain(concepts)
        .filter(|h| !h.negated)
        .collect();
    if hits.len() < 6 {
        return (false, String::new());
    }
    // Mentions per sentence, counted over the sorted sentences of the mentions.
    let mut sentences: Vec<Span> = hits.iter().map(|h| a.sentence_of(h.span.start)).collect();
    sentences.sort_unstable();
    let min_words = if a.language == Language::Zh { 8 } else { 7 };
    let unreasoned: usize = sentences
        .chunk_by(|x, y| x == y)
        .map(|same| (same[0], same.len()))
        .filter(|(s, n)| {
            let words = a.tokens_in(*s).len();
            words < min_words || *n as f64 / words.max(1) as f64 > 0.5
        })
        .map(|(_, n)| n)
        .sum();
    let share = unreasoned as f64 / hits.len() as f64;
    let density = hits.len() as f64 / a.word_count().max(1) as f64;
    let stuffed = density >= 0.4 || (share >= 0.6 && reasoning < 2);
    (
        stuffed,
        format!(
            "{unreasoned} of {} expected terms sit in lists or fragments, {reasoning} reasoning link(s), terms are {:.0}% of the words",
            hits.len(),
            density * 100.0
        ),
    )
}

/// A word reduced to a rough stem so that "pivoted" meets "pivot" and "teams" meets "team".
fn stem(w: &str) -> &str {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(s) = w.strip_suffix(suffix)
            && s.len() >= 4
        {
            return s;
        }
    }
    w
}

/// The share of the question's salient words (`words`) that the answer also uses.
fn prompt_overlap(a: &Analysed<'_>, words: &[String]) -> f64 {
    if words.is_empty() {
        return 1.0;
    }
    // The question has tens of salient words and the answer hundreds of tokens: each token is
    // looked up among the words' stems sorted by a key of integers, cheaper than hashing every
    // token or comparing it with every word. Several words may share a stem.
    let mut stems: Vec<((usize, u64), &str, bool)> = words
        .iter()
        .map(|w| {
            let s = stem(w);
            (quick_key(s), s, false)
        })
        .collect();
    stems.sort_unstable_by_key(|(key, _, _)| *key);
    let mut left = stems.len();
    for t in &a.tokens {
        let s = stem(a.token_text(t));
        let key = quick_key(s);
        let from = stems.partition_point(|(k, _, _)| *k < key);
        for (k, w, used) in &mut stems[from..] {
            if *k != key {
                break;
            }
            if !*used && *w == s {
                *used = true;
                left -= 1;
            }
        }
        if left == 0 {
            break;
        }
    }
    let hit = stems.len() - left;
    hit as f64 / words.len() as f64
}

/// A word's length and first eight bytes: equal for equal words, and different for most others.
fn quick_key(w: &str) -> (usize, u64) {
    let head = w.bytes().take(8).fold(0u64, |k, b| (k << 8) | u64::from(b));
    (w.len(), head)
}

/// The salient words of a question: content words of four letters or more, or Chinese words of two
/// characters or more, without repeats.
fn salient_words(question: &str) -> Vec<String> {
    let a = text::analyse(question);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in &a.tokens {
        let w = a.token_text(t);
        let ok = match t.kind {
            text::TokenKind::Word => w.len() >= 4 && !grade::STOPWORDS.contains(&w),
            text::TokenKind::Cjk => w.chars().count() >= 2,
            text::TokenKind::Number => false,
        };
        if ok && seen.insert(w.to_string()) {
            out.push(w.to_string());
        }
    }
    out
}
