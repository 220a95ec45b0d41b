#!/usr/bin/env python3
"""Writes Tests/MaskBenchCoreTests/Vectors/roc_vectors.json: scikit-learn's roc_curve and auc on small
score vectors with ties, so MaskBench's ROC is tested against the reference implementation.

Run once (needs scikit-learn and numpy), commit the JSON with this script:
    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn
    /tmp/sk/bin/python Scripts/make-roc-vectors.py > Tests/MaskBenchCoreTests/Vectors/roc_vectors.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import auc, roc_curve

rng = np.random.default_rng(7)
cases = []


def add(name, labels, scores):
    labels = [int(v) for v in labels]
    scores = [float(v) for v in scores]
    fpr, tpr, thr = roc_curve(labels, scores)
    fpr_all, tpr_all, thr_all = roc_curve(labels, scores, drop_intermediate=False)
    cases.append({
        "name": name, "labels": labels, "scores": scores,
        "fpr": fpr.tolist(), "tpr": tpr.tolist(),
        "thresholds": [None if not np.isfinite(t) else float(t) for t in thr],
        "fprAll": fpr_all.tolist(), "tprAll": tpr_all.tolist(),
        "thresholdsAll": [None if not np.isfinite(t) else float(t) for t in thr_all],
        "auc": float(auc(fpr, tpr)),
    })


add("hand-made ties", [1, 0, 1, 1, 0, 0, 1, 0], [0.9, 0.9, 0.8, 0.5, 0.5, 0.5, 0.1, 0.1])
add("all tied", [1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])
add("perfect", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
add("inverted", [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])
add("binary scores", [1, 0, 1, 1, 0, 1, 0, 0, 1, 1], [1, 0, 1, 0, 0, 1, 1, 0, 1, 1])
for n, levels in [(50, 5), (200, 20), (1000, 101)]:
    labels = (rng.uniform(size=n) < 0.4).astype(int)
    scores = np.round(np.clip(rng.normal(0.4 + 0.25 * labels, 0.2), 0, 1) * (levels - 1)) / (levels - 1)
    add(f"random n={n} with {levels} score levels", labels, scores)
labels = (rng.uniform(size=500) < 0.5).astype(int)
add("random n=500 continuous", labels, rng.uniform(size=500) + 0.3 * labels)

json.dump({"generator": f"scikit-learn {sklearn.__version__}, numpy {np.__version__}", "cases": cases},
          sys.stdout, indent=1)
sys.stdout.write("\n")
