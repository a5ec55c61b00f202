"""Writes to the archive database. Every write goes through archive.store: these functions,
crawlstate (per-URL state), versions and profiles; no module outside the package writes SQLite."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlite_utils

from archive.records import Article, NotArticle, Person
from archive.store import sql
from archive.store.versions import add_version, latest_version, version_fields, version_hash


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_id(article: Article) -> str:
    """Stable id from the canonical URL when it is on the fetched host, else the URL."""
    url = article.url
    canonical = article.canonical_url
    if canonical and urlsplit(canonical).netloc == urlsplit(url).netloc:
        url = canonical
    parts = urlsplit(url)
    key = f"{parts.netloc.lower()}{parts.path.rstrip('/') or '/'}"
    if parts.query:
        key += "?" + parts.query
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def save_site(db: sqlite_utils.Database, name: str, start_urls: list[str],
              allowed_domains: list[str], extract_selectors: dict[str, str] | None = None) -> None:
    now = utc_now()
    existing = db["sites"].get(name) if _has_row(db, "sites", "name", name) else None
    db["sites"].upsert({
        "name": name, "start_urls": json.dumps(start_urls),
        "allowed_domains": json.dumps(allowed_domains),
        "extract_selectors": json.dumps(extract_selectors or {}),
        "first_crawled": existing["first_crawled"] if existing else now, "last_crawled": now,
    }, pk="name")


def save_wp_api(db: sqlite_utils.Database, site: str, root: str) -> None:
    """Where the site's WordPress REST API answered, so the next crawl asks it first."""
    db["sites"].update(site, {"wp_api": root})


def start_run(db: sqlite_utils.Database, sites: list[str]) -> int:
    with db.atomic():
        table = db["runs"].insert({"started": utc_now(), "status": "running",
                                   "sites": json.dumps(sites)})
    return table.last_pk


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, stats: dict) -> None:
    with db.atomic():
        db["runs"].update(run_id, {"finished": utc_now(), "status": status,
                                   "stats": json.dumps(stats, sort_keys=True)})


def set_run_sites(db: sqlite_utils.Database, run_id: int, sites: list[str]) -> None:
    """The sites a run crawls, when more join it (a fleet's crawlers join one by one)."""
    db["runs"].update(run_id, {"sites": json.dumps(sites)})


def update_run_stats(db: sqlite_utils.Database, run_id: int, stats: dict) -> None:
    """Counts so far, written as the crawl goes so a killed run still shows how far it got."""
    with db.atomic():
        db["runs"].update(run_id, {"stats": json.dumps(stats, sort_keys=True)})


def site_counts(stats: dict) -> dict[str, dict]:
    """{site: {counter: n, 'skipped_by': {reason: n}, 'failed_by': {reason: n}}} from flat
    'archive/<site>/<counter>[/<reason>]' counts, as Scrapy's stats or the ingester keep them."""
    sites: dict[str, dict] = {}
    for key, value in stats.items():
        if not key.startswith("archive/"):
            continue
        site, _, counter = key[len("archive/"):].partition("/")
        group, _, reason = counter.partition("/")
        counts = sites.setdefault(site, {})
        if reason:
            counts.setdefault(group, {})[reason] = value
        else:
            counts[counter] = value
    for counts in sites.values():  # what the run's stored articles cost the site
        articles = counts.get("new", 0) + counts.get("changed", 0)
        if counts.get("requests") and articles:
            counts["requests_per_article"] = round(counts["requests"] / articles, 2)
    return sites


def mark_interrupted_runs(db: sqlite_utils.Database, still_open: tuple[int, ...] = ()) -> list[int]:
    """Runs still 'running' when a new crawl holds the archive lock died without finishing.

    `still_open` are runs a distributed fleet is still crawling: those carry on."""
    ids = [row[0] for row in db.execute("select id from runs where status = 'running'") if row[0] not in still_open]
    with db.atomic():
        for run_id in ids:
            db["runs"].update(run_id, {"status": "interrupted: the crawl stopped without finishing"})
    return ids


@dataclass(frozen=True)
class Fetch:
    """A stored fetch of a URL, as a reading of it is recorded: the site, the HTTP status,
    the capture holding the bytes (and their sha256), and the run that fetched them (None for
    a re-extraction, which keeps the run that fetched them).

    >>> Fetch("https://c.test/p/", "Clinic", 200, capture_id=7, capture_sha256="ab12", run_id=3)
    Fetch(url='https://c.test/p/', site='Clinic', status=200, capture_id=7, capture_sha256='ab12', run_id=3)
    """

    url: str
    site: str
    status: int
    capture_id: int | None = None
    capture_sha256: str | None = None
    run_id: int | None = None


