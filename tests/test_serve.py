"""Datasette over the archive, through its ASGI client: every page and canned query."""

import dataclasses
import json

import pytest
from lxml import html as lxml_html

from archive.duplicates import rebuild_duplicate_groups
from archive.records import DateValue, Person, Reference
from archive.serve import make_datasette
from archive.store import ArchiveLock, open_archive, save_site
from archive.store.crawlstate import record_fetch_error
from archive.store.write import Fetch, finish_run, save_article, start_run
from tests.test_store import make_article

KNEE = dataclasses.replace(
    make_article(body="## Why the knee hurts\n\nInjections help some patients.\n\n3. Rest\n4. Ice", title="Knee injections"),
    url="http://clinic.test/blog/knee/", canonical_url="http://clinic.test/blog/knee/",
    body_text="Why the knee hurts\n\nInjections help some patients.\n\n3. Rest\n4. Ice",
    published=DateValue("2025-06-01", "json-ld"), references=[], links=[],
    authors=[Person("Sarah Lee", ["PT", "DPT"], role_label="author")],
    reviewers=[Person("Mark Ruiz", ["MD"], role="reviewer", role_label="fact checker")])
SHOULDER = dataclasses.replace(
    make_article(body="Shoulder pain. The knee and the knee again, and the knee once more.", title="Shoulder pain"),
    url="http://clinic.test/blog/shoulder/", canonical_url="http://clinic.test/blog/shoulder/")


def clinic_fetch(capture_id: int, sha256: str, run_id: int | None) -> Fetch:
    """The fetch an article of the test site "Clinic" was read from."""
    return Fetch("http://clinic.test/", "Clinic", 200, capture_id, sha256, run_id)


@pytest.fixture
def archive_path(tmp_path):
    """Four posts on two sites: a changed one, one without references, a copy across sites."""
    db = open_archive(tmp_path / "archive.db")
    save_site(db, "Clinic", ["http://clinic.test/blog/"], ["clinic.test"])
    save_site(db, "Other Clinic", ["http://other.test/blog/"], ["other.test"])
    run = start_run(db, ["Clinic", "Other Clinic"])
    stem_v1 = make_article()
    save_article(db, stem_v1, clinic_fetch(1, "abc", run))
    stem_v2 = dataclasses.replace(
        stem_v1, body_text="Mesenchymal stem cells may reduce pain in chronic low back pain.",
        body_markdown="Mesenchymal stem cells may reduce pain in chronic low back pain.",
        references=stem_v1.references + [Reference(3, "Doe A. Pain. 2021. doi:10.1000/xyz", doi="10.1000/xyz",
                                                   year=2021)])
    save_article(db, stem_v2, clinic_fetch(2, "def", run))
    save_article(db, KNEE, clinic_fetch(3, "ghi", run))
    save_article(db, SHOULDER, clinic_fetch(4, "jkl", run))
    save_article(db, dataclasses.replace(SHOULDER, url="http://other.test/blog/shoulder/",
                                         canonical_url="http://other.test/blog/shoulder/"),
                 Fetch("http://other.test/blog/shoulder/", "Other Clinic", 200, 5, "mno", run))
    record_fetch_error(db, run, "Other Clinic", "http://other.test/blog/broken/", 500, "HTTP 500")
    finish_run(db, run, "finished", {"Clinic": {"fetched": 3}, "Other Clinic": {"fetched": 2, "failed": 1}})
    rebuild_duplicate_groups(db)
    db.close()
    return tmp_path / "archive.db"


@pytest.fixture
def datasette(archive_path):
    return make_datasette(archive_path)


