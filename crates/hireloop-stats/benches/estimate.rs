//! Benchmarks of `hireloop estimate` and `hireloop tradeoff` in process: checking the model,
//! sampling, and summarising (percentiles, histogram, variance shares), at 1k to 1M samples.
//! Run with `cargo bench -p hireloop-stats --bench estimate`; `bench/estimate.sh` compares the
//! whole command with Squiggle and numpy.
//!
//! A small harness: after a warm-up, each case runs in batches for about a second and the median
//! time per iteration is reported with the spread between the 10th and 90th batch.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use hireloop_bench::bench;

use hireloop_stats::estimate::{Estimator, Settings};
use hireloop_stats::tradeoff::{self, TradeoffSpec};

const MODEL: &str = include_str!("../../../examples/gmv.estimate");

fn main() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    bench("parse and check gmv.estimate", || {
        Estimator::parse(MODEL).unwrap()
    });
    let est = Estimator::parse(MODEL).unwrap();
    for threads in [1, threads] {
        let settings = Settings {
            samples: 1_000_000,
            seed: 1,
            threads,
        };
        bench(
            &format!("sample gmv, 1M samples, {threads} thread(s)"),
            || est.simulate(&settings).unwrap(),
        );
        let sim = est.simulate(&settings).unwrap();
        bench(
            &format!("summarise and attribute gmv, 1M, {threads} thread(s)"),
            || sim.estimate(),
        );
    }
    for samples in [1_000, 10_000, 100_000, 1_000_000] {
        let settings = Settings {
            samples,
            seed: 1,
            threads,
        };
        bench(
            &format!("estimate gmv end to end, {samples} samples"),
            || est.simulate(&settings).unwrap().estimate(),
        );
    }
    let spec = TradeoffSpec {
        users: "100M",
        conversion: "3%",
        aov: "200",
        conversion_lift: "1%",
        latency_ms: 100.0,
        elasticity: tradeoff::DEFAULT_ELASTICITY,
    };
    let settings = Settings {
        threads,
        ..Settings::default()
    };
    bench("tradeoff, worked example, 100k samples", || {
        tradeoff::analyse(&spec, &settings).unwrap()
    });
}
