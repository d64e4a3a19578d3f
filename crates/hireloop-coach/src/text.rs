//! Text analysis: language, tokens, sentences and clauses, all with byte offsets into the answer
//! as given.
//!
//! English is split into words on ASCII letters and digits; Chinese runs are segmented with jieba,
//! so a negation cue or a count of words means a real word. A lowercase copy of the text keeps the
//! same byte offsets (only ASCII letters change case), so matches found in it point into the
//! original.

use std::sync::OnceLock;

use jieba_rs::Jieba;
use serde::Serialize;

/// The language of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

/// A byte range of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word of ASCII letters (may contain digits, `'` or `-`).
    Word,
    /// A number (digits with `.` or `,` inside).
    Number,
    /// A Chinese word from the segmenter.
    Cjk,
}

/// A token of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Where it is.
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
}

/// An analysed answer.
#[derive(Debug)]
pub struct Analysed<'a> {
    /// The answer as given.
    pub text: &'a str,
    /// The answer with ASCII letters lowercased; same byte offsets.
    pub lower: String,
    /// English or Chinese.
    pub language: Language,
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// Sentences in order, ending at `.!?。！？` or a line break.
    pub sentences: Vec<Span>,
    /// Clauses in order: sentences further cut at `,;:，；：、`.
    pub clauses: Vec<Span>,
    /// Paragraphs (blocks separated by a blank line) and list lines.
    pub blocks: usize,
}

/// The segmenter, loaded once: building its dictionary takes a noticeable fraction of a second.
pub fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(Jieba::new)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

impl Analysed<'_> {
    /// The token text, lowercased for words.
    pub fn token_text(&self, t: &Token) -> &str {
        &self.lower[t.span.start..t.span.end]
    }

    /// Tokens that carry meaning (words, numbers, Chinese words).
    pub fn word_count(&self) -> usize {
        self.tokens.len()
    }

    /// The clause containing a byte offset.
    pub fn clause_of(&self, at: usize) -> Span {
        let i = self.clauses.partition_point(|c| c.end <= at);
        self.clauses.get(i).copied().unwrap_or(Span {
            start: 0,
            end: self.text.len(),
        })
    }

    /// The sentence containing a byte offset.
    pub fn sentence_of(&self, at: usize) -> Span {
        let i = self.sentences.partition_point(|c| c.end <= at);
        self.sentences.get(i).copied().unwrap_or(Span {
            start: 0,
            end: self.text.len(),
        })
    }

    /// Tokens inside a span.
    pub fn tokens_in(&self, span: Span) -> &[Token] {
        let a = self.tokens.partition_point(|t| t.span.start < span.start);
        let b = self.tokens.partition_point(|t| t.span.start < span.end);
        &self.tokens[a..b.max(a)]
    }

    /// True when a byte offset falls on a token boundary (start or end of some token).
    pub fn on_boundary(&self, at: usize) -> bool {
        let i = self.tokens.partition_point(|t| t.span.end < at);
        self.tokens
            .get(i)
            .is_some_and(|t| t.span.start == at || t.span.end == at)
            || self
                .tokens
                .get(i.wrapping_sub(1))
                .is_some_and(|t| t.span.end == at)
    }
}

/// Analyses an answer.
pub fn analyse(text: &str) -> Analysed<'_> {
    let lower = text.to_ascii_lowercase();
    // Words average five to six bytes with their space in English and about as many in Chinese
    // (two characters of three bytes): a fifth of the length rarely needs to grow.
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut cjk = 0usize;
    let mut latin = 0usize;
    let bytes = text.as_bytes();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_alphanumeric() {
            // A word or number: letters and digits, with `'`, `-`, `.` or `,` allowed between them.
            let mut end = i + c.len_utf8();
            let mut has_alpha = c.is_ascii_alphabetic();
            while let Some(&(j, d)) = chars.peek() {
                let next_alnum = bytes.get(j + 1).is_some_and(u8::is_ascii_alphanumeric);
                let between_digits = bytes[j - 1].is_ascii_digit()
                    && bytes.get(j + 1).is_some_and(u8::is_ascii_digit);
                let joins = d.is_ascii_alphanumeric()
                    || (matches!(d, '\'' | '-') && next_alnum)
                    || (matches!(d, '.' | ',') && between_digits);
                if !joins {
                    break;
                }
                has_alpha |= d.is_ascii_alphabetic();
                end = j + d.len_utf8();
                chars.next();
            }
            latin += usize::from(has_alpha);
            let kind = if has_alpha {
                TokenKind::Word
            } else {
                TokenKind::Number
            };
            tokens.push(Token {
                span: Span { start: i, end },
                kind,
            });
        } else if is_cjk(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if is_cjk(d) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let run = &text[i..end];
            cjk += run.chars().count();
            let mut at = i;
            for word in jieba().cut(run, false) {
                let len = word.len();
                tokens.push(Token {
                    span: Span {
                        start: at,
                        end: at + len,
                    },
                    kind: TokenKind::Cjk,
                });
                at += len;
            }
        }
    }
    // Chinese carries about two English words of meaning per character pair; a Chinese answer with
    // English product names is still Chinese.
    let language = if cjk >= 20 && cjk * 2 >= latin {
        Language::Zh
    } else {
        Language::En
    };
    let (sentences, clauses) = split(text);
    let blocks = text
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .count()
        .max(text.lines().filter(|l| is_list_line(l)).count());
    Analysed {
        text,
        lower,
        language,
        tokens,
        sentences,
        clauses,
        blocks,
    }
}

