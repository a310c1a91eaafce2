#!/usr/bin/env python3
"""Peer benchmark: locate points in polygons with PostGIS (an ST_Intersects join).

Starts a throw-away PostgreSQL cluster in a temporary folder (Unix socket only, no TCP), loads
the polygons with ogr2ogr (file order gives the ids) and the points with COPY, builds a GiST
index, and times the join that keeps, for every point, the polygon with the smallest id:

    SELECT DISTINCT ON (p.id) p.id, d.id FROM points p JOIN districts d
      ON ST_Intersects(d.geom, p.geom) ORDER BY p.id, d.id

Usage (same arguments as shapely_locate.py):
  python3 Tools/bench/peers/postgis_locate.py --polygons FILE.geojson --points FILE.csv [--repeat 5]
  python3 Tools/bench/peers/postgis_locate.py --polygons FILE.geojson --random N --bbox minx,miny,maxx,maxy

Needs postgresql-15-postgis-3 and gdal-bin (apt-get install). Prints one JSON line:
  {"peer": "PostGIS <version>", "polygons": n, "points": m, "median_seconds": s,
   "points_per_second": r, "located": k}
"""
import argparse
import csv
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile

from scratch_postgres import pg_bin, run


def points_csv(args, path):
    """Writes lon,lat rows to path; returns how many."""
    n = 0
    with open(path, "w", newline="") as out:
        w = csv.writer(out)
        if args.random:
            minx, miny, maxx, maxy = (float(v) for v in args.bbox.split(","))
            rng = random.Random(args.seed)
            for _ in range(args.random):
                w.writerow((rng.uniform(minx, maxx), rng.uniform(miny, maxy)))
                n += 1
        else:
            with open(args.points, newline="", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    try:
                        lon, lat = float(row[args.lon_column]), float(row[args.lat_column])
                    except (TypeError, ValueError):
                        continue
                    w.writerow((lon, lat))
                    n += 1
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--polygons", required=True)
    p.add_argument("--points")
    p.add_argument("--lon-column", default="longitude")
    p.add_argument("--lat-column", default="latitude")
    p.add_argument("--random", type=int)
    p.add_argument("--bbox")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root; run the cluster as the postgres user.
        prefix = ["runuser", "-u", "postgres", "--"]
    else:
        prefix = []

    work = tempfile.mkdtemp(prefix="miestas-postgis-")
    os.chmod(work, 0o777)
    data, sock = os.path.join(work, "data"), work
    try:
        subprocess.run(prefix + [pg_bin("initdb"), "-D", data, "-A", "trust", "-U", "bench"], check=True, capture_output=True)
        subprocess.run(prefix + [pg_bin("pg_ctl"), "-D", data, "-w", "-l", os.path.join(work, "log"), "-o",
                                 f"-k {sock} -c listen_addresses='' -c max_parallel_workers_per_gather=0 -c shared_buffers=256MB",
                                 "start"], check=True, capture_output=True)
        psql = [pg_bin("psql"), "-h", sock, "-U", "bench", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"]

        def sql(text):
            return run(*psql, "-c", text).stdout.strip()

        sql("CREATE EXTENSION postgis")
        version = sql("SELECT postgis_lib_version()")
        run("ogr2ogr", "-f", "PostgreSQL", f"PG:host={sock} user=bench dbname=postgres", args.polygons,
            "-nln", "districts", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=id", "-nlt", "PROMOTE_TO_MULTI", "-t_srs", "EPSG:4326")
        pts = os.path.join(work, "points.csv")
        n = points_csv(args, pts)
        os.chmod(pts, 0o644)
        sql("CREATE TABLE points (id serial PRIMARY KEY, lon float8, lat float8)")
        run(*psql, "-c", f"\\copy points (lon, lat) FROM '{pts}' CSV")
        sql("ALTER TABLE points ADD COLUMN geom geometry(Point, 4326)")
        sql("UPDATE points SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)")
        sql("CREATE INDEX ON points USING gist (geom)")
        sql("VACUUM ANALYZE points")
        sql("ANALYZE districts")
        polygons = int(sql("SELECT count(*) FROM districts"))
        # The plain join (what "an ST_Intersects join" usually means) and the same join keeping
        # only the smallest district id per point, which is Miestas's rule.
        plain = "SELECT count(*) FROM points p JOIN districts d ON ST_Intersects(d.geom, p.geom)"
        ruled = ("SELECT count(*) FROM (SELECT DISTINCT ON (p.id) p.id, d.id AS district FROM points p "
                 "JOIN districts d ON ST_Intersects(d.geom, p.geom) ORDER BY p.id, d.id) s")

        def timed(query):
            times, count = [], 0
            for _ in range(args.repeat):
                out = run(*psql, "-c", "\\timing on", "-c", query).stdout
                count = int(out.splitlines()[0])
                times.append(float(re.search(r"Time: ([\d.]+) ms", out).group(1)) / 1000)
            return statistics.median(times), count

        med, located = timed(plain)
        ruled_med, ruled_located = timed(ruled)
        print(json.dumps({"peer": f"PostGIS {version}", "polygons": polygons, "points": n,
                          "median_seconds": med, "points_per_second": n / med, "located": located,
                          "smallest_id_points_per_second": n / ruled_med, "smallest_id_located": ruled_located}))
    finally:
        subprocess.run(prefix + [pg_bin("pg_ctl"), "-D", data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
