#!/usr/bin/env bash
# Long-run check (issue #7): `maskbench run --external` over N images (the Kaggle photos of ../shared repeated
# under new names) with a worker that crashes on 1% of them, at two sizes, to show that peak memory stays flat
# and that every crash costs one image. Prints one line per size: images, failed, wall time, peak RSS.
#   Scripts/long-run.sh [N ...]        (default: 2000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
images=../shared/datasets/kaggle-face-mask/images
[ -d "$images" ] || { echo "needs ../shared/datasets/kaggle-face-mask" >&2; exit 2; }
bin=.build/release/maskbench
[ -x "$bin" ] || swift build -c release --product maskbench >/dev/null
sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(2000 10000)
work=$(mktemp -d -p . .build-longrun.XXXX)  # beside ../shared, so images can be hard links
trap 'rm -rf "$work"' EXIT
photos=("$images"/*.png)

# A worker answering one face per image, crashing (exit 3) on the images whose name hashes to 0 mod 100.
cat >"$work/worker.py" <<'PY'
import json, sys, zlib
print(json.dumps({"protocol": "maskbench-worker", "version": 1, "name": "flaky", "fingerprint": "flaky-1"}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    name = request["image"].rsplit("/", 1)[-1]
    if zlib.crc32(name.encode()) % 100 == 0:
        sys.exit(3)
    face = {"box": [10, 10, 40, 40], "faceScore": 0.9, "maskScore": 0.7}
    print(json.dumps({"id": request["id"], "faces": [face]}), flush=True)
PY

for n in "${sizes[@]}"; do
    dir="$work/$n"
    mkdir -p "$dir/images"
    : >"$dir/gt.csv"
    for ((i = 0; i < n; i++)); do
        photo=${photos[$((i % ${#photos[@]}))]}
        name=$(printf 'img%06d.png' "$i")
        ln "$photo" "$dir/images/$name" 2>/dev/null || cp "$photo" "$dir/images/$name"
        echo "masked,12,12,38,38,$name,400,300" >>"$dir/gt.csv"
    done
    start=$(date +%s.%N)
    set +e
    /usr/bin/time -f "%M" -o "$dir/rss" "$bin" run --external "python3 $work/worker.py" --ground-truth "$dir/gt.csv" \
        --images "$dir/images" --out "$dir/out" --workers 2 --retries 1 --bootstrap 0 --quiet \
        >/dev/null 2>"$dir/stderr"
    status=$?
    set -e
    end=$(date +%s.%N)
    failed=$(wc -l <"$dir/out/failures.jsonl")
    printf '%6d images: exit %d, %d failed, %.1f s, peak RSS %d MB\n' "$n" "$status" "$failed" \
        "$(echo "$end - $start" | bc)" "$(($(tail -1 "$dir/rss") / 1024))"
done
