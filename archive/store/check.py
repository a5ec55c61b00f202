"""Archive health: SQLite integrity, search index, orphan rows and capture hashes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from archive.store.captures import CaptureStore, captures_path
from archive.store.schema import open_archive

# (what, query counting bad rows): rows pointing at something that is not there
ORPHANS = [
    ("article_people rows without their article",
     "select count(*) from article_people where article_id not in (select id from articles)"),
    ("article_people rows without their person",
     "select count(*) from article_people where person_id not in (select id from people)"),
    ("citations without their article",
     "select count(*) from citations where article_id not in (select id from articles)"),
    ("links without their article", "select count(*) from links where article_id not in (select id from articles)"),
    ("versions without their article",
     "select count(*) from article_versions where article_id not in (select id from articles)"),
    ("articles without any version",
     "select count(*) from articles where id not in (select article_id from article_versions)"),
    ("urls naming a missing article",
     "select count(*) from urls where article_id is not null and article_id not in (select id from articles)"),
    ("articles of an unknown site", "select count(*) from articles where site not in (select name from sites)"),
    ("duplicate group rows without their article",
     "select count(*) from duplicate_groups where article_id not in (select id from articles)"),
    ("articles missing from the duplicate index (the next crawl or reprocess indexes them)",
     "select count(*) from articles where id not in (select article_id from article_signatures)"
     " and id not in (select article_id from duplicates_pending)"),
]


def check_archive(path: str | Path) -> list[str]:
    """Every problem found, one line each; an empty list means the archive is sound."""
    problems: list[str] = []
    db = open_archive(path)  # an older archive is upgraded first, as by every command
    try:
        result = db.execute("pragma integrity_check").fetchall()
        if result != [("ok",)]:
            problems += [f"sqlite integrity: {row[0]}" for row in result]
        try:
            db.execute("insert into articles_fts(articles_fts, rank) values('integrity-check', 1)")
        except sqlite3.DatabaseError as err:
            problems.append(f"full-text index out of step with articles: {err}")
        for what, query in ORPHANS:
            count = db.execute(query).fetchone()[0]
            if count:
                problems.append(f"{count} {what}")
        problems += _capture_problems(db, captures_path(path))
    finally:
        db.close()
    return problems


def _capture_problems(db: sqlite_utils.Database, store: Path) -> list[str]:
    if not store.exists():
        count = db.execute("select count(*) from articles where capture_id is not null").fetchone()[0]
        return [f"captures store {store} is missing; {count} articles point into it"] if count else []
    problems = []
    captures = CaptureStore(store, read_only=True)
    try:
        problems += [f"capture {capture_id}: body does not match its sha256" for capture_id in captures.mismatched()]
        known = captures.digests()
    finally:
        captures.close()
    for article, capture_id, sha256 in db.execute("select id, capture_id, capture_sha256 from articles"):
        if capture_id is not None and known.get(capture_id) != sha256:
            problems.append(f"article {article}: capture {capture_id} is missing or not the one it was read from")
    return problems
