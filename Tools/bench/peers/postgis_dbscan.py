#!/usr/bin/env python3
"""Peer benchmark: DBSCAN with PostGIS's ST_ClusterDBSCAN on projected points (metres).

Starts a throw-away PostgreSQL cluster in a temporary folder (Unix socket only, no TCP, parallel
workers off: one core), loads the x,y CSV written by `miestas-bench dbscan` with COPY into a table
of points, and times (server side, psql's \\timing) the window query, wrapped in a count so that
shipping 58k rows to the client is not what is measured:

    SELECT count(DISTINCT cid), count(*) FILTER (WHERE cid IS NULL)
      FROM (SELECT ST_ClusterDBSCAN(geom, eps, minpoints) OVER () AS cid FROM pts) s

ST_ClusterDBSCAN counts the point itself in its neighbourhood, as scikit-learn and Miestas do.

Usage:
  python3 Tools/bench/peers/postgis_dbscan.py --input xy.csv --eps 50 --min-samples 5 [--repeat 5]

Needs postgresql-15-postgis-3 (apt-get install). Prints one JSON line:
  {"peer": "PostGIS <version>", "timed": "...", "points": n, "median_seconds": s, "clusters": k, "noise": m}
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile

from scratch_postgres import pg_bin, run


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--eps", type=float, required=True)
    p.add_argument("--min-samples", type=int, required=True)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    # PostgreSQL refuses to run as root; run the server as the postgres user.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    work = tempfile.mkdtemp(prefix="miestas-postgis-dbscan-")
    os.chmod(work, 0o777)
    data, sock = os.path.join(work, "data"), work
    try:
        subprocess.run(prefix + [pg_bin("initdb"), "-D", data, "-A", "trust", "-U", "bench"], check=True, capture_output=True)
        subprocess.run(prefix + [pg_bin("pg_ctl"), "-D", data, "-w", "-l", os.path.join(work, "log"), "-o",
                                 f"-k {sock} -c listen_addresses='' -c max_parallel_workers_per_gather=0 -c shared_buffers=256MB "
                                 "-c work_mem=256MB",
                                 "start"], check=True, capture_output=True)
        psql = [pg_bin("psql"), "-h", sock, "-U", "bench", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"]

        def sql(text):
            return run(*psql, "-c", text).stdout.strip()

        sql("CREATE EXTENSION postgis")
        version = sql("SELECT postgis_lib_version()")
        sql("CREATE TABLE pts (id serial PRIMARY KEY, x float8, y float8)")
        run(*psql, "-c", f"\\copy pts (x, y) FROM '{os.path.abspath(args.input)}' CSV HEADER")
        sql("ALTER TABLE pts ADD COLUMN geom geometry(Point)")
        sql("UPDATE pts SET geom = ST_MakePoint(x, y)")
        sql("VACUUM ANALYZE pts")
        n = int(sql("SELECT count(*) FROM pts"))
        query = (f"SELECT count(DISTINCT cid), count(*) FILTER (WHERE cid IS NULL) FROM "
                 f"(SELECT ST_ClusterDBSCAN(geom, {args.eps}, {args.min_samples}) OVER () AS cid FROM pts) s")
        times, clusters, noise = [], 0, 0
        for _ in range(args.repeat):
            out = run(*psql, "-c", "\\timing on", "-c", query).stdout
            clusters, noise = (int(v) for v in out.splitlines()[0].split("|"))
            times.append(float(re.search(r"Time: ([\d.]+) ms", out).group(1)) / 1000)
        print(json.dumps({"peer": f"PostGIS {version}", "timed": "ST_ClusterDBSCAN(geom, eps, minpoints) OVER ()",
                          "points": n, "median_seconds": statistics.median(times), "clusters": clusters, "noise": noise}))
    finally:
        subprocess.run(prefix + [pg_bin("pg_ctl"), "-D", data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
