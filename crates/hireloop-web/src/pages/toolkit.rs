//! The quantitative toolkit the data rounds lean on: a Monte Carlo estimate from the estimate
//! language, an A/B test readout from visitors and conversions, and a funnel from a pasted event
//! log. Each form posts to its own route and comes back to the toolkit page with its result; with
//! htmx only the result panel is replaced. Bad input says what is wrong and where (422).

use askama::Template;
use axum::Router;
use axum::extract::Form;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use hireloop_report::svg;
use hireloop_report::text::thousands as grouped;
use hireloop_stats::ab::{
    self, ExperimentInput, MetricInput, MetricKind, Report, SufficientStats, Verdict,
};
use hireloop_stats::estimate::{
    self, Bin, Estimate, EstimateError, Estimator, ModelError, Settings, VarianceScale,
};
use hireloop_stats::funnel::{self, FunnelError, FunnelReport, FunnelSpec, Order};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The most samples the web form draws (the command line goes further).
pub const MAX_WEB_SAMPLES: usize = 1_000_000;
/// The longest estimate model accepted, in bytes.
const MAX_MODEL: usize = 20_000;
/// The largest event log accepted, in bytes.
pub const MAX_CSV: usize = 1024 * 1024;

/// The routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/toolkit", get(page))
        .route("/toolkit/estimate", post(estimate_post))
        .route("/toolkit/ab", post(ab_post))
        .route("/toolkit/funnel", post(funnel_post))
}

const EXAMPLE_MODEL: &str = "# GMV of a shopping festival, in CNY\n\
buyers = 300M to 500M          # 90% sure it lies in this range\n\
orders_per_buyer = 2 to 6\n\
aov = 150 to 400               # average order value\n\
gmv = buyers * orders_per_buyer * aov\n";

const EXAMPLE_CSV: &str = "user_id,event,timestamp,device\n\
u1,view,2025-11-11T00:01:00Z,app\n\
u1,cart,2025-11-11T00:03:00Z,app\n\
u1,pay,2025-11-11T00:04:30Z,app\n\
u2,view,2025-11-11T00:02:00Z,web\n\
u2,cart,2025-11-11T00:09:00Z,web\n\
u3,view,2025-11-11T00:05:00Z,app\n\
u3,cart,2025-11-11T00:06:00Z,app\n\
u3,pay,2025-11-11T00:20:00Z,app\n\
u4,view,2025-11-11T00:07:00Z,web\n\
u5,view,2025-11-11T00:08:00Z,app\n\
u5,pay,2025-11-11T00:09:00Z,app\n\
u6,cart,2025-11-11T00:10:00Z,web\n\
u6,view,2025-11-11T00:12:00Z,web\n";

// ----- forms -----------------------------------------------------------------------------------

/// The estimate form.
#[derive(Debug, Clone, Deserialize)]
struct EstimateForm {
    #[serde(default)]
    model: String,
    #[serde(default)]
    samples: String,
    #[serde(default)]
    seed: String,
}

impl Default for EstimateForm {
    fn default() -> Self {
        EstimateForm {
            model: EXAMPLE_MODEL.to_owned(),
            samples: estimate::DEFAULT_SAMPLES.to_string(),
            seed: estimate::DEFAULT_SEED.to_string(),
        }
    }
}

/// The A/B form: two variants' visitors and conversions, optionally revenue per visitor.
#[derive(Debug, Clone, Deserialize)]
struct AbForm {
    #[serde(default)]
    control_visitors: String,
    #[serde(default)]
    control_conversions: String,
    #[serde(default)]
    treatment_visitors: String,
    #[serde(default)]
    treatment_conversions: String,
    #[serde(default)]
    control_revenue_mean: String,
    #[serde(default)]
    control_revenue_sd: String,
    #[serde(default)]
    treatment_revenue_mean: String,
    #[serde(default)]
    treatment_revenue_sd: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    decide: String,
}

impl Default for AbForm {
    fn default() -> Self {
        AbForm {
            control_visitors: "100000".to_owned(),
            control_conversions: "4000".to_owned(),
            treatment_visitors: "100400".to_owned(),
            treatment_conversions: "4300".to_owned(),
            control_revenue_mean: String::new(),
            control_revenue_sd: String::new(),
            treatment_revenue_mean: String::new(),
            treatment_revenue_sd: String::new(),
            confidence: "95".to_owned(),
            decide: "conversion".to_owned(),
        }
    }
}

/// The funnel form.
#[derive(Debug, Clone, Deserialize)]
struct FunnelForm {
    #[serde(default)]
    csv: String,
    #[serde(default)]
    steps: String,
    #[serde(default)]
    window: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    exclude: String,
    #[serde(default)]
    breakdown: String,
}

impl Default for FunnelForm {
    fn default() -> Self {
        FunnelForm {
            csv: EXAMPLE_CSV.to_owned(),
            steps: "view, cart, pay".to_owned(),
            window: "1d".to_owned(),
            order: "ordered".to_owned(),
            exclude: String::new(),
            breakdown: String::new(),
        }
    }
}

