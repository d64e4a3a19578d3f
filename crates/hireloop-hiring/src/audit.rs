//! The append-only audit log: one hash chain per organisation.
//!
//! Every entry commits to the one before it, so removing, reordering or editing an entry is
//! visible to [`verify`]. The store appends with [`seal`] (inside the same transaction that reads
//! the current head, so two writers cannot both extend the same entry) and never updates a row,
//! with one exception: erasure.
//!
//! # Erasure and personal data
//!
//! A candidate may ask to be erased, and the log must survive that. So the hash covers only a
//! *digest* of the free-form `detail`, never the detail itself: the store may replace an entry by
//! its [`erase`]d copy (detail dropped, `detail_erased` set) and the chain still verifies, while
//! the digest keeps proving that the entry said *something* at that point.
//!
//! The other fields — `actor`, `action`, `subject` — are hashed directly and therefore stay
//! forever. **Never put personal data in them**: the actor is a user id or `"system"`, the action
//! a dotted name such as `application.stage_changed`, the subject a typed id such as
//! `application:42`. Names, emails, notes and anything a person wrote go in `detail`.
//!
//! A digest of a small detail (say `{"stage":"onsite"}`) can be confirmed by guessing; that is
//! fine for stage names but is one more reason to keep personal data out of anything hashed
//! without a secret.
//!
//! # Encoding
//!
//! `detail_digest` is the lower-case hex SHA-256 of [`canonical_json`] of the detail (`null` when
//! there is none). `hash` is the lower-case hex SHA-256 of the tag `hireloop.audit.v1` followed by
//! `seq` and `at_ms` as 8-byte big-endian integers and then `actor`, `action`, `subject`,
//! `detail_digest` and `prev_hash`, each as an 8-byte big-endian byte length and its UTF-8 bytes.
//! Length prefixes make the encoding unambiguous: no two different entries hash the same input.
//! The first entry's `prev_hash` is [`GENESIS`].
//!
//! Key order never matters to the digest, but numbers are written as serde_json prints them, so
//! a store must hand back the detail with its numbers as they were (JSON text or PostgreSQL
//! `jsonb` do; a layer that turned `1.0` into `1` would break the digest of that entry).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry of every chain: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Domain separation: a hash of this log can never be mistaken for a hash of anything else.
const HASH_TAG: &[u8] = b"hireloop.audit.v1";

/// What a caller wants to record; [`seal`] turns it into an [`Entry`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// When it happened, in milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    /// Who did it: a user id or `"system"`. Never a name or an email.
    pub actor: String,
    /// What was done, as a dotted name such as `application.stage_changed`.
    pub action: String,
    /// What it was done to, as a typed id such as `application:42`. Ids only.
    pub subject: String,
    /// Anything else worth keeping; the only place personal data may go, since it can be erased.
    pub detail: Option<Value>,
}

/// One sealed entry of an organisation's chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the chain: 1, 2, 3, … without gaps.
    pub seq: u64,
    /// When it happened, in milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    /// Who did it (a user id or `"system"`).
    pub actor: String,
    /// What was done.
    pub action: String,
    /// What it was done to (ids only).
    pub subject: String,
    /// The detail, or `None` when there was none or it has been erased.
    pub detail: Option<Value>,
    /// Set by [`erase`]: the detail was removed on purpose and `detail_digest` is all that is left.
    #[serde(default)]
    pub detail_erased: bool,
    /// Hex SHA-256 of the canonical JSON of the detail as sealed.
    pub detail_digest: String,
    /// The previous entry's `hash`, or [`GENESIS`] for the first entry.
    pub prev_hash: String,
    /// Hex SHA-256 over this entry's fields (see the module documentation).
    pub hash: String,
}

/// A chain that verified: how many entries it has and the hash of its last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Number of entries checked.
    pub count: u64,
    /// The `hash` of the last entry checked, or the anchor's hash (or [`GENESIS`]) when none.
    pub head: String,
}

/// Where and why a chain stopped verifying.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain breaks at seq {seq}: {reason}")]
pub struct ChainBreak {
    /// The sequence number the broken entry should have had (its position in the chain).
    pub seq: u64,
    /// What is wrong with it.
    pub reason: BreakReason,
}

/// The reasons an entry can break a chain, checked in this order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreakReason {
    /// The entry's `seq` is not the next number: an entry was removed, inserted or reordered.
    #[error("expected seq {expected}, found {found}")]
    SeqMismatch {
        /// The number that should be there.
        expected: u64,
        /// The number that is there.
        found: u64,
    },
    /// The entry does not point at the previous entry's hash.
    #[error("prev_hash does not match the previous entry's hash")]
    PrevMismatch,
    /// The detail is present but does not match the digest that was sealed.
    #[error("detail does not match detail_digest")]
    DetailMismatch,
    /// The detail is missing although the entry is not marked erased.
    #[error("detail is missing but the entry is not marked erased")]
    DetailMissing,
    /// The stored hash is not the hash of the entry's fields.
    #[error("hash does not match the entry's fields")]
    HashMismatch,
}

