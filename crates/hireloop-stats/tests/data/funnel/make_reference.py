"""Reference funnels for the tests of `hireloop funnel`.

Writes two small event logs and `reference.json`, the funnels they give:

- `events.csv`: epoch seconds (fractions, whole seconds), rows shuffled, ties between steps,
  users without step 1, numeric and text user ids, repeated step events, other events, a
  breakdown column whose values hold commas and quotes, and an unused column with quoted commas
  and line breaks. Columns are not in the usual order.
- `events_rfc3339.csv`: the same kind of log with RFC 3339 times (Z, +08:00, -05:00, +05:30,
  no offset read as UTC; milliseconds).

Ordered and strict funnels come from DuckDB SQL: the ordered query is the one of the shared
funnel benchmark (entry at the first step-1 event; each next step is the earliest event of the
step at or after the previous step and no later than entry + window), extended with medians
and a breakdown on the entry event; the strict query follows the benchmark's window-function
query (the events right after the entry must be the next steps). A plain-Python
implementation of the documented semantics is checked against DuckDB on those cases and gives
the any-order, exclusion and repeated-step cases, which SQL expresses poorly.

Run once with the anchor venv (generated files are committed):
    /tmp/hireloop-anchors/venv/bin/python make_reference.py
"""
import csv
import json
import math
import os
import statistics
from collections import defaultdict
from datetime import datetime, timezone

import duckdb
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20241111)
BASE = 1_700_000_000
PLATFORMS = ["ios", "android", "web, desktop", 'tv "beta"']
OTHER = 255


def make_events(n_users):
    """(user_id, event, seconds, platform) rows; seconds are rounded to milliseconds."""
    rows = []
    for u in range(n_users):
        uid = str(1000 + u) if u % 7 else f"u-{u:04d}"
        home = PLATFORMS[rng.integers(len(PLATFORMS))]
        t0 = BASE + rng.uniform(0, 3 * 86400)
        evs = []
        if rng.random() > 0.1:
            evs.append(("visit", t0))
            if rng.random() < 0.3:
                evs.append(("visit", t0 + rng.uniform(0, 7200)))
            t = t0
            for step, p, gap in [("signup", 0.65, 900.0), ("cart", 0.6, 3600.0), ("purchase", 0.6, 20000.0)]:
                if rng.random() > p:
                    break
                t = t + rng.exponential(gap)
                if rng.random() < 0.1:
                    t = evs[-1][1]  # the same instant as the step before
                evs.append((step, t))
        for _ in range(rng.poisson(1.5)):
            name = rng.choice(
                ["pageview", "signup", "cart", "purchase", "refund", "support_call"],
                p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1],
            )
            evs.append((str(name), t0 + rng.uniform(-86400, 4 * 86400)))
        for name, tt in evs:
            # The platform can change between events: the breakdown reads the entry event's.
            p = home if rng.random() > 0.15 else PLATFORMS[rng.integers(len(PLATFORMS))]
            ms = int(round(tt * 1000))
            if rng.random() < 0.1:
                ms -= ms % 1000  # whole seconds
            rows.append((uid, name, ms, p))
    # Exact duplicates (double-fired events) and a same-instant pair of different events.
    for i in rng.choice(len(rows), 40, replace=False):
        rows.append(rows[i])
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def seconds_text(ms):
    s, f = divmod(ms, 1000)
    return str(s) if f == 0 else f"{s}.{f:03d}".rstrip("0")


def rfc3339_text(ms, offset_minutes, with_offset=True):
    local = ms + offset_minutes * 60_000
    s, f = divmod(local, 1000)
    d = datetime.fromtimestamp(s, tz=timezone.utc)
    text = d.strftime("%Y-%m-%dT%H:%M:%S") + (f".{f:03d}" if f else "")
    if not with_offset:
        return text.replace("T", " ")
    if offset_minutes == 0:
        return text + "Z"
    sign = "+" if offset_minutes > 0 else "-"
    h, m = divmod(abs(offset_minutes), 60)
    return text + f"{sign}{h:02d}:{m:02d}"


