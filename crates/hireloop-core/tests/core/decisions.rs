//! Evaluation files → the decision (golden summaries), and the rules the issue names.

use std::fmt::Write as _;

use hireloop_core::decision::{DecisionInput, DecisionReport, Verdict, decide};

use crate::util::{assert_all, content, golden, inputs};

/// A compact, reviewable rendering of a report: every outcome, the level, and the whole trace.
fn summary(r: &DecisionReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "decision: {} (mechanical: {}{})",
        r.decision,
        r.mechanical.decision,
        r.mechanical
            .stage
            .as_deref()
            .map(|x| format!(" at {x}"))
            .unwrap_or_default()
    );
    if let Some(v) = &r.veto {
        let _ = writeln!(
            s,
            "veto: {} by {} {:?} ({}, {}); others {:?}",
            v.stage,
            v.holder.id(),
            v.holder_title,
            v.evaluator,
            v.recommendation,
            v.others_mean
        );
    }
    if let Some(o) = &r.override_ {
        let _ = writeln!(
            s,
            "override: {} by {:?}; changes result {}, overturns veto {}",
            o.decision, o.by, o.changes_result, o.overturns_veto
        );
    }
    for st in &r.stages {
        let _ = writeln!(s, "stage {}: {:?} score {:?}", st.id, st.outcome, st.score);
    }
    if let Some(l) = &r.level {
        let _ = writeln!(
            s,
            "level: applied {} estimated {:?} loop {}",
            l.applied,
            l.estimated.map(|x| x.to_string()),
            l.loop_score
        );
    }
    if let Some(b) = &r.band {
        let _ = writeln!(
            s,
            "band: {} {} {}-{} {:?}",
            b.level, b.band.currency, b.band.min, b.band.max, b.band.basis
        );
    }
    for a in &r.advice {
        let _ = writeln!(s, "advice: {} {:?} {}", a.round, a.score, a.recommendation);
    }
    let _ = writeln!(s, "trace:");
    for t in &r.trace {
        let _ = writeln!(s, "  {} [{}] {}", t.rule, t.subject, t.detail);
    }
    s
}

fn run(text: &str) -> Result<DecisionReport, String> {
    let input: DecisionInput = serde_json::from_str(text).map_err(|e| format!("input: {e}"))?;
    let p = content()
        .pipeline(input.pipeline.as_deref().unwrap_or("alibaba-pm"))
        .ok_or("no pipeline")?;
    decide(content(), p, &input).map_err(|e| format!("refused: {e}"))
}

/// Every `tests/data/decisions/*.json` gives the summary (or refusal) in its `.expected` file.
#[test]
fn evaluation_files_give_expected_decisions() {
    let mut failures = Vec::new();
    for path in inputs("decisions", "json") {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let out = match run(&text) {
            Ok(r) => {
                if name.starts_with("error-") {
                    failures.push(format!("{name}: expected a refusal, got {}", r.decision));
                }
                summary(&r)
            }
            Err(e) => {
                if !name.starts_with("error-") {
                    failures.push(format!("{name}: unexpected refusal: {e}"));
                }
                format!("{e}\n")
            }
        };
        failures.extend(golden(&path.with_extension("expected"), &out));
    }
    assert_all(failures);
}

fn load(name: &str) -> String {
    std::fs::read_to_string(crate::util::data("decisions").join(name)).unwrap()
}

/// Strong product rounds and a culture-fit `no` reject, with the veto in the trace.
#[test]
fn culture_fit_no_vetoes_strong_rounds() {
    let r = run(&load("veto-overrules-strong-rounds.json")).unwrap();
    assert_eq!(r.decision, Verdict::Reject);
    let product = r.stages.iter().find(|s| s.id == "product-rounds").unwrap();
    assert!(product.score.unwrap() >= 3.5);
    assert!(r.veto.is_some());
    assert!(r.trace.iter().any(|t| t.rule == "gate.veto.fail"));
    assert!(r.trace.iter().any(|t| t.rule == "decision.veto"));
}

/// An override without a reason, or with a token reason, is refused with a clear message.
#[test]
fn override_needs_a_written_reason() {
    for f in [
        "error-override-without-reason.json",
        "error-override-short-reason.json",
    ] {
        let e = run(&load(f)).unwrap_err();
        assert!(
            e.contains("no written reason") && e.contains("override.reason"),
            "{f}: {e}"
        );
    }
    let r = run(&load("override-overturns-veto.json")).unwrap();
    assert_eq!(r.decision, Verdict::Hire);
    assert_eq!(r.mechanical.decision, Verdict::Reject);
    let o = r.override_.unwrap();
    assert!(o.overturns_veto && o.reason.contains("References"));
}

/// The JSON form of a report carries the fields scripts rely on.
#[test]
fn report_json_has_stable_fields() {
    let r = run(&load("veto-overrules-strong-rounds.json")).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    for key in [
        "pipeline",
        "profile",
        "stages",
        "veto",
        "mechanical",
        "override",
        "decision",
        "level",
        "band",
        "trace",
    ] {
        assert!(v.get(key).is_some(), "missing `{key}`");
    }
    assert_eq!(v["decision"], "reject");
    assert_eq!(v["stages"][0]["outcome"], "passed");
    assert_eq!(v["veto"]["holder"], "bar_raiser");
}
