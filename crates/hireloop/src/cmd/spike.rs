//! `hireloop spike`: a discrete-event simulation of an 11.11 order spike.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use hireloop_report::svg::{self, Series};
use hireloop_stats::spike::{
    Abandonment, ClassOutcome, DEFAULT_SCENARIO, LoadPoint, Outcome, PatienceDistribution,
    PolicyKind, Problem, Scenario, ScenarioDoc, ScenarioError, simulate,
};

use crate::Reported;
use crate::cli::Format;
use crate::input::{emit_err, read_text};
use crate::text::{table, thousands, wrap};

/// Arguments of `hireloop spike`.
#[derive(Debug, Args)]
pub struct SpikeArgs {
    /// The scenario (TOML; see examples/spike-10x.toml). Without it, the built-in 10x spike:
    /// 600 orders/s, 6,000/s for 20 s, capacity 1,000/s, 10% high-value, give up after 2 s.
    #[arg(long, value_name = "FILE.toml")]
    pub scenario: Option<PathBuf>,
    /// Seed of the random streams (default: the scenario's): the same seed gives the same run.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Who is served first and who is turned away, instead of the scenario's policy.
    #[arg(long, value_enum)]
    pub policy: Option<PolicyArg>,
    /// For priority-shed: shed sheddable orders while this many orders or more wait.
    #[arg(long, value_name = "N")]
    pub queue_limit: Option<u64>,
    /// Run all three policies on the same orders and compare them.
    #[arg(long, conflicts_with = "policy")]
    pub compare: bool,
    /// Orders per second outside the spike.
    #[arg(long, value_name = "PER_SECOND", allow_negative_numbers = true)]
    pub base_rate: Option<f64>,
    /// The spike's rate as a multiple of the base rate (10 for the default, 36 for 2019's peak).
    #[arg(long, value_name = "X", allow_negative_numbers = true)]
    pub spike_multiple: Option<f64>,
    /// How long the spike lasts, in seconds.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub spike_length: Option<f64>,
    /// Servers: orders processed at once.
    #[arg(long, value_name = "N")]
    pub servers: Option<u32>,
    /// Orders per second one server completes (exponential service times).
    #[arg(long, value_name = "PER_SECOND", allow_negative_numbers = true)]
    pub service_rate: Option<f64>,
    /// Seconds a client waits for processing to start before giving up.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub patience: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write a chart of the waiting time per class over time to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// `--policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// One queue, first come first served.
    Fifo,
    /// Higher-priority classes first (by default the most valuable).
    Priority,
    /// Priority, and sheddable orders are turned away while the queue is at its limit.
    PriorityShed,
}

impl From<PolicyArg> for PolicyKind {
    fn from(p: PolicyArg) -> PolicyKind {
        match p {
            PolicyArg::Fifo => PolicyKind::Fifo,
            PolicyArg::Priority => PolicyKind::Priority,
            PolicyArg::PriorityShed => PolicyKind::PriorityShed,
        }
    }
}

/// The flag that sets a scenario field, for messages about values given on the command line.
fn flag_of(field: &str) -> Option<&'static str> {
    Some(match field {
        "seed" => "--seed",
        "policy.kind" => "--policy",
        "policy.queue_limit" => "--queue-limit",
        "arrivals.base_rate" => "--base-rate",
        "arrivals.spike_multiple" => "--spike-multiple",
        "arrivals.spike_length" => "--spike-length",
        "service.servers" => "--servers",
        "service.rate" => "--service-rate",
        "abandonment.patience" => "--patience",
        _ => return None,
    })
}

/// Prints every problem as `file:line:col: error: field: message`; the caller exits 1.
fn report(origin: &str, err: &ScenarioError, overridden: &[&str]) -> anyhow::Error {
    let mut out = String::new();
    for p in &err.problems {
        let _ = writeln!(out, "{}", describe(origin, p, overridden));
    }
    let _ = emit_err(&out);
    Reported.into()
}

fn describe(origin: &str, p: &Problem, overridden: &[&str]) -> String {
    let what = match flag_of(&p.field).filter(|_| overridden.contains(&p.field.as_str())) {
        Some(flag) => format!("{} (set by {flag})", p.field),
        None => p.field.clone(),
    };
    let what = if what.is_empty() {
        String::new()
    } else {
        format!("{what}: ")
    };
    match p.place {
        Some(at) => format!(
            "{origin}:{}:{}: error: {what}{}",
            at.line, at.column, p.message
        ),
        None if overridden.contains(&p.field.as_str()) => format!("error: {what}{}", p.message),
        None => format!("{origin}: error: {what}{}", p.message),
    }
}

