//! `hireloop funnel`: conversion through a sequence of steps, from a CSV event log.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use hireloop_report::svg::{Bar, bars};
use hireloop_stats::funnel::{self, FunnelReport, FunnelSpec, Order, StepReport};

use crate::cli::Format;
use crate::text::{table, thousands};

/// Below this size one thread reads the file faster than several would.
const PARALLEL_FROM_BYTES: u64 = 1 << 20;

/// Step order, as written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
    /// Steps in order; other events may come in between.
    Ordered,
    /// Steps in order with nothing in between: each step is the user's very next event.
    Strict,
    /// Step 1 first, then the other steps in any order.
    Any,
}

/// Arguments of `hireloop funnel`.
#[derive(Debug, Args)]
pub struct FunnelArgs {
    /// The steps: event names separated by commas, in funnel order.
    #[arg(long, value_delimiter = ',', required = true)]
    pub steps: Vec<String>,
    /// Conversion window from entering the funnel (step 1): `30m`, `2h`, `1d`, `7d`, or seconds.
    #[arg(long, default_value = "1d")]
    pub window: String,
    /// How the steps must follow each other.
    #[arg(long, value_enum, default_value_t = OrderArg::Ordered)]
    pub order: OrderArg,
    /// An event that drops a user from the funnel when it happens after entry and before the
    /// next step (repeat the flag for several).
    #[arg(long = "exclude", value_name = "EVENT")]
    pub exclude: Vec<String>,
    /// A property column: the funnel per value, read on each user's entry event.
    #[arg(long, value_name = "COLUMN")]
    pub breakdown: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a bar chart of the steps to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// The event log: CSV with a header naming user_id, event and timestamp (epoch seconds or
    /// RFC 3339), plus any property columns.
    #[arg(value_name = "FILE.csv")]
    pub input: PathBuf,
}

/// Runs the command.
pub fn run(args: &FunnelArgs) -> Result<String> {
    let Some(window) = funnel::parse_window(&args.window) else {
        bail!(
            "--window {:?} is not a duration: write 30m, 2h, 1d, 7d, or a number of seconds",
            args.window
        );
    };
    let spec = FunnelSpec {
        steps: args.steps.iter().map(|s| s.trim().to_owned()).collect(),
        window_seconds: window,
        order: match args.order {
            OrderArg::Ordered => Order::Ordered,
            OrderArg::Strict => Order::Strict,
            OrderArg::Any => Order::Any,
        },
        exclude: args.exclude.iter().map(|s| s.trim().to_owned()).collect(),
        breakdown: args.breakdown.clone(),
    };
    let path = &args.input;
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        bail!("{} is a folder, not a file", path.display());
    }
    let threads = if meta.len() < PARALLEL_FROM_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    };
    let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let report =
        funnel::analyze(&data, &spec, threads).with_context(|| format!("{}", path.display()))?;
    drop(data);
    if let Some(svg) = &args.svg {
        std::fs::write(svg, chart(&report, &spec))
            .with_context(|| format!("cannot write {}", svg.display()))?;
    }
    match args.format {
        Format::Json => super::json(&report),
        Format::Text => Ok(render(&report, &spec, &args.window)),
    }
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A duration a reader takes in at a glance: 415.2 → "6 min 55 s".
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 60.0 {
        return format!("{s:.1} s");
    }
    let whole = s.round() as u64;
    let (d, h, m, sec) = (
        whole / 86_400,
        whole / 3_600 % 24,
        whole / 60 % 60,
        whole % 60,
    );
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m:02} min")
    } else {
        format!("{m} min {sec:02} s")
    }
}

fn order_words(order: Order) -> &'static str {
    match order {
        Order::Ordered => "in order (other events may come in between)",
        Order::Strict => "in strict order (each step is the user's very next event)",
        Order::Any => "step 1 first, then the other steps in any order",
    }
}

/// Right-aligns the cells of the given columns.
fn align_right(rows: &mut [Vec<String>], columns: &[usize]) {
    for &c in columns {
        let w = rows
            .iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0);
        for r in rows.iter_mut() {
            if let Some(cell) = r.get_mut(c) {
                *cell = format!("{cell:>w$}");
            }
        }
    }
}

