//! The preparation checklist and how far the candidate has got with it.

use hireloop_core::Content;
use serde::{Deserialize, Serialize};

/// One item of the checklist and whether it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistEntry {
    /// Stable id.
    pub id: String,
    /// What to do.
    pub text: String,
    /// How many to complete (say, ten guesstimates).
    pub target: u32,
    /// Question families that practise it.
    pub families: Vec<String>,
    /// True when the candidate has marked it done.
    pub done: bool,
}

/// One section (category) of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistSection {
    /// The category, such as `research`.
    pub category: String,
    /// Items, in content order.
    pub items: Vec<ChecklistEntry>,
    /// Items done.
    pub done: usize,
    /// Items in all.
    pub total: usize,
    /// Done over total, 0–1.
    pub fraction: f64,
}

/// Progress through the whole checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistProgress {
    /// Sections in the order their first item appears.
    pub sections: Vec<ChecklistSection>,
    /// Items done.
    pub done: usize,
    /// Items in all.
    pub total: usize,
    /// Done over total, 0–1.
    pub fraction: f64,
    /// Done ids the content does not have (an item removed since): kept out of the counts.
    pub unknown: Vec<String>,
}

fn fraction(done: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        done as f64 / total as f64
    }
}

/// Progress through the content's checklist, given the ids of the items done.
pub fn progress(content: &Content, done: &[String]) -> ChecklistProgress {
    let mut sections: Vec<ChecklistSection> = Vec::new();
    for item in &content.checklist {
        let entry = ChecklistEntry {
            id: item.id.clone(),
            text: item.text.clone(),
            target: item.target,
            families: item.families.clone(),
            done: done.contains(&item.id),
        };
        match sections.iter_mut().find(|s| s.category == item.category) {
            Some(s) => s.items.push(entry),
            None => sections.push(ChecklistSection {
                category: item.category.clone(),
                items: vec![entry],
                done: 0,
                total: 0,
                fraction: 0.0,
            }),
        }
    }
    for s in &mut sections {
        s.total = s.items.len();
        s.done = s.items.iter().filter(|i| i.done).count();
        s.fraction = fraction(s.done, s.total);
    }
    let total = sections.iter().map(|s| s.total).sum();
    let done_count = sections.iter().map(|s| s.done).sum();
    let mut unknown: Vec<String> = done
        .iter()
        .filter(|d| !content.checklist.iter().any(|i| i.id == **d))
        .cloned()
        .collect();
    unknown.sort();
    unknown.dedup();
    ChecklistProgress {
        sections,
        done: done_count,
        total,
        fraction: fraction(done_count, total),
        unknown,
    }
}
