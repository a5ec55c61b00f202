import json
import sqlite3

import pytest
import sqlite_utils

from archive.records import Article, Capture, DateValue, Link, Person, Reference
from archive.store import (
    CaptureStore,
    Fetch,
    Recheck,
    UrlKind,
    open_archive,
    record_check,
    record_fetch_error,
    record_gone,
    record_skip,
    save_article,
    save_site,
)
from archive.store.schema import migrations


def clinic_fetch(capture_id: int, sha256: str, run_id: int | None) -> Fetch:
    """The fetch an article of the test site "Clinic" was read from."""
    return Fetch("http://clinic.test/", "Clinic", 200, capture_id, sha256, run_id)


def make_article(body="Mesenchymal stem cells reduce pain in chronic low back pain.", title="Stem cells"):
    return Article(
        references=[Reference(1, "Kirchner F, Anitua E. J Craniovert Jun Spine 2016;7:250-6.", year=2016),
                    Reference(2, "Smith J. Spine. 2019;44(2):1-9.", pmid="30000001",
                              url="https://pubmed.ncbi.nlm.nih.gov/30000001/", year=2019)],
        links=[Link("https://pubmed.ncbi.nlm.nih.gov/30000001/", "PubMed", "study")],
        categories=["Back Pain"], tags=["Stem Cells"],
        url="http://clinic.test/blog/stem-cells/", canonical_url="http://clinic.test/blog/stem-cells/",
        title=title, body_text=body, body_markdown=body,
        authors=[Person("James Leiber", ["DO"], role_label="author")],
        reviewers=[Person("Ignatios Papas", ["DO"], role="reviewer", role_label="medical reviewer")],
        published=DateValue("2024-03-12", "json-ld"), extractor_version="test",
    )


