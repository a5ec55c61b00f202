"""robots.txt read once per run for the whole fleet.

The first worker to need a host's robots.txt takes a short lock in Redis, fetches the file
and shares it (status and body) for the run; the others wait for the shared copy and parse
that. Each worker still parses it itself, so Crawl-delay and Sitemap: lines reach its own
politeness floors and spider as in a local crawl. If the fetching worker dies, its lock
expires and the next worker fetches the file.
"""

from __future__ import annotations

import base64
import json
import logging

from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from archive.fleet.keys import FleetKeys
from scraper.fleet import pause
from scraper.middlewares import RobotsTxtMiddleware

log = logging.getLogger(__name__)
LOCK_MS = 30_000  # how long a worker may take to fetch robots.txt before another tries
POLL = 0.05


class FleetRobotsTxtMiddleware(RobotsTxtMiddleware):
    fleet = True

    def __init__(self, crawler):
        super().__init__(crawler)
        from scrapy_redis.connection import get_redis_from_settings

        self.redis = get_redis_from_settings(crawler.settings)
        self.keys = FleetKeys(crawler.settings.get("ARCHIVE_REDIS_PREFIX"))

    async def robot_parser(self, request):
        netloc = urlparse_cached(request).netloc
        if netloc in self._parsers:
            return await super().robot_parser(request)  # parsed, or being read: wait with the others
        self._parsers[netloc] = Deferred()
        url = f"{urlparse_cached(request).scheme}://{netloc}/robots.txt"
        try:
            response = await self._shared_copy(netloc, url)
            if response is None:
                response = await self.crawler.engine.download_async(Request(
                    url, priority=self.DOWNLOAD_PRIORITY, meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK))
                self._share(netloc, response)
            self._stats.inc_value("robotstxt/request_count")
            await self._parse_robots(response, netloc, request)
        except Exception as err:  # as Scrapy: an unreadable robots.txt allows everything, and says so
            log.error("could not read %s: %s", url, err)
            self._robots_error(err, netloc)
        return self._parsers[netloc]

    async def _shared_copy(self, netloc: str, url: str) -> Response | None:
        """The fleet's copy of the host's robots.txt this run, or None if this worker must fetch it."""
        token = self.crawler.spider.fleet.token
        shared, lock = self.keys.robots(token), self.keys.robots_lock(token, netloc)
        while True:
            copy = self.redis.hget(shared, netloc)
            if copy is not None:
                status, body = json.loads(copy)
                self._stats.inc_value("fleet/robots_shared")
                return Response(url, status=status, body=base64.b64decode(body))
            if self.redis.set(lock, "1", nx=True, px=LOCK_MS):
                return None
            await pause(POLL)

    def _share(self, netloc: str, response: Response) -> None:
        token = self.crawler.spider.fleet.token
        copy = json.dumps([response.status, base64.b64encode(response.body).decode("ascii")])
        self.redis.hset(self.keys.robots(token), netloc, copy)
