"""Per-site CSS selector overrides, for sites the generic rules get wrong.

A site's config may name the body container, the author element(s) and the date element.
When a selector matches, it wins over the generic rules; when it matches nothing (a
redesign), extraction falls back to them instead of losing the field.
"""

from __future__ import annotations

from lxml.cssselect import CSSSelector

from archive.extract.byline_text import merge_people, parse_byline
from archive.extract.metadata import dated_text
from archive.extract.page import Page, text_of
from archive.records import DateValue, Person

SOURCE = "visible"


def override_container(page: Page, selectors: dict[str, str]):
    """(selector, element) for the configured body container, or None."""
    css = selectors.get("body")
    matches = CSSSelector(css)(page.tree) if css else []
    best = max(matches, key=lambda e: len(text_of(e)), default=None)
    return (css, best) if best is not None and text_of(best) else None


def override_authors(page: Page, selectors: dict[str, str]) -> list[Person] | None:
    css = selectors.get("author")
    if not css:
        return None
    people = merge_people(parse_byline(text_of(e)) for e in CSSSelector(css)(page.tree))
    return people or None


def override_published(page: Page, selectors: dict[str, str]) -> DateValue | None:
    css = selectors.get("date")
    for element in CSSSelector(css)(page.tree) if css else []:
        value = dated_text(element.get("datetime") or element.get("content") or text_of(element), SOURCE)
        if value:
            return value
    return None
