"""The sample-site server behaves like a real host: validators, 304s, a timed request log,
scripted politeness responses and the WordPress REST posts collection."""

import json
import shutil
import time
import urllib.error
import urllib.request

import pytest

from clinic_archive.sample_sites import SAMPLES_DIR, serve_sample_sites, wordpress_posts

POST = "/blog/tennis-elbow-prp/"
POSTS_API = "/wp-json/wp/v2/posts"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):  # let tests see the 301 itself
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, **headers):
    """(status, headers, body) for a GET, whatever the status."""
    request = urllib.request.Request(url, headers={k.replace("_", "-"): v for k, v in headers.items()})
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


@pytest.fixture
def site(tmp_path):
    """The WordPress sample, served from a copy the test may change."""
    root = tmp_path / "sites"
    shutil.copytree(SAMPLES_DIR / "frontrange-spine", root / "frontrange-spine")
    with serve_sample_sites(root) as sites:
        yield sites["frontrange-spine"]


def api(site, query=""):
    status, headers, body = fetch(f"{site.origin}{POSTS_API}?{query}")
    return status, headers, json.loads(body)


def test_200_carries_validators_and_localised_body(site):
    status, headers, body = fetch(site.origin + POST)
    assert status == 200
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    mtime = (site.root / "blog/tennis-elbow-prp/index.html").stat().st_mtime
    assert headers["Last-Modified"] == time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(mtime))
    assert f'href="{site.origin}/wp-json/"' in body.decode()
    assert site.placeholder not in body.decode()


def test_if_none_match_gets_304_without_body(site):
    _, headers, _ = fetch(site.origin + POST)
    status, again, body = fetch(site.origin + POST, If_None_Match=headers["ETag"])
    assert (status, body, again["ETag"]) == (304, b"", headers["ETag"])
    assert fetch(site.origin + POST, If_None_Match='"other"')[0] == 200


def test_if_modified_since_gets_304_unless_older_than_the_file(site):
    _, headers, _ = fetch(site.origin + POST)
    assert fetch(site.origin + POST, If_Modified_Since=headers["Last-Modified"])[0] == 304
    assert fetch(site.origin + POST, If_Modified_Since="Sat, 01 Jan 2000 00:00:00 GMT")[0] == 200
    # If-None-Match decides when both are sent.
    assert fetch(site.origin + POST, If_None_Match='"other"',
                 If_Modified_Since=headers["Last-Modified"])[0] == 200


def test_editing_a_file_changes_its_etag(site):
    _, headers, _ = fetch(site.origin + POST)
    page = site.root / "blog/tennis-elbow-prp/index.html"
    page.write_text(page.read_text().replace("Tennis Elbow", "Tennis elbow"))
    status, edited, body = fetch(site.origin + POST, If_None_Match=headers["ETag"])
    assert status == 200 and b"Tennis elbow" in body
    assert edited["ETag"] != headers["ETag"]


def test_scripted_429_then_503_then_the_page(site):
    script = {POST: [{"status": 429, "retry_after": "2"}, {"status": 503}]}
    (site.root / "_responses.json").write_text(json.dumps(script))
    first, second, third = (fetch(site.origin + POST) for _ in range(3))
    assert (first[0], first[1]["Retry-After"]) == (429, "2")
    assert (second[0], second[1]["Retry-After"]) == (503, None)
    assert third[0] == 200 and b"<html" in third[2]
    assert fetch(site.origin + "/blog/")[0] == 200  # other paths are not scripted
    assert fetch(site.origin + "/_responses.json")[0] == 404


def test_scripted_redirect_sends_a_localised_location(site):
    script = {"/old-post/": [{"status": 301, "location": "https://frontrange-spine.test" + POST}]}
    (site.root / "_responses.json").write_text(json.dumps(script))
    status, headers, _ = fetch(site.origin + "/old-post/")
    assert (status, headers["Location"]) == (301, site.origin + POST)


