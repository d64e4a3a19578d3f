//! Properties of the coach over generated answers: it never panics, its evidence always quotes the
//! answer exactly, scores stay on the scale, grading is reproducible, and negating a mention or
//! repeating sentences never raises the score.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use hireloop_coach::Coach;
use hireloop_coach::resume::{DocKind, YearMonth};
use hireloop_core::Content;
use proptest::prelude::*;

fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| Content::builtin().unwrap())
}

/// One coach warmed up front, as the server does, shared by the cases.
fn warmed() -> &'static Coach<'static> {
    static W: OnceLock<Coach<'static>> = OnceLock::new();
    W.get_or_init(|| {
        let coach = Coach::new(content());
        coach.warm();
        coach
    })
}

/// Pieces answers are made of: words of the lexicons, numbers, Chinese, punctuation and noise.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("merchants".to_string()),
        Just("Alipay".to_string()),
        Just("Cainiao".to_string()),
        Just("first".to_string()),
        Just("because".to_string()),
        Just("not".to_string()),
        Just("without".to_string()),
        Just("revenue per visitor".to_string()),
        Just("conversion from 3% to 3.5%".to_string()),
        Just("400M × 3 × 200 = 240B".to_string()),
        Just("商家".to_string()),
        Just("支付宝".to_string()),
        Just("不需要".to_string()),
        Just("转化率从3%提升到3.5%".to_string()),
        Just("，".to_string()),
        Just(". ".to_string()),
        Just("\n\n".to_string()),
        Just("- ".to_string()),
        "[a-z]{1,9}",
        "[0-9]{1,4}([.,][0-9]{1,3})?[%kMB]?",
        "\\PC{0,6}",
    ]
}

fn answer() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..80).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn grading_never_panics_and_evidence_quotes_the_answer(text in answer(), q in 0usize..13) {
        let ids = ["design/taobao-digital-health", "scale/latency-vs-conversion", "competitive/aliexpress-vs-amazon-europe", "optimize/rural-elderly-checkout", "metrics/cloud-north-star", "guesstimate/tmall-1111-category-volume", "ab/ctr-up-aov-down", "funnel/impression-to-purchase", "values/embrace-change", "values/customer-first", "values/ownership", "values/simplicity", "case/singles-day-feature"];
        let coach = Coach::new(content());
        let g = coach.grade_question(ids[q], &text).unwrap();
        prop_assert!((1.0..=4.0).contains(&g.overall), "overall {}", g.overall);
        for d in &g.dimensions {
            if let Some(s) = d.score {
                prop_assert!((1.0..=4.0).contains(&s));
                prop_assert_eq!((s * 2.0).fract(), 0.0, "steps of a half");
            }
            for e in &d.evidence {
                prop_assert_eq!(&text[e.start..e.end], e.text.as_str());
            }
        }
        let again = coach.grade_question(ids[q], &text).unwrap();
        prop_assert_eq!(serde_json::to_string(&g).unwrap(), serde_json::to_string(&again).unwrap());
    }

    #[test]
    fn a_warmed_coach_grades_as_a_cold_one(text in answer(), q in 0usize..13) {
        let ids = ["design/taobao-digital-health", "scale/latency-vs-conversion", "competitive/aliexpress-vs-amazon-europe", "optimize/rural-elderly-checkout", "metrics/cloud-north-star", "guesstimate/tmall-1111-category-volume", "ab/ctr-up-aov-down", "funnel/impression-to-purchase", "values/embrace-change", "values/customer-first", "values/ownership", "values/simplicity", "case/singles-day-feature"];
        let warm = warmed();
        let cold = Coach::new(content());
        let a = warm.grade_question(ids[q], &text).unwrap();
        let b = cold.grade_question(ids[q], &text).unwrap();
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        let as_of = YearMonth::new(2026, 11).unwrap();
        prop_assert_eq!(
            warm.screener().screen_text(DocKind::Text, text.clone(), as_of),
            cold.screener().screen_text(DocKind::Text, text, as_of)
        );
    }

    #[test]
    fn negating_the_merchant_side_never_helps(n in 1usize..4) {
        let coach = Coach::new(content());
        let base = "We onboard pharmacies as merchants because supply builds trust, and merchants get tools in Qianniu. ";
        let negated = "We would not onboard pharmacies as merchants because it is work, and we will not give merchants tools in Qianniu. ";
        let filler = "Users search for medicine, pay with Alipay and Cainiao delivers it the next morning, which makes refills easy. ";
        let plain = coach.grade_question("design/taobao-digital-health", &format!("{}{}", base, filler.repeat(n))).unwrap();
        let neg = coach.grade_question("design/taobao-digital-health", &format!("{}{}", negated, filler.repeat(n))).unwrap();
        let two_sided = |g: &hireloop_coach::grade::Grade| g.dimensions.iter().find(|d| d.id == "two_sided").and_then(|d| d.score).unwrap_or(1.0);
        prop_assert!(two_sided(&neg) <= two_sided(&plain));
        prop_assert!(neg.mistakes.iter().any(|m| m == "ignores_merchants"));
    }

    #[test]
    fn repeating_sentences_never_raises_the_score(k in 2usize..6) {
        let coach = Coach::new(content());
        let s = "First, we onboard pharmacies as merchants because trust needs licensed supply. Second, payment runs on Alipay with medical insurance, and Cainiao delivers refills next day. Finally, the North Star is monthly fulfilled health needs, rising from 5% to 12% of health searches. ";
        let once = coach.grade_question("design/taobao-digital-health", s).unwrap();
        let many = coach.grade_question("design/taobao-digital-health", &s.repeat(k)).unwrap();
        prop_assert!(many.overall <= once.overall, "{} > {}", many.overall, once.overall);
    }
}
