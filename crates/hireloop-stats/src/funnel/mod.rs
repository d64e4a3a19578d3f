//! Funnels from event logs: how many users go through a sequence of steps, and how long each
//! step takes.
//!
//! The input is CSV with a header naming at least `user_id`, `event` and `timestamp` (epoch
//! seconds, fractions allowed, or RFC 3339), in any column order, plus any property columns.
//!
//! # Semantics
//!
//! A user **enters** the funnel at their first event of step 1; users without one are not in the
//! funnel. The conversion window runs from that entry, inclusive at both ends. A user's events
//! are read in time order; at equal times, in funnel order (step events, then exclusion events,
//! then other events).
//!
//! - [`Order::Ordered`] (the default): each next step is the user's earliest event of that step at
//!   or after the previous step's time and no later than entry + window. Other events in between
//!   do not matter. This is the ordered funnel of PostHog and Mixpanel, without re-entry. A step
//!   event that appears twice in the funnel needs two distinct events.
//! - [`Order::Strict`]: the events right after the entry must be the next steps, one by one, with
//!   no other event (of any name) in between, each within the window.
//! - [`Order::Any`]: step 1 opens the funnel; the later steps may happen in any order, each at or
//!   after the entry and within the window. A user reaches step *k* once steps 2..*k* all happened;
//!   the step's time is the latest of them.
//!
//! **Exclusions** (`exclude`): a user who does an excluded event strictly after entering and
//! strictly before the time a step was reached is counted up to the step before, and dropped from
//! that step on — Mixpanel's rule for exclusion steps between every pair of consecutive steps.
//! (PostHog instead removes such users from the whole funnel.) The chosen step events are the same
//! as without the exclusion: an excluded event is not a reason to look for a later step event.
//!
//! **Breakdown**: users are grouped by the value of a property column on their entry event
//! (first-touch attribution); at equal entry times the smallest value wins.
//!
//! **Time to convert**: for each step after the first, the median over users who reached it of
//! the seconds from the previous step (for an even count, the mean of the two middle values).
//!
//! # Speed
//!
//! The file is read once from a byte buffer, split at row boundaries between threads, and
//! scanned by hand (numbers are parsed in the same pass that finds the field's end, eight digits
//! at a time). Columns are kept as arrays; event names become one-byte codes; numeric user ids
//! that are dense enough index arrays directly, other ids are interned in parallel by hash
//! partition. Events are then partitioned into buckets of neighbouring users and each bucket is
//! counting-sorted by user inside the cache, so no step touches memory at random per event;
//! each thread evaluates the users of its buckets.

mod error;
mod eval;
mod group;
mod hash;
mod scan;
mod time;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::FunnelError;
pub use time::{parse_timestamp, parse_window};

/// The largest number of steps in one funnel.
pub const MAX_STEPS: usize = 64;

/// How the steps after the first must follow each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// In order, other events allowed in between.
    #[default]
    Ordered,
    /// In order, nothing in between.
    Strict,
    /// In any order after step 1.
    Any,
}

/// What to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelSpec {
    /// Event names of the steps, in order.
    pub steps: Vec<String>,
    /// Conversion window from entry, in seconds.
    pub window_seconds: f64,
    /// Step order semantics.
    pub order: Order,
    /// Events that drop a user from the funnel (see the module documentation).
    pub exclude: Vec<String>,
    /// Property column to group users by, read on their entry event.
    pub breakdown: Option<String>,
}

/// One step of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// The step's event name.
    pub event: String,
    /// Users who reached the step.
    pub users: u64,
    /// Share of the users who entered (step 1) that reached this step.
    pub conversion_from_start: f64,
    /// Share of the users who reached the previous step that reached this one (1 for step 1).
    pub conversion_from_previous: f64,
    /// Median seconds from the previous step; `None` for step 1 and for steps nobody reached.
    pub median_seconds_from_previous: Option<f64>,
}

/// The funnel of one breakdown value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownReport {
    /// The steps, as in the overall funnel.
    pub steps: Vec<StepReport>,
}

