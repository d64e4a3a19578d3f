//! Outgoing webhooks: event bodies, their signature, and when to retry a delivery.
//!
//! # For receivers: checking a delivery
//!
//! Every delivery is an HTTP `POST` with a JSON body ([`WebhookEvent::body`]) and the header
//! [`SIGNATURE_HEADER`]: `Hireloop-Signature: t=1767225600,v1=5f0c…`.
//!
//! 1. Split the header value on `,`; each part is `key=value`. Take `t` (Unix seconds, decimal)
//!    and every `v1` (there are two while a secret is being rotated). Ignore other keys.
//! 2. Compute HMAC-SHA256 with your endpoint secret as the key over the bytes of `t`, a `.`, and
//!    the **raw body exactly as received** (do not parse and re-serialise it first). Hex-encode
//!    it in lower case.
//! 3. Accept if it equals any `v1`, comparing in constant time.
//! 4. Refuse if `t` is more than your tolerance (we suggest 300 s) away from your clock, which
//!    stops a captured delivery from being replayed later.
//! 5. The same event may arrive more than once (a retry after a lost response): deduplicate on
//!    the body's `id`.
//!
//! [`verify`] does exactly this and is what our own tests and tools use.
//!
//! # Retries
//!
//! A delivery counts as done on any 2xx; 408, 429, any 5xx and network failures (no response)
//! are retried; every other status is a permanent failure ([`classify`]), since a 400, 401, 404
//! or a redirect will not mend itself — those deliveries wait for someone to fix the endpoint and
//! replay them. Retries follow [`backoff`]: 30 s, doubling, capped at 6 h, for at most
//! [`MAX_ATTEMPTS`] attempts, which spans 2.1 to 2.6 days from the first (enough to ride out
//! a receiver's weekend outage). Each delay is shortened by up to 20 % by a jitter derived from
//! the event id, so retries of many events do not arrive in lock-step, yet any two servers
//! compute the same schedule for the same event.

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::audit::{canonical_json, hex};

/// The name of the HTTP header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Hireloop-Signature";

/// How many delivery attempts an event gets in all, the first included.
pub const MAX_ATTEMPTS: u32 = 20;

/// The delay before the first retry, in milliseconds.
pub const FIRST_RETRY_MS: u64 = 30_000;

/// The longest delay between two attempts, in milliseconds (6 hours).
pub const MAX_DELAY_MS: u64 = 6 * 60 * 60 * 1000;

/// The tolerance receivers should use unless they have a reason not to, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// The kinds of events sent. Their names are part of the contract with receivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// An application moved to another stage.
    #[serde(rename = "application.stage_changed")]
    StageChanged,
    /// An application was decided (hire or no hire).
    #[serde(rename = "application.decided")]
    Decided,
    /// An interview was scheduled or rescheduled.
    #[serde(rename = "interview.scheduled")]
    InterviewScheduled,
    /// An interview was cancelled.
    #[serde(rename = "interview.cancelled")]
    InterviewCancelled,
    /// An offer was created.
    #[serde(rename = "offer.created")]
    OfferCreated,
    /// An offer was accepted.
    #[serde(rename = "offer.accepted")]
    OfferAccepted,
    /// An offer was declined or withdrawn.
    #[serde(rename = "offer.declined")]
    OfferDeclined,
    /// A candidate's personal data was erased; receivers holding copies should erase theirs.
    #[serde(rename = "candidate.erased")]
    CandidateErased,
}

impl EventKind {
    /// The dotted name, as it appears in the body.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StageChanged => "application.stage_changed",
            Self::Decided => "application.decided",
            Self::InterviewScheduled => "interview.scheduled",
            Self::InterviewCancelled => "interview.cancelled",
            Self::OfferCreated => "offer.created",
            Self::OfferAccepted => "offer.accepted",
            Self::OfferDeclined => "offer.declined",
            Self::CandidateErased => "candidate.erased",
        }
    }
}

/// One event to deliver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// Unique per event and the same on every retry, so receivers can deduplicate.
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// The organisation it happened in.
    pub org: String,
    /// When it happened, in milliseconds since the Unix epoch (UTC).
    pub occurred_ms: i64,
    /// Kind-specific data: ids and stage names. Keep personal data out; receivers fetch it
    /// through the API with their own permissions.
    pub data: Value,
}

impl WebhookEvent {
    /// The JSON body: keys sorted, no whitespace, so every attempt sends the same bytes.
    pub fn body(&self) -> String {
        canonical_json(&json!({
            "id": self.id,
            "kind": self.kind.as_str(),
            "org": self.org,
            "occurred_ms": self.occurred_ms,
            "data": self.data,
        }))
    }
}

/// Why [`verify`] refused a delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The header is not `t=<seconds>,v1=<hex>[,v1=<hex>…]`.
    #[error("malformed {SIGNATURE_HEADER} header: {0}")]
    MalformedHeader(&'static str),
    /// No `v1` in the header matches the body under the secret.
    #[error("webhook signature does not match the body")]
    BadSignature,
    /// The signature is genuine but its timestamp is too far from now (a replay or a bad clock).
    #[error("webhook timestamp {t} is {skew} s away from now; the tolerance is {tolerance} s")]
    OutsideTolerance {
        /// The header's timestamp, Unix seconds.
        t: i64,
        /// The absolute difference to now, seconds.
        skew: i64,
        /// The tolerance used, seconds.
        tolerance: i64,
    },
}

