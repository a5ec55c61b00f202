"""Read-side helpers the CLI reports from."""

from __future__ import annotations

import json

import sqlite_utils


def latest_run(db: sqlite_utils.Database) -> dict | None:
    row = db.execute("select id, started, finished, status, stats from runs order by id desc limit 1").fetchone()
    if row is None:
        return None
    return {"id": row[0], "started": row[1], "finished": row[2], "status": row[3],
            "stats": json.loads(row[4] or "{}")}


def articles_per_site(db: sqlite_utils.Database) -> dict[str, int]:
    counts = {name: 0 for (name,) in db.execute("select name from sites order by name")}
    for site, count in db.execute("select site, count(*) from articles group by site"):
        counts[site] = count
    return counts
