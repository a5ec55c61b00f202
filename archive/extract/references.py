"""The post's references: a list under a "References"/"Sources" heading, or a trailing list
of citations, parsed into DOI, PMID, PMCID, URL and year."""

from __future__ import annotations

import re

from archive.extract import vocab
from archive.extract.markdown import inline_text
from archive.records import Reference

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_PMID = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|\bPMID:?\s*)(\d{5,9})", re.IGNORECASE)
_PMCID = re.compile(r"\b(PMC\d{4,9})\b")
# Publication year: Vancouver "2017;47(3)" or "2016;7:250", APA "(2019)", then any year.
_YEARS = [re.compile(r"\b((?:19|20)\d{2})\s*[;:]\s*\d"), re.compile(r"\(((?:19|20)\d{2})[a-z]?\)"),
          re.compile(r"\b((?:19|20)\d{2})\b")]


def find_references(main) -> list[Reference]:
    """References from trafilatura's body element, or [] when the post cites nothing."""
    blocks = list(main)
    for index, block in enumerate(blocks):
        if block.tag == "head" and vocab.REFERENCE_HEADINGS.match(inline_text(block)):
            entries = _entries(blocks[index + 1:])
            if entries:
                return [parse_reference(text, url, position) for position, (text, url) in enumerate(entries, 1)]
    # no heading: a final list whose items all read like citations (the seed post's one-item list)
    if blocks and blocks[-1].tag == "list":
        entries = _entries(blocks[-1:])
        if entries and all(vocab.CITATION_HINTS.search(text) for text, _ in entries):
            return [parse_reference(text, url, position) for position, (text, url) in enumerate(entries, 1)]
    return []


def parse_reference(text: str, url: str | None = None, position: int = 1) -> Reference:
    """Identifiers and year of one citation.

    >>> r = parse_reference("Gattie E. J Orthop Sports Phys Ther. 2017;47(3):133-149. doi:10.2519/jospt.2017.7096")
    >>> (r.doi, r.year)
    ('10.2519/jospt.2017.7096', 2017)
    """
    haystack = f"{text} {url or ''}"
    doi = _DOI.search(haystack)
    pmid = _PMID.search(haystack)
    pmcid = _PMCID.search(haystack)
    year = next((int(m.group(1)) for pattern in _YEARS if (m := pattern.search(text))), None)
    return Reference(
        position=position, text=text, url=url, year=year,
        doi=doi.group(1).rstrip(".,;)]") if doi else None,
        pmid=pmid.group(1) if pmid else None,
        pmcid=pmcid.group(1) if pmcid else None,
    )


def _entries(blocks) -> list[tuple[str, str | None]]:
    """(text, first link) of each list item or paragraph up to the next heading, or up to the
    first paragraph after them that cites nothing (no link, no year or journal shorthand): the
    post's closing call to book is no reference."""
    entries = []
    for block in blocks:
        if block.tag == "head":
            break
        items = block.findall("item") if block.tag == "list" else [block] if block.tag == "p" else []
        for item in items:
            text = inline_text(item)
            link = item.find(".//ref")
            if text and entries and block.tag == "p" and link is None and not vocab.CITATION_HINTS.search(text):
                return entries
            if text:
                entries.append((text, link.get("target") if link is not None else None))
    return entries
