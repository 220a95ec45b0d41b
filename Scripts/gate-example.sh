#!/bin/sh
# The README's "Gate a model change" example, exactly: the seed 001 table sample (Annotations/seed001-table)
# as the baseline, then the same predictions with the first 20 the pipeline called unmasked (maskScore
# < 0.5, in file order) set to maskScore 0.9: 16 unmasked faces, 2 masked faces and 2 extra detections
# called masked instead. The gate finds the TNR and AUC regressions and exits 1.
#
#   Scripts/gate-example.sh [OUT_DIR]     (default Reports/gate-example)
#
# MASKBENCH names the binary (default .build/release/maskbench). Writes OUT_DIR/before, OUT_DIR/after (two
# evaluations), OUT_DIR/flipped.csv, OUT_DIR/seed001.json (the baseline) and OUT_DIR/junit.xml; prints the
# gate's verdict and exits with its code.
set -eu
cd "$(dirname "$0")/.."
maskbench=${MASKBENCH:-.build/release/maskbench}
out=${1:-Reports/gate-example}
sample=Annotations/seed001-table
mkdir -p "$out"
"$maskbench" evaluate --ground-truth "$sample/ground-truth.csv" --predictions "$sample/predictions.csv" \
    --out "$out/before" --quiet
rm -f "$out/seed001.json"
"$maskbench" baseline record --from "$out/before" --name seed001 --baselines "$out" >/dev/null
# Columns: image,x,y,width,height,faceScore,maskScore (no quoted fields in this file).
awk -F, -v OFS=, 'NR == 1 { print; next } $7 < 0.5 && n < 20 { $7 = "0.9"; n++ } { print }' \
    "$sample/predictions.csv" >"$out/flipped.csv"
"$maskbench" evaluate --ground-truth "$sample/ground-truth.csv" --predictions "$out/flipped.csv" \
    --out "$out/after" --quiet
exec "$maskbench" gate --baseline "$out/seed001.json" --metrics "$out/after/metrics.json" --junit "$out/junit.xml"
