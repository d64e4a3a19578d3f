#!/usr/bin/env bash
# `hireloop funnel` side by side with DuckDB, in one run on this machine:
#   the 5-step ordered funnel (1-day window) over ~10M events of ~2.7M users, both starting from
#   the same CSV file. DuckDB (2 threads) is timed from reading the CSV into a table to the end of
#   the funnel query, inside Python (its interpreter start is not counted); hireloop is timed as a
#   whole process (start, reading the file, output). Runs alternate between the two; the medians,
#   their ratio and hireloop's peak memory (/usr/bin/time -v) are printed, and the counts must
#   agree.
#
# The events come from the generator of shared/bench/funnel_bench.py (same seed, same draws),
# with step names instead of numbers, a `platform` column, epoch-second timestamps, and rows in
# time order as a log is written.
#
#   USERS=2700000 REPS=5 bench/funnel.sh
# IDS=text writes each user id as a 32-character hex string (as UUID-like ids are in many logs)
# instead of a number.
# The anchors come from shared/bench/setup-anchors.sh (default /tmp/hireloop-anchors).
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHORS=${ANCHORS:-/tmp/hireloop-anchors}
PY="$ANCHORS/venv/bin/python"
USERS=${USERS:-2700000}
REPS=${REPS:-5}
IDS=${IDS:-numeric}
if ! "$PY" -c 'import duckdb, numpy, pandas' 2>/dev/null; then
    echo "the anchor venv is missing: run shared/bench/setup-anchors.sh first (ANCHORS=$ANCHORS)" >&2
    exit 1
fi
if [ ! -x /usr/bin/time ]; then
    echo "/usr/bin/time is needed for the memory figure (Debian package: time)" >&2
    exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CSV="$WORK/events.csv"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}

echo "== building hireloop (release)"
cargo build --release --quiet -p hireloop
BIN="$CARGO_TARGET_DIR/release/hireloop"

echo "== generating the events of $USERS users ($IDS ids)"
"$PY" - "$CSV" "$USERS" "$IDS" <<'PY'
import sys
import numpy as np, pandas as pd, duckdb
out, U, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3]
# shared/bench/funnel_bench.py, draw for draw.
rng = np.random.default_rng(7)
DAY = 86400.0
uid_l, ts_l, ev_l = [], [], []
k = 1 + rng.poisson(2.0, U)
uid = np.repeat(np.arange(U), k); ts = rng.uniform(0, 7*DAY, uid.size)
uid_l.append(uid); ts_l.append(ts); ev_l.append(np.full(uid.size, 1, np.int8))
first = np.full(U, np.inf); np.minimum.at(first, uid, ts)
alive = np.ones(U, bool); t = first.copy()
for step, p, mean_gap in [(2, 0.30, 600), (3, 0.40, 3600), (4, 0.60, 1800), (5, 0.80, 600)]:
    alive &= rng.random(U) < p
    t = t + rng.exponential(mean_gap, U)
    idx = np.nonzero(alive)[0]
    uid_l.append(idx); ts_l.append(t[idx]); ev_l.append(np.full(idx.size, step, np.int8))
nidx = np.nonzero(rng.random(U) < 0.2)[0]
uid_l.append(nidx); ts_l.append(rng.uniform(0, 7*DAY, nidx.size)); ev_l.append(rng.integers(2, 6, nidx.size).astype(np.int8))
step = np.concatenate(ev_l)
names = np.array(["", "impression", "click", "add_to_cart", "checkout", "purchase"])
platform = np.random.default_rng(11).choice(np.array(["ios", "android", "web"]), step.size, p=[0.45, 0.35, 0.20])
tbl = pd.DataFrame({"user_id": np.concatenate(uid_l).astype(np.int64), "event": names[step],
                    "timestamp": 1_700_000_000.0 + np.concatenate(ts_l), "platform": platform})
con = duckdb.connect(); con.execute("SET threads TO 2"); con.register("t", tbl)
user = "md5(user_id::VARCHAR)" if ids == "text" else "user_id"
con.execute(f"COPY (SELECT {user} AS user_id, event, timestamp, platform FROM t ORDER BY timestamp) TO '{out}' (HEADER)")
print(f"{len(tbl):,} events")
PY
ls -l "$CSV" | awk '{printf "%.0f MB\n", $5 / 1e6}'

echo "== timing, $REPS runs each, alternating"
"$PY" - "$CSV" "$BIN" "$REPS" <<'PY'
import json, re, statistics, subprocess, sys, time
import duckdb
csv, binary, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
steps = ["impression", "click", "add_to_cart", "checkout", "purchase"]
W = 86400.0
# The ordered funnel of shared/bench/funnel_bench.py, on event names.
parts = [f"s1 AS (SELECT user_id, min(timestamp) AS t1 FROM ev WHERE event='{steps[0]}' GROUP BY user_id)"]
for i in range(2, len(steps) + 1):
    p = f"s{i-1}"
    parts.append(f"s{i} AS (SELECT {p}.user_id, {p}.t1, min(e.timestamp) AS t{i} FROM {p} JOIN ev e "
                 f"ON e.user_id={p}.user_id AND e.event='{steps[i-1]}' AND e.timestamp >= {p}.t{i-1} "
                 f"AND e.timestamp <= {p}.t1 + {W} GROUP BY ALL)")
SQL = "WITH " + ",\n".join(parts) + "\nSELECT " + ", ".join(f"(SELECT count(*) FROM s{i})" for i in range(1, len(steps) + 1))

def duck():
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE ev AS SELECT * FROM read_csv('{csv}')")
    counts = list(con.execute(SQL).fetchone())
    dt = time.perf_counter() - t0
    con.close()
    return dt, counts

def ours():
    cmd = ["/usr/bin/time", "-v", binary, "funnel", "--steps", ",".join(steps), "--window", "1d",
           "--format", "json", csv]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"hireloop failed:\n{r.stderr}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    counts = [s["users"] for s in json.loads(r.stdout)["steps"]]
    return dt, counts, rss_kb

d_times, o_times, rss = [], [], []
for rep in range(reps):
    dt, dc = duck()
    ot, oc, kb = ours()
    if dc != oc:
        sys.exit(f"counts differ: duckdb {dc}, hireloop {oc}")
    d_times.append(dt); o_times.append(ot); rss.append(kb)
    print(f"  run {rep + 1}: duckdb {dt:.3f} s, hireloop {ot:.3f} s ({kb / 1024:.0f} MiB)")
d, o = statistics.median(d_times), statistics.median(o_times)
print(f"counts (both): {dc}")
print(f"duckdb {duckdb.__version__}, 2 threads, read_csv + ordered funnel: median {d:.3f} s")
print(f"hireloop funnel, whole process:                  median {o:.3f} s")
print(f"ratio duckdb / hireloop: {d / o:.2f}x; hireloop peak RSS {max(rss) / 1024:.0f} MiB")
PY
