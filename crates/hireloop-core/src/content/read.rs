//! Readers for the content files, and the checks shared by all of them (ids, references, weights).

use std::cell::RefCell;
use std::collections::HashMap;

use super::model::*;
use crate::diag::{Diagnostics, Loc, did_you_mean};
use crate::level::{Level, LevelRange};
use crate::pipeline::StageKind;
use crate::tomlread::{At, Table};

/// The kinds of thing that have ids and can be referred to across files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Dimension,
    Value,
    Mistake,
    Level,
    Checklist,
    Figure,
    Family,
    Question,
    Pipeline,
    Stage,
    Round,
    Region,
    Signal,
    ResumeSignal,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Dimension => "rubric dimension",
            Kind::Value => "value",
            Kind::Mistake => "mistake",
            Kind::Level => "level",
            Kind::Checklist => "checklist item",
            Kind::Figure => "figure",
            Kind::Family => "question family",
            Kind::Question => "question",
            Kind::Pipeline => "pipeline",
            Kind::Stage => "stage",
            Kind::Round => "round",
            Kind::Region => "region",
            Kind::Signal => "signal",
            Kind::ResumeSignal => "resume signal",
        }
    }
}

/// Shared state of one load: problems, definitions seen, references to check at the end.
#[derive(Default)]
pub(crate) struct Loader {
    pub diags: RefCell<Diagnostics>,
    defs: RefCell<HashMap<(Kind, String, String), Loc>>,
    refs: RefCell<Vec<(Kind, At<String>)>>,
}

impl Loader {
    /// Records a definition; reports a duplicate. `scope` separates namespaces such as the rounds
    /// of different pipelines.
    pub fn define(&self, kind: Kind, scope: &str, id: &At<String>) -> bool {
        let key = (kind, scope.to_string(), id.value.clone());
        let first = self.defs.borrow().get(&key).cloned();
        match first {
            Some(first) => {
                self.diags
                    .borrow_mut()
                    .error(
                        id.loc.clone(),
                        format!("duplicate {} id `{}`", kind.noun(), id.value),
                    )
                    .hint(format!(
                        "it is first defined at {first}; ids must be unique"
                    ));
                false
            }
            None => {
                self.defs.borrow_mut().insert(key, id.loc.clone());
                true
            }
        }
    }

    /// Records a reference to check once every file is read.
    pub fn refer(&self, kind: Kind, id: &At<String>) {
        self.refs.borrow_mut().push((kind, id.clone()));
    }

    /// Checks every recorded reference against the definitions (global scope).
    pub fn check_refs(&self) {
        let defs = self.defs.borrow();
        for (kind, id) in self.refs.borrow().iter() {
            if defs.contains_key(&(*kind, String::new(), id.value.clone())) {
                continue;
            }
            let known: Vec<&str> = defs
                .keys()
                .filter(|(k, scope, _)| k == kind && scope.is_empty())
                .map(|(_, _, id)| id.as_str())
                .collect();
            let hint = match did_you_mean(&id.value, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.len() <= 16 => {
                    let mut known = known;
                    known.sort_unstable();
                    format!("known: {}", known.join(", "))
                }
                None => format!(
                    "see `hireloop content validate` and the files defining {}s",
                    kind.noun()
                ),
            };
            self.diags
                .borrow_mut()
                .error(
                    id.loc.clone(),
                    format!("unknown {} `{}`", kind.noun(), id.value),
                )
                .hint(hint);
        }
    }

    /// Ids defined of one kind in the global scope.
    pub fn defined(&self, kind: Kind) -> Vec<String> {
        self.defs
            .borrow()
            .keys()
            .filter(|(k, scope, _)| *k == kind && scope.is_empty())
            .map(|(_, _, id)| id.clone())
            .collect()
    }
}

/// The shapes ids may take.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdStyle {
    /// `snake_case`.
    Snake,
    /// `kebab-case`.
    Kebab,
    /// `dotted.kebab-case` (figures).
    Dotted,
    /// `<family>/<kebab-slug>` (questions).
    Question,
}

fn is_word(s: &str, sep: char) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == sep)
        && !s.ends_with(sep)
        && !s.contains(&format!("{sep}{sep}"))
}