/// Reads the scenario, applies the command-line overrides and checks the result.
fn load(args: &SpikeArgs) -> Result<Scenario> {
    let (origin, text) = match &args.scenario {
        Some(path) => (path.display().to_string(), read_text(path)?),
        None => (
            "<built-in 10x scenario>".to_owned(),
            DEFAULT_SCENARIO.to_owned(),
        ),
    };
    let mut doc = ScenarioDoc::parse(&text).map_err(|e| report(&origin, &e, &[]))?;
    let mut overridden: Vec<&str> = Vec::new();
    let mut set = |doc: &mut ScenarioDoc, field: &'static str| {
        doc.forget(field);
        overridden.push(field);
    };
    if let Some(seed) = args.seed {
        doc.scenario.seed = seed;
        set(&mut doc, "seed");
    }
    if let Some(policy) = args.policy {
        doc.scenario.policy.kind = policy.into();
        set(&mut doc, "policy.kind");
        if doc.scenario.policy.kind != PolicyKind::PriorityShed && args.queue_limit.is_none() {
            // The file's limit belongs to the policy it named, not to the one chosen here.
            doc.scenario.policy.queue_limit = None;
            set(&mut doc, "policy.queue_limit");
        }
    }
    if let Some(limit) = args.queue_limit {
        doc.scenario.policy.queue_limit = Some(limit);
        set(&mut doc, "policy.queue_limit");
    }
    let a = &mut doc.scenario.arrivals;
    let mut arrivals = Vec::new();
    if let Some(v) = args.base_rate {
        a.base_rate = v;
        arrivals.push("arrivals.base_rate");
    }
    if let Some(v) = args.spike_multiple {
        a.spike_multiple = v;
        arrivals.push("arrivals.spike_multiple");
    }
    if let Some(v) = args.spike_length {
        a.spike_length = v;
        arrivals.push("arrivals.spike_length");
    }
    for field in arrivals {
        set(&mut doc, field);
    }
    if let Some(v) = args.servers {
        doc.scenario.service.servers = v;
        set(&mut doc, "service.servers");
    }
    if let Some(v) = args.service_rate {
        doc.scenario.service.rate = v;
        set(&mut doc, "service.rate");
    }
    if let Some(v) = args.patience {
        let distribution = doc
            .scenario
            .abandonment
            .map_or(PatienceDistribution::Deterministic, |a| a.distribution);
        doc.scenario.abandonment = Some(Abandonment {
            patience: v,
            distribution,
        });
        set(&mut doc, "abandonment.patience");
    }
    doc.check().map_err(|e| report(&origin, &e, &overridden))
}

/// Runs the command.
pub fn run(args: &SpikeArgs) -> Result<String> {
    let scenario = load(args)?;
    if args.compare {
        return compare(args, scenario);
    }
    let outcome = simulate(&scenario).map_err(|e| report("scenario", &e, &[]))?;
    if let Some(path) = &args.svg {
        write_chart(path, &[("", &outcome)])?;
    }
    match args.format {
        Format::Json => super::json(&outcome),
        Format::Text => Ok(render(&outcome)),
    }
}

/// The JSON of `--compare`: one full outcome per policy, on the same orders.
#[derive(serde::Serialize)]
struct Comparison<'a> {
    runs: &'a [Outcome],
}

fn compare(args: &SpikeArgs, scenario: Scenario) -> Result<String> {
    let Some(limit) = scenario.policy.queue_limit else {
        bail!(
            "--compare also runs priority-shed, which needs a queue limit: pass --queue-limit N \
             or set policy.queue_limit in the scenario"
        );
    };
    let mut runs = Vec::with_capacity(3);
    for kind in PolicyKind::ALL {
        let mut s = scenario.clone();
        s.policy.kind = kind;
        s.policy.queue_limit = (kind == PolicyKind::PriorityShed).then_some(limit);
        runs.push(simulate(&s).map_err(|e| report("scenario", &e, &[]))?);
    }
    if let Some(path) = &args.svg {
        let labelled: Vec<(&str, &Outcome)> = runs
            .iter()
            .map(|o| (o.scenario.policy.kind.as_str(), o))
            .collect();
        write_chart(path, &labelled)?;
    }
    match args.format {
        Format::Json => super::json(&Comparison { runs: &runs }),
        Format::Text => Ok(render_comparison(&runs)),
    }
}

