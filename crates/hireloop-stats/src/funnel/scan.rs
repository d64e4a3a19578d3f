//! A CSV scanner built for one job: pull the user, event, timestamp and (optionally) one property
//! out of millions of rows, in column arrays, from a byte buffer split between threads.
//!
//! RFC 4180 quoting is honoured (commas, quotes and line breaks inside quoted fields); rows end in
//! `\n` or `\r\n`; blank lines are skipped; a UTF-8 byte-order mark is ignored.

use super::error::FunnelError;
use super::hash::{StrTable, hash_bytes};
use super::time::parse_timestamp;

/// Event code of an event that is neither a step nor an exclusion.
pub const OTHER: u8 = u8::MAX;

/// Marks a wide user key as an index into the chunk's string table rather than a numeric id.
pub const STRING_TAG: u64 = 1 << 63;

/// Marks a narrow user key as an index into the chunk's text ids.
pub const NARROW_TAG: u32 = 1 << 31;

/// Marks a text id's place as the chunk's side buffer (bits 56..63 name the chunk) rather than
/// the file.
pub const SIDE: u64 = 1 << 63;

/// The bytes of a text user id, from its place and length (see [`Chunk::text_at`]).
#[inline]
pub fn text_at<'a>(data: &'a [u8], chunks: &'a [Chunk], at: u64, len: u32) -> &'a [u8] {
    let len = len as usize;
    if at & SIDE != 0 {
        let chunk = ((at >> 56) & 0x7F) as usize;
        let start = (at & ((1 << 56) - 1)) as usize;
        &chunks[chunk].side[start..start + len]
    } else {
        &data[at as usize..at as usize + len]
    }
}

/// How many distinct other event names to remember for the "unknown step" message.
const SAMPLE_OTHERS: usize = 8;

/// Where the columns of interest are.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Column names in header order.
    pub names: Vec<String>,
    /// Index of `user_id`.
    pub user: usize,
    /// Index of `event`.
    pub event: usize,
    /// Index of `timestamp`.
    pub time: usize,
    /// Index of the breakdown column, if any.
    pub prop: Option<usize>,
    /// Byte offset of the first row after the header.
    pub body: usize,
}

/// What a field is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Skip,
    User,
    Event,
    Time,
    Prop,
}

/// Event names to codes. Step events get codes in funnel order, exclusions follow them.
#[derive(Debug, Clone)]
pub struct EventCodes {
    names: Vec<Vec<u8>>,
    heads: Vec<Head>,
}

/// The first eight bytes of a name (zero-padded) and its length. Names usually differ there, so
/// one word compare settles most lookups without a call to `memcmp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Head {
    word: u64,
    len: usize,
}

impl Head {
    #[inline(always)]
    fn of(bytes: &[u8]) -> Self {
        // Byte by byte below eight: a variable-length copy would be a call to `memcpy`.
        let word = match bytes.first_chunk::<8>() {
            Some(w) => u64::from_le_bytes(*w),
            None => bytes
                .iter()
                .enumerate()
                .fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i)),
        };
        Self {
            word,
            len: bytes.len(),
        }
    }
}

/// Whether `a` (with head `ha`) equals `b` (with head `hb`).
#[inline(always)]
fn same(a: &[u8], ha: Head, b: &[u8], hb: Head) -> bool {
    ha == hb && (ha.len <= 8 || a[8..] == b[8..])
}

impl EventCodes {
    /// Codes are the positions in `names`; at most 254 names so that [`OTHER`] stays free.
    pub fn new(names: Vec<Vec<u8>>) -> Self {
        let heads = names.iter().map(|n| Head::of(n)).collect();
        Self { names, heads }
    }

    /// The code of a named event.
    pub fn code_of(&self, name: &[u8]) -> Option<u8> {
        // At most 254 names, so the index fits.
        self.names.iter().position(|n| n == name).map(|i| i as u8)
    }

