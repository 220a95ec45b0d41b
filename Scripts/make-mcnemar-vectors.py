#!/usr/bin/env python3
"""Writes Tests/MaskBenchGateTests/Vectors/mcnemar.json: exact McNemar p-values computed by scipy.

The exact (binomial) McNemar test on discordant counts b and c is the two-sided binomial test of
min(b, c) successes in b + c trials with p = 0.5, which is what scipy.stats.binomtest computes.
The gate's own implementation (Sources/MaskBenchGate/McNemar.swift) is tested against these values.

Run once, from the package root, and commit the output:

    python3 Scripts/make-mcnemar-vectors.py
"""

import json
import os
import sys

import scipy
from scipy.stats import binomtest

PAIRS = [
    (0, 0), (0, 1), (0, 5), (5, 0), (1, 9), (3, 3), (4, 11), (7, 2), (12, 30),
    (25, 40), (50, 75), (120, 100), (200, 260), (500, 560), (1000, 1200),
]


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "Tests", "MaskBenchGateTests", "Vectors", "mcnemar.json")
    cases = []
    for b, c in PAIRS:
        n = b + c
        p = 1.0 if n == 0 else float(binomtest(min(b, c), n, 0.5).pvalue)
        cases.append({"b": b, "c": c, "pValue": p})
    document = {
        "generator": "Scripts/make-mcnemar-vectors.py, scipy %s, scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue"
        % scipy.__version__,
        "cases": cases,
    }
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)
    print("wrote %s (%d cases)" % (out, len(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
