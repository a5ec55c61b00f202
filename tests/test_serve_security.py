"""Serving a compromised clinic's post: nothing it carries runs, and the server stays read-only.

The archive comes from tests/hostile.py (real ingest of tests/pages/hostile-post-v*.html).
Pages are parsed with lxml and inspected as a browser would see them: a payload shown as text
(&lt;script&gt;) is what we want, a payload that became an element or attribute is a bug.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import urlencode

import lxml.html
import pytest

from archive.serve import make_datasette
from tests.hostile import build_hostile_archive

DB = "archive"
TITLE = "Knee Cartilage Repair Without Surgery <script>window.__pwned=1</script>"
AUTHOR = "Eve Mallory<script>window.__pwned=true</script>"
MARKER = "__pwned"
# Attributes whose value a browser loads or navigates to.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / f"{DB}.db"
    return {"path": path, "id": build_hostile_archive(path)}


@pytest.fixture
async def datasette(hostile):
    ds = make_datasette(hostile["path"])
    await ds.invoke_startup()
    return ds


def executable_payloads(html: str) -> list[str]:
    """Every place a browser would run or load scraped script, described; [] when there is none.

    Datasette's own <script> tags are fine; a script element, event handler or script URL
    carrying the payload marker is not, and neither is any on* attribute, frame or refresh.
    """
    problems = []
    for element in lxml.html.document_fromstring(html).iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = element.tag.lower()
        if tag == "script" and (MARKER in (element.text or "") or MARKER in element.get("src", "")):
            problems.append(f"<script>{(element.text or '')[:80]}</script>")
        if tag in {"iframe", "frame", "object", "embed", "base"}:
            problems.append(f"<{tag}> element")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            problems.append(f"<meta http-equiv=refresh content={element.get('content')!r}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                problems.append(f"<{tag} {name}={value[:80]!r}>")
            if name in URL_ATTRIBUTES:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(SCRIPT_SCHEMES) or (name != "src" and squeezed.startswith("data:")):
                    problems.append(f"<{tag} {name}={value[:80]!r}>")
    return problems


def page(html: str):
    return lxml.html.document_fromstring(html)


def text(element) -> str:
    return " ".join(element.text_content().split())


async def get_page(datasette, path: str, status: int = 200):
    response = await datasette.client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:500])
    assert executable_payloads(response.text) == [], path
    return response


async def count_rows(datasette, table: str) -> int:
    response = await datasette.client.get(f"/{DB}.json?" + urlencode({"sql": f"select count(*) from {table}",
                                                                      "_shape": "array"}))
    return response.json()[0]["count(*)"]


# --- scraped content shows as text and never runs ----------------------------------------

def test_the_checker_finds_every_payload_in_the_raw_page():
    raw = (Path(__file__).parent / "pages" / "hostile-post.html").read_text()
    found = executable_payloads(raw)
    for expected in ["<script>window.__pwned=1", "<img onerror='window.__pwned=2'>",
                     "<a href='javascript:window.__pwned=3'>", "<svg onload='window.__pwned=5'>",
                     "<body onload='window.__pwned=7'>"]:
        assert any(problem.startswith(expected) for problem in found), (expected, found)


async def test_article_page_shows_every_payload_as_text(datasette, hostile):
    response = await get_page(datasette, f"/{DB}/-/article/{hostile['id']}")
    doc = page(response.text)
    assert text(doc.find(".//h1")) == TITLE
    assert doc.findtext(".//title").startswith(TITLE)
    people = [text(li) for li in doc.cssselect("ul.people li")]
    assert people == [f"{AUTHOR}, MD · author · profile", "Victor Reyes, DO · medical reviewer"]
    assert doc.cssselect("ul.people a") == []  # the author's javascript: profile URL is not a link
    body = text(doc.cssselect("div.body")[0])
    for shown in ["<script>window.__pwned=1</script> into this sentence",
                  '<img src=x onerror="window.__pwned=2">', "<svg onload=window.__pwned=5>",
                  '"><script>window.__pwned=6</script> in the middle',
                  "[click](javascript:window.__pwned=4)"]:
        assert shown in body
    assert "Tags: Knee, Cartilage, <svg onload=window.__pwned=5>" in text(doc)
    # The body's list and headings survive sanitising.
    assert [text(h) for h in doc.cssselect("div.body h2")][:2] == [
        "What Cartilage Can and Cannot Heal", "When an Injection Helps"]
    assert len(doc.cssselect("div.body ol")[0].findall("li")) == 4


async def test_article_page_links_only_to_http_urls(datasette, hostile):
    response = await get_page(datasette, f"/{DB}/-/article/{hostile['id']}")
    doc = page(response.text)
    hrefs = [a.get("href") for a in doc.iter("a") if a.get("href")]
    assert all(h.startswith(("http://", "https://", "/", "?", "#")) for h in hrefs), hrefs
    references = doc.cssselect("ol.references li")
    assert [li.get("value") for li in references] == ["1", "2"]
    assert "<script>window.__pwned=1</script>" in text(references[0])
    assert '<img src=x onerror="window.__pwned=2">' in text(references[1])
    assert [a.get("href") for a in references[0].iter("a")] == ["https://pubmed.ncbi.nlm.nih.gov/34812863/"]
    # The DOI reference linked to javascript:; only its doi.org link is kept.
    assert [a.get("href") for a in references[1].iter("a")] == ["https://doi.org/10.1177/1947603520931170"]


async def test_article_page_forbids_all_script(datasette, hostile):
    for path in [f"/{DB}/-/article/{hostile['id']}", f"/{DB}/-/article/{hostile['id']}?from=1&to=2",
                 f"/{DB}/-/capture/1", f"/{DB}/-/health"]:
        response = await get_page(datasette, path)
        policy = dict(
            (directive.split()[0], directive.split()[1:])
            for directive in response.headers["content-security-policy"].split(";") if directive.strip())
        assert policy["default-src"] == ["'none'"], path
        # No script-src of any kind: scripts fall back to default-src 'none'.
        assert not {"script-src", "script-src-elem", "script-src-attr"} & set(policy), path
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_word_diff_marks_the_edit_and_escapes_the_payloads(datasette, hostile):
    response = await get_page(datasette, f"/{DB}/-/article/{hostile['id']}?from=1&to=2")
    doc = page(response.text)
    [diff] = doc.cssselect("div.diff")
    assert [text(e) for e in diff.iter("ins")][:3] == ["very", "and often not", "prove"]
    assert [text(e) for e in diff.iter("del")][:2] == ["if", "show"]
    assert "the payload <script>window.__pwned=1</script> into this sentence" in text(diff)
    removed = [text(p) for p in doc.iter("p") if text(p).startswith("Reference removed:")]
    assert len(removed) == 1 and '<img src=x onerror="window.__pwned=2">' in removed[0]


async def test_search_results_highlight_and_escape(datasette, hostile):
    response = await get_page(datasette, f"/{DB}/search?q=payload")
    doc = page(response.text)
    [row] = doc.cssselect("table.rows-and-columns tbody tr")
    [title] = row.cssselect("td.col-title a")
    assert (text(title), title.get("href")) == (TITLE, f"/{DB}/-/article/{hostile['id']}")
    [snippet] = row.cssselect("td.col-snippet")
    assert [text(mark) for mark in snippet.iter("mark")] == ["payload"]
    assert "payload <script>window.__pwned=1</script> into this sentence" in text(snippet)
    assert AUTHOR in text(row.cssselect("td.col-authors")[0])


async def test_search_finds_the_hostile_and_the_normal_post(datasette, hostile):
    response = await get_page(datasette, f"/{DB}/search?q=cartilage")
    titles = [text(a) for a in page(response.text).cssselect("td.col-title a")]
    assert len(titles) == 2 and TITLE in titles


@pytest.mark.parametrize("path", [
    f"/{DB}/articles",
    f"/{DB}/articles?_facet_array=tags",
    f"/{DB}/recent_changes",
    f"/{DB}/article_versions",
    f"/{DB}/citations",
    f"/{DB}/links",
    f"/{DB}/people",
    f"/{DB}/images",
    f"/{DB}/by_reviewer",
    f"/{DB}/citing_studies",
    f"/{DB}/posts_per_month",
])
async def test_datasette_pages_show_payloads_only_as_text(datasette, path):
    await get_page(datasette, path)


async def test_articles_table_and_row_page(datasette, hostile):
    doc = page((await get_page(datasette, f"/{DB}/articles")).text)
    titles = {text(a): a.get("href") for a in doc.cssselect("td.col-title a")}
    assert titles[TITLE] == f"/{DB}/-/article/{hostile['id']}"
    facets = text(doc)
    assert "<svg onload=window.__pwned=5>" in facets and AUTHOR in facets
    row = page((await get_page(datasette, f"/{DB}/articles/{hostile['id']}")).text)
    assert TITLE in text(row) and '<img src=x onerror="window.__pwned=2">' in text(row)


async def test_recent_changes_opens_the_diff(datasette, hostile):
    doc = page((await get_page(datasette, f"/{DB}/recent_changes")).text)
    [link] = doc.cssselect("td.col-title a")
    assert (text(link), link.get("href")) == (TITLE, f"/{DB}/-/article/{hostile['id']}?from=1&to=2#changes")


async def test_capture_page_shows_metadata_not_html(datasette, hostile):
    versions = (await datasette.client.get(
        f"/{DB}/article_versions.json?_shape=array&article_id={hostile['id']}")).json()
    capture_id = versions[-1]["capture_id"]
    doc = page((await get_page(datasette, f"/{DB}/-/capture/{capture_id}")).text)
    assert [text(a) for a in doc.cssselect("ul a")] == [TITLE]
    assert "yoast-schema-graph" not in text(doc)
    assert "Not served: scraped HTML can carry scripts." in text(doc)


@pytest.mark.parametrize("path, status", [
    (f"/{DB}/search?" + urlencode({"q": '"><script>window.__pwned=9</script>'}), 200),
    (f"/{DB}/search?" + urlencode({"q": "knee", "site": '"><svg onload=window.__pwned=9>'}), 200),
    (f"/{DB}/-/article/" + "~3Cscript~3Ewindow~2E__pwned~3D9~3C~2Fscript~3E", 404),
    (f"/{DB}/-/article/x?" + urlencode({"from": '"><script>window.__pwned=9</script>', "to": "2"}), 404),
    (f"/{DB}?" + urlencode({"sql": "select '<script>window.__pwned=9</script>' as x"}), 200),
])
async def test_reflected_input_is_escaped(datasette, path, status):
    await get_page(datasette, path, status)


async def test_reflected_search_input_stays_in_the_input(datasette):
    typed = '"><script>window.__pwned=9</script>'
    doc = page((await get_page(datasette, f"/{DB}/search?" + urlencode({"q": typed}))).text)
    assert doc.cssselect("input[name=q]")[0].get("value") == typed


async def test_table_search_redirect_keeps_the_query_encoded(datasette):
    response = await datasette.client.get(f"/{DB}/articles?" + urlencode({"_search": "<script>x</script>"}))
    assert response.status_code == 302
    assert response.headers["location"] == f"/{DB}/search?q=%3Cscript%3Ex%3C%2Fscript%3E"


# --- read-only -----------------------------------------------------------------------------

@pytest.mark.parametrize("sql, error", [
    ("delete from articles", "Statement must be a SELECT"),
    ("update articles set title = 'defaced'", "Statement must be a SELECT"),
    ("insert into sites (name) values ('defaced')", "Statement must be a SELECT"),
    ("drop table articles", "Statement must be a SELECT"),
    # A CTE passes Datasette's SELECT check; the read-only connection stops it.
    ("with x as (select 1) delete from articles", "attempt to write a readonly database"),
    ("with x as (select 1) update articles set title = 'defaced'", "attempt to write a readonly database"),
    ("select 1; delete from articles", "You can only execute one statement at a time."),
])
async def test_sql_cannot_write(datasette, sql, error):
    before = {table: await count_rows(datasette, table) for table in ("articles", "sites")}
    response = await datasette.client.get(f"/{DB}.json?" + urlencode({"sql": sql}))
    assert (response.status_code, response.json()["error"]) == (400, error)
    html = await datasette.client.get(f"/{DB}?" + urlencode({"sql": sql}))
    assert html.status_code == 400 and "Traceback" not in html.text
    assert {table: await count_rows(datasette, table) for table in before} == before
    titles = (await datasette.client.get(f"/{DB}/articles.json?_shape=array&_col=title")).json()
    assert "defaced" not in [row["title"] for row in titles]


async def test_connections_are_query_only(datasette):
    db = datasette.get_database(DB)
    assert (await db.execute("pragma query_only")).first()[0] == 1
    with pytest.raises(Exception, match="attempt to write a readonly database"):
        await db.execute("delete from articles")


async def test_canned_queries_cannot_write(datasette):
    metadata = (await datasette.client.get("/-/metadata.json")).json()
    queries = metadata["databases"][DB]["queries"]
    assert queries and [name for name, query in queries.items() if query.get("write")] == []
    before = await count_rows(datasette, "articles")
    # A canned query ignores a sql argument, and a POST runs nothing that writes.
    response = await datasette.client.get(f"/{DB}/search?" + urlencode({"q": "knee", "sql": "delete from articles"}))
    assert response.status_code == 200
    response = await datasette.client.post(f"/{DB}/recent_changes", data={"sql": "delete from articles"})
    assert response.status_code == 405
    assert await count_rows(datasette, "articles") == before


# --- time limit --------------------------------------------------------------------------

RUNAWAY = ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) "
           "select count(*) from c")


async def test_time_limit_is_set(datasette):
    settings = (await datasette.client.get("/-/settings.json")).json()
    assert settings["sql_time_limit_ms"] == 2000


@pytest.mark.parametrize("extra", [{}, {"_timelimit": "600000"}])  # a user can lower the limit, not raise it
async def test_runaway_query_is_interrupted_quickly(datasette, extra):
    started = time.monotonic()
    response = await datasette.client.get(f"/{DB}?" + urlencode({"sql": RUNAWAY, **extra}))
    elapsed = time.monotonic() - started
    assert response.status_code == 400 and elapsed < 10
    doc = page(response.text)
    assert text(doc.find(".//h1")) == "SQL Interrupted"
    assert "SQL query took too long" in text(doc) and "Traceback" not in response.text


# --- raw HTML is not served --------------------------------------------------------------

async def test_captures_database_is_not_served(datasette, hostile):
    databases = (await datasette.client.get("/-/databases.json")).json()
    assert [db["name"] for db in databases] == [DB]
    # Where Datasette would serve a database named archive.captures, with its captures table.
    for path in [f"/{DB}~2Ecaptures", f"/{DB}~2Ecaptures/captures", f"/{DB}~2Ecaptures.json"]:
        assert (await datasette.client.get(path)).status_code == 404, path
    tables = [t["name"] for t in (await datasette.client.get(f"/{DB}.json")).json()["tables"]]
    assert "captures" not in tables


async def test_no_served_column_holds_raw_html(datasette):
    tables = [t["name"] for t in (await datasette.client.get(f"/{DB}.json")).json()["tables"]]
    assert "articles" in tables and "articles_fts" in tables  # hidden tables are served too
    found = []
    for table in tables:
        columns = (await datasette.client.get(f"/{DB}.json?" + urlencode({
            "sql": "select name from pragma_table_info(:t)", "t": table, "_shape": "array"}))).json()
        for column in (c["name"] for c in columns):
            # Strings only the raw pages hold: the doctype and Yoast's JSON-LD script tag.
            sql = (f"select count(*) as n from [{table}] where cast([{column}] as text) like '%<!DOCTYPE html%' "
                   f"or cast([{column}] as text) like '%yoast-schema-graph%'")
            rows = (await datasette.client.get(f"/{DB}.json?" + urlencode({"sql": sql, "_shape": "array"}))).json()
            if rows[0]["n"]:
                found.append(f"{table}.{column}")
    assert found == []


async def test_raw_capture_is_404_by_default(datasette):
    response = await datasette.client.get(f"/{DB}/-/capture/1.txt")
    assert response.status_code == 404
    assert "raw captures are not served; start the server with --expose-captures" in response.text


async def test_raw_capture_when_exposed_is_sandboxed_plain_text(hostile):
    datasette = make_datasette(hostile["path"], expose_captures=True)
    await datasette.invoke_startup()
    versions = (await datasette.client.get(
        f"/{DB}/article_versions.json?_shape=array&article_id={hostile['id']}")).json()
    response = await datasette.client.get(f"/{DB}/-/capture/{versions[0]['capture_id']}.txt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script>window.__pwned = 1; /* injected into the theme header */</script>' in response.text
    doc = page((await datasette.client.get(f"/{DB}/-/capture/{versions[0]['capture_id']}")).text)
    assert "The body as fetched" in text(doc)


# --- full-text search syntax -------------------------------------------------------------

async def test_raw_fts_syntax_error_is_a_clear_400(datasette):
    response = await datasette.client.get(f"/{DB}/search?q=knee+AND&raw=1")
    assert response.status_code == 400
    doc = page(response.text)
    assert [text(p) for p in doc.cssselect(".message-error")] == ['fts5: syntax error near ""']
    assert "Traceback" not in response.text


async def test_the_same_search_without_raw_is_escaped(datasette):
    response = await get_page(datasette, f"/{DB}/search?q=knee+AND")
    assert len(page(response.text).cssselect("td.col-title a")) >= 1
