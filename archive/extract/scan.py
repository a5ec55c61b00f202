"""One pass over a page that finds the elements every extraction step asks about.

lxml evaluates CSS selectors as XPath, one full scan of the tree per selector; a page
asked about forty selectors pays for forty scans. The selectors in vocab are all simple
(a tag, a .class, an [attr=value] or an [attr*=part]), so one Python pass can answer
all of them at once. The same pass finds each element's boilerplate reason, if it has one.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from archive.extract import vocab

PURPOSES = {
    "byline": vocab.BYLINE_SELECTORS,
    "meta_bar": vocab.BYLINE_CONTAINER_SELECTORS,
    "byline_or_meta_bar": vocab.BYLINE_SELECTORS + vocab.BYLINE_CONTAINER_SELECTORS,
    "elsewhere": list(vocab.ELSEWHERE_SELECTORS),
    "body": vocab.BODY_SELECTORS,
    "teaser": vocab.PLATFORM_TEASER_SELECTORS + vocab.GENERIC_TEASER_SELECTORS,
    "dated": vocab.DATE_SELECTORS,
}
_SIMPLE = re.compile(r"^(?:(?P<tag>[a-z][a-z0-9]*)|\.(?P<cls>[\w-]+)"
                     r"|\[(?P<attr>[\w-]+)(?P<op>\*?=)(?P<value>[^\]]+)\])$")


@dataclass(frozen=True)
class _Matcher:
    css: str
    tag: str | None = None
    cls: str | None = None
    attr: str | None = None
    contains: bool = False
    value: str | None = None


def _compile(css: str) -> _Matcher:
    match = _SIMPLE.match(css)
    if match is None:
        raise ValueError(f"selector {css!r} is not simple enough for one-pass scanning")
    return _Matcher(css=css, tag=match["tag"], cls=match["cls"], attr=match["attr"],
                    contains=match["op"] == "*=", value=match["value"])


_MATCHERS = {purpose: [_compile(css) for css in selectors] for purpose, selectors in PURPOSES.items()}
_ALL = [m for ms in _MATCHERS.values() for m in ms]
_PURPOSES_OF: dict[str, list[str]] = defaultdict(list)
for _purpose, _matchers in _MATCHERS.items():
    for _m in _matchers:
        _PURPOSES_OF[_m.css].append(_purpose)
# Matchers indexed by what they look at, so each element is tested only against its own.
_BY_TAG: dict[str, list[_Matcher]] = defaultdict(list)
_BY_TOKEN: dict[str, list[_Matcher]] = defaultdict(list)
_BY_ATTR: dict[tuple[str, str], list[_Matcher]] = defaultdict(list)
_CLASS_SUBSTRINGS: list[_Matcher] = []
for _m in {m.css: m for m in _ALL}.values():
    if _m.tag:
        _BY_TAG[_m.tag].append(_m)
    elif _m.cls:
        _BY_TOKEN[_m.cls].append(_m)
    elif _m.attr == "class" and _m.contains:
        _CLASS_SUBSTRINGS.append(_m)
    else:
        _BY_ATTR[(_m.attr, _m.value)].append(_m)
_ATTRS = sorted({attr for attr, _ in _BY_ATTR})
_ATTR_SET = frozenset(_ATTRS)
# React's streaming render sends each suspended part of the page late, as <div hidden id="S:1f">
# (a hexadecimal number), and a script shows it in place: the reader sees it. (Moving it into
# place, as the script does, read worse on WCXB dev: trafilatura lost one post inside the app's
# nested layout.)
_STREAMED_SEGMENT = re.compile(r"S:[0-9a-f]+$")
_REASON_ATTRS = frozenset({"hidden", "aria-hidden", "role", "data-hook"})  # what _attribute_reason reads
# One C-level test before the per-matcher substring loop, which most classes never need.
_ANY_CLASS_SUBSTRING = re.compile("|".join(re.escape(m.value) for m in _CLASS_SUBSTRINGS))


class Scan:
    """Elements per purpose (in document order) and per selector, from one pass; with them,
    in document order, every element that has a class or id (with its "class id" string) and
    every element that is site chrome or promotion, with the reason:
    'tag' (forms, scripts), 'attribute' (hidden, role=dialog, a data-hook) or 'name' (a class or
    id token naming a widget: "share-bar", "author-box"; see vocab.BOILERPLATE_NAMES)."""

    def __init__(self, elements):
        self.by_purpose: dict[str, list] = defaultdict(list)
        self.by_selector: dict[str, list] = defaultdict(list)
        self.named: list[tuple[object, str]] = []
        self.boilerplate: list[tuple[object, str]] = []
        for element in elements:
            tag = element.tag
            if tag.__class__ is not str:
                continue
            hits = _BY_TAG.get(tag, [])
            reason = "tag" if tag in vocab.BOILERPLATE_TAGS else None
            items = element.items()
            if items:
                attrib = dict(items)  # one call into lxml, then cheap lookups
                classes = attrib.get("class")
                if classes:
                    tokens = classes.split()
                    found = [] if _BY_TOKEN.keys().isdisjoint(tokens) else \
                        [m for token in tokens for m in _BY_TOKEN.get(token, ())]
                    if _ANY_CLASS_SUBSTRING.search(classes):
                        found += [m for m in _CLASS_SUBSTRINGS if m.value in classes]
                    if found:
                        hits = hits + found
                if not _ATTR_SET.isdisjoint(attrib):  # set tests in C first: most elements have none
                    for attr in _ATTRS:
                        value = attrib.get(attr)
                        if value is not None and (attr, value) in _BY_ATTR:
                            hits = hits + _BY_ATTR[(attr, value)]
                ident = attrib.get("id")
                names = None
                if classes is not None or ident is not None:
                    names = f"{classes or ''} {ident or ''}"
                    self.named.append((element, names))
                if reason is None and not _REASON_ATTRS.isdisjoint(attrib):
                    reason = _attribute_reason(attrib)
                if reason is None and names and _names_boilerplate(names):
                    reason = "name"
            if reason is not None:
                self.boilerplate.append((element, reason))
            if hits:
                self._add(element, hits)

    def _add(self, element, hits) -> None:
        purposes: set[str] = set()
        for matcher in hits:
            self.by_selector[matcher.css].append(element)
            purposes.update(_PURPOSES_OF[matcher.css])
        for purpose in purposes:
            self.by_purpose[purpose].append(element)


def _attribute_reason(attrib) -> str | None:
    if "hidden" in attrib and not _STREAMED_SEGMENT.match(attrib.get("id") or ""):
        return "attribute"
    if attrib.get("aria-hidden") == "true":
        return "attribute"
    if attrib.get("role") in vocab.BOILERPLATE_ROLES or attrib.get("data-hook") in vocab.BOILERPLATE_HOOKS:
        return "attribute"
    return None


@functools.lru_cache(maxsize=8192)
def _names_boilerplate(names: str) -> bool:
    """Whether a class-and-id string names a widget; pages repeat these strings, hence the cache."""
    lowered = names.lower()
    # Substring tests in C first: one regex alternation over long utility-class strings is slow.
    for name in vocab.BOILERPLATE_NAMES:
        if name in lowered:
            return any(vocab.BOILERPLATE_NAME.search(token) for token in names.split()
                       if not vocab.TAXONOMY_CLASS.match(token))
    return False
