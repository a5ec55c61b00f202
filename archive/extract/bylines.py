"""Find the people behind a post: visible bylines first, then JSON-LD, then <meta name=author>."""

from __future__ import annotations

import html
from typing import Any

from archive.extract.metadata import article_node, webpage_node
from archive.extract.page import Page, text_of
from archive.extract.regions import Elsewhere
from archive.extract.people import looks_like_byline, merge_people, parse_byline
from archive.records import Person

def find_people(page: Page, body_container=None, elsewhere: Elsewhere | None = None
                ) -> tuple[list[Person], list[Person]]:
    """(authors, reviewers) for the page, each merged across sources by name and role."""
    elsewhere = elsewhere if elsewhere is not None else Elsewhere(page, body_container)
    groups = [_visible_bylines(page, elsewhere), _body_lead_bylines(body_container),
              _jsonld_people(page)]
    author_meta = page.first_meta("author", "article:author")
    if author_meta and not author_meta.startswith("http"):
        groups.append(parse_byline(author_meta))
    people = merge_people(groups)
    return ([p for p in people if p.role == "author"], [p for p in people if p.role == "reviewer"])




def _visible_bylines(page: Page, other_posts: Elsewhere) -> list[Person]:
    """People in byline elements and meta bars of this post, in page order."""
    meta_bars = set(page.scan.by_purpose["meta_bar"])
    people: list[Person] = []
    seen_texts: set[tuple[str, str | None]] = set()
    for element in page.scan.by_purpose["byline_or_meta_bar"]:
        if element in meta_bars:
            role = None  # dates and terms share the bar: only text after "By ..." names people
        else:
            role = "reviewer" if "review" in (element.get("class") or "").lower() else "author"
        text = text_of(element)
        if not text or len(text) > 300 or (text, role) in seen_texts or element in other_posts:
            continue
        seen_texts.add((text, role))
        people.extend(parse_byline(text, role))
    return people


def _body_lead_bylines(container) -> list[Person]:
    """Bylines typed as the first paragraphs of the body (Squarespace and Wix posts)."""
    if container is None:
        return []
    people: list[Person] = []
    for paragraph in list(container.iter("p"))[:8]:
        text = text_of(paragraph)
        if looks_like_byline(text):
            people.extend(parse_byline(text))
    return people


def _jsonld_people(page: Page) -> list[Person]:
    people: list[Person] = []
    article = article_node(page) or {}
    page_node = webpage_node(page) or {}
    for value, role in ((article.get("author"), "author"), (page_node.get("author"), "author"),
                        (article.get("reviewedBy"), "reviewer"), (page_node.get("reviewedBy"), "reviewer")):
        for entry in _as_list(value):
            name, url = _name_and_url(entry, page)
            if name:
                for person in parse_byline(name, role):
                    person.url = person.url or url
                    person.role = role
                    people.append(person)
    return people


def _name_and_url(entry: Any, page: Page) -> tuple[str | None, str | None]:
    if isinstance(entry, str):
        return (None, entry) if entry.startswith("http") else (entry, None)
    if not isinstance(entry, dict):
        return None, None
    if "name" not in entry and "@id" in entry:
        entry = next((n for n in page.jsonld if n.get("@id") == entry["@id"]), entry)
    name = entry.get("name")
    url = entry.get("url")
    return (html.unescape(name) if isinstance(name, str) else None), (url if isinstance(url, str) else None)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
