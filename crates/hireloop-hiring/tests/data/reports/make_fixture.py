"""Writes fixture.json, the hand-checked input of tests/reports.rs (run once; the tests read the
JSON, not this script). Times are written as T0 + days (+ hours), T0 = 2026-10-01T00:00:00Z, and
each record keeps a `_note` in days so the expected figures in the test can be checked by hand.
now = T0 + 100 days.
"""

import json
import os
from datetime import datetime, timezone

T0 = int(datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp() * 1000)
DAY = 86_400_000
HOUR = 3_600_000


def t(days, hours=0):
    return T0 + days * DAY + hours * HOUR


def visit(stage, entered, left, outcome):
    return {
        "stage_id": stage,
        "entered_ms": t(entered),
        "left_ms": None if left is None else t(left),
        "outcome": outcome,
    }


def app(id, cohort, req, group, applied, visits, decided=None, decision=None):
    note = f"applied d{applied}; " + "; ".join(
        f"{s} d{e}-{'open' if l is None else 'd' + str(l)} {o}" for s, e, l, o in visits
    )
    if decision:
        note += f"; {decision} d{decided}"
    return {
        "_note": note,
        "id": id,
        "requisition_id": req,
        "cohort": cohort,
        "applied_ms": t(applied),
        "group": group,
        "visits": [visit(*v) for v in visits],
        "decided_ms": None if decided is None else t(decided),
        "decision": decision,
    }


P, F, W, O = "passed", "failed", "withdrawn", "open"
applications = [
    app("a01", "2026-10", "r1", "A", 0, [("screen", 1, 5, P), ("onsite", 5, 20, P), ("offer", 20, 30, P)], 30, "hire"),
    app("a02", "2026-10", "r1", "A", 0, [("screen", 2, 4, F)], 4, "reject"),
    app("a03", "2026-10", "r1", "B", 3, [("screen", 3, 10, P), ("onsite", 10, 25, F)], 25, "reject"),
    app("a04", "2026-10", "r1", "B", 5, [("screen", 5, 6, P), ("onsite", 6, 40, P), ("offer", 40, 45, P)], 45, "hire"),
    app("a05", "2026-10", "r1", "C", 7, [("screen", 7, 9, W)]),
    app("a06", "2026-10", "r1", None, 10, [("screen", 10, 12, P), ("onsite", 12, 75, P), ("offer", 75, 80, P)], 80, "hire"),
    app("a07", "2026-11", "r2", "A", 31, [("screen", 31, 33, P), ("onsite", 33, None, O)]),
    app("a08", "2026-11", "r2", "A", 32, [("screen", 32, 36, P), ("onsite", 36, 50, F)], 50, "reject"),
    app("a09", "2026-11", "r2", "A", 35, [("screen", 35, 37, F)], 37, "reject"),
    # Moved back: failed the onsite, then reconsidered and re-entered it. Listed out of order.
    app("a10", "2026-11", "r2", "B", 40, [("onsite", 50, 60, P), ("screen", 40, 41, P), ("onsite", 41, 44, F), ("offer", 60, 70, P)], 70, "hire"),
    app("a11", "2026-11", "r2", "B", 45, [("screen", 45, None, O)]),
    app("a12", "2026-11", "r2", "C", 50, [("screen", 50, 52, P), ("onsite", 52, 80, P), ("offer", 80, 85, F)], 85, "reject"),
]


def card(interviewer, application, rnd, due, submitted, ratings, rec):
    """due and submitted are (days, hours)."""
    note = f"due d{due[0]}{due[1]:+d}h; " + (
        "not submitted" if submitted is None else f"submitted d{submitted[0]}{submitted[1]:+d}h"
    )
    return {
        "_note": note,
        "interviewer": interviewer,
        "application_id": application,
        "round_id": rnd,
        "due_ms": t(*due),
        "submitted_ms": None if submitted is None else t(*submitted),
        "ratings": ratings,
        "recommendation": rec,
    }


scorecards = [
    card("ivy", "a01", "r1", (6, 0), (6, -2), {"craft": 4, "judgment": 3}, "strong_yes"),
    card("max", "a01", "r2", (7, 0), (7, 10), {"craft": 3, "judgment": 3}, "yes"),
    card("noor", "a01", "r3", (8, 0), (8, 4), {"craft": 2, "judgment": "no_evidence"}, "no_decision"),
    card("ivy", "a03", "r1", (12, 0), (11, 0), {"craft": 2, "judgment": 2}, "no"),
    card("max", "a03", "r2", (12, 0), (13, 0), {"craft": 1, "judgment": 2}, "strong_no"),
    card("ivy", "a04", "r1", (8, 0), (8, 0), {"craft": 3, "judgment": 4}, "yes"),
    card("noor", "a04", "r2", (9, 0), (9, 30), {"craft": 3, "judgment": 3}, "yes"),
    card("omar", "a04", "r3", (9, 0), (9, -1), {"craft": 4, "judgment": 4}, "strong_yes"),
    card("max", "a07", "r1", (36, 0), None, {}, None),
    card("omar", "a07", "r2", (36, 0), (35, 0), {"craft": 2, "judgment": 3}, "no_decision"),
    # A draft: its rating must not count.
    card("omar", "a08", "r1", (200, 0), None, {"craft": 1}, None),
    card("noor", "a08", "r2", (40, 0), (41, 0), {"craft": 3}, None),
]

stages = [
    {"id": "screen", "name": "Resume screen"},
    {"id": "onsite", "name": "Onsite loop"},
    {"id": "offer", "name": "Offer"},
]

out = {
    "now_ms": t(100),
    "stages": stages,
    "applications": applications,
    "scorecards": scorecards,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
