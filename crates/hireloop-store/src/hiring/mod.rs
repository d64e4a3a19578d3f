//! Hiring mode's storage: organisations, requisitions, candidates, applications, assessments,
//! interviews, scorecards, decisions and offers, the audit log, webhooks and erasure.
//!
//! The store persists and reads; the rules (who may do what, what a valid scorecard is, when an
//! offer needs approval) live in `hireloop-hiring`, and the server applies them before it calls
//! here. What the store does guarantee:
//!
//! - **Isolation.** Every operation names the organisation, and every query is keyed by it (a
//!   child row through its parent), so an id of organisation A used with organisation B finds
//!   nothing ([`StoreError::NotFound`]).
//! - **An audit entry with every change.** Each state-changing operation opens an [`OrgTx`],
//!   which first locks the organisation's audit head, then makes its change, seals its audit
//!   entry over that head with [`hireloop_hiring::audit::seal`] and commits both together.
//!   Autosaves (scorecard and assessment drafts) are not audited: they are not decisions, and
//!   auditing every keystroke would serialise an organisation's typing on one lock.
//! - **Serialised chains.** On PostgreSQL the head row is read `FOR UPDATE`, so concurrent
//!   writers of one organisation queue on that row lock (other organisations are not held up);
//!   on SQLite the transaction starts with `BEGIN IMMEDIATE`, which takes the database's single
//!   write lock before the head is read (the busy timeout makes later writers wait for it).
//! - **A transactional outbox.** Stage changes, decisions and offer changes enqueue one
//!   delivery per subscribed active webhook in the same transaction as the change.
//!
//! Personal data (names, emails, notes, anything a person wrote) never goes in an audit entry's
//! actor, action or subject — those hold ids only and are hashed for ever — but may go in its
//! detail, which erasure removes.
//!
//! # Tables (migration `0002_hiring`)
//!
//! | table | key | what |
//! |---|---|---|
//! | `orgs`, `members` | id; (org, user) | organisations; a user's role in each |
//! | `requisitions`, `hiring_team` | id; (requisition, user) | positions; who works on each |
//! | `candidates`, `resumes` | id (unique folded email per org); id | people; their resumes |
//! | `applications`, `stage_visits` | id (one per candidate and requisition); (application, seq) | progress through the stages |
//! | `assessments`, `assessment_answers` | id (unique nonce); (assessment, item) | online assessments |
//! | `interviews`, `interview_panel`, `interview_history` | id; (interview, user); (interview, seq) | the calendar |
//! | `scorecards` | id (one per interview and panel member) | judgements, drafts until submitted |
//! | `decisions`, `offers` | application; id | the outcome and what was offered |
//! | `audit_heads`, `audit_log` | org; (org, seq) | the chain's head (the lock) and its entries |
//! | `webhooks`, `webhook_deliveries` | id; id | endpoints and the outbox |
//! | `candidate_tombstones` | candidate | what is left after erasure: when, who, counts |
//!
//! Lists are keyset-paged on the time-ordered ids ([`Page`], [`Paged`]) and each has an index
//! that serves its filter in page order; the plans were checked with `EXPLAIN` on both
//! backends.

mod applications;
mod assessments;
mod audit;
mod candidates;
mod decisions;
mod erasure;
mod facts;
mod interviews;
mod orgs;
mod requisitions;
mod scorecards;
#[cfg(feature = "seed")]
mod seed;
mod webhooks;

use hireloop_hiring::audit::{Draft, Entry, GENESIS, canonical_json, seal};
use hireloop_hiring::webhook::{EventKind, WebhookEvent};
use serde::Serialize;
use serde_json::Value;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, Executor, Row, Transaction};

use crate::{Backend, Store, StoreError, new_id};

pub use applications::{
    Application, ApplicationFilter, ApplicationStatus, StageVisit, VisitOutcome,
};
pub use assessments::{Assessment, AssessmentAnswer};
pub use audit::ChainStatus;
pub use candidates::{
    Candidate, CandidateFilter, DuplicateRow, ImportOutcome, NewCandidate, Resume,
};
pub use decisions::{Decision, NewDecision, NewOffer, Offer, OfferStatus};
pub use erasure::Tombstone;
pub use facts::{ApplicationFacts, CandidateName, RequisitionFacts};
pub use interviews::{
    CalendarWindow, Interview, InterviewChange, InterviewStatus, InterviewerLoad, MemberCalendar,
    NewInterview, PanelSeat,
};
pub use orgs::{Member, MemberAccount, Org};
pub use requisitions::{NewRequisition, Requisition, RequisitionSummary, TeamMember};
pub use scorecards::{OverdueScorecard, ScorecardDraft, ScorecardRecord};
#[cfg(feature = "seed")]
pub use seed::{SeedAudit, SeedTx, SeedValue};
pub use webhooks::{Delivery, DeliveryStatus, Webhook};

