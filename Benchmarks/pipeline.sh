#!/usr/bin/env bash
# Speed benchmark (not a test) of issue #3: seeds 003/004's pipeline as its users run it (opencv-python res10
# SSD + tf_keras MobileNetV2, one `predict` per face, one process; Benchmarks/seed_pipeline.py) beside
# `maskbench run --pipeline ssd-mobilenetv2` (a fresh --out, no cache, timed as a whole process with
# /usr/bin/time), on the same images, in one run. maskbench runs twice: as `run` does by default (it also
# classifies every ground-truth face alone, for classifier.groundTruthCrops), and with --no-crops, classifying
# only the faces it detects: the seed's work. Prints a Markdown table (images/s, CPU seconds, ratios) and checks that both made the same
# mask/no-mask decision on every face (faces matched by identical box); exits 1 when a decision differs. Ends with
# every run's ratios together (lowest, highest, median, and how many reach the targets, 3× and 4×).
# Needs ../shared/datasets, models/ (Scripts/fetch-models.sh) and PyPI (Examples/python-worker/requirements.txt
# into .peers-pipeline/ unless PYTHON is set). See Benchmarks/README.md.
#
#   Benchmarks/pipeline.sh                       # builds the release binary, 1 run, maskbench on all cores
#   Benchmarks/pipeline.sh --runs 2 --workers 1  # maskbench in one worker, for a single-process comparison
#   PYTHON=/path/to/venv/bin/python MASKBENCH=.build-x/release/maskbench Benchmarks/pipeline.sh --runs 2
#
# --workers N is passed to maskbench (default: its own, the number of cores); --dataset DIR (default
# ../shared/datasets/kaggle-face-mask) must hold annotations/ and images/.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1
workers=""
dataset=../shared/datasets/kaggle-face-mask
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --dataset) dataset="$2"; shift 2 ;;
        *) echo "usage: Benchmarks/pipeline.sh [--runs N] [--workers N] [--dataset DIR]" >&2; exit 2 ;;
    esac
done
[ -d "$dataset/annotations" ] && [ -d "$dataset/images" ] || { echo "needs $dataset/{annotations,images}" >&2; exit 2; }
for f in deploy.prototxt res10_300x300_ssd_iter_140000.caffemodel face_mask_detector.model; do
    [ -f "models/$f" ] || { echo "missing models/$f; run Scripts/fetch-models.sh" >&2; exit 2; }
done

if [ -z "${PYTHON:-}" ]; then
    if [ ! -x .peers-pipeline/bin/python ]; then
        python3 -m venv .peers-pipeline
        .peers-pipeline/bin/pip install -q -r Examples/python-worker/requirements.txt
    fi
    PYTHON=.peers-pipeline/bin/python
fi
if [ -z "${MASKBENCH:-}" ]; then
    swift build -c release --product maskbench
    MASKBENCH=.build/release/maskbench
fi
[ -x "$MASKBENCH" ] || { echo "no maskbench at $MASKBENCH" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for run in $(seq 1 "$runs"); do
    echo "## Run $run of $runs ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
    # 1. The seed pipeline; its own clock around the image loop (model loading and warm-up excluded).
    "$PYTHON" Benchmarks/seed_pipeline.py run --models models --images "$dataset/images" \
        --out "$scratch/seed-$run.jsonl" > "$scratch/seed-$run.json" 2> "$scratch/seed-$run.log" \
        || { tail -20 "$scratch/seed-$run.log" >&2; exit 2; }
    # 2. maskbench as a whole process into a fresh folder (no cache): start-up, model loading, the images,
    #    the ground-truth crops it also classifies, evaluation and reports.
    out="$scratch/maskbench-$run"
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/time-$run.txt" \
        "$MASKBENCH" run --pipeline ssd-mobilenetv2 --ground-truth "$dataset/annotations" --images "$dataset/images" \
        ${workers:+--workers "$workers"} --quiet --out "$out" \
        || { echo "maskbench run failed" >&2; exit 2; }
    # 3. maskbench again with --no-crops: it classifies only the faces it detects, the seed pipeline's work.
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/time-nocrops-$run.txt" \
        "$MASKBENCH" run --pipeline ssd-mobilenetv2 --ground-truth "$dataset/annotations" --images "$dataset/images" \
        ${workers:+--workers "$workers"} --no-crops --quiet --out "$out-nocrops" 2> /dev/null \
        || { echo "maskbench run --no-crops failed" >&2; exit 2; }
    extra=(--detections-only "$out-nocrops" --detections-only-time "$scratch/time-nocrops-$run.txt")
    # 4. The table and the face-by-face check.
    "$PYTHON" Benchmarks/seed_pipeline.py compare --seed "$scratch/seed-$run.jsonl" \
        --seed-timing "$scratch/seed-$run.json" --maskbench "$out" --maskbench-time "$scratch/time-$run.txt" \
        "${extra[@]}" --workers "${workers:-$(nproc) (default)}" --ratios "$scratch/ratios.txt" || status=1
done
# 5. Every run's ratios together: the machine's speed moves from run to run, the seed's more than maskbench's.
[ ! -f "$scratch/ratios.txt" ] || "$PYTHON" Benchmarks/seed_pipeline.py summary --ratios "$scratch/ratios.txt"
exit $status
