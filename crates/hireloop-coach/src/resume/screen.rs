//! The screening rules over the text of a resume (documented in the parent module).

use std::collections::BTreeMap;

use hireloop_core::content::LevelYears;
use hireloop_core::{Content, Level, LevelRange};
use serde::Serialize;

use super::dates::{self, YearMonth};
use super::{DocKind, Extracted, ResumeError, extract};
use crate::grade::short;
use crate::lexicon::{Hit, Negation, TermSet};
use crate::numbers::{self, Quantity, Unit};
use crate::text::{self, Analysed, Language, Span};

/// A suggestion for the resume-screen stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Suggestion {
    /// Invite to the next stage.
    Advance,
    /// A person should read it: some of what the stage looks for is missing.
    Hold,
    /// Nothing the stage looks for is there.
    Reject,
}

impl Suggestion {
    /// The suggestion's name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Suggestion::Advance => "advance",
            Suggestion::Hold => "hold",
            Suggestion::Reject => "reject",
        }
    }
}

/// Words in a sentence that triggered a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mark {
    /// The rule, such as `ownership.owner_voice`, `impact.from_to` or `scale.users`.
    pub rule: String,
    /// First byte in the extracted text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The words.
    pub text: String,
    /// For scale: the quantity, with its scale applied ("10M" → 10000000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// For scale: what it counts ("users", "GMV").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
}

/// A sentence or list line of the resume that shows something, with what in it shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// First byte of the sentence in the extracted text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The sentence.
    pub text: String,
    /// The words in it that triggered a rule, in order.
    pub marks: Vec<Mark>,
}

/// A language the resume names, with its proficiency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageFinding {
    /// The language's id, such as `english` or `mandarin`.
    pub language: String,
    /// Its name, such as `Mandarin Chinese`.
    pub name: String,
    /// The proficiency given (`native`, `fluent`, `intermediate`, `basic`), if any.
    pub proficiency: Option<String>,
    /// First byte of the sentence in the extracted text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The sentence.
    pub text: String,
}

/// A period of work written as a date range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// First month.
    pub from: YearMonth,
    /// Last month.
    pub to: YearMonth,
    /// First byte of the range in the extracted text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The range as written.
    pub text: String,
}

/// Years of work experience, from the date ranges of the resume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Experience {
    /// Years covered by the periods, overlaps counted once, to one decimal.
    pub years: f64,
    /// The periods counted.
    pub periods: Vec<Period>,
}

/// The levels whose typical years of experience include the resume's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelEstimate {
    /// The band, such as `P6..P7`.
    pub band: LevelRange,
    /// How it was found.
    pub basis: String,
}

/// What the resume shows, as the suggestion counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Shows {
    /// Ownership in the owner's voice, not outweighed by the passenger's.
    pub ownership: bool,
    /// Quantified impact.
    pub impact: bool,
    /// Scale.
    pub scale: bool,
    /// High growth.
    pub growth: bool,
    /// Product-management experience.
    pub product: bool,
}

/// The screening of one resume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    /// What the file was read as.
    pub kind: DocKind,
    /// English or Chinese, by the text's majority.
    pub language: Language,
    /// Words in the text (a Chinese word as the segmenter cuts it).
    pub words: usize,
    /// The suggestion.
    pub suggestion: Suggestion,
    /// Why: the rule that decided first, then one line per thing looked for.
    pub reasons: Vec<String>,
    /// What the suggestion counted.
    pub shows: Shows,
    /// Statements in the owner's voice.
    pub ownership: Vec<Finding>,
    /// Statements in the passenger's voice.
    pub passenger_voice: Vec<Finding>,
    /// Quantified impact.
    pub impact: Vec<Finding>,
    /// Scale.
    pub scale: Vec<Finding>,
    /// High growth.
    pub growth: Vec<Finding>,
    /// Product-management titles and practices.
    pub product: Vec<Finding>,
    /// Languages with proficiency.
    pub languages: Vec<LanguageFinding>,
    /// Years of experience, when the resume dates its work.
    pub experience: Option<Experience>,
    /// The level band those years suggest.
    pub level: Option<LevelEstimate>,
    /// The extracted text that every offset points into.
    pub text: String,
}

/// The kind of section a heading opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Experience,
    Education,
    Languages,
    Other,
}

/// What a signal of the resume lexicon is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Owner,
    Passenger,
    Change,
    GrowthVerb,
    GrowthMultiple,
    ZeroToOne,
    ProductTitle,
    ProductPractice,
    /// A metric, by index into `Screener::metrics`.
    Scale(usize),
    /// A language, by index into `Screener::languages`.
    Language(usize),
    /// A proficiency, by rank: 0 is the strongest.
    Proficiency(usize),
    Heading(Section),
    School,
    Present,
    /// A signal of a group the screener does not read.
    Unused,
}

