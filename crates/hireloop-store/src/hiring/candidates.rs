//! Candidates (the people applying, one row per person per organisation), their resumes, and
//! bulk import.

use hireloop_hiring::import::CandidateRow;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{
    ApplicationStatus, Keyset, OrgTx, Page, Paged, all_in_org, fetch_in_org, maybe_in_org, subject,
    taken,
};
use crate::{Store, StoreError, new_id};

/// The columns of a candidate `c`, as `candidate_from` reads them.
macro_rules! columns {
    () => {
        "c.id, c.org_id, c.name, c.email, c.phone, c.location, c.source, c.profile_url, \
         c.self_reported_group, c.notes, c.user_id, c.created_ms, c.last_activity_ms"
    };
}

/// A candidate of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// Full name.
    pub name: String,
    /// Email address as given (unique per organisation in any case).
    pub email: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Where they came from (referral, job board, …).
    pub source: Option<String>,
    /// A profile URL.
    pub profile_url: Option<String>,
    /// Self-reported demographic group, for adverse-impact reports only.
    pub self_reported_group: Option<String>,
    /// Recruiter's notes.
    pub notes: Option<String>,
    /// The candidate's own account, when they have one.
    pub user_id: Option<String>,
    /// When the candidate was added.
    pub created_ms: i64,
    /// The latest audited change concerning them (what retention counts from).
    pub last_activity_ms: i64,
}

/// What a candidate is created from.
#[derive(Debug, Clone, Default)]
pub struct NewCandidate {
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Profile URL.
    pub profile_url: Option<String>,
    /// Self-reported group.
    pub self_reported_group: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// The candidate's own account.
    pub user_id: Option<String>,
}

impl From<&CandidateRow> for NewCandidate {
    fn from(row: &CandidateRow) -> NewCandidate {
        NewCandidate {
            name: row.name.clone(),
            email: row.email.clone(),
            phone: row.phone.clone(),
            location: row.location.clone(),
            source: row.source.clone(),
            profile_url: row.profile_url.clone(),
            self_reported_group: row.group.clone(),
            notes: row.notes.clone(),
            user_id: None,
        }
    }
}

/// A stored resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resume {
    /// Id.
    pub id: String,
    /// The candidate.
    pub candidate_id: String,
    /// The resume's text.
    pub text: String,
    /// The screener's result (JSON), when screened.
    pub screen_json: Option<String>,
    /// When it was uploaded.
    pub uploaded_ms: i64,
}

/// Which candidates a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct CandidateFilter {
    /// Name or email starting with this (any case).
    pub prefix: Option<String>,
    /// Has an application to this requisition.
    pub requisition_id: Option<String>,
    /// Has an application in this stage.
    pub stage_id: Option<String>,
    /// Has an application with this status.
    pub status: Option<ApplicationStatus>,
}

/// A row of an import whose email address is already taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateRow {
    /// The row's line in the file.
    pub line: u64,
    /// The email address.
    pub email: String,
    /// The existing candidate with that address, or `None` when the duplicate is an earlier row
    /// of the same file.
    pub existing: Option<String>,
    /// The earlier line of the same file with that address.
    pub earlier_line: Option<u64>,
}

/// What an import did: everything, or nothing because of duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ImportOutcome {
    /// Every row was added, in file order.
    Imported(Vec<Candidate>),
    /// Nothing was added; these rows clash with existing candidates or with each other.
    Refused(Vec<DuplicateRow>),
}

fn candidate_from(row: &AnyRow) -> Result<Candidate, sqlx::Error> {
    Ok(Candidate {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        location: row.try_get("location")?,
        source: row.try_get("source")?,
        profile_url: row.try_get("profile_url")?,
        self_reported_group: row.try_get("self_reported_group")?,
        notes: row.try_get("notes")?,
        user_id: row.try_get("user_id")?,
        created_ms: row.try_get("created_ms")?,
        last_activity_ms: row.try_get("last_activity_ms")?,
    })
}

pub(crate) fn resume_from(row: &AnyRow) -> Result<Resume, sqlx::Error> {
    Ok(Resume {
        id: row.try_get("id")?,
        candidate_id: row.try_get("candidate_id")?,
        text: row.try_get("text")?,
        screen_json: row.try_get("screen_json")?,
        uploaded_ms: row.try_get("uploaded_ms")?,
    })
}

