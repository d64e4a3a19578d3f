//! The event-driven simulator.
//!
//! Three kinds of event drive the run: the next arrival (one at a time, drawn from the rate
//! profile), the next service completion (a 4-ary min-heap of the busy servers' finishing
//! times) and the next client giving up (see [`Patience`]). Each step takes the earliest. All
//! storage is sized up front or reused (ring buffers that keep their capacity), so a step does
//! not allocate.
//!
//! Every random draw of an order happens when it arrives, in a fixed order — gap, class, service
//! time, patience — from one PCG stream. The orders of a run therefore depend only on the
//! scenario's arrivals, classes and seed, not on the policy: comparing policies on one seed
//! compares them on exactly the same orders.

use std::collections::VecDeque;

use rand::{RngExt, SeedableRng};
use rand_distr::Exp1;
use rand_pcg::Pcg64Mcg;

use super::histogram::Histogram;
use super::outcome::{
    ClassOutcome, ClassSeries, Durations, LoadPoint, Outcome, Series, SteadyState, Totals,
};
use super::scenario::{PatienceDistribution, PolicyKind, RateSegment, Scenario, ScenarioError};
use crate::queueing;

/// An order waiting for a server.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrival: f64,
    service: f64,
    deadline: f64,
    class: u32,
    /// The client gave up; the entry is dropped when it reaches the front.
    gone: bool,
}

/// The orders of one priority, oldest first. `head` is the sequence number of the front entry,
/// so an entry's number stays valid as the front moves: its position is `seq − head`.
#[derive(Debug)]
struct Lane {
    orders: VecDeque<Waiting>,
    head: u64,
    /// Entries not marked gone.
    live: u64,
    /// The number of the first order that arrived after the warm-up: orders from it on are
    /// counted. Lanes keep arrival order, so this is all a departing order needs to be told.
    first_counted: u64,
}

impl Default for Lane {
    fn default() -> Lane {
        Lane {
            orders: VecDeque::new(),
            head: 0,
            live: 0,
            first_counted: u64::MAX,
        }
    }
}

impl Lane {
    /// Drops marked entries from the front, so the front is always a waiting order.
    #[inline]
    fn drop_gone_front(&mut self) {
        while self.orders.front().is_some_and(|w| w.gone) {
            self.orders.pop_front();
            self.head += 1;
        }
    }

    #[inline]
    fn pop_front(&mut self) -> Option<Waiting> {
        let w = self.orders.pop_front()?;
        self.head += 1;
        self.live -= 1;
        self.drop_gone_front();
        Some(w)
    }
}

/// An order whose client gave up.
#[derive(Debug, Clone, Copy)]
struct Gone {
    class: u32,
    /// It arrived after the warm-up.
    counted: bool,
}

/// How clients give up: the draw of each client's patience and the schedule of the moments they
/// run out of it. Generic so the hot loop is compiled once per kind, without a branch on it.
trait Patience {
    /// Seconds this client will wait; drawn at arrival from the order stream.
    fn draw(&self, rng: &mut Pcg64Mcg) -> f64;
    /// The order `w`, numbered `seq` in `lane`, gives up at its deadline unless served first.
    fn arm(&mut self, w: &Waiting, lane: usize, seq: u64);
    /// When the next client gives up; infinity when none will.
    fn next(&self, lanes: &[Lane]) -> f64;
    /// Removes the order whose patience ran out at [`Patience::next`]; `None` when that
    /// order was served in the meantime.
    fn expire(&mut self, lanes: &mut [Lane]) -> Option<Gone>;
}

/// Clients never give up.
struct Never;

impl Patience for Never {
    #[inline]
    fn draw(&self, _: &mut Pcg64Mcg) -> f64 {
        f64::INFINITY
    }
    #[inline]
    fn arm(&mut self, _: &Waiting, _: usize, _: u64) {}
    #[inline]
    fn next(&self, _: &[Lane]) -> f64 {
        f64::INFINITY
    }
    fn expire(&mut self, _: &mut [Lane]) -> Option<Gone> {
        None
    }
}

