//! Who is asking: passwords, session tokens and the extractors handlers use.
//!
//! A session token is 32 random bytes, sent as an HttpOnly cookie to browsers or as a bearer
//! token to API clients; the database keeps only its SHA-256, so a copy of the database signs
//! nobody in. Passwords are hashed with argon2id on a blocking thread.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use hireloop_store::{Session, User};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, WebError};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hl_session";
/// The anti-forgery cookie of visitors not signed in (double-submit).
pub const VISITOR_COOKIE: &str = "hl_csrf";

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 8;
/// The longest password accepted (bytes): argon2 takes any length, but a megabyte "password" is
/// a way to burn CPU.
pub const MAX_PASSWORD: usize = 256;

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> Result<String, WebError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(WebError::internal)?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The SHA-256 of a session token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Hashes a password with argon2id (default parameters) on a blocking thread.
pub async fn hash_password(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(WebError::internal)
    })
    .await
    .map_err(WebError::internal)?
}

/// Whether `password` matches the stored hash, checked on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> Result<bool, WebError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(WebError::internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(WebError::internal)?
}

/// Checks a new password's length; the message names the rule.
pub fn check_new_password(password: &str) -> Result<(), WebError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD {
        return Err(WebError::bad(
            "password",
            format!("use at least {MIN_PASSWORD} characters (this one has {chars})"),
        ));
    }
    if password.len() > MAX_PASSWORD {
        return Err(WebError::bad(
            "password",
            format!("use at most {MAX_PASSWORD} bytes"),
        ));
    }
    Ok(())
}

/// Checks an email address's shape (one `@`, a dot in the domain, no spaces).
pub fn check_email(email: &str) -> Result<String, WebError> {
    let email = email.trim().to_lowercase();
    let ok = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(email)
    } else {
        Err(WebError::bad(
            "email",
            "enter an email address such as name@example.com",
        ))
    }
}

/// The value of cookie `name` in the request's headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The bearer token of an `Authorization` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// What the request carries about its sender, resolved once per request by the middleware in
/// [`crate::csrf`] and read by the extractors below.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The live session, if the request has one.
    pub session: Option<Arc<Session>>,
    /// The anti-forgery token forms must carry: the session's, or the visitor cookie's.
    pub csrf: String,
    /// Whether the signed-in user belongs to an organisation (the navigation then links to
    /// hiring mode). Looked up for full page loads only; `false` elsewhere.
    pub member: bool,
}

/// The peer's address, when the server knows it (not in in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Peer, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

/// A signed-in user; rejects with "sign in first" otherwise.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session.
    pub session: Arc<Session>,
    /// The anti-forgery token for forms on the page.
    pub csrf: String,
    /// Whether the user belongs to an organisation (see [`Caller::member`]).
    pub member: bool,
}

impl SignedIn {
    /// The user.
    pub fn user(&self) -> &User {
        &self.session.user
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Caller, WebError> {
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<SignedIn, WebError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.session {
            Some(session) => Ok(SignedIn {
                session,
                csrf: caller.csrf,
                member: caller.member,
            }),
            None => Err(WebError::SignInRequired),
        }
    }
}

/// [`SignedIn`] for the API: rejects with a JSON error.
#[derive(Debug, Clone)]
pub struct ApiUser(pub SignedIn);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiUser, ApiError> {
        Ok(ApiUser(SignedIn::from_request_parts(parts, state).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(check_email(" Ada@Example.COM ").unwrap(), "ada@example.com");
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.com",
            "a b@x.com",
            "a@x",
            "a@.x",
            "a@x.",
            "a@b@c.d",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("long enough").is_ok());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD + 1)).is_err());
        // Characters, not bytes, count towards the minimum.
        assert!(check_new_password("密码密码密码密码").is_ok());
    }

    #[test]
    fn cookies_and_bearers_are_read() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; hl_session=abc; b=2".parse().unwrap());
        h.insert("authorization", "Bearer tok".parse().unwrap());
        assert_eq!(cookie(&h, "hl_session"), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
        assert_eq!(bearer(&h), Some("tok"));
    }

    #[test]
    fn token_hashes_are_stable_hex() {
        assert_eq!(token_hash("abc").len(), 64);
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(token_hash("abc"), token_hash("abd"));
        assert_eq!(random_hex(16).unwrap().len(), 32);
    }
}
