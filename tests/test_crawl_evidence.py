"""What the crawl knows about a page, weighed by extraction: where the site lists it, when it changed."""

import json

import sqlite_utils

from archive import wire
from archive.archive import Archive
from archive.extract import extract
from archive.records import Capture, CrawlEvidence, PostListing
from archive.reprocess import reprocess
from archive.store import save_site
from scraper.discovery import lists_posts, parse_wp_posts

SITE = "frontrange-spine"
SLUG = "winter-stretches"
# A short post with no article markup, no date and no byline: read alone, it is not a post.
UNMARKED_POST = """<!doctype html><html><head><title>Five Stretches for Stiff Winter Mornings</title></head>
<body><main><h1>Five Stretches for Stiff Winter Mornings</h1>
<p>Cold mornings make joints feel stiff. These five gentle stretches take ten minutes and
loosen the back, hips and shoulders before the day starts.</p>
<p>Start with knee-to-chest holds, then cat-cow, then a seated twist each way. Finish with a
doorway chest stretch and calf raises. Stop if anything hurts, and call us if it keeps hurting.</p>
</main></body></html>"""


def add_unmarked_post(own_sites):
    post = own_sites.root / SITE / "blog" / SLUG / "index.html"
    post.parent.mkdir()
    post.write_text(UNMARKED_POST)
    listing = own_sites.root / SITE / "wp-json" / "wp" / "v2" / "posts.json"
    posts = json.loads(listing.read_text())
    posts.insert(0, {"id": 9001, "date_gmt": "2026-01-05T08:00:00", "modified_gmt": "2026-01-07T09:30:00",
                     "link": f"https://frontrange-spine.test/blog/{SLUG}/",
                     "title": {"rendered": "Five Stretches for Stiff Winter Mornings"}})
    listing.write_text(json.dumps(posts))


def test_a_post_the_wordpress_api_lists_is_kept_without_article_markup(own_sites):
    add_unmarked_post(own_sites)
    result = own_sites.crawl(sites_file=own_sites.sites_file(only=[SITE]))
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(own_sites.db)
    [url] = db.query("select kind, reason, listed_in, site_modified, site_modified_source from urls "
                     "where url like ?", [f"%/blog/{SLUG}/"])
    assert url["kind"] == "article", url["reason"]
    assert url["reason"].startswith("listed as a post in the site's WordPress API")
    assert (url["listed_in"], url["site_modified_source"]) == ("wp-api", "api")
    [article] = db.query("select title, modified, modified_source, modified_why from articles where url like ?",
                         [f"%/blog/{SLUG}/"])
    assert article["title"] == "Five Stretches for Stiff Winter Mornings"
    # the page shows no modified date: the API's modified_gmt is recorded, with its source
    assert (article["modified"], article["modified_source"]) == ("2026-01-07T09:30:00+00:00", "api")
    assert article["modified_why"] == "the page shows no modified date; the site's api says when it changed"
    # nor a published date: the API's date_gmt is, with its source
    [article] = db.query("select published, published_source from articles where url like ?", [f"%/blog/{SLUG}/"])
    assert (article["published"], article["published_source"]) == ("2026-01-05T08:00:00+00:00", "api")


def test_reprocess_weighs_the_evidence_the_crawl_had(own_sites):
    add_unmarked_post(own_sites)
    assert own_sites.crawl(sites_file=own_sites.sites_file(only=[SITE])).returncode == 0
    reprocess(own_sites.db)
    db = sqlite_utils.Database(own_sites.db)
    [row] = db.query("select kind from urls where url like ?", [f"%/blog/{SLUG}/"])
    assert row["kind"] == "article"


def test_sitemaps_of_posts_are_told_from_sitemaps_of_pages():
    posts = ["post-sitemap.xml", "post-sitemap2.xml", "wp-sitemap-posts-post-1.xml", "blog-posts-sitemap.xml",
             "sitemap-posts.xml", "blog-sitemap.xml.gz"]
    others = ["page-sitemap.xml", "wp-sitemap-posts-page-1.xml", "category-sitemap.xml", "sitemap_index.xml",
              "sitemap.xml", "blog-categories-sitemap.xml", "pages-sitemap.xml"]
    assert [name for name in posts + others if lists_posts(f"https://clinic.test/{name}")] == posts


def test_only_a_listing_of_posts_keeps_an_unmarked_page():
    url = f"https://clinic.test/blog/{SLUG}/"
    assert extract(UNMARKED_POST, url).kind == "other"
    assert extract(UNMARKED_POST, url, evidence=CrawlEvidence("sitemap")).kind == "other"  # lists pages too
    kept = extract(UNMARKED_POST, url, evidence=CrawlEvidence("feed"))
    assert kept.kind == "article" and kept.reason.startswith("listed as a post in the site's feed")


def test_the_pages_own_published_date_wins_over_the_apis():
    page = UNMARKED_POST.replace("</head>", '<meta property="article:published_time" content="2026-01-04">'
                                            '<meta property="og:type" content="article"></head>')
    article = extract(page, "https://clinic.test/blog/x/",
                      evidence=CrawlEvidence("wp-api", None, None, "2026-01-05T08:00:00+00:00"))
    assert (article.published.value, article.published.source) == ("2026-01-04", "meta")


def test_the_pages_own_modified_date_wins_over_the_sites_word():
    page = UNMARKED_POST.replace("</head>", '<meta property="article:modified_time" content="2026-02-01">'
                                            '<meta property="og:type" content="article"></head>')
    article = extract(page, "https://clinic.test/blog/x/",
                      evidence=CrawlEvidence("post-sitemap", "2026-03-01T00:00:00+00:00", "sitemap"))
    assert (article.modified.value, article.modified.source) == ("2026-02-01", "meta")


