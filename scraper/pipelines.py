"""Write what the spider yields into the archive and keep the run's counts.

The pipeline starts the crawl's writer (archive.writer_process: an ArchiveWriter in a
process of its own, holding the run and its counts), gives the spider each site's plan
(what the archive knows) before the crawl starts, and hands it each item.
"""

from __future__ import annotations

import logging
import time

from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread

from archive.reading import process_context
from archive.records import CrawlItem
from archive.runs import FLUSH_EVERY, SiteSettings
from archive.store import Recheck, site_counts
from archive.writer_process import WriterDied, WriterProcess
from scraper.futures import in_reactor
from scraper.modes import LOCAL, require

log = logging.getLogger(__name__)


class ArchivePipeline:
    """Stores each Capture (raw bytes, the worker's reading, article), 304, skip and failure.

    The writer is a process of its own, so the reactor goes on downloading, and starts each
    host's next request on time, while the archive writes; and both have a core. A writer
    that dies stops the crawl: what it had not committed is fetched again next time.
    """

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.writer: WriterProcess | None = None
        self.run_id: int | None = None
        self.committer: LoopingCall | None = None
        self._flushed = time.monotonic()
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler, LOCAL)  # another spider, or a fleet worker (FleetPipeline), opens no archive
        process_context()  # the writer's and readers' process server boots while Scrapy starts
        return cls(crawler, crawler.settings.get("ARCHIVE_DB"))

    async def open_spider(self):
        settings, spider = self.crawler.settings, self.crawler.spider
        recheck = Recheck(settings.getint("ARCHIVE_RECHECK_MIN"), settings.getint("ARCHIVE_RECHECK_MAX"))
        # `clinic-archive crawl` takes the lock before Scrapy starts
        self.writer = WriterProcess(self.db_path, recheck, take_lock=not settings.getbool("ARCHIVE_LOCK_HELD"))
        await in_reactor(self.writer.opened)
        await self._call("mark_interrupted")
        spider.plan({site.name: await self._call("plan", site.name) for site in spider.sites})
        await self._call("save_sites", [SiteSettings(site.name, site.start_urls, site.allowed_domains, site.extract)
                                        for site in spider.sites])
        self.run_id = await self._call("start_run", [site.name for site in spider.sites])
        # a quiet crawl's last items are committed within a second, not at the next item
        self.committer = LoopingCall(self.writer.call, "commit_due")
        self.committer.start(1.0, now=False)
        log.info("run %s writing to %s", self.run_id, self.db_path)

    async def process_item(self, item):
        if isinstance(item, CrawlItem):
            for counter in await self._call("record", item, self.run_id):
                self.crawler.stats.inc_value(f"archive/{item.site}/{counter}")
        if time.monotonic() - self._flushed >= FLUSH_EVERY:  # the counts so far, for a run killed halfway
            self._flushed = time.monotonic()
            await self._call("flush", self.run_id, site_counts(self.crawler.stats.get_stats()))
        return item

    async def close_spider(self):
        reason = self.crawler.stats.get_value("finish_reason") or "finished"
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        counts = site_counts(self.crawler.stats.get_stats())
        sites = [site.name for site in self.crawler.spider.sites]
        if self.committer is not None and self.committer.running:
            self.committer.stop()
        if self.writer is None:
            return
        try:
            if self.run_id is not None:
                await self._call("finish_run", self.run_id, status, {site: counts.get(site, {}) for site in sites})
        except WriterDied:
            pass  # logged when it died; the next crawl's writer marks the run interrupted
        finally:
            await maybe_deferred_to_future(deferToThread(self.writer.close))

    async def _call(self, method: str, *args):
        try:
            return await in_reactor(self.writer.call(method, *args))
        except WriterDied as died:
            if not self._stopping and method != "finish_run":
                self._stopping = True
                log.error("%s: stopping the crawl", died)
                self.crawler.stats.set_value("archive/writer_died", str(died))
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive writer died"))
            raise

