"""Downloader middlewares: keep every request inside its own configured site."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

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
        return cls(crawler)

    def process_request(self, request):
        site = self.crawler.spider.site_for(request)
        if site is None or not site.allows(request.url):
            raise IgnoreRequest(f"outside the configured sites: {request.url}")
        return None
