"""Distributed crawling: two crawler processes and one ingester over a real redis-server.

Every test crawls the same served sites twice, once with a plain local crawl (the reference)
and once as a fleet, and compares the archives. Needs Debian's redis-server; CI sets
CLINIC_ARCHIVE_REQUIRE_REDIS=1 so a missing server fails there instead of skipping.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import sqlite_utils

from archive.fleet.keys import FleetKeys
from archive.store.check import check_archive
from tests.conftest import FAST, ROOT, run_cli

KEYS = FleetKeys()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server not found; install it with: sudo apt-get install redis-server"
        if os.environ.get("CLINIC_ARCHIVE_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(workdir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture
def fleet(redis_server, own_sites):
    client = redis.Redis.from_url(redis_server)
    client.flushall()
    yield Fleet(redis_server, client, own_sites)
    for process, log in Fleet.processes:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()
    Fleet.processes.clear()


class Fleet:
    processes: list[tuple[subprocess.Popen, object]] = []

    def __init__(self, url: str, client: redis.Redis, own_sites):
        self.url, self.redis, self.sites = url, client, own_sites
        self.db = own_sites.tmp / "fleet.db"
        self.logs = own_sites.tmp

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((process, log))
        return process

    def crawler(self, name: str, *settings: str, sites_file: Path | None = None, scrapy: bool = False):
        sites = str(sites_file or self.sites.sites_file())
        ours = ["-s", f"ARCHIVE_FLEET_WORKER={name}", "-s", "ARCHIVE_FLEET_HEARTBEAT=2",
                *settings, "-s", "LOG_LEVEL=INFO"]
        if scrapy:  # the Scrapyd route: the plain Scrapy command with one setting
            command = [sys.executable, "-m", "scrapy", "crawl", "clinic_blogs", "-a", f"sites={sites}",
                       "-s", f"ARCHIVE_REDIS_URL={self.url}", *ours]
        else:
            command = [sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", sites,
                       "--redis", self.url, *ours]
        return self._start(name, command)

    def ingester(self, *args: str, name: str = "ingester") -> subprocess.Popen:
        return self._start(name, [sys.executable, "-m", "clinic_archive.cli", "ingest", "--redis", self.url,
                                  "--db", str(self.db), *args])

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def wait(self, process: subprocess.Popen, name: str, timeout: float = 180) -> None:
        assert process.wait(timeout) == 0, self.log(name)

    def leftovers(self) -> dict[str, int]:
        """Work or messages still in Redis; all zero once a run is complete and stored."""
        workers = [w.decode() for w in self.redis.smembers(KEYS.fleet)]
        return {"queued": self.redis.zcard(KEYS.requests), "items": self.redis.llen(KEYS.items),
                "in flight": sum(self.redis.hlen(KEYS.inflight(w)) for w in workers),
                "processing": self.redis.llen(KEYS.items_processing), "open run": self.redis.exists(KEYS.run)}


def local_reference(own_sites, *args: str, sites_file: Path | None = None) -> dict:
    """Crawl the sites in one process; returns the archive's articles and counts."""
    result = own_sites.crawl(*args, sites_file=sites_file)
    assert result.returncode == 0, result.stderr
    return archived(own_sites.db)


def archived(db_path: Path) -> dict:
    db = sqlite_utils.Database(db_path)
    articles = {row["url"]: row["content_hash"] for row in db.query("select url, content_hash from articles")}
    versions = db.execute("select count(*) from article_versions").fetchone()[0]
    # Requests are left out: every crawler of a fleet reads the sitemaps and feeds.
    runs = [{"status": row["status"], "stats": json.dumps(without_requests(json.loads(row["stats"] or "{}")))}
            for row in db.query("select * from runs order by id")]
    db.close()
    return {"articles": articles, "versions": versions, "runs": runs}


def without_requests(stats: dict) -> dict:
    return {site: {k: v for k, v in counts.items() if not k.startswith("requests")}
            for site, counts in stats.items()}


def page_fetches(own_sites) -> collections.Counter:
    return collections.Counter((slug, entry.path) for slug in own_sites.sites
                               for entry in own_sites.page_requests(slug))


def clear_logs(own_sites) -> None:
    for site in own_sites.sites.values():
        site.log.clear()