def save_article(db: sqlite_utils.Database, article: Article, fetch: Fetch, source: str = "site") -> tuple[str, str]:
    """Insert or update an article, its people and references, and add a version when its
    title, body, dates, people or references changed.

    Returns (article id, 'new' | 'changed' | 'unchanged'). source is 'site' for a fetch and
    're-extraction' when a newer extractor reread a stored capture.
    """
    site, capture_id, capture_sha256, run_id = fetch.site, fetch.capture_id, fetch.capture_sha256, fetch.run_id
    now = utc_now()
    identifier = article_id(article)
    previous = db.execute("select first_seen from articles where id = ?", [identifier]).fetchone()
    record = {
        "id": identifier, "url": article.url, "canonical_url": article.canonical_url,
        "site": site, "title": article.title, "description": article.description,
        "published": article.published.value if article.published else None,
        "published_source": article.published.source if article.published else None,
        "modified": article.modified.value if article.modified else None,
        "modified_source": article.modified.source if article.modified else None,
        "published_why": article.published.why if article.published else None,
        "modified_why": article.modified.why if article.modified else None,
        "language": article.language, "site_name": article.site_name,
        "body_text": article.body_text, "body_markdown": article.body_markdown,
        "authors": json.dumps([p.display() for p in article.authors]),
        "reviewers": json.dumps([p.display() for p in article.reviewers]),
        "categories": json.dumps(article.categories), "tags": json.dumps(article.tags),
        "reviewed": article.reviewed.value if article.reviewed else None,
        "reviewed_source": article.reviewed.source if article.reviewed else None,
        "image": article.image, "disclaimer": article.disclaimer, "ctas": json.dumps(article.ctas),
        "extraction_errors": json.dumps(article.extraction_errors),
        "field_sources": json.dumps(article.sources) if article.sources else None,
        "word_count": article.word_count, "content_hash": article.content_hash,
        "extractor_version": article.extractor_version, "capture_id": capture_id,
        "capture_sha256": capture_sha256, "first_seen": previous[0] if previous else now,
        "last_seen": now, "run_id": run_id,
    }
    if previous and source != "site":  # keep when the site was last seen, and by which run
        del record["last_seen"], record["run_id"]
    fields = version_fields(record, [reference.text for reference in article.references])
    latest = latest_version(db, identifier)
    if previous and latest and latest["version_hash"] == version_hash(fields):
        # No new version, but what versions don't compare (terms, field sources, the extractor
        # that read it) follows the latest reading. The same content keeps the capture that
        # first held it; a re-extraction keeps last_seen and run_id.
        sql.update(db, "articles", identifier, {k: v for k, v in record.items()
                                                if k not in ("id", "capture_id", "capture_sha256")})
        return identifier, "unchanged"
    sql.upsert(db, "articles", record, pk="id")
    _save_people(db, identifier, article.authors + article.reviewers)
    _save_citations_and_links(db, identifier, article)
    add_version(db, identifier, fields, seen_at=now, source=source, capture_id=capture_id, run_id=run_id,
                extractor_version=article.extractor_version)
    return identifier, "changed" if previous else "new"


def record_url(db: sqlite_utils.Database, fetch: Fetch, result: Article | NotArticle | str,
               article_id_: str | None = None, reason: str | None = None) -> None:
    """What a fetch of a URL was read as: its kind (a UrlKind: article, listing, other...)
    and why, so nothing is dropped silently."""
    kind = result if isinstance(result, str) else result.kind
    why = reason or (None if isinstance(result, str) else result.reason)
    sql.upsert(db, "urls", {
        "url": fetch.url, "site": fetch.site, "kind": kind, "reason": why, "status": fetch.status,
        "last_fetched": utc_now(), "capture_id": fetch.capture_id, "article_id": article_id_,
        "run_id": fetch.run_id,
    }, pk="url")


def record_reading(db: sqlite_utils.Database, url: str, result: Article | NotArticle,
                   article_id_: str | None) -> None:
    """What a stored capture of `url` now reads as; when and by which run it was fetched stay."""
    db["urls"].update(url, {"kind": result.kind, "reason": result.reason, "article_id": article_id_})


def _save_people(db: sqlite_utils.Database, identifier: str, people: list[Person]) -> None:
    db.execute("delete from article_people where article_id = ?", [identifier])
    for position, person in enumerate(people):
        person_id = _person_id(db, person)
        sql.upsert(db, "article_people", {
            "article_id": identifier, "person_id": person_id, "role": person.role,
            "position": position, "credentials": json.dumps(person.credentials),
            "role_label": person.role_label,
        }, pk=("article_id", "person_id", "role"))


def _save_citations_and_links(db: sqlite_utils.Database, identifier: str, article: Article) -> None:
    for table in ("citations", "links", "images"):
        db.execute(f"delete from [{table}] where article_id = ?", [identifier])
    sql.insert_many(db, "images", ({"article_id": identifier, "position": position, **dataclasses.asdict(image)}
                                   for position, image in enumerate(article.images, 1)))
    sql.insert_many(db, "citations", ({"article_id": identifier, **dataclasses.asdict(reference)}
                                      for reference in article.references))
    sql.insert_many(db, "links", ({"article_id": identifier, **dataclasses.asdict(link)}
                                  for link in article.links))


def _person_id(db: sqlite_utils.Database, person: Person) -> int:
    row = db.execute("select id, credentials, url from people where name = ?",
                     [person.name]).fetchone()
    if row is None:
        return sql.insert(db, "people", {"name": person.name, "credentials": json.dumps(person.credentials),
                                         "url": person.url})
    known = json.loads(row[1] or "[]")
    merged = known + [c for c in person.credentials if c not in known]
    if merged != known or (person.url and not row[2]):
        sql.update(db, "people", row[0], {"credentials": json.dumps(merged), "url": row[2] or person.url})
    return row[0]


def _has_row(db: sqlite_utils.Database, table: str, column: str, value) -> bool:
    return db.execute(f"select 1 from [{table}] where [{column}] = ?", [value]).fetchone() is not None
