"""Raw captures, kept in their own SQLite file beside the served archive.

Large raw HTML would slow Datasette and could leak scripts, so the archive database holds
only a capture id; the bytes live here, zlib-compressed, with headers and a sha256.
CaptureStore is the only code that reads or writes this file; its schema is applied as its
own migrations (recorded in the file's _sqlite_migrations), as the archive's are.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from archive.records import Capture
from archive.store import sql

migrations = Migrations("clinic_archive_captures")
# what describe() returns: everything but the body
_COLUMNS = "id, url, final_url, status, headers, sha256, size, fetched_at, site, run_id"


@migrations()
def m001_captures(db: sqlite_utils.Database) -> None:
    """One row per fetched response. A store made before its migrations already has it."""
    if not db["captures"].exists():
        db["captures"].create(
            {"id": int, "url": str, "final_url": str, "status": int, "headers": str,
             "body": bytes, "sha256": str, "size": int, "fetched_at": str, "site": str,
             "run_id": int},
            pk="id",
        )
    db["captures"].create_index(["url"], if_not_exists=True)


def captures_path(archive_path: str | Path) -> Path:
    """demo.db -> demo.captures.db"""
    path = Path(archive_path)
    return path.with_name(path.stem + ".captures.db")


class CaptureStore:
    """The captures file. Opened `read_only`, it is never created, migrated or written: what
    worker processes, exports and the server use while a crawl may be writing.

    >>> store = CaptureStore(captures_path("demo.db"))  # doctest: +SKIP
    >>> store.load(store.save(capture)).body == capture.body  # doctest: +SKIP
    True
    """

    def __init__(self, path: str | Path, read_only: bool = False):
        self.read_only = read_only
        if read_only:
            self.db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
        else:
            self.db = sqlite_utils.Database(path)
            self.db.enable_wal()
        self.db.execute("PRAGMA busy_timeout = 30000")
        if not read_only:
            migrations.apply(self.db)

    def save(self, capture: Capture) -> int:
        """Store a capture and return its id."""
        with self.db.atomic():
            return sql.insert(self.db, "captures", {
                "url": capture.url, "final_url": capture.final_url, "status": capture.status,
                "headers": json.dumps(capture.headers), "body": zlib.compress(capture.body, 1),
                "sha256": capture.sha256, "size": len(capture.body),
                "fetched_at": capture.fetched_at, "site": capture.site, "run_id": capture.run_id,
            })

    def load(self, capture_id: int) -> Capture:
        """The capture with this id; sqlite_utils' NotFoundError when there is none."""
        capture = self.get(capture_id)
        if capture is None:
            raise sqlite_utils.db.NotFoundError(f"no capture {capture_id}")
        return capture

    def get(self, capture_id: int) -> Capture | None:
        """The capture with this id, or None."""
        row = self.db.execute("select url, final_url, status, headers, body, fetched_at, site, run_id "
                              "from captures where id = ?", [capture_id]).fetchone()
        if row is None:
            return None
        url, final_url, status, headers, body, fetched_at, site, run_id = row
        return Capture(url=url, final_url=final_url, status=status, headers=json.loads(headers),
                       body=zlib.decompress(body), fetched_at=fetched_at, site=site, run_id=run_id)

    def read_body(self, capture_id: int) -> tuple[bytes, str | None, str] | None:
        """(body, final url, stored sha256) of a capture, or None: what re-extraction needs,
        without parsing its headers."""
        row = self.db.execute("select body, final_url, sha256 from captures where id = ?",
                              [capture_id]).fetchone()
        return None if row is None else (zlib.decompress(row[0]), row[1], row[2])

    def describe(self, capture_id: int, with_body: bool = False) -> dict | None:
        """A capture's row as stored (headers as JSON text), with its decompressed body under
        'body' when asked for; None when there is no such capture."""
        cursor = self.db.execute(f"select {_COLUMNS}{', body' if with_body else ''} from captures "
                                 "where id = ?", [capture_id])
        row = cursor.fetchone()
        if row is None:
            return None
        record = dict(zip([column[0] for column in cursor.description], row))
        if with_body:
            record["body"] = zlib.decompress(record["body"]) if record["body"] else b""
        return record

    def digests(self) -> dict[int, str]:
        """{capture id: stored sha256} of every capture."""
        return dict(self.db.execute("select id, sha256 from captures"))

    def mismatched(self) -> Iterator[int]:
        """Ids of captures whose body no longer matches the sha256 stored with it."""
        for capture_id, body, sha256 in self.db.execute("select id, body, sha256 from captures"):
            if hashlib.sha256(zlib.decompress(body)).hexdigest() != sha256:
                yield capture_id

    def close(self) -> None:
        self.db.close()