def wait_until(condition, seconds: float = 120, what: str = "the fleet", state=None) -> None:
    """Poll until condition() holds; `state()` says where things stood when it did not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}" + (f": {state()}" if state else ""))


def test_two_crawlers_and_an_ingester_archive_what_one_process_does(fleet, own_sites):
    reference = local_reference(own_sites, *FAST)
    clear_logs(own_sites)

    ingester = fleet.ingester()
    wait_until(lambda: fleet.redis.exists(KEYS.published), what="the ingester to publish the crawl state")
    first = fleet.crawler("w1", *FAST)
    second = fleet.crawler("w2", *FAST, scrapy=True)
    fleet.wait(first, "w1")
    fleet.wait(second, "w2")
    wait_until(lambda: archived(fleet.db)["runs"] and archived(fleet.db)["runs"][-1]["status"] == "finished",
               what="the ingester to close the run")

    fetched = page_fetches(own_sites)
    assert fetched and max(fetched.values()) == 1, [page for page, n in fetched.items() if n > 1]
    robots = {slug: [e.path for e in site.log].count("/robots.txt") for slug, site in own_sites.sites.items()}
    assert set(robots.values()) == {1}, robots  # one worker read each robots.txt and shared it
    stored = archived(fleet.db)
    assert stored["articles"] == reference["articles"]  # same posts, same content hashes
    assert stored["versions"] == reference["versions"]
    assert stored["runs"] == reference["runs"]  # one finished run with the same counts
    assert "worker done (finished)" in fleet.log("w1")
    assert "Spider closed (finished)" in fleet.log("w2")
    assert "Traceback" not in fleet.log("w1") + fleet.log("w2")
    # The ingester drops its last message from the processing list just after committing it.
    wait_until(lambda: fleet.leftovers() == {"queued": 0, "items": 0, "in flight": 0, "processing": 0,
                                             "open run": 0}, seconds=10, what="Redis to be empty")

    # A second fleet run plans from the state the ingester published: nothing is due yet.
    # (A worker that finds nothing to do may finish before the other joins: two short runs.)
    clear_logs(own_sites)
    again = [fleet.crawler("w3", *FAST), fleet.crawler("w4", *FAST)]
    for name, process in zip(("w3", "w4"), again):
        fleet.wait(process, name)
    wait_until(lambda: not any(fleet.leftovers().values()) and all(
        run["status"] == "finished" for run in archived(fleet.db)["runs"]), what="the second run")
    article_paths = {urlsplit(url).path for url in reference["articles"]}
    assert not [page for page in page_fetches(own_sites) if page[1] in article_paths]
    for run in archived(fleet.db)["runs"][1:]:
        assert all(site["skipped_by"].get("not due", 0) > 0 for site in json.loads(run["stats"]).values()), run
    assert archived(fleet.db)["versions"] == reference["versions"]

    ingester.send_signal(signal.SIGTERM)
    assert ingester.wait(30) == 0, fleet.log("ingester")
    assert check_archive(fleet.db) == []


def test_a_killed_crawler_loses_nothing_its_requests_go_to_the_other(fleet, own_sites):
    reference = local_reference(own_sites, *FAST)
    reference_fetches = set(page_fetches(own_sites))
    clear_logs(own_sites)
    slow = ["-s", "DOWNLOAD_DELAY=0.15"]
    doomed = fleet.crawler("doomed", *slow)
    survivor = fleet.crawler("survivor", *slow)
    wait_until(lambda: sum(page_fetches(own_sites).values()) >= 25
               and fleet.redis.hlen(KEYS.inflight("doomed")) > 0, what="25 pages, and the doomed worker busy",
               state=lambda: (f"{sum(page_fetches(own_sites).values())} pages fetched, doomed holds "
                              f"{fleet.redis.hlen(KEYS.inflight('doomed'))}, exit codes {doomed.poll()}, "
                              f"{survivor.poll()}"))
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    held = fleet.redis.hlen(KEYS.inflight("doomed"))
    fleet.wait(survivor, "survivor")
    assert held and f"took back {held} requests" in fleet.log("survivor")  # the dead worker's leases

    # Nothing was ingesting meanwhile: the captures waited in Redis.
    assert fleet.redis.llen(KEYS.items) > 0
    ingester = fleet.ingester("--until-idle")
    fleet.wait(ingester, "ingester")
    stored = archived(fleet.db)
    assert stored["articles"] == reference["articles"]
    assert stored["runs"][0]["status"] == "finished"
    fetched = page_fetches(own_sites)
    assert set(fetched) == reference_fetches  # every page, including those the dead worker held
    twice = [page for page, n in fetched.items() if n > 1]
    assert len(twice) <= held, twice  # only what the dead worker held can have been fetched twice
    assert fleet.leftovers() == {"queued": 0, "items": 0, "in flight": 0, "processing": 0, "open run": 0}
    assert check_archive(fleet.db) == []


def test_a_fleet_killed_entirely_is_resumed_by_the_next_crawler(fleet, own_sites):
    reference = local_reference(own_sites, *FAST)
    clear_logs(own_sites)
    only = fleet.crawler("only", "-s", "DOWNLOAD_DELAY=0.15")
    wait_until(lambda: sum(page_fetches(own_sites).values()) >= 20
               and fleet.redis.hlen(KEYS.inflight("only")) > 0, what="20 pages")
    only.send_signal(signal.SIGKILL)
    only.wait(10)
    assert fleet.redis.exists(KEYS.run)  # the run stays open, with its frontier, for the next crawl

    later = fleet.crawler("later", *FAST)
    fleet.wait(later, "later")
    assert "joined run" in fleet.log("later") and "took back" in fleet.log("later")
    ingester = fleet.ingester("--until-idle")
    fleet.wait(ingester, "ingester")
    stored = archived(fleet.db)
    assert stored["articles"] == reference["articles"]
    assert [run["status"] for run in stored["runs"]] == ["finished"]
    assert fleet.leftovers() == {"queued": 0, "items": 0, "in flight": 0, "processing": 0, "open run": 0}


def test_the_fleet_stores_pages_with_its_crawlers_revisit_policy(fleet, own_sites):
    crawler = fleet.crawler("w1", *FAST, "-s", "ARCHIVE_RECHECK_MIN=7200", "-s", "ARCHIVE_RECHECK_MAX=86400")
    ingester = fleet.ingester("--until-idle")
    fleet.wait(crawler, "w1")
    fleet.wait(ingester, "ingester")
    db = sqlite_utils.Database(fleet.db)
    intervals = {row["check_interval"] for row in db.query("select check_interval from urls where kind = 'article'")}
    db.close()
    assert intervals == {7200}  # not the default of a day


def test_a_killed_ingester_loses_nothing_captures_wait_in_redis(fleet, own_sites):
    reference = local_reference(own_sites, *FAST)
    slow = ["-s", "DOWNLOAD_DELAY=0.1"]
    ingester = fleet.ingester()
    wait_until(lambda: fleet.redis.exists(KEYS.published), what="the ingester to publish the crawl state")
    crawlers = [fleet.crawler("w1", *slow), fleet.crawler("w2", *slow)]
    wait_until(lambda: archived(fleet.db)["articles"], what="the first article")
    ingester.send_signal(signal.SIGKILL)
    ingester.wait(10)
    for name, process in zip(("w1", "w2"), crawlers):
        fleet.wait(process, name)
    waiting = fleet.redis.llen(KEYS.items)
    assert waiting > 0
    assert len(archived(fleet.db)["articles"]) < len(reference["articles"])

    restarted = fleet.ingester("--until-idle", name="ingester-2")
    fleet.wait(restarted, "ingester-2")
    stored = archived(fleet.db)
    assert stored["articles"] == reference["articles"]
    assert stored["versions"] == reference["versions"]
    assert [run["status"] for run in stored["runs"]] == ["finished"]
    assert stored["runs"][0]["stats"] == reference["runs"][0]["stats"]
    assert fleet.leftovers() == {"queued": 0, "items": 0, "in flight": 0, "processing": 0, "open run": 0}
    assert check_archive(fleet.db) == []


def test_per_host_delay_and_page_budget_hold_for_the_whole_fleet(fleet, own_sites):
    (own_sites.root / "harbor-physio" / "robots.txt").write_text("User-agent: *\nCrawl-delay: 0.5\n")
    sites_file = own_sites.sites_file(extra={"frontrange-spine": "delay = 0.4\nmax_pages = 10",
                                             "harbor-physio": "max_pages = 10"},
                                      only=["frontrange-spine", "harbor-physio"])
    ingester = fleet.ingester()
    crawlers = [fleet.crawler(name, "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                              sites_file=sites_file) for name in ("w1", "w2")]
    for name, process in zip(("w1", "w2"), crawlers):
        fleet.wait(process, name)
    for slug, delay in (("frontrange-spine", 0.4), ("harbor-physio", 0.5)):
        times = sorted(entry.time for entry in own_sites.sites[slug].log if entry.path != "/robots.txt")
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert len(times) > 5 and min(gaps) >= delay * 0.9, (slug, [round(g, 3) for g in gaps])
        assert len(own_sites.page_requests(slug)) <= 10
    wait_until(lambda: archived(fleet.db)["runs"] and archived(fleet.db)["runs"][-1]["status"] == "finished",
               what="the run")
    stats = archived(fleet.db)["runs"][-1]["stats"]
    assert '"budget"' in stats  # pages past the fleet's budget are recorded as skipped
    # Requests booked for more than a second ahead went back to Redis instead of holding a worker.
    assert "'fleet/deferred'" in fleet.log("w1") + fleet.log("w2")
    ingester.send_signal(signal.SIGTERM)
    assert ingester.wait(30) == 0


def test_ingester_keeps_unreadable_messages_and_goes_on(fleet):
    fleet.redis.lpush(KEYS.items, b"not json at all", b'{"run": "x", "type": "Nope", "item": {}}')
    result = run_cli("ingest", "--redis", fleet.url, "--db", str(fleet.db), "--until-idle")
    assert result.returncode == 0, result.stderr
    assert "rejected 2" in result.stdout
    assert fleet.redis.llen(KEYS.items_rejected) == 2
    assert check_archive(fleet.db) == []


def test_unreachable_redis_is_one_clear_error(own_sites, tmp_path):
    for command in (["crawl", "--sites", str(own_sites.sites_file())], ["ingest", "--db", str(tmp_path / "a.db")]):
        result = run_cli(*command, "--redis", "redis://127.0.0.1:1/0")
        assert result.returncode == 1
        assert "cannot reach Redis at redis://127.0.0.1:1/0" in result.stderr
        assert "Traceback" not in result.stderr


def test_host_gate_holds_the_delay_the_concurrency_and_retry_after(redis_server):
    """The Lua scripts every worker runs before a request starts, on the real Redis."""
    from scraper.fleet.gate import ACQUIRE, PAUSE, RESERVE

    client = redis.Redis.from_url(redis_server)
    client.flushall()
    acquire, reserve, pause = (client.register_script(s) for s in (ACQUIRE, RESERVE, PAUSE))
    host, active = KEYS.host("clinic.test"), KEYS.host_active("clinic.test")

    def start(lease, delay_ms=0, concurrency=1, lease_ms=60_000):
        return acquire(keys=[host, active], args=[delay_ms, concurrency, lease, lease_ms])

    # Concurrency: one in flight for the whole fleet, until its worker releases it.
    assert start("a") == 0
    assert start("b") == -1
    client.zrem(active, "a")
    assert start("b") == 0
    client.zrem(active, "b")
    # A killed worker's lease expires on its own.
    assert start("c", lease_ms=100) == 0
    assert start("d") == -1
    time.sleep(0.15)
    assert start("d") == 0
    client.zrem(active, "d")
    # Delay: the next start waits for it after the last one ("d", just now), plus the 5% margin.
    assert 370 <= start("f", delay_ms=400, concurrency=5) <= 420
    # Bookings spread starts one delay apart.
    first, now = reserve(keys=[host], args=[1000])
    second, _ = reserve(keys=[host], args=[1000])
    assert second - first == 1000 and first >= now
    # Retry-After pauses the host for every worker.
    time.sleep(0.45)
    pause(keys=[host], args=[2000])
    assert 1900 <= start("g", delay_ms=400, concurrency=5) <= 2000


def test_published_state_carries_each_pages_evidence_and_the_sites_profile(tmp_path):
    """Fleet crawlers read pages with what the archive knows of them, as a local crawl does."""
    from archive.extract.profile import SiteProfile
    from archive.fleet.state import _url_state
    from archive.records import CrawlEvidence
    from archive.store import UrlState

    evidence = CrawlEvidence("wp-api", "2026-05-01T00:00:00+00:00", "api", authors=("Dana Reyes",))
    state = UrlState("https://c.test/p/", "article", 0, None, None, "ab", None, None, None, "wp-api", evidence)
    assert _url_state(json.loads(json.dumps(dataclasses.astuple(state)))) == state
    profile = SiteProfile(4, 4, frozenset({"book now"}), {"single-post": (4, 4)})
    assert SiteProfile.from_json(json.loads(json.dumps(profile.to_json()))) == profile
