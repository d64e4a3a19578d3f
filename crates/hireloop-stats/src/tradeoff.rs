//! Launch trade-offs: a conversion gain against added latency, as a distribution.
//!
//! Revenue a day is `users × conversion × order value`. The launch lifts conversion by a relative
//! `lift` and adds latency; each +100 ms costs a relative `elasticity` of revenue, scaled linearly
//! with the latency added (and capped at all of it). With lifted conversion and the latency cost
//! both applied, revenue becomes `R (1 + lift)(1 − elasticity × latency / 100 ms)`, so
//!
//! ```text
//! gain = R × lift                       (the lift alone)
//! loss = R × elasticity × latency/100   (the latency alone, on today's revenue)
//! net  = gain − loss × (1 + lift)       (the latency also costs part of the gain)
//! ```
//!
//! The elasticity is uncertain (published figures run from 0.2% to 7% per 100 ms), so it is a
//! distribution — by default a lognormal with a 90% interval from 0.3% to 3% — and the answer is
//! the probability that the net is positive, not one number. Any input can be an expression of
//! the estimate language (`"80M to 120M"`); the model is run by the estimate engine.

use serde::Serialize;

use crate::estimate::{
    self, Bin, EstimateError, Estimator, ExprKind, InputShare, Problem, Samples, Settings, Summary,
};

/// The default elasticity: revenue lost per +100 ms, a lognormal with this 90% interval.
pub const DEFAULT_ELASTICITY: &str = "0.3% to 3%";

/// What kind of quantity a published figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Revenue or sales.
    Revenue,
    /// Conversion rate.
    Conversion,
    /// Engagement (searches per user), not money.
    Engagement,
}

/// A published latency figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PublishedFigure {
    /// Stable id, as in the content's reference figures.
    pub id: &'static str,
    /// Who published it, and when.
    pub source: &'static str,
    /// What was found, in a sentence.
    pub finding: &'static str,
    /// The figure as a relative change per 100 ms (0.01 is 1%).
    pub per_100ms: f64,
    /// What it measures.
    pub measure: Measure,
}

/// The published figures, from reference/latency-elasticity.md (and the content's
/// `latency.*` figures, which a test keeps in step with this table).
pub const PUBLISHED: [PublishedFigure; 8] = [
    PublishedFigure {
        id: "latency.amazon-2006",
        source: "Amazon (Greg Linden, 2006)",
        finding: "+100 ms cost about 1% of sales (dated, weakly documented)",
        per_100ms: 0.01,
        measure: Measure::Revenue,
    },
    PublishedFigure {
        id: "latency.bing-2013",
        source: "Bing (Kohavi et al., KDD 2013)",
        finding: "100 ms of speed-up worth about 0.6% of revenue (well controlled)",
        per_100ms: 0.006,
        measure: Measure::Revenue,
    },
    PublishedFigure {
        id: "latency.akamai-2017.desktop",
        source: "Akamai/SOASTA (2017), desktop",
        finding: "+100 ms: conversion −2.4%",
        per_100ms: 0.024,
        measure: Measure::Conversion,
    },
    PublishedFigure {
        id: "latency.akamai-2017.smartphone",
        source: "Akamai/SOASTA (2017), smartphone",
        finding: "+100 ms: conversion −7.1% (mobile upper bound)",
        per_100ms: 0.071,
        measure: Measure::Conversion,
    },
    PublishedFigure {
        id: "latency.akamai-2017.tablet",
        source: "Akamai/SOASTA (2017), tablet",
        finding: "+100 ms: conversion −3.8%",
        per_100ms: 0.038,
        measure: Measure::Conversion,
    },
    PublishedFigure {
        id: "latency.google-2009",
        source: "Google (Brutlag, 2009)",
        finding: "+100 to +400 ms: −0.2% to −0.6% searches per user, persisting",
        per_100ms: 0.002,
        measure: Measure::Engagement,
    },
    PublishedFigure {
        id: "latency.deloitte-2020",
        source: "Deloitte, Milliseconds Make Millions (2020)",
        finding: "0.1 s faster on mobile: retail conversion +8.4% (optimistic bound)",
        per_100ms: 0.084,
        measure: Measure::Conversion,
    },
    PublishedFigure {
        id: "latency.walmart",
        source: "Walmart, cited by Akamai",
        finding: "each 100 ms faster: up to +1% revenue",
        per_100ms: 0.01,
        measure: Measure::Revenue,
    },
];