/// A metric of scale.
#[derive(Debug, Clone)]
struct Metric {
    id: String,
    label: String,
    min: f64,
}

/// The screener, compiled from a content set's resume lexicon. It owns what it needs, so it can be
/// shared across threads.
#[derive(Debug, Clone)]
pub struct Screener {
    terms: TermSet,
    roles: Vec<Role>,
    negation: Negation,
    metrics: Vec<Metric>,
    /// Language ids and names.
    languages: Vec<(String, String)>,
    proficiencies: Vec<String>,
    present: Vec<String>,
    levels: Vec<LevelYears>,
}

/// At most this many bytes between a number and its metric ("10M+ monthly active users").
const METRIC_GAP: usize = 24;

/// At most this many bytes between a language and its proficiency ("English (professional
/// working proficiency)").
const PROFICIENCY_GAP: usize = 40;

impl Screener {
    /// Compiles the resume lexicon of the content, with the coach's negation cues.
    pub fn new(content: &Content) -> Screener {
        let lex = &content.resume;
        let mut metrics = Vec::new();
        let mut languages = Vec::new();
        let mut proficiencies = Vec::new();
        let mut present = Vec::new();
        let roles = lex
            .signals
            .iter()
            .map(|s| {
                let (group, aspect) = s.id.split_once('.').unwrap_or((s.id.as_str(), ""));
                match (group, aspect) {
                    ("ownership", "owner_voice") => Role::Owner,
                    ("ownership", "passenger_voice") => Role::Passenger,
                    ("impact", "change") => Role::Change,
                    ("growth", "verb") => Role::GrowthVerb,
                    ("growth", "multiple") => Role::GrowthMultiple,
                    ("growth", "zero_to_one") => Role::ZeroToOne,
                    ("product", "title") => Role::ProductTitle,
                    ("product", "practice") => Role::ProductPractice,
                    ("education", "school") => Role::School,
                    ("section", "experience") => Role::Heading(Section::Experience),
                    ("section", "education") => Role::Heading(Section::Education),
                    ("section", "languages") => Role::Heading(Section::Languages),
                    ("section", _) => Role::Heading(Section::Other),
                    ("date", "present") => {
                        present.extend(s.en.iter().chain(&s.zh).map(|w| w.to_lowercase()));
                        Role::Present
                    }
                    ("scale", _) => {
                        metrics.push(Metric {
                            id: aspect.to_string(),
                            label: s.label.clone(),
                            min: lex.scale_min_of(&s.id),
                        });
                        Role::Scale(metrics.len() - 1)
                    }
                    ("language", _) => {
                        languages.push((aspect.to_string(), s.label.clone()));
                        Role::Language(languages.len() - 1)
                    }
                    ("proficiency", _) => {
                        proficiencies.push(aspect.to_string());
                        Role::Proficiency(proficiencies.len() - 1)
                    }
                    _ => Role::Unused,
                }
            })
            .collect();
        // "till now" must be tried before "now".
        present.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let groups: Vec<Vec<&str>> = lex
            .signals
            .iter()
            .map(|s| s.en.iter().chain(&s.zh).map(String::as_str).collect())
            .collect();
        Screener {
            terms: TermSet::new(&groups),
            roles,
            negation: Negation::new(&content.lexicon.negation_en, &content.lexicon.negation_zh),
            metrics,
            languages,
            proficiencies,
            present,
            levels: lex.levels.clone(),
        }
    }

    /// Screens a resume file: `name` is its file name, a hint to its kind; `as_of` is the month
    /// that "present" means.
    pub fn screen(
        &self,
        bytes: &[u8],
        name: &str,
        as_of: YearMonth,
    ) -> Result<Screening, ResumeError> {
        let Extracted { kind, text } = extract(bytes, name)?;
        Ok(self.screen_text(kind, text, as_of))
    }

