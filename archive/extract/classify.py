"""Tell blog posts from listings (indexes, categories, tags, authors) and other pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from archive.extract import vocab
from archive.extract.metadata import article_node
from archive.extract.page import Page, jsonld_types, text_of
from archive.extract.regions import around_post

MIN_ARTICLE_WORDS = 50
MIN_UNMARKED_ARTICLE_WORDS = 150


@dataclass
class Evidence:
    """What the other extraction steps found, which classification weighs."""

    body_words: int
    teasers: tuple[int, int, bool] = (0, 0, False)  # from count_teasers(), before the tree is consumed
    has_date: bool = False
    has_people: bool = False


def classify(page: Page, evidence: Evidence) -> tuple[str, str]:
    """('article' | 'listing' | 'other', reason)."""
    types = set().union(*(jsonld_types(node) for node in page.jsonld)) if page.jsonld else set()
    listing_types = types & vocab.LISTING_TYPES
    article = article_node(page)
    words = evidence.body_words
    if listing_types and not article:
        return "listing", f"JSON-LD says {sorted(listing_types)[0]}"
    url = urlsplit(page.url or "")
    if page.url and url.path in ("", "/") and not url.query and not article:
        return "other", "site home page"
    marked = marked_as_article(page)
    if marked and words >= MIN_ARTICLE_WORDS:
        source = "JSON-LD " + sorted(jsonld_types(article))[0] if article else "og:type article"
        return "article", f"{source} and a body of {words} words"
    teasers, teaser_words, platform = evidence.teasers
    if (teasers >= 2 and teaser_words >= 0.5 * max(words, 1)) or (platform and not marked):
        return "listing", f"{teasers} post teaser{'s' if teasers != 1 else ''} hold most of the text"
    if page.url and vocab.LISTING_URL.search(page.url) and not marked:
        return "listing", "URL of an index, category, tag or author page"
    if marked:
        return "other", f"body has {words} words, fewer than {MIN_ARTICLE_WORDS}"
    if words >= MIN_UNMARKED_ARTICLE_WORDS and (evidence.has_date or evidence.has_people):
        found = " and ".join(w for w, ok in (("a date", evidence.has_date), ("a byline", evidence.has_people)) if ok)
        return "article", f"{words} words of main text with {found}, no article markup"
    return "other", "no article markup (JSON-LD Article/BlogPosting, og:type article) and no dated main text"


def marked_as_article(page: Page) -> bool:
    """JSON-LD Article/BlogPosting or og:type article: a post even without a date or byline."""
    return bool(article_node(page)) or (page.first_meta("og:type") or "").lower() == "article"


def count_teasers(page: Page, body_container) -> tuple[int, int, bool]:
    """(teaser count, words in teasers, whether a platform teaser was seen), counting only
    teasers outside the post itself: not around the h1 or the body container."""
    wrappers = around_post(page, body_container)
    seen = []
    for css in vocab.PLATFORM_TEASER_SELECTORS + vocab.GENERIC_TEASER_SELECTORS:
        found = [e for e in page.scan.by_selector.get(css, []) if e not in wrappers and _is_teaser(e)]
        if found:
            words = sum(len(text_of(e).split()) for e in found)
            seen.append((len(found), words, css in vocab.PLATFORM_TEASER_SELECTORS))
    if not seen:
        return 0, 0, False
    count, words, _ = max(seen)
    return count, words, any(platform for _, _, platform in seen)


def _is_teaser(element) -> bool:
    return bool(element.xpath(".//*[self::h1 or self::h2 or self::h3 or self::h4]")
                and (element.xpath(".//a[@href]") or element.xpath("ancestor::a[@href]")))
