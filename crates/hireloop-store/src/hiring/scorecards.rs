//! Scorecards: one per panel seat of an interview, created unsubmitted when the interview is
//! scheduled, autosaved as a draft, then submitted once (final). Who may read whose scorecard is
//! the server's decision (`hireloop_hiring::scorecard::can_see_others`); the store hands out an
//! application's scorecards and one interviewer's own.

use hireloop_hiring::scorecard::{Assignment, overdue};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{all_in_org, json_col, subject};
use crate::{Store, StoreError};

/// The columns of a scorecard `s`, as `scorecard_from` reads them.
macro_rules! columns {
    () => {
        "s.id, s.org_id, s.interview_id, s.application_id, s.round_id, s.interviewer_id, \
         s.ratings, s.notes, s.recommendation, s.summary, s.due_ms, s.saved_ms, s.submitted_ms"
    };
}

/// A stored scorecard (submitted or not).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardRecord {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The interview.
    pub interview_id: String,
    /// The application.
    pub application_id: String,
    /// The round.
    pub round_id: String,
    /// Whose scorecard it is.
    pub interviewer_id: String,
    /// Rating per dimension (JSON).
    pub ratings: Value,
    /// Notes per dimension (JSON).
    pub notes: Value,
    /// The recommendation, once given.
    pub recommendation: Option<String>,
    /// The summary.
    pub summary: String,
    /// When it is due.
    pub due_ms: i64,
    /// When the draft was last saved.
    pub saved_ms: Option<i64>,
    /// When it was submitted; `None` while a draft.
    pub submitted_ms: Option<i64>,
}

/// A scorecard's content, as saved or submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct ScorecardDraft {
    /// Rating per dimension (JSON).
    pub ratings: Value,
    /// Notes per dimension (JSON).
    pub notes: Value,
    /// The recommendation.
    pub recommendation: Option<String>,
    /// The summary.
    pub summary: String,
}

/// An unsubmitted scorecard past its due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueScorecard {
    /// The application.
    pub application_id: String,
    /// The round.
    pub round_id: String,
    /// Who owes it.
    pub interviewer_id: String,
    /// When it was due.
    pub due_ms: i64,
    /// How late it is.
    pub late_by_ms: i64,
}

pub(crate) fn scorecard_from(row: &AnyRow) -> Result<ScorecardRecord, sqlx::Error> {
    Ok(ScorecardRecord {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        interview_id: row.try_get("interview_id")?,
        application_id: row.try_get("application_id")?,
        round_id: row.try_get("round_id")?,
        interviewer_id: row.try_get("interviewer_id")?,
        ratings: json_col(row, "ratings")?,
        notes: json_col(row, "notes")?,
        recommendation: row.try_get("recommendation")?,
        summary: row.try_get("summary")?,
        due_ms: row.try_get("due_ms")?,
        saved_ms: row.try_get("saved_ms")?,
        submitted_ms: row.try_get("submitted_ms")?,
    })
}

