"""Reference values of Krippendorff's alpha for tests/reports.rs, from the `krippendorff` package.

Run once (not needed by the tests):  pip install krippendorff && python3 alpha_reference.py
It writes alpha_reference.json next to itself: each case lists its units (the values each unit
received, missing values left out) and alpha under the nominal, ordinal and interval metrics.
"""

import json
import math
import os

import krippendorff
import numpy as np

nan = np.nan

CASES = {
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers,
    # 12 units, values 1-5, missing values. Published: nominal 0.743, ordinal 0.815,
    # interval 0.849.
    "textbook": [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ],
    # Three interviewers on the 1-4 scale, eight units, some missing.
    "scale_1_4_missing": [
        [1, 2, 3, 4, 2, nan, 3, 1],
        [1, 3, 3, 4, 2, 2, nan, 2],
        [2, 2, 3, 3, nan, 2, 4, nan],
    ],
    # Two raters who systematically disagree: alpha below zero.
    "disagreement": [
        [1, 4, 1, 4, 2, 3],
        [4, 1, 4, 1, 3, 2],
    ],
    # Perfect agreement with variation between units: alpha is 1.
    "perfect": [
        [1, 2, 3, 4, 2, nan],
        [1, 2, 3, 4, 2, 3],
        [1, nan, 3, 4, 2, 3],
    ],
    # Units of different sizes (2 to 5 ratings), as panels are in practice.
    "uneven_panels": [
        [3, 2, 4, 1, 3, 2, nan, 4],
        [3, 3, 4, 2, nan, 2, 1, 4],
        [4, nan, 3, nan, nan, 1, 2, 4],
        [nan, nan, 4, nan, nan, 2, nan, 3],
        [nan, nan, nan, nan, nan, 2, nan, nan],
    ],
}


def units(matrix):
    """Column-wise values without the missing ones: one list per unit."""
    cols = np.array(matrix, dtype=float).T
    return [[int(v) for v in col if not math.isnan(v)] for col in cols]


out = {}
for name, matrix in CASES.items():
    data = np.array(matrix, dtype=float)
    out[name] = {
        "units": units(matrix),
        "nominal": krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"),
        "ordinal": krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal"),
        "interval": krippendorff.alpha(reliability_data=data, level_of_measurement="interval"),
    }

from importlib.metadata import version

out["_source"] = f"krippendorff {version('krippendorff')}, numpy {np.__version__}"
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "alpha_reference.json")
# One case per line keeps the file readable and its diffs small.
text = "{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in out.items()) + "\n}\n"
with open(path, "w") as f:
    f.write(text)
print(text)
