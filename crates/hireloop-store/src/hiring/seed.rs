//! Bulk loading (feature `seed`): many rows in one transaction, for benchmarks and
//! demonstrations at scale. The per-operation functions of this crate each open a transaction,
//! lock the audit head and commit synced — right for people, far too slow for the hundreds of
//! thousands of rows a benchmark needs. A [`SeedTx`] writes rows with multi-row `INSERT`s and
//! seals audit entries exactly as [`OrgTx::audit`](super::OrgTx) does (same chain, same
//! columns, the candidate's last activity moved), so what it loads reads and verifies like data
//! the server wrote. It checks nothing else: the caller builds rows the rules allow.

use std::collections::HashMap;

use hireloop_hiring::audit::{Draft, canonical_json, seal};
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use super::{head_entry, to_i64};
use crate::{Backend, Store, StoreError};

/// Most placeholders one statement binds (SQLite allows 32,766; PostgreSQL 65,535).
const MAX_PARAMS: usize = 30_000;

/// One column value of a row to insert.
#[derive(Debug, Clone, PartialEq)]
pub enum SeedValue {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
    /// A text column's NULL.
    NullText,
    /// An integer column's NULL.
    NullInt,
}

impl From<&str> for SeedValue {
    fn from(v: &str) -> SeedValue {
        SeedValue::Text(v.to_owned())
    }
}

impl From<String> for SeedValue {
    fn from(v: String) -> SeedValue {
        SeedValue::Text(v)
    }
}

impl From<i64> for SeedValue {
    fn from(v: i64) -> SeedValue {
        SeedValue::Int(v)
    }
}

impl From<Option<String>> for SeedValue {
    fn from(v: Option<String>) -> SeedValue {
        v.map_or(SeedValue::NullText, SeedValue::Text)
    }
}

impl From<Option<i64>> for SeedValue {
    fn from(v: Option<i64>) -> SeedValue {
        v.map_or(SeedValue::NullInt, SeedValue::Int)
    }
}

/// An audit entry to append: what happened and, when it concerns a candidate, whom (which ties
/// the entry to them for erasure and counts as their activity).
#[derive(Debug, Clone)]
pub struct SeedAudit {
    /// The entry's content; sealed after the organisation's head in the order given.
    pub draft: Draft,
    /// The candidate it concerns.
    pub candidate: Option<String>,
}

/// A bulk-loading transaction (see the module documentation).
pub struct SeedTx {
    tx: Transaction<'static, Any>,
    sqlite: bool,
}

impl Store {
    /// Begins a bulk-loading transaction (takes the write lock at once, as every write does).
    pub async fn seed_tx(&self) -> Result<SeedTx, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Sqlite {
            // Rows arrive in id order but their secondary indexes (candidate, interviewer, …)
            // are written all over: with the pool's 32 MB page cache, SQLite spills and
            // re-reads index pages over and over. A large cache for this connection while the
            // load runs; `commit` puts the pool's size back before it goes back to the pool.
            sqlx::query("PRAGMA cache_size = -262144")
                .execute(&mut *tx)
                .await?;
        }
        Ok(SeedTx {
            tx,
            sqlite: self.backend() == Backend::Sqlite,
        })
    }

    /// Copies all of SQLite's log into the database file, syncs it and empties the log, waiting
    /// until that is done (nothing to do on PostgreSQL). A bench calls it after seeding, so that
    /// its clock starts on a database at rest, not while hundreds of megabytes of seeded pages
    /// are still being copied and synced under the measured writes.
    pub async fn settle(&self) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        // The checkpoint task or a late read may hold the log for a moment: try again.
        for _ in 0..100 {
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(self.pool())
                .await?;
            let busy: i64 = row.try_get(0)?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        Err(StoreError::Conflict(
            "the log could not be emptied: something kept writing or reading".to_owned(),
        ))
    }
}