    /// Screens text already extracted.
    pub fn screen_text(&self, kind: DocKind, text: String, as_of: YearMonth) -> Screening {
        let a = text::analyse(&text);
        let hits: Vec<(Role, Hit)> = self
            .terms
            .find(&a, &self.negation)
            .into_iter()
            .filter(|h| !h.negated)
            .filter_map(|h| self.roles.get(h.group).map(|r| (*r, h)))
            .collect();
        let lines = line_spans(&text);
        let sections = sections(&a, &lines, &hits);
        let date_spans = dates::atom_spans(&a.lower, as_of.year + 1);
        let ranges = dates::ranges(&a.lower, &self.present, as_of);
        let quantities: Vec<Quantity> = numbers::quantities(&a)
            .into_iter()
            .filter(|q| !q.incidental && !date_spans.iter().any(|d| overlaps(*d, q.span)))
            .collect();
        let from_to: Vec<(Quantity, Quantity)> = numbers::from_to_claims(&a, &quantities)
            .into_iter()
            .filter_map(|s| {
                let x = quantities.iter().find(|q| q.span.start == s.start)?;
                let y = quantities.iter().find(|q| q.span.end == s.end)?;
                Some((*x, *y))
            })
            .collect();
        let sentences = Sentences::split(&text);
        let ctx = Ctx {
            a: &a,
            sentences: &sentences,
            hits: &hits,
            quantities: &quantities,
            from_to: &from_to,
        };

        let (ownership, passenger, owner_count, passenger_count) = ctx.ownership();
        let (scale, scale_figures) = ctx.scale(&self.metrics);
        let impact = ctx.impact(&scale_figures);
        let growth = ctx.growth();
        let (product, product_ok) = ctx.product();
        let languages = self.languages(&ctx, &lines, &sections);
        let experience = experience(&a, &hits, &lines, &sections, &ranges);
        let level = experience
            .as_ref()
            .and_then(|e| level_estimate(e.years, &self.levels));

        let shows = Shows {
            ownership: owner_count > 0 && owner_count >= passenger_count,
            impact: !impact.is_empty(),
            scale: !scale.is_empty(),
            growth: !growth.is_empty(),
            product: product_ok,
        };
        let (suggestion, mut reasons) = suggest(shows);
        reasons.push(match (shows.ownership, owner_count) {
            (true, _) => format!(
                "ownership: {owner_count} statement(s) in the owner's voice ({}) against {passenger_count} in the passenger's",
                examples(&ownership)
            ),
            (false, 0) => "no ownership: nothing in the owner's voice (led, owned, launched, 主导, 负责)".to_string(),
            (false, _) => format!(
                "ownership not shown: {owner_count} statement(s) in the owner's voice against {passenger_count} in the passenger's ({})",
                examples(&passenger)
            ),
        });
        reasons.push(if shows.impact {
            format!("quantified impact: {} ({})", count(&impact, "claim"), examples(&impact))
        } else {
            "no quantified impact: no percentage, amount, multiple or from-X-to-Y change next to a verb of change".to_string()
        });
        reasons.push(if shows.scale {
            format!("scale: {}", examples(&scale))
        } else {
            "no scale: no figure of users, GMV, QPS, orders or the like large enough to count"
                .to_string()
        });
        reasons.push(if shows.growth {
            format!("high growth: {}", examples(&growth))
        } else {
            "no high growth: no multiple, doubling or zero-to-one".to_string()
        });
        reasons.push(if shows.product {
            format!("product experience: {}", examples(&product))
        } else if product.is_empty() {
            "no product experience: no product-management title or practice".to_string()
        } else {
            format!(
                "little product experience: no product-management title and product practice in one sentence only ({})",
                examples(&product)
            )
        });
        if !languages.is_empty() {
            let list: Vec<String> = languages
                .iter()
                .map(|l| match &l.proficiency {
                    Some(p) => format!("{} ({p})", l.name),
                    None => l.name.clone(),
                })
                .collect();
            reasons.push(format!("languages: {}", list.join(", ")));
        }
        match (&experience, &level) {
            (Some(e), Some(l)) => reasons.push(format!(
                "experience: {} year(s) in {} dated period(s); level band {}",
                e.years,
                e.periods.len(),
                l.band
            )),
            (Some(e), None) => reasons.push(format!(
                "experience: {} year(s) in {} dated period(s)",
                e.years,
                e.periods.len()
            )),
            (None, _) => reasons.push("experience: no dated periods of work found".to_string()),
        }

        Screening {
            kind,
            language: a.language,
            words: a.word_count(),
            suggestion,
            reasons,
            shows,
            ownership,
            passenger_voice: passenger,
            impact,
            scale,
            growth,
            product,
            languages,
            experience,
            level,
            text,
        }
    }

