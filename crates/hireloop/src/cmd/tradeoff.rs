//! `hireloop tradeoff`: a conversion gain against added latency, as a distribution.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use hireloop_stats::estimate::{self, Settings};
use hireloop_stats::tradeoff::{self, Measure, Tradeoff, TradeoffError, TradeoffSpec};

use super::estimate::{bar, chart, number, text_histogram, threads};
use crate::cli::Format;
use crate::text::{table, thousands, wrap};

/// Arguments of `hireloop tradeoff`. Every quantity is a number (with k, M, B or %) or a
/// distribution of the estimate language, such as `"80M to 120M"`.
#[derive(Debug, Args)]
pub struct TradeoffArgs {
    /// Users a day.
    #[arg(long, value_name = "N")]
    pub users: String,
    /// Share of users who order, such as `3%`.
    #[arg(long, value_name = "RATE")]
    pub conversion: String,
    /// Average order value.
    #[arg(long, value_name = "VALUE")]
    pub aov: String,
    /// Relative conversion lift from the launch: `1%` turns a 3% conversion into 3.03%.
    #[arg(long, value_name = "LIFT")]
    pub conversion_lift: String,
    /// Latency the launch adds: `100ms`, `0.2s` (write `--latency=-50ms` for a speed-up).
    #[arg(long, value_name = "TIME")]
    pub latency: String,
    /// Revenue lost per +100 ms of latency, scaled linearly with the latency. The default is a
    /// lognormal with a 90% interval from 0.3% to 3%, from the published figures.
    #[arg(long, value_name = "DIST", default_value = tradeoff::DEFAULT_ELASTICITY)]
    pub elasticity: String,
    /// Samples to draw.
    #[arg(long, default_value_t = estimate::DEFAULT_SAMPLES)]
    pub samples: usize,
    /// Seed of the random streams.
    #[arg(long, default_value_t = estimate::DEFAULT_SEED)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a histogram of the net effect, with a marker at zero, to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &TradeoffArgs) -> Result<String> {
    let Some(latency_ms) = tradeoff::parse_latency(&args.latency) else {
        bail!(
            "--latency {:?} is not a duration: write 100ms, 0.2s, or a number of milliseconds",
            args.latency
        );
    };
    let spec = TradeoffSpec {
        users: &args.users,
        conversion: &args.conversion,
        aov: &args.aov,
        conversion_lift: &args.conversion_lift,
        latency_ms,
        elasticity: &args.elasticity,
    };
    let settings = Settings {
        samples: args.samples,
        seed: args.seed,
        threads: threads(),
    };
    let t = tradeoff::analyse(&spec, &settings).map_err(|e| match e {
        TradeoffError::Input { flag, problem } => {
            let hint = problem
                .hint
                .map(|h| format!("\n  hint: {h}"))
                .unwrap_or_default();
            anyhow::anyhow!(
                "--{flag} {:?}: column {}: {}{hint}",
                flag_text(args, flag),
                problem.column,
                problem.message
            )
        }
        TradeoffError::Estimate(estimate::EstimateError::Samples { .. }) => {
            anyhow::anyhow!("--samples: {e}")
        }
        other => anyhow::anyhow!("{other}"),
    })?;
    if let Some(path) = &args.svg {
        let title = format!(
            "Net revenue effect a day — P(net > 0) = {:.0}%",
            t.p_net_positive * 100.0
        );
        let doc = chart(
            &title,
            "net revenue a day",
            &t.histogram,
            &[(0.0, "0: break even")],
        );
        std::fs::write(path, doc)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    match args.format {
        Format::Json => super::json(&t),
        Format::Text => Ok(render(&t)),
    }
}

fn flag_text<'a>(args: &'a TradeoffArgs, flag: &str) -> &'a str {
    match flag {
        "users" => &args.users,
        "conversion" => &args.conversion,
        "aov" => &args.aov,
        "conversion-lift" => &args.conversion_lift,
        _ => &args.elasticity,
    }
}

fn signed(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", number(x))
    } else {
        number(x)
    }
}

fn percent(x: f64) -> String {
    let p = x * 100.0;
    let s = if p.abs() >= 10.0 {
        format!("{p:.1}")
    } else {
        format!("{p:.2}")
    };
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if x > 0.0 {
        format!("+{s}%")
    } else {
        format!("{s}%")
    }
}

