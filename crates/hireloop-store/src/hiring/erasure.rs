//! A candidate's data rights: export everything stored about them, erase it (leaving a
//! tombstone with counts only), and find the candidates whose retention has run out.

use hireloop_hiring::audit::erase;
use hireloop_hiring::timeline::DAY_MS;
use hireloop_hiring::webhook::EventKind;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::{OF_CANDIDATE, entry_from};
use super::{OrgTx, all_in_org, maybe_in_org, subject, to_i64};
use crate::{Store, StoreError};

/// What is left of an erased candidate: when, by whom, and counts that identify nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tombstone {
    /// The erased candidate's id.
    pub candidate_id: String,
    /// The organisation.
    pub org_id: String,
    /// When they were erased.
    pub erased_ms: i64,
    /// Who erased them (a user id, or `system` for the retention job).
    pub erased_by: String,
    /// Applications they had.
    pub applications: i64,
    /// Interviews they had.
    pub interviews: i64,
    /// Scorecards written about them.
    pub scorecards: i64,
    /// Offers made to them.
    pub offers: i64,
}

fn tombstone_from(row: &AnyRow) -> Result<Tombstone, sqlx::Error> {
    Ok(Tombstone {
        candidate_id: row.try_get("candidate_id")?,
        org_id: row.try_get("org_id")?,
        erased_ms: row.try_get("erased_ms")?,
        erased_by: row.try_get("erased_by")?,
        applications: row.try_get("applications")?,
        interviews: row.try_get("interviews")?,
        scorecards: row.try_get("scorecards")?,
        offers: row.try_get("offers")?,
    })
}

/// The subquery of a candidate's application ids (`$1` candidate, `$2` organisation).
macro_rules! apps_of {
    () => {
        "(SELECT id FROM applications WHERE candidate_id = $1 AND org_id = $2)"
    };
}

/// Deletes, child tables first, everything tied to the candidate `$1` of organisation `$2`.
const ERASE: &[&str] = &[
    concat!(
        "DELETE FROM assessment_answers WHERE assessment_id IN \
         (SELECT id FROM assessments WHERE application_id IN ",
        apps_of!(),
        ")"
    ),
    concat!(
        "DELETE FROM assessments WHERE application_id IN ",
        apps_of!()
    ),
    concat!(
        "DELETE FROM scorecards WHERE application_id IN ",
        apps_of!()
    ),
    concat!(
        "DELETE FROM interview_history WHERE interview_id IN \
         (SELECT id FROM interviews WHERE application_id IN ",
        apps_of!(),
        ")"
    ),
    concat!(
        "DELETE FROM interview_panel WHERE interview_id IN \
         (SELECT id FROM interviews WHERE application_id IN ",
        apps_of!(),
        ")"
    ),
    concat!(
        "DELETE FROM interviews WHERE application_id IN ",
        apps_of!()
    ),
    concat!("DELETE FROM decisions WHERE application_id IN ", apps_of!()),
    concat!("DELETE FROM offers WHERE application_id IN ", apps_of!()),
    concat!(
        "DELETE FROM stage_visits WHERE application_id IN ",
        apps_of!()
    ),
    "DELETE FROM applications WHERE candidate_id = $1 AND org_id = $2",
    "DELETE FROM resumes WHERE candidate_id = $1 AND candidate_id IN \
     (SELECT id FROM candidates WHERE org_id = $2)",
    "DELETE FROM webhook_deliveries WHERE candidate_id = $1 AND org_id = $2",
    "DELETE FROM members WHERE org_id = $2 AND role = 'candidate' AND user_id IN \
     (SELECT user_id FROM candidates WHERE id = $1 AND org_id = $2 AND user_id IS NOT NULL)",
    "DELETE FROM candidates WHERE id = $1 AND org_id = $2",
];

