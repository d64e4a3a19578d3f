//! The Bayesian view of a relative effect, as gbstats' `EffectBayesianABTest` with its default
//! uninformative prior: the posterior of the relative effect is normal with the frequentist
//! estimate as mean and its standard error as spread.

use serde::Serialize;

use crate::dist::{normal_cdf, normal_loss};

/// Chance to win and expected loss of shipping the treatment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bayesian {
    /// Posterior probability that the treatment is better than the control (higher, or lower
    /// for a metric where lower is better).
    pub chance_to_win: f64,
    /// Expected relative loss if the treatment is shipped: the posterior mean of how much worse
    /// it is, counting zero where it is better (gbstats' treatment risk).
    pub expected_loss: f64,
}

/// The posterior summary of a relative effect with estimate `mean` and standard error `sd`.
pub fn effect_posterior(mean: f64, sd: f64, higher_is_better: bool) -> Bayesian {
    let z = mean / sd;
    if higher_is_better {
        // Loss of shipping: E[max(−X, 0)] = σ·L(μ/σ).
        Bayesian {
            chance_to_win: normal_cdf(z),
            expected_loss: sd * normal_loss(z),
        }
    } else {
        Bayesian {
            chance_to_win: normal_cdf(-z),
            expected_loss: sd * normal_loss(-z),
        }
    }
}
