//! The hiring suite's scaffolding: a raw pool for checks and tampering by SQL, an organisation
//! with its staff to run each case in, and builders for the usual fixtures. (The scratch
//! database per case on every backend is `common`, shared with the store suite.)

#![allow(dead_code)]

use std::future::Future;

use hireloop_hiring::roles::Role;
use hireloop_hiring::webhook::EventKind;
use hireloop_store::{
    Application, Backend, Candidate, ChainStatus, Interview, NewCandidate, NewDecision,
    NewInterview, NewOffer, NewRequisition, PanelSeat, ScorecardDraft, Store, StoreError,
    VisitOutcome, Webhook,
};
use serde_json::{Value, json};
use sqlx::{AnyPool, AssertSqlSafe};

pub use crate::common::{exec, on_every_backend, raw, user};

/// A day in milliseconds.
pub const DAY: i64 = 86_400_000;

/// One number from a `SELECT COUNT(*) AS n …` query.
pub async fn count(pool: &AnyPool, sql: &str) -> i64 {
    use sqlx::Row;
    let row = sqlx::query(AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    row.try_get::<i64, _>(0).expect("count")
}

/// A requisition's settings.
pub fn req(title: &str) -> NewRequisition<'_> {
    NewRequisition {
        title,
        pipeline_id: "alibaba-pm",
        level_min: "P6",
        level_max: "P7",
        region: "cn",
        language: "en",
        blind_first_stage: true,
    }
}

/// The backend's name, for messages.
pub fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// An organisation with its staff and one open requisition.
pub struct World {
    pub store: Store,
    pub raw: AnyPool,
    pub org: String,
    pub admin: String,
    pub recruiter: String,
    pub manager: String,
    pub iv1: String,
    pub iv2: String,
    pub req: String,
}

/// Runs one case in a fresh [`World`] on every backend.
pub async fn in_world<F, Fut>(case: &str, body: F)
where
    F: Fn(World) -> Fut,
    Fut: Future<Output = ()>,
{
    on_every_backend(case, |url| {
        let body = &body;
        async move { body(world(&url).await).await }
    })
    .await;
}

/// Opens the case's database and sets up the [`World`]: an admin creates the organisation at
/// 10, adds a recruiter, a hiring manager and two interviewers at 20, and opens a requisition at
/// 30.
pub async fn world(url: &str) -> World {
    let store = Store::open(url).await.unwrap();
    let raw = raw(url).await;
    let admin = user(&store, "admin@example.com").await;
    let recruiter = user(&store, "recruiter@example.com").await;
    let manager = user(&store, "manager@example.com").await;
    let iv1 = user(&store, "iv1@example.com").await;
    let iv2 = user(&store, "iv2@example.com").await;
    let org = store
        .create_org("Acme", "acme", 180, &admin, 10)
        .await
        .unwrap()
        .id;
    for (u, role) in [
        (&recruiter, Role::Recruiter),
        (&manager, Role::HiringManager),
        (&iv1, Role::Interviewer),
        (&iv2, Role::BarRaiser),
    ] {
        store.add_member(&org, u, role, &admin, 20).await.unwrap();
    }
    let req = store
        .create_requisition(&org, &req("Product Manager"), &admin, 30)
        .await
        .unwrap()
        .id;
    World {
        store,
        raw,
        org,
        admin,
        recruiter,
        manager,
        iv1,
        iv2,
        req,
    }
}

impl World {
    /// The recruiter adds `person(name, email)` at `at_ms`.
    pub async fn candidate(&self, name: &str, email: &str, at_ms: i64) -> Candidate {
        self.store
            .create_candidate(&self.org, &person(name, email), &self.recruiter, at_ms)
            .await
            .unwrap()
    }

    /// The recruiter files the candidate's application to the world's requisition at `at_ms`,
    /// entering `stage`.
    pub async fn apply(&self, candidate_id: &str, stage: &str, at_ms: i64) -> Application {
        self.store
            .apply(
                &self.org,
                &self.req,
                candidate_id,
                stage,
                &self.recruiter,
                at_ms,
            )
            .await
            .unwrap()
    }

    /// The usual applicant: added at 100, applied at 110 entering `stage`.
    pub async fn applicant(
        &self,
        name: &str,
        email: &str,
        stage: &str,
    ) -> (Candidate, Application) {
        let c = self.candidate(name, email, 100).await;
        let app = self.apply(&c.id, stage, 110).await;
        (c, app)
    }

