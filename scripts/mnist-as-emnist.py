#!/usr/bin/env python3
"""Writes MNIST in EMNIST ByClass's file format (images transposed, gzip, a mapping file), so
that `--dataset emnist-byclass` and `--dataset nistp` can be tried and benchmarked without
EMNIST's 562 MB download:

    python3 scripts/mnist-as-emnist.py MNIST_DIR OUT_DIR
    rectifier train --dataset nistp --data-dir OUT_DIR --validation 10000 ...

The ten digit classes keep their labels (0-9 are EMNIST's digits too); the mapping lists all 62.
"""
import gzip
import os
import struct
import sys


def read(path):
    for candidate in (path, path + ".gz"):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                return f.read()
    sys.exit(f"{path}: no such file (raw or .gz)")


def transposed(images):
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    body = images[16:]
    out = bytearray(len(body))
    size = rows * cols
    for i in range(n):
        image = body[i * size:(i + 1) * size]
        out[i * size:(i + 1) * size] = bytes(image[c * cols + r] for r in range(rows) for c in range(cols))
    return images[:16] + bytes(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for mnist, emnist in (("train", "train"), ("t10k", "test")):
        images = transposed(read(os.path.join(source, f"{mnist}-images-idx3-ubyte")))
        labels = read(os.path.join(source, f"{mnist}-labels-idx1-ubyte"))
        for name, data in ((f"emnist-byclass-{emnist}-images-idx3-ubyte.gz", images),
                           (f"emnist-byclass-{emnist}-labels-idx1-ubyte.gz", labels)):
            with gzip.open(os.path.join(out, name), "wb", compresslevel=1) as f:
                f.write(data)
    characters = [chr(c) for c in range(48, 58)] + [chr(c) for c in range(65, 91)] + [chr(c) for c in range(97, 123)]
    with open(os.path.join(out, "emnist-byclass-mapping.txt"), "w") as f:
        f.writelines(f"{i} {ord(c)}\n" for i, c in enumerate(characters))
    print(f"{out}: MNIST as EMNIST ByClass files")


if __name__ == "__main__":
    main()
