"""Golden values for `hireloop ab` and `hireloop_stats::dist`, from gbstats 0.8.0, statsmodels and
scipy. Run once with the anchor venv and commit the output:

    /tmp/hireloop-anchors/venv/bin/python make_reference.py > reference.json

Scenarios (inputs in the `hireloop ab` JSON format, expected values from the anchors):
- bench-2m: the 2M-user experiment of shared/bench/ab_bench.py (same generator and seed):
  CTR +10%, AOV -5%;
- small-n: a few dozen users per arm (small Welch degrees of freedom);
- null: no effect, 20k users per arm;
- three-variants: a control and two treatments;
- large-df: 400M users per arm (Welch degrees of freedom near 8e8);
- lower-is-better: a metric where a decrease is good (gbstats' `inverse`).
"""
import json
import math

import numpy as np
from scipy import stats
from gbstats.models.statistics import SampleMeanStatistic, ProportionStatistic, RatioStatistic
from gbstats.frequentist.tests import TwoSidedTTest, FrequentistConfig
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
from gbstats.utils import check_srm
from statsmodels.stats.proportion import proportion_effectsize, samplesize_proportions_2indep_onetail
from statsmodels.stats.power import NormalIndPower


def suff(x):
    return dict(n=int(x.size), sum=float(x.sum()), sum_squares=float((x * x).sum()))


def bench_2m():
    """The generator of ab_bench.py, call for call, so the sufficient statistics are identical."""
    rng = np.random.default_rng(20241111)

    def arm(n, ctr, aov):
        click = rng.random(n) < ctr
        buy = click & (rng.random(n) < 0.25)
        orders = np.where(buy, rng.poisson(0.3, n) + 1, 0)
        s = 1.0
        mu = math.log(aov) - s * s / 2
        rev = np.zeros(n)
        idx = np.nonzero(orders)[0]
        for k in range(1, orders.max() + 1):
            j = idx[orders[idx] >= k]
            rev[j] += rng.lognormal(mu, s, j.size)
        return click.astype(float), orders.astype(float), rev

    arms = {"control": arm(1_000_000, 0.040, 200.0), "treatment": arm(1_001_500, 0.044, 190.0)}
    return {
        "variants": ["control", "treatment"],
        "metrics": [
            proportion_metric("ctr", {v: a[0] for v, a in arms.items()}),
            mean_metric("rpv", {v: a[2] for v, a in arms.items()}),
            ratio_metric("aov", {v: (a[2], a[1]) for v, a in arms.items()}),
        ],
        "decision_metric": "rpv",
        "guardrails": ["aov"],
    }


def proportion_metric(name, data):
    return {"name": name, "type": "proportion",
            "stats": {v: {"n": int(x.size), "sum": float(x.sum())} for v, x in data.items()}}


def mean_metric(name, data, higher_is_better=True):
    m = {"name": name, "type": "mean", "stats": {v: suff(x) for v, x in data.items()}}
    if not higher_is_better:
        m["higher_is_better"] = False
    return m


def ratio_metric(name, data):
    st = {}
    for v, (num, den) in data.items():
        st[v] = {"n": int(num.size), "num_sum": float(num.sum()), "num_sum_squares": float((num * num).sum()),
                 "den_sum": float(den.sum()), "den_sum_squares": float((den * den).sum()),
                 "num_den_sum": float((num * den).sum())}
    return {"name": name, "type": "ratio", "stats": st}


def shop(rng, n, ctr, aov):
    """Per-user clicks, orders and revenue of a small shop."""
    click = (rng.random(n) < ctr).astype(float)
    orders = click * rng.poisson(1.2, n)
    rev = np.array([rng.lognormal(math.log(aov) - 0.5, 1.0, int(k)).sum() for k in orders])
    return click, orders, rev


def shop_experiment(seed, arms, decision="rpv", guardrails=("aov",)):
    rng = np.random.default_rng(seed)
    data = {v: shop(rng, *spec) for v, spec in arms.items()}
    return {
        "variants": list(arms),
        "metrics": [
            proportion_metric("ctr", {v: d[0] for v, d in data.items()}),
            mean_metric("rpv", {v: d[2] for v, d in data.items()}),
            ratio_metric("aov", {v: (d[2], d[1]) for v, d in data.items()}),
        ],
        "decision_metric": decision,
        "guardrails": list(guardrails),
    }


