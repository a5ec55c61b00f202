"""Extraction health: is each site still being read well, run after run?

A site redesign rarely breaks a crawl outright; it quietly empties the author line or the
reference list. So per site and run we measure, over the article versions that run wrote
(new and changed posts, the ones actually re-extracted), the share missing an author, a
date or references, and how the mean body length moved against the site's previous run;
beside them, the run's fetch errors; and what each site's profile learned from its pages.
"""

from __future__ import annotations

import json
import sqlite3

from archive.extract.profile import SiteProfile
from archive.serve.charts import bar_chart

RUNS_SHOWN = 30  # per site, newest first

_CURRENT = """
select site, count(*) as articles,
  avg(authors is null or authors in ('', '[]')) as missing_author,
  avg(published is null or published = '') as missing_date,
  avg(not exists (select 1 from citations c where c.article_id = a.id)) as missing_references,
  avg(word_count) as mean_words,
  sum(extraction_errors is not null and extraction_errors not in ('', '[]')) as extraction_errors,
  sum(gone_since is not null) as gone
from articles a group by site order by site
"""

_PER_RUN = """
select v.run_id, a.site, count(*) as extracted,
  avg(v.authors is null or v.authors in ('', '[]')) as missing_author,
  avg(v.published is null or v.published = '') as missing_date,
  avg(coalesce(v.reference_count, 0) = 0) as missing_references,
  avg(v.word_count) as mean_words
from article_versions v join articles a on a.id = v.article_id
where v.run_id in (select id from runs order by id desc limit :runs)
group by v.run_id, a.site
"""

_ERRORS = """
select run_id, site, count(*) as fetch_errors from fetch_errors
where run_id in (select id from runs order by id desc limit :runs) group by run_id, site
"""


def report(conn: sqlite3.Connection) -> dict:
    """{'sites': current state per site, 'runs': per site and run, 'charts': {site: svg}}."""
    conn.row_factory = sqlite3.Row
    sites = [dict(row) for row in conn.execute(_CURRENT)]
    runs = {row["id"]: dict(row) for row in conn.execute(
        "select id, started, status, stats from runs order by id desc limit ?", [RUNS_SHOWN])}
    cells: dict[tuple[int, str], dict] = {}
    for row in conn.execute(_PER_RUN, {"runs": RUNS_SHOWN}):
        cells[(row["run_id"], row["site"])] = dict(row)
    for row in conn.execute(_ERRORS, {"runs": RUNS_SHOWN}):
        cells.setdefault((row["run_id"], row["site"]), {"run_id": row["run_id"], "site": row["site"]})
        cells[(row["run_id"], row["site"])]["fetch_errors"] = row["fetch_errors"]
    for run in runs.values():
        for site, counts in _json_object(run["stats"]).items():
            cell = cells.setdefault((run["id"], site), {"run_id": run["id"], "site": site})
            cell["fetched"], cell["failed"] = counts.get("fetched", 0), counts.get("failed", 0)
    rows = sorted((cell for key, cell in cells.items() if key[0] in runs),
                  key=lambda c: (c["site"], c["run_id"]))
    _add_drift(rows)
    for row in rows:
        run = runs[row["run_id"]]
        row.update(started=run["started"], status=run["status"])
        for key in ("extracted", "missing_author", "missing_date", "missing_references", "mean_words",
                    "length_drift", "fetched", "failed"):
            row.setdefault(key, None)
        row.setdefault("fetch_errors", 0)
    return {"sites": sites, "runs": rows[::-1], "charts": _charts(rows), "profiles": _profiles(conn)}


def _profiles(conn: sqlite3.Connection) -> list[dict]:
    """What each site's pages taught extraction: its post templates and repeated blocks."""
    if not conn.execute("select 1 from sqlite_master where name = 'site_profiles'").fetchone():
        return []
    profiles = []
    for row in conn.execute("select site, learned_at, pages, posts, profile from site_profiles order by site"):
        profile = SiteProfile.from_json(_json_object(row["profile"])) or SiteProfile()
        templates = sorted(((t, *counts) for t, counts in profile.templates.items() if profile.template_posts(t)),
                           key=lambda t: -t[1])
        profiles.append({"site": row["site"], "learned_at": row["learned_at"], "pages": row["pages"],
                         "posts": row["posts"], "post_templates": templates,
                         "boilerplate": sorted(profile.boilerplate)})
    return profiles


def _json_object(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _add_drift(rows: list[dict]) -> None:
    """Mean body length against the same site's previous run that extracted anything."""
    previous: dict[str, float] = {}
    for row in rows:
        mean = row.get("mean_words")
        if mean is None:
            continue
        before = previous.get(row["site"])
        row["length_drift"] = (mean - before) / before if before else None
        previous[row["site"]] = mean


def _charts(rows: list[dict]) -> dict:
    charts = {}
    for site in sorted({row["site"] for row in rows}):
        extracted = [row for row in rows if row["site"] == site and row.get("extracted")]
        if not extracted:
            continue
        labels = [f"run {row['run_id']}" for row in extracted]
        series = {f"missing {part}": [row[f"missing_{part}"] for row in extracted]
                  for part in ("author", "date", "references")}
        charts[site] = bar_chart(labels, series, stacked=False, percent=True,
                                 title=f"{site}: share of extracted posts missing each field, by run",
                                 height=170)
    return charts
