//! Finding lexicon terms in an answer: whole words in English, segmenter-aligned words in Chinese,
//! and whether a mention is negated ("we would not involve merchants").

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::text::{Analysed, Span, TokenKind};

/// A mention of a term of some group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the group (signal or concept) the term belongs to.
    pub group: usize,
    /// Where the mention is.
    pub span: Span,
    /// True when a negation cue precedes it in the same clause.
    pub negated: bool,
}

/// Groups of terms compiled into one automaton.
#[derive(Debug, Clone)]
pub struct TermSet {
    ac: Option<AhoCorasick>,
    /// Group of each pattern.
    owner: Vec<usize>,
    /// Number of groups.
    groups: usize,
}

impl TermSet {
    /// Compiles groups of terms; each term is matched case-insensitively (ASCII).
    pub fn new<S: AsRef<str>>(groups: &[Vec<S>]) -> TermSet {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (g, terms) in groups.iter().enumerate() {
            for t in terms {
                let t = t.as_ref().trim().to_ascii_lowercase();
                if !t.is_empty() {
                    patterns.push(t);
                    owner.push(g);
                }
            }
        }
        // A DFA even for sets of more than a hundred terms, where the default is a contiguous
        // NFA: every graded answer is scanned with the signals, and a DFA scans it in fewer steps.
        // Its tables are larger (about 4 MB for the signals, built once per coach); should a set
        // ever be too large for a DFA, the default automaton still does the job.
        let build = |kind| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(&patterns)
                .ok()
        };
        let ac = build(Some(AhoCorasickKind::DFA)).or_else(|| build(None));
        TermSet {
            ac,
            owner,
            groups: groups.len(),
        }
    }

    /// Number of groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Every mention in the answer, at most one per place and group (the longest), in order.
    pub fn find(&self, a: &Analysed<'_>, negation: &Negation) -> Vec<Hit> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let text = a.lower.as_bytes();
        let mut raw: Vec<Hit> = Vec::with_capacity(64);
        for m in ac.find_overlapping_iter(&a.lower) {
            let (start, mut end) = (m.start(), m.end());
            let pattern = &a.lower[start..end];
            if pattern.is_ascii() {
                // Whole words only, and not half of a hyphenated compound ("next-day").
                let joined_before = start >= 2
                    && text[start - 1] == b'-'
                    && text[start - 2].is_ascii_alphanumeric();
                if (start > 0 && text[start - 1].is_ascii_alphanumeric()) || joined_before {
                    continue;
                }
                // Plurals and third persons: "merchant" also matches "merchants".
                for suffix in ["es", "s"] {
                    if a.lower[end..].starts_with(suffix)
                        && !text
                            .get(end + suffix.len())
                            .is_some_and(u8::is_ascii_alphanumeric)
                    {
                        end += suffix.len();
                        break;
                    }
                }
                let joined_after = text.get(end) == Some(&b'-')
                    && text.get(end + 1).is_some_and(u8::is_ascii_alphanumeric);
                if text.get(end).is_some_and(u8::is_ascii_alphanumeric) || joined_after {
                    continue;
                }
            } else if !(a.on_boundary(start) || a.on_boundary(end)) {
                continue;
            }
            raw.push(Hit {
                group: self.owner[m.pattern().as_usize()],
                span: Span { start, end },
                // Decided below for the mentions kept only: it depends on the span alone.
                negated: false,
            });
        }
        // Keep the longest mention where mentions of one group overlap.
        raw.sort_by_key(|h| (h.group, h.span.start, std::cmp::Reverse(h.span.end)));
        let mut out: Vec<Hit> = Vec::with_capacity(raw.len());
        for h in raw {
            if let Some(last) = out.last()
                && last.group == h.group
                && h.span.start < last.span.end
            {
                continue;
            }
            out.push(h);
        }
        out.sort_by_key(|h| (h.span.start, h.group));
        let mut scan = NegationScan::new(negation, a);
        for h in &mut out {
            h.negated = scan.negates(h.span);
        }
        out
    }
}

/// Negation cues of both languages.
#[derive(Debug, Clone, Default)]
pub struct Negation {
    words: HashSet<String>,
    phrases: Vec<String>,
    /// The phrases as one automaton, so that a scope is read once for all of them.
    phrase_matcher: Option<AhoCorasick>,
    zh: HashSet<String>,
    /// The first characters of the Chinese cues, sorted: most Chinese words start with none of
    /// them and need no lookup.
    zh_first: Vec<char>,
}

