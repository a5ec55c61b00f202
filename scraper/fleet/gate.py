"""Per-host politeness for the whole fleet: one delay and one concurrency limit per host,
however many crawlers there are.

Two Lua scripts keep each host's schedule in Redis. RESERVE books the host's next free start
(each booking moves it on by the delay), so requests for one host are spread out in time
instead of all waiting at once. A request booked for soon waits in place; one booked for
later goes back to Redis (the deferred set) and frees the worker for other hosts. At the
real start, ACQUIRE checks the delay since the fleet's last request to the host and the
number in flight, and records the start. In-flight leases expire, so a killed worker frees
its share after the download timeout. Retry-After pauses the host for every worker.
"""

from __future__ import annotations

import itertools
import uuid

from archive.fleet.keys import FleetKeys
from scraper.fleet import pause
from scraper.modes import FLEET
from scraper.politeness import PolitenessMiddleware, slot_key

FULL_POLL = 0.05  # seconds between tries while a host has its limit in flight
HOLD = 1.0  # a request booked further ahead than this goes back to Redis instead of waiting

# Book the host's next free start: returns {start, now} in ms of Redis time.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local start = math.max(now, tonumber(redis.call('HGET', KEYS[1], 'next_at') or '0'))
redis.call('HSET', KEYS[1], 'next_at', start + tonumber(ARGV[1]))
redis.call('PEXPIRE', KEYS[1], start - now + tonumber(ARGV[1]) + 3600000)
return {start, now}
"""

# Start now if the delay since the host's last start has passed and fewer than the limit are
# in flight: returns 0, else ms to wait (-1: the host is full, poll). The delay gets 5% (at
# most 50 ms) more, for the time between this decision and the request leaving its process.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[1])
local ready = tonumber(redis.call('HGET', KEYS[1], 'last_start') or '0') + delay + math.min(delay * 0.05, 50)
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
if paused > ready then ready = paused end
if ready > now then return ready - now end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('HSET', KEYS[1], 'last_start', now)
if tonumber(redis.call('HGET', KEYS[1], 'next_at') or '0') < now + delay then
  redis.call('HSET', KEYS[1], 'next_at', now + delay)
end
redis.call('PEXPIRE', KEYS[1], delay + 3600000)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) + 60000)
return 0
"""

# No request to the host starts before ARGV[1] ms from now.
PAUSE = """
local t = redis.call('TIME')
local until_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
for _, field in ipairs({'paused_until', 'next_at'}) do
  if until_ms > tonumber(redis.call('HGET', KEYS[1], field) or '0') then
    redis.call('HSET', KEYS[1], field, until_ms)
  end
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 3600000)
return 0
"""


class FleetPolitenessMiddleware(PolitenessMiddleware):
    """Downloader middleware for fleet mode, in place of PolitenessMiddleware: the same delay
    floors (site delay, DOWNLOAD_DELAY, robots.txt Crawl-delay), held across the fleet."""

    serves = FLEET

    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        from scrapy_redis.connection import get_redis_from_settings

        self.redis = get_redis_from_settings(settings)
        self.keys = FleetKeys(settings.get("ARCHIVE_REDIS_PREFIX"))
        # DOWNLOAD_DELAY (self.default_delay) and this are the fleet's per host, not the process's:
        # request_reached_downloader() below keeps the process's own slots from waiting again.
        self.concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.lease_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT") + 30) * 1000)
        self._reserve = self.redis.register_script(RESERVE)
        self._acquire = self.redis.register_script(ACQUIRE)
        self._pause = self.redis.register_script(PAUSE)
        self._ids = itertools.count()
        self._worker = uuid.uuid4().hex[:12]  # lease names unique across the fleet

    async def process_request(self, request):
        host = request.meta["download_slot"] = slot_key(request.url)  # a redirect may have changed host
        delay_ms = int(self.floor(request) * 1000)
        if "fleet_start_at" not in request.meta:
            start, now = self._reserve(keys=[self.keys.host(host)], args=[delay_ms])
            if start - now > HOLD * 1000:  # free this worker for other hosts meanwhile
                return request.replace(dont_filter=True, meta={**request.meta, "fleet_start_at": start})
        request.meta.pop("fleet_start_at", None)
        lease = f"{self._worker}:{next(self._ids)}"
        while True:
            wait = self._acquire(keys=[self.keys.host(host), self.keys.host_active(host)],
                                 args=[delay_ms, self.concurrency, lease, self.lease_ms])
            if wait == 0:
                break
            await pause(FULL_POLL if wait < 0 else wait / 1000)
        request.meta["fleet_lease"] = lease
        return None

    def process_response(self, request, response):
        self._release(request)
        return super().process_response(request, response)  # Retry-After: pause() below

    def pause(self, key: str, seconds: float) -> None:
        """No worker of the fleet starts a request to the host for `seconds`."""
        self._pause(keys=[self.keys.host(key)], args=[int(seconds * 1000)])

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