pub(crate) fn id_ok(s: &str, style: IdStyle) -> bool {
    match style {
        IdStyle::Snake => is_word(s, '_'),
        IdStyle::Kebab => is_word(s, '-'),
        IdStyle::Dotted => s.split('.').all(|p| is_word(p, '-')),
        IdStyle::Question => s
            .split_once('/')
            .is_some_and(|(f, slug)| is_word(f, '-') && is_word(slug, '-')),
    }
}

/// Reads an id field and checks its shape.
pub(crate) fn id(t: &Table<'_>, key: &'static str, style: IdStyle) -> Option<At<String>> {
    let at = t.text(key)?;
    if !id_ok(&at.value, style) {
        let shape = match style {
            IdStyle::Snake => "snake_case (lowercase letters, digits and _)",
            IdStyle::Kebab => "kebab-case (lowercase letters, digits and -)",
            IdStyle::Dotted => "dotted kebab-case, such as `singles-day.2019.gmv`",
            IdStyle::Question => "`<family>/<slug>` with a kebab-case slug",
        };
        t.ctx().error(
            at.loc.clone(),
            format!("id `{}` is not {shape}", at.value),
            None,
        );
    }
    Some(at)
}

/// Looks a word up among fixed options; reports an unknown one with the closest option.
pub(crate) fn choose<T: Copy>(
    t: &Table<'_>,
    at: &At<String>,
    what: &str,
    options: &[(&str, T)],
) -> Option<T> {
    if let Some((_, v)) = options.iter().find(|(id, _)| *id == at.value) {
        return Some(*v);
    }
    let names: Vec<&str> = options.iter().map(|(id, _)| *id).collect();
    let hint = match did_you_mean(&at.value, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? {what} is one of: {}", names.join(", ")),
        None => format!("{what} is one of: {}", names.join(", ")),
    };
    t.ctx().error(
        at.loc.clone(),
        format!("unknown {what} `{}`", at.value),
        Some(hint),
    );
    None
}

/// A field whose value is one of fixed options.
pub(crate) fn choice<T: Copy>(
    t: &Table<'_>,
    key: &'static str,
    required: bool,
    what: &str,
    options: &[(&str, T)],
) -> Option<T> {
    let at = t.str(key, required)?;
    choose(t, &at, what, options)
}

/// A list of fixed options.
pub(crate) fn choices<T: Copy>(
    t: &Table<'_>,
    key: &'static str,
    required: bool,
    what: &str,
    options: &[(&str, T)],
) -> Vec<T> {
    t.str_list(key, required)
        .iter()
        .filter_map(|at| choose(t, at, what, options))
        .collect()
}

/// A stage-kind list.
pub(crate) fn stage_kinds(t: &Table<'_>, key: &'static str, required: bool) -> Vec<StageKind> {
    let kinds = choices(t, key, required, "stage kind", &StageKind::ALL);
    if required && kinds.is_empty() && t.has(key) {
        t.ctx()
            .error(t.loc(), format!("`{key}` of {} is empty", t.what()), None);
    }
    kinds
}

fn level_err(t: &Table<'_>, at: &At<String>, e: crate::level::LevelError) {
    t.ctx().error(
        at.loc.clone(),
        e.to_string(),
        Some("levels run from P5 to P10; a range is written \"P5..P8\"".into()),
    );
}

/// A level field.
pub(crate) fn level(t: &Table<'_>, key: &'static str, required: bool) -> Option<At<Level>> {
    let at = t.str(key, required)?;
    match at.value.parse() {
        Ok(l) => Some(At {
            value: l,
            loc: at.loc,
        }),
        Err(e) => {
            level_err(t, &at, e);
            None
        }
    }
}

/// A level-range field.
pub(crate) fn level_range(
    t: &Table<'_>,
    key: &'static str,
    required: bool,
) -> Option<At<LevelRange>> {
    let at = t.str(key, required)?;
    match at.value.parse() {
        Ok(r) => Some(At {
            value: r,
            loc: at.loc,
        }),
        Err(e) => {
            level_err(t, &at, e);
            None
        }
    }
}

/// A count or duration that must be a whole number of at least 1 and at most `max`.
pub(crate) fn positive(t: &Table<'_>, key: &'static str, required: bool, max: i64) -> Option<u32> {
    let at = t.int(key, required)?;
    if at.value < 1 {
        t.ctx().error(
            at.loc,
            format!(
                "`{key}` in {} must be at least 1, found {}",
                t.what(),
                at.value
            ),
            None,
        );
        return None;
    }
    if at.value > max {
        t.ctx().error(
            at.loc,
            format!(
                "`{key}` in {} is {}, above the limit of {max}",
                t.what(),
                at.value
            ),
            None,
        );
        return None;
    }
    u32::try_from(at.value).ok()
}

