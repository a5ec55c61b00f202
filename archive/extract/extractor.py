"""extract() and read_page(): HTML bytes and a URL in, an Article or a NotArticle out."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from archive.extract import EXTRACTOR_VERSION
from archive.extract.api import api_published, weigh_api
from archive.extract.classify import (
    Evidence,
    classify,
    count_child_links,
    count_priced_cards,
    count_shop_buttons,
    count_teasers,
    marked_as_article,
    prose_signals,
    sentence_share,
)
from archive.extract.content import extract_body, find_body_container
from archive.extract.date_guess import guess_published
from archive.extract.frontier import PageLinks, page_links
from archive.extract.hooks import apply_hooks
from archive.extract.links import body_images, body_links, find_image
from archive.extract.metadata import (
    day_in_month,
    detect_language,
    find_canonical,
    find_description,
    find_language,
    find_modified,
    find_published,
    find_reviewed,
    find_site_name,
    find_title,
    modified_as_published,
    month_only,
)
from archive.extract.overrides import override_authors, override_container, override_published
from archive.extract.page import Page, UnparseablePage, decode_html, parse_page
from archive.extract.page_people import find_people
from archive.extract.profile import SiteProfile, template_of
from archive.extract.promos import find_ctas, find_disclaimer
from archive.extract.references import find_references
from archive.extract.regions import Elsewhere
from archive.extract.terms import find_breadcrumbs, find_categories, find_tags
from archive.records import Article, CrawlEvidence, DateValue, NotArticle

log = logging.getLogger(__name__)

def extract(html: bytes | str, url: str | None = None, selectors: Mapping[str, str] | None = None,
            evidence: CrawlEvidence | None = None, profile: SiteProfile | None = None) -> Article | NotArticle:
    """Extract the blog post on a page.

    Returns an Article, or a NotArticle whose kind ('listing', 'other') and reason say why
    the page is not a post. Raises only MemoryError: scraped pages are hostile input, and
    unreadable ones (binary, empty, too large) come back as NotArticle with the reason.
    `selectors` are a site's CSS overrides ({'body', 'author', 'date'}) and 'hooks', functions
    given a BeautifulSoup of the page (see archive.extract.hooks and sites.example.toml).
    `evidence` is what the crawl knows: a page the site lists as a post (WordPress API, post
    sitemap, feed) is kept as one without article markup, and the site's modified time is
    recorded where the page shows none. `profile` is what the site's other pages taught
    (archive.extract.profile): blocks its posts all repeat leave the body, and a page on a
    template whose pages are nearly all posts is kept as one.
    """
    return read_page(html, url, selectors, evidence, profile)[0]


def read_page(html: bytes | str, url: str | None = None, selectors: Mapping[str, str] | None = None,
              evidence: CrawlEvidence | None = None, profile: SiteProfile | None = None, *,
              links: bool = False) -> tuple[Article | NotArticle, PageLinks | None]:
    """extract(), and with `links` what the page links to (PageLinks, empty for an unreadable
    page), read from the same parse."""
    found = PageLinks() if links else None
    try:
        page = parse_page(html, url)
        if links:
            found = page_links(page)
        return _extract(page, html, url, selectors or {}, evidence or CrawlEvidence(), profile or SiteProfile()), found
    except UnparseablePage as err:
        return NotArticle(url=url, kind="other", reason=f"unreadable: {err}"), found
    except RecursionError:
        return NotArticle(url=url, kind="other", reason="unreadable: document nested too deeply"), found
    except MemoryError:
        raise  # over the worker's memory budget (archive.reading says so)
    except Exception as err:  # an extractor bug must not stop a crawl; the reason records it
        log.exception("extraction failed for %s", url)
        return NotArticle(url=url, kind="other", reason=f"extractor error: {type(err).__name__}: {err}"), found


def links_of(html: bytes | str, url: str) -> PageLinks:
    """What a page links to, without extracting it (a page unchanged since its last reading)."""
    try:
        return page_links(parse_page(html, url))
    except (UnparseablePage, RecursionError):
        return PageLinks()


def _extract(page: Page, html: bytes | str, url: str | None, selectors: Mapping[str, str],
             crawl: CrawlEvidence, profile: SiteProfile) -> Article | NotArticle:
    steps = _Steps(url)
    found = steps.run("selectors.body", None, override_container, page, selectors) or find_body_container(page)
    container = found[1] if found else None
    # Everything that reads the page comes first: extract_body() may consume the tree.
    elsewhere = Elsewhere(page, container)
    title = find_title(page)
    authors, reviewers = steps.run("people", ([], []), find_people, page, container)
    authors = steps.run("selectors.author", None, override_authors, page, selectors) or authors
    published = (steps.run("selectors.date", None, override_published, page, selectors)
                 or steps.run("published", None, find_published, page, elsewhere))
    published = api_published(published, crawl)
    fields = dict(
        url=url or find_canonical(page) or "",
        canonical_url=steps.run("canonical_url", None, find_canonical, page),
        site_name=steps.run("site_name", None, find_site_name, page),
        description=steps.run("description", None, find_description, page),
        modified=steps.run("modified", None, find_modified, page, elsewhere) or _site_modified(crawl),
        reviewed=steps.run("reviewed", None, find_reviewed, page),
        categories=steps.run("categories", [], find_categories, page, elsewhere),
        tags=steps.run("tags", [], find_tags, page, elsewhere),
        breadcrumbs=steps.run("breadcrumbs", [], find_breadcrumbs, page),
        image=steps.run("image", None, find_image, page),
        images=steps.run("images", [], body_images, container, page.base_url),
        ctas=steps.run("ctas", [], find_ctas, page),
        disclaimer=steps.run("disclaimer", None, find_disclaimer, page),
    )
    authors, fields["categories"], fields["tags"], sources = weigh_api(crawl, authors, fields["categories"],
                                                                       fields["tags"])
    teasers = steps.run("teasers", (0, 0, False), count_teasers, page, container)
    # Only an unmarked page without a date or byline is judged by its prose (see classify).
    shop_buttons = 0 if published or authors or marked_as_article(page) else \
        steps.run("shop_buttons", 0, count_shop_buttons, page)
    child_links = 0 if published or marked_as_article(page) else \
        steps.run("child_links", 0, count_child_links, page, container)
    priced_cards = 0 if published or marked_as_article(page) else \
        steps.run("priced_cards", 0, count_priced_cards, page, container)
    template = template_of(page, found[0] if found else None)
    body = extract_body(page, found, profile.boilerplate)
    link_share, long_paragraphs = prose_signals(body.main) if body else (0.0, 0)
    evidence = Evidence(body_words=len(body.text.split()) if body else 0, teasers=teasers,
                        has_date=published is not None, has_people=bool(authors),
                        link_share=link_share, long_paragraphs=long_paragraphs,
                        sentence_share=sentence_share(body.text) if body else 0.0, shop_buttons=shop_buttons,
                        title_words=len((title or "").split()), listed_in=crawl.listed_in,
                        template_posts=profile.template_posts(template), child_links=child_links,
                        priced_cards=priced_cards)
    kind, reason = classify(page, evidence)
    if kind != "article" or body is None or not title:
        if kind == "article":
            kind, reason = "other", "no title found" if body else "no main content found"
        return NotArticle(url=url, kind=kind, reason=reason, title=title,
                          body_text=body.text if body else None, template=template)
    # Only a post our rules can't date, or date only to the month of its URL, needs htmldate's guess.
    language = steps.run("language", None, find_language, page, body.text)
    if published is None or month_only(published, url):
        published = day_in_month(published, modified_as_published(fields["modified"])
                                 or steps.run("published.guess", None, guess_published, page,
                                              (language, detect_language(body.text))))
    article = Article(
        title=title,
        body_text=body.text,
        body_markdown=body.markdown,
        language=language,
        authors=authors,
        reviewers=reviewers,
        published=published,
        sections=body.sections,
        references=steps.run("references", [], find_references, body.main),
        links=steps.run("links", [], body_links, body.main, url),
        extractor_version=EXTRACTOR_VERSION,
        reason=reason,
        extraction_errors=steps.errors,
        template=template,
        sources=sources,
        **fields,
    )
    if selectors.get("hooks"):
        article = apply_hooks(html if isinstance(html, str) else decode_html(html), article, selectors["hooks"])
    return article


def _site_modified(crawl: CrawlEvidence) -> DateValue | None:
    """The site's own word on when the page changed, for a page that shows no modified date."""
    if not (crawl.modified and crawl.modified_source):
        return None
    return DateValue(crawl.modified, crawl.modified_source,
                     f"the page shows no modified date; the site's {crawl.modified_source} says when it changed")


class _Steps:
    """Runs the steps that find one optional field each. A bug in one costs that field, not
    the record: the field keeps its empty default and the error is recorded with the article."""

    def __init__(self, url: str | None):
        self.url = url
        self.errors: list[str] = []

    def run(self, name: str, default, step, *args):
        try:
            return step(*args)
        except RecursionError:
            raise  # the whole page is too deep: extract() reports it as unreadable
        except Exception as err:
            log.exception("extracting %s failed for %s", name, self.url)
            self.errors.append(f"{name}: {type(err).__name__}: {err}")
            return default