/// Lines of the waiting time per class over time, one set per labelled run: at each sample, how
/// long the longest-waiting order of the class has been waiting. (The mean wait of the orders
/// starting in an interval is in the JSON, but it has gaps while a class is starved.)
fn write_chart(path: &std::path::Path, runs: &[(&str, &Outcome)]) -> Result<()> {
    let mut names = Vec::new();
    let mut points: Vec<Vec<(f64, f64)>> = Vec::new();
    for (label, o) in runs {
        for s in &o.series.classes {
            names.push(if label.is_empty() {
                s.name.clone()
            } else {
                format!("{label}: {}", s.name)
            });
            points.push(
                o.series
                    .time
                    .iter()
                    .copied()
                    .zip(s.oldest_wait.iter().copied())
                    .collect(),
            );
        }
    }
    let series: Vec<Series<'_>> = names
        .iter()
        .zip(&points)
        .map(|(name, pts)| Series { name, points: pts })
        .collect();
    let first = runs.first().map(|(_, o)| *o);
    let title = first.map_or_else(String::new, |o| {
        format!(
            "{}: how long the longest-waiting order has waited, by class",
            o.scenario.name.as_deref().unwrap_or("spike")
        )
    });
    let chart = svg::lines(&title, "time (s)", "wait so far (s)", &series);
    std::fs::write(path, chart)
        .with_context(|| format!("cannot write the chart to {}", path.display()))
}

/// Seconds as a short duration: "0", "<1 µs", "40 µs", "1.3 ms", "12 ms", "2.37 s".
fn duration(s: Option<f64>) -> String {
    match s {
        None => "–".into(),
        Some(0.0) => "0".into(),
        Some(s) if s < 1e-6 => "<1 µs".into(),
        Some(s) if s < 1e-3 => format!("{:.0} µs", s * 1e6),
        Some(s) if s < 0.01 => format!("{:.1} ms", s * 1e3),
        Some(s) if s < 1.0 => format!("{:.0} ms", s * 1e3),
        Some(s) => format!("{s:.2} s"),
    }
}

fn percent(x: Option<f64>) -> String {
    match x {
        None => "–".into(),
        Some(x) if x > 0.0 && x < 0.001 => "<0.1%".into(),
        Some(x) if x < 1.0 && x > 0.9995 => ">99.9%".into(),
        Some(x) => format!("{:.1}%", x * 100.0),
    }
}

fn count_share(n: u64, of: u64) -> String {
    if n == 0 {
        "0".into()
    } else {
        format!("{} ({})", thousands(n), percent(Some(n as f64 / of as f64)))
    }
}

fn rate(x: f64) -> String {
    if x >= 100.0 || x == x.trunc() {
        thousands(x.round() as u64)
    } else {
        format!("{x:.2}")
    }
}

fn seconds(x: f64) -> String {
    if x == x.trunc() {
        format!("{x:.0} s")
    } else {
        format!("{x} s")
    }
}

fn money(x: f64) -> String {
    svg::short_number(x)
}

/// What the policy does, in words.
fn policy_text(o: &Outcome) -> String {
    let first: Vec<&str> = o
        .classes
        .iter()
        .filter(|c| c.priority_rank == 0)
        .map(|c| c.name.as_str())
        .collect();
    let shed: Vec<&str> = o
        .classes
        .iter()
        .filter(|c| c.sheddable)
        .map(|c| c.name.as_str())
        .collect();
    let policy = o.scenario.policy;
    match policy.kind {
        PolicyKind::Fifo => "fifo: one queue, first come first served.".into(),
        PolicyKind::Priority => format!(
            "priority: {} served first; each class first come first served.",
            first.join(", ")
        ),
        PolicyKind::PriorityShed => format!(
            "priority-shed: {} served first; {} turned away on arrival while {} or more orders wait.",
            first.join(", "),
            shed.join(", "),
            thousands(policy.queue_limit.unwrap_or(0))
        ),
    }
}

fn header(o: &Outcome) -> String {
    let sc = &o.scenario;
    let a = &sc.arrivals;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — seed {}",
        sc.name.as_deref().unwrap_or("spike scenario"),
        sc.seed
    );
    let spike = if a.spike_length > 0.0 && a.spike_multiple != 1.0 {
        format!(
            ", {}/s from {} to {} ({}x)",
            rate(a.peak_rate()),
            seconds(a.spike_start),
            seconds(a.spike_start + a.spike_length),
            a.spike_multiple
        )
    } else {
        String::new()
    };
    let mut lines = vec![
        format!(
            "Arrivals: {} orders/s{spike}; arrivals stop at {}.",
            rate(a.base_rate),
            seconds(a.horizon)
        ),
        format!(
            "Capacity: {} servers x {} orders/s = {} orders/s.{}",
            thousands(u64::from(sc.service.servers)),
            rate(sc.service.rate),
            rate(sc.service.capacity()),
            match sc.abandonment {
                None => " Clients never give up.".to_owned(),
                Some(ab) => match ab.distribution {
                    PatienceDistribution::Deterministic =>
                        format!(" Clients give up after waiting {}.", seconds(ab.patience)),
                    PatienceDistribution::Exponential => format!(
                        " Clients give up after waiting {} on average (exponential).",
                        seconds(ab.patience)
                    ),
                },
            }
        ),
        format!("Policy: {}", policy_text(o)),
    ];
    if sc.warmup > 0.0 {
        lines.push(format!(
            "Orders arriving before {} are not counted (warm-up).",
            seconds(sc.warmup)
        ));
    }
    for l in lines {
        out.push_str(&wrap(&l, 100, ""));
    }
    out
}

