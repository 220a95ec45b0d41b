#!/usr/bin/env python3
"""Composes MaskBench's default sample from two public photos: 10 PNG images with 32 faces (16 masked,
16 unmasked) and their ground truth as a makesense.ai CSV.

    python3 Scripts/make-sample.py PHOTOS OUT

PHOTOS holds `astronaut.png` (512x512 RGB; Eileen Collins, NASA, public domain) and `camera.png` (512x512 grey;
Lav Varshney, CC0) from scikit-image's `skimage/data` (Scripts/make-sample.sh downloads them from PyPI). OUT receives `images/*.png` and `ground-truth.csv`.

Each image puts 2 or 4 tiles side by side; a tile is a square crop of a photo, resized (bilinear) and maybe
mirrored, so the face box in the tile is known from the face box in the photo. The masked copies draw a
surgical-mask-like polygon (light blue, darker pleats, white ear loops) over the lower half of each face, the
way synthetic training data is made. Python standard library only (zlib, struct); the same inputs give the
same bytes on every run.
"""
import os
import struct
import sys
import zlib

# Face boxes in source-photo pixels, (x1, y1, x2, y2): where OpenCV's res10 SSD finds the face in each photo
# (forehead to chin), read once during development and hard-coded here.
FACES = {
    "astronaut": (179, 57, 271, 177),
    "camera": (202, 114, 260, 195),
}

# How far right of the box centre the mouth is, as a fraction of the box width: the cameraman is in
# three-quarter view, looking right into his camera.
MOUTH_SHIFT = {
    "astronaut": 0.0,
    "camera": 0.15,
}

TILE = 256
BACKGROUND = (128, 128, 128)
MASK_FILL = (172, 208, 230)
MASK_PLEAT = (132, 170, 200)
LOOP = (245, 245, 245)

# Tiles: (photo, crop x, crop y, crop size, mirrored). The crop is resized to TILE x TILE.
TILES = {
    "A1": ("astronaut", 97, 0, 256, False),  # face 92x120 in the tile
    "A2": ("astronaut", 0, 0, 512, False),  # face 46x60
    "A3": ("astronaut", 64, 0, 384, False),  # face 61x80
    "C1": ("camera", 151, 75, 160, False),  # face 93x130
    "C2": ("camera", 104, 40, 256, False),  # face 58x81
}

# Compositions: name -> rows of tile names; "~" mirrors a tile.
LAYOUTS = {
    "pair1": [["A1", "C1"]],
    "pair2": [["~C2", "A3"]],
    "grid1": [["~A1", "C2"], ["~C1", "A2"]],
    "grid2": [["C1", "~A3"], ["~A2", "~C2"]],
}

# Images: (file stem, layout, indices of the faces that wear a mask, in row-major tile order).
IMAGES = [
    ("pair1", "pair1", ()),
    ("pair1-masked", "pair1", (0, 1)),
    ("pair2", "pair2", ()),
    ("pair2-masked", "pair2", (0, 1)),
    ("grid1", "grid1", ()),
    ("grid1-masked", "grid1", (0, 1, 2, 3)),
    ("grid1-mixed", "grid1", (0, 3)),
    ("grid2", "grid2", ()),
    ("grid2-masked", "grid2", (0, 1, 2, 3)),
    ("grid2-mixed", "grid2", (1, 2)),
]

# MARK: - PNG


class Image:
    """An 8-bit RGB raster stored as one bytearray, row after row."""

    def __init__(self, width, height, color=(0, 0, 0)):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(color) * (width * height))

    def get(self, x, y):
        i = (y * self.width + x) * 3
        return self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]

    def put(self, x, y, color):
        i = (y * self.width + x) * 3
        self.pixels[i : i + 3] = bytes(color)


