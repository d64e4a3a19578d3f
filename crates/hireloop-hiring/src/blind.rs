//! The optional blind first stage: reviewers see an alias and a redacted resume, so the first
//! screen judges what a candidate did rather than who they are, where they studied or how old
//! they are.
//!
//! # What redaction hides — and what it cannot promise
//!
//! [`redact_resume`] replaces, in English and Chinese text:
//!
//! - school names: `… University`, `University of …`, `… College`, `… Institute of Technology`,
//!   `… School`, `…大学`, `…学院`, `…中学`, and a short list of well-known short forms
//!   (`MIT`, `UCLA`, `清华`, `北大`, …) → `[school]`;
//! - ages and birth dates: `age 29`, `29 years old`, `born 1995`, `DOB: 1995-03-02`,
//!   `1995年出生`, `出生日期：1995年3月`, `年龄：29`, `29岁` → `[age]`;
//! - photo references: image files, Markdown and HTML images, `Photo: …` lines, `照片`… →
//!   `[photo]`;
//! - email addresses → `[email]`, phone numbers → `[phone]`, social-profile links (LinkedIn,
//!   Facebook, Instagram, Weibo, Xing), which usually spell the name → `[profile link]`;
//! - labelled personal fields — gender, marital status, nationality, ethnicity, native place,
//!   religion, political affiliation (`性别：女`, `籍贯：浙江`) → `[personal]`;
//! - the candidate's own name when given (the full name and each part of it; for a three-
//!   character Chinese name also the given name, and the familiar `小`/`老` + surname) →
//!   `[name]`.
//!
//! It is pattern matching, not understanding, and it **will miss things**:
//!
//! - a school named without its kind (`Stanford`, `Oxford`, `Tsinghua` beyond the short list),
//!   or in a language other than English and Chinese (bar `Université`, `Universität`,
//!   `Universidad`, `Università`), or a sub-unit after an abbreviation (`MIT Sloan` keeps
//!   `Sloan`);
//! - ages written in words ("twenty-nine"), and graduation and employment years, which let a
//!   reader estimate age — kept on purpose, because experience dates matter to the screen;
//! - phone numbers written as one bare run of digits (other than an 11-digit Chinese mobile),
//!   which cannot be told from order numbers or amounts;
//! - nicknames, names in other scripts or transliterations (`Li Lei` for `李雷`), gendered
//!   pronouns, clubs and associations that reveal religion or origin, places of birth;
//! - anything inside images, or in tables lost when the resume was turned into text.
//!
//! It also over-redacts now and then (a company called "Summit Academy", a name part that is
//! also a common word). A blind screen reduces bias; it does not remove it, and the reviewer UI
//! should say so.

use std::ops::Range;
use std::sync::LazyLock;

use hmac::{Hmac, KeyInit, Mac};
use regex::Regex;
use serde::Serialize;
use sha2::Sha256;

/// What a redaction hid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A school, college or university.
    School,
    /// An age, a birth date or a birth year.
    Age,
    /// A photo or a reference to one.
    Photo,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// A social-profile link.
    ProfileLink,
    /// A labelled personal field: gender, marital status, nationality, …
    Personal,
    /// The candidate's name.
    Name,
}

impl Kind {
    /// The marker that replaces the text, e.g. `[school]`.
    pub fn marker(self) -> &'static str {
        match self {
            Self::School => "[school]",
            Self::Age => "[age]",
            Self::Photo => "[photo]",
            Self::Email => "[email]",
            Self::Phone => "[phone]",
            Self::ProfileLink => "[profile link]",
            Self::Personal => "[personal]",
            Self::Name => "[name]",
        }
    }
}

/// One piece of hidden text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redaction {
    /// What it was.
    pub kind: Kind,
    /// Where it was in the *original* text, in bytes (so an admin view can show it back).
    pub span: Range<usize>,
}

/// A redacted resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redacted {
    /// The text with every redaction replaced by its marker.
    pub text: String,
    /// Every redaction, in text order, never overlapping.
    pub redactions: Vec<Redaction>,
}