/// A score on the 1–4 scale.
pub(crate) fn score(t: &Table<'_>, key: &'static str, required: bool) -> Option<f64> {
    let at = t.number(key, required)?;
    if !(1.0..=4.0).contains(&at.value) {
        t.ctx().error(
            at.loc,
            format!(
                "`{key}` in {} is {}, outside the 1–4 rating scale",
                t.what(),
                at.value
            ),
            None,
        );
        return None;
    }
    Some(at.value)
}

/// A rubric: dimension ids to weights that are positive and sum to 1.
pub(crate) fn weights(
    t: &Table<'_>,
    key: &'static str,
    required: bool,
    loader: &Loader,
) -> Option<Vec<Weight>> {
    let entries = t.number_map(key, required)?;
    if entries.is_empty() {
        t.ctx().error(
            t.loc(),
            format!("`{key}` of {} names no dimension", t.what()),
            None,
        );
        return None;
    }
    let mut out = Vec::new();
    let mut sum = 0.0;
    let mut ok = true;
    for (dim, w) in entries {
        loader.refer(Kind::Dimension, &dim);
        if w.value <= 0.0 || w.value > 1.0 {
            t.ctx().error(
                w.loc.clone(),
                format!(
                    "weight of `{}` is {}; a weight lies in (0, 1]",
                    dim.value, w.value
                ),
                None,
            );
            ok = false;
        }
        sum += w.value;
        out.push(Weight {
            dimension: dim.value,
            weight: w.value,
        });
    }
    if ok && (sum - 1.0).abs() > 1e-3 {
        t.ctx().error(
            t.loc(),
            format!(
                "the weights of `{key}` in {} sum to {sum:.3}, not 1",
                t.what()
            ),
            Some("scale the weights so that they add up to 1.0".into()),
        );
    }
    Some(out)
}

/// A list of ids, each recorded as a reference of `kind`.
pub(crate) fn refs(
    t: &Table<'_>,
    key: &'static str,
    required: bool,
    kind: Kind,
    loader: &Loader,
) -> Vec<String> {
    t.str_list(key, required)
        .into_iter()
        .map(|at| {
            loader.refer(kind, &at);
            at.value
        })
        .collect()
}

/// Reports a list that is shorter than it must be.
pub(crate) fn at_least<T>(t: &Table<'_>, key: &str, items: &[T], n: usize) {
    if items.len() < n {
        t.ctx().error(
            t.loc(),
            format!(
                "{} has {} `{key}`, needs at least {n}",
                t.what(),
                items.len()
            ),
            None,
        );
    }
}

fn text(t: &Table<'_>, key: &'static str) -> String {
    t.text(key).map(|a| a.value).unwrap_or_default()
}

fn opt_text(t: &Table<'_>, key: &'static str) -> Option<String> {
    t.str(key, false).map(|a| a.value)
}

/// Reads every `[[key]]` table of a file, naming each after its id for later messages.
fn each<'a, T>(
    root: &Table<'a>,
    key: &'static str,
    noun: &str,
    mut read: impl FnMut(&mut Table<'a>) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    for mut t in root.tables(key, true) {
        t.set_what(format!("{noun} {}", t.what()));
        if let Some(v) = read(&mut t) {
            out.push(v);
        }
        t.finish();
    }
    out
}

/// Defines an id and names the table after it.
fn define(t: &mut Table<'_>, loader: &Loader, kind: Kind, at: &At<String>) {
    loader.define(kind, "", at);
    t.set_what(format!("{} `{}`", kind.noun(), at.value));
}

pub(crate) fn read_rubric(root: &Table<'_>, loader: &Loader) -> Vec<Dimension> {
    each(root, "dimensions", "dimension", |t| {
        let id = id(t, "id", IdStyle::Snake)?;
        define(t, loader, Kind::Dimension, &id);
        let anchors = t.str_list("anchors", true);
        if anchors.len() != 4 {
            t.ctx().error(
                t.loc(),
                format!(
                    "{} has {} anchors; it needs exactly 4 (ratings 1 to 4)",
                    t.what(),
                    anchors.len()
                ),
                None,
            );
        }
        Some(Dimension {
            id: id.value,
            name: text(t, "name"),
            name_zh: text(t, "name_zh"),
            checks: text(t, "checks"),
            anchors: anchors.into_iter().map(|a| a.value).collect(),
            advice: text(t, "advice"),
        })
    })
}

