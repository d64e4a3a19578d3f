//! The hiring suite's scaffolding: a scratch database per case on every backend, a raw pool for
//! checks and tampering by SQL, and builders for the usual fixtures.

#![allow(dead_code)]

use std::future::Future;

use hireloop_store::{Backend, NewRequisition, NewUser, Store};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe, Connection};

/// A database for one case: an SQLite file in a temporary folder (removed on drop) or a
/// PostgreSQL database of its own (dropped by `cleanup`).
pub struct Scratch {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl Scratch {
    fn sqlite() -> Scratch {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("hiring.db").display());
        Scratch {
            url,
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    async fn postgres(admin: &str, case: &str) -> Scratch {
        let name = format!("hh_{}_{}", case.replace('-', "_"), hireloop_store::new_id());
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

/// A plain pool on the case's database, for looking at rows and tampering with them.
pub async fn raw(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .expect("raw pool")
}

/// Runs SQL written for the backend at hand.
pub async fn exec(pool: &AnyPool, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One number from a `SELECT COUNT(*) AS n …` query.
pub async fn count(pool: &AnyPool, sql: &str) -> i64 {
    use sqlx::Row;
    let row = sqlx::query(AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    row.try_get::<i64, _>(0).expect("count")
}

/// Creates an account and returns its id.
pub async fn user(store: &Store, email: &str) -> String {
    store
        .create_user(
            &NewUser {
                email,
                display_name: "Staff",
                password_hash: "$argon2id$fake",
            },
            1_000,
        )
        .await
        .expect("create user")
        .id
}

/// A requisition's settings.
pub fn req(title: &str) -> NewRequisition<'_> {
    NewRequisition {
        title,
        pipeline_id: "alibaba-pm",
        level_min: "P6",
        level_max: "P7",
        region: "cn",
        language: "en",
        blind_first_stage: true,
    }
}

/// The backend's name, for messages.
pub fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}
