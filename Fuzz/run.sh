#!/usr/bin/env bash
# Fuzzes every reader with libFuzzer (swiftc -sanitize=fuzzer,address), each for a fixed number of
# executions, seeded with the repository's fixtures and the real files in ../shared/datasets (copied into a
# scratch corpus under .build-fuzz/, never into the repository). Prints one line per target; exits 1 and
# names the input when one crashed, leaked or hung.
#   Fuzz/run.sh [--runs 20000] [target ...]
set -euo pipefail
cd "$(dirname "$0")"
runs=20000
if [ "${1:-}" = "--runs" ]; then runs=$2; shift 2; fi
all=(makesense dataroots voc coco coco-results predictions-csv predictions-jsonl faces-csv extras-csv metrics
    baseline gate rules claims image image-size png-routes)
selected=("$@")
[ "${#selected[@]}" -gt 0 ] || selected=("${all[@]}")

scratch=.build-fuzz
swift build -c release --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
bin="$scratch/release/maskbench-fuzz"
# png-routes is C (png-routes/fuzz.c) against the PNG shim's two routes, built apart with clang.
png_routes="$scratch/png-routes"
clang -g -O1 -fsanitize=fuzzer,address,undefined -I../Sources/CMaskBenchPNGDecode/include png-routes/fuzz.c \
    ../Sources/CMaskBenchPNGDecode/decode.c -lpng -ldeflate -lz -o "$png_routes"

root=..
fixtures=$root/Tests/MaskBenchFormatsTests/Fixtures
shared=$root/../shared/datasets
seed() { # seed TARGET FILE...
    local dir="$scratch/corpus/$1"; shift
    mkdir -p "$dir"
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"; done
    return 0
}
rm -rf "$scratch/corpus" "$scratch/findings"
mkdir -p "$scratch/findings"
seed makesense "$fixtures"/makesense/*.csv "$root"/Annotations/seed001-table/ground-truth.csv
seed dataroots "$fixtures"/dataroots/*
# The first files of the Kaggle set (array slices, not `ls | head`: under pipefail a SIGPIPE would end the script).
kaggle_xml=("$shared"/kaggle-face-mask/annotations/*.xml)
kaggle_png=("$shared"/kaggle-face-mask/images/*.png)
seed voc "$fixtures"/voc/*.xml "$fixtures"/voc-single/*.xml "${kaggle_xml[@]:0:20}"
seed coco "$fixtures"/coco-*.json
seed coco-results "$fixtures"/coco-results*.json
seed predictions-csv "$fixtures"/predictions/*.csv "$root"/Annotations/seed001-table/predictions.csv
seed predictions-jsonl "$fixtures"/predictions/*.jsonl "$fixtures"/*.jsonl
seed faces-csv "$root"/Reports/seed001-table/faces.csv
seed extras-csv "$root"/Reports/seed001-table/extras.csv
seed metrics "$root"/Reports/seed001-table/metrics.json
seed baseline "$root"/Baselines/*.json
seed gate "$root"/Baselines/*.json
seed rules "$root"/Baselines/rules/*.yml
seed claims "$root"/Baselines/claims/*.yml
imaging=$root/Tests/MaskBenchImagingTests/Fixtures
seed image "$imaging"/* "${kaggle_png[@]:0:8}"
seed image-size "$imaging"/* "${kaggle_png[@]:0:8}"
seed png-routes "$imaging"/*.png
# Seeds the repository does not hold as files: JSON Lines predictions, a rules file, and a baseline recorded
# from the sample run.
mkdir -p "$scratch/corpus/rules" "$scratch/corpus/baseline" "$scratch/corpus/predictions-jsonl"
printf '%s\n' '{"image": "a.jpg", "box": [10, 20, 30, 40], "faceScore": 0.9, "maskScore": 0.2}' \
    '{"image": "b.jpg", "faces": [{"box": [1, 2, 3, 4], "faceScore": 1, "maskScore": 1, "label": "masked"}]}' \
    >"$scratch/corpus/predictions-jsonl/seed.jsonl"
# Deeply nested VOC, a face inside: 32 <object> levels (past the 32-deep limit) and 3,500 (the shape of the file
# that took 351 s before the limit, cut to fit -max_len).
nest() { # nest DEPTH: DEPTH <object> elements around a face inside <annotation>
    printf '<annotation><filename>a.png</filename><size><width>8</width><height>8</height></size>'
    for _ in $(seq "$1"); do printf '<object>'; done
    printf '<name>with_mask</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>4</xmax><ymax>4</ymax></bndbox>'
    for _ in $(seq "$1"); do printf '</object>'; done
    printf '</annotation>\n'
}
mkdir -p "$scratch/corpus/voc"
nest 32 >"$scratch/corpus/voc/deep-32-objects.xml"
nest 3500 >"$scratch/corpus/voc/deep-3500-objects.xml"
printf 'rules:\n  - metric: pipeline.tnr.value\n    better: higher\n    absolute: 0.01\n    significance: 0.05\n' \
    >"$scratch/corpus/rules/default.yml"
if [ -x "$root/.build/release/maskbench" ]; then
    (cd "$root" && .build/release/maskbench baseline record --from Reports/seed001-table --name fuzz-seed \
        --baselines "$OLDPWD/$scratch/corpus/baseline" >/dev/null 2>&1) || true
    cp "$scratch/corpus/baseline/fuzz-seed.json" "$scratch/corpus/gate/" 2>/dev/null || true
fi

status=0
for t in "${selected[@]}"; do
    log="$scratch/findings/$t.log"
    target_bin=$bin
    [ "$t" = png-routes ] && target_bin=$png_routes
    if LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0" MASKBENCH_FUZZ_TARGET=$t "$target_bin" "$scratch/corpus/$t" -runs="$runs" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$scratch/findings/$t-" >"$log" 2>&1; then
        echo "$t: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | sed 's/ second/ s/'), no crash, leak or hang"
    else
        echo "$t: FAILED, see $log and $scratch/findings/$t-*"
        status=1
    fi
done
exit $status
