#!/usr/bin/env bash
# Writes MaskBench's default sample: 10 PNG images with 32 faces (16 masked, 16 unmasked) and their ground truth
# as a makesense.ai CSV, composed by Scripts/make-sample.py from two public photos.
#   Scripts/make-sample.sh [OUT]
# OUT defaults to samples/ at the repository root (gitignored):
#   OUT/images/*.png         pair1, pair2 (2 faces), grid1, grid2 (4 faces), their -masked copies, two -mixed
#   OUT/ground-truth.csv     makesense.ai export (no header), labels with_mask / without_mask
#   OUT/SHA256SUMS           hashes of the files above
#
# The photos are `astronaut.png` (Eileen Collins, NASA, public domain) and `camera.png` (Lav Varshney, CC0) from
# the scikit-image 0.22.0 wheel on PyPI (`skimage/data`), checked against the hashes below; nothing but python3,
# its standard library and pip is needed.
# Idempotent: when OUT/SHA256SUMS matches its files nothing is downloaded. Exit status 3 when the download fails
# (no network or no pip), 1 on any other error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/samples}"

astronaut_sha256=88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
camera_sha256=b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a

mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ -f "$out/SHA256SUMS" ] && (cd "$out" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1; then
    echo "sample OK in $out"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Any scikit-image 0.22.0 wheel holds the same photos: pin one so the download does not depend on this
# machine's Python version or architecture (and never falls back to building the source distribution).
if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" \
    --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --abi cp311 \
    scikit-image==0.22.0; then
    echo "make-sample: could not download scikit-image 0.22.0 from PyPI (network? python3 -m pip?)" >&2
    exit 3
fi
mkdir "$tmp/photos"
python3 - "$tmp"/scikit_image-0.22.0-*.whl "$tmp/photos" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for name in ("astronaut.png", "camera.png"):
        with open(f"{sys.argv[2]}/{name}", "wb") as f:
            f.write(wheel.read(f"skimage/data/{name}"))
EOF
if ! printf '%s  astronaut.png\n%s  camera.png\n' "$astronaut_sha256" "$camera_sha256" |
    (cd "$tmp/photos" && sha256sum --quiet -c -); then
    echo "make-sample: the photos in the scikit-image wheel do not match the expected hashes" >&2
    exit 1
fi

rm -rf "$out/images" "$out/ground-truth.csv" "$out/SHA256SUMS"
python3 "$root/Scripts/make-sample.py" "$tmp/photos" "$out"
(cd "$out" && sha256sum ground-truth.csv images/*.png >SHA256SUMS)
