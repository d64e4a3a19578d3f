//! What every store suite shares: a scratch database per case on every backend, and accounts.
//! Each case runs on a fresh SQLite file, and on PostgreSQL too when `HIRELOOP_TEST_POSTGRES`
//! names a server (`postgres://user@host/db`; each case creates its own database there and drops
//! it afterwards).

use std::future::Future;

use hireloop_store::{NewUser, Store};
use sqlx::{AssertSqlSafe, Connection};

/// A database for one case, removed when dropped (the SQLite file's folder) or at the end of the
/// case (the PostgreSQL database).
struct Scratch {
    url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl Scratch {
    fn sqlite() -> Scratch {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        Scratch {
            url,
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    async fn postgres(admin: &str, case: &str) -> Scratch {
        let name = format!("hl_{}_{}", case.replace('-', "_"), hireloop_store::new_id());
        let mut conn = sqlx::PgConnection::connect(admin).await.expect("connect");
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create database");
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        Scratch {
            url: format!("{base}/{name}"),
            _dir: None,
            pg_admin: Some((admin.to_owned(), name)),
        }
    }

    async fn cleanup(&self) {
        if let Some((admin, name)) = &self.pg_admin {
            let mut conn = sqlx::PgConnection::connect(admin).await.expect("connect");
            sqlx::raw_sql(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await
            .expect("drop database");
        }
    }
}

/// Runs one case on a fresh SQLite file, then on a fresh PostgreSQL database when
/// `HIRELOOP_TEST_POSTGRES` names a server.
pub async fn on_every_backend<F, Fut>(case: &str, body: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let sqlite = Scratch::sqlite();
    body(sqlite.url.clone()).await;
    if let Ok(admin) = std::env::var("HIRELOOP_TEST_POSTGRES") {
        let pg = Scratch::postgres(&admin, case).await;
        body(pg.url.clone()).await;
        pg.cleanup().await;
    }
}

/// Creates an account and returns its id.
pub async fn user(store: &Store, email: &str) -> String {
    store
        .create_user(
            &NewUser {
                email,
                display_name: "Test",
                password_hash: "$argon2id$fake",
            },
            1_000,
        )
        .await
        .expect("create user")
        .id
}

/// A plain pool on the case's database, for looking at rows and tampering with them.
pub async fn raw(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("raw pool")
}

/// Runs SQL written for the backend at hand.
pub async fn exec(pool: &sqlx::AnyPool, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Starts a running practice loop for `user_id` (empty setup and plan, created at 5 ms) and
/// returns its id.
#[allow(
    dead_code,
    reason = "the hiring suite shares this module and starts no practice loop"
)]
pub async fn new_loop(store: &Store, user_id: &str) -> String {
    store
        .create_loop(user_id, hireloop_store::LoopKind::Loop, "{}", "{}", 5)
        .await
        .expect("create loop")
        .id
}
