//! The funnel semantics, applied to one user's events at a time.

use super::Order;

/// One event of a user, as the evaluation needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rec {
    /// Seconds since the epoch.
    pub t: f64,
    /// Breakdown value (global id, ordered like the values themselves).
    pub prop: u32,
    /// Event code.
    pub code: u8,
}

/// The order in which a user's events are read: by time; at equal times by position in the
/// funnel (steps first, then exclusions, then other events); then by breakdown value. Equal keys
/// are indistinguishable, so the result never depends on the order of rows in the file.
#[inline(always)]
fn before(a: &Rec, b: &Rec) -> bool {
    match a.t.total_cmp(&b.t) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => (a.code, a.prop) < (b.code, b.prop),
    }
}

/// Sorts one user's events; most users have a handful, where insertion sort wins.
pub fn sort_user(recs: &mut [Rec]) {
    if recs.len() <= 24 {
        for i in 1..recs.len() {
            let x = recs[i];
            let mut j = i;
            while j > 0 && before(&x, &recs[j - 1]) {
                recs[j] = recs[j - 1];
                j -= 1;
            }
            recs[j] = x;
        }
    } else {
        recs.sort_unstable_by(|a, b| {
            a.t.total_cmp(&b.t)
                .then(a.code.cmp(&b.code))
                .then(a.prop.cmp(&b.prop))
        });
    }
}

/// A funnel ready to evaluate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Event code of each step.
    pub step_codes: Vec<u8>,
    /// For each step, how many earlier steps have the same event (any-order matching).
    pub repeat_index: Vec<usize>,
    /// Whether an event appears twice among the steps.
    pub repeats: bool,
    /// Which codes are exclusion events (indexed by code).
    pub excluded: Vec<bool>,
    /// Whether there are exclusion events at all.
    pub has_exclusions: bool,
    /// Conversion window from entry, in seconds.
    pub window: f64,
    /// Step order semantics.
    pub order: Order,
}

impl Plan {
    /// Evaluates one user whose events are sorted with [`sort_user`]. When the user enters the
    /// funnel, fills `times` with the time each reached step was completed (so `times.len()` is
    /// the number of steps reached) and returns the breakdown value at entry.
    pub fn evaluate(
        &self,
        recs: &[Rec],
        times: &mut Vec<f64>,
        used: &mut Vec<usize>,
    ) -> Option<u32> {
        times.clear();
        used.clear();
        let first = self.step_codes[0];
        // Sorted by (time, code, value), so every event before the entry is strictly earlier.
        let entry = recs.iter().position(|r| r.code == first)?;
        let start = recs[entry].t;
        let deadline = start + self.window;
        times.push(start);
        match self.order {
            Order::Ordered => self.ordered(recs, entry, deadline, times, used),
            Order::Strict => self.strict(recs, entry, deadline, times),
            Order::Any => self.any(recs, entry, deadline, times),
        }
        if self.has_exclusions {
            self.apply_exclusions(recs, entry, times);
        }
        Some(recs[entry].prop)
    }

    /// Each next step is the earliest event of that step at or after the previous step's time
    /// and no later than the deadline. With a repeated step event, an event counts once.
    fn ordered(
        &self,
        recs: &[Rec],
        entry: usize,
        deadline: f64,
        times: &mut Vec<f64>,
        used: &mut Vec<usize>,
    ) {
        used.push(entry);
        // `from` is the first event not earlier than the previous step.
        let mut from = entry;
        for &code in &self.step_codes[1..] {
            let mut hit = None;
            for (q, r) in recs.iter().enumerate().skip(from) {
                if r.t > deadline {
                    break;
                }
                if r.code == code && !(self.repeats && used.contains(&q)) {
                    hit = Some(q);
                    break;
                }
            }
            let Some(q) = hit else { break };
            let t = recs[q].t;
            times.push(t);
            used.push(q);
            while recs[from].t < t {
                from += 1;
            }
        }
    }

    /// The events right after the entry, one by one, must be the next steps.
    fn strict(&self, recs: &[Rec], entry: usize, deadline: f64, times: &mut Vec<f64>) {
        for (&code, r) in self.step_codes[1..].iter().zip(&recs[entry + 1..]) {
            if r.code != code || r.t > deadline {
                break;
            }
            times.push(r.t);
        }
    }

    /// Every step within the window from entry, in any order; a step event repeated in the funnel
    /// needs that many distinct events. A step is complete once it and all before it happened.
    fn any(&self, recs: &[Rec], entry: usize, deadline: f64, times: &mut Vec<f64>) {
        let mut done = recs[entry].t;
        for (&code, &nth) in self.step_codes.iter().zip(&self.repeat_index).skip(1) {
            let hit = recs[entry..]
                .iter()
                .take_while(|r| r.t <= deadline)
                .filter(|r| r.code == code)
                .nth(nth);
            let Some(r) = hit else { break };
            done = done.max(r.t);
            times.push(done);
        }
    }

