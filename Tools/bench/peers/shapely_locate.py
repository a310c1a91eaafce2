#!/usr/bin/env python3
"""Peer benchmark: locate points in polygons with shapely 2 (GEOS).

For each point, find the first polygon (in file order) that intersects it,
using an STRtree over prepared polygons and one vectorised query. Only the
query + reduction step is timed; loading and tree building are not.

Usage:
  python3 Tools/bench/peers/shapely_locate.py --polygons FILE.geojson \\
      --points FILE.csv --lon-column longitude --lat-column latitude [--repeat 5]
  python3 Tools/bench/peers/shapely_locate.py --polygons FILE.geojson \\
      --random N --bbox minx,miny,maxx,maxy [--seed 42] [--repeat 5]

--method prepared (not the default) times the same lookup done as a bounding-box
query followed by shapely.intersects() on the prepared polygons; it gives the
same answers and is much faster on polygons with many vertices.

Prints one JSON line:
  {"peer": "shapely <version>", "polygons": n, "points": m,
   "median_seconds": s, "points_per_second": r, "located": k}
"""
import argparse
import csv
import json
import math
import statistics
import sys
import time

import numpy as np
import shapely
from shapely.geometry import shape


def load_polygons(path):
    with open(path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    # Keep file order: the index in this array is the polygon's rank.
    geoms = [shape(ft["geometry"]) for ft in features if ft.get("geometry")]
    return np.array([g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")])


def load_csv_points(path, lon_col, lat_col):
    lons, lats = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                lon, lat = float(row[lon_col]), float(row[lat_col])
            except (TypeError, ValueError):  # empty or not a number
                continue
            if math.isfinite(lon) and math.isfinite(lat):
                lons.append(lon)
                lats.append(lat)
    return shapely.points(np.array(lons), np.array(lats))


def random_points(n, bbox, seed):
    minx, miny, maxx, maxy = bbox
    rng = np.random.default_rng(seed)
    return shapely.points(rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n))


def locate(tree, polygons, points, method):
    """Index of the first matching polygon for every point, -1 if none."""
    if method == "query-predicate":
        # GEOS tests the predicate with the *query* geometry (the point)
        # prepared, so shapely.prepare(polygons) does not speed this up.
        point_idx, poly_idx = tree.query(points, predicate="intersects")
    else:
        # Bounding-box candidates, then intersects on the prepared polygons.
        point_idx, poly_idx = tree.query(points)
        hit = shapely.intersects(polygons[poly_idx], points[point_idx])
        point_idx, poly_idx = point_idx[hit], poly_idx[hit]
    result = np.full(len(points), -1, dtype=np.int64)
    if len(point_idx):
        # Sort by (point, polygon) and keep the first pair of each point.
        order = np.lexsort((poly_idx, point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        result[point_idx[first]] = poly_idx[first]
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--polygons", required=True)
    ap.add_argument("--points")
    ap.add_argument("--lon-column", default="longitude")
    ap.add_argument("--lat-column", default="latitude")
    ap.add_argument("--random", type=int, metavar="N")
    ap.add_argument("--bbox", help="minx,miny,maxx,maxy (with --random)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--method", choices=["query-predicate", "prepared"],
                    default="query-predicate",
                    help="query-predicate: tree.query(points, predicate='intersects') "
                         "(default); prepared: bbox query + intersects on prepared polygons")
    args = ap.parse_args()

    polygons = load_polygons(args.polygons)
    if args.random is not None:
        if not args.bbox:
            ap.error("--random needs --bbox")
        bbox = [float(v) for v in args.bbox.split(",")]
        if len(bbox) != 4:
            ap.error("--bbox needs minx,miny,maxx,maxy")
        points = random_points(args.random, bbox, args.seed)
    elif args.points:
        points = load_csv_points(args.points, args.lon_column, args.lat_column)
    else:
        ap.error("give --points FILE.csv or --random N --bbox ...")

    tree = shapely.STRtree(polygons)
    shapely.prepare(polygons)

    times, result = [], None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        result = locate(tree, polygons, points, args.method)
        times.append(time.perf_counter() - t0)

    median = statistics.median(times)
    print(json.dumps({
        "peer": f"shapely {shapely.__version__}"
                + ("" if args.method == "query-predicate" else f" ({args.method})"),
        "polygons": int(len(polygons)),
        "points": int(len(points)),
        "median_seconds": round(median, 6),
        "points_per_second": round(len(points) / median) if median > 0 else None,
        "located": int((result >= 0).sum()),
    }))


if __name__ == "__main__":
    sys.exit(main())
