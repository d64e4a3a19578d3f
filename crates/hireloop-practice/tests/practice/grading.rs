//! Grading one item: keyed items against their key, free text by the coach (in the coach's own
//! JSON), resumes by the screener, and the answers each kind refuses.

use hireloop_core::content::AnswerKey;
use hireloop_practice::feedback::{FeedbackDetail, ResumeSuggestion};
use hireloop_practice::{Answer, ItemKind, Language, LoopPlan, PracticeError, grade_item};

use crate::util::{NOW_MS, WEAK_ANSWER, coach, content, data, setup};

fn p6_plan() -> LoopPlan {
    LoopPlan::build(content(), &setup("P6", "china", Language::En, 11), &[]).unwrap()
}

fn grade(
    plan: &LoopPlan,
    key: &str,
    answer: Answer,
) -> Result<hireloop_practice::ItemFeedback, PracticeError> {
    grade_item(coach(), content(), plan, key, &answer, NOW_MS)
}

#[test]
fn keyed_items_are_checked_against_their_key() {
    let plan = p6_plan();
    let mut choices = 0;
    let mut numbers = 0;
    for item in plan.items().filter(|i| i.kind == ItemKind::Keyed) {
        let q = content()
            .question(item.question.as_deref().unwrap())
            .unwrap();
        match q.key.as_ref().unwrap() {
            AnswerKey::Choice {
                options,
                correct,
                explanation,
            } => {
                choices += 1;
                let right = grade(&plan, &item.key, Answer::Choice(*correct)).unwrap();
                assert_eq!(right.overall, 4.0);
                let FeedbackDetail::Keyed(k) = &right.detail else {
                    panic!()
                };
                assert!(k.correct);
                assert_eq!(k.correct_option, Some(*correct));
                assert_eq!(&k.explanation, explanation);
                assert!(right.scores.iter().all(|s| s.score == 4.0));
                assert_eq!(right.scores.len(), q.rubric.len());
                let wrong = grade(
                    &plan,
                    &item.key,
                    Answer::Choice((correct + 1) % options.len()),
                )
                .unwrap();
                assert_eq!(wrong.overall, 0.0);
                assert!(wrong.recommendation.is_negative());
                let FeedbackDetail::Keyed(k) = &wrong.detail else {
                    panic!()
                };
                assert!(!k.correct);
                assert_eq!(k.correct_answer, options[*correct]);
                // By letter and by the option's text.
                let letter = char::from(b'a' + *correct as u8).to_string();
                assert_eq!(
                    grade(&plan, &item.key, Answer::Text(letter))
                        .unwrap()
                        .overall,
                    4.0
                );
                assert_eq!(
                    grade(
                        &plan,
                        &item.key,
                        Answer::Text(options[*correct].to_uppercase())
                    )
                    .unwrap()
                    .overall,
                    4.0
                );
                let out = grade(&plan, &item.key, Answer::Choice(options.len())).unwrap_err();
                assert!(
                    out.to_string()
                        .contains(&format!("choose one of the {} options", options.len())),
                    "{out}"
                );
            }
            AnswerKey::Numeric {
                value,
                tolerance,
                unit,
                ..
            } => {
                numbers += 1;
                let ok = grade(
                    &plan,
                    &item.key,
                    Answer::Text(format!("I get {} {unit}", value + tolerance / 2.0)),
                )
                .unwrap();
                assert_eq!(ok.overall, 4.0, "{}", item.key);
                let off = grade(
                    &plan,
                    &item.key,
                    Answer::Text(format!("{}", value + tolerance + 1.0)),
                )
                .unwrap();
                assert_eq!(off.overall, 0.0);
                let err = grade(&plan, &item.key, Answer::Text("no idea".into())).unwrap_err();
                assert!(matches!(err, PracticeError::Answer { .. }));
                assert!(err.to_string().contains("wants a number"), "{err}");
                assert!(grade(&plan, &item.key, Answer::Choice(0)).is_err());
            }
        }
    }
    assert!(
        choices > 0 && numbers > 0,
        "the draw has both kinds of key ({choices}, {numbers})"
    );
}

