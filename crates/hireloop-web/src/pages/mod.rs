//! The HTML pages.

pub(crate) mod account;
mod home;
mod practice;

use axum::Router;

use crate::state::AppState;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(account::routes())
        .merge(practice::routes())
}
