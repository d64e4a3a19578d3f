//! The benchmark harness the crates' benches share (dev-only). A case is warmed up for 200 ms,
//! then run in batches sized to about 10 ms for at least a second and ten batches; it prints the
//! median and the 10th and 90th percentiles per call, and a `RESULT name seconds` line for
//! scripts (bench/*.sh).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Times `f`, prints its line and returns the median seconds per call.
pub fn bench<T>(name: &str, mut f: impl FnMut() -> T) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_millis(200) || n < 2 {
        black_box(f());
        n += 1;
    }
    let per = start.elapsed().as_secs_f64() / n as f64;
    let batch = ((0.01 / per).ceil() as u64).max(1);
    let mut samples = Vec::new();
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(1) || samples.len() < 10 {
        let s = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        samples.push(s.elapsed().as_secs_f64() / batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    let q = |p: f64| samples[((samples.len() - 1) as f64 * p) as usize];
    println!(
        "{name:<52} median {:>10}   p10 {:>10}   p90 {:>10}   ({} batches of {batch})",
        fmt_seconds(q(0.5)),
        fmt_seconds(q(0.1)),
        fmt_seconds(q(0.9)),
        samples.len()
    );
    println!("RESULT {name} {:e}", q(0.5));
    q(0.5)
}

/// Seconds in the unit that reads best: `1.23 ms`, `4.56 µs`, `789 ns`.
pub fn fmt_seconds(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else if secs >= 1e-6 {
        format!("{:.2} µs", secs * 1e6)
    } else {
        format!("{:.0} ns", secs * 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_in_their_unit() {
        assert_eq!(fmt_seconds(2.5), "2.50 s");
        assert_eq!(fmt_seconds(0.00123), "1.23 ms");
        assert_eq!(fmt_seconds(4.56e-6), "4.56 µs");
        assert_eq!(fmt_seconds(7.9e-7), "790 ns");
    }
}
