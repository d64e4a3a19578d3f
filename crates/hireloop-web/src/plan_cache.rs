//! Parsed loop plans kept per process, so a submission does not read and parse its loop's plan
//! (tens of kilobytes of JSON) again. The store holds the plans; this only saves the work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use hireloop_practice::LoopPlan;

/// Most plans kept.
pub const CAPACITY: usize = 10_000;

/// The cache: two generations of up to half the capacity each. New plans go into the young
/// one; when it is full it becomes the old one, and the old one is dropped. A plan found in the
/// old generation moves back to the young, so the loops in use stay and the ones abandoned go:
/// close to least-recently-used, at the cost of two hash lookups. (Emptying one map whole when
/// full, as before, made a server past the bound parse every running loop's plan again at once.)
/// Generic in what it keeps so its tests need no plan.
#[derive(Debug)]
pub struct PlanCache<P = LoopPlan> {
    generations: Mutex<Generations<P>>,
}

#[derive(Debug)]
struct Generations<P> {
    young: HashMap<String, Arc<P>>,
    old: HashMap<String, Arc<P>>,
}

impl<P> Default for PlanCache<P> {
    fn default() -> Self {
        PlanCache {
            generations: Mutex::new(Generations {
                young: HashMap::new(),
                old: HashMap::new(),
            }),
        }
    }
}

impl<P> PlanCache<P> {
    /// A loop's plan, if kept.
    pub fn get(&self, loop_id: &str) -> Option<Arc<P>> {
        let mut g = self.lock();
        if let Some(plan) = g.young.get(loop_id) {
            return Some(plan.clone());
        }
        let plan = g.old.remove(loop_id)?;
        g.keep(loop_id.to_owned(), plan.clone());
        Some(plan)
    }

    /// Keeps a loop's plan.
    pub fn insert(&self, loop_id: &str, plan: Arc<P>) {
        self.lock().keep(loop_id.to_owned(), plan);
    }

    /// How many plans are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        let g = self.lock();
        g.young.len() + g.old.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations<P>> {
        self.generations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<P> Generations<P> {
    fn keep(&mut self, loop_id: String, plan: Arc<P>) {
        if self.young.len() >= CAPACITY / 2 && !self.young.contains_key(&loop_id) {
            self.old = std::mem::take(&mut self.young);
        }
        self.old.remove(&loop_id);
        self.young.insert(loop_id, plan);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(n: usize) -> PlanCache<usize> {
        let cache = PlanCache::default();
        for i in 0..n {
            cache.insert(&format!("loop-{i}"), Arc::new(i));
        }
        cache
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        let cache = filled(CAPACITY * 3 + 7);
        assert!(cache.len() <= CAPACITY, "{} kept", cache.len());
        // The newest half is always there.
        for i in CAPACITY * 3 + 7 - CAPACITY / 2..CAPACITY * 3 + 7 {
            assert_eq!(cache.get(&format!("loop-{i}")).as_deref(), Some(&i));
        }
    }

    #[test]
    fn a_plan_in_use_outlives_the_bound_and_an_abandoned_one_goes() {
        let cache = filled(1);
        // A loop in use is asked for now and then while many other loops start.
        for round in 0..6 {
            for i in 0..CAPACITY / 4 {
                let id = format!("other-{round}-{i}");
                cache.insert(&id, Arc::new(i));
            }
            assert_eq!(cache.get("loop-0").as_deref(), Some(&0), "round {round}");
        }
        // Loops not asked for again are gone after two generations.
        assert_eq!(cache.get("other-0-0"), None);
        assert!(cache.len() <= CAPACITY);
    }

    #[test]
    fn keeping_a_plan_again_replaces_it() {
        let cache = filled(3);
        cache.insert("loop-1", Arc::new(41));
        assert_eq!(cache.get("loop-1").as_deref(), Some(&41));
        assert_eq!(cache.len(), 3);
    }
}
