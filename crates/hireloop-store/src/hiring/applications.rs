//! Applications (a candidate for a requisition) and their stage visits.

use hireloop_hiring::webhook::EventKind;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::candidates::ensure_candidate;
use super::requisitions;
use super::{Keyset, OrgTx, Page, Paged, all_in_org, enum_col, fetch_in_org, subject, taken};
use crate::{Store, StoreError, new_id};

/// The columns of an application `a`, as `application_from` reads them.
macro_rules! columns {
    () => {
        "a.id, a.org_id, a.requisition_id, a.candidate_id, a.stage_id, a.status, a.applied_ms, \
         a.updated_ms, a.decided_ms"
    };
}

/// An application by id (`$1`) within its organisation (`$2`).
const BY_ID: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM applications a WHERE a.id = $1 AND a.org_id = $2"
);

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// In progress.
    Active,
    /// Hired.
    Hired,
    /// Rejected.
    Rejected,
    /// Withdrawn by the candidate.
    Withdrawn,
}

impl ApplicationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Active => "active",
            ApplicationStatus::Hired => "hired",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    /// The status with this stored name.
    pub fn parse(s: &str) -> Option<ApplicationStatus> {
        [
            ApplicationStatus::Active,
            ApplicationStatus::Hired,
            ApplicationStatus::Rejected,
            ApplicationStatus::Withdrawn,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// How a stay in a stage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitOutcome {
    /// Moved on.
    Passed,
    /// Did not pass (moved back, or rejected).
    Failed,
    /// The candidate withdrew.
    Withdrawn,
    /// Still there.
    Open,
}

impl VisitOutcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitOutcome::Passed => "passed",
            VisitOutcome::Failed => "failed",
            VisitOutcome::Withdrawn => "withdrawn",
            VisitOutcome::Open => "open",
        }
    }

    /// The outcome with this stored name.
    pub fn parse(s: &str) -> Option<VisitOutcome> {
        [
            VisitOutcome::Passed,
            VisitOutcome::Failed,
            VisitOutcome::Withdrawn,
            VisitOutcome::Open,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// A candidate's application to a requisition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The requisition.
    pub requisition_id: String,
    /// The candidate.
    pub candidate_id: String,
    /// The stage it is in (or ended in).
    pub stage_id: String,
    /// Where it stands.
    pub status: ApplicationStatus,
    /// When it was created.
    pub applied_ms: i64,
    /// When it last changed.
    pub updated_ms: i64,
    /// When it was closed (hired, rejected, withdrawn).
    pub decided_ms: Option<i64>,
}

/// One stay of an application in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageVisit {
    /// 1, 2, 3, … in order.
    pub seq: i64,
    /// The stage.
    pub stage_id: String,
    /// When the application entered it.
    pub entered_ms: i64,
    /// When it left, `None` while it is there.
    pub left_ms: Option<i64>,
    /// How the stay ended.
    pub outcome: VisitOutcome,
}

/// Which applications of a requisition a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    /// In this stage.
    pub stage_id: Option<String>,
    /// With this status.
    pub status: Option<ApplicationStatus>,
}

