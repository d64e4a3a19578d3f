//! Spaced repetition: FSRS intervals, grades from scores, and what is due.

use hireloop_practice::schedule::{
    Card, Grade, due, family_subject, grade_from_score, review, story_subject,
};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_749_945_600_000;

/// Reviews a subject with the given grades, each on the day it falls due.
fn run(grades: &[Grade]) -> Vec<Card> {
    let mut cards: Vec<Card> = Vec::new();
    for g in grades {
        let now = cards.last().map_or(T0, |c| c.due_ms);
        cards.push(review(cards.last(), "family:guesstimate", *g, now));
    }
    cards
}

#[test]
fn intervals_grow_with_good_reviews_and_shrink_after_again() {
    let cards = run(&[
        Grade::Good,
        Grade::Good,
        Grade::Good,
        Grade::Good,
        Grade::Again,
        Grade::Good,
    ]);
    let days: Vec<f64> = cards.iter().map(Card::interval_days).collect();
    assert!(days[0] >= 1.0);
    for w in days[..4].windows(2) {
        assert!(w[1] > w[0], "intervals grow with Good: {days:?}");
    }
    assert!(days[4] < days[3], "Again shrinks the interval: {days:?}");
    assert!(cards[4].stability < cards[3].stability);
    assert_eq!(cards[4].lapses, 1);
    assert_eq!(cards[5].reps, 6);
    assert!(cards.iter().all(|c| (1.0..=10.0).contains(&c.difficulty)));
    // Whole days, never more than a year.
    assert!(days.iter().all(|d| d.fract() == 0.0 && *d <= 365.0));
}

#[test]
fn easier_grades_give_longer_intervals() {
    let first: Vec<f64> = [Grade::Again, Grade::Hard, Grade::Good, Grade::Easy]
        .iter()
        .map(|g| review(None, "story:x", *g, T0).interval_days())
        .collect();
    for w in first.windows(2) {
        assert!(w[1] >= w[0], "{first:?}");
    }
    assert!(first[3] > first[0]);
    let new = review(None, "story:x", Grade::Again, T0);
    assert_eq!(new.lapses, 0, "a first review is not a lapse");
    assert_eq!((new.reps, new.last_review_ms), (1, T0));
}

#[test]
fn reviewing_early_or_with_a_damaged_state_still_schedules() {
    let c = review(None, "family:ab", Grade::Good, T0);
    // A clock that went backwards counts as no time elapsed.
    let back = review(Some(&c), "family:ab", Grade::Good, T0 - DAY);
    assert!(back.due_ms > back.last_review_ms);
    let mut broken = c.clone();
    broken.stability = f64::NAN;
    broken.difficulty = 99.0;
    let fixed = review(Some(&broken), "family:ab", Grade::Good, T0 + DAY);
    assert!(fixed.stability.is_finite() && fixed.interval_days() >= 1.0);
}

#[test]
fn scores_map_to_grades_at_the_coach_cut_points() {
    let cases = [
        (0.0, Grade::Again),
        (1.74, Grade::Again),
        (1.75, Grade::Hard),
        (2.49, Grade::Hard),
        (2.5, Grade::Good),
        (3.49, Grade::Good),
        (3.5, Grade::Easy),
        (4.0, Grade::Easy),
        (f64::NAN, Grade::Again),
    ];
    for (score, grade) in cases {
        assert_eq!(grade_from_score(score), grade, "{score}");
    }
}

#[test]
fn due_cards_come_most_overdue_first() {
    let mk = |subject: &str, due_ms: i64| Card {
        subject: subject.into(),
        stability: 3.0,
        difficulty: 5.0,
        last_review_ms: due_ms - 3 * DAY,
        due_ms,
        reps: 1,
        lapses: 0,
    };
    let cards = vec![
        mk(&family_subject("ab"), T0 - DAY),
        mk(&story_subject("outage"), T0 + DAY),
        mk(&family_subject("metrics"), T0 - 5 * DAY),
        mk(&family_subject("case"), T0),
        mk(&family_subject("design"), T0 - DAY),
    ];
    let subjects: Vec<&str> = due(&cards, T0).iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "family:metrics",
            "family:ab",
            "family:design",
            "family:case"
        ]
    );
    assert!(due(&cards, T0 - 10 * DAY).is_empty());
}
