//! The built-in content: complete, consistent and faithful to the source's facts.

use std::collections::BTreeSet;

use hireloop_core::content::{
    AnswerKey, BandBasis, STABLE_DIMENSIONS, STABLE_MISTAKES, builtin, builtin_files,
};
use hireloop_core::{Content, Level};

use crate::util::content;

/// The question ids the product brief requires, exactly.
const REQUIRED: [&str; 13] = [
    "design/taobao-digital-health",
    "scale/latency-vs-conversion",
    "competitive/aliexpress-vs-amazon-europe",
    "optimize/rural-elderly-checkout",
    "metrics/cloud-north-star",
    "guesstimate/tmall-1111-category-volume",
    "ab/ctr-up-aov-down",
    "funnel/impression-to-purchase",
    "values/embrace-change",
    "values/customer-first",
    "values/ownership",
    "values/simplicity",
    "case/singles-day-feature",
];

#[test]
fn builtin_content_loads_without_errors_or_warnings() {
    let (c, diags) = Content::load_with_warnings(&builtin_files());
    assert!(diags.is_empty(), "{diags}");
    assert!(c.is_some());
}

#[test]
fn every_content_file_on_disk_is_embedded() {
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>, root: &std::path::Path) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out, root);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.insert(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let mut on_disk = BTreeSet::new();
    walk(&root, &mut on_disk, &root);
    let embedded: BTreeSet<String> = builtin::FILES
        .iter()
        .map(|(p, _)| (*p).to_string())
        .collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn required_questions_exist_with_full_detail() {
    let c = content();
    for id in REQUIRED {
        let q = c
            .question(id)
            .unwrap_or_else(|| panic!("missing required question {id}"));
        assert!(q.concepts.len() >= 3, "{id}: concepts");
        assert!(q.probes.len() >= 2, "{id}: probes");
        assert!(q.outline.len() >= 4, "{id}: outline");
        assert!(q.prompt_zh.is_some(), "{id}: Chinese prompt");
        assert!(
            q.rubric
                .iter()
                .any(|w| w.dimension == "coverage" || w.dimension == "star"),
            "{id}: rubric covers concepts or STAR"
        );
    }
    let guess = c
        .question("guesstimate/tmall-1111-category-volume")
        .unwrap();
    assert!(guess.estimate.is_some() && guess.rubric.iter().any(|w| w.dimension == "estimation"));
}

#[test]
fn the_bank_is_large_and_covers_every_family() {
    let c = content();
    assert!(c.questions.len() >= 80, "{} questions", c.questions.len());
    for f in &c.families {
        let n = c.questions.iter().filter(|q| q.family == f.id).count();
        assert!(n >= 5, "family {} has only {n} questions", f.id);
    }
    let families: BTreeSet<&str> = c.families.iter().map(|f| f.id.as_str()).collect();
    for needed in [
        "design",
        "scale",
        "competitive",
        "optimize",
        "metrics",
        "guesstimate",
        "ab",
        "funnel",
        "values",
        "case",
        "recruiter",
        "cross-functional",
        "assessment",
    ] {
        assert!(families.contains(needed), "family {needed}");
    }
}

#[test]
fn assessment_items_have_consistent_keys() {
    let items: Vec<_> = content()
        .questions
        .iter()
        .filter(|q| q.family == "assessment")
        .collect();
    let choice = items
        .iter()
        .filter(|q| matches!(q.key, Some(AnswerKey::Choice { .. })))
        .count();
    let numeric = items
        .iter()
        .filter(|q| matches!(q.key, Some(AnswerKey::Numeric { .. })))
        .count();
    assert!(
        choice >= 5 && numeric >= 5,
        "{choice} choice, {numeric} numeric"
    );
    for q in items {
        match q.key.as_ref().unwrap() {
            AnswerKey::Choice {
                options, correct, ..
            } => assert!(*correct < options.len(), "{}", q.id),
            AnswerKey::Numeric {
                tolerance, value, ..
            } => assert!(*tolerance >= 0.0 && value.is_finite(), "{}", q.id),
        }
    }
}

#[test]
fn concepts_have_distinct_synonyms_in_both_languages() {
    for q in &content().questions {
        for k in &q.concepts {
            let en: BTreeSet<&str> = k.en.iter().map(String::as_str).collect();
            assert_eq!(
                en.len(),
                k.en.len(),
                "{} / {}: repeated English synonym",
                q.id,
                k.id
            );
            assert!(
                !k.zh.is_empty() && k.zh.iter().all(|z| !z.trim().is_empty()),
                "{} / {}",
                q.id,
                k.id
            );
        }
    }
}

#[test]
fn levels_and_bands_follow_the_source() {
    let c = content();
    let ids: Vec<String> = c.levels.iter().map(|l| l.id.to_string()).collect();
    assert_eq!(ids, ["P5", "P6", "P7", "P8", "P9", "P10"]);
    let band = |n| &c.level(Level::new(n).unwrap()).unwrap().band;
    assert_eq!(
        (band(6).min, band(6).max, band(6).basis),
        (300_000, 600_000, BandBasis::Source)
    );
    assert_eq!(
        (band(7).min, band(7).max, band(7).basis),
        (600_000, 1_200_000, BandBasis::Source)
    );
    for n in [5, 8, 9, 10] {
        assert_eq!(band(n).basis, BandBasis::Estimate, "P{n}");
        assert!(
            band(n).note.as_deref().is_some_and(|s| s.len() > 20),
            "P{n} needs the basis of its estimate"
        );
    }
    for w in c.levels.windows(2) {
        assert!(
            w[0].band.min < w[1].band.min && w[0].band.max < w[1].band.max,
            "bands rise with the level"
        );
    }
}

#[test]
fn stable_ids_and_anchors_are_present() {
    let c = content();
    for id in STABLE_DIMENSIONS {
        let d = c.dimension(id).unwrap_or_else(|| panic!("dimension {id}"));
        assert_eq!(d.anchors.len(), 4, "{id}");
    }
    for id in STABLE_MISTAKES {
        assert!(c.mistakes.iter().any(|m| m.id == id), "mistake {id}");
    }
    let values: Vec<&str> = c.values.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        values,
        [
            "embrace_change",
            "customer_first",
            "ownership",
            "simplicity"
        ]
    );
}

#[test]
fn reference_figures_carry_the_11_11_history() {
    let c = content();
    let fig = |id: &str| {
        c.figures
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("figure {id}"))
    };
    assert_eq!(fig("singles-day.2019.gmv").value, Some(268.4e9));
    for f in &c.figures {
        assert!(!f.source.trim().is_empty(), "{} needs a source", f.id);
    }
}