    /// A user who does an excluded event after entering and before completing a step is counted
    /// up to the step before it, and dropped from that step on.
    fn apply_exclusions(&self, recs: &[Rec], entry: usize, times: &mut Vec<f64>) {
        let start = times[0];
        for r in &recs[entry + 1..] {
            let Some(&last) = times.last() else { return };
            if r.t >= last {
                return;
            }
            if self.excluded[usize::from(r.code)]
                && r.t > start
                && let Some(cut) = times.iter().position(|&t| t > r.t)
            {
                times.truncate(cut);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(order: Order, steps: &[u8], excluded: &[u8], window: f64) -> Plan {
        let mut repeat_index = Vec::new();
        for (i, c) in steps.iter().enumerate() {
            repeat_index.push(steps[..i].iter().filter(|x| *x == c).count());
        }
        let mut ex = vec![false; 256];
        for &c in excluded {
            ex[usize::from(c)] = true;
        }
        Plan {
            step_codes: steps.to_vec(),
            repeats: repeat_index.iter().any(|&k| k > 0),
            repeat_index,
            excluded: ex,
            has_exclusions: !excluded.is_empty(),
            window,
            order,
        }
    }

    fn run(p: &Plan, events: &[(f64, u8)]) -> Vec<f64> {
        let mut recs: Vec<Rec> = events
            .iter()
            .map(|&(t, code)| Rec { t, prop: 0, code })
            .collect();
        sort_user(&mut recs);
        let mut times = Vec::new();
        let mut used = Vec::new();
        match p.evaluate(&recs, &mut times, &mut used) {
            Some(_) => times,
            None => Vec::new(),
        }
    }

    const O: u8 = 255;

    #[test]
    fn ordered_takes_earliest_next_step_after_previous() {
        let p = plan(Order::Ordered, &[0, 1, 2], &[], 100.0);
        // b before the entry does not count; the first a is the entry.
        assert_eq!(
            run(&p, &[(5.0, 1), (10.0, 0), (20.0, 0), (30.0, 1), (40.0, 2)]),
            vec![10.0, 30.0, 40.0]
        );
        // c before b does not count for step 3.
        assert_eq!(
            run(&p, &[(10.0, 0), (15.0, 2), (30.0, 1)]),
            vec![10.0, 30.0]
        );
        // Ties count: "at or after".
        assert_eq!(
            run(&p, &[(10.0, 2), (10.0, 1), (10.0, 0)]),
            vec![10.0, 10.0, 10.0]
        );
        // The window is from entry, inclusive.
        assert_eq!(
            run(&p, &[(10.0, 0), (110.0, 1), (110.5, 2)]),
            vec![10.0, 110.0]
        );
        // No entry: not in the funnel.
        assert!(run(&p, &[(10.0, 1), (20.0, 2)]).is_empty());
    }

    #[test]
    fn ordered_repeated_steps_need_distinct_events() {
        let p = plan(Order::Ordered, &[0, 0], &[], 100.0);
        assert_eq!(run(&p, &[(10.0, 0)]), vec![10.0]);
        assert_eq!(run(&p, &[(10.0, 0), (10.0, 0)]), vec![10.0, 10.0]);
        let p = plan(Order::Ordered, &[0, 1, 0], &[], 100.0);
        assert_eq!(run(&p, &[(10.0, 0), (20.0, 1)]), vec![10.0, 20.0]);
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 1), (25.0, 0)]),
            vec![10.0, 20.0, 25.0]
        );
    }

    #[test]
    fn strict_needs_the_very_next_event() {
        let p = plan(Order::Strict, &[0, 1, 2], &[], 100.0);
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 1), (30.0, 2)]),
            vec![10.0, 20.0, 30.0]
        );
        assert_eq!(run(&p, &[(10.0, 0), (15.0, O), (20.0, 1)]), vec![10.0]);
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 1), (25.0, O), (30.0, 2)]),
            vec![10.0, 20.0]
        );
        // A second entry event in between breaks the sequence too.
        assert_eq!(run(&p, &[(10.0, 0), (12.0, 0), (20.0, 1)]), vec![10.0]);
        // At equal times, funnel order decides, then other events.
        assert_eq!(
            run(&p, &[(10.0, O), (10.0, 1), (10.0, 0)]),
            vec![10.0, 10.0]
        );
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 1), (200.0, 2)]),
            vec![10.0, 20.0]
        );
    }

    #[test]
    fn any_order_completes_when_all_steps_so_far_happened() {
        let p = plan(Order::Any, &[0, 1, 2], &[], 100.0);
        assert_eq!(
            run(&p, &[(10.0, 0), (30.0, 2), (50.0, 1)]),
            vec![10.0, 50.0, 50.0]
        );
        assert_eq!(run(&p, &[(10.0, 0), (30.0, 2)]), vec![10.0]);
        // Events before entry or after the window do not count.
        assert_eq!(
            run(&p, &[(5.0, 1), (10.0, 0), (30.0, 2), (111.0, 1)]),
            vec![10.0]
        );
        let p = plan(Order::Any, &[0, 1, 1], &[], 100.0);
        assert_eq!(run(&p, &[(10.0, 0), (30.0, 1)]), vec![10.0, 30.0]);
        assert_eq!(
            run(&p, &[(10.0, 0), (30.0, 1), (20.0, 1)]),
            vec![10.0, 20.0, 30.0]
        );
    }

    #[test]
    fn exclusions_drop_the_user_from_the_next_step_on() {
        let p = plan(Order::Ordered, &[0, 1, 2], &[3], 100.0);
        assert_eq!(
            run(&p, &[(10.0, 0), (15.0, 3), (20.0, 1), (30.0, 2)]),
            vec![10.0]
        );
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 1), (25.0, 3), (30.0, 2)]),
            vec![10.0, 20.0]
        );
        // Before entry, at the entry instant, or after the last step reached: no effect.
        assert_eq!(
            run(
                &p,
                &[
                    (5.0, 3),
                    (10.0, 3),
                    (10.0, 0),
                    (20.0, 1),
                    (30.0, 2),
                    (31.0, 3)
                ]
            ),
            vec![10.0, 20.0, 30.0]
        );
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 1), (25.0, 3)]),
            vec![10.0, 20.0]
        );
        let p = plan(Order::Any, &[0, 1, 2], &[3], 100.0);
        assert_eq!(
            run(&p, &[(10.0, 0), (20.0, 2), (25.0, 3), (30.0, 1)]),
            vec![10.0]
        );
    }
}
