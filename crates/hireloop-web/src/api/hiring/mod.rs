//! Hiring mode's JSON API, under `/api/orgs/{org}` (the organisation's slug) and, for the
//! candidate's assessment link, `/api/assess/{org}/{token}`.
//!
//! Every handler is thin: parse, [`authorize`](crate::hiring::authz::authorize) once, call the
//! service, answer JSON. The routes are built from one list, [`endpoints`], which the matrix test
//! compares with its own table so no endpoint escapes it.

mod handlers;

use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::Method;
use axum::routing::MethodRouter;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, WebError};
use crate::state::AppState;

pub use handlers::ApiDoc;

/// One endpoint: method, path (under `/api`) and its handler.
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path template under `/api`.
    pub path: &'static str,
    /// The handler, routed for that method only.
    pub router: MethodRouter<AppState>,
}

/// The hiring routes (mounted under `/api`).
pub fn routes() -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |r, e| r.route(e.path, e.router))
}

/// Every hiring endpoint as `(method, path under /api)`, in the order they are routed.
pub fn list() -> Vec<(Method, &'static str)> {
    endpoints()
        .into_iter()
        .map(|e| (e.method, e.path))
        .collect()
}

/// Every hiring endpoint.
pub fn endpoints() -> Vec<Endpoint> {
    handlers::endpoints()
}

/// A JSON body whose rejection is answered like every other API error: 422 naming the body
/// and what serde said (which names the field).
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Body<T>, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(e) => {
                let text = e.body_text();
                Err(ApiError(WebError::bad(field_of(&text), text)))
            }
        }
    }
}

/// An optional JSON body: an empty body reads as the default.
#[derive(Debug)]
pub struct OptBody<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<OptBody<T>, ApiError> {
        let bytes = axum::body::to_bytes(req.into_body(), crate::BODY_LIMIT)
            .await
            .map_err(|e| WebError::bad("body", e.to_string()))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptBody(T::default()));
        }
        serde_json::from_slice(&bytes).map(OptBody).map_err(|e| {
            let text = e.to_string();
            ApiError(WebError::bad(field_of(&text), text))
        })
    }
}

/// The field a JSON error names (`missing field `title``, `unknown field `x``), else `body`.
fn field_of(message: &str) -> String {
    ["missing field `", "unknown field `"]
        .iter()
        .find_map(|cue| {
            let rest = &message[message.find(cue)? + cue.len()..];
            Some(rest[..rest.find('`')?].to_owned())
        })
        .unwrap_or_else(|| "body".to_owned())
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn json_errors_name_their_field() {
        assert_eq!(
            field_of("missing field `title` at line 1 column 2"),
            "title"
        );
        assert_eq!(
            field_of("x: unknown field `colour`, expected one of"),
            "colour"
        );
        assert_eq!(field_of("expected value at line 1 column 1"), "body");
    }
}