def write_epoch_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["event", "user_id", "platform", "timestamp", "note"])
        for k, (uid, ev, ms, p) in enumerate(rows):
            note = ["", "ok", "a, b", 'said "hi"', "two\nlines"][k % 5]
            w.writerow([ev, uid, p, seconds_text(ms), note])


def write_rfc_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["user_id", "event", "timestamp", "platform"])
        for k, (uid, ev, ms, p) in enumerate(rows):
            off = [0, 480, -300, 330][k % 4]
            w.writerow([uid, ev, rfc3339_text(ms, off, with_offset=(k % 23 != 0) or off != 0), p])


# ---------------------------------------------------------------- DuckDB


def load(con, path, rfc):
    ts = "epoch(\"timestamp\"::TIMESTAMPTZ)" if rfc else "\"timestamp\"::DOUBLE"
    con.execute("DROP TABLE IF EXISTS ev")
    con.execute(
        f"""CREATE TABLE ev AS SELECT user_id, event, {ts} AS ts, coalesce(platform, '') AS platform
            FROM read_csv('{path}', header=true, all_varchar=true, quote='"', escape='"')"""
    )


def codes_sql(steps):
    names = list(dict.fromkeys(steps))
    whens = " ".join(f"WHEN '{n}' THEN {i}" for i, n in enumerate(names))
    return f"CASE event {whens} ELSE {OTHER} END"


def ordered_sql(steps, w):
    n = len(steps)
    parts = [
        f"s1 AS (SELECT user_id, min(ts) AS t1 FROM ev WHERE event='{steps[0]}' GROUP BY user_id)",
        # Entry value: the smallest value among the user's step-1 events at the entry time.
        f"""g AS (SELECT s1.user_id, min(ev.platform) AS g FROM s1 JOIN ev ON ev.user_id=s1.user_id
              AND ev.event='{steps[0]}' AND ev.ts=s1.t1 GROUP BY ALL)""",
    ]
    for i in range(2, n + 1):
        p = f"s{i-1}"
        parts.append(
            f"""s{i} AS (SELECT {p}.user_id, {p}.t1, min(e.ts) AS t{i} FROM {p} JOIN ev e
                 ON e.user_id={p}.user_id AND e.event='{steps[i-1]}' AND e.ts >= {p}.t{i-1}
                 AND e.ts <= {p}.t1 + {w} GROUP BY ALL)"""
        )
    sel = ", ".join(["s1.user_id", "g.g", "s1.t1"] + [f"s{i}.t{i}" for i in range(2, n + 1)])
    joins = " ".join(f"LEFT JOIN s{i} USING (user_id)" for i in range(2, n + 1))
    parts.append(f"fu AS (SELECT {sel} FROM s1 JOIN g USING (user_id) {joins})")
    return "WITH " + ",\n".join(parts)


def strict_sql(steps, w):
    n = len(steps)
    code = codes_sql(steps)
    names = list(dict.fromkeys(steps))
    leads = ", ".join(f"lead(code, {k}) OVER w AS c{k+1}, lead(ts, {k}) OVER w AS t{k+1}" for k in range(1, n))
    cols = ["user_id", "platform AS g", "ts AS t1"]
    for j in range(2, n + 1):
        conds = " AND ".join(f"c{k} = {names.index(steps[k-1])}" for k in range(2, j + 1))
        cols.append(f"CASE WHEN {conds} AND t{j} <= ts + {w} THEN t{j} END AS t{j}")
    return f"""WITH coded AS (SELECT user_id, ts, platform, {code} AS code FROM ev),
        seq AS (SELECT *, row_number() OVER w AS rn{', ' + leads if leads else ''} FROM coded
                WINDOW w AS (PARTITION BY user_id ORDER BY ts, code, platform)),
        entry AS (SELECT user_id, min(rn) AS rn FROM seq WHERE code = 0 GROUP BY user_id),
        fu AS (SELECT {', '.join(cols)} FROM seq JOIN entry USING (user_id, rn))"""


