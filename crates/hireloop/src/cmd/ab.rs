//! `hireloop ab`: A/B test analysis from sufficient statistics (JSON) or per-user rows (CSV), and
//! `hireloop ab power` for sample sizes.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use hireloop_report::svg::{self, Interval, Series};
use hireloop_stats::ab::{
    self, Comparison, CsvSpec, Experiment, ExperimentInput, Mde, MetricKind, MetricReport,
    PowerInput, PowerResult, Report, Verdict, evan_miller_n,
};
use serde::Serialize;

use super::json;
use crate::cli::Format;
use crate::input::read_text;
use crate::text::{table, thousands, wrap};

/// The largest JSON input read from standard input.
const MAX_STDIN_BYTES: u64 = 8 * 1024 * 1024;

/// Arguments of `hireloop ab`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AbArgs {
    /// `ab power`: the sample size a test needs.
    #[command(subcommand)]
    pub command: Option<AbCommand>,
    /// Sufficient statistics per variant and metric (JSON; see examples/ab-ctr-aov.json);
    /// `-` reads standard input.
    #[arg(
        value_name = "FILE.json",
        required_unless_present = "csv",
        conflicts_with = "csv"
    )]
    pub input: Option<PathBuf>,
    /// Per-user rows instead: a CSV with a variant column and metric columns.
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// The CSV column naming each row's variant.
    #[arg(long, default_value = "variant", value_name = "COLUMN")]
    pub variant_column: String,
    /// The control variant (default: `control` for a CSV, the first variant for JSON).
    #[arg(long, value_name = "NAME")]
    pub control: Option<String>,
    /// A CSV metric: `COLUMN=proportion` (0/1 values), `COLUMN=mean`, or
    /// `NAME=ratio:NUMERATOR/DENOMINATOR` (such as `aov=ratio:revenue/orders`); repeat for
    /// several. Without it every numeric column is a metric (0/1 columns are proportions).
    #[arg(long = "metric", value_name = "NAME=TYPE")]
    pub metrics: Vec<String>,
    /// The metric the decision rests on (default: the input's, or the first metric).
    #[arg(long, value_name = "METRIC")]
    pub decision_metric: Option<String>,
    /// A guardrail metric: significantly worse blocks shipping (repeat for several; replaces
    /// the input's list).
    #[arg(long = "guardrail", value_name = "METRIC")]
    pub guardrails: Vec<String>,
    /// Significance level; intervals are at 1 − alpha (default: the input's, or 0.05).
    #[arg(long)]
    pub alpha: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a chart of the relative effects with their confidence intervals to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// Subcommands of `hireloop ab`.
#[derive(Debug, Subcommand)]
pub enum AbCommand {
    /// The sample size per arm to detect a change in a conversion rate.
    Power(PowerArgs),
}

/// Arguments of `hireloop ab power`.
#[derive(Debug, Args)]
pub struct PowerArgs {
    /// The control's conversion rate: `0.04` or `4%`.
    #[arg(long)]
    pub baseline: String,
    /// The smallest change worth detecting: relative by default (`10%` or `0.1` is a 10% lift);
    /// with --absolute, or written in points (`0.4pp`), a difference of rates.
    #[arg(long)]
    pub mde: String,
    /// Significance level of the two-sided test.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Probability of detecting the change when it is there.
    #[arg(long, default_value_t = 0.8)]
    pub power: f64,
    /// Read --mde as a fraction of the baseline (the default).
    #[arg(long, conflicts_with = "absolute")]
    pub relative: bool,
    /// Read --mde as a difference of rates (`0.004` or `0.4%` for 4% → 4.4%).
    #[arg(long)]
    pub absolute: bool,
    /// Users entering the test per day (both arms together), to say how many days it takes.
    #[arg(long, value_name = "N")]
    pub daily_users: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a chart of the sample size against the effect to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: &AbArgs) -> Result<String> {
    if let Some(AbCommand::Power(p)) = &args.command {
        return power(p);
    }
    let exp = experiment(args)?;
    let report = ab::analyse(&exp);
    if let Some(path) = &args.svg {
        write_svg(path, &chart(&report))?;
    }
    match args.format {
        Format::Json => json(&report),
        Format::Text => Ok(render(&report, &exp)),
    }
}

fn write_svg(path: &Path, doc: &str) -> Result<()> {
    std::fs::write(path, doc).with_context(|| format!("cannot write {}", path.display()))
}