    #[inline]
    fn code(&self, field: &[u8], last: &mut u8) -> u8 {
        let head = Head::of(field);
        let at = usize::from(*last);
        if let (Some(name), Some(&h)) = (self.names.get(at), self.heads.get(at))
            && same(name, h, field, head)
        {
            return *last;
        }
        for (i, (name, &h)) in self.names.iter().zip(&self.heads).enumerate() {
            if same(name, h, field, head) {
                // At most 254 names, so the index fits.
                let code = i as u8;
                *last = code;
                return code;
            }
        }
        OTHER
    }
}

/// The rows of one slice of the file, as columns.
#[derive(Debug, Default)]
pub struct Chunk {
    /// User keys while they fit in 31 bits: the numeric id itself, or [`NARROW_TAG`] | index
    /// into the text ids (`text_hash`…). Four bytes a row instead of eight, and directly usable
    /// as dense ids.
    pub users: Vec<u32>,
    /// User keys once one did not fit (then `users` is empty): the numeric id, or
    /// [`STRING_TAG`] | index into the text ids.
    pub wide: Vec<u64>,
    /// Seconds since the epoch.
    pub times: Vec<f64>,
    /// Event codes ([`OTHER`] for events outside the funnel).
    pub codes: Vec<u8>,
    /// Index into `prop_values` per row (empty without a breakdown column).
    pub props: Vec<u32>,
    /// For each row whose user id is text (not a canonical decimal number), in row order: the
    /// hash of the id…
    pub text_hash: Vec<u64>,
    /// …where its bytes are (see [`text_at`])…
    pub text_at: Vec<u64>,
    /// …and its length. Text ids are interned later, in parallel, by hash partition.
    pub text_len: Vec<u32>,
    /// Unescaped text ids whose bytes differ from the file's (quoted with doubled quotes).
    pub side: Vec<u8>,
    /// Distinct breakdown values of this chunk.
    pub prop_values: StrTable,
    /// Largest numeric user id, if any.
    pub max_numeric: Option<u64>,
    /// Which codes occur.
    pub seen: Vec<bool>,
    /// A few names of other events, for error messages.
    pub other_names: Vec<String>,
}

impl Chunk {
    /// Rows read.
    pub fn rows(&self) -> usize {
        self.codes.len()
    }
}

/// A problem at a byte offset; turned into line and column once, on the error path only.
#[derive(Debug)]
pub struct ScanError {
    offset: usize,
    kind: ScanErrorKind,
}

#[derive(Debug)]
enum ScanErrorKind {
    Ragged { found: usize },
    Unclosed,
    AfterQuote,
    BadTime { value: Vec<u8> },
    EmptyUser,
    LongUser,
}

impl ScanError {
    /// The error with its line and column in `buf`.
    pub fn locate(self, buf: &[u8], layout: &Layout) -> FunnelError {
        let offset = self.offset.min(buf.len());
        let before = &buf[..offset];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = 1 + String::from_utf8_lossy(&buf[line_start..offset])
            .chars()
            .count();
        let name = |i: usize| layout.names.get(i).cloned().unwrap_or_default();
        match self.kind {
            ScanErrorKind::Ragged { found } => FunnelError::Ragged {
                line,
                found,
                expected: layout.names.len(),
            },
            ScanErrorKind::Unclosed => FunnelError::UnclosedQuote { line, column },
            ScanErrorKind::AfterQuote => FunnelError::TextAfterQuote { line, column },
            ScanErrorKind::BadTime { value } => {
                let mut value = String::from_utf8_lossy(&value).into_owned();
                if value.chars().count() > 40 {
                    value = value.chars().take(40).collect::<String>() + "…";
                }
                FunnelError::BadTimestamp {
                    line,
                    column,
                    name: name(layout.time),
                    value,
                }
            }
            ScanErrorKind::EmptyUser => FunnelError::EmptyUser {
                line,
                column,
                name: name(layout.user),
            },
            ScanErrorKind::LongUser => FunnelError::LongUser {
                line,
                column,
                name: name(layout.user),
            },
        }
    }
}

/// One field: its bytes are `buf[start..end]`; `escaped` when they hold doubled quotes to undo.
struct Field {
    start: usize,
    end: usize,
    escaped: bool,
    next: usize,
    line_end: bool,
}

