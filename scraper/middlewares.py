"""Downloader middlewares: keep every request inside its own configured site, and obey
robots.txt for every request."""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares import robotstxt
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from scraper.modes import FLEET, is_ours, mode, require

log = logging.getLogger(__name__)


class SiteScopeMiddleware:
    """Drop requests (including redirects) outside the allowed domains of their site.

    Scrapy's OffsiteMiddleware compares host names only, so two sites on 127.0.0.1 with
    different ports would leak into each other; this compares host and port.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler)
        return cls(crawler)

    def process_request(self, request):
        site = self.crawler.spider.site_for(request)
        if site is None or not site.allows(request.url):
            raise IgnoreRequest(f"outside the configured sites: {request.url}")
        return None


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's, except that every request waiting for a host's robots.txt gets the parser.

    Scrapy 2.13+ awaits the one pending Deferred from each waiting request; a Deferred hands
    its result down one callback chain, so only the first waiter got the parser and the
    others got None, which means "no robots.txt: allowed". Here each waiter gets its own
    Deferred, fed by a callback that passes the parser on.

    It stands in for Scrapy's in every crawl, other spiders' too (it needs nothing of
    clinic_blogs), except a fleet worker's, where FleetRobotsTxtMiddleware takes over.
    """

    fleet = False  # FleetRobotsTxtMiddleware: True

    @classmethod
    def from_crawler(cls, crawler):
        if cls.fleet and not is_ours(crawler):
            raise NotConfigured("only for the clinic_blogs spider")
        if is_ours(crawler) and (mode(crawler.settings) == FLEET) != cls.fleet:
            raise NotConfigured("the other robots.txt middleware serves this mode")
        return cls(crawler)

    async def robot_parser(self, request):
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred = Deferred()

        def relay(parser):
            mine.callback(parser)
            return parser

        pending.addCallback(relay)
        return await maybe_deferred_to_future(mine)
