"""The clinic_blogs spider: robots.txt sitemaps, feeds and links in; Captures out."""

from __future__ import annotations

from datetime import datetime, timezone

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from archive.records import Capture, FetchFailure
from scraper.discovery import FEED_TYPES, is_feed, is_sitemap, parse_feed, parse_sitemap
from scraper.sites import Site, SitesConfigError, load_sites


class ClinicBlogsSpider(scrapy.Spider):
    """Crawl the configured clinic sites: `scrapy crawl clinic_blogs -a sites=sites.toml`."""

    name = "clinic_blogs"

    def __init__(self, sites: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not sites:
            raise SitesConfigError("no sites file: pass -a sites=FILE (see sites.example.toml)")
        self.sites: list[Site] = load_sites(sites)
        self._by_name = {site.name: site for site in self.sites}
        self.links = LinkExtractor(unique=True)

    def site_for(self, request) -> Site | None:
        """The site a request belongs to: from its meta, else the first site that allows its URL."""
        name = request.meta.get("site")
        if name in self._by_name:
            return self._by_name[name]
        return next((site for site in self.sites if site.allows(request.url)), None)

    async def start(self):
        for site in self.sites:
            for origin in site.origins():
                yield self._request(f"{origin}/robots.txt", site, self.parse_robots)
            for url in site.start_urls:
                yield self._request(url, site, self.parse_page)

    def parse_robots(self, response):
        site = self._by_name[response.meta["site"]]
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self._request(url, site, self.parse_sitemap)

    def parse_sitemap(self, response):
        site = self._by_name[response.meta["site"]]
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        for entry in parse_sitemap(body):
            callback = self.parse_sitemap if entry.is_sitemap else self.parse_page
            yield self._request(entry.url, site, callback)

    def parse_feed(self, response):
        site = self._by_name[response.meta["site"]]
        for url in parse_feed(response.body):
            yield self._request(url, site, self.parse_page)

    def parse_page(self, response):
        site = self._by_name[response.meta["site"]]
        if not isinstance(response, HtmlResponse):
            yield from self._not_html(response, site)
            return
        yield Capture(
            url=response.request.meta.get("redirect_urls", [response.url])[0],
            final_url=response.url,
            status=response.status,
            headers={k.decode("latin-1"): b", ".join(v).decode("latin-1")
                     for k, v in response.headers.items()},
            body=response.body,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            site=site.name,
        )
        for href in response.css("link[rel=alternate]"):
            if href.attrib.get("type") in FEED_TYPES and href.attrib.get("href"):
                yield self._request(response.urljoin(href.attrib["href"]), site, self.parse_feed)
        for link in self.links.extract_links(response):
            if site.allows(link.url):
                yield self._request(link.url, site, self.parse_page)

    def _not_html(self, response, site: Site):
        body = response.body
        if isinstance(response, TextResponse) and is_sitemap(body):
            yield from self.parse_sitemap(response)
        elif isinstance(response, TextResponse) and is_feed(body):
            yield from self.parse_feed(response)
        else:
            content_type = response.headers.get("Content-Type", b"").decode("latin-1") or "unknown"
            yield FetchFailure(url=response.url, site=site.name, status=response.status,
                               reason=f"not HTML: content-type {content_type}")

    def on_error(self, failure):
        request = failure.request
        site = self.site_for(request)
        kind, status = "error", None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
        elif failure.check(IgnoreRequest):
            kind, reason = "skipped", str(failure.value)
        elif failure.check(DNSLookupError):
            reason = "DNS lookup failed"
        elif failure.check(TimeoutError, TCPTimedOutError):
            reason = "timed out"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        log = self.logger.info if kind == "skipped" else self.logger.warning
        log("%s %s: %s", kind, request.url, reason)
        if site is not None and not request.url.endswith("/robots.txt"):
            yield FetchFailure(url=request.url, site=site.name, status=status, reason=reason, kind=kind)

    def _request(self, url: str, site: Site, callback) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              meta={"site": site.name})
