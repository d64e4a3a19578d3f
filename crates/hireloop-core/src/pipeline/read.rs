//! Reads and checks a pipeline file.

use super::model::*;
use crate::content::read::{
    IdStyle, Kind, Loader, choice, choices, id, level, level_range, positive, score, weights,
};
use crate::content::{Difficulty, Weight};
use crate::diag::Loc;
use crate::level::LevelRange;
use crate::tomlread::{At, Table};

const MAX_ROUND_MINUTES: i64 = 480;
const MAX_STAGE_DAYS: i64 = 365;

/// What was read about a gate's round references, to check them per profile.
struct GateRef {
    stage: String,
    round: String,
    loc: Loc,
}

/// Where a round's question draw was written, to check the bank can serve it.
pub(crate) struct DrawSite {
    pub round: String,
    pub loc: Loc,
}

/// Reads a pipeline. Returns it (when complete enough to resolve) and the sites of its question draws.
pub(crate) fn read_pipeline(
    root: &Table<'_>,
    loader: &Loader,
) -> Option<(Pipeline, Vec<DrawSite>)> {
    let pid = id(root, "id", IdStyle::Kebab);
    if let Some(p) = &pid {
        loader.define(Kind::Pipeline, "", p);
    }
    let scope = pid.as_ref().map_or_else(String::new, |p| p.value.clone());
    let name = root.text("name");
    let description = root
        .str("description", false)
        .map(|a| a.value)
        .unwrap_or_default();
    let levels = level_range(root, "levels", true);
    let default_level = level(root, "default_level", true);
    let default_region = root.text("default_region");

    let timeline = root.table("timeline", true).and_then(|t| {
        let min = positive(&t, "min_weeks", true, 104);
        let max = positive(&t, "max_weeks", true, 104);
        let out = match (min, max) {
            (Some(min_weeks), Some(max_weeks)) => {
                if min_weeks > max_weeks {
                    t.ctx().error(t.loc(), format!("timeline runs from {min_weeks} to {max_weeks} weeks; `min_weeks` must not exceed `max_weeks`"), None);
                }
                Some(Timeline { min_weeks, max_weeks })
            }
            _ => None,
        };
        t.finish();
        out
    });

    let leveling = root.table("leveling", true).and_then(|t| {
        let down = score(&t, "down_level_below", true);
        let up = score(&t, "up_level_at", true);
        let out = match (down, up) {
            (Some(down_level_below), Some(up_level_at)) => {
                if down_level_below >= up_level_at {
                    t.ctx().error(
                        t.loc(),
                        "`down_level_below` must be lower than `up_level_at`",
                        None,
                    );
                }
                Some(Leveling {
                    down_level_below,
                    up_level_at,
                })
            }
            _ => None,
        };
        t.finish();
        out
    });

    let regions: Vec<Region> = root
        .tables("regions", true)
        .into_iter()
        .filter_map(|mut t| {
            t.set_what(format!("region {}", t.what()));
            let rid = id(&t, "id", IdStyle::Kebab);
            if let Some(r) = &rid {
                loader.define(Kind::Region, &scope, r);
                t.set_what(format!("region `{}`", r.value));
            }
            let name = t.text("name");
            let languages: Vec<LanguageRequirement> = t
                .tables("languages", true)
                .into_iter()
                .filter_map(|mut l| {
                    l.set_what(format!("language {} of {}", l.what(), t.what()));
                    let language = l.text("language");
                    if let Some(code) = &language
                        && (code.value.len() < 2
                            || code.value.len() > 8
                            || !code
                                .value
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c == '-'))
                    {
                        l.ctx().error(
                            code.loc.clone(),
                            format!("`{}` is not a language code", code.value),
                            Some("use a code such as \"zh\" or \"en\"".into()),
                        );
                    }
                    let out = Some(LanguageRequirement {
                        language: language?.value,
                        proficiency: choice(
                            &l,
                            "proficiency",
                            true,
                            "proficiency",
                            &Proficiency::ALL,
                        )?,
                        required: l.bool("required").is_none_or(|b| b.value),
                        note: l.str("note", false).map(|a| a.value),
                    });
                    l.finish();
                    out
                })
                .collect();
            let out = Some(Region {
                id: rid?.value,
                name: name?.value,
                languages,
            });
            t.finish();
            out
        })
        .collect();
    let region_ids: Vec<&str> = regions.iter().map(|r| r.id.as_str()).collect();

    if let (Some(r), Some(l)) = (&levels, &default_level)
        && !r.value.contains(l.value)
    {
        root.ctx().error(
            l.loc.clone(),
            format!(
                "default level {} is outside the pipeline's levels {}",
                l.value, r.value
            ),
            None,
        );
    }
    if let Some(d) = &default_region
        && !regions.is_empty()
        && !region_ids.contains(&d.value.as_str())
    {
        root.ctx().error(
            d.loc.clone(),
            format!(
                "default region `{}` is not one of the pipeline's regions",
                d.value
            ),
            Some(format!("regions: {}", region_ids.join(", "))),
        );
    }

    let range = levels.as_ref().map_or(LevelRange::ALL, |l| l.value);
    let cond_ctx = CondCtx {
        range,
        regions: &region_ids,
    };
    let mut gate_refs = Vec::new();
    let mut draws = Vec::new();
    let stage_tables = root.tables("stages", true);
    if stage_tables.is_empty() && root.has("stages") {
        root.ctx()
            .error(root.loc(), "the pipeline has no stages", None);
    }
    let mut stages = Vec::new();
    let mut complete = true;
    for mut t in stage_tables {
        t.set_what(format!("stage {}", t.what()));
        match read_stage(
            &mut t,
            loader,
            &scope,
            &cond_ctx,
            &mut gate_refs,
            &mut draws,
        ) {
            Some(s) => stages.push(s),
            None => complete = false,
        }
        t.finish();
    }

    let pipeline = Pipeline {
        id: pid?.value,
        name: name?.value,
        description,
        levels: levels?.value,
        default_level: default_level?.value,
        default_region: default_region?.value,
        timeline: timeline?,
        leveling: leveling?,
        regions,
        stages,
    };
    if complete {
        check_profiles(root, &pipeline, &gate_refs);
    }
    complete.then_some((pipeline, draws))
}

