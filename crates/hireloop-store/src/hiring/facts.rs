//! Set-wise reads for what looks at many rows at once: a requisition's reports read every
//! application with its candidate's self-reported group, stage visits and scorecards in three
//! queries rather than three per application, and the gate asks in one query whether a member
//! interviews anyone of a requisition. Also the organisation's audit head, which any change
//! moves: the key of the server's report cache.

use std::collections::HashSet;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, AssertSqlSafe, Row};

use super::applications::{Application, StageVisit, application_from, visit_from};
use super::scorecards::{ScorecardRecord, scorecard_from};
use super::to_u64;
use crate::{Store, StoreError};

/// One application of a requisition, as its reports need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationFacts {
    /// The application.
    pub application: Application,
    /// Its candidate's self-reported group, if given.
    pub group: Option<String>,
    /// Its stage visits, in order.
    pub visits: Vec<StageVisit>,
}

/// Everything a requisition's reports read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequisitionFacts {
    /// Its applications, newest first.
    pub applications: Vec<ApplicationFacts>,
    /// Their scorecards when asked for (drafts too), in the applications' order, then by round and
    /// interviewer as [`Store::scorecards_of`] lists them.
    pub scorecards: Vec<ScorecardRecord>,
}

/// A candidate as a list of many shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateName {
    /// The candidate.
    pub id: String,
    /// Their name.
    pub name: String,
    /// The first requisition they applied to that evaluates blind, if any.
    pub blind_requisition: Option<String>,
}

/// `$first, $first+1, …` for `n` arguments.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows a query selects for every one of `ids`, in one query per 500 ids (a statement's
/// arguments are limited on both backends): `fixed` are bound first as `$1, $2, …`, and `sql`
/// is given the placeholder list of a chunk of ids, numbered after them, to put in its
/// `IN (…)`. What pages over many rows use instead of one query per row.
pub(super) async fn rows_by_ids<I: AsRef<str>>(
    pool: &AnyPool,
    fixed: &[&str],
    ids: &[I],
    sql: impl Fn(&str) -> String,
) -> Result<Vec<AnyRow>, sqlx::Error> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        // The SQL is this crate's own text; every value in it is a bound argument.
        let text = sql(&placeholders(fixed.len() + 1, chunk.len()));
        let mut query = sqlx::query(AssertSqlSafe(text));
        for value in fixed {
            query = query.bind(*value);
        }
        for id in chunk {
            query = query.bind(id.as_ref());
        }
        out.extend(query.fetch_all(pool).await?);
    }
    Ok(out)
}