def test_a_fleet_message_carries_the_evidence():
    capture = Capture(url="https://clinic.test/blog/x/", final_url="https://clinic.test/blog/x/", status=200,
                      headers={}, body=b"<html></html>", fetched_at="2026-12-02T10:00:00+00:00", site="Clinic",
                      evidence=CrawlEvidence("wp-api", "2026-01-07T09:30:00+00:00", "api", "2026-01-05T08:00:00+00:00"))
    assert wire.decode(wire.encode(capture))[1] == capture


def test_a_page_read_before_the_listing_that_names_it_is_read_again(tmp_path):
    url = f"https://clinic.test/blog/{SLUG}/"
    archive = Archive.open(tmp_path / "archive.db")
    save_site(archive.db, "Clinic", ["https://clinic.test/"], ["clinic.test"])
    capture = Capture(url=url, final_url=url, status=200, headers={}, body=UNMARKED_POST.encode(),
                      fetched_at="2026-12-02T10:00:00+00:00", site="Clinic")
    assert archive.record(capture, None) == ["fetched", "other"]
    listing = PostListing(url, "Clinic", CrawlEvidence("wp-api", "2026-01-07T09:30:00+00:00", "api"))
    assert archive.record(listing, None) == ["new"]
    assert archive.record(listing, None) == []  # already a post: nothing to read again
    [row] = archive.db.query("select u.kind, u.listed_in, a.modified_source from urls u "
                             "join articles a on a.id = u.article_id where u.url = ?", [url])
    assert row == {"kind": "article", "listed_in": "wp-api", "modified_source": "api"}
    archive.close()


# One post of /wp-json/wp/v2/posts?_fields=link,date_gmt,modified_gmt,_links,_embedded&_embed=author,wp:term,
# trimmed, as WordPress 6.1 answers: terms come in the order of _links' wp:term, escaped.
API_POST = {
    "date_gmt": "2025-10-28T02:30:00", "modified_gmt": "2025-10-28T02:30:00",
    "link": "https://clinic.test/2025/10/prp-for-tennis-elbow/",
    "_links": {"wp:term": [{"taxonomy": "category", "embeddable": True}, {"taxonomy": "post_tag", "embeddable": True}]},
    "_embedded": {"author": [{"id": 2, "name": "James Leiber, DO", "slug": "jleiber"}],
                  "wp:term": [[{"id": 2, "name": "Regenerative &amp; Sports Medicine", "taxonomy": "category"}], []]},
}


def test_the_apis_author_and_terms_are_read_from_what_wordpress_embeds():
    [post] = parse_wp_posts(json.dumps([API_POST]).encode())
    assert (post.published, post.authors) == ("2025-10-28T02:30:00Z", ("James Leiber, DO",))
    assert (post.categories, post.tags) == (("Regenerative & Sports Medicine",), ())
    [bare] = parse_wp_posts(json.dumps([{"link": API_POST["link"]}]).encode())
    assert (bare.authors, bare.categories, bare.tags) == (None, None, None)  # said nothing: not "none"


def test_the_api_names_the_author_a_page_does_not_and_its_terms_win_over_a_widgets():
    page = UNMARKED_POST.replace("</main>", '</main><aside><h2>Categories</h2><a href="/category/knee/">Knee</a>'
                                            '<a href="/category/back/">Back</a></aside>')
    evidence = CrawlEvidence("wp-api", None, None, "2026-01-05T08:00:00+00:00", ("Megan Chen, PT, DPT",),
                             ("Mobility",), ())
    article = extract(page, "https://clinic.test/blog/x/", evidence=evidence)
    assert [(p.name, p.credentials) for p in article.authors] == [("Megan Chen", ["PT", "DPT"])]
    assert (article.categories, article.tags) == (["Mobility"], [])
    assert article.sources == {"authors": "api", "categories": "api"}
    assert (article.published.value, article.published.source) == ("2026-01-05T08:00:00+00:00", "api")


def test_an_admin_account_is_nobodys_byline():
    evidence = CrawlEvidence("wp-api", authors=("admin",))
    assert extract(UNMARKED_POST, "https://clinic.test/blog/x/", evidence=evidence).authors == []


def test_a_listing_that_reaches_the_archive_before_its_page_is_weighed_when_the_page_comes(tmp_path):
    # The spider yields the page's capture first, but Scrapy may hand the API listing that came
    # just after it to the writer first; the listing must not be lost.
    url = f"https://clinic.test/blog/{SLUG}/"
    archive = Archive.open(tmp_path / "archive.db")
    save_site(archive.db, "Clinic", ["https://clinic.test/"], ["clinic.test"])
    listing = PostListing(url, "Clinic", CrawlEvidence("wp-api", "2026-01-07T09:30:00+00:00", "api"))
    assert archive.record(listing, None) == []  # nothing read yet
    capture = Capture(url=url, final_url=url, status=200, headers={}, body=UNMARKED_POST.encode(),
                      fetched_at="2026-12-02T10:00:00+00:00", site="Clinic")
    assert archive.record(capture, None) == ["fetched", "new"]
    [row] = archive.db.query("select u.kind, u.listed_in, a.modified_source from urls u "
                             "join articles a on a.id = u.article_id where u.url = ?", [url])
    assert row == {"kind": "article", "listed_in": "wp-api", "modified_source": "api"}
    archive.close()
