//! The HTML pages.

pub(crate) mod account;
mod checklist;
mod hiring;
mod home;
mod practice;
mod progress;
mod stories;
mod toolkit;

use axum::Router;

use crate::state::AppState;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(account::routes())
        .merge(practice::routes())
        .merge(progress::routes())
        .merge(checklist::routes())
        .merge(stories::routes())
        .merge(toolkit::routes())
        .merge(hiring::routes())
}
