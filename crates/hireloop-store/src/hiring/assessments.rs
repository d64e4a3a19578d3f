//! Online assessments: issued as a link (nonce and expiry), started once (the deadline is set
//! then and never moves), answered with autosaved drafts, submitted once, and graded.

use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::applications;
use super::{OrgTx, all_in_org, fetch_in_org, json_col, json_opt, subject, taken};
use crate::{Store, StoreError, new_id};

/// The columns of an assessment `s`, as `assessment_from` reads them.
macro_rules! columns {
    () => {
        "s.id, s.org_id, s.application_id, s.nonce, s.issued_ms, s.expires_ms, s.started_ms, \
         s.deadline_ms, s.submitted_ms, s.plan, s.result"
    };
}

/// An assessment by id (`$1`) within its organisation (`$2`).
const BY_ID: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM assessments s WHERE s.id = $1 AND s.org_id = $2"
);

/// An assessment issued to an application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The application.
    pub application_id: String,
    /// The link's nonce (unique).
    pub nonce: String,
    /// When it was issued.
    pub issued_ms: i64,
    /// When the link stops working if not started.
    pub expires_ms: i64,
    /// When the candidate started.
    pub started_ms: Option<i64>,
    /// When time is up, set once at the start.
    pub deadline_ms: Option<i64>,
    /// When it was submitted; final.
    pub submitted_ms: Option<i64>,
    /// The items drawn (JSON the engine owns).
    pub plan: Value,
    /// The grading result, once attached.
    pub result: Option<Value>,
}

/// One item's answer in an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentAnswer {
    /// The item.
    pub item_key: String,
    /// The latest draft.
    pub draft: String,
    /// When it was saved.
    pub draft_saved_ms: i64,
    /// The final answer, set at submission.
    pub answer: Option<String>,
    /// The item's grading (JSON), once graded.
    pub graded: Option<Value>,
}

fn assessment_from(row: &AnyRow) -> Result<Assessment, sqlx::Error> {
    Ok(Assessment {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        application_id: row.try_get("application_id")?,
        nonce: row.try_get("nonce")?,
        issued_ms: row.try_get("issued_ms")?,
        expires_ms: row.try_get("expires_ms")?,
        started_ms: row.try_get("started_ms")?,
        deadline_ms: row.try_get("deadline_ms")?,
        submitted_ms: row.try_get("submitted_ms")?,
        plan: json_col(row, "plan")?,
        result: json_opt(row, "result")?,
    })
}

pub(crate) fn answer_from(row: &AnyRow) -> Result<AssessmentAnswer, sqlx::Error> {
    Ok(AssessmentAnswer {
        item_key: row.try_get("item_key")?,
        draft: row.try_get("draft")?,
        draft_saved_ms: row.try_get("draft_saved_ms")?,
        answer: row.try_get("answer")?,
        graded: json_opt(row, "graded")?,
    })
}

