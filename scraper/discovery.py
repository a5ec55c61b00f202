"""Pure discovery helpers: sitemaps, feeds and page links, as URLs to fetch."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree
from scrapy.utils.sitemap import Sitemap

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# Sitemaps of posts only, by the names SEO plugins and WordPress core give them: Yoast, Rank Math
# and AIOSEO post-sitemap.xml, core wp-sitemap-posts-post-1.xml, Wix blog-posts-sitemap.xml, sitemap-posts.xml.
_POST_SITEMAP = re.compile(
    r"^(?:(?:blog[-_])?(?:posts?|blog|articles?|news)[-_]sitemap|sitemap[-_](?:posts?|blog|articles?|news)"
    r"|wp-sitemap-posts-post-)[-_\d]*\.xml", re.I)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None
    is_sitemap: bool


def parse_sitemap(body: bytes) -> Iterator[SitemapEntry]:
    """Entries of a sitemap index (child sitemaps) or urlset (pages, with lastmod)."""
    try:
        sitemap = Sitemap(body)
    except lxml.etree.XMLSyntaxError:
        return
    is_index = sitemap.type == "sitemapindex"
    for entry in sitemap:
        loc = entry.get("loc")
        if loc:
            yield SitemapEntry(url=loc.strip(), lastmod=entry.get("lastmod"), is_sitemap=is_index)


def lists_posts(sitemap_url: str) -> bool:
    """Whether a sitemap's name says it lists only posts.

    >>> lists_posts("https://clinic.test/post-sitemap2.xml"), lists_posts("https://clinic.test/page-sitemap.xml")
    (True, False)
    """
    name = sitemap_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return bool(_POST_SITEMAP.match(name.removesuffix(".gz")))


def is_sitemap(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def is_feed(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<rss" in head or (b"<feed" in head and b"atom" in head)


def parse_feed(body: bytes) -> Iterator[str]:
    """Item links of an RSS 2.0 or Atom feed."""
    try:
        root = lxml.etree.fromstring(body, parser=lxml.etree.XMLParser(resolve_entities=False,
                                                                        no_network=True, recover=True))
    except lxml.etree.XMLSyntaxError:
        return
    if root is None:
        return
    for link in root.iterfind(".//item/link"):
        if link.text and link.text.strip():
            yield link.text.strip()
    for link in root.iterfind(".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            yield link.get("href")


@dataclass(frozen=True)
class WpPost:
    url: str
    modified: str | None  # UTC, as the API's modified_gmt


def parse_wp_posts(body: bytes) -> Iterator[WpPost]:
    """Posts of a WordPress REST API listing (/wp-json/wp/v2/posts); anything else yields nothing."""
    try:
        posts = json.loads(body)
    except ValueError:
        return
    if not isinstance(posts, list):
        return
    for post in posts:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            modified = post.get("modified_gmt")
            yield WpPost(url=post["link"], modified=f"{modified}Z" if isinstance(modified, str) else None)
