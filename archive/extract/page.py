"""Decode and parse a page once; every extraction step shares the resulting tree."""

from __future__ import annotations

import codecs
import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import charset_normalizer
import lxml.html
from extruct.jsonld import JsonLdExtractor
from lxml import etree

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 16 * 1024 * 1024
# Above this many characters, scripts, styles, SVG and data: URIs are cut before parsing,
# which keeps time and memory bounded on bloated pages without losing their text.
SLIM_ABOVE_CHARS = 1024 * 1024
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# lxml.html's parser picks each element's Python class in Python (forms and inputs get their
# own); every element is an HtmlElement here, chosen in C. The copies trafilatura makes of
# the tree keep the parser, so its passes create their elements faster too.
_PARSER = lxml.html.HTMLParser()
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
# Control characters are never text, and lxml stops at NUL.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_CHAR_BYTES = bytes([*range(9), 0x0b, *range(0x0e, 0x20), 0x7f])
# An element's content is matched as runs of "not <" and each "<" that opens no closing tag:
# the same match as a lazy ".*?", which tries the closing tag at every character, in half the time.
_BLOAT = re.compile(r"<script\b(?![^>]*ld\+json)[^>]*>[^<]*(?:<(?!/script\s*>)[^<]*)*</script\s*>"
                    r"|<(style|svg)\b[^>]*>[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>"
                    r"|data:[\w/+.-]+;base64,[\w+/=]+", re.IGNORECASE)
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_LATIN_LOOKALIKES = {"cp1250", "iso8859_2", "latin_1", "iso8859_15", "iso8859_9", "cp1254", "cp1257",
                     "iso8859_13", "mac_roman", "cp437", "cp850", "cp1252", "iso8859_10", "mac_latin2"}
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_SIGNATURES = {b"%PDF-": "a PDF document", b"\x89PNG": "a PNG image", b"GIF8": "a GIF image",
               b"\xff\xd8\xff": "a JPEG image", b"PK\x03\x04": "a ZIP archive",
               b"RIFF": "a RIFF media file", b"\x00\x00\x00": "binary data"}


class UnparseablePage(ValueError):
    """The input is not an HTML document: binary, empty, or too large."""


@dataclass
class Page:
    """A parsed HTML page: its tree, JSON-LD nodes and <meta> values."""

    url: str | None
    tree: lxml.html.HtmlElement
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    # Holding every element's Python proxy makes each later pass over the tree reuse it:
    # lxml otherwise builds them anew on every pass.
    elements: list = field(default_factory=list, repr=False)
    consumed: bool = False  # set once trafilatura has read (and pruned) the tree itself
    source: str = field(default="", repr=False)  # the HTML text the tree was parsed from

    def whole_tree(self) -> lxml.html.HtmlElement:
        """The tree as parsed: page.tree, or once that is consumed, a parse of the same text
        (cheaper than parse_page: decoding, JSON-LD and <meta> are done)."""
        if not self.consumed:
            return self.tree
        return lxml.html.document_fromstring(self.source, parser=_PARSER)

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            values = self.meta.get(name.lower())
            if values:
                return values[0]
        return None

    def all_meta(self, name: str) -> list[str]:
        return self.meta.get(name.lower(), [])

    @functools.cached_property
    def base_url(self) -> str | None:
        """What relative links on the page resolve against: its <base href>, else its URL."""
        for base in self.tree.iter("base"):
            href = (base.get("href") or "").strip()
            if href:
                try:
                    return urljoin(self.url or "", href)
                except ValueError:
                    break
        return self.url

    @functools.cached_property
    def body_classes(self) -> list[str]:
        """The classes of the page's <body>: themes name the page's template there."""
        body = self.tree if self.tree.tag == "body" else self.tree.find(".//body")
        return (body.get("class") or "").split() if body is not None else []

    @functools.cached_property
    def text(self) -> str:
        """All text on the page, read once: a cheap test before a costly search for a phrase."""
        return text_content(self.tree)

    @property
    def named(self) -> list[tuple[Any, str]]:
        """(element, "its class and id") for every element that has either, in document order."""
        return self.scan.named

    @functools.cached_property
    def scan(self):
        """Elements per purpose and per vocab selector, found in one pass (see scan.py)."""
        from archive.extract.scan import Scan

        return Scan(self.elements)


def decode_html(data: bytes) -> str:
    """Text of an HTML byte string, without control characters: BOM first, then UTF-8, then
    the declared charset, then detection (charset_normalizer).

    Raises UnparseablePage for binary data (PDF, images, archives) served as HTML.
    """
    if len(data) > MAX_HTML_BYTES:
        raise UnparseablePage(f"page is {len(data)} bytes, over the {MAX_HTML_BYTES} byte limit")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _CONTROL_CHARS.sub("", data.decode(encoding, errors="replace"))
    head = data[:8192].lstrip()
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            raise UnparseablePage(f"not HTML: the body is {what}")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls / len(head) > 0.1:
        raise UnparseablePage(f"not HTML: {controls} control bytes in the first {len(head)}")
    try:
        # In UTF-8 no control byte is part of another character, so they go before decoding:
        # a regex over the decoded text costs six times more.
        return data.translate(None, _CONTROL_CHAR_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(head)
    if declared:
        try:
            return _CONTROL_CHARS.sub("", data.decode(declared))
        except (UnicodeDecodeError, LookupError):
            pass
    return _CONTROL_CHARS.sub("", _detected(data))


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _detected(data: bytes) -> str:
    """Decode undeclared or wrongly declared bytes by detection, preferring windows-1252
    among the Latin single-byte code pages, which short samples cannot tell apart."""
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    encoding = best.encoding if best else "cp1252"
    if encoding in _LATIN_LOOKALIKES:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return data.decode(encoding, errors="replace")


def parse_page(html: bytes | str, url: str | None = None) -> Page:
    """Parse HTML bytes or text into a Page, or raise UnparseablePage with the reason."""
    html = decode_html(html) if isinstance(html, bytes) else _CONTROL_CHARS.sub("", html)
    if not html.strip():
        raise UnparseablePage("page is empty")
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    if len(html) > SLIM_ABOVE_CHARS:
        html = _BLOAT.sub("", html)
    try:
        tree = lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError) as err:
        raise UnparseablePage(f"HTML could not be parsed: {err}") from err
    return Page(url=url, tree=tree, jsonld=_jsonld_nodes(tree), meta=_meta_values(tree), elements=list(tree.iter()),
                source=html)


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


def _meta_values(tree) -> dict[str, list[str]]:
    """<meta name|property|itemprop=... content=...> values keyed by lower-cased name, in order."""
    values: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = (element.get("content") or "").strip()
        if key and content:
            values.setdefault(key.lower(), []).append(content)
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
    return " ".join(text_content(element).split())


def text_content(element) -> str:
    """element.text_content() in half the time: libxml2's text output rather than an XPath."""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)
