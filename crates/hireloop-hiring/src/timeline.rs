//! An application's timeline: time in each stage against the stage's limit, the whole process
//! against the pipeline's target (4–8 weeks for the built-in one), and whether the application has
//! gone stale.
//!
//! Times are milliseconds since the epoch, UTC; the caller passes `now_ms`, so the computation is
//! pure and repeatable. A stage visited twice (moved back) has its clock restarted: each visit is
//! measured against the limit on its own.

use hireloop_core::pipeline::Plan;
use serde::{Deserialize, Serialize};

/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// One week in milliseconds.
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// The usual idle time after which an open application is stale: a week without activity.
pub const DEFAULT_STALE_AFTER_MS: i64 = 7 * DAY_MS;

/// One stay of the application in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageVisit {
    /// Stage id of the plan.
    pub stage: String,
    /// When the application entered the stage.
    pub entered_ms: i64,
    /// When it left; absent while it is still there.
    #[serde(default)]
    pub left_ms: Option<i64>,
}

/// What the store knows about an application's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// When the application was created; the process clock starts here.
    pub started_ms: i64,
    /// Stage visits in order.
    #[serde(default)]
    pub visits: Vec<StageVisit>,
    /// The latest activity besides stage moves (a scorecard, an interview, a message).
    #[serde(default)]
    pub last_activity_ms: Option<i64>,
    /// When the application was closed (hired, rejected, withdrawn); closed ones never go stale.
    #[serde(default)]
    pub closed_ms: Option<i64>,
}

/// A problem with a history, and where in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{path}: {message}")]
pub struct HistoryProblem {
    /// A path into the history, such as `visits[2].left_ms`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// One visit measured against its stage's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitTime {
    /// Stage id.
    pub stage: String,
    /// Stage name.
    pub name: String,
    /// When it entered.
    pub entered_ms: i64,
    /// When it left; absent while open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_ms: Option<i64>,
    /// Time spent so far.
    pub elapsed_ms: i64,
    /// The stage's limit in days; absent when the plan sets none (0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_days: Option<u32>,
    /// How far past the limit; absent when within it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_by_ms: Option<i64>,
}

/// The whole process against the pipeline's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Shorter than the minimum so far (normal for an open application).
    BelowMin,
    /// Between the minimum and the maximum.
    InWindow,
    /// Longer than the maximum.
    OverMax,
}

/// What a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// A visit stayed, or is staying, longer than the stage's limit.
    StageOverLimit,
    /// The whole process is longer than the target's maximum.
    OverTarget,
    /// Still within the target, but the current stage's remaining limit plus the limits of the
    /// stages ahead would end past the maximum.
    AtRisk,
    /// Open, and idle for the threshold or over the current stage's limit.
    Stale,
}

/// A flag with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// What kind.
    pub kind: FlagKind,
    /// The stage concerned, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// One sentence for people.
    pub reason: String,
}

/// An application's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationTimeline {
    /// Visits in order.
    pub visits: Vec<VisitTime>,
    /// The stage the open application is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_stage: Option<String>,
    /// From start to close, or to now while open.
    pub elapsed_ms: i64,
    /// The target's minimum, in weeks.
    pub min_weeks: u32,
    /// The target's maximum, in weeks.
    pub max_weeks: u32,
    /// Where the elapsed time lies against the target.
    pub target: Target,
    /// Elapsed time plus what the plan still allows (open applications with a current stage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected_ms: Option<i64>,
    /// Time since the last activity (open applications).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_ms: Option<i64>,
    /// True when a `stale` flag is raised.
    pub stale: bool,
    /// Every flag raised.
    pub flags: Vec<Flag>,
}

fn days(ms: i64) -> String {
    // One decimal is enough for people and keeps the text stable.
    let tenths = (ms.saturating_mul(10) + DAY_MS / 2) / DAY_MS;
    format!("{}.{} days", tenths / 10, tenths % 10)
}

fn weeks(ms: i64) -> String {
    let tenths = (ms.saturating_mul(10) + WEEK_MS / 2) / WEEK_MS;
    format!("{}.{} weeks", tenths / 10, tenths % 10)
}

fn check(plan: &Plan, h: &History, now_ms: i64) -> Vec<HistoryProblem> {
    let mut problems = Vec::new();
    let mut push = |path: String, message: String| problems.push(HistoryProblem { path, message });
    let end = h.closed_ms.unwrap_or(now_ms);
    if let Some(c) = h.closed_ms {
        if c < h.started_ms {
            push("closed_ms".into(), "closed before it started".into());
        }
        if c > now_ms {
            push("closed_ms".into(), "closed in the future".into());
        }
    }
    if h.started_ms > now_ms {
        push("started_ms".into(), "starts in the future".into());
    }
    let last = h.visits.len().saturating_sub(1);
    let mut previous_end: Option<i64> = None;
    for (i, v) in h.visits.iter().enumerate() {
        let path = format!("visits[{i}]");
        if plan.stage(&v.stage).is_none() {
            let ids: Vec<&str> = plan.stages.iter().map(|s| s.id.as_str()).collect();
            push(
                format!("{path}.stage"),
                format!(
                    "stage `{}` is not in this plan; its stages are {}",
                    v.stage,
                    ids.join(", ")
                ),
            );
        }
        if v.entered_ms < h.started_ms {
            push(
                format!("{path}.entered_ms"),
                "entered before the application started".into(),
            );
        }
        if v.entered_ms > end {
            push(
                format!("{path}.entered_ms"),
                "entered after the application closed or in the future".into(),
            );
        }
        if let Some(p) = previous_end
            && v.entered_ms < p
        {
            push(
                format!("{path}.entered_ms"),
                "entered before the previous visit ended; visits must not overlap".into(),
            );
        }
        match v.left_ms {
            Some(l) if l < v.entered_ms => {
                push(format!("{path}.left_ms"), "left before it entered".into())
            }
            Some(l) if l > end => push(
                format!("{path}.left_ms"),
                "left after the application closed or in the future".into(),
            ),
            None if i != last => push(
                format!("{path}.left_ms"),
                "only the last visit may still be open".into(),
            ),
            _ => {}
        }
        previous_end = Some(v.left_ms.unwrap_or(end));
    }
    problems
}

