//! Progress over time, from past graded answers: each dimension's scores, how far the
//! candidate's own rating sits from the coach's and whether that gap is closing, and practice per
//! question family — with SVG charts of each.

use std::collections::BTreeMap;

use hireloop_report::svg;
use serde::{Deserialize, Serialize};

use crate::calendar::DAY_MS;
use crate::feedback::ItemFeedback;

/// The candidate's own rating of an answer, 1–4, overall or per dimension. Ratings outside 1–4
/// are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfRating {
    /// Overall.
    #[serde(default)]
    pub overall: Option<u8>,
    /// By dimension id.
    #[serde(default)]
    pub dimensions: BTreeMap<String, u8>,
}

/// One past graded answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The question family (`resume` for a resume).
    pub family: String,
    /// The coach's score per dimension, 0–4.
    pub scores: BTreeMap<String, f64>,
    /// The coach's overall score, 0–4.
    pub overall: f64,
    /// The candidate's own rating, if given.
    #[serde(default)]
    pub self_rating: Option<SelfRating>,
}

impl Attempt {
    /// An attempt from a feedback.
    pub fn from_feedback(
        at_ms: i64,
        feedback: &ItemFeedback,
        self_rating: Option<SelfRating>,
    ) -> Attempt {
        Attempt {
            at_ms,
            family: feedback
                .family
                .clone()
                .unwrap_or_else(|| "resume".to_string()),
            scores: feedback
                .scores
                .iter()
                .map(|s| (s.dimension.clone(), s.score))
                .collect(),
            overall: feedback.overall,
            self_rating,
        }
    }

    /// The candidate's rating minus the coach's, when the candidate rated: overall against
    /// overall, else the mean over the dimensions both rated.
    pub fn self_gap(&self) -> Option<(f64, f64)> {
        let valid = |r: u8| (1..=4).contains(&r).then_some(f64::from(r));
        let s = self.self_rating.as_ref()?;
        if let Some(o) = s.overall.and_then(valid) {
            return Some((o, self.overall));
        }
        let pairs: Vec<(f64, f64)> = s
            .dimensions
            .iter()
            .filter_map(|(d, r)| Some((valid(*r)?, *self.scores.get(d)?)))
            .collect();
        if pairs.is_empty() {
            return None;
        }
        let n = pairs.len() as f64;
        Some((
            pairs.iter().map(|p| p.0).sum::<f64>() / n,
            pairs.iter().map(|p| p.1).sum::<f64>() / n,
        ))
    }
}

/// A score at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// When.
    pub at_ms: i64,
    /// The score, 0–4.
    pub score: f64,
}

/// One dimension's scores over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionSeries {
    /// Dimension id.
    pub dimension: String,
    /// Scores, oldest first.
    pub points: Vec<Point>,
}

/// The self-rating against the coach's for one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapPoint {
    /// When.
    pub at_ms: i64,
    /// The family practised.
    pub family: String,
    /// The candidate's rating.
    pub self_rating: f64,
    /// The coach's.
    pub coach: f64,
    /// Self minus coach: above zero the candidate rated themselves higher than the coach did.
    pub gap: f64,
}

/// Whether the self-rating gap is closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The candidate's ratings are coming closer to the coach's.
    Narrowing,
    /// They are moving apart.
    Widening,
    /// About the same.
    Steady,
}

/// The trend of the self-rating gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GapTrend {
    /// Mean size of the gap over the earlier half of the rated attempts.
    pub earlier: f64,
    /// Mean size over the later half.
    pub later: f64,
    /// Least-squares change in the size of the gap per rated attempt.
    pub slope: f64,
    /// Narrowing (slope under −0.05), widening (over 0.05) or steady.
    pub direction: Direction,
}

/// Practice of one family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyCount {
    /// Family id.
    pub family: String,
    /// Attempts.
    pub attempts: usize,
    /// Mean overall score.
    pub mean_overall: f64,
    /// The latest attempt.
    pub last_ms: i64,
}

/// Progress over all attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The first attempt, the origin of the charts' time axis.
    pub first_ms: Option<i64>,
    /// A series per dimension, by id.
    pub dimensions: Vec<DimensionSeries>,
    /// The self-rating gap of each rated attempt, oldest first.
    pub gaps: Vec<GapPoint>,
    /// Its trend, from two rated attempts on.
    pub gap_trend: Option<GapTrend>,
    /// Attempts per family, most practised first.
    pub families: Vec<FamilyCount>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn trend(gaps: &[GapPoint]) -> Option<GapTrend> {
    let sizes: Vec<f64> = gaps.iter().map(|g| g.gap.abs()).collect();
    let n = sizes.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let mx = (nf - 1.0) / 2.0;
    let my = sizes.iter().sum::<f64>() / nf;
    let (sxy, sxx) = sizes
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(sxy, sxx), (i, y)| {
            let dx = i as f64 - mx;
            (sxy + dx * (y - my), sxx + dx * dx)
        });
    let slope = sxy / sxx;
    let half = n / 2;
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
    Some(GapTrend {
        earlier: round3(mean(&sizes[..half])),
        later: round3(mean(&sizes[n - half..])),
        slope: round3(slope),
        direction: if slope < -0.05 {
            Direction::Narrowing
        } else if slope > 0.05 {
            Direction::Widening
        } else {
            Direction::Steady
        },
    })
}

