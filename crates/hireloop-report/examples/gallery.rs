//! Writes one chart of each kind into a folder, to look at them: `cargo run -p hireloop-report
//! --example gallery -- DIR`.

use std::{env, fs, io, path::PathBuf};

use hireloop_report::svg::{Bar, Histogram, Interval, Series, bars, histogram, intervals, lines};

fn main() -> io::Result<()> {
    let dir = PathBuf::from(env::args().nth(1).unwrap_or_else(|| "gallery".into()));
    fs::create_dir_all(&dir)?;
    let bins: Vec<(f64, f64, u64)> = (0..30)
        .map(|i| {
            let lo = 60e9 + i as f64 * 12e9;
            let x = (i as f64 - 9.0) / 5.0;
            (lo, lo + 12e9, (10_000.0 * (-x * x / 2.0).exp()) as u64 + 40)
        })
        .collect();
    fs::write(
        dir.join("histogram.svg"),
        histogram(&Histogram {
            title: "11.11 GMV estimate",
            x_label: "CNY",
            bins: &bins,
            markers: &[(268.4e9, "2019 actual"), (150e9, "p50")],
        }),
    )?;
    let steps = [
        ("impression", 2_700_000.0),
        ("click", 822_196.0),
        ("product page", 329_000.0),
        ("add to cart", 197_000.0),
        ("payment", 158_000.0),
    ];
    let rows: Vec<Bar<'_>> = steps
        .iter()
        .map(|(l, v)| Bar {
            label: l,
            value: *v,
            caption: format!("{} users · {:.1}%", *v as u64, v / steps[0].1 * 100.0),
        })
        .collect();
    fs::write(
        dir.join("bars.svg"),
        bars("Funnel: impression to payment", &rows),
    )?;
    fs::write(
        dir.join("intervals.svg"),
        intervals(
            "Treatment against control (relative effect, 95% CI)",
            "relative effect (%)",
            &[
                Interval {
                    label: "click-through rate",
                    estimate: 10.8,
                    low: 8.9,
                    high: 12.7,
                },
                Interval {
                    label: "revenue per visitor",
                    estimate: 1.2,
                    low: -1.1,
                    high: 3.5,
                },
                Interval {
                    label: "average order value",
                    estimate: -5.1,
                    low: -6.9,
                    high: -3.3,
                },
            ],
        ),
    )?;
    let hi: Vec<(f64, f64)> = (0..60)
        .map(|t| {
            (
                t as f64,
                if (10..30).contains(&t) {
                    0.3 + 0.01 * t as f64
                } else {
                    0.02
                },
            )
        })
        .collect();
    let lo: Vec<(f64, f64)> = (0..60)
        .map(|t| {
            (
                t as f64,
                if (10..30).contains(&t) {
                    (t as f64 - 10.0).min(2.0)
                } else if (30..40).contains(&t) {
                    2.0 - (t as f64 - 30.0) * 0.2
                } else {
                    0.05
                },
            )
        })
        .collect();
    fs::write(
        dir.join("lines.svg"),
        lines(
            "Waiting time during a 10x spike",
            "seconds since start",
            "p99 wait (s)",
            &[
                Series {
                    name: "high-value",
                    points: &hi,
                },
                Series {
                    name: "other orders",
                    points: &lo,
                },
            ],
        ),
    )?;
    println!("wrote 4 charts to {}", dir.display());
    Ok(())
}