def read_png(path):
    """Reads a non-interlaced 8-bit grey, RGB or RGBA PNG into an RGB Image (alpha dropped)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR")
    width, height, depth, color_type, _, _, interlace = header
    channels = {0: 1, 2: 3, 6: 4}.get(color_type)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, color type {color_type}, interlace {interlace})")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    image = Image(width, height)
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        row = bytearray(raw[start + 1 : start + 1 + stride])
        unfilter(kind, row, previous, channels, path)
        if channels == 1:
            image.pixels[y * width * 3 : (y + 1) * width * 3] = bytes(v for v in row for _ in range(3))
        else:
            rgb = bytearray(width * 3)
            for c in range(3):
                rgb[c::3] = row[c::channels]
            image.pixels[y * width * 3 : (y + 1) * width * 3] = rgb
        previous = row
    return image


def unfilter(kind, row, previous, bpp, path):
    if kind == 0:
        return
    if kind == 1:
        for i in range(bpp, len(row)):
            row[i] = (row[i] + row[i - bpp]) & 255
    elif kind == 2:
        for i in range(len(row)):
            row[i] = (row[i] + previous[i]) & 255
    elif kind == 3:
        for i in range(len(row)):
            left = row[i - bpp] if i >= bpp else 0
            row[i] = (row[i] + ((left + previous[i]) >> 1)) & 255
    elif kind == 4:
        for i in range(len(row)):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            row[i] = (row[i] + predictor) & 255
    else:
        raise ValueError(f"{path}: unknown PNG filter {kind}")


def write_png(path, image):
    """Writes an RGB PNG: filter 0 on every row, zlib level 9, no time or text chunks."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    stride = image.width * 3
    raw = b"".join(b"\x00" + bytes(image.pixels[y * stride : (y + 1) * stride]) for y in range(image.height))
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9))
    data += chunk(b"IEND", b"")
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


# MARK: - Tiles


def make_tile(photo, crop_x, crop_y, size, mirrored):
    """Crops a size x size square and resizes it to TILE x TILE with bilinear interpolation."""
    tile = Image(TILE, TILE)
    scale = size / TILE
    for ty in range(TILE):
        sy = min(max((ty + 0.5) * scale - 0.5, 0.0), size - 1.0) + crop_y
        y0 = int(sy)
        y1 = min(y0 + 1, photo.height - 1)
        fy = sy - y0
        for tx in range(TILE):
            sx = min(max((tx + 0.5) * scale - 0.5, 0.0), size - 1.0) + crop_x
            x0 = int(sx)
            x1 = min(x0 + 1, photo.width - 1)
            fx = sx - x0
            p00, p01, p10, p11 = photo.get(x0, y0), photo.get(x1, y0), photo.get(x0, y1), photo.get(x1, y1)
            color = tuple(
                int(
                    (p00[c] * (1 - fx) + p01[c] * fx) * (1 - fy) + (p10[c] * (1 - fx) + p11[c] * fx) * fy + 0.5
                )
                for c in range(3)
            )
            tile.put(TILE - 1 - tx if mirrored else tx, ty, color)
    return tile


def tile_face(photo_name, crop_x, crop_y, size, mirrored):
    """The face box of a tile, in tile pixels, as floats [x1, y1, x2, y2], and where its mouth is
    (MOUTH_SHIFT, negated in a mirrored tile)."""
    x1, y1, x2, y2 = FACES[photo_name]
    scale = TILE / size
    box = [(x1 - crop_x) * scale, (y1 - crop_y) * scale, (x2 - crop_x) * scale, (y2 - crop_y) * scale]
    shift = MOUTH_SHIFT[photo_name]
    if mirrored:
        box[0], box[2] = TILE - box[2], TILE - box[0]
        shift = -shift
    return box, shift


# MARK: - Masks


def fill_polygon(image, points, color_at):
    """Fills a polygon (even-odd rule, pixel centres) with color_at(x, y)."""
    top = max(0, int(min(y for _, y in points)))
    bottom = min(image.height - 1, int(max(y for _, y in points)) + 1)
    for y in range(top, bottom + 1):
        cy = y + 0.5
        crossings = []
        for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]):
            if (ay <= cy < by) or (by <= cy < ay):
                crossings.append(ax + (cy - ay) * (bx - ax) / (by - ay))
        crossings.sort()
        for left, right in zip(crossings[0::2], crossings[1::2]):
            for x in range(max(0, int(left + 0.5)), min(image.width, int(right + 0.5))):
                image.put(x, y, color_at(x, y))


def draw_line(image, a, b, color, width=1):
    steps = int(max(abs(b[0] - a[0]), abs(b[1] - a[1]))) + 1
    for i in range(steps + 1):
        t = i / steps
        x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        for dy in range(width):
            px, py = int(x), int(y) + dy
            if 0 <= px < image.width and 0 <= py < image.height:
                image.put(px, py, color)


