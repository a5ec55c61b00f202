"""Every page's extraction is bounded (archive.reading): a page over its time budget ends as a
recorded failure with its capture kept, its worker is replaced, and the crawl goes on."""

from __future__ import annotations

import sqlite_utils

from archive.reading import Budget, Job, ReadingPool
from tests.conftest import run_cli

SITE = "frontrange-spine"
# One element with 200,000 attributes: minutes of extraction (trafilatura's too), 2.3 MB.
STALL = "<html><head><title>Stall</title></head><body><div {}>x</div></body></html>".format(
    " ".join(f'data-a{i}="v"' for i in range(200_000)))


def test_a_page_over_its_time_budget_is_a_recorded_failure_and_the_crawl_goes_on(own_sites):
    page = own_sites.root / SITE / "blog" / "stall" / "index.html"
    page.parent.mkdir()
    page.write_text(STALL)
    index = own_sites.root / SITE / "blog" / "index.html"
    index.write_text(index.read_text().replace("</body>", '<a href="/blog/stall/">stall</a></body>'))
    result = own_sites.crawl("-s", "EXTRACTION_TIMEOUT=3", sites_file=own_sites.sites_file(only=[SITE]))
    assert result.returncode == 0, result.stderr[-3000:]
    stats = own_sites.last_stats()[SITE]
    assert stats["failed_by"] == {"extraction: timed out after 3 s": 1}
    assert stats["new"] == 7  # every post still archived
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select kind, reason, capture_id from urls where url like '%/blog/stall/'")
    assert row["kind"] == "error" and row["reason"] == "extraction: timed out after 3 s"
    assert row["capture_id"] is not None  # kept, for a reprocess with a larger budget
    [error] = db.query("select reason from fetch_errors where url like '%/blog/stall/'")
    assert error["reason"] == "extraction: timed out after 3 s"
    db.close()
    check = run_cli("check", "--db", str(own_sites.db))
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_page_over_its_memory_budget_fails_alone_and_the_worker_reads_on():
    paragraphs = b"<html><body>" + b"<p>a few words in a paragraph</p>" * 300_000 + b"</body></html>"
    post = (b"<html><head><title>Knee pain</title><meta property='og:type' content='article'></head><body>"
            b"<article><h1>Knee pain</h1><p>" + b"Knee pain has many causes. " * 80 + b"</p></article></body></html>")
    with ReadingPool(1, Budget(seconds=60, memory_mb=200)) as pool:
        over, _ = pool.read(Job(paragraphs, "https://c.test/big/"))
        after, _ = pool.read(Job(post, "https://c.test/knee-pain/"))
    assert over.result is None and over.failure == "extraction: over the memory budget of 200 MB"
    assert after.failure is None and after.result.kind == "article"


def test_a_stalled_worker_is_replaced():
    post = b"<html><head><title>Knee pain</title></head><body><article><h1>Knee pain</h1><p>Text.</p></article></body></html>"
    with ReadingPool(1, Budget(seconds=1)) as pool:
        stalled, _ = pool.read(Job(STALL.encode(), "https://c.test/stall/"))
        after, _ = pool.read(Job(post, "https://c.test/knee-pain/"))
    assert stalled.failure == "extraction: timed out after 1 s"
    assert after.failure is None and after.result is not None
