//! Resolves who is asking, once per request, and refuses forged state-changing requests.
//!
//! Every POST, PUT, PATCH and DELETE must prove it comes from our own pages or from an API
//! client:
//! - with a bearer token: nothing more (a browser never attaches one on its own);
//! - from a browser: the request's `Origin`, when sent, must be this host, and it must carry the
//!   anti-forgery token — the session's once signed in, before that the visitor cookie's
//!   (double submit) — in the `X-CSRF-Token` header (htmx and scripts), the `_csrf` form field or
//!   the `_csrf` query parameter (file uploads);
//! - to the API without any session: the body must be JSON, which a cross-site form cannot send.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::BODY_LIMIT;
use crate::auth::{self, Caller, SESSION_COOKIE, VISITOR_COOKIE};
use crate::error::WebError;
use crate::state::AppState;

/// The header scripts and htmx send the token in.
pub const HEADER: &str = "x-csrf-token";
/// The form field and query parameter.
pub const FIELD: &str = "_csrf";

/// The middleware.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    match check(&state, request).await {
        Ok((request, new_visitor)) => {
            let mut response = next.run(request).await;
            if let Some(token) = new_visitor {
                set_visitor_cookie(&state, &mut response, &token);
            }
            response
        }
        Err(e) if api => e.into_json(),
        Err(e) => e.into_response(),
    }
}

async fn check(state: &AppState, request: Request) -> Result<(Request, Option<String>), WebError> {
    let (mut parts, body) = request.into_parts();
    let headers = &parts.headers;
    let now = state.now_ms();

    let bearer = auth::bearer(headers);
    let token = bearer.or_else(|| auth::cookie(headers, SESSION_COOKIE));
    let session = match token {
        Some(t) => state.store().session(&auth::token_hash(t), now).await?,
        None => None,
    };
    if bearer.is_some() && session.is_none() {
        return Err(WebError::SignInRequired);
    }
    let via_bearer = bearer.is_some();

    // The token forms must carry: the session's, else the visitor cookie's, else a new one.
    let visitor = auth::cookie(headers, VISITOR_COOKIE)
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_owned);
    let (csrf, new_visitor) = match (&session, visitor) {
        (Some(s), _) => (s.csrf.clone(), None),
        (None, Some(v)) => (v, None),
        (None, None) => {
            let v = auth::random_hex(16)?;
            (v.clone(), Some(v))
        }
    };

    let mut body = body;
    let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state && !via_bearer {
        if !same_origin(headers) {
            return Err(WebError::Forbidden(
                "this request came from another site and was refused",
            ));
        }
        let api = parts.uri.path().starts_with("/api/");
        let anonymous_json = api && session.is_none() && is_json(headers);
        if !anonymous_json {
            let (presented, rebuilt) = presented_token(&parts, headers, body).await?;
            body = rebuilt;
            if !presented.is_some_and(|p| constant_time_eq(p.as_bytes(), csrf.as_bytes())) {
                return Err(WebError::Forbidden(
                    "this form has expired or did not come from this site; reload the page and \
                     try again",
                ));
            }
        }
    }

    // A full page load by a signed-in user shows the hiring link to members of an organisation;
    // the API, htmx fragments and form posts do not need to know.
    let page_load = parts.method == Method::GET
        && !parts.uri.path().starts_with("/api/")
        && !parts.uri.path().starts_with("/static/")
        && !headers.contains_key("hx-request");
    let member = match &session {
        Some(s) if page_load => !state.store().orgs_of(&s.user.id).await?.is_empty(),
        _ => false,
    };
    parts.extensions.insert(Caller {
        session: session.map(Arc::new),
        csrf,
        member,
    });
    Ok((Request::from_parts(parts, body), new_visitor))
}

/// The token the request presents: the header, the query parameter, or the field of a
/// URL-encoded form (whose body is read and handed back whole).
async fn presented_token(
    parts: &axum::http::request::Parts,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Option<String>, Body), WebError> {
    if let Some(v) = headers.get(HEADER).and_then(|v| v.to_str().ok()) {
        return Ok((Some(v.to_owned()), body));
    }
    if let Some(q) = parts.uri.query()
        && let Some(v) = field(q.as_bytes())
    {
        return Ok((Some(v), body));
    }
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Ok((None, body));
    }
    let bytes = to_bytes(body, crate::BODY_LIMIT).await.map_err(|_| {
        WebError::bad(
            "body",
            format!("a form may hold at most {BODY_LIMIT} bytes"),
        )
    })?;
    Ok((field(&bytes), Body::from(bytes)))
}

fn field(encoded: &[u8]) -> Option<String> {
    form_urlencoded::parse(encoded)
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v.into_owned())
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Whether the `Origin` header, when present, names this host. Browsers send it with every
/// cross-site POST, so a mismatch is a forgery; its absence (older clients, curl) leaves the
/// token check to decide.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    origin_host.eq_ignore_ascii_case(host)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn set_visitor_cookie(state: &AppState, response: &mut Response, token: &str) {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{VISITOR_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_match_the_host() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h), "no Origin: left to the token");
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"abcd", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b"abce"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn the_field_is_found_among_others() {
        assert_eq!(field(b"a=1&_csrf=xyz&b=2").as_deref(), Some("xyz"));
        assert_eq!(field(b"a=1"), None);
    }
}
