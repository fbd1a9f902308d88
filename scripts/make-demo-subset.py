#!/usr/bin/env python3
"""Builds the MNIST subset shipped with Rectifier (Sources/Rectifier/Resources/mnist-demo).

The first 6,000 training images and the first 2,000 test images of MNIST (LeCun, Cortes &
Burges; CC BY-SA 3.0), with their labels, as gzip-compressed IDX files. Deterministic: the
same input files always give the same bytes (gzip mtime 0).

    python3 scripts/make-demo-subset.py ../shared/data/mnist
"""
import gzip
import os
import struct
import sys

TRAIN, TEST = 6000, 2000
OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "Rectifier", "Resources", "mnist-demo")


def subset(src, dst, n):
    with open(src, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    rank = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    item = 1
    for d in dims[1:]:
        item *= d
    assert magic >> 8 == 0x08 and count >= n, f"{src}: not an unsigned-byte IDX file with {n} items"
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * rank, n, *dims[1:])
    body = data[4 + 4 * rank: 4 + 4 * rank + n * item]
    with open(dst, "wb") as f:
        f.write(gzip.compress(header + body, compresslevel=9, mtime=0))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "data", "mnist")
    os.makedirs(OUT, exist_ok=True)
    for name, n in [("train-images-idx3-ubyte", TRAIN), ("train-labels-idx1-ubyte", TRAIN),
                    ("t10k-images-idx3-ubyte", TEST), ("t10k-labels-idx1-ubyte", TEST)]:
        subset(os.path.join(src, name), os.path.join(OUT, name + ".gz"), n)
        print(name + ".gz", os.path.getsize(os.path.join(OUT, name + ".gz")), "bytes")


if __name__ == "__main__":
    main()
