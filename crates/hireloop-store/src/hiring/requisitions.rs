//! Requisitions (open positions bound to a pipeline, levels and a region) and their hiring teams.

use hireloop_hiring::roles::Role;
use serde::Serialize;
use serde_json::json;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::orgs::ensure_member;
use super::{Keyset, OrgTx, Page, Paged, enum_col, fetch_in_org, flag, subject, taken};
use crate::{Store, StoreError, new_id};

/// The columns of a requisition `r`, as `requisition_from` reads them.
macro_rules! columns {
    () => {
        "r.id, r.org_id, r.title, r.pipeline_id, r.level_min, r.level_max, r.region, \
         r.language, r.blind_first_stage, r.status, r.created_by, r.created_ms, r.closed_ms"
    };
}

/// A requisition by id (`$1`) within its organisation (`$2`).
const BY_ID: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM requisitions r WHERE r.id = $1 AND r.org_id = $2"
);

/// A requisition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requisition {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The position's title.
    pub title: String,
    /// The pipeline candidates go through.
    pub pipeline_id: String,
    /// Lowest level hired at (`P5` …).
    pub level_min: String,
    /// Highest level hired at.
    pub level_max: String,
    /// The region the role is in.
    pub region: String,
    /// The interview language.
    pub language: String,
    /// Whether the first stage is evaluated blind (identity hidden from evaluators).
    pub blind_first_stage: bool,
    /// True while open; closed requisitions take no new applications.
    pub open: bool,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_ms: i64,
    /// When it was closed.
    pub closed_ms: Option<i64>,
}

/// What a requisition is created from, and what an edit replaces.
#[derive(Debug, Clone)]
pub struct NewRequisition<'a> {
    /// The position's title.
    pub title: &'a str,
    /// The pipeline.
    pub pipeline_id: &'a str,
    /// Lowest level.
    pub level_min: &'a str,
    /// Highest level.
    pub level_max: &'a str,
    /// Region.
    pub region: &'a str,
    /// Interview language.
    pub language: &'a str,
    /// Blind first stage.
    pub blind_first_stage: bool,
}

/// A requisition in a list, with the number of its active applications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequisitionSummary {
    /// The requisition.
    pub requisition: Requisition,
    /// Applications still in progress.
    pub active_applications: i64,
}

/// A member of a requisition's hiring team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    /// The user.
    pub user_id: String,
    /// Their role on this team.
    pub team_role: Role,
    /// When they were added.
    pub added_ms: i64,
}

fn requisition_from(row: &AnyRow) -> Result<Requisition, sqlx::Error> {
    Ok(Requisition {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        title: row.try_get("title")?,
        pipeline_id: row.try_get("pipeline_id")?,
        level_min: row.try_get("level_min")?,
        level_max: row.try_get("level_max")?,
        region: row.try_get("region")?,
        language: row.try_get("language")?,
        blind_first_stage: flag(row, "blind_first_stage")?,
        open: row.try_get::<String, _>("status")? == "open",
        created_by: row.try_get("created_by")?,
        created_ms: row.try_get("created_ms")?,
        closed_ms: row.try_get("closed_ms")?,
    })
}

fn detail(new: &NewRequisition<'_>) -> serde_json::Value {
    json!({
        "title": new.title,
        "pipeline": new.pipeline_id,
        "levels": [new.level_min, new.level_max],
        "region": new.region,
        "language": new.language,
        "blind_first_stage": new.blind_first_stage,
    })
}

/// Binds a requisition's settings, in `NewRequisition`'s field order, as the query's next
/// arguments (the insert and the edit write the same columns).
fn bind_settings<'q>(
    query: Query<'q, Any, AnyArguments>,
    new: &NewRequisition<'_>,
) -> Query<'q, Any, AnyArguments> {
    query
        .bind(new.title)
        .bind(new.pipeline_id)
        .bind(new.level_min)
        .bind(new.level_max)
        .bind(new.region)
        .bind(new.language)
        .bind(i64::from(new.blind_first_stage))
}

