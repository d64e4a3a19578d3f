//! Errors a request can end in, shown as an HTML page or, under `/api`, as JSON. Each names what
//! went wrong and what to do; internal details go to the log, never to the page.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hireloop_store::StoreError;

use crate::view;

/// A request that did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Nothing here, or nothing of the user's (the two look the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A field of the request is wrong.
    #[error("{field}: {message}")]
    BadInput {
        /// The field, as named in the form or JSON.
        field: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The request needs a signed-in user.
    #[error("sign in first")]
    SignInRequired,
    /// The anti-forgery token is missing or wrong, or the request came from another site.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The caller may not do this; the message says why (the policy's reason).
    #[error("{0}")]
    Denied(String),
    /// The request does not fit the current state.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts; retry after the given seconds.
    #[error("too many attempts; try again in {retry_after_s} s")]
    TooMany {
        /// Seconds until the next attempt is allowed.
        retry_after_s: i64,
    },
    /// The server is saturated; retry after the given seconds. Nothing was saved.
    #[error("the server is busy; nothing was saved — try again in {retry_after_s} s")]
    Busy {
        /// Seconds to wait.
        retry_after_s: i64,
    },
    /// Something failed inside; logged with its details.
    #[error("something went wrong on our side; nothing was changed")]
    Internal(String),
}

impl WebError {
    /// A bad field.
    pub fn bad(field: impl Into<String>, message: impl Into<String>) -> WebError {
        WebError::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// An internal failure, logged here with its cause.
    pub fn internal(cause: impl std::fmt::Display) -> WebError {
        tracing::error!(%cause, "request failed");
        WebError::Internal(cause.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::SignInRequired => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) | WebError::Denied(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "not_found",
            WebError::BadInput { .. } => "bad_input",
            WebError::SignInRequired => "sign_in_required",
            WebError::Forbidden(_) | WebError::Denied(_) => "forbidden",
            WebError::Conflict(_) => "conflict",
            WebError::TooMany { .. } => "too_many_requests",
            WebError::Busy { .. } => "busy",
            WebError::Internal(_) => "internal",
        }
    }

    fn retry_after(&self) -> Option<i64> {
        match self {
            WebError::TooMany { retry_after_s } | WebError::Busy { retry_after_s } => {
                Some(*retry_after_s)
            }
            _ => None,
        }
    }

    /// The message shown to the user (never internal details).
    fn public_message(&self) -> String {
        match self {
            WebError::Internal(_) => "something went wrong on our side; nothing was changed".into(),
            other => other.to_string(),
        }
    }

    /// The error as a JSON response: `{ "error": { "code", "message", "field"? } }`.
    pub fn into_json(self) -> Response {
        let field = match &self {
            WebError::BadInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        let body = serde_json::json!({
            "error": { "code": self.code(), "message": self.public_message(), "field": field }
        });
        self.finish((self.status(), Json(body)).into_response())
    }

    fn finish(&self, mut response: Response) -> Response {
        if let Some(s) = self.retry_after()
            && let Ok(v) = HeaderValue::from_str(&s.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound { what } => WebError::NotFound(what),
            StoreError::Taken { what } => WebError::Conflict(format!("{what} is already taken")),
            StoreError::Conflict(m) => WebError::Conflict(m),
            e if e.is_saturated() => {
                tracing::warn!(error = %e, "database saturated");
                WebError::Busy { retry_after_s: 2 }
            }
            other => WebError::internal(other),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = view::error_page(self.status(), &self.public_message(), &self);
        self.finish((self.status(), page).into_response())
    }
}

/// A [`WebError`] answered as JSON: the error type of the `/api` handlers.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

impl WebError {
    /// Whether the error asks the user to sign in (the page then links to the sign-in form).
    pub(crate) fn wants_sign_in(&self) -> bool {
        matches!(self, WebError::SignInRequired)
    }
}
