//! Closed forms of the queues the spike simulator is checked against: Erlang B and C, the waits of
//! the M/M/c queue, and the blocking probability of the M/M/c/K queue.
//!
//! Notation: arrivals at rate λ per second, `c` servers each serving at rate μ per second
//! (exponential service), offered load a = λ/μ (in Erlangs), utilisation ρ = a/c.

/// Why a closed form could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum QueueingError {
    /// A queue needs at least one server.
    #[error("the number of servers must be at least 1")]
    NoServers,
    /// A rate or load was negative, zero where it must not be, infinite or not a number.
    #[error("{what} must be a finite number above zero (got {value})")]
    NotPositive {
        /// Which input.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A rate or load was negative, infinite or not a number.
    #[error("{what} must be a finite number, zero or more (got {value})")]
    Negative {
        /// Which input.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// Arrivals reach the service capacity: the queue grows without bound, so waits have no
    /// steady state.
    #[error(
        "the queue is unstable: arrivals ({arrival_rate}/s) reach the capacity ({capacity}/s), so \
         the queue grows without bound"
    )]
    Unstable {
        /// λ.
        arrival_rate: f64,
        /// c·μ.
        capacity: f64,
    },
    /// The system capacity K of an M/M/c/K queue counts the orders in service, so it cannot be
    /// below the number of servers.
    #[error("the system capacity ({capacity}) is below the number of servers ({servers})")]
    CapacityBelowServers {
        /// K.
        capacity: u32,
        /// c.
        servers: u32,
    },
}

fn non_negative(what: &'static str, value: f64) -> Result<f64, QueueingError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(QueueingError::Negative { what, value })
    }
}

fn positive(what: &'static str, value: f64) -> Result<f64, QueueingError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(QueueingError::NotPositive { what, value })
    }
}

/// Erlang B: the probability that all `servers` are busy in a loss system (M/M/c/c) offered
/// `offered_load` Erlangs. Computed by the recursion B₀ = 1, Bₖ = a·Bₖ₋₁ / (k + a·Bₖ₋₁), which
/// stays in [0, 1] and never overflows, unlike aᶜ/c!.
pub fn erlang_b(servers: u32, offered_load: f64) -> Result<f64, QueueingError> {
    if servers == 0 {
        return Err(QueueingError::NoServers);
    }
    let a = non_negative("the offered load", offered_load)?;
    let mut b = 1.0;
    for k in 1..=servers {
        b = a * b / (f64::from(k) + a * b);
    }
    Ok(b)
}

/// Erlang C: the probability that an arriving customer has to wait in an M/M/c queue offered
/// `offered_load` Erlangs, C = B / (1 − ρ + ρ·B). At or above saturation (a ≥ c) everyone waits
/// eventually, so the answer is 1.
pub fn erlang_c(servers: u32, offered_load: f64) -> Result<f64, QueueingError> {
    let b = erlang_b(servers, offered_load)?;
    let rho = offered_load / f64::from(servers);
    if rho >= 1.0 {
        return Ok(1.0);
    }
    Ok(b / (1.0 - rho + rho * b))
}

/// Steady-state figures of an M/M/c queue.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Mmc {
    /// Offered load a = λ/μ, in Erlangs.
    pub offered_load: f64,
    /// Utilisation ρ = a/c: the share of time a server is busy.
    pub utilisation: f64,
    /// Probability that an arrival waits (Erlang C).
    pub p_wait: f64,
    /// Mean wait in the queue Wq = C / (cμ − λ), in seconds.
    pub mean_wait: f64,
    /// Mean time in the system W = Wq + 1/μ, in seconds.
    pub mean_time_in_system: f64,
    /// Mean number waiting Lq = λ·Wq (Little's law).
    pub mean_queue: f64,
    /// The rate at which the queue drains, cμ − λ: waits beyond zero are exponential with it.
    pub drain_rate: f64,
}

impl Mmc {
    /// The `q`-quantile of the wait in the queue. P(Wq > t) = C·e^(−(cμ−λ)t), so the quantile is
    /// zero while q ≤ 1 − C and ln(C / (1 − q)) / (cμ − λ) above.
    pub fn wait_quantile(&self, q: f64) -> f64 {
        let tail = 1.0 - q;
        if tail >= self.p_wait || tail <= 0.0 {
            return if tail <= 0.0 { f64::INFINITY } else { 0.0 };
        }
        (self.p_wait / tail).ln() / self.drain_rate
    }
}

