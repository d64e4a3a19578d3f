#!/usr/bin/env bash
# `hireloop spike` side by side with SimPy, in one run on this machine, on the scenarios of
# shared/bench/queue_bench.py:
#   1. the 10x spike (600 → 6,000 orders/s for 20 s, 100 servers at 10/s, 10% high-value, give up
#      after 2 s) under fifo, priority and priority-shed (queue limit 200);
#   2. M/M/c at λ = 900/s for 300 s (ρ = 0.9);
#   3. M/M/c/K at λ = 1,200/s, K = 120, for 200 s.
# SimPy runs queue_bench.py unchanged (it takes minutes: its priority queue re-sorts on every
# request); hireloop runs the same scenarios through `cargo bench --bench spike -- reference`
# (median of repeated runs, simulation only) and, for the whole command with process start and
# output, `hireloop spike --compare` (the three policies of case 1).
# The anchors come from shared/bench/setup-anchors.sh (default /tmp/hireloop-anchors).
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=${ANCHORS:-/tmp/hireloop-anchors}
PY="$ANCHORS/venv/bin/python"
QUEUE_BENCH=${QUEUE_BENCH:-../shared/bench/queue_bench.py}
if ! "$PY" -c 'import simpy, scipy' 2>/dev/null; then
    echo "the anchor venv is missing: run shared/bench/setup-anchors.sh first (ANCHORS=$ANCHORS)" >&2
    exit 1
fi
if [ ! -f "$QUEUE_BENCH" ]; then
    echo "queue_bench.py not found at $QUEUE_BENCH: set QUEUE_BENCH=path/to/queue_bench.py" >&2
    exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}

echo "== building (release)"
cargo build --release -q -p hireloop
cargo bench -q -p hireloop-stats --bench spike --no-run 2>/dev/null

echo "== SimPy $("$PY" -c 'import simpy; print(simpy.__version__)'): $QUEUE_BENCH (several minutes)"
"$PY" "$QUEUE_BENCH" > "$WORK/simpy.json"

echo "== hireloop: the same scenarios"
cargo bench -q -p hireloop-stats --bench spike -- reference | tee "$WORK/ours.txt"

echo
"$PY" - "$WORK/simpy.json" "$WORK/ours.txt" "$CARGO_TARGET_DIR/release/hireloop" <<'PY'
import json, statistics, subprocess, sys, time

simpy = json.load(open(sys.argv[1]))
ours = {}
for line in open(sys.argv[2]):
    if line.startswith("RESULT "):
        name, arrivals, seconds = line[len("RESULT "):].rsplit(" ", 2)
        ours[name] = (int(arrivals), float(seconds))
binary = sys.argv[3]

t = simpy["timing_s"]
spike_arrivals = sum(c["arrivals"] for run in simpy["spike"].values() for c in run.values())
rows = [
    ("10x spike, 3 policies", spike_arrivals, t["simpy_3_spike_runs"],
     [f"reference/spike-10x/{p}" for p in ("fifo", "priority", "priority-shed")]),
    ("M/M/c, λ=900/s, 300 s", simpy["mmc_simpy"]["n"], t["simpy_mmc_270k_arrivals"],
     ["reference/mmc/900-per-s/300 s"]),
    # queue_bench.py does not print this run's arrivals: λ·T is their expected number.
    ("M/M/c/K, λ=1200/s, 200 s", 1200 * 200, t["simpy_mmck"],
     ["reference/mmck/1200-per-s/K-120/200 s"]),
]

def rate(n, s):
    return f"{n / s / 1e6:,.2f} M/s" if n / s >= 1e5 else f"{n / s / 1e3:,.1f} k/s"

print(f"{'scenario':<26} {'SimPy':>26} {'hireloop (median)':>30} {'ratio':>9}")
for label, n_simpy, s_simpy, cases in rows:
    n_ours = sum(ours[c][0] for c in cases)
    s_ours = sum(ours[c][1] for c in cases)
    ratio = (n_ours / s_ours) / (n_simpy / s_simpy)
    print(f"{label:<26} {n_simpy:>8,} in {s_simpy:>7.2f} s {rate(n_simpy, s_simpy):>9}"
          f"  {n_ours:>8,} in {s_ours * 1e3:>8.2f} ms {rate(n_ours, s_ours):>10} {ratio:>8,.0f}x")

# The whole command, process start and output included: best of 5 wall times.
times = []
for _ in range(5):
    start = time.perf_counter()
    subprocess.run([binary, "spike", "--compare", "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
cmd = statistics.median(times)
print(f"\n`hireloop spike --compare` (the 3 policies of the 10x spike, whole command): "
      f"median {cmd * 1e3:.1f} ms of 5, against {t['simpy_3_spike_runs']:.1f} s for SimPy: "
      f"{t['simpy_3_spike_runs'] / cmd:,.0f}x")

print("\nSimPy's results (queue_bench.py, seed 3) beside ours (`hireloop spike --compare`, seed 3):")
mine = json.loads(subprocess.run([binary, "spike", "--compare", "--format", "json"], check=True,
                                 capture_output=True, text=True).stdout)["runs"]
names = {"fifo": "fifo", "priority": "priority", "priority+shed": "priority-shed"}
for policy, run in simpy["spike"].items():
    o = next(r for r in mine if r["scenario"]["policy"]["kind"] == names[policy])
    h, l = o["classes"]
    print(f"  {policy:<14} high served {run['high']['served_frac']:6.2%} vs {h['served_fraction']:6.2%}"
          f"   high p99 latency {run['high']['p99_latency_s']:.3f} s vs {h['latency']['p99']:.3f} s"
          f"   low served {run['low']['served_frac']:6.2%} vs {l['served_fraction']:6.2%}")
PY
