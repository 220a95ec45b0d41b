#!/usr/bin/env python3
"""A MaskBench external worker (protocol version 1) for tests, Python standard library only.

It answers every image with one face covering the image's top-left 10x10 pixels, maskScore 0.8 (0.2 when the
image's name contains "unmasked"), and crop scores 0.9 per crop when asked. It misbehaves on purpose:

    test_worker.py MODE [TARGET]

MODE is one of: ok, varied (faces and scores that differ from image to image, from the name's CRC-32), exit,
exit-after (answers, then exits), sleep, garbage, escapes (a line that is not JSON, with terminal escape
sequences), huge, wrong-id, twice (answers twice, the second answer with another box), late (answers, then sends
that answer again, with another box, before the next image's), close-stdout, error, slow, bad-handshake,
no-handshake, handshake-only (exits right after its handshake), crash-but (exits with status 3 on every image
but TARGET), error-all (answers every image with the same error), noisy (writes a first line, 20 MiB and a last
line to standard error before its handshake, then works as ok). The misbehaviour hits the image whose file name
is TARGET, or, when TARGET is a number N, the N-th image this process is asked about (so a restarted worker
counts again from 1). "slow" sleeps 0.2 s per image. Environment: MASKBENCH_TEST_COUNT_FILE, when set, gets one
line per image answered (the image name), so tests can count the worker calls; MASKBENCH_TEST_CROPS=1 announces
crop support.
"""
import json
import os
import sys
import time
import zlib

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
target = sys.argv[2] if len(sys.argv) > 2 else "3"
count_file = os.environ.get("MASKBENCH_TEST_COUNT_FILE")
crops = os.environ.get("MASKBENCH_TEST_CROPS") == "1"


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if mode == "no-handshake":
    sys.exit(4)
if mode == "noisy":
    sys.stderr.write("first line of the noise\n")
    chunk = "n" * (1 << 20)
    for _ in range(20):
        sys.stderr.write(chunk)
    sys.stderr.write("\nlast line of the noise\n")
    sys.stderr.flush()
if mode == "bad-handshake":
    send({"protocol": "maskbench-worker", "version": 99, "name": "test"})
    time.sleep(5)
    sys.exit(0)

handshake = {"protocol": "maskbench-worker", "version": 1, "name": "test-worker", "fingerprint": "test-" + mode}
if crops:
    handshake["crops"] = True
send(handshake)
print("test worker started, mode %s, target %s" % (mode, target), file=sys.stderr, flush=True)
if mode == "handshake-only":
    sys.exit(0)

seen = 0
late = None
for line in sys.stdin:
    if not line.strip():
        continue
    request = json.loads(line)
    seen += 1
    name = os.path.basename(request["image"])
    hit = (str(seen) == target) if target.isdigit() else (name == target)
    answer = {
        "id": request["id"],
        "faces": [{"box": [0, 0, 10, 10], "faceScore": 0.99, "maskScore": 0.2 if "unmasked" in name else 0.8}],
    }
    if mode == "varied":
        h = zlib.crc32(name.encode())
        answer["faces"] = [
            {"box": [h % 7 + k, h % 5, 10 + k, 12], "faceScore": (h % 997) / 1000 + k / 10000,
             "maskScore": ((h >> 10) % 1000) / 999}
            for k in range(h % 3)
        ]
    if "crops" in request:
        answer["cropMaskScores"] = [0.9 for _ in request["crops"]]
        if mode == "varied":
            answer["cropMaskScores"] = [((h >> (3 * i)) % 1000) / 1000 for i in range(len(request["crops"]))]
    if mode == "slow":
        time.sleep(0.2)
    if late is not None:
        sys.stdout.write(late)
        late = None
    if mode == "crash-but" and name != target:
        sys.exit(3)
    if mode == "error-all":
        send({"id": request["id"], "error": "no model loaded"})
        continue
    if hit:
        print("misbehaving on %s (%s)" % (name, mode), file=sys.stderr, flush=True)
        if mode == "exit":
            sys.exit(3)
        elif mode == "sleep":
            time.sleep(30)
        elif mode == "garbage":
            sys.stdout.write("this is not JSON\n")
            sys.stdout.flush()
            continue
        elif mode == "escapes":
            sys.stdout.buffer.write(b"\x1b[2J\xc2\x9b31m not JSON\n")
            sys.stdout.flush()
            continue
        elif mode == "huge":
            chunk = "x" * (1 << 20)
            for _ in range(100):
                try:
                    sys.stdout.write(chunk)
                except BrokenPipeError:
                    sys.exit(1)
            sys.stdout.write("\n")
            sys.stdout.flush()
            continue
        elif mode == "wrong-id":
            answer["id"] = request["id"] + 1000
        elif mode in ("twice", "late"):
            again = dict(answer, faces=[dict(answer["faces"][0], box=[5, 5, 10, 10])])
            if mode == "twice":
                sys.stdout.write(json.dumps(answer) + "\n" + json.dumps(again) + "\n")
                sys.stdout.flush()
                continue
            late = json.dumps(again) + "\n"
        elif mode == "close-stdout":
            sys.stdout.close()
            os.close(1)
            time.sleep(30)
            sys.exit(0)
        elif mode == "error":
            send({"id": request["id"], "error": "cannot decode %s: test error" % name})
            continue
    if count_file:
        with open(count_file, "a") as f:
            f.write(name + "\n")
    send(answer)
    if hit and mode == "exit-after":
        sys.exit(0)
