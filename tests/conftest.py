import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from clinic_archive.sample_sites import SAMPLES_DIR, serve_sample_sites, write_local_sites_file
from tests.wordpress import THEMES, WordPress, install_hint, missing_parts

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


@pytest.fixture
def own_sites(tmp_path):
    """A private copy of the sample sites, served: tests may edit, delete and script its files."""
    root = tmp_path / "sites"
    shutil.copytree(SAMPLES_DIR, root)
    with serve_sample_sites(root) as sites:
        yield OwnSites(root, sites, tmp_path)


class OwnSites:
    def __init__(self, root: Path, sites: dict, tmp_path: Path):
        self.root, self.sites, self.tmp = root, sites, tmp_path
        self.db = tmp_path / "archive.db"

    def sites_file(self, extra: dict[str, str] | None = None, only: list[str] | None = None) -> Path:
        """A sites file for the served copy; extra maps a slug to more TOML lines for its table."""
        tables = []
        for slug, site in self.sites.items():
            if only and slug not in only:
                continue
            start = f"{site.origin}/blog/" if slug == "frontrange-spine" else f"{site.origin}/blog"
            tables.append(f'[[site]]\nname = "{slug}"\nstart_urls = ["{start}"]\n{(extra or {}).get(slug, "")}\n')
        path = self.tmp / "sites.toml"
        path.write_text("\n".join(tables))
        return path

    def crawl(self, *args: str, sites_file: Path | None = None, fast: bool = True):
        return run_cli("crawl", "--sites", str(sites_file or self.sites_file()), "--db", str(self.db),
                       *(FAST if fast else []), *args)

    def last_stats(self) -> dict:
        db = sqlite_utils.Database(self.db)
        stats = json.loads(list(db.query("select stats from runs order by id desc limit 1"))[0]["stats"])
        db.close()
        return stats

    def page_requests(self, slug: str) -> list:
        """Logged requests for pages (not robots.txt, sitemaps, feeds or the WordPress API)."""
        return [entry for entry in self.sites[slug].log
                if not entry.path.startswith(("/robots.txt", "/wp-json"))
                and not entry.path.split("?")[0].endswith((".xml", "/feed/"))
                and not entry.path.endswith("format=rss")]


def _require_wordpress() -> None:
    """Skip when the packages are missing, unless CLINIC_ARCHIVE_REQUIRE_WORDPRESS=1 (CI)."""
    missing = missing_parts()
    if missing:
        message = f"WordPress stack incomplete (missing {', '.join(missing)}); install it with: {install_hint()}"
        if os.environ.get("CLINIC_ARCHIVE_REQUIRE_WORDPRESS") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session", params=THEMES)
def wordpress(request):
    """A private WordPress from Debian's packages, one per theme (see tests/wordpress.py),
    shared read-only by the tests of one crawl."""
    _require_wordpress()
    with WordPress(theme=request.param) as wp:
        yield wp


@pytest.fixture(params=THEMES)
def fresh_wordpress(request):
    """A WordPress of its own, for a test that edits, trashes and adds posts."""
    _require_wordpress()
    with WordPress(theme=request.param) as wp:
        yield wp


@pytest.fixture(scope="session")
def wordpress_crawled(wordpress, tmp_path_factory):
    """One real crawl of the WordPress, read-only for the tests that share it."""
    tmp = tmp_path_factory.mktemp(f"wp-crawl-{wordpress.theme}")
    db_path = tmp / "archive.db"
    result = crawl_wordpress(wordpress, db_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return {"db": db_path, "result": result, "wp": wordpress}


def crawl_wordpress(wp, db_path: Path, *args: str):
    """`clinic-archive crawl` of the WordPress as site "riverbend", with no politeness delay."""
    sites_file = db_path.with_name("sites.toml")
    sites_file.write_text(f'[[site]]\nname = "riverbend"\nstart_urls = ["{wp.origin}/"]\ndelay = 0\n')
    return run_cli("crawl", "--sites", str(sites_file), "--db", str(db_path), *FAST, *args)
