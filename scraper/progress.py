"""Crawl progress per site: a live block on a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys

from scrapy import signals
from twisted.internet import task

from archive.store import site_counts
from scraper.modes import LOCAL, require

log = logging.getLogger(__name__)
COUNTERS = ("discovered", "fetched", "new", "changed", "unchanged", "skipped", "gone", "failed")


# what each request of a run was for, by the spider callback that reads its answer
REQUEST_KINDS = {"parse_page": "pages", "parse_sitemap": "sitemaps", "parse_feed": "feeds",
                 "parse_wp_posts": "wp-api", "parse_robots": "robots.txt"}


def progress_line(site: str, counts: dict) -> str:
    return f"{site}: " + ", ".join(f"{counts.get(c, 0)} {c}" for c in COUNTERS)


class Progress:
    """Every second on a TTY (redrawn in place), every ARCHIVE_PROGRESS_INTERVAL s in logs."""

    def __init__(self, crawler, stream=None):
        self.crawler = crawler
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.interval = 1.0 if self.live else crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL")
        self._drawn = 0
        self._loop = task.LoopingCall(self.report)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler, LOCAL)  # a fleet's counts are the ingester's; it logs them
        return cls(crawler)

    def opened(self, spider=None):
        if self.interval > 0:
            self._loop.start(self.interval, now=False)

    def closed(self, spider=None, reason=None):
        if self._loop.running:
            self._loop.stop()
        self.report()

    def report(self) -> None:
        counts = site_counts(self.crawler.stats.get_stats())
        lines = [progress_line(site.name, counts.get(site.name, {})) for site in self.crawler.spider.sites]
        if not self.live:
            for line in lines:
                log.info("progress %s", line)
            return
        if self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")  # back to the block's first line, clear below
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        self._drawn = len(lines)


class RequestCounts:
    """Counts every request sent, per site and by what it was for ('requests', 'requests_by'
    in runs.stats), so a run shows what its articles cost the site."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.reached_downloader, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler)
        return cls(crawler)

    def reached_downloader(self, request, spider=None):
        site = self.crawler.spider.site_for(request)
        if site is None:
            return
        kind = REQUEST_KINDS.get(getattr(request.callback, "__name__", ""))
        if kind is None:
            kind = "robots.txt" if request.url.endswith("/robots.txt") else "other"
        counters = (f"archive/{site.name}/requests", f"archive/{site.name}/requests_by/{kind}")
        fleet = self.crawler.spider.fleet
        if fleet is not None:  # the fleet's run counts, kept in Redis for the ingester
            fleet.count(*counters)
            return
        for counter in counters:
            self.crawler.stats.inc_value(counter)
