"""Main content: find the post body, drop boilerplate, let trafilatura pick the text.

trafilatura decides what is content; our rules narrow the page to the post body first
(platform selectors) and strip the clinic-site noise it lets through (forms, author boxes).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

from archive.extract import vocab
from archive.extract.page import Page, text_of
from archive.extract.people import looks_like_byline
from archive.extract.render import render_markdown, render_text

log = logging.getLogger(__name__)

MIN_BODY_WORDS = 60
_BOILERPLATE = ", ".join(vocab.BOILERPLATE_SELECTORS)


@dataclass
class Body:
    text: str
    markdown: str
    selector: str | None  # the selector that found the body container, None for the whole page
    container: lxml.html.HtmlElement | None  # that container, in the page's tree


def find_body_container(page: Page) -> tuple[str, lxml.html.HtmlElement] | None:
    """The first platform body container holding enough words to be the post."""
    for selector in vocab.BODY_SELECTORS:
        for element in page.tree.cssselect(selector):
            if len(text_of(element).split()) >= MIN_BODY_WORDS:
                return selector, element
    return None


def extract_body(page: Page) -> Body | None:
    """The post body as text and Markdown, or None when no content is found."""
    found = find_body_container(page)
    selector, container = found or (None, None)
    if container is not None:
        document = lxml.html.document_fromstring("<html><body><article></article></body></html>")
        document.find(".//article").append(copy.deepcopy(container))
    else:
        document = copy.deepcopy(page.tree)
    _drop_boilerplate(document)
    xml = trafilatura.extract(
        document,
        url=page.url,
        output_format="xml",
        include_formatting=True,
        include_links=True,
        include_tables=True,
        include_images=False,
        include_comments=False,
        favor_recall=found is not None,
        deduplicate=False,
    )
    if not xml:
        return None
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    if main is None:
        return None
    return Body(render_text(main), render_markdown(main), selector, container)


def _drop_boilerplate(document) -> None:
    total = len(text_of(document).split()) or 1
    for element in document.cssselect(_BOILERPLATE):
        # a class match on a wrapper of the post itself ("no-sidebar") must not take the post with it
        if element.tag in {"script", "style"} or len(text_of(element).split()) < total / 2:
            _remove(element)
    for heading in document.iter("h1"):
        _remove(heading)  # the title is its own field
    for figure in document.iter("figure"):
        if figure.find(".//blockquote") is not None or figure.find(".//table") is not None:
            figure.tag = "div"  # trafilatura drops every <figure>: Gutenberg tables and pull quotes too
    _drop_byline_paragraphs(document)


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