async def get_json(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


async def get_page(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text[:500]
    return lxml_html.fromstring(response.text)


def article_id(datasette_rows, title):
    return next(row["id"] for row in datasette_rows if row["title"] == title)


# Search


async def test_search_ranks_a_title_match_above_body_mentions_with_highlighted_snippets(datasette):
    rows = await get_json(datasette, "/archive/search.json?q=knee&_shape=array")
    assert [row["title"] for row in rows][0] == "Knee injections"
    assert {row["title"] for row in rows} == {"Knee injections", "Shoulder pain"}
    assert "the <mark>knee</mark> hurts" in rows[0]["snippet"]
    assert [r["relevance"] for r in rows] == sorted((r["relevance"] for r in rows), reverse=True)


async def test_search_page_shows_snippet_highlights_and_links_titles_to_the_reading_view(datasette):
    page = await get_page(datasette, "/archive/search?q=injections")
    assert page.xpath("//td[contains(@class, 'col-snippet')]//mark/text()") == ["Injections"]
    link = page.xpath("//td[contains(@class, 'col-title')]/a")[0]
    assert link.text == "Knee injections" and "/archive/-/article/" in link.get("href")


async def test_search_is_stemmed_and_matches_phrases(datasette):
    assert [r["title"] for r in await get_json(datasette, "/archive/search.json?q=injection&_shape=array")] \
        == ["Knee injections"]
    phrase = await get_json(datasette, '/archive/search.json?q="stem cells may"&_shape=array')
    assert [r["title"] for r in phrase] == ["Stem cells"]


async def test_typed_fts_syntax_is_escaped_but_raw_mode_uses_it(datasette):
    escaped = await get_json(datasette, "/archive/search.json?q=knee OR mesenchymal&_shape=array")
    assert escaped == []  # three words that must all appear; no post has them all
    raw = await get_json(datasette, "/archive/search.json?q=knee OR mesenchymal&raw=1&_shape=array")
    assert {r["title"] for r in raw} == {"Knee injections", "Shoulder pain", "Stem cells"}
    for typed in ('knee AND', 'PRP\'s "knee', "knee*)", "NEAR(", "-"):
        response = await datasette.client.get(f"/archive/search.json?q={typed}&_shape=array")
        assert response.status_code == 200, typed


async def test_raw_fts_syntax_error_is_a_clear_message_not_a_stack_trace(datasette):
    response = await datasette.client.get("/archive/search?q=knee AND&raw=1")
    assert response.status_code == 400
    assert "fts5: syntax error" in response.text and "Traceback" not in response.text


async def test_search_filters_by_site_author_reviewer_and_dates(datasette):
    base = "/archive/search.json?_shape=array&q=pain"
    assert {r["site"] for r in await get_json(datasette, base + "&site=Other+Clinic")} == {"Other Clinic"}
    assert [r["title"] for r in await get_json(datasette, "/archive/search.json?_shape=array&q=knee&author=lee")] \
        == ["Knee injections"]
    assert [r["title"] for r in await get_json(datasette, "/archive/search.json?_shape=array&q=knee&reviewer=Ruiz")] \
        == ["Knee injections"]
    dated = await get_json(datasette, "/archive/search.json?_shape=array&q=knee&published_from=2025-01-01")
    assert [r["title"] for r in dated] == ["Knee injections"]
    assert await get_json(datasette, "/archive/search.json?_shape=array&q=knee&published_to=2024-12-31") \
        and all(r["published"] < "2025" for r in await get_json(
            datasette, "/archive/search.json?_shape=array&q=knee&published_to=2024-12-31"))


async def test_an_empty_search_shows_no_results_rather_than_an_error(datasette):
    assert (await datasette.client.get("/archive/search")).status_code == 200
    assert await get_json(datasette, "/archive/search.json?q=&_shape=array") == []


async def test_table_search_box_leads_to_ranked_search_keeping_the_site_filter(datasette):
    response = await datasette.client.get("/archive/articles?_search=knee&site=Clinic")
    assert response.status_code == 302
    assert response.headers["location"] == "/archive/search?q=knee&site=Clinic"
    # The form repeats the default sort; still ranked.
    assert (await datasette.client.get("/archive/articles?_search=knee&_sort_desc=published")).status_code == 302
    # Another sort, an explicit search mode or the JSON API keep Datasette's own table search.
    for plain in ("_sort=title", "_searchmode=escaped"):
        assert (await datasette.client.get(f"/archive/articles?_search=knee&{plain}")).status_code == 200
    rows = await get_json(datasette, "/archive/articles.json?_search=mesenchymal&_shape=array")
    assert [row["title"] for row in rows] == ["Stem cells"]


# Table, facets and canned queries


async def test_articles_table_has_facets_including_year_newest_first(datasette):
    data = await get_json(datasette, "/archive/articles.json?_extra=facet_results&_shape=objects")
    assert set(data["facet_results"]) == {"site", "authors", "reviewers", "categories", "tags", "year"}
    years = {r["value"]: r["count"] for r in data["facet_results"]["year"]["results"]}
    assert years == {2025: 1, 2024: 3}
    rows = await get_json(datasette, "/archive/articles.json?_shape=array")
    assert rows[0]["title"] == "Knee injections"  # newest first


async def test_list_facets_count_each_person_once_per_post_and_filter_on_click(datasette, archive_path):
    db = open_archive(archive_path)
    db.execute("update articles set tags = '[\"Stem Cells\", \"Stem Cells\"]' where title = 'Stem cells'")
    db.conn.commit()
    db.close()
    data = await get_json(datasette, "/archive/articles.json?_extra=facet_results&_shape=objects")
    authors = {r["value"]: r for r in data["facet_results"]["authors"]["results"]}
    assert {value: r["count"] for value, r in authors.items()} == {"James Leiber, DO": 3, "Sarah Lee, PT, DPT": 1}
    tags = {r["value"]: r["count"] for r in data["facet_results"]["tags"]["results"]}
    assert tags == {"Stem Cells": 4}  # four posts; the one listing it twice counts once
    assert "authors__arraycontains=Sarah+Lee%2C+PT%2C+DPT" in authors["Sarah Lee, PT, DPT"]["toggle_url"]
    filtered = await get_json(datasette, "/archive/articles.json?_shape=array&authors__arraycontains=Sarah Lee, PT, DPT")
    assert [r["title"] for r in filtered] == ["Knee injections"]


async def test_metadata_titles_describes_and_links_the_plugin_pages(datasette):
    home = (await datasette.client.get("/")).text
    assert "Clinic blog archive" in home and 'href="/archive/search"' in home and "/archive/-/health" in home
    html = (await datasette.client.get("/archive/articles")).text
    assert "The latest extracted version of each blog post" in html


async def test_column_descriptions_are_served(datasette):
    data = (await datasette.client.get("/-/metadata.json")).json()
    columns = data["databases"]["archive"]["tables"]["articles"]["columns"]
    assert "reviewers" in columns and "body_text" in columns and "year" in columns


async def test_plugin_is_registered_by_its_entry_point(datasette):
    plugins = (await datasette.client.get("/-/plugins.json")).json()
    plugin = next(p for p in plugins if p["name"] == "clinic-archive")
    assert {"render_cell", "register_routes", "prepare_connection"} <= set(plugin["hooks"])
    assert plugin["templates"] is True


async def test_recent_changes_lists_what_changed_and_links_to_the_diff(datasette):
    rows = await get_json(datasette, "/archive/recent_changes.json?days=7&_shape=array")
    assert [(r["title"], r["version"], json.loads(r["changed"])) for r in rows] == \
        [("Stem cells", 2, ["body", "references"])]
    page = await get_page(datasette, "/archive/recent_changes?days=7")
    assert page.xpath("//td[contains(@class, 'col-title')]/a/@href")[0].endswith("?from=1&to=2#changes")


async def test_citing_studies_and_without_references(datasette):
    citing = await get_json(datasette, "/archive/citing_studies.json?_shape=array")
    stem = next(r for r in citing if r["title"] == "Stem cells")
    assert (stem["pubmed_references"], stem["doi_references"], stem["study_links"]) == (1, 1, 1)
    assert "Knee injections" not in {r["title"] for r in citing}
    without = await get_json(datasette, "/archive/without_references.json?_shape=array")
    assert [r["title"] for r in without] == ["Knee injections"]


async def test_articles_by_reviewer(datasette):
    rows = await get_json(datasette, "/archive/by_reviewer.json?reviewer=ruiz&_shape=array")
    assert [(r["reviewer"], r["role_label"], r["title"]) for r in rows] == [("Mark Ruiz", "fact checker", "Knee injections")]
    everyone = await get_json(datasette, "/archive/by_reviewer.json?_shape=array")
    assert {r["reviewer"] for r in everyone} == {"Mark Ruiz", "Ignatios Papas"}


async def test_posts_per_month_is_drawn_as_a_chart(datasette):
    rows = await get_json(datasette, "/archive/posts_per_month.json?_shape=array")
    assert {(r["month"], r["site"], r["posts"]) for r in rows} == {
        ("2024-03", "Clinic", 2), ("2024-03", "Other Clinic", 1), ("2025-06", "Clinic", 1)}
    page = await get_page(datasette, "/archive/posts_per_month")
    chart = page.xpath("//svg[contains(@class, 'chart')]")
    assert chart and len(chart[0].xpath(".//rect[title]")) == 3
    assert "2025-06 - Clinic: 1" in chart[0].xpath("string(.)")


async def test_duplicate_groups_across_sites(datasette):
    rows = await get_json(datasette, "/archive/duplicate_groups.json?_shape=array")
    assert {(r["site"], r["title"], r["kind"], r["sites"]) for r in rows} == {
        ("Clinic", "Shoulder pain", "exact", 2), ("Other Clinic", "Shoulder pain", "exact", 2)}


# Reading view, capture and health pages


async def test_article_page_shows_people_dates_body_references_and_provenance(datasette):
    rows = await get_json(datasette, "/archive/articles.json?_shape=array")
    page = await get_page(datasette, f"/archive/-/article/{article_id(rows, 'Knee injections')}")
    text = page.text_content()
    assert page.xpath("//h1/text()") == ["Knee injections"]
    assert "Sarah Lee, PT, DPT" in " ".join(text.split()) and "fact checker" in text
    assert "Published: 2025-06-01 (from json-ld)" in " ".join(text.split())
    body = page.xpath("//div[@class='body']")[0]
    assert body.xpath(".//h2/text()") == ["Why the knee hurts"]
    assert body.xpath(".//ol/@start") == ["3"]  # the page's own numbering survives
    assert page.xpath("//a[text()='http://clinic.test/blog/knee/']/@href") == ["http://clinic.test/blog/knee/"]
    assert page.xpath("//a[contains(@href, '/-/capture/3')]")
    assert "This post cites no references." in text


async def test_article_page_links_references_and_shows_the_word_diff(datasette):
    rows = await get_json(datasette, "/archive/articles.json?_shape=array")
    page = await get_page(datasette, f"/archive/-/article/{article_id(rows, 'Stem cells')}")
    references = page.xpath("//ol[@class='references']/li")
    assert len(references) == 3
    assert "https://pubmed.ncbi.nlm.nih.gov/30000001/" in references[1].xpath(".//a/@href")
    assert "https://doi.org/10.1000/xyz" in references[2].xpath(".//a/@href")
    assert len(page.xpath("//h2[@id='history']/following-sibling::table[1]//tr")) == 3  # header + 2 versions
    diff = page.xpath("//div[@class='diff']")[0]
    assert diff.xpath(".//del/text()") == [] and diff.xpath(".//ins/text()") == ["may"]
    assert "Reference added: Doe A. Pain. 2021. doi:10.1000/xyz" in " ".join(page.text_content().split())


async def test_article_page_diff_between_chosen_versions_and_errors(datasette):
    rows = await get_json(datasette, "/archive/articles.json?_shape=array")
    stem = article_id(rows, "Stem cells")
    page = await get_page(datasette, f"/archive/-/article/{stem}?from=1&to=9")
    assert "has versions [1, 2], not 9" in page.text_content()
    assert (await datasette.client.get("/archive/-/article/no-such-post")).status_code == 404
    assert (await datasette.client.get("/nosuchdb/-/article/x")).status_code == 404


async def test_an_archive_from_an_older_version_served_by_plain_datasette_says_to_upgrade(archive_path):
    from datasette.app import Datasette
    db = open_archive(archive_path)
    db.execute("delete from _sqlite_migrations where name = 'm010_health_columns'")  # as if written before it
    db.conn.commit()
    db.close()
    response = await Datasette([str(archive_path)]).client.get("/archive/-/health")
    assert response.status_code == 503
    assert "lacks m010_health_columns" in response.text and "clinic-archive serve" in response.text


async def test_plugin_pages_answer_404_on_a_database_that_is_not_an_archive(datasette):
    datasette.add_memory_database("notes")  # a plain `datasette` may serve other files beside ours
    for path in ("/notes/-/article/x", "/notes/-/health", "/notes/-/capture/1"):
        response = await datasette.client.get(path)
        assert response.status_code == 404 and "not a clinic-archive database" in response.text, path


async def test_article_page_allows_no_script(datasette):
    rows = await get_json(datasette, "/archive/articles.json?_shape=array")
    response = await datasette.client.get(f"/archive/-/article/{rows[0]['id']}")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_capture_page_describes_the_fetch_without_serving_raw_html(datasette, archive_path):
    from archive.records import Capture
    from archive.store import CaptureStore, captures_path
    store = CaptureStore(captures_path(archive_path))
    capture_id = store.save(Capture("http://clinic.test/blog/knee/", "http://clinic.test/blog/knee/", 200,
                                    {"Content-Type": "text/html"}, b"<html><script>x()</script></html>",
                                    "2026-01-01T00:00:00+00:00", "Clinic", 1))
    store.close()
    page = await get_page(datasette, f"/archive/-/capture/{capture_id}")
    fields = {tr.xpath("string(th)"): tr.xpath("string(td)") for tr in page.xpath("//table//tr")}
    assert fields["Status"] == "200" and fields["Content-Type"] == "text/html"
    assert "Not served" in page.text_content()
    assert (await datasette.client.get(f"/archive/-/capture/{capture_id}.txt")).status_code == 404
    assert (await datasette.client.get("/archive/-/capture/999")).status_code == 404


async def test_health_page_shows_missing_shares_and_fetch_errors_per_site_and_run(datasette):
    page = await get_page(datasette, "/archive/-/health")
    now = {tr.xpath("td[1]/text()")[0]: [td.text_content() for td in tr.xpath("td")]
           for tr in page.xpath("//h2[text()='Now, per site']/following-sibling::table[1]//tr[td]")}
    assert now["Clinic"][1:5] == ["3", "0%", "0%", "33%"]  # the knee post cites nothing
    runs = [[td.text_content() for td in tr.xpath("td")]
            for tr in page.xpath("//h2[text()='Per site and run']/following-sibling::table[1]//tr[td]")]
    other = next(r for r in runs if r[3] == "Other Clinic")
    assert other[4:6] == ["2", "1"] and other[-1] == "1"
    assert page.xpath("//svg[contains(@class, 'chart')]")


# Serving modes


async def test_posting_to_the_archive_is_refused(datasette):
    for path in ("/archive/recent_changes", "/archive/articles", "/archive"):
        response = await datasette.client.post(path, data={"sql": "delete from articles"})
        assert response.status_code == 405 and "read-only" in response.text, path


async def test_serving_is_read_only(datasette, archive_path):
    for sql in ("delete from articles", "update articles set title = 'x'", "drop table articles",
                "insert into sites (name) values ('x')"):
        response = await datasette.client.get("/archive.json", params={"sql": sql})
        assert response.status_code in (400, 403), sql
    assert len(await get_json(datasette, "/archive/articles.json?_shape=array")) == 4


async def test_immutable_mode_folds_the_wal_and_is_refused_while_a_crawl_writes(archive_path):
    with ArchiveLock(archive_path), pytest.raises(Exception, match="being written"):
        make_datasette(archive_path, immutable=True)
    datasette = make_datasette(archive_path, immutable=True)
    databases = await get_json(datasette, "/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("archive", False)]
    assert len(await get_json(datasette, "/archive/search.json?q=knee&_shape=array")) == 3
    assert archive_path.with_name("archive.db.inspect.json").exists()


async def test_search_over_crawled_archive_finds_seed_post_by_body_word(crawled):
    assert crawled["result"].returncode == 0
    datasette = make_datasette(crawled["db"])
    rows = await get_json(datasette, "/archive/search.json?q=mesenchymal&_shape=array")
    assert [row["title"] for row in rows] == [
        "Harnessing the Healing Power of Bone Marrow-Derived Cells for Chronic Low Back Pain"]
    assert rows[0]["authors"] == '["James Leiber, DO"]' and rows[0]["reviewers"] == '["Ignatios Papas, DO"]'
    page = await get_page(datasette, f"/archive/-/article/{rows[0]['id']}")
    assert "medical reviewer" in page.text_content()


def test_plain_datasette_command_from_the_readme_loads_our_plugin(archive_path):
    """The README's `datasette serve ...` line, answering one request with --get."""
    import subprocess
    import sys
    from pathlib import Path

    datasette_bin = Path(sys.executable).with_name("datasette")
    metadata = Path(__file__).resolve().parent.parent / "archive" / "serve" / "metadata.yml"
    result = subprocess.run(
        [str(datasette_bin), "serve", str(archive_path), "--metadata", str(metadata),
         "--setting", "sql_time_limit_ms", "2000", "--setting", "facet_time_limit_ms", "1000",
         "--setting", "suggest_facets", "off",
         "--setting", "truncate_cells_html", "300", "--setting", "default_page_size", "50",
         "--setting", "allow_download", "off", "--get", "/archive/search.json?q=injections&_shape=array"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert [row["title"] for row in json.loads(result.stdout)] == ["Knee injections"]


async def test_every_table_canned_query_and_core_page_answers(datasette):
    metadata = (await get_json(datasette, "/-/metadata.json"))["databases"]["archive"]
    paths = ["/", "/archive", "/archive/-/health"]
    paths += [f"/archive/{name}" for name in metadata["queries"]]
    paths += [f"/archive/{name}" for name in metadata["tables"]]
    rows = await get_json(datasette, "/archive/articles.json?_shape=array")
    paths += [f"/archive/articles/{rows[0]['id']}", f"/archive/-/article/{rows[0]['id']}"]
    for path in paths:
        response = await datasette.client.get(path)
        assert response.status_code == 200, path
        assert "Traceback" not in response.text and "message-error" not in response.text, path


async def test_health_page_shows_body_length_drift_and_a_field_going_missing_between_runs(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    save_site(db, "Clinic", ["http://clinic.test/blog/"], ["clinic.test"])
    first = start_run(db, ["Clinic"])
    post = dataclasses.replace(make_article(body=" ".join(["word"] * 100)), body_markdown="x")
    save_article(db, post, clinic_fetch(1, "a", first))
    finish_run(db, first, "finished", {"Clinic": {"fetched": 1}})
    second = start_run(db, ["Clinic"])  # a redesign: half the body and no author any more
    save_article(db, dataclasses.replace(post, body_text=" ".join(["word"] * 50), authors=[]),
                 clinic_fetch(2, "b", second))
    finish_run(db, second, "finished", {"Clinic": {"fetched": 1}})
    db.close()
    page = await get_page(make_datasette(tmp_path / "archive.db"), "/archive/-/health")
    runs = {tr.xpath("string(td[1])"): [td.text_content() for td in tr.xpath("td")]
            for tr in page.xpath("//h2[text()='Per site and run']/following-sibling::table[1]//tr[td]")}
    assert runs[str(second)][6] == "100%" and runs[str(first)][6] == "0%"  # no author
    assert runs[str(second)][9] == "-50%" and runs[str(first)][9] == "-"   # body length drift