/// Bytes equal to `b` in each lane of a word.
const fn lanes(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The first `,` or `\n` at or after `i` and before `end`, eight bytes at a time; `end` if none.
#[inline(always)]
fn find_delimiter(buf: &[u8], mut i: usize, end: usize) -> usize {
    const LOW: u64 = lanes(0x01);
    const HIGH: u64 = lanes(0x80);
    while i + 8 <= end {
        let mut word = [0u8; 8];
        word.copy_from_slice(&buf[i..i + 8]);
        let w = u64::from_le_bytes(word);
        let comma = w ^ lanes(b',');
        let newline = w ^ lanes(b'\n');
        // A lane is flagged when it is zero; borrows only flag lanes above a real zero, so the
        // lowest flag is exact.
        let hits = (comma.wrapping_sub(LOW) & !comma | newline.wrapping_sub(LOW) & !newline) & HIGH;
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < end && buf[i] != b',' && buf[i] != b'\n' {
        i += 1;
    }
    i
}

/// The field that ends at the delimiter `at` (or at `end`).
#[inline(always)]
fn field_to(buf: &[u8], pos: usize, at: usize, end: usize) -> Field {
    if at < end && buf[at] == b',' {
        return Field {
            start: pos,
            end: at,
            escaped: false,
            next: at + 1,
            line_end: false,
        };
    }
    let stop = if at > pos && buf[at - 1] == b'\r' {
        at - 1
    } else {
        at
    };
    Field {
        start: pos,
        end: stop,
        escaped: false,
        next: (at + 1).min(end),
        line_end: true,
    }
}

/// Reads the field at `pos` (which may equal `end`: an empty last field).
#[inline(always)]
fn read_field(buf: &[u8], pos: usize, end: usize) -> Result<Field, ScanError> {
    if pos < end && buf[pos] == b'"' {
        return read_quoted(buf, pos, end);
    }
    Ok(field_to(buf, pos, find_delimiter(buf, pos, end), end))
}

#[cold]
fn read_quoted(buf: &[u8], pos: usize, end: usize) -> Result<Field, ScanError> {
    let mut i = pos + 1;
    let mut escaped = false;
    loop {
        if i >= end {
            return Err(ScanError {
                offset: pos,
                kind: ScanErrorKind::Unclosed,
            });
        }
        if buf[i] == b'"' {
            if i + 1 < end && buf[i + 1] == b'"' {
                escaped = true;
                i += 2;
                continue;
            }
            break;
        }
        i += 1;
    }
    let close = i;
    let after = close + 1;
    let (next, line_end) = match buf.get(after..end) {
        None | Some([]) => (end, true),
        Some([b',', ..]) => (after + 1, false),
        Some([b'\n', ..]) => (after + 1, true),
        Some([b'\r', b'\n', ..]) => (after + 2, true),
        Some([b'\r']) => (end, true),
        Some(_) => {
            return Err(ScanError {
                offset: after,
                kind: ScanErrorKind::AfterQuote,
            });
        }
    };
    Ok(Field {
        start: pos + 1,
        end: close,
        escaped,
        next,
        line_end,
    })
}

/// The field's text with doubled quotes undone; borrows when there is nothing to undo.
fn unescape<'a>(buf: &'a [u8], f: &Field, scratch: &'a mut Vec<u8>) -> &'a [u8] {
    let raw = &buf[f.start..f.end];
    if !f.escaped {
        return raw;
    }
    scratch.clear();
    let mut i = 0;
    while i < raw.len() {
        scratch.push(raw[i]);
        i += if raw[i] == b'"' { 2 } else { 1 };
    }
    scratch.as_slice()
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    &bytes[start..end]
}

/// Reads the header line and finds the columns.
pub fn read_header(buf: &[u8], breakdown: Option<&str>) -> Result<Layout, FunnelError> {
    let mut pos = if buf.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    // Blank lines before the header carry nothing.
    while pos < buf.len() && buf[pos].is_ascii_whitespace() {
        pos += 1;
    }
    if pos >= buf.len() {
        return Err(FunnelError::Empty);
    }
    let mut names = Vec::new();
    let mut scratch = Vec::new();
    let placeholder = Layout {
        names: Vec::new(),
        user: 0,
        event: 0,
        time: 0,
        prop: None,
        body: 0,
    };
    loop {
        let f = read_field(buf, pos, buf.len()).map_err(|e| e.locate(buf, &placeholder))?;
        let text = trim(unescape(buf, &f, &mut scratch));
        names.push(String::from_utf8_lossy(text).into_owned());
        pos = f.next;
        if f.line_end {
            break;
        }
    }
    let find = |column: &str| -> Result<usize, FunnelError> {
        let mut hits = names.iter().enumerate().filter(|(_, n)| *n == column);
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Ok(i),
            (Some(_), Some(_)) => Err(FunnelError::DuplicateColumn {
                column: column.to_owned(),
            }),
            (None, _) => Err(FunnelError::MissingColumn {
                column: column.to_owned(),
                found: names.join(", "),
            }),
        }
    };
    let user = find("user_id")?;
    let event = find("event")?;
    let time = find("timestamp")?;
    let prop = breakdown.map(find).transpose()?;
    Ok(Layout {
        names,
        user,
        event,
        time,
        prop,
        body: pos,
    })
}

/// Counts `"` bytes; byte-wide counters over blocks of 255 let the compiler use wide vector
/// compares (a plain `filter().count()` widens every byte to 64 bits).
fn count_quotes(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            usize::from(
                block
                    .iter()
                    .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'"'))),
            )
        })
        .sum()
}