/// The key the unique index and prefix search use.
fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Inserts one candidate and its audit entry inside `tx`.
async fn insert(
    tx: &mut OrgTx,
    new: &NewCandidate,
    now_ms: i64,
    action: &str,
) -> Result<Candidate, StoreError> {
    let c = Candidate {
        id: new_id(),
        org_id: tx.org().to_owned(),
        name: new.name.trim().to_owned(),
        email: new.email.trim().to_owned(),
        phone: new.phone.clone(),
        location: new.location.clone(),
        source: new.source.clone(),
        profile_url: new.profile_url.clone(),
        self_reported_group: new.self_reported_group.clone(),
        notes: new.notes.clone(),
        user_id: new.user_id.clone(),
        created_ms: now_ms,
        last_activity_ms: now_ms,
    };
    sqlx::query(
        "INSERT INTO candidates (id, org_id, name, name_lc, email, email_lc, phone, location, \
             source, profile_url, self_reported_group, notes, user_id, created_ms, \
             last_activity_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
    )
    .bind(&c.id)
    .bind(&c.org_id)
    .bind(&c.name)
    .bind(fold(&c.name))
    .bind(&c.email)
    .bind(fold(&c.email))
    .bind(&c.phone)
    .bind(&c.location)
    .bind(&c.source)
    .bind(&c.profile_url)
    .bind(&c.self_reported_group)
    .bind(&c.notes)
    .bind(&c.user_id)
    .bind(now_ms)
    .execute(tx.conn())
    .await
    .map_err(|e| taken(e, "a candidate with this email address"))?;
    // The name and email are personal data: they go in the erasable detail only.
    tx.audit(
        action,
        &subject("candidate", &c.id),
        Some(json!({ "name": c.name, "email": c.email, "source": c.source })),
        Some(&c.id),
    )
    .await?;
    Ok(c)
}

