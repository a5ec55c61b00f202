"""One transaction held open across many records, so the writer commits (and syncs the WAL)
a few times a second instead of once per page.

While a batch is open, each write's own `db.atomic()` is a savepoint inside it: a record that
fails rolls back alone. A crawl killed halfway loses only the batch not yet committed; the
pages it held stay as they were stored before (pending, or due), and the next crawl fetches
them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sqlite_utils

BATCH_SECONDS = 0.5
BATCH_RECORDS = 500


class Batch:
    """Open transactions on the archive and its captures file, committed when due.

    The captures file commits first, so a committed archive row never names a capture that
    was lost; a capture whose row was lost is only unreferenced bytes.
    """

    def __init__(self, archive: sqlite_utils.Database, captures: sqlite_utils.Database,
                 seconds: float = BATCH_SECONDS, records: int = BATCH_RECORDS,
                 before_commit: Callable[[], None] | None = None):
        self.databases = (captures, archive)
        self.before_commit = before_commit  # what each batch ends with, inside its transaction
        self.seconds, self.records = seconds, records
        self.count, self.opened = 0, 0.0

    def begin(self) -> None:
        """Open the batch's transactions, unless they are open already."""
        if self.count == 0:
            self.opened = time.monotonic()
        for db in self.databases:
            if not db.conn.in_transaction:
                db.conn.execute("BEGIN")

    def added(self) -> None:
        """One more record is in the batch: commit when it is full or old enough."""
        self.count += 1
        if self.count >= self.records or time.monotonic() - self.opened >= self.seconds:
            self.commit()

    @property
    def due(self) -> bool:
        """Whether records wait that are older than the batch may keep them."""
        return self.count > 0 and time.monotonic() - self.opened >= self.seconds

    def commit(self) -> None:
        if self.before_commit is not None:
            self.before_commit()
        for db in self.databases:
            if db.conn.in_transaction:
                db.conn.execute("COMMIT")
        self.count = 0
