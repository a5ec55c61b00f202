"""Turn what a crawl fetched into archive rows: keep the raw bytes, extract, write the record."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from archive.duplicates import settle_duplicates
from archive.extract import extract
from archive.profiles import learn_site_profiles
from archive.records import (
    Article,
    Capture,
    CrawlItem,
    DiscoveryDocument,
    NotModified,
    PostListing,
    Reading,
    WordPressApi,
)
from archive.store import (
    NO_READING,
    CaptureStore,
    Fetch,
    Recheck,
    UrlKind,
    add_pending,
    captures_path,
    load_profiles,
    mark_for_grouping,
    open_archive,
    reads_as_before,
    record_check,
    record_discovery_document,
    record_evidence,
    record_fetch_error,
    record_gone,
    record_skip,
    record_url,
    save_article,
    save_wp_api,
    stored_evidence,
)

log = logging.getLogger(__name__)


class Archive:
    """An open archive: the served database and its captures store.

    >>> archive = Archive.open("demo.db")          # doctest: +SKIP
    >>> archive.ingest(capture)                    # doctest: +SKIP
    'new'
    """

    def __init__(self, db, captures: CaptureStore, recheck: Recheck | None = None):
        self.db = db
        self.captures = captures
        self.recheck = recheck or Recheck()
        self.selectors: dict[str, dict[str, str]] = {}  # per site: CSS overrides for extract()
        self.profiles = load_profiles(db)  # per site: what its pages taught (archive.extract.profile)

    @classmethod
    def open(cls, path: str | Path, recheck: Recheck | None = None) -> Archive:
        return cls(open_archive(path), CaptureStore(captures_path(path)), recheck)

    def ingest(self, capture: Capture) -> str:
        """Store the capture, extract it and record the outcome, with the links it leads to.

        Returns 'new', 'changed' or 'unchanged' for articles, else the page kind
        ('listing', 'other'; unreadable pages are 'other' with the reason recorded), or
        'unread' when its extraction worker failed (`capture.reading.failure`: over its time or
        memory budget), which is recorded as a fetch error with the capture kept.
        A capture its worker read with the evidence the archive holds is not read again.
        The same bytes as the last capture of the URL are 'unchanged' without a new capture.
        """
        url = capture.final_url
        known = self.db.execute("select content_sha256, kind from urls where url = ?", [url]).fetchone()
        stored = stored_evidence(self.db, url) if known else None
        evidence = capture.evidence.stronger(stored) if capture.evidence else stored
        if known and reads_as_before(known[1], known[0], stored, evidence, capture.sha256):
            with self.db.atomic():
                record_evidence(self.db, url, evidence)
                self._checked(capture, unchanged=True)
            return "unchanged"
        capture_id = self.captures.save(capture)
        reading = capture.reading
        if reading is None or (reading.failure is None and reading.evidence != evidence):
            # no worker read it, or one read it with other evidence than the archive holds now
            reading = Reading(extract(capture.body, url, self.selectors.get(capture.site), evidence,
                                      self.profiles.get(capture.site)), evidence)
        fetch = Fetch(url, capture.site, capture.status, capture_id, capture.sha256, capture.run_id)
        with self.db.atomic():
            if reading.failure:  # kept for `reprocess`; asked again, and read again, next crawl
                record_fetch_error(self.db, capture.run_id, capture.site, url, capture.status, reading.failure,
                                   capture_id)
                record_evidence(self.db, url, evidence)
                return "unread"
            result = reading.result
            if isinstance(result, Article):
                identifier, outcome = save_article(self.db, result, fetch)
                if outcome in ("new", "changed"):
                    mark_for_grouping(self.db, identifier, reading.signature)
            else:
                identifier, outcome = None, result.kind
            record_url(self.db, fetch, result, identifier)
            record_evidence(self.db, url, evidence)
            self._checked(capture, unchanged=outcome == "unchanged")
        return outcome

    def record(self, item: CrawlItem, run_id: int | None) -> list[str]:
        """Store one thing a crawl produced, in that run; returns the run counters it adds to.

        The one entry point for a local crawl's pipeline and the distributed ingester alike.
        """
        if isinstance(item, Capture):
            outcome = self.ingest(dataclasses.replace(item, run_id=run_id))
            if outcome == "unread":  # over the extraction budget: a failure, with its reason
                return ["fetched", "failed", f"failed_by/{item.reading.failure}"]
            return ["fetched", outcome]
        if isinstance(item, NotModified):
            self.not_modified(item)
            return ["unchanged"]
        if isinstance(item, PostListing):
            return self.relisted(item, run_id)
        db = self.db
        with db.atomic():
            if isinstance(item, DiscoveryDocument):
                record_discovery_document(db, item.url, item.site, item.kind, run_id, item.headers)
                return [f"read_{item.kind}s"]
            if isinstance(item, WordPressApi):
                save_wp_api(db, item.site, item.root)
                return []
            if item.kind == UrlKind.SKIPPED:
                record_skip(db, item.url, item.site, item.reason, run_id)
                return ["skipped", f"skipped_by/{item.reason.split(':')[0]}"]
            if item.kind == UrlKind.GONE:
                record_gone(db, item.url, item.site, item.status or 404, run_id, self.recheck)
                return ["gone"]
            record_fetch_error(db, run_id, item.site, item.url, item.status, item.reason)
            return ["failed", f"failed_by/{item.reason}"]

    def relisted(self, item: PostListing, run_id: int | None) -> list[str]:
        """A page read before the site's listing of it came (as no post, or without what the
        WordPress API says of it): read its stored capture again with that evidence. Returns
        ['new'] when it now reads as a post; an article read again is not counted twice."""
        known = self.db.execute("select kind, capture_id, status from urls where url = ?", [item.url]).fetchone()
        stored = stored_evidence(self.db, item.url) if known else None
        evidence = item.evidence.stronger(stored)
        if not known or known[0] in NO_READING or not known[1]:
            # Not read yet. Its capture may still reach us carrying less (Scrapy need not hand
            # items over in the order the spider made them), so the row keeps the listing.
            with self.db.atomic():
                add_pending(self.db, item.site, [item.url], 0, run_id)
                record_evidence(self.db, item.url, evidence)
            return []
        if stored is not None and evidence.weighed() == stored.weighed():
            return []  # read with all of it already
        capture = self.captures.load(known[1])
        result = extract(capture.body, item.url, self.selectors.get(item.site), evidence,
                         self.profiles.get(item.site))
        with self.db.atomic():
            record_evidence(self.db, item.url, evidence)
            if not isinstance(result, Article):
                return []
            fetch = Fetch(item.url, item.site, known[2], known[1], capture.sha256, run_id)
            identifier, outcome = save_article(self.db, result, fetch)
            if outcome in ("new", "changed"):
                mark_for_grouping(self.db, identifier, None)
            record_url(self.db, fetch, result, identifier)
        return [] if known[0] == UrlKind.ARTICLE else [outcome]

    def not_modified(self, item: NotModified) -> None:
        """A 304: the page is as stored; only its check times move."""
        with self.db.atomic():
            record_check(self.db, item.url, item.site, unchanged=True, headers=item.headers, sha256=None,
                         recheck=self.recheck)

    def _checked(self, capture: Capture, unchanged: bool) -> None:
        record_check(self.db, capture.final_url, capture.site, unchanged=unchanged, headers=capture.headers,
                     sha256=capture.sha256, recheck=self.recheck, requested_url=capture.url,
                     run_id=capture.run_id)
        if capture.discovered:
            add_pending(self.db, capture.site, list(capture.discovered), capture.depth + 1, capture.run_id)

    def settle_duplicates(self) -> None:
        """Regroup the duplicates the articles changed since the last call touch (the writer
        calls it before each commit). A failure is logged and leaves them marked for the next
        call: grouping never costs the articles."""
        try:
            settle_duplicates(self.db)
        except Exception:
            log.exception("grouping duplicates failed; the changed articles stay marked for the next try")

    def learn_profiles(self, sites: list[str]) -> None:
        """Learn the sites' profiles from what is stored now; later extractions use them.
        A profile only sharpens extraction: failing to learn one is logged, never fatal."""
        try:
            self.profiles.update(learn_site_profiles(self.db, self.captures, sites))
        except Exception:
            log.exception("learning site profiles failed; extraction goes on without new ones")

    def close(self) -> None:
        self.captures.close()
        self.db.close()
