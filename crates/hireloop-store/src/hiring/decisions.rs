//! Decisions (the mechanical result, the final one, the veto and any override's reason) and
//! offers with their approval.

use hireloop_hiring::webhook::EventKind;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::applications;
use super::{OrgTx, all_in_org, fetch_in_org, flag, json_col, maybe_in_org, subject};
use crate::{Store, StoreError, new_id};

/// The columns of an offer `o`, as `offer_from` reads them.
macro_rules! offer_columns {
    () => {
        "o.id, o.org_id, o.application_id, o.amount, o.currency, o.position, o.proposed_by, \
         o.proposed_ms, o.approved_by, o.approved_ms, o.approval_reason, o.status, o.updated_ms"
    };
}

/// An offer by id (`$1`) within its organisation (`$2`).
const OFFER_BY_ID: &str = concat!(
    "SELECT ",
    offer_columns!(),
    " FROM offers o WHERE o.id = $1 AND o.org_id = $2"
);

/// The decision recorded for an application (once).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The application.
    pub application_id: String,
    /// What the engine's gates and veto gave.
    pub mechanical: String,
    /// What was decided.
    pub final_outcome: String,
    /// Whether a bar raiser's veto applied.
    pub vetoed: bool,
    /// Why the final differs from the mechanical result.
    pub override_reason: Option<String>,
    /// Who decided.
    pub decided_by: String,
    /// When.
    pub decided_ms: i64,
    /// The decision report (JSON the engine owns).
    pub report: Value,
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    /// The engine's result (`hire`, `no_hire`, …).
    pub mechanical: &'a str,
    /// The decision taken.
    pub final_outcome: &'a str,
    /// Whether a veto applied.
    pub vetoed: bool,
    /// Why the final differs from the mechanical result; required when they differ.
    pub override_reason: Option<&'a str>,
    /// The report (JSON).
    pub report: &'a Value,
}

/// Where an offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Proposed, waiting for approval.
    Proposed,
    /// Approved, not yet sent.
    Approved,
    /// Sent to the candidate.
    Sent,
    /// Accepted.
    Accepted,
    /// Declined by the candidate.
    Declined,
    /// Taken back.
    Withdrawn,
}

impl OfferStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Proposed => "proposed",
            OfferStatus::Approved => "approved",
            OfferStatus::Sent => "sent",
            OfferStatus::Accepted => "accepted",
            OfferStatus::Declined => "declined",
            OfferStatus::Withdrawn => "withdrawn",
        }
    }

    /// The status with this stored name.
    pub fn parse(s: &str) -> Option<OfferStatus> {
        [
            OfferStatus::Proposed,
            OfferStatus::Approved,
            OfferStatus::Sent,
            OfferStatus::Accepted,
            OfferStatus::Declined,
            OfferStatus::Withdrawn,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// Whether the offer still stands (proposed, approved, sent or accepted): an application has
    /// at most one such offer, so a new one can be proposed only once the last is declined or
    /// withdrawn.
    pub fn is_live(self) -> bool {
        !matches!(self, OfferStatus::Declined | OfferStatus::Withdrawn)
    }

    /// Whether an offer in this status may move to `next`: proposed → approved → sent →
    /// accepted or declined, and withdrawn from any status before an answer.
    pub fn may_become(self, next: OfferStatus) -> bool {
        use OfferStatus::*;
        matches!(
            (self, next),
            (Proposed, Approved)
                | (Approved, Sent)
                | (Sent, Accepted)
                | (Sent, Declined)
                | (Proposed | Approved | Sent, Withdrawn)
        )
    }
}

/// An offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The application.
    pub application_id: String,
    /// Yearly amount in whole units of the currency.
    pub amount: i64,
    /// Currency code.
    pub currency: String,
    /// The check against the band (`hireloop_hiring::offer::OfferCheck` as JSON).
    pub position: Value,
    /// Who proposed it.
    pub proposed_by: String,
    /// When.
    pub proposed_ms: i64,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When.
    pub approved_ms: Option<i64>,
    /// The approver's reason (required for an offer outside the band — the server's rule).
    pub approval_reason: Option<String>,
    /// Where it stands.
    pub status: OfferStatus,
    /// When it last changed.
    pub updated_ms: i64,
}

/// An offer to propose.
#[derive(Debug, Clone)]
pub struct NewOffer<'a> {
    /// Yearly amount in whole units.
    pub amount: i64,
    /// Currency code.
    pub currency: &'a str,
    /// The band check (JSON).
    pub position: &'a Value,
}

