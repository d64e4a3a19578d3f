//! Rendered reports kept per process, shared by every request ([`AppState`] holds one).
//!
//! A report reads a requisition's every application and scorecard, and calibration and
//! agreement cost tens of milliseconds of CPU at 100,000 scorecards; the result changes only
//! when the organisation's data does. Every change appends to the organisation's audit chain, so
//! the key holds the chain's head position as read from the database at request time: after any
//! change (made by this process or another sharing the database) the head has moved, the old
//! entry no longer matches and the report is computed afresh. A process-local counter could not
//! see other processes' writes, so none is used.
//!
//! Some reports measure open stays against the clock ("now"), so an entry is also dropped after
//! [`MAX_AGE_MS`]. The cache is bounded: past [`CAPACITY`] entries the oldest one goes.
//!
//! [`AppState`]: crate::state::AppState

use std::collections::HashMap;
use std::sync::Mutex;

use crate::hiring::service::records::Rendered;

/// Most reports kept.
pub const CAPACITY: usize = 256;

/// How long a report stays fresh with respect to the clock, in milliseconds.
pub const MAX_AGE_MS: i64 = 60_000;

/// What a cached report is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportKey {
    /// The organisation.
    pub org_id: String,
    /// The requisition.
    pub requisition_id: String,
    /// The report's kind.
    pub kind: String,
    /// `json`, `csv` or `svg`.
    pub format: String,
    /// The organisation's audit head position when the report was computed.
    pub audit_seq: u64,
}

struct Entry {
    rendered: Rendered,
    made_ms: i64,
    /// Insertion order, to find the oldest entry.
    order: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<ReportKey, Entry>,
    next: u64,
}

/// The cache (see the module documentation).
#[derive(Default)]
pub struct ReportCache {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for ReportCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportCache")
            .field("len", &self.len())
            .finish()
    }
}

impl ReportCache {
    /// The report for `key` if one was kept and is younger than [`MAX_AGE_MS`] at `now_ms`.
    pub fn get(&self, key: &ReportKey, now_ms: i64) -> Option<Rendered> {
        let inner = self.inner.lock().ok()?;
        let entry = inner.entries.get(key)?;
        (now_ms - entry.made_ms < MAX_AGE_MS && now_ms >= entry.made_ms)
            .then(|| entry.rendered.clone())
    }

    /// Keeps `rendered` for `key`, made at `now_ms`; entries of the same report at an older
    /// audit position are dropped (they can never match again), and the oldest entry goes when
    /// the cache is full.
    pub fn put(&self, key: ReportKey, rendered: Rendered, now_ms: i64) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.entries.retain(|k, _| {
            !(k.org_id == key.org_id
                && k.requisition_id == key.requisition_id
                && k.kind == key.kind
                && k.format == key.format
                && k.audit_seq < key.audit_seq)
        });
        if inner.entries.len() >= CAPACITY && !inner.entries.contains_key(&key) {
            let oldest = inner
                .entries
                .iter()
                .min_by_key(|(_, e)| e.order)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                inner.entries.remove(&oldest);
            }
        }
        inner.next += 1;
        let order = inner.next;
        inner.entries.insert(
            key,
            Entry {
                rendered,
                made_ms: now_ms,
                order,
            },
        );
    }

    /// How many reports are kept.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |i| i.entries.len())
    }

    /// Whether no report is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where this process last found each organisation's audit chain intact: the last entry it
/// checked and how many entries that made. A page showing the chain's state resumes from there
/// and checks only what was appended since (see
/// [`Store::verify_audit_from`](hireloop_store::Store::verify_audit_from)); the full check
/// stays with `GET /api/orgs/{org}/audit/verify`.
#[derive(Debug, Default)]
pub struct VerifiedChains {
    inner: Mutex<HashMap<String, (hireloop_hiring::audit::Entry, u64)>>,
}

impl VerifiedChains {
    /// Where the organisation's chain was last found intact.
    pub fn get(&self, org_id: &str) -> Option<(hireloop_hiring::audit::Entry, u64)> {
        self.inner.lock().ok()?.get(org_id).cloned()
    }

    /// Records that the chain was intact through `last`, `count` entries in all.
    pub fn put(&self, org_id: &str, last: hireloop_hiring::audit::Entry, count: u64) {
        if let Ok(mut inner) = self.inner.lock() {
            // One entry per organisation: bounded by the organisations this process serves.
            inner.insert(org_id.to_owned(), (last, count));
        }
    }

    /// Forgets the organisation's chain (it did not verify): the next check starts over.
    pub fn forget(&self, org_id: &str) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.remove(org_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seq: u64, kind: &str) -> ReportKey {
        ReportKey {
            org_id: "o".into(),
            requisition_id: "r".into(),
            kind: kind.into(),
            format: "csv".into(),
            audit_seq: seq,
        }
    }

    #[test]
    fn a_moved_head_or_an_old_entry_misses() {
        let cache = ReportCache::default();
        cache.put(key(5, "funnel"), Rendered::Csv("a".into()), 1_000);
        assert!(matches!(cache.get(&key(5, "funnel"), 2_000), Some(Rendered::Csv(t)) if t == "a"));
        assert!(cache.get(&key(6, "funnel"), 2_000).is_none());
        assert!(cache.get(&key(5, "agreement"), 2_000).is_none());
        assert!(cache.get(&key(5, "funnel"), 1_000 + MAX_AGE_MS).is_none());
        // A newer position replaces the stale one rather than sitting beside it.
        cache.put(key(6, "funnel"), Rendered::Csv("b".into()), 2_000);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn it_stays_bounded_dropping_the_oldest() {
        let cache = ReportCache::default();
        for i in 0..(CAPACITY + 10) {
            cache.put(key(1, &format!("k{i}")), Rendered::Csv(String::new()), 0);
        }
        assert_eq!(cache.len(), CAPACITY);
        assert!(cache.get(&key(1, "k0"), 0).is_none());
        assert!(
            cache
                .get(&key(1, &format!("k{}", CAPACITY + 9)), 0)
                .is_some()
        );
    }
}