/// Measures `history` against `plan` at `now_ms`; an open application idle for `stale_after_ms`
/// (such as [`DEFAULT_STALE_AFTER_MS`]) or over its current stage's limit is stale.
///
/// Fails with every problem of the history at once: unknown stages, visits out of order or
/// overlapping, times before the start or after the close or now, an open visit that is not the
/// last.
pub fn timeline(
    plan: &Plan,
    history: &History,
    now_ms: i64,
    stale_after_ms: i64,
) -> Result<ApplicationTimeline, Vec<HistoryProblem>> {
    let problems = check(plan, history, now_ms);
    if !problems.is_empty() {
        return Err(problems);
    }
    let open = history.closed_ms.is_none();
    let end = history.closed_ms.unwrap_or(now_ms);
    let mut flags = Vec::new();

    let visits: Vec<VisitTime> = history
        .visits
        .iter()
        .map(|v| {
            let stage = plan.stage(&v.stage);
            let limit_days = stage.map(|s| s.time_limit_days).filter(|d| *d > 0);
            let elapsed_ms = v.left_ms.unwrap_or(end).saturating_sub(v.entered_ms);
            let over_by_ms = limit_days
                .map(|d| elapsed_ms.saturating_sub(i64::from(d).saturating_mul(DAY_MS)))
                .filter(|over| *over > 0);
            VisitTime {
                stage: v.stage.clone(),
                name: stage.map_or_else(|| v.stage.clone(), |s| s.name.clone()),
                entered_ms: v.entered_ms,
                left_ms: v.left_ms,
                elapsed_ms,
                limit_days,
                over_by_ms,
            }
        })
        .collect();
    for v in &visits {
        if let (Some(over), Some(limit)) = (v.over_by_ms, v.limit_days) {
            let verb = if v.left_ms.is_none() && open {
                "has been"
            } else {
                "was"
            };
            flags.push(Flag {
                kind: FlagKind::StageOverLimit,
                stage: Some(v.stage.clone()),
                reason: format!(
                    "{verb} in `{}` for {}, {} over its {limit}-day limit",
                    v.stage,
                    days(v.elapsed_ms),
                    days(over)
                ),
            });
        }
    }

    let elapsed_ms = end.saturating_sub(history.started_ms);
    let min_ms = i64::from(plan.timeline.min_weeks).saturating_mul(WEEK_MS);
    let max_ms = i64::from(plan.timeline.max_weeks).saturating_mul(WEEK_MS);
    let target = if elapsed_ms > max_ms {
        Target::OverMax
    } else if elapsed_ms < min_ms {
        Target::BelowMin
    } else {
        Target::InWindow
    };
    if target == Target::OverMax {
        flags.push(Flag {
            kind: FlagKind::OverTarget,
            stage: None,
            reason: format!(
                "{} since the application started, beyond the {}–{} week target",
                weeks(elapsed_ms),
                plan.timeline.min_weeks,
                plan.timeline.max_weeks
            ),
        });
    }

    let current = visits.last().filter(|v| open && v.left_ms.is_none());
    let projected_ms = current.and_then(|cur| {
        let index = plan.stages.iter().position(|s| s.id == cur.stage)?;
        let left_here = cur
            .limit_days
            .map_or(0, |d| (i64::from(d) * DAY_MS - cur.elapsed_ms).max(0));
        let ahead: i64 = plan.stages[index + 1..]
            .iter()
            .map(|s| i64::from(s.time_limit_days) * DAY_MS)
            .sum();
        Some(elapsed_ms.saturating_add(left_here).saturating_add(ahead))
    });
    if let Some(p) = projected_ms
        && target != Target::OverMax
        && p > max_ms
    {
        flags.push(Flag {
            kind: FlagKind::AtRisk,
            stage: current.map(|c| c.stage.clone()),
            reason: format!(
                "the stages ahead may take it to {}, past the {}-week maximum",
                weeks(p),
                plan.timeline.max_weeks
            ),
        });
    }

    let idle_ms = open.then(|| {
        let last = history
            .visits
            .iter()
            .flat_map(|v| [Some(v.entered_ms), v.left_ms])
            .chain([Some(history.started_ms), history.last_activity_ms])
            .flatten()
            .max()
            .unwrap_or(history.started_ms);
        now_ms.saturating_sub(last).max(0)
    });
    let mut stale_reasons = Vec::new();
    if let Some(idle) = idle_ms
        && idle >= stale_after_ms
    {
        stale_reasons.push(format!("no activity for {}", days(idle)));
    }
    if let Some(cur) = current
        && let Some(over) = cur.over_by_ms
    {
        stale_reasons.push(format!("`{}` is {} over its limit", cur.stage, days(over)));
    }
    let stale = !stale_reasons.is_empty();
    if stale {
        flags.push(Flag {
            kind: FlagKind::Stale,
            stage: current.map(|c| c.stage.clone()),
            reason: format!("stale: {}", stale_reasons.join("; ")),
        });
    }

    let current_stage = current.map(|c| c.stage.clone());
    Ok(ApplicationTimeline {
        visits,
        current_stage,
        elapsed_ms,
        min_weeks: plan.timeline.min_weeks,
        max_weeks: plan.timeline.max_weeks,
        target,
        projected_ms,
        idle_ms,
        stale,
        flags,
    })
}
