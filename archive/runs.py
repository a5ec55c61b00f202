"""The archive's one writer, as a local crawl, the fleet's ingester and `reprocess` hold it.

    with ArchiveWriter.open("archive.db", recheck) as writer:
        writer.save_sites(sites)
        run_id = writer.start_run([site.name for site in sites])
        counters = writer.record(item, run_id)          # for each crawl item
        if writer.flush_due(run_id):                     # every 5 s: the counts so far
            writer.flush(run_id, counts)
        writer.finish_run(run_id, "finished", counts)   # the sites' profiles follow

It holds the archive lock, keeps each site's extraction settings and learned profile, starts,
counts and finishes runs, and does what changes of the archive's articles end with: the
groups of duplicated posts they touch, settled before each commit, and the sites' profiles,
re-learned when a run finishes.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archive.records import CrawlItem
from archive.store import (
    ArchiveLock,
    Batch,
    Recheck,
    SitePlan,
    finish_run,
    mark_interrupted_runs,
    mark_unindexed,
    save_site,
    site_plan,
    start_run,
    update_run_stats,
)

if TYPE_CHECKING:  # the archive loads the extractor, which the crawl's process (SiteSettings) does without
    from archive.archive import Archive

log = logging.getLogger(__name__)
FLUSH_EVERY = 5.0  # seconds between writes of a run's counts


@dataclass(frozen=True)
class SiteSettings:
    """A site as a crawl configures it (scraper.sites.Site, or a fleet crawler's join notice)."""

    name: str
    start_urls: list[str]
    allowed_domains: list[str]
    extract: dict


class ArchiveWriter:
    def __init__(self, archive: Archive, lock: ArchiveLock | None):
        self.archive, self.lock = archive, lock
        self.db = archive.db
        self._flushed: dict[int, float] = {}
        self.batch = Batch(self.db, archive.captures.db, before_commit=archive.settle_duplicates)
        for name, selectors in self.db.execute("select name, extract_selectors from sites"):
            archive.selectors[name] = json.loads(selectors or "{}")
        if mark_unindexed(self.db):  # settled with the first batch
            log.info("duplicates: articles the index did not hold are marked to be grouped")

    @classmethod
    def open(cls, db_path: str | Path, recheck: Recheck | None = None, take_lock: bool = True,
             ) -> ArchiveWriter:
        """Take the archive lock (unless the caller holds it) and open the archive.
        Raises ArchiveLocked when another writer holds it."""
        from archive.archive import Archive

        lock = ArchiveLock(db_path).acquire() if take_lock else None
        try:
            return cls(Archive.open(db_path, recheck), lock)
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self._close()

    def _close(self) -> None:
        try:
            self.archive.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def mark_interrupted(self, still_open: tuple[int, ...] = ()) -> list[int]:
        """Runs left 'running' by a crawl that died (not `still_open` fleet runs): marked interrupted."""
        self.commit()
        ids = mark_interrupted_runs(self.db, still_open)
        for run_id in ids:
            log.warning("run %s stopped without finishing; this run resumes from what it stored", run_id)
        return ids

    def use_recheck(self, recheck: Recheck) -> None:
        """The revisit policy the crawl runs with (a fleet's crawlers send theirs when they join)."""
        self.archive.recheck = recheck

    def save_sites(self, sites: list[SiteSettings]) -> None:
        self.commit()
        with self.db.atomic():
            for site in sites:
                save_site(self.db, site.name, site.start_urls, site.allowed_domains, site.extract)
                self.archive.selectors[site.name] = site.extract

    def plan(self, site: str) -> SitePlan:
        return site_plan(self.db, site)

    def start_run(self, sites: list[str]) -> int:
        self.commit()
        return start_run(self.db, sites)

    def record(self, item: CrawlItem, run_id: int | None) -> list[str]:
        """Store one crawl item in the run; the run counters it adds to (Archive.record).

        Items are written in batches (archive.store.batch): committed every half second or
        BATCH_RECORDS items, and by flush, finish_run and close. Until then other connections
        do not see them; a failing item rolls back alone."""
        self.batch.begin()
        try:
            return self.archive.record(item, run_id)
        finally:
            self.batch.added()

    def commit(self) -> None:
        """Commit the items recorded so far."""
        self.batch.commit()

    def commit_due(self) -> None:
        """Commit what waits longer than a batch may keep it (a quiet crawl's last items)."""
        if self.batch.due:
            self.batch.commit()

    @property
    def uncommitted(self) -> int:
        """Items recorded since the last commit: lost if the process dies now."""
        return self.batch.count

    def flush_due(self, run_id: int) -> bool:
        """Whether the run's counts were last written FLUSH_EVERY seconds ago or more."""
        return time.monotonic() - self._flushed.get(run_id, 0.0) >= FLUSH_EVERY

    def flush(self, run_id: int, counts: dict) -> None:
        """Write the run's counts so far, so a run killed halfway shows how far it got."""
        self._flushed[run_id] = time.monotonic()
        self.commit()
        update_run_stats(self.db, run_id, counts)

    def finish_run(self, run_id: int, status: str, counts: dict) -> None:
        """Close the run with its counts, then re-learn the profiles of its sites."""
        self.commit()
        finish_run(self.db, run_id, status, counts)
        self._flushed.pop(run_id, None)
        self.archive.learn_profiles(list(counts))

    def learn_profiles(self, sites: list[str]) -> None:
        self.archive.learn_profiles(sites)
