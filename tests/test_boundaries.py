"""archive/ is everything after the fetch and must run without Scrapy; only archive.store writes
SQLite or reads the captures file; the project's Scrapy components act only for its own spider."""

import ast
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler

from scraper.spiders.clinic_blogs import ClinicBlogsSpider

ROOT = Path(__file__).resolve().parent.parent
ARCHIVE = ROOT / "archive"


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_archive_never_imports_scrapy_or_scraper():
    offenders = [
        f"{path.relative_to(ARCHIVE.parent)}: {module}"
        for path in sorted(ARCHIVE.rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in {"scrapy", "scraper", "twisted"}
    ]
    assert offenders == []


ROOT = ARCHIVE.parent
WRITES = {"insert", "insert_all", "upsert", "upsert_all", "update", "delete", "delete_where", "create", "drop"}
WRITE_SQL = ("insert", "update", "delete", "replace", "create", "drop", "alter", "pragma journal_mode",
             "pragma wal_checkpoint")


def store_bypasses(path):
    """Writes to SQLite (a sqlite-utils table's write methods, or write SQL) and reads of the
    captures file, in one module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if node.func.attr in WRITES and isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
                yield f"line {node.lineno}: [{target.slice.value!r}].{node.func.attr}()"
            if node.func.attr in ("execute", "executemany", "executescript") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                    and node.args[0].value.lstrip().lower().startswith(WRITE_SQL):
                yield f"line {node.lineno}: {node.args[0].value[:40]!r}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " from captures" in node.value.lower():
            yield f"line {node.lineno}: reads captures: {node.value[:40]!r}"


def test_only_archive_store_writes_sqlite_or_reads_captures():
    offenders = [
        f"{path.relative_to(ROOT)} {where}"
        for package in ("archive", "scraper", "clinic_archive")
        for path in sorted((ROOT / package).rglob("*.py"))
        if ROOT / "archive" / "store" not in path.parents
        for where in store_bypasses(path)
    ]
    assert offenders == []


# --- the project's Scrapy components serve the clinic_blogs spider only ---------------------

OTHER_SPIDER = '''
import scrapy


class OtherSpider(scrapy.Spider):
    name = "other"
    start_urls = ["{url}"]

    def parse(self, response):
        yield {{"title": response.css("title::text").get()}}
'''

COMPONENTS = {
    "scraper.pipelines.ArchivePipeline": "local",
    "scraper.fleet.pipeline.FleetPipeline": "fleet",
    "scraper.middlewares.SiteScopeMiddleware": "both",
    "scraper.middlewares.RobotsTxtMiddleware": "local",
    "scraper.fleet.robots.FleetRobotsTxtMiddleware": "fleet",
    "scraper.politeness.PolitenessMiddleware": "local",
    "scraper.fleet.gate.FleetPolitenessMiddleware": "fleet",
    "scraper.politeness.SiteAutoThrottle": "local",
    "scraper.progress.Progress": "local",
    "scraper.progress.RequestCounts": "both",
}


@pytest.fixture
def one_page(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><head><title>Hello page</title></head><body>hi</body></html>")
    handler = functools.partial(QuietHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}/index.html"
        server.shutdown()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_another_spider_runs_as_plain_scrapy_inside_the_project(one_page, tmp_path):
    """`scrapy runspider` inside the project: the project's settings apply, but no archive is
    opened (it used to create archive.db in the working directory, then hang)."""
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", run / "scrapy.cfg")  # inside the project, as far as Scrapy can tell
    (run / "other.py").write_text(OTHER_SPIDER.format(url=one_page))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "scrapy", "runspider", "other.py", "-o", "items.jsonl"],
                            cwd=run, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'BOT_NAME': 'clinic_archive'" in result.stderr  # the project's settings were loaded
    assert "ERROR" not in result.stderr, result.stderr[-3000:]
    assert [json.loads(line) for line in (run / "items.jsonl").read_text().splitlines()] == [
        {"title": "Hello page"}]
    assert sorted(p.name for p in run.iterdir()) == ["items.jsonl", "other.py", "scrapy.cfg"]
    pipelines = result.stderr.split("Enabled item pipelines:")[1].split("\n")[1]
    assert pipelines == "[]"


class Other(scrapy.Spider):
    name = "other"


@pytest.mark.parametrize("mode", ["local", "fleet"])
def test_components_act_only_for_clinic_blogs_in_their_mode(mode):
    settings = {"ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": True, "ARCHIVE_REDIS_PREFIX": "t"}
    if mode == "fleet":
        settings["ARCHIVE_REDIS_URL"] = "redis://127.0.0.1:1/0"  # never connected to here
    ours, other = get_crawler(ClinicBlogsSpider, settings), get_crawler(Other, settings)
    enabled = {path for path in COMPONENTS if _builds(path, ours)}
    assert enabled == {path for path, serves in COMPONENTS.items() if serves in (mode, "both")}
    # for other spiders: ours fixes Scrapy's robots.txt middleware, SiteAutoThrottle is AutoThrottle
    plain = {"scraper.middlewares.RobotsTxtMiddleware", "scraper.politeness.SiteAutoThrottle"}
    assert {path for path in COMPONENTS if _builds(path, other)} == plain


def _builds(path: str, crawler) -> bool:
    try:
        build_from_crawler(load_object(path), crawler)
    except NotConfigured:
        return False
    return True
