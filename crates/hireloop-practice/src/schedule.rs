//! Spaced repetition with FSRS: what to practise again, and when.
//!
//! A card is one subject — a question family (`family:<id>`) or one of the candidate's STAR
//! stories (`story:<id>`). Each review is graded Again, Hard, Good or Easy (from the coach's score
//! by [`grade_from_score`], or by the candidate) and FSRS gives the next memory state and
//! interval for a desired retention of 0.9. FSRS's own state type is written out but not read
//! back, so [`Card`] keeps the state in our own fields.

use fsrs::{FSRS, MemoryState};
use serde::{Deserialize, Serialize};

use crate::calendar::DAY_MS;

/// The probability of recall a review is scheduled for.
pub const DESIRED_RETENTION: f32 = 0.9;

/// The longest interval, in days: a year, after which an interview skill needs a refresher.
pub const MAX_INTERVAL_DAYS: f64 = 365.0;

/// How a review went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// Failed: practise again soon.
    Again,
    /// Passed with difficulty.
    Hard,
    /// Passed.
    Good,
    /// Passed easily.
    Easy,
}

/// The review state of one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// `family:<id>` or `story:<id>`.
    pub subject: String,
    /// FSRS stability: days until recall falls to 90%.
    pub stability: f64,
    /// FSRS difficulty, 1–10.
    pub difficulty: f64,
    /// When it was last reviewed, in milliseconds since the Unix epoch.
    pub last_review_ms: i64,
    /// When it is due.
    pub due_ms: i64,
    /// Reviews so far.
    pub reps: u32,
    /// Reviews graded Again after the first.
    pub lapses: u32,
}

/// The subject of a question family.
pub fn family_subject(family: &str) -> String {
    format!("family:{family}")
}

/// The subject of a STAR story.
pub fn story_subject(story: &str) -> String {
    format!("story:{story}")
}

/// The grade of a score on the 0–4 scale, at the coach's cut points: Again under 1.75 (a strong
/// no), Hard under 2.5, Good under 3.5, Easy from 3.5.
pub fn grade_from_score(overall: f64) -> Grade {
    if overall >= 3.5 {
        Grade::Easy
    } else if overall >= 2.5 {
        Grade::Good
    } else if overall >= 1.75 {
        Grade::Hard
    } else {
        Grade::Again
    }
}

/// A card's memory state when it is usable by FSRS; a damaged one (from an edited store) counts
/// as no state, so the subject starts over rather than failing.
fn memory_of(card: &Card) -> Option<MemoryState> {
    let (s, d) = (card.stability as f32, card.difficulty as f32);
    (s.is_finite() && d.is_finite() && s > 0.0).then(|| MemoryState {
        stability: s.min(36_500.0),
        difficulty: d.clamp(1.0, 10.0),
    })
}

/// The state after a review of `subject` graded `grade` at `now_ms`, from the previous state (none
/// for a subject never reviewed).
pub fn review(previous: Option<&Card>, subject: &str, grade: Grade, now_ms: i64) -> Card {
    let memory = previous.and_then(memory_of);
    let elapsed_days = previous.map_or(0, |p| {
        u32::try_from(now_ms.saturating_sub(p.last_review_ms).max(0) / DAY_MS).unwrap_or(u32::MAX)
    });
    // The default parameters are valid and a checked state gives finite results, so FSRS does
    // not fail here; if it ever did, the subject would simply come back the next day.
    let next = FSRS::new(&[])
        .and_then(|f| f.next_states(memory, DESIRED_RETENTION, elapsed_days))
        .ok()
        .map(|n| match grade {
            Grade::Again => n.again,
            Grade::Hard => n.hard,
            Grade::Good => n.good,
            Grade::Easy => n.easy,
        });
    let (stability, difficulty, interval) = next.map_or((1.0, 5.0, 1.0), |s| {
        (
            f64::from(s.memory.stability),
            f64::from(s.memory.difficulty),
            f64::from(s.interval),
        )
    });
    // Whole days, at least one: practice happens day by day.
    let days = interval.round().clamp(1.0, MAX_INTERVAL_DAYS);
    let reps = previous.map_or(0, |p| p.reps).saturating_add(1);
    let lapses =
        previous.map_or(0, |p| p.lapses) + u32::from(previous.is_some() && grade == Grade::Again);
    Card {
        subject: subject.to_string(),
        stability,
        difficulty,
        last_review_ms: now_ms,
        due_ms: now_ms.saturating_add((days as i64).saturating_mul(DAY_MS)),
        reps,
        lapses,
    }
}

impl Card {
    /// Days from the last review to the due date.
    pub fn interval_days(&self) -> f64 {
        (self.due_ms - self.last_review_ms) as f64 / DAY_MS as f64
    }
}

/// The cards due at `now_ms`, most overdue first (ties by subject).
pub fn due(cards: &[Card], now_ms: i64) -> Vec<&Card> {
    let mut out: Vec<&Card> = cards.iter().filter(|c| c.due_ms <= now_ms).collect();
    out.sort_by(|a, b| {
        a.due_ms
            .cmp(&b.due_ms)
            .then_with(|| a.subject.cmp(&b.subject))
    });
    out
}