/// A page request for a list: at most `limit` rows after the cursor `after` (the `next` of the
/// previous page; `None` for the first page). Lists are keyset-paged, so a page costs the same
/// however deep it is.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The cursor returned as [`Paged::next`] by the previous page.
    pub after: Option<String>,
    /// Most rows to return (clamped to 1..=1000).
    pub limit: i64,
}

impl Page {
    /// The first page of `limit` rows.
    pub fn first(limit: i64) -> Page {
        Page { after: None, limit }
    }

    /// The page after `next`, of the same size.
    pub fn after(next: &str, limit: i64) -> Page {
        Page {
            after: Some(next.to_owned()),
            limit,
        }
    }

    /// The page size, clamped to 1..=1000.
    pub(crate) fn clamped(&self) -> i64 {
        self.limit.clamp(1, 1000)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The cursor of the next page, `None` when this page is the last.
    pub next: Option<String>,
}

impl<T> Paged<T> {
    /// A page from `items`, which the query fetched with `limit + 1` rows: the extra row, when
    /// present, only says that another page follows (its cursor is the last kept row's `key`).
    pub(crate) fn of(mut items: Vec<T>, limit: i64, key: impl Fn(&T) -> String) -> Paged<T> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let more = items.len() > limit;
        items.truncate(limit);
        let next = if more { items.last().map(key) } else { None };
        Paged { items, next }
    }
}

/// A keyset-paged list query being built: its SQL so far and the text arguments its
/// placeholders `$1, $2, …` stand for, in order. Filters add a condition only when set, so every
/// combination stays a plain index range (a condition like `($3 = '' OR a.stage_id = $3)` would
/// defeat the index).
pub(crate) struct Keyset {
    sql: String,
    args: Vec<String>,
}

impl Keyset {
    /// A list query from `sql`, whose placeholders so far stand for `args`.
    pub(crate) fn new(sql: &str, args: Vec<String>) -> Keyset {
        Keyset {
            sql: sql.to_owned(),
            args,
        }
    }

    /// Adds `value` as the next argument and returns its placeholder.
    pub(crate) fn arg(&mut self, value: String) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    /// Appends SQL text (which names its arguments through [`Keyset::arg`]).
    pub(crate) fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Appends ` AND column = value`.
    pub(crate) fn and_eq(&mut self, column: &str, value: String) {
        let p = self.arg(value);
        self.sql.push_str(&format!(" AND {column} = {p}"));
    }

    /// Runs the query as one page, newest first by the time-ordered `id_column`: after the
    /// page's cursor, with one row more than the page so that [`Paged::of`] can tell whether
    /// another page follows.
    pub(crate) async fn page<T>(
        mut self,
        pool: &AnyPool,
        id_column: &str,
        page: &Page,
        from_row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
        key: impl Fn(&T) -> String,
    ) -> Result<Paged<T>, StoreError> {
        let limit = page.clamped();
        if let Some(after) = &page.after {
            let p = self.arg(after.clone());
            self.sql.push_str(&format!(" AND {id_column} < {p}"));
        }
        // The limit is the last placeholder, bound as a number after the text arguments.
        self.sql.push_str(&format!(
            " ORDER BY {id_column} DESC LIMIT ${}",
            self.args.len() + 1
        ));
        // The SQL is this crate's own text; every value in it is a bound argument.
        let mut query = sqlx::query(AssertSqlSafe(self.sql));
        for a in self.args {
            query = query.bind(a);
        }
        let rows = query.bind(limit + 1).fetch_all(pool).await?;
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(Paged::of(items, limit, key))
    }
}

