//! Practising STAR stories as culture-fit answers.

use hireloop_practice::feedback::FeedbackDetail;
use hireloop_practice::stories::practise_story;

use crate::errors::story;
use crate::util::{WEAK_ANSWER, coach, content};

#[test]
fn a_story_is_graded_against_the_closest_question_of_its_values() {
    let s = story();
    let f = practise_story(coach(), content(), &s).unwrap();
    assert_eq!(f.key, "story:checkout-outage");
    let q = f.question.as_deref().unwrap();
    assert!(
        ["values/ownership", "values/customer-first"].contains(&q),
        "{q}"
    );
    // The closest: no question of its values grades it higher.
    for other in ["values/ownership", "values/customer-first"] {
        let g = coach().grade_question(other, &s.text()).unwrap();
        assert!(
            g.overall <= f.overall,
            "{other} {} > {}",
            g.overall,
            f.overall
        );
    }
    assert!(f.overall >= 2.5, "a solid story: {}", f.overall);
    assert!(f.score_of("star").unwrap() >= 3.0);
    // Evidence offsets point into the story's text.
    let FeedbackDetail::Open(g) = &f.detail else {
        panic!()
    };
    let text = s.text();
    for e in g.dimensions.iter().flat_map(|d| &d.evidence) {
        assert_eq!(&text[e.start..e.end], e.text);
    }
    assert!(
        !text.contains("Situation:"),
        "parts are joined without labels"
    );
}

#[test]
fn a_story_without_values_uses_the_values_rubric_and_a_thin_story_scores_low() {
    let mut s = story();
    s.values.clear();
    let f = practise_story(coach(), content(), &s).unwrap();
    assert_eq!(f.question, None);
    assert_eq!(f.family.as_deref(), Some("values"));
    let FeedbackDetail::Open(g) = &f.detail else {
        panic!()
    };
    assert_eq!(g.question, "custom:values");
    let thin = hireloop_practice::stories::Story {
        situation: WEAK_ANSWER.into(),
        task: "Do it.".into(),
        action: "I did it.".into(),
        result: "Fine.".into(),
        ..story()
    };
    let weak = practise_story(coach(), content(), &thin).unwrap();
    assert!(weak.overall < f.overall);
    assert!(weak.overall < 2.0, "{}", weak.overall);
}

#[test]
fn an_invalid_story_is_not_graded() {
    let mut s = story();
    s.task = " ".into();
    let err = practise_story(coach(), content(), &s)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "invalid story: task: the task is empty");
}
