//! Practice loops, their round clocks and the candidate's answers (drafts and submissions).
//!
//! Every query names the user as well as the row, so one candidate's id in another's hands finds
//! nothing: ownership is part of the key, not a check a handler might forget.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::batch::{Done, Op, Submit};
use crate::progress::CardRecord;
use crate::{Store, StoreError, new_id};

/// What a loop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopKind {
    /// The whole pipeline, stage by stage.
    Loop,
    /// A single question practised on its own (from the review schedule, say).
    Drill,
}

impl LoopKind {
    fn as_str(self) -> &'static str {
        match self {
            LoopKind::Loop => "loop",
            LoopKind::Drill => "drill",
        }
    }

    fn parse(s: &str) -> Result<LoopKind, sqlx::Error> {
        match s {
            "loop" => Ok(LoopKind::Loop),
            "drill" => Ok(LoopKind::Drill),
            other => Err(sqlx::Error::Decode(
                format!("unknown loop kind {other:?}").into(),
            )),
        }
    }
}

/// Where a loop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopStatus {
    /// Answers are still being taken.
    Running,
    /// Ended with a report.
    Finished,
}

impl LoopStatus {
    fn as_str(self) -> &'static str {
        match self {
            LoopStatus::Running => "running",
            LoopStatus::Finished => "finished",
        }
    }

    fn parse(s: &str) -> Result<LoopStatus, sqlx::Error> {
        match s {
            "running" => Ok(LoopStatus::Running),
            "finished" => Ok(LoopStatus::Finished),
            other => Err(sqlx::Error::Decode(
                format!("unknown loop status {other:?}").into(),
            )),
        }
    }
}

/// A stored loop.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopRecord {
    /// Id.
    pub id: String,
    /// Whose loop it is.
    pub user_id: String,
    /// Whole loop or single drill.
    pub kind: LoopKind,
    /// The setup it was built from (JSON).
    pub setup: String,
    /// The plan: stages, rounds and the questions drawn (JSON).
    pub plan: String,
    /// Running or finished.
    pub status: LoopStatus,
    /// When it was started.
    pub created_ms: i64,
    /// When it was finished.
    pub finished_ms: Option<i64>,
    /// The final report (JSON), once finished.
    pub report: Option<String>,
}

/// A round's clock: when the candidate opened the round and when its time is up. Kept in the
/// database so a reload, a restart or another server process shows the same countdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// The round.
    pub round_id: String,
    /// When it was started.
    pub started_ms: i64,
    /// When its time is up.
    pub deadline_ms: i64,
}

/// One item's answer: the draft being written and, once submitted, the answer and its grading.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The loop.
    pub loop_id: String,
    /// The item within the loop.
    pub item_key: String,
    /// The question asked.
    pub question_id: String,
    /// The question's family.
    pub family: String,
    /// The latest autosaved draft.
    pub draft: String,
    /// How many times the draft was saved.
    pub draft_version: i64,
    /// When the draft was last saved.
    pub draft_saved_ms: Option<i64>,
    /// The submitted answer.
    pub submitted: Option<String>,
    /// When it was submitted.
    pub submitted_ms: Option<i64>,
    /// The overall score of the grading, 0–4.
    pub overall: Option<f64>,
    /// The grading (JSON).
    pub feedback: Option<String>,
    /// The candidate's own rating of the answer, 1–4.
    pub self_rating: Option<i64>,
}

/// An autosave's acknowledgement: once returned, the draft is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftSaved {
    /// The draft's version after this save.
    pub version: i64,
    /// When it was saved.
    pub saved_ms: i64,
}

/// A graded answer to record.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    /// The question asked.
    pub question_id: &'a str,
    /// The question's family.
    pub family: &'a str,
    /// The answer as submitted.
    pub text: &'a str,
    /// The overall score, 0–4.
    pub overall: f64,
    /// The grading (JSON).
    pub feedback: &'a str,
    /// The candidate's own rating, 1–4.
    pub self_rating: Option<i64>,
}