/// Chinese words that start with a negating character but do not negate what follows.
const ZH_NOT_NEGATING: [&str; 12] = [
    "不断", "不少", "不错", "不同", "不仅", "不但", "没错", "不久", "无论", "不管", "不光", "无限",
];

impl Negation {
    /// Builds the cue sets from the lexicon's lists.
    pub fn new(en: &[String], zh: &[String]) -> Self {
        let (phrases, words): (Vec<String>, Vec<String>) = en
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .partition(|s| s.contains(' '));
        let phrase_matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .ok();
        let mut zh_first: Vec<char> = zh.iter().filter_map(|w| w.chars().next()).collect();
        zh_first.sort_unstable();
        zh_first.dedup();
        Negation {
            words: words.into_iter().collect(),
            phrases,
            phrase_matcher,
            zh: zh.iter().cloned().collect(),
            zh_first,
        }
    }

    /// True when a cue precedes `span` in the same clause, with no contrast word ("but", "但")
    /// between them: "we would not onboard pharmacies or clinics" negates both.
    pub fn negates(&self, a: &Analysed<'_>, span: Span) -> bool {
        let clause = a.clause_of(span.start);
        let before = Span {
            start: clause.start,
            end: span.start,
        };
        let tokens = a.tokens_in(before);
        // Only what follows the last contrast word is in the cue's scope.
        let from = tokens
            .iter()
            .rposition(|t| CONTRAST.contains(&a.token_text(t)))
            .map_or(0, |i| i + 1);
        let window = &tokens[from..];
        for (i, t) in window.iter().enumerate() {
            let w = a.token_text(t);
            match t.kind {
                TokenKind::Word if self.words.contains(w) => {
                    // "not only merchants but also buyers" includes merchants.
                    let next = window.get(i + 1).map(|n| a.token_text(n));
                    if !(w == "not" && matches!(next, Some("only" | "just"))) {
                        return true;
                    }
                }
                TokenKind::Cjk if self.zh_negates(w) => return true,
                _ => {}
            }
        }
        let scope_start = window.first().map_or(before.end, |t| t.span.start);
        self.has_phrase(&a.lower[scope_start..before.end])
    }
}

/// [`Negation::negates`] for mentions taken in the order of their start, reading each clause's
/// tokens once rather than again for every mention: an answer has dozens of mentions, many in the
/// same long clauses.
struct NegationScan<'n, 'x, 'a> {
    negation: &'n Negation,
    a: &'x Analysed<'a>,
    /// The clause read so far, if any.
    clause: Option<Span>,
    /// The next token to read.
    next: usize,
    /// The first token after the last contrast word read: where the cues' scope starts.
    scope: usize,
    /// A cue was read in the scope.
    cue: bool,
    /// The last token read is "not": a cue unless "only" or "just" follows.
    not: bool,
    /// The last mention's start and whether it is negated.
    last: Option<(usize, bool)>,
}

impl<'n, 'x, 'a> NegationScan<'n, 'x, 'a> {
    fn new(negation: &'n Negation, a: &'x Analysed<'a>) -> Self {
        NegationScan {
            negation,
            a,
            clause: None,
            next: 0,
            scope: 0,
            cue: false,
            not: false,
            last: None,
        }
    }

    /// Whether the mention at `span` is negated; mentions come in order of their start.
    fn negates(&mut self, span: Span) -> bool {
        if let Some((start, negated)) = self.last
            && start == span.start
        {
            return negated;
        }
        let negated = self.read_to(span);
        self.last = Some((span.start, negated));
        negated
    }

    fn read_to(&mut self, span: Span) -> bool {
        let a = self.a;
        let clause = a.clause_of(span.start);
        if clause.start > span.start || self.last.is_some_and(|(start, _)| start > span.start) {
            // Out of order, or a mention outside every clause: read it on its own.
            return self.negation.negates(a, span);
        }
        if self.clause != Some(clause) {
            self.clause = Some(clause);
            self.next = a.tokens.partition_point(|t| t.span.start < clause.start);
            self.scope = self.next;
            self.cue = false;
            self.not = false;
        }
        while let Some(t) = a.tokens.get(self.next)
            && t.span.start < span.start
        {
            self.next += 1;
            let w = a.token_text(t);
            if CONTRAST.contains(&w) {
                self.scope = self.next;
                self.cue = false;
                self.not = false;
                continue;
            }
            if self.not {
                // "not only merchants but also buyers" includes merchants.
                self.cue |= !matches!(w, "only" | "just");
                self.not = false;
            }
            match t.kind {
                TokenKind::Word if self.negation.words.contains(w) => {
                    if w == "not" {
                        self.not = true;
                    } else {
                        self.cue = true;
                    }
                }
                TokenKind::Cjk => self.cue |= self.negation.zh_negates(w),
                _ => {}
            }
        }
        if self.cue || self.not {
            return true;
        }
        let scope_start = if self.scope < self.next {
            a.tokens[self.scope].span.start
        } else {
            span.start
        };
        self.negation.has_phrase(&a.lower[scope_start..span.start])
    }
}