/// The M/M/c queue with arrivals at `arrival_rate` per second and `servers` servers each serving
/// `service_rate` per second. Fails when arrivals reach capacity: there is no steady state then.
pub fn mmc(arrival_rate: f64, service_rate: f64, servers: u32) -> Result<Mmc, QueueingError> {
    let lambda = non_negative("the arrival rate", arrival_rate)?;
    let mu = positive("the service rate", service_rate)?;
    if servers == 0 {
        return Err(QueueingError::NoServers);
    }
    let capacity = f64::from(servers) * mu;
    if lambda >= capacity {
        return Err(QueueingError::Unstable {
            arrival_rate: lambda,
            capacity,
        });
    }
    let a = lambda / mu;
    let p_wait = erlang_c(servers, a)?;
    let drain_rate = capacity - lambda;
    let mean_wait = p_wait / drain_rate;
    Ok(Mmc {
        offered_load: a,
        utilisation: a / f64::from(servers),
        p_wait,
        mean_wait,
        mean_time_in_system: mean_wait + 1.0 / mu,
        mean_queue: lambda * mean_wait,
        drain_rate,
    })
}

/// The blocking probability of an M/M/c/K queue: `servers` servers and room for `capacity`
/// customers in all (in service and waiting); an arrival finding `capacity` customers is turned
/// away. The stationary probabilities are pₙ ∝ aⁿ/n! for n ≤ c and aⁿ/(c!·cⁿ⁻ᶜ) above; they are
/// built as logarithms, each from the one before (log pₙ = log pₙ₋₁ + ln a − ln min(n, c)), and
/// normalised with the largest term factored out, so large c and K neither overflow nor underflow.
pub fn mmck_blocking(
    arrival_rate: f64,
    service_rate: f64,
    servers: u32,
    capacity: u32,
) -> Result<f64, QueueingError> {
    let lambda = non_negative("the arrival rate", arrival_rate)?;
    let mu = positive("the service rate", service_rate)?;
    if servers == 0 {
        return Err(QueueingError::NoServers);
    }
    if capacity < servers {
        return Err(QueueingError::CapacityBelowServers { capacity, servers });
    }
    if lambda == 0.0 {
        return Ok(0.0);
    }
    let ln_a = (lambda / mu).ln();
    let mut logs = Vec::with_capacity(capacity as usize + 1);
    let mut log_p = 0.0;
    logs.push(log_p);
    for n in 1..=capacity {
        log_p += ln_a - f64::from(n.min(servers)).ln();
        logs.push(log_p);
    }
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = logs.iter().map(|l| (l - top).exp()).sum();
    Ok((log_p - top).exp() / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn reference_values_of_the_brief() {
        let m = mmc(900.0, 10.0, 100).unwrap();
        assert!(close(m.p_wait, 0.21694, 1e-4), "{}", m.p_wait);
        assert!(close(m.mean_wait, 0.0021694, 1e-4), "{}", m.mean_wait);
        let b = mmck_blocking(1200.0, 10.0, 100, 120).unwrap();
        assert!(close(b, 0.16732, 1e-4), "{b}");
    }

    #[test]
    fn one_server_matches_textbook_forms() {
        // M/M/1: P(wait) = ρ, Wq = ρ/(μ−λ).
        let m = mmc(1.5, 2.0, 1).unwrap();
        assert!(close(m.p_wait, 0.75, 1e-12));
        assert!(close(m.mean_wait, 0.75 / 0.5, 1e-12));
        // M/M/1/K: blocking = (1−ρ)ρᴷ/(1−ρᴷ⁺¹).
        let rho: f64 = 3.0;
        let k = 5;
        let want = (1.0 - rho) * rho.powi(k) / (1.0 - rho.powi(k + 1));
        let got = mmck_blocking(3.0, 1.0, 1, 5).unwrap();
        assert!(close(got, want, 1e-12), "{got} vs {want}");
    }

    #[test]
    fn capacity_equal_to_servers_is_erlang_b() {
        for (c, a) in [(1_u32, 0.5), (10, 8.0), (150, 200.0), (5000, 4900.0)] {
            let b = erlang_b(c, a).unwrap();
            let k = mmck_blocking(a, 1.0, c, c).unwrap();
            assert!(close(b, k, 1e-9), "c={c} a={a}: {b} vs {k}");
        }
    }

    #[test]
    fn wait_quantile_inverts_the_tail() {
        let m = mmc(900.0, 10.0, 100).unwrap();
        assert_eq!(m.wait_quantile(0.5), 0.0);
        let t = m.wait_quantile(0.99);
        let tail = m.p_wait * (-m.drain_rate * t).exp();
        assert!(close(tail, 0.01, 1e-12));
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert_eq!(erlang_b(0, 1.0), Err(QueueingError::NoServers));
        assert!(matches!(
            erlang_b(3, -1.0),
            Err(QueueingError::Negative { .. })
        ));
        assert!(matches!(
            mmc(1000.0, 10.0, 100),
            Err(QueueingError::Unstable { .. })
        ));
        assert!(matches!(
            mmc(10.0, 0.0, 100),
            Err(QueueingError::NotPositive { .. })
        ));
        assert!(matches!(
            mmck_blocking(10.0, 1.0, 10, 9),
            Err(QueueingError::CapacityBelowServers { .. })
        ));
        assert_eq!(erlang_c(10, 12.0), Ok(1.0));
        assert_eq!(mmck_blocking(0.0, 1.0, 10, 10), Ok(0.0));
    }
}