// ----- shared views ----------------------------------------------------------------------------

/// A problem at a place in a text the user typed.
struct PlaceView {
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
    /// The line as typed, and a caret under the column.
    source: String,
    caret: String,
}

/// Why a calculator refused its input.
struct ErrorView {
    /// The id of the input at fault.
    field: &'static str,
    message: String,
    places: Vec<PlaceView>,
}

impl ErrorView {
    fn new(field: &'static str, message: impl Into<String>) -> ErrorView {
        ErrorView {
            field,
            message: message.into(),
            places: Vec::new(),
        }
    }
}

fn place(
    text: &str,
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
) -> PlaceView {
    let source: String = text
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let caret = format!("{}^", " ".repeat(column.saturating_sub(1).min(200)));
    PlaceView {
        line,
        column,
        message,
        hint,
        source,
        caret,
    }
}

/// A number for a reader: four significant digits, thousands as k, M, B and T from 10,000.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let steps = [(1e12, " T"), (1e9, " B"), (1e6, " M"), (1e4, " k")];
    let (v, suffix) = steps
        .iter()
        .find(|(size, _)| x.abs() >= *size)
        .map_or((x, ""), |(size, s)| {
            (x / if *size == 1e4 { 1e3 } else { *size }, *s)
        });
    if v == 0.0 {
        return "0".to_owned();
    }
    let whole_digits = v.abs().log10().floor() as i64 + 1;
    let decimals = usize::try_from((4 - whole_digits).clamp(0, 10)).unwrap_or(0);
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    format!("{}{suffix}", s.replace('-', "−"))
}

fn pct(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    format!("{:.decimals$}%", x * 100.0).replace('-', "−")
}

fn signed_pct(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    format!("{:+.2}%", x * 100.0).replace('-', "−")
}

// ----- estimate --------------------------------------------------------------------------------

struct StatView {
    key: &'static str,
    label: &'static str,
    value: f64,
    text: String,
}

struct ShareView {
    name: String,
    definition: String,
    percent: String,
    width: u32,
    used: bool,
}

struct EstimateView {
    name: String,
    samples: String,
    seed: u64,
    stats: Vec<StatView>,
    range: String,
    exact: bool,
    shares: Vec<ShareView>,
    scale: String,
    interactions: Option<String>,
    /// The input that drives the spread most, with its share.
    top: Option<(String, String)>,
    chart: String,
}

fn parse_count(field: &'static str, text: &str, default: usize) -> Result<usize, ErrorView> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    if t.is_empty() {
        return Ok(default);
    }
    let (digits, scale) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1_000.0),
        Some((i, 'M' | 'm')) => (&t[..i], 1_000_000.0),
        _ => (t.as_str(), 1.0),
    };
    digits
        .parse::<f64>()
        .ok()
        .map(|v| v * scale)
        .filter(|v| v.is_finite() && *v >= 0.0 && v.fract() == 0.0)
        .map(|v| v as usize)
        .ok_or_else(|| {
            ErrorView::new(
                field,
                format!(
                    "`{}` is not a whole number (such as 100000 or 100k)",
                    text.trim()
                ),
            )
        })
}

fn model_problems(text: &str, err: &ModelError) -> ErrorView {
    let n = err.problems.len();
    ErrorView {
        field: "model",
        message: if n == 1 {
            "The model has a problem:".to_owned()
        } else {
            format!("The model has {n} problems:")
        },
        places: err
            .problems
            .iter()
            .map(|p| place(text, p.line, p.column, p.message.clone(), p.hint.clone()))
            .collect(),
    }
}

/// The bars between the 0.5th and 99.5th percentiles: the tail bars, which run to the extremes,
/// would squash the picture. They are told apart from the equal inner bars by their width.
fn inner_bins(bins: &[Bin]) -> Vec<(f64, f64, u64)> {
    let all = || bins.iter().map(|b| (b.lo, b.hi, b.count)).collect();
    if bins.len() <= estimate::HISTOGRAM_BARS {
        return all();
    }
    let width = |b: &Bin| b.hi - b.lo;
    let inner = width(&bins[bins.len() / 2]);
    let same = |b: &Bin| (width(b) - inner).abs() <= inner.abs() * 1e-6;
    let start = usize::from(!same(&bins[0]) || bins.len() == estimate::HISTOGRAM_BARS + 2);
    bins.iter()
        .skip(start)
        .take(estimate::HISTOGRAM_BARS)
        .map(|b| (b.lo, b.hi, b.count))
        .collect()
}