struct CondCtx<'a> {
    range: LevelRange,
    regions: &'a [&'a str],
}

fn read_condition(t: &Table<'_>, cc: &CondCtx<'_>) -> Condition {
    let Some(w) = t.table("when", false) else {
        return Condition::default();
    };
    let levels = level_range(&w, "levels", false);
    if let Some(l) = &levels
        && !cc.range.covers(&l.value)
    {
        w.ctx().warning(
            l.loc.clone(),
            format!(
                "`when.levels` {} reaches outside the pipeline's levels {}",
                l.value, cc.range
            ),
            None,
        );
    }
    let regions = w.str_list("regions", false);
    for r in &regions {
        if !cc.regions.contains(&r.value.as_str()) {
            w.ctx().error(
                r.loc.clone(),
                format!("unknown region `{}`", r.value),
                Some(format!(
                    "regions of this pipeline: {}",
                    cc.regions.join(", ")
                )),
            );
        }
    }
    if !w.has("levels") && !w.has("regions") {
        w.ctx().warning(
            w.loc(),
            "`when` is empty and always holds",
            Some("give `levels` or `regions`, or remove it".into()),
        );
    }
    w.finish();
    Condition {
        levels: levels.map(|l| l.value),
        regions: regions.into_iter().map(|r| r.value).collect(),
    }
}

fn read_gate(
    t: &Table<'_>,
    stage: &str,
    rounds: &[At<String>],
    gate_refs: &mut Vec<GateRef>,
) -> Option<Gate> {
    let g = t.table("gate", true)?;
    let kind = choice(
        &g,
        "kind",
        true,
        "gate kind",
        &[("none", 0), ("threshold", 1), ("veto", 2)],
    );
    let mut check_round = |at: &At<String>| {
        if rounds.iter().any(|r| r.value == at.value) {
            gate_refs.push(GateRef {
                stage: stage.to_string(),
                round: at.value.clone(),
                loc: at.loc.clone(),
            });
        } else {
            let names: Vec<&str> = rounds.iter().map(|r| r.value.as_str()).collect();
            g.ctx().error(
                at.loc.clone(),
                format!("the gate of stage `{stage}` names round `{}`, which is not a round of that stage", at.value),
                Some(format!("rounds of stage `{stage}`: {}", names.join(", "))),
            );
        }
    };
    let gate = match kind {
        Some(0) => Some(Gate::None),
        Some(1) => {
            let min_score = score(&g, "min_score", true);
            let fail_on_strong_no = g.bool("fail_on_strong_no").is_some_and(|b| b.value);
            let named = g.str_list("rounds", false);
            named.iter().for_each(&mut check_round);
            min_score.map(|min_score| Gate::Threshold {
                min_score,
                fail_on_strong_no,
                rounds: named.into_iter().map(|r| r.value).collect(),
            })
        }
        Some(2) => {
            let round = g.text("round");
            if let Some(r) = &round {
                check_round(r);
            }
            let holder = choice(&g, "holder", true, "role", &Role::ALL);
            let min_score = score(&g, "min_score", false);
            match (round, holder) {
                (Some(round), Some(holder)) => Some(Gate::Veto {
                    round: round.value,
                    holder,
                    min_score,
                }),
                _ => None,
            }
        }
        _ => None,
    };
    g.finish();
    gate
}