pub(crate) fn read_values(root: &Table<'_>, loader: &Loader) -> Vec<CompanyValue> {
    each(root, "values", "value", |t| {
        let id = id(t, "id", IdStyle::Snake)?;
        define(t, loader, Kind::Value, &id);
        loader.refer(Kind::Dimension, &id);
        let behaviours = t.str_list("behaviours", true);
        at_least(t, "behaviours", &behaviours, 3);
        let red_flags = t.str_list("red_flags", true);
        at_least(t, "red_flags", &red_flags, 2);
        Some(CompanyValue {
            id: id.value,
            name: text(t, "name"),
            name_zh: text(t, "name_zh"),
            summary: text(t, "summary"),
            behaviours: behaviours.into_iter().map(|a| a.value).collect(),
            red_flags: red_flags.into_iter().map(|a| a.value).collect(),
            questions: refs(t, "questions", false, Kind::Question, loader),
        })
    })
}

pub(crate) fn read_mistakes(root: &Table<'_>, loader: &Loader) -> Vec<Mistake> {
    each(root, "mistakes", "mistake", |t| {
        let id = id(t, "id", IdStyle::Snake)?;
        define(t, loader, Kind::Mistake, &id);
        Some(Mistake {
            id: id.value,
            name: text(t, "name"),
            description: text(t, "description"),
            advice: text(t, "advice"),
        })
    })
}

pub(crate) fn read_levels(root: &Table<'_>, loader: &Loader) -> Vec<LevelInfo> {
    each(root, "levels", "level", |t| {
        let lvl = level(t, "id", true)?;
        define(
            t,
            loader,
            Kind::Level,
            &At {
                value: lvl.value.to_string(),
                loc: lvl.loc.clone(),
            },
        );
        let band = t.table("band", true).and_then(|b| {
            let min = b.int("min", true);
            let max = b.int("max", true);
            let basis = choice(&b, "basis", true, "band basis", &[("source", BandBasis::Source), ("estimate", BandBasis::Estimate)]);
            let note = opt_text(&b, "note");
            let currency = b.text("currency");
            let out = match (min, max, basis, currency) {
                (Some(min), Some(max), Some(basis), Some(currency)) => {
                    if min.value < 0 || max.value < min.value {
                        b.ctx().error(min.loc.clone(), format!("band of {} runs from {} to {}; it must satisfy 0 ≤ min ≤ max", lvl.value, min.value, max.value), None);
                    }
                    if basis == BandBasis::Estimate && note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                        b.ctx().error(b.loc(), format!("band of {} is an estimate but has no `note` saying how it was made", lvl.value), Some("add `note = \"...\"` with the basis of the estimate".into()));
                    }
                    Some(PayBand { currency: currency.value, min: min.value.max(0) as u64, max: max.value.max(0) as u64, basis, note })
                }
                _ => None,
            };
            b.finish();
            out
        });
        Some(LevelInfo {
            id: lvl.value,
            title: text(t, "title"),
            description: text(t, "description"),
            scope: text(t, "scope"),
            experience: text(t, "experience"),
            band: band?,
        })
    })
}

pub(crate) fn read_checklist(root: &Table<'_>, loader: &Loader) -> Vec<ChecklistItem> {
    each(root, "items", "checklist item", |t| {
        let id = id(t, "id", IdStyle::Kebab)?;
        define(t, loader, Kind::Checklist, &id);
        Some(ChecklistItem {
            id: id.value,
            category: choice(
                t,
                "category",
                true,
                "checklist category",
                &[
                    ("research", "research"),
                    ("practice", "practice"),
                    ("frameworks", "frameworks"),
                    ("kpis", "kpis"),
                ],
            )
            .unwrap_or("practice")
            .to_string(),
            text: text(t, "text"),
            target: positive(t, "target", true, 1000).unwrap_or(1),
            families: refs(t, "families", false, Kind::Family, loader),
        })
    })
}

