"""Tell blog posts from listings (indexes, categories, tags, authors) and other pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from archive.extract import vocab
from archive.extract.metadata import article_node
from archive.extract.page import Page, jsonld_types, text_of
from archive.extract.regions import around_post
from archive.records import POST_LISTINGS

MIN_ARTICLE_WORDS = 50
MIN_UNMARKED_ARTICLE_WORDS = 150
# Unmarked, undated prose: a post unless it reads like an index or a shop.
LONG_PARAGRAPH_WORDS = 40
MIN_LONG_PARAGRAPHS = 3
MAX_LINK_SHARE = 0.2  # of the body's words inside links; teaser lists are mostly link text
RELATED_POSTS_SHARE = 0.2  # of the body's words, at most, in a post's related-post cards
LISTING_LINK_SHARE = 0.3  # even marked as a post: no post of the dev set comes near it
# A shop page has a cart button per product; prices alone don't tell (posts about costs have many).
MAX_SHOP_BUTTONS = 1
# "News", "Sofas & Couches": an index or shop section is named in a word or two, a post isn't.
MIN_UNMARKED_TITLE_WORDS = 3
# Short paragraphs of full sentences are prose too, if weaker evidence. On WCXB dev, of the unmarked,
# undated pages of 150+ words under a 5+ word title, short of 3 long paragraphs but with 60%+ of
# their words in sentences of 10+ words, and not declaring og:type website (how site builders such
# as Wix mark their static pages), were 5 articles, 4 service, 1 doc and 1 forum page, and no
# listing or collection; a 4-word title let in a shop's category page too.
SENTENCE_WORDS = 10
MIN_SENTENCE_SHARE = 0.6
MIN_SENTENCE_TITLE_WORDS = 5
_SENTENCE_END = re.compile(r"[.!?:;\"”)]$")
# Marked as a post, an index still shows itself: 10+ post teasers holding twice the words of its
# main text, and no byline (news sites print og:type article on their section pages).
MIN_MARKED_INDEX_TEASERS = 10
# A category page links to the pages under its own path (/shoes/ to /shoes/boots, /shoes/heels);
# on WCXB dev 6 undated unmarked listings do it 5+ times outside the main text, no such article does.
MIN_CHILD_LINKS = 5
# A shop's category page shows its products as cards with a price each; on WCXB dev 21 undated
# unmarked pages show 6+ beside the main text (13 listings, 2 of them kept as posts before, 6 product
# and 2 service pages), no article does (the most an undated unmarked post shows is 4).
MIN_PRICED_CARDS = 6
MAX_CARD_WORDS = 80
_PRICE = re.compile(r"[$£€]\s?\d|\d\s?€")
_PRICE_TEXT = "//text()[contains(., '$') or contains(., '£') or contains(., '€')]"
# WordPress marks its static pages (services, about, contact) apart from posts.
_WORDPRESS_PAGE = re.compile(r"(?:^|\s)(?:type-page|page-id-\d+)(?:\s|$)")
_LISTING_NAMES = {"wp-api": "WordPress API", "post-sitemap": "post sitemap", "feed": "feed"}
# Lower-case, matched on lower-cased text: what re.I would find, in a sixth of the time.
_SHOP_BUTTON = re.compile(r"add to (?:cart|bag|basket|wishlist)|quick (?:view|shop|add)|sold out|in stock")
_SHOP_BUTTON_ANY_CASE = re.compile(_SHOP_BUTTON.pattern, re.I)


@dataclass
class Evidence:
    """What the other extraction steps found, which classification weighs."""

    body_words: int
    teasers: tuple[int, int, bool] = (0, 0, False)  # from count_teasers(), before the tree is consumed
    has_date: bool = False
    has_people: bool = False
    link_share: float = 0.0  # from prose_signals()
    long_paragraphs: int = 0
    sentence_share: float = 0.0  # from sentence_share()
    shop_buttons: int = 0  # from count_shop_buttons(), before the tree is consumed
    title_words: int = 0
    listed_in: str | None = None  # CrawlEvidence.listed_in: where the site lists the page
    template_posts: tuple[int, int] | None = None  # SiteProfile.template_posts(): (posts, pages) on its template
    child_links: int = 0  # from count_child_links(), before the tree is consumed
    priced_cards: int = 0  # from count_priced_cards(), before the tree is consumed


def classify(page: Page, evidence: Evidence) -> tuple[str, str]:
    """('article' | 'listing' | 'other', reason)."""
    types = set().union(*(jsonld_types(node) for node in page.jsonld)) if page.jsonld else set()
    listing_types = types & vocab.LISTING_TYPES
    article = article_node(page)
    words = evidence.body_words
    if listing_types and not article:
        return "listing", f"JSON-LD says {sorted(listing_types)[0]}"
    template = archive_template(page)
    if template:
        return "listing", f"the page's template is an archive: <body class=\"{template}\">"
    if evidence.link_share >= LISTING_LINK_SHARE:
        return "listing", f"{evidence.link_share:.0%} of the main text is link text"
    url = urlsplit(page.url or "")
    if page.url and url.path in ("", "/") and not article and tracking_only(url.query):
        return "other", "site home page" + (" (with tracking parameters)" if url.query else "")
    marked = marked_as_article(page)
    teasers, teaser_words, platform = evidence.teasers
    if (marked and not evidence.has_people and teasers >= MIN_MARKED_INDEX_TEASERS
            and teaser_words >= 2 * max(words, 1)):
        return "listing", (f"{teasers} post teasers beside the main text hold {teaser_words} words, over twice "
                           f"its {words}, and no byline: an index, though marked as an article")
    # Some sites print og:type article on every page; a section's URL and no byline outweigh it.
    if marked and not article and not evidence.has_people and vocab.SECTION_PAGE_PATH.search(url.path):
        return "listing", f"URL of a category, tag or topic page ({url.path}), og:type article alone and no byline"
    if marked and words >= MIN_ARTICLE_WORDS:
        source = "JSON-LD " + sorted(jsonld_types(article))[0] if article else "og:type article"
        return "article", f"{source} and a body of {words} words"
    if evidence.listed_in in POST_LISTINGS and words >= MIN_ARTICLE_WORDS:
        listing = _LISTING_NAMES[evidence.listed_in]
        return "article", f"listed as a post in the site's {listing} and a body of {words} words"
    if evidence.template_posts and words >= MIN_ARTICLE_WORDS:
        posts, pages = evidence.template_posts
        return "article", f"{posts} of the site's {pages} pages on this template are posts, and a body of {words} words"
    # A platform's teasers make a listing, unless a long post holds them (its related posts).
    related_posts = words >= MIN_UNMARKED_ARTICLE_WORDS and teaser_words < RELATED_POSTS_SHARE * words
    if (teasers >= 2 and teaser_words >= 0.5 * max(words, 1)) or (platform and not marked and not related_posts):
        return "listing", f"{teasers} post teaser{'s' if teasers != 1 else ''} hold most of the text"
    if (page.url and vocab.LISTING_URL.search(page.url) and not marked
            and not vocab.DATED_PERMALINK.search(url.path)):
        return "listing", "URL of an index, category, tag or author page"
    if marked:
        return "other", f"body has {words} words, fewer than {MIN_ARTICLE_WORDS}"
    if not evidence.has_date and evidence.child_links >= MIN_CHILD_LINKS:
        return "listing", (f"{evidence.child_links} links to pages under its own path ({url.path}) "
                           "beside the main text, and no date: a category page")
    if not evidence.has_date and evidence.priced_cards >= MIN_PRICED_CARDS:
        return "listing", (f"{evidence.priced_cards} product cards with prices beside the main text, "
                           "and no date: a shop's category page")
    if words >= MIN_UNMARKED_ARTICLE_WORDS and (evidence.has_date or evidence.has_people):
        found = " and ".join(w for w, ok in (("a date", evidence.has_date), ("a byline", evidence.has_people)) if ok)
        return "article", f"{words} words of main text with {found}, no article markup"
    # Shorter text is a post when dated and bylined, or dated at a dated permalink (/2014/03/20/slug/):
    # 10 such pages of trafilatura-eval, all posts (news items, old blogs), 1 article of WCXB dev,
    # and no listing of either set.
    if words >= MIN_ARTICLE_WORDS and evidence.has_date and evidence.link_share < MAX_LINK_SHARE:
        dated_url = bool(vocab.DATED_PERMALINK.search(url.path))
        if evidence.has_people or dated_url:
            found = "a byline" if evidence.has_people else f"a dated permalink ({url.path})"
            return "article", f"a short post: {words} words of main text with a date and {found}, no article markup"
    if (words >= MIN_UNMARKED_ARTICLE_WORDS and evidence.link_share < MAX_LINK_SHARE
            and evidence.shop_buttons <= MAX_SHOP_BUTTONS and not wordpress_page(page)):
        if evidence.long_paragraphs >= MIN_LONG_PARAGRAPHS and evidence.title_words >= MIN_UNMARKED_TITLE_WORDS:
            return "article", (f"{words} words of prose ({evidence.long_paragraphs} paragraphs of "
                               f"{LONG_PARAGRAPH_WORDS}+ words), no article markup and no listing signals")
        if (evidence.sentence_share >= MIN_SENTENCE_SHARE and evidence.title_words >= MIN_SENTENCE_TITLE_WORDS
                and (page.first_meta("og:type") or "").lower() != "website"):
            return "article", (f"{words} words of prose ({evidence.sentence_share:.0%} in sentences of "
                               f"{SENTENCE_WORDS}+ words) under a title of {evidence.title_words} words, "
                               "no article markup and no listing signals")
    if evidence.shop_buttons > MAX_SHOP_BUTTONS:
        return "other", f"{evidence.shop_buttons} shop buttons (add to cart, quick view ...): a shop page, not a post"
    return "other", "no article markup (JSON-LD Article/BlogPosting, og:type article) and no dated main text"


def tracking_only(query: str) -> bool:
    """Whether a URL's query holds nothing but click tracking (?srsltid=..., ?utm_source=...)."""
    return all(name.lower() in vocab.TRACKING_PARAMS or name.lower().startswith(vocab.TRACKING_PREFIXES)
               for name, _ in parse_qsl(query, keep_blank_values=True))


