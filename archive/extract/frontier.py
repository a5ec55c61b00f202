"""The links a page offers the crawl's frontier, read from the tree extraction parsed.

A crawl used to parse each page twice: once for Scrapy's link extractor, once to extract
it. These are the links Scrapy's `LinkExtractor(unique=True)` gives, read from extraction's
own tree in the worker that extracts, so the crawl's reactor never parses a page.
(tests/test_frontier.py holds them to Scrapy's on real pages.)
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from w3lib.html import get_base_url, strip_html5_whitespace
from w3lib.url import safe_url_string

if TYPE_CHECKING:  # the parsed page; importing it loads extruct, which the crawl's process does without
    from archive.extract.page import Page


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
WP_API_REL = "https://api.w.org/"
_SCHEMES = ("http", "https", "file", "ftp")
# Files, not pages: scrapy.linkextractors.IGNORED_EXTENSIONS (archives, images, audio, video,
# office documents, other), which the crawl has always skipped.
IGNORED_EXTENSIONS = frozenset("." + ext for ext in (
    "7z 7zip bz2 rar tar tar.gz xz zip "
    "mng pct bmp gif jpg jpeg png pst psp tif tiff ai drw dxf eps ps svg cdr ico webp "
    "mp3 wma ogg wav ra aac mid au aiff "
    "3gp asf asx avi mov mp4 mpg qt rm swf wmv m4a m4v flv webm "
    "xls xlsx xlsm xltx xltm ppt pptx pptm pps potx potm doc docx docm docb dotx dotm odt ods odg odp "
    "css pdf exe bin rss dmg iso apk jar sh rb js hta bat cpl msi msp py").split())


@dataclass(frozen=True)
class PageLinks:
    """`links`: the page's <a>/<area> links (absolute, unique, in document order, no files);
    `attachments`: links marked rel="attachment" (WordPress's attachment pages); `feeds`:
    (url, title) of the feeds its <link rel="alternate"> announces; `wp_api`: its WordPress
    REST API root, if it names one."""

    links: tuple[str, ...] = ()
    attachments: frozenset[str] = frozenset()
    feeds: tuple[tuple[str, str], ...] = ()
    wp_api: str | None = None


def page_links(page: Page) -> PageLinks:
    """What `page` links to, resolved as Scrapy resolves a response's links (its <base href>
    in the first 4 KB, else its URL). Call it before extraction consumes page.tree."""
    url = page.url or ""
    base = get_base_url(page.source[:4096], url)
    links: dict[str, None] = {}
    attachments, feeds, wp_api = set(), [], None
    for element in page.tree.iter("a", "area", "link"):
        href = element.get("href")
        if href is None:
            continue
        if element.tag != "link":
            absolute = _link(url, base, href)
            if absolute is not None:
                links.setdefault(absolute)
                if "attachment" in (element.get("rel") or "").split():
                    attachments.add(absolute)
            continue
        rel, absolute = (element.get("rel") or "").split(), _join(base, href.strip())
        if absolute is None or not href.strip():
            continue
        if "alternate" in rel and element.get("type") in FEED_TYPES:
            feeds.append((absolute, element.get("title", "")))
        elif WP_API_REL in rel and wp_api is None:
            wp_api = absolute
    return PageLinks(tuple(links), frozenset(attachments), tuple(feeds), wp_api)


def _link(url: str, base: str, href: str) -> str | None:
    """An <a href> as Scrapy's link extractor keeps it, or None for what it drops."""
    try:
        absolute = urljoin(url, safe_url_string(urljoin(base, strip_html5_whitespace(href)), encoding="utf-8"))
    except ValueError:  # bogus links
        return None
    if absolute.split("://", 1)[0] not in _SCHEMES:
        return None
    if posixpath.splitext(urlsplit(absolute).path)[1].lower() in IGNORED_EXTENSIONS:
        return None
    return absolute


def _join(base: str, href: str) -> str | None:
    try:
        return urljoin(base, href)
    except ValueError:
        return None