/// Every client waits the same time. Within a lane deadlines then follow arrival order, so the
/// next to give up is always at the front of some lane: no schedule is needed.
struct Fixed(f64);

impl Fixed {
    #[inline]
    fn earliest(lanes: &[Lane]) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        for (i, lane) in lanes.iter().enumerate() {
            if let Some(w) = lane.orders.front()
                && best.is_none_or(|(_, d)| w.deadline < d)
            {
                best = Some((i, w.deadline));
            }
        }
        best
    }
}

impl Patience for Fixed {
    #[inline]
    fn draw(&self, _: &mut Pcg64Mcg) -> f64 {
        self.0
    }
    #[inline]
    fn arm(&mut self, _: &Waiting, _: usize, _: u64) {}
    #[inline]
    fn next(&self, lanes: &[Lane]) -> f64 {
        Self::earliest(lanes).map_or(f64::INFINITY, |(_, d)| d)
    }
    fn expire(&mut self, lanes: &mut [Lane]) -> Option<Gone> {
        let (i, _) = Self::earliest(lanes)?;
        let lane = &mut lanes[i];
        let counted = lane.head >= lane.first_counted;
        lane.pop_front().map(|w| Gone {
            class: w.class,
            counted,
        })
    }
}

/// A client's patience deadline, for the schedule of [`Exponential`]. It repeats the order's
/// class, so giving up does not read the order back from the lane, and it is packed in 16 bytes
/// because the schedule moves timers around: order numbers fit in 32 bits since a run has at most
/// [`MAX_EXPECTED_ARRIVALS`](super::scenario::MAX_EXPECTED_ARRIVALS) orders, lanes and classes in
/// 16 since a scenario has at most [`MAX_CLASSES`](super::scenario::MAX_CLASSES) classes.
#[derive(Debug, Clone, Copy)]
struct Timer {
    deadline: f64,
    seq: u32,
    lane: u16,
    class: u16,
}

/// Patience is exponential: deadlines come in any order, so they wait in a radix heap. A served
/// order's timer stays there and is skipped when it comes up.
struct Exponential {
    mean: f64,
    timers: RadixHeap<Timer>,
}

impl Patience for Exponential {
    #[inline]
    fn draw(&self, rng: &mut Pcg64Mcg) -> f64 {
        rng.sample::<f64, _>(Exp1) * self.mean
    }
    #[inline]
    fn arm(&mut self, w: &Waiting, lane: usize, seq: u64) {
        self.timers.push(Timer {
            deadline: w.deadline,
            seq: seq as u32,
            lane: lane as u16,
            class: w.class as u16,
        });
    }
    #[inline]
    fn next(&self, _: &[Lane]) -> f64 {
        self.timers.min_key()
    }
    fn expire(&mut self, lanes: &mut [Lane]) -> Option<Gone> {
        let timer = self.timers.pop()?;
        let lane = &mut lanes[timer.lane as usize];
        // Below the head: the order has left the lane (it was served). Otherwise it is still
        // waiting: only its own timer marks it gone. The mark is written without reading the
        // entry, so a large queue's cache misses do not stall the loop.
        // Numbers are compared modulo 2³², which is exact while fewer than 2³² orders wait.
        let pos = (timer.seq.wrapping_sub(lane.head as u32)) as usize;
        if pos >= lane.orders.len() {
            return None;
        }
        lane.orders[pos].gone = true;
        lane.live -= 1;
        let counted = lane.head + pos as u64 >= lane.first_counted;
        lane.drop_gone_front();
        Some(Gone {
            class: u32::from(timer.class),
            counted,
        })
    }
}

/// What a min-heap orders by.
trait Key: Copy {
    fn key(&self) -> f64;
}

impl Key for f64 {
    #[inline]
    fn key(&self) -> f64 {
        *self
    }
}

impl Key for Timer {
    #[inline]
    fn key(&self) -> f64 {
        self.deadline
    }
}

