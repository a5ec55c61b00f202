"""The clinic_blogs spider: robots.txt sitemaps, feeds, the WordPress API and links in; Captures out.

Pages are requested through `page_request()`, which applies the site's patterns, depth and
page budget, the archive's per-URL state (due or not, sitemap lastmod) and conditional GET
validators. Discovery documents (sitemaps, feeds, API listings) are fetched every run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from archive.extract import PageLinks
from archive.reading import Budget, Job, ReadingPool
from archive.records import (
    Capture,
    CrawlEvidence,
    DiscoveryDocument,
    FetchFailure,
    NotModified,
    PostListing,
    Reading,
    WordPressApi,
)
from archive.store import SitePlan, UrlKind, UrlState, fetch_decision, reads_as_before, utc_now, validators
from scraper.discovery import (
    WP_DUPLICATE_VIEWS,
    WpPost,
    is_comment_feed,
    is_feed,
    is_sitemap,
    is_wp_archive,
    lists_archives,
    lists_posts,
    parse_feed,
    parse_sitemap,
    parse_wp_posts,
)
from scraper.futures import in_reactor
from scraper.politeness import slot_key
from scraper.sites import Site, SitesConfigError, load_sites
from scraper.urls import normalize_url, url_key

GONE_STATUSES = (404, 410)
NO_PLAN = SitePlan()
WP_PAGE_SIZE = 100
# Asked for posts modified since the last crawl began, less this: the site's clock may be behind
# ours, or an edit fall in that crawl's first second. Posts listed again are skipped by lastmod.
CLOCK_MARGIN = timedelta(minutes=10)


class ClinicBlogsSpider(scrapy.Spider):
    """Crawl the configured clinic sites: `scrapy crawl clinic_blogs -a sites=sites.toml`."""

    name = "clinic_blogs"

    def __init__(self, sites: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not sites:
            raise SitesConfigError("no sites file: pass -a sites=FILE (see sites.example.toml)")
        self.sites: list[Site] = load_sites(sites)
        self._by_name = {site.name: site for site in self.sites}
        self._wp_deny = [re.compile(pattern) for pattern in WP_DUPLICATE_VIEWS]
        self.reader: ReadingPool | None = None  # extraction workers, started with the first page
        self.plans: dict[str, SitePlan] = {}  # what the archive knows, per site: see plan()
        self.fleet = None  # in fleet mode, this worker's membership (scraper.fleet.member.Fleet)
        self._seen: dict[str, set[str]] = {site.name: set() for site in self.sites}  # requested
        self._passed: dict[str, set[str]] = {site.name: set() for site in self.sites}  # skipped, may yet be requested
        self._pages: dict[str, int] = {site.name: 0 for site in self.sites}
        # per site, by url_key: where the site lists the page, for extract() to weigh
        self._listed: dict[str, dict[str, CrawlEvidence]] = {site.name: {} for site in self.sites}
        self._wp_api_asked: set[str] = set()
        self._sitemap_pages: dict[str, int] = {site.name: 0 for site in self.sites}  # pages sitemaps listed
        self._api_posts: dict[str, int] = {site.name: 0 for site in self.sites}  # posts the WordPress API listed
        # WordPress archive pages and their feeds, held until discovery ends: not needed when a
        # sitemap or the API listed the posts (site: {url: (depth, is a feed)}); None once followed
        self._archives: dict[str, dict[str, tuple[int, bool]] | None] = {site.name: {} for site in self.sites}
        self._rechecked = False

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if settings.get("ARCHIVE_REDIS_URL"):  # the other components switch themselves (scraper.modes)
            from scraper.fleet import use_fleet_scheduler

            use_fleet_scheduler(settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    def plan(self, plans: dict[str, SitePlan]) -> None:
        """What the archive knows of each site (its URLs' state, last crawl, WordPress API),
        given by the pipeline before the crawl starts; a site without one is new."""
        self.plans = dict(plans)

    def _plan(self, site: Site) -> SitePlan:
        return self.plans.get(site.name, NO_PLAN)

    def site_for(self, request) -> Site | None:
        """The site a request belongs to: from its meta, else the first site that allows its URL."""
        name = request.meta.get("site")
        if name in self._by_name:
            return self._by_name[name]
        return next((site for site in self.sites if site.allows(request.url)), None)

    async def start(self):
        obey_robots = self.settings.getbool("ROBOTSTXT_OBEY")
        for site in self.sites:
            if not obey_robots:  # otherwise robots_parsed() reads the Sitemap: lines Scrapy fetched
                for origin in site.origins():
                    yield self._discovery(f"{origin}/robots.txt", site, self.parse_robots)
            known_api = self._plan(site).wp_api
            if known_api:
                self._wp_api_asked.add(site.name)
                yield self._wp_posts_request(known_api, site, 1)
            for url in site.start_urls:
                yield self.page_request(url, site, depth=0, start=True)
            for url, state in self._plan(site).url_state.items():
                # Read every run: that is where new posts show up. Feeds conditionally (an
                # unchanged one is a 304); sitemaps whole, as what they no longer list is news.
                if state.kind == UrlKind.SITEMAP:
                    yield self._discovery(url, site, self.parse_sitemap)
                elif state.kind == UrlKind.FEED and not self._comment_feed(site, url):
                    request = self._feed(url, site, 0, bool(self._plan(site).wp_api), validators(state))
                    if request is not None:
                        yield request
            for url, state in self._plan(site).url_state.items():
                if state.pending:  # found by a crawl that stopped before fetching it, or failed
                    item = self.page_request(url, site, depth=state.depth or 0)
                    if item is not None:
                        yield item

    # --- discovery ------------------------------------------------------------------------

    def robots_parsed(self, robotparser, request):
        site = self.site_for(request)
        if site is None:
            return
        for url in getattr(getattr(robotparser, "rp", None), "sitemaps", []):
            self.crawler.engine.crawl(self._discovery(url, site, self.parse_sitemap))

    def parse_robots(self, response):
        site = self._by_name[response.meta["site"]]
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self._discovery(url, site, self.parse_sitemap)

    def parse_sitemap(self, response):
        site = self._by_name[response.meta["site"]]
        yield self._document(response, site, UrlKind.SITEMAP)
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
        listed_in = "post-sitemap" if lists_posts(response.request.url) else "sitemap"
        archives = lists_archives(response.request.url)
        for entry in parse_sitemap(body):
            if entry.is_sitemap:
                yield self._discovery(entry.url, site, self.parse_sitemap)
            elif archives:  # listings of posts, held like archive pages found by links
                if not self._hold(site, entry.url, 0, feed=False, archive=True):
                    item = self.page_request(entry.url, site, depth=0)
                    if item is not None:
                        yield item
            else:
                self._count_listed(site, self._sitemap_pages)
                item = self.page_request(entry.url, site, depth=0, lastmod=entry.lastmod, listed_in=listed_in)
                if item is not None:
                    yield item

    def parse_feed(self, response):
        site = self._by_name[response.meta["site"]]
        yield self._document(response, site, UrlKind.FEED)
        if response.status == 304:  # unchanged since the last run read it
            return
        for url in parse_feed(response.body):
            item = self.page_request(url, site, depth=0, listed_in="feed")
            if item is not None:
                yield item

    def _document(self, response, site: Site, kind: str) -> DiscoveryDocument:
        return DiscoveryDocument(site=site.name, url=normalize_url(response.request.url), kind=kind,
                                 headers=None if response.status == 304 else _headers(response))

    def parse_wp_posts(self, response):
        """One page of /wp-json/wp/v2/posts: post links with their modified time, then the next page."""
        site = self._by_name[response.meta["site"]]
        for post in parse_wp_posts(response.body):
            self._count_listed(site, self._api_posts)
            item = self.page_request(post.url, site, depth=0, lastmod=post.modified, listed_in="wp-api",
                                     api=post)
            if item is not None:
                yield item
        page = response.meta["wp_page"]
        total = int(response.headers.get("X-WP-TotalPages", b"1") or 1)
        if page < total:
            yield self._wp_posts_request(response.meta["wp_api"], site, page + 1)

    def _wp_posts_request(self, api_root: str, site: Site, page: int) -> scrapy.Request:
        url = (f"{api_root.rstrip('/')}/wp/v2/posts?per_page={WP_PAGE_SIZE}&page={page}"
               "&_fields=link,date_gmt,modified_gmt,_links,_embedded&_embed=author,wp:term")
        since = self._plan(site).last_crawled
        if since:  # with its offset: WordPress reads a time without one in the site's own zone
            after = datetime.fromisoformat(_iso(since)) - CLOCK_MARGIN
            url += "&modified_after=" + quote(after.isoformat(timespec="seconds"), safe="")
        request = self._discovery(url, site, self.parse_wp_posts)
        request.meta.update(wp_api=api_root, wp_page=page)
        return request

    # --- pages ----------------------------------------------------------------------------

    async def parse_page(self, response):
        site = self._by_name[response.meta["site"]]
        if response.status == 304:
            yield NotModified(url=normalize_url(response.request.url), site=site.name,
                              headers=_headers(response))
            return
        if not isinstance(response, HtmlResponse):
            for item in self._not_html(response, site):
                yield item
            return
        depth = response.meta.get("hops", 0)
        first_url = normalize_url(response.request.meta.get("redirect_urls", [response.url])[0])
        reading, links = await self._read(response, site, url_key(first_url))
        links = links or PageLinks()
        wordpress = bool(links.wp_api) or bool(self._plan(site).wp_api)
        follow = []
        if site.max_depth is None or depth < site.max_depth:
            follow = [item for url in self._links(links, wordpress)
                      if (item := self._follow(url, site, depth + 1, wordpress)) is not None]
        yield Capture(
            url=first_url,
            final_url=normalize_url(response.url),
            status=response.status,
            headers=_headers(response),
            body=response.body,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            site=site.name,
            depth=depth,
            discovered=tuple(r.url for r in follow if isinstance(r, scrapy.Request)),
            evidence=self._listed[site.name].get(url_key(first_url)),
            reading=reading,
        )
        for item in follow:
            yield item
        for url, title in links.feeds:
            if not is_comment_feed(url, title, response.url):
                request = self._feed(url, site, depth + 1, wordpress)
                if request is not None:
                    yield request
        api_root = links.wp_api
        if api_root and site.name not in self._wp_api_asked and site.allows(api_root):
            self._wp_api_asked.add(site.name)
            yield WordPressApi(site=site.name, root=api_root)
            yield self._wp_posts_request(api_root, site, 1)

    async def _read(self, response, site: Site, key: str) -> tuple[Reading | None, PageLinks | None]:
        """The page read by an extraction worker, with the evidence the writer will weigh, and
        its links; only its links when it reads as the archive's last reading of it did. A
        listing that arrives while the page is being read changes the evidence: read again."""
        final = self._plan(site).url_state.get(normalize_url(response.url))
        stored = final.evidence if final else None
        while True:
            listed = self._listed[site.name].get(key)
            evidence = listed.stronger(stored) if listed else stored
            unchanged = final is not None and reads_as_before(final.kind, final.content_sha256, stored, evidence,
                                                              hashlib.sha256(response.body).hexdigest())
            job = Job(response.body, normalize_url(response.url), site.extract, evidence, self._plan(site).profile,
                      links=True, extract=not unchanged)
            reading, links = await in_reactor(self._reader().submit(job))
            if unchanged or self._listed[site.name].get(key) is listed:
                return reading, links

    def _reader(self) -> ReadingPool:
        if self.reader is None:
            settings = self.settings
            self.reader = ReadingPool(settings.getint("EXTRACTION_WORKERS") or None,
                                      Budget(settings.getfloat("EXTRACTION_TIMEOUT"),
                                             settings.getint("EXTRACTION_MEMORY_MB")))
        return self.reader

    def closed(self, reason):
        if self.reader is not None:
            self.reader.close()

    def _links(self, links: PageLinks, wordpress: bool) -> list[str]:
        if not wordpress:
            return list(links.links)
        return [url for url in links.links
                if url not in links.attachments and not any(deny.search(url) for deny in self._wp_deny)]

    def _follow(self, url: str, site: Site, depth: int, wordpress: bool):
        """page_request() for a link; a WordPress archive page waits for the end of discovery."""
        if wordpress and self._hold(site, url, depth, feed=False):
            return None
        return self.page_request(url, site, depth=depth)

    def _feed(self, url: str, site: Site, depth: int, wordpress: bool = True,
              headers: dict | None = None) -> scrapy.Request | None:
        """A feed's request; a WordPress category, tag or author feed waits like its archive page."""
        if wordpress and self._hold(site, url, depth, feed=True):
            return None
        return self._discovery(url, site, self.parse_feed, headers)

    def _hold(self, site: Site, url: str, depth: int, feed: bool, archive: bool = False) -> bool:
        held = self._archives[site.name]
        if held is None or not (archive or is_wp_archive(url)):
            return False
        held.setdefault(url, (depth, feed))
        return True

    def _comment_feed(self, site: Site, url: str) -> bool:
        """A stored feed that lists comments: WordPress's, or one below a post the archive holds."""
        below = url.rstrip("/").removesuffix("/feed")
        state = self._plan(site).url_state
        post = state.get(below + "/") or state.get(below)
        return is_comment_feed(url) or (below != url.rstrip("/") and post is not None and post.kind == UrlKind.ARTICLE)

    def page_request(self, url: str, site: Site, depth: int, lastmod: str | None = None,
                     start: bool = False, listed_in: str | None = None, api: WpPost | None = None,
                     ) -> scrapy.Request | FetchFailure | PostListing | None:
        """A request for a page, a FetchFailure saying why it is skipped, or None when it is
        not this site's page or already requested in this crawl. `listed_in` says where the
        site listed it ('wp-api', 'post-sitemap', 'feed', 'sitemap'): a page already requested
        that is first listed as a post now, or whose post the WordPress API now describes,
        gives a PostListing, since it may have been read without that evidence."""
        url = normalize_url(url)
        if not (site.wants(url) or (start and site.allows(url))):
            return None
        key = url_key(url)
        news = bool(listed_in) and self._note_listing(site, key, listed_in, lastmod, api)
        if key in self._seen[site.name]:
            return PostListing(url, site.name, self._listed[site.name][key]) if news else None
        if key not in self._passed[site.name]:
            if self.fleet is not None:  # counted once for the fleet, however many workers find it
                self.fleet.discovered(site.name, key)
            else:
                self.crawler.stats.inc_value(f"archive/{site.name}/discovered")
        state = self._plan(site).url_state.get(url)
        decision = fetch_decision(state, now=utc_now(), lastmod=_iso(lastmod) if lastmod else None,
                                  recheck_all=self.settings.getbool("ARCHIVE_RECHECK_ALL"),
                                  budget=(self._pages[site.name], site.max_pages))
        if not decision.fetch:  # recorded once; a sitemap with a newer lastmod may still ask for it later
            if key in self._passed[site.name]:
                return None
            self._passed[site.name].add(key)
            return FetchFailure(url=url, site=site.name, kind=UrlKind.SKIPPED, reason=decision.reason)
        return self._fetch(url, key, site, state, depth)

    def _fetch(self, url: str, key: str, site: Site, state: UrlState | None, depth: int) -> scrapy.Request:
        self._seen[site.name].add(key)
        self._pages[site.name] += 1
        headers = validators(state)
        request = self._request(url, site, self.parse_page, headers)
        # Pages are deduplicated above; past Scrapy's dupefilter, a redirect loop runs into
        # REDIRECT_MAX_TIMES and is recorded, instead of being dropped without a word.
        request.dont_filter = True
        request.meta["hops"] = depth
        request.meta["claim_key"] = key  # a fleet queues each page once per run (scraper.fleet.scheduler)
        if headers:
            request.meta["handle_httpstatus_list"] = [304]
        return request

    def spider_idle(self):
        """Discovery is done: follow the held archive pages where nothing else listed the posts, then
        check the known pages this run met nowhere (see UrlState.recheck_unmet)."""
        if self.fleet is not None and self.fleet.work_remaining():
            return
        requests = [request for site in self.sites for request in self._held_archives(site)]
        if not self._rechecked:
            self._rechecked = True
            requests += self._unmet(self.sites)
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def _held_archives(self, site: Site) -> list[scrapy.Request]:
        """The WordPress archive pages held back, now requested if nothing else listed the posts."""
        held, self._archives[site.name] = self._archives[site.name], None
        if not held:
            return []
        if self._posts_listed(site):
            self.logger.info("%s: %s archive pages not followed: the site's sitemap or API lists its posts",
                             site.name, len(held))
            self._archives[site.name] = {}  # and those found later are held back too
            self._passed[site.name].update(url_key(url) for url in held)  # met, so not rechecked either
            return []
        items = (self._discovery(url, site, self.parse_feed) if feed else self.page_request(url, site, depth=depth)
                 for url, (depth, feed) in held.items())
        return [item for item in items if isinstance(item, scrapy.Request)]

    def _count_listed(self, site: Site, counts: dict[str, int]) -> None:
        """One post a sitemap or the API listed (in a fleet, the first tells the other workers)."""
        if self.fleet is not None and not self._posts_listed(site):
            self.fleet.listed_posts(site.name)
        counts[site.name] += 1

    def _posts_listed(self, site: Site) -> bool:
        """Whether a sitemap or the API listed the site's posts this run, to any worker of a fleet."""
        if self._sitemap_pages[site.name] or self._api_posts[site.name]:
            return True
        return self.fleet is not None and self.fleet.posts_listed(site.name)

    def _unmet(self, sites: list[Site]) -> list[scrapy.Request]:
        now, recheck_all = utc_now(), self.settings.getbool("ARCHIVE_RECHECK_ALL")
        requests = []
        for site in sites:
            met = self._seen[site.name] | self._passed[site.name]
            # In a fleet, other workers met pages this one did not: only due pages are checked.
            sitemap_read = self._sitemap_pages[site.name] > 0 and self.fleet is None
            reasons: dict[str, int] = {}
            for url, state in self._plan(site).url_state.items():
                key = url_key(url)
                why = None if key in met else state.recheck_unmet(now, recheck_all, sitemap_read)
                if why and self._pages[site.name] < site.max_pages:
                    reasons[why] = reasons.get(why, 0) + 1
                    requests.append(self._fetch(url, key, site, state, state.depth or 0))
            if reasons:
                self.logger.info("%s: checking %s known pages this run did not meet (%s)", site.name,
                                 sum(reasons.values()), ", ".join(f"{n} {why}" for why, n in reasons.items()))
        return requests

    def _note_listing(self, site: Site, key: str, listed_in: str, lastmod: str | None,
                      api: WpPost | None = None) -> bool:
        """Keep the strongest listing of a page; True when that tells extraction something new
        (a post's listing, a modified time, the WordPress API's word): a page read before it
        is read again (see page_request)."""
        source = {"wp-api": "api", "post-sitemap": "sitemap", "sitemap": "sitemap"}.get(listed_in)
        found = CrawlEvidence(listed_in, _iso(lastmod) if lastmod and source else None, source if lastmod else None)
        if api is not None:
            found = dataclasses.replace(found, published=_iso(api.published) if api.published else None,
                                        authors=api.authors, categories=api.categories, tags=api.tags)
        known = self._listed[site.name]
        before = known.get(key)
        known[key] = now = found.stronger(before)
        return now.weighed() != (before or CrawlEvidence()).weighed()

    def _not_html(self, response, site: Site):
        body = response.body
        if isinstance(response, TextResponse) and is_sitemap(body):
            yield from self.parse_sitemap(response)
        elif isinstance(response, TextResponse) and is_feed(body):
            yield from self.parse_feed(response)
        else:
            content_type = response.headers.get("Content-Type", b"").decode("latin-1") or "unknown"
            yield FetchFailure(url=normalize_url(response.url), site=site.name, status=response.status,
                               reason=f"not HTML: content-type {content_type}")

    def on_error(self, failure):
        request = failure.request
        site = self.site_for(request)
        kind, status = UrlKind.ERROR, None
        if failure.check(HttpError):
            status = failure.value.response.status
            reason = f"HTTP {status}"
            if "retry_after" in request.meta:
                reason += f" (asked to retry after {request.meta['retry_after']:.0f} s)"
            if status in GONE_STATUSES and request.callback == self.parse_page:
                kind = UrlKind.GONE
        elif failure.check(IgnoreRequest):
            kind, reason = UrlKind.SKIPPED, str(failure.value) or "ignored"
            if "robots.txt" in reason:
                reason = f"robots: {reason}"
            elif "redirections" in reason:  # a redirect loop or chain: the site's fault, not a choice
                kind, reason = UrlKind.ERROR, f"redirect loop or chain: {reason}"
        elif failure.check(DNSLookupError):
            reason = "DNS lookup failed"
        elif failure.check(TimeoutError, TCPTimedOutError):
            reason = "timed out"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        log = self.logger.info if kind != UrlKind.ERROR else self.logger.warning
        log("%s %s: %s", kind, request.url, reason)
        if site is not None and not request.url.endswith("/robots.txt"):
            first_url = request.meta.get("redirect_urls", [request.url])[0]  # the URL the crawl asked for
            yield FetchFailure(url=normalize_url(first_url), site=site.name, status=status, reason=reason,
                               kind=kind)

    def _discovery(self, url: str, site: Site, callback, headers: dict | None = None) -> scrapy.Request:
        request = self._request(url, site, callback, headers or {})
        if headers:
            request.meta["handle_httpstatus_list"] = [304]
        return request

    def _request(self, url: str, site: Site, callback, headers: dict) -> scrapy.Request:
        if site.contact_url:
            headers = {**headers, "User-Agent": self.settings.get("USER_AGENT_TEMPLATE").format(
                contact=site.contact_url)}
        # download_slot: the scheduler spreads requests over hosts (host and port) by it
        return scrapy.Request(url, callback=callback, errback=self.on_error, headers=headers,
                              meta={"site": site.name, "download_slot": slot_key(url)})


def _headers(response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def _iso(value: str) -> str:
    """A sitemap or API date as a UTC ISO string comparable with the archive's timestamps."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds")
