"""A real crawl of the bundled sample sites, served on 127.0.0.1, through the CLI."""

import json
import socket
import sqlite3
import subprocess
import sys
import urllib.robotparser

import pytest
import sqlite_utils

from archive.store import CaptureStore, captures_path
from tests.conftest import FAST, ROOT, golden_articles, golden_non_articles, run_cli

SEED_TITLE = "Harnessing the Healing Power of Bone Marrow-Derived Cells for Chronic Low Back Pain"
SEED_BOILERPLATE = ["About The Author", "Related Posts", "Follow Us", "Subscribe to our blog",
                    "This field is for validation purposes", "indicates required fields"]


def live_url(url, sites):
    slug = url.split("://", 1)[1].split(".test", 1)[0]
    return sites[slug].localise(url)


@pytest.fixture(scope="module")
def db(crawled):
    assert crawled["result"].returncode == 0, crawled["result"].stderr[-3000:]
    return sqlite_utils.Database(crawled["db"])


def test_crawl_prints_articles_per_site(crawled):
    out = crawled["result"].stdout
    for name in ["Front Range Spine & Joint", "Harbor Physical Therapy & Sports Medicine",
                 "Lakeside Integrative Medicine"]:
        assert name in out
    assert "run 1: finished" in out


@pytest.mark.parametrize("golden_path", golden_articles(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_bundled_post_is_archived_once(golden_path, crawled, db):
    golden = json.loads(golden_path.read_text())
    rows = list(db.query("select title from articles where url = ?", [live_url(golden["url"], crawled["sites"])]))
    assert rows == [{"title": golden["title"]}]


def test_only_posts_become_articles(crawled, db):
    assert db["articles"].count == len(golden_articles())
    non_articles = [live_url(page["url"], crawled["sites"]) for page in golden_non_articles()]
    leaked = [url for url in non_articles
              if db.execute("select 1 from articles where url = ?", [url]).fetchone()]
    assert leaked == []


def test_seed_post_found_by_search_with_people_and_clean_body(db):
    [row] = list(db.query(
        "select articles.* from articles join articles_fts on articles.rowid = articles_fts.rowid "
        "where articles_fts match 'mesenchymal'"))
    assert row["title"] == SEED_TITLE
    people = list(db.query(
        "select p.name, ap.role, ap.credentials from article_people ap join people p on p.id = ap.person_id "
        "where ap.article_id = ? order by ap.position", [row["id"]]))
    assert people == [{"name": "James Leiber", "role": "author", "credentials": '["DO"]'},
                      {"name": "Ignatios Papas", "role": "reviewer", "credentials": '["DO"]'}]
    body = row["body_text"]
    start = body.index("Chronic low back pain (CLBP) is a prevalent")
    assert body.index("achievable goals for all patients.") > start
    assert [text for text in SEED_BOILERPLATE if text in body] == []


def test_robots_txt_is_obeyed_and_crawler_identifies_itself(crawled):
    for site in crawled["sites"].values():
        robots = urllib.robotparser.RobotFileParser()
        robots.parse(site.localise((site.root / "robots.txt").read_text()).splitlines())
        fetched_disallowed = [path for path in site.requests
                              if not robots.can_fetch("clinic-archive", site.origin + path)]
        assert fetched_disallowed == []
        assert all(ua.startswith("clinic-archive/") for ua in site.user_agents), site.user_agents


def test_disallowed_urls_are_recorded_not_fetched(db):
    rows = list(db.query("select reason from urls where kind = 'skipped' and reason like '%robots.txt%'"))
    assert len(rows) >= 3  # each sample site links one disallowed page


def test_every_article_traces_back_to_its_raw_capture(crawled, db):
    captures = CaptureStore(captures_path(crawled["db"]))
    for row in db.query("select url, capture_id, capture_sha256 from articles"):
        capture = captures.load(row["capture_id"])
        assert capture.final_url == row["url"] and capture.sha256 == row["capture_sha256"]
    captures.close()
    assert "captures" not in db.table_names()  # raw HTML is not in the served database


def test_run_is_recorded_with_counts(db):
    [run] = list(db.query("select * from runs"))
    assert run["status"] == "finished" and run["finished"]
    stats = json.loads(run["stats"])
    assert sum(site.get("new", 0) for site in stats.values()) == len(golden_articles())


def test_archive_passes_integrity_check(crawled):
    connection = sqlite3.connect(crawled["db"])
    assert connection.execute("pragma integrity_check").fetchone() == ("ok",)
    connection.execute("insert into articles_fts(articles_fts) values('integrity-check')")
    connection.close()


def test_second_crawl_fetches_no_page_that_is_not_due(crawled, db):
    requests_before = {slug: len(site.requests) for slug, site in crawled["sites"].items()}
    result = run_cli("crawl", "--sites", str(crawled["sites_file"]), "--db", str(crawled["db"]), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert db["articles"].count == len(golden_articles())
    for slug, site in crawled["sites"].items():
        again = site.requests[requests_before[slug]:]
        assert not [path for path in again if "/blog/" in path and not path.endswith((".xml", "/feed/"))], slug
    stats = json.loads(list(db.query("select stats from runs order by id desc limit 1"))[0]["stats"])
    assert all(site["skipped_by"].get("not due", 0) + site["skipped_by"].get("lastmod", 0) > 0
               for site in stats.values())


def test_recheck_all_finds_every_article_unchanged(crawled, db):
    result = run_cli("crawl", "--sites", str(crawled["sites_file"]), "--db", str(crawled["db"]),
                     "--recheck-all", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert db["articles"].count == len(golden_articles())
    stats = json.loads(list(db.query("select stats from runs order by id desc limit 1"))[0]["stats"])
    assert sum(site.get("unchanged", 0) for site in stats.values()) >= len(golden_articles())
    assert sum(site.get("new", 0) + site.get("changed", 0) for site in stats.values()) == 0


def test_scrapy_crawl_command_runs_the_same_spider(sample_sites, tmp_path):
    site = sample_sites["lakeside-wellness"]
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(f'[[site]]\nname = "Lakeside"\nstart_urls = ["{site.origin}/blog"]\n')
    db_path = tmp_path / "scrapy.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "clinic_blogs", "-a", f"sites={sites_file}",
         "-s", f"ARCHIVE_DB={db_path}", *FAST], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    expected = len([p for p in golden_articles() if p.parent.name == "lakeside-wellness"])
    assert db.execute("select count(*) from articles where site = 'Lakeside'").fetchone()[0] == expected


def test_site_that_cannot_be_reached_fails_the_run_with_reason(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(f'[[site]]\nname = "Gone"\nstart_urls = ["http://127.0.0.1:{port}/blog/"]\n')
    result = run_cli("crawl", "--sites", str(sites_file), "--db", str(tmp_path / "a.db"), *FAST,
                     "-s", "RETRY_TIMES=0")
    assert result.returncode == 1
    assert "Error: no page could be fetched from: Gone; see the runs, fetch_errors and urls tables for the reasons" in result.stderr
    db = sqlite_utils.Database(tmp_path / "a.db")
    [row] = list(db.query("select kind, reason from urls"))
    assert row["kind"] == "error" and "Connection" in row["reason"]


def test_references_links_and_reviewer_roles_reach_the_archive(db):
    seed = next(db.query("select id from articles where title like 'Harnessing the Healing Power%'"))["id"]
    [citation] = list(db.query("select position, text, year from citations where article_id = ?", [seed]))
    assert citation["text"].startswith("Kirchner F, Anitua E.") and citation["year"] == 2016
    assert db.execute("select count(*) from citations where pmid is not null").fetchone()[0] >= 5
    assert db.execute("select count(*) from links where kind = 'study'").fetchone()[0] >= 10
    labels = {row["role_label"] for row in db.query("select role_label from article_people where role = 'reviewer'")}
    assert {"medical reviewer", "reviewer", "fact checker"} <= labels


def test_body_images_are_stored_with_alt_text(db):
    rows = list(db.query("select a.url, i.position, i.src, i.alt from images i join articles a on a.id = i.article_id "
                         "where a.url like '%/blog/tennis-elbow-prp/'"))
    assert rows and rows[0]["position"] == 1 and rows[0]["src"].endswith("lateral-elbow-ultrasound-1024x576.jpg")
    assert rows[0]["alt"] == "Ultrasound image of the common extensor tendon at the lateral elbow"