/// A 4-ary min-heap. The standard `BinaryHeap` needs `Ord` (which `f64` lacks) and has no
/// "replace the top" step, which a server taking the next order right away needs. Four children
/// a node halve the depth of a binary heap: with 100 servers a new completion time goes down 4
/// levels instead of 7, and the 4 children of a node share a cache line.
struct MinHeap<T> {
    items: Vec<T>,
}

impl<T: Key> MinHeap<T> {
    fn with_capacity(n: usize) -> Self {
        MinHeap {
            items: Vec::with_capacity(n),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.items.len()
    }

    #[inline]
    fn peek(&self) -> Option<&T> {
        self.items.first()
    }

    #[inline]
    fn push(&mut self, x: T) {
        let mut i = self.items.len();
        self.items.push(x);
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.items[parent].key() <= x.key() {
                break;
            }
            self.items[i] = self.items[parent];
            i = parent;
        }
        self.items[i] = x;
    }

    #[inline]
    fn pop(&mut self) -> Option<T> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last);
        }
        let top = self.items[0];
        self.sift_down(last);
        Some(top)
    }

    /// Replaces the smallest item by `x`: one pass down instead of a pop and a push.
    #[inline]
    fn replace_top(&mut self, x: T) {
        if self.items.is_empty() {
            self.items.push(x);
        } else {
            self.sift_down(x);
        }
    }

    /// Puts `x` at the root and moves it down to its place, bottom-up: the hole at the root
    /// first follows the smallest child all the way to a leaf (chosen with conditional moves,
    /// not branches the processor must guess), then `x` climbs back from there. A new
    /// completion time usually belongs near the bottom, so the climb is short.
    #[inline]
    fn sift_down(&mut self, x: T) {
        let items = &mut self.items[..];
        let n = items.len();
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            let child = if first + 3 < n {
                let k = |j: usize| items[j].key();
                let a = first + usize::from(k(first + 1) < k(first));
                let b = first + 2 + usize::from(k(first + 3) < k(first + 2));
                if k(b) < k(a) { b } else { a }
            } else if first < n {
                (first + 1..n).fold(first, |m, j| {
                    if items[j].key() < items[m].key() {
                        j
                    } else {
                        m
                    }
                })
            } else {
                break;
            };
            items[i] = items[child];
            i = child;
        }
        let key = x.key();
        while i > 0 {
            let parent = (i - 1) / 4;
            if items[parent].key() <= key {
                break;
            }
            items[i] = items[parent];
            i = parent;
        }
        items[i] = x;
    }
}

/// A radix heap: a priority queue for keys that never go below the last key taken out, which
/// holds for event times. An item sits in the bucket of the highest bit in which its key differs
/// from that last key; taking out empties the lowest bucket into lower ones around its smallest
/// key, so each item moves down a few times at most over its life. Pushing is O(1); with the
/// thousands of pending patience deadlines of a spike this beats a binary heap's long sift-downs.
///
/// Keys are non-negative `f64`s compared through their bit patterns, which order the same way.
struct RadixHeap<T> {
    buckets: Vec<Vec<T>>,
    /// Reused while a bucket is redistributed, so its capacity is kept.
    spare: Vec<T>,
    /// Bits of the last key taken out: every key held is at least this.
    last: u64,
    /// Bit i is set when bucket i holds something: the lowest full bucket is one instruction away.
    full: u128,
    len: usize,
    /// The smallest key held, infinity when empty.
    min: f64,
}

impl<T: Key> RadixHeap<T> {
    fn new() -> Self {
        RadixHeap {
            buckets: (0..=64).map(|_| Vec::new()).collect(),
            spare: Vec::new(),
            last: 0,
            full: 0,
            len: 0,
            min: f64::INFINITY,
        }
    }

    #[inline]
    fn bucket(key: u64, last: u64) -> usize {
        (u64::BITS - (key ^ last).leading_zeros()) as usize
    }

    #[inline]
    fn min_key(&self) -> f64 {
        self.min
    }

