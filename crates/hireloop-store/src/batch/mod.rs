//! Group commit for the hot writes: drafts and submissions.
//!
//! Each commit that must be durable costs a sync of the log (SQLite, `synchronous = FULL`) or a
//! round trip and a WAL flush (PostgreSQL). Committed one by one, those cap the writes a second
//! at the disk's sync rate. So the hot writes go through one writer task: it takes every write
//! waiting in its queue, runs them in one transaction (when one fails, again with each in its own
//! savepoint, so the failing write rolls back alone), commits once, and only then answers each
//! caller. Nothing is acknowledged
//! before the commit that holds it, and a failed commit answers every caller in it with an error.
//!
//! The queue is bounded: when it is full the write is refused at once with
//! [`StoreError::Busy`], which the server turns into "busy, retry after" rather than letting
//! waits grow without end.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::any::AnyRow;
use sqlx::{Acquire, AnyConnection, AnyPool, Row};
use tokio::sync::{mpsc, oneshot};

use crate::practice::{Answer, DraftSaved};
use crate::progress::CardRecord;
use crate::{Backend, StoreError};

mod together;

/// Most writes in one commit.
const MAX_BATCH: usize = 256;

/// A write the writer task performs.
#[derive(Debug)]
pub(crate) enum Op {
    /// Autosave a draft unless the answer is submitted or the loop finished.
    Draft {
        user_id: String,
        loop_id: String,
        item_key: String,
        question_id: String,
        family: String,
        text: String,
        now_ms: i64,
    },
    /// Record a graded answer unless it is already submitted, and with it the review card.
    Submit(Submit),
}

/// A graded answer to record.
#[derive(Debug)]
pub(crate) struct Submit {
    pub(crate) user_id: String,
    pub(crate) loop_id: String,
    pub(crate) item_key: String,
    pub(crate) question_id: String,
    pub(crate) family: String,
    pub(crate) text: String,
    pub(crate) overall: f64,
    pub(crate) feedback: String,
    pub(crate) self_rating: Option<i64>,
    pub(crate) now_ms: i64,
    /// The review card of the answer's family, written only with a fresh submission.
    pub(crate) card: Option<CardRecord>,
}

impl Submit {
    /// The answer as stored by a fresh submission, given the two columns it does not set.
    fn answer(&self, draft_version: i64, draft_saved_ms: Option<i64>) -> Answer {
        Answer {
            loop_id: self.loop_id.clone(),
            item_key: self.item_key.clone(),
            question_id: self.question_id.clone(),
            family: self.family.clone(),
            draft: self.text.clone(),
            draft_version,
            draft_saved_ms,
            submitted: Some(self.text.clone()),
            submitted_ms: Some(self.now_ms),
            overall: Some(self.overall),
            feedback: Some(self.feedback.clone()),
            self_rating: self.self_rating,
        }
    }
}

/// What a write did; `None` when it matched no row (not the user's, finished, or submitted).
#[derive(Debug)]
pub(crate) enum Done {
    Draft(Option<DraftSaved>),
    Submit(Option<Box<Answer>>),
}

type Reply = oneshot::Sender<Result<Done, StoreError>>;

/// The handle to the writer task.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    queue: mpsc::Sender<(Op, Reply)>,
    counts: Arc<Counts>,
}

/// What the writer has done since it started.
#[derive(Debug, Default)]
struct Counts {
    commits: AtomicU64,
    writes: AtomicU64,
    retried: AtomicU64,
}

/// What the writer has done since the store was opened: how many commits, how many writes they
/// held, and how many batches had to run again write by write because the database refused one
/// of their writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteStats {
    /// Commits of batches (each one sync of the log).
    pub commits: u64,
    /// Writes committed or refused in them.
    pub writes: u64,
    /// Batches run a second time, each write in its own savepoint.
    pub retried_alone: u64,
}

