//! Reading and verifying an organisation's audit chain.

use hireloop_hiring::audit::{BreakReason, ChainBreak, Entry, Verified, verify, verify_after};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{all_in_org, flag, json_opt, to_i64, to_u64};
use crate::{Store, StoreError};

/// How many entries [`Store::verify_audit`] reads at a time.
const VERIFY_PAGE: i64 = 1000;

/// The columns of an audit entry, as `entry_from` reads them.
macro_rules! entry_columns {
    () => {
        "seq, at_ms, actor, action, subject, detail, detail_digest, detail_erased, prev_hash, hash"
    };
}

/// The audit entries tied to a candidate (`$1`) of an organisation (`$2`), in order.
pub(crate) const OF_CANDIDATE: &str = concat!(
    "SELECT ",
    entry_columns!(),
    " FROM audit_log WHERE candidate_id = $1 AND org_id = $2 ORDER BY seq"
);

/// What checking a chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainStatus {
    /// Every entry links to the one before and matches its hash, and the last one is the head
    /// the organisation recorded.
    Intact {
        /// Entries checked.
        count: u64,
        /// The last entry's hash.
        head: String,
    },
    /// An entry does not verify (edited, removed, reordered).
    #[serde(serialize_with = "as_text")]
    Broken(ChainBreak),
    /// The entries verify but end before (or after) the recorded head: entries were cut off the
    /// end of the log, or appended outside the store.
    HeadMismatch {
        /// The head's seq as recorded.
        recorded_seq: u64,
        /// The last seq found in the log.
        found_seq: u64,
    },
}

fn as_text<S: serde::Serializer>(b: &ChainBreak, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&b.to_string())
}

pub(crate) fn entry_from(row: &AnyRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        seq: to_u64(row.try_get("seq")?),
        at_ms: row.try_get("at_ms")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: json_opt(row, "detail")?,
        detail_erased: flag(row, "detail_erased")?,
        detail_digest: row.try_get("detail_digest")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl Store {
    /// Up to `limit` entries of the organisation's audit chain after `after_seq` (0 for the
    /// start), in order.
    pub async fn audit(
        &self,
        org_id: &str,
        after_seq: u64,
        limit: i64,
    ) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            entry_columns!(),
            " FROM audit_log WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ))
        .bind(org_id)
        .bind(to_i64(after_seq))
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(entry_from).collect::<Result<_, _>>()?)
    }

    /// The audit entries tied to a candidate (what erasure touches), in order.
    pub async fn audit_of_candidate(
        &self,
        org_id: &str,
        candidate_id: &str,
    ) -> Result<Vec<Entry>, StoreError> {
        all_in_org(self.pool(), OF_CANDIDATE, candidate_id, org_id, entry_from).await
    }

    /// Verifies the organisation's whole chain, a page at a time (each page anchored on the last
    /// entry of the one before), and checks that it ends at the recorded head.
    pub async fn verify_audit(&self, org_id: &str) -> Result<ChainStatus, StoreError> {
        Ok(self.verify_audit_from(org_id, None).await?.0)
    }

    /// [`Store::verify_audit`] resumed after `from`: an entry this caller verified before, with
    /// the number of entries up to and including it. Only the entries appended since are read
    /// and checked (and `from` itself must still be in the log with the same hash), so a page
    /// that shows the chain's state costs the new entries, not the whole history. Also returns
    /// the last entry checked, to resume from next time.
    pub async fn verify_audit_from(
        &self,
        org_id: &str,
        from: Option<(&Entry, u64)>,
    ) -> Result<(ChainStatus, Option<Entry>), StoreError> {
        let head = sqlx::query("SELECT seq, hash FROM audit_heads WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(self.pool())
            .await?;
        let Some(head) = head else {
            return Err(StoreError::NotFound {
                what: "organisation",
            });
        };
        let recorded_seq = to_u64(head.try_get("seq")?);
        let recorded_hash: String = head.try_get("hash")?;
        let mut anchor: Option<Entry> = None;
        let mut checked = Verified {
            count: 0,
            head: hireloop_hiring::audit::GENESIS.to_owned(),
        };
        if let Some((entry, count)) = from {
            let stored = self
                .audit(org_id, entry.seq.saturating_sub(1), 1)
                .await?
                .into_iter()
                .next();
            if stored
                .as_ref()
                .is_none_or(|e| e.seq != entry.seq || e.hash != entry.hash)
            {
                let broken = ChainBreak {
                    seq: entry.seq,
                    reason: BreakReason::HashMismatch,
                };
                return Ok((ChainStatus::Broken(broken), None));
            }
            checked = Verified {
                count,
                head: entry.hash.clone(),
            };
            anchor = Some(entry.clone());
        }
        loop {
            let after = anchor.as_ref().map_or(0, |a| a.seq);
            let page = self.audit(org_id, after, VERIFY_PAGE).await?;
            let Some(last) = page.last().cloned() else {
                break;
            };
            let result = match &anchor {
                None => verify(&page),
                Some(a) => verify_after(a, &page),
            };
            match result {
                Ok(v) => {
                    checked.count += v.count;
                    checked.head = v.head;
                }
                Err(broken) => return Ok((ChainStatus::Broken(broken), None)),
            }
            anchor = Some(last);
        }
        let found_seq = anchor.as_ref().map_or(0, |a| a.seq);
        if found_seq != recorded_seq || checked.head != recorded_hash {
            let status = ChainStatus::HeadMismatch {
                recorded_seq,
                found_seq,
            };
            return Ok((status, None));
        }
        let status = ChainStatus::Intact {
            count: checked.count,
            head: checked.head,
        };
        Ok((status, anchor))
    }
}