/// The experiment from the JSON file, standard input or the CSV, with the flags applied.
fn experiment(args: &AbArgs) -> Result<Experiment> {
    if let Some(csv) = &args.csv {
        let bytes = std::fs::read(csv).with_context(|| format!("cannot read {}", csv.display()))?;
        let metrics = args
            .metrics
            .iter()
            .map(|m| ab::parse_metric_spec(m))
            .collect::<Result<Vec<_>, _>>()?;
        let spec = CsvSpec {
            variant_column: args.variant_column.clone(),
            control: args.control.clone(),
            metrics,
            decision_metric: args.decision_metric.clone(),
            guardrails: args.guardrails.clone(),
            alpha: args.alpha,
        };
        return ab::experiment_from_csv(&bytes, &spec)
            .map_err(|e| anyhow!("{}: {e}", csv.display()));
    }
    if !args.metrics.is_empty() {
        bail!("--metric describes CSV columns; it needs --csv FILE.csv");
    }
    let path = args
        .input
        .as_deref()
        .ok_or_else(|| anyhow!("give FILE.json, `-` for standard input, or --csv FILE.csv"))?;
    let (text, origin) = if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .take(MAX_STDIN_BYTES + 1)
            .read_to_string(&mut s)
            .context("cannot read standard input")?;
        if s.len() as u64 > MAX_STDIN_BYTES {
            bail!(
                "standard input is larger than {} MiB",
                MAX_STDIN_BYTES / 1024 / 1024
            );
        }
        (s, "<stdin>".to_string())
    } else {
        (read_text(path)?, path.display().to_string())
    };
    let located = |e: ab::AbError| match e {
        ab::AbError::Json {
            line,
            column,
            message,
        } => anyhow!("{origin}:{line}:{column}: {message}"),
        other => anyhow!("{origin}: {other}"),
    };
    let mut input = ExperimentInput::from_json(&text).map_err(located)?;
    // Flags override the file's choices.
    if args.control.is_some() {
        input.control.clone_from(&args.control);
    }
    if args.decision_metric.is_some() {
        input.decision_metric.clone_from(&args.decision_metric);
    }
    if !args.guardrails.is_empty() {
        input.guardrails.clone_from(&args.guardrails);
    }
    if args.alpha.is_some() {
        input.alpha = args.alpha;
    }
    Experiment::build(input).map_err(located)
}

// ------------------------------------------------------------------ text

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Ship => "SHIP",
        Verdict::DontShip => "DON'T SHIP",
        Verdict::KeepRunning => "KEEP RUNNING",
    }
}

/// A metric's value in its natural unit: a share in percent, other values in four or more
/// significant digits.
fn value(kind: MetricKind, v: f64) -> String {
    match kind {
        MetricKind::Proportion => format!("{:.2}%", v * 100.0),
        _ => {
            let a = v.abs();
            if a >= 1000.0 {
                format!("{v:.0}")
            } else if a >= 100.0 {
                format!("{v:.2}")
            } else if a >= 0.01 || a == 0.0 {
                format!("{v:.4}")
            } else {
                format!("{v:.3e}")
            }
        }
    }
}

fn signed_percent(x: f64) -> String {
    let digits = if x.abs() >= 0.0995 { 1 } else { 2 };
    format!("{:+.digits$}%", x * 100.0).replace('-', "−")
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "<0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

fn chance_text(c: f64) -> String {
    if c > 0.999 {
        ">99.9%".into()
    } else if c < 0.001 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", c * 100.0)
    }
}

fn loss_text(l: f64) -> String {
    if l < 5e-6 {
        "<0.001%".into()
    } else {
        format!("{:.3}%", l * 100.0)
    }
}

