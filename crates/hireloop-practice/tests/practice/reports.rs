//! Whole simulated loops: the golden report of a strong candidate, the culture-fit gate, partial
//! reports and unanswered items.

use hireloop_core::decision::Verdict;
use hireloop_practice::outcome::Outcome;
use hireloop_practice::report::{html, markdown};
use hireloop_practice::{Language, LoopPlan, LoopReport, PracticeItem};

use crate::util::{Candidate, assert_all, content, golden, setup, simulate};

fn p7_plan() -> LoopPlan {
    LoopPlan::build(
        content(),
        &setup("P7", "international", Language::En, 3),
        &[],
    )
    .unwrap()
}

fn stage<'a>(r: &'a LoopReport, id: &str) -> &'a hireloop_practice::outcome::StageReport {
    r.stages.iter().find(|s| s.id == id).unwrap()
}

#[test]
fn a_strong_candidate_gets_the_golden_report() {
    let plan = p7_plan();
    let answers = simulate(&plan, |_| Some(Candidate::Strong));
    let report = LoopReport::compute(content(), &plan, &answers).unwrap();
    assert_eq!(report.decision, Verdict::Hire);
    assert!(!report.partial);
    let md = markdown(&report);
    let page = html(&report);
    assert_eq!(md, markdown(&report), "rendering is deterministic");
    assert_eq!(page, html(&report));
    assert_all(
        [
            golden("report-p7-international.md", &md),
            golden("report-p7-international.html", &page),
        ]
        .into_iter()
        .flatten()
        .collect(),
    );
}

