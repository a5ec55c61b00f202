"""Main content: find the post body, drop boilerplate, let trafilatura pick the text.

trafilatura decides what is content; our rules narrow the page to the post body first
(platform selectors) and strip the clinic-site noise it lets through (forms, author boxes).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
import trafilatura
from lxml import etree

from archive.extract import vocab
from archive.extract.byline_text import looks_like_byline
from archive.extract.markdown import render_markdown, render_sections, render_text
from archive.extract.page import Page, text_content, text_of
from archive.extract.profile import drop_boilerplate_blocks
from archive.extract.scan import Scan
from archive.records import Section

MIN_BODY_WORDS = 60
MAIN_SHARE = 0.6
# A platform container this short may be a fragment of the post (a lead, one block of a page
# builder): the whole page is judged too, and wins when it reads this many times longer.
SHORT_BODY_WORDS = 200
WHOLE_PAGE_GAIN = 2.0
MAX_WIDGET_WORDS = 120
TOC_MIN_LINK_SHARE = 0.5
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_INLINE_FORMATTING = {"u", "b", "i", "em", "strong", "span", "font", "small"}
# One walk of the subtree, where the XPath union of these (".//p | .//li | ...") takes one per
# tag and then sorts: 40% less time, and the same elements.
_PARAGRAPH_TAGS = ("p", "li", "td", "blockquote", "h2", "h3", "pre")


@dataclass
class Body:
    text: str
    markdown: str
    selector: str | None  # the selector that found the body container, None for the whole page
    container: lxml.html.HtmlElement | None  # that container, in the page's tree
    main: etree._Element | None = None  # trafilatura's body element (p, head, list, table ...)
    sections: list[Section] = field(default_factory=list)


def _body(main, selector: str | None, container, boilerplate: frozenset[str] = frozenset()) -> Body:
    drop_boilerplate_blocks(main, boilerplate)
    sections = render_sections(main)
    return Body(render_text(sections), render_markdown(main), selector, container, main, sections)


def find_body_container(page: Page) -> tuple[str, lxml.html.HtmlElement] | None:
    """The most specific platform container that holds most of the page's running text.

    Selectors are tried from most to least specific (.entry-content before article);
    the first whose best element holds at least MAIN_SHARE of the largest candidate's
    paragraph words wins, so a teaser's .entry-content never beats the real post.
    """
    candidates = []
    for css in vocab.BODY_SELECTORS:
        scored = [(e, _paragraph_words(e)) for e in page.scan.by_selector.get(css, [])]
        best = max(scored, key=lambda pair: pair[1], default=None)
        if best and best[1] >= MIN_BODY_WORDS:
            candidates.append((css, *best))
    if not candidates:
        return None
    largest = max(words for _, _, words in candidates)
    return next((css, e) for css, e, words in candidates if words >= MAIN_SHARE * largest)


def extract_body(page: Page, found: tuple[str, lxml.html.HtmlElement] | None,
                 boilerplate: frozenset[str] = frozenset()) -> Body | None:
    """The post body as text and Markdown, or None when no content is found.

    found is find_body_container(page); boilerplate, the blocks the site's profile says its
    posts repeat (archive.extract.profile). Judging the whole page consumes page.tree (no copy
    of a large tree): call this after every step that reads the page.
    """
    focused = None
    if found:
        css, container = found
        main = _main_text(page, _focused_document(container), focused=True)
        words = _words(main)
        if words >= 0.3 * _paragraph_words(container):
            if words >= SHORT_BODY_WORDS:
                return _body(main, css, container, boilerplate)
            focused = (main, css, container, words)
        # trafilatura rejected most of the container: judge the whole page instead
    main = _main_text(page, page.tree, focused=False)
    if focused and (main is None or _words(main) < WHOLE_PAGE_GAIN * focused[3]):
        # a short container is kept unless the whole page reads as a much longer post
        return _body(*focused[:3], boilerplate)
    if main is None:
        return None
    return _body(main, None, None, boilerplate)


def _words(main) -> int:
    return len(" ".join(main.itertext()).split()) if main is not None else 0


def _focused_document(container):
    document = lxml.html.document_fromstring("<html><body><article></article></body></html>")
    document.find(".//article").append(copy.deepcopy(container))
    return document


def _main_text(page: Page, document, focused: bool):
    """trafilatura's main-content element (p, head, list, table, quote ...) or None."""
    base_url = page.base_url  # read before the page's <head> goes
    if document is page.tree:  # its one pass has found the candidates
        page.consumed = True
        _drop_boilerplate(document, page.scan.boilerplate)
        for head in document.findall("head"):
            # No body text in it, yet trafilatura's fallbacks took its <title> for the first
            # paragraph, and every one of its passes and copies walked it.
            document.remove(head)
    else:
        _drop_boilerplate(document, Scan(document.iter()).boilerplate)
    record = trafilatura.bare_extraction(
        document,
        url=None,  # we resolve the body's links below: courlan would resolve every link on the page
        fast=focused,  # inside a platform container the fallback extractors add nothing
        favor_recall=focused,
        include_formatting=True,
        include_links=True,
        include_tables=True,
        include_images=False,
        include_comments=False,
        with_metadata=False,
        deduplicate=False,
        output_format="txt",  # we render the body ourselves: skips trafilatura's text rendering
    )
    main = getattr(record, "body", None)
    if main is None or not len(main):
        return None
    for ref in main.iter("ref"):
        if ref.get("target") and base_url:
            try:
                ref.set("target", urljoin(base_url, ref.get("target")))
            except ValueError:  # a malformed href ("http://[x") stays as written
                pass
    return main