impl Store {
    /// Issues an assessment to an application: stores the link's nonce (unique) and expiry.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_assessment(
        &self,
        org_id: &str,
        application_id: &str,
        nonce: &str,
        expires_ms: i64,
        plan: &Value,
        by: &str,
        now_ms: i64,
    ) -> Result<Assessment, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let app = applications::fetch(&mut tx, application_id).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO assessments (id, org_id, application_id, nonce, issued_ms, expires_ms, plan) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(application_id)
        .bind(nonce)
        .bind(now_ms)
        .bind(expires_ms)
        .bind(plan.to_string())
        .execute(tx.conn())
        .await
        .map_err(|e| taken(e, "an assessment with this nonce"))?;
        tx.audit(
            "assessment.issued",
            &subject("assessment", &id),
            Some(json!({ "application": application_id, "expires_ms": expires_ms })),
            Some(&app.candidate_id),
        )
        .await?;
        let a = fetch(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// One assessment of the organisation.
    pub async fn assessment(
        &self,
        org_id: &str,
        assessment_id: &str,
    ) -> Result<Assessment, StoreError> {
        fetch_in_org(
            self.pool(),
            BY_ID,
            assessment_id,
            org_id,
            "assessment",
            assessment_from,
        )
        .await
    }

    /// The organisation's assessment with this link nonce.
    pub async fn assessment_by_nonce(
        &self,
        org_id: &str,
        nonce: &str,
    ) -> Result<Assessment, StoreError> {
        fetch_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM assessments s WHERE s.nonce = $1 AND s.org_id = $2"
            ),
            nonce,
            org_id,
            "assessment",
            assessment_from,
        )
        .await
    }

    /// Starts an assessment before its link expires, setting its deadline `duration_ms` from
    /// now. Starting again returns the assessment as it is: the deadline is set once.
    pub async fn start_assessment(
        &self,
        org_id: &str,
        assessment_id: &str,
        duration_ms: i64,
        by: &str,
        now_ms: i64,
    ) -> Result<Assessment, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let a = fetch(&mut tx, assessment_id).await?;
        if a.started_ms.is_some() {
            return Ok(a);
        }
        if now_ms >= a.expires_ms {
            return Err(StoreError::Conflict(
                "the assessment link has expired".to_owned(),
            ));
        }
        sqlx::query(
            "UPDATE assessments SET started_ms = $1, deadline_ms = $2 \
             WHERE id = $3 AND org_id = $4 AND started_ms IS NULL",
        )
        .bind(now_ms)
        .bind(now_ms.saturating_add(duration_ms))
        .bind(assessment_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        let candidate = candidate_of(&mut tx, &a.application_id).await?;
        tx.audit(
            "assessment.started",
            &subject("assessment", assessment_id),
            Some(json!({ "deadline_ms": now_ms.saturating_add(duration_ms) })),
            Some(&candidate),
        )
        .await?;
        let a = fetch(&mut tx, assessment_id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Autosaves an item's draft of a started, unsubmitted assessment (not audited: drafts are
    /// not decisions). [`StoreError::Conflict`] once submitted or not started.
    pub async fn save_assessment_draft(
        &self,
        org_id: &str,
        assessment_id: &str,
        item_key: &str,
        text: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "INSERT INTO assessment_answers (assessment_id, item_key, draft, draft_saved_ms) \
             SELECT id, $2, $3, $4 FROM assessments \
             WHERE id = $1 AND org_id = $5 AND started_ms IS NOT NULL AND submitted_ms IS NULL \
             ON CONFLICT (assessment_id, item_key) DO UPDATE \
                SET draft = excluded.draft, draft_saved_ms = excluded.draft_saved_ms",
        )
        .bind(assessment_id)
        .bind(item_key)
        .bind(text)
        .bind(now_ms)
        .bind(org_id)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            let a = self.assessment(org_id, assessment_id).await?;
            return Err(StoreError::Conflict(if a.submitted_ms.is_some() {
                "the assessment is submitted; its answers are final".to_owned()
            } else {
                "the assessment has not been started".to_owned()
            }));
        }
        Ok(())
    }

    /// Submits a started assessment: every draft becomes the item's final answer. Submitting
    /// again changes nothing and returns `false`; the first time returns `true`.
    pub async fn submit_assessment(
        &self,
        org_id: &str,
        assessment_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let a = fetch(&mut tx, assessment_id).await?;
        if a.submitted_ms.is_some() {
            return Ok(false);
        }
        if a.started_ms.is_none() {
            return Err(StoreError::Conflict(
                "the assessment has not been started".to_owned(),
            ));
        }
        sqlx::query("UPDATE assessments SET submitted_ms = $1 WHERE id = $2 AND org_id = $3")
            .bind(now_ms)
            .bind(assessment_id)
            .bind(org_id)
            .execute(tx.conn())
            .await?;
        sqlx::query("UPDATE assessment_answers SET answer = draft WHERE assessment_id = $1")
            .bind(assessment_id)
            .execute(tx.conn())
            .await?;
        let candidate = candidate_of(&mut tx, &a.application_id).await?;
        let late = a.deadline_ms.is_some_and(|d| now_ms > d);
        tx.audit(
            "assessment.submitted",
            &subject("assessment", assessment_id),
            Some(json!({ "late": late })),
            Some(&candidate),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Attaches the grading of a submitted assessment: the overall result and each item's.
    pub async fn attach_assessment_result(
        &self,
        org_id: &str,
        assessment_id: &str,
        result: &Value,
        graded: &[(String, Value)],
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let a = fetch(&mut tx, assessment_id).await?;
        if a.submitted_ms.is_none() {
            return Err(StoreError::Conflict(
                "the assessment is not submitted yet; grade it after submission".to_owned(),
            ));
        }
        sqlx::query("UPDATE assessments SET result = $1 WHERE id = $2 AND org_id = $3")
            .bind(result.to_string())
            .bind(assessment_id)
            .bind(org_id)
            .execute(tx.conn())
            .await?;
        for (item, grade) in graded {
            sqlx::query(
                "UPDATE assessment_answers SET graded = $1 WHERE assessment_id = $2 AND item_key = $3",
            )
            .bind(grade.to_string())
            .bind(assessment_id)
            .bind(item)
            .execute(tx.conn())
            .await?;
        }
        let candidate = candidate_of(&mut tx, &a.application_id).await?;
        tx.audit(
            "assessment.graded",
            &subject("assessment", assessment_id),
            None,
            Some(&candidate),
        )
        .await?;
        tx.commit().await
    }

    /// An assessment's answers, by item.
    pub async fn assessment_answers(
        &self,
        org_id: &str,
        assessment_id: &str,
    ) -> Result<Vec<AssessmentAnswer>, StoreError> {
        all_in_org(
            self.pool(),
            "SELECT x.item_key, x.draft, x.draft_saved_ms, x.answer, x.graded \
             FROM assessment_answers x JOIN assessments s ON s.id = x.assessment_id \
             WHERE x.assessment_id = $1 AND s.org_id = $2 ORDER BY x.item_key",
            assessment_id,
            org_id,
            answer_from,
        )
        .await
    }

    /// An application's assessments, oldest first.
    pub async fn assessments_of(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Vec<Assessment>, StoreError> {
        all_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM assessments s WHERE s.application_id = $1 AND s.org_id = $2 \
                 ORDER BY s.issued_ms, s.id"
            ),
            application_id,
            org_id,
            assessment_from,
        )
        .await
    }
}

/// The assessment inside a write transaction; [`StoreError::NotFound`] outside the organisation.
async fn fetch(tx: &mut OrgTx, assessment_id: &str) -> Result<Assessment, StoreError> {
    tx.fetch(BY_ID, assessment_id, "assessment", assessment_from)
        .await
}

/// The candidate of an application inside `tx` (for the audit entry's erasure key).
pub(crate) async fn candidate_of(
    tx: &mut OrgTx,
    application_id: &str,
) -> Result<String, StoreError> {
    Ok(applications::fetch(tx, application_id).await?.candidate_id)
}
