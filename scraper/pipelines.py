"""Write what the spider yields into the archive and keep the run's counts."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter, defaultdict

from archive import Archive
from archive.records import Capture, FetchFailure
from archive.store import finish_run, record_url, save_site, start_run

log = logging.getLogger(__name__)


class ArchivePipeline:
    """Stores each Capture (raw bytes, extraction, article) and each FetchFailure."""

    def __init__(self, crawler, db_path: str):
        self.crawler = crawler
        self.db_path = db_path
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.counts: dict[str, Counter] = defaultdict(Counter)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("ARCHIVE_DB"))

    def open_spider(self):
        spider = self.crawler.spider
        self.archive = Archive.open(self.db_path)
        with self.archive.db.atomic():
            for site in spider.sites:
                save_site(self.archive.db, site.name, site.start_urls, site.allowed_domains)
        self.run_id = start_run(self.archive.db, [site.name for site in spider.sites])
        spider.run_id = self.run_id
        log.info("run %s writing to %s", self.run_id, self.db_path)

    def process_item(self, item):
        if isinstance(item, Capture):
            outcome = self.archive.ingest(dataclasses.replace(item, run_id=self.run_id))
            self.counts[item.site]["fetched"] += 1
            self.counts[item.site][outcome] += 1
        elif isinstance(item, FetchFailure):
            with self.archive.db.atomic():
                record_url(self.archive.db, item.url, item.site, item.status or 0, item.kind,
                           item.reason, None, None, self.run_id)
            self.counts[item.site]["skipped" if item.kind == "skipped" else "failed"] += 1
        return item

    def close_spider(self):
        reason = self.crawler.stats.get_value("finish_reason") or "finished"
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        finish_run(self.archive.db, self.run_id, status,
                   {site: dict(counts) for site, counts in self.counts.items()})
        self.archive.close()