fn estimate_view(est: &Estimate) -> EstimateView {
    let r = &est.result;
    let stats = [
        ("mean", "Mean", r.mean),
        ("p5", "5th percentile", r.p5),
        ("p25", "25th percentile", r.p25),
        ("p50", "Median", r.p50),
        ("p75", "75th percentile", r.p75),
        ("p95", "95th percentile", r.p95),
    ]
    .into_iter()
    .map(|(key, label, value)| StatView {
        key,
        label,
        value,
        text: num(value),
    })
    .collect();
    let mut inputs: Vec<_> = est.inputs.iter().collect();
    inputs.sort_by(|a, b| b.share_of_variance.total_cmp(&a.share_of_variance));
    let explained: f64 = inputs.iter().map(|i| i.share_of_variance).sum();
    let title = format!(
        "{} — median {}, 90% between {} and {}",
        est.name,
        num(r.p50),
        num(r.p5),
        num(r.p95)
    );
    let x_label = format!("{} (0.5th to 99.5th percentile)", est.name);
    let bins = inner_bins(&est.histogram);
    let chart = svg::histogram(&svg::Histogram {
        title: &title,
        x_label: &x_label,
        bins: &bins,
        markers: &[(r.p5, "p5"), (r.p50, "median"), (r.p95, "p95")],
    });
    EstimateView {
        name: est.name.clone(),
        samples: grouped(est.samples as u64),
        seed: est.seed,
        stats,
        range: format!("{} to {}", num(r.p5), num(r.p95)),
        exact: est.inputs.is_empty(),
        shares: inputs
            .iter()
            .map(|i| ShareView {
                name: i.name.clone(),
                definition: i.definition.clone(),
                percent: format!("{:.0}%", i.share_of_variance * 100.0),
                width: (i.share_of_variance.clamp(0.0, 1.0) * 100.0).round() as u32,
                used: i.used,
            })
            .collect(),
        scale: match est.variance_scale {
            VarianceScale::Log => format!(
                "Shares of the variance of log({}): the result is a product, so its spread is \
                 read in orders of magnitude.",
                est.name
            ),
            VarianceScale::Linear => format!("Shares of the variance of {}.", est.name),
        },
        interactions: (!inputs.is_empty() && explained < 0.98).then(|| {
            format!(
                "{:.0}% of the spread comes from inputs acting together rather than alone.",
                (1.0 - explained).max(0.0) * 100.0
            )
        }),
        top: inputs
            .first()
            .filter(|i| i.share_of_variance > 0.0)
            .map(|i| {
                (
                    i.name.clone(),
                    format!("{:.0}%", i.share_of_variance * 100.0),
                )
            }),
        chart,
    }
}

async fn run_estimate(form: &EstimateForm) -> Result<EstimateView, ErrorView> {
    if form.model.len() > MAX_MODEL {
        return Err(ErrorView::new(
            "model",
            format!(
                "the model has {} bytes; an estimate fits in {MAX_MODEL}",
                form.model.len()
            ),
        ));
    }
    if form.model.trim().is_empty() {
        return Err(ErrorView::new(
            "model",
            "write the model: one `name = expression` per line, the last line is the result",
        ));
    }
    let samples = parse_count("samples", &form.samples, estimate::DEFAULT_SAMPLES)?;
    if !(estimate::MIN_SAMPLES..=MAX_WEB_SAMPLES).contains(&samples) {
        return Err(ErrorView::new(
            "samples",
            format!(
                "{} samples asked for; use between {} and {} here",
                grouped(samples as u64),
                estimate::MIN_SAMPLES,
                grouped(MAX_WEB_SAMPLES as u64)
            ),
        ));
    }
    let seed = match form.seed.trim() {
        "" => estimate::DEFAULT_SEED,
        s => s.parse::<u64>().map_err(|_| {
            ErrorView::new("seed", format!("`{s}` is not a whole number from 0 up"))
        })?,
    };
    let estimator = Estimator::parse(&form.model).map_err(|e| model_problems(&form.model, &e))?;
    let settings = Settings {
        samples,
        seed,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
    };
    let model = form.model.clone();
    let result =
        tokio::task::spawn_blocking(move || estimator.simulate(&settings).map(|s| s.estimate()))
            .await
            .map_err(|e| {
                tracing::error!(cause = %e, "estimate failed");
                ErrorView::new(
                    "model",
                    "the estimate failed on our side; nothing was saved",
                )
            })?;
    match result {
        Ok(est) => Ok(estimate_view(&est)),
        Err(EstimateError::Model(m)) => Err(model_problems(&model, &m)),
        Err(e @ EstimateError::Samples { .. }) => Err(ErrorView::new("samples", e.to_string())),
        Err(EstimateError::NotFinite {
            line,
            column,
            name,
            count,
            samples,
        }) => Err(ErrorView {
            field: "model",
            message: "The model overflowed:".to_owned(),
            places: vec![place(
                &model,
                line,
                column,
                format!(
                    "`{name}` is not a finite number in {count} of {samples} samples (beyond \
                     about 1.8e308)"
                ),
                None,
            )],
        }),
    }
}

// ----- A/B -------------------------------------------------------------------------------------

