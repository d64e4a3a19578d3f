//! `hireloop estimate`: a Monte Carlo estimate from a small estimate language.

use std::fmt::Write as _;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use hireloop_report::svg::{self, Histogram};
use hireloop_stats::estimate::{
    self, Bin, Estimate, EstimateError, Estimator, ModelError, Settings, VarianceScale,
};

use crate::Reported;
use crate::cli::Format;
use crate::input::{emit_err, read_text};
use crate::text::thousands;

/// The largest model read from standard input; models are a few lines.
const MAX_STDIN_BYTES: u64 = 8 * 1024 * 1024;

/// Arguments of `hireloop estimate`.
#[derive(Debug, Args)]
pub struct EstimateArgs {
    /// Samples to draw (100 to 10,000,000).
    #[arg(long, default_value_t = estimate::DEFAULT_SAMPLES)]
    pub samples: usize,
    /// Seed of the random streams: the same seed gives the same numbers, on any machine.
    #[arg(long, default_value_t = estimate::DEFAULT_SEED)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a histogram of the result to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// The model: one `name = expression` per line, the last line is the result (see
    /// examples/gmv.estimate). `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
}

/// Threads for sampling: the numbers are the same with any count.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

fn read_model(input: Option<&Path>) -> Result<(String, String)> {
    match input {
        Some(path) if path != Path::new("-") => Ok((path.display().to_string(), read_text(path)?)),
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                bail!(
                    "no model given: pass a model file (see examples/gmv.estimate), or `-` and \
                     pipe the model in"
                );
            }
            let mut text = String::new();
            stdin
                .lock()
                .take(MAX_STDIN_BYTES)
                .read_to_string(&mut text)
                .context("cannot read the model from standard input (is it UTF-8 text?)")?;
            Ok(("<stdin>".into(), text))
        }
    }
}

/// Prints a model's problems as `file:line:col: error: ...` with hints; the caller exits 1.
pub(crate) fn report(origin: &str, err: &ModelError) -> anyhow::Error {
    let mut out = String::new();
    for p in &err.problems {
        let _ = writeln!(
            out,
            "{origin}:{}:{}: error: {}",
            p.line, p.column, p.message
        );
        if let Some(h) = &p.hint {
            let _ = writeln!(out, "  hint: {h}");
        }
    }
    let _ = emit_err(&out);
    Reported.into()
}

/// Turns a sampling error into a message that names the file.
pub(crate) fn sampling_error(origin: &str, err: EstimateError) -> anyhow::Error {
    match err {
        EstimateError::Model(m) => report(origin, &m),
        EstimateError::Samples { .. } => anyhow::anyhow!("--samples: {err}"),
        EstimateError::NotFinite { .. } => anyhow::anyhow!("{origin}:{err}"),
    }
}

/// Runs the command.
pub fn run(args: &EstimateArgs) -> Result<String> {
    let (origin, text) = read_model(args.input.as_deref())?;
    let estimator = Estimator::parse(&text).map_err(|e| report(&origin, &e))?;
    let settings = Settings {
        samples: args.samples,
        seed: args.seed,
        threads: threads(),
    };
    let simulation = estimator
        .simulate(&settings)
        .map_err(|e| sampling_error(&origin, e))?;
    let est = simulation.estimate();
    if let Some(path) = &args.svg {
        let title = format!(
            "{} — median {}, 90% between {} and {}",
            est.name,
            number(est.result.p50),
            number(est.result.p5),
            number(est.result.p95)
        );
        let chart = chart(
            &title,
            &est.name,
            &est.histogram,
            &[(est.result.p5, "p5"), (est.result.p95, "p95")],
        );
        std::fs::write(path, chart)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    match args.format {
        Format::Json => super::json(&est),
        Format::Text => Ok(render(&est)),
    }
}

/// A histogram chart of the bars between the 0.5th and 99.5th percentiles (the two tail bars,
/// much wider, would squash the picture).
pub(crate) fn chart(title: &str, what: &str, bins: &[Bin], markers: &[(f64, &str)]) -> String {
    let inner: Vec<(f64, f64, u64)> = if bins.len() > estimate::HISTOGRAM_BARS {
        let skip = usize::from(bins.len() == estimate::HISTOGRAM_BARS + 2 || bins[0].count == 0);
        bins.iter()
            .skip(skip)
            .take(estimate::HISTOGRAM_BARS)
            .map(|b| (b.lo, b.hi, b.count))
            .collect()
    } else {
        bins.iter().map(|b| (b.lo, b.hi, b.count)).collect()
    };
    let x_label = format!("{what} (0.5th to 99.5th percentile)");
    svg::histogram(&Histogram {
        title,
        x_label: &x_label,
        bins: &inner,
        markers,
    })
}

/// A value for a reader: four significant digits, with k, M, B or T for large ones.
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let a = x.abs();
    let (v, suffix) = match a {
        a if a >= 1e12 => (x / 1e12, " T"),
        a if a >= 1e9 => (x / 1e9, " B"),
        a if a >= 1e6 => (x / 1e6, " M"),
        a if a >= 1e4 => (x / 1e3, " k"),
        _ => (x, ""),
    };
    if v == 0.0 {
        return "0".into();
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 12) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{suffix}")
}