def marked_as_article(page: Page) -> bool:
    """JSON-LD Article/BlogPosting or og:type article: a post even without a date or byline."""
    return bool(article_node(page)) or (page.first_meta("og:type") or "").lower() == "article"


def prose_signals(main) -> tuple[float, int]:
    """(share of the body's words inside links, paragraphs of LONG_PARAGRAPH_WORDS or more)
    of trafilatura's body element."""
    words = len(" ".join(main.itertext()).split())
    linked = sum(len(" ".join(ref.itertext()).split()) for ref in main.iter("ref"))
    long_paragraphs = sum(1 for p in main.iter("p") if len(" ".join(p.itertext()).split()) >= LONG_PARAGRAPH_WORDS)
    return (linked / words if words else 0.0), long_paragraphs


def sentence_share(text: str) -> float:
    """Share of the body's words in lines of SENTENCE_WORDS or more that end as sentences end:
    prose, where a shop's grid or an index is names, prices and fragments."""
    lines = [line.split() for line in text.splitlines()]
    words = sum(len(line) for line in lines)
    in_sentences = sum(len(line) for line in lines
                       if len(line) >= SENTENCE_WORDS and _SENTENCE_END.search(line[-1]))
    return in_sentences / words if words else 0.0


def wordpress_page(page: Page) -> bool:
    """A WordPress page, not a post: <body class="page page-id-31"> or <article class="type-page">."""
    return any(_WORDPRESS_PAGE.search(element.get("class") or "")
               for element in page.tree.iter("body", "article"))


