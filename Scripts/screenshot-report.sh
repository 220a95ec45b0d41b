#!/bin/sh
# Renders a report folder's index.html in headless Chromium and saves screenshots, to look at a report
# without a desktop. Needs Debian's chromium (apt-get install -y chromium).
#
#   Scripts/screenshot-report.sh REPORT_DIR [OUT_DIR]
#
# Writes OUT_DIR/report-top.png (first screen, 1400x1000) and OUT_DIR/report-full.png (the whole page,
# 1400 wide and as tall as --height, default 9000). OUT_DIR defaults to REPORT_DIR/screenshots.
set -eu
if [ $# -lt 1 ] || [ ! -f "$1/index.html" ]; then
    echo "usage: $0 REPORT_DIR [OUT_DIR]   (REPORT_DIR must hold index.html)" >&2
    exit 2
fi
report=$(cd "$1" && pwd)
out=${2:-$report/screenshots}
height=${HEIGHT:-9000}
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "error: chromium not found; apt-get install -y chromium" >&2
    exit 2
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
shoot() {
    # --no-sandbox: CI containers run as root; the page is a local file with no network use.
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-dev-shm-usage \
        --user-data-dir="$profile" --force-device-scale-factor=1 \
        --window-size="$1" --screenshot="$2" "file://$report/index.html" >/dev/null 2>&1
    [ -s "$2" ] || { echo "error: chromium wrote no $2" >&2; exit 1; }
    echo "wrote $2"
}
shoot 1400,1000 "$out/report-top.png"
shoot "1400,$height" "$out/report-full.png"
