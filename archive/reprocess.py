"""Re-extract stored captures with the current extractor, on all cores, without a new crawl.

Extraction runs in worker processes (it is CPU-bound); the main process is the only writer.
A difference that comes only from the extractor is stored as a version with source
're-extraction', never as a change the site made.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from archive.extract import extract
from archive.extract.profile import SiteProfile
from archive.records import Article, CrawlEvidence
from archive.runs import ArchiveWriter
from archive.store import (
    EVIDENCE_COLUMNS,
    CaptureStore,
    Fetch,
    captures_path,
    evidence_from_row,
    load_profiles,
    open_archive,
    record_reading,
    save_article,
)

CHUNK = 16
WRITE_BATCH = 64
_store: CaptureStore | None = None
_profiles: dict[str, SiteProfile] = {}


@dataclass(frozen=True)
class Job:
    url: str
    site: str
    status: int
    capture_id: int
    selectors: str  # the site's extraction overrides, JSON
    evidence: CrawlEvidence | None = None  # what the crawl knew, as extraction weighed it then


def _open_store(path: str, profiles: dict[str, dict]) -> None:
    global _store, _profiles
    _store = CaptureStore(path, read_only=True)
    _profiles = {site: SiteProfile.from_json(data) for site, data in profiles.items()}


def _extract_job(job: Job):
    stored = _store.read_body(job.capture_id)
    if stored is None:
        return job, None, None
    body, final_url, sha256 = stored
    selectors = json.loads(job.selectors or "{}")
    result = extract(body, final_url or job.url, selectors, job.evidence, _profiles.get(job.site))
    return job, result, sha256


def reprocess(db_path: str | Path, site: str | None = None, workers: int | None = None,
              progress: Callable[[int], None] | None = None) -> Counter:
    """Re-extract every stored capture (of one site, or all); returns counts of outcomes:
    'changed' (a new re-extraction version), 'unchanged', 'new' (a page that now reads as an
    article), 'not article', and 'missing capture'."""
    with ArchiveWriter.open(db_path) as writer:  # the archive's one writer, as a crawl would be
        db = writer.db
        jobs = list(_jobs(db, site))
        counts: Counter = Counter()
        workers = workers or os.cpu_count() or 1
        # what the sites' pages teach first, from their captures as they read without a profile
        sites = [site] if site else sorted({job.site for job in jobs})
        writer.learn_profiles(sites)
        profiles = {name: p.to_json() for name, p in load_profiles(db).items() if name in sites}
        with ProcessPoolExecutor(workers, initializer=_open_store,
                                 initargs=(str(captures_path(db_path)), profiles)) as pool:
            results = pool.map(_extract_job, jobs, chunksize=CHUNK)
            while batch := list(islice(results, WRITE_BATCH)):
                with db.atomic():  # one commit per batch: the single writer must keep up with all cores
                    for job, result, sha256 in batch:
                        counts[_write(db, job, result, sha256)] += 1
                if progress:
                    progress(len(batch))
        writer.rebuild_duplicates()  # bodies may read differently now
    return counts


def job_count(db_path: str | Path, site: str | None = None) -> int:
    db = open_archive(db_path)
    try:
        return sum(1 for _ in _jobs(db, site))
    finally:
        db.close()


def _jobs(db, site: str | None) -> Iterator[Job]:
    query = ("select u.url, u.site, u.status, u.capture_id, s.extract_selectors, "
             f"{', '.join('u.' + c for c in EVIDENCE_COLUMNS)} from urls u "
             "join sites s on s.name = u.site where u.capture_id is not null")
    params: list = []
    if site:
        query += " and u.site = ?"
        params.append(site)
    for url, site_name, status, capture_id, selectors, *evidence in db.execute(query + " order by u.url", params):
        yield Job(url, site_name, status or 200, capture_id, selectors or "{}",
                  evidence_from_row(evidence))


def _write(db, job: Job, result, sha256: str | None) -> str:
    if result is None:
        return "missing capture"
    identifier, outcome = None, "not article"
    if isinstance(result, Article):
        fetch = Fetch(job.url, job.site, job.status, job.capture_id, sha256)
        identifier, outcome = save_article(db, result, fetch, source="re-extraction")
    record_reading(db, job.url, result, identifier)
    return outcome