fn read_draw(t: &Table<'_>, loader: &Loader) -> Option<QuestionDraw> {
    let q = t.table("questions", false)?;
    let families = q.str_list("families", true);
    for f in &families {
        loader.refer(Kind::Family, f);
    }
    if families.is_empty() && q.has("families") {
        q.ctx().error(
            q.loc(),
            "`families` is empty; name at least one question family",
            None,
        );
    }
    let count = positive(&q, "count", true, 50);
    let difficulty: Vec<Difficulty> =
        choices(&q, "difficulty", false, "difficulty", &Difficulty::ALL);
    q.finish();
    Some(QuestionDraw {
        families: families.into_iter().map(|f| f.value).collect(),
        count: count?,
        difficulty,
    })
}

/// Reads the fields a round and its variants share. In a variant every field is optional.
fn read_round_fields(t: &Table<'_>, loader: &Loader, required: bool) -> RoundPatch {
    RoundPatch {
        name: t.str("name", required).map(|a| a.value),
        duration_minutes: positive(t, "duration_minutes", required, MAX_ROUND_MINUTES),
        interviewer: choice(t, "interviewer", required, "role", &Role::ALL),
        interviewer_title: t.str("interviewer_title", false).map(|a| a.value),
        dimensions: weights(t, "dimensions", required, loader),
        questions: read_draw(t, loader),
    }
}

fn read_round(
    t: &mut Table<'_>,
    loader: &Loader,
    scope: &str,
    cc: &CondCtx<'_>,
    draws: &mut Vec<DrawSite>,
) -> Option<Round> {
    let rid = id(t, "id", IdStyle::Kebab);
    if let Some(r) = &rid {
        loader.define(Kind::Round, scope, r);
        t.set_what(format!("round `{}`", r.value));
    }
    let when = read_condition(t, cc);
    let base = read_round_fields(t, loader, true);
    let rid = rid?;
    let mut draw_sites = vec![];
    if t.has("questions") {
        draw_sites.push(t.loc());
    }
    let variants = t
        .tables("variants", false)
        .into_iter()
        .map(|mut v| {
            v.set_what(format!("variant {} of round `{}`", v.what(), rid.value));
            let when = read_condition(&v, cc);
            if when.is_always() && !v.has("when") {
                v.ctx().error(v.loc(), format!("{} has no `when`", v.what()), Some("a variant applies `when` a condition holds; add `when = { levels = \"P7..P10\" }`".into()));
            }
            let patch = read_round_fields(&v, loader, false);
            v.finish();
            (when, patch)
        })
        .collect();
    let complete = base.name.is_some()
        && base.duration_minutes.is_some()
        && base.interviewer.is_some()
        && base.dimensions.is_some();
    draws.extend(draw_sites.into_iter().map(|loc| DrawSite {
        round: rid.value.clone(),
        loc,
    }));
    complete.then_some(Round {
        id: rid.value,
        when,
        base,
        variants,
    })
}

fn read_stage(
    t: &mut Table<'_>,
    loader: &Loader,
    scope: &str,
    cc: &CondCtx<'_>,
    gate_refs: &mut Vec<GateRef>,
    draws: &mut Vec<DrawSite>,
) -> Option<Stage> {
    let sid = id(t, "id", IdStyle::Kebab);
    if let Some(s) = &sid {
        loader.define(Kind::Stage, scope, s);
        t.set_what(format!("stage `{}`", s.value));
    }
    let kind = choice(t, "kind", true, "stage kind", &StageKind::ALL);
    let name = t.text("name");
    let checks = t.str("checks", false).map(|a| a.value).unwrap_or_default();
    let when = read_condition(t, cc);
    let time_limit_days = positive(t, "time_limit_days", true, MAX_STAGE_DAYS);

    let round_tables = t.tables("rounds", true);
    if round_tables.is_empty() && t.has("rounds") {
        t.ctx()
            .error(t.loc(), format!("{} has no rounds", t.what()), None);
    }
    let round_ids: Vec<At<String>> = round_tables
        .iter()
        .filter_map(|r| r.str("id", false))
        .collect();
    let mut rounds = Vec::new();
    let mut complete = true;
    for mut r in round_tables {
        r.set_what(format!("round {} of {}", r.what(), t.what()));
        match read_round(&mut r, loader, scope, cc, draws) {
            Some(round) => rounds.push(round),
            None => complete = false,
        }
        r.finish();
    }
    let stage_name = sid.as_ref().map_or("?", |s| s.value.as_str()).to_string();
    let gate = read_gate(t, &stage_name, &round_ids, gate_refs);
    let variants = t
        .tables("variants", false)
        .into_iter()
        .map(|mut v| {
            v.set_what(format!("variant {} of {}", v.what(), t.what()));
            let when = read_condition(&v, cc);
            let time_limit_days = positive(&v, "time_limit_days", false, MAX_STAGE_DAYS);
            let gate = if v.has("gate") {
                read_gate(&v, &stage_name, &round_ids, gate_refs)
            } else {
                None
            };
            v.finish();
            (
                when,
                StagePatch {
                    time_limit_days,
                    gate,
                },
            )
        })
        .collect();
    let stage = Stage {
        id: sid?.value,
        kind: kind?,
        name: name?.value,
        checks,
        when,
        base: StagePatch {
            time_limit_days: Some(time_limit_days?),
            gate: Some(gate?),
        },
        variants,
        rounds,
    };
    complete.then_some(stage)
}