    /// Languages with their proficiency: see the module's rules.
    fn languages(
        &self,
        ctx: &Ctx<'_, '_>,
        lines: &[Span],
        sections: &Sections,
    ) -> Vec<LanguageFinding> {
        let a = ctx.a;
        let langs: Vec<(usize, Span)> = ctx
            .hits
            .iter()
            .filter_map(|(r, h)| match r {
                Role::Language(i) => Some((*i, h.span)),
                _ => None,
            })
            .collect();
        let profs: Vec<(usize, Span)> = ctx
            .hits
            .iter()
            .filter_map(|(r, h)| match r {
                Role::Proficiency(i) => Some((*i, h.span)),
                _ => None,
            })
            .collect();
        // Per language: its proficiency rank, sentence and mention.
        let mut best: BTreeMap<usize, (Option<usize>, Span, usize)> = BTreeMap::new();
        for (k, (lang, at)) in langs.iter().enumerate() {
            let sentence = ctx.sentences.of(at.start);
            let next = langs
                .get(k + 1)
                .map_or(sentence.end, |(_, n)| n.start.min(sentence.end));
            let after = profs.iter().find(|(_, p)| {
                p.start >= at.end && p.start < next && p.start - at.end <= PROFICIENCY_GAP
            });
            let before = profs.iter().rev().find(|(_, p)| {
                p.end <= at.start
                    && p.start >= sentence.start
                    && at.start - p.end <= PROFICIENCY_GAP
            });
            // "英语六级" may hold both in one word.
            let within = profs.iter().find(|(_, p)| overlaps(*p, *at));
            let prof = within.or(after).or(before).map(|(r, _)| *r);
            let in_section = sections.at(at.start) == Some(Section::Languages)
                || sections.inline_languages(line_of(lines, at.start));
            if prof.is_none() && !in_section {
                continue;
            }
            let better = match best.get(lang) {
                None => true,
                Some((old, _, _)) => match (prof, old) {
                    (Some(p), Some(o)) => p < *o,
                    (Some(_), None) => true,
                    _ => false,
                },
            };
            if better {
                best.insert(*lang, (prof, sentence, at.start));
            }
        }
        let mut found: Vec<(usize, Option<usize>, Span, usize)> = best
            .into_iter()
            .map(|(lang, (prof, sentence, at))| (lang, prof, sentence, at))
            .collect();
        // In the order the resume names them.
        found.sort_by_key(|f| f.3);
        found
            .into_iter()
            .filter_map(|(lang, prof, sentence, _)| {
                let (id, name) = self.languages.get(lang)?;
                let s = trimmed(a.text, sentence);
                Some(LanguageFinding {
                    language: id.clone(),
                    name: name.clone(),
                    proficiency: prof.and_then(|p| self.proficiencies.get(p).cloned()),
                    start: s.start,
                    end: s.end,
                    text: a.text[s.start..s.end].to_string(),
                })
            })
            .collect()
    }
}

/// What the rules share: the analysed text, the mentions, the numbers.
struct Ctx<'a, 't> {
    a: &'a Analysed<'t>,
    sentences: &'a Sentences,
    hits: &'a [(Role, Hit)],
    quantities: &'a [Quantity],
    from_to: &'a [(Quantity, Quantity)],
}

impl Ctx<'_, '_> {
    fn spans_of(&self, role: Role) -> Vec<Span> {
        self.hits
            .iter()
            .filter(|(r, _)| *r == role)
            .map(|(_, h)| h.span)
            .collect()
    }

    /// True when a mention of one of `roles` is in the sentence around `at`.
    fn sentence_has(&self, at: usize, roles: &[Role]) -> bool {
        let s = self.sentences.of(at);
        self.hits
            .iter()
            .any(|(r, h)| roles.contains(r) && h.span.start >= s.start && h.span.end <= s.end)
    }

    fn mark(&self, rule: &str, span: Span) -> Mark {
        Mark {
            rule: rule.to_string(),
            start: span.start,
            end: span.end,
            text: self.a.text[span.start..span.end].to_string(),
            value: None,
            metric: None,
        }
    }

    /// Owner's-voice findings, passenger's-voice findings, and the counts of each.
    fn ownership(&self) -> (Vec<Finding>, Vec<Finding>, usize, usize) {
        let passenger = self.spans_of(Role::Passenger);
        let owner: Vec<Span> = self
            .spans_of(Role::Owner)
            .into_iter()
            .filter(|o| !passenger.iter().any(|p| overlaps(*p, *o)))
            .collect();
        let (n_owner, n_passenger) = (owner.len(), passenger.len());
        let marks = |spans: Vec<Span>, rule: &str| -> Vec<Mark> {
            spans.into_iter().map(|s| self.mark(rule, s)).collect()
        };
        (
            findings(
                self.a,
                self.sentences,
                marks(owner, "ownership.owner_voice"),
            ),
            findings(
                self.a,
                self.sentences,
                marks(passenger, "ownership.passenger_voice"),
            ),
            n_owner,
            n_passenger,
        )
    }

