#!/usr/bin/env python3
"""Side-by-side timing of `maskbench evaluate` and the tools users would otherwise run, on the same files, in
one run, with ratios. Prints a Markdown table (the one in the README).

    Benchmarks/run.sh            # sets up the peers' venv and the data, then runs this
    .peers/bin/python Benchmarks/compare.py --data bench-data --runs 3 --tags 5k 50k
    .peers/bin/python Benchmarks/compare.py --data bench-data --runs 3 --tags 500k --peers hotcoco

maskbench is timed as a whole process (start-up, loading both JSON files, matching, every metric, writing
metrics.json, summary.md and faces.csv, and in the second and third rows the report) with /usr/bin/time; the
Python tools by bench_coco.py's own clock around load + evaluate + accumulate (interpreter start-up and imports
not counted, which favours them). Runs are interleaved (every tool once, then every tool again), so that a
change in the machine's load touches all tools alike, and the 1-minute load average before each run is kept
and printed with the numbers. MASKBENCH names the binary (default .build/release/maskbench).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
shared_bench = os.path.join(root, "..", "shared", "bench")


def run_maskbench(gt, dets, extra, out):
    binary = os.environ.get("MASKBENCH", os.path.join(root, ".build/release/maskbench"))
    cmd = ["/usr/bin/time", "-f", "%e %M", binary, "evaluate",
           "--ground-truth", gt, "--predictions", dets, "--quiet", "--out", out] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"maskbench failed: {p.stderr}")
    wall, rss_kb = p.stderr.strip().splitlines()[-1].split()
    with open(os.path.join(out, "metrics.json")) as f:
        m = json.load(f)
    return float(wall), int(rss_kb) / 1024, m["detector"]["ap"]["meanOverClasses"]["coco"]


def run_peer(tool, gt, dets):
    env = dict(os.environ)
    if tool == "hotcoco":
        env["RAYON_NUM_THREADS"] = "1"
    cmd = [sys.executable, os.path.join(shared_bench, "bench_coco.py"), "--tool", tool, "--gt", gt, "--dets", dets,
           "--config", "iou50"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    line = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode != 0 or not line:
        sys.exit(f"{tool} failed: {p.stderr[-2000:]}")
    r = json.loads(line[-1])
    t = r["times_s"]
    return t["load_gt"] + t["load_dets"] + t["construct"] + t["eval_total"], r["peak_rss_mb"], r["stats"]["AP50_mean"]


def run_roc(path, runs):
    sk = subprocess.run([sys.executable, os.path.join(shared_bench, "bench_roc.py"), path, "--runs", str(runs)],
                        capture_output=True, text=True)
    sk_line = [l for l in sk.stdout.splitlines() if l.startswith("{")]
    if sk.returncode != 0 or not sk_line:
        sys.exit(f"bench_roc.py failed: {sk.stderr[-2000:]}")
    sk_r = json.loads(sk_line[-1])["roc_curve+auc"]
    mb = subprocess.run([os.path.join(here, ".build/release/roc-bench"), path, "--runs", str(runs)],
                        capture_output=True, text=True, check=True)
    mb_r = json.loads(mb.stdout.strip().splitlines()[-1])
    return sk_r, mb_r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(root, "bench-data"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tags", nargs="+", default=["5k", "50k"])
    ap.add_argument("--peers", nargs="*", default=["hotcoco", "pycocotools"], choices=["hotcoco", "pycocotools"])
    a = ap.parse_args()
    rows = []
    details = []
    for tag in a.tags:
        gt, dets = os.path.join(a.data, f"gt_{tag}.json"), os.path.join(a.data, f"dets_{tag}.json")
        variants = [
            ("maskbench, metrics only (--bootstrap 0 --no-report)", ["--bootstrap", "0", "--no-report"]),
            ("maskbench with the report (--bootstrap 0)", ["--bootstrap", "0"]),
            ("maskbench defaults (report, 1000 bootstrap replicates)", []),
        ]
        tools = variants + [("hotcoco (1 thread)" if peer == "hotcoco" else peer, peer) for peer in a.peers]
        runs = {label: [] for label, _ in tools}
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(a.runs):
                for label, how in tools:
                    load = os.getloadavg()[0]
                    if isinstance(how, list):
                        seconds, rss, ap50 = run_maskbench(gt, dets, how, tmp)
                    else:
                        seconds, rss, ap50 = run_peer(how, gt, dets)
                    runs[label].append((seconds, rss, ap50, load))
                    details.append(f"| {tag} | {label} | {r + 1} | {seconds:.3f} | {rss:.0f} | {load:.2f} |")
        base = statistics.median(x[0] for x in runs[variants[0][0]])
        for label, measured in runs.items():
            seconds = statistics.median(x[0] for x in measured)
            rss = max(x[1] for x in measured)
            loads = [x[3] for x in measured]
            rows.append(f"| {tag} | {label} | {seconds:.3f} | {seconds / base:.1f}× | {rss:.0f} | {measured[0][2]:.10f} "
                        f"| {min(loads):.1f}–{max(loads):.1f} |")
    print("| data | tool | seconds (median of %d) | time ÷ maskbench | peak RSS MB | AP50 (mean of classes) "
          "| load (1 min) |" % a.runs)
    print("|---|---|---:|---:|---:|---|---|")
    print("\n".join(rows))
    print()
    print("| data | tool | run | seconds | peak RSS MB | load (1 min) before |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(details))
    roc = os.path.join(a.data, "roc_1m.bin")
    if os.path.exists(roc):
        sk_r, mb_r = run_roc(roc, a.runs)
        print()
        print("| ROC 1M scores | seconds (median of %d) | ratio | AUC | thresholds |" % a.runs)
        print("|---|---:|---:|---|---:|")
        print(f"| maskbench ROCCurve + auc | {mb_r['median_s']:.3f} | 1.0× | {mb_r['auc']:.16f} | {mb_r['n_thresholds']} |")
        print(f"| scikit-learn roc_curve + auc | {sk_r['median_s']:.3f} | {sk_r['median_s'] / mb_r['median_s']:.1f}× "
              f"| {sk_r['auc']:.16f} | {sk_r['n_thresholds']} |")


if __name__ == "__main__":
    main()