pub(crate) fn application_from(row: &AnyRow) -> Result<Application, sqlx::Error> {
    Ok(Application {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        requisition_id: row.try_get("requisition_id")?,
        candidate_id: row.try_get("candidate_id")?,
        stage_id: row.try_get("stage_id")?,
        status: enum_col(row, "status", ApplicationStatus::parse)?,
        applied_ms: row.try_get("applied_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        decided_ms: row.try_get("decided_ms")?,
    })
}

pub(crate) fn visit_from(row: &AnyRow) -> Result<StageVisit, sqlx::Error> {
    Ok(StageVisit {
        seq: row.try_get("seq")?,
        stage_id: row.try_get("stage_id")?,
        entered_ms: row.try_get("entered_ms")?,
        left_ms: row.try_get("left_ms")?,
        outcome: enum_col(row, "outcome", VisitOutcome::parse)?,
    })
}

impl Store {
    /// Files a candidate's application to an open requisition, entering `first_stage`.
    /// [`StoreError::Taken`] when the candidate already applied to it.
    pub async fn apply(
        &self,
        org_id: &str,
        requisition_id: &str,
        candidate_id: &str,
        first_stage: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<Application, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let req = requisitions::fetch(&mut tx, requisition_id).await?;
        if !req.open {
            return Err(StoreError::Conflict(
                "the requisition is closed and takes no new applications".to_owned(),
            ));
        }
        ensure_candidate(&mut tx, candidate_id).await?;
        let app = Application {
            id: new_id(),
            org_id: org_id.to_owned(),
            requisition_id: requisition_id.to_owned(),
            candidate_id: candidate_id.to_owned(),
            stage_id: first_stage.to_owned(),
            status: ApplicationStatus::Active,
            applied_ms: now_ms,
            updated_ms: now_ms,
            decided_ms: None,
        };
        sqlx::query(
            "INSERT INTO applications (id, org_id, requisition_id, candidate_id, stage_id, status, \
                 applied_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, 'active', $6, $6)",
        )
        .bind(&app.id)
        .bind(org_id)
        .bind(requisition_id)
        .bind(candidate_id)
        .bind(first_stage)
        .bind(now_ms)
        .execute(tx.conn())
        .await
        .map_err(|e| taken(e, "an application of this candidate to this requisition"))?;
        open_visit(&mut tx, &app.id, 1, first_stage, now_ms).await?;
        tx.audit(
            "application.created",
            &subject("application", &app.id),
            Some(json!({ "requisition": requisition_id, "stage": first_stage })),
            Some(candidate_id),
        )
        .await?;
        tx.commit().await?;
        Ok(app)
    }

    /// Moves an active application to `to_stage`: the open visit is closed with `outcome`, the
    /// next one opened, the audit entry appended and a `application.stage_changed` delivery
    /// queued for each subscribed webhook — all in one transaction.
    pub async fn move_stage(
        &self,
        org_id: &str,
        application_id: &str,
        to_stage: &str,
        outcome: VisitOutcome,
        by: &str,
        now_ms: i64,
    ) -> Result<Application, StoreError> {
        if outcome == VisitOutcome::Open {
            return Err(StoreError::Conflict(
                "a stage being left needs an outcome other than open".to_owned(),
            ));
        }
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let app = fetch(&mut tx, application_id).await?;
        if app.status != ApplicationStatus::Active {
            return Err(StoreError::Conflict(format!(
                "the application is {}; only an active one moves between stages",
                app.status.as_str()
            )));
        }
        if app.stage_id == to_stage {
            return Err(StoreError::Conflict(format!(
                "the application is already in stage {to_stage}"
            )));
        }
        let last = close_visit(&mut tx, application_id, outcome, now_ms).await?;
        open_visit(&mut tx, application_id, last + 1, to_stage, now_ms).await?;
        sqlx::query(
            "UPDATE applications SET stage_id = $1, updated_ms = $2 WHERE id = $3 AND org_id = $4",
        )
        .bind(to_stage)
        .bind(now_ms)
        .bind(application_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "application.stage_changed",
            &subject("application", application_id),
            Some(json!({ "from": app.stage_id, "to": to_stage, "outcome": outcome.as_str() })),
            Some(&app.candidate_id),
        )
        .await?;
        tx.enqueue(
            EventKind::StageChanged,
            json!({
                "application": application_id,
                "candidate": app.candidate_id,
                "requisition": app.requisition_id,
                "from": app.stage_id,
                "to": to_stage,
            }),
            Some(&app.candidate_id),
        )
        .await?;
        let app = fetch(&mut tx, application_id).await?;
        tx.commit().await?;
        Ok(app)
    }

    /// Closes an active application as hired, rejected or withdrawn; its open visit ends passed,
    /// failed or withdrawn accordingly. `reason` goes in the audit entry's erasable detail.
    pub async fn close_application(
        &self,
        org_id: &str,
        application_id: &str,
        status: ApplicationStatus,
        reason: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Application, StoreError> {
        let outcome = match status {
            ApplicationStatus::Hired => VisitOutcome::Passed,
            ApplicationStatus::Rejected => VisitOutcome::Failed,
            ApplicationStatus::Withdrawn => VisitOutcome::Withdrawn,
            ApplicationStatus::Active => {
                return Err(StoreError::Conflict(
                    "an application is closed as hired, rejected or withdrawn".to_owned(),
                ));
            }
        };
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let app = fetch(&mut tx, application_id).await?;
        if app.status != ApplicationStatus::Active {
            return Err(StoreError::Conflict(format!(
                "the application is already {}",
                app.status.as_str()
            )));
        }
        close_visit(&mut tx, application_id, outcome, now_ms).await?;
        sqlx::query(
            "UPDATE applications SET status = $1, updated_ms = $2, decided_ms = $2 \
             WHERE id = $3 AND org_id = $4",
        )
        .bind(status.as_str())
        .bind(now_ms)
        .bind(application_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            &format!("application.{}", status.as_str()),
            &subject("application", application_id),
            Some(json!({ "stage": app.stage_id, "reason": reason })),
            Some(&app.candidate_id),
        )
        .await?;
        let app = fetch(&mut tx, application_id).await?;
        tx.commit().await?;
        Ok(app)
    }

    /// One application of the organisation.
    pub async fn application(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Application, StoreError> {
        fetch_in_org(
            self.pool(),
            BY_ID,
            application_id,
            org_id,
            "application",
            application_from,
        )
        .await
    }

    /// The applications of the organisation among `ids` (others are left out), in no set
    /// order: one query per 500 ids, for pages that list many.
    pub async fn applications_by_id(
        &self,
        org_id: &str,
        ids: &[String],
    ) -> Result<Vec<Application>, StoreError> {
        let rows = super::facts::rows_by_ids(self.pool(), &[org_id], ids, |list| {
            format!(
                concat!(
                    "SELECT ",
                    columns!(),
                    " FROM applications a WHERE a.org_id = $1 AND a.id IN ({})"
                ),
                list
            )
        })
        .await?;
        Ok(rows
            .iter()
            .map(application_from)
            .collect::<Result<_, _>>()?)
    }

    /// A requisition's applications, newest first, optionally in one stage and/or with one
    /// status; served by the `(requisition_id, stage_id, id)` and `(requisition_id, status, id)`
    /// indexes.
    pub async fn applications(
        &self,
        org_id: &str,
        requisition_id: &str,
        filter: &ApplicationFilter,
        page: &Page,
    ) -> Result<Paged<Application>, StoreError> {
        let mut list = Keyset::new(
            concat!(
                "SELECT ",
                columns!(),
                " FROM applications a WHERE a.requisition_id = $1 AND a.org_id = $2"
            ),
            vec![requisition_id.to_owned(), org_id.to_owned()],
        );
        if let Some(stage) = &filter.stage_id {
            list.and_eq("a.stage_id", stage.clone());
        }
        if let Some(status) = filter.status {
            list.and_eq("a.status", status.as_str().to_owned());
        }
        list.page(self.pool(), "a.id", page, application_from, |a| {
            a.id.clone()
        })
        .await
    }

    /// A candidate's applications, oldest first.
    pub async fn applications_of(
        &self,
        org_id: &str,
        candidate_id: &str,
    ) -> Result<Vec<Application>, StoreError> {
        all_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM applications a WHERE a.candidate_id = $1 AND a.org_id = $2 ORDER BY a.id"
            ),
            candidate_id,
            org_id,
            application_from,
        )
        .await
    }

    /// An application's stage visits, in order.
    pub async fn visits(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Vec<StageVisit>, StoreError> {
        all_in_org(
            self.pool(),
            "SELECT v.seq, v.stage_id, v.entered_ms, v.left_ms, v.outcome FROM stage_visits v \
             JOIN applications a ON a.id = v.application_id \
             WHERE v.application_id = $1 AND a.org_id = $2 ORDER BY v.seq",
            application_id,
            org_id,
            visit_from,
        )
        .await
    }
}

/// The application inside a write transaction; [`StoreError::NotFound`] outside the organisation.
pub(crate) async fn fetch(tx: &mut OrgTx, application_id: &str) -> Result<Application, StoreError> {
    tx.fetch(BY_ID, application_id, "application", application_from)
        .await
}

async fn open_visit(
    tx: &mut OrgTx,
    application_id: &str,
    seq: i64,
    stage: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO stage_visits (application_id, seq, stage_id, entered_ms, outcome) \
         VALUES ($1, $2, $3, $4, 'open')",
    )
    .bind(application_id)
    .bind(seq)
    .bind(stage)
    .bind(now_ms)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Closes the open visit with `outcome`; returns the seq of the last visit.
async fn close_visit(
    tx: &mut OrgTx,
    application_id: &str,
    outcome: VisitOutcome,
    now_ms: i64,
) -> Result<i64, StoreError> {
    sqlx::query(
        "UPDATE stage_visits SET left_ms = $1, outcome = $2 \
         WHERE application_id = $3 AND left_ms IS NULL",
    )
    .bind(now_ms)
    .bind(outcome.as_str())
    .bind(application_id)
    .execute(tx.conn())
    .await?;
    let row = sqlx::query("SELECT MAX(seq) AS last FROM stage_visits WHERE application_id = $1")
        .bind(application_id)
        .fetch_one(tx.conn())
        .await?;
    Ok(row.try_get::<Option<i64>, _>("last")?.unwrap_or(0))
}
