#!/usr/bin/env python3
"""Where maskbench's memory goes, phase by phase: runs a command, samples its resident memory (VmRSS) every
50 ms, and prints each line it writes to standard error (the phases of `--timings`) with the largest resident
memory seen since the previous line.

    Benchmarks/memory.py .build/release/maskbench evaluate --ground-truth GT --predictions DETS \\
        --bootstrap 0 --no-report --timings --quiet --out /tmp/m

A phase's line is printed when it ends, so its number is that phase's peak. Sampling can miss a peak shorter
than 50 ms; /usr/bin/time's maximum resident size does not.
"""
import subprocess
import sys
import threading
import time


def main():
    p = subprocess.Popen(sys.argv[1:], stderr=subprocess.PIPE, text=True)
    start = time.time()
    phase, overall = [0], [0]

    def sample():
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            kb = int(line.split()[1])
                            phase[0], overall[0] = max(phase[0], kb), max(overall[0], kb)
            except OSError:
                pass
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    for line in p.stderr:
        print(f"{time.time() - start:7.2f} s  peak RSS {phase[0] / 1024:6.0f} MB  | {line.rstrip()}")
        phase[0] = 0
    p.wait()
    print(f"exit {p.returncode} after {time.time() - start:.2f} s, peak RSS (sampled) {overall[0] / 1024:.0f} MB")
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