fn decision_from(row: &AnyRow) -> Result<Decision, sqlx::Error> {
    Ok(Decision {
        application_id: row.try_get("application_id")?,
        mechanical: row.try_get("mechanical")?,
        final_outcome: row.try_get("final_outcome")?,
        vetoed: flag(row, "vetoed")?,
        override_reason: row.try_get("override_reason")?,
        decided_by: row.try_get("decided_by")?,
        decided_ms: row.try_get("decided_ms")?,
        report: json_col(row, "report")?,
    })
}

pub(crate) fn offer_from(row: &AnyRow) -> Result<Offer, sqlx::Error> {
    Ok(Offer {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        application_id: row.try_get("application_id")?,
        amount: row.try_get("amount")?,
        currency: row.try_get("currency")?,
        position: json_col(row, "position")?,
        proposed_by: row.try_get("proposed_by")?,
        proposed_ms: row.try_get("proposed_ms")?,
        approved_by: row.try_get("approved_by")?,
        approved_ms: row.try_get("approved_ms")?,
        approval_reason: row.try_get("approval_reason")?,
        status: super::enum_col(row, "status", OfferStatus::parse)?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

impl Store {
    /// Records an application's decision, once; [`StoreError::Conflict`] when one is recorded
    /// already, or when the final result differs from the mechanical one without a reason.
    /// Queues `application.decided`.
    pub async fn record_decision(
        &self,
        org_id: &str,
        application_id: &str,
        decision: &NewDecision<'_>,
        by: &str,
        now_ms: i64,
    ) -> Result<Decision, StoreError> {
        let reason = decision
            .override_reason
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if decision.final_outcome != decision.mechanical && reason.is_none() {
            return Err(StoreError::Conflict(
                "overriding the mechanical result needs a written reason".to_owned(),
            ));
        }
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let app = applications::fetch(&mut tx, application_id).await?;
        let existing = sqlx::query("SELECT 1 AS one FROM decisions WHERE application_id = $1")
            .bind(application_id)
            .fetch_optional(tx.conn())
            .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict(
                "the application's decision is already recorded; it is final".to_owned(),
            ));
        }
        sqlx::query(
            "INSERT INTO decisions (application_id, org_id, mechanical, final_outcome, vetoed, \
                 override_reason, decided_by, decided_ms, report) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(application_id)
        .bind(org_id)
        .bind(decision.mechanical)
        .bind(decision.final_outcome)
        .bind(i64::from(decision.vetoed))
        .bind(reason)
        .bind(by)
        .bind(now_ms)
        .bind(decision.report.to_string())
        .execute(tx.conn())
        .await?;
        sqlx::query("UPDATE applications SET decided_ms = $1, updated_ms = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(application_id)
            .execute(tx.conn())
            .await?;
        tx.audit(
            "application.decided",
            &subject("application", application_id),
            Some(json!({
                "mechanical": decision.mechanical,
                "final": decision.final_outcome,
                "vetoed": decision.vetoed,
                "override_reason": reason,
            })),
            Some(&app.candidate_id),
        )
        .await?;
        tx.enqueue(
            EventKind::Decided,
            json!({ "application": application_id, "candidate": app.candidate_id,
                    "requisition": app.requisition_id, "decision": decision.final_outcome }),
            Some(&app.candidate_id),
        )
        .await?;
        tx.commit().await?;
        self.decision(org_id, application_id)
            .await?
            .ok_or(StoreError::NotFound { what: "decision" })
    }

    /// An application's decision, if recorded.
    pub async fn decision(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Option<Decision>, StoreError> {
        maybe_in_org(
            self.pool(),
            "SELECT application_id, mechanical, final_outcome, vetoed, override_reason, decided_by, \
                 decided_ms, report FROM decisions WHERE application_id = $1 AND org_id = $2",
            application_id,
            org_id,
            decision_from,
        )
        .await
    }

    /// Proposes an offer for an application; queues `offer.created`.
    pub async fn propose_offer(
        &self,
        org_id: &str,
        application_id: &str,
        offer: &NewOffer<'_>,
        by: &str,
        now_ms: i64,
    ) -> Result<Offer, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let app = applications::fetch(&mut tx, application_id).await?;
        // Checked inside the organisation's write transaction, so two proposals racing each
        // other cannot both pass.
        let standing: Option<String> = sqlx::query_scalar(
            "SELECT status FROM offers WHERE application_id = $1 \
               AND status NOT IN ('declined', 'withdrawn') LIMIT 1",
        )
        .bind(application_id)
        .fetch_optional(tx.conn())
        .await?;
        if let Some(status) = standing {
            return Err(StoreError::Conflict(format!(
                "the application already has an offer that is {status}; withdraw it (or wait for \
                 the candidate's answer) before proposing another"
            )));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO offers (id, org_id, application_id, amount, currency, position, \
                 proposed_by, proposed_ms, status, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'proposed', $8)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(application_id)
        .bind(offer.amount)
        .bind(offer.currency)
        .bind(offer.position.to_string())
        .bind(by)
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "offer.proposed",
            &subject("offer", &id),
            Some(
                json!({ "application": application_id, "amount": offer.amount,
                         "currency": offer.currency }),
            ),
            Some(&app.candidate_id),
        )
        .await?;
        tx.enqueue(
            EventKind::OfferCreated,
            json!({ "offer": id, "application": application_id, "candidate": app.candidate_id }),
            Some(&app.candidate_id),
        )
        .await?;
        let offer = fetch_offer(&mut tx, &id).await?;
        tx.commit().await?;
        Ok(offer)
    }

    /// Approves a proposed offer, with the approver's reason.
    pub async fn approve_offer(
        &self,
        org_id: &str,
        offer_id: &str,
        reason: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Offer, StoreError> {
        self.offer_to(org_id, offer_id, OfferStatus::Approved, reason, by, now_ms)
            .await
    }

    /// Moves an offer on (sent, accepted, declined, withdrawn) along
    /// [`OfferStatus::may_become`]; an answer queues `offer.accepted` or `offer.declined`.
    pub async fn set_offer_status(
        &self,
        org_id: &str,
        offer_id: &str,
        status: OfferStatus,
        by: &str,
        now_ms: i64,
    ) -> Result<Offer, StoreError> {
        if status == OfferStatus::Approved {
            return Err(StoreError::Conflict(
                "an offer is approved with approve_offer, which records the approver".to_owned(),
            ));
        }
        self.offer_to(org_id, offer_id, status, None, by, now_ms)
            .await
    }

    async fn offer_to(
        &self,
        org_id: &str,
        offer_id: &str,
        status: OfferStatus,
        reason: Option<&str>,
        by: &str,
        now_ms: i64,
    ) -> Result<Offer, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let current = fetch_offer(&mut tx, offer_id).await?;
        if !current.status.may_become(status) {
            return Err(StoreError::Conflict(format!(
                "an offer that is {} cannot become {}",
                current.status.as_str(),
                status.as_str()
            )));
        }
        if status == OfferStatus::Approved {
            sqlx::query(
                "UPDATE offers SET status = 'approved', approved_by = $1, approved_ms = $2, \
                     approval_reason = $3, updated_ms = $2 WHERE id = $4 AND org_id = $5",
            )
            .bind(by)
            .bind(now_ms)
            .bind(reason)
            .bind(offer_id)
            .bind(org_id)
            .execute(tx.conn())
            .await?;
        } else {
            sqlx::query(
                "UPDATE offers SET status = $1, updated_ms = $2 WHERE id = $3 AND org_id = $4",
            )
            .bind(status.as_str())
            .bind(now_ms)
            .bind(offer_id)
            .bind(org_id)
            .execute(tx.conn())
            .await?;
        }
        let candidate = super::assessments::candidate_of(&mut tx, &current.application_id).await?;
        tx.audit(
            &format!("offer.{}", status.as_str()),
            &subject("offer", offer_id),
            reason.map(|r| json!({ "reason": r })),
            Some(&candidate),
        )
        .await?;
        let event = match status {
            OfferStatus::Accepted => Some(EventKind::OfferAccepted),
            OfferStatus::Declined | OfferStatus::Withdrawn => Some(EventKind::OfferDeclined),
            _ => None,
        };
        if let Some(kind) = event {
            tx.enqueue(
                kind,
                json!({ "offer": offer_id, "application": current.application_id,
                        "status": status.as_str() }),
                Some(&candidate),
            )
            .await?;
        }
        let offer = fetch_offer(&mut tx, offer_id).await?;
        tx.commit().await?;
        Ok(offer)
    }

    /// One offer of the organisation.
    pub async fn offer(&self, org_id: &str, offer_id: &str) -> Result<Offer, StoreError> {
        fetch_in_org(
            self.pool(),
            OFFER_BY_ID,
            offer_id,
            org_id,
            "offer",
            offer_from,
        )
        .await
    }

    /// An application's offers, oldest first.
    pub async fn offers_of(
        &self,
        org_id: &str,
        application_id: &str,
    ) -> Result<Vec<Offer>, StoreError> {
        all_in_org(
            self.pool(),
            concat!(
                "SELECT ",
                offer_columns!(),
                " FROM offers o WHERE o.application_id = $1 AND o.org_id = $2 \
                 ORDER BY o.proposed_ms, o.id"
            ),
            application_id,
            org_id,
            offer_from,
        )
        .await
    }
}

/// The offer inside a write transaction; [`StoreError::NotFound`] outside the organisation.
async fn fetch_offer(tx: &mut OrgTx, offer_id: &str) -> Result<Offer, StoreError> {
    tx.fetch(OFFER_BY_ID, offer_id, "offer", offer_from).await
}