    /// Impact findings. `scale_figures` are numbers already read as scale: a size is not a change.
    fn impact(&self, scale_figures: &[Span]) -> Vec<Finding> {
        let lower = &self.a.lower;
        let mut marks = Vec::new();
        let mut claimed: Vec<Span> = scale_figures.to_vec();
        for (x, y) in self.from_to {
            if is_zero_to_one(x, y) {
                claimed.extend([x.span, y.span]);
                continue;
            }
            let span = Span {
                start: claim_start(lower, x.span.start),
                end: y.span.end,
            };
            claimed.push(span);
            marks.push(self.mark("impact.from_to", span));
        }
        let change = [Role::Change, Role::GrowthVerb, Role::GrowthMultiple];
        for q in self.quantities {
            if claimed.iter().any(|c| overlaps(*c, q.span)) {
                continue;
            }
            let verb = self.sentence_has(q.span.start, &change);
            let signed = lower[..q.span.start]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, '+' | '-' | '−' | '↑' | '↓'));
            let rule = match q.unit {
                Unit::Percent if verb || signed => "impact.percent",
                Unit::Money if verb => "impact.money",
                Unit::Multiple if verb => "impact.multiple",
                Unit::Duration if verb => "impact.duration",
                Unit::Plain if verb && q.value >= 100.0 => "impact.number",
                _ => continue,
            };
            let mut span = q.span;
            if signed {
                span.start -= lower[..q.span.start]
                    .chars()
                    .next_back()
                    .map_or(0, char::len_utf8);
            }
            marks.push(self.mark(rule, span));
        }
        findings(self.a, self.sentences, marks)
    }

    /// Scale findings, and the numbers they read.
    fn scale(&self, metrics: &[Metric]) -> (Vec<Finding>, Vec<Span>) {
        let lower = &self.a.lower;
        let metric_hits: Vec<(usize, Span)> = self
            .hits
            .iter()
            .filter_map(|(r, h)| match r {
                Role::Scale(m) => Some((*m, h.span)),
                _ => None,
            })
            .collect();
        let mut marks = Vec::new();
        let mut figures = Vec::new();
        for q in self.quantities {
            if matches!(q.unit, Unit::Percent | Unit::Duration | Unit::Multiple) {
                continue;
            }
            let sentence = self.sentences.of(q.span.start);
            let inside = |s: &Span| s.start >= sentence.start && s.end <= sentence.end;
            let after = metric_hits
                .iter()
                .filter(|(_, h)| inside(h) && h.start >= q.span.end)
                .filter(|(_, h)| metric_gap(&lower[q.span.end..h.start]))
                .min_by_key(|(_, h)| h.start);
            let before = metric_hits
                .iter()
                .filter(|(_, h)| inside(h) && h.end <= q.span.start)
                .filter(|(_, h)| metric_gap(&lower[h.end..q.span.start]))
                .max_by_key(|(_, h)| h.end);
            let Some((m, h)) = after.or(before) else {
                continue;
            };
            let Some(metric) = metrics.get(*m) else {
                continue;
            };
            if q.value < metric.min {
                continue;
            }
            let span = Span {
                start: h.start.min(q.span.start),
                end: h.end.max(q.span.end),
            };
            let mut mark = self.mark(&format!("scale.{}", metric.id), span);
            mark.value = Some(q.value);
            mark.metric = Some(metric.label.clone());
            marks.push(mark);
            figures.push(q.span);
        }
        (findings(self.a, self.sentences, marks), figures)
    }

    fn growth(&self) -> Vec<Finding> {
        let mut marks = Vec::new();
        for (r, h) in self.hits {
            match r {
                Role::GrowthMultiple => marks.push(self.mark("growth.multiple", h.span)),
                Role::ZeroToOne => marks.push(self.mark("growth.zero_to_one", h.span)),
                _ => {}
            }
        }
        let verbs = [Role::GrowthVerb, Role::Change];
        for q in self.quantities {
            let rule = match q.unit {
                Unit::Multiple if q.value >= 2.0 => "growth.multiple",
                Unit::Percent if q.value >= 100.0 => "growth.percent",
                _ => continue,
            };
            if self.sentence_has(q.span.start, &verbs) {
                marks.push(self.mark(rule, q.span));
            }
        }
        let zero_to_one = self.spans_of(Role::ZeroToOne);
        for (x, y) in self.from_to {
            let span = Span {
                start: claim_start(self.a.lower.as_str(), x.span.start),
                end: y.span.end,
            };
            // "from 0 to 1" is already a zero-to-one phrase when the lexicon has it.
            if is_zero_to_one(x, y) && zero_to_one.iter().any(|z| overlaps(*z, span)) {
                continue;
            }
            let counts = matches!(x.unit, Unit::Plain | Unit::Money) && x.unit == y.unit;
            if counts && x.value >= 0.0 && y.value >= 2.0 * x.value && y.value > 0.0 {
                marks.push(self.mark("growth.from_to", span));
            }
        }
        findings(self.a, self.sentences, marks)
    }

    /// Product findings, and whether they amount to product experience.
    fn product(&self) -> (Vec<Finding>, bool) {
        let passenger = self.spans_of(Role::Passenger);
        let in_passenger_sentence = |t: &Span| {
            let s = self.sentences.of(t.start);
            passenger
                .iter()
                .any(|p| p.start >= s.start && p.end <= s.end)
        };
        // "assisted the product manager" names someone else's title.
        let someone_else = |t: &Span| {
            let before = self.a.lower[..t.start].trim_end();
            let word = before
                .rsplit(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default();
            OTHERS_TITLE.contains(&word)
        };
        let titles: Vec<Span> = self
            .spans_of(Role::ProductTitle)
            .into_iter()
            .filter(|t| !someone_else(t) && !in_passenger_sentence(t))
            .collect();
        let practices = self.spans_of(Role::ProductPractice);
        let practice_sentences = {
            let mut s: Vec<Span> = practices
                .iter()
                .map(|p| self.sentences.of(p.start))
                .collect();
            s.dedup();
            s.len()
        };
        let ok = !titles.is_empty() || practice_sentences >= 2;
        let marks = titles
            .into_iter()
            .map(|s| self.mark("product.title", s))
            .chain(
                practices
                    .into_iter()
                    .map(|s| self.mark("product.practice", s)),
            )
            .collect();
        (findings(self.a, self.sentences, marks), ok)
    }
}

