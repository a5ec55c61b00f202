"""Per-host politeness on top of Scrapy's downloader slots.

Scrapy keeps one download slot per host with its own delay, and its AutoThrottle tunes that
delay from latency, but never below the global DOWNLOAD_DELAY. Here each slot has its own
floor: the site's configured `delay` (DOWNLOAD_DELAY when it has none), or the host's
robots.txt Crawl-delay when that is larger. A slot starts at its floor and SiteAutoThrottle
only slows it down from there. The middleware also honours Retry-After on 429 and 503
responses by pausing the host's slot before Scrapy's RetryMiddleware sends the request again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle

from scraper.modes import FLEET, LOCAL, is_ours, mode, require

log = logging.getLogger(__name__)

PAUSE_STATUSES = (429, 503)


def slot_key(url: str) -> str:
    """Requests share a download slot per host and port: sample sites on one IP stay apart."""
    return urlsplit(url).netloc.lower()


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class PolitenessMiddleware:
    """Downloader middleware: delay floors per host, and Retry-After pauses."""

    serves = LOCAL  # FleetPolitenessMiddleware: FLEET

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.default_delay = settings.getfloat("DOWNLOAD_DELAY")
        self.max_retry_after = settings.getfloat("ARCHIVE_MAX_RETRY_AFTER")
        self.user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.crawl_delays: dict[str, float] = {}
        self.paused_until: dict[str, float] = {}
        self.delay_before_pause: dict[str, float] = {}
        self.started: set[str] = set()  # slots whose delay was set to their floor
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.request_reached_downloader, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler):
        require(crawler, cls.serves)
        return cls(crawler)

    def floor(self, request) -> float:
        site = self.crawler.spider.site_for(request)
        configured = site.delay if site is not None and site.delay is not None else self.default_delay
        return max(configured, self.crawl_delays.get(slot_key(request.url), 0.0))

    def robots_parsed(self, robotparser, request):
        delay = robotparser.crawl_delay(self.user_agent)
        if delay:
            self.crawl_delays[slot_key(request.url)] = float(delay)
            log.info("robots.txt of %s asks for Crawl-delay %s s", slot_key(request.url), delay)

    def request_reached_downloader(self, request, spider=None):
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is None:
            return
        floor = self.floor(request)
        if key not in self.started:  # Scrapy starts every slot at AUTOTHROTTLE_START_DELAY
            self.started.add(key)
            slot.delay = floor
        remaining = self.paused_until.get(key, 0.0) - monotonic()
        if remaining > 0:
            self.delay_before_pause.setdefault(key, slot.delay)
            slot.delay = max(floor, remaining)
            slot.lastseen = monotonic()  # the next request waits `remaining` from now
        else:
            slot.delay = max(floor, self.delay_before_pause.pop(key, slot.delay))

    def process_request(self, request):
        request.meta["download_slot"] = slot_key(request.url)  # a redirect may have changed host
        request.meta["delay_floor"] = self.floor(request)  # for SiteAutoThrottle
        return None

    def process_response(self, request, response):
        if response.status not in PAUSE_STATUSES:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After", b"").decode("latin-1"))
        if wait is None:
            return response  # RetryMiddleware retries it as usual
        request.meta["retry_after"] = wait
        if wait > self.max_retry_after:
            request.meta["dont_retry"] = True  # recorded as failed, with the wait asked for
            return response
        key = request.meta["download_slot"]
        self.pause(key, wait)
        log.info("%s answered %s with Retry-After %s s: pausing %s", request.url, response.status, wait, key)
        return response

    def pause(self, key: str, seconds: float) -> None:
        """No request to the host starts for `seconds`."""
        self.paused_until[key] = max(self.paused_until.get(key, 0.0), monotonic() + seconds)


class SiteAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle with each slot's floor (PolitenessMiddleware.floor) as its least
    delay, instead of the global DOWNLOAD_DELAY: a site's `delay = 0` is then 0, slowed only
    when the host answers slowly.

    For other spiders it is Scrapy's AutoThrottle unchanged. A fleet worker has none: the
    fleet's delay per host is fixed (scraper.fleet.gate), and this would tune one process's slots.
    """

    def __init__(self, crawler):
        if is_ours(crawler) and mode(crawler.settings) == FLEET:
            raise NotConfigured("a fleet worker's delays are the fleet's (scraper.fleet.gate)")
        super().__init__(crawler)
        self.site_floors = is_ours(crawler)

    def _min_delay(self) -> float:
        return 0.0 if self.site_floors else super()._min_delay()

    def _response_downloaded(self, response, request, spider) -> None:
        if self.site_floors:
            self.mindelay = request.meta.get("delay_floor", self.crawler.settings.getfloat("DOWNLOAD_DELAY"))
        super()._response_downloaded(response, request, spider)