def draw_mask(image, box, shift):
    """A surgical mask from the nose to below the chin of a face box (x1, y1, x2, y2), centred on the mouth,
    shift box widths right of the box centre."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    x1, x2 = x1 + shift * w, x2 + shift * w
    cx = (x1 + x2) / 2
    points = [
        (x1 + 0.08 * w, y1 + 0.52 * h),
        (x1 + 0.30 * w, y1 + 0.45 * h),
        (cx, y1 + 0.42 * h),
        (x2 - 0.30 * w, y1 + 0.45 * h),
        (x2 - 0.08 * w, y1 + 0.52 * h),
        (x2 - 0.05 * w, y1 + 0.84 * h),
        (x2 - 0.25 * w, y1 + 1.02 * h),
        (cx, y1 + 1.06 * h),
        (x1 + 0.25 * w, y1 + 1.02 * h),
        (x1 + 0.05 * w, y1 + 0.84 * h),
    ]
    period = max(4, int(h * 0.11))
    start = int(y1 + 0.50 * h)

    def color_at(_x, y):
        return MASK_PLEAT if y > start and (y - start) % period < max(1, period // 4) else MASK_FILL

    fill_polygon(image, points, color_at)
    loop_width = max(1, int(w / 50))
    draw_line(image, points[0], (x1 - 0.02 * w, y1 + 0.40 * h), LOOP, loop_width)
    draw_line(image, points[9], (x1 - 0.02 * w, y1 + 0.62 * h), LOOP, loop_width)
    draw_line(image, points[4], (x2 + 0.02 * w, y1 + 0.40 * h), LOOP, loop_width)
    draw_line(image, points[5], (x2 + 0.02 * w, y1 + 0.62 * h), LOOP, loop_width)


# MARK: - Main


def main(argv):
    if len(argv) != 3:
        print("usage: make-sample.py PHOTOS OUT", file=sys.stderr)
        return 2
    photos_dir, out = argv[1], argv[2]
    photos = {name: read_png(os.path.join(photos_dir, name + ".png")) for name in FACES}
    for name, photo in photos.items():
        if (photo.width, photo.height) != (512, 512):
            raise ValueError(f"{name}.png: expected 512x512, got {photo.width}x{photo.height}")

    tiles = {}
    for name, (photo, crop_x, crop_y, size, mirrored) in TILES.items():
        for flip in (False, True):
            spec = (photo, crop_x, crop_y, size, mirrored != flip)
            tiles[("~" if flip else "") + name] = (make_tile(photos[photo], *spec[1:]), tile_face(*spec))

    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    rows = []
    for stem, layout, masked in IMAGES:
        grid = LAYOUTS[layout]
        width, height = TILE * len(grid[0]), TILE * len(grid)
        canvas = Image(width, height, BACKGROUND)
        faces = []
        for r, names in enumerate(grid):
            for c, name in enumerate(names):
                tile, (box, shift) = tiles[name]
                for y in range(TILE):
                    start = ((r * TILE + y) * width + c * TILE) * 3
                    canvas.pixels[start : start + TILE * 3] = tile.pixels[y * TILE * 3 : (y + 1) * TILE * 3]
                faces.append(([box[0] + c * TILE, box[1] + r * TILE, box[2] + c * TILE, box[3] + r * TILE], shift))
        for index in masked:
            draw_mask(canvas, *faces[index])
        file = stem + ".png"
        write_png(os.path.join(out, "images", file), canvas)
        for index, ((bx1, by1, bx2, by2), _) in enumerate(faces):
            label = "with_mask" if index in masked else "without_mask"
            x, y = round(bx1), round(by1)
            rows.append(f"{label},{x},{y},{round(bx2) - x},{round(by2) - y},{file},{width},{height}\n")

    # makesense.ai exports have no header row.
    temporary = os.path.join(out, "ground-truth.csv.tmp")
    with open(temporary, "w", newline="") as f:
        f.writelines(rows)
    os.replace(temporary, os.path.join(out, "ground-truth.csv"))
    masked_faces = sum(row.startswith("with_mask") for row in rows)
    print(f"sample: {len(IMAGES)} images, {len(rows)} faces ({masked_faces} masked) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
