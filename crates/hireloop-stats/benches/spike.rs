//! Benchmarks of the spike simulator: the 10x scenario of the queueing reference under each
//! policy (the runs `bench/spike.sh` sets against SimPy), the 36x scenario, and long stationary
//! M/M/c runs. Run with `cargo bench -p hireloop-stats --bench spike`.
//!
//! A small harness of our own: after a warm-up, each case runs repeatedly for about a second and
//! the median time per run is reported with the 10th–90th percentile spread, and as simulated
//! arrivals per second. A line starting with `RESULT` repeats each figure for scripts.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use hireloop_bench::fmt_seconds;

use hireloop_stats::spike::{Abandonment, PatienceDistribution, PolicyKind, Scenario, simulate};

/// Times whole runs; returns the median seconds per run, or `None` when the command line's
/// filter (`cargo bench --bench spike -- FILTER`) leaves the case out.
fn bench(name: &str, scenario: &Scenario) -> Option<f64> {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if filter.is_some_and(|f| !name.contains(&f)) {
        return None;
    }
    let arrivals = simulate(scenario).unwrap().total.arrivals;
    let mut samples = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(200) {
        black_box(simulate(black_box(scenario)).unwrap());
    }
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(1) || samples.len() < 5 {
        let s = Instant::now();
        black_box(simulate(black_box(scenario)).unwrap());
        samples.push(s.elapsed().as_secs_f64());
    }
    samples.sort_by(f64::total_cmp);
    let q = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    let median = q(0.5);
    println!(
        "{name:<36} {:>9} arrivals  median {:>9}  p10 {:>9}  p90 {:>9}  {:>6.1} M arrivals/s  ({} runs)",
        arrivals,
        fmt_seconds(median),
        fmt_seconds(q(0.1)),
        fmt_seconds(q(0.9)),
        arrivals as f64 / median / 1e6,
        samples.len()
    );
    println!("RESULT {name} {arrivals} {median:.9}");
    Some(median)
}

fn with_policy(base: &Scenario, kind: PolicyKind) -> Scenario {
    let mut s = base.clone();
    s.policy.kind = kind;
    s.policy.queue_limit = (kind == PolicyKind::PriorityShed).then_some(200);
    s
}

/// The M/M/c queue of the reference: 100 servers at 10/s, one class, nobody gives up.
fn stationary(rate: f64, horizon: f64) -> Scenario {
    let mut s = Scenario::builtin().unwrap();
    s.name = Some("stationary".into());
    s.arrivals.base_rate = rate;
    s.arrivals.spike_multiple = 1.0;
    s.arrivals.spike_start = 0.0;
    s.arrivals.spike_length = 0.0;
    s.arrivals.horizon = horizon;
    s.classes.truncate(1);
    s.classes[0].share = 1.0;
    s.policy.kind = PolicyKind::Fifo;
    s.policy.queue_limit = None;
    s.abandonment = None;
    s
}

/// M/M/c/K as the reference computes it: an order that would wait while `limit` orders wait is
/// turned away (K = servers + limit).
fn finite(rate: f64, horizon: f64, limit: u64) -> Scenario {
    let mut s = stationary(rate, horizon);
    s.policy.kind = PolicyKind::PriorityShed;
    s.policy.queue_limit = Some(limit);
    s.classes[0].sheddable = Some(true);
    s
}

fn main() {
    // The runs of queue_bench.py, on the same scenarios: the 10x spike under each policy,
    // M/M/c at λ = 900/s for 300 s, M/M/c/K at λ = 1,200/s, K = 120 for 200 s.
    let ten = Scenario::builtin().unwrap();
    for kind in PolicyKind::ALL {
        bench(
            &format!("reference/spike-10x/{kind}"),
            &with_policy(&ten, kind),
        );
    }
    bench("reference/mmc/900-per-s/300 s", &stationary(900.0, 300.0));
    bench(
        "reference/mmck/1200-per-s/K-120/200 s",
        &finite(1200.0, 200.0, 20),
    );
    // Heavier cases.
    let mut exp = with_policy(&ten, PolicyKind::Priority);
    exp.abandonment = Some(Abandonment {
        patience: 2.0,
        distribution: PatienceDistribution::Exponential,
    });
    bench("spike-10x/priority/exponential-patience", &exp);
    let mut big = with_policy(&ten, PolicyKind::PriorityShed);
    big.arrivals.spike_multiple = 36.0;
    bench("spike-36x/priority-shed", &big);
    bench("mmc/900-per-s/2,000 s", &stationary(900.0, 2000.0));
}