/// A quantity a day: the value when fixed, else its median and 90% range.
fn per_day(s: &estimate::Summary, sign: bool) -> String {
    let show = |x: f64| if sign { signed(x) } else { number(x) };
    if s.p5 == s.p95 {
        format!("{} a day", show(s.p50))
    } else {
        format!(
            "{} a day (median); 90% between {} and {}",
            show(s.p50),
            show(s.p5),
            show(s.p95)
        )
    }
}

fn render(t: &Tradeoff) -> String {
    let i = &t.inputs;
    let mut out = String::new();
    let latency = if i.latency_ms > 0.0 {
        format!("+{} ms", i.latency_ms)
    } else {
        format!("{} ms", i.latency_ms)
    };
    let _ = writeln!(
        out,
        "Launch trade-off: conversion {} against {latency} of latency ({} samples, seed {})\n",
        percent(t.gain.mean / t.revenue.mean),
        thousands(t.samples as u64),
        t.seed
    );
    let rows: [(&str, String, String); 4] = [
        (
            "revenue today",
            per_day(&t.revenue, false),
            format!(
                "{} users × {} conversion × {} order value",
                i.users, i.conversion, i.aov
            ),
        ),
        (
            "gain from the lift",
            per_day(&t.gain, true),
            format!("conversion lift {}", i.conversion_lift),
        ),
        (
            "loss from latency",
            per_day(&t.loss, false),
            format!("revenue lost per +100 ms: {}", i.elasticity),
        ),
        (
            "net effect",
            per_day(&t.net, true),
            format!(
                "mean {}; {} to {} of revenue",
                signed(t.net.mean),
                percent(t.net_relative.p5),
                percent(t.net_relative.p95)
            ),
        ),
    ];
    for (label, value, note) in rows {
        let _ = writeln!(out, "  {label:<20}{value}");
        let _ = writeln!(out, "  {:<20}{note}", "");
    }
    let _ = writeln!(
        out,
        "\n  P(net > 0) = {:.1}%   {}",
        t.p_net_positive * 100.0,
        bar(t.p_net_positive, 20)
    );
    if let Some(e) = t.break_even_elasticity {
        let _ = writeln!(
            out,
            "  Break-even: the launch pays off if +100 ms costs less than {:.2}% of revenue.",
            e * 100.0
        );
    }
    let verdict = if t.p_net_positive >= 0.8 {
        "Likely a net gain at the published elasticities."
    } else if t.p_net_positive <= 0.2 {
        "Likely a net loss at the published elasticities: win back the latency before launching."
    } else {
        "A coin toss: the decision turns on the elasticity of your own traffic. Measure it (an \
         A/B test with injected latency) before deciding, or make the launch faster."
    };
    out.push('\n');
    out.push_str(&wrap(verdict, 96, "  "));
    let _ = writeln!(out, "\nDistribution of the net effect a day\n");
    out.push_str(&text_histogram(&t.histogram, t.samples as u64));
    let _ = writeln!(
        out,
        "\nThe net at each published figure (per 100 ms, scaled to the latency added)\n"
    );
    let mut rows = vec![vec![
        "source".to_string(),
        "per 100 ms".to_string(),
        "loss a day".to_string(),
        "net a day".to_string(),
        "net".to_string(),
    ]];
    for s in &t.sources {
        let measure = match s.figure.measure {
            Measure::Revenue => "",
            Measure::Conversion => " (conversion)",
            Measure::Engagement => " (engagement)",
        };
        rows.push(vec![
            s.figure.source.to_string(),
            format!("{:.1}%{measure}", s.figure.per_100ms * 100.0),
            number(s.loss),
            signed(s.net),
            percent(s.net_relative),
        ]);
    }
    for line in table(&rows).lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "\nWhat each source found");
    for s in &t.sources {
        out.push_str(&wrap(
            &format!("- {}: {}", s.figure.source, s.figure.finding),
            96,
            "  ",
        ));
    }
    out.push('\n');
    out.push_str(&wrap(
        "Conversion and engagement figures are used as revenue elasticities; Deloitte's and \
         Walmart's measure a speed-up, applied here to a slow-down of the same size. Every figure \
         is in `hireloop figures` (ids latency.*).",
        96,
        "  ",
    ));
    out
}
