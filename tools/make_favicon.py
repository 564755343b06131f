"""Draws the site's icon: kidal/static/kidal/favicon.svg by hand, and favicon.ico (16 and 32
pixels, PNG inside) rasterised from the same shapes, so no image library is needed.

    python tools/make_favicon.py
"""

import math
import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "kidal" / "static" / "kidal"
INK = (0x1B, 0x1F, 0x24)
PAPER = (0xFF, 0xFF, 0xFF)
ACCENT = (0xE0, 0x8A, 0x5C)
# On a 32-unit square: a rounded tile, a "K" in two strokes, a marker dot at the K's joint.
SIZE, RADIUS, STROKE, DOT = 32, 6, 4.2, 3.4
STEM = ((10, 7), (10, 25))
ARMS = ((23, 7), (13, 16), (23, 25))
JOINT = (13, 16)

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">
<rect width="{SIZE}" height="{SIZE}" rx="{RADIUS}" fill="#{bytes(INK).hex()}"/>
<path d="M{STEM[0][0]} {STEM[0][1]}V{STEM[1][1]}\
M{ARMS[0][0]} {ARMS[0][1]}L{ARMS[1][0]} {ARMS[1][1]}L{ARMS[2][0]} {ARMS[2][1]}" \
fill="none" stroke="#{bytes(PAPER).hex()}" stroke-width="{STROKE}" \
stroke-linecap="round" stroke-linejoin="round"/>
<circle cx="{JOINT[0]}" cy="{JOINT[1]}" r="{DOT}" fill="#{bytes(ACCENT).hex()}"/>
</svg>
"""


def _segment_distance(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _colour_at(x, y):
    """The colour at a point of the 32-unit square, or None outside the rounded tile."""
    cx = min(max(x, RADIUS), SIZE - RADIUS)
    cy = min(max(y, RADIUS), SIZE - RADIUS)
    if math.hypot(x - cx, y - cy) > RADIUS:
        return None
    if math.hypot(x - JOINT[0], y - JOINT[1]) <= DOT:
        return ACCENT
    segments = [STEM, ARMS[:2], ARMS[1:]]
    if min(_segment_distance((x, y), a, b) for a, b in segments) <= STROKE / 2:
        return PAPER
    return INK


def _png(pixels):
    side = int(math.sqrt(len(pixels)))
    rows = b"".join(
        b"\0" + b"".join(bytes(pixel) for pixel in pixels[row * side : (row + 1) * side])
        for row in range(side)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def raster(side, samples=4):
    """RGBA pixels of the icon at ``side`` pixels, each averaged over samples² points."""
    pixels = []
    scale = SIZE / side
    for row in range(side):
        for column in range(side):
            totals, covered = [0, 0, 0], 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (column + (sx + 0.5) / samples) * scale
                    colour = _colour_at(x, (row + (sy + 0.5) / samples) * scale)
                    if colour:
                        covered += 1
                        totals = [t + c for t, c in zip(totals, colour, strict=True)]
            if covered:
                alpha = round(255 * covered / samples**2)
                pixels.append((*(round(t / covered) for t in totals), alpha))
            else:
                pixels.append((0, 0, 0, 0))
    return pixels


def ico(sides=(16, 32)):
    images = [_png(raster(side)) for side in sides]
    offset = 6 + 16 * len(images)
    directory = b""
    for side, image in zip(sides, images, strict=True):
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(images)


if __name__ == "__main__":
    (STATIC / "favicon.svg").write_text(SVG)
    (STATIC / "favicon.ico").write_bytes(ico())
    print(f"Wrote {STATIC / 'favicon.svg'} and {STATIC / 'favicon.ico'}")
