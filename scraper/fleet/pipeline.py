"""The fleet worker's item pipeline: what the spider yields goes to Redis for the ingester."""

from __future__ import annotations

import logging

from archive.fleet.state import load_state
from archive.records import CrawlItem
from archive.wire import encode
from scraper.modes import FLEET, require

log = logging.getLogger(__name__)


class FleetPipeline:
    """Pushes each crawl item onto the fleet's queue; the spider plans from published state."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler, FLEET)
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        fleet = spider.fleet  # joined by the scheduler, which opens first
        self.redis, self.keys, self.fleet = fleet.redis, fleet.keys, fleet
        if not self.redis.exists(self.keys.published):
            log.warning("no crawl state was ever published on this Redis: every page counts as new "
                        "(start `clinic-archive ingest --redis URL --db PATH` to publish the archive's)")
        # a site with no published state is new to the archive
        spider.plan({site.name: plan for site in spider.sites
                     if (plan := load_state(self.redis, self.keys, site.name)) is not None})

    def process_item(self, item):
        if isinstance(item, CrawlItem):
            self.redis.lpush(self.keys.items, encode(item, run=self.fleet.token, worker=self.fleet.worker))
        return item