/// The question, each quantity an expression of the estimate language (`"100M"`, `"3%"`,
/// `"80M to 120M"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TradeoffSpec<'a> {
    /// Users a day.
    pub users: &'a str,
    /// Share of users who order.
    pub conversion: &'a str,
    /// Average order value.
    pub aov: &'a str,
    /// Relative lift of conversion from the launch (`1%` is conversion × 1.01).
    pub conversion_lift: &'a str,
    /// Latency the launch adds, in milliseconds (negative for a speed-up).
    pub latency_ms: f64,
    /// Relative revenue lost per +100 ms.
    pub elasticity: &'a str,
}

/// Why a trade-off could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TradeoffError {
    /// One input is not a valid expression.
    #[error("--{flag}: {problem}")]
    Input {
        /// The input's flag name, such as `users`.
        flag: &'static str,
        /// What is wrong, placed in the input's text.
        problem: Problem,
    },
    /// The latency is not a finite number.
    #[error("the latency must be a finite number of milliseconds")]
    Latency,
    /// Sampling failed.
    #[error(transparent)]
    Estimate(#[from] EstimateError),
}

/// The net at one published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceNet {
    /// The figure.
    #[serde(flatten)]
    pub figure: PublishedFigure,
    /// Revenue lost a day at this figure (mean over the other inputs' uncertainty).
    pub loss: f64,
    /// Net revenue effect a day at this figure (mean).
    pub net: f64,
    /// Net as a share of today's revenue (mean).
    pub net_relative: f64,
}

/// The inputs as given (each an expression of the estimate language).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradeoffInputs {
    /// Users a day.
    pub users: String,
    /// Conversion.
    pub conversion: String,
    /// Average order value.
    pub aov: String,
    /// Relative conversion lift.
    pub conversion_lift: String,
    /// Added latency, ms.
    pub latency_ms: f64,
    /// Revenue lost per +100 ms.
    pub elasticity: String,
}

/// The trade-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tradeoff {
    /// Samples drawn.
    pub samples: usize,
    /// Seed used.
    pub seed: u64,
    /// The question.
    pub inputs: TradeoffInputs,
    /// Revenue a day today.
    pub revenue: Summary,
    /// Revenue gained a day from the lift alone.
    pub gain: Summary,
    /// Revenue lost a day from the latency alone.
    pub loss: Summary,
    /// Net revenue effect a day.
    pub net: Summary,
    /// Net as a share of today's revenue.
    pub net_relative: Summary,
    /// Probability that the net is above zero.
    pub p_net_positive: f64,
    /// The revenue lost per +100 ms at which the launch breaks even, when lift and latency are
    /// fixed numbers and latency is added.
    pub break_even_elasticity: Option<f64>,
    /// Histogram of the net.
    pub histogram: Vec<Bin>,
    /// Each uncertain input's share of the variance of the net.
    pub shares: Vec<InputShare>,
    /// The net at each published figure.
    pub sources: Vec<SourceNet>,
    /// The model run, in the estimate language (`hireloop estimate` runs it as is).
    pub model: String,
}

/// Reads a latency: `100ms`, `0.1s` or a bare number of milliseconds.
pub fn parse_latency(text: &str) -> Option<f64> {
    let t = text.trim();
    let (number, scale) = if let Some(ms) = t.strip_suffix("ms") {
        (ms, 1.0)
    } else if let Some(s) = t.strip_suffix('s') {
        (s, 1000.0)
    } else {
        (t, 1.0)
    };
    let v: f64 = number.trim().parse().ok()?;
    let ms = v * scale;
    ms.is_finite().then_some(ms)
}

fn contains_name(e: &estimate::Expr) -> Option<&estimate::Expr> {
    match &e.kind {
        ExprKind::Name(_) => Some(e),
        ExprKind::Number(_) => None,
        ExprKind::Neg(a) => contains_name(a),
        ExprKind::Binary(_, a, b) | ExprKind::Range(a, b) => {
            contains_name(a).or_else(|| contains_name(b))
        }
        ExprKind::Call(_, args) => args.iter().find_map(contains_name),
    }
}

