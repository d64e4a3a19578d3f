//! Accounts over the API: sign up, sign in (a bearer token), sign out, who am I.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{ApiUser, Caller, Peer};
use crate::error::ApiError;
use crate::pages::account::{
    SigninForm, SignupForm, check_credentials, create_account, open_session,
};
use crate::state::AppState;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup))
        .route("/signin", post(signin))
        .route("/signout", post(signout))
        .route("/me", get(me))
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignupBody {
    /// Display name (1–80 characters).
    pub name: String,
    /// Email address.
    pub email: String,
    /// Password (at least 8 characters).
    pub password: String,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SigninBody {
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A session token: send it as `Authorization: Bearer TOKEN`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// The token.
    pub token: String,
    /// The user.
    pub user: MeOut,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeOut {
    /// Id.
    pub id: String,
    /// Email address.
    pub email: String,
    /// Display name.
    pub name: String,
}

impl MeOut {
    fn of(user: &hireloop_store::User) -> MeOut {
        MeOut {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.display_name.clone(),
        }
    }
}

/// Creates an account and signs it in.
#[utoipa::path(post, path = "/api/signup", request_body = SignupBody, tag = "accounts",
    responses((status = 201, body = TokenOut), (status = 409, body = super::ErrorOut),
              (status = 422, body = super::ErrorOut)))]
pub async fn signup(
    State(state): State<AppState>,
    Json(body): Json<SignupBody>,
) -> Result<(StatusCode, Json<TokenOut>), ApiError> {
    let form = SignupForm {
        name: body.name,
        email: body.email,
        password: body.password,
    };
    let user = create_account(&state, &form).await?;
    let token = open_session(&state, &user).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenOut {
            token,
            user: MeOut::of(&user),
        }),
    ))
}

/// Signs in: a bearer token for the API. Rate-limited per address and account.
#[utoipa::path(post, path = "/api/signin", request_body = SigninBody, tag = "accounts",
    responses((status = 200, body = TokenOut), (status = 422, body = super::ErrorOut),
              (status = 429, body = super::ErrorOut)))]
pub async fn signin(
    State(state): State<AppState>,
    Peer(peer): Peer,
    Json(body): Json<SigninBody>,
) -> Result<Json<TokenOut>, ApiError> {
    let form = SigninForm {
        email: body.email,
        password: body.password,
    };
    let user = check_credentials(&state, &form, peer).await?;
    let token = open_session(&state, &user).await?;
    Ok(Json(TokenOut {
        token,
        user: MeOut::of(&user),
    }))
}

/// Ends the session of the token (or cookie) used.
#[utoipa::path(post, path = "/api/signout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204)))]
pub async fn signout(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    if let Some(session) = &caller.session {
        state.store().delete_session(&session.token_hash).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = MeOut), (status = 401, body = super::ErrorOut)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<MeOut> {
    Json(MeOut::of(user.user()))
}