/// HMAC-SHA256 of `message` under `key`, lower-case hex — the primitive the signature uses,
/// public so its known-answer tests pin it.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    mac(key, &[message]).map_or_else(String::new, |m| hex(&m.finalize().into_bytes()))
}

/// The header value for `body` sent at `t_secs`, one `v1` per secret (two during a rotation).
pub fn sign(secrets: &[&[u8]], t_secs: i64, body: &str) -> String {
    let mut header = format!("t={t_secs}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&hmac_sha256_hex(secret, &signed_bytes(t_secs, body)));
    }
    header
}

/// Checks a delivery as a receiver would: some `v1` matches and `t` is within `tolerance_secs`
/// of `now_secs` (either side, to allow for clock skew).
pub fn verify(
    header: &str,
    body: &str,
    secret: &[u8],
    now_secs: i64,
    tolerance_secs: i64,
) -> Result<(), WebhookError> {
    let parsed = parse_header(header)?;
    let message = signed_bytes(parsed.t, body);
    let matches = parsed.v1.iter().any(|sig| {
        decode_hex(sig).is_some_and(|bytes| {
            mac(secret, &[&message]).is_some_and(|m| m.verify_slice(&bytes).is_ok())
        })
    });
    if !matches {
        return Err(WebhookError::BadSignature);
    }
    let skew = now_secs.saturating_sub(parsed.t).saturating_abs();
    if skew > tolerance_secs {
        return Err(WebhookError::OutsideTolerance {
            t: parsed.t,
            skew,
            tolerance: tolerance_secs,
        });
    }
    Ok(())
}

/// What a delivery attempt's outcome means for the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver took it (2xx).
    Delivered,
    /// Try again later (408, 429, 5xx, or no response at all).
    Retry,
    /// Give up until someone fixes the endpoint (any other status).
    Permanent,
}

/// Classifies an attempt by its HTTP status; `None` means no response (connection refused,
/// timeout, TLS failure).
pub fn classify(status: Option<u16>) -> Outcome {
    match status {
        None | Some(408) | Some(429) | Some(500..=599) => Outcome::Retry,
        Some(200..=299) => Outcome::Delivered,
        Some(_) => Outcome::Permanent,
    }
}

/// How long to wait before the next attempt, in milliseconds, after `failed_attempts` failures
/// of event `event_id`; `None` once [`MAX_ATTEMPTS`] attempts have failed (give up).
///
/// `backoff(0, _)` is `Some(0)`: the first attempt goes out at once.
pub fn backoff(failed_attempts: u32, event_id: &str) -> Option<u64> {
    if failed_attempts == 0 {
        return Some(0);
    }
    if failed_attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = failed_attempts - 1;
    let base = if doublings >= 20 {
        MAX_DELAY_MS
    } else {
        (FIRST_RETRY_MS << doublings).min(MAX_DELAY_MS)
    };
    // Jitter only shortens the delay, so the cap holds; thousandths of a fifth of the base.
    let jitter = base / 5 * jitter_permille(event_id, failed_attempts) / 1000;
    Some(base - jitter)
}

/// A number in 0..=1000 that depends only on the event and the attempt.
fn jitter_permille(event_id: &str, attempt: u32) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(b"hireloop.webhook.jitter.");
    hasher.update(event_id.as_bytes());
    hasher.update(attempt.to_be_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % 1001
}

struct ParsedHeader<'a> {
    t: i64,
    v1: Vec<&'a str>,
}

fn parse_header(header: &str) -> Result<ParsedHeader<'_>, WebhookError> {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(WebhookError::MalformedHeader("a part is not key=value"));
        };
        match key {
            "t" if t.is_some() => return Err(WebhookError::MalformedHeader("t appears twice")),
            "t" => t = Some(parse_seconds(value)?),
            "v1" => v1.push(value),
            _ => {} // other schemes (a future v2) are ignored, not refused
        }
    }
    let t = t.ok_or(WebhookError::MalformedHeader("no t= timestamp"))?;
    if v1.is_empty() {
        return Err(WebhookError::MalformedHeader("no v1= signature"));
    }
    Ok(ParsedHeader { t, v1 })
}

fn parse_seconds(value: &str) -> Result<i64, WebhookError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebhookError::MalformedHeader(
            "t is not a number of seconds",
        ));
    }
    value
        .parse()
        .map_err(|_| WebhookError::MalformedHeader("t is out of range"))
}

fn signed_bytes(t_secs: i64, body: &str) -> Vec<u8> {
    format!("{t_secs}.{body}").into_bytes()
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Option<Hmac<Sha256>> {
    // HMAC accepts keys of any length; `None` is unreachable in practice and fails closed.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac)
}

/// Decodes lower- or upper-case hex; `None` for anything else.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}