pub(crate) fn read_figures(root: &Table<'_>, loader: &Loader) -> Vec<Figure> {
    each(root, "figures", "figure", |t| {
        let id = id(t, "id", IdStyle::Dotted)?;
        define(t, loader, Kind::Figure, &id);
        let value = t.number("value", false).map(|a| a.value);
        let low = t.number("low", false);
        let high = t.number("high", false);
        match (value, &low, &high) {
            (Some(_), None, None) | (None, Some(_), Some(_)) => {}
            _ => t.ctx().error(
                t.loc(),
                format!("{} needs either `value` or both `low` and `high`", t.what()),
                None,
            ),
        }
        if let (Some(l), Some(h)) = (&low, &high)
            && l.value > h.value
        {
            t.ctx().error(
                l.loc.clone(),
                format!("{}: `low` is above `high`", t.what()),
                None,
            );
        }
        Some(Figure {
            id: id.value,
            label: text(t, "label"),
            value,
            low: low.map(|a| a.value),
            high: high.map(|a| a.value),
            unit: text(t, "unit"),
            year: t.int("year", false).map(|a| a.value),
            source: text(t, "source"),
            note: opt_text(t, "note"),
        })
    })
}

pub(crate) fn read_families(root: &Table<'_>, loader: &Loader) -> Vec<Family> {
    each(root, "families", "family", |t| {
        let id = id(t, "id", IdStyle::Kebab)?;
        define(t, loader, Kind::Family, &id);
        Some(Family {
            id: id.value,
            name: text(t, "name"),
            description: text(t, "description"),
            stages: stage_kinds(t, "stages", true),
            rubric: weights(t, "rubric", true, loader).unwrap_or_default(),
        })
    })
}

pub(crate) fn read_lexicon(root: &Table<'_>, loader: &Loader) -> Lexicon {
    let mut lex = Lexicon::default();
    if let Some(neg) = root.table("negation", true) {
        lex.negation_en = neg
            .str_list("en", true)
            .into_iter()
            .map(|a| a.value.to_lowercase())
            .collect();
        lex.negation_zh = neg
            .str_list("zh", true)
            .into_iter()
            .map(|a| a.value)
            .collect();
        neg.finish();
    }
    lex.signals = each(root, "signals", "signal", |t| {
        read_signal(t, loader, Kind::Signal)
    });
    lex
}

/// Reads one signal: an id `<group>.<aspect>` in snake_case, a label, and English (lowercase) and
/// Chinese terms. Shared by the answer lexicon and the resume lexicon, whose ids live apart.
fn read_signal(t: &mut Table<'_>, loader: &Loader, kind: Kind) -> Option<Signal> {
    let sid = t.text("id")?;
    let ok = sid
        .value
        .split_once('.')
        .is_some_and(|(d, s)| id_ok(d, IdStyle::Snake) && id_ok(s, IdStyle::Snake));
    if !ok {
        let shape = if kind == Kind::Signal {
            "<dimension>.<signal>"
        } else {
            "<group>.<aspect>"
        };
        t.ctx().error(
            sid.loc.clone(),
            format!(
                "{} id `{}` is not `{shape}` in snake_case",
                kind.noun(),
                sid.value
            ),
            None,
        );
    }
    loader.define(kind, "", &sid);
    t.set_what(format!("{} `{}`", kind.noun(), sid.value));
    let en = t.str_list("en", true);
    let zh = t.str_list("zh", true);
    at_least(t, "en", &en, 1);
    at_least(t, "zh", &zh, 1);
    for w in &en {
        if w.value.trim().is_empty() || w.value != w.value.to_lowercase() {
            t.ctx().error(
                w.loc.clone(),
                format!("English entry `{}` must be non-empty lowercase", w.value),
                None,
            );
        }
    }
    Some(Signal {
        id: sid.value,
        label: text(t, "label"),
        en: en.into_iter().map(|a| a.value).collect(),
        zh: zh.into_iter().map(|a| a.value).collect(),
    })
}