impl Store {
    /// Adds a candidate; [`StoreError::Taken`] when the organisation has one with this email
    /// address (in any case).
    pub async fn create_candidate(
        &self,
        org_id: &str,
        new: &NewCandidate,
        by: &str,
        now_ms: i64,
    ) -> Result<Candidate, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let c = insert(&mut tx, new, now_ms, "candidate.created").await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Adds every row of an import in one transaction, or none: when any row's email address
    /// belongs to an existing candidate or repeats an earlier row, nothing is added and every
    /// such row is reported.
    pub async fn import_candidates(
        &self,
        org_id: &str,
        rows: &[CandidateRow],
        by: &str,
        now_ms: i64,
    ) -> Result<ImportOutcome, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let mut duplicates = Vec::new();
        let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
        for row in rows {
            let key = fold(&row.email);
            if let Some(&earlier) = seen.get(&key) {
                duplicates.push(DuplicateRow {
                    line: row.line,
                    email: row.email.clone(),
                    existing: None,
                    earlier_line: Some(earlier),
                });
                continue;
            }
            seen.insert(key.clone(), row.line);
            let existing =
                sqlx::query("SELECT id FROM candidates WHERE org_id = $1 AND email_lc = $2")
                    .bind(org_id)
                    .bind(&key)
                    .fetch_optional(tx.conn())
                    .await?;
            if let Some(existing) = existing {
                duplicates.push(DuplicateRow {
                    line: row.line,
                    email: row.email.clone(),
                    existing: Some(existing.try_get("id")?),
                    earlier_line: None,
                });
            }
        }
        if !duplicates.is_empty() {
            // Dropping the transaction rolls it back: nothing was written.
            return Ok(ImportOutcome::Refused(duplicates));
        }
        let mut added = Vec::with_capacity(rows.len());
        for row in rows {
            added.push(
                insert(
                    &mut tx,
                    &NewCandidate::from(row),
                    now_ms,
                    "candidate.imported",
                )
                .await?,
            );
        }
        tx.commit().await?;
        Ok(ImportOutcome::Imported(added))
    }

    /// One candidate of the organisation.
    pub async fn candidate(
        &self,
        org_id: &str,
        candidate_id: &str,
    ) -> Result<Candidate, StoreError> {
        fetch_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM candidates c WHERE c.id = $1 AND c.org_id = $2"
            ),
            candidate_id,
            org_id,
            "candidate",
            candidate_from,
        )
        .await
    }

    /// The organisation's candidate with this email address (any case).
    pub async fn candidate_by_email(
        &self,
        org_id: &str,
        email: &str,
    ) -> Result<Option<Candidate>, StoreError> {
        maybe_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM candidates c WHERE c.email_lc = $1 AND c.org_id = $2"
            ),
            &fold(email),
            org_id,
            candidate_from,
        )
        .await
    }

    /// The organisation's candidates matching `filter`, newest first, a page at a time.
    ///
    /// The page walks the `(org_id, id)` index newest first; a name or email prefix is a range
    /// on the folded name and email indexes, and requisition, stage and status filters are
    /// checked through the applications' candidate index.
    pub async fn candidates(
        &self,
        org_id: &str,
        filter: &CandidateFilter,
        page: &Page,
    ) -> Result<Paged<Candidate>, StoreError> {
        let mut list = Keyset::new(concat!("SELECT ", columns!()), vec![org_id.to_owned()]);
        match filter.prefix.as_deref().map(fold).filter(|p| !p.is_empty()) {
            // A prefix is two index ranges (folded name, folded email); their matches are
            // joined to the rows, so the search never walks the whole organisation.
            Some(prefix) => {
                let lo = list.arg(prefix.clone());
                let hi = list.arg(format!("{prefix}\u{10FFFF}"));
                list.push(&format!(
                    " FROM (SELECT id FROM candidates \
                             WHERE org_id = $1 AND name_lc >= {lo} AND name_lc < {hi} \
                           UNION SELECT id FROM candidates \
                             WHERE org_id = $1 AND email_lc >= {lo} AND email_lc < {hi}) m \
                      CROSS JOIN candidates c WHERE c.id = m.id AND c.org_id = $1"
                ));
            }
            None => list.push(" FROM candidates c WHERE c.org_id = $1"),
        }
        if filter.requisition_id.is_some() || filter.stage_id.is_some() || filter.status.is_some() {
            list.push(" AND EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id");
            if let Some(r) = &filter.requisition_id {
                list.and_eq("a.requisition_id", r.clone());
            }
            if let Some(s) = &filter.stage_id {
                list.and_eq("a.stage_id", s.clone());
            }
            if let Some(s) = filter.status {
                list.and_eq("a.status", s.as_str().to_owned());
            }
            list.push(")");
        }
        list.page(self.pool(), "c.id", page, candidate_from, |c| c.id.clone())
            .await
    }

    /// Stores a resume for a candidate (a candidate may have several; the newest is current).
    pub async fn attach_resume(
        &self,
        org_id: &str,
        candidate_id: &str,
        text: &str,
        screen_json: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Resume, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        ensure_candidate(&mut tx, candidate_id).await?;
        let resume = Resume {
            id: new_id(),
            candidate_id: candidate_id.to_owned(),
            text: text.to_owned(),
            screen_json: screen_json.map(str::to_owned),
            uploaded_ms: now_ms,
        };
        sqlx::query(
            "INSERT INTO resumes (id, candidate_id, text, screen_json, uploaded_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&resume.id)
        .bind(candidate_id)
        .bind(text)
        .bind(screen_json)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "resume.attached",
            &subject("candidate", candidate_id),
            Some(json!({ "resume": resume.id, "chars": text.chars().count() })),
            Some(candidate_id),
        )
        .await?;
        tx.commit().await?;
        Ok(resume)
    }

    /// A candidate's resumes, oldest first.
    pub async fn resumes(
        &self,
        org_id: &str,
        candidate_id: &str,
    ) -> Result<Vec<Resume>, StoreError> {
        all_in_org(
            self.pool(),
            "SELECT r.id, r.candidate_id, r.text, r.screen_json, r.uploaded_ms FROM resumes r \
             JOIN candidates c ON c.id = r.candidate_id \
             WHERE r.candidate_id = $1 AND c.org_id = $2 ORDER BY r.uploaded_ms, r.id",
            candidate_id,
            org_id,
            resume_from,
        )
        .await
    }
}

/// Checks inside `tx` that the candidate belongs to the organisation.
pub(crate) async fn ensure_candidate(tx: &mut OrgTx, candidate_id: &str) -> Result<(), StoreError> {
    tx.fetch(
        "SELECT 1 AS one FROM candidates WHERE id = $1 AND org_id = $2",
        candidate_id,
        "candidate",
        |_| Ok(()),
    )
    .await
}
