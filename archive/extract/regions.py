"""Where on a page the post is, and where other posts' teasers and site chrome are."""

from __future__ import annotations

import itertools

from archive.extract import vocab
from archive.extract.page import Page

_PAGE_ROOTS = {"html", "body"}
# Elsewhere by class ("sidebar", "related", "widget"), not by tag alone.
_ELSEWHERE_BY_NAME = {css for css in vocab.ELSEWHERE_SELECTORS if css not in ("nav", "footer", "aside")}
# A paragraph this long is the post's text, not a standfirst (The Guardian's runs to ~120 chars).
MIN_TEXT_PARAGRAPH_CHARS = 200


def _before_text(element, articles: set) -> bool:
    """Whether the element is inside one of the articles with no paragraph of running text
    before it there."""
    article = next((a for a in element.iterancestors() if a in articles), None)
    for node in article.iter() if article is not None else ():
        if node is element:
            return True
        if node.tag == "p" and len(node.text_content()) >= MIN_TEXT_PARAGRAPH_CHARS:
            return False
    return False


def around_post(page: Page, body_container=None) -> set:
    """Elements that wrap the post itself: ancestors of its only h1, of its only <article> and
    of its body container.

    A class match on such a wrapper ("ast-no-sidebar" on <body>) does not make the post
    "elsewhere". Pages with several h1s (Squarespace listings title each card with one)
    have no title wrapper.
    """
    headings = list(page.tree.iter("h1"))
    wrappers = set(headings[0].iterancestors()) if len(headings) == 1 else set()
    articles = list(itertools.islice(page.tree.iter("article"), 2))
    if len(articles) == 1:  # the page's one <article> ("one-sidebar" on the <div> around it is a layout)
        wrappers.update(articles[0].iterancestors())
    if body_container is None:
        # The one body a platform marks, though its text is too loose to choose it (Blogger's
        # <br>-separated lines, inside a "widget Blog" that would make the post a widget).
        marked = {e for css in vocab.BODY_SELECTORS for e in page.scan.by_selector.get(css, ())}
        outermost = [e for e in marked if not any(a in marked for a in e.iterancestors())]
        body_container = outermost[0] if len(outermost) == 1 else None
    if body_container is not None:
        wrappers.update(body_container.iterancestors())
        wrappers.add(body_container)
    return wrappers


class Elsewhere:
    """Membership test for navigation, footers, sidebars and other posts' teasers.

    Holds only the region roots; an element is elsewhere when it or an ancestor is one.
    """

    def __init__(self, page: Page, body_container=None, own_footers: bool = False):
        wrappers = around_post(page, body_container)
        # <body> and <html> classes describe the page's template ("no-sidebar",
        # "profile-right-sidebar"), not a region of it.
        self.regions = {r for r in page.scan.by_purpose["elsewhere"]
                        if r not in wrappers and r.tag not in _PAGE_ROOTS}
        if own_footers:
            # The post's own <footer> (an entry footer inside its <article>) holds its byline,
            # and so does an <aside> there before the post's text that is only an aside: the
            # meta column beside the title ("By Adam Roberts"), not a sidebar, a related list
            # or the author box after the text ("Hire Martin").
            articles = {w for w in wrappers if w.tag == "article"}
            by_class = {e for css, found in page.scan.by_selector.items() if css in _ELSEWHERE_BY_NAME for e in found}
            self.regions = {r for r in self.regions if not (
                r.tag == "footer" and articles & set(r.iterancestors())
                or r.tag == "aside" and r not in by_class and _before_text(r, articles))}

    def __contains__(self, element) -> bool:
        if not self.regions:
            return False
        return element in self.regions or any(a in self.regions for a in element.iterancestors())
