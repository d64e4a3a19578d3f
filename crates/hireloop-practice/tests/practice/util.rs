//! Helpers shared by the tests: the built-in content and coach, golden files, setups and
//! simulated candidates.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hireloop_coach::Coach;
use hireloop_core::Level;
use hireloop_core::content::{AnswerKey, Content};
use hireloop_practice::{
    Answer, ItemFeedback, ItemKind, Language, LoopPlan, PracticeItem, PracticeSetup, grade_item,
};

/// 2025-06-15T00:00:00Z: the moment every simulated answer is given.
pub const NOW_MS: i64 = 1_749_945_600_000;

/// The built-in content, loaded once.
pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| match Content::builtin() {
        Ok(c) => c,
        Err(d) => panic!("built-in content has errors:\n{d}"),
    })
}

/// The coach over the built-in content, built once.
pub fn coach() -> &'static Coach<'static> {
    static C: OnceLock<Coach<'static>> = OnceLock::new();
    C.get_or_init(|| Coach::new(content()))
}

/// A setup of the built-in pipeline.
pub fn setup(level: &str, region: &str, language: Language, seed: u64) -> PracticeSetup {
    PracticeSetup {
        pipeline: "alibaba-pm".into(),
        level: level.parse::<Level>().unwrap(),
        region: region.into(),
        language,
        seed,
    }
}

/// The folder of test data.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Compares `actual` with the golden file; rewrites it under `UPDATE_GOLDEN=1`. Returns a message
/// for a mismatch so that one run reports every failing case.
pub fn golden(name: &str, actual: &str) -> Option<String> {
    let path = data(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&path, actual).unwrap();
        return None;
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    let first = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{} differs from the output at line {}:\n  expected: {:?}\n  actual:   {:?}\n(run with UPDATE_GOLDEN=1 to accept the new output)",
        path.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>")
    ))
}

/// Fails with every mismatch at once.
pub fn assert_all(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// How a simulated candidate answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    /// Open answers written for the question under `tests/data/answers/`, else the question's
    /// model outline; keyed items right; a strong resume.
    Strong,
    /// Short, vague answers; keyed items wrong.
    Weak,
}

/// A weak free-text answer: vague, no structure, no numbers, nobody else considered.
pub const WEAK_ANSWER: &str = "I think I would just work hard and listen to my manager. Usually things work out if the team is motivated and we keep trying different ideas until something sticks, so I would do that here as well.";

/// The answer a simulated candidate gives to an item.
pub fn answer_for(item: &PracticeItem, who: Candidate) -> Answer {
    match item.kind {
        ItemKind::Resume => Answer::Text(match who {
            Candidate::Strong => fs::read_to_string(data("resume-strong.md")).unwrap(),
            Candidate::Weak => "Looking for a job. I like products and teamwork.".to_string(),
        }),
        ItemKind::Keyed => {
            let q = content()
                .question(item.question.as_deref().unwrap())
                .unwrap();
            match (&q.key, who) {
                (Some(AnswerKey::Choice { correct, .. }), Candidate::Strong) => {
                    Answer::Choice(*correct)
                }
                (
                    Some(AnswerKey::Choice {
                        correct, options, ..
                    }),
                    Candidate::Weak,
                ) => Answer::Choice((correct + 1) % options.len()),
                (Some(AnswerKey::Numeric { value, unit, .. }), Candidate::Strong) => {
                    Answer::Text(format!("{value} {unit}"))
                }
                (Some(AnswerKey::Numeric { value, .. }), Candidate::Weak) => {
                    Answer::Text(format!("{}", value * 3.0 + 7.0))
                }
                (None, _) => panic!("keyed item {} without a key", item.key),
            }
        }
        ItemKind::Open => match who {
            Candidate::Strong => {
                let id = item.question.as_deref().unwrap();
                let written = data(&format!("answers/{}.txt", id.replace('/', "__")));
                Answer::Text(
                    fs::read_to_string(written)
                        .unwrap_or_else(|_| content().question(id).unwrap().outline.join("\n\n")),
                )
            }
            Candidate::Weak => Answer::Text(WEAK_ANSWER.to_string()),
        },
    }
}

/// Grades every item of `plan` for which `who` gives a candidate, with each item taking a fixed
/// eight minutes.
pub fn simulate(
    plan: &LoopPlan,
    who: impl Fn(&PracticeItem) -> Option<Candidate>,
) -> Vec<(String, ItemFeedback)> {
    plan.items()
        .filter_map(|item| {
            let c = who(item)?;
            let mut f = grade_item(
                coach(),
                content(),
                plan,
                &item.key,
                &answer_for(item, c),
                NOW_MS,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", item.key));
            f.elapsed_ms = Some(8 * 60_000);
            Some((item.key.clone(), f))
        })
        .collect()
}
