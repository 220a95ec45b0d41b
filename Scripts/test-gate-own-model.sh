#!/usr/bin/env bash
# The README's walkthrough "Gate your own model" end to end (part of Scripts/test.sh): its first bash block,
# read from README.md and run as it stands, then a check of what the README says it prints and writes: the
# exit status of every maskbench command (the gate's 1), the lines quoted from `baseline record`, from
# Scripts/make-demo-classifier.py, from the run and from the gate (TNR 0.2621 -> 0.2339 a regression, FNR
# 0.0621 -> 0.0292 a pass), and the stand-in classifier's SHA-256 in the report's settings and metrics.json.
# Runs in a scratch folder laid out as the README expects (models/, Scripts/, ../shared), so Reports/ and
# Baselines/ of the checkout are left alone. About 2 min on 2 cores (two runs over the Kaggle set, 214 images).
# Skips with a message when ../shared/datasets, the models, or a python3 with h5py and numpy (Debian's
# python3-h5py and python3-numpy; Scripts/setup.sh installs them) are absent.
#   Scripts/test-gate-own-model.sh          MASKBENCH names the binary (default .build/release/maskbench)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
skip() {
    echo "README walkthrough \"Gate your own model\" skipped: $1"
    exit 0
}
[ -d ../shared/datasets/kaggle-face-mask/annotations ] || skip "needs ../shared/datasets (absent)"
[ -f models/face_mask_detector.model ] || skip "needs the models (Scripts/fetch-models.sh)"
work=$(mktemp -d /tmp/maskbench-walkthrough.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/checkout"
# The README's python3 must import h5py and numpy; Debian's /usr/bin/python3 does with its packages even where
# another python3 (pyenv, a venv) comes first on PATH.
if ! python3 -c 'import h5py, numpy' 2>/dev/null; then
    /usr/bin/python3 -c 'import h5py, numpy' 2>/dev/null ||
        skip "needs a python3 with h5py and numpy (Debian: python3-h5py python3-numpy; Scripts/setup.sh)"
    ln -s /usr/bin/python3 "$work/bin/python3"
fi
maskbench=${MASKBENCH:-.build/release/maskbench}
if [ -z "${MASKBENCH:-}" ]; then swift build -c release --product maskbench >/dev/null; fi
[ -x "$maskbench" ] || { echo "no maskbench at $maskbench" >&2; exit 2; }
maskbench=$(cd "$(dirname "$maskbench")" && pwd)/$(basename "$maskbench")

# `maskbench` on PATH is the binary, noting each command's exit status.
cat >"$work/bin/maskbench" <<EOF
#!/bin/sh
"$maskbench" "\$@"
status=\$?
echo "\$1 \$status" >>"$work/status"
exit \$status
EOF
chmod +x "$work/bin/maskbench"
ln -s "$root/models" "$work/checkout/models"
ln -s "$root/Scripts" "$work/checkout/Scripts"
ln -s "$(cd ../shared && pwd)" "$work/shared"

# The README's block, as it stands: the first ```bash fence after the section's heading.
awk '/^## Gate your own model/ { section = 1; next }
     section && /^```bash/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' README.md >"$work/walkthrough.sh"
[ -s "$work/walkthrough.sh" ] || { echo "README.md has no bash block under \"## Gate your own model\"" >&2; exit 1; }
echo "README walkthrough \"Gate your own model\": running its $(grep -c . "$work/walkthrough.sh") lines in $work"
started=$SECONDS
(cd "$work/checkout" && PATH="$work/bin:$PATH" bash "$work/walkthrough.sh") >"$work/output.txt" 2>&1 || true

python3 - "$root/README.md" "$work" <<'PY' || { cat "$work/output.txt" >&2; exit 1; }
import hashlib, json, re, sys
readme_path, work = sys.argv[1], sys.argv[2]
readme = open(readme_path, encoding="utf-8").read()
section = readme.split("## Gate your own model", 1)[1].split("\n## ", 1)[0]
output = open(f"{work}/output.txt", encoding="utf-8").read()
printed = {line.rstrip() for line in output.splitlines()}
flat = " ".join(output.split())
problems = []

statuses = [tuple(line.split()) for line in open(f"{work}/status")]
expected = [("run", "0"), ("baseline", "0"), ("run", "0"), ("gate", "1"), ("report", "0")]
if statuses != expected:
    problems.append(f"maskbench commands and exit statuses {statuses}, the README's {expected}")

# Sentences the README quotes from the commands' output (wrapped over lines in the README).
for before in ("`baseline record` prints", "The stand-in\nprints"):
    quoted = re.search(re.escape(before) + r" `([^`]*)`", section)
    if quoted is None:
        problems.append(f"README: no quote after {before!r}")
    elif " ".join(quoted.group(1).split()) not in flat:
        problems.append(f"not printed: {quoted.group(1)!r}")

# The run's and the gate's output blocks, line by line ("..." stands for lines left out).
for intro in ("it then prints", "The gate exits 1:"):
    block = re.search(re.escape(intro) + r".*?\n```\n(.*?)\n```", section, re.S)
    if block is None:
        problems.append(f"README: no output block after {intro!r}")
        continue
    for line in block.group(1).splitlines():
        if line.strip() != "..." and line.rstrip() not in printed:
            problems.append(f"README line not printed: {line!r}")
for rule, numbers, verdict in (("pipeline.tnr.value", "0.2621    0.2339", "regression"),
                               ("pipeline.fnr.value", "0.0621    0.0292", "pass")):
    if not any(l.startswith(rule) and numbers in l and l.split()[-1] == verdict for l in printed):
        problems.append(f"the gate did not print {rule} {numbers} ... {verdict}")

# The stand-in classifier's hash: as the README abbreviates it, in the report's settings and in metrics.json.
digest = hashlib.sha256(open(f"{work}/checkout/my-classifier.h5", "rb").read()).hexdigest()
shown = re.search(r"sha256 ([0-9a-f]+)…([0-9a-f]+)", section)
if shown is None or not (digest.startswith(shown.group(1)) and digest.endswith(shown.group(2))):
    problems.append(f"my-classifier.h5 has SHA-256 {digest}, the README shows {shown and shown.group(0)}")
report = open(f"{work}/checkout/Reports/my-classifier/index.html", encoding="utf-8").read()
if digest not in report:
    problems.append("the report's settings do not show the classifier's SHA-256")
for gallery in re.findall(r'"((?:New mistakes|Fixed) since the baseline: \d+)"', section):
    if gallery not in report:
        problems.append(f"the report has no gallery section {gallery!r}")
metrics = json.load(open(f"{work}/checkout/Reports/my-classifier/metrics.json"))
if not any(m.get("role") == "classifier" and m.get("sha256") == digest for m in metrics["run"]["models"]):
    problems.append("metrics.json's run.models does not list the classifier with its SHA-256")

if problems:
    sys.exit("README walkthrough \"Gate your own model\" differs from the README:\n  " + "\n  ".join(problems))
PY
echo "README walkthrough \"Gate your own model\" passed in $((SECONDS - started)) s: gate exit 1 (TNR 0.2621 -> 0.2339" \
    "regression, FNR 0.0621 -> 0.0292 pass), every quoted line printed, the classifier's SHA-256 in the report"