impl Progress {
    /// Progress over `attempts`, in any order.
    pub fn compute(attempts: &[Attempt]) -> Progress {
        let mut sorted: Vec<&Attempt> = attempts.iter().collect();
        sorted.sort_by_key(|a| a.at_ms);
        let mut series: BTreeMap<&str, Vec<Point>> = BTreeMap::new();
        let mut families: BTreeMap<&str, (usize, f64, i64)> = BTreeMap::new();
        let mut gaps = Vec::new();
        for a in &sorted {
            for (d, s) in &a.scores {
                series.entry(d.as_str()).or_default().push(Point {
                    at_ms: a.at_ms,
                    score: *s,
                });
            }
            let f = families
                .entry(a.family.as_str())
                .or_insert((0, 0.0, a.at_ms));
            f.0 += 1;
            f.1 += a.overall;
            f.2 = f.2.max(a.at_ms);
            if let Some((own, coach)) = a.self_gap() {
                gaps.push(GapPoint {
                    at_ms: a.at_ms,
                    family: a.family.clone(),
                    self_rating: round3(own),
                    coach: round3(coach),
                    gap: round3(own - coach),
                });
            }
        }
        let mut families: Vec<FamilyCount> = families
            .into_iter()
            .map(|(family, (n, sum, last))| FamilyCount {
                family: family.to_string(),
                attempts: n,
                mean_overall: round3(sum / n as f64),
                last_ms: last,
            })
            .collect();
        families.sort_by(|a, b| {
            b.attempts
                .cmp(&a.attempts)
                .then_with(|| a.family.cmp(&b.family))
        });
        Progress {
            first_ms: sorted.first().map(|a| a.at_ms),
            dimensions: series
                .into_iter()
                .map(|(d, points)| DimensionSeries {
                    dimension: d.to_string(),
                    points,
                })
                .collect(),
            gap_trend: trend(&gaps),
            gaps,
            families,
        }
    }

    fn days(&self, at_ms: i64) -> f64 {
        (at_ms - self.first_ms.unwrap_or(at_ms)) as f64 / DAY_MS as f64
    }

    /// A line chart of dimension scores over time. `dimensions` chooses the lines; when empty,
    /// the six dimensions practised most are drawn (a legend of more is unreadable).
    pub fn dimension_chart(&self, dimensions: &[&str]) -> String {
        let mut chosen: Vec<&DimensionSeries> = if dimensions.is_empty() {
            let mut all: Vec<&DimensionSeries> = self.dimensions.iter().collect();
            all.sort_by_key(|s| std::cmp::Reverse(s.points.len()));
            all.into_iter().take(6).collect()
        } else {
            self.dimensions
                .iter()
                .filter(|s| dimensions.contains(&s.dimension.as_str()))
                .collect()
        };
        chosen.sort_by(|a, b| a.dimension.cmp(&b.dimension));
        let points: Vec<Vec<(f64, f64)>> = chosen
            .iter()
            .map(|s| {
                s.points
                    .iter()
                    .map(|p| (self.days(p.at_ms), p.score))
                    .collect()
            })
            .collect();
        let lines: Vec<svg::Series<'_>> = chosen
            .iter()
            .zip(&points)
            .map(|(s, p)| svg::Series {
                name: &s.dimension,
                points: p,
            })
            .collect();
        svg::lines(
            "Dimension scores over time",
            "days since the first practice",
            "score (0–4)",
            &lines,
        )
    }

    /// A line chart of the self-rating gap per rated attempt (self minus coach).
    pub fn gap_chart(&self) -> String {
        let points: Vec<(f64, f64)> = self
            .gaps
            .iter()
            .map(|g| (self.days(g.at_ms), g.gap))
            .collect();
        svg::lines(
            "Your rating against the coach's",
            "days since the first practice",
            "self minus coach",
            &[svg::Series {
                name: "self − coach",
                points: &points,
            }],
        )
    }

    /// Bars of attempts per family, with the mean score.
    pub fn family_chart(&self) -> String {
        let rows: Vec<svg::Bar<'_>> = self
            .families
            .iter()
            .map(|f| svg::Bar {
                label: &f.family,
                value: f.attempts as f64,
                caption: format!("{} attempt(s) · mean {:.2}", f.attempts, f.mean_overall),
            })
            .collect();
        svg::bars("Practice by question family", &rows)
    }
}
