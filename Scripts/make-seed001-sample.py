#!/usr/bin/env python3
"""Writes Annotations/seed001-table/: a ground truth and predictions whose per-face outcomes are exactly the
table seed 001 publishes (masked 119 = 95 correct + 14 wrong + 10 missed; unmasked 130 = 115 + 7 + 8;
15 extra detections, 4 of them called unmasked), so `maskbench evaluate` reproduces its TNR 88.5% and
FNR 11.8% from files. The photos themselves are not public; the boxes are made up, the outcomes are theirs.

    python3 Scripts/make-seed001-sample.py

Deterministic (random.Random(1)); the files are committed.
"""
import csv
import os
import random

rng = random.Random(1)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Annotations", "seed001-table")
os.makedirs(out, exist_ok=True)

W, H = 640, 480
faces = []  # (label, fate, maskScore)
faces += [("masked", "correct", None)] * 95 + [("masked", "wrong", None)] * 14 + [("masked", "missed", None)] * 10
faces += [("not_masked", "correct", None)] * 115 + [("not_masked", "wrong", None)] * 7
faces += [("not_masked", "missed", None)] * 8
rng.shuffle(faces)

truth_rows, pred_rows = [], []
image = 0
i = 0
extras = 0
while i < len(faces):
    image += 1
    name = f"seed001_{image:03d}.jpg"
    k = min(rng.randint(1, 3), len(faces) - i)
    for slot in range(k):
        label, fate, _ = faces[i]
        i += 1
        w = rng.randint(40, 120)
        h = int(w * rng.uniform(1.1, 1.3))
        x = slot * 160 + rng.randint(0, 160 - w if w < 160 else 0)
        y = rng.randint(0, H - h)
        truth_rows.append([label, x, y, w, h, name, W, H])
        if fate == "missed":
            continue
        masked = label == "masked"
        called_masked = masked if fate == "correct" else not masked
        score = round(rng.uniform(0.55, 0.99) if called_masked else rng.uniform(0.01, 0.45), 4)
        dx, dy = rng.randint(-3, 3), rng.randint(-3, 3)
        pred_rows.append([name, x + dx, y + dy, w, h, round(rng.uniform(0.8, 0.999), 4), score])
    if image % 6 == 0 and extras < 15:
        # an extra detection in the right margin, where no face is (faces stay left of x = 480)
        score = round(rng.uniform(0.05, 0.45), 4) if extras < 4 else round(rng.uniform(0.55, 0.95), 4)
        pred_rows.append([name, 560, rng.randint(0, 400), 36, 44, round(rng.uniform(0.5, 0.9), 4), score])
        extras += 1

assert extras == 15, "not enough images for 15 extra detections"
# makesense.ai exports have no header row.
with open(os.path.join(out, "ground-truth.csv"), "w", newline="") as f:
    csv.writer(f, lineterminator="\n").writerows(truth_rows)
with open(os.path.join(out, "predictions.csv"), "w", newline="") as f:
    wr = csv.writer(f, lineterminator="\n")
    wr.writerow(["image", "x", "y", "width", "height", "faceScore", "maskScore"])
    wr.writerows(pred_rows)
print(f"{image} images, {len(truth_rows)} faces, {len(pred_rows)} predictions")
