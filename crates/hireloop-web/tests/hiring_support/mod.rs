//! Shared by the hiring API tests: an app on an in-memory database, accounts with bearer
//! tokens made straight in the store (no argon2 per user), and JSON requests in process.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Method, Request, StatusCode, header};
use hireloop_core::content::Content;
use hireloop_store::{NewUser, Store, User};
use hireloop_web::hiring::LinkSecret;
use hireloop_web::{AppState, Settings};
use serde_json::Value;
use tower::ServiceExt;

pub mod pages;

/// The built-in content, loaded once.
pub fn content() -> &'static Content {
    static CONTENT: OnceLock<&'static Content> = OnceLock::new();
    CONTENT.get_or_init(|| Box::leak(Box::new(Content::builtin().expect("built-in content"))))
}

/// The secret the test apps sign assessment links with.
pub const SECRET: &str = "a test secret of more than thirty-two bytes, not for production";

/// An app on its own in-memory database.
pub struct App {
    /// The router.
    pub router: Router,
    /// Its store, for fixtures made directly.
    pub store: Store,
    /// Its state.
    pub state: AppState,
}

/// A response.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Content type.
    pub content_type: String,
    /// Body as text.
    pub text: String,
}

impl Reply {
    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    /// A string field of the JSON body.
    pub fn str(&self, pointer: &str) -> String {
        self.json()
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no string at {pointer} in {}", self.text))
            .to_owned()
    }
}

impl App {
    /// A fresh app.
    pub async fn new() -> App {
        let store = Store::open("sqlite::memory:").await.expect("store");
        let settings = Settings {
            link_secret: Some(LinkSecret::new(SECRET).unwrap()),
            ..Settings::default()
        };
        let state = AppState::new(store.clone(), content(), settings);
        App {
            router: hireloop_web::router(state.clone()),
            store,
            state,
        }
    }

    /// An account with a live session; returns the user and its bearer token.
    pub async fn user(&self, name: &str) -> (User, String) {
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        let user = self
            .store
            .create_user(
                &NewUser {
                    email: &email,
                    display_name: name,
                    password_hash: "not-a-real-hash",
                },
                1,
            )
            .await
            .expect("user");
        let token = format!("token-{}", user.id);
        self.store
            .create_session(
                &hireloop_web::token_hash(&token),
                &user.id,
                "csrf",
                1,
                i64::MAX / 2,
            )
            .await
            .expect("session");
        (user, token)
    }

    /// A request with a bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: &Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method.clone()).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        Reply {
            status,
            content_type,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// GET.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.call(&Method::GET, path, Some(token), None).await
    }

    /// POST with JSON.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(&Method::POST, path, Some(token), Some(&body))
            .await
    }

    /// PUT with JSON.
    pub async fn put(&self, path: &str, token: &str, body: Value) -> Reply {
        self.call(&Method::PUT, path, Some(token), Some(&body))
            .await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.call(&Method::DELETE, path, Some(token), None).await
    }
}

/// Asserts a status, showing the body when it differs.
#[track_caller]
pub fn expect(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "body: {}", reply.text);
}

/// A clock the test moves by hand, in ms since the epoch.
pub type HandClock = std::sync::Arc<std::sync::atomic::AtomicI64>;

impl App {
    /// A fresh app whose clock starts at the wall clock's now and moves only when the test moves
    /// it (links expire, scorecards fall overdue).
    pub async fn with_hand_clock() -> (App, HandClock) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let clock: HandClock = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(
            i64::try_from(now).unwrap(),
        ));
        let store = Store::open("sqlite::memory:").await.expect("store");
        let settings = Settings {
            link_secret: Some(LinkSecret::new(SECRET).unwrap()),
            ..Settings::default()
        };
        let read = clock.clone();
        let state = AppState::with_clock(
            store.clone(),
            content(),
            settings,
            std::sync::Arc::new(move || read.load(std::sync::atomic::Ordering::SeqCst)),
        );
        let app = App {
            router: hireloop_web::router(state.clone()),
            store,
            state,
        };
        (app, clock)
    }
}
