"""Datasette over the archive, through its ASGI client."""

import pytest

from archive.serve import make_datasette
from archive.store import open_archive, save_site
from archive.store.write import save_article
from tests.test_store import make_article


@pytest.fixture
def datasette(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    save_site(db, "Clinic", ["http://clinic.test/blog/"], ["clinic.test"])
    save_article(db, make_article(), "Clinic", 1, "abc", None)
    db.close()
    return make_datasette(tmp_path / "archive.db")


async def test_search_finds_article_by_a_body_word(datasette):
    response = await datasette.client.get("/archive/articles.json?_search=mesenchymal&_shape=array")
    assert response.status_code == 200
    assert [row["title"] for row in response.json()] == ["Stem cells"]


async def test_search_without_match_is_empty(datasette):
    response = await datasette.client.get("/archive/articles.json?_search=acupuncture&_shape=array")
    assert response.json() == []


async def test_metadata_titles_describes_and_facets(datasette):
    assert "Clinic blog archive" in (await datasette.client.get("/")).text
    html = (await datasette.client.get("/archive/articles")).text
    assert "The latest extracted version of each blog post" in html
    facets = (await datasette.client.get("/archive/articles.json?_extra=facet_results")).json()
    assert set(facets["facet_results"]) == {"site", "authors", "reviewers", "categories", "tags"}


async def test_column_descriptions_are_served(datasette):
    data = (await datasette.client.get("/-/metadata.json")).json()
    columns = data["databases"]["archive"]["tables"]["articles"]["columns"]
    assert "reviewers" in columns and "body_text" in columns


async def test_search_over_crawled_archive_finds_seed_post_by_body_word(crawled):
    assert crawled["result"].returncode == 0
    datasette = make_datasette(crawled["db"])
    response = await datasette.client.get("/archive/articles.json?_search=mesenchymal&_shape=array")
    rows = response.json()
    assert [row["title"] for row in rows] == [
        "Harnessing the Healing Power of Bone Marrow-Derived Cells for Chronic Low Back Pain"]
    assert rows[0]["authors"] == '["James Leiber, DO"]' and rows[0]["reviewers"] == '["Ignatios Papas, DO"]'
