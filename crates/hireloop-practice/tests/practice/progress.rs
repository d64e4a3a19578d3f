//! Progress over time and the preparation checklist.

use std::collections::BTreeMap;

use hireloop_practice::checklist;
use hireloop_practice::progress::{Attempt, Direction, Progress, SelfRating};

use crate::util::content;

const DAY: i64 = 86_400_000;

fn attempt(day: i64, family: &str, overall: f64, structure: f64, own: Option<u8>) -> Attempt {
    Attempt {
        at_ms: day * DAY,
        family: family.into(),
        scores: BTreeMap::from([
            ("structure".to_string(), structure),
            ("metrics".to_string(), overall),
        ]),
        overall,
        self_rating: own.map(|o| SelfRating {
            overall: Some(o),
            dimensions: BTreeMap::new(),
        }),
    }
}

#[test]
fn series_gaps_and_families_come_from_the_attempts() {
    // Out of order on purpose: progress sorts by time.
    let attempts = vec![
        attempt(3, "guesstimate", 2.5, 2.0, Some(4)),
        attempt(0, "ab", 1.5, 1.0, Some(4)),
        attempt(7, "ab", 3.0, 3.0, Some(3)),
        attempt(9, "ab", 3.5, 3.5, None),
        attempt(10, "guesstimate", 3.2, 3.0, Some(3)),
    ];
    let p = Progress::compute(&attempts);
    assert_eq!(p.first_ms, Some(0));
    let structure = p
        .dimensions
        .iter()
        .find(|d| d.dimension == "structure")
        .unwrap();
    let xs: Vec<(i64, f64)> = structure
        .points
        .iter()
        .map(|pt| (pt.at_ms / DAY, pt.score))
        .collect();
    assert_eq!(xs, [(0, 1.0), (3, 2.0), (7, 3.0), (9, 3.5), (10, 3.0)]);
    let gaps: Vec<f64> = p.gaps.iter().map(|g| g.gap).collect();
    assert_eq!(gaps, [2.5, 1.5, 0.0, -0.2]);
    let t = p.gap_trend.as_ref().unwrap();
    assert_eq!(t.direction, Direction::Narrowing);
    assert_eq!((t.earlier, t.later), (2.0, 0.1));
    assert!(t.slope < 0.0);
    assert_eq!(p.families[0].family, "ab");
    assert_eq!(p.families[0].attempts, 3);
    assert_eq!(p.families[1].mean_overall, 2.85);
    assert_eq!(p.families[1].last_ms, 10 * DAY);
}

#[test]
fn self_ratings_per_dimension_count_when_there_is_no_overall() {
    let mut a = attempt(0, "ab", 2.0, 2.0, None);
    a.self_rating = Some(SelfRating {
        overall: Some(9), // out of scale: ignored
        dimensions: BTreeMap::from([
            ("structure".to_string(), 4),
            ("metrics".to_string(), 3),
            ("ghost".to_string(), 1),
        ]),
    });
    assert_eq!(a.self_gap(), Some((3.5, 2.0)));
    let p = Progress::compute(&[a.clone()]);
    assert_eq!(p.gaps.len(), 1);
    assert!(p.gap_trend.is_none(), "a trend needs two rated attempts");
    a.self_rating = Some(SelfRating::default());
    assert_eq!(a.self_gap(), None);
}

#[test]
fn charts_are_svg_and_say_when_there_is_nothing() {
    let attempts = vec![
        attempt(0, "ab", 1.5, 1.0, Some(3)),
        attempt(2, "metrics", 3.0, 2.5, Some(3)),
    ];
    let p = Progress::compute(&attempts);
    let lines = p.dimension_chart(&[]);
    assert!(lines.starts_with("<svg") && lines.contains("<polyline"));
    assert!(lines.contains(">structure<") && lines.contains(">metrics<"));
    assert!(
        p.dimension_chart(&["structure"])
            .matches("<polyline")
            .count()
            == 1
    );
    assert!(p.gap_chart().contains("self − coach"));
    let bars = p.family_chart();
    assert!(bars.contains("1 attempt(s) · mean 1.50"));
    let empty = Progress::compute(&[]);
    assert!(empty.dimension_chart(&[]).contains("no data"));
    assert!(empty.families.is_empty() && empty.first_ms.is_none());
}

#[test]
fn checklist_progress_by_section() {
    let done = vec![
        "guesstimates".to_string(),
        "star-stories".to_string(),
        "earnings-reports".to_string(),
        "removed-item".to_string(),
    ];
    let p = checklist::progress(content(), &done);
    assert_eq!(p.total, content().checklist.len());
    assert_eq!(p.done, 3);
    assert_eq!(p.unknown, ["removed-item"]);
    let sections: Vec<&str> = p.sections.iter().map(|s| s.category.as_str()).collect();
    assert_eq!(sections, ["research", "practice", "frameworks", "kpis"]);
    let practice = &p.sections[1];
    assert_eq!((practice.done, practice.total), (2, 2));
    assert_eq!(practice.fraction, 1.0);
    assert_eq!(p.sections[0].done, 1);
    assert!((p.fraction - 3.0 / p.total as f64).abs() < 1e-12);
    let none = checklist::progress(content(), &[]);
    assert_eq!(none.done, 0);
    assert_eq!(none.fraction, 0.0);
}
