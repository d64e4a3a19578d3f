//! Adverse impact under the four-fifths rule: selection rates per self-reported group, overall
//! and at each stage, with small groups suppressed.
//!
//! **Selection rate.** Overall: `hired / applications` of the group (applications still open are
//! in the denominator, so compare closed requisitions or old enough cohorts). At a stage: `passed
//! / (passed + failed)` by the latest visit, the same pass-through as the funnel (withdrawals
//! and open visits were not selected or rejected by us).
//!
//! **Impact ratio.** A group's rate divided by the highest rate among the groups *shown* at that
//! level; below the threshold (0.8 by default, the four-fifths rule) the group is flagged. The
//! reference is taken among shown groups only: taking a suppressed group's rate as the reference
//! would let a reader recover it from any shown ratio.
//!
//! **Why suppress small groups (default: fewer than 5).** With a handful of people, one person
//! moves a rate by 20 points or more, so a ratio below 0.8 says little about the process; and a
//! count of 1 or 2 from a small group can identify the people behind the self-reported data the
//! candidates trusted us with. Five is the smallest cell size commonly published by statistical
//! offices; raise it for a stricter policy. A group is suppressed at every level when it has fewer
//! applications than the minimum, and at one level when fewer than the minimum were considered
//! there. A suppressed cell shows neither counts nor rates.
//!
//! **No reconstruction by subtraction.** The funnel shows totals per stage. If exactly one group
//! were suppressed at a level, its counts would be the total minus the shown groups (and minus
//! "not stated"). So when exactly one stated group is suppressed at a level, the shown group with
//! the fewest people considered there is suppressed too ("complementary"); then only the sum of
//! two groups can be derived. When there is no other group to hide (a single stated group in
//! all), the "not stated" count is withheld instead, since total minus "not stated" would give the
//! group.
//!
//! **"Not stated"** is reported as a count of applications and never compared: it is not a group,
//! and its rate says nothing about any group.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{StageIndex, check_decision, check_unique_ids, latest_outcomes};
use super::stats::ratio;
use super::{ApplicationFacts, Decision, ReportError, Stage, VisitOutcome};

/// Parameters of the adverse-impact report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ImpactParams {
    /// Groups (or cells) with fewer people than this are suppressed (default 5; see the module
    /// documentation for why).
    pub min_group_size: u64,
    /// Impact ratios below this are flagged (default 0.8, the four-fifths rule).
    pub threshold: f64,
}

impl Default for ImpactParams {
    fn default() -> Self {
        ImpactParams {
            min_group_size: 5,
            threshold: 0.8,
        }
    }
}

/// Why a cell is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// Fewer people than the minimum group size.
    SmallGroup,
    /// Hidden so that another suppressed group cannot be worked out by subtraction.
    Complementary,
}

/// One group's figures at one level, or the fact that they are suppressed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GroupCell {
    /// The figures.
    Shown {
        /// People considered: applications (overall) or decided at the stage.
        considered: u64,
        /// Of those, selected: hired (overall) or passed (at a stage).
        selected: u64,
        /// `selected / considered`; `None` when nobody was considered.
        rate: Option<f64>,
        /// `rate` over the highest rate among shown groups; `None` when that is zero.
        impact_ratio: Option<f64>,
        /// True when the impact ratio is below the threshold.
        flagged: bool,
    },
    /// Not shown.
    Suppressed {
        /// Why.
        reason: SuppressionReason,
    },
}

/// One stated group at one level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    /// The self-reported group.
    pub group: String,
    /// Its figures.
    pub cell: GroupCell,
}

/// The comparison at one level: overall (hired / applied) or one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactLevel {
    /// The stage's id; `None` for the overall level.
    pub stage_id: Option<String>,
    /// The stage's display name, or "Overall".
    pub label: String,
    /// The highest rate among shown groups, the impact ratio's denominator.
    pub reference_rate: Option<f64>,
    /// Every stated group, sorted by name.
    pub groups: Vec<GroupRow>,
}

/// The adverse-impact report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactReport {
    /// The parameters used.
    pub params: ImpactParams,
    /// Applications that did not state a group; `None` when withheld (see the module docs).
    pub not_stated: Option<u64>,
    /// The overall level first, then each stage in the stage order.
    pub levels: Vec<ImpactLevel>,
}

/// Per group: applications, hired, then per stage (passed, failed).
struct Acc {
    applications: u64,
    hired: u64,
    stages: Vec<(u64, u64)>,
}

