#!/usr/bin/env python3
"""Fails when a screenshot (e.g. from scripts/screenshot-report.sh) is blank.

    python3 scripts/check-screenshot.py OUT.png [--min-ink PERCENT]

The background is the most common colour; "ink" is every pixel differing from it by more
than 24 in some channel. Exit status 1 when the ink covers less than PERCENT (default 1) of
the picture, or the file is not a PNG this reader handles (8-bit grey, grey+alpha, RGB or
RGBA, not interlaced: what Chromium writes). Reads the PNG with zlib and struct only.
"""
import argparse
import collections
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def fail(path, problem):
    print(f"{path}: {problem}", file=sys.stderr)
    sys.exit(1)


def read_png(path):
    """(width, height, channels, rows of bytes) of an 8-bit non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path, "not a PNG file")
    pos, header, idat = 8, None, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            fail(path, f"truncated {kind.decode('latin-1')} chunk")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        fail(path, "no image header or no image data")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace != 0:
        fail(path, f"unsupported PNG (bit depth {depth}, colour type {colour}, interlace {interlace})")
    if width * height > 200_000_000:
        fail(path, f"absurd size {width}x{height}")
    channels = CHANNELS[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        fail(path, f"image data of {len(raw)} bytes, expected {height * (stride + 1)}")
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        unfilter(path, kind, line, previous, channels)
        rows.append(line)
        previous = line
    return width, height, channels, rows


def unfilter(path, kind, line, previous, bpp):
    """Undoes the PNG row filter `kind` in place (filters 0-4 of the PNG specification)."""
    if kind == 0:
        return
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        if kind == 1:
            predictor = left
        elif kind == 2:
            predictor = up
        elif kind == 3:
            predictor = (left + up) // 2
        elif kind == 4:
            upper_left = previous[i - bpp] if i >= bpp else 0
            p = left + up - upper_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
            predictor = left if pa <= pb and pa <= pc else up if pb <= pc else upper_left
        else:
            fail(path, f"unknown row filter {kind}")
        line[i] = (line[i] + predictor) & 0xFF


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("png")
    parser.add_argument("--min-ink", type=float, default=1.0, help="minimum percentage of non-background pixels")
    parser.add_argument("--min-colour-pixels", type=int, default=0,
                        help="minimum number of coloured pixels (channels differing by more than 60): the plots' "
                             "markers and curves, since the text and tables are black and grey")
    args = parser.parse_args()
    width, height, channels, rows = read_png(args.png)
    # Colour channels only: alpha says nothing about whether something was drawn.
    colours = 1 if channels <= 2 else 3
    pixels = [bytes(row[x * channels:x * channels + colours]) for row in rows for x in range(width)]
    background, _ = collections.Counter(pixels).most_common(1)[0]
    ink = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, background)) > 24)
    percent = 100.0 * ink / len(pixels)
    summary = f"{args.png}: {width}x{height}, {percent:.2f}% non-background pixels (background #{background.hex()})"
    if percent < args.min_ink:
        fail(args.png, f"blank: {summary.split(': ', 1)[1]}, need at least {args.min_ink}%")
    if colours == 3:
        coloured = sum(1 for p in pixels if max(p) - min(p) > 60)
        summary += f", {coloured} coloured pixels"
        if coloured < args.min_colour_pixels:
            fail(args.png, f"no plot drawn: {coloured} coloured pixels, need at least {args.min_colour_pixels}")
    print(summary)


if __name__ == "__main__":
    main()