impl Store {
    /// The display names of these accounts by id, in one query per 500 (a page naming every
    /// interviewer or actor in a list would otherwise read them one by one). An id with no
    /// account is absent from the answer.
    pub async fn display_names(
        &self,
        user_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let rows = rows_by_ids(self.pool(), &[], user_ids, |list| {
            format!("SELECT id, display_name FROM users WHERE id IN ({list})")
        })
        .await?;
        Ok(rows
            .iter()
            .map(|row| Ok((row.try_get("id")?, row.try_get("display_name")?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// A requisition's applications with their visits (two queries) and, when `scorecards`,
    /// their scorecards (a third): each served by the per-requisition application index and the
    /// child tables' keys. The reports that read no scorecards skip parsing thousands of them.
    pub async fn requisition_facts(
        &self,
        org_id: &str,
        requisition_id: &str,
        scorecards: bool,
    ) -> Result<RequisitionFacts, StoreError> {
        let apps = sqlx::query(
            "SELECT a.id, a.org_id, a.requisition_id, a.candidate_id, a.stage_id, a.status, \
                 a.applied_ms, a.updated_ms, a.decided_ms, c.self_reported_group \
             FROM applications a JOIN candidates c ON c.id = a.candidate_id \
             WHERE a.requisition_id = $1 AND a.org_id = $2 ORDER BY a.id DESC",
        )
        .bind(requisition_id)
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        let mut applications = Vec::with_capacity(apps.len());
        let mut index = std::collections::HashMap::with_capacity(apps.len());
        for row in &apps {
            let application = application_from(row)?;
            index.insert(application.id.clone(), applications.len());
            applications.push(ApplicationFacts {
                application,
                group: row.try_get("self_reported_group")?,
                visits: Vec::new(),
            });
        }
        let visits = sqlx::query(
            "SELECT v.application_id, v.seq, v.stage_id, v.entered_ms, v.left_ms, v.outcome \
             FROM stage_visits v JOIN applications a ON a.id = v.application_id \
             WHERE a.requisition_id = $1 AND a.org_id = $2 ORDER BY v.application_id, v.seq",
        )
        .bind(requisition_id)
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        for row in &visits {
            let app: String = row.try_get("application_id")?;
            if let Some(&i) = index.get(&app) {
                applications[i].visits.push(visit_from(row)?);
            }
        }
        if !scorecards {
            return Ok(RequisitionFacts {
                applications,
                scorecards: Vec::new(),
            });
        }
        let cards = sqlx::query(
            "SELECT s.id, s.org_id, s.interview_id, s.application_id, s.round_id, \
                 s.interviewer_id, s.ratings, s.notes, s.recommendation, s.summary, s.due_ms, \
                 s.saved_ms, s.submitted_ms \
             FROM applications a JOIN scorecards s ON s.application_id = a.id \
             WHERE a.requisition_id = $1 AND a.org_id = $2 AND s.org_id = $2 \
             ORDER BY a.id DESC, s.round_id, s.interviewer_id, s.id",
        )
        .bind(requisition_id)
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        let scorecards = cards
            .iter()
            .map(scorecard_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RequisitionFacts {
            applications,
            scorecards,
        })
    }

    /// Whether the member sits on a panel (of an interview not cancelled) of any application of
    /// the requisition — one query over the member's panel seats.
    pub async fn assigned_in_requisition(
        &self,
        org_id: &str,
        user_id: &str,
        requisition_id: &str,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM interview_panel p \
             CROSS JOIN interviews i CROSS JOIN applications a \
             WHERE p.user_id = $1 AND i.id = p.interview_id AND i.org_id = $2 \
               AND i.status <> 'cancelled' AND a.id = i.application_id \
               AND a.requisition_id = $3 LIMIT 1",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(requisition_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// The requisitions of the organisation whose hiring team the member is on.
    pub async fn teams_of(
        &self,
        org_id: &str,
        user_id: &str,
    ) -> Result<HashSet<String>, StoreError> {
        self.requisition_ids(
            "SELECT t.requisition_id FROM hiring_team t JOIN requisitions r \
             ON r.id = t.requisition_id WHERE t.user_id = $1 AND r.org_id = $2",
            user_id,
            org_id,
        )
        .await
    }

    /// The `requisition_id` column of what `sql` selects for a member (`$1`) of an
    /// organisation (`$2`).
    async fn requisition_ids(
        &self,
        sql: &'static str,
        user_id: &str,
        org_id: &str,
    ) -> Result<HashSet<String>, StoreError> {
        Ok(sqlx::query(sql)
            .bind(user_id)
            .bind(org_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get("requisition_id"))
            .collect::<Result<HashSet<String>, _>>()?)
    }

    /// The requisitions a member relates to, in two queries: those whose hiring team they are
    /// on, and those with an application on whose panel (of an interview not cancelled) they
    /// sit — what listing "my requisitions" needs, where asking per requisition would walk the
    /// member's panel seats once for each.
    pub async fn requisition_relations(
        &self,
        org_id: &str,
        user_id: &str,
    ) -> Result<(HashSet<String>, HashSet<String>), StoreError> {
        let team = self.teams_of(org_id, user_id).await?;
        let assigned = self
            .requisition_ids(
                "SELECT DISTINCT a.requisition_id FROM interview_panel p \
                 CROSS JOIN interviews i CROSS JOIN applications a \
                 WHERE p.user_id = $1 AND i.id = p.interview_id AND i.org_id = $2 \
                   AND i.status <> 'cancelled' AND a.id = i.application_id",
                user_id,
                org_id,
            )
            .await?;
        Ok((team, assigned))
    }

    /// Whether the member sits on a panel (of an interview not cancelled) of the application —
    /// one indexed lookup rather than every interview of the application with its panel.
    pub async fn on_panel_of(
        &self,
        org_id: &str,
        user_id: &str,
        application_id: &str,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM interviews i CROSS JOIN interview_panel p \
             WHERE i.application_id = $1 AND i.org_id = $2 AND i.status <> 'cancelled' \
               AND p.interview_id = i.id AND p.user_id = $3 LIMIT 1",
        )
        .bind(application_id)
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// For each of the candidates (of the organisation; other ids are left out): their name and
    /// the first requisition, by application order, they applied to that evaluates blind — what
    /// a list of many candidates needs to show each one, in two queries' worth of one.
    pub async fn candidate_names(
        &self,
        org_id: &str,
        candidate_ids: &[String],
    ) -> Result<Vec<CandidateName>, StoreError> {
        let rows = rows_by_ids(self.pool(), &[org_id], candidate_ids, |list| {
            format!(
                "SELECT c.id, c.name, \
                     (SELECT a.requisition_id FROM applications a \
                      JOIN requisitions r ON r.id = a.requisition_id \
                      WHERE a.candidate_id = c.id AND a.org_id = c.org_id \
                        AND r.blind_first_stage = 1 \
                      ORDER BY a.id LIMIT 1) AS blind_requisition \
                 FROM candidates c WHERE c.org_id = $1 AND c.id IN ({list})"
            )
        })
        .await?;
        Ok(rows
            .iter()
            .map(|row| {
                Ok(CandidateName {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    blind_requisition: row.try_get("blind_requisition")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Which of the candidates have applied to the requisition.
    pub async fn applied_to(
        &self,
        org_id: &str,
        requisition_id: &str,
        candidate_ids: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let rows = rows_by_ids(
            self.pool(),
            &[requisition_id, org_id],
            candidate_ids,
            |list| {
                format!(
                    "SELECT a.candidate_id FROM applications a WHERE a.requisition_id = $1 \
                     AND a.org_id = $2 AND a.candidate_id IN ({list})"
                )
            },
        )
        .await?;
        Ok(rows
            .iter()
            .map(|row| row.try_get("candidate_id"))
            .collect::<Result<_, _>>()?)
    }

    /// The position of the organisation's audit head: it moves with every audited change, so
    /// anything computed from the organisation's data is current while it stays put.
    pub async fn audit_head_seq(&self, org_id: &str) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT seq FROM audit_heads WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => Ok(to_u64(row.try_get("seq")?)),
            None => Err(StoreError::NotFound {
                what: "organisation",
            }),
        }
    }
}
