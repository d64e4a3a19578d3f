//! One pass over the scorecards into compact numbers, shared by calibration and agreement.
//!
//! Scorecards arrive as many small allocations (ids, a map of ratings); reading them is most of
//! the cost of both reports at 100,000 scorecards. So they are read once, in input order, into
//! dense ids and flat vectors, and both reports work from those.

use hireloop_core::Recommendation;

use super::facts::rating_value;
use super::group::{Interner, hash_id};
use super::stats::HOUR_MS;
use super::{ReportError, ScorecardFacts};

/// What calibration needs per interviewer, counted in the pass.
#[derive(Default)]
pub(crate) struct PersonCounts {
    /// Scorecards assigned.
    pub(crate) scorecards: u64,
    /// Of those, submitted.
    pub(crate) submitted: u64,
    /// Counts of the ratings 1, 2, 3 and 4 on submitted scorecards.
    pub(crate) ratings: [u64; 4],
    /// Submitted scorecards with a recommendation.
    pub(crate) recommendations: u64,
    /// Of those, `no_decision`.
    pub(crate) no_decision: u64,
    /// Hours late of each late submission.
    pub(crate) late_hours: Vec<f64>,
    /// Not submitted and past due.
    pub(crate) overdue: u64,
}

/// One submitted scorecard with ratings, reduced to what the panel comparison needs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CardSum {
    /// The application (interned).
    pub(crate) app: u32,
    /// The interviewer (interned).
    pub(crate) who: u32,
    /// Sum of its 1–4 ratings.
    pub(crate) sum: u64,
    /// Number of its 1–4 ratings.
    pub(crate) count: u64,
}

/// One 1–4 rating of a submitted scorecard.
#[derive(Clone, Copy)]
pub(crate) struct RatingFact {
    /// The application (interned).
    pub(crate) app: u32,
    /// The dimension (interned).
    pub(crate) dim: u32,
    /// The rating, 1–4.
    pub(crate) value: u8,
}

/// The scorecards as numbers.
pub(crate) struct Digest {
    /// Interviewers, numbered by first appearance.
    pub(crate) people: Interner,
    /// Applications with at least one rated, submitted scorecard.
    pub(crate) apps: Interner,
    /// Rubric dimensions.
    pub(crate) dims: Interner,
    /// Per interviewer (by number), the counts.
    pub(crate) counts: Vec<PersonCounts>,
    /// Submitted scorecards with at least one 1–4 rating.
    pub(crate) cards: Vec<CardSum>,
    /// Every 1–4 rating of a submitted scorecard.
    pub(crate) ratings: Vec<RatingFact>,
}

/// Reads the scorecards once. Ratings and recommendations count only on submitted scorecards
/// (a draft is not evidence yet); overdue is judged at `now_ms`.
pub(crate) fn digest(cards: &[ScorecardFacts], now_ms: i64) -> Result<Digest, ReportError> {
    let mut d = Digest {
        people: Interner::default(),
        // Grown as needed: a table sized for the worst case (every scorecard its own application)
        // would be several times larger than the cache the lookups should stay in.
        apps: Interner::default(),
        dims: Interner::default(),
        counts: Vec::new(),
        cards: Vec::with_capacity(cards.len()),
        ratings: Vec::with_capacity(cards.len() * 4),
    };
    let mut hashes = [(0u64, 0u64); BLOCK];
    for block in cards.chunks(BLOCK) {
        d.warm(block, &mut hashes);
        for (c, (who, app)) in block.iter().zip(&hashes) {
            d.read_card(c, *who, *app, now_ms)?;
        }
    }
    Ok(d)
}

/// Scorecards read ahead together by [`Digest::warm`]: enough that their memory loads overlap,
/// few enough that what they bring in (about ten cache lines each) is still in the nearest cache
/// when the scorecards are read for real.
const BLOCK: usize = 32;

impl Digest {
    /// Hashes a block's interviewer and application ids into `hashes` and touches everything
    /// else reading the block will need, before it is needed.
    ///
    /// Each scorecard is several small allocations (two ids, the ratings map, each dimension id),
    /// scattered over the heap when the store's records come in no particular order, and each id
    /// lookup then reads a random slot of a table. Read one scorecard at a time, every one of
    /// those is a cache miss the processor waits out before it can go on, so the pass ran at
    /// memory latency. These loops only hash and load, with no branches on what they load, so
    /// the processor has many misses in flight at once; the real pass then finds everything in
    /// cache. (Prefetch instructions would say this more directly, but they are `unsafe` in Rust,
    /// which this crate forbids.)
    fn warm(&self, block: &[ScorecardFacts], hashes: &mut [(u64, u64); BLOCK]) {
        let first = |s: &str| s.as_bytes().first().copied().unwrap_or(0);
        let mut x = 0u8;
        for (c, h) in block.iter().zip(hashes.iter_mut()) {
            *h = (hash_id(&c.interviewer), hash_id(&c.application_id));
            // The map's node, which holds the dimension ids' pointers and lengths.
            x ^= c
                .ratings
                .first_key_value()
                .map_or(0, |(k, _)| k.len() as u8);
        }
        for (c, (who, app)) in block.iter().zip(hashes.iter()) {
            x ^= self.people.touch(*who) ^ self.apps.touch(*app);
            // The dimension ids' bytes: their addresses are in the nodes loaded above.
            for k in c.ratings.keys() {
                x ^= first(k);
            }
        }
        // Keeps the loads from being optimised away: their only purpose is their effect on the
        // cache.
        std::hint::black_box(x);
    }

    /// Reads one scorecard into the digest, given the hashes of its interviewer and application
    /// ids.
    fn read_card(
        &mut self,
        c: &ScorecardFacts,
        who_hash: u64,
        app_hash: u64,
        now_ms: i64,
    ) -> Result<(), ReportError> {
        let d = self;
        let who = d.people.intern_hashed(&c.interviewer, who_hash);
        let w = who as usize;
        if w >= d.counts.len() {
            d.counts.resize_with(w + 1, PersonCounts::default);
        }
        let Some(acc) = d.counts.get_mut(w) else {
            return Ok(());
        };
        acc.scorecards += 1;
        let Some(at) = c.submitted_ms else {
            if c.due_ms < now_ms {
                acc.overdue += 1;
            }
            return Ok(());
        };
        acc.submitted += 1;
        if at > c.due_ms {
            acc.late_hours
                .push(at.saturating_sub(c.due_ms) as f64 / HOUR_MS);
        }
        if let Some(r) = c.recommendation {
            acc.recommendations += 1;
            if r == Recommendation::NoDecision {
                acc.no_decision += 1;
            }
        }
        let (mut sum, mut count, mut app) = (0u64, 0u64, None);
        for (name, r) in &c.ratings {
            let Some(value) = rating_value(c, name, *r)? else {
                continue;
            };
            if let Some(n) = acc.ratings.get_mut(usize::from(value) - 1) {
                *n += 1;
            }
            sum += u64::from(value);
            count += 1;
            let app = *app.get_or_insert_with(|| d.apps.intern_hashed(&c.application_id, app_hash));
            d.ratings.push(RatingFact {
                app,
                dim: d.dims.intern(name),
                value,
            });
        }
        if let Some(app) = app {
            d.cards.push(CardSum {
                app,
                who,
                sum,
                count,
            });
        }
        Ok(())
    }
}
