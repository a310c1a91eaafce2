"""What the PostGIS peer benchmarks share: finding PostgreSQL's programs and running commands."""
import glob
import subprocess
import sys


def pg_bin(name):
    """The newest installed PostgreSQL's program `name` (initdb, pg_ctl, psql, ...)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        sys.exit(f"{name} not found: apt-get install postgresql-15-postgis-3")
    return found[-1]


def run(*args, **kw):
    """Runs a command, raising on failure, and answers its completed process (text output)."""
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)
