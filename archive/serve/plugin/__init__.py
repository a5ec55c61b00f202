"""The Datasette plugin, registered by entry point: small hooks over safe_html.py and pages.py.

It acts only on databases that hold an archive (an articles_fts table), so it can sit
beside other databases in a plain `datasette` install.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.utils import escape_fts
from markupsafe import Markup, escape

from archive.serve import pages
from archive.serve.charts import chart_from_rows
from archive.serve.facets import ListFacet
from archive.serve.safe_html import highlight

# Canned queries drawn as charts above their table: query name -> (x, y, series).
CHARTS = {"posts_per_month": ("month", "posts", "site")}
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY")]
RAW_VALUES = {"1", "on", "true", "yes"}
DEFAULT_SORT = ("_sort_desc", "published")  # metadata.yml: articles sort_desc


def fts_query(query: str | None, raw: str | None = None) -> str:
    """What the user typed as FTS5 input: each word or "phrase" quoted, unless raw is asked for."""
    if (raw or "").strip().lower() in RAW_VALUES:
        return query or '""'
    return escape_fts(query or "") or '""'  # "" matches nothing rather than failing


def _is_archive(conn) -> bool:
    return conn.execute("select 1 from sqlite_master where name = 'articles_fts'").fetchone() is not None


@hookimpl
def prepare_connection(conn, database):
    if database == "_internal" or not _is_archive(conn):
        return
    conn.create_function("fts_query", 2, fts_query, deterministic=True)
    conn.execute("PRAGMA query_only = 1")  # serving never writes, whatever SQL arrives


@hookimpl
def register_facet_classes():
    return [ListFacet]


@hookimpl
def register_routes():
    return [
        (r"^/(?P<database>[^/]+)/-/article/(?P<id>[^/]+)$", pages.article_page),
        (r"^/(?P<database>[^/]+)/-/capture/(?P<id>\d+)(\.(?P<format>txt))?$", pages.capture_page),
        (r"^/(?P<database>[^/]+)/-/health$", pages.health_page),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "snippet" and isinstance(value, str):
        return highlight(value)
    if column == "title" and isinstance(value, str) and ("id" in keys or "article_id" in keys) \
            and table in (None, "articles"):
        article_id = row["id"] if "id" in keys else row["article_id"]
        href = f"{datasette.urls.database(database)}/-/article/{article_id}"
        if "version" in keys and isinstance(row["version"], int) and row["version"] > 1:
            href += f"?from={row['version'] - 1}&to={row['version']}#changes"
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    return None


@hookimpl
def extra_template_vars(template, request):
    if template != "query.html" or request is None:
        return {}
    query_name = request.url_vars.get("table")  # canned queries are served by the table route

    def chart(columns, rows):
        spec = CHARTS.get(query_name or "")
        return chart_from_rows(columns, rows, *spec) if spec else ""

    return {"archive_chart": chart}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not scope["path"].startswith("/-/"):
                # Datasette 0.65 answers a POST to a canned query with a 500
                return await _respond(send, 405, b"This archive is served read-only.\n",
                                      [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")])
            target = _ranked_search_redirect(scope)
            if target:
                return await _respond(send, 302, b"", [(b"location", target.encode("latin-1"))])

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    names = {name.lower() for name, _ in event.get("headers", [])}
                    event = {**event, "headers": list(event.get("headers", [])) +
                             [h for h in SECURITY_HEADERS if h[0] not in names]}
                await send(event)

            await app(scope, receive, send_with_headers)
        return wrapped
    return wrap


def _ranked_search_redirect(scope) -> str | None:
    """/DB/articles?_search=q (HTML) -> the ranked search, /DB/search?q=q.

    The table's search form repeats the default sort (newest first), so only another sort,
    or an explicit _searchmode, asks for Datasette's own unranked table search.
    """
    path = scope["path"]
    if not path.endswith("/articles") or path.count("/") != 2:
        return None
    args = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    query = (args.get("_search") or [""])[0].strip()
    sorts = {(key, value) for key in ("_sort", "_sort_desc") for value in args.get(key, [])}
    if not query or "_searchmode" in args or sorts - {DEFAULT_SORT}:
        return None
    params = {"q": query, "site": (args.get("site") or [""])[0]}
    return f"{path[: -len('/articles')]}/search?{urlencode({k: v for k, v in params.items() if v})}"


async def _respond(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": headers + [(b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
