//! Resume screening: what a resume shows of ownership, quantified impact, scale, high growth,
//! product experience and languages, each with the evidence it rests on, and a suggestion to
//! `advance`, `hold` or `reject`.
//!
//! Pure: it takes the bytes of a file and its name, and returns a [`Screening`] or a
//! [`ResumeError`]; the caller reads files. Deterministic: the same bytes, name and date give the
//! same screening, byte for byte.
//!
//! # Reading
//!
//! The kind of a file comes from its content — `%PDF` in the first kilobyte, a zip archive holding
//! `word/document.xml`, a JSON object — with the extension as a hint: a `.md` file is Markdown,
//! a `.json` file that does not parse is reported as broken JSON, and a `.pdf` or `.docx` file
//! whose content is something else is an error rather than a guess. An empty file, one over
//! [`MAX_RESUME_BYTES`], a password-protected PDF or DOCX, a PDF or DOCX that would unpack to far
//! more than any resume, a legacy Word `.doc`, and a binary or non-UTF-8 text file are each a
//! [`ResumeError`] with a message for a person. PDF reading is contained (see the `pdf` module):
//! the reader's panics become errors.
//!
//! # The rules
//!
//! Words come from `content/coach/resume.toml`, negation cues from `content/coach/lexicon.toml`:
//! a negated mention ("did not launch") counts for nothing. Evidence is the sentence or list line
//! holding the mention, with the words that triggered the rule marked, as byte offsets into the
//! extracted text.
//!
//! - **Ownership**: statements in the owner's voice (`ownership.owner_voice`: "led", "owned",
//!   "launched", 主导, 负责). It counts when there are at least as many as statements in the
//!   passenger's voice (`ownership.passenger_voice`: "assisted", "participated in", 参与, 协助); a
//!   mention inside a passenger's phrase ("led by") is the passenger's.
//! - **Quantified impact**: a "from X to Y" change; a percentage next to a verb of change
//!   (`impact.change`) or written with a sign ("+12%"); an amount of money, a multiple or a
//!   duration next to a verb of change; or a number of 100 or more next to one. Dates are not
//!   numbers here.
//! - **Scale**: a number next to a metric (`scale.*`: users, DAU, MAU, GMV, revenue, QPS,
//!   orders, merchants, downloads) — "10M users", "1亿用户", "50k QPS", "GMV of ¥2B" — of at least
//!   the metric's minimum (`[scale]` in the lexicon), with at most a few words between them.
//! - **High growth**: a multiple in words ("doubled", 翻倍); zero to one ("0 to 1", "from
//!   scratch", 从0到1); a multiple of 2 or more ("3x", "3倍") or a percentage of 100 or more next to
//!   a verb of growth or change; or a "from X to Y" change of counts or money that at least
//!   doubles or starts from zero.
//! - **Product experience**: a product-management title (`product.title`), or product practices
//!   (`product.practice`: roadmap, PRD, A/B tests, launches) in at least two sentences.
//! - **Languages**: a language (`language.*`) with a proficiency (`proficiency.*`) in the same
//!   sentence, or named in a languages section or on a line opened by a languages heading. Each
//!   language takes the proficiency written right after it, else the one before it, and keeps
//!   its strongest mention.
//! - **Experience**: date ranges ("2019.03 – 至今", "Mar 2019 – Jun 2021") outside the education,
//!   languages and other sections and off lines that name a school or degree, their months
//!   counted once where they overlap. "Present" is the date passed in. The years give the level
//!   band: every level whose typical years (`[[levels]]` in the lexicon) include them.
//!
//! The suggestion:
//!
//! - `advance` with ownership, quantified impact, scale or high growth, and product experience;
//! - `reject` with none of ownership, quantified impact, scale and high growth;
//! - `hold` otherwise, with what is missing named.

mod dates;
mod docx;
mod jsonresume;
mod pdf;
mod screen;

use serde::Serialize;

pub use dates::{YearMonth, YearMonthError};
pub use screen::{
    Experience, Finding, LanguageFinding, LevelEstimate, Mark, Period, Screener, Screening,
    Suggestion,
};

/// The largest resume file screened, in bytes.
pub const MAX_RESUME_BYTES: u64 = 10 * 1024 * 1024;

/// The most text a resume may yield, in bytes. A long resume has a few tens of kilobytes; more
/// than this is not a resume and would only slow the screening down.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

pub use docx::MAX_UNPACKED_BYTES as MAX_DOCX_UNPACKED_BYTES;
pub use pdf::MAX_INFLATED_BYTES as MAX_PDF_INFLATED_BYTES;