#[test]
fn the_html_report_stands_alone_and_escapes_its_text() {
    let plan = p7_plan();
    let mut answers = simulate(&plan, |_| Some(Candidate::Strong));
    let mut report = LoopReport::compute(content(), &plan, &answers).unwrap();
    report.pipeline_name = "Ops <script>alert(1)</script> & \"Co\"".into();
    let page = html(&report);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.contains("<meta charset=\"utf-8\">"));
    assert!(page.contains("@media print"));
    assert!(!page.contains("<script>"), "text is escaped");
    assert!(page.contains("Ops &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
    assert_eq!(
        page.matches("<svg").count(),
        1,
        "the dimension chart is inline"
    );
    assert!(
        !page.contains("<link") && !page.contains("src="),
        "no external resources"
    );
    assert!(page.trim_end().ends_with("</html>"));
    let md = markdown(&report);
    assert!(md.contains("Ops \\<script\\>alert(1)\\</script\\>"));
    // Time taken appears when the answers carry it.
    assert!(md.contains("time used 112 min"));
    for (_, f) in &mut answers {
        f.elapsed_ms = None;
    }
    let untimed = LoopReport::compute(content(), &plan, &answers).unwrap();
    assert_eq!(untimed.totals.time_used_ms, None);
    assert!(!markdown(&untimed).contains("time used"));
}

fn values_weak(item: &PracticeItem) -> Option<Candidate> {
    Some(if item.key.starts_with("bar-raiser/") {
        Candidate::Weak
    } else {
        Candidate::Strong
    })
}

#[test]
fn poor_values_answers_fail_the_culture_fit_gate_whatever_the_product_rounds_say() {
    let plan = p7_plan();
    let answers = simulate(&plan, values_weak);
    let report = LoopReport::compute(content(), &plan, &answers).unwrap();
    assert_eq!(report.decision, Verdict::Reject);
    assert_eq!(report.decided_at.as_deref(), Some("culture-fit"));
    assert_eq!(stage(&report, "product-rounds").outcome, Outcome::Passed);
    assert!(stage(&report, "product-rounds").score.unwrap() >= 3.0);
    assert_eq!(stage(&report, "culture-fit").outcome, Outcome::Failed);
    assert!(stage(&report, "culture-fit").hard_gate);
    let veto = report.veto.as_ref().unwrap();
    assert_eq!(veto.round, "bar-raiser");
    assert!(veto.recommendation.is_negative());
    assert!(
        veto.others_mean.unwrap() >= 3.0,
        "the other stages were strong"
    );
    assert!(report.trace.iter().any(|t| t.rule == "gate.veto.fail"));
    let md = markdown(&report);
    assert!(md.contains("## Decision: REJECT"));
    assert!(
        md.contains("**Veto: the bar_raiser (Senior Director) said "),
        "{md}"
    );
    // The gaps point at the values.
    let gaps: Vec<&str> = report.gaps.iter().map(|g| g.dimension.as_str()).collect();
    assert!(
        gaps.iter()
            .any(|g| ["star", "customer_first", "simplicity"].contains(g)),
        "{gaps:?}"
    );
}

#[test]
fn a_weak_product_round_fails_its_stage_but_not_through_the_veto() {
    let plan = p7_plan();
    let answers = simulate(&plan, |i| {
        Some(if i.key.starts_with("product-") {
            Candidate::Weak
        } else {
            Candidate::Strong
        })
    });
    let report = LoopReport::compute(content(), &plan, &answers).unwrap();
    assert_eq!(report.decision, Verdict::Reject);
    assert_eq!(report.decided_at.as_deref(), Some("product-rounds"));
    assert!(report.veto.is_none());
    assert_eq!(stage(&report, "product-rounds").outcome, Outcome::Failed);
    assert!(
        report
            .mistakes
            .iter()
            .any(|m| m.id == "too_short" || m.id == "vague_metrics")
    );
}

#[test]
fn a_partial_report_is_marked_and_leaves_later_stages_pending() {
    let plan = p7_plan();
    let reached = |i: &PracticeItem| {
        Some(Candidate::Strong).filter(|_| {
            i.key.starts_with("resume-")
                || i.key.starts_with("recruiter-")
                || i.key == "product-design/1"
        })
    };
    let answers = simulate(&plan, reached);
    let report = LoopReport::partial(content(), &plan, &answers).unwrap();
    assert!(report.partial);
    assert_eq!(report.decision, Verdict::Incomplete);
    assert_eq!(stage(&report, "resume-screen").outcome, Outcome::Passed);
    assert_eq!(stage(&report, "recruiter-screen").outcome, Outcome::Passed);
    for id in ["cross-functional", "culture-fit"] {
        assert_eq!(stage(&report, id).outcome, Outcome::Pending, "{id}");
        assert!(
            stage(&report, id)
                .rounds
                .iter()
                .all(|r| r.missing_evidence.is_empty()),
            "not reached is not missing"
        );
    }
    assert_eq!(report.totals.answered, 5);
    assert!(report.notes[0].starts_with("Partial report"));
    let md = markdown(&report);
    assert!(md.contains("> **Partial report: the loop is not finished (5 of 14 items answered)"));
    assert!(html(&report).contains("class=\"partial\""));
    let full = LoopReport::compute(
        content(),
        &plan,
        &simulate(&plan, |_| Some(Candidate::Strong)),
    )
    .unwrap();
    assert!(!markdown(&full).contains("Partial report"));
}

#[test]
fn unanswered_items_of_a_finished_loop_are_missing_evidence() {
    let plan = p7_plan();
    let answers = simulate(&plan, |i| {
        Some(Candidate::Strong)
            .filter(|_| i.key != "product-data/2" && !i.key.starts_with("cross-functional/"))
    });
    let report = LoopReport::compute(content(), &plan, &answers).unwrap();
    assert!(!report.partial);
    assert_eq!(report.totals.unanswered, 3);
    assert!(report.notes.iter().any(|n| n.starts_with(
        "3 item(s) were not answered (product-data/2, cross-functional/1, cross-functional/2)"
    )));
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("Round `cross-functional` had no answer"))
    );
    let xf = stage(&report, "cross-functional");
    assert_eq!(xf.outcome, Outcome::Pending);
    assert_eq!(
        xf.rounds[0].missing_evidence.len(),
        6,
        "every dimension lacks evidence"
    );
    assert_eq!(report.decision, Verdict::Incomplete);
    let data = &stage(&report, "product-rounds").rounds[1];
    assert_eq!(data.answered, 2);
    assert_eq!(data.items[1].overall, None);
}

#[test]
fn answers_to_unknown_items_are_refused_and_the_last_answer_counts() {
    let plan = p7_plan();
    let mut answers = simulate(&plan, |i| {
        Some(Candidate::Strong).filter(|_| i.key == "resume-review/1")
    });
    let mut bad = answers.clone();
    bad[0].0 = "resume-review/7".into();
    let err = LoopReport::compute(content(), &plan, &bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no item `resume-review/7`"), "{err}");
    let mut retry = answers[0].1.clone();
    retry.overall = 1.0;
    answers.push(("resume-review/1".into(), retry));
    let report = LoopReport::partial(content(), &plan, &answers).unwrap();
    assert_eq!(report.totals.answered, 1);
    assert_eq!(report.stages[0].rounds[0].items[0].overall, Some(1.0));
}
