"""The records that flow through the archive: captures in, articles out."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

# Where a site lists its posts: a page listed there is a post unless the page says otherwise.
POST_LISTINGS = ("wp-api", "post-sitemap", "feed")


@dataclass(frozen=True)
class CrawlEvidence:
    """What the crawl knows about a page beside its HTML, for extract() to weigh.

    `listed_in` is the strongest place the site listed the URL: 'wp-api' (its WordPress REST
    API's posts), 'post-sitemap' (a sitemap of posts, e.g. Yoast's post-sitemap.xml), 'feed',
    or 'sitemap' (any other sitemap, which lists pages too). `modified` is when the site said
    the page changed (API modified_gmt, sitemap lastmod), with `modified_source` 'api' or 'sitemap'.
    `published` (date_gmt, UTC), `authors`, `categories` and `tags` are what the WordPress API
    says of the post; None where it said nothing, () where it said "none".
    """

    listed_in: str | None = None
    modified: str | None = None
    modified_source: str | None = None
    published: str | None = None
    authors: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None

    @classmethod
    def from_dict(cls, fields: dict) -> CrawlEvidence:
        """From asdict() after a JSON round trip, which turns tuples into lists."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()})

    @property
    def listed_as_post(self) -> bool:
        return self.listed_in in POST_LISTINGS

    def weighed(self) -> tuple:
        """What of it extraction weighs: a plain sitemap's listing tells it nothing."""
        return (self.listed_in if self.listed_as_post else None, self.modified, self.modified_source,
                self.published, self.authors, self.categories, self.tags)

    def stronger(self, other: CrawlEvidence | None) -> CrawlEvidence:
        """The two combined: the stronger listing, and a modified time where either has one."""
        if other is None:
            return self
        rank = {name: i for i, name in enumerate(POST_LISTINGS + ("sitemap", None))}
        first, second = sorted((self, other), key=lambda e: rank.get(e.listed_in, len(rank)))
        modified = first if first.modified else second
        api = first if first.published or first.authors is not None else second
        return CrawlEvidence(first.listed_in, modified.modified, modified.modified_source,
                             api.published, api.authors, api.categories, api.tags)