pub(crate) fn read_resume_lexicon(root: &Table<'_>, loader: &Loader) -> ResumeLexicon {
    let mut lex = ResumeLexicon {
        signals: each(root, "signals", "resume signal", |t| {
            read_signal(t, loader, Kind::ResumeSignal)
        }),
        ..ResumeLexicon::default()
    };
    if let Some(scale) = root.table("scale", true) {
        if let Some(min) = scale.number("min", true) {
            if min.value <= 0.0 {
                scale
                    .ctx()
                    .error(min.loc, "`min` of `scale` must be above 0", None);
            } else {
                lex.scale_min = min.value;
            }
        }
        for (id, min) in scale.number_map("metric_min", false).unwrap_or_default() {
            loader.refer(Kind::ResumeSignal, &id);
            if !id.value.starts_with("scale.") {
                scale.ctx().error(
                    id.loc.clone(),
                    format!("`{}` in `metric_min` is not a `scale.*` signal", id.value),
                    Some("only metrics (scale signals) have a minimum".into()),
                );
            }
            if min.value <= 0.0 {
                scale.ctx().error(
                    min.loc,
                    format!("the minimum of `{}` must be above 0", id.value),
                    None,
                );
            }
            lex.scale_metric_min.push((id.value, min.value));
        }
        scale.finish();
    }
    lex.levels = each(root, "levels", "level", |t| {
        let lvl = level(t, "level", true)?;
        loader.refer(
            Kind::Level,
            &At {
                value: lvl.value.to_string(),
                loc: lvl.loc.clone(),
            },
        );
        t.set_what(format!("years of level {}", lvl.value));
        let min = t.number("min_years", true)?;
        let max = t.number("max_years", true)?;
        if min.value < 0.0 || max.value < min.value || max.value > 60.0 {
            t.ctx().error(
                min.loc.clone(),
                format!(
                    "{} runs from {} to {} years; it must satisfy 0 ≤ min_years ≤ max_years ≤ 60",
                    t.what(),
                    min.value,
                    max.value
                ),
                None,
            );
        }
        Some(LevelYears {
            level: lvl.value,
            min_years: min.value,
            max_years: max.value,
        })
    });
    lex
}

