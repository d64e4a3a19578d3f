//! The decision: ship, don't ship or keep running, from the decision metric, the guardrails and
//! the sample-ratio check, with the reasons in words.
//!
//! The rules, per treatment:
//! - a broken traffic split (sample ratio mismatch) means nothing can be trusted: don't ship;
//! - a guardrail significantly worse blocks shipping;
//! - the decision metric significantly better (its confidence interval clear of zero) ships;
//!   significantly worse does not; otherwise the test keeps running.
//!
//! With several treatments, the best one that may ship is named; if none may, the test keeps
//! running while any treatment is still undecided. No correction for multiple comparisons is made
//! (as gbstats by default).

use serde::Serialize;

use super::Comparison;
use super::MetricReport;
use super::freq::Effect;
use super::input::Experiment;
use super::srm::{Srm, short_p};
use crate::dist::normal_quantile;

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Launch the treatment named in `variant`.
    Ship,
    /// Do not launch.
    DontShip,
    /// Not enough evidence yet.
    KeepRunning,
}

/// The decision with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Ship, don't ship or keep running.
    pub verdict: Verdict,
    /// The decision metric.
    pub metric: String,
    /// The treatment to ship (only when the verdict is `ship`).
    pub variant: Option<String>,
    /// Why, in sentences a reader can check against the numbers.
    pub reasons: Vec<String>,
}

/// How a metric moved for one treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Movement {
    Better,
    Worse,
    Unclear,
    Untestable,
}

fn movement(c: &Comparison, higher_is_better: bool, alpha: f64) -> Movement {
    let Some(e) = c.relative.or(c.absolute) else {
        return Movement::Untestable;
    };
    if e.p_value >= alpha {
        return Movement::Unclear;
    }
    if (e.effect > 0.0) == higher_is_better {
        Movement::Better
    } else {
        Movement::Worse
    }
}

/// The change as text: the relative effect in percent, or the absolute one when the control is 0.
pub(crate) fn describe(c: &Comparison, confidence: f64) -> String {
    let level = format!("{:.0}%", confidence * 100.0);
    match (c.relative, c.absolute) {
        (Some(e), _) => format!(
            "{} {} ({level} CI {} to {}, p = {})",
            c.variant,
            percent(e.effect),
            percent(e.ci[0]),
            percent(e.ci[1]),
            short_p(e.p_value)
        ),
        (None, Some(e)) => format!(
            "{} {:+.4} ({level} CI {:+.4} to {:+.4}, p = {})",
            c.variant,
            e.effect,
            e.ci[0],
            e.ci[1],
            short_p(e.p_value)
        ),
        (None, None) => format!("{} cannot be tested", c.variant),
    }
}

/// A probability in percent, without claiming certainty at the ends.
pub(crate) fn chance(c: f64) -> String {
    if c > 0.999 {
        ">99.9%".into()
    } else if c < 0.001 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", c * 100.0)
    }
}

/// A relative change as a signed percentage.
pub(crate) fn percent(x: f64) -> String {
    let digits = if x.abs() >= 0.0995 { 1 } else { 2 };
    let s = format!("{:+.digits$}%", x * 100.0);
    s.replace('-', "−")
}

/// Users per arm that would give 80% power to detect the observed effect, from the current
/// standard error (which shrinks as one over the square root of the users).
fn users_for_power(e: &Effect, n: f64, alpha: f64) -> Option<f64> {
    if e.effect == 0.0 || !e.se.is_finite() || e.se <= 0.0 {
        return None;
    }
    let z = normal_quantile(1.0 - alpha / 2.0) + normal_quantile(0.8);
    let se_needed = e.effect.abs() / z;
    Some(n * (e.se / se_needed).powi(2))
}