/// Words before a title that make it someone else's.
const OTHERS_TITLE: [&str; 10] = [
    "the", "our", "their", "his", "her", "my", "to", "with", "for", "other",
];

/// Where a "from X to Y" claim starts: before "from" (or 从) and the currency sign of X.
fn claim_start(lower: &str, x: usize) -> usize {
    let before = lower[..x].trim_end_matches(['$', '¥', '￥', '€', '£']);
    if let Some(b) = before.strip_suffix("from ") {
        b.len()
    } else if let Some(b) = before.strip_suffix('从') {
        b.len()
    } else {
        x
    }
}

/// "0 to 1" written with numbers: a way of saying zero to one, not a measured change.
fn is_zero_to_one(x: &Quantity, y: &Quantity) -> bool {
    x.value == 0.0 && y.value == 1.0 && x.unit == Unit::Plain && y.unit == Unit::Plain
}

/// True when the words between a number and a metric can join them: a few words, no other
/// number, no break of clause.
fn metric_gap(gap: &str) -> bool {
    gap.len() <= METRIC_GAP
        && !gap.bytes().any(|b| b.is_ascii_digit())
        && !gap.contains([',', ';', '(', ')', '，', '；', '、', '。', '|', '/'])
        && gap.split_whitespace().count() <= 3
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// A sentence without the blanks and list marks around it.
fn trimmed(text: &str, s: Span) -> Span {
    let body = &text[s.start..s.end];
    let lead = body.len()
        - body
            .trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | '*' | '•' | '·' | '#' | '>' | '|')
            })
            .len();
    let tail = body.len() - body.trim_end().len();
    let end = (s.end - tail).max(s.start + lead);
    Span {
        start: s.start + lead,
        end,
    }
}

/// Marks grouped by sentence, in order of the text.
fn findings(a: &Analysed<'_>, sentences: &Sentences, marks: Vec<Mark>) -> Vec<Finding> {
    let mut by_sentence: BTreeMap<Span, Vec<Mark>> = BTreeMap::new();
    for m in marks {
        by_sentence
            .entry(sentences.of(m.start))
            .or_default()
            .push(m);
    }
    by_sentence
        .into_iter()
        .map(|(sentence, mut marks)| {
            marks.sort_by(|x, y| (x.start, x.end, &x.rule).cmp(&(y.start, y.end, &y.rule)));
            marks.dedup_by(|x, y| x.start == y.start && x.end == y.end && x.rule == y.rule);
            let s = trimmed(a.text, sentence);
            // A mark may run past a sentence cut ("3.4%" after a line break); keep it inside.
            let start = s.start.min(marks.first().map_or(s.start, |m| m.start));
            let end = s
                .end
                .max(marks.iter().map(|m| m.end).max().unwrap_or(s.end));
            Finding {
                start,
                end,
                text: a.text[start..end].to_string(),
                marks,
            }
        })
        .collect()
}

