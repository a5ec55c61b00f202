"""Write what the spider yields into the archive and keep the run's counts.

The pipeline holds the crawl's ArchiveWriter (archive.runs): the archive lock, the run and
its counts. It gives the spider each site's plan (what the archive knows) before the crawl
starts.
"""

from __future__ import annotations

import logging

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from archive.records import CrawlItem
from archive.runs import ArchiveWriter, SiteSettings
from archive.store import Recheck, site_counts
from scraper.modes import LOCAL, require

log = logging.getLogger(__name__)


class ArchivePipeline:
    """Stores each Capture (raw bytes, extraction, article), 304, skip and failure.

    Extraction and writes run on one writer thread (the archive's single writer), so the
    reactor goes on downloading, and starts each host's next request on time, while a page
    is being extracted.
    """

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.archive: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.writer = ThreadPool(1, 1, "archive-writer")
        self.committer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler, LOCAL)  # another spider, or a fleet worker (FleetPipeline), opens no archive
        return cls(crawler, crawler.settings.get("ARCHIVE_DB"))

    async def open_spider(self):
        self.writer.start()
        await self._in_writer(self._open, self.crawler.spider)
        # a quiet crawl's last items are committed within a second, not at the next item
        self.committer = LoopingCall(self._commit_due)
        self.committer.start(1.0, now=False)
        log.info("run %s writing to %s", self.run_id, self.db_path)

    def _open(self, spider) -> None:
        settings = self.crawler.settings
        recheck = Recheck(settings.getint("ARCHIVE_RECHECK_MIN"), settings.getint("ARCHIVE_RECHECK_MAX"))
        # `clinic-archive crawl` takes the lock before Scrapy starts
        self.archive = ArchiveWriter.open(self.db_path, recheck, take_lock=not settings.getbool("ARCHIVE_LOCK_HELD"))
        self.archive.mark_interrupted()
        spider.plan({site.name: self.archive.plan(site.name) for site in spider.sites})
        self.archive.save_sites([SiteSettings(site.name, site.start_urls, site.allowed_domains, site.extract)
                                 for site in spider.sites])
        self.run_id = self.archive.start_run([site.name for site in spider.sites])

    def _commit_due(self):
        if self.archive is not None:
            self.writer.callInThread(self.archive.commit_due)

    async def process_item(self, item):
        if isinstance(item, CrawlItem):
            for counter in await self._in_writer(self.archive.record, item, self.run_id):
                self._count(item.site, counter)
        if self.archive.flush_due(self.run_id):
            await self._in_writer(self.archive.flush, self.run_id, site_counts(self.crawler.stats.get_stats()))
        return item

    def _count(self, site: str, counter: str) -> None:
        self.crawler.stats.inc_value(f"archive/{site}/{counter}")

    async def close_spider(self):
        reason = self.crawler.stats.get_value("finish_reason") or "finished"
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        counts = site_counts(self.crawler.stats.get_stats())
        sites = [site.name for site in self.crawler.spider.sites]
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        try:
            await self._in_writer(self._close, status, {site: counts.get(site, {}) for site in sites})
        finally:
            self.writer.stop()

    def _close(self, status: str, counts: dict) -> None:
        try:
            self.archive.finish_run(self.run_id, status, counts)
        finally:
            self.archive.close()

    def _in_writer(self, function, *args):
        from twisted.internet import reactor  # the one Scrapy installed

        return maybe_deferred_to_future(deferToThreadPool(reactor, self.writer, function, *args))
