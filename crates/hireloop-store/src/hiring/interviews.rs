//! Interviews: scheduling with a panel, rescheduling and cancelling with a history (and the
//! `sequence` a calendar invitation carries), lists per application and per interviewer, and
//! each interviewer's load.

use hireloop_hiring::roles::Role;
use hireloop_hiring::scorecard::{DEFAULT_GRACE_MS, due_ms};
use hireloop_hiring::webhook::EventKind;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor, Row};

use super::applications;
use super::orgs::ensure_member;
use super::{OrgTx, all_in_org, enum_col, fetch_in_org, subject};
use crate::{Store, StoreError, new_id};

/// The columns of an interview `i`, as `interview_from` reads them.
macro_rules! columns {
    () => {
        "i.id, i.org_id, i.application_id, i.round_id, i.starts_ms, i.ends_ms, i.location, \
         i.url, i.status, i.sequence, i.created_by, i.created_ms"
    };
}

/// An interview by id (`$1`) within its organisation (`$2`), without its panel.
const BY_ID: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM interviews i WHERE i.id = $1 AND i.org_id = $2"
);

/// Where an interview stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    /// On the calendar.
    Scheduled,
    /// Called off.
    Cancelled,
    /// Held.
    Done,
}

impl InterviewStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InterviewStatus::Scheduled => "scheduled",
            InterviewStatus::Cancelled => "cancelled",
            InterviewStatus::Done => "done",
        }
    }

    /// The status with this stored name.
    pub fn parse(s: &str) -> Option<InterviewStatus> {
        [
            InterviewStatus::Scheduled,
            InterviewStatus::Cancelled,
            InterviewStatus::Done,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// A seat on an interview's panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PanelSeat {
    /// The interviewer (a member of the organisation).
    pub user_id: String,
    /// The role they sit in (interviewer, bar raiser, …).
    pub role: Role,
}

/// The stretch of a member's calendar their home page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarWindow {
    /// Where past ends and upcoming begins (ms).
    pub now_ms: i64,
    /// How far back an interview may still owe a scorecard (ms).
    pub since_ms: i64,
    /// How far ahead upcoming interviews are counted (ms).
    pub until_ms: i64,
    /// How many upcoming interviews are read.
    pub upcoming_limit: usize,
}

/// A member's calendar as their home page shows it (see [`Store::member_calendar`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCalendar {
    /// The next upcoming interviews, soonest first.
    pub upcoming: Vec<Interview>,
    /// How many upcoming interviews there are in the window, listed or not.
    pub upcoming_total: u64,
    /// Past interviews whose member's scorecard is past due and not in, oldest first.
    pub owed: Vec<Interview>,
}

/// An interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interview {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The application.
    pub application_id: String,
    /// The plan's round it covers.
    pub round_id: String,
    /// Start.
    pub starts_ms: i64,
    /// End.
    pub ends_ms: i64,
    /// Where, for an interview in person.
    pub location: Option<String>,
    /// The video link.
    pub url: Option<String>,
    /// Where it stands.
    pub status: InterviewStatus,
    /// Bumped by every change, as a calendar invitation's `SEQUENCE`.
    pub sequence: i64,
    /// Who scheduled it.
    pub created_by: String,
    /// When it was scheduled.
    pub created_ms: i64,
    /// The panel, by user id.
    pub panel: Vec<PanelSeat>,
}

/// What an interview is scheduled from.
#[derive(Debug, Clone)]
pub struct NewInterview {
    /// The round.
    pub round_id: String,
    /// Start.
    pub starts_ms: i64,
    /// End.
    pub ends_ms: i64,
    /// Where.
    pub location: Option<String>,
    /// Video link.
    pub url: Option<String>,
    /// The panel; each seat gets a scorecard assignment due after the interview's end.
    pub panel: Vec<PanelSeat>,
}

/// One change in an interview's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewChange {
    /// 1, 2, 3, … in order.
    pub seq: i64,
    /// Start after the change.
    pub starts_ms: i64,
    /// End after the change.
    pub ends_ms: i64,
    /// Status after the change.
    pub status: InterviewStatus,
    /// Who changed it.
    pub changed_by: String,
    /// When.
    pub changed_ms: i64,
    /// Why, when given.
    pub reason: Option<String>,
}

/// How many scheduled interviews a member sits on in a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewerLoad {
    /// The member.
    pub user_id: String,
    /// Scheduled interviews starting in the window.
    pub interviews: i64,
}