/// Why redaction could not run. It fails closed: a resume is never shown unredacted instead.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the {name} redaction pattern does not compile: {source}")]
pub struct BlindError {
    /// Which pattern.
    pub name: &'static str,
    /// The regex engine's complaint.
    #[source]
    pub source: regex::Error,
}

/// The alias shown instead of a candidate's name: `Candidate 7F3A`.
///
/// It is an HMAC of the candidate id under `key`, not a plain hash: ids are often sequential or
/// visible elsewhere, and anyone could otherwise hash every id to unmask an alias. Use one key
/// per requisition (kept server-side) so aliases cannot be linked across requisitions either.
/// Four hex digits collide often enough in a large pool that a list view should use
/// [`aliases`], which keeps every alias distinct.
pub fn alias(key: &[u8], candidate_id: &str) -> String {
    alias_with_digits(key, candidate_id, 4)
}

/// Aliases for `candidate_ids` in the given order, all distinct: a candidate whose four-digit
/// alias is already taken gets six digits (then eight, …). Pass ids in application order and
/// earlier candidates keep their alias when new ones arrive.
pub fn aliases(key: &[u8], candidate_ids: &[&str]) -> Vec<String> {
    let mut taken = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(candidate_ids.len());
    for id in candidate_ids {
        let mut digits = 4;
        let mut name = alias_with_digits(key, id, digits);
        while taken.contains(&name) && digits < 64 {
            digits += 2;
            name = alias_with_digits(key, id, digits);
        }
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

fn alias_with_digits(key: &[u8], candidate_id: &str, digits: usize) -> String {
    let tag = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .map(|mac| {
            mac.chain_update(b"hireloop.blind.alias.")
                .chain_update(candidate_id.as_bytes())
                .finalize()
                .into_bytes()
        })
        .map(|bytes| crate::audit::hex(&bytes).to_uppercase())
        .unwrap_or_default();
    format!("Candidate {}", tag.get(..digits).unwrap_or(&tag))
}

/// Redacts a resume's text; `name` is the candidate's name as they gave it, when known.
pub fn redact_resume(text: &str, name: Option<&str>) -> Result<Redacted, BlindError> {
    let patterns = PATTERNS.as_ref().map_err(Clone::clone)?;
    let mut found: Vec<Redaction> = Vec::new();
    for (kind, regex) in &patterns.simple {
        for m in regex.find_iter(text) {
            found.push(Redaction {
                kind: *kind,
                span: m.range(),
            });
        }
    }
    found.extend(find_phones(text, &patterns.phone));
    found.extend(find_english_schools(text, &patterns.word));
    found.extend(find_chinese_schools(text, &patterns.han_school));
    if let Some(name) = name {
        found.extend(find_name(text, name));
    }
    let redactions = resolve_overlaps(found);
    Ok(Redacted {
        text: apply(text, &redactions),
        redactions,
    })
}

struct Patterns {
    simple: Vec<(Kind, Regex)>,
    phone: Regex,
    word: Regex,
    han_school: Regex,
}

static PATTERNS: LazyLock<Result<Patterns, BlindError>> = LazyLock::new(compile_patterns);

fn compile(name: &'static str, pattern: &str) -> Result<Regex, BlindError> {
    Regex::new(pattern).map_err(|source| BlindError { name, source })
}

const MONTH: &str = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?";

fn date_pattern() -> String {
    format!(
        r"(?:\d{{4}}[-/.]\d{{1,2}}(?:[-/.]\d{{1,2}})?|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|{MONTH},?\s+\d{{4}}|\d{{4}})"
    )
}

fn compile_patterns() -> Result<Patterns, BlindError> {
    let date = date_pattern();
    // 1995年, 1995年3月, 1995年3月2日, 1995-03-02, 1995.03
    let cn_date = r"\d{4}(?:\s*[年./-]\s*\d{1,2}(?:\s*[月./-]\s*\d{1,2})?)?\s*[年月日]?";
    let simple = vec![
        (
            Kind::Email,
            compile(
                "email",
                r"(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+",
            )?,
        ),
        (
            Kind::ProfileLink,
            compile(
                "profile link",
                r"(?i)(?:https?://)?(?:[a-z]{2,3}\.)?(?:linkedin\.com|facebook\.com|instagram\.com|weibo\.com|xing\.com)/[^\s)\]>,;]*",
            )?,
        ),
        (Kind::Photo, compile("photo", &photo_pattern())?),
        (
            Kind::Age,
            compile(
                "age",
                &format!(
                    r"(?i)\b(?:aged?\s*[:：]?\s*\d{{1,2}}\b|\d{{1,2}}\s*-?\s*(?:years?|yrs?)\s*-?\s*old\b|born\s+(?:in\s+|on\s+)?{date}\b|(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday)\s*[:：]?\s*{date}\b)"
                ),
            )?,
        ),
        (
            Kind::Age,
            compile(
                "chinese age",
                &format!(
                    r"(?:{cn_date}\s*(?:出生|生人)|出生(?:日期|年月|年份|于)?\s*[:：]?\s*{cn_date}(?:\s*出生)?|年龄\s*[:：]?\s*\d{{1,2}}\s*(?:周?岁)?|\d{{1,2}}\s*周?岁)"
                ),
            )?,
        ),
        (
            Kind::Personal,
            compile(
                "personal field",
                r"(?i)(?:\b(?:gender|sex|marital\s+status|nationality|ethnicity|religion)\s*[:：]\s*[^\n|｜;；,，]*[^\s|｜;；,，]|(?:性别|婚姻状况|婚否|民族|籍贯|政治面貌|宗教信仰)\s*[:：]?\s*[^\n|｜;；,，\s]+)",
            )?,
        ),
        (
            Kind::School,
            compile(
                "school short form",
                r"\b(?:MIT|UCLA|NYU|CMU|HKU|HKUST|NUS|NTU|LSE|UCL|USC|Caltech|INSEAD|SJTU|ZJU|USTC|PKU)\b|清华|北大|复旦|浙大|交大|中科大|哈工大|北航|同济",
            )?,
        ),
    ];
    Ok(Patterns {
        simple,
        phone: compile("phone", r"\+?\(?\d[\d \t().\-]{5,}\d")?,
        word: compile("word", r"[\p{L}&][\p{L}&'’\-]*(?:\.\p{L}+)*")?,
        han_school: compile("chinese school", r"\p{Han}{1,12}(?:大学|学院|中学)")?,
    })
}

fn photo_pattern() -> String {
    [
        r"!\[[^\]]*\]\([^)]*\)",                             // Markdown image
        r"(?i)<img\b[^>]*>",                                 // HTML image
        r"(?i)\b[\w\-]+\.(?:jpe?g|png|gif|webp|heic|bmp)\b", // image file name
        r"(?im)^[ \t]*(?:photo|photograph|headshot|picture)[ \t]*[:：].*$",
        r"(?i)\b(?:photo|photograph|headshot)\s+(?:attached|enclosed|included)\b",
        r"(?i)\[(?:photo|headshot|picture)\]",
        r"(?m)(?:个人照片|证件照|近照|头像|照片)(?:[ \t]*[:：].*$|见附件|已附)?",
    ]
    .join("|")
}

/// Phone numbers: 9 to 15 digits with the usual separators, written with a `+`, with a
/// separator, or as an 11-digit Chinese mobile number — so that a bare large number ("grew GMV
/// to 120000000") or a date or year range ("2015-2019", "2019.03.01") is left alone.
fn find_phones(text: &str, regex: &Regex) -> Vec<Redaction> {
    regex
        .find_iter(text)
        .filter_map(|m| {
            let s = m.as_str().trim_end();
            let digits = s.chars().filter(char::is_ascii_digit).count();
            let has_separator = s.contains([' ', '-', '.', '(', ')']);
            let china_mobile = digits == 11 && s.starts_with('1') && !has_separator;
            let plausible = (9..=15).contains(&digits)
                && (s.starts_with('+') || has_separator || china_mobile)
                && !looks_like_date_or_range(s)
                && !glued_to_word(text, m.start(), m.start() + s.len());
            plausible.then(|| Redaction {
                kind: Kind::Phone,
                span: m.start()..m.start() + s.len(),
            })
        })
        .collect()
}

/// `2015-2019`, `2019.03.01`, `2015 - 2019`, `2019/3/1 - 2020/6/30`: digits in groups of 4 and
/// 1–2 only, with a four-digit year first.
fn looks_like_date_or_range(s: &str) -> bool {
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    groups.first().is_some_and(|g| g.len() == 4)
        && groups.iter().all(|g| g.len() == 4 || g.len() <= 2)
}

fn glued_to_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    before.is_some_and(|c| c.is_ascii_alphanumeric())
        || after.is_some_and(|c| c.is_ascii_alphanumeric())
}

const SCHOOL_WORDS: [&str; 11] = [
    "University",
    "College",
    "Institute",
    "School",
    "Academy",
    "Polytechnic",
    "Conservatory",
    "Université",
    "Universität",
    "Universidad",
    "Università",
];
/// Lower-case words that may sit inside a school name after the school word
/// (`University of Science and Technology of China`, `Universidad de Buenos Aires`).
const CONNECTORS: [&str; 10] = ["of", "and", "the", "for", "at", "in", "&", "de", "di", "du"];
/// The same before the school word, where `at` or `in` would more likely start the sentence's
/// own words (`a Master of Business at Harvard Business School`).
const LEFT_CONNECTORS: [&str; 5] = ["of", "and", "the", "&", "de"];
const LEFT_STOP: [&str; 8] = [
    "At",
    "From",
    "In",
    "Graduated",
    "Attended",
    "Studied",
    "Education",
    "Alumnus",
];

/// English school names: a school word (`University`, `College`, …) with the capitalised words
/// around it on the same line, connectors (`of`, `and`, `&`, …) allowed between them, plus a
/// campus after a comma (`University of California, Berkeley`).
fn find_english_schools(text: &str, word: &Regex) -> Vec<Redaction> {
    let words: Vec<(usize, usize)> = word.find_iter(text).map(|m| (m.start(), m.end())).collect();
    let mut out = Vec::new();
    for (i, &(s, e)) in words.iter().enumerate() {
        if !SCHOOL_WORDS.contains(&&text[s..e]) {
            continue;
        }
        let first = extend_left(text, &words, i);
        let last = extend_right(text, &words, i);
        if first == i && last == i {
            continue; // the bare word "University" names no school
        }
        let start = words[first].0;
        let end = with_campus(text, words[last].1);
        out.push(Redaction {
            kind: Kind::School,
            span: start..end,
        });
    }
    out
}

fn is_name_word(w: &str) -> bool {
    w.starts_with(|c: char| c.is_uppercase()) || w == "&"
}

/// Only spaces or tabs between two words: a comma, a line break or a bracket ends a name.
fn adjacent(text: &str, left_end: usize, right_start: usize) -> bool {
    text[left_end..right_start]
        .chars()
        .all(|c| c == ' ' || c == '\t')
        && left_end < right_start
}

fn extend_left(text: &str, words: &[(usize, usize)], i: usize) -> usize {
    let mut first = i;
    let mut j = i;
    while j > 0 && adjacent(text, words[j - 1].1, words[j].0) {
        let w = &text[words[j - 1].0..words[j - 1].1];
        if LEFT_CONNECTORS.contains(&w) {
            j -= 1;
            continue;
        }
        if !is_name_word(w) || LEFT_STOP.contains(&w) {
            break;
        }
        j -= 1;
        first = j;
    }
    first
}

fn extend_right(text: &str, words: &[(usize, usize)], i: usize) -> usize {
    let mut last = i;
    let mut j = i;
    while j + 1 < words.len() && adjacent(text, words[j].1, words[j + 1].0) {
        let w = &text[words[j + 1].0..words[j + 1].1];
        if CONNECTORS.contains(&w) {
            j += 1;
            continue;
        }
        if !is_name_word(w) {
            break;
        }
        j += 1;
        last = j;
    }
    last
}

/// `, Berkeley` after a school name, when the comma is followed by one or two capitalised words
/// and then the end of the line or punctuation.
fn with_campus(text: &str, end: usize) -> usize {
    static CAMPUS: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r"^,[ \t]*[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?[ \t]*(?:$|[\r\n(|;—–\-])").ok()
    });
    let Some(campus) = CAMPUS.as_ref() else {
        return end;
    };
    campus.find(&text[end..]).map_or(end, |m| {
        let matched = m.as_str();
        let kept = matched.trim_end_matches(|c: char| !c.is_alphabetic());
        end + kept.len()
    })
}

