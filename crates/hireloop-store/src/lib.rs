//! Storage for hireloop: accounts, sessions, rate limits and the practice loop's state.
//!
//! One [`Store`] talks to SQLite (the embedded default: a file, WAL, every commit synced before it
//! returns) or to PostgreSQL (a `postgres://` URL) through sqlx's `Any` driver, with the same
//! queries on both. Queries are checked at run time, so nothing needs a database to compile.
//!
//! Everything that matters lives in the database and nowhere else — sessions, drafts, round
//! clocks, rate-limit counters — so several server processes can share one PostgreSQL and a
//! candidate can move between them. Callers pass the time in (`now_ms`), which keeps the store
//! free of a clock and its tests exact.
//!
//! Structured values the engine owns (a loop's plan, a grading, a report) are stored as JSON text
//! that the store does not look into.

/// The columns of a loop, in `practice::loop_from`'s order (a macro so queries stay `&'static str`).
macro_rules! loop_columns {
    () => {
        "id, user_id, kind, setup, plan, status, created_ms, finished_ms, report"
    };
}

/// The columns of an answer, as `practice::answer_from` reads them.
macro_rules! answer_columns {
    () => {
        "loop_id, item_key, question_id, family, draft, draft_version, draft_saved_ms, \
         submitted, submitted_ms, overall, feedback, self_rating"
    };
}

mod accounts;
mod batch;
mod checkpoint;
mod error;
mod hiring;
mod instance;
mod migrations;
mod practice;
mod progress;
mod readers;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

pub use accounts::{NewUser, Session, User};
pub use batch::WriteStats;
pub use error::StoreError;
pub use hiring::*;
pub use practice::{
    Answer, Clock, DraftSaved, ItemContext, LoopKind, LoopRecord, LoopStatus, Submission,
};
pub use progress::{CardRecord, StoryRecord};

/// The database kind behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (or `sqlite::memory:`).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or `None` for a URL of neither kind.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else {
            None
        }
    }
}

/// The page cache of a pooled SQLite connection, as a statement: part of [`SQLITE_PRAGMAS`],
/// and what a connection goes back to after a bulk load enlarged its cache.
macro_rules! sqlite_cache_size {
    () => {
        "PRAGMA cache_size = -32768;"
    };
}
#[cfg(feature = "seed")]
pub(crate) use sqlite_cache_size;

/// Connections the hot reads keep apart from the pool on an SQLite file ([`readers`]): two
/// cores run no more than two reads at once, and a third and fourth cover a read that waits on
/// the disk.
const READERS: usize = 4;

/// Runs on every new SQLite connection. WAL lets readers proceed while one writer commits;
/// `synchronous = FULL` syncs the log on every commit, so a write the server acknowledged
/// survives a killed process and a power cut; the busy timeout makes a writer wait for the lock
/// instead of failing when another connection holds it. A hiring organisation's working set
/// (interviews, panels, scorecards of a season) is tens of megabytes: each connection keeps up to
/// 32 MiB of pages (the default is 2 MiB), and reads go through a memory map of up to 256 MiB
/// shared by all connections instead of a copy per page read.
/// The log is copied back into the database by a task of its own ([`checkpoint`]); a commit does
/// it only past a backstop of 10,000 pages. Statement journals and sort trees stay in memory:
/// a batch's multi-row upsert needs a statement journal of up to a megabyte, which SQLite would
/// otherwise spill to a file in `/var/tmp`, write, and delete again, commit after commit.
const SQLITE_PRAGMAS: &str = concat!(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; ",
    sqlite_cache_size!(),
    " PRAGMA mmap_size = 268435456; PRAGMA wal_autocheckpoint = 10000; \
     PRAGMA temp_store = MEMORY;"
);

/// The connection settings of a [`Store`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Most connections the pool opens for reads and for the transactions of the hiring side.
    /// The group-commit writer and (on an SQLite file) the checkpoint task each keep one more
    /// of their own, so a burst of reads never makes a commit wait for a connection.
    pub max_connections: u32,
    /// Run the migrations on open (the server does; `hireloop migrate` does it alone).
    pub migrate: bool,
    /// Drafts and submissions that may wait for the writer; more are refused as busy.
    pub write_queue: usize,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            max_connections: 8,
            migrate: true,
            write_queue: 4096,
        }
    }
}

/// The database: a connection pool, the backend it speaks to, and the writer task that group-commits
/// drafts and submissions.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: batch::Writer,
    readers: readers::Readers,
}

