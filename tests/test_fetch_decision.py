"""Whether a crawl requests a URL now, how, and why not: the decision alone, without Scrapy."""

from archive.store import UrlState, fetch_decision

NOW = "2026-05-10T12:00:00+00:00"


def state(kind="article", next_check="2026-05-20T00:00:00+00:00", etag='"v1"', last_modified=None,
          last_checked="2026-05-09T00:00:00+00:00", gone_since=None, listed_in=None) -> UrlState:
    return UrlState("https://clinic.test/blog/knee/", kind, 0, etag, last_modified, "sha", last_checked,
                    next_check, gone_since, listed_in)


def test_a_url_never_seen_is_fetched_plainly():
    assert fetch_decision(None, now=NOW) == fetch_decision(None, now=NOW, lastmod=NOW)
    decision = fetch_decision(None, now=NOW)
    assert (decision.fetch, decision.headers) == (True, {})


def test_a_known_page_waits_until_it_is_due_and_then_asks_conditionally():
    waiting = fetch_decision(state(), now=NOW)
    assert (waiting.fetch, waiting.reason) == (False, "not due: next check 2026-05-20T00:00:00+00:00")
    due = fetch_decision(state(next_check="2026-05-10T00:00:00+00:00", last_modified="Sat, 09 May 2026"),
                         now=NOW)
    assert due.fetch and due.headers == {"If-None-Match": '"v1"', "If-Modified-Since": "Sat, 09 May 2026"}


def test_the_listings_lastmod_overrides_due_both_ways():
    newer = fetch_decision(state(), now=NOW, lastmod="2026-05-09T08:00:00+00:00")
    assert newer.fetch and newer.headers == {"If-None-Match": '"v1"'}
    older = fetch_decision(state(next_check="2026-05-01T00:00:00+00:00"), now=NOW, lastmod="2026-05-08T00:00:00+00:00")
    assert (older.fetch, older.reason) == (False, "lastmod: 2026-05-08T00:00:00+00:00 is before the last fetch")


def test_recheck_all_fetches_every_known_page_but_never_past_the_budget():
    assert fetch_decision(state(), now=NOW, recheck_all=True).fetch
    over = fetch_decision(state(), now=NOW, recheck_all=True, budget=(50, 50))
    assert (over.fetch, over.reason) == (False, "budget: the site's max_pages (50) is reached")


def test_a_page_whose_fetch_failed_is_tried_again_without_validators():
    for kind in ("pending", "error"):
        decision = fetch_decision(state(kind=kind), now=NOW)
        assert (decision.fetch, decision.headers) == (True, {})


def test_a_page_the_run_never_met_is_checked_when_due_or_when_it_left_the_sitemap():
    listed = state(listed_in="post-sitemap")
    assert listed.recheck_unmet(NOW, recheck_all=False, sitemap_read=True) == "no longer listed by the site"
    assert listed.recheck_unmet(NOW, recheck_all=False, sitemap_read=False) is None  # no sitemap read: no news
    assert state(listed_in="feed").recheck_unmet(NOW, recheck_all=False, sitemap_read=True) is None  # feeds roll
    gone = state(listed_in="post-sitemap", gone_since="2026-05-01T00:00:00+00:00")
    assert gone.recheck_unmet(NOW, recheck_all=False, sitemap_read=True) is None  # already known gone: when due
    assert state(next_check="2026-05-01T00:00:00+00:00").recheck_unmet(NOW, False, False) == "due"
    assert state().recheck_unmet(NOW, recheck_all=True, sitemap_read=False) == "recheck-all"
    assert state(kind="sitemap").recheck_unmet(NOW, recheck_all=True, sitemap_read=True) is None  # not a page
