//! Benchmarks of `hireloop ab`: analysing the 3-metric experiment of examples/ab-ctr-aov.json
//! (the statistics gbstats computes per call: Welch absolute and relative, Bayesian, SRM), and
//! turning a per-user CSV of 1M rows into those sufficient statistics.
//! Run with `cargo bench -p hireloop-stats --bench ab`; `bench/ab.sh` sets it beside gbstats and
//! pandas. `HIRELOOP_AB_CSV=FILE` benchmarks that CSV instead of a generated one.
//!
//! The harness: after a warm-up, each case runs in batches for about a second (at least ten
//! batches) and the median time per iteration is reported with the 10th–90th percentile spread.
//! A `RESULT name seconds` line per case is for scripts.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fmt::Write as _;

use hireloop_bench::bench;

use hireloop_stats::ab::{self, CsvSpec, Experiment};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal, Poisson};
use rand_pcg::Pcg64;

/// A per-user CSV like the bench's experiment: clicks, orders and revenue, 1M rows.
fn generated_csv(rows: usize) -> Vec<u8> {
    let mut rng = Pcg64::seed_from_u64(20241111);
    let extra = Poisson::new(0.3).unwrap();
    let mut out = String::with_capacity(rows * 40);
    out.push_str("user_id,variant,clicked,orders,revenue\n");
    for i in 0..rows {
        let treatment = i % 2 == 1;
        let (ctr, aov) = if treatment {
            (0.044, 190.0)
        } else {
            (0.040, 200.0)
        };
        let clicked = rng.random::<f64>() < ctr;
        let orders = if clicked && rng.random::<f64>() < 0.25 {
            1 + extra.sample(&mut rng) as u32
        } else {
            0
        };
        let value = LogNormal::new(f64::ln(aov) - 0.5, 1.0).unwrap();
        let revenue: f64 = (0..orders).map(|_| value.sample(&mut rng)).sum();
        let variant = if treatment { "treatment" } else { "control" };
        if orders == 0 {
            let _ = writeln!(out, "u{i},{variant},{},0,0", u8::from(clicked));
        } else {
            let _ = writeln!(
                out,
                "u{i},{variant},{},{orders},{revenue:.2}",
                u8::from(clicked)
            );
        }
    }
    out.into_bytes()
}

fn main() {
    let json = include_str!("../../../examples/ab-ctr-aov.json");
    let exp = Experiment::from_json(json).unwrap();
    bench("ab: analyse 3 metrics (sufficient statistics)", || {
        ab::analyse(&exp)
    });
    bench("ab: read the JSON and analyse 3 metrics", || {
        ab::analyse(&Experiment::from_json(json).unwrap())
    });

    let spec = CsvSpec {
        variant_column: "variant".into(),
        metrics: [
            "clicked=proportion",
            "revenue=mean",
            "aov=ratio:revenue/orders",
        ]
        .iter()
        .map(|m| ab::parse_metric_spec(m).unwrap())
        .collect(),
        ..CsvSpec::default()
    };
    match std::env::var("HIRELOOP_AB_CSV") {
        // From the file, as the command (and pandas' read_csv) starts.
        Ok(path) => {
            let size = std::fs::metadata(&path).unwrap().len();
            println!("CSV: {path}, {:.1} MB", size as f64 / 1e6);
            bench("ab: CSV file → statistics (read + sums)", || {
                let bytes = std::fs::read(&path).unwrap();
                ab::experiment_from_csv(&bytes, &spec).unwrap()
            });
        }
        Err(_) => {
            let csv = generated_csv(1_000_000);
            println!(
                "CSV: 1M generated rows, {:.1} MB in memory",
                csv.len() as f64 / 1e6
            );
            bench("ab: CSV → statistics (1M rows in memory)", || {
                ab::experiment_from_csv(&csv, &spec).unwrap()
            });
        }
    }
}