/// Splits `buf[from..]` into at most `parts` ranges that end at row boundaries. A line break
/// inside a quoted field is not a row boundary: whether a byte is inside quotes follows from the
/// parity of the quote characters before it.
pub fn split_rows(buf: &[u8], from: usize, parts: usize) -> Vec<(usize, usize)> {
    let len = buf.len();
    let parts = parts.max(1);
    let mut ranges = Vec::with_capacity(parts);
    let mut start = from;
    let mut quotes_before = 0usize;
    let mut counted_to = from;
    for k in 1..parts {
        let target = from + (len - from) * k / parts;
        if target <= start {
            continue;
        }
        quotes_before += count_quotes(&buf[counted_to..target]);
        counted_to = target;
        let mut inside = quotes_before % 2 == 1;
        let mut i = target;
        while i < len {
            match buf[i] {
                b'"' => inside = !inside,
                b'\n' if !inside => break,
                _ => {}
            }
            i += 1;
        }
        if i >= len {
            break;
        }
        let cut = i + 1;
        quotes_before += count_quotes(&buf[counted_to..cut]);
        counted_to = cut;
        ranges.push((start, cut));
        start = cut;
    }
    if start < len || ranges.is_empty() {
        ranges.push((start, len));
    }
    ranges
}

/// Up to this many distinct values, lookups compare instead of hashing.
const SMALL_SET: usize = 16;

/// A string interner for one chunk: remembers the last value and compares against the first
/// few before going to the table.
#[derive(Default)]
struct Interner {
    table: StrTable,
    /// Heads of the first [`SMALL_SET`] values.
    heads: Vec<Head>,
    last: u32,
}

impl Interner {
    #[inline]
    fn id(&mut self, key: &[u8]) -> u32 {
        let head = Head::of(key);
        let at = self.last as usize;
        if let Some(&h) = self.heads.get(at)
            && same(self.table.get(at), h, key, head)
        {
            return self.last;
        }
        // Breakdown columns usually hold a handful of values: comparing beats hashing.
        if self.table.len() <= SMALL_SET
            && let Some(i) =
                (0..self.table.len()).find(|&i| same(self.table.get(i), self.heads[i], key, head))
        {
            // At most SMALL_SET values here.
            self.last = i as u32;
            return self.last;
        }
        let id = self.table.intern(key);
        if id as usize == self.heads.len() && self.heads.len() <= SMALL_SET {
            self.heads.push(head);
        }
        self.last = id;
        id
    }
}