/// The sentences of a resume: cut at line ends, at 。！？, and at `.`, `!` or `?` followed by a
/// blank, so that "alex.chen@example.com", "Ele.me" and "3.5%" stay whole.
struct Sentences(Vec<Span>);

impl Sentences {
    fn split(text: &str) -> Sentences {
        let mut out = Vec::new();
        let mut start = 0;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|(_, n)| *n);
            let cut = match c {
                '\n' | '。' | '！' | '？' => true,
                '.' | '!' | '?' => next.is_none_or(char::is_whitespace),
                _ => false,
            };
            if cut {
                let end = i + c.len_utf8();
                if !text[start..end].trim().is_empty() {
                    out.push(Span { start, end });
                }
                start = end;
            }
        }
        if !text[start..].trim().is_empty() {
            out.push(Span {
                start,
                end: text.len(),
            });
        }
        Sentences(out)
    }

    /// The sentence holding a byte offset.
    fn of(&self, at: usize) -> Span {
        let i = self.0.partition_point(|s| s.end <= at);
        self.0
            .get(i)
            .copied()
            .unwrap_or(Span { start: at, end: at })
    }
}

/// "3 claims", "1 claim".
fn count(f: &[Finding], noun: &str) -> String {
    let n: usize = f.iter().map(|x| x.marks.len()).sum();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Up to three marked phrases, quoted.
fn examples(f: &[Finding]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for m in f.iter().flat_map(|x| &x.marks) {
        let t = match (m.value, &m.metric) {
            (Some(v), Some(metric)) => format!("{} {metric}", short(v)),
            _ => format!("“{}”", m.text.trim()),
        };
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    let more = seen.len().saturating_sub(3);
    seen.truncate(3);
    let mut s = seen.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// The suggestion and the reason that decided it.
fn suggest(s: Shows) -> (Suggestion, Vec<String>) {
    let core = [
        (s.ownership, "ownership"),
        (s.impact, "quantified impact"),
        (s.scale || s.growth, "scale or high growth"),
        (s.product, "product experience"),
    ];
    let missing: Vec<&str> = core.iter().filter(|(ok, _)| !ok).map(|(_, n)| *n).collect();
    if missing.is_empty() {
        (
            Suggestion::Advance,
            vec!["advance: ownership, quantified impact, scale or high growth, and product experience".into()],
        )
    } else if !(s.ownership || s.impact || s.scale || s.growth) {
        (
            Suggestion::Reject,
            vec!["reject: no ownership, quantified impact, scale or high growth".into()],
        )
    } else {
        (
            Suggestion::Hold,
            vec![format!("hold: missing {}", missing.join(", "))],
        )
    }
}

/// The lines of a text, without their line ends.
fn line_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.trim_end_matches('\n').len();
        out.push(Span { start, end });
        start += line.len();
    }
    out
}

fn line_of(lines: &[Span], at: usize) -> Span {
    let i = lines.partition_point(|l| l.end < at);
    lines.get(i).copied().unwrap_or(Span { start: at, end: at })
}

/// The headings of a resume and the lines that open with a languages heading.
struct Sections {
    /// Where each heading's line starts, and what it opens.
    headings: Vec<(usize, Section)>,
    /// Lines such as "Languages: English, Mandarin".
    inline_languages: Vec<Span>,
}

impl Sections {
    /// The section a byte offset is in, if a heading came before it.
    fn at(&self, pos: usize) -> Option<Section> {
        let i = self.headings.partition_point(|(s, _)| *s <= pos);
        i.checked_sub(1).map(|i| self.headings[i].1)
    }

    fn inline_languages(&self, line: Span) -> bool {
        self.inline_languages.contains(&line)
    }
}

/// Characters around a heading that are decoration: Markdown marks, rules, colons.
fn heading_body(line: &str) -> &str {
    line.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '#' | '*' | '-' | '_' | '=' | ':' | '：' | '|' | '•' | '>'
            )
    })
}

