"""The plugin's own pages: an article's reading view, a capture's record, extraction health.

Each view reads through Datasette's read-only connections and renders a template from
plugin/templates/. Scraped values reach the templates as plain strings (Jinja escapes them) or
through safe_html.py; the pages carry a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import sqlite_utils
from datasette import NotFound, Response
from datasette.views.base import DatasetteError

from archive.diff import VersionNotFound, version_diff
from archive.serve import PLUGIN, health
from archive.serve.safe_html import diff_html, markdown_html, safe_link
from archive.store.captures import CaptureStore, captures_path
from archive.store.schema import migrations

# No scripts, no frames, no remote images: scraped content can't act or call home.
NO_SCRIPT_CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                 "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


async def archive_database(datasette, request):
    """The requested database, if it is an archive; NotFound otherwise."""
    name = request.url_vars["database"]
    try:
        db = datasette.get_database(name)
    except KeyError:
        raise NotFound(f"no database {name!r}") from None
    if not await db.table_exists("articles_fts"):
        raise NotFound(f"{name} is not a clinic-archive database")
    pending = await db.execute_fn(lambda conn: [m.name for m in migrations.pending(sqlite_utils.Database(conn))])
    if pending:  # a plain `datasette` serves the file as it is; our connections can't upgrade it
        raise DatasetteError(f"{name} was written by an older clinic-archive and lacks {', '.join(pending)}; "
                             "open it once with `clinic-archive serve` (or any crawl) to upgrade it",
                             title="Archive needs upgrading", status=503)
    return db


async def render(datasette, request, template: str, context: dict) -> Response:
    html = await datasette.render_template([template], context, request=request)
    return Response.html(html, headers={"Content-Security-Policy": NO_SCRIPT_CSP})


def _json_list(value) -> list:
    try:
        return json.loads(value or "[]")
    except ValueError:
        return []


async def article_page(datasette, request) -> Response:
    db = await archive_database(datasette, request)
    article_id = request.url_vars["id"]
    rows = (await db.execute("select * from articles where id = ?", [article_id])).rows
    if not rows:
        raise NotFound(f"no article {article_id!r}")
    article = dict(rows[0])
    people = [dict(row) | {"credentials": _json_list(row["credentials"])} for row in (await db.execute(
        "select p.name, p.url, ap.role, ap.role_label, ap.credentials from article_people ap "
        "join people p on p.id = ap.person_id where ap.article_id = ? order by ap.role, ap.position",
        [article_id])).rows]
    citations = [dict(row) for row in (await db.execute(
        "select * from citations where article_id = ? order by position", [article_id])).rows]
    versions = [dict(row) | {"changed": _json_list(row["changed"])} for row in (await db.execute(
        "select version, seen_at, source, changed, extractor_version, run_id from article_versions "
        "where article_id = ? order by version", [article_id])).rows]
    duplicates = [dict(row) for row in (await db.execute(
        "select g.kind, g.similarity, a.id, a.title, a.site from duplicate_groups g join articles a "
        "on a.id = g.article_id where g.group_id = (select group_id from duplicate_groups where "
        "article_id = ?) and g.article_id != ? order by g.similarity desc", [article_id, article_id])).rows]
    return await render(datasette, request, "article.html", {
        "database": db.name, "article": article, "people": people, "citations": citations,
        "versions": versions, "diff": await _diff(db, article_id, request, len(versions)),
        "duplicates": duplicates, "body_html": markdown_html(article["body_markdown"]),
        "categories": _json_list(article.get("categories")), "tags": _json_list(article.get("tags")),
        "ctas": _json_list(article.get("ctas")), "safe_link": safe_link, "reference_links": reference_links,
    })


async def _diff(db, article_id: str, request, count: int) -> dict | None:
    """The word diff the page shows: ?from=&to= versions, else the last change."""
    if count < 2:
        return None
    try:
        old = int(request.args.get("from") or 0) or None
        new = int(request.args.get("to") or 0) or None
    except ValueError:
        old = new = None

    def read(conn):
        return version_diff(sqlite_utils.Database(conn), article_id, old, new)

    try:
        diff = await db.execute_fn(read)
    except VersionNotFound as err:
        return {"error": str(err)}
    old_refs, new_refs = _json_list(diff.old["references"]), _json_list(diff.new["references"])
    fields = [(column, diff.old[column], diff.new[column])
              for column in ("title", "published", "modified", "authors", "reviewers")
              if diff.old[column] != diff.new[column]]
    return {"old": diff.old, "new": diff.new, "changed": diff.changed, "fields": fields,
            "references_removed": [r for r in old_refs if r not in new_refs],
            "references_added": [r for r in new_refs if r not in old_refs],
            "body": diff_html(diff.old["body_text"], diff.new["body_text"])}


def reference_links(citation: dict) -> list:
    """Links for a reference: its DOI, PubMed and PMC records, and its own URL."""
    links = []
    if citation.get("doi"):
        links.append(safe_link(f"https://doi.org/{citation['doi']}", f"doi:{citation['doi']}"))
    if citation.get("pmid"):
        links.append(safe_link(f"https://pubmed.ncbi.nlm.nih.gov/{citation['pmid']}/", f"PMID {citation['pmid']}"))
    if citation.get("pmcid"):
        links.append(safe_link(f"https://www.ncbi.nlm.nih.gov/pmc/articles/{citation['pmcid']}/",
                               citation["pmcid"]))
    if citation.get("url") and not any(citation["url"] in str(link) for link in links):
        links.append(safe_link(citation["url"], "link"))
    return links


def _read_capture(db_path: str, capture_id: int, with_body: bool) -> dict | None:
    path = captures_path(db_path)
    if not Path(path).exists():
        return None
    store = CaptureStore(path, read_only=True)
    try:
        return store.describe(capture_id, with_body)
    finally:
        store.close()


def captures_exposed(datasette) -> bool:
    return bool((datasette.plugin_config(PLUGIN) or {}).get("expose_captures"))


async def capture_page(datasette, request) -> Response:
    """What was fetched and when; the raw bytes only when the server opted in."""
    db = await archive_database(datasette, request)
    capture_id = int(request.url_vars["id"])
    raw = request.url_vars.get("format") == "txt"
    if raw and not captures_exposed(datasette):
        raise NotFound("raw captures are not served; start the server with --expose-captures")
    capture = await asyncio.to_thread(_read_capture, db.path, capture_id, raw)
    if capture is None:
        raise NotFound(f"no capture {capture_id}")
    if raw:
        body = capture["body"]
        # As text, sandboxed: the browser never renders the clinic's HTML.
        return Response(body, content_type="text/plain; charset=utf-8", headers={
            "Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"})
    articles = [dict(row) for row in (await db.execute(
        "select id, title from articles where capture_id = :id or id in "
        "(select article_id from article_versions where capture_id = :id)", {"id": capture_id})).rows]
    headers = json.loads(capture["headers"] or "{}")
    return await render(datasette, request, "capture.html", {
        "database": db.name, "capture": capture, "headers": headers, "articles": articles,
        "exposed": captures_exposed(datasette), "safe_link": safe_link})


async def health_page(datasette, request) -> Response:
    db = await archive_database(datasette, request)
    report = await db.execute_fn(health.report)
    return await render(datasette, request, "health.html", {"database": db.name, **report})