/// The row `sql` selects by a key (`$1`) within an organisation (`$2`), if there is one.
pub(crate) async fn maybe_in_org<'c, T>(
    conn: impl Executor<'c, Database = Any>,
    sql: &'static str,
    key: &str,
    org_id: &str,
    from_row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Option<T>, StoreError> {
    let row = sqlx::query(sql)
        .bind(key)
        .bind(org_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// The row `sql` selects by a key (`$1`) within an organisation (`$2`); [`StoreError::NotFound`]
/// naming `what` when there is none — which is also what another organisation's id finds.
pub(crate) async fn fetch_in_org<'c, T>(
    conn: impl Executor<'c, Database = Any>,
    sql: &'static str,
    key: &str,
    org_id: &str,
    what: &'static str,
    from_row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<T, StoreError> {
    maybe_in_org(conn, sql, key, org_id, from_row)
        .await?
        .ok_or(StoreError::NotFound { what })
}

/// Every row `sql` selects by a key (`$1`) within an organisation (`$2`), in the query's order.
pub(crate) async fn all_in_org<'c, T>(
    conn: impl Executor<'c, Database = Any>,
    sql: &'static str,
    key: &str,
    org_id: &str,
    from_row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, StoreError> {
    let rows = sqlx::query(sql)
        .bind(key)
        .bind(org_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// A write transaction of one organisation that holds its audit head: every change made through
/// it is committed together with the audit entries (and webhook deliveries) it appended. One
/// transaction is one operation, so it carries the operation's actor and time, which every entry
/// and delivery it appends is stamped with.
pub(crate) struct OrgTx {
    tx: Transaction<'static, Any>,
    org_id: String,
    actor: String,
    at_ms: i64,
    head: Option<Entry>,
    moved: bool,
}

/// A head as [`seal`] needs it: only `seq` and `hash` are read from the previous entry.
fn head_entry(seq: i64, hash: String) -> Option<Entry> {
    if seq <= 0 {
        return None;
    }
    Some(Entry {
        seq: to_u64(seq),
        at_ms: 0,
        actor: String::new(),
        action: String::new(),
        subject: String::new(),
        detail: None,
        detail_erased: false,
        detail_digest: String::new(),
        prev_hash: String::new(),
        hash,
    })
}

/// A stored sequence number as the chain counts it (a negative one, which only tampering makes,
/// reads as 0 and fails verification).
pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A chain position as stored.
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A 0/1 flag as a bool.
pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

/// A JSON text column as a value (`null` when the text is not JSON, which only a hand-edited
/// row can be).
pub(crate) fn json_col(row: &AnyRow, col: &str) -> Result<Value, sqlx::Error> {
    let text: String = row.try_get(col)?;
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A nullable JSON text column as a value.
pub(crate) fn json_opt(row: &AnyRow, col: &str) -> Result<Option<Value>, sqlx::Error> {
    let text: Option<String> = row.try_get(col)?;
    Ok(text.map(|t| serde_json::from_str(&t).unwrap_or(Value::Null)))
}

/// Reads a text enum column with `parse`, reporting an unknown value as a decode error.
pub(crate) fn enum_col<T>(
    row: &AnyRow,
    col: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(col)?;
    parse(&text).ok_or_else(|| {
        sqlx::Error::Decode(format!("unknown value {text:?} in column {col}").into())
    })
}

/// The typed subject of an audit entry: `kind:id`.
pub(crate) fn subject(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

impl Store {
    /// Begins a write transaction of `org_id` for a change `actor` makes at `at_ms`, and locks
    /// the organisation's audit head; [`StoreError::NotFound`] when the organisation does not
    /// exist.
    pub(crate) async fn org_tx(
        &self,
        org_id: &str,
        actor: &str,
        at_ms: i64,
    ) -> Result<OrgTx, StoreError> {
        let mut tx = self.begin_write().await?;
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT seq, hash FROM audit_heads WHERE org_id = $1",
            Backend::Postgres => "SELECT seq, hash FROM audit_heads WHERE org_id = $1 FOR UPDATE",
        };
        let row = sqlx::query(sql)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                what: "organisation",
            });
        };
        let head = head_entry(row.try_get("seq")?, row.try_get("hash")?);
        Ok(OrgTx {
            tx,
            org_id: org_id.to_owned(),
            actor: actor.to_owned(),
            at_ms,
            head,
            moved: false,
        })
    }

    /// Begins a transaction that writes: on SQLite `BEGIN IMMEDIATE`, which takes the write lock
    /// at once (waiting up to the busy timeout) so no read inside it can go stale.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        })
    }
}

impl OrgTx {
    /// A transaction for an organisation whose head row was just inserted inside `tx`.
    pub(crate) fn fresh(
        tx: Transaction<'static, Any>,
        org_id: &str,
        actor: &str,
        at_ms: i64,
    ) -> OrgTx {
        OrgTx {
            tx,
            org_id: org_id.to_owned(),
            actor: actor.to_owned(),
            at_ms,
            head: None,
            moved: false,
        }
    }

    /// The connection to run the change's statements on.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// The organisation this transaction writes to.
    pub(crate) fn org(&self) -> &str {
        &self.org_id
    }

    /// [`fetch_in_org`] inside this transaction, within its organisation.
    pub(crate) async fn fetch<T>(
        &mut self,
        sql: &'static str,
        key: &str,
        what: &'static str,
        from_row: impl Fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<T, StoreError> {
        fetch_in_org(&mut *self.tx, sql, key, &self.org_id, what, from_row).await
    }

    /// Runs a statement of the change that must touch a row; [`StoreError::NotFound`] naming
    /// `what` when it touches none (there is no such row in the organisation).
    pub(crate) async fn change_one(
        &mut self,
        query: Query<'_, Any, AnyArguments>,
        what: &'static str,
    ) -> Result<(), StoreError> {
        let done = query.execute(&mut *self.tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what });
        }
        Ok(())
    }

    /// Seals and appends an audit entry of the transaction's actor and time after the current
    /// head. `candidate` ties the entry to a candidate (not hashed) so erasure can find it, and
    /// counts as activity for retention.
    pub(crate) async fn audit(
        &mut self,
        action: &str,
        subject: &str,
        detail: Option<Value>,
        candidate: Option<&str>,
    ) -> Result<Entry, StoreError> {
        let at_ms = self.at_ms;
        let entry = seal(
            self.head.as_ref(),
            Draft {
                at_ms,
                actor: self.actor.clone(),
                action: action.to_owned(),
                subject: subject.to_owned(),
                detail,
            },
        );
        let detail_text = entry.detail.as_ref().map(canonical_json);
        sqlx::query(
            "INSERT INTO audit_log (org_id, seq, at_ms, actor, action, subject, detail, \
                                    detail_digest, detail_erased, prev_hash, hash, candidate_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11)",
        )
        .bind(&self.org_id)
        .bind(to_i64(entry.seq))
        .bind(entry.at_ms)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(detail_text)
        .bind(&entry.detail_digest)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .bind(candidate)
        .execute(&mut *self.tx)
        .await?;
        if let Some(candidate) = candidate {
            sqlx::query(
                "UPDATE candidates SET last_activity_ms = $1 \
                 WHERE id = $2 AND org_id = $3 AND last_activity_ms < $1",
            )
            .bind(at_ms)
            .bind(candidate)
            .bind(&self.org_id)
            .execute(&mut *self.tx)
            .await?;
        }
        self.head = Some(entry.clone());
        self.moved = true;
        Ok(entry)
    }

    /// Enqueues `kind`, occurring at the transaction's time, for every active webhook of the
    /// organisation subscribed to it; returns how many deliveries were queued. The body is built
    /// once, so every hook (and every retry) sends the same bytes under the same event id.
    pub(crate) async fn enqueue(
        &mut self,
        kind: EventKind,
        data: Value,
        candidate: Option<&str>,
    ) -> Result<usize, StoreError> {
        let now_ms = self.at_ms;
        let hooks = sqlx::query("SELECT id, events FROM webhooks WHERE org_id = $1 AND active = 1")
            .bind(&self.org_id)
            .fetch_all(&mut *self.tx)
            .await?;
        let event = WebhookEvent {
            id: new_id(),
            kind,
            org: self.org_id.clone(),
            occurred_ms: now_ms,
            data,
        };
        let body = event.body();
        let mut queued = 0;
        for hook in hooks {
            let events: Vec<String> =
                serde_json::from_str(&hook.try_get::<String, _>("events")?).unwrap_or_default();
            if !events.iter().any(|e| e == kind.as_str()) {
                continue;
            }
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, org_id, webhook_id, event_id, kind, body, \
                     candidate_id, attempts, next_attempt_ms, status, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, 'pending', $8)",
            )
            .bind(new_id())
            .bind(&self.org_id)
            .bind(hook.try_get::<String, _>("id")?)
            .bind(&event.id)
            .bind(kind.as_str())
            .bind(&body)
            .bind(candidate)
            .bind(now_ms)
            .execute(&mut *self.tx)
            .await?;
            queued += 1;
        }
        Ok(queued)
    }

    /// Moves the head to the last entry appended and commits everything.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        if self.moved {
            let (seq, hash) = match &self.head {
                Some(h) => (to_i64(h.seq), h.hash.clone()),
                None => (0, GENESIS.to_owned()),
            };
            sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE org_id = $3")
                .bind(seq)
                .bind(hash)
                .bind(&self.org_id)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

/// Maps a unique violation to [`StoreError::Taken`], anything else to a database error.
pub(crate) fn taken(e: sqlx::Error, what: &'static str) -> StoreError {
    if StoreError::unique_violation(&e) {
        StoreError::Taken { what }
    } else {
        StoreError::Database(e)
    }
}
