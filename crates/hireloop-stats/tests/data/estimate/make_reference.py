"""Closed-form reference values for `hireloop estimate` and `hireloop tradeoff`.

Run once with the anchor venv (scipy):
    /tmp/hireloop-anchors/venv/bin/python make_reference.py > reference.json
The tests compare the Monte Carlo results with these values. Each model's answer is known
exactly: products, ratios and powers of lognormals are lognormal; sums of normals are normal;
min and max of uniforms have simple distributions.
"""
import json
import math
import os

from scipy import stats

Z90 = stats.norm.ppf(0.95)  # 1.6448536269514722, as in /work/shared/bench/mc_bench.py
PROBS = {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


def ln_params(lo, hi):
    return (math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * Z90)


def lognormal(mu, sigma):
    out = {"mean": math.exp(mu + sigma * sigma / 2)}
    for k, p in PROBS.items():
        out[k] = math.exp(mu + sigma * stats.norm.ppf(p))
    return out


def normal(mean, sd):
    out = {"mean": mean}
    for k, p in PROBS.items():
        out[k] = mean + sd * stats.norm.ppf(p)
    return out


def from_ppf(mean, ppf):
    out = {"mean": mean}
    for k, p in PROBS.items():
        out[k] = ppf(p)
    return out


cases = []

# The benchmark model (mc_bench.py): buyers x orders per buyer x order value.
ins = {"buyers": (300e6, 500e6), "ordersPerBuyer": (2, 6), "aovRmb": (150, 400)}
ps = {k: ln_params(*v) for k, v in ins.items()}
mu = sum(p[0] for p in ps.values())
var = sum(p[1] ** 2 for p in ps.values())
cases.append({
    "name": "gmv",
    "model": open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "../../../../../examples/gmv.estimate")).read(),
    "samples": 1000000,
    "result": lognormal(mu, math.sqrt(var)),
    "variance_scale": "log",
    # On the log scale the model is additive: each share is sigma_i^2 / sum sigma^2.
    "shares": {k: p[1] ** 2 / var for k, p in ps.items()},
})

# A sum of independent normals: shares are the variances over the total.
cases.append({
    "name": "sum of normals",
    "model": "a = normal(10, 3)\nb = normal(5, 4)\ntotal = a + b\n",
    "samples": 200000,
    "result": normal(15, 5),
    "variance_scale": "linear",
    "shares": {"a": 9 / 25, "b": 16 / 25},
})

# A linear combination with a range touching zero (a normal with the same 5th/95th).
sd_x = 40 / (2 * Z90)
cases.append({
    "name": "range touching zero, scaled",
    "model": "x = -10 to 30\nu = uniform(0, 120)\ny = 3 * x - u + 2\n",
    "samples": 200000,
    # 3x is normal(30, 3 sd_x); u is uniform with variance 120^2 / 12 = 1200; the sum is not
    # normal, so only the mean and the shares are checked.
    "result": {"mean": 3 * 10 - 60 + 2},
    "variance_scale": "linear",
    "shares": {"x": 9 * sd_x ** 2 / (9 * sd_x ** 2 + 1200), "u": 1200 / (9 * sd_x ** 2 + 1200)},
})

# A ratio of lognormal ranges is lognormal.
ma, sa = ln_params(2, 8)
mb, sb = ln_params(1, 4)
cases.append({
    "name": "ratio of ranges",
    "model": "a = 2 to 8\nb = 1 to 4\nr = a / b\n",
    "samples": 200000,
    "result": lognormal(ma - mb, math.hypot(sa, sb)),
    "variance_scale": "log",
    "shares": {"a": sa ** 2 / (sa ** 2 + sb ** 2), "b": sb ** 2 / (sa ** 2 + sb ** 2)},
})

# A power of a lognormal, with percent and k suffixes.
m, s = ln_params(0.02, 0.08)
cases.append({
    "name": "power and suffixes",
    "model": "rate = 2% to 8%\nscaled = rate ^ 2 * 1k\n",
    "samples": 200000,
    "result": lognormal(2 * m + math.log(1000), 2 * s),
    "variance_scale": "log",
    "shares": {"rate": 1.0},
})

# lognormal(mu, sigma) as written.
cases.append({
    "name": "lognormal parameters",
    "model": "x = lognormal(1, 0.5)\n",
    "samples": 200000,
    "result": lognormal(1, 0.5),
    "variance_scale": "log",
    "shares": {},
})

# max and min of two independent uniforms on (0, 1): CDFs x^2 and 1 - (1 - x)^2.
cases.append({
    "name": "max of uniforms",
    "model": "a = uniform(0, 1)\nb = uniform(0, 1)\nm = max(a, b)\n",
    "samples": 200000,
    "result": from_ppf(2 / 3, lambda p: math.sqrt(p)),
    "variance_scale": "linear",
    # Var(E[max | a]) / Var(max): E[max | a] = (1 + a^2) / 2, Var = Var(a^2)/4 = (1/5 - 1/9)/4;
    # Var(max) = 1/2 - 4/9 = 1/18.
    "shares": {"a": ((1 / 5 - 1 / 9) / 4) * 18, "b": ((1 / 5 - 1 / 9) / 4) * 18},
})
cases.append({
    "name": "min of uniforms",
    "model": "a = uniform(0, 1)\nb = uniform(0, 1)\nm = min(a, b)\n",
    "samples": 200000,
    "result": from_ppf(1 / 3, lambda p: 1 - math.sqrt(1 - p)),
    "variance_scale": "linear",
    "shares": {"a": ((1 / 5 - 1 / 9) / 4) * 18, "b": ((1 / 5 - 1 / 9) / 4) * 18},
})

# The trade-off of reference/latency-elasticity.md: net = R L - R e (1 + L), decreasing in the
# elasticity e ~ lognormal with 90% interval 0.3%..3% (per 100 ms, latency 100 ms).
R, L = 100e6 * 0.03 * 200, 0.01
me, se = ln_params(0.003, 0.03)
def net_at(e):
    return R * L - R * e * (1 + L)
tradeoff = {
    "revenue": R,
    "gain": R * L,
    "net": {
        "mean": net_at(math.exp(me + se * se / 2)),
        # A decreasing function: the net's p5 is the elasticity's p95.
        **{k: net_at(math.exp(me + se * stats.norm.ppf(1 - p))) for k, p in PROBS.items()},
    },
    "loss": {k: R * math.exp(me + se * stats.norm.ppf(p)) for k, p in PROBS.items()},
    "p_net_positive": float(stats.norm.cdf((math.log(L / (1 + L)) - me) / se)),
    "break_even_elasticity": L / (1 + L),
    "sources": {
        "latency.amazon-2006": net_at(0.01) / R,
        "latency.bing-2013": net_at(0.006) / R,
        "latency.akamai-2017.smartphone": net_at(0.071) / R,
    },
}

print(json.dumps({"z90": Z90, "estimate": cases, "tradeoff": tradeoff}, indent=1))
