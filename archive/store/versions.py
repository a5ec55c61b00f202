"""Article versions: every distinct content an article has had, and what changed each time.

A version is the part analysts compare over time: title, body, dates, people and
references. Each version records whether it came from the site (a fetch found new content)
or from a re-extraction (the same capture read by a newer extractor).
"""

from __future__ import annotations

import hashlib
import json

import sqlite_utils

from archive.store import sql

COMPARED = ("title", "body", "dates", "people", "references")


def version_fields(record: dict, references: list[str]) -> dict:
    """The compared parts of an articles row, as stored in article_versions."""
    return {
        "title": record["title"], "body_text": record["body_text"], "body_markdown": record["body_markdown"],
        "published": record["published"], "modified": record["modified"],
        "authors": record["authors"], "reviewers": record["reviewers"],
        "references": json.dumps(references),
    }


def version_hash(fields: dict) -> str:
    text = json.dumps({k: fields[k] for k in sorted(fields) if k != "body_markdown"}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def changed_parts(old: dict | None, new: dict) -> list[str]:
    """Which of title, body, dates, people, references differ between two versions."""
    if old is None:
        return []
    columns = {"title": ("title",), "body": ("body_text",), "dates": ("published", "modified"),
               "people": ("authors", "reviewers"), "references": ("references",)}
    return [part for part in COMPARED if any(old[c] != new[c] for c in columns[part])]


def latest_version(db: sqlite_utils.Database, article_id: str) -> dict | None:
    rows = list(db.query("select * from article_versions where article_id = ? order by version desc limit 1",
                         [article_id]))
    return rows[0] if rows else None


def add_version(db: sqlite_utils.Database, article_id: str, fields: dict, *, seen_at: str, source: str,
                capture_id: int | None, run_id: int | None, extractor_version: str) -> int | None:
    """Store a new version when the compared parts differ from the latest; returns its number.

    The same capture read again in the same run, with more of what the site said of it (see
    Archive.relisted), is one reading: it replaces that run's version instead of adding one."""
    digest = version_hash(fields)
    latest = latest_version(db, article_id)
    if latest and latest["version_hash"] == digest:
        return None
    reread = bool(latest and capture_id is not None and run_id is not None
                  and (latest["capture_id"], latest["run_id"]) == (capture_id, run_id))
    number = latest["version"] if reread else (latest["version"] + 1) if latest else 1
    before = _version(db, article_id, number - 1) if reread else latest
    sql.upsert(db, "article_versions", {
        "article_id": article_id, "version": number, "seen_at": seen_at, "source": source,
        "changed": json.dumps(changed_parts(before, fields)), **fields, "version_hash": digest,
        "word_count": len((fields["body_text"] or "").split()),
        "reference_count": len(json.loads(fields["references"] or "[]")),
        "capture_id": capture_id, "run_id": run_id, "extractor_version": extractor_version,
    }, pk=("article_id", "version"))
    return number


def _version(db: sqlite_utils.Database, article_id: str, number: int) -> dict | None:
    rows = list(db.query("select * from article_versions where article_id = ? and version = ?", [article_id, number]))
    return rows[0] if rows else None
