"""Raw captures, kept in their own SQLite file beside the served archive.

Large raw HTML would slow Datasette and could leak scripts, so the archive database holds
only a capture id; the bytes live here, zlib-compressed, with headers and a sha256.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import sqlite_utils

from archive.records import Capture


def captures_path(archive_path: str | Path) -> Path:
    """demo.db -> demo.captures.db"""
    path = Path(archive_path)
    return path.with_name(path.stem + ".captures.db")


class CaptureStore:
    def __init__(self, path: str | Path):
        self.db = sqlite_utils.Database(path)
        self.db.enable_wal()
        self.db.execute("PRAGMA busy_timeout = 30000")
        if not self.db["captures"].exists():
            self.db["captures"].create(
                {"id": int, "url": str, "final_url": str, "status": int, "headers": str,
                 "body": bytes, "sha256": str, "size": int, "fetched_at": str, "site": str,
                 "run_id": int},
                pk="id",
            )
            self.db["captures"].create_index(["url"])

    def save(self, capture: Capture) -> int:
        """Store a capture and return its id."""
        with self.db.atomic():
            table = self.db["captures"].insert({
                "url": capture.url, "final_url": capture.final_url, "status": capture.status,
                "headers": json.dumps(capture.headers), "body": zlib.compress(capture.body, 6),
                "sha256": capture.sha256, "size": len(capture.body),
                "fetched_at": capture.fetched_at, "site": capture.site, "run_id": capture.run_id,
            })
        return table.last_pk

    def load(self, capture_id: int) -> Capture:
        row = self.db["captures"].get(capture_id)
        return Capture(
            url=row["url"], final_url=row["final_url"], status=row["status"],
            headers=json.loads(row["headers"]), body=zlib.decompress(row["body"]),
            fetched_at=row["fetched_at"], site=row["site"], run_id=row["run_id"],
        )

    def close(self) -> None:
        self.db.close()
