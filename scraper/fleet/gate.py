"""Per-host politeness for the whole fleet: one delay and one concurrency limit per host,
however many crawlers there are.

Before a request starts, its worker asks Redis for the host: a Lua script admits it only if
the host's delay since the fleet's last start has passed and fewer than the limit are in
flight, and then records the start. Leases of in-flight requests expire, so a killed worker
frees its share after the download timeout. Retry-After pauses the host for every worker.
"""

from __future__ import annotations

import itertools
import logging
import uuid

from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater

from archive.fleet.keys import FleetKeys
from scraper.politeness import PAUSE_STATUSES, PolitenessMiddleware, retry_after_seconds, slot_key

log = logging.getLogger(__name__)
FULL_POLL = 0.05  # seconds between tries while a host has its limit in flight

# Returns 0 when the request may start now, else milliseconds to wait (-1: poll, host full).
ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local next_at = tonumber(redis.call('HGET', KEYS[1], 'next_at') or '0')
if next_at > now then return next_at - now end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('HSET', KEYS[1], 'next_at', now + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 3600000)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) + 60000)
return 0
"""

# No request to the host starts before ARGV[1] ms from now.
PAUSE = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if until_ms > tonumber(redis.call('HGET', KEYS[1], 'next_at') or '0') then
  redis.call('HSET', KEYS[1], 'next_at', until_ms)
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 3600000)
end
return 0
"""


class FleetPolitenessMiddleware(PolitenessMiddleware):
    """Downloader middleware for fleet mode, in place of PolitenessMiddleware: the same delay
    floors (site delay, DOWNLOAD_DELAY, robots.txt Crawl-delay), held across the fleet."""

    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        from scrapy_redis.connection import get_redis_from_settings

        self.redis = get_redis_from_settings(settings)
        self.keys = FleetKeys(settings.get("ARCHIVE_REDIS_PREFIX"))
        self.default_delay = settings.getfloat("ARCHIVE_FLEET_DELAY")
        self.concurrency = settings.getint("ARCHIVE_FLEET_HOST_CONCURRENCY")
        self.lease_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT") + 30) * 1000)
        self._admit = self.redis.register_script(ADMIT)
        self._pause = self.redis.register_script(PAUSE)
        self._ids = itertools.count()
        self._worker = uuid.uuid4().hex[:12]  # lease names unique across the fleet

    async def process_request(self, request):
        from twisted.internet import reactor  # the one Scrapy installed; importing it early would pick another
        host = request.meta.setdefault("download_slot", slot_key(request.url))
        lease = f"{self._worker}:{next(self._ids)}"
        delay_ms = int(self.floor(request) * 1000)
        while True:
            wait = self._admit(keys=[self.keys.host(host), self.keys.host_active(host)],
                               args=[delay_ms, self.concurrency, lease, self.lease_ms])
            if wait == 0:
                break
            await deferred_to_future(deferLater(reactor, FULL_POLL if wait < 0 else wait / 1000, lambda: None))
        request.meta["fleet_lease"] = lease
        return None

    def process_response(self, request, response):
        self._release(request)
        if response.status in PAUSE_STATUSES:
            wait = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
            if wait is not None:
                request.meta["retry_after"] = wait
                if wait > self.max_retry_after:
                    request.meta["dont_retry"] = True
                else:
                    self._pause(keys=[self.keys.host(request.meta["download_slot"])], args=[int(wait * 1000)])
                    log.info("%s answered %s with Retry-After %s s: pausing %s for the fleet",
                             request.url, response.status, wait, request.meta["download_slot"])
        return response

    def process_exception(self, request, exception):
        self._release(request)
        return None

    def request_reached_downloader(self, request, spider=None):
        """The fleet paced this request already; the process's own slot must not wait again."""
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
        if slot is not None:
            slot.delay = 0

    def _release(self, request) -> None:
        lease = request.meta.pop("fleet_lease", None)
        if lease is not None:
            self.redis.zrem(self.keys.host_active(request.meta["download_slot"]), lease)

