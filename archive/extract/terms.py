"""A post's categories, tags and breadcrumbs: JSON-LD first, then its own term links."""

from __future__ import annotations

import html
import re
from typing import Any

from archive.extract import vocab
from archive.extract.metadata import article_node
from archive.extract.page import Page, jsonld_types, text_of
from archive.extract.regions import Elsewhere


def find_categories(page: Page, elsewhere: Elsewhere) -> list[str]:
    node = article_node(page) or {}
    return (_strings(node.get("articleSection"))
            or _term_links(page, elsewhere, vocab.CATEGORY_HREF, "category")
            or _unique(page.all_meta("article:section")))


def find_tags(page: Page, elsewhere: Elsewhere) -> list[str]:
    node = article_node(page) or {}
    return (_strings(node.get("keywords"))
            or _term_links(page, elsewhere, vocab.TAG_HREF, "tag")
            or _unique(page.all_meta("article:tag")))


def find_breadcrumbs(page: Page) -> list[str]:
    for node in page.jsonld:
        if "BreadcrumbList" in jsonld_types(node) and isinstance(node.get("itemListElement"), list):
            items = [i for i in node["itemListElement"] if isinstance(i, dict)]
            items.sort(key=lambda i: i.get("position", 0) if isinstance(i.get("position"), int) else 0)
            names = [_name(i) for i in items]
            return [n for n in names if n]
    for trail in (e for e, names in page.named if "breadcrumb" in names and "breadcrumb" in e.get("class", "")):
        names = [text_of(a) for a in trail.iter("a", "span") if not len(a) and text_of(a)]
        names = [n for n in names if n not in {"/", ">", "»", "›", "|"}]
        if names:
            return _unique(names)
    return []


def _term_links(page: Page, elsewhere: Elsewhere, href_pattern, rel: str) -> list[str]:
    """Texts of the post's links to its own term pages, outside menus, sidebars and teasers.
    Where some links carry the rel ("category tag", as WordPress marks a post's own terms),
    only those count: a widget listing every category links the same term pages without it."""
    marked, unmarked = [], []
    for link in page.tree.iter("a"):
        href = link.get("href") or ""
        rels = (link.get("rel") or "").lower().split()
        if not (rel in rels or href_pattern.search(href)):
            continue  # most links: tested first, as it is the cheapest
        if rel == "tag" and ("category" in rels or vocab.CATEGORY_HREF.search(href) or _in_categories(link)):
            continue  # a block theme marks its category links rel="tag" too
        if link not in elsewhere or _in_term_list(link):
            text = text_of(link).lstrip("#").strip()
            if text and len(text) <= 60:
                (marked if rel in rels else unmarked).append(text)
    return _unique(marked or unmarked)


def _in_categories(link) -> bool:
    parent = link.getparent()
    return parent is not None and "taxonomy-category" in (parent.get("class") or "")


def _in_term_list(link) -> bool:
    """A "Tags:" / "Categories:" list of the post itself, even when marked up as a <nav>."""
    for ancestor in list(link.iterancestors())[:4]:
        names = f"{ancestor.get('class', '')} {ancestor.get('aria-label', '')} {ancestor.get('data-hook', '')}"
        if re.search(r"tag|categor", names, re.IGNORECASE):
            return True
    return False


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return _unique(html.unescape(v).strip() for v in value if isinstance(v, str) and v.strip())


def _name(item: dict) -> str | None:
    name = item.get("name")
    if not name and isinstance(item.get("item"), dict):
        name = item["item"].get("name")
    return html.unescape(name).strip() if isinstance(name, str) else None


def _unique(values) -> list[str]:
    return list(dict.fromkeys(values))
