"""The write hot path's statements: the SQL sqlite-utils' insert, upsert and update build,
without their schema look-ups on every call.

sqlite-utils reads a table's columns (and, for update, the row) before each write; on a
crawl that was a tenth of the writer's time. These build the same statements from the
record's keys, once per shape, and sqlite3's statement cache keeps them prepared. Values
are converted as sqlite-utils converts them (lists and dicts to JSON). The schema itself is
still made by sqlite-utils, in the migrations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed


def _quote(name: str) -> str:
    return "[" + name + "]"


@lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], ignore: bool) -> str:
    return (f"INSERT{' OR IGNORE' if ignore else ''} INTO {_quote(table)} "
            f"({', '.join(map(_quote, columns))}) VALUES ({', '.join('?' * len(columns))})")


@lru_cache(maxsize=256)
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    updates = [f"{_quote(c)} = excluded.{_quote(c)}" for c in columns if c not in pk]
    action = "DO UPDATE SET " + ", ".join(updates) if updates else "DO NOTHING"
    return f"{_insert_sql(table, columns, False)} ON CONFLICT({', '.join(map(_quote, pk))}) {action}"


@lru_cache(maxsize=256)
def _update_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    return (f"UPDATE {_quote(table)} SET {', '.join(f'{_quote(c)} = ?' for c in columns)} "
            f"WHERE {' AND '.join(f'{_quote(c)} = ?' for c in pk)}")


def _values(record: dict) -> list:
    return [jsonify_if_needed(value) for value in record.values()]


def _execute(db: sqlite_utils.Database, sql: str, params, many: bool = False):
    """Run one statement; outside a transaction (a batch or db.atomic()) it commits at once,
    as sqlite-utils' writes do, instead of leaving sqlite3's implicit transaction open."""
    outside = not db.conn.in_transaction
    cursor = db.conn.executemany(sql, params) if many else db.conn.execute(sql, params)
    if outside:
        db.conn.commit()
    return cursor


def insert(db: sqlite_utils.Database, table: str, record: dict, ignore: bool = False) -> int:
    """INSERT (OR IGNORE) one row; returns its rowid."""
    return _execute(db, _insert_sql(table, tuple(record), ignore), _values(record)).lastrowid


def insert_many(db: sqlite_utils.Database, table: str, records: Iterable[dict], ignore: bool = False) -> None:
    """INSERT (OR IGNORE) rows, each with the same keys as the first."""
    rows = list(records)
    if rows:
        _execute(db, _insert_sql(table, tuple(rows[0]), ignore), [_values(row) for row in rows], many=True)


def upsert(db: sqlite_utils.Database, table: str, record: dict, pk: str | Sequence[str]) -> None:
    """Insert the row, or update the given columns of the row with its primary key."""
    pk = (pk,) if isinstance(pk, str) else tuple(pk)
    _execute(db, _upsert_sql(table, tuple(record), pk), _values(record))


def update(db: sqlite_utils.Database, table: str, key, values: dict, pk: str | Sequence[str] = "id") -> None:
    """Update columns of the row whose primary key is `key` (a value, or a tuple for a compound
    key). Unlike sqlite-utils' update, a missing row is not an error: nothing changes."""
    pk = (pk,) if isinstance(pk, str) else tuple(pk)
    keys = list(key) if isinstance(key, (tuple, list)) else [key]
    if values:
        _execute(db, _update_sql(table, tuple(values), pk), _values(values) + keys)
