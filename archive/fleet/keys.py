"""Every Redis key a fleet uses, in one place, under one prefix (so several archives can share
a Redis server)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "clinic-archive"


@dataclass(frozen=True)
class FleetKeys:
    prefix: str = DEFAULT_PREFIX

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # --- the frontier and its leases (crawlers) ---
    @property
    def requests(self) -> str:
        """Sorted set of serialized requests waiting to be fetched, by priority."""
        return self._key("requests")

    @property
    def deferred(self) -> str:
        """Sorted set of requests booked for a later start at a busy host, by that time (ms)."""
        return self._key("requests", "deferred")

    def inflight(self, worker: str) -> str:
        """Hash of the requests a worker took and has not finished: request -> priority."""
        return self._key("inflight", worker)

    def heartbeat(self, worker: str) -> str:
        """Expires unless the worker is alive; a worker without one has its leases taken back."""
        return self._key("heartbeat", worker)

    @property
    def fleet(self) -> str:
        """Set of worker ids that may hold leases."""
        return self._key("fleet")

    # --- the run all workers share ---
    @property
    def run(self) -> str:
        """The token of the run workers are crawling now; absent between runs."""
        return self._key("run")

    def members(self, token: str) -> str:
        return self._key("run", token, "workers")

    def claimed(self, token: str, site: str) -> str:
        """Page URL keys requested this run, per site: each page is fetched once per run."""
        return self._key("run", token, "claimed", site)

    def pages(self, token: str, site: str) -> str:
        """Pages requested this run, per site, against the site's max_pages."""
        return self._key("run", token, "pages", site)

    def discovered(self, token: str, site: str) -> str:
        """Page URL keys any worker found this run, per site: the run's 'discovered' count."""
        return self._key("run", token, "discovered", site)

    def dupefilter(self, token: str) -> str:
        """Fingerprints of discovery requests (robots, sitemaps, feeds, API pages) this run."""
        return self._key("run", token, "dupefilter")

    def listed_posts(self, token: str) -> str:
        """Sites whose sitemap or WordPress API listed posts to some worker this run: their
        archive pages are not followed by any worker."""
        return self._key("run", token, "listed-posts")

    def robots(self, token: str) -> str:
        """Hash host -> [status, base64 body] of the robots.txt files read this run."""
        return self._key("run", token, "robots")

    def robots_lock(self, token: str, netloc: str) -> str:
        """Held (with an expiry) by the worker fetching a host's robots.txt for the fleet."""
        return self._key("run", token, "robots-fetching", netloc)

    def stats(self, token: str) -> str:
        """Hash of the run's counters, 'archive/<site>/<counter>' -> n."""
        return self._key("run", token, "stats")

    def run_keys(self, token: str, sites: list[str]) -> list[str]:
        """Keys that only matter while the run is open."""
        return [self.members(token), self.dupefilter(token), self.robots(token), self.listed_posts(token),
                *(self.claimed(token, site) for site in sites), *(self.pages(token, site) for site in sites)]

    def counted_keys(self, token: str, sites: list[str]) -> list[str]:
        """Keys the ingester reads when it closes the run, then drops."""
        return [self.stats(token), *(self.discovered(token, site) for site in sites)]

    # --- captures on their way to the archive (crawlers -> ingester) ---
    @property
    def items(self) -> str:
        """List of encoded crawl items and notices, oldest at the right."""
        return self._key("items")

    @property
    def items_processing(self) -> str:
        """The item the ingester is storing; put back in front if it dies meanwhile."""
        return self._key("items", "processing")

    @property
    def items_rejected(self) -> str:
        """Messages the ingester could not read, kept for a person to look at."""
        return self._key("items", "rejected")

    @property
    def runs(self) -> str:
        """Hash run token -> archive run id, kept by the ingester."""
        return self._key("runs")

    # --- crawl state published by the ingester (ingester -> crawlers) ---
    @property
    def published(self) -> str:
        """When the ingester last published the crawl state (absent: never)."""
        return self._key("state", "published")

    @property
    def sites(self) -> str:
        """Hash site -> JSON {last_crawled, wp_api}."""
        return self._key("sites")

    def url_state(self, site: str) -> str:
        """Hash URL -> JSON UrlState: what is due, and the validators for conditional GETs."""
        return self._key("state", site)

    # --- per-host politeness for the whole fleet ---
    def host(self, netloc: str) -> str:
        """Hash with the host's last request start and its next free start (ms, Redis time)."""
        return self._key("host", netloc)

    def host_active(self, netloc: str) -> str:
        """Sorted set of requests in flight to the host, scored by when their lease expires."""
        return self._key("host", netloc, "active")