/// A line is a heading when section words make up most of it; a line that starts with a
/// languages heading and a colon opens its languages in place.
fn sections(a: &Analysed<'_>, lines: &[Span], hits: &[(Role, Hit)]) -> Sections {
    let mut headings = Vec::new();
    let mut inline_languages = Vec::new();
    for line in lines {
        let raw = &a.text[line.start..line.end];
        let body = heading_body(raw);
        if body.is_empty() || body.len() > 60 {
            continue;
        }
        let in_line: Vec<(Section, Span)> = hits
            .iter()
            .filter_map(|(r, h)| match r {
                Role::Heading(s) if h.span.start >= line.start && h.span.end <= line.end => {
                    Some((*s, h.span))
                }
                _ => None,
            })
            .collect();
        let covered: usize = in_line.iter().map(|(_, s)| s.end - s.start).sum();
        let letters = body.chars().filter(|c| c.is_alphanumeric()).count();
        let covered_letters: usize = in_line
            .iter()
            .map(|(_, s)| {
                a.text[s.start..s.end]
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .count()
            })
            .sum();
        if covered > 0 && covered_letters * 10 >= letters * 6 {
            // The longest heading word decides ("Skills & Languages" is about languages).
            if let Some((s, _)) = in_line
                .iter()
                .max_by_key(|(s, span)| (span.end - span.start, *s == Section::Languages))
            {
                headings.push((line.start, *s));
            }
            continue;
        }
        let opens_languages = in_line.first().is_some_and(|(s, span)| {
            *s == Section::Languages
                && heading_body(&a.text[line.start..span.start]).is_empty()
                && a.text[span.end..line.end]
                    .trim_start()
                    .starts_with([':', '：'])
        });
        if opens_languages {
            inline_languages.push(*line);
        }
    }
    Sections {
        headings,
        inline_languages,
    }
}

/// Work periods: date ranges outside the education, languages and other sections and off lines
/// that name a school or degree (or right under one, for a line of dates alone).
fn experience(
    a: &Analysed<'_>,
    hits: &[(Role, Hit)],
    lines: &[Span],
    sections: &Sections,
    ranges: &[dates::Range],
) -> Option<Experience> {
    let schools: Vec<Span> = hits
        .iter()
        .filter(|(r, _)| *r == Role::School)
        .map(|(_, h)| h.span)
        .collect();
    let names_school = |l: Span| schools.iter().any(|s| s.start >= l.start && s.end <= l.end);
    let counted: Vec<&dates::Range> = ranges
        .iter()
        .filter(|r| matches!(sections.at(r.span.start), None | Some(Section::Experience)))
        .filter(|r| {
            let line = line_of(lines, r.span.start);
            if names_school(line) {
                return false;
            }
            let rest: usize = a.text[line.start..r.span.start]
                .chars()
                .chain(a.text[r.span.end..line.end].chars())
                .filter(|c| c.is_alphanumeric())
                .count();
            let previous = lines
                .iter()
                .rev()
                .find(|l| l.end < line.start && !a.text[l.start..l.end].trim().is_empty());
            !(rest < 3 && previous.is_some_and(|p| names_school(*p)))
        })
        .collect();
    if counted.is_empty() {
        return None;
    }
    let owned: Vec<dates::Range> = counted.iter().map(|r| **r).collect();
    let months = dates::covered_months(&owned);
    Some(Experience {
        years: (months as f64 / 12.0 * 10.0).round() / 10.0,
        periods: counted
            .iter()
            .map(|r| Period {
                from: r.from,
                to: r.to,
                start: r.span.start,
                end: r.span.end,
                text: a.text[r.span.start..r.span.end].to_string(),
            })
            .collect(),
    })
}

/// The levels whose typical years include `years`; past every range, the nearest level.
fn level_estimate(years: f64, levels: &[LevelYears]) -> Option<LevelEstimate> {
    let within: Vec<&LevelYears> = levels
        .iter()
        .filter(|l| (l.min_years..=l.max_years).contains(&years))
        .collect();
    let chosen: Vec<&LevelYears> = if within.is_empty() {
        let distance = |l: &LevelYears| {
            if years < l.min_years {
                l.min_years - years
            } else {
                years - l.max_years
            }
        };
        levels
            .iter()
            .min_by(|x, y| distance(x).total_cmp(&distance(y)))
            .into_iter()
            .collect()
    } else {
        within
    };
    let low: Level = chosen.iter().map(|l| l.level).min()?;
    let high: Level = chosen.iter().map(|l| l.level).max()?;
    let typical: Vec<String> = chosen
        .iter()
        .map(|l| format!("{} {}–{} years", l.level, l.min_years, l.max_years))
        .collect();
    Some(LevelEstimate {
        band: LevelRange { low, high },
        basis: format!(
            "{years} year(s) of experience; typical: {}",
            typical.join(", ")
        ),
    })
}
