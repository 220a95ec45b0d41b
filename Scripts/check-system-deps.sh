#!/usr/bin/env bash
# Checks the C libraries MaskBench links against, before SwiftPM turns a missing one into a confusing
# "file not found". Prints what is missing and the apt package that provides it.
set -u
missing=0
need_pc() { pkg-config --exists "$1" || { echo "missing: pkg-config $1 (apt-get install $2)"; missing=1; }; }
need_header() { [ -f "$1" ] || { echo "missing: $1 (apt-get install $2)"; missing=1; }; }
command -v pkg-config >/dev/null || { echo "missing: pkg-config (apt-get install pkg-config)"; exit 1; }
need_pc libpng libpng-dev
need_pc libturbojpeg libturbojpeg0-dev
need_pc simdjson libsimdjson-dev
need_header /usr/include/csv.h libcsv-dev
need_pc hdf5 libhdf5-dev
need_header /usr/include/opencv4/opencv2/dnn.hpp libopencv-dnn-dev
need_header /usr/include/opencv4/opencv2/imgproc.hpp libopencv-imgproc-dev
need_header /usr/include/opencv4/opencv2/objdetect.hpp libopencv-objdetect-dev
need_header /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml opencv-data
# libdnnl-dev ships no .pc.
need_header /usr/include/oneapi/dnnl/dnnl.hpp libdnnl-dev
python3 -m pip --version >/dev/null 2>&1 || { echo "missing: python3 -m pip (apt-get install python3-pip), used to fetch the models"; missing=1; }
exit $missing
