"""Distributed crawling: N crawler processes share one frontier in Redis (scrapy-redis).

Setting ARCHIVE_REDIS_URL switches a crawl into fleet mode: the scheduler takes requests from
Redis under leases, per-host politeness is enforced for the whole fleet through Redis, and
captures go to Redis for `clinic-archive ingest` to store, instead of into a local archive.
The fleet's middlewares and pipeline are declared in scraper.settings beside the local ones
and each side switches itself off in the other mode (scraper.modes); only the scheduler,
a single setting, is set here (ClinicBlogsSpider.update_settings).
"""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater

FORCED = 50  # above the command line (40): a fleet worker needs these whatever else was set


def use_fleet_scheduler(settings: BaseSettings) -> None:
    """Give a fleet worker the Redis frontier: SCHEDULER and DUPEFILTER_CLASS are one class
    each, so unlike the middlewares and pipelines they cannot be declared for both modes and
    switch themselves off. REDIS_URL is what scrapy-redis reads."""
    try:
        import redis  # noqa: F401
        import scrapy_redis  # noqa: F401
    except ImportError as err:
        raise RuntimeError(f"distributed crawling needs the 'distributed' extra ({err}): "
                           "pip install 'clinic-archive[distributed]'") from None
    from archive.fleet.keys import FleetKeys

    keys = FleetKeys(settings.get("ARCHIVE_REDIS_PREFIX"))
    forced = {
        "REDIS_URL": settings.get("ARCHIVE_REDIS_URL"),
        "SCHEDULER": "scraper.fleet.scheduler.FleetScheduler",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    }
    for name, value in forced.items():
        settings.set(name, value, priority=FORCED)


async def pause(seconds: float) -> None:
    """Wait without blocking the crawl (from a coroutine Scrapy runs)."""
    from twisted.internet import reactor  # the one Scrapy installed; importing it early would pick another

    await deferred_to_future(deferLater(reactor, seconds, lambda: None))
