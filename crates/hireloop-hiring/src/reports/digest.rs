//! One pass over the scorecards into compact numbers, shared by calibration and agreement.
//!
//! Scorecards arrive as many small allocations (ids, a map of ratings); reading them is most of
//! the cost of both reports at 100,000 scorecards. So they are read once, in input order, into
//! dense ids and flat vectors, and both reports work from those.

use hireloop_core::Recommendation;

use super::facts::rating_value;
use super::group::Interner;
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
pub(crate) struct Digest<'a> {
    /// Interviewers, numbered by first appearance.
    pub(crate) people: Interner<'a>,
    /// Applications with at least one rated, submitted scorecard.
    pub(crate) apps: Interner<'a>,
    /// Rubric dimensions.
    pub(crate) dims: Interner<'a>,
    /// Per interviewer (by number), the counts.
    pub(crate) counts: Vec<PersonCounts>,
    /// Submitted scorecards with at least one 1–4 rating.
    pub(crate) cards: Vec<CardSum>,
    /// Every 1–4 rating of a submitted scorecard.
    pub(crate) ratings: Vec<RatingFact>,
}

/// Reads the scorecards once. Ratings and recommendations count only on submitted scorecards
/// (a draft is not evidence yet); overdue is judged at `now_ms`.
pub(crate) fn digest(cards: &[ScorecardFacts], now_ms: i64) -> Result<Digest<'_>, ReportError> {
    let mut d = Digest {
        people: Interner::default(),
        apps: Interner::with_capacity(cards.len() / 4),
        dims: Interner::default(),
        counts: Vec::new(),
        cards: Vec::with_capacity(cards.len()),
        ratings: Vec::with_capacity(cards.len() * 4),
    };
    for c in cards {
        let who = d.people.intern(&c.interviewer);
        let w = who as usize;
        if w >= d.counts.len() {
            d.counts.resize_with(w + 1, PersonCounts::default);
        }
        let Some(acc) = d.counts.get_mut(w) else {
            continue;
        };
        acc.scorecards += 1;
        let Some(at) = c.submitted_ms else {
            if c.due_ms < now_ms {
                acc.overdue += 1;
            }
            continue;
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
            let app = *app.get_or_insert_with(|| d.apps.intern(&c.application_id));
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
    }
    Ok(d)
}
