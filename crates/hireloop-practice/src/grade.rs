//! Grades one answered item: free text by the coach, a keyed item against its key, a resume by
//! the screener. Every kind ends on the same 0–4 scale with per-dimension scores.

use hireloop_coach::Coach;
use hireloop_coach::grade::Grade;
use hireloop_coach::resume::{DocKind, Screening, Suggestion, YearMonth};
use hireloop_core::Content;
use hireloop_core::content::{AnswerKey, Question};

use crate::calendar::year_month;
use crate::coach_json::CoachGrade;
use crate::error::PracticeError;
use crate::feedback::{
    Answer, DimensionScore, FeedbackDetail, ItemFeedback, KeyedResult, ResumeFinding, ResumeMark,
    ResumeResult, ResumeShows, ResumeSuggestion, recommendation_for,
};
use crate::language::Language;
use crate::loop_plan::{ItemKind, LoopPlan, PracticeItem, PracticeRound};

/// Grades the answer to one item of the loop. `now_ms` (milliseconds since the Unix epoch) is
/// when it was given: "present" in a resume's date ranges means that month.
pub fn grade_item(
    coach: &Coach<'_>,
    content: &Content,
    plan: &LoopPlan,
    item_key: &str,
    answer: &Answer,
    now_ms: i64,
) -> Result<ItemFeedback, PracticeError> {
    let item = plan.require_item(item_key)?;
    match item.kind {
        ItemKind::Resume => {
            let text = text_of(item, answer, "the text of a resume")?;
            let round = plan.round_of(item_key);
            Ok(grade_resume(coach, content, round, item, text, now_ms))
        }
        ItemKind::Keyed => {
            let q = question_of(content, item)?;
            grade_keyed(item, q, answer)
        }
        ItemKind::Open => {
            let q = question_of(content, item)?;
            let text = text_of(item, answer, "a written answer")?;
            let grade =
                coach
                    .grade_question(&q.id, text)
                    .map_err(|source| PracticeError::Coach {
                        key: item.key.clone(),
                        source,
                    })?;
            Ok(open_feedback(&item.key, Some(q), &grade, q.outline.clone()))
        }
    }
}

fn question_of<'c>(
    content: &'c Content,
    item: &PracticeItem,
) -> Result<&'c Question, PracticeError> {
    let id = item.question.as_deref().unwrap_or_default();
    content
        .question(id)
        .ok_or_else(|| PracticeError::MissingQuestion {
            key: item.key.clone(),
            question: id.to_string(),
        })
}

fn text_of<'a>(
    item: &PracticeItem,
    answer: &'a Answer,
    wanted: &str,
) -> Result<&'a str, PracticeError> {
    let bad = |message: String| PracticeError::Answer {
        key: item.key.clone(),
        message,
    };
    match answer {
        Answer::Text(t) if t.trim().is_empty() => Err(bad(format!(
            "the answer is empty; this item wants {wanted} (leave it unanswered to skip it)"
        ))),
        Answer::Text(t) => Ok(t),
        Answer::Choice(_) => Err(bad(format!(
            "a chosen option, but this item wants {wanted}"
        ))),
    }
}

/// The feedback of a coach's grade (of a loop item, or of a story).
pub(crate) fn open_feedback(
    key: &str,
    q: Option<&Question>,
    grade: &Grade,
    outline: Vec<String>,
) -> ItemFeedback {
    let coach = CoachGrade::from(grade);
    ItemFeedback {
        key: key.to_string(),
        question: q.map(|q| q.id.clone()),
        family: q.map(|q| q.family.clone()),
        overall: coach.overall,
        recommendation: coach.recommendation,
        scores: coach
            .dimensions
            .iter()
            .filter_map(|d| {
                d.score.map(|score| DimensionScore {
                    dimension: d.id.clone(),
                    score,
                    advice: d.advice.clone(),
                })
            })
            .collect(),
        mistakes: coach.mistakes.clone(),
        outline,
        detail: FeedbackDetail::Open(coach),
        elapsed_ms: None,
    }
}

/// The first number written in a text: "12.5%", "−5", "1,234 users".
fn first_number(text: &str) -> Option<f64> {
    let t = text.replace('\u{2212}', "-").replace(['，', ','], "");
    let bytes = t.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit)?;
    let mut end = start;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
        end += 1;
    }
    let digits = t[start..end].trim_end_matches('.');
    let negative = start > 0 && bytes[start - 1] == b'-';
    digits
        .parse::<f64>()
        .ok()
        .map(|v| if negative { -v } else { v })
}

