"""The demo: serve the bundled sample clinics, crawl them, and serve the archive."""

from __future__ import annotations

import tempfile
from pathlib import Path

from archive.store import articles_per_site, latest_run, open_archive
from clinic_archive.sample_sites import serve_sample_sites, write_local_sites_file
from scraper.crawl import run_crawl

# Our own loopback servers: no need to wait a second between requests.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "WARNING"}


def build_demo_archive(db_path: str | Path) -> dict:
    """Crawl the sample sites into db_path; returns {'articles': {site: n}, 'run': {...}}."""
    with serve_sample_sites() as sites, tempfile.TemporaryDirectory() as tmp:
        sites_file = write_local_sites_file(sites, Path(tmp) / "sites.toml")
        run_crawl(sites_file, db_path, DEMO_SETTINGS)
    db = open_archive(db_path)
    try:
        return {"articles": articles_per_site(db), "run": latest_run(db)}
    finally:
        db.close()