/// The report as text a product manager reads.
fn render(r: &Report, exp: &Experiment) -> String {
    let mut out = String::new();
    let treatments: Vec<&str> = exp
        .variants
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != exp.control)
        .map(|(_, v)| v.as_str())
        .collect();
    let _ = writeln!(
        out,
        "A/B test: {} against the control `{}` · {:.0}% confidence",
        treatments.join(", "),
        r.control,
        r.confidence * 100.0
    );
    let _ = writeln!(out);
    let ship = r
        .decision
        .variant
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Decision: {}{ship}  (decision metric: {})",
        verdict_word(r.decision.verdict),
        r.decision.metric
    );
    for reason in &r.decision.reasons {
        out.push_str(&wrap(reason, 100, "  • "));
    }
    let _ = writeln!(out);
    let users: Vec<String> = r.srm.users.iter().map(|&u| thousands(u)).collect();
    if r.srm.ok {
        let _ = writeln!(
            out,
            "Traffic split: OK — {} users (sample-ratio check p = {:.4})",
            users.join(" / "),
            r.srm.p_value
        );
    } else {
        let _ = writeln!(
            out,
            "Traffic split: BROKEN — {} users (sample-ratio check p = {:.1e} < 0.001)",
            users.join(" / "),
            r.srm.p_value
        );
    }
    let _ = writeln!(out);
    let mut rows = vec![vec![
        "metric".to_string(),
        "variant".into(),
        "value".into(),
        "change".into(),
        format!("{:.0}% CI", r.confidence * 100.0),
        "p-value".into(),
        "chance to win".into(),
        "expected loss".into(),
    ]];
    for m in &r.metrics {
        let mut label = format!("{} ({})", m.name, m.kind.name());
        if !m.higher_is_better {
            label.push_str(", lower is better");
        }
        let control_value = m
            .values
            .0
            .iter()
            .find(|(v, _)| *v == r.control)
            .map_or(f64::NAN, |(_, x)| *x);
        rows.push(vec![label, r.control.clone(), value(m.kind, control_value)]);
        for c in &m.comparisons {
            let v = m
                .values
                .0
                .iter()
                .find(|(v, _)| *v == c.variant)
                .map_or(f64::NAN, |(_, x)| *x);
            rows.push(comparison_row(m, c, v));
        }
    }
    out.push_str(&table(&rows));
    let notes: Vec<String> = r
        .metrics
        .iter()
        .flat_map(|m| {
            m.comparisons.iter().filter_map(move |c| {
                c.note
                    .as_ref()
                    .map(|n| format!("{} · {}: {n}", m.name, c.variant))
            })
        })
        .collect();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Absolute differences ({} − control):",
        if treatments.len() == 1 {
            treatments[0]
        } else {
            "treatment"
        }
    );
    let mut abs_rows = Vec::new();
    for m in &r.metrics {
        for c in &m.comparisons {
            if let Some(a) = c.absolute {
                abs_rows.push(vec![
                    format!("  {}", m.name),
                    c.variant.clone(),
                    abs_value(m.kind, a.effect),
                    format!(
                        "{} to {}",
                        abs_value(m.kind, a.ci[0]),
                        abs_value(m.kind, a.ci[1])
                    ),
                    if a.p_value < 1e-4 {
                        "p < 0.0001".to_string()
                    } else {
                        format!("p = {:.4}", a.p_value)
                    },
                ]);
            }
        }
    }
    out.push_str(&table(&abs_rows));
    for n in notes {
        out.push_str(&wrap(&n, 100, "Note: "));
    }
    let _ = writeln!(out);
    out.push_str(&wrap(
        "Changes are relative to the control. P-values are two-sided Welch t-tests (the delta method for relative changes and ratio metrics); chance to win and expected loss (how much worse the treatment is on average where it is worse, relative to the control) come from the posterior with an uninformative prior.",
        100,
        "",
    ));
    out
}

fn abs_value(kind: MetricKind, x: f64) -> String {
    match kind {
        MetricKind::Proportion => format!("{:+.2} pts", x * 100.0).replace('-', "−"),
        _ => {
            let s = if x.abs() >= 1.0 {
                format!("{x:+.2}")
            } else {
                format!("{x:+.4}")
            };
            s.replace('-', "−")
        }
    }
}

fn comparison_row(m: &MetricReport, c: &Comparison, v: f64) -> Vec<String> {
    let mut row = vec![String::new(), c.variant.clone(), value(m.kind, v)];
    match c.relative {
        Some(e) => {
            row.push(signed_percent(e.effect));
            row.push(format!(
                "{} to {}",
                signed_percent(e.ci[0]),
                signed_percent(e.ci[1])
            ));
            row.push(p_text(e.p_value));
        }
        None => row.extend([
            "–".to_string(),
            "–".into(),
            c.absolute.map_or("–".into(), |a| p_text(a.p_value)),
        ]),
    }
    match c.bayesian {
        Some(b) => {
            row.push(chance_text(b.chance_to_win));
            row.push(loss_text(b.expected_loss));
        }
        None => row.extend(["–".to_string(), "–".into()]),
    }
    row
}

