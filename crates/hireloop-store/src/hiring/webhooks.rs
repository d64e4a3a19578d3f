//! Webhooks and their outbox. Deliveries are queued by the changes themselves (in the same
//! transaction, see `OrgTx::enqueue`); a sender job takes the due ones, posts them and records
//! each attempt here.

use hireloop_hiring::webhook::{EventKind, Outcome};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{enum_col, flag, subject};
use crate::{Store, StoreError, new_id};

/// An organisation's webhook endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// Where deliveries are posted.
    pub url: String,
    /// The signing secret.
    #[serde(skip)]
    pub secret: String,
    /// The event kinds it subscribes to (dotted names).
    pub events: Vec<String>,
    /// Disabled hooks get no new deliveries.
    pub active: bool,
    /// When it was created.
    pub created_ms: i64,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The receiver took it.
    Delivered,
    /// Given up: a permanent failure or too many attempts.
    Failed,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status with this stored name.
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// One event queued for one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Id.
    pub id: String,
    /// The organisation.
    pub org_id: String,
    /// The webhook.
    pub webhook_id: String,
    /// The hook's URL (for the sender).
    pub url: String,
    /// The hook's secret (for the sender's signature).
    #[serde(skip)]
    pub secret: String,
    /// The event's id, the same for every hook and every attempt.
    pub event_id: String,
    /// The event kind.
    pub kind: String,
    /// The exact body to post.
    pub body: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due.
    pub next_attempt_ms: i64,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// The last HTTP status, when there was a response.
    pub last_code: Option<i64>,
    /// The last error, in words.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_ms: i64,
}

fn webhook_from(row: &AnyRow) -> Result<Webhook, sqlx::Error> {
    let events: String = row.try_get("events")?;
    Ok(Webhook {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
        events: serde_json::from_str(&events).unwrap_or_default(),
        active: flag(row, "active")?,
        created_ms: row.try_get("created_ms")?,
    })
}

fn delivery_from(row: &AnyRow) -> Result<Delivery, sqlx::Error> {
    Ok(Delivery {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        webhook_id: row.try_get("webhook_id")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
        event_id: row.try_get("event_id")?,
        kind: row.try_get("kind")?,
        body: row.try_get("body")?,
        attempts: row.try_get("attempts")?,
        next_attempt_ms: row.try_get("next_attempt_ms")?,
        status: enum_col(row, "status", DeliveryStatus::parse)?,
        last_code: row.try_get("last_code")?,
        last_error: row.try_get("last_error")?,
        created_ms: row.try_get("created_ms")?,
    })
}

/// The columns of a delivery `d` joined with its webhook `w`.
macro_rules! delivery_columns {
    () => {
        "d.id, d.org_id, d.webhook_id, w.url, w.secret, d.event_id, d.kind, d.body, d.attempts, \
         d.next_attempt_ms, d.status, d.last_code, d.last_error, d.created_ms"
    };
}

impl Store {
    /// Registers a webhook for `events`.
    pub async fn create_webhook(
        &self,
        org_id: &str,
        url: &str,
        secret: &str,
        events: &[EventKind],
        by: &str,
        now_ms: i64,
    ) -> Result<Webhook, StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
        let hook = Webhook {
            id: new_id(),
            org_id: org_id.to_owned(),
            url: url.to_owned(),
            secret: secret.to_owned(),
            events: names.iter().map(|n| (*n).to_owned()).collect(),
            active: true,
            created_ms: now_ms,
        };
        sqlx::query(
            "INSERT INTO webhooks (id, org_id, url, secret, events, active, created_ms) \
             VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(&hook.id)
        .bind(org_id)
        .bind(url)
        .bind(secret)
        .bind(json!(names).to_string())
        .bind(now_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "webhook.created",
            &subject("webhook", &hook.id),
            Some(json!({ "url": url, "events": names })),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(hook)
    }

    /// The organisation's webhooks, oldest first.
    pub async fn webhooks(&self, org_id: &str) -> Result<Vec<Webhook>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, url, secret, events, active, created_ms FROM webhooks \
             WHERE org_id = $1 ORDER BY id",
        )
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(webhook_from).collect::<Result<_, _>>()?)
    }

    /// Disables a webhook: it gets no new deliveries, and its pending ones are failed.
    pub async fn disable_webhook(
        &self,
        org_id: &str,
        webhook_id: &str,
        by: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.org_tx(org_id, by, now_ms).await?;
        tx.change_one(
            sqlx::query("UPDATE webhooks SET active = 0 WHERE id = $1 AND org_id = $2")
                .bind(webhook_id)
                .bind(org_id),
            "webhook",
        )
        .await?;
        sqlx::query(
            "UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook disabled' \
             WHERE webhook_id = $1 AND status = 'pending'",
        )
        .bind(webhook_id)
        .execute(tx.conn())
        .await?;
        tx.audit(
            "webhook.disabled",
            &subject("webhook", webhook_id),
            None,
            None,
        )
        .await?;
        tx.commit().await
    }

    /// Up to `limit` pending deliveries due at `now_ms`, across organisations, oldest due
    /// first (from the partial index of pending deliveries by due time).
    pub async fn due_deliveries(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            delivery_columns!(),
            " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_ms <= $1 \
             ORDER BY d.next_attempt_ms, d.id LIMIT $2"
        ))
        .bind(now_ms)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(delivery_from).collect::<Result<_, _>>()?)
    }

    /// A webhook's deliveries, newest first, at most `limit`.
    pub async fn deliveries(
        &self,
        org_id: &str,
        webhook_id: &str,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            delivery_columns!(),
            " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.webhook_id = $1 AND d.org_id = $2 \
             ORDER BY d.created_ms DESC, d.id DESC LIMIT $3"
        ))
        .bind(webhook_id)
        .bind(org_id)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(delivery_from).collect::<Result<_, _>>()?)
    }

    /// Records an attempt of a pending delivery: delivered, failed for good, or to be retried
    /// at `next_attempt_ms` (`None` gives up, as `hireloop_hiring::webhook::backoff` does after
    /// its last attempt). Recording against a delivery that is no longer pending does nothing
    /// and returns `false` (two senders raced).
    pub async fn record_attempt(
        &self,
        delivery_id: &str,
        outcome: Outcome,
        code: Option<u16>,
        error: Option<&str>,
        next_attempt_ms: Option<i64>,
    ) -> Result<bool, StoreError> {
        let (status, next) = match (outcome, next_attempt_ms) {
            (Outcome::Delivered, _) => (DeliveryStatus::Delivered, None),
            (Outcome::Permanent, _) | (Outcome::Retry, None) => (DeliveryStatus::Failed, None),
            (Outcome::Retry, Some(at)) => (DeliveryStatus::Pending, Some(at)),
        };
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $1, \
                 next_attempt_ms = COALESCE($2, next_attempt_ms), last_code = $3, last_error = $4 \
             WHERE id = $5 AND status = 'pending'",
        )
        .bind(status.as_str())
        .bind(next)
        .bind(code.map(i64::from))
        .bind(error)
        .bind(delivery_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