def archive_with_site(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    save_site(db, "Clinic", ["http://clinic.test/blog/"], ["clinic.test"])
    return db


def test_migrations_apply_once_and_reopening_changes_nothing(tmp_path):
    open_archive(tmp_path / "archive.db").close()
    db = open_archive(tmp_path / "archive.db")
    applied = [m.name for m in migrations.applied(db)]
    assert applied == ["m001_initial", "m002_article_fields", "m003_extraction_errors", "m004_crawl_state",
                       "m005_article_versions", "m006_duplicate_groups",
                       "m007_images", "m008_article_year", "m009_facet_indexes", "m010_health_columns",
                       "m011_crawl_evidence", "m012_site_profiles", "m013_date_reasons",
                       "m014_wordpress_api_evidence", "m015_duplicate_index"]
    assert {"articles", "people", "article_people", "sites", "runs", "urls", "articles_fts", "citations",
            "links"} <= set(db.table_names())
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_older_archive_is_upgraded_in_place_keeping_its_rows(tmp_path):
    import sqlite_utils
    db = sqlite_utils.Database(tmp_path / "archive.db")
    migrations.apply(db, stop_before="m002_article_fields")
    db["sites"].insert({"name": "Clinic"})
    db["articles"].insert({"id": "a1", "title": "Old post", "site": "Clinic", "body_text": "mesenchymal cells"})
    db.close()
    db = open_archive(tmp_path / "archive.db")
    assert "categories" in db["articles"].columns_dict and db["citations"].exists()
    assert db["articles"].get("a1")["title"] == "Old post"
    assert [r["title"] for r in db["articles"].search("mesenchymal")] == ["Old post"]


def test_new_then_unchanged_then_changed(tmp_path):
    db = archive_with_site(tmp_path)
    identifier, outcome = save_article(db, make_article(), clinic_fetch(1, "abc", None))
    assert outcome == "new"
    first = db["articles"].get(identifier)
    assert save_article(db, make_article(), clinic_fetch(2, "abc", None)) == (identifier, "unchanged")
    assert db["articles"].get(identifier)["capture_id"] == 1  # same content keeps its capture
    assert save_article(db, make_article(body="Edited claim about platelet rich plasma."),
                        clinic_fetch(3, "def", None)) == (identifier, "changed")
    row = db["articles"].get(identifier)
    assert row["first_seen"] == first["first_seen"] and row["capture_id"] == 3
    assert db["articles"].count == 1


def test_fts_follows_updates(tmp_path):
    db = archive_with_site(tmp_path)
    save_article(db, make_article(), clinic_fetch(1, "abc", None))
    assert [r["title"] for r in db["articles"].search("mesenchymal")] == ["Stem cells"]
    save_article(db, make_article(body="Now about platelet rich plasma only."), clinic_fetch(2, "def", None))
    assert list(db["articles"].search("mesenchymal")) == []
    assert [r["title"] for r in db["articles"].search("platelet")] == ["Stem cells"]


def test_people_keep_roles_and_credentials(tmp_path):
    db = archive_with_site(tmp_path)
    identifier, _ = save_article(db, make_article(), clinic_fetch(1, "abc", None))
    rows = list(db.query(
        "select p.name, ap.role, ap.credentials from article_people ap join people p on p.id = ap.person_id "
        "where ap.article_id = ? order by ap.position", [identifier]))
    assert rows == [{"name": "James Leiber", "role": "author", "credentials": '["DO"]'},
                    {"name": "Ignatios Papas", "role": "reviewer", "credentials": '["DO"]'}]
    assert json.loads(db["articles"].get(identifier)["authors"]) == ["James Leiber, DO"]


def test_citations_links_and_terms_are_stored_and_replaced_on_change(tmp_path):
    db = archive_with_site(tmp_path)
    identifier, _ = save_article(db, make_article(), clinic_fetch(1, "abc", None))
    assert [(r["position"], r["pmid"], r["year"]) for r in db["citations"].rows_where(order_by="position")] == [
        (1, None, 2016), (2, "30000001", 2019)]
    assert [r["kind"] for r in db["links"].rows] == ["study"]
    row = db["articles"].get(identifier)
    assert json.loads(row["categories"]) == ["Back Pain"] and json.loads(row["tags"]) == ["Stem Cells"]
    assert [r["role_label"] for r in db["article_people"].rows_where(order_by="position")] == [
        "author", "medical reviewer"]
    changed = make_article(body="A new body.")
    changed.references = changed.references[:1]
    save_article(db, changed, clinic_fetch(2, "def", None))
    assert db["citations"].count == 1


def test_a_captures_store_made_before_its_migrations_keeps_its_rows(tmp_path):
    path = tmp_path / "archive.captures.db"
    old = sqlite_utils.Database(path)  # as CaptureStore created it before the captures had migrations
    old["captures"].create({"id": int, "url": str, "final_url": str, "status": int, "headers": str, "body": bytes,
                            "sha256": str, "size": int, "fetched_at": str, "site": str, "run_id": int}, pk="id")
    old["captures"].create_index(["url"])
    old.close()
    capture = Capture("http://c.test/p/", "http://c.test/p/", 200, {"ETag": "x"}, b"<p>hi</p>",
                      "2026-01-01T00:00:00+00:00", "Clinic")
    store = CaptureStore(path)
    capture_id = store.save(capture)
    store.close()
    reader = CaptureStore(path, read_only=True)
    assert reader.load(capture_id) == capture
    assert reader.get(capture_id + 1) is None
    assert reader.describe(capture_id, with_body=True)["body"] == b"<p>hi</p>"
    assert list(reader.mismatched()) == [] and reader.digests() == {capture_id: capture.sha256}
    reader.close()
    assert [row["name"] for row in sqlite_utils.Database(path).query(
        "select name from _sqlite_migrations where migration_set = 'clinic_archive_captures'")] == ["m001_captures"]


def test_a_read_only_captures_store_never_creates_the_file(tmp_path):
    with pytest.raises(sqlite3.OperationalError):
        CaptureStore(tmp_path / "none.captures.db", read_only=True)
    assert not (tmp_path / "none.captures.db").exists()


@pytest.mark.parametrize(("stored", "outcome", "kind"), [
    (None, "skip", UrlKind.SKIPPED), (UrlKind.PENDING, "skip", UrlKind.SKIPPED),
    (UrlKind.ERROR, "skip", UrlKind.ERROR), (UrlKind.ARTICLE, "skip", UrlKind.ARTICLE),
    (None, "error", UrlKind.ERROR), (UrlKind.PENDING, "error", UrlKind.ERROR),
    (UrlKind.SKIPPED, "error", UrlKind.SKIPPED), (UrlKind.LISTING, "error", UrlKind.LISTING),
    (None, "gone", UrlKind.GONE), (UrlKind.ARTICLE, "gone", UrlKind.ARTICLE),
    (None, "check", UrlKind.PENDING), (UrlKind.OTHER, "check", UrlKind.OTHER),
])
def test_each_crawl_outcome_moves_a_url_kind_as_kinds_py_says(tmp_path, stored, outcome, kind):
    db = archive_with_site(tmp_path)
    url = "http://clinic.test/blog/p/"
    if stored:
        db["urls"].insert({"url": url, "site": "Clinic", "kind": stored})
    {"skip": lambda: record_skip(db, url, "Clinic", "robots: disallowed", None),
     "error": lambda: record_fetch_error(db, None, "Clinic", url, 500, "HTTP 500"),
     "gone": lambda: record_gone(db, url, "Clinic", 404, None, Recheck()),
     "check": lambda: record_check(db, url, "Clinic", unchanged=False, headers={}, sha256="ab", recheck=Recheck()),
     }[outcome]()
    assert db["urls"].get(url)["kind"] == kind
