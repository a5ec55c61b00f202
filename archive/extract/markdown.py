"""Render trafilatura's XML body (p, head, list/item, quote, table, hi, ref) as Markdown or text.

trafilatura's own Markdown output loses blockquotes and under-indents nested lists, so we
render from its XML, where the structure is still whole.
"""

from __future__ import annotations

import re

from lxml import etree

from archive.records import Section

# Soft hyphens and zero-width characters: invisible on the page, noise in text and search.
# A regex, not str.translate(): translate with a dict costs ~80 ns a character.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_EMPHASIS = {"#b": "**", "#i": "*", "#t": "`", "#del": "~~"}


def render_markdown(main) -> str:
    """CommonMark for the body: headings, numbered and nested lists, tables, quotes, links."""
    return _join(_block(element, markdown=True) for element in _blocks(main))


def render_text(sections: list[Section]) -> str:
    """Plain text for the body, from its sections: one block per paragraph, list items keep their numbers."""
    return _join(part for section in sections for part in (section.heading, section.text))


def render_sections(main) -> list[Section]:
    """The body split at its headings: [Section(heading, level, text)], intro first."""
    sections: list[Section] = []
    heading, level, blocks = None, 0, []
    for element in _blocks(main):
        if element.tag == "head":
            if heading is not None or blocks:
                sections.append(Section(heading, level, _join(blocks)))
            heading, level, blocks = inline_text(element), _level(element), []
        else:
            blocks.append(_block(element, markdown=False))
    if heading is not None or blocks:
        sections.append(Section(heading, level, _join(blocks)))
    return sections


def _blocks(parent):
    """The block children of a body or quote, with the text between them as paragraphs of its
    own: trafilatura leaves a heading's following sentence as the heading's tail."""
    if parent.text and parent.text.strip():
        yield _paragraph(parent.text)
    for child in parent:
        yield child
        if child.tail and child.tail.strip():
            yield _paragraph(child.tail)


def _paragraph(text: str):
    paragraph = etree.Element("p")
    paragraph.text = text
    return paragraph


def block_text(element) -> str:
    """Plain text of one block of the body (a paragraph, list, table, quote), as the body text has it."""
    return _block(element, markdown=False)


def inline_text(element) -> str:
    """Plain text of one element, whitespace-collapsed."""
    return _inline(element, markdown=False)


def _level(head) -> int:
    rend = head.get("rend", "")
    return int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2


def _join(blocks) -> str:
    return "\n\n".join(b for b in blocks if b and b.strip()).strip()


def _block(element, markdown: bool) -> str:
    tag = element.tag
    if tag == "head":
        text = _inline(element, markdown)
        return f"{'#' * _level(element)} {text}" if markdown else text
    if tag == "list":
        return _list(element, markdown, indent="")
    if tag == "quote":
        inner = _join(_block(child, markdown) for child in _blocks(element)) if len(element) else ""
        inner = inner or _inline(element, markdown)
        if not markdown:
            return inner
        return "\n".join(f"> {line}" if line else ">" for line in inner.splitlines())
    if tag == "table":
        return _table(element, markdown)
    if tag == "graphic":
        if not markdown or not element.get("src"):
            return ""
        return f"![{_escape(element.get('alt', ''))}]({element.get('src')})"
    if tag == "code" and markdown:
        return "```\n" + "".join(element.itertext()).strip("\n") + "\n```"
    return _inline(element, markdown)


def _list(element, markdown: bool, indent: str) -> str:
    ordered = element.get("rend", "").startswith("ol")
    number = 1
    lines = []
    for item in element.findall("item"):
        marker = f"{number}." if ordered else "-"
        lines.append(f"{indent}{marker} {_inline(item, markdown, skip={'list'})}".rstrip())
        for nested in item.findall("list"):
            lines.append(_list(nested, markdown, indent + " " * (len(marker) + 1)))
        number += 1
    return "\n".join(line for line in lines if line.strip())


def _table(element, markdown: bool) -> str:
    rows = [[_inline(cell, markdown).replace("|", "\\|" if markdown else "|") for cell in row.findall("cell")]
            for row in element.findall("row")]
    rows = [row for row in rows if row]
    if not rows:
        return ""
    if not markdown:
        return "\n".join(" | ".join(row) for row in rows)
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _inline(element, markdown: bool, skip: frozenset | set = frozenset()) -> str:
    if not len(element):
        return _collapse(_text(element.text, markdown))
    parts = [_text(element.text, markdown)]
    for child in element:
        if child.tag in skip:
            parts.append(_text(child.tail, markdown))
            continue
        inner = _inline(child, markdown)
        if child.tag == "lb":
            inner = "\n"
        elif markdown and child.tag == "hi" and inner.strip():
            mark = _EMPHASIS.get(child.get("rend", ""), "")
            inner = f"{mark}{inner.strip()}{mark}" if mark else inner
        elif markdown and child.tag == "ref" and child.get("target") and inner.strip():
            inner = f"[{inner.strip()}]({child.get('target')})"
        elif markdown and child.tag == "del":
            inner = f"~~{inner}~~"
        parts.append(inner)
        parts.append(_text(child.tail, markdown))
    return _collapse("".join(parts))


def _collapse(text: str) -> str:
    """Whitespace collapsed within each line, line breaks kept."""
    if "\n" not in text:  # most paragraphs: one line, no generator
        return " ".join(text.split())
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _text(value: str | None, markdown: bool) -> str:
    if not value:
        return ""
    value = _INVISIBLE.sub("", value)
    return _escape(value) if markdown else value


def _escape(value: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", value)