def duckdb_funnel(con, with_sql, steps):
    n = len(steps)
    counts = ", ".join(f"count(t{i})" for i in range(1, n + 1))
    meds = ", ".join(f"median(t{i} - t{i-1})" for i in range(2, n + 1))
    sel = counts + (", " + meds if meds else "")
    users = con.execute("SELECT count(DISTINCT user_id) FROM ev").fetchone()[0]
    overall = con.execute(f"{with_sql} SELECT {sel} FROM fu").fetchone()
    groups = con.execute(f"{with_sql} SELECT g, {sel} FROM fu GROUP BY g ORDER BY g").fetchall()
    unpack = lambda r: (list(r[:n]), [None] + [None if m is None else float(m) for m in r[n:]])
    return users, unpack(overall), {g[0]: unpack(g[1:]) for g in groups}


# ---------------------------------------------------------------- plain Python


def python_funnel(rows, steps, w, order, exclude):
    names = list(dict.fromkeys(steps))
    code = {n: i for i, n in enumerate(names)}
    for e in exclude:
        code.setdefault(e, len(code))
    excluded = {code[e] for e in exclude}
    by = defaultdict(list)
    for uid, ev, t, p in rows:
        by[uid].append((t, code.get(ev, OTHER), p))
    counts = defaultdict(lambda: [0] * len(steps))
    gaps = defaultdict(lambda: [[] for _ in steps])
    for evs in by.values():
        evs.sort()
        entry = next((i for i, e in enumerate(evs) if e[1] == 0), None)
        if entry is None:
            continue
        t1, _, g = evs[entry]
        dl = t1 + w
        times = [t1]
        if order == "ordered":
            used, prev = {entry}, t1
            for s in steps[1:]:
                hit = next((i for i, (t, c, _) in enumerate(evs)
                            if c == code[s] and prev <= t <= dl and i not in used), None)
                if hit is None:
                    break
                used.add(hit)
                prev = evs[hit][0]
                times.append(prev)
        elif order == "strict":
            for j, s in enumerate(steps[1:], 1):
                i = entry + j
                if i >= len(evs) or evs[i][1] != code[s] or evs[i][0] > dl:
                    break
                times.append(evs[i][0])
        else:
            done = t1
            for j, s in enumerate(steps[1:], 1):
                nth = steps[:j].count(s)
                hits = [t for (t, c, _) in evs[entry:] if c == code[s] and t <= dl]
                if len(hits) <= nth:
                    break
                done = max(done, hits[nth])
                times.append(done)
        for t, c, _ in evs[entry + 1:]:
            if c in excluded and t > t1:
                cut = next((j for j, tj in enumerate(times) if tj > t), None)
                if cut is not None:
                    times = times[:cut]
        for j, tj in enumerate(times):
            counts[g][j] += 1
            if j:
                gaps[g][j].append(tj - times[j - 1])
    total_counts = [sum(c[j] for c in counts.values()) for j in range(len(steps))]
    total_gaps = [[x for gg in gaps.values() for x in gg[j]] for j in range(len(steps))]
    med = lambda v: statistics.median(v) if v else None
    unpack = lambda c, gp: (c, [None] + [med(gp[j]) for j in range(1, len(steps))])
    return len(by), unpack(total_counts, total_gaps), {g: unpack(counts[g], gaps[g]) for g in sorted(counts)}


# ---------------------------------------------------------------- output


def report(steps, users, overall, groups, breakdown):
    def step_list(counts, medians):
        out = []
        for j, s in enumerate(steps):
            prev = counts[j - 1] if j else counts[0]
            out.append({
                "event": s,
                "users": counts[j],
                "conversion_from_start": counts[j] / counts[0] if counts[0] else 0.0,
                "conversion_from_previous": counts[j] / prev if prev else 0.0,
                "median_seconds_from_previous": medians[j],
            })
        return out
    return {
        "users": users,
        "steps": step_list(*overall),
        "breakdown": {g: {"steps": step_list(*v)} for g, v in groups.items()} if breakdown else {},
    }


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def same(x, y):
    (ux, ox, gx), (uy, oy, gy) = x, y
    if ux != uy or ox[0] != oy[0] or not all(close(a, b) for a, b in zip(ox[1], oy[1])):
        return False
    if sorted(gx) != sorted(gy):
        return False
    return all(gx[g][0] == gy[g][0] and all(close(a, b) for a, b in zip(gx[g][1], gy[g][1])) for g in gx)