/// Parses one input; names are refused, since the input stands alone.
fn input(flag: &'static str, text: &str) -> Result<String, TradeoffError> {
    let e = estimate::parse_expression(text)
        .map_err(|problem| TradeoffError::Input { flag, problem })?;
    if let Some(n) = contains_name(&e) {
        let ExprKind::Name(name) = &n.kind else {
            return Ok(e.to_string());
        };
        return Err(TradeoffError::Input {
            flag,
            problem: Problem {
                line: n.line,
                column: n.column,
                message: format!("unknown name `{name}`: give a number or a distribution"),
                hint: Some("for example `3%`, `100M` or `2% to 4%`".into()),
            },
        });
    }
    // Check the input alone, so its problems point into its own text, not the model's.
    Estimator::parse(&format!("x = {text}")).map_err(|err| TradeoffError::Input {
        flag,
        problem: err
            .problems
            .into_iter()
            .next()
            .map(|mut p| {
                p.column = p.column.saturating_sub(4).max(1);
                p
            })
            .unwrap_or_else(|| Problem {
                line: 1,
                column: 1,
                message: "invalid input".into(),
                hint: None,
            }),
    })?;
    Ok(e.to_string())
}

/// Writes a number so that the estimate language reads back the same double.
fn literal(v: f64) -> String {
    let e = estimate::Expr::new(ExprKind::Number(v));
    e.to_string()
}

fn model_text(inputs: &TradeoffInputs, elasticity: &str) -> String {
    format!(
        "# Launch trade-off: conversion gain against added latency (per day)\n\
         users = {}\n\
         conversion = {}\n\
         aov = {}\n\
         lift = {}\n\
         elasticity = {elasticity}   # revenue lost per +100 ms\n\
         latency_ms = {}\n\
         revenue = users * conversion * aov\n\
         gain = revenue * lift\n\
         loss = revenue * min(elasticity * latency_ms / 100, 1)\n\
         net = gain - loss * (1 + lift)\n",
        inputs.users,
        inputs.conversion,
        inputs.aov,
        inputs.conversion_lift,
        literal(inputs.latency_ms),
    )
}

fn mean_of(sim: &estimate::Simulation, name: &str) -> f64 {
    sim.summary(name).map_or(f64::NAN, |s| s.mean)
}

/// Computes the trade-off.
pub fn analyse(spec: &TradeoffSpec<'_>, settings: &Settings) -> Result<Tradeoff, TradeoffError> {
    if !spec.latency_ms.is_finite() {
        return Err(TradeoffError::Latency);
    }
    // The model is written from the parsed inputs, printed back: whatever the text given, only
    // a valid expression lands in the model.
    let canonical = TradeoffInputs {
        users: input("users", spec.users)?,
        conversion: input("conversion", spec.conversion)?,
        aov: input("aov", spec.aov)?,
        conversion_lift: input("conversion-lift", spec.conversion_lift)?,
        latency_ms: spec.latency_ms,
        elasticity: input("elasticity", spec.elasticity)?,
    };
    let inputs = TradeoffInputs {
        users: spec.users.trim().to_string(),
        conversion: spec.conversion.trim().to_string(),
        aov: spec.aov.trim().to_string(),
        conversion_lift: spec.conversion_lift.trim().to_string(),
        latency_ms: spec.latency_ms,
        elasticity: spec.elasticity.trim().to_string(),
    };
    let model = model_text(&canonical, &canonical.elasticity);
    const KEEP: [&str; 4] = ["revenue", "gain", "loss", "net"];
    let sim = Estimator::parse(&model)
        .map_err(EstimateError::from)?
        .simulate_keeping(settings, &KEEP)?;
    let summary = |name: &str| sim.summary(name).unwrap_or_else(estimate_nan);
    let revenue = summary("revenue");
    let net = summary("net");
    let net_relative = match (sim.samples("net"), sim.samples("revenue")) {
        (Some(n), Some(r)) => relative(n, r),
        _ => estimate_nan(),
    };
    let lift = match sim.samples("lift") {
        Some(Samples::Fixed(v)) => Some(v),
        _ => None,
    };
    let break_even_elasticity = lift
        .filter(|_| spec.latency_ms > 0.0)
        .map(|l| l / ((1.0 + l) * spec.latency_ms / 100.0));
    let estimate = sim.estimate();
    let mut sources = Vec::with_capacity(PUBLISHED.len());
    for figure in PUBLISHED {
        let text = model_text(&canonical, &literal(figure.per_100ms));
        let at = Estimator::parse(&text)
            .map_err(EstimateError::from)?
            .simulate_keeping(settings, &KEEP)?;
        let revenue_mean = mean_of(&at, "revenue");
        let net_mean = mean_of(&at, "net");
        let net_rel = match (at.samples("net"), at.samples("revenue")) {
            (Some(n), Some(r)) => relative(n, r).mean,
            _ => net_mean / revenue_mean,
        };
        sources.push(SourceNet {
            figure,
            loss: mean_of(&at, "loss"),
            net: net_mean,
            net_relative: net_rel,
        });
    }
    Ok(Tradeoff {
        samples: settings.samples,
        seed: settings.seed,
        revenue,
        gain: summary("gain"),
        loss: summary("loss"),
        net,
        net_relative,
        p_net_positive: sim.probability_above("net", 0.0).unwrap_or(f64::NAN),
        break_even_elasticity,
        histogram: estimate.histogram,
        shares: estimate.inputs,
        sources,
        model,
        inputs,
    })
}

