#!/usr/bin/env python3
"""Make a stand-in predictions CSV from Pascal VOC ground truth, for trying reports before a model runs.

Each ground-truth face is found with probability --recall (smaller faces less often), its box jittered by a
few percent; its maskScore is drawn around the truth (masked high, unmasked low) with some wrong calls; and
about --extras extra detections per image land on random places. Seeded: the same arguments give the same
file. The output has the columns `maskbench evaluate --predictions` reads:
image,x,y,width,height,faceScore,maskScore.

    python3 Scripts/make-jittered-predictions.py --annotations DIR --out preds.csv [--seed 4]
"""
import argparse
import csv
import os
import random
import xml.etree.ElementTree as ET


def faces(path):
    root = ET.parse(path).getroot()
    name = root.findtext("filename")
    width = int(root.findtext("size/width") or 0)
    height = int(root.findtext("size/height") or 0)
    out = []
    for obj in root.iter("object"):
        box = obj.find("bndbox")
        x1, y1, x2, y2 = (float(box.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))
        out.append((obj.findtext("name"), x1, y1, x2 - x1, y2 - y1))
    return name, width, height, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", required=True, help="folder of VOC .xml files")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--recall", type=float, default=0.9)
    parser.add_argument("--extras", type=float, default=0.3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = []
    for file in sorted(os.listdir(args.annotations)):
        if not file.endswith(".xml"):
            continue
        name, width, height, objects = faces(os.path.join(args.annotations, file))
        for label, x, y, w, h in objects:
            found = args.recall * (0.75 if h < 16 else 1.0)
            if rng.random() > found:
                continue
            j = 0.06
            x += rng.uniform(-j, j) * w
            y += rng.uniform(-j, j) * h
            w *= 1 + rng.uniform(-j, j)
            h *= 1 + rng.uniform(-j, j)
            masked = label == "with_mask"
            right = rng.random() < (0.88 if masked else 0.8)
            score = rng.betavariate(6, 2) if masked == right else rng.betavariate(2, 6)
            rows.append((name, x, y, w, h, rng.uniform(0.55, 0.999), score))
        while rng.random() < args.extras and width > 40 and height > 40:
            w = rng.uniform(12, min(80, width / 3))
            h = w * rng.uniform(1.0, 1.3)
            rows.append((name, rng.uniform(0, width - w), rng.uniform(0, height - h), w, h,
                         rng.uniform(0.3, 0.9), rng.random()))
    with open(args.out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["image", "x", "y", "width", "height", "faceScore", "maskScore"])
        for name, x, y, w, h, fs, ms in rows:
            writer.writerow([name, f"{x:.1f}", f"{y:.1f}", f"{w:.1f}", f"{h:.1f}", f"{fs:.4f}", f"{ms:.4f}"])


if __name__ == "__main__":
    main()
