//! Moving SQLite's log into the database file off the write path.
//!
//! In WAL mode every commit appends to the log, and from time to time the log is copied back
//! into the database file (a checkpoint). Left to itself, SQLite runs that copy inside the
//! commit that finds the log over its threshold: that commit, and every write queued behind it
//! in the group-commit writer, then waits for a few megabytes to be written and synced. Here a
//! task of its own checkpoints every [`EVERY`] on a connection of its own, without waiting for
//! readers or the writer (`PASSIVE`), so commits only append. SQLite's own threshold stays as a
//! backstop, raised to 10,000 pages (`SQLITE_PRAGMAS`), should this task fall behind.
//!
//! After each copy the task syncs the database file itself. SQLite syncs it only after a copy
//! that reached the end of the log, and under steady writes a commit nearly always lands while
//! the copy runs. The pages copied in between then wait in the page cache, tens of megabytes
//! after a second, until a copy does reach the end; its sync writes them all at once, and for
//! the 50–150 ms that takes the disk holds back every commit's sync of the log, which is the
//! latency each submission waits for. Synced every round, the file never owes more than one
//! round's pages.
//!
//! Nothing acknowledged depends on this task: a commit is durable once it is in the synced log.

use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Row};

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(100);

/// Starts the checkpoint task for the database file `db_file` on the current runtime. The file is
/// synced only after a round that copied something, so an idle server costs one cheap statement
/// a round. The task ends when the pool is closed.
pub(crate) fn start(pool: AnyPool, db_file: PathBuf) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut connection: Option<AnyConnection> = None;
        let mut file: Option<Arc<File>> = None;
        // The log's frames and the frames copied, as the last round left them.
        let mut seen = (0, 0);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                break;
            }
            if connection.is_none() {
                connection = pool.acquire().await.ok().map(|c| c.detach());
            }
            let Some(conn) = connection.as_mut() else {
                continue;
            };
            // A failed checkpoint leaves the log as it was; the next round (or the backstop)
            // copies it, on a fresh connection.
            let frames = match sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_one(&mut *conn)
                .await
            {
                Ok(row) => (
                    row.try_get::<i64, _>(1).unwrap_or(-1),
                    row.try_get::<i64, _>(2).unwrap_or(-1),
                ),
                Err(_) => {
                    connection = None;
                    continue;
                }
            };
            // Nothing new in the log since the last round: nothing was copied.
            if frames == seen {
                continue;
            }
            seen = frames;
            if file.is_none() {
                file = File::open(&db_file).ok().map(Arc::new);
            }
            if let Some(file) = file.clone() {
                // A failed sync is SQLite's to find: its own sync of the file, at the end of a
                // complete copy, reports it before the log may be reused.
                let _ = tokio::task::spawn_blocking(move || file.sync_data()).await;
            }
        }
    });
}
