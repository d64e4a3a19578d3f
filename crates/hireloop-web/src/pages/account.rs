//! Sign-up, sign-in and sign-out pages, and the account logic the API shares with them.

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use hireloop_store::{NewUser, User};
use serde::Deserialize;

use crate::auth::{self, Caller, Peer, SESSION_COOKIE};
use crate::error::WebError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", get(signup_page).post(signup))
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", axum::routing::post(signout))
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    chrome: Chrome,
    title: String,
    error: Option<String>,
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    chrome: Chrome,
    title: String,
    error: Option<String>,
    email: String,
}

/// The sign-up form.
#[derive(Debug, Deserialize)]
pub struct SignupForm {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SigninForm {
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
}

async fn signup_page(caller: Caller) -> Result<Response, WebError> {
    if caller.session.is_some() {
        return Ok(Redirect::to("/practice").into_response());
    }
    Ok(render(&SignupPage {
        chrome: Chrome::of(&caller, ""),
        title: "Create your account".to_owned(),
        error: None,
        name: String::new(),
        email: String::new(),
    })?
    .into_response())
}

async fn signin_page(caller: Caller) -> Result<Response, WebError> {
    if caller.session.is_some() {
        return Ok(Redirect::to("/practice").into_response());
    }
    Ok(render(&SigninPage {
        chrome: Chrome::of(&caller, ""),
        title: "Sign in".to_owned(),
        error: None,
        email: String::new(),
    })?
    .into_response())
}

async fn signup(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<SignupForm>,
) -> Result<Response, WebError> {
    match create_account(&state, &form).await {
        Ok(user) => signed_in_redirect(&state, &user).await,
        Err(e @ (WebError::BadInput { .. } | WebError::Conflict(_))) => {
            let page = render(&SignupPage {
                chrome: Chrome::of(&caller, ""),
                title: "Create your account".to_owned(),
                error: Some(e.to_string()),
                name: form.name,
                email: form.email,
            })?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn signin(
    State(state): State<AppState>,
    caller: Caller,
    Peer(peer): Peer,
    Form(form): Form<SigninForm>,
) -> Result<Response, WebError> {
    match check_credentials(&state, &form, peer).await {
        Ok(user) => signed_in_redirect(&state, &user).await,
        Err(e @ WebError::BadInput { .. }) => {
            let page = render(&SigninPage {
                chrome: Chrome::of(&caller, ""),
                title: "Sign in".to_owned(),
                error: Some(e.to_string()),
                email: form.email,
            })?;
            Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn signout(State(state): State<AppState>, caller: Caller) -> Result<Response, WebError> {
    if let Some(session) = &caller.session {
        state.store().delete_session(&session.token_hash).await?;
    }
    let mut response = Redirect::to("/").into_response();
    set_cookie(&state, &mut response, "", 0);
    Ok(response)
}

/// Checks a sign-up and creates the account.
pub async fn create_account(state: &AppState, form: &SignupForm) -> Result<User, WebError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(WebError::bad(
            "name",
            "enter your name (up to 80 characters)",
        ));
    }
    let email = auth::check_email(&form.email)?;
    auth::check_new_password(&form.password)?;
    let hash = auth::hash_password(form.password.clone()).await?;
    let user = state
        .store()
        .create_user(
            &NewUser {
                email: &email,
                display_name: name,
                password_hash: &hash,
            },
            state.now_ms(),
        )
        .await
        .map_err(|e| match e {
            hireloop_store::StoreError::Taken { .. } => WebError::Conflict(
                "an account with this email address exists; sign in instead".to_owned(),
            ),
            other => other.into(),
        })?;
    tracing::info!(user = %user.id, "account created");
    Ok(user)
}

/// Checks a sign-in, within the rate limit: a few attempts per address and per account in each
/// window, counted in the database so every server process shares the count.
pub async fn check_credentials(
    state: &AppState,
    form: &SigninForm,
    peer: Option<SocketAddr>,
) -> Result<User, WebError> {
    let settings = state.settings();
    let now = state.now_ms();
    let email = form.email.trim().to_lowercase();
    let buckets = [
        format!(
            "signin:ip:{}",
            peer.map_or("unknown".to_owned(), |p| p.ip().to_string())
        ),
        format!("signin:account:{email}"),
    ];
    for bucket in &buckets {
        let hits = state
            .store()
            .hit(bucket, settings.signin_window_ms, now)
            .await?;
        if hits > settings.signin_attempts {
            let window = settings.signin_window_ms.max(1);
            let left_ms = window - now.rem_euclid(window);
            return Err(WebError::TooMany {
                retry_after_s: (left_ms + 999) / 1000,
            });
        }
    }
    let wrong = || WebError::bad("email", "the email address or the password is wrong");
    let Some(user) = state.store().user_by_email(&email).await? else {
        // Hash anyway so a wrong address takes as long as a wrong password.
        let _ = auth::hash_password(form.password.clone()).await;
        return Err(wrong());
    };
    if !auth::verify_password(form.password.clone(), user.password_hash.clone()).await? {
        return Err(wrong());
    }
    state.store().clear_hits(&buckets[1]).await?;
    Ok(user)
}

/// Opens a session for `user`: returns the token (for the cookie or the bearer header).
pub async fn open_session(state: &AppState, user: &User) -> Result<String, WebError> {
    let token = auth::random_hex(32)?;
    let csrf = auth::random_hex(16)?;
    let now = state.now_ms();
    let expires = now + state.settings().session_days * 86_400_000;
    state
        .store()
        .create_session(&auth::token_hash(&token), &user.id, &csrf, now, expires)
        .await?;
    Ok(token)
}

async fn signed_in_redirect(state: &AppState, user: &User) -> Result<Response, WebError> {
    let token = open_session(state, user).await?;
    let mut response = Redirect::to("/practice").into_response();
    set_cookie(
        state,
        &mut response,
        &token,
        state.settings().session_days * 86_400,
    );
    Ok(response)
}

/// Sets (or, with `max_age_s` 0, clears) the session cookie.
fn set_cookie(state: &AppState, response: &mut Response, token: &str, max_age_s: i64) {
    let secure = if state.settings().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}