    #[inline]
    fn push(&mut self, x: T) {
        let k = x.key();
        debug_assert!(
            k.to_bits() >= self.last,
            "a key below the last one taken out"
        );
        let b = Self::bucket(k.to_bits(), self.last);
        self.buckets[b].push(x);
        self.full |= 1 << b;
        self.len += 1;
        if k < self.min {
            self.min = k;
        }
    }

    fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        if self.full & 1 == 0 {
            let i = self.full.trailing_zeros() as usize;
            self.last = self.min.to_bits();
            std::mem::swap(&mut self.spare, &mut self.buckets[i]);
            self.full &= !(1 << i);
            for x in self.spare.drain(..) {
                let b = Self::bucket(x.key().to_bits(), self.last);
                self.buckets[b].push(x);
                self.full |= 1 << b;
            }
        }
        let x = self.buckets[0].pop()?;
        self.len -= 1;
        if self.buckets[0].is_empty() {
            self.full &= !1;
            self.min = match self.full.trailing_zeros() as usize {
                128 => f64::INFINITY,
                i => self.buckets[i]
                    .iter()
                    .map(Key::key)
                    .fold(f64::INFINITY, f64::min),
            };
        } else {
            self.min = f64::from_bits(self.last);
        }
        Some(x)
    }
}

/// A non-homogeneous Poisson process with piecewise constant rate, sampled by inverting its
/// cumulative rate: a unit exponential "mass" is spent at each segment's rate, and what is left
/// at a segment's end carries over to the next. Exact, one draw per arrival.
struct ArrivalClock {
    segments: Vec<RateSegment>,
    /// 1 / rate of each segment (0 for an empty one): a multiplication per arrival, not a
    /// division.
    inverse: Vec<f64>,
    index: usize,
    now: f64,
}

impl ArrivalClock {
    fn new(segments: Vec<RateSegment>) -> ArrivalClock {
        let inverse = segments
            .iter()
            .map(|s| if s.rate > 0.0 { 1.0 / s.rate } else { 0.0 })
            .collect();
        ArrivalClock {
            segments,
            inverse,
            index: 0,
            now: 0.0,
        }
    }

    #[inline]
    fn next(&mut self, rng: &mut Pcg64Mcg) -> f64 {
        let mut mass: f64 = rng.sample(Exp1);
        while let Some(s) = self.segments.get(self.index) {
            if s.rate > 0.0 {
                let t = self.now + mass * self.inverse[self.index];
                if t < s.end {
                    self.now = t;
                    return t;
                }
                mass = (mass - (s.end - self.now) * s.rate).max(0.0);
            }
            self.now = s.end;
            self.index += 1;
        }
        f64::INFINITY
    }
}

/// Counts of one class.
struct Tally {
    arrivals: u64,
    served: u64,
    shed: u64,
    abandoned: u64,
    wait: Histogram,
    latency: Histogram,
}

/// Per-interval counts of one class, for the time series.
#[derive(Default, Clone, Copy)]
struct Bucket {
    arrivals: u64,
    started: u64,
    shed: u64,
    abandoned: u64,
    wait_sum: f64,
}

/// The largest number of intervals the time series records.
const MAX_INTERVALS: usize = 200_000;

/// Records the time series: a snapshot of the queues at each interval start and counts within.
struct Recorder {
    interval: f64,
    next_index: usize,
    next_time: f64,
    buckets: Vec<Bucket>,
    out: Series,
}

impl Recorder {
    fn new(interval: f64, names: &[String]) -> Recorder {
        Recorder {
            interval,
            next_index: 0,
            next_time: 0.0,
            buckets: vec![Bucket::default(); names.len()],
            out: Series {
                interval,
                time: Vec::new(),
                classes: names
                    .iter()
                    .map(|n| ClassSeries {
                        name: n.clone(),
                        queue: Vec::new(),
                        oldest_wait: Vec::new(),
                        mean_wait: Vec::new(),
                        arrivals: Vec::new(),
                        started: Vec::new(),
                        shed: Vec::new(),
                        abandoned: Vec::new(),
                    })
                    .collect(),
                truncated: false,
            },
        }
    }