/// The result of a funnel analysis. Serialises to the stable JSON contract
/// `{ "users", "steps": [..], "breakdown": { VALUE: { "steps": [..] } } }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelReport {
    /// Distinct users in the file (whether or not they entered the funnel).
    pub users: u64,
    /// Rows in the file.
    #[serde(skip)]
    pub events: u64,
    /// The steps.
    pub steps: Vec<StepReport>,
    /// The funnel per value of the breakdown column (empty without a breakdown), by value.
    pub breakdown: BTreeMap<String, BreakdownReport>,
    /// Exclusion events that never occur in the file (possibly misspelt).
    #[serde(skip)]
    pub unseen_exclusions: Vec<String>,
}

impl FunnelSpec {
    /// Checks the definition and assigns event codes: distinct step events in funnel order,
    /// then exclusion events.
    fn plan(&self) -> Result<(eval::Plan, Vec<Vec<u8>>), FunnelError> {
        let bad = |m: String| Err(FunnelError::InvalidFunnel(m));
        if self.steps.is_empty() {
            return bad("a funnel needs at least one step".into());
        }
        if self.steps.len() > MAX_STEPS {
            return bad(format!(
                "{} steps: a funnel has at most {MAX_STEPS}",
                self.steps.len()
            ));
        }
        if let Some(i) = self.steps.iter().position(|s| s.is_empty()) {
            return bad(format!("step {} has an empty event name", i + 1));
        }
        if !(self.window_seconds.is_finite() && self.window_seconds > 0.0) {
            return bad(format!(
                "the conversion window must be a positive duration, not {}",
                self.window_seconds
            ));
        }
        let mut names: Vec<Vec<u8>> = Vec::new();
        let mut step_codes = Vec::with_capacity(self.steps.len());
        for s in &self.steps {
            let code = match names.iter().position(|n| n == s.as_bytes()) {
                Some(c) => c,
                None => {
                    names.push(s.as_bytes().to_vec());
                    names.len() - 1
                }
            };
            // At most MAX_STEPS distinct step events.
            step_codes.push(code as u8);
        }
        let mut excluded = vec![false; 256];
        for e in &self.exclude {
            if e.is_empty() {
                return bad("an excluded event has an empty name".into());
            }
            if self.steps.contains(e) {
                return bad(format!(
                    "`{e}` is both a step and an excluded event; a step cannot drop users"
                ));
            }
            if names.iter().any(|n| n == e.as_bytes()) {
                continue;
            }
            if names.len() >= usize::from(scan::OTHER) {
                return bad("too many excluded events".into());
            }
            names.push(e.as_bytes().to_vec());
            excluded[names.len() - 1] = true;
        }
        let repeat_index: Vec<usize> = step_codes
            .iter()
            .enumerate()
            .map(|(i, c)| step_codes[..i].iter().filter(|x| *x == c).count())
            .collect();
        let plan = eval::Plan {
            repeats: repeat_index.iter().any(|&k| k > 0),
            repeat_index,
            has_exclusions: excluded.iter().any(|&x| x),
            excluded,
            step_codes,
            window: self.window_seconds,
            order: self.order,
        };
        Ok((plan, names))
    }
}

