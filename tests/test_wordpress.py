"""A crawl of a real WordPress (Debian's package, both its themes) archives its posts, and only them.

The site is tests/wordpress.py's private stack with the 42 posts of tests/wordpress_content.py.
What the crawl still gets wrong there (dates west of UTC, terms, revisits) is measured by
bench/wordpress.py rather than pinned here.
"""

import pytest
import sqlite_utils

pytestmark = pytest.mark.crawl


def archived(crawled) -> dict[str, dict]:
    """Articles by the post URL they stand for: canonical, else the fetched URL."""
    db = sqlite_utils.Database(crawled["db"])
    rows = list(db.query("select url, canonical_url, title from articles"))
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
