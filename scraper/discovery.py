"""Pure discovery helpers: sitemaps, feeds and page links, as URLs to fetch."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.etree
from scrapy.utils.sitemap import Sitemap

# Sitemaps of posts only, by the names SEO plugins and WordPress core give them: Yoast, Rank Math
# and AIOSEO post-sitemap.xml, core wp-sitemap-posts-post-1.xml, Wix blog-posts-sitemap.xml, sitemap-posts.xml.
_POST_SITEMAP = re.compile(
    r"^(?:(?:blog[-_])?(?:posts?|blog|articles?|news)[-_]sitemap|sitemap[-_](?:posts?|blog|articles?|news)"
    r"|wp-sitemap-posts-post-)[-_\d]*\.xml", re.I)
# WordPress's other views of a post, not worth a request: comment-reply links, shortlinks,
# attachment and trackback pages, paginated comments, embeds, the login and admin pages.
WP_DUPLICATE_VIEWS = (r"[?&](?:replytocom|p|page_id|attachment_id)=\d", r"/(?:trackback|embed|comment-page-\d+)/?$",
                      r"/wp-login\.php", r"/wp-admin/")
# WordPress archives (date, category, tag and author pages, their pagination, search): they only
# list posts, which the site's sitemap or API lists already.
_WP_ARCHIVE_PATH = re.compile(r"/(?:\d{4}(?:/\d{2}){0,2}|category/.+|tag/.+|author/.+|(?:.+/)?page/\d+)/?$")
_WP_ARCHIVE_QUERY = re.compile(r"(?:^|&)(?:cat|tag|m|author|s|paged)=")


def is_wp_archive(url: str) -> bool:
    """Whether a URL is one of WordPress's archive pages.

    >>> [is_wp_archive(u) for u in ("https://c.test/2024/05/", "https://c.test/2024/05/knee-pain/",
    ...                             "https://c.test/category/news/page/2/", "https://c.test/?s=knee")]
    [True, False, True, True]
    """
    parts = urlsplit(url)
    return bool(_WP_ARCHIVE_PATH.search(parts.path) or _WP_ARCHIVE_QUERY.search(parts.query))


def is_comment_feed(feed_url: str, title: str = "", page_url: str | None = None) -> bool:
    """Whether a feed lists comments, not posts: WordPress's comments feed, or the feed of
    the single post `page_url` (a feed below the page, on a page that is no archive or home).

    >>> is_comment_feed("https://c.test/knee-pain/feed/", "Clinic » Knee Pain", "https://c.test/knee-pain/")
    True
    >>> is_comment_feed("https://c.test/feed/", "Clinic » Feed", "https://c.test/")
    False
    """
    parts = urlsplit(feed_url)
    if "comments" in title.lower() or parts.path.rstrip("/").endswith("/comments/feed") \
            or "feed=comments" in parts.query:
        return True
    if page_url is None or urlsplit(page_url).path.strip("/") == "" or is_wp_archive(page_url):
        return False
    return feed_url.rstrip("/") == page_url.rstrip("/") + "/feed"


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


# Sitemaps of category, tag and author archives: Yoast's, Rank Math's, Wix's and WordPress core's.
_ARCHIVE_SITEMAP = re.compile(
    r"^(?:(?:blog[-_])?(?:categor(?:y|ies)|post_tag|tags?|authors?|product_cat)[-_]sitemap"
    r"|wp-sitemap-(?:taxonomies|users)-)[-_\w]*\.xml", re.I)


def lists_archives(sitemap_url: str) -> bool:
    """Whether a sitemap's name says it lists category, tag or author archives.

    >>> lists_archives("https://c.test/wp-sitemap-taxonomies-category-1.xml"), lists_archives("https://c.test/post-sitemap.xml")
    (True, False)
    """
    name = sitemap_url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return bool(_ARCHIVE_SITEMAP.match(name.removesuffix(".gz")))


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
    published: str | None = None  # UTC, as the API's date_gmt
    authors: tuple[str, ...] | None = None  # the post's author's display name, embedded
    categories: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None


def parse_wp_posts(body: bytes) -> Iterator[WpPost]:
    """Posts of a WordPress REST API listing (/wp-json/wp/v2/posts), with the author and terms
    WordPress embeds (`_embed=author,wp:term`); anything else yields nothing."""
    try:
        posts = json.loads(body)
    except ValueError:
        return
    if not isinstance(posts, list):
        return
    for post in posts:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            modified, published = post.get("modified_gmt"), post.get("date_gmt")
            embedded = post.get("_embedded") if isinstance(post.get("_embedded"), dict) else {}
            yield WpPost(url=post["link"], modified=f"{modified}Z" if isinstance(modified, str) else None,
                         published=f"{published}Z" if isinstance(published, str) else None,
                         authors=_names(embedded.get("author")), categories=_terms(post, "category"),
                         tags=_terms(post, "post_tag"))


def _names(objects) -> tuple[str, ...] | None:
    """Names of embedded objects; None when WordPress embedded none (or only errors: a
    security plugin may hide users)."""
    if not isinstance(objects, list):
        return None
    names = tuple(html.unescape(o["name"]).strip() for o in objects  # the API escapes & as &amp;
                  if isinstance(o, dict) and isinstance(o.get("name"), str) and o["name"].strip())
    return names or None


def _terms(post: dict, taxonomy: str) -> tuple[str, ...] | None:
    """The post's terms of one taxonomy: embedded wp:term lists come in the order of its
    _links' wp:term entries, which name the taxonomy (an empty list: no terms)."""
    links = (post.get("_links") or {}).get("wp:term") if isinstance(post.get("_links"), dict) else None
    groups = (post.get("_embedded") or {}).get("wp:term") if isinstance(post.get("_embedded"), dict) else None
    if not isinstance(links, list) or not isinstance(groups, list):
        return None
    for link, group in zip(links, groups):
        if isinstance(link, dict) and link.get("taxonomy") == taxonomy and isinstance(group, list):
            return _names(group) or ()
    return None
