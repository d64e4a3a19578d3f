//! Pipeline files → the diagnostics they produce (golden), and facts about the built-in plans.

use hireloop_core::SourceFile;
use hireloop_core::pipeline::{Gate, Profile, StageKind};

use crate::util::{assert_all, content, golden, inputs};

/// Every `tests/data/pipelines/*.toml` gives exactly the diagnostics in its `.expected` file.
#[test]
fn pipeline_files_give_expected_diagnostics() {
    let mut failures = Vec::new();
    for path in inputs("pipelines", "toml") {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let (pipeline, diags) =
            content().read_pipeline(&SourceFile::new(format!("pipelines/{name}"), text));
        let mut out = diags.to_string();
        out.push_str(&format!(
            "-- {} error(s), {} warning(s); pipeline {}\n",
            diags.error_count(),
            diags.warning_count(),
            if pipeline.is_some() {
                "usable"
            } else {
                "rejected"
            }
        ));
        failures.extend(golden(&path.with_extension("expected"), &out));
    }
    assert_all(failures);
}

fn profile(level: &str, region: &str) -> Profile {
    Profile {
        level: level.parse().unwrap(),
        region: region.into(),
    }
}

/// The built-in pipeline validates clean: no errors and no warnings.
#[test]
fn builtin_pipeline_is_clean() {
    for f in hireloop_core::content::builtin_files()
        .iter()
        .filter(|f| f.rel.starts_with("pipelines/"))
    {
        let (p, diags) = content().read_pipeline(&f.source);
        assert!(diags.is_empty(), "{}:\n{diags}", f.rel);
        assert!(p.is_some());
    }
}

/// The six stages of the source, in order, with the culture fit as a veto held by the bar raiser.
#[test]
fn alibaba_pm_follows_the_source() {
    let p = content().pipeline("alibaba-pm").unwrap();
    let kinds: Vec<StageKind> = p.stages.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StageKind::ResumeScreen,
            StageKind::OnlineAssessment,
            StageKind::RecruiterScreen,
            StageKind::ProductRound,
            StageKind::CrossFunctional,
            StageKind::CultureFit
        ]
    );
    assert_eq!((p.timeline.min_weeks, p.timeline.max_weeks), (4, 8));
    for level in p.levels.levels() {
        for region in ["china", "international"] {
            let plan = p
                .plan(&Profile {
                    level,
                    region: region.into(),
                })
                .unwrap();
            let product = plan
                .stages
                .iter()
                .find(|s| s.kind == StageKind::ProductRound)
                .unwrap();
            assert!(
                (2..=3).contains(&product.rounds.len()),
                "{level}: 2–3 product rounds"
            );
            for r in plan
                .stages
                .iter()
                .filter(|s| {
                    s.kind != StageKind::ResumeScreen && s.kind != StageKind::OnlineAssessment
                })
                .flat_map(|s| &s.rounds)
            {
                assert!(
                    (45..=60).contains(&r.duration_minutes),
                    "{}: rounds last 45–60 minutes",
                    r.id
                );
            }
            let last = plan.stages.last().unwrap();
            assert_eq!(last.kind, StageKind::CultureFit);
            assert!(matches!(
                last.gate.gate,
                Gate::Veto {
                    holder: hireloop_core::pipeline::Role::BarRaiser,
                    ..
                }
            ));
        }
    }
}

/// P5 in China and P8 internationally differ as the data says: assessment, product rounds,
/// language, veto holder.
#[test]
fn plans_differ_by_level_and_region() {
    let p = content().pipeline("alibaba-pm").unwrap();
    let junior = p.plan(&profile("P5", "china")).unwrap();
    let senior = p.plan(&profile("P8", "international")).unwrap();
    assert!(junior.stage("online-assessment").is_some());
    assert!(senior.stage("online-assessment").is_none());
    assert_eq!(junior.stage("product-rounds").unwrap().rounds.len(), 2);
    assert_eq!(senior.stage("product-rounds").unwrap().rounds.len(), 3);
    assert_eq!(junior.languages[0].language, "zh");
    assert!(junior.languages[0].required);
    assert_eq!(senior.languages[0].language, "en");
    assert!(
        senior
            .languages
            .iter()
            .any(|l| l.language == "zh" && !l.required)
    );
    assert!(
        junior
            .stages
            .iter()
            .flat_map(|s| &s.rounds)
            .all(|r| r.language == "zh")
    );
    assert!(
        senior
            .stages
            .iter()
            .flat_map(|s| &s.rounds)
            .all(|r| r.language == "en")
    );
    let holder = |plan: &hireloop_core::pipeline::Plan| {
        plan.vetoes().next().unwrap().0.gate.holder_title.clone()
    };
    assert_eq!(holder(&junior).as_deref(), Some("Senior Director"));
    assert_eq!(holder(&senior).as_deref(), Some("Vice President"));
    assert!(senior.skipped.iter().any(|s| s.id == "online-assessment"));
    assert!(junior.skipped.iter().any(|s| s.id == "product-case"));
}

/// Unknown profiles are refused with a message naming what is known.
#[test]
fn plan_refuses_unknown_region_and_level() {
    let p = content().pipeline("alibaba-pm").unwrap();
    let e = p.plan(&profile("P6", "mars")).unwrap_err().to_string();
    assert!(
        e.contains("mars") && e.contains("china") && e.contains("international"),
        "{e}"
    );
}
