//! The content of an interview process: rubric, values, mistakes, levels and bands, checklist,
//! reference figures, question families, the question bank and pipelines.
//!
//! Content is loaded from a list of [`SourceFile`]s; the caller decides where they come from (the
//! embedded defaults, a folder on disk, or both). Loading checks everything and reports every
//! problem at once.

mod model;
pub(crate) mod read;

use std::cell::RefCell;
use std::collections::BTreeMap;

pub use model::*;

use crate::diag::{Diagnostics, Loc, SourceFile};
use crate::level::Level;
use crate::pipeline::{Pipeline, Profile, read::read_pipeline};
use crate::tomlread::read_file;
use read::{Kind, Loader};

/// The built-in content, as embedded at build time.
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_content.rs"));
}

/// The rubric dimension ids the coach and the reports rely on.
pub const STABLE_DIMENSIONS: [&str; 14] = [
    "structure",
    "business_focus",
    "quantified_impact",
    "two_sided",
    "ecosystem",
    "tradeoffs",
    "metrics",
    "star",
    "embrace_change",
    "customer_first",
    "ownership",
    "simplicity",
    "coverage",
    "estimation",
];

/// The mistake ids the coach relies on.
pub const STABLE_MISTAKES: [&str; 12] = [
    "ui_overemphasis",
    "ignores_merchants",
    "vague_metrics",
    "no_ecosystem",
    "no_structure",
    "no_decision",
    "off_topic",
    "keyword_stuffing",
    "too_short",
    "repetition",
    "wrong_decision",
    "arithmetic_slip",
];

/// The lexicon signals the coach relies on.
pub const REQUIRED_SIGNALS: [&str; 30] = [
    "structure.enumeration",
    "structure.framework",
    "structure.conclusion",
    "business_focus.business",
    "business_focus.ui",
    "quantified_impact.change",
    "two_sided.merchant",
    "ecosystem.platform",
    "ecosystem.flywheel",
    "tradeoffs.tradeoff",
    "tradeoffs.decision",
    "metrics.north_star",
    "metrics.guardrail",
    "metrics.definition",
    "metrics.kpi",
    "star.situation",
    "star.task",
    "star.action",
    "star.result",
    "embrace_change.behaviour",
    "customer_first.behaviour",
    "ownership.behaviour",
    "ownership.owner_voice",
    "ownership.passenger_voice",
    "simplicity.behaviour",
    "estimation.assumption",
    "estimation.sanity",
    "decision.go",
    "decision.no_go",
    "structure.reasoning",
];

/// The resume signals the screener relies on. Besides these, the resume lexicon needs at least one
/// signal of each of [`RESUME_SIGNAL_GROUPS`].
pub const REQUIRED_RESUME_SIGNALS: [&str; 13] = [
    "ownership.owner_voice",
    "ownership.passenger_voice",
    "impact.change",
    "growth.verb",
    "growth.multiple",
    "growth.zero_to_one",
    "product.title",
    "product.practice",
    "section.experience",
    "section.education",
    "section.languages",
    "education.school",
    "date.present",
];

/// Groups of resume signals whose members the screener reads as a list: metrics of scale,
/// languages and proficiencies.
pub const RESUME_SIGNAL_GROUPS: [&str; 3] = ["scale", "language", "proficiency"];

/// Everything loaded and checked.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Rubric dimensions, in file order.
    pub dimensions: Vec<Dimension>,
    /// Company values.
    pub values: Vec<CompanyValue>,
    /// Common mistakes.
    pub mistakes: Vec<Mistake>,
    /// Levels, lowest first.
    pub levels: Vec<LevelInfo>,
    /// Preparation checklist.
    pub checklist: Vec<ChecklistItem>,
    /// Reference figures.
    pub figures: Vec<Figure>,
    /// Question families.
    pub families: Vec<Family>,
    /// The question bank, by file then position.
    pub questions: Vec<Question>,
    /// Pipelines.
    pub pipelines: Vec<Pipeline>,
    /// The coach's lexicons.
    pub lexicon: Lexicon,
    /// The resume screener's lexicon.
    pub resume: ResumeLexicon,
}