fn interview_from(row: &AnyRow) -> Result<Interview, sqlx::Error> {
    Ok(Interview {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        application_id: row.try_get("application_id")?,
        round_id: row.try_get("round_id")?,
        starts_ms: row.try_get("starts_ms")?,
        ends_ms: row.try_get("ends_ms")?,
        location: row.try_get("location")?,
        url: row.try_get("url")?,
        status: enum_col(row, "status", InterviewStatus::parse)?,
        sequence: row.try_get("sequence")?,
        created_by: row.try_get("created_by")?,
        created_ms: row.try_get("created_ms")?,
        panel: Vec::new(),
    })
}

pub(crate) fn change_from(row: &AnyRow) -> Result<InterviewChange, sqlx::Error> {
    Ok(InterviewChange {
        seq: row.try_get("seq")?,
        starts_ms: row.try_get("starts_ms")?,
        ends_ms: row.try_get("ends_ms")?,
        status: enum_col(row, "status", InterviewStatus::parse)?,
        changed_by: row.try_get("changed_by")?,
        changed_ms: row.try_get("changed_ms")?,
        reason: row.try_get("reason")?,
    })
}

impl Store {
    /// Schedules an interview of an active application with its panel; every panel member must
    /// belong to the organisation. Each seat gets an unsubmitted scorecard, due a day after the
    /// end ([`DEFAULT_GRACE_MS`]).
    pub async fn schedule_interview(
        &self,
        org_id: &str,
        application_id: &str,
        new: &NewInterview,
        by: &str,
        now_ms: i64,
    ) -> Result<Interview, StoreError> {
        if new.ends_ms <= new.starts_ms {
            return Err(StoreError::Conflict(
                "an interview must end after it starts".to_owned(),
            ));
        }
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let app = applications::fetch(&mut tx, application_id).await?;
        if app.status != applications::ApplicationStatus::Active {
            return Err(StoreError::Conflict(
                "only an active application's interviews are scheduled".to_owned(),
            ));
        }
        for seat in &new.panel {
            ensure_member(&mut tx, &seat.user_id, "panel member").await?;
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO interviews (id, org_id, application_id, round_id, starts_ms, ends_ms, \
                 location, url, status, sequence, created_by, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', 0, $9, $10)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(application_id)
        .bind(&new.round_id)
        .bind(new.starts_ms)
        .bind(new.ends_ms)
        .bind(&new.location)
        .bind(&new.url)
        .bind(by)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
        let due = due_ms(new.ends_ms, DEFAULT_GRACE_MS);
        for seat in &new.panel {
            sqlx::query(
                "INSERT INTO interview_panel (interview_id, user_id, role) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(&seat.user_id)
            .bind(seat.role.id())
            .execute(tx.conn())
            .await
            .map_err(|e| super::taken(e, "a panel seat of this member"))?;
            sqlx::query(
                "INSERT INTO scorecards (id, org_id, interview_id, application_id, round_id, \
                     interviewer_id, ratings, notes, summary, due_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, '{}', '{}', '', $7)",
            )
            .bind(new_id())
            .bind(org_id)
            .bind(&id)
            .bind(application_id)
            .bind(&new.round_id)
            .bind(&seat.user_id)
            .bind(due)
            .execute(tx.conn())
            .await?;
        }
        history(
            &mut tx,
            &id,
            1,
            new.starts_ms,
            new.ends_ms,
            InterviewStatus::Scheduled,
            by,
            now_ms,
            None,
        )
        .await?;
        let panel: Vec<&str> = new.panel.iter().map(|s| s.user_id.as_str()).collect();
        tx.audit(
            "interview.scheduled",
            &subject("interview", &id),
            Some(json!({
                "application": application_id,
                "round": new.round_id,
                "starts_ms": new.starts_ms,
                "ends_ms": new.ends_ms,
                "panel": panel,
            })),
            Some(&app.candidate_id),
        )
        .await?;
        tx.enqueue(
            EventKind::InterviewScheduled,
            json!({ "interview": id, "application": application_id, "round": new.round_id,
                    "starts_ms": new.starts_ms, "ends_ms": new.ends_ms }),
            Some(&app.candidate_id),
        )
        .await?;
        let interview = fetch(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(interview)
    }

    /// Moves a scheduled interview: its history gains the change, its `sequence` goes up by
    /// one and its unsubmitted scorecards fall due after the new end.
    #[allow(clippy::too_many_arguments)]
    pub async fn reschedule_interview(
        &self,
        org_id: &str,
        interview_id: &str,
        starts_ms: i64,
        ends_ms: i64,
        reason: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Interview, StoreError> {
        if ends_ms <= starts_ms {
            return Err(StoreError::Conflict(
                "an interview must end after it starts".to_owned(),
            ));
        }
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let current = fetch(&mut tx, interview_id).await?;
        if current.status != InterviewStatus::Scheduled {
            return Err(StoreError::Conflict(format!(
                "the interview is {}; only a scheduled one is moved",
                current.status.as_str()
            )));
        }
        sqlx::query(
            "UPDATE interviews SET starts_ms = $1, ends_ms = $2, sequence = sequence + 1 \
             WHERE id = $3 AND org_id = $4",
        )
        .bind(starts_ms)
        .bind(ends_ms)
        .bind(interview_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        sqlx::query(
            "UPDATE scorecards SET due_ms = $1 WHERE interview_id = $2 AND submitted_ms IS NULL",
        )
        .bind(due_ms(ends_ms, DEFAULT_GRACE_MS))
        .bind(interview_id)
        .execute(tx.conn())
        .await?;
        let seq = next_history_seq(&mut tx, interview_id).await?;
        history(
            &mut tx,
            interview_id,
            seq,
            starts_ms,
            ends_ms,
            InterviewStatus::Scheduled,
            by,
            now_ms,
            reason,
        )
        .await?;
        let candidate = super::assessments::candidate_of(&mut tx, &current.application_id).await?;
        tx.audit(
            "interview.rescheduled",
            &subject("interview", interview_id),
            Some(json!({ "starts_ms": starts_ms, "ends_ms": ends_ms, "reason": reason })),
            Some(&candidate),
        )
        .await?;
        tx.enqueue(
            EventKind::InterviewScheduled,
            json!({ "interview": interview_id, "application": current.application_id,
                    "round": current.round_id, "starts_ms": starts_ms, "ends_ms": ends_ms }),
            Some(&candidate),
        )
        .await?;
        let interview = fetch(&mut tx, interview_id).await?;
        tx.commit().await?;
        Ok(interview)
    }

    /// Cancels a scheduled interview; its unsubmitted scorecard assignments go with it.
    pub async fn cancel_interview(
        &self,
        org_id: &str,
        interview_id: &str,
        reason: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Interview, StoreError> {
        self.end_interview(
            org_id,
            interview_id,
            InterviewStatus::Cancelled,
            reason,
            by,
            now_ms,
        )
        .await
    }

    /// Marks a scheduled interview as held.
    pub async fn complete_interview(
        &self,
        org_id: &str,
        interview_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<Interview, StoreError> {
        self.end_interview(
            org_id,
            interview_id,
            InterviewStatus::Done,
            None,
            by,
            now_ms,
        )
        .await
    }

    async fn end_interview(
        &self,
        org_id: &str,
        interview_id: &str,
        status: InterviewStatus,
        reason: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Interview, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let current = fetch(&mut tx, interview_id).await?;
        if current.status != InterviewStatus::Scheduled {
            return Err(StoreError::Conflict(format!(
                "the interview is already {}",
                current.status.as_str()
            )));
        }
        sqlx::query(
            "UPDATE interviews SET status = $1, sequence = sequence + 1 WHERE id = $2 AND org_id = $3",
        )
        .bind(status.as_str())
        .bind(interview_id)
        .bind(org_id)
        .execute(tx.conn())
        .await?;
        if status == InterviewStatus::Cancelled {
            sqlx::query("DELETE FROM scorecards WHERE interview_id = $1 AND submitted_ms IS NULL")
                .bind(interview_id)
                .execute(tx.conn())
                .await?;
        }
        let seq = next_history_seq(&mut tx, interview_id).await?;
        history(
            &mut tx,
            interview_id,
            seq,
            current.starts_ms,
            current.ends_ms,
            status,
            by,
            now_ms,
            reason,
        )
        .await?;
        let candidate = super::assessments::candidate_of(&mut tx, &current.application_id).await?;
        tx.audit(
            if status == InterviewStatus::Cancelled {
                "interview.cancelled"
            } else {
                "interview.done"
            },
            &subject("interview", interview_id),
            reason.map(|r| json!({ "reason": r })),
            Some(&candidate),
        )
        .await?;
        if status == InterviewStatus::Cancelled {
            tx.enqueue(
                EventKind::InterviewCancelled,
                json!({ "interview": interview_id, "application": current.application_id }),
                Some(&candidate),
            )
            .await?;
        }
        let interview = fetch(&mut tx, interview_id).await?;
        tx.commit().await?;
        Ok(interview)
    }

    /// One interview of the organisation, with its panel.
    pub async fn interview(
        &self,
        org_id: &str,
        interview_id: &str,
    ) -> Result<Interview, StoreError> {
        let mut interview = fetch_in_org(
            self.pool(),
            BY_ID,
            interview_id,
            org_id,
            "interview",
            interview_from,
        )
        .await?;
        interview.panel = panel_of(self.pool(), interview_id).await?;
        Ok(interview)
    }

    /// An application's interviews, by start time, with their panels.
    pub async fn interviews_of(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Vec<Interview>, StoreError> {
        let interviews = all_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                columns!(),
                " FROM interviews i WHERE i.application_id = $1 AND i.org_id = $2 \
                 ORDER BY i.starts_ms, i.id"
            ),
            application_id,
            org_id,
            interview_from,
        )
        .await?;
        self.with_panels(interviews).await
    }

    /// The interviews a member sits on that start in `[from_ms, to_ms)`, by start time (every
    /// status; the caller shows cancelled ones struck through or not at all).
    pub async fn interviews_for(
        &self,
        org_id: &str,
        user_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<Interview>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            // CROSS JOIN keeps SQLite's planner on the member's panel seats first (their few
            // interviews) rather than on every interview of the organisation.
            " FROM interview_panel p CROSS JOIN interviews i \
             WHERE i.id = p.interview_id AND p.user_id = $1 AND i.org_id = $2 \
               AND i.starts_ms >= $3 AND i.starts_ms < $4 \
             ORDER BY i.starts_ms, i.id"
        ))
        .bind(user_id)
        .bind(org_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await?;
        let interviews = rows
            .iter()
            .map(interview_from)
            .collect::<Result<Vec<_>, _>>()?;
        self.with_panels(interviews).await
    }

    /// What a member's home page lists of their calendar, without reading all of it (an
    /// interviewer sits on hundreds of interviews a season): the first `upcoming_limit`
    /// interviews not cancelled that start in `[now_ms, until_ms)` with the count of all of
    /// them, and every interview not cancelled that started in `[since_ms, now_ms)` whose
    /// member's scorecard is past due and not submitted.
    ///
    /// Both are found through the member's scorecards by due time: every panel seat has its
    /// card from the moment it is scheduled, due a grace period after the interview ends, so
    /// an interview starting at or after `now_ms` has a card due after it.
    pub async fn member_calendar(
        &self,
        org_id: &str,
        user_id: &str,
        window: &CalendarWindow,
    ) -> Result<MemberCalendar, StoreError> {
        const UPCOMING: &str = " FROM scorecards s CROSS JOIN interviews i \
             WHERE s.interviewer_id = $1 AND s.due_ms >= $3 AND i.id = s.interview_id \
               AND i.org_id = $2 AND i.starts_ms >= $3 AND i.starts_ms < $4 \
               AND i.status <> 'cancelled'";
        let upcoming = sqlx::query(AssertSqlSafe(format!(
            "SELECT {}{UPCOMING} ORDER BY i.starts_ms, i.id LIMIT $5",
            columns!()
        )))
        .bind(user_id)
        .bind(org_id)
        .bind(window.now_ms)
        .bind(window.until_ms)
        .bind(i64::try_from(window.upcoming_limit).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        let upcoming_total: i64 =
            sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) AS n{UPCOMING}")))
                .bind(user_id)
                .bind(org_id)
                .bind(window.now_ms)
                .bind(window.until_ms)
                .fetch_one(self.pool())
                .await?
                .try_get("n")?;
        let owed = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM scorecards s CROSS JOIN interviews i \
             WHERE s.interviewer_id = $1 AND s.due_ms >= $3 AND s.due_ms < $4 \
               AND s.submitted_ms IS NULL \
               AND i.id = s.interview_id AND i.org_id = $2 \
               AND i.starts_ms >= $3 AND i.starts_ms < $4 AND i.status <> 'cancelled' \
             ORDER BY i.starts_ms, i.id"
        ))
        .bind(user_id)
        .bind(org_id)
        .bind(window.since_ms)
        .bind(window.now_ms)
        .fetch_all(self.pool())
        .await?;
        let read = |rows: Vec<AnyRow>| {
            rows.iter()
                .map(interview_from)
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(MemberCalendar {
            upcoming: self.with_panels(read(upcoming)?).await?,
            upcoming_total: u64::try_from(upcoming_total).unwrap_or(0),
            owed: self.with_panels(read(owed)?).await?,
        })
    }

    /// An interview's history, in order.
    pub async fn interview_history(
        &self,
        org_id: &str,
        interview_id: &str,
    ) -> Result<Vec<InterviewChange>, StoreError> {
        all_in_org(
            self.pool(),
            "SELECT h.seq, h.starts_ms, h.ends_ms, h.status, h.changed_by, h.changed_ms, h.reason \
             FROM interview_history h JOIN interviews i ON i.id = h.interview_id \
             WHERE h.interview_id = $1 AND i.org_id = $2 ORDER BY h.seq",
            interview_id,
            org_id,
            change_from,
        )
        .await
    }

    /// For every staff member of the organisation, how many scheduled interviews they sit on
    /// that start in `[from_ms, to_ms)` — the least loaded first, then by user id.
    pub async fn interviewer_load(
        &self,
        org_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<InterviewerLoad>, StoreError> {
        let rows = sqlx::query(
            // The window's scheduled interviews first (the `(org, status, starts)` index),
            // then their seats: joining every member's seats of all time to the interviews
            // read ~100,000 rows for an organisation with a year of interviews.
            "SELECT m.user_id, COUNT(w.interview_id) AS n FROM members m \
             LEFT JOIN (SELECT p.user_id, p.interview_id FROM interviews i \
                        JOIN interview_panel p ON p.interview_id = i.id \
                        WHERE i.org_id = $1 AND i.status = 'scheduled' \
                          AND i.starts_ms >= $2 AND i.starts_ms < $3) w \
                 ON w.user_id = m.user_id \
             WHERE m.org_id = $1 AND m.role <> 'candidate' \
             GROUP BY m.user_id ORDER BY COUNT(w.interview_id), m.user_id",
        )
        .bind(org_id)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InterviewerLoad {
                    user_id: r.try_get("user_id")?,
                    interviews: r.try_get("n")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(Into::into)
    }

    /// The interviews with their panels filled in.
    async fn with_panels(
        &self,
        mut interviews: Vec<Interview>,
    ) -> Result<Vec<Interview>, StoreError> {
        // Every panel in one query per 500 interviews: a member's calendar holds hundreds, and
        // a query each was most of the cost of their home page.
        let ids: Vec<&str> = interviews.iter().map(|i| i.id.as_str()).collect();
        let mut panels: std::collections::HashMap<String, Vec<PanelSeat>> =
            std::collections::HashMap::new();
        let rows = super::facts::rows_by_ids(self.pool(), &[], &ids, |list| {
            format!(
                "SELECT interview_id, user_id, role FROM interview_panel \
                 WHERE interview_id IN ({list}) ORDER BY interview_id, user_id"
            )
        })
        .await?;
        for row in rows {
            let seat = PanelSeat {
                user_id: row.try_get("user_id")?,
                role: enum_col(&row, "role", Role::from_id)?,
            };
            panels
                .entry(row.try_get("interview_id")?)
                .or_default()
                .push(seat);
        }
        for interview in &mut interviews {
            interview.panel = panels.remove(&interview.id).unwrap_or_default();
        }
        Ok(interviews)
    }
}

/// An interview's panel, by user id (the interview's organisation was checked by its caller).
async fn panel_of<'c>(
    conn: impl Executor<'c, Database = Any>,
    interview_id: &str,
) -> Result<Vec<PanelSeat>, StoreError> {
    let rows = sqlx::query(
        "SELECT user_id, role FROM interview_panel WHERE interview_id = $1 ORDER BY user_id",
    )
    .bind(interview_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PanelSeat {
                user_id: r.try_get("user_id")?,
                role: enum_col(r, "role", Role::from_id)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The interview with its panel inside a write transaction; [`StoreError::NotFound`] outside
/// the organisation.
async fn fetch(tx: &mut OrgTx, interview_id: &str) -> Result<Interview, StoreError> {
    let mut interview = tx
        .fetch(BY_ID, interview_id, "interview", interview_from)
        .await?;
    interview.panel = panel_of(tx.conn(), interview_id).await?;
    Ok(interview)
}

async fn next_history_seq(tx: &mut OrgTx, interview_id: &str) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT MAX(seq) AS last FROM interview_history WHERE interview_id = $1")
        .bind(interview_id)
        .fetch_one(tx.conn())
        .await?;
    Ok(row.try_get::<Option<i64>, _>("last")?.unwrap_or(0) + 1)
}

#[allow(clippy::too_many_arguments)]
async fn history(
    tx: &mut OrgTx,
    interview_id: &str,
    seq: i64,
    starts_ms: i64,
    ends_ms: i64,
    status: InterviewStatus,
    by: &str,
    now_ms: i64,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO interview_history (interview_id, seq, starts_ms, ends_ms, status, changed_by, \
             changed_ms, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(interview_id)
    .bind(seq)
    .bind(starts_ms)
    .bind(ends_ms)
    .bind(status.as_str())
    .bind(by)
    .bind(now_ms)
    .bind(reason)
    .execute(tx.conn())
    .await?;
    Ok(())
}