def archive_template(page: Page) -> str | None:
    """The <body> classes that name an archive template (WordPress "archive category",
    Drupal "path-taxonomy"), or None: such a page lists posts, whatever its og:type says."""
    classes = page.body_classes
    kinds = [c for c in classes if vocab.ARCHIVE_TEMPLATE_KINDS.match(c)] if "archive" in classes else []
    if kinds:
        return f"archive {kinds[0]}"
    return next((c for c in classes if c in vocab.TAXONOMY_TEMPLATE_CLASSES), None)


def count_child_links(page: Page, body_container=None) -> int:
    """Distinct pages of the same site under the page's own path (/shoes/ -> /shoes/boots)
    linked from outside the main text: the items or subcategories of a category page."""
    url = urlsplit(page.url or "")
    path = url.path.rstrip("/")
    if not path:
        return 0
    prefix, host = path + "/", url.netloc.lower().removeprefix("www.")
    inside = set(body_container.iter("a")) if body_container is not None else set()
    children = set()
    for link in page.tree.xpath("//a[contains(@href, $prefix)]", prefix=prefix):  # lxml filters, in C
        href = (link.get("href") or "").strip()
        if not href or link in inside:
            continue
        if href.startswith(prefix):
            target = href
        elif "://" in href[:8] or href.startswith("//"):
            try:
                parts = urlsplit(href)
            except ValueError:
                continue
            if parts.netloc.lower().removeprefix("www.") != host:
                continue
            target = parts.path
        else:
            continue
        target = target.split("#", 1)[0].split("?", 1)[0].rstrip("/")
        if len(target) > len(prefix) and target.startswith(prefix):
            children.add(target)
    return len(children)