#[test]
fn open_answers_keep_the_coach_grade_and_its_json_contract() {
    let plan = p6_plan();
    let item = plan
        .items()
        .find(|i| i.kind == ItemKind::Open && i.key.starts_with("product-design"))
        .unwrap();
    let q = item.question.as_deref().unwrap();
    let text = content().question(q).unwrap().outline.join("\n\n");
    let f = grade(&plan, &item.key, Answer::Text(text.clone())).unwrap();
    let own = coach().grade_question(q, &text).unwrap();
    let FeedbackDetail::Open(g) = &f.detail else {
        panic!()
    };
    assert_eq!(
        serde_json::to_value(g).unwrap(),
        serde_json::to_value(&own).unwrap(),
        "the stored grade writes out as the coach's JSON"
    );
    assert_eq!(f.overall, own.overall);
    assert_eq!(f.outline, content().question(q).unwrap().outline);
    assert_eq!(
        f.scores.len(),
        own.dimensions.iter().filter(|d| d.score.is_some()).count()
    );
    let weak = grade(&plan, &item.key, Answer::Text(WEAK_ANSWER.into())).unwrap();
    assert!(weak.overall < f.overall);
    assert!(weak.mistakes.contains(&"too_short".to_string()));
    // A Chinese answer is graded as Chinese.
    let zh = grade(
        &plan,
        &item.key,
        Answer::Text("我会先明确目标用户和商家，然后用数据验证需求。".into()),
    )
    .unwrap();
    let FeedbackDetail::Open(g) = &zh.detail else {
        panic!()
    };
    assert_eq!(g.language, Language::Zh);
}

#[test]
fn the_resume_is_screened() {
    let plan = p6_plan();
    let strong = std::fs::read_to_string(data("resume-strong.md")).unwrap();
    let f = grade(&plan, "resume-review/1", Answer::Text(strong)).unwrap();
    let FeedbackDetail::Resume(r) = &f.detail else {
        panic!()
    };
    assert_eq!(r.suggestion, ResumeSuggestion::Advance);
    assert!(r.shows.ownership && r.shows.impact && r.shows.product);
    // "Present" is June 2025: March 2019 to then, plus July 2016 to February 2019.
    assert_eq!(r.years, Some(9.0));
    assert!(f.overall >= 3.5, "{}", f.overall);
    assert!(
        r.findings
            .iter()
            .any(|x| x.aspect == "scale" && x.text.contains("8M buyers"))
    );
    let weak = grade(
        &plan,
        "resume-review/1",
        Answer::Text("Looking for a job. I like products and teamwork.".into()),
    )
    .unwrap();
    let FeedbackDetail::Resume(r) = &weak.detail else {
        panic!()
    };
    assert_eq!(r.suggestion, ResumeSuggestion::Reject);
    assert!(weak.overall < 2.0);
    assert!(
        weak.scores.iter().all(|s| !s.advice.is_empty()),
        "low scores come with advice"
    );
}

#[test]
fn answers_that_do_not_fit_the_item_are_refused_with_the_key() {
    let plan = p6_plan();
    let open = plan
        .items()
        .find(|i| i.kind == ItemKind::Open)
        .unwrap()
        .key
        .clone();
    let cases = [
        (
            open.clone(),
            Answer::Choice(1),
            "a chosen option, but this item wants a written answer",
        ),
        (
            open.clone(),
            Answer::Text("   ".into()),
            "the answer is empty",
        ),
        (
            "resume-review/1".to_string(),
            Answer::Choice(0),
            "wants the text of a resume",
        ),
        (
            "nope/3".to_string(),
            Answer::Text("x".into()),
            "no item `nope/3` in this loop; its items are resume-review/1, ",
        ),
    ];
    for (key, answer, expected) in cases {
        let err = grade(&plan, &key, answer).unwrap_err().to_string();
        assert!(err.contains(expected), "{key}: {err}");
        assert!(err.contains(&key), "{err}");
    }
    let huge = "word ".repeat(20_000);
    let err = grade(&plan, &open, Answer::Text(huge)).unwrap_err();
    assert!(matches!(err, PracticeError::Coach { .. }), "{err}");
}