/// The option an answer picks: an index, the option's text, or its letter (A, B, …).
fn chosen_option(options: &[String], answer: &Answer) -> Option<usize> {
    match answer {
        Answer::Choice(i) => (*i < options.len()).then_some(*i),
        Answer::Text(t) => {
            let t = t.trim();
            options
                .iter()
                .position(|o| o.trim().eq_ignore_ascii_case(t))
                .or_else(|| {
                    let mut chars = t.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) if c.is_ascii_alphabetic() => {
                            let i = (c.to_ascii_uppercase() as u8 - b'A') as usize;
                            (i < options.len()).then_some(i)
                        }
                        _ => None,
                    }
                })
        }
    }
}

fn grade_keyed(
    item: &PracticeItem,
    q: &Question,
    answer: &Answer,
) -> Result<ItemFeedback, PracticeError> {
    let bad = |message: String| PracticeError::Answer {
        key: item.key.clone(),
        message,
    };
    let result = match &q.key {
        Some(AnswerKey::Choice {
            options,
            correct,
            explanation,
        }) => {
            let chosen = chosen_option(options, answer).ok_or_else(|| {
                bad(format!(
                    "choose one of the {} options by index (0 to {}), text or letter",
                    options.len(),
                    options.len().saturating_sub(1)
                ))
            })?;
            KeyedResult {
                correct: chosen == *correct,
                given: options.get(chosen).cloned().unwrap_or_default(),
                chosen: Some(chosen),
                correct_option: Some(*correct),
                correct_answer: options.get(*correct).cloned().unwrap_or_default(),
                explanation: explanation.clone(),
            }
        }
        Some(AnswerKey::Numeric {
            value,
            tolerance,
            unit,
            explanation,
        }) => {
            let given = match answer {
                Answer::Text(t) => first_number(t),
                Answer::Choice(_) => None,
            }
            .ok_or_else(|| bad(format!("this item wants a number (in {unit})")))?;
            // A hair of slack so that a value written to the key's own precision always matches.
            let slack = tolerance.abs() + 1e-9 * value.abs().max(1.0);
            KeyedResult {
                correct: (given - value).abs() <= slack,
                given: format!("{given} {unit}"),
                chosen: None,
                correct_option: None,
                correct_answer: if *tolerance > 0.0 {
                    format!("{value} {unit} (± {tolerance})")
                } else {
                    format!("{value} {unit}")
                },
                explanation: explanation.clone(),
            }
        }
        None => {
            return Err(bad(
                "the question no longer has an answer key; draw a new loop".into(),
            ));
        }
    };
    let score = if result.correct { 4.0 } else { 0.0 };
    Ok(ItemFeedback {
        key: item.key.clone(),
        question: Some(q.id.clone()),
        family: Some(q.family.clone()),
        overall: score,
        recommendation: recommendation_for(score),
        scores: q
            .rubric
            .iter()
            .map(|w| DimensionScore {
                dimension: w.dimension.clone(),
                score,
                advice: String::new(),
            })
            .collect(),
        mistakes: Vec::new(),
        outline: q.outline.clone(),
        detail: FeedbackDetail::Keyed(result),
        elapsed_ms: None,
    })
}

