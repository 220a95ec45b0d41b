#!/bin/sh
# Renders a report folder's index.html in headless Chromium and saves screenshots of the whole page, to look
# at a report without a desktop. Needs Debian's chromium (apt-get install -y chromium) and python3.
#
#   Scripts/screenshot-report.sh REPORT_DIR [OUT_DIR]
#
# For each width in WIDTHS (default "1400 800") writes OUT_DIR/report-WIDTH-top.png (the first 1000 px) and
# OUT_DIR/report-WIDTH-full.png (the whole page, however long; over 16,000 px in parts -full-1.png, ...).
# OUT_DIR defaults to REPORT_DIR/screenshots.
set -eu
if [ $# -lt 1 ] || [ ! -f "$1/index.html" ]; then
    echo "usage: $0 REPORT_DIR [OUT_DIR]   (REPORT_DIR must hold index.html)" >&2
    exit 2
fi
out=${2:-$1/screenshots}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "error: chromium not found; apt-get install -y chromium" >&2
    exit 2
fi
# shellcheck disable=SC2086 # WIDTHS is a list of numbers
exec python3 "$(dirname "$0")/screenshot-report.py" "$browser" "$1" "$out" ${WIDTHS:-1400 800}
