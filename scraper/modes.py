"""Which of the project's Scrapy components act in a crawl: only the clinic_blogs spider's,
and of those, the local crawl's or the fleet's.

Every component is declared once in scraper.settings. Each asks `require()` in its
`from_crawler`, which raises NotConfigured (Scrapy then leaves it out) when the crawl is not
one it serves. So `scrapy runspider other.py` inside the project runs as plain Scrapy, and
ARCHIVE_REDIS_URL switches between the local and the fleet components.
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

SPIDER = "clinic_blogs"
LOCAL, FLEET = "local", "fleet"


def is_ours(crawler) -> bool:
    """True when the crawler runs the clinic_blogs spider (known before any component is built)."""
    return getattr(crawler.spidercls, "name", None) == SPIDER


def mode(settings) -> str:
    """'fleet' when ARCHIVE_REDIS_URL is set, else 'local'."""
    return FLEET if settings.get("ARCHIVE_REDIS_URL") else LOCAL


def require(crawler, only: str | None = None) -> None:
    """Raise NotConfigured unless the crawl is clinic_blogs, in mode `only` when given."""
    if not is_ours(crawler):
        raise NotConfigured(f"only for the {SPIDER} spider")
    if only is not None and mode(crawler.settings) != only:
        raise NotConfigured(f"only in a {only} crawl")