/// The kind of a resume file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// A PDF document.
    Pdf,
    /// A Word document (Office Open XML).
    Docx,
    /// Markdown.
    Markdown,
    /// Plain text.
    Text,
    /// A JSON Resume (jsonresume.org).
    JsonResume,
}

impl DocKind {
    /// The kind's name for messages.
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Pdf => "PDF",
            DocKind::Docx => "DOCX",
            DocKind::Markdown => "Markdown",
            DocKind::Text => "text",
            DocKind::JsonResume => "JSON Resume",
        }
    }
}

/// Why a resume could not be screened. Each message is a sentence for the person who gave the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The file is too large to be a resume.
    #[error(
        "the file is huge: {size} bytes, over the {} MiB limit for a resume",
        MAX_RESUME_BYTES / 1024 / 1024
    )]
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The document needs a password.
    #[error("the {} is encrypted (password-protected); save a copy without a password", kind.name())]
    Encrypted {
        /// PDF or DOCX.
        kind: DocKind,
    },
    /// The document would unpack to far more than any resume.
    #[error(
        "the {} would unpack to more than {} MiB; refused as a possible decompression bomb",
        kind.name(),
        limit / 1024 / 1024
    )]
    Bomb {
        /// PDF or DOCX.
        kind: DocKind,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The document is damaged or is not what its name says.
    #[error("malformed {}: {detail}", kind.name())]
    Malformed {
        /// What it was read as.
        kind: DocKind,
        /// What went wrong.
        detail: String,
    },
    /// A Word 97–2003 `.doc` file.
    #[error("a legacy Word .doc file; save it as .docx or PDF")]
    LegacyWord,
    /// Binary data that is neither a PDF nor a DOCX.
    #[error(
        "not a resume: binary data (byte {byte:#04x} at offset {at}) that is neither PDF nor DOCX"
    )]
    Binary {
        /// The first byte that gave it away.
        byte: u8,
        /// Where it is.
        at: usize,
    },
    /// UTF-16 text.
    #[error("UTF-16 text; save it as UTF-8")]
    Utf16,
    /// Text that is not UTF-8.
    #[error("not UTF-8 text (invalid byte at offset {at}); save it as UTF-8")]
    NotUtf8 {
        /// Where the first invalid byte is.
        at: usize,
    },
    /// Broken JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// JSON that is not a JSON Resume.
    #[error(
        "JSON, but not a JSON Resume: it has none of basics, work, education, skills, languages, projects"
    )]
    NotJsonResume,
    /// Nothing to read.
    #[error("no text in the {}; a scanned resume needs text recognition first", kind.name())]
    NoText {
        /// What it was read as.
        kind: DocKind,
    },
    /// Far more text than a resume.
    #[error("{size} bytes of text, more than a resume's {} KiB", MAX_TEXT_BYTES / 1024)]
    TooMuchText {
        /// The size of the text.
        size: usize,
    },
}

/// The text of a resume and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// What the file was read as.
    pub kind: DocKind,
    /// The text; evidence offsets point into it. Line ends are `\n`.
    pub text: String,
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn extension(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Reads the text of a resume of any supported kind. `name` is the file name, used only as a hint.
pub fn extract(bytes: &[u8], name: &str) -> Result<Extracted, ResumeError> {
    if bytes.is_empty() {
        return Err(ResumeError::Empty);
    }
    if bytes.len() as u64 > MAX_RESUME_BYTES {
        return Err(ResumeError::TooLarge {
            size: bytes.len() as u64,
        });
    }
    let ext = extension(name);
    let head = &bytes[..bytes.len().min(1024)];
    let (kind, text) = if contains(head, b"%PDF-") {
        (DocKind::Pdf, pdf::text(bytes)?)
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        (DocKind::Docx, docx::text(bytes)?)
    } else if bytes.starts_with(&OLE_MAGIC) {
        // Office keeps a password-protected DOCX inside an OLE container, as it keeps a .doc.
        let encrypted: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        return Err(if contains(bytes, &encrypted) {
            ResumeError::Encrypted {
                kind: DocKind::Docx,
            }
        } else {
            ResumeError::LegacyWord
        });
    } else if ext == "pdf" {
        return Err(ResumeError::Malformed {
            kind: DocKind::Pdf,
            detail: "named .pdf, but it does not start like a PDF (no %PDF header)".into(),
        });
    } else if ext == "docx" {
        return Err(ResumeError::Malformed {
            kind: DocKind::Docx,
            detail: "named .docx, but it is not a zip archive".into(),
        });
    } else {
        let text = plain_text(bytes)?;
        let json_like = text.trim_start().starts_with('{');
        if ext == "json" || (json_like && serde_json::from_str::<serde_json::Value>(&text).is_ok())
        {
            (DocKind::JsonResume, jsonresume::text(text.as_bytes())?)
        } else if matches!(ext.as_str(), "md" | "markdown" | "mdown" | "mkd") {
            (DocKind::Markdown, text)
        } else {
            (DocKind::Text, text)
        }
    };
    let text = normalise(&text);
    if text.trim().is_empty() {
        return Err(ResumeError::NoText { kind });
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ResumeError::TooMuchText { size: text.len() });
    }
    Ok(Extracted { kind, text })
}