/// Relative effects with their intervals, in percent, one row per metric and treatment.
fn chart(r: &Report) -> String {
    let labels: Vec<String> = r
        .metrics
        .iter()
        .flat_map(|m| {
            m.comparisons.iter().map(move |c| {
                if m.comparisons.len() > 1 {
                    format!("{} · {}", m.name, c.variant)
                } else {
                    m.name.clone()
                }
            })
        })
        .collect();
    let rows: Vec<Interval<'_>> = r
        .metrics
        .iter()
        .flat_map(|m| m.comparisons.iter())
        .zip(&labels)
        .map(|(c, label)| {
            let (estimate, low, high) = c.relative.map_or((f64::NAN, f64::NAN, f64::NAN), |e| {
                (e.effect * 100.0, e.ci[0] * 100.0, e.ci[1] * 100.0)
            });
            Interval {
                label,
                estimate,
                low,
                high,
            }
        })
        .collect();
    svg::intervals(
        &format!(
            "Relative change against {} with {:.0}% confidence intervals — {}",
            r.control,
            r.confidence * 100.0,
            verdict_word(r.decision.verdict).to_lowercase()
        ),
        "change against the control (%)",
        &rows,
    )
}

// ------------------------------------------------------------------ power

/// A number or a percentage: `0.04` or `4%`.
fn fraction(flag: &str, s: &str) -> Result<f64> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix('%') {
        Some(n) => (n, 0.01),
        None => (t, 1.0),
    };
    let v: f64 = num.trim().parse().map_err(|_| {
        anyhow!("{flag} `{s}` is not a number or a percentage (such as 0.04 or 4%)")
    })?;
    if !v.is_finite() {
        bail!("{flag} `{s}` is not a finite number");
    }
    Ok(v * scale)
}

#[derive(Serialize)]
struct PowerReport<'a> {
    #[serde(flatten)]
    result: &'a PowerResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    days: Option<f64>,
}

fn power(args: &PowerArgs) -> Result<String> {
    let baseline = fraction("--baseline", &args.baseline)?;
    let mde = match args.mde.trim().strip_suffix("pp") {
        Some(points) => Mde::Absolute(fraction("--mde", points)? / 100.0),
        None if args.absolute => Mde::Absolute(fraction("--mde", &args.mde)?),
        None => Mde::Relative(fraction("--mde", &args.mde)?),
    };
    let input = PowerInput {
        baseline,
        mde,
        alpha: args.alpha,
        power: args.power,
    };
    let r = ab::sample_size(&input)?;
    let days = match args.daily_users {
        Some(d) if d.is_finite() && d > 0.0 => Some((r.total as f64 / d).ceil()),
        Some(d) => {
            bail!("--daily-users is {d}: give the users entering the test per day, such as 20000")
        }
        None => None,
    };
    if let Some(path) = &args.svg {
        write_svg(path, &power_chart(&r))?;
    }
    match args.format {
        Format::Json => json(&PowerReport { result: &r, days }),
        Format::Text => {
            let mut out = String::new();
            let _ = writeln!(out, "Sample size to detect a change in a conversion rate");
            let _ = writeln!(
                out,
                "  {:.2}% → {:.2}% ({} relative, {} points), two-sided α = {}, power {:.0}%",
                r.baseline * 100.0,
                r.target * 100.0,
                signed_percent(r.mde_relative),
                format!("{:+.2}", r.mde_absolute * 100.0).replace('-', "−"),
                r.alpha,
                r.power * 100.0
            );
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "  {} users per arm, {} in total (Evan Miller's formula)",
                thousands(r.n_per_arm),
                thousands(r.total)
            );
            let _ = writeln!(
                out,
                "  {} per arm by the arcsine method (statsmodels' NormalIndPower)",
                thousands(r.n_per_arm_arcsine)
            );
            if let Some(d) = days {
                let _ = writeln!(
                    out,
                    "  about {d:.0} day(s) at {} users a day",
                    thousands(args.daily_users.unwrap_or(0.0) as u64)
                );
            }
            Ok(out)
        }
    }
}

/// Users per arm against the relative effect, from half to three times the one asked for.
fn power_chart(r: &PowerResult) -> String {
    let mut points = Vec::new();
    for i in 0..=40 {
        let rel = r.mde_relative * 0.5 * 6f64.powf(f64::from(i) / 40.0);
        let target = r.baseline * (1.0 + rel);
        if target > 0.0 && target < 1.0 {
            points.push((
                rel.abs() * 100.0,
                evan_miller_n(r.baseline, r.baseline * rel, r.alpha, r.power).ceil(),
            ));
        }
    }
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    svg::lines(
        &format!(
            "Users per arm to detect a change from {:.2}% (α = {}, power {:.0}%)",
            r.baseline * 100.0,
            r.alpha,
            r.power * 100.0
        ),
        "relative change to detect (%)",
        "users per arm",
        &[Series {
            name: "Evan Miller",
            points: &points,
        }],
    )
}
