#!/usr/bin/env bash
# `hireloop estimate` side by side with Squiggle and numpy, in one run on this machine, on the
# shared benchmark model (buyers × orders per buyer × order value, three `a to b` ranges) at 1k,
# 10k, 100k and 1M samples, and its accuracy at 1M against the exact lognormal answer.
#
#   Squiggle: squiggle_bench.mjs (run from the anchors' squiggle folder with model.squiggle
#             beside it) — ms per run inside Node, after a warm-up, mean of 3–5 runs;
#   numpy:    mc_bench.py — ms per run inside Python, mean of 5 runs;
#   hireloop: the whole command (`hireloop estimate --samples N --format json`), process start,
#             parsing, sampling, percentiles, histogram and variance shares included — wall time,
#             11 runs per sample count; and the same work in process (the `estimate` bench of
#             hireloop-stats: batches for about a second after a warm-up), like the anchors.
# Each anchor script runs RUNS times (default 3) and its median is taken. Ratios are anchor time
# / hireloop time.
#
# ANCHORS (default /tmp/hireloop-anchors) is where setup-anchors.sh installed the anchors;
# SHARED_BENCH (default /work/shared/bench) holds the scripts and model.squiggle.
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=${ANCHORS:-/tmp/hireloop-anchors}
SHARED_BENCH=${SHARED_BENCH:-/work/shared/bench}
RUNS=${RUNS:-3}
PY="$ANCHORS/venv/bin/python"
if ! "$PY" -c 'import numpy, scipy' 2>/dev/null || ! [ -d "$ANCHORS/squiggle/node_modules" ]; then
    echo "the anchors are missing at $ANCHORS: install them (setup-anchors.sh) first, or set ANCHORS" >&2
    exit 1
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p hireloop
BIN="$CARGO_TARGET_DIR/release/hireloop"
cargo bench -q -p hireloop-stats --bench estimate --no-run 2>/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== Squiggle ($RUNS runs of squiggle_bench.mjs)"
cp "$SHARED_BENCH/squiggle_bench.mjs" "$SHARED_BENCH/model.squiggle" "$ANCHORS/squiggle/"
for r in $(seq "$RUNS"); do
    (cd "$ANCHORS/squiggle" && node squiggle_bench.mjs) | tee -a "$WORK/squiggle.txt"
done

echo "== numpy ($RUNS runs of mc_bench.py)"
for r in $(seq "$RUNS"); do
    "$PY" "$SHARED_BENCH/mc_bench.py" > "$WORK/numpy.$r.json"
    echo "run $r done"
done

echo "== hireloop estimate (11 runs per sample count)"
for n in 1000 10000 100000 1000000; do
    for r in $(seq 11); do
        t0=$(date +%s%N)
        "$BIN" estimate examples/gmv.estimate --samples "$n" --format json > "$WORK/ours.$n.json"
        t1=$(date +%s%N)
        echo "$n $(( (t1 - t0) / 1000 ))" >> "$WORK/ours.txt"
    done
    echo "n=$n done"
done

echo "== hireloop estimate in process (cargo bench --bench estimate)"
cargo bench -q -p hireloop-stats --bench estimate 2>/dev/null | tee "$WORK/inprocess.txt"

"$PY" - "$WORK" "$RUNS" <<'PY'
import json, re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
sizes = [1000, 10000, 100000, 1000000]

squiggle = {n: [] for n in sizes}
for line in open(f"{work}/squiggle.txt"):
    m = re.match(r"n=(\d+)\tms/run=([\d.]+)", line)
    if m and int(m.group(1)) in squiggle:
        squiggle[int(m.group(1))].append(float(m.group(2)))

numpy = {n: [] for n in sizes}
analytic = None
for r in range(1, runs + 1):
    d = json.load(open(f"{work}/numpy.{r}.json"))
    analytic = d["analytic"]
    for n in sizes:
        numpy[n].append(d["mc"][str(n)]["ms"])

ours = {n: [] for n in sizes}
for line in open(f"{work}/ours.txt"):
    n, us = line.split()
    ours[int(n)].append(int(us) / 1000)

inproc = {}
for line in open(f"{work}/inprocess.txt"):
    m = re.match(r"estimate gmv end to end, (\d+) samples\s+median\s+([\d.]+) (ms|µs)", line)
    if m:
        inproc[int(m.group(1))] = float(m.group(2)) / (1000 if m.group(3) == "µs" else 1)

print()
print("median ms per run; Squiggle and numpy inside their runtime, hireloop both as a whole")
print("command (process start included) and in process")
print(f"{'samples':>9} {'Squiggle':>9} {'numpy':>8} {'hireloop':>9} {'in proc':>8}"
      f" {'Squiggle/hireloop':>18} {'(in proc)':>10} {'numpy/hireloop':>15} {'(in proc)':>10}")
for n in sizes:
    s, p, o = (statistics.median(x[n]) for x in (squiggle, numpy, ours))
    i = inproc.get(n, float("nan"))
    print(f"{n:>9} {s:>9.1f} {p:>8.1f} {o:>9.1f} {i:>8.2f}"
          f" {s / o:>17.1f}x {s / i:>9.0f}x {p / o:>14.1f}x {p / i:>9.1f}x")

res = json.load(open(f"{work}/ours.1000000.json"))["result"]
print()
print("accuracy at 1M samples against the exact lognormal answer (mc_bench.py's analytic)")
print(f"{'':>6} {'exact':>16} {'hireloop':>16} {'error':>8}")
for k in ["mean", "p5", "p50", "p95"]:
    print(f"{k:>6} {analytic[k]:>16.6g} {res[k]:>16.6g} {100 * (res[k] / analytic[k] - 1):>+7.3f}%")
PY
