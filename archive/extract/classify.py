"""Tell blog posts from listings (indexes, categories, tags, authors) and other pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from archive.extract import vocab
from archive.extract.metadata import article_node
from archive.extract.page import Page, jsonld_types

MIN_ARTICLE_WORDS = 150


def classify(page: Page, word_count: int) -> tuple[str, str]:
    """('article' | 'listing' | 'other', reason)."""
    types = set().union(*(jsonld_types(node) for node in page.jsonld)) if page.jsonld else set()
    listing_types = types & vocab.LISTING_TYPES
    article = article_node(page)
    og_type = (page.first_meta("og:type") or "").lower()
    if listing_types and not article:
        return "listing", f"JSON-LD says {sorted(listing_types)[0]}"
    has_article_markup = bool(article) or og_type == "article"
    if has_article_markup and word_count >= MIN_ARTICLE_WORDS:
        source = "JSON-LD " + sorted(jsonld_types(article))[0] if article else "og:type article"
        return "article", f"{source} and a body of {word_count} words"
    if page.url and urlsplit(page.url).path in ("", "/") and not urlsplit(page.url).query:
        return "other", "site home page"
    platform_teasers = _teaser_count(page, vocab.PLATFORM_TEASER_SELECTORS)
    teasers = max(platform_teasers, _teaser_count(page, vocab.GENERIC_TEASER_SELECTORS))
    if teasers >= 2 or platform_teasers == 1:
        return "listing", f"{teasers} post teaser{'s' if teasers > 1 else ''}"
    if page.url and vocab.LISTING_URL.search(page.url):
        return "listing", "URL of an index, category, tag or author page"
    if page.tree.xpath("//link[@rel='next' or @rel='prev'] | //a[@rel='next' or @rel='prev']"):
        return "listing", "paginated, with no article markup"
    if has_article_markup:
        return "other", f"body has {word_count} words, fewer than {MIN_ARTICLE_WORDS}"
    return "other", "no article markup (JSON-LD Article/BlogPosting, og:type article)"


def _teaser_count(page: Page, selectors: list[str]) -> int:
    """Most repeated teaser containers, each holding a heading and a link."""
    best = 0
    for selector in selectors:
        count = sum(
            1 for element in page.tree.cssselect(selector)
            if element.xpath(".//*[self::h2 or self::h3 or self::h4]")
            and (element.xpath(".//a[@href]") or element.xpath("ancestor::a[@href]"))
        )
        best = max(best, count)
    return best
