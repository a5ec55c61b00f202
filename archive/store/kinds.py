"""What the archive knows a URL to be (urls.kind), and how each crawl outcome changes it.

A StrEnum, so stored values and JSON stay the plain strings they always were. The kinds
`article`, `listing` and `other` are what extraction read a page as (Article.kind and
NotArticle.kind, which archive.records keeps as plain strings so it imports nothing of the
store); the others are what the crawl did with a URL.

Transitions, for a URL stored with kind `k` (None: not stored yet):

=====================  ====================================  =========================
outcome                new kind                              function
=====================  ====================================  =========================
linked from a page     PENDING if None, else k               add_pending
fetched, or a 304      PENDING if None, else k (kind comes   record_check
                       from the extraction: record_url)
redirected from        REDIRECT (the requested URL)          record_check
404 or 410             GONE if None, else k (gone_since      record_gone
                       marks it)
skipped                SKIPPED if None or PENDING, else k    record_skip
failed fetch           ERROR if None or UNFETCHED, else k    record_fetch_error
read as a page         the extraction's kind                 record_url
read for links         SITEMAP or FEED                       record_discovery_document
=====================  ====================================  =========================

A page once read keeps its kind through skips, failures and removal: its article and what
it was read as stay in the archive.
"""

from __future__ import annotations

from enum import StrEnum


class UrlKind(StrEnum):
    PENDING = "pending"  # discovered, never fetched
    ERROR = "error"  # every fetch so far failed
    SKIPPED = "skipped"  # not fetched on purpose (robots.txt, budget, lastmod)
    GONE = "gone"  # first met as a 404 or 410
    REDIRECT = "redirect"  # a URL that redirects to another
    SITEMAP = "sitemap"  # a sitemap, read for links
    FEED = "feed"  # an RSS or Atom feed, read for links
    ARTICLE = "article"  # read as a blog post
    LISTING = "listing"  # read as a listing page
    OTHER = "other"  # read as some other page, or unreadable (the reason says)

    @property
    def unfetched(self) -> bool:
        """Never fetched well: the next crawl tries it again."""
        return self in UNFETCHED


# never fetched well: a crawl killed before reaching it, or a failed fetch
UNFETCHED = (UrlKind.PENDING, UrlKind.ERROR)
# not pages the archive has read
NOT_READ = (UrlKind.PENDING, UrlKind.ERROR, UrlKind.SKIPPED, UrlKind.REDIRECT, UrlKind.SITEMAP, UrlKind.FEED)
# no stored reading to compare a new fetch with or to read again
NO_READING = (UrlKind.PENDING, UrlKind.ERROR, UrlKind.GONE)
# pages read from a capture of their own
PAGES = (UrlKind.ARTICLE, UrlKind.LISTING, UrlKind.OTHER)


def after_check(kind: str | None) -> UrlKind | None:
    """The kind a fetch or 304 gives a URL; None keeps the stored one."""
    return UrlKind.PENDING if kind is None else None


def after_gone(kind: str | None) -> UrlKind | None:
    """The kind a 404 or 410 gives a URL; None keeps the stored one."""
    return UrlKind.GONE if kind is None else None


def after_skip(kind: str | None) -> UrlKind | None:
    """The kind a deliberate skip gives a URL; None keeps the stored one.

    >>> after_skip("pending"), after_skip("article")
    (<UrlKind.SKIPPED: 'skipped'>, None)
    """
    return UrlKind.SKIPPED if kind is None or kind == UrlKind.PENDING else None


def after_fetch_error(kind: str | None) -> UrlKind | None:
    """The kind a failed fetch gives a URL; None keeps the stored one."""
    return UrlKind.ERROR if kind is None or kind in UNFETCHED else None