WINDOWS = {"30m": 1800.0, "2h": 7200.0, "1d": 86400.0, "7d": 604800.0}
FUNNEL = ["visit", "signup", "cart", "purchase"]


def main():
    rows = make_events(700)
    write_epoch_csv(os.path.join(HERE, "events.csv"), rows)
    write_rfc_csv(os.path.join(HERE, "events_rfc3339.csv"), rows)
    py_rows = [(u, e, ms / 1000 if ms % 1000 else float(ms // 1000), p) for (u, e, ms, p) in rows]
    # The values of both files are the same doubles: ms/1000 correctly rounded.
    cases = [
        ("ordered-1d-by-platform", "events.csv", FUNNEL, "1d", "ordered", [], "platform"),
        ("ordered-30m", "events.csv", FUNNEL, "30m", "ordered", [], None),
        ("ordered-7d-by-platform", "events.csv", FUNNEL, "7d", "ordered", [], "platform"),
        ("ordered-reversed-2h", "events.csv", ["purchase", "cart", "signup"], "2h", "ordered", [], None),
        ("ordered-one-step", "events.csv", ["signup"], "1d", "ordered", [], "platform"),
        ("strict-1d-by-platform", "events.csv", FUNNEL, "1d", "strict", [], "platform"),
        ("strict-7d", "events.csv", ["visit", "signup", "cart"], "7d", "strict", [], None),
        ("rfc3339-ordered-1d-by-platform", "events_rfc3339.csv", FUNNEL, "1d", "ordered", [], "platform"),
        ("rfc3339-strict-2h", "events_rfc3339.csv", FUNNEL, "2h", "strict", [], None),
        ("any-1d-by-platform", "events.csv", FUNNEL, "1d", "any", [], "platform"),
        ("any-30m", "events.csv", FUNNEL, "30m", "any", [], None),
        ("ordered-exclude-refund-1d", "events.csv", FUNNEL, "1d", "ordered", ["refund"], "platform"),
        ("any-exclude-two-7d", "events.csv", FUNNEL, "7d", "any", ["refund", "support_call"], None),
        ("strict-exclude-pageview-7d", "events.csv", FUNNEL, "7d", "strict", ["pageview"], None),
        ("ordered-repeated-visit-2h", "events.csv", ["visit", "visit", "signup"], "2h", "ordered", [], None),
        ("any-repeated-visit-2h", "events.csv", ["visit", "signup", "visit"], "2h", "any", [], None),
    ]
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute("SET TimeZone = 'UTC'")
    out = []
    for name, file, steps, window, order, exclude, breakdown in cases:
        w = WINDOWS[window]
        py = python_funnel(py_rows, steps, w, order, exclude)
        source = "python"
        if order in ("ordered", "strict") and not exclude and len(set(steps)) == len(steps):
            load(con, os.path.join(HERE, file), rfc=file.endswith("rfc3339.csv"))
            sql = ordered_sql(steps, w) if order == "ordered" else strict_sql(steps, w)
            db = duckdb_funnel(con, sql, steps)
            if not same(db, py):
                raise SystemExit(f"{name}: DuckDB and the Python reference disagree:\n{db}\n{py}")
            py, source = db, "duckdb"
        users, overall, groups = py
        out.append({
            "name": name, "file": file, "steps": steps, "window": window, "order": order,
            "exclude": exclude, "breakdown": breakdown, "source": source,
            "expected": report(steps, users, overall, groups, breakdown),
        })
        print(f"{name:34s} {source:6s} {overall[0]}")
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump({"duckdb": duckdb.__version__, "cases": out}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