/// A horizontal bar of `width` cells for `fraction` of the full length, in eighths.
pub(crate) fn bar(fraction: f64, width: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(EIGHTHS[eighths % 8]);
    if s.is_empty() && fraction > 0.0 {
        s.push('▏');
    }
    s
}

/// The histogram as text, one row per bar.
pub(crate) fn text_histogram(bins: &[Bin], total: u64) -> String {
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let labels: Vec<String> = bins
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let tail = bins.len() > estimate::HISTOGRAM_BARS;
            if tail && i == 0 && b.hi > b.lo {
                format!("below {}", number(b.hi))
            } else if tail && i + 1 == bins.len() {
                format!("above {}", number(b.lo))
            } else {
                format!("{} – {}", number(b.lo), number(b.hi))
            }
        })
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (b, label) in bins.iter().zip(&labels) {
        let pad = width - label.chars().count();
        let share = b.count as f64 / total.max(1) as f64;
        let _ = writeln!(
            out,
            "  {}{label}  {:<40}  {:>5.1}%",
            " ".repeat(pad),
            bar(b.count as f64 / max, 40),
            share * 100.0
        );
    }
    out
}

fn render(est: &Estimate) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Estimate of {} ({} samples, seed {})\n",
        est.name,
        thousands(est.samples as u64),
        est.seed
    );
    let r = &est.result;
    for (label, v) in [
        ("mean", r.mean),
        ("5th percentile", r.p5),
        ("25th percentile", r.p25),
        ("median", r.p50),
        ("75th percentile", r.p75),
        ("95th percentile", r.p95),
    ] {
        let _ = writeln!(out, "  {label:<16} {}", number(v));
    }
    let _ = writeln!(
        out,
        "\n  90% of the outcomes lie between {} and {}.",
        number(r.p5),
        number(r.p95)
    );
    let _ = writeln!(out, "\nDistribution of {}\n", est.name);
    out.push_str(&text_histogram(&est.histogram, est.samples as u64));
    if est.inputs.is_empty() {
        let _ = writeln!(
            out,
            "\nNo input is uncertain: every line is a fixed number, so the result is exact."
        );
        return out;
    }
    let scale = match est.variance_scale {
        VarianceScale::Log => format!("of log({})", est.name),
        VarianceScale::Linear => format!("of {}", est.name),
    };
    let _ = writeln!(
        out,
        "\nWhat drives the spread (each input's share of the variance {scale})\n"
    );
    let mut inputs: Vec<_> = est.inputs.iter().collect();
    inputs.sort_by(|a, b| b.share_of_variance.total_cmp(&a.share_of_variance));
    let name_w = inputs
        .iter()
        .map(|i| i.name.chars().count())
        .max()
        .unwrap_or(0);
    let def_w = inputs
        .iter()
        .map(|i| i.definition.chars().count().min(32))
        .max()
        .unwrap_or(0);
    for i in &inputs {
        let mut def: String = i.definition.chars().take(32).collect();
        if i.definition.chars().count() > 32 {
            def.pop();
            def.push('…');
        }
        let note = if i.used {
            ""
        } else {
            "  (not used by the result)"
        };
        let _ = writeln!(
            out,
            "  {:<name_w$}  {:<def_w$}  {:<20}  {:>3.0}%{note}",
            i.name,
            def,
            bar(i.share_of_variance, 20),
            i.share_of_variance * 100.0
        );
    }
    let explained: f64 = inputs.iter().map(|i| i.share_of_variance).sum();
    if explained < 0.98 {
        let _ = writeln!(
            out,
            "  {:<w$}  {:>3.0}%",
            "(interactions between inputs)",
            (1.0 - explained).max(0.0) * 100.0,
            w = name_w + def_w + 24
        );
    }
    if let Some(top) = inputs.first().filter(|i| i.share_of_variance > 0.0) {
        let _ = writeln!(
            out,
            "\n  Research `{}` first: it alone accounts for {:.0}% of the spread.",
            top.name,
            top.share_of_variance * 100.0
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(328_660_000_000.0), "328.7 B");
        assert_eq!(number(1_500.0), "1500");
        assert_eq!(number(15_000.0), "15 k");
        assert_eq!(number(0.012_345), "0.01235");
        assert_eq!(number(-6_000_000.0), "-6 M");
        assert_eq!(number(0.0), "0");
    }

    #[test]
    fn bars_scale_in_eighths() {
        assert_eq!(bar(1.0, 2), "██");
        assert_eq!(bar(0.5, 2), "█");
        assert_eq!(bar(0.0625, 2), "▏");
        assert_eq!(bar(0.0001, 2), "▏");
        assert_eq!(bar(0.0, 2), "");
    }
}