def test_log_records_status_time_and_validators(site):
    before = time.monotonic()
    _, headers, _ = fetch(site.origin + POST, User_Agent="clinic-archive/test")
    fetch(site.origin + POST, If_None_Match=headers["ETag"], User_Agent="clinic-archive/test")
    fetch(site.origin + "/missing/")
    assert [(r.path, r.status) for r in site.log] == [(POST, 200), (POST, 304), ("/missing/", 404)]
    assert before <= site.log[0].time <= site.log[1].time <= site.log[2].time <= time.monotonic()
    assert site.log[1].if_none_match == headers["ETag"] and site.log[1].if_modified_since is None
    assert site.log[0].user_agent == "clinic-archive/test"
    assert site.requests == [POST, POST, "/missing/"]


def test_wp_index_names_the_namespace(site):
    status, headers, body = fetch(site.origin + "/wp-json/")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    index = json.loads(body)
    assert index["namespaces"] == ["wp/v2"] and index["url"] == site.origin


def test_wp_posts_lists_every_post_in_the_sitemap(site):
    status, headers, posts = api(site, "per_page=100")
    assert (status, headers["X-WP-Total"], headers["X-WP-TotalPages"]) == (200, "7", "1")
    sitemap = fetch(site.origin + "/post-sitemap.xml")[2].decode()
    assert all(f"<loc>{post['link']}</loc>" in sitemap for post in posts)
    assert all(f"<lastmod>{post['modified_gmt']}+00:00</lastmod>" in sitemap for post in posts)
    assert headers["ETag"] and fetch(site.origin + POSTS_API + "?per_page=100",
                                      If_None_Match=headers["ETag"])[0] == 304


def test_wp_posts_pages_newest_first(site):
    pages = [api(site, f"per_page=3&page={n}") for n in (1, 2, 3)]
    assert [len(posts) for _, _, posts in pages] == [3, 3, 1]
    assert {headers["X-WP-TotalPages"] for _, headers, _ in pages} == {"3"}
    dates = [post["date_gmt"] for _, _, posts in pages for post in posts]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 7
    assert len(api(site)[2]) == 7  # per_page defaults to 10


def test_wp_posts_page_past_the_end_is_wordpress_400(site):
    status, headers, error = api(site, "per_page=3&page=4")
    assert status == 400 and error["code"] == "rest_post_invalid_page_number"
    assert error["data"] == {"status": 400}
    assert api(site, "per_page=101")[2]["code"] == "rest_invalid_param"


def test_wp_posts_modified_after_and_fields(site):
    query = "per_page=100&page=1&_fields=link,modified_gmt&modified_after=2024-04-02T16:40:09"
    status, headers, posts = api(site, query)
    assert (status, headers["X-WP-Total"]) == (200, "3")  # strictly after: 2024-04-02 is out
    assert [post["modified_gmt"] for post in posts] == [
        "2025-03-04T16:22:10", "2024-08-21T13:00:37", "2024-11-05T18:12:44"]
    assert all(set(post) == {"link", "modified_gmt"} for post in posts)
    assert posts[0]["link"] == site.origin + "/blog/si-joint-pain-or-back-pain/"


def test_wp_posts_modified_after_without_an_offset_is_the_sites_local_time(site):
    # 13:00:37 UTC is 07:00:37 in the site's zone (UTC-6), as a real WordPress would read it
    def modified(after):
        return {post["modified_gmt"] for post in api(site, f"_fields=modified_gmt&modified_after={after}")[2]}

    assert "2024-08-21T13:00:37" in modified("2024-08-21T07:00:00")
    assert "2024-08-21T13:00:37" not in modified("2024-08-21T08:00:00")
    assert "2024-08-21T13:00:37" in modified("2024-08-21T13:00:00%2B00:00")
    assert "2024-08-21T13:00:37" not in modified("2024-08-21T13:01:00Z")


def test_wp_posts_nothing_modified_is_an_empty_page_not_an_error():
    status, payload, headers = wordpress_posts(
        [{"id": 1, "date_gmt": "2024-01-01T00:00:00", "modified_gmt": "2024-01-01T00:00:00"}],
        "modified_after=2024-06-01T00:00:00Z")
    assert (status, payload, headers) == (200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})


def test_every_wordpress_page_links_its_rest_api():
    pages = sorted((SAMPLES_DIR / "frontrange-spine").rglob("*.html"))
    tag = '<link rel="https://api.w.org/" href="https://frontrange-spine.test/wp-json/">'
    assert pages and [p for p in pages if tag not in p.read_text().split("</head>")[0]] == []
