"""Incremental revisits: validators, 304s, changes, deletions, lastmod and the WordPress API."""

import json
from datetime import UTC, datetime

import sqlite_utils

POST = "/blog/tennis-elbow-prp/"
SITE = "frontrange-spine"


def crawl_ok(own_sites, *args):
    result = own_sites.crawl(*args, sites_file=own_sites.sites_file(only=[SITE]))
    assert result.returncode == 0, result.stderr[-3000:]
    return own_sites.last_stats()[SITE]


def post_file(own_sites):
    return own_sites.root / SITE / "blog" / "tennis-elbow-prp" / "index.html"


def test_recheck_sends_validators_and_a_304_is_unchanged_without_a_new_capture(own_sites):
    first = crawl_ok(own_sites)
    assert first["new"] == 7
    captures = sqlite_utils.Database(own_sites.tmp / "archive.captures.db")["captures"].count
    again = crawl_ok(own_sites, "--recheck-all")
    last = [e for e in own_sites.sites[SITE].log if e.path == POST][-1]
    assert last.if_none_match and last.status == 304
    assert again["unchanged"] >= 7 and again.get("new", 0) == again.get("changed", 0) == 0
    assert sqlite_utils.Database(own_sites.tmp / "archive.captures.db")["captures"].count == captures


def test_feeds_are_read_again_conditionally(own_sites):
    crawl_ok(own_sites)
    again = crawl_ok(own_sites)
    [feed] = [e for e in own_sites.sites[SITE].log if e.path == "/feed/"][-1:]
    assert feed.if_none_match and feed.status == 304
    assert again["read_feeds"] == 1 and again.get("new", 0) == again.get("changed", 0) == 0


def test_an_edited_post_becomes_a_change_and_the_article_follows_it(own_sites):
    crawl_ok(own_sites)
    page = post_file(own_sites)
    page.write_text(page.read_text().replace("Despite the name", "Edited: results now cover 2025 patients. Despite the name"))
    again = crawl_ok(own_sites, "--recheck-all")
    assert again["changed"] == 1 and again.get("new", 0) == 0
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select body_text from articles where url like ?", [f"%{POST}"])
    assert "results now cover 2025 patients" in row["body_text"]


def test_a_deleted_post_is_marked_gone_and_kept(own_sites):
    crawl_ok(own_sites)
    post_file(own_sites).unlink()
    again = crawl_ok(own_sites, "--recheck-all")
    assert again["gone"] == 1
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select title, gone_since from articles where url like ?", [f"%{POST}"])
    assert row["title"] and row["gone_since"]
    [url] = db.query("select gone_since, last_outcome from urls where url like ?", [f"%{POST}"])
    assert url["gone_since"] and url["last_outcome"] == "gone: HTTP 404"


def test_a_post_the_site_stops_listing_is_checked_and_marked_gone_by_the_next_normal_run(own_sites):
    crawl_ok(own_sites)
    post_file(own_sites).unlink()  # trashed: gone from the page, the post sitemap, the feed and the API
    for listing, tag in (("post-sitemap.xml", "url"), ("feed/index.xml", "item")):
        path = own_sites.root / SITE / listing
        text = path.read_text()
        start = text.rindex(f"<{tag}>", 0, text.index(POST))
        path.write_text(text[:start] + text[text.index(f"</{tag}>", start) + len(tag) + 3:])
    api_file = own_sites.root / SITE / "wp-json" / "wp" / "v2" / "posts.json"
    api_file.write_text(json.dumps([p for p in json.loads(api_file.read_text()) if not p["link"].endswith(POST)]))
    requested = len(own_sites.page_requests(SITE))
    again = crawl_ok(own_sites)
    assert [e.path for e in own_sites.page_requests(SITE)[requested:]] == [POST]  # nothing else is due
    assert again["gone"] == 1 and again["requests_by"]["pages"] == 1
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select title, gone_since from articles where url like ?", [f"%{POST}"])
    assert row["title"] and row["gone_since"]


