"""The demo: serve the bundled sample clinics, crawl them, and serve the archive."""

from __future__ import annotations

import sqlite3
import tempfile
import tomllib
from pathlib import Path

import sqlite_utils

from archive.store import articles_per_site, captures_path, latest_run, open_archive
from clinic_archive.sample_sites import sample_sites_config, serve_sample_sites, write_local_sites_file
from scraper.crawl import run_crawl

# Our own loopback servers: no need to wait a second between requests.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "WARNING"}


class NotADemoArchive(Exception):
    """The --db given to the demo holds other sites; the demo will not overwrite it."""


def build_demo_archive(db_path: str | Path) -> dict:
    """Crawl the sample sites into a fresh db_path; returns {'articles': {site: n}, 'run': {...}}.

    The sample sites get new ports on every run, so their URLs change: an earlier demo
    archive at db_path is replaced rather than filled with duplicates. Any other archive
    there is left alone and NotADemoArchive is raised.
    """
    _remove_earlier_demo(Path(db_path))
    with serve_sample_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        sites_file = write_local_sites_file(sites, Path(tmp) / "sites.toml")
        run_crawl(sites_file, db_path, DEMO_SETTINGS)
    db = open_archive(db_path)
    try:
        return {"articles": articles_per_site(db), "run": latest_run(db)}
    finally:
        db.close()


def _remove_earlier_demo(db_path: Path) -> None:
    if not db_path.exists():
        return
    sample_names = {site["name"] for site in tomllib.loads(sample_sites_config().read_text())["site"]}
    try:
        db = sqlite_utils.Database(db_path)
        names = {row[0] for row in db.execute("select name from sites")}
        db.close()
    except sqlite3.DatabaseError:
        names = {"(not an archive)"}
    if not names <= sample_names:
        others = ", ".join(sorted(names - sample_names))
        raise NotADemoArchive(f"{db_path} holds sites other than the samples ({others}); "
                              "the demo will not overwrite it. Pass another --db.")
    for path in (db_path, captures_path(db_path)):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
