#!/usr/bin/env bash
# The Slurm path end to end (part of Scripts/test.sh): a single-node cluster started here
# (Examples/slurm/local-cluster.sh), a 3-task array of Examples/slurm/shard.sbatch (`maskbench run --shard auto/3`)
# over ../shared/datasets/kaggle-face-mask with one shared cache, Examples/slurm/merge.sbatch submitted with
# --dependency=afterok on the array, and a byte comparison of the merge with one `maskbench run`.
# Skips with a message when ../shared/datasets, the models or Slurm (Scripts/setup.sh installs it) are absent.
#   Scripts/test-slurm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
data=$root/../shared/datasets/kaggle-face-mask
skip() {
    echo "Slurm end-to-end check skipped: $1"
    exit 0
}
[ -d "$data/annotations" ] || skip "needs ../shared/datasets (absent)"
[ -f models/face_mask_detector.model ] || skip "needs the models (Scripts/fetch-models.sh)"
command -v slurmctld >/dev/null || skip "needs munge, slurmctld, slurmd and slurm-client (Scripts/setup.sh installs them)"

swift build -c release --product maskbench >/dev/null
export MASKBENCH=$root/.build/release/maskbench MASKBENCH_SHARDS=3
MASKBENCH_WORK=$(mktemp -d /tmp/maskbench-slurm.XXXXXX)
export MASKBENCH_WORK
started=no
sinfo >/dev/null 2>&1 || started=yes
Examples/slurm/local-cluster.sh start >/dev/null
stop() { if [ "$started" = yes ]; then Examples/slurm/local-cluster.sh stop; fi; }
trap stop EXIT

inputs=(--ground-truth "$data/annotations" --images "$data/images")
array=$(sbatch --parsable --array=0-2 --chdir="$MASKBENCH_WORK" --output="$MASKBENCH_WORK/slurm-%A_%a.out" \
    Examples/slurm/shard.sbatch --pipeline ssd-mobilenetv2 "${inputs[@]}")
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$MASKBENCH_WORK" \
    --output="$MASKBENCH_WORK/slurm-merge-%j.out" Examples/slurm/merge.sbatch "${inputs[@]}" --quiet)
echo "Slurm: array job $array (3 shards), merge job $merge (afterok:$array), in $MASKBENCH_WORK"

# Meanwhile, one run over the whole data set.
"$MASKBENCH" run --pipeline ssd-mobilenetv2 "${inputs[@]}" --out "$MASKBENCH_WORK/single" --quiet

deadline=$((SECONDS + 1200))
while squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; do
    if [ "$SECONDS" -gt "$deadline" ]; then
        squeue >&2
        echo "Slurm end-to-end check: the jobs did not finish in 20 min" >&2
        exit 1
    fi
    sleep 1
done
state=$(scontrol show job "$merge" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
if [ "$state" != COMPLETED ]; then
    cat "$MASKBENCH_WORK"/slurm-*.out >&2 || true
    echo "Slurm end-to-end check: the merge job ended $state" >&2
    exit 1
fi

for file in predictions.jsonl faces.csv boxes.csv extras.csv failures.jsonl; do
    cmp "$MASKBENCH_WORK/single/$file" "$MASKBENCH_WORK/merged/$file"
done
# metrics.json: equal but for paths (inputs) and cache counts (run.computed, run.cached).
python3 - "$MASKBENCH_WORK/single/metrics.json" "$MASKBENCH_WORK/merged/metrics.json" <<'PY'
import json, sys
def comparable(path):
    with open(path) as f:
        m = json.load(f)
    del m["inputs"]
    del m["run"]["computed"], m["run"]["cached"]
    return m
one, merged = (comparable(p) for p in sys.argv[1:])
if one != merged:
    sys.exit(f"metrics.json differ beyond paths and cache counts: {sys.argv[1]} {sys.argv[2]}")
PY
echo "Slurm end-to-end check passed: 3 shards merged by job $merge equal one run byte for byte" \
    "(predictions.jsonl, faces.csv, boxes.csv, extras.csv, failures.jsonl; metrics.json but for paths and cache counts)"
rm -rf "$MASKBENCH_WORK"