/// Computes a funnel over a CSV event log held in memory, using up to `threads` threads.
///
/// The result does not depend on the order of the rows or on the number of threads.
pub fn analyze(
    data: &[u8],
    spec: &FunnelSpec,
    threads: usize,
) -> Result<FunnelReport, FunnelError> {
    let threads = threads.clamp(1, 64);
    let (plan, names) = spec.plan()?;
    let layout = scan::read_header(data, spec.breakdown.as_deref())?;
    let codes = scan::EventCodes::new(names);
    let ranges = scan::split_rows(data, layout.body, threads);
    let scanned: Vec<Result<scan::Chunk, scan::ScanError>> = if ranges.len() == 1 {
        ranges
            .iter()
            .map(|&range| scan::scan_chunk(data, range, 0, &layout, &codes))
            .collect()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = ranges
                .iter()
                .enumerate()
                .map(|(i, &range)| {
                    let (layout, codes) = (&layout, &codes);
                    s.spawn(move || scan::scan_chunk(data, range, i, layout, codes))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut chunks = Vec::with_capacity(scanned.len());
    for r in scanned {
        // Chunks are in file order, so the first error is the earliest in the file.
        chunks.push(r.map_err(|e| e.locate(data, &layout))?);
    }
    let events: usize = chunks.iter().map(|c| c.codes.len()).sum();
    if events == 0 {
        return Err(FunnelError::NoEvents);
    }
    if events >= (u32::MAX - 1) as usize {
        return Err(FunnelError::TooLarge);
    }
    let seen = |code: u8| chunks.iter().any(|c| c.seen[usize::from(code)]);
    let mut missing: Vec<String> = Vec::new();
    for (s, &code) in spec.steps.iter().zip(&plan.step_codes) {
        if !seen(code) && !missing.contains(s) {
            missing.push(s.clone());
        }
    }
    if !missing.is_empty() {
        let mut others: Vec<String> = Vec::new();
        for c in &chunks {
            for n in &c.other_names {
                if !others.contains(n) && others.len() < 8 {
                    others.push(n.clone());
                }
            }
        }
        return Err(FunnelError::UnknownSteps { missing, others });
    }
    let unseen_exclusions = spec
        .exclude
        .iter()
        .filter(|e| codes.code_of(e.as_bytes()).is_some_and(|code| !seen(code)))
        .cloned()
        .collect();
    let (group_names, groups_of) = if layout.prop.is_some() {
        group::breakdown_groups(&chunks)
    } else {
        (Vec::new(), vec![Vec::new(); chunks.len()])
    };
    let users = group::dense_users(&mut chunks, data, threads)?;
    let grouped = group::evaluate(
        &group::Input {
            chunks: &chunks,
            users: &users,
            groups_of: &groups_of,
            groups: group_names.len().max(1),
            keep_other: plan.order == Order::Strict,
        },
        &plan,
        threads,
    )?;
    drop(chunks);
    let n = spec.steps.len();
    let mut tally = grouped.tally;
    let mut overall_counts = vec![0u64; n];
    let mut overall_gaps: Vec<Vec<f64>> = vec![Vec::new(); n];
    for g in 0..group_names.len().max(1) {
        for j in 0..n {
            overall_counts[j] += tally.counts[g * n + j];
            overall_gaps[j].extend_from_slice(&tally.gaps[g * n + j]);
        }
    }
    let mut breakdown = BTreeMap::new();
    for (g, name) in group_names.iter().enumerate() {
        let counts = &tally.counts[g * n..(g + 1) * n];
        if counts[0] == 0 {
            // A value seen only on events that are not entries.
            continue;
        }
        let gaps = &mut tally.gaps[g * n..(g + 1) * n];
        breakdown.insert(
            name.clone(),
            BreakdownReport {
                steps: step_reports(&spec.steps, counts, gaps),
            },
        );
    }
    Ok(FunnelReport {
        users: grouped.users,
        events: events as u64,
        steps: step_reports(&spec.steps, &overall_counts, &mut overall_gaps),
        breakdown,
        unseen_exclusions,
    })
}

fn step_reports(names: &[String], counts: &[u64], gaps: &mut [Vec<f64>]) -> Vec<StepReport> {
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    names
        .iter()
        .enumerate()
        .map(|(j, event)| StepReport {
            event: event.clone(),
            users: counts[j],
            conversion_from_start: ratio(counts[j], counts[0]),
            conversion_from_previous: if j == 0 {
                ratio(counts[0], counts[0])
            } else {
                ratio(counts[j], counts[j - 1])
            },
            median_seconds_from_previous: if j == 0 { None } else { median(&mut gaps[j]) },
        })
        .collect()
}

/// The median, averaging the two middle values of an even count; reorders `v`.
fn median(v: &mut [f64]) -> Option<f64> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    let (left, mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *mid;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(lower + (upper - lower) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
