"""Article versions, word diffs, reprocessing and the archive check, on real crawls."""

import json
import zlib

import sqlite_utils

from tests.conftest import run_cli

SITE = "frontrange-spine"
POST = "/blog/tennis-elbow-prp/"


def crawl(own_sites, *args, extra=None):
    result = own_sites.crawl(*args, sites_file=own_sites.sites_file(extra, only=[SITE]))
    assert result.returncode == 0, result.stderr[-3000:]


def post_id(own_sites) -> str:
    [row] = sqlite_utils.Database(own_sites.db).query("select id from articles where url like ?", [f"%{POST}"])
    return row["id"]


def edit_post(own_sites, old, new):
    page = own_sites.root / SITE / "blog" / "tennis-elbow-prp" / "index.html"
    page.write_text(page.read_text().replace(old, new))


def test_an_edit_adds_a_version_and_diff_shows_the_words(own_sites):
    crawl(own_sites)
    edit_post(own_sites, "most people with tennis elbow have never played tennis",
              "nearly all people with tennis elbow have never played tennis")
    crawl(own_sites, "--recheck-all")
    db = sqlite_utils.Database(own_sites.db)
    versions = list(db.query("select version, source, changed from article_versions where article_id = ?",
                             [post_id(own_sites)]))
    assert [(v["version"], v["source"], json.loads(v["changed"])) for v in versions] == [
        (1, "site", []), (2, "site", ["body"])]
    result = run_cli("diff", post_id(own_sites), "--db", str(own_sites.db))
    assert result.returncode == 0, result.stderr
    assert "changed: body" in result.stdout
    assert "[-most-]{+nearly all+} people with tennis elbow" in result.stdout
    assert run_cli("diff", post_id(own_sites), "1", "2", "--db", str(own_sites.db)).stdout == result.stdout


def test_an_unchanged_recheck_adds_no_version(own_sites):
    crawl(own_sites)
    crawl(own_sites, "--recheck-all")
    db = sqlite_utils.Database(own_sites.db)
    assert db["article_versions"].count == db["articles"].count == 7


def test_diff_of_unknown_versions_is_a_clear_error(own_sites):
    crawl(own_sites)
    result = run_cli("diff", post_id(own_sites), "1", "5", "--db", str(own_sites.db))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: article {post_id(own_sites)} has versions [1], not 5"


def test_reprocess_records_an_extractor_change_as_a_re_extraction(own_sites):
    edit_post(own_sites, "<body", '<body data-x="1"><p class="our-writer">By Zed Example, MD</p')
    crawl(own_sites)
    # the site's config now names the author element: only re-extraction can apply it
    crawl(own_sites, extra={SITE: 'extract = { author = ".our-writer" }\n'})
    result = run_cli("reprocess", "--db", str(own_sites.db), "--site", SITE, "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "changed" in result.stdout and "re-extracting" in result.stderr
    db = sqlite_utils.Database(own_sites.db)
    [article] = db.query("select authors, last_seen, first_seen from articles where id = ?", [post_id(own_sites)])
    assert article["authors"] == '["Zed Example, MD"]'
    versions = list(db.query("select version, source, changed from article_versions where article_id = ?",
                             [post_id(own_sites)]))
    assert (versions[-1]["source"], json.loads(versions[-1]["changed"])) == ("re-extraction", ["people"])
    assert db.execute("select count(*) from article_versions where source = 're-extraction'").fetchone()[0] == 1


def test_check_passes_a_sound_archive_and_names_each_problem(own_sites):
    crawl(own_sites)
    result = run_cli("check", "--db", str(own_sites.db))
    assert (result.returncode, result.stdout.strip()) == (0, f"{own_sites.db}: ok")
    db = sqlite_utils.Database(own_sites.db)
    db["citations"].insert({"article_id": "no-such-article", "position": 1, "text": "orphan"})
    captures = sqlite_utils.Database(own_sites.tmp / "archive.captures.db")
    captures.execute("update captures set body = ? where id = 1", [zlib.compress(b"tampered")])
    captures.conn.commit()
    result = run_cli("check", "--db", str(own_sites.db))
    assert result.returncode == 1
    assert "1 citations without their article" in result.stdout
    assert "capture 1: body does not match its sha256" in result.stdout
