"""Turn a capture into archive rows: keep the raw bytes, extract, write the record."""

from __future__ import annotations

import logging
from pathlib import Path

from archive.extract import extract
from archive.records import Article, Capture
from archive.store import CaptureStore, captures_path, open_archive, record_url, save_article

log = logging.getLogger(__name__)


class Archive:
    """An open archive: the served database and its captures store.

    >>> archive = Archive.open("demo.db")          # doctest: +SKIP
    >>> archive.ingest(capture)                    # doctest: +SKIP
    'new'
    """

    def __init__(self, db, captures: CaptureStore):
        self.db = db
        self.captures = captures

    @classmethod
    def open(cls, path: str | Path) -> "Archive":
        return cls(open_archive(path), CaptureStore(captures_path(path)))

    def ingest(self, capture: Capture) -> str:
        """Store the capture, extract it and record the outcome.

        Returns 'new', 'changed' or 'unchanged' for articles, else the page kind
        ('listing', 'other'; unreadable pages are 'other' with the reason recorded).
        """
        capture_id = self.captures.save(capture)
        result = extract(capture.body, capture.final_url)
        with self.db.atomic():
            if isinstance(result, Article):
                identifier, outcome = save_article(self.db, result, capture.site, capture_id,
                                                   capture.sha256, capture.run_id)
            else:
                identifier, outcome = None, result.kind
            record_url(self.db, capture.final_url, capture.site, capture.status, result, None,
                       capture_id, identifier, capture.run_id)
        return outcome

    def close(self) -> None:
        self.captures.close()
        self.db.close()