/// A content file: its path relative to the content root (which says what it holds) and its source.
#[derive(Debug, Clone)]
pub struct ContentFile {
    /// Path relative to the content root, with `/` separators, such as `questions/ab.toml`.
    pub rel: String,
    /// The file as shown in messages.
    pub source: SourceFile,
}

/// The built-in files, shown as `content/<path>`.
pub fn builtin_files() -> Vec<ContentFile> {
    builtin::FILES
        .iter()
        .map(|(rel, text)| ContentFile {
            rel: (*rel).to_string(),
            source: SourceFile::new(format!("content/{rel}"), *text),
        })
        .collect()
}

/// Overlays `extra` on `base`: a file with the same relative path replaces the base file.
pub fn overlay(base: Vec<ContentFile>, extra: Vec<ContentFile>) -> Vec<ContentFile> {
    let mut out: Vec<ContentFile> = base
        .into_iter()
        .filter(|b| !extra.iter().any(|e| e.rel == b.rel))
        .collect();
    out.extend(extra);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// The part of the content a file holds, from its path relative to the content root.
fn part_of(rel: &str) -> Option<&'static str> {
    Some(match rel {
        "rubric.toml" => "rubric",
        "values.toml" => "values",
        "mistakes.toml" => "mistakes",
        "levels.toml" => "levels",
        "checklist.toml" => "checklist",
        "figures.toml" => "figures",
        "families.toml" => "families",
        "coach/lexicon.toml" => "lexicon",
        "coach/resume.toml" => "resume",
        _ if rel.starts_with("pipelines/") && rel.ends_with(".toml") => "pipeline",
        _ if rel.starts_with("questions/") && rel.ends_with(".toml") => "questions",
        _ => return None,
    })
}

impl Content {
    /// Loads the built-in content. It is checked by the test suite, so an error here is a defect.
    pub fn builtin() -> Result<Content, Diagnostics> {
        Content::load(&builtin_files())
    }

    /// Loads content laid out like `content/`. Returns the content only when there are no errors;
    /// warnings come with it through [`Content::load_with_warnings`].
    pub fn load(files: &[ContentFile]) -> Result<Content, Diagnostics> {
        let (content, diags) = Content::load_with_warnings(files);
        match content {
            Some(c) if !diags.has_errors() => Ok(c),
            _ => Err(diags),
        }
    }