/// Whether `name` is a plain SQL identifier (lower-case letters, digits, underscores), so it can
/// be written into a statement.
fn identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl SeedTx {
    /// Inserts `rows` (each with one value per column, in `columns`' order) into `table`, as
    /// few statements as the placeholder limit allows.
    pub async fn insert(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<SeedValue>],
    ) -> Result<(), StoreError> {
        if !identifier(table) || columns.is_empty() || !columns.iter().all(|c| identifier(c)) {
            return Err(StoreError::Conflict(format!(
                "bulk insert: {table}({}) is not a plain table and column list",
                columns.join(", ")
            )));
        }
        if let Some(bad) = rows.iter().position(|r| r.len() != columns.len()) {
            return Err(StoreError::Conflict(format!(
                "bulk insert into {table}: row {bad} has {} values for {} columns",
                rows[bad].len(),
                columns.len()
            )));
        }
        let per_statement = (MAX_PARAMS / columns.len()).clamp(1, 1000);
        for chunk in rows.chunks(per_statement) {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
            let mut n = 0;
            for (i, _) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push('(');
                for c in 0..columns.len() {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    n += 1;
                    sql.push_str(&format!("${n}"));
                }
                sql.push(')');
            }
            // The identifiers were checked above; every value is a bound argument.
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                for v in row {
                    query = match v {
                        SeedValue::Text(t) => query.bind(t.clone()),
                        SeedValue::Int(i) => query.bind(*i),
                        SeedValue::NullText => query.bind(None::<String>),
                        SeedValue::NullInt => query.bind(None::<i64>),
                    };
                }
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Seals `entries`, in order, after the organisation's current head, appends them and moves
    /// the head; each candidate's last activity becomes their latest entry's time. Returns the
    /// new head's position.
    pub async fn audit(&mut self, org_id: &str, entries: &[SeedAudit]) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_heads WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                what: "organisation",
            });
        };
        let mut head = head_entry(row.try_get("seq")?, row.try_get("hash")?);
        let mut rows = Vec::with_capacity(entries.len());
        let mut latest: HashMap<&str, i64> = HashMap::new();
        for e in entries {
            let entry = seal(head.as_ref(), e.draft.clone());
            if let Some(c) = &e.candidate {
                let at = latest.entry(c.as_str()).or_insert(i64::MIN);
                *at = (*at).max(entry.at_ms);
            }
            rows.push(vec![
                SeedValue::from(org_id),
                SeedValue::Int(to_i64(entry.seq)),
                SeedValue::Int(entry.at_ms),
                SeedValue::from(entry.actor.clone()),
                SeedValue::from(entry.action.clone()),
                SeedValue::from(entry.subject.clone()),
                SeedValue::from(entry.detail.as_ref().map(canonical_json)),
                SeedValue::from(entry.detail_digest.clone()),
                SeedValue::Int(0),
                SeedValue::from(entry.prev_hash.clone()),
                SeedValue::from(entry.hash.clone()),
                SeedValue::from(e.candidate.clone()),
            ]);
            head = Some(entry);
        }
        self.insert(
            "audit_log",
            &[
                "org_id",
                "seq",
                "at_ms",
                "actor",
                "action",
                "subject",
                "detail",
                "detail_digest",
                "detail_erased",
                "prev_hash",
                "hash",
                "candidate_id",
            ],
            &rows,
        )
        .await?;
        for (candidate, at_ms) in latest {
            sqlx::query(
                "UPDATE candidates SET last_activity_ms = $1 \
                 WHERE id = $2 AND org_id = $3 AND last_activity_ms < $1",
            )
            .bind(at_ms)
            .bind(candidate)
            .bind(org_id)
            .execute(&mut *self.tx)
            .await?;
        }
        let Some(head) = head else {
            return Ok(0);
        };
        sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE org_id = $3")
            .bind(to_i64(head.seq))
            .bind(&head.hash)
            .bind(org_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(head.seq)
    }

    /// Commits everything loaded.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        if self.sqlite {
            sqlx::query(crate::sqlite_cache_size!())
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::identifier;

    #[test]
    fn only_plain_identifiers_are_written_into_statements() {
        assert!(identifier("audit_log"));
        assert!(identifier("seq2"));
        assert!(!identifier(""));
        assert!(!identifier("users; DROP TABLE users"));
        assert!(!identifier("Users"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn settling_leaves_every_write_in_the_file_and_the_log_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settle.db");
        let (store, ada) = crate::test_support::file_store_with_ada(&file).await;
        let log = dir.path().join("settle.db-wal");
        assert!(
            std::fs::metadata(&log).unwrap().len() > 0,
            "the write is in the log"
        );
        store.settle().await.unwrap();
        assert_eq!(
            std::fs::metadata(&log).unwrap().len(),
            0,
            "the log is empty"
        );
        // What was in the log is in the file: a second process sees it there.
        let other = crate::Store::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        assert_eq!(other.user(&ada).await.unwrap().map(|u| u.id), Some(ada));
    }
}
