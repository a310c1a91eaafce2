#!/usr/bin/env python3
"""What SQLite's R*Tree costs per inserted point, by transaction size: an R*Tree of 100,000 random
points in the demo city's extent (WAL, synchronous=NORMAL, so the disk is not what is measured),
then 5 transactions each of 32, 256, 1,024, 2,048 and 4,096 more points; the median per size.

It answers whether filling the reports' R*Tree later in big batches would make intake cheaper
(BENCHMARKS.md, seventh session): it would not, the cost per point barely depends on the batch.
Python's sqlite3 module is Debian's SQLite; its per-statement overhead (~2-3 µs) is included.

Usage: python3 Tools/bench/rtree/insert_cost.py
"""
import os
import random
import sqlite3
import tempfile
import time


def main():
    path = os.path.join(tempfile.mkdtemp(prefix="miestas-rtree-"), "rtree.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE VIRTUAL TABLE r USING rtree(pkid, xmin, xmax, ymin, ymax)")
    rng = random.Random(1)
    point = lambda: (23.88 + rng.random() * 0.08, 54.88 + rng.random() * 0.04)
    db.execute("BEGIN")
    for i in range(1, 100_001):
        x, y = point()
        db.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?)", (i, x, x, y, y))
    db.execute("COMMIT")
    next_id = 100_001
    print("| points per transaction | median ms per transaction | µs per point |")
    print("|---:|---:|---:|")
    for n in (32, 256, 1024, 2048, 4096):
        times = []
        for _ in range(5):
            points = [point() for _ in range(n)]
            started = time.perf_counter()
            db.execute("BEGIN")
            for x, y in points:
                db.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?)", (next_id, x, x, y, y))
                next_id += 1
            db.execute("COMMIT")
            times.append(time.perf_counter() - started)
        median = sorted(times)[2]
        print(f"| {n} | {median * 1000:.2f} | {median / n * 1e6:.1f} |")


if __name__ == "__main__":
    main()