    /// Loads content and returns it (when usable) together with every problem found.
    pub fn load_with_warnings(files: &[ContentFile]) -> (Option<Content>, Diagnostics) {
        let loader = Loader::default();
        let mut c = Content::default();
        let mut draws = Vec::new();
        let mut seen_parts: BTreeMap<&str, usize> = BTreeMap::new();
        let root = "content";
        let path_of = |rel: &str| {
            files
                .iter()
                .find(|f| f.rel == rel)
                .map_or_else(|| format!("{root}/{rel}"), |f| f.source.path.to_string())
        };
        for ContentFile { rel, source: file } in files {
            let Some(part) = part_of(rel) else {
                if rel.ends_with(".toml") {
                    loader
                        .diags
                        .borrow_mut()
                        .warning(Loc::nowhere(&file.path), "not a known content file; ignored")
                        .hint("content files are rubric.toml, values.toml, mistakes.toml, levels.toml, checklist.toml, figures.toml, families.toml, pipelines/*.toml and questions/*.toml");
                }
                continue;
            };
            *seen_parts.entry(part).or_default() += 1;
            let d = &loader.diags;
            match part {
                "rubric" => c.dimensions.extend(
                    read_file(file, d, "rubric.toml", |t| read::read_rubric(t, &loader))
                        .unwrap_or_default(),
                ),
                "values" => c.values.extend(
                    read_file(file, d, "values.toml", |t| read::read_values(t, &loader))
                        .unwrap_or_default(),
                ),
                "mistakes" => c.mistakes.extend(
                    read_file(file, d, "mistakes.toml", |t| {
                        read::read_mistakes(t, &loader)
                    })
                    .unwrap_or_default(),
                ),
                "levels" => c.levels.extend(
                    read_file(file, d, "levels.toml", |t| read::read_levels(t, &loader))
                        .unwrap_or_default(),
                ),
                "checklist" => c.checklist.extend(
                    read_file(file, d, "checklist.toml", |t| {
                        read::read_checklist(t, &loader)
                    })
                    .unwrap_or_default(),
                ),
                "figures" => c.figures.extend(
                    read_file(file, d, "figures.toml", |t| read::read_figures(t, &loader))
                        .unwrap_or_default(),
                ),
                "families" => c.families.extend(
                    read_file(file, d, "families.toml", |t| {
                        read::read_families(t, &loader)
                    })
                    .unwrap_or_default(),
                ),
                "lexicon" => {
                    if let Some(l) = read_file(file, d, "coach/lexicon.toml", |t| {
                        read::read_lexicon(t, &loader)
                    }) {
                        c.lexicon = l;
                    }
                }
                "resume" => {
                    if let Some(r) = read_file(file, d, "coach/resume.toml", |t| {
                        read::read_resume_lexicon(t, &loader)
                    }) {
                        c.resume = r;
                    }
                }
                "questions" => c.questions.extend(
                    read_file(file, d, "the question file", |t| {
                        read::read_questions(t, &loader)
                    })
                    .unwrap_or_default(),
                ),
                _ => {
                    if let Some(Some((p, sites))) =
                        read_file(file, d, "the pipeline", |t| read_pipeline(t, &loader))
                    {
                        draws.extend(sites.into_iter().map(|s| (p.id.clone(), s)));
                        c.pipelines.push(p);
                    }
                }
            }
        }
        for part in [
            "rubric",
            "values",
            "mistakes",
            "levels",
            "checklist",
            "figures",
            "families",
            "questions",
            "pipeline",
            "lexicon",
            "resume",
        ] {
            if !seen_parts.contains_key(part) {
                loader
                    .diags
                    .borrow_mut()
                    .error(Loc::nowhere(root), format!("no {part} file in the content"));
            }
        }
        loader.check_refs();
        let defined = |k| loader.defined(k);
        let dims = defined(Kind::Dimension);
        for id in STABLE_DIMENSIONS {
            if !dims.iter().any(|d| d == id) && seen_parts.contains_key("rubric") {
                loader
                    .diags
                    .borrow_mut()
                    .error(
                        Loc::nowhere(&path_of("rubric.toml")),
                        format!("rubric dimension `{id}` is missing"),
                    )
                    .hint("the coach, scorecards and reports rely on the stable dimension ids");
            }
        }
        let mistakes = defined(Kind::Mistake);
        for id in STABLE_MISTAKES {
            if !mistakes.iter().any(|d| d == id) && seen_parts.contains_key("mistakes") {
                loader
                    .diags
                    .borrow_mut()
                    .error(
                        Loc::nowhere(&path_of("mistakes.toml")),
                        format!("mistake `{id}` is missing"),
                    )
                    .hint("the coach names mistakes by these stable ids");
            }
        }
        let signals = defined(Kind::Signal);
        for id in REQUIRED_SIGNALS {
            if !signals.iter().any(|s| s == id) && seen_parts.contains_key("lexicon") {
                loader
                    .diags
                    .borrow_mut()
                    .error(
                        Loc::nowhere(&path_of("coach/lexicon.toml")),
                        format!("signal `{id}` is missing"),
                    )
                    .hint("the coach grades with these signals");
            }
        }
        if seen_parts.contains_key("resume") {
            let resume_signals = defined(Kind::ResumeSignal);
            let missing = REQUIRED_RESUME_SIGNALS
                .iter()
                .filter(|id| !resume_signals.iter().any(|s| s == *id))
                .map(|id| format!("signal `{id}` is missing"));
            let empty = RESUME_SIGNAL_GROUPS
                .iter()
                .filter(|g| c.resume.group(g).next().is_none())
                .map(|g| format!("no `{g}.*` signal"));
            for message in missing.chain(empty).collect::<Vec<_>>() {
                loader
                    .diags
                    .borrow_mut()
                    .error(Loc::nowhere(&path_of("coach/resume.toml")), message)
                    .hint("the resume screener looks for these signals");
            }
        }
        c.levels.sort_by_key(|l| l.id);
        check_draws(&c, &c.pipelines, &draws, &loader.diags);
        let mut diags = loader.diags.into_inner();
        diags.sort();
        (Some(c), diags)
    }