struct MetricRow {
    name: String,
    control: String,
    treatment: String,
    change: String,
    ci: String,
    absolute: String,
    p_value: Option<f64>,
    p_text: String,
    chance: String,
    loss: String,
    class: &'static str,
    note: Option<String>,
}

struct AbView {
    verdict: &'static str,
    verdict_class: &'static str,
    metric: String,
    reasons: Vec<String>,
    srm_ok: bool,
    srm_p: String,
    users: String,
    srm_warning: Option<String>,
    confidence: String,
    rows: Vec<MetricRow>,
    chart: String,
}

fn parse_number(field: &'static str, label: &str, text: &str) -> Result<Option<f64>, ErrorView> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| ErrorView::new(field, format!("{label}: `{}` is not a number", text.trim())))
}

fn parse_required_count(field: &'static str, label: &str, text: &str) -> Result<f64, ErrorView> {
    match parse_number(field, label, text)? {
        None => Err(ErrorView::new(field, format!("{label}: enter a count"))),
        Some(v) if v < 0.0 || v.fract() != 0.0 => Err(ErrorView::new(
            field,
            format!("{label}: `{}` is not a whole number from 0 up", text.trim()),
        )),
        Some(v) => Ok(v),
    }
}

/// Revenue per visitor of one variant: mean and standard deviation over its visitors.
fn revenue_stats(
    label: &str,
    n: f64,
    mean: Option<f64>,
    sd: Option<f64>,
    fields: (&'static str, &'static str),
) -> Result<SufficientStats, ErrorView> {
    let mean = mean.ok_or_else(|| {
        ErrorView::new(
            fields.0,
            format!(
                "{label}: enter the mean revenue per visitor, or leave all revenue boxes empty"
            ),
        )
    })?;
    let sd = sd.ok_or_else(|| {
        ErrorView::new(
            fields.1,
            format!(
                "{label}: enter the standard deviation of revenue per visitor, or leave all \
                 revenue boxes empty"
            ),
        )
    })?;
    if sd < 0.0 {
        return Err(ErrorView::new(
            fields.1,
            format!("{label}: a standard deviation cannot be negative"),
        ));
    }
    Ok(SufficientStats::Mean {
        n,
        sum: mean * n,
        // The sample variance is (Σx² − (Σx)²/n) / (n − 1).
        sum_squares: sd * sd * (n - 1.0) + n * mean * mean,
    })
}

fn ab_input(form: &AbForm) -> Result<ExperimentInput, ErrorView> {
    let cv = parse_required_count(
        "control_visitors",
        "Control visitors",
        &form.control_visitors,
    )?;
    let cc = parse_required_count(
        "control_conversions",
        "Control conversions",
        &form.control_conversions,
    )?;
    let tv = parse_required_count(
        "treatment_visitors",
        "Treatment visitors",
        &form.treatment_visitors,
    )?;
    let tc = parse_required_count(
        "treatment_conversions",
        "Treatment conversions",
        &form.treatment_conversions,
    )?;
    for (field, label, n) in [
        ("control_visitors", "Control visitors", cv),
        ("treatment_visitors", "Treatment visitors", tv),
    ] {
        if n < 2.0 {
            return Err(ErrorView::new(
                field,
                format!("{label}: a test needs at least 2 visitors per variant"),
            ));
        }
    }
    for (field, label, c, n) in [
        ("control_conversions", "Control conversions", cc, cv),
        ("treatment_conversions", "Treatment conversions", tc, tv),
    ] {
        if c > n {
            return Err(ErrorView::new(
                field,
                format!(
                    "{label}: {} conversions out of {} visitors; at most every visitor converts",
                    grouped(c as u64),
                    grouped(n as u64)
                ),
            ));
        }
    }
    let revenue = [
        parse_number(
            "control_revenue_mean",
            "Control revenue per visitor",
            &form.control_revenue_mean,
        )?,
        parse_number(
            "control_revenue_sd",
            "Control revenue standard deviation",
            &form.control_revenue_sd,
        )?,
        parse_number(
            "treatment_revenue_mean",
            "Treatment revenue per visitor",
            &form.treatment_revenue_mean,
        )?,
        parse_number(
            "treatment_revenue_sd",
            "Treatment revenue standard deviation",
            &form.treatment_revenue_sd,
        )?,
    ];
    let variants = vec!["control".to_owned(), "treatment".to_owned()];
    let mut metrics = vec![MetricInput {
        name: "conversion".to_owned(),
        kind: MetricKind::Proportion,
        higher_is_better: true,
        stats: vec![
            (
                "control".to_owned(),
                SufficientStats::Proportion { n: cv, sum: cc },
            ),
            (
                "treatment".to_owned(),
                SufficientStats::Proportion { n: tv, sum: tc },
            ),
        ],
    }];
    let has_revenue = revenue.iter().any(Option::is_some);
    if has_revenue {
        let control = revenue_stats(
            "Control",
            cv,
            revenue[0],
            revenue[1],
            ("control_revenue_mean", "control_revenue_sd"),
        )?;
        let treatment = revenue_stats(
            "Treatment",
            tv,
            revenue[2],
            revenue[3],
            ("treatment_revenue_mean", "treatment_revenue_sd"),
        )?;
        metrics.push(MetricInput {
            name: "revenue per visitor".to_owned(),
            kind: MetricKind::Mean,
            higher_is_better: true,
            stats: vec![
                ("control".to_owned(), control),
                ("treatment".to_owned(), treatment),
            ],
        });
    }
    let decision_metric = match form.decide.as_str() {
        "" | "conversion" => "conversion",
        "revenue" if has_revenue => "revenue per visitor",
        "revenue" => {
            return Err(ErrorView::new(
                "decide",
                "to decide on revenue per visitor, enter both variants' revenue mean and \
                 standard deviation",
            ));
        }
        other => {
            return Err(ErrorView::new(
                "decide",
                format!("`{other}` is not a metric here: choose conversion or revenue"),
            ));
        }
    };
    let alpha = match form.confidence.trim() {
        "" | "95" => 0.05,
        "90" => 0.10,
        "99" => 0.01,
        other => {
            return Err(ErrorView::new(
                "confidence",
                format!("`{other}` is not offered: choose 90, 95 or 99"),
            ));
        }
    };
    Ok(ExperimentInput {
        variants,
        control: Some("control".to_owned()),
        metrics,
        decision_metric: Some(decision_metric.to_owned()),
        guardrails: Vec::new(),
        alpha: Some(alpha),
        weights: None,
    })
}

