#!/usr/bin/env python3
"""Peer benchmark: DBSCAN with scikit-learn on projected points (metres).

Reads x,y from a CSV (a header line, then one point per line: the coordinates Miestas's DBSCAN
got, written by `miestas-bench dbscan`), and times only `DBSCAN(eps, min_samples).fit(X)`
(metric euclidean, one job; algorithm "auto", which picks a k-d tree for 2-D data).

Usage:
  python3 Tools/bench/peers/sklearn_dbscan.py --input xy.csv --eps 50 --min-samples 5 [--repeat 5]

Needs scikit-learn and numpy (pip install scikit-learn numpy; Tools/check-dbscan installs them in
.venv-tools). Prints one JSON line:
  {"peer": "scikit-learn <version>", "timed": "...", "points": n, "median_seconds": s,
   "clusters": k, "noise": m, "core": c}
"""
import argparse
import json
import statistics
import time

import numpy as np
import sklearn
from sklearn.cluster import DBSCAN


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--eps", type=float, required=True)
    p.add_argument("--min-samples", type=int, required=True)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--algorithm", default="auto")
    args = p.parse_args()
    X = np.loadtxt(args.input, delimiter=",", skiprows=1, ndmin=2)
    times, model = [], None
    for _ in range(args.repeat):
        model = DBSCAN(eps=args.eps, min_samples=args.min_samples, metric="euclidean", algorithm=args.algorithm, n_jobs=1)
        start = time.perf_counter()
        model.fit(X)
        times.append(time.perf_counter() - start)
    labels = model.labels_
    print(json.dumps({
        "peer": f"scikit-learn {sklearn.__version__}",
        "timed": f"DBSCAN(algorithm={args.algorithm!r}).fit",
        "points": int(len(X)),
        "median_seconds": statistics.median(times),
        "clusters": int(labels.max() + 1) if len(labels) else 0,
        "noise": int((labels == -1).sum()),
        "core": int(len(model.core_sample_indices_)),
    }))


if __name__ == "__main__":
    main()