impl Negation {
    /// True for a Chinese word that negates what follows: a cue of the lexicon, or a short word
    /// starting with a negating character.
    fn zh_negates(&self, w: &str) -> bool {
        let Some(first) = w.chars().next() else {
            return self.zh.contains(w);
        };
        let short_negating = matches!(first, '不' | '没' | '无' | '别') && w.chars().count() <= 2;
        if short_negating && !ZH_NOT_NEGATING.contains(&w) {
            return true;
        }
        self.zh_first.binary_search(&first).is_ok() && self.zh.contains(w)
    }

    /// True when a negating phrase ("rather than") occurs in `scope`.
    fn has_phrase(&self, scope: &str) -> bool {
        match &self.phrase_matcher {
            Some(m) => m.is_match(scope),
            None => self.phrases.iter().any(|p| scope.contains(p.as_str())),
        }
    }
}

/// Words after which a negation earlier in the clause no longer applies.
const CONTRAST: [&str; 12] = [
    "but", "however", "although", "though", "while", "whereas", "yet", "但", "但是", "不过",
    "然而", "却",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyse;

    fn neg() -> Negation {
        Negation::new(
            &[
                "not",
                "no",
                "never",
                "without",
                "won't",
                "don't",
                "rather than",
                "instead of",
            ]
            .map(String::from),
            &["不", "没有", "无需", "不要", "避免"].map(String::from),
        )
    }

    #[test]
    fn finds_whole_words_and_plurals() {
        let set = TermSet::new(&[vec!["merchant", "seller"], vec!["alipay"]]);
        let a = analyse(
            "Merchants and sellers pay through Alipay; merchantability is not a word we need.",
        );
        let hits = set.find(&a, &neg());
        let found: Vec<(&str, usize)> = hits
            .iter()
            .map(|h| (&a.text[h.span.start..h.span.end], h.group))
            .collect();
        assert_eq!(found, [("Merchants", 0), ("sellers", 0), ("Alipay", 1)]);
    }

    #[test]
    fn negation_in_the_same_clause_only() {
        let set = TermSet::new(&[vec!["merchants", "商家"]]);
        let a = analyse(
            "We would launch without involving merchants. Then merchants join, but not only merchants benefit.",
        );
        let negated: Vec<bool> = set.find(&a, &neg()).iter().map(|h| h.negated).collect();
        assert_eq!(negated, [true, false, false]);
        let z = analyse("我们不需要商家参与，商家后续再说。我们不断吸引商家。");
        let negated: Vec<bool> = set.find(&z, &neg()).iter().map(|h| h.negated).collect();
        assert_eq!(negated, [true, false, false]);
    }

    #[test]
    fn scanning_in_order_agrees_with_negates() {
        let n = neg();
        for text in [
            "We would launch without involving merchants. Then merchants join, but not only merchants benefit.",
            "Not just sellers but buyers; we do not onboard pharmacies or clinics, rather than brands we pick stores.",
            "Instead of a coupon, not a discount: however we not never ship it. Undo nothing here, not",
            "我们不需要商家参与，商家后续再说。我们不断吸引商家，但是没有用户，并非所有卖家都会参与。",
            "用户不想要 coupons, but not only 商家 benefit; 我们无需 GMV 而是 rather than 补贴。",
        ] {
            let a = analyse(text);
            let mut scan = NegationScan::new(&n, &a);
            for t in &a.tokens {
                assert_eq!(
                    scan.negates(t.span),
                    n.negates(&a, t.span),
                    "{text}: `{}`",
                    &a.text[t.span.start..t.span.end]
                );
            }
        }
    }

    #[test]
    fn chinese_terms_align_with_words() {
        let set = TermSet::new(&[vec!["支付宝"], vec!["菜鸟"]]);
        let a = analyse("用户通过支付宝付款，菜鸟负责配送。");
        assert_eq!(set.find(&a, &neg()).len(), 2);
    }
}
