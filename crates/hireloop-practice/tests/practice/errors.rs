//! Bad setups and stories get messages that name the field, the value and the valid choices.

use hireloop_practice::stories::Story;
use hireloop_practice::{FieldProblem, Language, LoopPlan, PracticeError, PracticeSetup};

use crate::util::{content, setup};

fn problems(e: PracticeError) -> Vec<FieldProblem> {
    match e {
        PracticeError::Setup(p) | PracticeError::Story(p) => p,
        other => panic!("not a field error: {other}"),
    }
}

fn parse(
    pipeline: &str,
    level: &str,
    region: &str,
    language: &str,
) -> Result<PracticeSetup, PracticeError> {
    PracticeSetup::parse(content(), pipeline, level, region, language, 1)
}

#[test]
fn a_good_form_parses() {
    let s = parse(" alibaba-pm ", "p7", "international", "ZH").unwrap();
    assert_eq!(s, setup("P7", "international", Language::Zh, 1));
    assert!(s.check(content()).is_ok());
}

/// Problems expected: the field and a part of its message.
type Expected = &'static [(&'static str, &'static str)];

#[test]
fn bad_setups_name_the_field_and_the_choices() {
    let cases: [(&str, &str, &str, &str, Expected); 6] = [
        (
            "alibaba-p",
            "P6",
            "china",
            "en",
            &[(
                "pipeline",
                "no pipeline `alibaba-p`; did you mean `alibaba-pm`? the choices are alibaba-pm",
            )],
        ),
        (
            "alibaba-pm",
            "P6",
            "chna",
            "en",
            &[(
                "region",
                "pipeline `alibaba-pm` has no region `chna`; did you mean `china`? the choices are china, international",
            )],
        ),
        (
            "alibaba-pm",
            "P11",
            "china",
            "en",
            &[(
                "level",
                "level `P11` is outside P5–P10; the choices are P5, P6, P7, P8, P9, P10",
            )],
        ),
        (
            "alibaba-pm",
            "senior",
            "china",
            "en",
            &[("level", "`senior` is not a level")],
        ),
        (
            "alibaba-pm",
            "P6",
            "china",
            "fr",
            &[("language", "no language `fr`; the languages are en, zh")],
        ),
        (
            "alibaba-pm",
            "P4",
            "mars",
            "de",
            &[
                ("level", "outside P5–P10"),
                ("language", "`de`"),
                (
                    "region",
                    "no region `mars`; the choices are china, international",
                ),
            ],
        ),
    ];
    for (pipeline, level, region, language, expected) in cases {
        let got = problems(parse(pipeline, level, region, language).unwrap_err());
        assert_eq!(got.len(), expected.len(), "{got:?}");
        for (field, text) in expected {
            assert!(
                got.iter()
                    .any(|p| p.field == *field && p.message.contains(text)),
                "{pipeline}/{level}/{region}/{language}: no `{field}` problem with {text:?} in {got:?}"
            );
        }
    }
}

#[test]
fn a_stored_setup_is_checked_again_before_a_loop_is_drawn() {
    let mut s = setup("P6", "china", Language::En, 1);
    s.region = "europe".into();
    let err = LoopPlan::build(content(), &s, &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid practice setup: region: pipeline `alibaba-pm` has no region `europe`; the choices are china, international"
    );
    s.region = "china".into();
    s.pipeline = "nope".into();
    assert!(problems(s.check(content()).unwrap_err())[0].field == "pipeline");
}

pub fn story() -> Story {
    Story {
        id: "checkout-outage".into(),
        title: "Owning the checkout outage".into(),
        situation: "At the time I was the product manager for checkout at a marketplace with 3 million monthly buyers, and on the first night of our summer sale payments failed for 40 minutes.".into(),
        task: "I was responsible for checkout conversion, and although the failure sat in a partner's payment gateway, I decided the outcome was mine to fix.".into(),
        action: "I set up the incident channel, called the gateway's on-call lead, and decided to switch 70% of traffic to the backup provider within ten minutes. I wrote to the 12,000 affected buyers myself with a coupon, and afterwards I led the post-mortem and built an automatic failover with a health check.".into(),
        result: "Conversion recovered to 3.1% within the hour, 85% of the affected buyers came back to complete their order, and since the failover shipped we have had no payment outage longer than two minutes. The lesson I took: own the result, not just your part of the system.".into(),
        values: vec!["ownership".into(), "customer_first".into()],
    }
}

#[test]
fn bad_stories_name_every_field() {
    assert!(story().validate(content()).is_ok());
    let mut s = story();
    s.id = "Checkout Outage".into();
    s.title = "  ".into();
    s.action = String::new();
    s.result = "x".repeat(2_001);
    s.values = vec![
        "ownershp".into(),
        "customer_first".into(),
        "customer_first".into(),
    ];
    let got = problems(s.validate(content()).unwrap_err());
    let expect = [
        (
            "id",
            "`Checkout Outage` has characters other than lowercase letters, digits, - and _",
        ),
        ("title", "the title is empty"),
        ("action", "the action is empty"),
        ("result", "the result has 2001 characters; at most 2000"),
        (
            "values[0]",
            "no value `ownershp`; did you mean `ownership`? the values are embrace_change, customer_first, ownership, simplicity",
        ),
        ("values[2]", "`customer_first` is listed twice"),
    ];
    assert_eq!(got.len(), expect.len(), "{got:?}");
    for (field, message) in expect {
        assert!(
            got.iter().any(|p| p.field == field && p.message == message),
            "{field}: {got:?}"
        );
    }
    let text = PracticeError::Story(got).to_string();
    assert!(text.starts_with("invalid story: id: "), "{text}");
}