fn step_table(steps: &[StepReport]) -> String {
    let mut rows = vec![vec![
        "step".to_owned(),
        "users".to_owned(),
        "of start".to_owned(),
        "of previous".to_owned(),
        "median time from previous".to_owned(),
    ]];
    for (j, s) in steps.iter().enumerate() {
        rows.push(vec![
            format!("{}. {}", j + 1, s.event),
            thousands(s.users),
            percent(s.conversion_from_start),
            if j == 0 {
                String::new()
            } else {
                percent(s.conversion_from_previous)
            },
            s.median_seconds_from_previous
                .map(duration)
                .unwrap_or_default(),
        ]);
    }
    align_right(&mut rows, &[1, 2, 3]);
    table(&rows)
}

fn render(report: &FunnelReport, spec: &FunnelSpec, window: &str) -> String {
    let mut out = String::new();
    let entered = report.steps.first().map_or(0, |s| s.users);
    let last = report.steps.last();
    let _ = writeln!(out, "Funnel: {}", spec.steps.join(" → "));
    let _ = writeln!(
        out,
        "Steps {}, within {window} of entering at step 1.",
        order_words(spec.order)
    );
    if !spec.exclude.is_empty() {
        let _ = writeln!(
            out,
            "Users who do {} after entering are dropped from the next step on.",
            spec.exclude.join(" or ")
        );
    }
    let _ = writeln!(
        out,
        "{} events from {} users; {} entered the funnel ({}).\n",
        thousands(report.events),
        thousands(report.users),
        thousands(entered),
        percent(if report.users == 0 {
            0.0
        } else {
            entered as f64 / report.users as f64
        })
    );
    out.push_str(&step_table(&report.steps));
    if let Some(last) = last.filter(|_| report.steps.len() > 1) {
        let _ = writeln!(
            out,
            "\nOverall conversion: {} of those who entered reached {}.",
            percent(last.conversion_from_start),
            last.event
        );
        let worst = report.steps.iter().skip(1).min_by(|a, b| {
            a.conversion_from_previous
                .total_cmp(&b.conversion_from_previous)
        });
        if let Some(w) = worst {
            let _ = writeln!(
                out,
                "Biggest drop: only {} of the users who got to the step before reached {}.",
                percent(w.conversion_from_previous),
                w.event
            );
        }
    }
    if let Some(column) = &spec.breakdown {
        let _ = writeln!(
            out,
            "\nBy {column} (the value on the entry event), conversion from step 1:\n"
        );
        let mut header = vec![column.clone(), "entered".to_owned()];
        header.extend(report.steps.iter().skip(1).map(|s| s.event.clone()));
        let mut rows = vec![header];
        let mut groups: Vec<_> = report.breakdown.iter().collect();
        groups.sort_by(|a, b| {
            b.1.steps[0]
                .users
                .cmp(&a.1.steps[0].users)
                .then(a.0.cmp(b.0))
        });
        for (value, b) in groups {
            let mut row = vec![
                if value.is_empty() {
                    "(empty)".to_owned()
                } else {
                    value.clone()
                },
                thousands(b.steps[0].users),
            ];
            row.extend(
                b.steps
                    .iter()
                    .skip(1)
                    .map(|s| percent(s.conversion_from_start)),
            );
            rows.push(row);
        }
        let numeric: Vec<usize> = (1..report.steps.len() + 1).collect();
        align_right(&mut rows, &numeric);
        out.push_str(&table(&rows));
    }
    for e in &report.unseen_exclusions {
        let _ = writeln!(
            out,
            "\nNote: the excluded event `{e}` never occurs in the file; check its spelling."
        );
    }
    out
}

fn chart(report: &FunnelReport, spec: &FunnelSpec) -> String {
    let labels: Vec<String> = report
        .steps
        .iter()
        .enumerate()
        .map(|(j, s)| format!("{}. {}", j + 1, s.event))
        .collect();
    let rows: Vec<Bar<'_>> = report
        .steps
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(j, (s, label))| Bar {
            label,
            value: s.users as f64,
            caption: if j == 0 {
                format!("{} users entered", thousands(s.users))
            } else {
                format!(
                    "{} users · {} of start · {} of previous",
                    thousands(s.users),
                    percent(s.conversion_from_start),
                    percent(s.conversion_from_previous)
                )
            },
        })
        .collect();
    bars(&format!("Funnel: {}", spec.steps.join(" → ")), &rows)
}
