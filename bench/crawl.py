"""Crawl cost: a first crawl of the bundled sample sites, then the revisits users schedule.

All on 127.0.0.1 with the politeness delay off. Rows, from one run, into one archive:
- first crawl (fresh archive);
- revisit (nothing due: only robots.txt, sitemaps, feeds and the WordPress API are read);
- revisit --recheck-all (every known page asked again with If-None-Match / If-Modified-Since).
Each crawl runs in a subprocess (Twisted's reactor runs once per process), so times include
process start.

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

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=ERROR"]
PASSES = [("first crawl", []), ("revisit, nothing due", []), ("revisit --recheck-all", ["--recheck-all"])]


def main() -> None:
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"{'pass':26} {'seconds':>8} {'requests':>9} {'200s':>6} {'304s':>6} {'archived':>9} "
          f"{'unchanged':>10} {'skipped':>8}")
    with serve_sample_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        sites_file = write_local_sites_file(sites, Path(tmp) / "sites.toml")
        db_path = Path(tmp) / "bench.db"
        for label, args in PASSES:
            logged = {slug: len(site.log) for slug, site in sites.items()}
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", str(sites_file),
                            "--db", str(db_path), *args, *FAST], check=True, capture_output=True)
            seconds = time.perf_counter() - start
            entries = [e for slug, site in sites.items() for e in site.log[logged[slug]:]]
            db = sqlite_utils.Database(db_path)
            stats = json.loads(db.execute("select stats from runs order by id desc limit 1").fetchone()[0])
            db.close()
            total = {key: sum(site.get(key, 0) for site in stats.values())
                     for key in ("fetched", "unchanged", "skipped")}
            print(f"{label:26} {seconds:8.2f} {len(entries):>9} {sum(e.status == 200 for e in entries):>6} "
                  f"{sum(e.status == 304 for e in entries):>6} {total['fetched']:>9} {total['unchanged']:>10} "
                  f"{total['skipped']:>8}")


if __name__ == "__main__":
    main()
