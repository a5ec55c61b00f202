"""Distributed crawling: N crawler processes share one frontier in Redis (scrapy-redis).

Setting ARCHIVE_REDIS_URL switches a crawl into fleet mode (see
ClinicBlogsSpider.update_settings): the scheduler takes requests from Redis under leases,
per-host politeness is enforced for the whole fleet through Redis, and captures go to Redis
for `clinic-archive ingest` to store, instead of into a local archive.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater

FORCED = 50  # above the command line (40): fleet mode needs these whatever else was set


def apply_fleet_settings(settings: BaseSettings) -> None:
    """Turn a crawl's settings into a fleet worker's. Per-host delay and concurrency keep
    their meaning but are enforced fleet-wide by FleetPolitenessMiddleware, so the process's
    own download slots stop pacing (they would only add uncoordinated waits)."""
    try:
        import redis  # noqa: F401
        import scrapy_redis  # noqa: F401
    except ImportError as err:
        raise RuntimeError(f"distributed crawling needs the 'distributed' extra ({err}): "
                           "pip install 'clinic-archive[distributed]'") from None
    from archive.fleet.keys import FleetKeys

    keys = FleetKeys(settings.get("ARCHIVE_REDIS_PREFIX"))
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares["scraper.politeness.PolitenessMiddleware"] = None
    middlewares["scraper.middlewares.RobotsTxtMiddleware"] = None
    middlewares["scraper.fleet.robots.FleetRobotsTxtMiddleware"] = 100  # one fetch per host for the fleet
    # nearest the download: it paces the real request start, and sees every response first
    middlewares["scraper.fleet.gate.FleetPolitenessMiddleware"] = 950
    extensions = settings.getdict("EXTENSIONS")
    extensions["scraper.progress.Progress"] = None  # the counts are the ingester's; it logs them
    forced = {
        "REDIS_URL": settings.get("ARCHIVE_REDIS_URL"),
        "SCHEDULER": "scraper.fleet.scheduler.FleetScheduler",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "ITEM_PIPELINES": {"scraper.fleet.pipeline.FleetPipeline": 300},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "EXTENSIONS": extensions,
        "ARCHIVE_FLEET_DELAY": settings.getfloat("DOWNLOAD_DELAY"),
        "ARCHIVE_FLEET_HOST_CONCURRENCY": settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.getint("CONCURRENT_REQUESTS"),
        "AUTOTHROTTLE_ENABLED": False,  # it tunes one process's slots; the fleet's delay is fixed
    }
    for name, value in forced.items():
        settings.set(name, value, priority=FORCED)


async def pause(seconds: float) -> None:
    """Wait without blocking the crawl (from a coroutine Scrapy runs)."""
    from twisted.internet import reactor  # the one Scrapy installed; importing it early would pick another

    await deferred_to_future(deferLater(reactor, seconds, lambda: None))
