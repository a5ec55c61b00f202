"""One crawler process's membership in the fleet: which run it works on, that it is alive, and
what it leaves behind.

A run begins when the first worker arrives and ends when the last one leaves with nothing
queued or in flight anywhere. A worker that stops sending heartbeats is dead: any live
worker puts the requests it held back in the queue.
"""

from __future__ import annotations

import logging
import uuid

from archive.fleet.keys import FleetKeys
from archive.wire import encode

log = logging.getLogger(__name__)

# Join the open run or open one: returns {token, 1 if this worker opened it}. Atomic with
# LEAVE, so a run is never closed under a worker that just joined it.
JOIN = """
local token = redis.call('GET', KEYS[1])
local opened = 0
if not token then
  token = ARGV[1]
  redis.call('SET', KEYS[1], token)
  opened = 1
end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', ARGV[3] .. ':run:' .. token .. ':workers', ARGV[2])
return {token, opened}
"""

# Put every dead worker's leased requests back in the queue; returns how many.
RECLAIM = """
local moved = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. ':heartbeat:' .. worker) == 0 then
    local inflight = ARGV[1] .. ':inflight:' .. worker
    local leased = redis.call('HGETALL', inflight)
    for i = 1, #leased, 2 do
      redis.call('ZADD', KEYS[2], leased[i + 1], leased[i])
      moved = moved + 1
    end
    redis.call('DEL', inflight)
    redis.call('SREM', KEYS[1], worker)
  end
end
return moved
"""

# Leave the run; if it may close (the worker finished), no live member is left and no work
# remains, close it: returns 1 then.
LEAVE = """
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('SREM', KEYS[4], ARGV[2])
redis.call('DEL', ARGV[1] .. ':heartbeat:' .. ARGV[2])
if ARGV[4] ~= '1' or redis.call('GET', KEYS[1]) ~= ARGV[3] then return 0 end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('EXISTS', ARGV[1] .. ':heartbeat:' .. worker) == 1 then return 0 end
end
if redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[5]) > 0 then return 0 end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if redis.call('HLEN', ARGV[1] .. ':inflight:' .. worker) > 0 then return 0 end
end
redis.call('DEL', KEYS[1])
for i = 6, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
"""


class Fleet:
    """This process in the fleet. `join()` first; `beat()` more often than `ttl` seconds."""

    def __init__(self, redis, keys: FleetKeys, worker: str, ttl: float):
        self.redis, self.keys, self.worker, self.ttl = redis, keys, worker, ttl
        self.token: str | None = None
        self._join = redis.register_script(JOIN)
        self._reclaim = redis.register_script(RECLAIM)
        self._leave = redis.register_script(LEAVE)

    def join(self, sites: list[dict], recheck: dict | None = None) -> str:
        """Join the open run (or open one) and tell the ingester which sites this worker crawls,
        and its revisit policy (ARCHIVE_RECHECK_MIN/MAX as Recheck's fields)."""
        self.beat()
        token, opened = self._join(keys=[self.keys.run, self.keys.fleet],
                                   args=[uuid.uuid4().hex, self.worker, self.keys.prefix])
        self.token = token.decode()
        self.redis.lpush(self.keys.items, encode(None, notice="join", run=self.token, worker=self.worker,
                                                 sites=sites, recheck=recheck))
        log.info("%s run %s as worker %s", "opened" if opened else "joined", self.token, self.worker)
        return self.token

    def discovered(self, site: str, url_key: str) -> None:
        self.redis.sadd(self.keys.discovered(self.token, site), url_key)

    def listed_posts(self, site: str) -> None:
        """This worker read a sitemap or API listing of the site's posts."""
        self.redis.sadd(self.keys.listed_posts(self.token), site)

    def posts_listed(self, site: str) -> bool:
        """Whether any worker read a listing of the site's posts this run."""
        return bool(self.redis.sismember(self.keys.listed_posts(self.token), site))

    def count(self, *counters: str) -> None:
        """Add one to each run counter ('archive/<site>/<counter>'), which the ingester stores."""
        pipe = self.redis.pipeline(transaction=False)
        for counter in counters:
            pipe.hincrby(self.keys.stats(self.token), counter, 1)
        pipe.execute()

    def beat(self) -> None:
        self.redis.set(self.keys.heartbeat(self.worker), "1", px=int(self.ttl * 1000))

    def reclaim_dead(self) -> int:
        moved = self._reclaim(keys=[self.keys.fleet, self.keys.requests], args=[self.keys.prefix])
        if moved:
            log.warning("took back %s requests from crawlers that stopped answering", moved)
        return moved

    def work_remaining(self) -> bool:
        """Requests queued or deferred, or held by any worker (alive, or dead and not yet reclaimed)."""
        if self.redis.zcard(self.keys.requests) or self.redis.zcard(self.keys.deferred):
            return True
        workers = [w.decode() for w in self.redis.smembers(self.keys.fleet)]
        return any(self.redis.hlen(self.keys.inflight(worker)) for worker in workers)

    def give_back(self) -> None:
        """Put this worker's leased requests back in the queue (it stops before finishing them)."""
        leased = self.redis.hgetall(self.keys.inflight(self.worker))
        if leased:
            pipe = self.redis.pipeline(transaction=True)
            pipe.zadd(self.keys.requests, {request: float(score) for request, score in leased.items()})
            pipe.delete(self.keys.inflight(self.worker))
            pipe.execute()
            log.info("gave %s unfinished requests back to the fleet", len(leased))

    def leave(self, sites: list[str], may_close: bool) -> bool:
        """Leave the run; True when this worker finished last and the run is complete, in
        which case the ingester is told the run ended."""
        last = self._leave(keys=[self.keys.run, self.keys.requests, self.keys.members(self.token), self.keys.fleet,
                                 self.keys.deferred, *self.keys.run_keys(self.token, sites)],
                           args=[self.keys.prefix, self.worker, self.token, "1" if may_close else "0"])
        if last:
            self.redis.lpush(self.keys.items, encode(None, notice="run_end", run=self.token, worker=self.worker))
            log.info("run %s is complete: the ingester will close it", self.token)
        return bool(last)