def large_df():
    """Sufficient statistics of 400M users per arm, written from population values (no draws)."""
    def prop(n, p):
        return {"n": n, "sum": float(round(n * p))}

    def mean(n, mu, sd):
        s = n * mu
        return {"n": n, "sum": s, "sum_squares": (n - 1) * sd * sd + s * s / n}

    n_a, n_b = 400_000_000, 400_010_000
    return {
        "variants": ["control", "treatment"],
        "metrics": [
            {"name": "ctr", "type": "proportion", "stats": {"control": prop(n_a, 0.05), "treatment": prop(n_b, 0.05004)}},
            {"name": "rpv", "type": "mean", "stats": {"control": mean(n_a, 2.5, 30.0), "treatment": mean(n_b, 2.504, 31.0)}},
        ],
        "decision_metric": "rpv",
        "guardrails": [],
    }


def lower_is_better():
    rng = np.random.default_rng(7)
    lat = {"control": rng.gamma(4.0, 50.0, 8000), "treatment": rng.gamma(4.0, 48.5, 8100)}
    conv = {"control": (rng.random(8000) < 0.1).astype(float), "treatment": (rng.random(8100) < 0.102).astype(float)}
    return {
        "variants": ["control", "treatment"],
        "metrics": [
            proportion_metric("conversion", conv),
            mean_metric("latency_ms", lat, higher_is_better=False),
        ],
        "decision_metric": "latency_ms",
        "guardrails": ["conversion"],
    }


def gb_stat(metric, variant):
    s = metric["stats"][variant]
    if metric["type"] == "proportion":
        return ProportionStatistic(n=s["n"], sum=s["sum"])
    if metric["type"] == "mean":
        return SampleMeanStatistic(n=s["n"], sum=s["sum"], sum_squares=s["sum_squares"])
    return RatioStatistic(
        n=s["n"],
        m_statistic=SampleMeanStatistic(n=s["n"], sum=s["num_sum"], sum_squares=s["num_sum_squares"]),
        d_statistic=SampleMeanStatistic(n=s["n"], sum=s["den_sum"], sum_squares=s["den_sum_squares"]),
        m_d_sum_of_products=s["num_den_sum"],
    )


def freq(sa, sb, dt):
    test = TwoSidedTTest(sa, sb, FrequentistConfig(difference_type=dt))
    r = test.compute_result()
    # gbstats computes p = 2(1 - cdf), which rounds to 0 below about 1e-16; the exact value from
    # the survival function is kept beside it.
    exact = float(2 * stats.t.sf(abs(test.critical_value), test.dof))
    return {"effect": r.expected, "se": r.uplift.stddev, "ci": list(r.ci), "p_value": r.p_value,
            "p_value_exact": exact, "df": float(test.dof)}


def expected(exp):
    control = exp["variants"][0]
    out = {}
    for m in exp["metrics"]:
        sa = gb_stat(m, control)
        per = {}
        for v in exp["variants"][1:]:
            sb = gb_stat(m, v)
            inverse = not m.get("higher_is_better", True)
            b = EffectBayesianABTest(sa, sb, EffectBayesianConfig(difference_type="relative", inverse=inverse)).compute_result()
            per[v] = {
                "absolute": freq(sa, sb, "absolute"),
                "relative": freq(sa, sb, "relative"),
                "bayesian": {"chance_to_win": b.chance_to_win, "expected_loss": b.risk[1]},
            }
        out[m["name"]] = {"values": {v: gb_stat(m, v).mean for v in exp["variants"]}, "comparisons": per}
    decision = exp.get("decision_metric") or exp["metrics"][0]["name"]
    dm = next(m for m in exp["metrics"] if m["name"] == decision)
    users = [dm["stats"][v]["n"] for v in exp["variants"]]
    return {"srm_p": check_srm(users, [1.0] * len(users)), "metrics": out}


