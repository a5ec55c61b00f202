import json
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_archive.sample_sites import SAMPLES_DIR, serve_sample_sites, write_local_sites_file

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
# Our own loopback servers: no politeness delay needed, and keep the log short.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def golden_articles():
    return sorted(p for p in GOLDEN.glob("*/*.json") if not p.name.startswith("_"))


def golden_non_articles():
    pages = []
    for path in sorted(GOLDEN.glob("*/_non_articles.json")):
        pages.extend(json.loads(path.read_text()))
    return pages


def run_cli(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, "-m", "clinic_archive.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def sample_sites():
    with serve_sample_sites(SAMPLES_DIR) as sites:
        yield sites


@pytest.fixture(scope="session")
def crawled(sample_sites, tmp_path_factory):
    """One real crawl of the bundled sites, shared by the tests that read its archive."""
    tmp = tmp_path_factory.mktemp("crawl")
    sites_file = write_local_sites_file(sample_sites, tmp / "sites.toml")
    db_path = tmp / "archive.db"
    result = run_cli("crawl", "--sites", str(sites_file), "--db", str(db_path), *FAST)
    return {"db": db_path, "result": result, "sites": sample_sites, "sites_file": sites_file}