fn ab_view(r: &Report) -> AbView {
    let value = |kind: MetricKind, v: f64| match kind {
        MetricKind::Proportion => pct(v, 2),
        _ => num(v),
    };
    let rows: Vec<MetricRow> = r
        .metrics
        .iter()
        .flat_map(|m| {
            let of = |variant: &str| {
                m.values
                    .0
                    .iter()
                    .find(|(v, _)| v == variant)
                    .map_or(f64::NAN, |(_, x)| *x)
            };
            let control = value(m.kind, of(&r.control));
            m.comparisons.iter().map(move |c| {
                let (change, ci, p_value) = c.relative.map_or(
                    (
                        "–".to_owned(),
                        "–".to_owned(),
                        c.absolute.map(|a| a.p_value),
                    ),
                    |e| {
                        (
                            signed_pct(e.effect),
                            format!("{} to {}", signed_pct(e.ci[0]), signed_pct(e.ci[1])),
                            Some(e.p_value),
                        )
                    },
                );
                let absolute = c.absolute.map_or_else(
                    || "–".to_owned(),
                    |a| match m.kind {
                        MetricKind::Proportion => format!(
                            "{:+.2} points ({:+.2} to {:+.2})",
                            a.effect * 100.0,
                            a.ci[0] * 100.0,
                            a.ci[1] * 100.0
                        )
                        .replace('-', "−"),
                        _ => format!("{} ({} to {})", num(a.effect), num(a.ci[0]), num(a.ci[1])),
                    },
                );
                let class = match c.relative {
                    Some(e) if e.ci[0] > 0.0 => "good",
                    Some(e) if e.ci[1] < 0.0 => "bad",
                    _ => "",
                };
                MetricRow {
                    name: m.name.clone(),
                    control: control.clone(),
                    treatment: value(m.kind, of(&c.variant)),
                    change,
                    ci,
                    absolute,
                    p_text: p_value.map_or_else(
                        || "–".to_owned(),
                        |p| {
                            if p < 1e-4 {
                                "< 0.0001".to_owned()
                            } else {
                                format!("{p:.4}")
                            }
                        },
                    ),
                    p_value,
                    chance: c.bayesian.map_or_else(
                        || "–".to_owned(),
                        |b| match b.chance_to_win {
                            x if x > 0.999 => "> 99.9%".to_owned(),
                            x if x < 0.001 => "< 0.1%".to_owned(),
                            x => pct(x, 1),
                        },
                    ),
                    loss: c
                        .bayesian
                        .map_or_else(|| "–".to_owned(), |b| pct(b.expected_loss, 3)),
                    class,
                    note: c.note.clone(),
                }
            })
        })
        .collect();
    let (verdict, verdict_class) = match r.decision.verdict {
        Verdict::Ship => ("Ship", "good"),
        Verdict::DontShip => ("Don't ship", "bad"),
        Verdict::KeepRunning => ("Keep running", "warn"),
    };
    let labels: Vec<String> = r.metrics.iter().map(|m| m.name.clone()).collect();
    let intervals: Vec<svg::Interval<'_>> = r
        .metrics
        .iter()
        .zip(&labels)
        .filter_map(|(m, label)| m.comparisons.first().map(|c| (c, label)))
        .map(|(c, label)| {
            let (estimate, low, high) = c.relative.map_or((f64::NAN, f64::NAN, f64::NAN), |e| {
                (e.effect * 100.0, e.ci[0] * 100.0, e.ci[1] * 100.0)
            });
            svg::Interval {
                label,
                estimate,
                low,
                high,
            }
        })
        .collect();
    let confidence = format!("{:.0}%", r.confidence * 100.0);
    let chart = svg::intervals(
        &format!("Change against the control, with {confidence} confidence intervals"),
        "relative change (%)",
        &intervals,
    );
    AbView {
        verdict,
        verdict_class,
        metric: r.decision.metric.clone(),
        reasons: r.decision.reasons.clone(),
        srm_ok: r.srm.ok,
        srm_p: if r.srm.p_value < 1e-4 {
            format!("{:.1e}", r.srm.p_value)
        } else {
            format!("{:.4}", r.srm.p_value)
        },
        users: r
            .srm
            .users
            .iter()
            .map(|u| grouped(*u))
            .collect::<Vec<_>>()
            .join(" / "),
        srm_warning: r.srm.warning.clone(),
        confidence,
        rows,
        chart,
    }
}

