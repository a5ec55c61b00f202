"""The fleet's scheduler: scrapy-redis's shared frontier, with leases and per-run page claims.

scrapy-redis pops a request out of Redis, so a worker killed mid-fetch would lose it. Here a
pop moves the request into the worker's in-flight hash in one step, and it leaves that hash
only once Scrapy has finished with it (downloaded, its callback run, its items pushed and
its new requests queued). Requests of a worker whose heartbeat expired go back to the queue.

Pages are claimed per run when queued, atomically with the push: two workers that find the
same link queue it once, and the site's page budget counts the fleet's pages.
"""

from __future__ import annotations

import logging
import os
import socket

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from archive.fleet.keys import FleetKeys
from archive.records import FetchFailure
from archive.wire import encode
from scraper.fleet.member import Fleet

log = logging.getLogger(__name__)
SWEEP_EVERY = 0.5  # seconds between releases of finished leases

# Requests whose booked start at a busy host has come go to the front of the queue; then the
# first request moves to this worker's in-flight hash.
POP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, due in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', KEYS[3], due)
  redis.call('ZADD', KEYS[1], -1e15, due)
end
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return false end
redis.call('ZREM', KEYS[1], top[1])
redis.call('HSET', KEYS[2], top[1], top[2])
return top[1]
"""

# Claim a page for this run and queue it: 1 queued, 0 already claimed, 2 over the budget
# (then ARGV[5], a 'skipped' item, goes to the ingester instead).
CLAIM = """
if redis.call('SADD', KEYS[2], ARGV[3]) == 0 then return 0 end
local budget = tonumber(ARGV[4])
if budget >= 0 and redis.call('INCR', KEYS[3]) > budget then
  redis.call('LPUSH', KEYS[4], ARGV[5])
  return 2
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
"""


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop leases the request to one worker."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self._pop = server.register_script(POP)
        fleet = spider.fleet  # joined before the queue opens
        self.inflight_key = fleet.keys.inflight(fleet.worker)
        self.deferred_key = fleet.keys.deferred
        self.leases: dict = {}  # request object -> its bytes in the in-flight hash

    def __len__(self):
        return self.server.zcard(self.key) + self.server.zcard(self.deferred_key)

    def pop(self, timeout=0):
        data = self._pop(keys=[self.key, self.inflight_key, self.deferred_key])
        if not data:
            return None
        request = self._decode_request(data)
        self.leases[request] = data
        return request

    def encode(self, request) -> bytes:
        return self._encode_request(request)


class FleetScheduler(Scheduler):
    """SCHEDULER in fleet mode (set by scraper.fleet.use_fleet_scheduler)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.keys = FleetKeys(settings.get("ARCHIVE_REDIS_PREFIX"))
        worker = settings.get("ARCHIVE_FLEET_WORKER") or f"{socket.gethostname()}-{os.getpid()}"
        scheduler.fleet = Fleet(scheduler.server, scheduler.keys, worker, settings.getfloat("ARCHIVE_FLEET_HEARTBEAT"))
        scheduler._claim = scheduler.server.register_script(CLAIM)
        scheduler._loops = []
        return scheduler

    def open(self, spider):
        self.queue_cls = "scraper.fleet.scheduler.LeasedQueue"
        fleet = self.fleet
        settings = self.crawler.settings
        token = fleet.join([{"name": site.name, "start_urls": site.start_urls,
                             "allowed_domains": site.allowed_domains, "extract": site.extract}
                            for site in spider.sites],
                           {"least": settings.getint("ARCHIVE_RECHECK_MIN"),
                            "most": settings.getint("ARCHIVE_RECHECK_MAX")})
        spider.fleet = fleet
        self.df = RFPDupeFilter(self.server, self.keys.dupefilter(token), debug=False)
        super().open(spider)
        fleet.reclaim_dead()
        for call, every in ((self._beat, fleet.ttl / 3), (self._release_finished, SWEEP_EVERY)):
            loop = LoopingCall(call)
            loop.start(every, now=False)
            self._loops.append(loop)
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)

    def enqueue_request(self, request):
        start_at = request.meta.get("fleet_start_at")
        if start_at is not None:  # booked for later at a busy host (scraper.fleet.gate)
            self.server.zadd(self.keys.deferred, {self.queue.encode(request): start_at})
            self.stats.inc_value("fleet/deferred")
            return True
        key = request.meta.pop("claim_key", None)
        if key is None or "retry_times" in request.meta or "redirect_times" in request.meta:
            if not request.dont_filter and self.df.request_seen(request):
                return False
            self.queue.push(request)
            self.stats.inc_value("scheduler/enqueued/redis")
            return True
        site = next(s for s in self.spider.sites if s.name == request.meta["site"])
        token = self.fleet.token
        skipped = encode(FetchFailure(url=request.url, site=site.name, kind="skipped",
                                      reason=f"budget: the site's max_pages ({site.max_pages}) is reached"),
                         run=token, worker=self.fleet.worker)
        outcome = self._claim(
            keys=[self.keys.requests, self.keys.claimed(token, site.name), self.keys.pages(token, site.name),
                  self.keys.items],
            args=[self.queue.encode(request), -request.priority, key, site.max_pages, skipped])
        self.stats.inc_value(("fleet/claimed_elsewhere", "scheduler/enqueued/redis", "fleet/over_budget")[outcome])
        return outcome == 1

    def next_request(self):
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def close(self, reason):
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._release_finished()
        if reason != "finished":  # stopped early (Ctrl-C, SIGTERM, a limit): others or the next crawl go on
            self.fleet.give_back()
        self.fleet.leave([site.name for site in self.spider.sites], may_close=reason == "finished")
        super().close(reason)

    def _beat(self) -> None:
        self.fleet.beat()
        self.fleet.reclaim_dead()

    def _release_finished(self) -> None:
        """Finish the leases of requests Scrapy is done with: not downloading, not being scraped.
        Wake the engine when a deferred request is due: it otherwise looks only every 5 s."""
        engine = self.crawler.engine
        if engine is None:
            return
        slot = getattr(engine, "_slot", None)
        if slot is not None and self.server.zcount(self.keys.deferred, "-inf", self._redis_ms()):
            slot.nextcall.schedule()
        if not self.queue.leases:
            return
        busy = set(engine.downloader.active)
        if engine.scraper.slot is not None:
            busy |= engine.scraper.slot.active
        done = [request for request in self.queue.leases if request not in busy]
        if done:
            self.server.hdel(self.keys.inflight(self.fleet.worker), *(self.queue.leases.pop(r) for r in done))

    def _redis_ms(self) -> int:
        seconds, micros = self.server.time()
        return seconds * 1000 + micros // 1000

    def _idle(self, spider) -> None:
        """Stay open while the fleet has work: others may still queue requests, or die and
        leave theirs to be taken back."""
        self._release_finished()
        self.fleet.reclaim_dead()
        if self.fleet.work_remaining():
            raise DontCloseSpider
