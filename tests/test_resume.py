"""A crawl killed halfway resumes from the archive; two crawls never write one archive."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import sqlite_utils

from tests.conftest import ROOT, run_cli

SLOW = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def start_crawl(own_sites, delay="0.25"):
    command = [sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", str(own_sites.sites_file()),
               "--db", str(own_sites.db), *SLOW, "-s", f"DOWNLOAD_DELAY={delay}"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def captured_urls(own_sites) -> set[str]:
    path = own_sites.tmp / "archive.captures.db"
    if not path.exists():
        return set()
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return {row[0] for row in connection.execute("select final_url from captures")}
    except sqlite3.OperationalError:  # the table is not created yet
        return set()
    finally:
        connection.close()


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the crawl")


def test_a_crawl_killed_with_sigkill_resumes_without_refetching_or_duplicates(own_sites):
    crawl = start_crawl(own_sites)
    wait_for(lambda: len(captured_urls(own_sites)) >= 25)
    crawl.send_signal(signal.SIGKILL)
    crawl.wait()
    # completed pages: committed to the archive (a capture saved just before the kill is not);
    # sitemaps and feeds are read again by every crawl, by design
    archive = sqlite3.connect(own_sites.db)
    completed = {row[0] for row in archive.execute(
        "select url from urls where last_checked is not null and kind not in ('sitemap', 'feed')")}
    archive.close()
    assert len(completed) >= 20
    seen = {slug: len(site.log) for slug, site in own_sites.sites.items()}

    result = own_sites.crawl()
    assert result.returncode == 0, result.stderr[-3000:]
    refetched = [site.origin + entry.path for slug, site in own_sites.sites.items()
                 for entry in site.log[seen[slug]:] if site.origin + entry.path in completed]
    assert refetched == []
    db = sqlite_utils.Database(own_sites.db)
    assert db["articles"].count == 23
    assert db.execute("select count(*) - count(distinct url) from articles").fetchone()[0] == 0
    assert db.execute("select count(*) from urls where kind = 'pending'").fetchone()[0] == 0
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    db.execute("insert into articles_fts(articles_fts) values('integrity-check')")
    statuses = [row[0] for row in db.execute("select status from runs order by id")]
    assert statuses[0].startswith("interrupted") and statuses[1] == "finished"


def test_a_second_crawl_of_the_same_archive_exits_with_a_clear_message(own_sites):
    first = start_crawl(own_sites, delay="2")  # still running when the second one starts
    lock = own_sites.tmp / "archive.db.lock"
    wait_for(lambda: lock.exists() and "crawl pid" in lock.read_text())
    try:
        second = own_sites.crawl()
        assert second.returncode == 1
        assert f"{own_sites.db} is being written by crawl pid {first.pid}" in second.stderr
    finally:
        first.kill()
        first.wait()
    assert own_sites.crawl().returncode == 0  # a killed holder leaves no stale lock


def writer_process_of(crawl) -> int | None:
    """The pid of the crawl's archive writer (named archive-writer; a child of the crawl's
    forkserver), or None before it started."""
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "archive-writer":
                forkserver = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if int((Path("/proc") / str(forkserver) / "stat").read_text().rsplit(")", 1)[1].split()[1]) \
                        == crawl.pid:
                    return int(entry.name)
        except (OSError, ValueError, IndexError):  # a process that ended while we looked
            continue
    return None


def test_a_crawl_whose_writer_dies_stops_with_a_clear_error_and_the_next_crawl_goes_on(own_sites):
    command = [sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", str(own_sites.sites_file()),
               "--db", str(own_sites.db), *SLOW, "-s", "DOWNLOAD_DELAY=0.25"]
    crawl = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: len(captured_urls(own_sites)) >= 15)
    os.kill(writer_process_of(crawl), signal.SIGKILL)
    _, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == 1
    assert "Error: the archive writer process ended (exit code -9), so the crawl stopped." in stderr
    archive = sqlite3.connect(own_sites.db)
    kept = archive.execute("select count(*) from articles").fetchone()[0]
    archive.close()

    result = own_sites.crawl()
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(own_sites.db)
    assert db["articles"].count == 23 >= kept
    statuses = [row[0] for row in db.execute("select status from runs order by id")]
    assert statuses[0].startswith("interrupted") and statuses[1] == "finished"
    assert run_cli("check", "--db", str(own_sites.db)).returncode == 0