/// Decides from the metric reports (in the order of `exp.metrics`) and the sample-ratio check.
pub fn decide(exp: &Experiment, metrics: &[MetricReport], srm: &Srm) -> Decision {
    let dm = &exp.metrics[exp.decision_metric];
    let dm_report = &metrics[exp.decision_metric];
    let confidence = 1.0 - exp.alpha;
    let mut reasons = Vec::new();
    if let Some(w) = &srm.warning {
        reasons.push(w.clone());
        return Decision {
            verdict: Verdict::DontShip,
            metric: dm.name.clone(),
            variant: None,
            reasons,
        };
    }
    let mut candidates: Vec<(f64, &str)> = Vec::new();
    let mut blocked_any = false;
    let mut worse_any = false;
    let mut unclear: Vec<(&Comparison, f64)> = Vec::new();
    for (k, c) in dm_report.comparisons.iter().enumerate() {
        let mv = movement(c, dm.higher_is_better, exp.alpha);
        let what = match mv {
            Movement::Better => "significantly better",
            Movement::Worse => "significantly worse",
            Movement::Unclear => "not distinguishable from no change yet",
            Movement::Untestable => "not testable (a variant's values do not vary)",
        };
        let mut line = format!(
            "{} (decision metric): {} — {what}",
            dm.name,
            describe(c, confidence)
        );
        if let Some(b) = c.bayesian {
            line.push_str(&format!("; chance to win {}", chance(b.chance_to_win)));
        }
        reasons.push(line);
        let mut blocked = false;
        for &g in &exp.guardrails {
            let gm = &exp.metrics[g];
            let gc = &metrics[g].comparisons[k];
            let gmv = movement(gc, gm.higher_is_better, exp.alpha);
            let verdict = match gmv {
                Movement::Worse => {
                    blocked = true;
                    "significantly worse, which blocks shipping"
                }
                Movement::Better => "significantly better",
                Movement::Unclear => "not significantly worse",
                Movement::Untestable => "not testable",
            };
            reasons.push(format!(
                "{} (guardrail): {} — {verdict}",
                gm.name,
                describe(gc, confidence)
            ));
        }
        blocked_any |= blocked;
        match mv {
            Movement::Better if !blocked => {
                let e = c.relative.or(c.absolute).map_or(0.0, |e| e.effect);
                candidates.push((if dm.higher_is_better { e } else { -e }, c.variant.as_str()));
            }
            Movement::Worse => worse_any = true,
            Movement::Unclear | Movement::Untestable if !blocked => {
                let v = exp
                    .variants
                    .iter()
                    .position(|v| *v == c.variant)
                    .unwrap_or(exp.control);
                unclear.push((c, dm.summaries[v].n.min(dm.summaries[exp.control].n)));
            }
            _ => {}
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    if let Some(&(_, best)) = candidates.first() {
        let others = if candidates.len() > 1 {
            " (the largest improvement of those that may ship)"
        } else {
            ""
        };
        reasons.push(format!(
            "ship {best}: {} improved significantly and no guardrail got significantly worse{others}",
            dm.name
        ));
        return Decision {
            verdict: Verdict::Ship,
            metric: dm.name.clone(),
            variant: Some(best.to_string()),
            reasons,
        };
    }
    if !unclear.is_empty() {
        let mut line = format!(
            "keep running: the change in {} is not yet distinguishable from zero at {:.0}% confidence",
            dm.name,
            confidence * 100.0
        );
        let needed = unclear
            .iter()
            .filter_map(|(c, n)| {
                c.relative
                    .or(c.absolute)
                    .and_then(|e| users_for_power(&e, *n, exp.alpha))
            })
            .fold(f64::NAN, f64::min);
        if needed.is_finite() {
            line.push_str(&format!(
                "; if the observed effect is real, about {} users per arm would detect it 80% of the time",
                round_users(needed)
            ));
        }
        reasons.push(line);
        return Decision {
            verdict: Verdict::KeepRunning,
            metric: dm.name.clone(),
            variant: None,
            reasons,
        };
    }
    let why = match (blocked_any, worse_any) {
        (true, true) => format!(
            "{} got worse or a guardrail got significantly worse",
            dm.name
        ),
        (true, false) => "a guardrail got significantly worse".to_string(),
        _ => format!("{} got significantly worse", dm.name),
    };
    reasons.push(format!("don't ship: {why}"));
    Decision {
        verdict: Verdict::DontShip,
        metric: dm.name.clone(),
        variant: None,
        reasons,
    }
}

/// A user count rounded to two significant digits, with separators: 1234567 → "1,200,000".
fn round_users(n: f64) -> String {
    let n = n.ceil();
    let scale = 10f64.powi((n.log10().floor() as i32 - 1).max(0));
    hireloop_report::text::thousands(((n / scale).ceil() * scale) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_naturally() {
        assert_eq!(percent(0.0619), "+6.19%");
        assert_eq!(percent(-0.04536), "−4.54%");
        assert_eq!(percent(0.1067), "+10.7%");
    }

    #[test]
    fn user_counts_round_up_to_two_digits() {
        assert_eq!(round_users(1_234_567.0), "1,300,000");
        assert_eq!(round_users(38_210.2), "39,000");
        assert_eq!(round_users(7.0), "7");
    }
}
