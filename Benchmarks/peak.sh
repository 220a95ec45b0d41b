#!/usr/bin/env bash
# This machine's single-precision FMA ceiling (not a test; see Benchmarks/README.md, "Where the time goes"):
# one copy of Benchmarks/fma_peak.c alone, then one copy per core at once. Needs a C compiler (cc).
#
#   Benchmarks/peak.sh              # 3 s a measurement
#   Benchmarks/peak.sh --seconds 5
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=3
[ "${1:-}" = "--seconds" ] && seconds="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -mavx2 -mfma Benchmarks/fma_peak.c -o "$work/fma8"
binaries=("$work/fma8")
if grep -qw avx512f /proc/cpuinfo; then
    cc -O2 -mavx512f -DWIDTH=16 Benchmarks/fma_peak.c -o "$work/fma16"
    binaries+=("$work/fma16")
fi
cores=$(nproc)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $cores cores; $(date -u +%H:%M:%S) UTC"
for binary in "${binaries[@]}"; do
    echo "alone:"
    "$binary" "$seconds" | sed 's/^/  /'
    echo "$cores at once:"
    for _ in $(seq "$cores"); do "$binary" "$seconds" > "$work/out.$RANDOM$RANDOM" & done
    wait
    cat "$work"/out.* | sed 's/^/  /'
    awk '{ sum += $3 } END { printf "  together: %.1f GFLOP/s\n", sum }' "$work"/out.*
    rm -f "$work"/out.*
done