fn loop_from(row: &AnyRow) -> Result<LoopRecord, sqlx::Error> {
    Ok(LoopRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        kind: LoopKind::parse(row.try_get("kind")?)?,
        setup: row.try_get("setup")?,
        plan: row.try_get("plan")?,
        status: LoopStatus::parse(row.try_get("status")?)?,
        created_ms: row.try_get("created_ms")?,
        finished_ms: row.try_get("finished_ms")?,
        report: row.try_get("report")?,
    })
}

pub(crate) fn answer_from(row: &AnyRow) -> Result<Answer, sqlx::Error> {
    Ok(Answer {
        loop_id: row.try_get("loop_id")?,
        item_key: row.try_get("item_key")?,
        question_id: row.try_get("question_id")?,
        family: row.try_get("family")?,
        draft: row.try_get("draft")?,
        draft_version: row.try_get("draft_version")?,
        draft_saved_ms: row.try_get("draft_saved_ms")?,
        submitted: row.try_get("submitted")?,
        submitted_ms: row.try_get("submitted_ms")?,
        overall: row.try_get("overall")?,
        feedback: row.try_get("feedback")?,
        self_rating: row.try_get("self_rating")?,
    })
}

/// What a submission needs to know, read in one query: the loop's status, the item's saved
/// answer, the clock of its round and the review card of its subject.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemContext {
    /// Whether the loop still takes answers.
    pub status: LoopStatus,
    /// The item's saved answer (draft or submission), if any.
    pub answer: Option<Answer>,
    /// The clock of the item's round, if the round was opened.
    pub clock: Option<Clock>,
    /// The card of the item's review subject, if one was scheduled.
    pub card: Option<CardRecord>,
}

/// One row joining a loop with one answer, one clock and one card; absent parts come back as
/// NULL columns. The plan is not read: callers keep parsed plans, and it is the largest column.
const ITEM_CONTEXT: &str = "SELECT l.status AS loop_status, \
     a.loop_id, a.item_key, a.question_id, a.family, a.draft, a.draft_version, \
     a.draft_saved_ms, a.submitted, a.submitted_ms, a.overall, a.feedback, a.self_rating, \
     c.round_id, c.started_ms, c.deadline_ms, \
     k.subject, k.card, k.due_ms \
     FROM loops l \
     LEFT JOIN answers a ON a.loop_id = l.id AND a.item_key = $3 AND a.user_id = l.user_id \
     LEFT JOIN round_clocks c ON c.loop_id = l.id AND c.round_id = $4 \
     LEFT JOIN cards k ON k.user_id = l.user_id AND k.subject = $5 \
     WHERE l.id = $1 AND l.user_id = $2";

fn item_context_from(row: &AnyRow) -> Result<ItemContext, sqlx::Error> {
    let answer = match row.try_get::<Option<String>, _>("loop_id")? {
        Some(_) => Some(answer_from(row)?),
        None => None,
    };
    let clock = match row.try_get::<Option<String>, _>("round_id")? {
        Some(round_id) => Some(Clock {
            round_id,
            started_ms: row.try_get("started_ms")?,
            deadline_ms: row.try_get("deadline_ms")?,
        }),
        None => None,
    };
    let card = match row.try_get::<Option<String>, _>("subject")? {
        Some(subject) => Some(CardRecord {
            subject,
            card: row.try_get("card")?,
            due_ms: row.try_get("due_ms")?,
        }),
        None => None,
    };
    Ok(ItemContext {
        status: LoopStatus::parse(row.try_get("loop_status")?)?,
        answer,
        clock,
        card,
    })
}