impl Store {
    /// Opens the database at `url` (`sqlite://FILE`, `sqlite::memory:` or `postgres://…`),
    /// creating an SQLite file that does not exist yet, and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with(url, &StoreOptions::default()).await
    }

    /// [`Store::open`] with explicit settings.
    pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        install_default_drivers();
        // The URL as the caller gave it, password hidden, for messages.
        let shown = redact(url);
        let backend = Backend::of_url(url).ok_or_else(|| StoreError::BadUrl {
            url: redact(url),
            reason: "a database URL starts with sqlite: or postgres://".to_owned(),
        })?;
        let mut pool = AnyPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30));
        // The database file, when there is one: the checkpoint task syncs it.
        let mut db_file = None;
        // Whether the writer and the checkpoint task may keep connections of their own.
        let mut own_connections = true;
        let url = match backend {
            Backend::Sqlite => {
                // Parse with the SQLite driver first so a bad path or option is reported here,
                // in our words, and ask it to create the file.
                let parsed =
                    SqliteConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl {
                        url: redact(url),
                        reason: e.to_string(),
                    })?;
                // An in-memory database exists once per connection: one connection, or each
                // would see its own empty database.
                if url.contains(":memory:") || url.contains("mode=memory") {
                    pool = pool.max_connections(1);
                    own_connections = false;
                } else {
                    db_file = Some(parsed.get_filename().to_path_buf());
                }
                // The pool would ping a connection before each use, to find one a server
                // dropped. A file cannot drop us, and with SQLite every ping is a round trip to
                // the connection's thread: as many as the queries themselves.
                pool = pool.test_before_acquire(false);
                pool = pool.after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        Ok(())
                    })
                });
                with_create_mode(url)
            }
            Backend::Postgres => url.to_owned(),
        };
        // One plain connection first: a wrong host or password fails at once with the driver's
        // reason, where the pool would retry until its timeout.
        let probe = AnyConnection::connect(&url)
            .await
            .map_err(|cause| StoreError::Connect {
                url: shown.clone(),
                cause,
            })?;
        probe.close().await.ok();
        let pool = pool
            .connect(&url)
            .await
            .map_err(|cause| StoreError::Connect {
                url: shown.clone(),
                cause,
            })?;
        let writer =
            batch::Writer::start(pool.clone(), backend, options.write_queue, own_connections);
        // The hot reads keep connections apart from the pool on an SQLite file only.
        let own_readers = if db_file.is_some() { READERS } else { 0 };
        if let Some(db_file) = db_file {
            checkpoint::start(pool.clone(), db_file);
        }
        let readers = readers::Readers::new(pool.clone(), own_readers);
        let store = Store {
            pool,
            backend,
            writer,
            readers,
        };
        if options.migrate {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Brings the schema up to date; running it again does nothing.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrations::migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    /// The migrations known to this build, as (version, description).
    pub fn migrations(&self) -> Vec<(i64, String)> {
        migrations::migrator(self.backend)
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Answers a trivial query: the database is reachable.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for work in progress.
    pub async fn close(&self) {
        self.readers.close().await;
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Where the hot reads get their connection ([`readers`]).
    pub(crate) fn readers(&self) -> &readers::Readers {
        &self.readers
    }

    pub(crate) fn writer(&self) -> &batch::Writer {
        &self.writer
    }

    /// What the group-commit writer has done since this store was opened.
    pub fn write_stats(&self) -> WriteStats {
        self.writer.stats()
    }
}

/// A fresh, time-ordered id (UUID v7) as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Adds `mode=rwc` to an SQLite file URL that names no mode, so a missing file is created.
fn with_create_mode(url: &str) -> String {
    if url.contains(":memory:") || url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// A URL fit for a message or a log: the password, if any, replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// What the unit tests of several modules share.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use crate::{NewUser, Store, StoreOptions};

    /// A store on the SQLite file `file` with a pool of two connections, and the id of its one
    /// user, Ada (created at 1 s).
    pub(crate) async fn file_store_with_ada(file: &Path) -> (Store, String) {
        let url = format!("sqlite://{}", file.display());
        let options = StoreOptions {
            max_connections: 2,
            ..StoreOptions::default()
        };
        let store = Store::open_with(&url, &options).await.unwrap();
        let ada = NewUser {
            email: "ada@example.com",
            display_name: "Ada",
            password_hash: "$argon2id$fake",
        };
        let id = store.create_user(&ada, 1_000).await.unwrap().id;
        (store, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_never_waits_for_a_connection_the_reads_hold() {
        let dir = tempfile::tempdir().unwrap();
        let (store, ada) = test_support::file_store_with_ada(&dir.path().join("own.db")).await;
        let l = store
            .create_loop(&ada, LoopKind::Loop, "{}", "{}", 2_000)
            .await
            .unwrap()
            .id;
        // Every pooled connection taken, as in a burst of reads.
        let held = [
            store.pool.acquire().await.unwrap(),
            store.pool.acquire().await.unwrap(),
        ];
        let saved = tokio::time::timeout(
            Duration::from_secs(5),
            store.save_draft(&ada, &l, "r/0", "design/q", "design", "draft", 3_000),
        )
        .await;
        assert!(
            matches!(saved, Ok(Ok(_))),
            "the draft waited for the pool: {saved:?}"
        );
        drop(held);
        let answers = store.answers(&ada, &l).await.unwrap();
        assert_eq!(answers.len(), 1);
        assert_eq!(answers[0].draft, "draft");
    }

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/hire"),
            "postgres://app:***@db:5432/hire"
        );
        assert_eq!(redact("postgres://app@db/hire"), "postgres://app@db/hire");
        assert_eq!(redact("sqlite://hireloop.db"), "sqlite://hireloop.db");
    }

    #[test]
    fn sqlite_files_are_created_unless_a_mode_is_named() {
        assert_eq!(with_create_mode("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            with_create_mode("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            with_create_mode("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
        assert_eq!(with_create_mode("sqlite::memory:"), "sqlite::memory:");
    }
}