impl Writer {
    /// Starts the writer task on the current runtime. With `own_connection` it takes a
    /// connection out of the pool and keeps it: a commit never waits behind reads for one. An
    /// in-memory SQLite database has its one connection, which the writer borrows per batch.
    pub(crate) fn start(
        pool: AnyPool,
        backend: Backend,
        capacity: usize,
        own_connection: bool,
    ) -> Writer {
        let (queue, rx) = mpsc::channel(capacity.max(1));
        let counts = Arc::new(Counts::default());
        let source = if own_connection {
            Connections::Own(pool, None, Instant::now())
        } else {
            Connections::Pooled(pool)
        };
        tokio::spawn(run(source, backend, rx, counts.clone()));
        Writer { queue, counts }
    }

    /// What the writer has done so far.
    pub(crate) fn stats(&self) -> WriteStats {
        WriteStats {
            commits: self.counts.commits.load(Ordering::Relaxed),
            writes: self.counts.writes.load(Ordering::Relaxed),
            retried_alone: self.counts.retried.load(Ordering::Relaxed),
        }
    }

    /// Queues a write and waits for the commit that holds it.
    pub(crate) async fn write(&self, op: Op) -> Result<Done, StoreError> {
        let (reply, done) = oneshot::channel();
        self.queue.try_send((op, reply)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => StoreError::Busy,
            mpsc::error::TrySendError::Closed(_) => StoreError::Closed,
        })?;
        done.await.map_err(|_| StoreError::Closed)?
    }
}

/// How long the writer's own connection may sit unused before it is pinged ahead of a batch. A
/// server restart, an idle timeout or a proxy may have closed it meanwhile, and a batch run on a
/// closed connection fails for every write in it; the ping costs one round trip, and only after
/// a quiet second.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Where the writer's connection comes from.
enum Connections {
    /// Its own, taken out of the pool once and again after a failure, with when it was last used.
    Own(AnyPool, Option<AnyConnection>, Instant),
    /// Borrowed from the pool for each batch.
    Pooled(AnyPool),
}

impl Connections {
    /// Runs a batch on the writer's connection. A connection whose batch failed is not used
    /// again: the failure may have been the connection's own.
    async fn apply(
        &mut self,
        backend: Backend,
        ops: &[Op],
        counts: &Counts,
    ) -> Result<Vec<Result<Done, StoreError>>, sqlx::Error> {
        match self {
            Connections::Pooled(pool) => {
                apply(&mut *pool.acquire().await?, backend, ops, counts).await
            }
            Connections::Own(pool, own, used) => {
                if let Some(conn) = own.as_mut()
                    && used.elapsed() > IDLE_CHECK
                    && sqlx::Connection::ping(conn).await.is_err()
                {
                    *own = None;
                }
                let conn = match own {
                    Some(conn) => conn,
                    None => own.insert(pool.acquire().await?.detach()),
                };
                let result = apply(conn, backend, ops, counts).await;
                *used = Instant::now();
                if result.is_err() {
                    *own = None;
                }
                result
            }
        }
    }
}

async fn run(
    mut connections: Connections,
    backend: Backend,
    mut rx: mpsc::Receiver<(Op, Reply)>,
    counts: Arc<Counts>,
) {
    // Take the connection now, while the pool is idle, not at the first write, which may come
    // in a burst of reads. Should that fail, the first batch tries again.
    if let Connections::Own(pool, own, _) = &mut connections {
        *own = pool.acquire().await.ok().map(|c| c.detach());
    }
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (ops, replies): (Vec<Op>, Vec<Reply>) = batch.drain(..).unzip();
        match connections.apply(backend, &ops, &counts).await {
            Ok(results) => {
                counts.commits.fetch_add(1, Ordering::Relaxed);
                counts.writes.fetch_add(ops.len() as u64, Ordering::Relaxed);
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(e) => {
                // The commit failed: nothing of the batch is stored, and every caller hears so.
                let message = e.to_string();
                for reply in replies {
                    let _ = reply.send(Err(StoreError::Commit(message.clone())));
                }
            }
        }
    }
}

/// Runs `ops` in one transaction and returns each op's result once it is committed. A batch
/// whose writes all succeed needs nothing more; when one fails, the whole transaction is rolled
/// back and the batch runs again with each write in its own savepoint, so the failing write is
/// undone alone. Writes rarely fail, and a savepoint costs two more statements per write.
async fn apply(
    conn: &mut AnyConnection,
    backend: Backend,
    ops: &[Op],
    counts: &Counts,
) -> Result<Vec<Result<Done, StoreError>>, sqlx::Error> {
    match apply_together(conn, backend, ops).await? {
        Some(results) => Ok(results),
        None => {
            counts.retried.fetch_add(1, Ordering::Relaxed);
            apply_each_alone(conn, backend, ops).await
        }
    }
}

