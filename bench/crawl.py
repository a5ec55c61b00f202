"""Crawl speed: a full crawl of the bundled sample sites on 127.0.0.1, politeness delay off.

Prints wall time, requests and pages/s for one crawl into a fresh archive. Each crawl
runs in a subprocess (Twisted's reactor runs once per process).

    .venv/bin/python bench/crawl.py
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

from clinic_archive.sample_sites import serve_sample_sites, write_local_sites_file


def main() -> None:
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    with serve_sample_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        sites_file = write_local_sites_file(sites, Path(tmp) / "sites.toml")
        db_path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", str(sites_file),
                        "--db", str(db_path), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                        "-s", "LOG_LEVEL=ERROR"], check=True, capture_output=True)
        seconds = time.perf_counter() - start
        requests = sum(len(site.requests) for site in sites.values())
        db = sqlite_utils.Database(db_path)
        stats = json.loads(db.execute("select stats from runs").fetchone()[0])
        pages = sum(site.get("fetched", 0) for site in stats.values())
        print(f"{'crawl of 3 sample sites':28} {seconds:7.2f} s  {requests} requests  {pages} pages archived  "
              f"{db['articles'].count} articles  {pages / seconds:6.1f} pages/s (incl. process start)")


if __name__ == "__main__":
    main()
