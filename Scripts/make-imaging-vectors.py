#!/usr/bin/env python3
"""Writes the MaskBenchImaging test fixtures and the cv2.imread reference hashes.

1. Tests/MaskBenchImagingTests/Fixtures/: tiny PNGs in every colour type and bit depth (palette with tRNS,
   gray 1/8/16-bit, gray+alpha, RGB with tRNS, 16-bit RGBA, interlaced) written by hand with zlib, and JPEGs
   (gray, CMYK, EXIF orientations 3/6/8) and a PNG with an eXIf orientation, written by Pillow.
2. Tests/MaskBenchImagingTests/Vectors/imread.json: for each fixture, each image of
   ../shared/datasets/kaggle-face-mask/images and the photos of ../shared/reference/detectors, the size and
   SHA-256 of cv2.imread(path) (IMREAD_COLOR, BGR bytes, row-major), from opencv-python-headless 4.6.0.66,
   the wheel of the OpenCV version Debian 12 ships.

Run once from the package root and commit the output with this script:
    python3 -m venv /tmp/cv46 && /tmp/cv46/bin/pip install opencv-python-headless==4.6.0.66 'numpy<2' pillow
    /tmp/cv46/bin/python Scripts/make-imaging-vectors.py
"""
import hashlib
import io
import json
import os
import struct
import zlib

import cv2
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "Tests", "MaskBenchImagingTests")
FIXTURES = os.path.join(TESTS, "Fixtures")
SHARED = os.path.join(os.path.dirname(ROOT), "shared")


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, bit_depth, color_type, rows, extra=b"", interlace=0):
    """rows: list of raw scanline bytes (without filter byte) in the final bit layout."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    raw = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def adam7_rows(pixel_bytes, width, height, bpp):
    """Interlaced scanlines (each with filter byte 0 added later) for 8-bit+ images: the seven Adam7 passes."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    rows = []
    for x0, y0, dx, dy in passes:
        for y in range(y0, height, dy):
            xs = range(x0, width, dx)
            if len(xs) == 0:
                continue
            rows.append(b"".join(pixel_bytes[(y * width + x) * bpp:(y * width + x + 1) * bpp] for x in xs))
    return rows


def write(name, data):
    with open(os.path.join(FIXTURES, name), "wb") as f:
        f.write(data)


def make_fixtures():
    os.makedirs(FIXTURES, exist_ok=True)
    rng = np.random.default_rng(3)
    w, h = 7, 5
    # Palette (4 entries) with a tRNS making entry 1 transparent: cv2 ignores transparency.
    palette = bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50])
    idx = rng.integers(0, 4, size=(h, w), dtype=np.uint8)
    write("palette-trns.png", png(w, h, 8, 3, [bytes(r) for r in idx],
                                  chunk(b"PLTE", palette) + chunk(b"tRNS", bytes([255, 0, 128]))))
    # Palette at 2 bits per index.
    packed = [bytes(np.packbits(np.unpackbits(r[:, None], axis=1)[:, 6:].reshape(-1))) for r in idx]
    write("palette-2bit.png", png(w, h, 2, 3, packed, chunk(b"PLTE", palette)))
    gray = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
    write("gray8.png", png(w, h, 8, 0, [bytes(r) for r in gray]))
    bits = rng.integers(0, 2, size=(h, w), dtype=np.uint8)
    write("gray1.png", png(w, h, 1, 0, [bytes(np.packbits(r)) for r in bits]))
    gray16 = rng.integers(0, 65536, size=(h, w), dtype=np.uint16)
    write("gray16.png", png(w, h, 16, 0, [r.astype(">u2").tobytes() for r in gray16]))
    gray_alpha = rng.integers(0, 256, size=(h, w, 2), dtype=np.uint8)
    write("gray-alpha.png", png(w, h, 8, 4, [r.tobytes() for r in gray_alpha]))
    rgb = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    write("rgb-trns.png", png(w, h, 8, 2, [r.tobytes() for r in rgb],
                              chunk(b"tRNS", struct.pack(">HHH", *[int(v) for v in rgb[0, 0]]))))
    rgba16 = rng.integers(0, 65536, size=(h, w, 4), dtype=np.uint16)
    rgba16[0, 0] = [0x12FF, 0x34FF, 0x5680, 0x0000]  # low bytes that rounding would carry
    write("rgba16.png", png(w, h, 16, 6, [r.astype(">u2").tobytes() for r in rgba16]))
    big = rng.integers(0, 256, size=(11, 13, 3), dtype=np.uint8)
    write("rgb-interlaced.png", png(13, 11, 8, 2, adam7_rows(big.tobytes(), 13, 11, 3), interlace=1))

    # eXIf before IDAT: cv2.imread applies its orientation to PNGs too.
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(rgb).save(os.path.join(FIXTURES, "exif-orientation6.png"), exif=exif.tobytes())

    photo = rng.integers(0, 256, size=(12, 16, 3), dtype=np.uint8)
    photo = cv2.GaussianBlur(photo, (5, 5), 0)
    Image.fromarray(photo[:, :, 0]).save(os.path.join(FIXTURES, "gray.jpg"), quality=90)
    cmyk = rng.integers(0, 256, size=(12, 16, 4), dtype=np.uint8)
    Image.fromarray(cv2.GaussianBlur(cmyk, (5, 5), 0), mode="CMYK").save(os.path.join(FIXTURES, "cmyk.jpg"),
                                                                         quality=90)
    for orientation in (3, 6, 8):
        exif = Image.Exif()
        exif[0x0112] = orientation
        Image.fromarray(photo).save(os.path.join(FIXTURES, f"exif-orientation{orientation}.jpg"), quality=90,
                                    exif=exif.tobytes())


def entry(root, relative):
    path = os.path.join({"fixtures": FIXTURES, "shared": SHARED}[root], relative)
    image = cv2.imread(path)
    assert image is not None, path
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3, path
    return {"root": root, "path": relative, "width": int(image.shape[1]), "height": int(image.shape[0]),
            "sha256": hashlib.sha256(np.ascontiguousarray(image).tobytes()).hexdigest()}


def main():
    make_fixtures()
    cases = [entry("fixtures", name) for name in sorted(os.listdir(FIXTURES))]
    kaggle = "datasets/kaggle-face-mask/images"
    cases += [entry("shared", f"{kaggle}/{name}") for name in sorted(os.listdir(os.path.join(SHARED, kaggle)))]
    cases += [entry("shared", f"reference/detectors/{name}")
              for name in ("astronaut.png", "camera.png", "messi5.jpg")]
    os.makedirs(os.path.join(TESTS, "Vectors"), exist_ok=True)
    with open(os.path.join(TESTS, "Vectors", "imread.json"), "w") as f:
        json.dump({"opencv": cv2.__version__, "cases": cases}, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(cases)} cases, OpenCV {cv2.__version__}")


if __name__ == "__main__":
    main()
