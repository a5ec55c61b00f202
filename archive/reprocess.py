"""Re-extract stored captures with the current extractor, on all cores, without a new crawl.

Extraction runs in worker processes (it is CPU-bound); the main process is the only writer.
A difference that comes only from the extractor is stored as a version with source
're-extraction', never as a change the site made.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from archive.reading import Budget, Job, ReadingPool
from archive.records import Article, CrawlEvidence, Reading
from archive.runs import ArchiveWriter
from archive.store import (
    EVIDENCE_COLUMNS,
    Fetch,
    evidence_from_row,
    load_profiles,
    mark_for_grouping,
    open_archive,
    record_reading,
    save_article,
)

WRITE_BATCH = 64


@dataclass(frozen=True)
class Stored:
    """A URL's stored capture, as reprocess reads it again."""

    url: str
    site: str
    status: int
    capture_id: int
    selectors: str  # the site's extraction overrides, JSON
    evidence: CrawlEvidence | None = None  # what the crawl knew, as extraction weighed it then


def reprocess(db_path: str | Path, site: str | None = None, workers: int | None = None,
              progress: Callable[[int], None] | None = None, budget: Budget | None = None) -> Counter:
    """Re-extract every stored capture (of one site, or all); returns counts of outcomes:
    'changed' (a new re-extraction version), 'unchanged', 'new' (a page that now reads as an
    article), 'not article', 'missing capture', and 'over budget' (a page whose extraction
    ran over `budget`: it keeps what it read as before)."""
    with ArchiveWriter.open(db_path) as writer:  # the archive's one writer, as a crawl would be
        db, captures = writer.db, writer.archive.captures
        stored = list(_stored(db, site))
        counts: Counter = Counter()
        # what the sites' pages teach first, from their captures as they read without a profile
        writer.learn_profiles([site] if site else sorted({s.site for s in stored}))
        profiles = load_profiles(db)

        def jobs():
            for item in stored:
                found = captures.read_body(item.capture_id)
                if found is None:
                    counts["missing capture"] += 1
                    continue
                body, final_url, sha256 = found
                yield (item, sha256), Job(body, final_url or item.url, json.loads(item.selectors or "{}"),
                                          item.evidence, profiles.get(item.site))

        with ReadingPool(workers, budget) as pool:
            readings = pool.read_all(jobs())
            while batch := list(islice(readings, WRITE_BATCH)):
                with db.atomic():  # one commit per batch: the single writer must keep up with all cores
                    for (item, sha256), (reading, _) in batch:
                        counts[_write(db, item, reading, sha256)] += 1
                    writer.archive.settle_duplicates()  # bodies may read differently now
                if progress:
                    progress(len(batch))
    return counts


def job_count(db_path: str | Path, site: str | None = None) -> int:
    db = open_archive(db_path)
    try:
        return sum(1 for _ in _stored(db, site))
    finally:
        db.close()


def _stored(db, site: str | None) -> Iterator[Stored]:
    query = ("select u.url, u.site, u.status, u.capture_id, s.extract_selectors, "
             f"{', '.join('u.' + c for c in EVIDENCE_COLUMNS)} from urls u "
             "join sites s on s.name = u.site where u.capture_id is not null")
    params: list = []
    if site:
        query += " and u.site = ?"
        params.append(site)
    for url, site_name, status, capture_id, selectors, *evidence in db.execute(query + " order by u.url", params):
        yield Stored(url, site_name, status or 200, capture_id, selectors or "{}", evidence_from_row(evidence))


def _write(db, item: Stored, reading: Reading, sha256: str) -> str:
    if reading.failure:
        return "over budget"
    identifier, outcome = None, "not article"
    if isinstance(reading.result, Article):
        fetch = Fetch(item.url, item.site, item.status, item.capture_id, sha256)
        identifier, outcome = save_article(db, reading.result, fetch, source="re-extraction")
        if outcome in ("new", "changed"):
            mark_for_grouping(db, identifier, reading.signature)
    record_reading(db, item.url, reading.result, identifier)
    return outcome