/// Reads a canonical decimal id (no sign, no leading zero, at most 18 digits).
#[inline(always)]
fn numeric_id(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > 18 || (field[0] == b'0' && field.len() > 1) {
        return None;
    }
    let mut v = 0u64;
    for &b in field {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// The value of eight ASCII digits at `buf[i..i + 8]`, or `None` if any byte is not a digit.
/// Eight digits are checked and combined with a few word operations instead of eight steps.
#[inline(always)]
fn eight_digits(buf: &[u8], i: usize) -> Option<u64> {
    let mut word = [0u8; 8];
    word.copy_from_slice(buf.get(i..i + 8)?);
    let v = u64::from_le_bytes(word);
    // Every byte is 0x30..=0x39: high nibble 3, and adding 6 does not carry out of the low one.
    let high = lanes(0xF0);
    if v & high != lanes(0x30) || v.wrapping_add(lanes(0x06)) & high != lanes(0x30) {
        return None;
    }
    // Little-endian: the first digit is the lowest byte. Fold pairs, then quads, then halves.
    let mut x = v - lanes(0x30);
    x = (x * 10 + (x >> 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x * 100 + (x >> 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x.wrapping_mul(10_000) + (x >> 32)) & 0xFFFF_FFFF;
    Some(x)
}

/// Reads a run of digits at `*i` into `mantissa`, eight at a time while it can; returns how many.
/// Beyond 19 digits in all the mantissa is meaningless and the caller refuses the number.
#[inline(always)]
fn digits_run(
    buf: &[u8],
    i: &mut usize,
    end: usize,
    mantissa: &mut u64,
    digits: &mut usize,
) -> usize {
    let start = *i;
    while *i + 8 <= end
        && *digits + 8 <= 19
        && let Some(v) = eight_digits(buf, *i)
    {
        *mantissa = *mantissa * 100_000_000 + v;
        *digits += 8;
        *i += 8;
    }
    while *i < end {
        let d = buf[*i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        *digits += 1;
        *i += 1;
    }
    *i - start
}

/// Reads an unquoted `digits[.digits]` field at `pos` in one pass: its value and the index of the
/// delimiter after it. `None` sends the field down the general path.
#[inline(always)]
fn fast_number(buf: &[u8], pos: usize, end: usize) -> Option<(f64, usize)> {
    let mut i = pos;
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    digits_run(buf, &mut i, end, &mut mantissa, &mut digits);
    let mut frac_digits = 0;
    if i < end && buf[i] == b'.' {
        i += 1;
        frac_digits = digits_run(buf, &mut i, end, &mut mantissa, &mut digits);
    }
    if digits == 0 || digits > 19 {
        return None;
    }
    let at = match buf.get(i..end) {
        None | Some([] | [b',' | b'\n', ..]) => i,
        Some([b'\r', b'\n', ..]) => i + 1,
        Some(_) => return None,
    };
    Some((super::time::decimal(mantissa, frac_digits)?, at))
}

/// Stores a user key, narrow while every key so far fits.
#[inline(always)]
fn push_user(out: &mut Chunk, key: u64) {
    if out.wide.is_empty() {
        let narrow = if key & STRING_TAG != 0 {
            let index = key & !STRING_TAG;
            (index < u64::from(NARROW_TAG)).then_some(NARROW_TAG | index as u32)
        } else {
            (key < u64::from(NARROW_TAG)).then_some(key as u32)
        };
        if let Some(k) = narrow {
            out.users.push(k);
            return;
        }
        widen(out);
    }
    out.wide.push(key);
}

#[cold]
fn widen(out: &mut Chunk) {
    out.wide = std::mem::take(&mut out.users)
        .into_iter()
        .map(|k| {
            if k & NARROW_TAG != 0 {
                STRING_TAG | u64::from(k & !NARROW_TAG)
            } else {
                u64::from(k)
            }
        })
        .collect();
}

/// Guesses the number of rows in `buf[start..end]` from the first few kilobytes.
fn estimate_rows(buf: &[u8], start: usize, end: usize) -> usize {
    let sample = &buf[start..end.min(start + 16 * 1024)];
    let lines = sample.iter().filter(|&&b| b == b'\n').count().max(1);
    let per_line = (sample.len() / lines).max(8);
    (end - start) / per_line + 16
}

/// Scans the rows in `buf[start..end]` (whole rows).
pub fn scan_chunk(
    buf: &[u8],
    (start, end): (usize, usize),
    chunk_index: usize,
    layout: &Layout,
    events: &EventCodes,
) -> Result<Chunk, ScanError> {
    let columns = layout.names.len();
    let mut roles = vec![Role::Skip; columns];
    roles[layout.user] = Role::User;
    roles[layout.event] = Role::Event;
    roles[layout.time] = Role::Time;
    if let Some(p) = layout.prop {
        roles[p] = Role::Prop;
    }
    let rows = estimate_rows(buf, start, end);
    let mut out = Chunk {
        users: Vec::with_capacity(rows),
        times: Vec::with_capacity(rows),
        codes: Vec::with_capacity(rows),
        props: Vec::with_capacity(if layout.prop.is_some() { rows } else { 0 }),
        seen: vec![false; 256],
        ..Chunk::default()
    };
    let mut props = Interner::default();
    let mut scratch = Vec::new();
    let mut last_code = 0u8;
    let mut max_numeric: Option<u64> = None;
    let mut pos = start;
    while pos < end {
        let line_start = pos;
        match buf[pos] {
            b'\n' => {
                pos += 1;
                continue;
            }
            b'\r' if buf.get(pos + 1) == Some(&b'\n') => {
                pos += 2;
                continue;
            }
            _ => {}
        }
        let mut col = 0usize;
        let mut user = 0u64;
        let mut time = 0.0f64;
        let mut code = OTHER;
        let mut prop = 0u32;
        loop {
            let role = roles.get(col).copied().unwrap_or(Role::Skip);
            // Unquoted numbers, the bulk of most logs, are read in the same pass that finds the
            // end of the field.
            if role == Role::Time
                && let Some((t, at)) = fast_number(buf, pos, end)
            {
                time = t;
                let f = field_to(buf, pos, at, end);
                col += 1;
                pos = f.next;
                if f.line_end {
                    break;
                }
                continue;
            }
            let f = read_field(buf, pos, end)?;
            match role {
                Role::User => {
                    let raw = &buf[f.start..f.end];
                    user = match numeric_id(raw).filter(|_| !f.escaped) {
                        Some(v) => {
                            max_numeric = Some(max_numeric.map_or(v, |m| m.max(v)));
                            v
                        }
                        None => {
                            let text = unescape(buf, &f, &mut scratch);
                            if text.is_empty() {
                                return Err(ScanError {
                                    offset: f.start,
                                    kind: ScanErrorKind::EmptyUser,
                                });
                            }
                            let index = out.text_hash.len() as u64;
                            let Ok(len) = u32::try_from(text.len()) else {
                                return Err(ScanError {
                                    offset: f.start,
                                    kind: ScanErrorKind::LongUser,
                                });
                            };
                            let at = if f.escaped {
                                let at = out.side.len() as u64 | SIDE | (chunk_index as u64) << 56;
                                out.side.extend_from_slice(text);
                                at
                            } else {
                                f.start as u64
                            };
                            out.text_hash.push(hash_bytes(text));
                            out.text_at.push(at);
                            out.text_len.push(len);
                            STRING_TAG | index
                        }
                    };
                }
                Role::Event => {
                    let text = unescape(buf, &f, &mut scratch);
                    code = events.code(text, &mut last_code);
                    if code == OTHER && out.other_names.len() < SAMPLE_OTHERS {
                        let name = String::from_utf8_lossy(text);
                        if !name.is_empty() && !out.other_names.iter().any(|n| *n == name) {
                            out.other_names.push(name.into_owned());
                        }
                    }
                }
                Role::Time => {
                    let text = unescape(buf, &f, &mut scratch);
                    time = match parse_timestamp(text) {
                        Some(t) => t,
                        None => {
                            // A quoted field's column is that of its opening quote.
                            let quoted = f.start > 0 && buf[f.start - 1] == b'"';
                            let offset = f.start - usize::from(quoted);
                            return Err(ScanError {
                                offset,
                                kind: ScanErrorKind::BadTime {
                                    value: text.to_vec(),
                                },
                            });
                        }
                    };
                }
                Role::Prop => {
                    prop = props.id(unescape(buf, &f, &mut scratch));
                }
                Role::Skip => {}
            }
            col += 1;
            pos = f.next;
            if f.line_end {
                break;
            }
        }
        if col != columns {
            return Err(ScanError {
                offset: line_start,
                kind: ScanErrorKind::Ragged { found: col },
            });
        }
        push_user(&mut out, user);
        out.times.push(time);
        out.codes.push(code);
        out.seen[usize::from(code)] = true;
        if layout.prop.is_some() {
            out.props.push(prop);
        }
    }
    out.prop_values = props.table;
    out.max_numeric = max_numeric;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(csv: &str) -> Layout {
        read_header(csv.as_bytes(), Some("p")).unwrap()
    }

    fn scan(csv: &str) -> Result<Chunk, FunnelError> {
        let l = layout(csv);
        let ev = EventCodes::new(vec![b"a".to_vec(), b"b".to_vec()]);
        scan_chunk(csv.as_bytes(), (l.body, csv.len()), 0, &l, &ev)
            .map_err(|e| e.locate(csv.as_bytes(), &l))
    }

    #[test]
    fn numbers_read_in_one_pass_match_the_general_parser() {
        for text in [
            "0",
            "7",
            "12345678",
            "123456789",
            "1700000000",
            "1700000000.3162417",
            "1700000000.12345678",
            "12.",
            ".5",
            "0.000000000000000001",
            "9999999999999999999",
        ] {
            for tail in [",x", "\n", "\r\n", ""] {
                let buf = format!("{text}{tail}");
                let (v, at) = fast_number(buf.as_bytes(), 0, buf.len()).unwrap();
                assert_eq!(v, text.parse::<f64>().unwrap(), "{buf:?}");
                let want = if tail == "\r\n" {
                    text.len() + 1
                } else {
                    text.len()
                };
                assert_eq!(at, want, "{buf:?}");
            }
        }
        // Twenty digits and anything unusual go down the general path.
        for text in [
            "",
            ".",
            "1.2.3",
            "12a",
            "1e5",
            "-1",
            "99999999999999999999",
            "1 ",
            "0.0000000000000000001",
        ] {
            assert_eq!(
                fast_number(text.as_bytes(), 0, text.len()),
                None,
                "{text:?}"
            );
        }
        assert_eq!(eight_digits(b"12345678", 0), Some(12_345_678));
        assert_eq!(eight_digits(b"1234567:", 0), None);
        assert_eq!(eight_digits(b"/2345678", 0), None);
    }

    #[test]
    fn header_finds_columns_in_any_order() {
        let l = layout("\u{feff}p,timestamp,\"event\",user_id\r\n1,2,3,4\r\n");
        assert_eq!((l.user, l.event, l.time, l.prop), (3, 2, 1, Some(0)));
        assert_eq!(&"\u{feff}p,timestamp,\"event\",user_id\r\n"[l.body..], "");
    }

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let csv = "user_id,event,timestamp,p\n\"u,1\",a,1,\"x \"\"y\"\"\"\n7,\"b\",2.5,\"two\nlines\"\r\n\n7,c,3,\"\"\n\"\"\"q\"\"\",a,4,z\n";
        let c = scan(csv).unwrap();
        let chunks = [c];
        let text = |i: usize| {
            text_at(
                csv.as_bytes(),
                &chunks,
                chunks[0].text_at[i],
                chunks[0].text_len[i],
            )
        };
        assert_eq!(text(0), b"u,1");
        assert_eq!(text(1), b"\"q\"");
        assert_eq!(chunks[0].text_hash[0], hash_bytes(b"u,1"));
        let [c] = chunks;
        assert_eq!(c.times, vec![1.0, 2.5, 3.0, 4.0]);
        assert_eq!(c.codes, vec![0, 1, OTHER, 0]);
        assert_eq!(c.users, [NARROW_TAG, 7, 7, NARROW_TAG | 1]);
        let props: Vec<&[u8]> = c.props[..3]
            .iter()
            .map(|&p| c.prop_values.get(p as usize))
            .collect();
        assert_eq!(props, vec![&b"x \"y\""[..], b"two\nlines", b""]);
        assert_eq!(c.other_names, vec!["c".to_owned()]);
    }

    #[test]
    fn user_ids_that_are_not_canonical_numbers_stay_strings() {
        let c = scan("user_id,event,timestamp,p\n007,a,1,x\n7,a,1,x\n0,a,1,x\n").unwrap();
        assert_eq!(c.users[1..], [7, 0]);
        assert_eq!(c.users[0], NARROW_TAG);
        assert_eq!(c.max_numeric, Some(7));
        let c = scan("user_id,event,timestamp,p\n5,a,1,x\nu,a,1,x\n4294967296,a,1,x\n").unwrap();
        assert!(c.users.is_empty());
        assert_eq!(c.wide, vec![5, STRING_TAG, 4_294_967_296]);
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = scan("user_id,event,timestamp,p\n1,a,1,x\n2,b,yesterday,x\n").unwrap_err();
        assert_eq!(
            e,
            FunnelError::BadTimestamp {
                line: 3,
                column: 5,
                name: "timestamp".into(),
                value: "yesterday".into()
            }
        );
        let e = scan("user_id,event,timestamp,p\n1,a,1\n").unwrap_err();
        assert_eq!(
            e,
            FunnelError::Ragged {
                line: 2,
                found: 3,
                expected: 4
            }
        );
        let e = scan("user_id,event,timestamp,p\n1,a,1,\"open\n").unwrap_err();
        assert_eq!(e, FunnelError::UnclosedQuote { line: 2, column: 7 });
        let e = scan("user_id,event,timestamp,p\n1,\"a\"x,1,p\n").unwrap_err();
        assert_eq!(e, FunnelError::TextAfterQuote { line: 2, column: 6 });
        let e = scan("user_id,event,timestamp,p\n,a,1,p\n").unwrap_err();
        assert!(matches!(
            e,
            FunnelError::EmptyUser {
                line: 2,
                column: 1,
                ..
            }
        ));
    }

    #[test]
    fn missing_and_duplicate_columns() {
        let e = read_header(b"user_id,event,time\n", None).unwrap_err();
        assert_eq!(
            e,
            FunnelError::MissingColumn {
                column: "timestamp".into(),
                found: "user_id, event, time".into()
            }
        );
        let e = read_header(b"user_id,event,timestamp\n", Some("platform")).unwrap_err();
        assert!(matches!(e, FunnelError::MissingColumn { column, .. } if column == "platform"));
        let e = read_header(b"user_id,event,event,timestamp\n", None).unwrap_err();
        assert!(matches!(e, FunnelError::DuplicateColumn { .. }));
        assert_eq!(read_header(b" \n\n", None).unwrap_err(), FunnelError::Empty);
    }

    #[test]
    fn splits_respect_quoted_line_breaks() {
        let csv = b"h\n\"a\nb\"\n\"c\nd\"\ne\n\"f\ng\"\n";
        for parts in 1..8 {
            let ranges = split_rows(csv, 2, parts);
            assert_eq!(ranges.first().unwrap().0, 2);
            assert_eq!(ranges.last().unwrap().1, csv.len());
            for w in ranges.windows(2) {
                assert_eq!(w[0].1, w[1].0);
            }
            for &(s, _) in &ranges {
                // Every range starts at the beginning of a row.
                assert!(matches!(csv[s], b'"' | b'e'), "{parts}: {s}");
            }
        }
    }
}