    /// Closes the interval in progress.
    fn flush(&mut self) {
        for (b, s) in self.buckets.iter_mut().zip(&mut self.out.classes) {
            s.arrivals.push(b.arrivals);
            s.started.push(b.started);
            s.shed.push(b.shed);
            s.abandoned.push(b.abandoned);
            s.mean_wait
                .push((b.started > 0).then(|| b.wait_sum / b.started as f64));
            *b = Bucket::default();
        }
    }

    /// Takes the snapshots due up to `t`, with the queues as they were (nothing changes between
    /// events): `oldest` holds the arrival time of each class's longest-waiting order.
    #[cold]
    fn catch_up(&mut self, t: f64, waiting_by_class: &[u64], oldest: &[f64]) {
        while self.next_time <= t {
            if self.next_index > 0 {
                self.flush();
            }
            if self.next_index == MAX_INTERVALS {
                self.out.truncated = true;
                self.next_time = f64::INFINITY;
                return;
            }
            self.out.time.push(self.next_time);
            for ((s, &q), &first) in self
                .out
                .classes
                .iter_mut()
                .zip(waiting_by_class)
                .zip(oldest)
            {
                s.queue.push(q);
                s.oldest_wait
                    .push(if q > 0 { self.next_time - first } else { 0.0 });
            }
            self.next_index += 1;
            self.next_time = self.next_index as f64 * self.interval;
        }
    }

    fn finish(mut self) -> Series {
        if !self.out.truncated && self.next_index > 0 {
            self.flush();
        }
        self.out
    }
}

/// The state of a run.
struct Engine<P> {
    patience: P,
    rng: Pcg64Mcg,
    clock: ArrivalClock,
    /// Cumulative shares: class i is drawn when u < cumulative[i].
    cumulative: Vec<f64>,
    lane_of: Vec<usize>,
    sheddable: Vec<bool>,
    queue_limit: u64,
    mean_service: f64,
    servers: usize,
    busy: MinHeap<f64>,
    lanes: Vec<Lane>,
    waiting: u64,
    waiting_by_class: Vec<u64>,
    peak_waiting: u64,
    tallies: Vec<Tally>,
    warmup: f64,
    horizon: f64,
    busy_time: f64,
    queue_area: f64,
    last_event: f64,
    recorder: Recorder,
    /// Scratch for [`Engine::snapshot`]: arrival time of each class's oldest waiting order.
    oldest: Vec<f64>,
}

/// The length of [a, b] inside [lo, hi].
#[inline]
fn overlap(a: f64, b: f64, lo: f64, hi: f64) -> f64 {
    (b.min(hi) - a.max(lo)).max(0.0)
}

impl<P: Patience> Engine<P> {
    fn new(sc: &Scenario, patience: P) -> Engine<P> {
        let mut cumulative = Vec::with_capacity(sc.classes.len());
        let mut acc = 0.0;
        for c in &sc.classes {
            acc += c.share;
            cumulative.push(acc);
        }
        // Rounding must not leave a gap above the last class.
        if let Some(last) = cumulative.last_mut() {
            *last = f64::INFINITY;
        }
        let ranks = sc.priority_ranks();
        let lanes = ranks.iter().copied().max().map_or(1, |m| m + 1);
        let shed = sc.policy.kind == PolicyKind::PriorityShed;
        let names: Vec<String> = sc.classes.iter().map(|c| c.name.clone()).collect();
        let servers = sc.service.servers as usize;
        Engine {
            patience,
            rng: Pcg64Mcg::seed_from_u64(sc.seed),
            clock: ArrivalClock::new(sc.arrivals.segments()),
            cumulative,
            lane_of: ranks,
            sheddable: if shed {
                sc.sheddable_classes()
            } else {
                vec![false; sc.classes.len()]
            },
            queue_limit: sc.policy.queue_limit.filter(|_| shed).unwrap_or(u64::MAX),
            mean_service: 1.0 / sc.service.rate,
            servers,
            busy: MinHeap::with_capacity(servers),
            lanes: (0..lanes).map(|_| Lane::default()).collect(),
            waiting: 0,
            waiting_by_class: vec![0; sc.classes.len()],
            peak_waiting: 0,
            tallies: sc
                .classes
                .iter()
                .map(|_| Tally {
                    arrivals: 0,
                    served: 0,
                    shed: 0,
                    abandoned: 0,
                    wait: Histogram::new(),
                    latency: Histogram::new(),
                })
                .collect(),
            warmup: sc.warmup,
            horizon: sc.arrivals.horizon,
            busy_time: 0.0,
            queue_area: 0.0,
            last_event: 0.0,
            recorder: Recorder::new(sc.sample_interval(), &names),
            oldest: vec![f64::INFINITY; sc.classes.len()],
        }
    }

