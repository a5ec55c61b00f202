"""The duplicate index's rows: each article's MinHash signature and LSH band keys, the
articles whose groups are to be settled, and the groups themselves (archive.duplicates
decides them; this module only reads and writes the rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlite_utils

from archive.store import sql


def mark_for_grouping(db: sqlite_utils.Database, article_id: str, signature: bytes | None) -> None:
    """The article's body or title changed: its duplicate groups are settled at the next
    commit (archive.duplicates.settle). `signature` is its MinHash when a worker made it."""
    sql.upsert(db, "duplicates_pending", {"article_id": article_id, "signature": signature}, pk="article_id")


def awaiting_grouping(db: sqlite_utils.Database) -> list[tuple[str, bytes | None]]:
    return db.execute("select article_id, signature from duplicates_pending order by article_id").fetchall()


def save_signature(db: sqlite_utils.Database, article_id: str, content_hash: str | None,
                   signature: bytes | None, band_keys: Sequence[int], component: int | None = None) -> None:
    """What the index holds of one article from now on (no signature: too short to compare;
    no content hash: the article is gone)."""
    db.execute("delete from signature_bands where article_id = ?", [article_id])
    if content_hash is None:
        db.execute("delete from article_signatures where article_id = ?", [article_id])
        return
    sql.upsert(db, "article_signatures", {"article_id": article_id, "content_hash": content_hash,
                                          "signature": signature, "component": component}, pk="article_id")
    sql.insert_many(db, "signature_bands", ({"band_key": key, "article_id": article_id} for key in band_keys))


def settled(db: sqlite_utils.Database, article_ids: Iterable[str]) -> None:
    db.conn.executemany("delete from duplicates_pending where article_id = ?", [(i,) for i in article_ids])


def stored_signatures(db: sqlite_utils.Database, article_ids: Iterable[str],
                      ) -> dict[str, tuple[str, bytes | None, int]]:
    """article id -> (content_hash, signature, component) as the index holds them."""
    return {row[0]: (row[1], row[2], row[3]) for row in _rows_in(
        db, "select article_id, content_hash, signature, component from article_signatures where article_id in ({})",
        article_ids)}


def component_members(db: sqlite_utils.Database, components: Iterable[int]) -> dict[int, list[str]]:
    """component -> its articles, in id order."""
    return _articles_by(db, "component", components)


def new_component(db: sqlite_utils.Database) -> int:
    """A component number no article has."""
    return db.execute("select coalesce(max(component), 0) + 1 from article_signatures").fetchone()[0]


def merge_components(db: sqlite_utils.Database, components: Iterable[int]) -> int:
    """The articles of these components become one component (the largest keeps its number)."""
    sizes = dict(_rows_in(db, "select component, count(*) from article_signatures where component in ({}) "
                          "group by component", components))
    kept = max(sizes, key=lambda component: (sizes[component], -component))
    others = [component for component in sizes if component != kept]
    if others:
        db.conn.executemany("update article_signatures set component = ? where component = ?",
                            [(kept, component) for component in others])
    return kept


def set_component(db: sqlite_utils.Database, article_ids: Iterable[str], component: int) -> None:
    db.conn.executemany("update article_signatures set component = ? where article_id = ?",
                        [(component, article_id) for article_id in article_ids])


def sharing_bands(db: sqlite_utils.Database, band_keys: Sequence[int]) -> list[str]:
    """Articles with any of these band keys: LSH candidates, to be checked against the threshold."""
    return [row[0] for row in db.execute(
        f"select distinct article_id from signature_bands where band_key in ({','.join('?' * len(band_keys))})",
        list(band_keys))]


def same_content(db: sqlite_utils.Database, content_hashes: Iterable[str]) -> dict[str, list[str]]:
    """content hash -> the ids of the articles that have it, in id order."""
    return _articles_by(db, "content_hash", content_hashes)


def _articles_by(db: sqlite_utils.Database, column: str, values: Iterable) -> dict:
    """value of the index's `column` -> the indexed articles with it, in id order."""
    found: dict = {}
    for value, article_id in _rows_in(
            db, f"select {column}, article_id from article_signatures where {column} in ({{}}) order by article_id",
            values):
        found.setdefault(value, []).append(article_id)
    return found


def article_sites(db: sqlite_utils.Database, article_ids: Iterable[str]) -> dict[str, str]:
    return dict(_rows_in(db, "select id, site from articles where id in ({})", article_ids))


def article_contents(db: sqlite_utils.Database, article_ids: Iterable[str], with_text: bool,
                     ) -> dict[str, tuple[str, str | None]]:
    """article id -> (content_hash, body_text if asked for) of the articles that exist."""
    text = "body_text" if with_text else "null"
    return {row[0]: (row[1], row[2]) for row in _rows_in(
        db, f"select id, content_hash, {text} from articles where id in ({{}})", article_ids)}


def regroup(db: sqlite_utils.Database, article_ids: Iterable[str], rows: list[dict]) -> None:
    """These articles' group rows become `rows` (group_id, article_id, kind, similarity, site)."""
    db.conn.executemany("delete from duplicate_groups where article_id = ?", [(i,) for i in article_ids])
    sql.insert_many(db, "duplicate_groups", rows)


def mark_unindexed(db: sqlite_utils.Database) -> int:
    """Mark the articles the index doesn't hold (stored by an older version, or an index
    cleared); returns how many."""
    with db.atomic():
        return db.execute("insert or ignore into duplicates_pending (article_id) select id from articles "
                          "where id not in (select article_id from article_signatures)").rowcount


def clear_duplicate_index(db: sqlite_utils.Database) -> None:
    """Forget every signature and group, and mark every article to be grouped afresh."""
    with db.atomic():
        for table in ("signature_bands", "article_signatures", "duplicate_groups", "duplicates_pending"):
            db.execute(f"delete from [{table}]")
        mark_unindexed(db)


def _rows_in(db: sqlite_utils.Database, query: str, values: Iterable, chunk: int = 500) -> Iterable[tuple]:
    """The rows of a query whose `in ({})` takes the values, a chunk at a time (SQLite caps
    the number of parameters)."""
    values = list(values)
    for start in range(0, len(values), chunk):
        part = values[start:start + chunk]
        yield from db.execute(query.format(",".join("?" * len(part))), part)