    /// The hiring manager moves an application on to `stage` (the stage left was passed) at
    /// `at_ms`.
    pub async fn pass_to(&self, application_id: &str, stage: &str, at_ms: i64) -> Application {
        self.store
            .move_stage(
                &self.org,
                application_id,
                stage,
                VisitOutcome::Passed,
                &self.manager,
                at_ms,
            )
            .await
            .unwrap()
    }

    /// The recruiter schedules the day-10 onsite round (`panel(iv1, iv2)`) at `at_ms`.
    pub async fn interview(&self, application_id: &str, at_ms: i64) -> Interview {
        self.store
            .schedule_interview(
                &self.org,
                application_id,
                &panel(&self.iv1, &self.iv2),
                &self.recruiter,
                at_ms,
            )
            .await
            .unwrap()
    }

    /// The admin registers a webhook for `events` at `at_ms`.
    pub async fn webhook(
        &self,
        url: &str,
        secret: &str,
        events: &[EventKind],
        at_ms: i64,
    ) -> Webhook {
        self.store
            .create_webhook(&self.org, url, secret, events, &self.admin, at_ms)
            .await
            .unwrap()
    }

    /// The hiring manager records a plain hire (no veto, no override) at `at_ms`.
    pub async fn hire(&self, application_id: &str, report: &Value, at_ms: i64) {
        self.store
            .record_decision(
                &self.org,
                application_id,
                &hire(report),
                &self.manager,
                at_ms,
            )
            .await
            .unwrap();
    }

    /// The world's chain verifies; the number of entries.
    pub async fn intact(&self) -> u64 {
        intact(&self.store, &self.org).await
    }

    /// How many entries the world's audit chain has.
    pub async fn entries(&self) -> usize {
        self.store.audit(&self.org, 0, 10_000).await.unwrap().len()
    }
}

/// A candidate with the usual personal details.
pub fn person(name: &str, email: &str) -> NewCandidate {
    NewCandidate {
        name: name.to_owned(),
        email: email.to_owned(),
        phone: Some("+86 138 0000 0000".to_owned()),
        location: Some("Hangzhou".to_owned()),
        source: Some("referral".to_owned()),
        notes: Some(format!("{name} was referred by a friend")),
        ..NewCandidate::default()
    }
}

/// A scorecard recommending `rec`.
pub fn card(rec: &str) -> ScorecardDraft {
    ScorecardDraft {
        ratings: json!({ "product_sense": 3, "execution": 4 }),
        notes: json!({ "product_sense": "clear framing of the user's problem and its size" }),
        recommendation: Some(rec.to_owned()),
        summary: "solid loop, strong on execution".to_owned(),
    }
}

/// An hour's onsite round on day 10 with `a` interviewing and `b` as bar raiser.
pub fn panel(a: &str, b: &str) -> NewInterview {
    NewInterview {
        round_id: "onsite-1".to_owned(),
        starts_ms: 10 * DAY,
        ends_ms: 10 * DAY + 3_600_000,
        location: Some("Room 4".to_owned()),
        url: Some("https://meet.example.com/x".to_owned()),
        panel: vec![
            PanelSeat {
                user_id: a.to_owned(),
                role: Role::Interviewer,
            },
            PanelSeat {
                user_id: b.to_owned(),
                role: Role::BarRaiser,
            },
        ],
    }
}

/// A decision of `mechanical` that ends as `final_outcome`, with no veto.
pub fn decision<'a>(
    mechanical: &'a str,
    final_outcome: &'a str,
    override_reason: Option<&'a str>,
    report: &'a Value,
) -> NewDecision<'a> {
    NewDecision {
        mechanical,
        final_outcome,
        vetoed: false,
        override_reason,
        report,
    }
}

/// The engine's hire, taken as it is.
pub fn hire(report: &Value) -> NewDecision<'_> {
    decision("hire", "hire", None, report)
}

/// An offer of `amount` yuan a year.
pub fn new_offer(amount: i64, position: &Value) -> NewOffer<'_> {
    NewOffer {
        amount,
        currency: "CNY",
        position,
    }
}

/// Whether the operation found nothing.
pub fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound { .. }))
}

/// Whether the operation was refused as a conflict.
pub fn conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict(_)))
}

/// Whether the operation was refused because the name or address is taken.
pub fn taken<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Taken { .. }))
}

/// The organisation's chain verifies; the number of entries.
pub async fn intact(store: &Store, org: &str) -> u64 {
    match store.verify_audit(org).await.unwrap() {
        ChainStatus::Intact { count, .. } => count,
        other => panic!("chain not intact: {other:?}"),
    }
}

/// The actions of the organisation's audit entries, in order.
pub async fn actions(store: &Store, org: &str) -> Vec<String> {
    store
        .audit(org, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}