/// Builds one level's rows from (group, considered, selected, suppressed for size overall).
fn level(
    stage_id: Option<String>,
    label: String,
    counts: &[(&str, u64, u64, bool)],
    params: ImpactParams,
) -> (ImpactLevel, bool) {
    let min = params.min_group_size;
    let mut hidden: Vec<Option<SuppressionReason>> = counts
        .iter()
        .map(|(_, considered, _, small)| {
            (*small || *considered < min).then_some(SuppressionReason::SmallGroup)
        })
        .collect();
    let suppressed = hidden.iter().filter(|h| h.is_some()).count();
    let mut lone = false;
    if suppressed == 1 {
        // Hide the smallest shown group too (ties: the first by name, as `counts` is sorted).
        let smallest = counts
            .iter()
            .enumerate()
            .filter(|(i, _)| hidden.get(*i).is_some_and(Option::is_none))
            .min_by_key(|(_, c)| c.1)
            .map(|(i, _)| i);
        match smallest.and_then(|i| hidden.get_mut(i)) {
            Some(h) => *h = Some(SuppressionReason::Complementary),
            None => lone = true,
        }
    }
    let rate = |c: &(&str, u64, u64, bool)| ratio(c.2, c.1);
    let reference = counts
        .iter()
        .zip(&hidden)
        .filter(|(_, h)| h.is_none())
        .filter_map(|(c, _)| rate(c))
        .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
    let groups = counts
        .iter()
        .zip(&hidden)
        .map(|(c, h)| GroupRow {
            group: c.0.to_string(),
            cell: match h {
                Some(reason) => GroupCell::Suppressed { reason: *reason },
                None => {
                    let r = rate(c);
                    let impact_ratio = match (r, reference) {
                        (Some(r), Some(best)) if best > 0.0 => Some(r / best),
                        _ => None,
                    };
                    GroupCell::Shown {
                        considered: c.1,
                        selected: c.2,
                        rate: r,
                        impact_ratio,
                        flagged: impact_ratio.is_some_and(|x| x < params.threshold),
                    }
                }
            },
        })
        .collect();
    let level = ImpactLevel {
        stage_id,
        label,
        reference_rate: reference,
        groups,
    };
    (level, lone)
}

/// Computes selection rates and impact ratios per self-reported group, overall and per stage.
/// O(n log g) for n visits and g groups.
pub fn adverse_impact(
    stages: &[Stage],
    apps: &[ApplicationFacts],
    params: ImpactParams,
) -> Result<ImpactReport, ReportError> {
    if params.min_group_size == 0 {
        return Err(ReportError::BadImpactParams(
            "the minimum group size must be at least 1".into(),
        ));
    }
    if !(params.threshold > 0.0 && params.threshold <= 1.0) {
        return Err(ReportError::BadImpactParams(format!(
            "the impact-ratio threshold must be in (0, 1], got {}",
            params.threshold
        )));
    }
    let index = StageIndex::new(stages)?;
    check_unique_ids(apps)?;
    let mut groups: BTreeMap<&str, Acc> = BTreeMap::new();
    let mut not_stated = 0u64;
    let mut latest = vec![None; stages.len()];
    for app in apps {
        check_decision(app)?;
        // Check every application's visits, stated group or not, so bad data is never hidden.
        latest_outcomes(app, &index, &mut latest)?;
        let Some(g) = app.group.as_deref() else {
            not_stated += 1;
            continue;
        };
        let acc = groups.entry(g).or_insert_with(|| Acc {
            applications: 0,
            hired: 0,
            stages: vec![(0, 0); stages.len()],
        });
        acc.applications += 1;
        if app.decision == Some(Decision::Hire) {
            acc.hired += 1;
        }
        for (s, l) in acc.stages.iter_mut().zip(&latest) {
            match l.map(|l| l.2) {
                Some(VisitOutcome::Passed) => s.0 += 1,
                Some(VisitOutcome::Failed) => s.1 += 1,
                _ => {}
            }
        }
    }
    let small: Vec<bool> = groups
        .values()
        .map(|a| a.applications < params.min_group_size)
        .collect();
    let overall: Vec<(&str, u64, u64, bool)> = groups
        .iter()
        .zip(&small)
        .map(|((g, a), s)| (*g, a.applications, a.hired, *s))
        .collect();
    let (first, lone) = level(None, "Overall".into(), &overall, params);
    let mut levels = vec![first];
    for (i, stage) in stages.iter().enumerate() {
        let counts: Vec<(&str, u64, u64, bool)> = groups
            .iter()
            .zip(&small)
            .map(|((g, a), s)| {
                let (passed, failed) = a.stages.get(i).copied().unwrap_or((0, 0));
                (*g, passed + failed, passed, *s)
            })
            .collect();
        levels.push(level(Some(stage.id.clone()), stage.name.clone(), &counts, params).0);
    }
    Ok(ImpactReport {
        params,
        not_stated: (!lone).then_some(not_stated),
        levels,
    })
}
