"""Decode and parse a page once; every extraction step shares the resulting tree."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from extruct.jsonld import JsonLdExtractor
from lxml import etree
from trafilatura.utils import decode_file

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 8 * 1024 * 1024
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class UnparseablePage(ValueError):
    """The input is not an HTML document: binary, empty, or too large."""


@dataclass
class Page:
    """A parsed HTML page: its tree, JSON-LD nodes and <meta> values."""

    url: str | None
    tree: lxml.html.HtmlElement
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            value = self.meta.get(name.lower())
            if value:
                return value
        return None


def parse_page(html: bytes | str, url: str | None = None) -> Page:
    """Parse HTML bytes or text into a Page, or raise UnparseablePage with the reason."""
    if isinstance(html, bytes):
        if len(html) > MAX_HTML_BYTES:
            raise UnparseablePage(f"page is {len(html)} bytes, over the {MAX_HTML_BYTES} byte limit")
        if b"\x00" in html[:4096]:
            raise UnparseablePage("page looks binary (NUL bytes), not HTML")
        html = decode_file(html)
    if not html.strip():
        raise UnparseablePage("page is empty")
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as err:
        raise UnparseablePage(f"HTML could not be parsed: {err}") from err
    return Page(url=url, tree=tree, jsonld=_jsonld_nodes(tree), meta=_meta_values(tree))


def _jsonld_nodes(tree) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page, with @graph flattened; broken blocks are skipped."""
    try:
        items = JsonLdExtractor().extract_items(tree)
    except ValueError as err:
        log.debug("unreadable JSON-LD skipped: %s", err)
        return []
    nodes: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        if isinstance(graph, list):
            nodes.extend(node for node in graph if isinstance(node, dict))
        else:
            nodes.append(item)
    return nodes


def _meta_values(tree) -> dict[str, str]:
    """<meta name|property|itemprop=... content=...> keyed by lower-cased name; first wins."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and key.lower() not in values:
            values[key.lower()] = content.strip()
    return values


def jsonld_types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def text_of(element) -> str:
    """Visible text of an element, whitespace-collapsed."""
    return " ".join(element.text_content().split())
