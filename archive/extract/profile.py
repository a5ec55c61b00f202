"""What a site's own pages teach about its template: a profile learned per site.

Two things no single page can tell:
- **boilerplate**: body blocks (paragraphs, list, headings) that repeat, word for word, on
  most of the site's posts are its template (a disclaimer, a call to book, a newsletter
  pitch), not the post; they are dropped from the body.
- **post templates**: pages built on the same template (their <body> classes and the
  container that held the main text) are the same kind of page; when nearly all of a
  template's pages were posts, a page on it is a post even without article markup.

`learn_profile()` reads pages the site's archive holds, extracted without a profile, so what
it learns never depends on what an earlier profile removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archive.extract.markdown import block_text, inline_text

if TYPE_CHECKING:  # the parsed page; importing it loads extruct, which the crawl's process does without
    from archive.extract.page import Page

MIN_POSTS = 3  # a profile needs this many of the site's posts before it says anything
BOILERPLATE_SHARE = 0.6  # of the site's posts a block must repeat on
MIN_BLOCK_WORDS = 5  # shorter blocks ("Share this", "References") repeat in posts legitimately
POST_TEMPLATE_SHARE = 0.9  # of a template's pages that were posts
MAX_BOILERPLATE_BLOCKS = 100
_NUMBERED = re.compile(r"\d")


@dataclass(frozen=True)
class SiteProfile:
    """What one site's pages share. `templates` maps a template to (posts, pages) seen on it."""

    pages: int = 0
    posts: int = 0
    boilerplate: frozenset[str] = frozenset()  # block_key() of each repeated body block
    templates: dict[str, tuple[int, int]] = field(default_factory=dict)

    def template_posts(self, template: str | None) -> tuple[int, int] | None:
        """(posts, pages) of a template that is nearly always a post's, else None."""
        posts, pages = self.templates.get(template or "", (0, 0))
        if template and posts >= MIN_POSTS and posts >= POST_TEMPLATE_SHARE * pages:
            return posts, pages
        return None

    def to_json(self) -> dict:
        return {"pages": self.pages, "posts": self.posts, "boilerplate": sorted(self.boilerplate),
                "templates": {t: list(counts) for t, counts in sorted(self.templates.items())}}

    @classmethod
    def from_json(cls, data: dict | None) -> SiteProfile | None:
        if not data:
            return None
        return cls(data.get("pages", 0), data.get("posts", 0), frozenset(data.get("boilerplate", [])),
                   {t: tuple(counts) for t, counts in data.get("templates", {}).items()})


def block_key(text: str) -> str:
    """A body block's words, lower-cased: the same block however it is spaced or punctuated."""
    return " ".join(re.findall(r"\w+", text.lower()))


def template_of(page: Page, container_selector: str | None) -> str | None:
    """A page's template: its <body> classes without per-page ids (postid-12, page-id-31),
    and the selector of the container that held its main text. None for a page with neither."""
    classes = sorted({c for c in page.body_classes if not _NUMBERED.search(c)})
    if not classes and not container_selector:
        return None
    return f"body.{'.'.join(classes)} | {container_selector or 'whole page'}"


@dataclass(frozen=True)
class LearnedPage:
    """What learning needs of one page: its template, whether it was a post, its body blocks."""

    template: str | None
    is_post: bool
    blocks: tuple[str, ...] = ()


def learn_profile(pages: Iterable[LearnedPage]) -> SiteProfile:
    templates: dict[str, list[int]] = {}
    repeated: Counter = Counter()
    seen = posts = 0
    for page in pages:
        seen += 1
        posts += page.is_post
        if page.template:
            counts = templates.setdefault(page.template, [0, 0])
            counts[0] += page.is_post
            counts[1] += 1
        if page.is_post:
            repeated.update({key for key in page.blocks if len(key.split()) >= MIN_BLOCK_WORDS})
    threshold = max(MIN_POSTS, BOILERPLATE_SHARE * posts)
    boilerplate = frozenset(key for key, count in repeated.most_common(MAX_BOILERPLATE_BLOCKS)
                            if count >= threshold) if posts >= MIN_POSTS else frozenset()
    return SiteProfile(seen, posts, boilerplate, {t: (c[0], c[1]) for t, c in templates.items()})


def body_blocks(body_text: str) -> tuple[str, ...]:
    """block_key() of each block of an article's body_text (blocks are separated by blank lines)."""
    return tuple(key for key in (block_key(block) for block in body_text.split("\n\n")) if key)


def drop_boilerplate_blocks(main, boilerplate: frozenset[str]) -> int:
    """Remove from trafilatura's body element the blocks the site repeats on most posts, and a
    heading left with nothing under it by their removal. Returns the number of blocks removed."""
    if not boilerplate:
        return 0
    removed = 0
    section: list = [None]  # the current heading (None before the first) and the blocks under it
    for element in [*main, None]:
        if element is None or element.tag == "head":
            removed += _drop_from_section(main, section, boilerplate)
            section = [element]
        else:
            section.append(element)
    return removed


def _drop_from_section(main, section: list, boilerplate: frozenset[str]) -> int:
    heading, blocks = section[0], section[1:]
    repeated = [b for b in blocks if block_key(block_text(b)) in boilerplate]
    for block in repeated:
        main.remove(block)
    heading_repeated = heading is not None and block_key(inline_text(heading)) in boilerplate
    if heading is not None and (heading_repeated or (blocks and len(repeated) == len(blocks))):
        main.remove(heading)
    return len(repeated) + heading_repeated
