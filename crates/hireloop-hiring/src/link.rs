//! Signed, expiring links to an online assessment.
//!
//! A candidate gets a link such as `https://…/assessment/<token>`; the token says which
//! application and assessment it opens and until when, and is signed so that nobody can change
//! those or mint one. No database lookup is needed to check it.
//!
//! # Token format
//!
//! `v1.<payload>.<signature>`, URL-safe throughout:
//!
//! - `payload` is base64url (no padding) of a small JSON object
//!   `{"app":…,"asmt":…,"exp":…,"nonce":…}` ([`Claims`]);
//! - `signature` is base64url (no padding) of HMAC-SHA256 under the server secret over the
//!   ASCII bytes `hireloop.link.v1.` followed by the payload *as it appears in the token*.
//!
//! Signing the encoded text rather than re-encoded claims means there is exactly one valid token
//! per signature: flipping any character of the payload breaks it. The `hireloop.link.v1.` prefix
//! keeps a link signature from ever being valid as anything else signed with the same secret.
//!
//! The token is not encrypted: anyone holding it can read the ids in it. It carries ids only.
//!
//! # Secrets and rotation
//!
//! A [`Secret`] is at least [`MIN_SECRET_LEN`] random bytes. To rotate, put the new secret first
//! in the list given to [`verify`] and keep the old one after it until the longest-lived link
//! signed with it has expired; [`issue`] always signs with the secret it is given (the newest).
//!
//! # One use only?
//!
//! A signature cannot be "spent". The nonce gives every link its own identity, so the server can
//! record a started or submitted assessment under it and refuse a second start.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The shortest secret accepted, in bytes (the output size of SHA-256).
pub const MIN_SECRET_LEN: usize = 32;

/// Tokens longer than this are refused before any work is done on them.
pub const MAX_TOKEN_LEN: usize = 1024;

const VERSION: &str = "v1";
const SIGNING_PREFIX: &[u8] = b"hireloop.link.v1.";
const SIGNATURE_LEN: usize = 32;

/// A server secret for signing links. Its `Debug` output never shows the bytes.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps secret bytes, refusing fewer than [`MIN_SECRET_LEN`] (a short secret can be guessed
    /// offline from a single link).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, LinkError> {
        let bytes = bytes.into();
        if bytes.len() < MIN_SECRET_LEN {
            return Err(LinkError::WeakSecret { len: bytes.len() });
        }
        Ok(Self(bytes))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

/// What a link grants: one assessment for one application, until `expires_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// The application the assessment belongs to.
    #[serde(rename = "app")]
    pub application_id: String,
    /// The assessment to open.
    #[serde(rename = "asmt")]
    pub assessment_id: String,
    /// The first instant (ms since the Unix epoch, UTC) at which the link no longer works.
    #[serde(rename = "exp")]
    pub expires_ms: i64,
    /// A random value chosen by the caller (at least 16 random bytes, hex or base64url), so that
    /// two links for the same assessment differ and each can be tracked on its own.
    pub nonce: String,
}

/// Why a token was refused. The three kinds a user can meet are kept apart so the page can say
/// "this link has expired, ask your recruiter for a new one" only when that is true.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The token is not of the form `v1.<payload>.<signature>`, or a part does not decode.
    #[error("malformed assessment link: {0}")]
    Malformed(&'static str),
    /// The token is well formed but no known secret signed it (forged, altered or too old a key).
    #[error("assessment link signature is not valid")]
    BadSignature,
    /// The token is genuine but its time is up.
    #[error("assessment link expired at {expired_ms} ms (now {now_ms} ms)")]
    Expired {
        /// When it expired.
        expired_ms: i64,
        /// The time it was checked at.
        now_ms: i64,
    },
    /// A secret shorter than [`MIN_SECRET_LEN`] bytes was offered.
    #[error("link secret is {len} bytes; at least {MIN_SECRET_LEN} random bytes are required")]
    WeakSecret {
        /// Its length in bytes.
        len: usize,
    },
}

/// Issues a token for `claims`, signed with `secret`.
pub fn issue(secret: &Secret, claims: &Claims) -> String {
    // Serialising a struct of strings and an integer cannot fail; an empty payload would only
    // yield a token that never verifies, never a wrong grant.
    let json = serde_json::to_vec(claims).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(json);
    let signature = URL_SAFE_NO_PAD.encode(sign(secret, &payload));
    format!("{VERSION}.{payload}.{signature}")
}

/// Checks `token` against `secrets` (newest first) at `now_ms` and returns its claims.
///
/// The link works while `now_ms < expires_ms`. Signature comparison is constant-time.
pub fn verify(secrets: &[Secret], token: &str, now_ms: i64) -> Result<Claims, LinkError> {
    let (payload, signature) = split(token)?;
    if !secrets
        .iter()
        .any(|s| signature_matches(s, payload, &signature))
    {
        return Err(LinkError::BadSignature);
    }
    let claims = decode_claims(payload)?;
    if now_ms >= claims.expires_ms {
        return Err(LinkError::Expired {
            expired_ms: claims.expires_ms,
            now_ms,
        });
    }
    Ok(claims)
}

/// Splits a token into its payload text and decoded signature bytes.
fn split(token: &str) -> Result<(&str, Vec<u8>), LinkError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(LinkError::Malformed("too long"));
    }
    let mut parts = token.split('.');
    let (Some(version), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LinkError::Malformed(
            "expected three parts separated by '.'",
        ));
    };
    if version != VERSION {
        return Err(LinkError::Malformed("unknown version"));
    }
    if payload.is_empty() {
        return Err(LinkError::Malformed("empty payload"));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| LinkError::Malformed("signature is not base64url"))?;
    if signature.len() != SIGNATURE_LEN {
        return Err(LinkError::Malformed("signature has the wrong length"));
    }
    Ok((payload, signature))
}

fn decode_claims(payload: &str) -> Result<Claims, LinkError> {
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| LinkError::Malformed("payload is not base64url"))?;
    serde_json::from_slice(&json).map_err(|_| LinkError::Malformed("payload is not valid claims"))
}

/// HMAC-SHA256 keyed with `secret`, fed the signing prefix and `payload`. `None` only if the
/// HMAC implementation refused the key, which it never does for HMAC (any key length is valid).
fn mac(secret: &Secret, payload: &str) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&secret.0).ok()?;
    mac.update(SIGNING_PREFIX);
    mac.update(payload.as_bytes());
    Some(mac)
}

fn sign(secret: &Secret, payload: &str) -> Vec<u8> {
    mac(secret, payload).map_or_else(Vec::new, |m| m.finalize().into_bytes().to_vec())
}

fn signature_matches(secret: &Secret, payload: &str, signature: &[u8]) -> bool {
    // `verify_slice` compares in constant time, so response times leak nothing about how much
    // of a forged signature was right.
    mac(secret, payload).is_some_and(|m| m.verify_slice(signature).is_ok())
}