    /// Reads one pipeline file and checks it against this content (dimensions, families).
    pub fn read_pipeline(&self, file: &SourceFile) -> (Option<Pipeline>, Diagnostics) {
        let loader = Loader::default();
        for d in &self.dimensions {
            loader.define(Kind::Dimension, "", &at(&d.id));
        }
        for f in &self.families {
            loader.define(Kind::Family, "", &at(&f.id));
        }
        let read = read_file(file, &loader.diags, "the pipeline", |t| {
            read_pipeline(t, &loader)
        })
        .flatten();
        loader.check_refs();
        let mut pipeline = None;
        if let Some((p, sites)) = read {
            let draws: Vec<_> = sites.into_iter().map(|s| (p.id.clone(), s)).collect();
            check_draws(self, std::slice::from_ref(&p), &draws, &loader.diags);
            pipeline = Some(p);
        }
        let mut diags = loader.diags.into_inner();
        diags.sort();
        if diags.has_errors() {
            pipeline = None;
        }
        (pipeline, diags)
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The pipeline with this id.
    pub fn pipeline(&self, id: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.id == id)
    }

    /// The level with this id.
    pub fn level(&self, level: Level) -> Option<&LevelInfo> {
        self.levels.iter().find(|l| l.id == level)
    }

    /// The rubric dimension with this id.
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }

    /// The family with this id.
    pub fn family(&self, id: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.id == id)
    }

    /// The questions a round's draw may pick for a profile.
    pub fn candidates_for<'a>(
        &'a self,
        draw: &'a crate::pipeline::QuestionDraw,
        profile: &'a Profile,
    ) -> impl Iterator<Item = &'a Question> {
        self.questions.iter().filter(move |q| {
            draw.families.contains(&q.family)
                && (draw.difficulty.is_empty() || draw.difficulty.contains(&q.difficulty))
                && q.levels.contains(profile.level)
        })
    }
}

fn at(id: &str) -> crate::tomlread::At<String> {
    crate::tomlread::At {
        value: id.to_string(),
        loc: Loc::nowhere("content"),
    }
}

/// Warns when the bank has fewer questions than a round draws, for some profile.
fn check_draws(
    c: &Content,
    pipelines: &[Pipeline],
    draws: &[(String, crate::pipeline::read::DrawSite)],
    diags: &RefCell<Diagnostics>,
) {
    if c.questions.is_empty() {
        return;
    }
    for (pid, site) in draws {
        let Some(p) = pipelines.iter().find(|p| p.id == *pid) else {
            continue;
        };
        let mut short = Vec::new();
        for level in p.levels.levels() {
            for region in &p.regions {
                let profile = Profile {
                    level,
                    region: region.id.clone(),
                };
                let Ok(plan) = p.plan(&profile) else { continue };
                let Some((_, r)) = plan.round(&site.round) else {
                    continue;
                };
                let Some(draw) = &r.questions else { continue };
                let n = c.candidates_for(draw, &profile).count();
                if n < draw.count as usize {
                    short.push(format!("{level}/{} ({n} of {})", region.id, draw.count));
                }
            }
        }
        if !short.is_empty() {
            diags
                .borrow_mut()
                .warning(
                    site.loc.clone(),
                    format!(
                        "round `{}` draws more questions than the bank holds for {}",
                        site.round,
                        short.join(", ")
                    ),
                )
                .hint("add questions of those families, difficulties and levels, or draw fewer");
        }
    }
}