    fn run(&mut self) {
        let mut next_arrival = self.clock.next(&mut self.rng);
        loop {
            let next_done = self.busy.peek().copied().unwrap_or(f64::INFINITY);
            let next_gone = self.patience.next(&self.lanes);
            let t = next_arrival.min(next_done).min(next_gone);
            if t == f64::INFINITY {
                break;
            }
            if self.waiting > 0 {
                self.queue_area +=
                    self.waiting as f64 * overlap(self.last_event, t, self.warmup, self.horizon);
            }
            self.last_event = t;
            if t >= self.recorder.next_time {
                self.snapshot(t);
            }
            if next_arrival == t {
                self.arrive(t);
                next_arrival = self.clock.next(&mut self.rng);
            } else if next_done == t {
                self.complete(t);
            } else {
                self.give_up();
            }
        }
    }

    /// Records the time-series samples due by `t`. Finds each waiting class's oldest order:
    /// the first live entry of that class in its lane, which lanes keep in arrival order. The scan
    /// stops once every class with orders waiting is found, so it rarely goes past the front.
    #[cold]
    fn snapshot(&mut self, t: f64) {
        self.oldest.fill(f64::INFINITY);
        for (index, lane) in self.lanes.iter().enumerate() {
            let mut missing = self
                .lane_of
                .iter()
                .zip(&self.waiting_by_class)
                .filter(|&(&l, &waiting)| l == index && waiting > 0)
                .count();
            for w in &lane.orders {
                if missing == 0 {
                    break;
                }
                let slot = &mut self.oldest[w.class as usize];
                if !w.gone && *slot == f64::INFINITY {
                    *slot = w.arrival;
                    missing -= 1;
                }
            }
        }
        self.recorder
            .catch_up(t, &self.waiting_by_class, &self.oldest);
    }

    #[inline]
    fn arrive(&mut self, t: f64) {
        let u: f64 = self.rng.random();
        let class = self.cumulative.iter().position(|&c| u < c).unwrap_or(0);
        let service = self.rng.sample::<f64, _>(Exp1) * self.mean_service;
        let patience = self.patience.draw(&mut self.rng);
        let counted = t >= self.warmup;
        self.recorder.buckets[class].arrivals += 1;
        if counted {
            self.tallies[class].arrivals += 1;
        }
        if self.busy.len() < self.servers {
            // A free server means nobody waits: servers never idle while orders wait.
            let end = self.begin(t, t, service, class);
            self.busy.push(end);
        } else if self.sheddable[class] && self.waiting >= self.queue_limit {
            self.recorder.buckets[class].shed += 1;
            if counted {
                self.tallies[class].shed += 1;
            }
        } else {
            let lane_index = self.lane_of[class];
            let lane = &mut self.lanes[lane_index];
            let seq = lane.head + lane.orders.len() as u64;
            if counted && lane.first_counted == u64::MAX {
                lane.first_counted = seq;
            }
            let w = Waiting {
                arrival: t,
                service,
                deadline: t + patience,
                class: class as u32,
                gone: false,
            };
            lane.orders.push_back(w);
            lane.live += 1;
            self.patience.arm(&w, lane_index, seq);
            self.waiting += 1;
            self.waiting_by_class[class] += 1;
            self.peak_waiting = self.peak_waiting.max(self.waiting);
        }
    }