def count_priced_cards(page: Page, body_container=None) -> int:
    """The largest group of sibling cards (same parent, tag and class) outside the main text
    that each show a price and a link in at most MAX_CARD_WORDS words: a product grid."""
    text = page.text  # read once per page
    if text.count("$") + text.count("£") + text.count("€") < MIN_PRICED_CARDS:
        return 0
    groups: dict[tuple, set] = {}
    for text in page.tree.xpath(_PRICE_TEXT):
        if not _PRICE.search(text):
            continue
        node = text.getparent()
        if node is None or (body_container is not None and (
                node == body_container or body_container in node.iterancestors())):
            continue
        for _ in range(6):  # the card is the price's element or one of its near ancestors
            parent = node.getparent()
            if parent is None:
                break
            groups.setdefault((parent, node.tag, node.get("class") or ""), set()).add(node)
            node = parent
    best = 0
    for cards in groups.values():
        if len(cards) > best:
            best = max(best, sum(1 for card in cards if _is_card(card)))
    return best


def _is_card(element) -> bool:
    linked = element.tag == "a" or element.find(".//a[@href]") is not None or any(
        a.tag == "a" for a in element.iterancestors())
    return linked and len(text_of(element).split()) <= MAX_CARD_WORDS


def count_shop_buttons(page: Page) -> int:
    text = page.text
    if "İ" in text or "ı" in text or "ſ" in text:  # re.I reads these as i and s, lower() doesn't
        return len(_SHOP_BUTTON_ANY_CASE.findall(text))
    return len(_SHOP_BUTTON.findall(text.lower()))


def count_teasers(page: Page, body_container) -> tuple[int, int, bool]:
    """(teaser count, words in teasers, whether a platform teaser was seen), counting only
    teasers outside the post itself: not around the h1 or the body container."""
    wrappers = around_post(page, body_container)
    seen = []
    for css in vocab.PLATFORM_TEASER_SELECTORS + vocab.GENERIC_TEASER_SELECTORS:
        found = _without_the_post([e for e in page.scan.by_selector.get(css, [])
                                   if e not in wrappers and _is_teaser(e)])
        if found:
            words = sum(len(text_of(e).split()) for e in found)
            seen.append((len(found), words, css in vocab.PLATFORM_TEASER_SELECTORS))
    if not seen:
        return 0, 0, False
    count, words, _ = max(seen)
    return count, words, any(platform for _, _, platform in seen)


def _without_the_post(teasers: list) -> list:
    """Drupal and others wrap the post in the same <article> as its related-post cards: the one
    that holds more words than all the others together, three times over, is the post."""
    if len(teasers) < 2:
        return teasers
    words = [len(text_of(e).split()) for e in teasers]
    largest = max(words)
    if largest >= 3 * (sum(words) - largest):
        return [e for e, count in zip(teasers, words) if count != largest]
    return teasers


_HEADING = "self::h1 or self::h2 or self::h3 or self::h4"
_READ_MORE = ("read more", "learn more", "continue reading")


def _is_teaser(element) -> bool:
    """A card that leads elsewhere: its heading is a link (or the card is one), or it ends in
    "Read more". A section of a post with a heading and links in its prose is no teaser."""
    if not element.xpath(f".//*[{_HEADING}]"):
        return False
    if element.xpath(f"ancestor::a[@href] | .//*[{_HEADING}][.//a[@href] or ancestor::a[@href]]"):
        return True
    return any(text_of(link).lower().startswith(_READ_MORE) for link in element.iter("a") if link.get("href"))
