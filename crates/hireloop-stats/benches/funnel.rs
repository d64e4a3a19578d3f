//! Benchmark of `hireloop funnel`'s engine: a 5-step ordered funnel over a generated CSV event
//! log held in memory (by default 2M events of ~540k users, shaped like the shared funnel
//! benchmark: impressions, then a decaying chain of steps, plus out-of-order noise), on one and
//! on two threads, with and without a breakdown.
//! Run with `cargo bench -p hireloop-stats --bench funnel`; `bench/funnel.sh` sets the whole
//! command beside DuckDB on ~10M events. `HIRELOOP_FUNNEL_CSV=FILE` benchmarks that file
//! instead (its events must be named like the generated ones).
//!
//! Each case runs a few times after a warm-up; the median is reported, and a
//! `RESULT name seconds` line per case is for scripts.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use hireloop_stats::funnel::{FunnelSpec, Order, analyze};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp, Poisson};
use rand_pcg::Pcg64;

const STEPS: [&str; 5] = ["impression", "click", "add_to_cart", "checkout", "purchase"];

fn generate(users: u32) -> Vec<u8> {
    let mut rng = Pcg64::seed_from_u64(7);
    let week = 7.0 * 86_400.0;
    let poisson = Poisson::new(2.0).unwrap();
    let mut rows: Vec<(f64, u32, usize)> = Vec::new();
    for u in 0..users {
        let k = 1 + poisson.sample(&mut rng) as usize;
        let mut first = f64::INFINITY;
        for _ in 0..k {
            let t = rng.random::<f64>() * week;
            first = first.min(t);
            rows.push((t, u, 0));
        }
        let mut t = first;
        for (step, (p, gap)) in [
            (0.30, 600.0),
            (0.40, 3_600.0),
            (0.60, 1_800.0),
            (0.80, 600.0),
        ]
        .into_iter()
        .enumerate()
        {
            if rng.random::<f64>() >= p {
                break;
            }
            t += Exp::new(1.0 / gap).unwrap().sample(&mut rng);
            rows.push((t, u, step + 1));
        }
        if rng.random::<f64>() < 0.2 {
            rows.push((rng.random::<f64>() * week, u, rng.random_range(1..5)));
        }
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let platforms = ["ios", "android", "web"];
    let mut csv = String::from("user_id,event,timestamp,platform\n");
    for (i, (t, u, s)) in rows.iter().enumerate() {
        let _ = writeln!(
            csv,
            "{u},{},{},{}",
            STEPS[*s],
            1_700_000_000.0 + t,
            platforms[i % 3]
        );
    }
    csv.into_bytes()
}

fn bench(name: &str, reps: usize, mut f: impl FnMut()) {
    f();
    let mut samples: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    println!(
        "{name:40} median {median:.3} s  (min {:.3}, max {:.3})",
        samples[0],
        samples[samples.len() - 1]
    );
    println!("RESULT {name} {median:.6}");
}

fn main() {
    let data = match std::env::var_os("HIRELOOP_FUNNEL_CSV") {
        Some(path) => std::fs::read(path).expect("HIRELOOP_FUNNEL_CSV is readable"),
        None => generate(540_000),
    };
    let events = data
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1);
    println!(
        "{} events, {:.0} MB of CSV",
        events,
        data.len() as f64 / 1e6
    );
    let spec = |order: Order, breakdown: bool| FunnelSpec {
        steps: STEPS.iter().map(|s| (*s).to_owned()).collect(),
        window_seconds: 86_400.0,
        order,
        exclude: Vec::new(),
        breakdown: breakdown.then(|| "platform".to_owned()),
    };
    let reps = 7;
    for threads in [1, 2] {
        let s = spec(Order::Ordered, false);
        bench(&format!("ordered_{threads}_threads"), reps, || {
            black_box(analyze(black_box(&data), &s, threads).unwrap());
        });
    }
    let s = spec(Order::Ordered, true);
    bench("ordered_breakdown_2_threads", reps, || {
        black_box(analyze(&data, &s, 2).unwrap());
    });
    let s = spec(Order::Strict, false);
    bench("strict_2_threads", reps, || {
        black_box(analyze(&data, &s, 2).unwrap());
    });
    let s = spec(Order::Any, false);
    bench("any_2_threads", reps, || {
        black_box(analyze(&data, &s, 2).unwrap());
    });
}