/// The resume-screen dimensions, scored from what the screening shows. More evidence of an
/// aspect lifts it from 3 to 4; a trace of it without the screener counting it gives 2.
fn resume_scores(s: &Screening) -> [(&'static str, f64); 3] {
    let ownership = match (s.shows.ownership, s.ownership.len()) {
        (true, n) if n >= 3 => 4.0,
        (true, _) => 3.0,
        (false, 0) => 1.0,
        (false, _) => 2.0,
    };
    let impact = match (s.shows.impact, s.shows.scale || s.shows.growth) {
        (true, true) => 4.0,
        (true, false) => 3.0,
        (false, true) => 2.0,
        (false, false) => 1.0,
    };
    let product = match (s.shows.product, s.product.len()) {
        (true, n) if n >= 3 => 4.0,
        (true, _) => 3.0,
        (false, 0) => 1.0,
        (false, _) => 2.0,
    };
    [
        ("ownership", ownership),
        ("quantified_impact", impact),
        ("business_focus", product),
    ]
}

fn grade_resume(
    coach: &Coach<'_>,
    content: &Content,
    round: Option<&PracticeRound>,
    item: &PracticeItem,
    text: &str,
    now_ms: i64,
) -> ItemFeedback {
    let (year, month) = year_month(now_ms);
    let as_of = YearMonth::new(year, month).unwrap_or(YearMonth { year, month: 1 });
    let s = coach
        .screener()
        .screen_text(DocKind::Text, text.to_string(), as_of);
    let all = resume_scores(&s);
    let weight_of = |d: &str| {
        round.and_then(|r| {
            r.dimensions
                .iter()
                .find(|w| w.dimension == d)
                .map(|w| w.weight)
        })
    };
    // Weighted by the round's rubric where it names these dimensions; an equal mean otherwise.
    let (num, den) = all.iter().fold((0.0, 0.0), |(n, d), (dim, score)| {
        let w = weight_of(dim).unwrap_or(0.0);
        (n + w * score, d + w)
    });
    let overall = if den > 0.0 {
        num / den
    } else {
        all.iter().map(|(_, s)| s).sum::<f64>() / all.len() as f64
    };
    let overall = (overall * 100.0).round() / 100.0;
    let scores = all
        .iter()
        .map(|(dim, score)| DimensionScore {
            dimension: (*dim).to_string(),
            score: *score,
            advice: if *score < 3.0 {
                content
                    .dimension(dim)
                    .map(|d| d.advice.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            },
        })
        .collect();
    ItemFeedback {
        key: item.key.clone(),
        question: None,
        family: None,
        overall,
        recommendation: recommendation_for(overall),
        scores,
        mistakes: Vec::new(),
        outline: Vec::new(),
        detail: FeedbackDetail::Resume(resume_result(&s)),
        elapsed_ms: None,
    }
}

fn resume_result(s: &Screening) -> ResumeResult {
    let aspects = [
        ("ownership", &s.ownership),
        ("impact", &s.impact),
        ("scale", &s.scale),
        ("growth", &s.growth),
        ("product", &s.product),
    ];
    ResumeResult {
        suggestion: match s.suggestion {
            Suggestion::Advance => ResumeSuggestion::Advance,
            Suggestion::Hold => ResumeSuggestion::Hold,
            Suggestion::Reject => ResumeSuggestion::Reject,
        },
        reasons: s.reasons.clone(),
        shows: ResumeShows {
            ownership: s.shows.ownership,
            impact: s.shows.impact,
            scale: s.shows.scale,
            growth: s.shows.growth,
            product: s.shows.product,
        },
        language: match s.language {
            hireloop_coach::text::Language::En => Language::En,
            hireloop_coach::text::Language::Zh => Language::Zh,
        },
        words: s.words,
        years: s.experience.as_ref().map(|e| e.years),
        level_band: s.level.as_ref().map(|l| l.band.to_string()),
        findings: aspects
            .iter()
            .flat_map(|(aspect, findings)| {
                findings.iter().map(|f| ResumeFinding {
                    aspect: (*aspect).to_string(),
                    start: f.start,
                    end: f.end,
                    text: f.text.clone(),
                    marks: f
                        .marks
                        .iter()
                        .map(|m| ResumeMark {
                            rule: m.rule.clone(),
                            start: m.start,
                            end: m.end,
                            text: m.text.clone(),
                        })
                        .collect(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_number() {
        assert_eq!(first_number("about 12.5%"), Some(12.5));
        assert_eq!(first_number("−5%"), Some(-5.0));
        assert_eq!(first_number("-5.0"), Some(-5.0));
        assert_eq!(first_number("1,234 users"), Some(1234.0));
        assert_eq!(first_number("36.4x."), Some(36.4));
        assert_eq!(first_number("none"), None);
    }

    #[test]
    fn picks_options_by_index_text_or_letter() {
        let o: Vec<String> = ["A", "B", "C", "It cannot be determined"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        assert_eq!(chosen_option(&o, &Answer::Choice(2)), Some(2));
        assert_eq!(chosen_option(&o, &Answer::Choice(4)), None);
        assert_eq!(chosen_option(&o, &Answer::Text("c".into())), Some(2));
        assert_eq!(
            chosen_option(&o, &Answer::Text(" it cannot be determined ".into())),
            Some(3)
        );
        assert_eq!(chosen_option(&o, &Answer::Text("E".into())), None);
        assert_eq!(chosen_option(&o, &Answer::Text("maybe".into())), None);
    }
}