    /// Starts processing an order at `t`; returns when it ends.
    #[inline]
    fn begin(&mut self, t: f64, arrival: f64, service: f64, class: usize) -> f64 {
        let wait = t - arrival;
        let end = t + service;
        let bucket = &mut self.recorder.buckets[class];
        bucket.started += 1;
        bucket.wait_sum += wait;
        if arrival >= self.warmup {
            let tally = &mut self.tallies[class];
            tally.served += 1;
            tally.wait.record(wait);
            tally.latency.record(wait + service);
        }
        self.busy_time += overlap(t, end, self.warmup, self.horizon);
        end
    }

    #[inline]
    fn complete(&mut self, t: f64) {
        if self.waiting == 0 {
            self.busy.pop();
            return;
        }
        let Some(w) = self
            .lanes
            .iter_mut()
            .find(|l| l.live > 0)
            .and_then(Lane::pop_front)
        else {
            self.busy.pop();
            return;
        };
        let class = w.class as usize;
        self.waiting -= 1;
        self.waiting_by_class[class] -= 1;
        let end = self.begin(t, w.arrival, w.service, class);
        self.busy.replace_top(end);
    }

    fn give_up(&mut self) {
        if let Some(w) = self.patience.expire(&mut self.lanes) {
            let class = w.class as usize;
            self.waiting -= 1;
            self.waiting_by_class[class] -= 1;
            self.recorder.buckets[class].abandoned += 1;
            if w.counted {
                self.tallies[class].abandoned += 1;
            }
        }
    }

    fn finish(self, sc: &Scenario) -> Outcome {
        let classes: Vec<ClassOutcome> = sc
            .classes
            .iter()
            .zip(&self.tallies)
            .enumerate()
            .map(|(i, (c, t))| {
                let durations = |h: &Histogram| Durations {
                    mean: h.mean(),
                    p50: h.quantile(0.5),
                    p99: h.quantile(0.99),
                    max: h.max(),
                };
                debug_assert_eq!(t.wait.count(), t.served);
                ClassOutcome {
                    name: c.name.clone(),
                    value: c.value,
                    priority_rank: self.lane_of[i],
                    sheddable: self.sheddable[i],
                    arrivals: t.arrivals,
                    served: t.served,
                    shed: t.shed,
                    abandoned: t.abandoned,
                    served_fraction: fraction(t.served, t.arrivals),
                    waited_fraction: t.wait.positive_fraction(),
                    wait: durations(&t.wait),
                    latency: durations(&t.latency),
                    value_kept: t.served as f64 * c.value,
                    value_lost: (t.shed + t.abandoned) as f64 * c.value,
                }
            })
            .collect();
        let sum = |f: fn(&ClassOutcome) -> u64| classes.iter().map(f).sum::<u64>();
        let (arrivals, served) = (sum(|c| c.arrivals), sum(|c| c.served));
        let window = self.horizon - self.warmup;
        let total = Totals {
            arrivals,
            served,
            shed: sum(|c| c.shed),
            abandoned: sum(|c| c.abandoned),
            served_fraction: fraction(served, arrivals),
            value_kept: classes.iter().map(|c| c.value_kept).sum(),
            value_lost: classes.iter().map(|c| c.value_lost).sum(),
            utilisation: self.busy_time / (self.servers as f64 * window),
            mean_queue: self.queue_area / window,
            peak_queue: self.peak_waiting,
            last_departure: self.last_event,
        };
        Outcome {
            scenario: sc.clone(),
            classes,
            total,
            steady_state: SteadyState {
                base: load_point(sc, sc.arrivals.base_rate),
                peak: load_point(sc, sc.arrivals.peak_rate()),
            },
            series: self.recorder.finish(),
        }
    }
}