/// Chinese school names: a run of Han characters ending in 大学/学院/中学, cut after the last
/// word that cannot be part of a name (`毕业于` in `毕业于北京大学`) and after a date's
/// `年`/`月` (`2015年清华大学`).
fn find_chinese_schools(text: &str, regex: &Regex) -> Vec<Redaction> {
    const STOP: &[char] = &[
        '于', '在', '从', '自', '读', '业', '是', '为', '的', '及', '就', '曾', '入', '、', '到',
        '去',
    ];
    let mut out = Vec::new();
    for m in regex.find_iter(text) {
        let matched = m.as_str();
        let suffix_len = "大学".len(); // every suffix is two characters of three bytes
        let prefix = &matched[..matched.len() - suffix_len];
        let mut start = prefix.rfind(STOP).map_or(0, |i| {
            i + prefix[i..].chars().next().map_or(0, char::len_utf8)
        });
        let preceded_by_digit = text[..m.start() + start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit());
        if preceded_by_digit && matches!(prefix[start..].chars().next(), Some('年' | '月')) {
            start += '年'.len_utf8();
        }
        if start < prefix.len() {
            out.push(Redaction {
                kind: Kind::School,
                span: m.start() + start..m.end(),
            });
        }
    }
    out
}

/// The candidate's name: the full name, and each part of two or more characters as a whole
/// word (case-insensitive); for a three-character Chinese name also its last two characters,
/// the given name, which friends and signatures use alone.
fn find_name(text: &str, name: &str) -> Vec<Redaction> {
    let name = name.trim();
    let mut needles: Vec<String> = vec![name.to_owned()];
    needles.extend(
        name.split(|c: char| c.is_whitespace() || c == ',' || c == '.')
            .filter(|p| p.chars().count() >= 2)
            .map(str::to_owned),
    );
    let han: Vec<char> = name.chars().collect();
    if (2..=3).contains(&han.len()) && han.iter().all(|c| is_han(*c)) {
        // 小李 and 老李: the usual familiar forms built on the surname.
        needles.push(format!("小{}", han[0]));
        needles.push(format!("老{}", han[0]));
        if han.len() == 3 {
            needles.push(han[1..].iter().collect());
        }
    }
    let mut out = Vec::new();
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        let Ok(regex) = Regex::new(&name_pattern(needle)) else {
            continue;
        };
        out.extend(regex.find_iter(text).map(|m| Redaction {
            kind: Kind::Name,
            span: m.range(),
        }));
    }
    out
}

