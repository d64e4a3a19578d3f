//! The hireloop web app and its JSON API.
//!
//! Server-rendered HTML (askama templates) that works without JavaScript and is enhanced with a
//! vendored htmx; a JSON API under `/api` described by `/api/openapi.json`; `/healthz` and
//! Prometheus `/metrics` for operators. Thin by design: handlers check input, call the store and
//! the pure crates (content, coach, practice, toolkit, rendering), and render.
//!
//! Nothing that matters lives in the process: sessions, drafts, round clocks and rate-limit
//! counters are in the database, so any number of processes can serve one PostgreSQL.
//!
//! [`router`] builds the whole app for a [`AppState`]; tests drive it in process or start the
//! real server with [`serve`] on a random port.

mod api;
mod auth;
mod csrf;
mod error;
pub mod hiring;
mod ops;
mod pages;
mod plan_cache;
pub mod service;
mod state;
mod view;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use auth::{
    MAX_PASSWORD, MIN_PASSWORD, check_email, check_new_password, hash_password, token_hash,
    verify_password,
};
pub use error::WebError;
pub use state::{AppState, Settings};

/// The largest request body accepted: an answer, a pasted resume or a small CSV fits.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Every hiring-mode endpoint as `(method, path)` with the path under `/api`, exactly as the
/// router registers them (the routes are built from the same list).
pub fn hiring_routes() -> Vec<(axum::http::Method, &'static str)> {
    api::hiring::list()
}

/// The whole app: pages, API, operations endpoints and static files.
pub fn router(state: AppState) -> Router {
    // Past this many requests in flight, a new one is answered "busy, retry after" at once
    // instead of sharing the CPU with all the others until every one of them is slow.
    let admission = tower::ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(overloaded))
        .layer(tower::load_shed::LoadShedLayer::new())
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            state.settings().max_in_flight.max(1),
        ));
    Router::new()
        .merge(pages::routes())
        .nest("/api", api::routes())
        .merge(ops::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::protect,
        ))
        .layer(axum::middleware::from_fn(ops::measure))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .layer(admission)
        .with_state(state)
}

/// The answer to a request turned away by the admission limit: 503 with `Retry-After`, as JSON
/// (every client reads it; a browser shows the sentence).
async fn overloaded(_: tower::BoxError) -> axum::response::Response {
    metrics::counter!("hireloop_shed_total").increment(1);
    WebError::Busy { retry_after_s: 1 }.into_json()
}

/// Serves the app on `listener` until `shutdown` completes, then finishes the requests in flight
/// (graceful shutdown) and closes the database.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = state.store().clone();
    // Compile the coach's lexicons off the request path, so the first answers after a start do
    // not queue behind it.
    let warming = state.clone();
    tokio::task::spawn_blocking(move || warming.coach().warm());
    let deliveries = hiring::delivery::spawn(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    deliveries.abort();
    store.close().await;
    result
}
