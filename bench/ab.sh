#!/usr/bin/env bash
# `hireloop ab` side by side with the anchors, in one run on this machine:
#   1. analysing the 3-metric experiment of examples/ab-ctr-aov.json — the statistics gbstats
#      computes per call (Welch absolute and relative, Bayesian chance to win and risk, SRM);
#   2. a per-user CSV of 1M rows → the sufficient statistics per variant (pandas read_csv +
#      groupby against `hireloop ab --csv`'s reader, both starting from the file).
# The anchors are the Python venv that setup-anchors.sh of the shared benchmarks installs
# (default /tmp/hireloop-anchors; set ANCHORS to use another folder).
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=${ANCHORS:-/tmp/hireloop-anchors}
PY="$ANCHORS/venv/bin/python"
if ! "$PY" -c 'import gbstats, pandas' 2>/dev/null; then
    echo "the anchor venv is missing at $ANCHORS: install the anchors (setup-anchors.sh) first, or set ANCHORS" >&2
    exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CSV="$WORK/users.csv"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}

echo "== anchors: gbstats 0.8.0 per call, pandas on 1M rows (generating the CSV first)"
"$PY" - "$CSV" examples/ab-ctr-aov.json <<'PY' | tee "$WORK/anchor.txt"
import json, math, sys, timeit
import numpy as np
import pandas as pd
from gbstats.models.statistics import SampleMeanStatistic, ProportionStatistic, RatioStatistic
from gbstats.frequentist.tests import TwoSidedTTest, FrequentistConfig
from gbstats.bayesian.tests import EffectBayesianABTest, EffectBayesianConfig
from gbstats.utils import check_srm

csv_path, example = sys.argv[1], sys.argv[2]

# The bench's per-user generator (shared/bench/ab_bench.py), 500k users per arm.
rng = np.random.default_rng(20241111)
def arm(n, ctr, aov):
    click = rng.random(n) < ctr
    buy = click & (rng.random(n) < 0.25)
    orders = np.where(buy, rng.poisson(0.3, n) + 1, 0)
    mu = math.log(aov) - 0.5
    rev = np.zeros(n)
    idx = np.nonzero(orders)[0]
    for k in range(1, orders.max() + 1):
        j = idx[orders[idx] >= k]
        rev[j] += rng.lognormal(mu, 1.0, j.size)
    return click.astype(int), orders, np.round(rev, 2)
parts = []
for name, n, ctr, aov in [("control", 500_000, 0.040, 200.0), ("treatment", 500_000, 0.044, 190.0)]:
    c, o, r = arm(n, ctr, aov)
    parts.append(pd.DataFrame({"variant": name, "clicked": c, "orders": o, "revenue": r}))
df = pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=1).reset_index(drop=True)
df.insert(0, "user_id", ["u%d" % i for i in range(len(df))])
df.to_csv(csv_path, index=False)

def pandas_stats():
    d = pd.read_csv(csv_path)
    d["revenue_sq"] = d["revenue"] ** 2
    d["orders_sq"] = d["orders"] ** 2
    d["rev_x_orders"] = d["revenue"] * d["orders"]
    return d.groupby("variant").agg(
        n=("clicked", "size"), clicked=("clicked", "sum"), revenue=("revenue", "sum"),
        revenue_sq=("revenue_sq", "sum"), orders=("orders", "sum"), orders_sq=("orders_sq", "sum"),
        rev_x_orders=("rev_x_orders", "sum"))
times = timeit.repeat(pandas_stats, number=1, repeat=5)
print("pandas read_csv + groupby (1M rows)          median %.2f ms" % (1e3 * sorted(times)[2]))
print("RESULT pandas %e" % sorted(times)[2])

exp = json.load(open(example))
def stat(m, v):
    s = m["stats"][v]
    if m["type"] == "proportion":
        return ProportionStatistic(n=s["n"], sum=s["sum"])
    if m["type"] == "mean":
        return SampleMeanStatistic(n=s["n"], sum=s["sum"], sum_squares=s["sum_squares"])
    return RatioStatistic(n=s["n"],
        m_statistic=SampleMeanStatistic(n=s["n"], sum=s["num_sum"], sum_squares=s["num_sum_squares"]),
        d_statistic=SampleMeanStatistic(n=s["n"], sum=s["den_sum"], sum_squares=s["den_sum_squares"]),
        m_d_sum_of_products=s["num_den_sum"])
def gbstats_call():
    out = []
    for m in exp["metrics"]:
        a, b = stat(m, "control"), stat(m, "treatment")
        out.append((TwoSidedTTest(a, b, FrequentistConfig(difference_type="absolute")).compute_result(),
                    TwoSidedTTest(a, b, FrequentistConfig(difference_type="relative")).compute_result(),
                    EffectBayesianABTest(a, b, EffectBayesianConfig(difference_type="relative")).compute_result()))
    users = [exp["metrics"][1]["stats"][v]["n"] for v in exp["variants"]]
    return out, check_srm(users, [0.5, 0.5])
batch = 50
times = [t / batch for t in timeit.repeat(gbstats_call, number=batch, repeat=15)]
print("gbstats: 3 metrics x (abs + rel + Bayesian) + SRM median %.1f us" % (1e6 * sorted(times)[7]))
print("RESULT gbstats %e" % sorted(times)[7])
PY

echo
echo "== hireloop (release build)"
HIRELOOP_AB_CSV="$CSV" cargo bench -q -p hireloop-stats --bench ab 2>/dev/null | tee "$WORK/ours.txt"

result() { grep "^RESULT $1" "$2" | awk '{print $NF}'; }
GB=$(result gbstats "$WORK/anchor.txt")
PD=$(result pandas "$WORK/anchor.txt")
OURS_AB=$(result "ab: analyse 3 metrics" "$WORK/ours.txt")
OURS_JSON=$(result "ab: read the JSON" "$WORK/ours.txt")
OURS_CSV=$(result "ab: CSV" "$WORK/ours.txt")
echo
echo "== side by side (medians, same machine, same run)"
awk -v gb="$GB" -v pd="$PD" -v ab="$OURS_AB" -v js="$OURS_JSON" -v csv="$OURS_CSV" 'BEGIN {
    printf "%-58s %12s %12s %9s\n", "task", "anchor", "hireloop", "ratio"
    printf "%-58s %9.1f us %9.2f us %8.0fx\n", "3-metric analysis per call (gbstats)", gb*1e6, ab*1e6, gb/ab
    printf "%-58s %9.1f us %9.2f us %8.0fx\n", "  same, hireloop reading the JSON text too", gb*1e6, js*1e6, gb/js
    printf "%-58s %9.1f ms %9.1f ms %8.1fx\n", "1M-row per-user CSV -> statistics (pandas)", pd*1e3, csv*1e3, pd/csv
}'