fn run_ab(form: &AbForm) -> Result<AbView, ErrorView> {
    let input = ab_input(form)?;
    let experiment = ab::Experiment::build(input)
        .map_err(|e| ErrorView::new("control_visitors", e.to_string()))?;
    Ok(ab_view(&ab::analyse(&experiment)))
}

// ----- funnel ----------------------------------------------------------------------------------

struct StepRow {
    n: usize,
    event: String,
    users: u64,
    users_text: String,
    of_start: String,
    of_previous: String,
    median: String,
}

struct BreakdownRow {
    value: String,
    entered: String,
    conversions: Vec<String>,
}

struct FunnelView {
    path: String,
    order: &'static str,
    window: String,
    events: String,
    users: String,
    entered: String,
    steps: Vec<StepRow>,
    overall: Option<String>,
    worst: Option<String>,
    breakdown_column: Option<String>,
    breakdown_steps: Vec<String>,
    breakdown: Vec<BreakdownRow>,
    notes: Vec<String>,
    chart: String,
}

fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 60.0 {
        return format!("{s:.0} s");
    }
    let whole = s.round() as u64;
    let (days, hours, minutes) = (whole / 86_400, whole / 3_600 % 24, whole / 60 % 60);
    match (days, hours) {
        (0, 0) if whole.is_multiple_of(60) => format!("{minutes} min"),
        (0, 0) => format!("{minutes} min {} s", whole % 60),
        (0, h) => format!("{h} h {minutes} min"),
        (d, h) => format!("{d} d {h} h"),
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn funnel_error(e: FunnelError, breakdown: Option<&str>) -> ErrorView {
    let field = match &e {
        FunnelError::UnknownSteps { .. } | FunnelError::InvalidFunnel(_) => "steps",
        FunnelError::MissingColumn { column, .. } if Some(column.as_str()) == breakdown => {
            "breakdown"
        }
        _ => "csv",
    };
    ErrorView::new(field, e.to_string())
}

fn funnel_view(report: &FunnelReport, spec: &FunnelSpec, window: &str) -> FunnelView {
    let entered = report.steps.first().map_or(0, |s| s.users);
    let steps: Vec<StepRow> = report
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepRow {
            n: i + 1,
            event: s.event.clone(),
            users: s.users,
            users_text: grouped(s.users),
            of_start: pct(s.conversion_from_start, 1),
            of_previous: if i == 0 {
                String::new()
            } else {
                pct(s.conversion_from_previous, 1)
            },
            median: s
                .median_seconds_from_previous
                .map(duration)
                .unwrap_or_default(),
        })
        .collect();
    let labels: Vec<String> = steps
        .iter()
        .map(|s| format!("{}. {}", s.n, s.event))
        .collect();
    let bars: Vec<svg::Bar<'_>> = report
        .steps
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(i, (s, label))| svg::Bar {
            label,
            value: s.users as f64,
            caption: if i == 0 {
                format!("{} entered", grouped(s.users))
            } else {
                format!(
                    "{} · {} of start · {} of previous",
                    grouped(s.users),
                    pct(s.conversion_from_start, 1),
                    pct(s.conversion_from_previous, 1)
                )
            },
        })
        .collect();
    let chart = svg::bars(&format!("Funnel: {}", spec.steps.join(" → ")), &bars);
    let last = report.steps.last().filter(|_| report.steps.len() > 1);
    let worst = report.steps.iter().skip(1).min_by(|a, b| {
        a.conversion_from_previous
            .total_cmp(&b.conversion_from_previous)
    });
    let mut groups: Vec<_> = report.breakdown.iter().collect();
    groups.sort_by(|a, b| {
        let entered =
            |g: &hireloop_stats::funnel::BreakdownReport| g.steps.first().map_or(0, |s| s.users);
        entered(b.1).cmp(&entered(a.1)).then_with(|| a.0.cmp(b.0))
    });
    FunnelView {
        path: spec.steps.join(" → "),
        order: match spec.order {
            Order::Ordered => "in order, other events allowed in between",
            Order::Strict => "in strict order, nothing in between",
            Order::Any => "step 1 first, then the others in any order",
        },
        window: window.trim().to_owned(),
        events: grouped(report.events),
        users: grouped(report.users),
        entered: grouped(entered),
        steps,
        overall: last.map(|l| {
            format!(
                "{} of the users who entered reached {}.",
                pct(l.conversion_from_start, 1),
                l.event
            )
        }),
        worst: worst.filter(|_| report.steps.len() > 2).map(|w| {
            format!(
                "The biggest drop is before {}: only {} of the users at the step before got there.",
                w.event,
                pct(w.conversion_from_previous, 1)
            )
        }),
        breakdown_column: spec.breakdown.clone(),
        breakdown_steps: report
            .steps
            .iter()
            .skip(1)
            .map(|s| s.event.clone())
            .collect(),
        breakdown: groups
            .into_iter()
            .map(|(value, g)| BreakdownRow {
                value: if value.is_empty() {
                    "(empty)".to_owned()
                } else {
                    value.clone()
                },
                entered: grouped(g.steps.first().map_or(0, |s| s.users)),
                conversions: g
                    .steps
                    .iter()
                    .skip(1)
                    .map(|s| pct(s.conversion_from_start, 1))
                    .collect(),
            })
            .collect(),
        notes: report
            .unseen_exclusions
            .iter()
            .map(|e| {
                format!("The excluded event `{e}` never occurs in the log; check its spelling.")
            })
            .collect(),
        chart,
    }
}

