"""Politeness: Crawl-delay and a site's delay hold per host; Retry-After is waited for."""

import json

import sqlite_utils

SITE = "harbor-physio"


def gaps(entries):
    times = [e.time for e in entries]
    return [b - a for a, b in zip(times, times[1:])]


def test_crawl_delay_in_robots_txt_spaces_requests_to_that_host(own_sites):
    robots = own_sites.root / SITE / "robots.txt"
    robots.write_text("User-agent: *\nCrawl-delay: 1\n" + robots.read_text().split("\n", 1)[1])
    extra = {SITE: "max_pages = 4\n"}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]))  # DOWNLOAD_DELAY=0
    assert result.returncode == 0, result.stderr[-2000:]
    pages = own_sites.page_requests(SITE)
    assert len(pages) == 4
    assert min(gaps(pages)) >= 0.9


def test_a_site_delay_spaces_requests_without_any_crawl_delay(own_sites):
    extra = {SITE: "max_pages = 4\ndelay = 0.7\n"}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert min(gaps(own_sites.page_requests(SITE))) >= 0.6


def test_a_site_delay_of_zero_is_not_raised_to_the_default_by_autothrottle(own_sites):
    # AutoThrottle on, DOWNLOAD_DELAY at its default of 1 s: the site's own delay is the floor
    extra = {SITE: "max_pages = 6\ndelay = 0\n"}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[SITE]), fast=False)
    assert result.returncode == 0, result.stderr[-2000:]
    pages = own_sites.page_requests(SITE)
    assert len(pages) == 6
    assert sum(gaps(pages)) < 2.0  # 1 s apart would be 5 s


def test_retry_after_on_429_is_waited_for_then_the_page_is_fetched(own_sites):
    (own_sites.root / SITE / "_responses.json").write_text(
        json.dumps({"/blog": [{"status": 429, "retry_after": "2"}]}))
    result = own_sites.crawl(sites_file=own_sites.sites_file(only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    blog = [e for e in own_sites.sites[SITE].log if e.path == "/blog"]
    assert [e.status for e in blog] == [429, 200]
    assert blog[1].time - blog[0].time >= 1.9
    assert own_sites.last_stats()[SITE]["new"] == 8


def test_retry_after_longer_than_the_limit_is_recorded_as_a_failure(own_sites):
    post = "/blog/dry-needling-what-to-expect"
    (own_sites.root / SITE / "_responses.json").write_text(
        json.dumps({post: [{"status": 503, "retry_after": "7200"}]}))
    result = own_sites.crawl(sites_file=own_sites.sites_file(only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    assert [e.status for e in own_sites.sites[SITE].log if e.path == post] == [503]
    db = sqlite_utils.Database(own_sites.db)
    [error] = db.query("select status, reason from fetch_errors where url like ?", [f"%{post}"])
    assert error == {"status": 503, "reason": "HTTP 503 (asked to retry after 7200 s)"}
    stats = own_sites.last_stats()[SITE]
    assert stats["failed_by"] == {"HTTP 503 (asked to retry after 7200 s)": 1}


def test_robots_txt_holds_for_every_request_that_waited_for_it(own_sites):
    """Requests that arrive together, before robots.txt is read, all wait for it and obey it.

    (Scrapy 2.13+ handed the parsed file only to the first of them; the rest went unchecked.)"""
    origin = own_sites.sites[SITE].origin
    disallowed = ["/members/", "/members/a", "/config", "/search?q=knee", "/account/settings"]
    start = [f"{origin}/blog", *(origin + path for path in disallowed)]
    sites_file = own_sites.tmp / "together.toml"
    sites_file.write_text(f'[[site]]\nname = "{SITE}"\nstart_urls = {json.dumps(start)}\nmax_depth = 0\n')
    result = own_sites.crawl(sites_file=sites_file)
    assert result.returncode == 0, result.stderr[-2000:]
    requested = [entry.path for entry in own_sites.sites[SITE].log]
    assert "/blog" in requested
    assert not [path for path in requested if path in disallowed]
    db = sqlite_utils.Database(own_sites.db)
    skipped = {row["url"] for row in db.query("select url from urls where reason like 'robots%'")}
    assert len(skipped) == len(disallowed)
