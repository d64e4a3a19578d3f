//! Candidate import from a CSV file (as a spreadsheet exports it).
//!
//! The first row names the columns; names are matched case-insensitively after trimming, with
//! `_`, `-` and runs of spaces treated alike, and a few common synonyms (and Chinese headers)
//! accepted — see [`Column::from_header`]. `name` and `email` are required; `phone`,
//! `location`, `source`, `profile url` (or `linkedin`), `group` and `notes` are optional. Other
//! columns are ignored with a warning, so a sheet with an extra "Salary" column still imports.
//!
//! The file must be UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8" writes one).
//!
//! Import is all or nothing: [`import_candidates`] returns every row, or every problem in the
//! file at once — each with its line and column, e.g. `line 7, column email: "bob@" is not an
//! email address` — so a recruiter fixes the sheet in one pass and nothing is half-imported.
//!
//! `group` is an optional, self-reported demographic group used only for adverse-impact
//! reports; it is carried through untouched and must never be shown to interviewers.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

/// The most candidates one file may hold; larger files are refused (split them).
pub const MAX_ROWS: usize = 10_000;

/// The longest value accepted in any cell but `notes`, in characters.
pub const MAX_CELL_CHARS: usize = 1_000;

/// The longest `notes` value accepted, in characters.
pub const MAX_NOTES_CHARS: usize = 10_000;

/// The columns the importer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// Full name (required).
    Name,
    /// Email address (required, unique within the file).
    Email,
    /// Phone number.
    Phone,
    /// Where the candidate lives or wants to work.
    Location,
    /// Where the candidate came from (referral, job board, …).
    Source,
    /// A LinkedIn or other profile URL.
    ProfileUrl,
    /// Self-reported group for adverse-impact reporting.
    Group,
    /// Free-text notes.
    Notes,
}

impl Column {
    /// Every column, in the order they are listed to users.
    pub const ALL: [Column; 8] = [
        Self::Name,
        Self::Email,
        Self::Phone,
        Self::Location,
        Self::Source,
        Self::ProfileUrl,
        Self::Group,
        Self::Notes,
    ];

    /// The column's name in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Location => "location",
            Self::Source => "source",
            Self::ProfileUrl => "profile url",
            Self::Group => "group",
            Self::Notes => "notes",
        }
    }

    /// The column a header cell names, if any: case-insensitive, trimmed, `_`/`-`/spaces alike.
    pub fn from_header(header: &str) -> Option<Self> {
        let key = normalise_header(header);
        let column = match key.as_str() {
            "name" | "full name" | "candidate name" | "candidate" | "姓名" => Self::Name,
            "email" | "e mail" | "email address" | "邮箱" | "电子邮件" => Self::Email,
            "phone" | "phone number" | "mobile" | "telephone" | "电话" | "手机" => Self::Phone,
            "location" | "city" | "所在地" | "城市" => Self::Location,
            "source" | "来源" => Self::Source,
            "profile url" | "profile" | "linkedin" | "linkedin url" | "url" => Self::ProfileUrl,
            "group" | "self reported group" => Self::Group,
            "notes" | "note" | "备注" => Self::Notes,
            _ => return None,
        };
        Some(column)
    }
}

/// One candidate read from the file. Optional cells left blank are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    /// Full name, trimmed.
    pub name: String,
    /// Email address, trimmed, as written (compare case-insensitively).
    pub email: String,
    /// Phone number, as written.
    pub phone: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Profile URL; `https://` is added when the cell had no scheme.
    pub profile_url: Option<String>,
    /// Self-reported group (for adverse-impact reports only).
    pub group: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// A problem (or a warning) at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based line; the header is line 1.
    pub line: u64,
    /// The column, when the problem is in one cell or one header.
    pub column: Option<String>,
    /// What is wrong, in words a recruiter understands.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// A successful import: every row, and warnings that did not stop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// The candidates, in file order.
    pub rows: Vec<CandidateRow>,
    /// Unknown or unnamed columns that were ignored.
    pub warnings: Vec<Problem>,
}

/// A refused import: nothing was imported; every problem found is listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the CSV file; nothing was imported (first: {})", .errors.len(), first_problem(.errors))]
pub struct ImportErrors {
    /// Every problem, in file order.
    pub errors: Vec<Problem>,
    /// Warnings found along the way.
    pub warnings: Vec<Problem>,
}

fn first_problem(errors: &[Problem]) -> String {
    errors.first().map_or_else(String::new, ToString::to_string)
}

/// Reads a candidate CSV file with the default row limit ([`MAX_ROWS`]).
pub fn import_candidates(bytes: &[u8]) -> Result<Imported, ImportErrors> {
    import_with_limit(bytes, MAX_ROWS)
}

/// Reads a candidate CSV file, refusing more than `max_rows` candidates.
pub fn import_with_limit(bytes: &[u8], max_rows: usize) -> Result<Imported, ImportErrors> {
    let mut report = Report::default();
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(problem) => {
            report.errors.push(problem);
            return report.finish(Vec::new());
        }
    };
    let rows = read_rows(text, max_rows, &mut report);
    report.finish(rows)
}