/// The fast path: every write in one transaction; `None` (and nothing stored) when one failed.
/// Drafts are written one by one in their order, then all submissions with a few multi-row
/// statements ([`together`]): each statement is a round trip to the database's thread, and the
/// writer is the one task every write waits for. Writes in one batch were in flight together,
/// so drafts-then-submissions is an order they could have arrived in.
async fn apply_together(
    conn: &mut AnyConnection,
    backend: Backend,
    ops: &[Op],
) -> Result<Option<Vec<Result<Done, StoreError>>>, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let mut results: Vec<Option<Done>> = ops.iter().map(|_| None).collect();
    let mut submits = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Draft { .. } => match perform(&mut tx, backend, op).await {
                Ok(done) => results[i] = Some(done),
                Err(_) => {
                    tx.rollback().await?;
                    return Ok(None);
                }
            },
            Op::Submit(submit) => submits.push((i, submit)),
        }
    }
    match together::submit_all(&mut tx, backend, &submits).await {
        Ok(answers) => {
            for ((i, _), answer) in submits.iter().zip(answers) {
                results[*i] = Some(Done::Submit(answer.map(Box::new)));
            }
        }
        Err(_) => {
            tx.rollback().await?;
            return Ok(None);
        }
    }
    tx.commit().await?;
    Ok(Some(
        results
            .into_iter()
            .map(|done| {
                done.ok_or_else(|| {
                    StoreError::Commit("a write of the batch went unperformed".into())
                })
            })
            .collect(),
    ))
}

/// The careful path: each write in its own savepoint, so a failing one rolls back alone.
async fn apply_each_alone(
    conn: &mut AnyConnection,
    backend: Backend,
    ops: &[Op],
) -> Result<Vec<Result<Done, StoreError>>, sqlx::Error> {
    let mut tx = conn.begin().await?;
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let mut savepoint = tx.begin().await?;
        match perform(&mut savepoint, backend, op).await {
            Ok(done) => {
                savepoint.commit().await?;
                results.push(Ok(done));
            }
            Err(e) => {
                savepoint.rollback().await?;
                results.push(Err(e.into()));
            }
        }
    }
    tx.commit().await?;
    Ok(results)
}

async fn perform(conn: &mut AnyConnection, backend: Backend, op: &Op) -> Result<Done, sqlx::Error> {
    match op {
        Op::Draft {
            user_id,
            loop_id,
            item_key,
            question_id,
            family,
            text,
            now_ms,
        } => {
            let row = sqlx::query(
                "INSERT INTO answers (loop_id, item_key, user_id, question_id, family, draft, \
                                      draft_version, draft_saved_ms) \
                 SELECT id, $2, user_id, $3, $4, $5, 1, $6 FROM loops \
                 WHERE id = $1 AND user_id = $7 AND status = 'running' \
                 ON CONFLICT (loop_id, item_key) DO UPDATE \
                    SET draft = excluded.draft, draft_version = answers.draft_version + 1, \
                        draft_saved_ms = excluded.draft_saved_ms \
                    WHERE answers.submitted IS NULL \
                 RETURNING draft_version, draft_saved_ms",
            )
            .bind(loop_id)
            .bind(item_key)
            .bind(question_id)
            .bind(family)
            .bind(text)
            .bind(*now_ms)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
            let saved = row
                .map(|row: AnyRow| -> Result<DraftSaved, sqlx::Error> {
                    Ok(DraftSaved {
                        version: row.try_get("draft_version")?,
                        saved_ms: row.try_get("draft_saved_ms")?,
                    })
                })
                .transpose()?;
            Ok(Done::Draft(saved))
        }
        Op::Submit(submit) => {
            let answer = together::submit_one(conn, backend, submit).await?;
            Ok(Done::Submit(answer.map(Box::new)))
        }
    }
}
