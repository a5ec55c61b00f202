"""Scraped text made safe to show: Markdown to sanitised HTML, search snippets, word diffs.

Everything here treats its input as hostile. Markdown is rendered with raw HTML turned off
(so tags in a post come out as text), and the result is cleaned again by nh3 with a short
list of tags and only http(s) and mailto links. Images are not loaded: they become links,
so opening a post never calls the clinic's server from an analyst's browser.
"""

from __future__ import annotations

from html import escape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from archive.diff import word_diff_ops

_TAGS = {"a", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
         "strong", "em", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub"}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def _image_as_link(tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = escape(token.content or "image")
    src = escape(token.attrGet("src") or "", quote=True)
    return f'<a href="{src}">[image: {alt}]</a>'


_markdown.add_render_rule("image", _image_as_link)


def sanitize(html: str) -> str:
    """Only the tags a post body needs; links open without the archive as referrer."""
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES,
                     link_rel="noopener noreferrer nofollow")


def markdown_html(markdown: str | None) -> Markup:
    """A post's Markdown as sanitised HTML."""
    return Markup(sanitize(_markdown.render(markdown or "")))


def safe_link(url: str | None, text: str | None = None) -> Markup:
    """An <a> to an http(s) URL, or the text alone when the URL is anything else."""
    label = escape(text if text is not None else url or "")
    if not url or not url.lower().startswith(("http://", "https://")):
        return Markup(label)
    return Markup(f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer nofollow">{label}</a>')


def highlight(snippet: str | None) -> Markup:
    """An FTS snippet with its <mark> delimiters kept and everything else escaped."""
    text = escape(snippet or "")
    return Markup(text.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


_DIFF_TAGS = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}


def diff_html(old: str | None, new: str | None) -> Markup:
    """The new text with removed words in <del> and added words in <ins>, all escaped."""
    parts, previous = [], None
    for op, text in word_diff_ops(old, new):
        if previous == "delete" and op == "insert":
            parts.append(" ")  # "<del>if</del> <ins>and</ins>", not "ifand"
        parts.append(_DIFF_TAGS[op].format(escape(text)))
        previous = op
    return Markup("".join(parts))
