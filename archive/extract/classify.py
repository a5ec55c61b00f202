"""Tell blog posts from listings (indexes, categories, tags, authors) and other pages."""

from __future__ import annotations

from archive.extract import vocab
from archive.extract.metadata import article_node
from archive.extract.page import Page, jsonld_types

MIN_ARTICLE_WORDS = 150


def classify(page: Page, word_count: int) -> tuple[str, str]:
    """('article' | 'listing' | 'other', reason)."""
    types = set().union(*(jsonld_types(node) for node in page.jsonld)) if page.jsonld else set()
    listing_types = types & vocab.LISTING_TYPES
    teasers = _teaser_count(page)
    og_type = (page.first_meta("og:type") or "").lower()
    has_article_markup = bool(article_node(page)) or og_type == "article" or bool(
        page.first_meta("article:published_time"))
    if listing_types and not article_node(page):
        return "listing", f"JSON-LD says {sorted(listing_types)[0]}"
    if teasers >= 3 and not has_article_markup:
        return "listing", f"{teasers} post teasers and no article markup"
    if teasers >= 3 and og_type != "article":
        return "listing", f"{teasers} post teasers"
    if not has_article_markup:
        return "other", "no article markup (JSON-LD Article/BlogPosting, og:type article)"
    if word_count < MIN_ARTICLE_WORDS:
        return "other", f"body has {word_count} words, fewer than {MIN_ARTICLE_WORDS}"
    return "article", "article markup and a body of %d words" % word_count


def _teaser_count(page: Page) -> int:
    """Most repeated teaser containers, each holding a heading with a link."""
    best = 0
    for selector in vocab.TEASER_SELECTORS:
        count = sum(
            1 for element in page.tree.cssselect(selector)
            if element.xpath(".//*[self::h2 or self::h3 or self::h4]//a[@href]")
        )
        best = max(best, count)
    return best
