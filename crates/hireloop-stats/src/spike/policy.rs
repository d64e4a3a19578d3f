//! The policies: who is served first and who is turned away. A policy maps each class to a
//! lane (its priority rank; every class shares one lane under `fifo`) and says which classes
//! `priority-shed` may turn away; the simulator serves lanes in rank order, each first come first
//! served.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::scenario::OrderClass;

/// Which of the three policies runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    /// One queue, first come first served, whatever the class.
    Fifo,
    /// A queue per priority: a free server takes the oldest order of the first non-empty one.
    Priority,
    /// As `priority`, and an arriving order of a sheddable class is turned away at once when it
    /// would have to wait while `queue_limit` orders or more are already waiting.
    PriorityShed,
}

impl PolicyKind {
    /// The three policies, in the order reports list them.
    pub const ALL: [PolicyKind; 3] = [
        PolicyKind::Fifo,
        PolicyKind::Priority,
        PolicyKind::PriorityShed,
    ];

    /// The name used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Fifo => "fifo",
            PolicyKind::Priority => "priority",
            PolicyKind::PriorityShed => "priority-shed",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The policy with its parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Policy {
    /// Which policy.
    pub kind: PolicyKind,
    /// For `priority-shed`: shed while this many orders or more are waiting. Only that policy
    /// takes it.
    pub queue_limit: Option<u64>,
}

/// Ranks classes for serving: by explicit priority, then (for classes without one, which come
/// after) by value, highest first. Equal keys share a rank.
pub(crate) fn ranks_by_priority(classes: &[OrderClass]) -> Vec<usize> {
    let key = |i: usize| {
        let k = &classes[i];
        match k.priority {
            Some(p) => (u64::from(p), 0.0),
            None => (u64::MAX, k.value),
        }
    };
    let mut order: Vec<usize> = (0..classes.len()).collect();
    order.sort_by(|&x, &y| {
        let (px, vx) = key(x);
        let (py, vy) = key(y);
        px.cmp(&py).then(vy.total_cmp(&vx)).then(x.cmp(&y))
    });
    let mut ranks = vec![0; classes.len()];
    let mut rank = 0;
    for (pos, &i) in order.iter().enumerate() {
        if pos > 0 && key(order[pos - 1]) != key(i) {
            rank += 1;
        }
        ranks[i] = rank;
    }
    ranks
}