fn class_row(c: &ClassOutcome) -> Vec<String> {
    let possible = c.arrivals as f64 * c.value;
    vec![
        c.name.clone(),
        thousands(c.arrivals),
        count_share(c.served, c.arrivals),
        count_share(c.shed, c.arrivals),
        count_share(c.abandoned, c.arrivals),
        duration(c.wait.p50),
        duration(c.wait.p99),
        duration(c.latency.p99),
        format!("{} of {}", money(c.value_kept), money(possible)),
    ]
}

fn load_line(what: &str, p: &LoadPoint) -> String {
    match &p.mmc {
        Some(m) => format!(
            "- {what} {} orders/s (load {:.0}%): {} of orders wait, {} on average; p99 wait {}.",
            rate(p.arrival_rate),
            p.load * 100.0,
            percent(Some(m.p_wait)),
            duration(Some(m.mean_wait)),
            duration(Some(m.wait_quantile(0.99)))
        ),
        None => format!(
            "- {what} {} orders/s (load {:.0}%): no steady state; without give-ups or shedding the \
             queue grows by {} orders every second.",
            rate(p.arrival_rate),
            p.load * 100.0,
            rate(p.excess_rate)
        ),
    }
}

fn render(o: &Outcome) -> String {
    let mut out = header(o);
    out.push('\n');
    let mut rows = vec![
        [
            "class",
            "arrivals",
            "served",
            "shed",
            "gave up",
            "wait p50",
            "wait p99",
            "total p99",
            "value kept",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(o.classes.iter().map(class_row));
    let t = &o.total;
    let possible: f64 = o.classes.iter().map(|c| c.arrivals as f64 * c.value).sum();
    rows.push(vec![
        "all".into(),
        thousands(t.arrivals),
        count_share(t.served, t.arrivals),
        count_share(t.shed, t.arrivals),
        count_share(t.abandoned, t.arrivals),
        String::new(),
        String::new(),
        String::new(),
        format!("{} of {}", money(t.value_kept), money(possible)),
    ]);
    out.push_str(&table(&rows));
    out.push_str(&wrap(
        "wait: from arrival until processing starts; total: wait plus processing; both over \
         served orders.",
        100,
        "",
    ));
    out.push('\n');
    out.push_str(&wrap(
        &format!(
            "Servers were busy {:.0}% of the time until {}. The queue peaked at {} orders ({} \
             on average); the last order left at {:.2} s.",
            t.utilisation * 100.0,
            seconds(o.scenario.arrivals.horizon),
            thousands(t.peak_queue),
            if t.mean_queue >= 100.0 {
                thousands(t.mean_queue.round() as u64)
            } else {
                format!("{:.1}", t.mean_queue)
            },
            t.last_departure
        ),
        100,
        "",
    ));
    out.push('\n');
    out.push_str("Queueing theory (M/M/c, Erlang C; no give-ups, no shedding):\n");
    out.push_str(&wrap(&load_line("at", &o.steady_state.base), 100, ""));
    if o.scenario.arrivals.spike_length > 0.0 && o.scenario.arrivals.spike_multiple != 1.0 {
        out.push_str(&wrap(
            &load_line("at the spike's", &o.steady_state.peak),
            100,
            "",
        ));
    }
    out
}

fn render_comparison(runs: &[Outcome]) -> String {
    let Some(first) = runs.first() else {
        return String::new();
    };
    let mut out = header(first)
        .lines()
        .filter(|l| !l.starts_with("Policy:"))
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        });
    out.push_str("\nThe three policies on the same orders:\n\n");
    let mut rows = vec![
        [
            "policy",
            "class",
            "served",
            "shed",
            "gave up",
            "wait p99",
            "total p99",
            "value kept",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for o in runs {
        for (i, c) in o.classes.iter().enumerate() {
            rows.push(vec![
                if i == 0 {
                    o.scenario.policy.kind.to_string()
                } else {
                    String::new()
                },
                c.name.clone(),
                percent(c.served_fraction),
                percent(Some(c.shed as f64 / c.arrivals.max(1) as f64)),
                percent(Some(c.abandoned as f64 / c.arrivals.max(1) as f64)),
                duration(c.wait.p99),
                duration(c.latency.p99),
                money(c.value_kept),
            ]);
        }
        rows.push(vec![
            String::new(),
            "all".into(),
            percent(o.total.served_fraction),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            money(o.total.value_kept),
        ]);
    }
    out.push_str(&table(&rows));
    out.push('\n');
    for o in runs {
        out.push_str(&wrap(&policy_text(o), 100, "- "));
    }
    out
}
