#!/usr/bin/env python3
"""Rectifier's defaults against scikit-learn's on scikit-learn's own tables, fold for fold.

For breast cancer, wine and digits: writes each as a CSV file (and X.npy / y.npy), runs
`rectifier train --data-file FILE --folds 5` with every other option at its default, then
fits make_pipeline(StandardScaler(), MLPClassifier(random_state=0)) on exactly the rows each
fold trained and validated on (RUN_DIR/fold-K/split.json) and scores it on that fold's test
rows. Prints a table of mean test accuracy (standard deviation over the folds).

    pip install scikit-learn numpy
    swift build -c release
    python3 scripts/compare-with-sklearn.py .build/release/rectifier [OUT_DIR] [--jobs N]
"""
import csv
import json
import os
import subprocess
import sys
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATASETS = {"breast-cancer": load_breast_cancer, "wine": load_wine, "digits": load_digits}
FOLDS = 5


def export(name, loader, out):
    """The dataset as a CSV file with a header (label last, as class names) and as .npy arrays."""
    data = loader()
    names = [str(n) for n in data.feature_names] if hasattr(data, "feature_names") else [f"x{i}" for i in range(data.data.shape[1])]
    classes = [str(c) for c in data.target_names]
    path = os.path.join(out, name + ".csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(names + ["label"])
        for x, y in zip(data.data, data.target):
            writer.writerow([repr(float(v)) for v in x] + [classes[y]])
    np.save(os.path.join(out, name + "-X.npy"), data.data)
    np.save(os.path.join(out, name + "-y.npy"), data.target)
    return path, data.data, np.array([classes[y] for y in data.target])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rectifier = os.path.abspath(sys.argv[1])
    out = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else "sklearn-comparison")
    os.makedirs(out, exist_ok=True)
    rows = []
    for name, loader in DATASETS.items():
        path, x, y = export(name, loader, out)
        run = os.path.join(out, "runs", name)
        start = time.time()
        subprocess.run([rectifier, "train", "--data-file", path, "--folds", str(FOLDS), "--out", run], check=True,
                       stdout=subprocess.DEVNULL)
        ours_seconds = time.time() - start
        ours, theirs = [], []
        start = time.time()
        for k in range(FOLDS):
            with open(os.path.join(run, f"fold-{k}", "result.json")) as f:
                ours.append(1 - json.load(f)["test_error"])
            with open(os.path.join(run, f"fold-{k}", "split.json")) as f:
                split = json.load(f)
            fit = split["train"] + split["validation"]
            model = make_pipeline(StandardScaler(), MLPClassifier(random_state=0))
            model.fit(x[fit], y[fit])
            theirs.append(model.score(x[split["test"]], y[split["test"]]))
        rows.append((name, x.shape, np.mean(ours), np.std(ours), np.mean(theirs), np.std(theirs), ours_seconds, time.time() - start))
    print(f"{'dataset':14} {'examples x features':>20} {'rectifier':>16} {'scikit-learn MLP':>18} {'difference':>11} {'seconds (ours / theirs)':>24}")
    for name, shape, m, s, tm, ts, a, b in rows:
        print(f"{name:14} {f'{shape[0]} x {shape[1]}':>20} {f'{100 * m:.2f}% ({100 * s:.2f})':>16} {f'{100 * tm:.2f}% ({100 * ts:.2f})':>18} "
              f"{100 * (m - tm):+10.2f} {f'{a:.1f} / {b:.1f}':>24}")


if __name__ == "__main__":
    main()
