//! Calendar files (iCalendar, RFC 5545) for interviews, as invitations (RFC 5546 iTIP).
//!
//! One file holds one interview: a `VCALENDAR` with `METHOD:REQUEST` (or `METHOD:CANCEL` once
//! cancelled) around one `VEVENT`. Calendar clients match updates to the event they already have
//! by `UID` and keep the one with the highest `SEQUENCE`, so:
//!
//! - the UID is derived from the interview id and a domain ([`uid`]) and never changes;
//! - the caller raises [`Interview::sequence`] on every change that matters to attendees — a
//!   reschedule, a new room, a cancellation — or clients will ignore the update.
//!
//! Times are written in UTC (`…Z`), which every client converts to the reader's zone; there is no
//! `VTIMEZONE` to get wrong. Text is escaped (`\\`, `\;`, `\,`, `\n`), lines end in CRLF and are
//! folded so that no physical line exceeds 75 octets, without ever cutting a UTF-8 character in
//! two (Chinese text is three octets a character).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// The longest physical line allowed, in octets, not counting the CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// Who produces the files and the domain their UIDs live in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Producer {
    /// The `PRODID`, conventionally `-//Company//Product//EN`.
    pub prodid: String,
    /// The domain after the `@` of every UID, e.g. `hireloop.example.com`; must be one the
    /// deployment owns so its UIDs cannot collide with anyone else's.
    pub uid_domain: String,
}

/// Whether the interview is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    /// It takes place: `METHOD:REQUEST`, `STATUS:CONFIRMED`.
    Scheduled,
    /// It was called off: `METHOD:CANCEL`, `STATUS:CANCELLED`.
    Cancelled,
}

/// A person with an email address (the organiser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Display name (`CN`).
    pub name: String,
    /// Email address, written as a `mailto:` URI.
    pub email: String,
}

/// An attendee's part in the interview (`ROLE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Must attend: the candidate and the interviewers.
    Required,
    /// May attend: a shadowing interviewer.
    Optional,
    /// Informed only: a coordinator who should see the slot.
    NonParticipant,
    /// Leads the meeting.
    Chair,
}

/// An attendee's answer so far (`PARTSTAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartStat {
    /// Not answered yet; the file then asks for an answer (`RSVP=TRUE`).
    NeedsAction,
    /// Accepted.
    Accepted,
    /// Declined.
    Declined,
    /// Tentatively accepted.
    Tentative,
}

/// One attendee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    /// Display name (`CN`).
    pub name: String,
    /// Email address.
    pub email: String,
    /// Required, optional, …
    pub role: Role,
    /// Their answer so far.
    pub partstat: PartStat,
}

/// One interview, as the calendar should show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    /// The interview's id; with the producer's domain it forms the UID. Letters, digits, `-`,
    /// `_` and `.` only.
    pub id: String,
    /// 0 for the first invitation; raised by the caller on every reschedule or cancellation.
    pub sequence: u32,
    /// Scheduled or cancelled.
    pub status: InterviewStatus,
    /// Start, ms since the Unix epoch (UTC).
    pub start_ms: i64,
    /// End, ms since the Unix epoch (UTC); after the start.
    pub end_ms: i64,
    /// When this version of the file was produced (`DTSTAMP`), ms since the Unix epoch.
    pub stamp_ms: i64,
    /// The title, e.g. "Product round 2 — Li Lei".
    pub summary: String,
    /// Free text: the agenda, the interview kit link, dial-in details.
    pub description: String,
    /// A room or address, if any.
    pub location: Option<String>,
    /// A video-call link, if any (`http` or `https`).
    pub url: Option<String>,
    /// Who sends the invitation (usually the recruiter or a no-reply address).
    pub organizer: Person,
    /// Everyone invited, the candidate included.
    pub attendees: Vec<Attendee>,
}

/// Why a file could not be written; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    /// The interview id or UID domain has characters a UID should not carry.
    #[error("{field} {value:?} may only contain letters, digits, '-', '_' and '.'")]
    BadIdentifier {
        /// `id` or `uid_domain`.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// A time cannot be written as a UTC date-time with a four-digit year.
    #[error("{field} {ms} ms is outside the years 1–9999")]
    TimeOutOfRange {
        /// `start_ms`, `end_ms` or `stamp_ms`.
        field: &'static str,
        /// The value given.
        ms: i64,
    },
    /// The interview would end before (or when) it starts.
    #[error("end_ms {end_ms} is not after start_ms {start_ms}")]
    EndNotAfterStart {
        /// The start.
        start_ms: i64,
        /// The end.
        end_ms: i64,
    },
    /// An email address that cannot be written as a `mailto:` URI.
    #[error("{who} has an unusable email address {email:?}")]
    BadEmail {
        /// `organizer` or `attendee <n>` (1-based).
        who: String,
        /// The value given.
        email: String,
    },
    /// A URL that is not a plain `http(s)://` address.
    #[error("url {0:?} is not an http or https address without spaces")]
    BadUrl(String),
}

/// The UID of an interview's event: `interview-<id>@<domain>`.
pub fn uid(interview_id: &str, domain: &str) -> Result<String, IcsError> {
    check_identifier("id", interview_id)?;
    check_identifier("uid_domain", domain)?;
    Ok(format!("interview-{interview_id}@{domain}"))
}