impl Store {
    /// Starts a loop for `user_id`.
    pub async fn create_loop(
        &self,
        user_id: &str,
        kind: LoopKind,
        setup: &str,
        plan: &str,
        now_ms: i64,
    ) -> Result<LoopRecord, StoreError> {
        let record = LoopRecord {
            id: new_id(),
            user_id: user_id.to_owned(),
            kind,
            setup: setup.to_owned(),
            plan: plan.to_owned(),
            status: LoopStatus::Running,
            created_ms: now_ms,
            finished_ms: None,
            report: None,
        };
        sqlx::query(
            "INSERT INTO loops (id, user_id, kind, setup, plan, status, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&record.id)
        .bind(&record.user_id)
        .bind(kind.as_str())
        .bind(&record.setup)
        .bind(&record.plan)
        .bind(record.status.as_str())
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(record)
    }

    /// `user_id`'s loop with this id; [`StoreError::NotFound`] for another user's.
    pub async fn loop_of(&self, user_id: &str, loop_id: &str) -> Result<LoopRecord, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            loop_columns!(),
            " FROM loops WHERE id = $1 AND user_id = $2"
        ))
        .bind(loop_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => Ok(loop_from(&row)?),
            None => Err(StoreError::NotFound { what: "loop" }),
        }
    }

    /// `user_id`'s loops, newest first.
    pub async fn loops_of(&self, user_id: &str, limit: i64) -> Result<Vec<LoopRecord>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            loop_columns!(),
            " FROM loops WHERE user_id = $1 \
             ORDER BY created_ms DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(loop_from).collect::<Result<_, _>>()?)
    }

    /// Ends a running loop with its report. Finishing a finished loop changes nothing and
    /// returns it as it is.
    pub async fn finish_loop(
        &self,
        user_id: &str,
        loop_id: &str,
        report: &str,
        now_ms: i64,
    ) -> Result<LoopRecord, StoreError> {
        sqlx::query(
            "UPDATE loops SET status = 'finished', finished_ms = $1, report = $2 \
             WHERE id = $3 AND user_id = $4 AND status = 'running'",
        )
        .bind(now_ms)
        .bind(report)
        .bind(loop_id)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        self.loop_of(user_id, loop_id).await
    }

    /// Starts a round's clock, or returns the clock already running: opening a round twice
    /// (a reload, another tab, another server) never gives more time.
    pub async fn start_round(
        &self,
        user_id: &str,
        loop_id: &str,
        round_id: &str,
        now_ms: i64,
        duration_ms: i64,
    ) -> Result<Clock, StoreError> {
        sqlx::query(
            "INSERT INTO round_clocks (loop_id, round_id, started_ms, deadline_ms) \
             SELECT id, $2, $3, $4 FROM loops WHERE id = $1 AND user_id = $5 \
             ON CONFLICT (loop_id, round_id) DO NOTHING",
        )
        .bind(loop_id)
        .bind(round_id)
        .bind(now_ms)
        .bind(now_ms + duration_ms)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        self.clocks(user_id, loop_id)
            .await?
            .into_iter()
            .find(|c| c.round_id == round_id)
            .ok_or(StoreError::NotFound { what: "loop" })
    }

    /// The clocks of a loop's started rounds.
    pub async fn clocks(&self, user_id: &str, loop_id: &str) -> Result<Vec<Clock>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.round_id, c.started_ms, c.deadline_ms FROM round_clocks c \
             JOIN loops l ON l.id = c.loop_id \
             WHERE c.loop_id = $1 AND l.user_id = $2 ORDER BY c.started_ms, c.round_id",
        )
        .bind(loop_id)
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Clock {
                    round_id: r.try_get("round_id")?,
                    started_ms: r.try_get("started_ms")?,
                    deadline_ms: r.try_get("deadline_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// Autosaves a draft. Once this returns, the draft survives a crash. Refused with
    /// [`StoreError::Conflict`] once the answer is submitted or the loop finished.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_draft(
        &self,
        user_id: &str,
        loop_id: &str,
        item_key: &str,
        question_id: &str,
        family: &str,
        text: &str,
        now_ms: i64,
    ) -> Result<DraftSaved, StoreError> {
        let done = self
            .writer()
            .write(Op::Draft {
                user_id: user_id.to_owned(),
                loop_id: loop_id.to_owned(),
                item_key: item_key.to_owned(),
                question_id: question_id.to_owned(),
                family: family.to_owned(),
                text: text.to_owned(),
                now_ms,
            })
            .await?;
        match done {
            Done::Draft(Some(saved)) => Ok(saved),
            _ => Err(self.why_not_writable(user_id, loop_id).await),
        }
    }

    /// Records a graded answer and, with it in the same commit, the review card of its
    /// subject. Submitting an item twice keeps the first submission and returns it with `false`
    /// (the card is then left alone); the first time returns `true`.
    pub async fn submit_answer(
        &self,
        user_id: &str,
        loop_id: &str,
        item_key: &str,
        submission: &Submission<'_>,
        card: Option<&CardRecord>,
        now_ms: i64,
    ) -> Result<(Answer, bool), StoreError> {
        let done = self
            .writer()
            .write(Op::Submit(Submit {
                user_id: user_id.to_owned(),
                loop_id: loop_id.to_owned(),
                item_key: item_key.to_owned(),
                question_id: submission.question_id.to_owned(),
                family: submission.family.to_owned(),
                text: submission.text.to_owned(),
                overall: submission.overall,
                feedback: submission.feedback.to_owned(),
                self_rating: submission.self_rating,
                now_ms,
                card: card.cloned(),
            }))
            .await?;
        if let Done::Submit(Some(answer)) = done {
            return Ok((*answer, true));
        }
        match self.answer(user_id, loop_id, item_key).await? {
            Some(existing) if existing.submitted.is_some() => Ok((existing, false)),
            _ => Err(self.why_not_writable(user_id, loop_id).await),
        }
    }

    /// Sets the candidate's own rating of a submitted answer.
    pub async fn rate_answer(
        &self,
        user_id: &str,
        loop_id: &str,
        item_key: &str,
        self_rating: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE answers SET self_rating = $1 \
             WHERE loop_id = $2 AND item_key = $3 AND user_id = $4 AND submitted IS NOT NULL",
        )
        .bind(self_rating)
        .bind(loop_id)
        .bind(item_key)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "submitted answer",
            });
        }
        Ok(())
    }

    /// One item's answer, if anything was saved for it.
    pub async fn answer(
        &self,
        user_id: &str,
        loop_id: &str,
        item_key: &str,
    ) -> Result<Option<Answer>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            answer_columns!(),
            " FROM answers \
             WHERE loop_id = $1 AND item_key = $2 AND user_id = $3"
        ))
        .bind(loop_id)
        .bind(item_key)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(answer_from).transpose()?)
    }

    /// What submitting `item_key` needs, in one read: the loop's status, the item's answer, the
    /// clock of `round_id` and the card of `card_subject` (pass `""` for none).
    /// [`StoreError::NotFound`] when the loop is not `user_id`'s.
    pub async fn item_context(
        &self,
        user_id: &str,
        loop_id: &str,
        item_key: &str,
        round_id: &str,
        card_subject: &str,
    ) -> Result<ItemContext, StoreError> {
        // Every submission asks this before its grading: it runs on the hot reads' connections.
        let query = sqlx::query(ITEM_CONTEXT)
            .bind(loop_id)
            .bind(user_id)
            .bind(item_key)
            .bind(round_id)
            .bind(card_subject);
        let row = self.readers().fetch_optional(query).await?;
        match row {
            Some(row) => Ok(item_context_from(&row)?),
            None => Err(StoreError::NotFound { what: "loop" }),
        }
    }

    /// Every answer saved in a loop.
    pub async fn answers(&self, user_id: &str, loop_id: &str) -> Result<Vec<Answer>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            answer_columns!(),
            " FROM answers WHERE loop_id = $1 AND user_id = $2 \
             ORDER BY item_key"
        ))
        .bind(loop_id)
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(answer_from).collect::<Result<_, _>>()?)
    }

    /// `user_id`'s submitted answers across loops, oldest first, at most `limit` of the newest.
    pub async fn history(&self, user_id: &str, limit: i64) -> Result<Vec<Answer>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            answer_columns!(),
            " FROM answers \
             WHERE user_id = $1 AND submitted_ms IS NOT NULL \
             ORDER BY submitted_ms DESC, item_key DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut answers = rows
            .iter()
            .map(answer_from)
            .collect::<Result<Vec<_>, _>>()?;
        answers.reverse();
        Ok(answers)
    }

    /// Why a write to a loop's answers matched no row: the loop is not the user's, or it is
    /// finished, or the answer is already submitted.
    async fn why_not_writable(&self, user_id: &str, loop_id: &str) -> StoreError {
        match self.loop_of(user_id, loop_id).await {
            Err(e) => e,
            Ok(l) if l.status == LoopStatus::Finished => {
                StoreError::Conflict("the loop is finished; its answers are final".to_owned())
            }
            Ok(_) => StoreError::Conflict(
                "the answer is already submitted; a draft can no longer change it".to_owned(),
            ),
        }
    }
}