def test_pages_not_due_are_not_fetched_unless_the_sitemap_says_they_changed(own_sites):
    crawl_ok(own_sites)
    requested = len(own_sites.page_requests(SITE))
    sitemap = own_sites.root / SITE / "post-sitemap.xml"
    text = sitemap.read_text()
    start = text.index(POST)
    lastmod_at = text.index("<lastmod>", start) + len("<lastmod>")
    sitemap.write_text(text[:lastmod_at] + "2099-01-01T00:00:00+00:00" + text[text.index("<", lastmod_at):])
    page = post_file(own_sites)
    page.write_text(page.read_text().replace("Despite the name", "Updated protocol. Despite the name"))
    again = crawl_ok(own_sites)
    fetched_again = [e.path for e in own_sites.page_requests(SITE)[requested:]]
    assert fetched_again == [POST]
    assert again["changed"] == 1
    assert again["skipped_by"]["lastmod"] >= 6  # the other posts, and pages in the other sitemaps


def test_wordpress_api_is_read_and_revisits_ask_only_for_modified_posts(own_sites):
    crawl_ok(own_sites)
    api = [e.path for e in own_sites.sites[SITE].log if e.path.startswith("/wp-json/wp/v2/posts")]
    assert len(api) == 1 and "modified_after" not in api[0]
    crawl_ok(own_sites)
    api = [e.path for e in own_sites.sites[SITE].log if e.path.startswith("/wp-json/wp/v2/posts")]
    assert len(api) == 2 and "modified_after=" in api[1]