impl Store {
    /// Opens a requisition.
    pub async fn create_requisition(
        &self,
        org_id: &str,
        new: &NewRequisition<'_>,
        by: &str,
        now_ms: i64,
    ) -> Result<Requisition, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let id = new_id();
        let insert = sqlx::query(
            "INSERT INTO requisitions (id, org_id, title, pipeline_id, level_min, level_max, \
                 region, language, blind_first_stage, status, created_by, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11)",
        )
        .bind(&id)
        .bind(org_id);
        bind_settings(insert, new)
            .bind(by)
            .bind(now_ms)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "requisition.created",
            &subject("requisition", &id),
            Some(detail(new)),
            None,
        )
        .await?;
        let req = fetch(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(req)
    }

    /// Replaces an open requisition's settings.
    pub async fn edit_requisition(
        &self,
        org_id: &str,
        requisition_id: &str,
        new: &NewRequisition<'_>,
        by: &str,
        now_ms: i64,
    ) -> Result<Requisition, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let current = fetch(&mut tx, requisition_id).await?;
        if !current.open {
            return Err(StoreError::Conflict(
                "the requisition is closed; reopen a new one instead of editing it".to_owned(),
            ));
        }
        let update = sqlx::query(
            "UPDATE requisitions SET title = $1, pipeline_id = $2, level_min = $3, \
                 level_max = $4, region = $5, language = $6, blind_first_stage = $7 \
             WHERE id = $8 AND org_id = $9",
        );
        bind_settings(update, new)
            .bind(requisition_id)
            .bind(org_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "requisition.edited",
            &subject("requisition", requisition_id),
            Some(detail(new)),
            None,
        )
        .await?;
        let req = fetch(&mut tx, requisition_id).await?;
        tx.commit().await?;
        Ok(req)
    }

    /// Closes a requisition; closing a closed one is a [`StoreError::Conflict`].
    pub async fn close_requisition(
        &self,
        org_id: &str,
        requisition_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let current = fetch(&mut tx, requisition_id).await?;
        if !current.open {
            return Err(StoreError::Conflict(
                "the requisition is already closed".to_owned(),
            ));
        }
        sqlx::query(
            "UPDATE requisitions SET status = 'closed', closed_ms = $1 WHERE id = $2 AND org_id = $3",
        )
        .bind(now_ms)
        .bind(requisition_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "requisition.closed",
            &subject("requisition", requisition_id),
            None,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// One requisition of the organisation.
    pub async fn requisition(
        &self,
        org_id: &str,
        requisition_id: &str,
    ) -> Result<Requisition, StoreError> {
        fetch_in_org(
            self.pool(),
            BY_ID,
            requisition_id,
            org_id,
            "requisition",
            requisition_from,
        )
        .await
    }

    /// The organisation's requisitions, newest first, open ones only unless `include_closed`,
    /// each with its count of active applications.
    pub async fn requisitions(
        &self,
        org_id: &str,
        include_closed: bool,
        page: &Page,
    ) -> Result<Paged<RequisitionSummary>, StoreError> {
        let mut list = Keyset::new(
            concat!(
                "SELECT ",
                columns!(),
                ", (SELECT COUNT(*) FROM applications a \
                     WHERE a.requisition_id = r.id AND a.status = 'active') AS active \
                 FROM requisitions r WHERE r.org_id = $1"
            ),
            vec![org_id.to_owned()],
        );
        if !include_closed {
            list.push(" AND r.status = 'open'");
        }
        let summary = |r: &AnyRow| {
            Ok(RequisitionSummary {
                requisition: requisition_from(r)?,
                active_applications: r.try_get("active")?,
            })
        };
        list.page(self.pool(), "r.id", page, summary, |s| {
            s.requisition.id.clone()
        })
        .await
    }

    /// Puts a member of the organisation on a requisition's hiring team (or changes their team
    /// role).
    pub async fn add_to_team(
        &self,
        org_id: &str,
        requisition_id: &str,
        user_id: &str,
        team_role: Role,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        fetch(&mut tx, requisition_id).await?;
        ensure_member(&mut tx, user_id, "member").await?;
        sqlx::query(
            "INSERT INTO hiring_team (requisition_id, user_id, team_role, added_ms) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (requisition_id, user_id) DO UPDATE SET team_role = excluded.team_role",
        )
        .bind(requisition_id)
        .bind(user_id)
        .bind(team_role.id())
        .bind(now_ms)
        .execute(tx.conn())
        .await
        .map_err(|e| taken(e, "a team seat"))?;
        tx.audit(
            "team.added",
            &subject("requisition", requisition_id),
            Some(json!({ "user": user_id, "team_role": team_role.id() })),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Takes a user off a requisition's hiring team.
    pub async fn remove_from_team(
        &self,
        org_id: &str,
        requisition_id: &str,
        user_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        fetch(&mut tx, requisition_id).await?;
        tx.change_one(
            sqlx::query("DELETE FROM hiring_team WHERE requisition_id = $1 AND user_id = $2")
                .bind(requisition_id)
                .bind(user_id),
            "team member",
        )
        .await?;
        tx.audit(
            "team.removed",
            &subject("requisition", requisition_id),
            Some(json!({ "user": user_id })),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// A requisition's hiring team, by user id.
    pub async fn team(
        &self,
        org_id: &str,
        requisition_id: &str,
    ) -> Result<Vec<TeamMember>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.user_id, t.team_role, t.added_ms FROM hiring_team t \
             JOIN requisitions r ON r.id = t.requisition_id \
             WHERE t.requisition_id = $1 AND r.org_id = $2 ORDER BY t.user_id",
        )
        .bind(requisition_id)
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TeamMember {
                    user_id: r.try_get("user_id")?,
                    team_role: enum_col(r, "team_role", Role::from_id)?,
                    added_ms: r.try_get("added_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The user's role on the requisition's hiring team, `None` when they are not on it.
    pub async fn on_team(
        &self,
        org_id: &str,
        requisition_id: &str,
        user_id: &str,
    ) -> Result<Option<Role>, StoreError> {
        let row = sqlx::query(
            "SELECT t.team_role FROM hiring_team t JOIN requisitions r ON r.id = t.requisition_id \
             WHERE t.requisition_id = $1 AND t.user_id = $2 AND r.org_id = $3",
        )
        .bind(requisition_id)
        .bind(user_id)
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row
            .as_ref()
            .map(|r| enum_col(r, "team_role", Role::from_id))
            .transpose()?)
    }
}

/// The requisition inside a write transaction; [`StoreError::NotFound`] outside the organisation.
pub(crate) async fn fetch(tx: &mut OrgTx, requisition_id: &str) -> Result<Requisition, StoreError> {
    tx.fetch(BY_ID, requisition_id, "requisition", requisition_from)
        .await
}
