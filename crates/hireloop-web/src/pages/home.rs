//! The front page: what hireloop is, for visitors; straight to practice for users.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::auth::Caller;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(front))
}

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    chrome: Chrome,
    title: String,
    stages: Vec<String>,
}

async fn front(State(state): State<AppState>, caller: Caller) -> Result<Response, WebError> {
    if caller.session.is_some() {
        return Ok(Redirect::to("/practice").into_response());
    }
    let stages = state
        .content()
        .pipelines
        .first()
        .map(|p| p.stages.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    Ok(render(&Landing {
        chrome: Chrome::of(&caller, ""),
        title: "Practise the Alibaba PM interview loop".to_owned(),
        stages,
    })?
    .into_response())
}
