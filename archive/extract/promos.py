"""Calls to action and medical disclaimers: removed from the body, kept in their own fields."""

from __future__ import annotations

import re

from archive.extract import vocab
from archive.extract.page import Page, text_content, text_of

_HEADINGS = {"h1", "h2", "h3", "h4", "h5"}
_COOKIE = re.compile(r"cookie|consent|gdpr", re.IGNORECASE)
# Supersets of what _is_cta and find_disclaimer accept, tested on each element's class and id.
_CTA_HINT = re.compile(r"cta|CTA|Cta|call-to-action|promo")
_DISCLAIMER_PHRASES = ("isclaimer", "informational", "educational", "for general education")


def find_ctas(page: Page) -> list[str]:
    """Headline and button texts of each call-to-action block, in page order."""
    texts: list[str] = []
    candidates = (e for e, names in page.named if _CTA_HINT.search(names) or e.get("data-layout-label"))
    for block in _outermost(e for e in candidates if _is_cta(e)):
        for element in block.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag in _HEADINGS or (element.tag in ("a", "button") and _is_button(element)):
                text = text_of(element)
                if text and text not in texts:
                    texts.append(text)
    return texts


def find_disclaimer(page: Page) -> str | None:
    """The medical disclaimer shown with the post: a block named so, or text that reads as one."""
    for element in _disclaimer_candidates(page):
        if element.tag in ("html", "body", "script", "style"):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if vocab.DISCLAIMER_NAME.search(names) or (
                element.tag == "p" and vocab.DISCLAIMER_TEXT.match(text_of(element))):
            text = text_of(element)
            if 5 <= len(text.split()) <= 250:
                return text
    return None


def _disclaimer_candidates(page: Page):
    """Elements named a disclaimer, and paragraphs that mention one, in document order."""
    if not any(phrase in page.text for phrase in _DISCLAIMER_PHRASES):  # most pages: no text search
        return [e for e, names in page.named if "isclaimer" in names]
    return [e for e in page.elements
            if "isclaimer" in f"{e.get('class', '')} {e.get('id', '')}"
            or (e.tag == "p" and any(phrase in text_content(e) for phrase in _DISCLAIMER_PHRASES))]


def _is_cta(element) -> bool:
    names = f"{element.get('class', '')} {element.get('id', '')}"
    label = (element.get("data-layout-label") or "").replace(" ", "-")
    if not (any(vocab.CTA_NAME.search(n) for n in names.split()) or vocab.CTA_NAME.search(label)):
        return False
    # header buttons are navigation, and a cookie banner's buttons answer the banner
    return not any(a.tag in ("header", "nav") or _COOKIE.search(f"{a.get('class', '')} {a.get('id', '')}")
                   for a in [element, *element.iterancestors()] if a.tag not in ("html", "body"))


def _is_button(element) -> bool:
    if element.tag == "button":
        return True
    names = " ".join([element.get("class", "")] + [a.get("class", "") for a in element.iterancestors()][:3])
    return "button" in names.lower() or "btn" in names.lower()


def _outermost(elements):
    chosen = []
    for element in elements:
        if not any(a in chosen for a in element.iterancestors()):
            chosen.append(element)
    return chosen