pub(crate) fn read_questions(root: &Table<'_>, loader: &Loader) -> Vec<Question> {
    each(root, "questions", "question", |t| {
        let qid = id(t, "id", IdStyle::Question)?;
        define(t, loader, Kind::Question, &qid);
        let family = t.text("family");
        if let Some(f) = &family {
            loader.refer(Kind::Family, f);
            if qid.value.split('/').next() != Some(f.value.as_str()) {
                t.ctx().error(
                    f.loc.clone(),
                    format!(
                        "question `{}` is in family `{}`, but its id starts with another family",
                        qid.value, f.value
                    ),
                    Some("a question id is `<family>/<slug>`".into()),
                );
            }
        }
        let concepts: Vec<Concept> = {
            let mut seen: Vec<String> = Vec::new();
            t.tables("concepts", true)
                .into_iter()
                .filter_map(|mut c| {
                    c.set_what(format!("concept {} of {}", c.what(), t.what()));
                    let cid = id(&c, "id", IdStyle::Kebab);
                    if let Some(cid) = &cid {
                        if seen.contains(&cid.value) {
                            c.ctx().error(
                                cid.loc.clone(),
                                format!("duplicate concept id `{}` in {}", cid.value, t.what()),
                                None,
                            );
                        }
                        seen.push(cid.value.clone());
                    }
                    let en = c.str_list("en", true);
                    let zh = c.str_list("zh", true);
                    at_least(&c, "en", &en, 1);
                    at_least(&c, "zh", &zh, 1);
                    for w in &en {
                        if w.value.trim().is_empty() || w.value != w.value.to_lowercase() {
                            c.ctx().error(
                                w.loc.clone(),
                                format!(
                                    "English synonym `{}` must be non-empty lowercase",
                                    w.value
                                ),
                                None,
                            );
                        }
                    }
                    let weight = c.number("weight", false).map_or(1.0, |w| {
                        if w.value <= 0.0 {
                            c.ctx()
                                .error(w.loc, "a concept's weight must be positive", None);
                        }
                        w.value
                    });
                    let out = Some(Concept {
                        id: cid?.value,
                        label: c.text("label")?.value,
                        en: en.into_iter().map(|a| a.value).collect(),
                        zh: zh.into_iter().map(|a| a.value).collect(),
                        weight,
                    });
                    c.finish();
                    out
                })
                .collect()
        };
        at_least(t, "concepts", &concepts, 3);
        let probes = t.str_list("probes", true);
        at_least(t, "probes", &probes, 2);
        let outline = t.str_list("outline", true);
        at_least(t, "outline", &outline, 4);
        let key = t.table("key", false).and_then(|k| {
            let out = read_key(&k);
            k.finish();
            out
        });
        let estimate = t.table("estimate", false).and_then(|e| {
            let low = e.number("low", true);
            let high = e.number("high", true);
            let out = match (low, high) {
                (Some(l), Some(h)) => {
                    if l.value > h.value || l.value < 0.0 {
                        e.ctx()
                            .error(l.loc, "an estimate range needs 0 ≤ low ≤ high", None);
                    }
                    Some(EstimateRange {
                        low: l.value,
                        high: h.value,
                        unit: e.text("unit")?.value,
                        basis: e.text("basis")?.value,
                    })
                }
                _ => None,
            };
            e.finish();
            out
        });
        let ab = t.table("ab", false).and_then(|a| {
            let arm = |name: &'static str| {
                let arm = a.table(name, true)?;
                let visitors = positive(&arm, "visitors", true, i64::from(u32::MAX));
                let conversion = arm.number("conversion", true);
                let aov = arm.number("aov", true);
                if let Some(c) = &conversion
                    && !(0.0..=1.0).contains(&c.value)
                {
                    arm.ctx().error(
                        c.loc.clone(),
                        "`conversion` is a share between 0 and 1",
                        None,
                    );
                }
                if let Some(v) = &aov
                    && v.value <= 0.0
                {
                    arm.ctx()
                        .error(v.loc.clone(), "`aov` must be positive", None);
                }
                arm.finish();
                Some(AbArm {
                    visitors: u64::from(visitors?),
                    conversion: conversion?.value,
                    aov: aov?.value,
                })
            };
            let out = match (arm("control"), arm("treatment")) {
                (Some(control), Some(treatment)) => Some(AbFacts { control, treatment }),
                _ => None,
            };
            a.finish();
            out
        });
        let family = family?.value;
        if family == "assessment" && key.is_none() {
            t.ctx().error(
                t.loc(),
                format!(
                    "{} is an online-assessment item but has no answer `key`",
                    t.what()
                ),
                None,
            );
        }
        if family == "guesstimate" && estimate.is_none() {
            t.ctx().error(
                t.loc(),
                format!("{} is a guesstimate but has no `estimate` range", t.what()),
                None,
            );
        }
        Some(Question {
            id: qid.value,
            family,
            title: text(t, "title"),
            prompt: text(t, "prompt"),
            prompt_zh: opt_text(t, "prompt_zh"),
            stages: stage_kinds(t, "stages", true),
            difficulty: choice(t, "difficulty", true, "difficulty", &Difficulty::ALL)
                .unwrap_or(Difficulty::Medium),
            levels: level_range(t, "levels", true).map_or(LevelRange::ALL, |a| a.value),
            minutes: positive(t, "minutes", false, 240),
            rubric: weights(t, "rubric", true, loader).unwrap_or_default(),
            mistakes: refs(t, "mistakes", false, Kind::Mistake, loader),
            figures: refs(t, "figures", false, Kind::Figure, loader),
            concepts,
            probes: probes.into_iter().map(|a| a.value).collect(),
            outline: outline.into_iter().map(|a| a.value).collect(),
            key,
            estimate,
            ab,
        })
    })
}

fn read_key(k: &Table<'_>) -> Option<AnswerKey> {
    let kind = choice(
        k,
        "kind",
        true,
        "answer-key kind",
        &[("choice", true), ("numeric", false)],
    )?;
    if kind {
        let options = k.str_list("options", true);
        at_least(k, "options", &options, 2);
        let correct = k.int("correct", true)?;
        if correct.value < 0 || correct.value as usize >= options.len() {
            k.ctx().error(
                correct.loc.clone(),
                format!(
                    "`correct` is {}, but there are {} options (counted from 0)",
                    correct.value,
                    options.len()
                ),
                None,
            );
        }
        Some(AnswerKey::Choice {
            options: options.into_iter().map(|a| a.value).collect(),
            correct: correct.value.max(0) as usize,
            explanation: k.text("explanation")?.value,
        })
    } else {
        let value = k.number("value", true)?;
        let tolerance = k.number("tolerance", true)?;
        if tolerance.value < 0.0 {
            k.ctx().error(
                tolerance.loc.clone(),
                "`tolerance` must not be negative",
                None,
            );
        }
        Some(AnswerKey::Numeric {
            value: value.value,
            tolerance: tolerance.value,
            unit: k.str("unit", false).map(|a| a.value).unwrap_or_default(),
            explanation: k.text("explanation")?.value,
        })
    }
}
