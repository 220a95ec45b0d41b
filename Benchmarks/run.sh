#!/usr/bin/env bash
# Speed benchmark (not a test): maskbench beside pycocotools, hotcoco (one thread) and scikit-learn, on the
# synthetic data of ../shared/bench, in one run. Needs ../shared beside the checkout and PyPI.
#   Benchmarks/run.sh [--runs 3] [--tags 5k 50k]
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared/bench
[ -f "$shared/gen_dataset.py" ] || { echo "needs ../shared/bench" >&2; exit 2; }
if [ ! -x .peers/bin/python ]; then
    python3 -m venv .peers
    .peers/bin/pip install -q numpy pycocotools hotcoco scikit-learn threadpoolctl
fi
mkdir -p bench-data
[ -f bench-data/gt_5k.json ] || .peers/bin/python "$shared/gen_dataset.py" --images 5000 --seed 20240601 --tag 5k --out bench-data
[ -f bench-data/gt_50k.json ] || .peers/bin/python "$shared/gen_dataset.py" --images 50000 --seed 20240601 --tag 50k --out bench-data
[ -f bench-data/roc_1m.bin ] || .peers/bin/python "$shared/gen_dataset.py" --roc 1000000 --seed 20240601 --tag 1m --out bench-data
swift build -c release --product maskbench
(cd Benchmarks && swift build -c release --product roc-bench)
.peers/bin/python Benchmarks/compare.py --data bench-data "$@"