/// UTF-8 text without its byte-order mark; binary and UTF-16 data are refused.
fn plain_text(bytes: &[u8]) -> Result<String, ResumeError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ResumeError::Utf16);
    }
    // Text has no NUL and almost no control characters; a few stray ones (a form feed) are fine.
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|b| b.is_ascii_control() && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if let Some(at) = bytes.iter().position(|b| *b == 0).or_else(|| {
        (controls >= 4 && controls * 100 > sample.len())
            .then(|| {
                sample
                    .iter()
                    .position(|b| b.is_ascii_control() && !b.is_ascii_whitespace())
            })
            .flatten()
    }) {
        return Err(ResumeError::Binary {
            byte: bytes[at],
            at,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ResumeError::NotUtf8 {
        at: e.valid_up_to(),
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text).to_string())
}

/// Line ends as `\n`, no NUL or other control characters but tab and line feed, and no trailing
/// blanks on lines: what every later rule assumes.
fn normalise(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    for line in unified.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let clean: String = body
            .chars()
            .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
            .collect();
        out.push_str(clean.trim_end());
        out.push_str(nl);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_content_with_the_extension_as_a_hint() {
        let kind = |b: &[u8], n: &str| extract(b, n).map(|e| e.kind);
        assert_eq!(kind(b"# Jane\nPM", "cv.md"), Ok(DocKind::Markdown));
        assert_eq!(kind(b"Jane\nPM", "cv.txt"), Ok(DocKind::Text));
        assert_eq!(kind(b"Jane\nPM", "cv"), Ok(DocKind::Text));
        assert_eq!(
            kind(b"{\"basics\": {\"name\": \"Jane\"}}", "cv.txt"),
            Ok(DocKind::JsonResume)
        );
        assert_eq!(kind(b"{ not json, a note", "cv.txt"), Ok(DocKind::Text));
        assert!(matches!(
            kind(b"{ not json", "cv.json"),
            Err(ResumeError::Json { .. })
        ));
        assert!(matches!(
            kind(b"Jane", "cv.pdf"),
            Err(ResumeError::Malformed {
                kind: DocKind::Pdf,
                ..
            })
        ));
        assert!(matches!(
            kind(b"PK\x03\x04garbage", "cv.docx"),
            Err(ResumeError::Malformed {
                kind: DocKind::Docx,
                ..
            })
        ));
        assert_eq!(kind(&OLE_MAGIC, "cv.doc"), Err(ResumeError::LegacyWord));
    }

    #[test]
    fn limits_and_refusals() {
        assert_eq!(extract(b"", "a.txt"), Err(ResumeError::Empty));
        assert_eq!(
            extract(b"  \n\n ", "a.txt"),
            Err(ResumeError::NoText {
                kind: DocKind::Text
            })
        );
        let huge = vec![b'a'; MAX_RESUME_BYTES as usize + 1];
        assert!(matches!(
            extract(&huge, "a.txt"),
            Err(ResumeError::TooLarge { .. })
        ));
        assert!(matches!(
            extract(b"ab\0cd", "a.txt"),
            Err(ResumeError::Binary { at: 2, .. })
        ));
        assert_eq!(extract(b"\xff\xfea\0", "a.txt"), Err(ResumeError::Utf16));
        assert_eq!(
            extract(b"caf\xe9", "a.txt"),
            Err(ResumeError::NotUtf8 { at: 3 })
        );
        let long = "word ".repeat(MAX_TEXT_BYTES / 5 + 1);
        assert!(matches!(
            extract(long.as_bytes(), "a.txt"),
            Err(ResumeError::TooMuchText { .. })
        ));
    }

    #[test]
    fn text_is_normalised() {
        let e = extract("\u{feff}Jane  \r\nPM\u{7}\rLed".as_bytes(), "a.txt").unwrap();
        assert_eq!(e.text, "Jane\nPM\nLed");
    }
}