/// Whole-word for names in Latin script; Chinese has no spaces, so a Han name matches anywhere.
fn name_pattern(needle: &str) -> String {
    let escaped = regex::escape(needle);
    if needle.chars().any(is_han) {
        escaped
    } else {
        format!(r"(?i)\b{escaped}\b")
    }
}

fn is_han(c: char) -> bool {
    matches!(u32::from(c), 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Keeps the earliest, then the longest, of overlapping redactions, and joins school names that
/// touch (`浙江大学` + `计算机学院` is one school, shown as one marker).
fn resolve_overlaps(mut found: Vec<Redaction>) -> Vec<Redaction> {
    found.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut kept: Vec<Redaction> = Vec::with_capacity(found.len());
    for r in found {
        if r.span.is_empty() {
            continue;
        }
        match kept.last_mut() {
            Some(last) if r.span.start < last.span.end => {}
            Some(last)
                if r.span.start == last.span.end
                    && r.kind == Kind::School
                    && last.kind == Kind::School =>
            {
                last.span.end = r.span.end;
            }
            _ => kept.push(r),
        }
    }
    kept
}

fn apply(text: &str, redactions: &[Redaction]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in redactions {
        out.push_str(&text[at..r.span.start]);
        out.push_str(r.kind.marker());
        at = r.span.end;
    }
    out.push_str(&text[at..]);
    out
}