#[derive(Default)]
struct Report {
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Report {
    fn error(&mut self, line: u64, column: Option<&str>, message: String) {
        self.errors.push(Problem {
            line,
            column: column.map(str::to_owned),
            message,
        });
    }

    fn warn(&mut self, line: u64, column: Option<&str>, message: String) {
        self.warnings.push(Problem {
            line,
            column: column.map(str::to_owned),
            message,
        });
    }

    fn finish(self, rows: Vec<CandidateRow>) -> Result<Imported, ImportErrors> {
        if self.errors.is_empty() {
            Ok(Imported {
                rows,
                warnings: self.warnings,
            })
        } else {
            Err(ImportErrors {
                errors: self.errors,
                warnings: self.warnings,
            })
        }
    }
}

/// The file as text, without its byte-order mark; a non-UTF-8 file is one problem, reported at
/// the line of its first bad byte (the usual cause is a sheet saved as "CSV" in a legacy code
/// page such as GBK or Windows-1252).
fn decode(bytes: &[u8]) -> Result<&str, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u64;
        Problem {
            line,
            column: None,
            message: "the file is not UTF-8 text; save it as \"CSV UTF-8\" and try again".into(),
        }
    })
}

/// Where each known column sits in a row.
struct Layout {
    positions: HashMap<Column, usize>,
    width: usize,
}

fn read_rows(text: &str, max_rows: usize, report: &mut Report) -> Vec<CandidateRow> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let layout = match records.next() {
        None => {
            report.error(
                1,
                None,
                "the file is empty; the first row must name the columns (at least name and email)"
                    .into(),
            );
            return Vec::new();
        }
        Some(Err(e)) => {
            report.error(1, None, format!("the header row cannot be read: {e}"));
            return Vec::new();
        }
        Some(Ok(header)) => read_header(&header, report),
    };
    let Some(layout) = layout else {
        return Vec::new();
    };
    let mut lines = Lines::new(text);
    let mut rows = Vec::new();
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p));
                report.error(line, None, format!("the row cannot be read: {e}"));
                break;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_of(p));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue; // blank lines and rows of empty cells are spreadsheet noise
        }
        if rows.len() >= max_rows {
            report.error(
                line,
                None,
                format!(
                    "the file has more than {max_rows} candidates; split it into smaller files"
                ),
            );
            break;
        }
        if let Some(row) = read_row(line, &record, &layout, &mut seen_emails, report) {
            rows.push(row);
        }
    }
    if rows.is_empty() && report.errors.is_empty() {
        report.error(
            2,
            None,
            "the file has a header row but no candidates".into(),
        );
    }
    rows
}

/// Turns record offsets into line numbers, counting newlines incrementally (records arrive in
/// file order, so the whole file is scanned once).
///
/// The csv reader's own line count is not used: it lags by one after a CRLF, because the reader
/// stops at the `\r` and the next record's offset points at the `\n` ending the previous line.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    newlines: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            offset: 0,
            newlines: 0,
        }
    }

    fn line_of(&mut self, position: &csv::Position) -> u64 {
        let target = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.bytes.len())
            .max(self.offset);
        let skipped = &self.bytes[self.offset..target];
        self.newlines += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = target;
        let at_line_end = self.bytes.get(target) == Some(&b'\n');
        1 + self.newlines + u64::from(at_line_end)
    }
}

/// Maps the header row to columns; `None` when a required column is missing or one is repeated.
fn read_header(header: &csv::StringRecord, report: &mut Report) -> Option<Layout> {
    let mut positions = HashMap::new();
    let mut ok = true;
    for (i, cell) in header.iter().enumerate() {
        let cell = cell.trim_start_matches('\u{FEFF}').trim();
        if cell.is_empty() {
            report.warn(
                1,
                Some(&format!("{}", i + 1)),
                "this column has no name; its values are ignored".into(),
            );
            continue;
        }
        match Column::from_header(cell) {
            Some(column) => {
                if let Some(first) = positions.insert(column, i) {
                    report.error(
                        1,
                        Some(cell),
                        format!(
                            "appears twice (columns {} and {}); keep one",
                            first + 1,
                            i + 1
                        ),
                    );
                    ok = false;
                }
            }
            None => {
                let known = Column::ALL.iter().map(|c| c.as_str());
                let hint = hireloop_core::diag::did_you_mean(&normalise_header(cell), known)
                    .map_or_else(String::new, |s| format!("; did you mean \"{s}\"?"));
                report.warn(1, Some(cell), format!("unknown column, ignored{hint}"));
            }
        }
    }
    for required in [Column::Name, Column::Email] {
        if !positions.contains_key(&required) {
            report.error(
                1,
                Some(required.as_str()),
                "this required column is missing from the header row".into(),
            );
            ok = false;
        }
    }
    ok.then_some(Layout {
        positions,
        width: header.len(),
    })
}