async fn run_funnel(form: &FunnelForm) -> Result<FunnelView, ErrorView> {
    if form.csv.len() > MAX_CSV {
        return Err(ErrorView::new(
            "csv",
            format!(
                "the log has {} bytes; paste at most {} (1 MB) here, or use `hireloop funnel` \
                 on the command line for large files",
                grouped(form.csv.len() as u64),
                grouped(MAX_CSV as u64)
            ),
        ));
    }
    if form.csv.trim().is_empty() {
        return Err(ErrorView::new(
            "csv",
            "paste the event log: CSV with a header naming user_id, event and timestamp",
        ));
    }
    let steps = split_list(&form.steps);
    if steps.is_empty() {
        return Err(ErrorView::new(
            "steps",
            "name the steps: event names separated by commas, such as view, cart, pay",
        ));
    }
    let window_text = if form.window.trim().is_empty() {
        "1d"
    } else {
        form.window.trim()
    };
    let window = funnel::parse_window(window_text).ok_or_else(|| {
        ErrorView::new(
            "window",
            format!(
                "`{window_text}` is not a duration: write 30m, 2h, 1d, 7d or a number of seconds"
            ),
        )
    })?;
    let order = match form.order.as_str() {
        "" | "ordered" => Order::Ordered,
        "strict" => Order::Strict,
        "any" => Order::Any,
        other => {
            return Err(ErrorView::new(
                "order",
                format!("`{other}` is not an order: choose ordered, strict or any"),
            ));
        }
    };
    let breakdown = Some(form.breakdown.trim().to_owned()).filter(|b| !b.is_empty());
    let spec = FunnelSpec {
        steps,
        window_seconds: window,
        order,
        exclude: split_list(&form.exclude),
        breakdown,
    };
    let data = form.csv.clone().into_bytes();
    let spec_for_run = spec.clone();
    let report = tokio::task::spawn_blocking(move || funnel::analyze(&data, &spec_for_run, 1))
        .await
        .map_err(|e| {
            tracing::error!(cause = %e, "funnel failed");
            ErrorView::new("csv", "the funnel failed on our side; nothing was saved")
        })?
        .map_err(|e| funnel_error(e, spec.breakdown.as_deref()))?;
    Ok(funnel_view(&report, &spec, window_text))
}

// ----- pages -----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "toolkit.html")]
struct ToolkitPage {
    chrome: Chrome,
    title: String,
    est_form: EstimateForm,
    ab_form: AbForm,
    funnel_form: FunnelForm,
    estimate: Option<EstimateView>,
    estimate_error: Option<ErrorView>,
    ab: Option<AbView>,
    ab_error: Option<ErrorView>,
    funnel: Option<FunnelView>,
    funnel_error: Option<ErrorView>,
    max_samples: usize,
}

impl ToolkitPage {
    fn new(user: &SignedIn) -> ToolkitPage {
        ToolkitPage {
            chrome: Chrome::signed_in(user, "toolkit"),
            title: "Toolkit".to_owned(),
            est_form: EstimateForm::default(),
            ab_form: AbForm::default(),
            funnel_form: FunnelForm::default(),
            estimate: None,
            estimate_error: None,
            ab: None,
            ab_error: None,
            funnel: None,
            funnel_error: None,
            max_samples: MAX_WEB_SAMPLES,
        }
    }