/// Seals a draft as the entry after `prev` (or as the first entry when `prev` is `None`).
///
/// `seq` and `prev_hash` come from `prev`, so the caller cannot get them wrong; the store must
/// read `prev` and insert the result in one transaction.
pub fn seal(prev: Option<&Entry>, draft: Draft) -> Entry {
    let (seq, prev_hash) = match prev {
        Some(p) => (p.seq.saturating_add(1), p.hash.clone()),
        None => (1, GENESIS.to_owned()),
    };
    let detail_digest = detail_digest(draft.detail.as_ref());
    let mut entry = Entry {
        seq,
        at_ms: draft.at_ms,
        actor: draft.actor,
        action: draft.action,
        subject: draft.subject,
        detail: draft.detail,
        detail_erased: false,
        detail_digest,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    entry
}

/// Returns a copy of `entry` with its detail removed and marked erased; the chain still verifies.
pub fn erase(entry: &Entry) -> Entry {
    Entry {
        detail: None,
        detail_erased: true,
        ..entry.clone()
    }
}

/// Verifies a whole chain, starting from its first entry (seq 1, prev [`GENESIS`]).
pub fn verify(entries: &[Entry]) -> Result<Verified, ChainBreak> {
    verify_links(1, GENESIS, entries)
}

/// Verifies entries that continue a chain after `anchor`, an entry already known to be good
/// (for checking a log page by page, or only what was appended since the last check).
pub fn verify_after(anchor: &Entry, entries: &[Entry]) -> Result<Verified, ChainBreak> {
    verify_links(anchor.seq.saturating_add(1), &anchor.hash, entries)
}

fn verify_links(
    first_seq: u64,
    first_prev: &str,
    entries: &[Entry],
) -> Result<Verified, ChainBreak> {
    let mut expected_seq = first_seq;
    let mut prev_hash = first_prev;
    for entry in entries {
        check_entry(entry, expected_seq, prev_hash).map_err(|reason| ChainBreak {
            seq: expected_seq,
            reason,
        })?;
        prev_hash = &entry.hash;
        expected_seq = expected_seq.saturating_add(1);
    }
    Ok(Verified {
        count: entries.len() as u64,
        head: prev_hash.to_owned(),
    })
}

fn check_entry(entry: &Entry, expected_seq: u64, prev_hash: &str) -> Result<(), BreakReason> {
    if entry.seq != expected_seq {
        return Err(BreakReason::SeqMismatch {
            expected: expected_seq,
            found: entry.seq,
        });
    }
    if entry.prev_hash != prev_hash {
        return Err(BreakReason::PrevMismatch);
    }
    match &entry.detail {
        Some(detail) if detail_digest(Some(detail)) != entry.detail_digest => {
            return Err(BreakReason::DetailMismatch);
        }
        // An entry sealed without detail has the digest of `null`; anything else missing its
        // detail must have been erased on purpose.
        None if !entry.detail_erased && entry.detail_digest != detail_digest(None) => {
            return Err(BreakReason::DetailMissing);
        }
        _ => {}
    }
    if entry_hash(entry) != entry.hash {
        return Err(BreakReason::HashMismatch);
    }
    Ok(())
}

/// Hex SHA-256 of the canonical JSON of `detail` (of `null` when there is none).
pub fn detail_digest(detail: Option<&Value>) -> String {
    let canonical = match detail {
        Some(value) => canonical_json(value),
        None => canonical_json(&Value::Null),
    };
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// The hash an entry should carry, computed from its fields (not from its `hash`).
pub fn entry_hash(entry: &Entry) -> String {
    let mut hasher = Sha256::new();
    hasher.update(HASH_TAG);
    hasher.update(entry.seq.to_be_bytes());
    hasher.update(entry.at_ms.to_be_bytes());
    for field in [
        &entry.actor,
        &entry.action,
        &entry.subject,
        &entry.detail_digest,
        &entry.prev_hash,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace, strings escaped
/// minimally (`"`, `\` and control characters only), numbers as serde_json prints them.
///
/// Written here rather than relying on serde_json's output because its map order depends on a
/// crate feature (`preserve_order`) that any other crate in the build may switch on.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                if let Some(item) = map.get(key) {
                    write_canonical(item, out);
                }
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Lower-case hex of `bytes`; shared with the other modules of this crate that print digests.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}
