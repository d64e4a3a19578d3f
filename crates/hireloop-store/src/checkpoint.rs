//! Moving SQLite's log into the database file off the write path.
//!
//! In WAL mode every commit appends to the log, and from time to time the log is copied back
//! into the database file (a checkpoint). Left to itself, SQLite runs that copy inside the
//! commit that finds the log over its threshold: that commit, and every write queued behind it
//! in the group-commit writer, then waits for a few megabytes to be written and synced. Here a
//! task of its own checkpoints on a pooled connection every [`EVERY`], without waiting for
//! readers or the writer (`PASSIVE`), so commits only append. SQLite's own threshold stays as a
//! backstop, raised to 10,000 pages (`SQLITE_PRAGMAS`), should this task fall behind.
//!
//! Nothing acknowledged depends on it: a commit is durable once it is in the synced log.

use std::time::Duration;

use sqlx::AnyPool;

/// How often the log is copied back.
const EVERY: Duration = Duration::from_millis(250);

/// Starts the checkpoint task on the current runtime; it ends when the pool is closed.
pub(crate) fn start(pool: AnyPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if pool.is_closed() {
                break;
            }
            // A failed checkpoint leaves the log as it was; the next one (or the backstop)
            // copies it.
            let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .fetch_all(&pool)
                .await;
        }
    });
}
