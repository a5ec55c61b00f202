"""A crawl of a real WordPress (Debian's package, both its themes) archives its posts, and only them.

The site is tests/wordpress.py's private stack with the 42 posts of tests/wordpress_content.py,
in a time zone west of UTC (America/Chicago). bench/wordpress.py prints the same figures.
"""

import json
from datetime import UTC, datetime

import pytest
import sqlite_utils

from tests import wordpress_content as content
from tests.conftest import crawl_wordpress

pytestmark = pytest.mark.crawl


def archived(crawled) -> dict[str, dict]:
    """Articles by the post URL they stand for: canonical, else the fetched URL."""
    db = sqlite_utils.Database(crawled["db"])
    rows = list(db.query("select * from articles"))
    db.close()
    return {row["canonical_url"] or row["url"]: row for row in rows}


def test_every_post_is_archived_and_no_page_or_listing(wordpress_crawled):
    wp = wordpress_crawled["wp"]
    articles = archived(wordpress_crawled)
    assert sorted(articles) == sorted(post["url"] for post in wp.posts)
    assert len(articles) == 42
    assert not {page["url"] for page in wp.pages} & set(articles)  # About, Contact


def test_each_post_keeps_its_title(wordpress_crawled):
    articles = archived(wordpress_crawled)
    # WordPress prints apostrophes curly (wptexturize), as readers see them.
    assert {post["url"]: post["title"].replace("'", "\u2019") for post in wordpress_crawled["wp"].posts} == {
        url: row["title"] for url, row in articles.items()}


def test_records_carry_the_authors_dates_and_terms_wordpress_holds(wordpress_crawled):
    articles = archived(wordpress_crawled)
    for post in wordpress_crawled["wp"].posts:
        row = articles[post["url"]]
        assert json.loads(row["authors"]) == [content.author_name(post["author"])], post["url"]  # no commenters
        utc = datetime.fromisoformat(row["published"]).astimezone(UTC)  # with the site's offset
        assert utc == datetime.fromisoformat(post["date_gmt"]).replace(tzinfo=UTC), post["url"]
        assert sorted(json.loads(row["categories"])) == sorted(post["categories"]), post["url"]  # no widget
        assert sorted(json.loads(row["tags"])) == sorted(post["tags"]), post["url"]  # no categories
        # the API says the same, and the record says so
        sources = json.loads(row["field_sources"])
        assert sources["authors"] == sources["categories"] == "page, confirmed by api", sources


def test_requests_go_to_posts_not_comment_feeds_archives_or_reply_links(wordpress_crawled):
    db = sqlite_utils.Database(wordpress_crawled["db"])
    [stats] = [json.loads(row["stats"])["riverbend"] for row in db.query("select stats from runs")]
    urls = [row["url"] for row in db.query("select url from urls")]
    db.close()
    assert stats["requests_per_article"] < 1.5, stats["requests_by"]
    assert stats["requests_by"]["feeds"] == 1  # the site's feed; no comment, category or author feeds
    assert not [url for url in urls if "replytocom=" in url or "/category/" in url or "/author/" in url]


def test_a_plain_revisit_finds_edits_new_posts_and_trashed_posts(fresh_wordpress, tmp_path):
    wp, db_path = fresh_wordpress, tmp_path / "archive.db"
    assert crawl_wordpress(wp, db_path).returncode == 0
    edited, trashed = wp.posts[5], wp.posts[22]
    wp.edit_post(edited["url"], "Update: our clinic now offers evening appointments for this treatment.")
    wp.trash_post(trashed["url"])
    added = wp.add_post(content.new_post())
    result = crawl_wordpress(wp, db_path)  # as cron runs it: no --recheck-all
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    stats = json.loads(list(db.query("select stats from runs order by id desc limit 1"))[0]["stats"])["riverbend"]
    assert (stats.get("changed"), stats.get("new"), stats.get("gone")) == (1, 1, 1), stats
    rows = {row["canonical_url"] or row["url"]: row for row in db.query("select * from articles")}
    assert "evening appointments" in rows[edited["url"]]["body_text"]
    assert rows[trashed["url"]]["gone_since"] and rows[trashed["url"]]["body_text"]  # kept, marked gone
    assert rows[added["url"]]["title"] == added["title"]
    assert stats["requests"] < 20, stats["requests_by"]  # the feed, the API's changes, the sitemaps
