"""Write what the spider yields into the archive and keep the run's counts.

The pipeline is the crawl's only writer. It holds the archive lock, gives the spider the
stored per-URL state to plan the crawl from, and writes run counts as it goes, so a run
killed halfway still shows how far it got.
"""

from __future__ import annotations

import logging
import time

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from archive import Archive
from archive.duplicates import rebuild_duplicate_groups
from archive.records import CrawlItem
from archive.store import (
    ArchiveLock,
    Recheck,
    crawl_state,
    finish_run,
    mark_interrupted_runs,
    save_site,
    site_counts,
    start_run,
    update_run_stats,
)
from scraper.modes import LOCAL, require

log = logging.getLogger(__name__)
FLUSH_EVERY = 5.0  # seconds between writes of the run's counts


class ArchivePipeline:
    """Stores each Capture (raw bytes, extraction, article), 304, skip and failure.

    Extraction and writes run on one writer thread (the archive's single writer), so the
    reactor goes on downloading, and starts each host's next request on time, while a page
    is being extracted.
    """

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.archive: Archive | None = None
        self.lock: ArchiveLock | None = None
        self.run_id: int | None = None
        self.writer = ThreadPool(1, 1, "archive-writer")
        self._flushed = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler, LOCAL)  # another spider, or a fleet worker (FleetPipeline), opens no archive
        return cls(crawler, crawler.settings.get("ARCHIVE_DB"))

    async def open_spider(self):
        if not self.crawler.settings.getbool("ARCHIVE_LOCK_HELD"):  # `clinic-archive crawl` takes it first
            self.lock = ArchiveLock(self.db_path).acquire()
        self.writer.start()
        await self._in_writer(self._open, self.crawler.spider)
        log.info("run %s writing to %s", self.run_id, self.db_path)

    def _open(self, spider) -> None:
        settings = self.crawler.settings
        recheck = Recheck(settings.getint("ARCHIVE_RECHECK_MIN"), settings.getint("ARCHIVE_RECHECK_MAX"))
        self.archive = Archive.open(self.db_path, recheck)
        self.archive.selectors = {site.name: site.extract for site in spider.sites}
        db = self.archive.db
        for run_id in mark_interrupted_runs(db):
            log.warning("run %s stopped without finishing; this run resumes from what it stored", run_id)
        for site in spider.sites:
            row = db.execute("select last_crawled, wp_api from sites where name = ?", [site.name]).fetchone()
            spider.last_crawled[site.name] = row[0] if row else None
            if row and row[1]:
                spider.wp_api[site.name] = row[1]
            spider.url_state[site.name] = crawl_state(db, site.name)
        with db.atomic():
            for site in spider.sites:
                save_site(db, site.name, site.start_urls, site.allowed_domains, site.extract)
        self.run_id = start_run(db, [site.name for site in spider.sites])
        spider.run_id = self.run_id

    async def process_item(self, item):
        if isinstance(item, CrawlItem):
            for counter in await self._in_writer(self.archive.record, item, self.run_id):
                self._count(item.site, counter)
        if time.monotonic() - self._flushed > FLUSH_EVERY:
            self._flushed = time.monotonic()
            counts = site_counts(self.crawler.stats.get_stats())
            await self._in_writer(update_run_stats, self.archive.db, self.run_id, counts)
        return item

    def _count(self, site: str, counter: str) -> None:
        self.crawler.stats.inc_value(f"archive/{site}/{counter}")

    async def close_spider(self):
        reason = self.crawler.stats.get_value("finish_reason") or "finished"
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        counts = site_counts(self.crawler.stats.get_stats())
        sites = [site.name for site in self.crawler.spider.sites]
        try:
            await self._in_writer(self._close, status, {site: counts.get(site, {}) for site in sites})
        finally:
            self.writer.stop()
            if self.lock is not None:
                self.lock.release()

    def _close(self, status: str, counts: dict) -> None:
        finish_run(self.archive.db, self.run_id, status, counts)
        self.archive.learn_profiles(list(counts))
        groups = rebuild_duplicate_groups(self.archive.db)
        log.info("%s groups of duplicated posts across the archive", groups)
        self.archive.close()

    def _in_writer(self, function, *args):
        from twisted.internet import reactor  # the one Scrapy installed

        return maybe_deferred_to_future(deferToThreadPool(reactor, self.writer, function, *args))
