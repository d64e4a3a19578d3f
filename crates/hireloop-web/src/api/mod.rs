//! The JSON API under `/api`, described by `/api/openapi.json`.
//!
//! Clients sign in with `POST /api/signin` and send the returned token as
//! `Authorization: Bearer TOKEN`. Errors are `{ "error": { "code", "message", "field" } }` with a
//! fitting status; 429 and 503 carry `Retry-After`.

mod account;
pub(crate) mod hiring;
mod practice;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

use crate::state::AppState;

/// The API routes (mounted under `/api`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(account::routes())
        .merge(practice::routes())
        .merge(hiring::routes())
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "hireloop",
        description = "Practice the interview loop: accounts, loops, answers and feedback."
    ),
    paths(
        account::signup,
        account::signin,
        account::signout,
        account::me,
        practice::start,
        practice::list,
        practice::show,
        practice::start_round,
        practice::draft,
        practice::submit,
        practice::finish,
        practice::report
    ),
    components(schemas(
        account::SignupBody,
        account::SigninBody,
        account::TokenOut,
        account::MeOut,
        practice::StartBody,
        practice::LoopOut,
        practice::RoundOut,
        practice::ItemOut,
        practice::ClockOut,
        practice::DraftBody,
        practice::DraftOut,
        practice::SubmitBody,
        practice::SubmitOut,
        ErrorOut,
        ErrorBody
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// An error answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorOut {
    /// The error.
    pub error: ErrorBody,
}

/// What went wrong.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: `bad_input`, `not_found`, `sign_in_required`, `forbidden`, `conflict`,
    /// `too_many_requests`, `busy`, `internal`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The field at fault, for `bad_input`.
    pub field: Option<String>,
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> impl IntoResponse {
    let mut doc = ApiDoc::openapi();
    doc.merge(hiring::ApiDoc::openapi());
    let body = doc.to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    ([(header::CONTENT_TYPE, "application/json")], body)
}