/// Writes the calendar file for `interview`: CRLF line endings, folded lines.
pub fn render(producer: &Producer, interview: &Interview) -> Result<String, IcsError> {
    let lines = content_lines(producer, interview)?;
    let mut out = String::new();
    for line in lines {
        out.push_str(&fold(&line));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// The unfolded content lines of the file, in order.
fn content_lines(producer: &Producer, iv: &Interview) -> Result<Vec<String>, IcsError> {
    let uid = uid(&iv.id, &producer.uid_domain)?;
    if iv.end_ms <= iv.start_ms {
        return Err(IcsError::EndNotAfterStart {
            start_ms: iv.start_ms,
            end_ms: iv.end_ms,
        });
    }
    let cancelled = iv.status == InterviewStatus::Cancelled;
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        format!("PRODID:{}", escape_text(&producer.prodid)),
        "VERSION:2.0".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", if cancelled { "CANCEL" } else { "REQUEST" }),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{uid}"),
        format!("SEQUENCE:{}", iv.sequence),
        format!("DTSTAMP:{}", utc("stamp_ms", iv.stamp_ms)?),
        format!("DTSTART:{}", utc("start_ms", iv.start_ms)?),
        format!("DTEND:{}", utc("end_ms", iv.end_ms)?),
        format!("SUMMARY:{}", escape_text(&iv.summary)),
    ];
    if !iv.description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", escape_text(&iv.description)));
    }
    if let Some(location) = &iv.location {
        lines.push(format!("LOCATION:{}", escape_text(location)));
    }
    if let Some(url) = &iv.url {
        lines.push(format!("URL:{}", check_url(url)?));
    }
    lines.push(organizer_line(&iv.organizer)?);
    for (i, attendee) in iv.attendees.iter().enumerate() {
        lines.push(attendee_line(i, attendee, cancelled)?);
    }
    lines.push(format!(
        "STATUS:{}",
        if cancelled { "CANCELLED" } else { "CONFIRMED" }
    ));
    lines.push("TRANSP:OPAQUE".to_owned());
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    Ok(lines)
}

fn organizer_line(organizer: &Person) -> Result<String, IcsError> {
    let mailto = mailto("organizer".to_owned(), &organizer.email)?;
    Ok(format!(
        "ORGANIZER;CN={}:{mailto}",
        param_value(&organizer.name)
    ))
}

fn attendee_line(index: usize, a: &Attendee, cancelled: bool) -> Result<String, IcsError> {
    let mailto = mailto(format!("attendee {}", index + 1), &a.email)?;
    let role = match a.role {
        Role::Required => "REQ-PARTICIPANT",
        Role::Optional => "OPT-PARTICIPANT",
        Role::NonParticipant => "NON-PARTICIPANT",
        Role::Chair => "CHAIR",
    };
    let partstat = match a.partstat {
        PartStat::NeedsAction => "NEEDS-ACTION",
        PartStat::Accepted => "ACCEPTED",
        PartStat::Declined => "DECLINED",
        PartStat::Tentative => "TENTATIVE",
    };
    // Only ask for an answer to a live invitation nobody has answered yet.
    let rsvp = if a.partstat == PartStat::NeedsAction && !cancelled {
        "TRUE"
    } else {
        "FALSE"
    };
    Ok(format!(
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE={role};PARTSTAT={partstat};RSVP={rsvp};CN={}:{mailto}",
        param_value(&a.name)
    ))
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash, every
/// line break (CRLF, LF or CR) becomes `\n`, and other control characters, which TEXT may not
/// hold, are dropped (tab is kept).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value such as `CN`: control characters dropped, `^` and `"` caret-encoded
/// (RFC 6868), and the whole quoted when it holds `:`, `;` or `,`, which would otherwise end it.
pub fn param_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '^' => encoded.push_str("^^"),
            '"' => encoded.push_str("^'"),
            '\n' => encoded.push_str("^n"),
            c if c.is_control() => {}
            c => encoded.push(c),
        }
    }
    if encoded.contains([':', ';', ',']) {
        format!("\"{encoded}\"")
    } else {
        encoded
    }
}

/// Folds one content line: the first physical line holds at most 75 octets, each following one
/// a space and at most 74 more, and a cut never falls inside a UTF-8 character. Lines are joined
/// with CRLF; there is no trailing CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut room = MAX_LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > room {
            out.push_str("\r\n ");
            // The leading space counts toward the next line's 75 octets.
            room = MAX_LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += width;
    }
    out
}

/// Undoes [`fold`] (and any folding another producer did): a line break followed by one space
/// or tab is removed.
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

fn utc(field: &'static str, ms: i64) -> Result<String, IcsError> {
    let out_of_range = || IcsError::TimeOutOfRange { field, ms };
    let ts = Timestamp::from_millisecond(ms).map_err(|_| out_of_range())?;
    let dt = ts.to_zoned(TimeZone::UTC).datetime();
    if dt.year() < 1 {
        return Err(out_of_range());
    }
    Ok(format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    ))
}

fn check_identifier(field: &'static str, value: &str) -> Result<(), IcsError> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(IcsError::BadIdentifier {
            field,
            value: value.to_owned(),
        })
    }
}

/// `mailto:<email>` for an address with one `@`, something on each side, and none of the
/// characters that would end the property or a parameter early.
fn mailto(who: String, email: &str) -> Result<String, IcsError> {
    let usable = email.split('@').count() == 2
        && !email.starts_with('@')
        && !email.ends_with('@')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | ';' | ':' | ','));
    if usable {
        Ok(format!("mailto:{email}"))
    } else {
        Err(IcsError::BadEmail {
            who,
            email: email.to_owned(),
        })
    }
}

fn check_url(url: &str) -> Result<&str, IcsError> {
    let lower = url.to_ascii_lowercase();
    let scheme_ok = lower.starts_with("https://") || lower.starts_with("http://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if scheme_ok && clean && !url.ends_with("://") {
        Ok(url)
    } else {
        Err(IcsError::BadUrl(url.to_owned()))
    }
}