def _paragraph_words(element, counted: dict | None = None) -> int:
    """Words in the paragraphs under element; `counted` keeps each paragraph's count, for
    callers that ask about nested elements of a tree they don't change in between."""
    if counted is None:
        return sum(len(text_content(p).split()) for p in element.iterdescendants(_PARAGRAPH_TAGS))
    total = 0
    for paragraph in element.iterdescendants(_PARAGRAPH_TAGS):
        words = counted.get(paragraph)
        if words is None:
            words = counted[paragraph] = len(text_content(paragraph).split())
        total += words
    return total


def _drop_boilerplate(document, candidates) -> None:
    """Remove the site chrome and promotions among candidates, Scan.boilerplate of document."""
    # Candidates come in document order, an element before the ones inside it, so a paragraph
    # counted here loses nothing before the last candidate that holds it is judged.
    counted: dict = {}
    total = _paragraph_words(document, counted) or 1
    removed: set = set()  # everything inside the elements removed so far
    # An unclosed <li> in a menu nests the rest of the page in the <nav>: what holds <main> is no widget.
    holds_main = {ancestor for main in document.iter("main") for ancestor in main.iterancestors()}
    rest = max(1, total - _chrome_words(document, candidates, counted, holds_main))
    for element, reason in candidates:
        if element in removed or element.tag in ("html", "body") or element in holds_main:
            continue
        if reason == "name" and element.tag in _HEADINGS:
            continue  # "TOC_TITLE" on a real heading names its table-of-contents entry
        if reason == "name" and _toc_target(element):
            continue
        words = _paragraph_words(element, counted) if element.tag not in ("script", "style") else 0
        # Widgets are small: a name match on a big block ("modal-enabled", "enable-pin-share")
        # is a wrapper of the post, and trafilatura judges it instead.
        limit = total / 2 if reason != "name" else max(MAX_WIDGET_WORDS, total / 5)
        # ... and so is one holding most of what the site chrome leaves, however big the menus.
        if words < limit and not (reason == "name" and words > MAX_WIDGET_WORDS and words > rest / 2):
            removed.update(element.iter())
            _remove(element)
    for heading in document.iter("h1"):
        _remove(heading)  # the title is its own field
    for link in document.iter("a"):
        for child in list(link):  # trafilatura turns <a><u>PubMed</u></a> into underline, losing the link
            if child.tag in _INLINE_FORMATTING:
                child.drop_tag()
    for figure in document.iter("figure"):
        if figure.find(".//blockquote") is not None or figure.find(".//table") is not None:
            figure.tag = "div"  # trafilatura drops every <figure>: Gutenberg tables and pull quotes too
            for caption in figure.iter("figcaption"):
                caption.tag = "p"  # the quote's attribution or the table's title
    _drop_byline_paragraphs(document)
    _drop_disclaimer_statements(document)


def _chrome_words(document, candidates, counted, holds_main) -> int:
    """Paragraph words in the outermost tag and attribute candidates that _drop_boilerplate removes."""
    total = _paragraph_words(document, counted)
    inside: set = set()
    words = 0
    for element, reason in candidates:
        if reason == "name" or element in inside or element.tag in ("html", "body") or element in holds_main:
            continue
        count = _paragraph_words(element, counted) if element.tag not in ("script", "style") else 0
        if count < total / 2:
            words += count
            inside.update(element.iter())
    return words


def _toc_target(element) -> bool:
    """A section a table of contents points at ("toc-para", "no_toc_section", id "toc_why-invest"),
    not the table itself: on WCXB dev every table of contents named so is at least half link
    text, and the named sections of prose that were dropped held none."""
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if "toc" not in names or any(name in names for name in vocab.BOILERPLATE_NAMES if "toc" not in name):
        return False
    words = len(text_of(element).split())
    linked = sum(len(text_of(link).split()) for link in element.iter("a"))
    return words > 0 and linked < TOC_MIN_LINK_SHARE * words


def _drop_disclaimer_statements(document) -> None:
    """"This article is for informational purposes only ...": the disclaimer is its own field."""
    for paragraph in list(document.iter("p")):
        text = text_content(paragraph)
        if ("purpose" in text or "educat" in text) and vocab.DISCLAIMER_STATEMENT.match(text):
            _remove(paragraph)


def _drop_byline_paragraphs(document) -> None:
    """Bylines typed into the body ("Written by ... | Medically reviewed by ...") are people, not text."""
    for paragraph in list(document.iter("p"))[:8]:
        text = text_of(paragraph)
        if looks_like_byline(text):
            _remove(paragraph)


def _remove(element) -> None:
    """Remove an element but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