    /// Whether input `field` is the one at fault in any calculator (it gets `aria-invalid`).
    fn invalid(&self, field: &str) -> bool {
        [&self.estimate_error, &self.ab_error, &self.funnel_error]
            .iter()
            .any(|e| e.as_ref().is_some_and(|e| e.field == field))
    }
}

#[derive(Template)]
#[template(path = "toolkit_estimate.html")]
struct EstimatePanel {
    estimate: Option<EstimateView>,
    estimate_error: Option<ErrorView>,
}

#[derive(Template)]
#[template(path = "toolkit_ab.html")]
struct AbPanel {
    ab: Option<AbView>,
    ab_error: Option<ErrorView>,
}

#[derive(Template)]
#[template(path = "toolkit_funnel.html")]
struct FunnelPanel {
    funnel: Option<FunnelView>,
    funnel_error: Option<ErrorView>,
}

async fn page(user: SignedIn) -> Result<Html<String>, WebError> {
    render(&ToolkitPage::new(&user))
}

fn status(failed: bool) -> StatusCode {
    if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

fn is_htmx(headers: &HeaderMap) -> bool {
    headers.contains_key("hx-request")
}

async fn estimate_post(
    user: SignedIn,
    headers: HeaderMap,
    Form(form): Form<EstimateForm>,
) -> Result<Response, WebError> {
    let (estimate, estimate_error) = match run_estimate(&form).await {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e)),
    };
    let code = status(estimate_error.is_some());
    if is_htmx(&headers) {
        let panel = render(&EstimatePanel {
            estimate,
            estimate_error,
        })?;
        return Ok((code, panel).into_response());
    }
    let page = ToolkitPage {
        est_form: form,
        estimate,
        estimate_error,
        ..ToolkitPage::new(&user)
    };
    Ok((code, render(&page)?).into_response())
}

async fn ab_post(
    user: SignedIn,
    headers: HeaderMap,
    Form(form): Form<AbForm>,
) -> Result<Response, WebError> {
    let (ab, ab_error) = match run_ab(&form) {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e)),
    };
    let code = status(ab_error.is_some());
    if is_htmx(&headers) {
        return Ok((code, render(&AbPanel { ab, ab_error })?).into_response());
    }
    let page = ToolkitPage {
        ab_form: form,
        ab,
        ab_error,
        ..ToolkitPage::new(&user)
    };
    Ok((code, render(&page)?).into_response())
}

async fn funnel_post(
    user: SignedIn,
    headers: HeaderMap,
    Form(form): Form<FunnelForm>,
) -> Result<Response, WebError> {
    let (funnel, funnel_error) = match run_funnel(&form).await {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e)),
    };
    let code = status(funnel_error.is_some());
    if is_htmx(&headers) {
        return Ok((
            code,
            render(&FunnelPanel {
                funnel,
                funnel_error,
            })?,
        )
            .into_response());
    }
    let page = ToolkitPage {
        funnel_form: form,
        funnel,
        funnel_error,
        ..ToolkitPage::new(&user)
    };
    Ok((code, render(&page)?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(14.142_135), "14.14");
        assert_eq!(num(328_660_000_000.0), "328.7 B");
        assert_eq!(num(15_000.0), "15 k");
        assert_eq!(num(-6_000_000.0), "−6 M");
        assert_eq!(num(0.012_345), "0.01235");
        assert_eq!(num(0.0), "0");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(12), "12");
        assert_eq!(duration(415.2), "6 min 55 s");
        assert_eq!(duration(120.0), "2 min");
        assert_eq!(duration(7_260.0), "2 h 1 min");
    }

    #[test]
    fn counts_take_suffixes() {
        assert_eq!(parse_count("samples", "100k", 5).ok(), Some(100_000));
        assert_eq!(
            parse_count("samples", " 1,000,000 ", 5).ok(),
            Some(1_000_000)
        );
        assert_eq!(parse_count("samples", "", 5).ok(), Some(5));
        assert!(parse_count("samples", "lots", 5).is_err());
        assert!(parse_count("samples", "1.5", 5).is_err());
    }

    #[test]
    fn tails_are_left_out_of_the_histogram() {
        let bar = |lo: f64, hi: f64| Bin { lo, hi, count: 1 };
        let mut bins = vec![bar(-100.0, 0.0)];
        bins.extend((0..20).map(|i| bar(f64::from(i), f64::from(i + 1))));
        assert_eq!(inner_bins(&bins).first().map(|b| b.0), Some(0.0));
        bins.push(bar(20.0, 500.0));
        assert_eq!(inner_bins(&bins).len(), 20);
        bins.remove(0);
        assert_eq!(inner_bins(&bins).last().map(|b| b.1), Some(20.0));
    }

    #[test]
    fn places_point_at_the_column() {
        let p = place("a = 1\nb = 2 +\n", 2, 7, "x".to_owned(), None);
        assert_eq!(p.source, "b = 2 +");
        assert_eq!(p.caret, "      ^");
    }
}