impl Store {
    /// Autosaves an interviewer's draft scorecard for an interview they sit on (not audited).
    /// [`StoreError::NotFound`] without a seat, [`StoreError::Conflict`] once submitted.
    pub async fn save_scorecard_draft(
        &self,
        org_id: &str,
        interview_id: &str,
        interviewer_id: &str,
        draft: &ScorecardDraft,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE scorecards SET ratings = $1, notes = $2, recommendation = $3, summary = $4, \
                 saved_ms = $5 \
             WHERE interview_id = $6 AND interviewer_id = $7 AND org_id = $8 \
               AND submitted_ms IS NULL",
        )
        .bind(draft.ratings.to_string())
        .bind(draft.notes.to_string())
        .bind(&draft.recommendation)
        .bind(&draft.summary)
        .bind(now_ms)
        .bind(interview_id)
        .bind(interviewer_id)
        .bind(org_id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(self
                .why_not_open(org_id, interview_id, interviewer_id)
                .await);
        }
        Ok(())
    }

    /// Submits an interviewer's scorecard: final, once. [`StoreError::Conflict`] when it is
    /// already submitted.
    pub async fn submit_scorecard(
        &self,
        org_id: &str,
        interview_id: &str,
        interviewer_id: &str,
        card: &ScorecardDraft,
        now_ms: i64,
    ) -> Result<ScorecardRecord, StoreError> {
        let mut tx = self.org_tx(org_id, interviewer_id, now_ms).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM scorecards s WHERE s.interview_id = $1 AND s.interviewer_id = $2 \
               AND s.org_id = $3"
        ))
        .bind(interview_id)
        .bind(interviewer_id)
        .bind(org_id)
        .fetch_optional(tx.conn())
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound { what: "scorecard" });
        };
        let current = scorecard_from(&row)?;
        if current.submitted_ms.is_some() {
            return Err(StoreError::Conflict(
                "the scorecard is already submitted; it is final".to_owned(),
            ));
        }
        sqlx::query(
            "UPDATE scorecards SET ratings = $1, notes = $2, recommendation = $3, summary = $4, \
                 saved_ms = $5, submitted_ms = $5 WHERE id = $6",
        )
        .bind(card.ratings.to_string())
        .bind(card.notes.to_string())
        .bind(&card.recommendation)
        .bind(&card.summary)
        .bind(now_ms)
        .bind(&current.id)
        .execute(tx.conn())
        .await?;
        let candidate = super::assessments::candidate_of(&mut tx, &current.application_id).await?;
        tx.audit(
            "scorecard.submitted",
            &subject("scorecard", &current.id),
            Some(json!({
                "application": current.application_id,
                "round": current.round_id,
                "recommendation": card.recommendation,
            })),
            Some(&candidate),
        )
        .await?;
        tx.commit().await?;
        Ok(ScorecardRecord {
            ratings: card.ratings.clone(),
            notes: card.notes.clone(),
            recommendation: card.recommendation.clone(),
            summary: card.summary.clone(),
            saved_ms: Some(now_ms),
            submitted_ms: Some(now_ms),
            ..current
        })
    }

    /// Every scorecard of an application (drafts included), by round and interviewer. The
    /// server filters them by what the viewer may see.
    pub async fn scorecards_of(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Vec<ScorecardRecord>, StoreError> {
        all_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM scorecards s WHERE s.application_id = $1 AND s.org_id = $2 \
                 ORDER BY s.round_id, s.interviewer_id, s.id"
            ),
            application_id,
            org_id,
            scorecard_from,
        )
        .await
    }

    /// One interviewer's scorecard for a round of an application, if they have a seat.
    pub async fn own_scorecard(
        &self,
        org_id: &str,
        application_id: &str,
        round_id: &str,
        interviewer_id: &str,
    ) -> Result<Option<ScorecardRecord>, StoreError> {
        // The newest seat wins when a round was interviewed twice.
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM scorecards s WHERE s.application_id = $1 AND s.round_id = $2 \
               AND s.interviewer_id = $3 AND s.org_id = $4 ORDER BY s.id DESC LIMIT 1"
        ))
        .bind(application_id)
        .bind(round_id)
        .bind(interviewer_id)
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(scorecard_from).transpose()?)
    }

    /// One interviewer's scorecards on any of the applications (drafts included), oldest first
    /// within each round — what a home page listing many of their interviews needs, in one
    /// query per 500 applications instead of one per interview.
    pub async fn own_scorecards(
        &self,
        org_id: &str,
        interviewer_id: &str,
        application_ids: &[String],
    ) -> Result<Vec<ScorecardRecord>, StoreError> {
        let rows = super::facts::rows_by_ids(
            self.pool(),
            &[org_id, interviewer_id],
            application_ids,
            |list| {
                format!(
                    concat!(
                        "SELECT ",
                        columns!(),
                        " FROM scorecards s WHERE s.org_id = $1 AND s.interviewer_id = $2 \
                         AND s.application_id IN ({}) ORDER BY s.application_id, s.round_id, s.id"
                    ),
                    list
                )
            },
        )
        .await?;
        Ok(rows.iter().map(scorecard_from).collect::<Result<_, _>>()?)
    }

    /// Up to `limit` unsubmitted scorecards of the organisation past due at `now_ms`, the
    /// latest first (ordered by `hireloop_hiring::scorecard::overdue`), from the partial index
    /// of unsubmitted scorecards by due time.
    pub async fn overdue_scorecards(
        &self,
        org_id: &str,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<OverdueScorecard>, StoreError> {
        let rows = sqlx::query(
            "SELECT application_id, round_id, interviewer_id, due_ms FROM scorecards \
             WHERE org_id = $1 AND submitted_ms IS NULL AND due_ms < $2 \
             ORDER BY due_ms, id LIMIT $3",
        )
        .bind(org_id)
        .bind(now_ms)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        let assignments = rows
            .iter()
            .map(|r| {
                Ok(Assignment {
                    application: r.try_get("application_id")?,
                    round: r.try_get("round_id")?,
                    interviewer: r.try_get("interviewer_id")?,
                    due_ms: r.try_get("due_ms")?,
                    submitted: false,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(overdue(&assignments, now_ms)
            .into_iter()
            .map(|o| OverdueScorecard {
                application_id: o.application,
                round_id: o.round,
                interviewer_id: o.interviewer,
                due_ms: o.due_ms,
                late_by_ms: o.late_by_ms,
            })
            .collect())
    }

    async fn why_not_open(
        &self,
        org_id: &str,
        interview_id: &str,
        interviewer_id: &str,
    ) -> StoreError {
        let row = sqlx::query(
            "SELECT submitted_ms FROM scorecards \
             WHERE interview_id = $1 AND interviewer_id = $2 AND org_id = $3",
        )
        .bind(interview_id)
        .bind(interviewer_id)
        .bind(org_id)
        .fetch_optional(self.pool())
        .await;
        match row {
            Ok(Some(_)) => StoreError::Conflict(
                "the scorecard is already submitted; a draft can no longer change it".to_owned(),
            ),
            Ok(None) => StoreError::NotFound { what: "scorecard" },
            Err(e) => e.into(),
        }
    }
}
