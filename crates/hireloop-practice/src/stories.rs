//! The candidate's STAR story bank: stories of their own work, each tagged with the values it
//! shows, checked, and practised as culture-fit answers.

use hireloop_coach::Coach;
use hireloop_core::Content;
use hireloop_core::diag::did_you_mean;
use serde::{Deserialize, Serialize};

use crate::error::{FieldProblem, PracticeError};
use crate::feedback::ItemFeedback;
use crate::grade::open_feedback;

/// The longest id, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// The longest part (situation, task, action or result), in characters: a spoken story is a few
/// hundred words in all.
pub const MAX_PART_CHARS: usize = 2_000;

/// A STAR story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Story {
    /// Stable id: lowercase letters, digits, `-` and `_`.
    pub id: String,
    /// A short title.
    pub title: String,
    /// The situation.
    pub situation: String,
    /// The task.
    pub task: String,
    /// What the candidate did.
    pub action: String,
    /// What came of it, ideally with a number.
    pub result: String,
    /// Ids of the values it shows, such as `ownership`.
    #[serde(default)]
    pub values: Vec<String>,
}

impl Story {
    /// Checks every field; every problem is reported, each naming its field.
    pub fn validate(&self, content: &Content) -> Result<(), PracticeError> {
        let mut problems = Vec::new();
        let id_ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if self.id.is_empty() {
            problems.push(FieldProblem::new("id", "the id is empty"));
        } else if !self.id.chars().all(id_ok) {
            problems.push(FieldProblem::new(
                "id",
                format!(
                    "`{}` has characters other than lowercase letters, digits, - and _",
                    self.id
                ),
            ));
        } else if self.id.chars().count() > MAX_ID_CHARS {
            problems.push(FieldProblem::new(
                "id",
                format!("the id is longer than {MAX_ID_CHARS} characters"),
            ));
        }
        let mut text = |field: &str, value: &str, max: usize| {
            let n = value.trim().chars().count();
            if n == 0 {
                problems.push(FieldProblem::new(field, format!("the {field} is empty")));
            } else if n > max {
                problems.push(FieldProblem::new(
                    field,
                    format!("the {field} has {n} characters; at most {max}"),
                ));
            }
        };
        text("title", &self.title, MAX_TITLE_CHARS);
        text("situation", &self.situation, MAX_PART_CHARS);
        text("task", &self.task, MAX_PART_CHARS);
        text("action", &self.action, MAX_PART_CHARS);
        text("result", &self.result, MAX_PART_CHARS);
        let known: Vec<&str> = content.values.iter().map(|v| v.id.as_str()).collect();
        for (i, v) in self.values.iter().enumerate() {
            let field = format!("values[{i}]");
            if !known.contains(&v.as_str()) {
                let hint = did_you_mean(v, known.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                problems.push(FieldProblem::new(
                    field,
                    format!("no value `{v}`; {hint}the values are {}", known.join(", ")),
                ));
            } else if self.values[..i].contains(v) {
                problems.push(FieldProblem::new(field, format!("`{v}` is listed twice")));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(PracticeError::Story(problems))
        }
    }

    /// The story as the answer the coach grades: the four parts as paragraphs, without labels,
    /// so that writing "Result:" earns nothing by itself. Evidence offsets point into this text.
    pub fn text(&self) -> String {
        [&self.situation, &self.task, &self.action, &self.result]
            .iter()
            .map(|p| p.trim())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The key its feedback carries: `story:<id>`.
    pub fn key(&self) -> String {
        format!("story:{}", self.id)
    }
}

/// Grades a story as an answer to a culture-fit question: against each bank question of the
/// values it is tagged with, keeping the closest (the best grade; the first on a tie), or, when it
/// has no values, against the values family's rubric with its title as the question.
pub fn practise_story(
    coach: &Coach<'_>,
    content: &Content,
    story: &Story,
) -> Result<ItemFeedback, PracticeError> {
    story.validate(content)?;
    let key = story.key();
    let answer = story.text();
    let coach_error = |source| PracticeError::Coach {
        key: key.clone(),
        source,
    };
    let mut questions: Vec<&str> = Vec::new();
    for v in &story.values {
        for q in content
            .values
            .iter()
            .filter(|x| x.id == *v)
            .flat_map(|x| &x.questions)
        {
            if content.question(q).is_some() && !questions.contains(&q.as_str()) {
                questions.push(q);
            }
        }
    }
    let mut best: Option<ItemFeedback> = None;
    for id in questions {
        let grade = coach.grade_question(id, &answer).map_err(coach_error)?;
        let q = content.question(id);
        let f = open_feedback(
            &key,
            q,
            &grade,
            q.map(|q| q.outline.clone()).unwrap_or_default(),
        );
        if best.as_ref().is_none_or(|b| f.overall > b.overall) {
            best = Some(f);
        }
    }
    match best {
        Some(f) => Ok(f),
        None => {
            let prompt = format!("Tell me about a time from your own work: {}", story.title);
            let grade = coach
                .grade_custom("values", &prompt, &answer)
                .map_err(coach_error)?;
            let mut f = open_feedback(&key, None, &grade, Vec::new());
            f.family = Some("values".into());
            Ok(f)
        }
    }
}