fn read_row(
    line: u64,
    record: &csv::StringRecord,
    layout: &Layout,
    seen_emails: &mut HashMap<String, u64>,
    report: &mut Report,
) -> Option<CandidateRow> {
    if !check_width(line, record, layout.width, report) {
        return None;
    }
    let errors_before = report.errors.len();
    let mut cell = |column: Column| -> Option<String> {
        let raw = layout.positions.get(&column).and_then(|&i| record.get(i))?;
        clean_cell(line, column, raw, report)
    };
    let name = cell(Column::Name);
    let email = cell(Column::Email);
    let phone = cell(Column::Phone);
    let location = cell(Column::Location);
    let source = cell(Column::Source);
    let profile_url = cell(Column::ProfileUrl);
    let group = cell(Column::Group);
    let notes = cell(Column::Notes);

    let name = required(line, Column::Name, name, report);
    let email = required(line, Column::Email, email, report)
        .and_then(|e| check_email(line, e, seen_emails, report));
    let phone = phone.and_then(|p| check_phone(line, p, report));
    let profile_url = profile_url.and_then(|u| check_url(line, u, report));
    if report.errors.len() > errors_before {
        return None;
    }
    Some(CandidateRow {
        line,
        name: name?,
        email: email?,
        phone,
        location,
        source,
        profile_url,
        group,
        notes,
    })
}

/// A row must have as many cells as the header; extra cells are tolerated only when empty
/// (spreadsheets pad rows with trailing commas). A short or long row usually means an unquoted
/// comma shifted every value after it, so it is an error rather than a guess.
fn check_width(line: u64, record: &csv::StringRecord, width: usize, report: &mut Report) -> bool {
    let used = (0..record.len())
        .rev()
        .find(|&i| record.get(i).is_some_and(|c| !c.trim().is_empty()))
        .map_or(0, |i| i + 1);
    if record.len() < width || used > width {
        report.error(
            line,
            None,
            format!(
                "has {} cells but the header has {width}; check for an unquoted comma",
                record.len().max(used)
            ),
        );
        return false;
    }
    true
}

/// Trims a cell; `None` when blank. Reports cells that are too long or hold control characters.
fn clean_cell(line: u64, column: Column, raw: &str, report: &mut Report) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        return None;
    }
    let limit = if column == Column::Notes {
        MAX_NOTES_CHARS
    } else {
        MAX_CELL_CHARS
    };
    let chars = value.chars().count();
    if chars > limit {
        report.error(
            line,
            Some(column.as_str()),
            format!("is {chars} characters long; the limit is {limit}"),
        );
        return None;
    }
    let multiline_ok = column == Column::Notes;
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline_ok && matches!(c, '\n' | '\r' | '\t')))
    {
        report.error(
            line,
            Some(column.as_str()),
            "contains a line break or control character".into(),
        );
        return None;
    }
    Some(value.to_owned())
}

fn required(
    line: u64,
    column: Column,
    value: Option<String>,
    report: &mut Report,
) -> Option<String> {
    if value.is_none() {
        report.error(line, Some(column.as_str()), "is required but empty".into());
    }
    value
}

fn check_email(
    line: u64,
    email: String,
    seen: &mut HashMap<String, u64>,
    report: &mut Report,
) -> Option<String> {
    if !is_email(&email) {
        report.error(
            line,
            Some("email"),
            format!("{email:?} is not an email address"),
        );
        return None;
    }
    let key = email.to_lowercase();
    if let Some(first) = seen.get(&key) {
        report.error(
            line,
            Some("email"),
            format!("{email:?} is already used on line {first}"),
        );
        return None;
    }
    seen.insert(key, line);
    Some(email)
}

/// A practical check, not RFC 5322: one `@`, a local part without spaces or stray dots, and a
/// domain of at least two dot-separated labels of letters, digits and inner hyphens (letters
/// may be non-ASCII), ending in a top-level domain of two or more letters.
pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254 && local_ok(local) && domain_ok(domain)
}

fn local_ok(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

fn domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
    labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

/// Digits with the usual separators, an optional leading `+`, and 6 to 15 digits (E.164 allows
/// at most 15). The number is kept as written; formatting it is the caller's business.
fn check_phone(line: u64, phone: String, report: &mut Report) -> Option<String> {
    let body = phone.strip_prefix('+').unwrap_or(&phone);
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if allowed && (6..=15).contains(&digits) {
        Some(phone)
    } else {
        report.error(
            line,
            Some("phone"),
            format!("{phone:?} is not a phone number"),
        );
        None
    }
}

/// An `http(s)` URL with a dotted host; a bare `linkedin.com/in/…` gets `https://` in front.
fn check_url(line: u64, url: String, report: &mut Report) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let full = if lower.starts_with("https://") || lower.starts_with("http://") {
        url.clone()
    } else if !lower.contains("://") && !lower.contains(':') {
        format!("https://{url}")
    } else {
        report.error(
            line,
            Some("profile url"),
            format!("{url:?} is not a web address"),
        );
        return None;
    };
    let host = full
        .split_once("://")
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
        .unwrap_or("");
    if host.contains('.') && !host.starts_with('.') && !full.chars().any(char::is_whitespace) {
        Some(full)
    } else {
        report.error(
            line,
            Some("profile url"),
            format!("{url:?} is not a web address"),
        );
        None
    }
}

fn normalise_header(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