/// Resolves the pipeline for every level and region and checks what only shows per profile: a
/// profile with no stages, a stage left with no rounds, a gate whose round is left out. A problem
/// found for several profiles is reported once, naming them.
fn check_profiles(root: &Table<'_>, p: &Pipeline, gate_refs: &[GateRef]) {
    // (is_error, place, message, hint) → the profiles it occurs for.
    type Finding = (bool, Loc, String, Option<String>);
    let mut found: Vec<(Finding, Vec<String>)> = Vec::new();
    let mut note = |f: Finding, who: &str| match found.iter_mut().find(|(g, _)| *g == f) {
        Some((_, whos)) => whos.push(who.to_string()),
        None => found.push((f, vec![who.to_string()])),
    };
    let mut total = 0;
    for level in p.levels.levels() {
        for region in &p.regions {
            let profile = Profile {
                level,
                region: region.id.clone(),
            };
            let Ok(plan) = p.plan(&profile) else { continue };
            total += 1;
            let who = format!("{level}/{}", region.id);
            if plan.stages.is_empty() {
                note(
                    (
                        true,
                        root.loc(),
                        "the plan has no stages".into(),
                        Some("check the `when` conditions of the stages".into()),
                    ),
                    &who,
                );
            }
            for s in &plan.stages {
                if s.rounds.is_empty() {
                    note(
                        (
                            true,
                            root.loc(),
                            format!("stage `{}` has no rounds left", s.id),
                            Some("check the `when` conditions of its rounds".into()),
                        ),
                        &who,
                    );
                }
                for r in &s.rounds {
                    let sum: f64 = r.dimensions.iter().map(|w: &Weight| w.weight).sum();
                    if (sum - 1.0).abs() > 1e-3 {
                        note(
                            (
                                true,
                                root.loc(),
                                format!("the dimensions of round `{}` sum to {sum:.3}", r.id),
                                None,
                            ),
                            &who,
                        );
                    }
                }
            }
            for g in gate_refs {
                let in_stage = plan
                    .stage(&g.stage)
                    .map(|s| s.rounds.iter().any(|r| r.id == g.round));
                if in_stage == Some(false) {
                    note(
                        (
                            true,
                            g.loc.clone(),
                            format!(
                                "the gate of stage `{}` names round `{}`, which its `when` leaves out",
                                g.stage, g.round
                            ),
                            Some(
                                "a gate's round must be part of every plan that includes the stage"
                                    .into(),
                            ),
                        ),
                        &who,
                    );
                }
            }
            for (s, round, holder) in plan.vetoes() {
                if let Some((_, r)) = plan.round(round)
                    && r.interviewer != holder
                {
                    let loc = gate_refs
                        .iter()
                        .find(|g| g.stage == s.id && g.round == round)
                        .map_or_else(|| root.loc(), |g| g.loc.clone());
                    note(
                        (
                            false,
                            loc,
                            format!("the veto of stage `{}` is held by {} but round `{round}` is conducted by {}", s.id, holder.id(), r.interviewer.id()),
                            Some("make the round's interviewer the veto holder, or hand the veto to the round's interviewer".into()),
                        ),
                        &who,
                    );
                }
            }
        }
    }
    for ((is_error, loc, message, hint), whos) in found {
        let message = format!("{message} (for {})", profiles_text(&whos, total));
        if is_error {
            root.ctx().error(loc, message, hint);
        } else {
            root.ctx().warning(loc, message, hint);
        }
    }
}

/// "every level and region" or a list of `P5/china`-style profiles.
pub(crate) fn profiles_text(whos: &[String], total: usize) -> String {
    if whos.len() == total && total > 1 {
        "every level and region".into()
    } else {
        whos.join(", ")
    }
}