fn fraction(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

fn load_point(sc: &Scenario, rate: f64) -> LoadPoint {
    let capacity = sc.service.capacity();
    LoadPoint {
        arrival_rate: rate,
        load: rate / capacity,
        mmc: queueing::mmc(rate, sc.service.rate, sc.service.servers).ok(),
        excess_rate: (rate - capacity).max(0.0),
    }
}

/// Runs the scenario. Refuses a scenario with problems (see [`Scenario::problems`]).
pub fn simulate(sc: &Scenario) -> Result<Outcome, ScenarioError> {
    let problems = sc.problems();
    if !problems.is_empty() {
        return Err(ScenarioError { problems });
    }
    Ok(match sc.abandonment {
        None => run_with(sc, Never),
        Some(a) => match a.distribution {
            PatienceDistribution::Deterministic => run_with(sc, Fixed(a.patience)),
            PatienceDistribution::Exponential => run_with(
                sc,
                Exponential {
                    mean: a.patience,
                    timers: RadixHeap::new(),
                },
            ),
        },
    })
}

fn run_with<P: Patience>(sc: &Scenario, patience: P) -> Outcome {
    let mut engine = Engine::new(sc, patience);
    engine.run();
    engine.finish(sc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heap_orders_and_replaces() {
        let mut h = MinHeap::with_capacity(8);
        for x in [5.0, 1.0, 4.0, 2.0, 3.0] {
            h.push(x);
        }
        h.replace_top(6.0);
        let mut out = Vec::new();
        while let Some(x) = h.pop() {
            out.push(x);
        }
        assert_eq!(out, [2.0, 3.0, 4.0, 5.0, 6.0]);
        // Random pushes, pops and replacements against a sorted list.
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        let mut h = MinHeap::with_capacity(64);
        let mut model: Vec<f64> = Vec::new();
        for _ in 0..5000 {
            let x: f64 = rng.random();
            match rng.random_range(0..3) {
                0 => {
                    h.push(x);
                    model.push(x);
                }
                1 => {
                    model.sort_by(f64::total_cmp);
                    let want = (!model.is_empty()).then(|| model.remove(0));
                    assert_eq!(h.pop(), want);
                }
                _ => {
                    model.sort_by(f64::total_cmp);
                    if !model.is_empty() {
                        model.remove(0);
                    }
                    model.push(x);
                    h.replace_top(x);
                }
            }
            model.sort_by(f64::total_cmp);
            assert_eq!(h.peek().copied(), model.first().copied());
            assert_eq!(h.len(), model.len());
        }
    }

    #[test]
    fn radix_heap_takes_out_in_order() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let mut h = RadixHeap::new();
        let mut now = 0.0;
        let mut out = Vec::new();
        // Interleave pushes (never below the present) and pops, as the simulator does.
        for round in 0..2000 {
            for _ in 0..(round % 5) {
                h.push(now + rng.sample::<f64, _>(Exp1));
            }
            if let Some(x) = h.pop() {
                assert!(x >= now);
                now = x;
                out.push(x);
            }
            assert!(h.min_key() >= now);
        }
        while let Some(x) = h.pop() {
            out.push(x);
        }
        assert!(out.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(out.len(), (0..2000).map(|r| r % 5).sum::<usize>());
    }

    #[test]
    fn arrival_clock_follows_the_profile() {
        let mut clock = ArrivalClock::new(vec![
            RateSegment {
                start: 0.0,
                end: 10.0,
                rate: 100.0,
            },
            RateSegment {
                start: 10.0,
                end: 20.0,
                rate: 0.0,
            },
            RateSegment {
                start: 20.0,
                end: 30.0,
                rate: 1000.0,
            },
        ]);
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let mut counts = [0_u32; 3];
        let mut last = 0.0;
        loop {
            let t = clock.next(&mut rng);
            if t == f64::INFINITY {
                break;
            }
            assert!(t >= last);
            last = t;
            counts[(t / 10.0) as usize] += 1;
        }
        assert_eq!(counts[1], 0);
        // Poisson counts: 1,000 ± 32 and 10,000 ± 100.
        assert!((900..1100).contains(&counts[0]), "{counts:?}");
        assert!((9600..10400).contains(&counts[2]), "{counts:?}");
    }
}
