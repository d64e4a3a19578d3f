//! The connections of the hot reads on an SQLite file: the session check every request makes
//! and an item's context before each grading.
//!
//! sqlx's pool pings every connection that comes back to it, to flush whatever a cancelled
//! query may have left behind, and it does so in a task of its own. With SQLite that ping is a
//! round trip to the connection's thread, as dear as the read itself: two of every four thread
//! hand-offs of a pooled read are the ping's. A file cannot drop a connection, and these reads
//! are single statements outside any transaction, so a few connections taken out of the pool
//! serve them and go back to a free list with no ping. On PostgreSQL, where a server can close
//! a connection, the hot reads stay on the pool.

use std::sync::{Arc, Mutex, PoisonError};

use sqlx::any::{Any, AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{AnyConnection, AnyPool, Executor};
use tokio::sync::Semaphore;

/// How a reader's connection differs from the pool's. After any commit, SQLite drops a
/// connection's page cache and unmaps its memory map at its next read, so under steady writes
/// each point read starts cold. Unmapping costs a TLB shootdown that interrupts the other core,
/// and a large cache costs a walk of its hash table to empty; a point read touches a dozen pages,
/// which plain reads of a small cache fetch for less.
const READER_PRAGMAS: &str = "PRAGMA mmap_size = 0; PRAGMA cache_size = -2048;";

/// Where the hot reads get a connection.
#[derive(Debug, Clone)]
pub(crate) struct Readers {
    pool: AnyPool,
    /// Connections of their own, or `None` to use the pool.
    own: Option<Arc<Own>>,
}

#[derive(Debug)]
struct Own {
    /// Connections not in use. Empty at first: each is taken from the pool the first time the
    /// permits allow one more than there are.
    free: Mutex<Vec<AnyConnection>>,
    /// One permit per connection the hot reads may hold at once.
    permits: Semaphore,
}

impl Readers {
    /// Hot reads on `count` connections of their own (taken from `pool` as needed), or on the
    /// pool itself when `count` is 0.
    pub(crate) fn new(pool: AnyPool, count: usize) -> Readers {
        let own = (count > 0).then(|| {
            Arc::new(Own {
                free: Mutex::new(Vec::with_capacity(count)),
                permits: Semaphore::new(count),
            })
        });
        Readers { pool, own }
    }

    /// Runs a query that reads at most one row. Should the caller give up while it runs (a
    /// client that went away), the connection is closed rather than reused, and a later read
    /// takes another from the pool.
    pub(crate) async fn fetch_optional<'q>(
        &self,
        query: Query<'q, Any, AnyArguments>,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        let Some(own) = &self.own else {
            return query.fetch_optional(&self.pool).await;
        };
        // Closed with the store: the semaphore refuses, as the pool does.
        let _permit = own
            .permits
            .acquire()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        // Out of the match: the list's lock must not be held across the pool's await.
        let free = own.lock().pop();
        let mut conn = match free {
            Some(conn) => conn,
            None => {
                let mut conn = self.pool.acquire().await?.detach();
                conn.execute(READER_PRAGMAS).await?;
                conn
            }
        };
        let row = query.fetch_optional(&mut conn).await;
        if own.permits.is_closed() {
            let _ = sqlx::Connection::close(conn).await;
        } else {
            own.lock().push(conn);
        }
        row
    }

    /// Closes the connections of their own; reads after this fail as the closed pool's do.
    pub(crate) async fn close(&self) {
        let Some(own) = &self.own else { return };
        own.permits.close();
        let free = std::mem::take(&mut *own.lock());
        for conn in free {
            let _ = sqlx::Connection::close(conn).await;
        }
    }
}

impl Own {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<AnyConnection>> {
        self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::test_support::file_store_with_ada;
    use crate::{NewUser, Store};

    /// A store on a fresh file with one user signed in (token hash "t").
    async fn signed_in(dir: &tempfile::TempDir) -> Store {
        let (store, ada) = file_store_with_ada(&dir.path().join("readers.db")).await;
        store
            .create_session("t", &ada, "csrf", 1_000, 10_000)
            .await
            .unwrap();
        store
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn more_reads_than_connections_all_answer() {
        let dir = tempfile::tempdir().unwrap();
        let store = signed_in(&dir).await;
        let reads = (0..super::super::READERS * 8).map(|i| {
            let store = store.clone();
            // Every other read asks for a token that does not exist.
            let token = if i % 2 == 0 { "t" } else { "unknown" };
            tokio::spawn(async move { store.session(token, 2_000).await })
        });
        for (i, read) in reads.enumerate() {
            let session = read.await.unwrap().unwrap();
            assert_eq!(session.is_some(), i % 2 == 0, "read {i}");
        }
        // Never more connections of their own than permits.
        let own = store.readers().own.clone().unwrap();
        assert!(own.lock().len() <= super::super::READERS);
        assert_eq!(own.permits.available_permits(), super::super::READERS);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_never_waits_for_a_connection_the_pool_lends() {
        let dir = tempfile::tempdir().unwrap();
        let store = signed_in(&dir).await;
        // One read first, so that a connection of the readers' own exists.
        assert!(store.session("t", 2_000).await.unwrap().is_some());
        let held = [
            store.pool.acquire().await.unwrap(),
            store.pool.acquire().await.unwrap(),
        ];
        let read = tokio::time::timeout(Duration::from_secs(5), store.session("t", 2_000)).await;
        assert!(
            matches!(read, Ok(Ok(Some(_)))),
            "the read waited for the pool: {read:?}"
        );
        drop(held);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reads_after_close_fail_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = signed_in(&dir).await;
        assert!(store.session("t", 2_000).await.unwrap().is_some());
        store.close().await;
        let own = store.readers().own.clone().unwrap();
        assert_eq!(own.lock().len(), 0, "the connections were closed");
        let read = tokio::time::timeout(Duration::from_secs(5), store.session("t", 2_000)).await;
        assert!(matches!(read, Ok(Err(_))), "{read:?}");
    }

    #[tokio::test]
    async fn an_in_memory_database_keeps_its_one_connection_in_the_pool() {
        // Each connection to `sqlite::memory:` is a database of its own: a reader that took
        // the pool's one connection away would leave later writes on a fresh, empty one.
        let store = Store::open("sqlite::memory:").await.unwrap();
        assert!(store.readers().own.is_none());
        let user = NewUser {
            email: "ada@example.com",
            display_name: "Ada",
            password_hash: "$argon2id$fake",
        };
        let ada = store.create_user(&user, 1_000).await.unwrap().id;
        for token in ["t1", "t2"] {
            store
                .create_session(token, &ada, "csrf", 1_000, 10_000)
                .await
                .unwrap();
            let session = store.session(token, 2_000).await.unwrap();
            assert_eq!(session.map(|s| s.user.id), Some(ada.clone()));
        }
    }
}