impl Store {
    /// Erases a candidate in one transaction: their row, resumes, applications and stage visits,
    /// assessments and answers, interviews with panels and histories, scorecards, decisions,
    /// offers and the webhook deliveries about them are deleted; a [`Tombstone`] with counts is
    /// left; every audit entry tied to them loses its detail (`hireloop_hiring::audit::erase`,
    /// so the chain still verifies); `candidate.erased` is appended with the candidate's id as
    /// its only subject, and queued for webhooks subscribed to it.
    pub async fn erase_candidate(
        &self,
        org_id: &str,
        candidate_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<Tombstone, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        super::candidates::ensure_candidate(&mut tx, candidate_id).await?;
        let applications = scalar(
            &mut tx,
            "SELECT COUNT(*) AS n FROM applications WHERE candidate_id = $1 AND org_id = $2",
            candidate_id,
        )
        .await?;
        let interviews = scalar(
            &mut tx,
            concat!(
                "SELECT COUNT(*) AS n FROM interviews WHERE application_id IN ",
                apps_of!()
            ),
            candidate_id,
        )
        .await?;
        let scorecards = scalar(
            &mut tx,
            concat!(
                "SELECT COUNT(*) AS n FROM scorecards WHERE submitted_ms IS NOT NULL \
                 AND application_id IN ",
                apps_of!()
            ),
            candidate_id,
        )
        .await?;
        let offers = scalar(
            &mut tx,
            concat!(
                "SELECT COUNT(*) AS n FROM offers WHERE application_id IN ",
                apps_of!()
            ),
            candidate_id,
        )
        .await?;
        for sql in ERASE {
            sqlx::query(*sql)
                .bind(candidate_id)
                .bind(org_id)
                .execute(tx.conn())
                .await?;
        }
        let tombstone = Tombstone {
            candidate_id: candidate_id.to_owned(),
            org_id: org_id.to_owned(),
            erased_ms: now_ms,
            erased_by: by.to_owned(),
            applications,
            interviews,
            scorecards,
            offers,
        };
        sqlx::query(
            "INSERT INTO candidate_tombstones (candidate_id, org_id, erased_ms, erased_by, \
                 applications, interviews, scorecards, offers) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(candidate_id)
        .bind(org_id)
        .bind(now_ms)
        .bind(by)
        .bind(applications)
        .bind(interviews)
        .bind(scorecards)
        .bind(offers)
        .execute(tx.conn())
        .await?;
        let entries = all_in_org(tx.conn(), OF_CANDIDATE, candidate_id, org_id, entry_from).await?;
        for entry in &entries {
            let erased = erase(entry);
            sqlx::query(
                "UPDATE audit_log SET detail = NULL, detail_erased = $1 \
                 WHERE org_id = $2 AND seq = $3",
            )
            .bind(i64::from(erased.detail_erased))
            .bind(org_id)
            .bind(to_i64(erased.seq))
            .execute(tx.conn())
            .await?;
        }
        tx.audit(
            "candidate.erased",
            &subject("candidate", candidate_id),
            Some(json!({
                "applications": applications,
                "interviews": interviews,
                "scorecards": scorecards,
                "offers": offers,
                "audit_entries_erased": entries.len(),
            })),
            None,
        )
        .await?;
        tx.enqueue(
            EventKind::CandidateErased,
            json!({ "candidate": candidate_id }),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(tombstone)
    }

    /// The tombstone of an erased candidate, if they were erased.
    pub async fn tombstone(
        &self,
        org_id: &str,
        candidate_id: &str,
    ) -> Result<Option<Tombstone>, StoreError> {
        maybe_in_org(
            self.pool(),
            "SELECT candidate_id, org_id, erased_ms, erased_by, applications, interviews, \
                 scorecards, offers FROM candidate_tombstones \
             WHERE candidate_id = $1 AND org_id = $2",
            candidate_id,
            org_id,
            tombstone_from,
        )
        .await
    }

    /// Everything stored about a candidate, as one JSON value: their record, resumes, each
    /// application with its visits, assessments (with answers), interviews (with panels and
    /// histories), scorecards, decision and offers, and the audit entries tied to them.
    pub async fn export_candidate(
        &self,
        org_id: &str,
        candidate_id: &str,
    ) -> Result<Value, StoreError> {
        let candidate = self.candidate(org_id, candidate_id).await?;
        let resumes = self.resumes(org_id, candidate_id).await?;
        let mut applications = Vec::new();
        for app in self.applications_of(org_id, candidate_id).await? {
            let visits = self.visits(org_id, &app.id).await?;
            let mut assessments = Vec::new();
            for a in self.assessments_of(org_id, &app.id).await? {
                let answers = self.assessment_answers(org_id, &a.id).await?;
                assessments.push(json!({ "assessment": a, "answers": answers }));
            }
            let mut interviews = Vec::new();
            for i in self.interviews_of(org_id, &app.id).await? {
                let history = self.interview_history(org_id, &i.id).await?;
                interviews.push(json!({ "interview": i, "history": history }));
            }
            let scorecards = self.scorecards_of(org_id, &app.id).await?;
            let decision = self.decision(org_id, &app.id).await?;
            let offers = self.offers_of(org_id, &app.id).await?;
            applications.push(json!({
                "application": app,
                "visits": visits,
                "assessments": assessments,
                "interviews": interviews,
                "scorecards": scorecards,
                "decision": decision,
                "offers": offers,
            }));
        }
        let audit = self.audit_of_candidate(org_id, candidate_id).await?;
        Ok(json!({
            "candidate": candidate,
            "resumes": resumes,
            "applications": applications,
            "audit": audit,
        }))
    }

    /// Up to `limit` candidates whose data the organisation's retention lets go at `now_ms`:
    /// no active application, and no audited activity for `retention_days`. Least recently
    /// active first, from the `(org_id, last_activity_ms)` index.
    pub async fn expired_candidates(
        &self,
        org_id: &str,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<String>, StoreError> {
        let org = self.org(org_id).await?;
        let cutoff = now_ms.saturating_sub(org.retention_days.saturating_mul(DAY_MS));
        let rows = sqlx::query(
            "SELECT c.id FROM candidates c \
             WHERE c.org_id = $1 AND c.last_activity_ms < $2 \
               AND NOT EXISTS (SELECT 1 FROM applications a \
                               WHERE a.candidate_id = c.id AND a.status = 'active') \
             ORDER BY c.last_activity_ms, c.id LIMIT $3",
        )
        .bind(org_id)
        .bind(cutoff)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

/// A `COUNT(*) AS n` query over the candidate `$1` of the transaction's organisation (`$2`).
async fn scalar(tx: &mut OrgTx, sql: &'static str, candidate_id: &str) -> Result<i64, StoreError> {
    let org = tx.org().to_owned();
    let row = sqlx::query(sql)
        .bind(candidate_id)
        .bind(org)
        .fetch_one(tx.conn())
        .await?;
    Ok(row.try_get("n")?)
}