/// True for a line that starts a list item: `-`, `*`, `•`, `1.`, `1)`, `(a)`.
pub fn is_list_line(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with('•') {
        return true;
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && digits <= 2
        && matches!(t.as_bytes().get(digits), Some(b'.' | b')' | b'\xe3'))
        && t.len() > digits + 1
}

/// Splits text into sentences and into clauses, without empty pieces, in one pass.
fn split(text: &str) -> (Vec<Span>, Vec<Span>) {
    let bytes = text.as_bytes();
    let mut sentences = Vec::new();
    let mut clauses = Vec::new();
    let (mut sentence_start, mut clause_start) = (0, 0);
    // A piece that is only spaces and punctuation is no sentence or clause.
    let push = |out: &mut Vec<Span>, start: usize, end: usize| {
        if !text[start..end]
            .trim_matches(|ch: char| ch.is_whitespace() || ch.is_ascii_punctuation())
            .is_empty()
        {
            out.push(Span { start, end });
        }
    };
    for (i, c) in text.char_indices() {
        let end_of_sentence = match c {
            '!' | '?' | '。' | '！' | '？' | '\n' | '；' => true,
            // A full stop, not a decimal point or an abbreviation inside a word.
            '.' => {
                !(i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
            }
            _ => false,
        };
        let end_of_clause = end_of_sentence
            || matches!(
                c,
                ',' | ';' | ':' | '，' | '：' | '、' | '(' | ')' | '（' | '）'
            );
        if end_of_clause {
            let end = i + c.len_utf8();
            push(&mut clauses, clause_start, end);
            clause_start = end;
            if end_of_sentence {
                push(&mut sentences, sentence_start, end);
                sentence_start = end;
            }
        }
    }
    for (out, start) in [
        (&mut sentences, sentence_start),
        (&mut clauses, clause_start),
    ] {
        if !text[start..].trim().is_empty() {
            out.push(Span {
                start,
                end: text.len(),
            });
        }
    }
    (sentences, clauses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_tokens_keep_numbers_and_offsets() {
        let a = analyse("Conversion rose from 3.0% to 3.5%, about 1,200 orders. It's e-commerce.");
        let words: Vec<&str> = a
            .tokens
            .iter()
            .map(|t| &a.text[t.span.start..t.span.end])
            .collect();
        assert_eq!(
            words,
            [
                "Conversion",
                "rose",
                "from",
                "3.0",
                "to",
                "3.5",
                "about",
                "1,200",
                "orders",
                "It's",
                "e-commerce"
            ]
        );
        assert_eq!(a.language, Language::En);
        assert_eq!(a.sentences.len(), 2);
        assert!(a.clauses.len() >= 3);
        assert_eq!(&a.lower[0..10], "conversion");
    }

    #[test]
    fn chinese_is_segmented_into_words() {
        let a = analyse("我们首先要让商家入驻，然后通过支付宝完成支付。转化率从3%提升到3.5%。");
        assert_eq!(a.language, Language::Zh);
        let words: Vec<&str> = a
            .tokens
            .iter()
            .map(|t| &a.text[t.span.start..t.span.end])
            .collect();
        assert!(
            words.contains(&"商家") && words.contains(&"支付宝"),
            "{words:?}"
        );
        assert!(words.contains(&"3.5"), "{words:?}");
        assert_eq!(a.sentences.len(), 2);
        for t in &a.tokens {
            assert!(a.text.is_char_boundary(t.span.start) && a.text.is_char_boundary(t.span.end));
        }
    }

    #[test]
    fn decimal_points_do_not_end_sentences() {
        let a = analyse("RPV is 6.00 CNY against 5.89 CNY. So no.");
        assert_eq!(a.sentences.len(), 2);
    }
}
