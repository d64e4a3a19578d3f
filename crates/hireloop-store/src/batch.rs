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

use sqlx::any::AnyRow;
use sqlx::{Acquire, AnyConnection, AnyPool, Row};
use tokio::sync::{mpsc, oneshot};

use crate::StoreError;
use crate::practice::{Answer, DraftSaved};
use crate::progress::{CardRecord, PUT_CARD};

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
    Submit {
        user_id: String,
        loop_id: String,
        item_key: String,
        question_id: String,
        family: String,
        text: String,
        overall: f64,
        feedback: String,
        self_rating: Option<i64>,
        now_ms: i64,
        card: Option<CardRecord>,
    },
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
}

impl Writer {
    /// Starts the writer task on the current runtime.
    pub(crate) fn start(pool: AnyPool, capacity: usize) -> Writer {
        let (queue, rx) = mpsc::channel(capacity.max(1));
        tokio::spawn(run(pool, rx));
        Writer { queue }
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

async fn run(pool: AnyPool, mut rx: mpsc::Receiver<(Op, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (ops, replies): (Vec<Op>, Vec<Reply>) = batch.drain(..).unzip();
        match apply(&pool, &ops).await {
            Ok(results) => {
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
async fn apply(pool: &AnyPool, ops: &[Op]) -> Result<Vec<Result<Done, StoreError>>, sqlx::Error> {
    match apply_together(pool, ops).await? {
        Some(results) => Ok(results),
        None => apply_each_alone(pool, ops).await,
    }
}

/// The fast path: every write in one transaction; `None` (and nothing stored) when one failed.
async fn apply_together(
    pool: &AnyPool,
    ops: &[Op],
) -> Result<Option<Vec<Result<Done, StoreError>>>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        match perform(&mut tx, op).await {
            Ok(done) => results.push(Ok(done)),
            Err(_) => {
                tx.rollback().await?;
                return Ok(None);
            }
        }
    }
    tx.commit().await?;
    Ok(Some(results))
}

/// The careful path: each write in its own savepoint, so a failing one rolls back alone.
async fn apply_each_alone(
    pool: &AnyPool,
    ops: &[Op],
) -> Result<Vec<Result<Done, StoreError>>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let mut savepoint = tx.begin().await?;
        match perform(&mut savepoint, op).await {
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

async fn perform(conn: &mut AnyConnection, op: &Op) -> Result<Done, sqlx::Error> {
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
        Op::Submit {
            user_id,
            loop_id,
            item_key,
            question_id,
            family,
            text,
            overall,
            feedback,
            self_rating,
            now_ms,
            card,
        } => {
            // Only the two columns the submission does not set come back: the rest of the row is
            // what was just written, and the grading is the largest value in it.
            let row = sqlx::query(
                "INSERT INTO answers (loop_id, item_key, user_id, question_id, family, draft, \
                                      draft_version, draft_saved_ms, submitted, submitted_ms, \
                                      overall, feedback, self_rating) \
                 SELECT id, $2, user_id, $3, $4, $5, 0, NULL, $5, $6, $7, $8, $9 FROM loops \
                 WHERE id = $1 AND user_id = $10 AND status = 'running' \
                 ON CONFLICT (loop_id, item_key) DO UPDATE \
                    SET submitted = excluded.submitted, submitted_ms = excluded.submitted_ms, \
                        overall = excluded.overall, feedback = excluded.feedback, \
                        self_rating = excluded.self_rating, draft = excluded.draft \
                    WHERE answers.submitted IS NULL \
                 RETURNING draft_version, draft_saved_ms",
            )
            .bind(loop_id)
            .bind(item_key)
            .bind(question_id)
            .bind(family)
            .bind(text)
            .bind(*now_ms)
            .bind(*overall)
            .bind(feedback)
            .bind(*self_rating)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
            let answer = match row {
                Some(row) => Some(Box::new(Answer {
                    loop_id: loop_id.clone(),
                    item_key: item_key.clone(),
                    question_id: question_id.clone(),
                    family: family.clone(),
                    draft: text.clone(),
                    draft_version: row.try_get("draft_version")?,
                    draft_saved_ms: row.try_get("draft_saved_ms")?,
                    submitted: Some(text.clone()),
                    submitted_ms: Some(*now_ms),
                    overall: Some(*overall),
                    feedback: Some(feedback.clone()),
                    self_rating: *self_rating,
                })),
                None => None,
            };
            // The review card goes with a fresh submission only: a repeated one changes nothing.
            if answer.is_some()
                && let Some(card) = card
            {
                sqlx::query(PUT_CARD)
                    .bind(user_id)
                    .bind(&card.subject)
                    .bind(&card.card)
                    .bind(card.due_ms)
                    .execute(&mut *conn)
                    .await?;
            }
            Ok(Done::Submit(answer))
        }
    }
}