fn estimate_nan() -> Summary {
    Summary {
        mean: f64::NAN,
        p5: f64::NAN,
        p25: f64::NAN,
        p50: f64::NAN,
        p75: f64::NAN,
        p95: f64::NAN,
    }
}

/// The summary of `net / revenue`, sample by sample.
fn relative(net: Samples<'_>, revenue: Samples<'_>) -> Summary {
    let values: Vec<f64> = match (net, revenue) {
        (Samples::Fixed(n), Samples::Fixed(r)) => vec![n / r],
        (Samples::Drawn(n), Samples::Fixed(r)) => n.iter().map(|x| x / r).collect(),
        (Samples::Fixed(n), Samples::Drawn(r)) => r.iter().map(|x| n / x).collect(),
        (Samples::Drawn(n), Samples::Drawn(r)) => n.iter().zip(r).map(|(x, y)| x / y).collect(),
    };
    estimate::summarise(&values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worked() -> TradeoffSpec<'static> {
        TradeoffSpec {
            users: "100M",
            conversion: "3%",
            aov: "200",
            conversion_lift: "1%",
            latency_ms: 100.0,
            elasticity: DEFAULT_ELASTICITY,
        }
    }

    #[test]
    fn latency_units() {
        assert_eq!(parse_latency("100ms"), Some(100.0));
        assert_eq!(parse_latency("0.25s"), Some(250.0));
        assert_eq!(parse_latency(" 80 "), Some(80.0));
        assert_eq!(parse_latency("fast"), None);
    }

    #[test]
    fn the_reference_worked_example() {
        let t = analyse(&worked(), &Settings::default()).unwrap();
        assert!((t.revenue.mean - 600e6).abs() < 1e-3);
        assert!((t.gain.mean - 6e6).abs() < 1e-6);
        let by_id = |id: &str| t.sources.iter().find(|s| s.figure.id == id).unwrap();
        let amazon = by_id("latency.amazon-2006");
        assert!((amazon.loss - 6e6).abs() < 1e-3);
        assert!(
            amazon.net_relative.abs() < 0.0005,
            "{}",
            amazon.net_relative
        );
        let bing = by_id("latency.bing-2013");
        assert!((bing.loss - 3.6e6).abs() < 1e-3);
        assert!(
            (bing.net_relative - 0.004).abs() < 0.0005,
            "{}",
            bing.net_relative
        );
        let akamai = by_id("latency.akamai-2017.smartphone");
        assert!((akamai.loss - 42.6e6).abs() < 1e-3);
        assert!(
            (akamai.net_relative + 0.062).abs() < 0.0005,
            "{}",
            akamai.net_relative
        );
        assert!(t.net.p5 <= t.net.p50 && t.net.p50 <= t.net.p95);
    }

    #[test]
    fn inputs_point_into_their_own_text() {
        let spec = TradeoffSpec {
            elasticity: "3% to 1%",
            ..worked()
        };
        let err = analyse(&spec, &Settings::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--elasticity: 1:1: the range `0.03 to 0.01` runs backwards"),
            "{err}"
        );
        let spec = TradeoffSpec {
            users: "10 0M",
            ..worked()
        };
        assert!(
            analyse(&spec, &Settings::default())
                .unwrap_err()
                .to_string()
                .starts_with("--users: 1:4:")
        );
        let spec = TradeoffSpec {
            aov: "price",
            ..worked()
        };
        assert!(
            analyse(&spec, &Settings::default())
                .unwrap_err()
                .to_string()
                .contains("unknown name `price`")
        );
    }
}