def dist_grid():
    dfs = [1, 1.5, 2, 3, 4.7, 10, 29.99, 30, 31, 100, 1e3, 1e4, 1e5, 2.5e5, 1e6, 1e7, 1e8, 1e10, 1e12, 1e15, 1e20]
    ts = [0.0, 0.05, 0.5, 1.0, 1.5, 1.96, 2.0, 2.5, 3.0, 5.0, 8.0, 12.0, 20.0, 37.0, 100.0, 1e4]
    ps = [1e-300, 1e-100, 1e-30, 1e-10, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-6]
    t_sf = [[t, df, float(stats.t.sf(t, df))] for df in dfs for t in ts if stats.t.sf(t, df) > 1e-300]
    # scipy's own quantile fails in the far tail at small df (p = 1e-300: inf, or a value whose
    # cdf is not p); only the points where its cdf and quantile agree are kept.
    t_ppf = [[p, df, float(stats.t.ppf(p, df))] for df in dfs for p in ps
             if math.isfinite(stats.t.ppf(p, df)) and abs(stats.t.cdf(stats.t.ppf(p, df), df) - p) <= 1e-10 * min(p, 1 - p)]
    norm_sf = [[x, float(stats.norm.sf(x))] for x in [-8.0, -2.0, -0.5, 0.0, 0.5, 1.0, 1.96, 3.0, 6.0, 10.0, 20.0, 37.0]]
    norm_ppf = [[p, float(stats.norm.ppf(p))] for p in ps]
    chi2_sf = [[x, df, float(stats.chi2.sf(x, df))] for df in [1, 2, 3, 5, 9] for x in [0.001, 0.5, 1.0, 3.84, 10.8, 30.0, 200.0]]
    return {"t_sf": t_sf, "t_ppf": t_ppf, "norm_sf": norm_sf, "norm_ppf": norm_ppf, "chi2_sf": chi2_sf}


def evan_miller_n(p, delta, alpha, power):
    if p > 0.5:
        p = 1 - p
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    sd1 = math.sqrt(2 * p * (1 - p))
    sd2 = math.sqrt(p * (1 - p) + (p + delta) * (1 - p - delta))
    return (za * sd1 + zb * sd2) ** 2 / delta ** 2


def power_cases():
    cases = []
    for baseline, mde, relative, alpha, power in [
        (0.04, 0.10, True, 0.05, 0.8),
        (0.20, 0.05, False, 0.05, 0.8),
        (0.01, 0.05, True, 0.05, 0.8),
        (0.30, 0.02, True, 0.05, 0.9),
        (0.10, 0.20, True, 0.01, 0.9),
        (0.60, 0.03, False, 0.05, 0.8),
    ]:
        delta = baseline * mde if relative else mde
        es = proportion_effectsize(baseline + delta, baseline)
        cases.append({
            "baseline": baseline, "mde": mde, "relative": relative, "alpha": alpha, "power": power,
            "evan_miller": evan_miller_n(baseline, delta, alpha, power),
            "normal_ind_power": float(NormalIndPower().solve_power(effect_size=es, alpha=alpha, power=power, ratio=1.0)),
            "samplesize_2indep": float(samplesize_proportions_2indep_onetail(delta, baseline, power, ratio=1, alpha=alpha, alternative="two-sided")),
        })
    return cases


def main():
    scenarios = {
        "bench-2m": bench_2m(),
        "small-n": shop_experiment(11, {"control": (24, 0.4, 60.0), "treatment": (31, 0.55, 50.0)}),
        "null": shop_experiment(12, {"control": (20_000, 0.05, 100.0), "treatment": (20_000, 0.05, 100.0)}),
        "three-variants": shop_experiment(13, {"control": (50_000, 0.05, 100.0), "b": (50_000, 0.056, 97.0), "c": (49_600, 0.047, 104.0)}),
        "large-df": large_df(),
        "lower-is-better": lower_is_better(),
    }
    out = {
        "generated_by": "make_reference.py with gbstats 0.8.0, statsmodels and scipy",
        "scenarios": [{"name": k, "input": v, "expected": expected(v)} for k, v in scenarios.items()],
        "power": power_cases(),
        "dist": dist_grid(),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