@dataclass(frozen=True)
class Capture:
    """One HTTP response as fetched, before any extraction."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    site: str
    run_id: int | None = None
    depth: int = 0  # link hops from a start URL, sitemap or feed
    discovered: tuple[str, ...] = ()  # pages it links to that the crawl will fetch, kept for resuming
    evidence: CrawlEvidence | None = None  # where the site lists the page, when it said it changed
    reading: Reading | None = None  # what its extraction worker made of it, if one did

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass(frozen=True)
class Reading:
    """What extraction made of a capture before it reached the writer (in a crawl's
    extraction worker, archive.reading): the result and the evidence it weighed, so the
    writer can tell whether it would read the same now. `failure` says why there is no
    result: over the time or memory budget, or the worker died. `signature`: the article
    body's MinHash (archive.duplicates.body_signature), made by the worker so the writer
    only files it."""

    result: Article | NotArticle | None
    evidence: CrawlEvidence | None = None
    failure: str | None = None
    signature: bytes | None = None

    @classmethod
    def from_dict(cls, fields: dict) -> Reading:
        """From asdict() after a JSON round trip (a fleet crawler's queue message)."""
        result = fields.get("result")
        if result is not None:
            result = article_from_dict(result) if result.get("kind") == "article" else NotArticle(**result)
        evidence = fields.get("evidence")
        return cls(result, CrawlEvidence.from_dict(evidence) if evidence else None, fields.get("failure"),
                   fields.get("signature"))


@dataclass(frozen=True)
class NotModified:
    """A conditional GET answered 304: the page is unchanged since the stored capture."""

    url: str
    site: str
    headers: dict[str, str]


@dataclass(frozen=True)
class DiscoveryDocument:
    """A sitemap or feed of a site, read for links; every later crawl reads it again, asking
    with the validators its answer carried (`headers`; None when it answered 304)."""

    site: str
    url: str
    kind: str  # 'sitemap' or 'feed'
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class WordPressApi:
    """A site's WordPress REST API root, found on one of its pages; later runs list posts from it."""

    site: str
    root: str


@dataclass(frozen=True)
class PostListing:
    """A listing told more of a page this crawl already requested (that it is a post, when it
    changed, what the WordPress API says of it): its response may have been read before the
    listing came, without that evidence (see Archive.relisted)."""

    url: str
    site: str
    evidence: CrawlEvidence


@dataclass(frozen=True)
class FetchFailure:
    """A URL that was not fetched, and why: kind 'error' (HTTP status, timeout, DNS, too
    large...), 'gone' (404 or 410) or 'skipped' (robots.txt, page budget, sitemap lastmod)."""

    url: str
    site: str
    reason: str
    status: int | None = None
    kind: str = "error"


# What a crawl hands the archive: Archive.record() stores each of these (isinstance() takes it).
CrawlItem = Capture | NotModified | DiscoveryDocument | WordPressApi | PostListing | FetchFailure


@dataclass
class Person:
    """A named person with post-nominal credentials, e.g. James Leiber, DO."""

    name: str
    credentials: list[str] = field(default_factory=list)
    url: str | None = None
    role: str = "author"  # author or reviewer
    role_label: str | None = None  # as the page puts it: author, medical reviewer, fact checker ...

    def display(self) -> str:
        return ", ".join([self.name, *self.credentials])


@dataclass
class DateValue:
    """An ISO 8601 date or datetime, where it was found (json-ld, meta, visible, url, htmldate;
    api, sitemap for what the crawl was told) and, when a rule chose it over another date or
    over none, why."""

    value: str
    source: str
    why: str | None = None


@dataclass
class Reference:
    """One entry of a post's references or sources list."""

    position: int
    text: str
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    year: int | None = None


@dataclass
class Link:
    """A link in the post body; kind is 'internal', 'external' or 'study' (PubMed, DOI, journals)."""

    url: str
    text: str
    kind: str


@dataclass
class Image:
    src: str
    alt: str | None = None
    caption: str | None = None


@dataclass
class Section:
    """A run of body text under one heading (heading None for the text before the first)."""

    heading: str | None
    level: int
    text: str


@dataclass
class Article:
    """A blog post extracted from one page."""

    url: str
    title: str
    body_text: str
    body_markdown: str
    canonical_url: str | None = None
    site_name: str | None = None
    language: str | None = None
    description: str | None = None
    authors: list[Person] = field(default_factory=list)
    reviewers: list[Person] = field(default_factory=list)
    published: DateValue | None = None
    modified: DateValue | None = None
    reviewed: DateValue | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    breadcrumbs: list[str] = field(default_factory=list)
    image: str | None = None
    images: list[Image] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    ctas: list[str] = field(default_factory=list)
    disclaimer: str | None = None
    extractor_version: str = ""
    kind: str = "article"
    reason: str = ""
    extraction_errors: list[str] = field(default_factory=list)  # "field: error" for fields left empty by a bug
    template: str | None = None  # the page's template (archive.extract.profile), for learning site profiles
    # where the site's WordPress API stood on authors, categories, tags: 'api' (taken from
    # it) or 'page, confirmed by api' (archive.extract.api)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def word_count(self) -> int:
        return len(self.body_text.split())

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees: title and body text, whitespace-normalised."""
        text = " ".join(self.title.split()) + "\n" + " ".join(self.body_text.split())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["word_count"] = self.word_count
        data["content_hash"] = self.content_hash
        return data


@dataclass
class NotArticle:
    """A page that is not a blog post: kind is 'listing' or 'other', reason says why."""

    url: str | None
    kind: str
    reason: str
    title: str | None = None
    body_text: str | None = None  # the page's main text, kept for audit ("why not a post?")
    template: str | None = None  # the page's template (archive.extract.profile), for learning site profiles

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_ARTICLE_PARTS = {"authors": Person, "reviewers": Person, "references": Reference, "links": Link, "images": Image,
                  "sections": Section}
_ARTICLE_DATES = ("published", "modified", "reviewed")


def article_from_dict(fields: dict) -> Article:
    """An Article from asdict() (or to_dict()) after a JSON round trip."""
    fields = {key: value for key, value in fields.items() if key not in ("word_count", "content_hash")}
    for key, part in _ARTICLE_PARTS.items():
        fields[key] = [part(**value) for value in fields.get(key) or []]
    for key in _ARTICLE_DATES:
        if fields.get(key) is not None:
            fields[key] = DateValue(**fields[key])
    return Article(**fields)