def test_an_edit_the_api_reports_is_found_by_the_next_normal_run(own_sites):
    # The sample WordPress keeps UTC-6: a modified_after without its offset would ask for
    # posts changed since six hours after the last crawl, and miss this edit.
    crawl_ok(own_sites)
    page = post_file(own_sites)
    page.write_text(page.read_text().replace("Despite the name", "Edited today. Despite the name"))
    api_file = own_sites.root / SITE / "wp-json" / "wp" / "v2" / "posts.json"
    posts = json.loads(api_file.read_text())
    edited = next(post for post in posts if post["link"].endswith(POST))
    edited["modified_gmt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    api_file.write_text(json.dumps(posts))
    again = crawl_ok(own_sites)
    assert again.get("changed") == 1
    [asked] = [e.path for e in own_sites.sites[SITE].log if "modified_after=" in e.path]
    assert "%2B00%3A00" in asked


def test_archive_pages_are_not_fetched_when_the_sitemap_and_api_list_the_posts(own_sites):
    first = crawl_ok(own_sites)
    assert first["new"] == 7
    paths = [e.path for e in own_sites.page_requests(SITE)]
    assert not [p for p in paths if any(part in p for part in ("/category/", "/tag/", "/author/", "/page/"))]
    # robots.txt, 4 sitemaps, the feed, the API and 14 pages: 3.0 (6.3 when archive pages were fetched)
    assert first["requests_per_article"] <= 3, first["requests_by"]


def test_api_alone_discovers_the_posts(own_sites):
    # no sitemap in robots.txt, no feed links: the WordPress API and links remain
    robots = own_sites.root / SITE / "robots.txt"
    robots.write_text("User-agent: *\nDisallow: /wp-admin/\n")
    extra = {SITE: 'max_depth = 0\n'}  # follow no links from the start page either
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert own_sites.last_stats()[SITE]["new"] == 7


def test_include_exclude_and_page_budget_bound_the_crawl(own_sites):
    extra = {SITE: 'include = ["/blog/"]\nexclude = ["/tag/", "/author/"]\nmax_pages = 6\n'}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    paths = [e.path for e in own_sites.page_requests(SITE)]
    assert len(paths) == 6
    assert all(p.startswith("/blog/") and "/tag/" not in p and "/author/" not in p for p in paths)
    stats = own_sites.last_stats()[SITE]
    assert stats["skipped_by"]["budget"] > 0
    db = sqlite_utils.Database(own_sites.db)
    assert db.execute("select count(*) from urls where reason like 'budget:%'").fetchone()[0] > 0


def test_url_variants_are_fetched_once(own_sites):
    index = own_sites.root / SITE / "blog" / "index.html"
    variants = "".join(f'<a href="{href}">variant</a>' for href in (
        "/blog/tennis-elbow-prp/?utm_source=newsletter&utm_medium=email", "/blog/tennis-elbow-prp#comments",
        "/blog/tennis-elbow-prp", "/blog/tennis-elbow-prp/amp/"))
    index.write_text(index.read_text().replace("</body>", variants + "</body>"))
    crawl_ok(own_sites)
    paths = [e.path for e in own_sites.page_requests(SITE) if "tennis-elbow-prp" in e.path]
    assert paths == [POST]


def test_site_extraction_overrides_win_over_generic_rules(own_sites):
    page = post_file(own_sites)
    page.write_text(page.read_text().replace(
        "<body", '<body data-x="1"><p class="our-writer">By Zed Example, MD</p>'
                 '<span class="our-date">Posted March 4, 2021</span', 1))
    extra = {SITE: 'extract = { author = ".our-writer", date = ".our-date" }\n'}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select authors, published, published_source from articles where url like ?", [f"%{POST}"])
    assert row["authors"] == '["Zed Example, MD"]'
    assert (row["published"], row["published_source"]) == ("2021-03-04", "visible")


def test_contact_url_of_a_site_is_in_its_user_agent(own_sites):
    extra = {SITE: 'contact_url = "https://example.org/crawler-contact"\n'}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    agents = {e.user_agent for e in own_sites.page_requests(SITE)}
    assert agents == {"clinic-archive/0.1 (+https://example.org/crawler-contact)"}


def test_a_redirect_loop_ends_as_a_recorded_failure(own_sites):
    loop = [{"status": 301, "location": "https://frontrange-spine.test/blog/loop-b/"},
            {"status": 301, "location": "https://frontrange-spine.test/blog/loop-a/"}] * 5
    script = {"/blog/loop-a/": loop[0::2], "/blog/loop-b/": loop[1::2]}
    (own_sites.root / SITE / "_responses.json").write_text(json.dumps(script))
    index = own_sites.root / SITE / "blog" / "index.html"
    index.write_text(index.read_text().replace("</body>", '<a href="/blog/loop-a/">loop</a></body>'))
    stats = crawl_ok(own_sites)
    assert stats["failed_by"] == {"redirect loop or chain: max redirections reached": 1}
    assert stats["new"] == 7
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select kind, reason from urls where url like '%/blog/loop-a/'")
    assert row == {"kind": "error", "reason": "redirect loop or chain: max redirections reached"}


def test_a_revisit_with_nothing_due_still_reads_sitemaps_and_finds_a_new_post(own_sites):
    slug = "harbor-physio"  # no WordPress API: only robots.txt, sitemaps and feeds can tell
    sites_file = own_sites.sites_file(only=[slug])
    assert own_sites.crawl(sites_file=sites_file).returncode == 0
    blog = own_sites.root / slug / "blog"
    new_post = (blog / "dry-needling-what-to-expect.html").read_text().replace(
        "Dry Needling", "Dry Needling, Revisited").replace("dry-needling-what-to-expect", "dry-needling-revisited")
    (blog / "dry-needling-revisited.html").write_text(new_post)
    sitemap = own_sites.root / slug / "sitemap-posts.xml"
    sitemap.write_text(sitemap.read_text().replace(
        "<url>", "<url>\n    <loc>https://harbor-physio.test/blog/dry-needling-revisited</loc>\n"
                 "    <lastmod>2026-11-01</lastmod>\n  </url>\n  <url>", 1))
    logged = len(own_sites.sites[slug].log)
    result = own_sites.crawl(sites_file=sites_file)
    assert result.returncode == 0, result.stderr[-2000:]
    pages = [e.path for e in own_sites.page_requests(slug) if own_sites.sites[slug].log.index(e) >= logged]
    assert pages == ["/blog/dry-needling-revisited"]
    assert own_sites.last_stats()[slug]["new"] == 1
