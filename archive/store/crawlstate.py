"""Per-URL crawl state: what is pending, what each fetch found, and when to look again.

A crawl reads this state when it starts (which URLs are due, which validators to send) and
writes it in the same transaction as each capture, so a crawl killed at any point resumes
from exactly what was stored.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

from archive.extract.profile import SiteProfile
from archive.records import CrawlEvidence
from archive.store import sql
from archive.store.kinds import (
    NO_READING,
    NOT_READ,
    UNFETCHED,
    UrlKind,
    after_check,
    after_fetch_error,
    after_gone,
    after_skip,
)
from archive.store.profiles import load_profiles
from archive.store.write import utc_now

DAY = 24 * 3600
# where a site's listing of a page makes its absence from that listing news (CrawlEvidence.listed_in)
COMPLETE_LISTINGS = ("sitemap", "post-sitemap", "wp-api")


@dataclass(frozen=True)
class Recheck:
    """How long to wait before fetching a page again: `least` after a change, doubling each
    time the page is found unchanged, up to `most`."""

    least: int = DAY
    most: int = 30 * DAY

    def next_interval(self, previous: int | None, unchanged: bool) -> int:
        if not unchanged or not previous:
            return self.least
        return min(self.most, max(self.least, previous * 2))


@dataclass(frozen=True)
class UrlState:
    url: str
    kind: str
    depth: int | None
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    last_checked: str | None
    next_check: str | None
    gone_since: str | None
    listed_in: str | None = None  # the strongest listing the site ever gave it (CrawlEvidence)
    evidence: CrawlEvidence | None = None  # all that earlier crawls learned of it (stored_evidence)

    @property
    def pending(self) -> bool:
        """Discovered but never fetched well: a crawl killed before reaching it, or a failed
        fetch, is tried again by the next crawl."""
        return self.kind in UNFETCHED

    def due(self, now: str) -> bool:
        return self.next_check is None or self.next_check <= now

    def recheck_unmet(self, now: str, recheck_all: bool, sitemap_read: bool) -> str | None:
        """Why a page the archive has read, and this run met in no sitemap, feed, API listing or
        link, should be fetched anyway; None if it should not. A page once listed by a sitemap
        or the WordPress API and missing from this run's sitemap was probably removed: checked
        now, not when due, so a deleted post is marked gone on the next run.

        >>> page = UrlState("https://c.test/p/", "article", 0, None, None, None, None, "2026-02-01", None, "wp-api")
        >>> page.recheck_unmet("2026-01-02", False, sitemap_read=True)
        'no longer listed by the site'
        >>> page.recheck_unmet("2026-01-02", False, sitemap_read=False) is None
        True
        """
        if self.kind in NOT_READ:
            return None
        if recheck_all:
            return "recheck-all"
        if self.due(now):
            return "due"
        if sitemap_read and not self.gone_since and self.listed_in in COMPLETE_LISTINGS:
            return "no longer listed by the site"
        return None


@dataclass(frozen=True)
class SitePlan:
    """What the archive knows of a site, for a crawl to plan its run from: each known URL's
    state, when the site was last crawled (the WordPress API's modified_after) and the API
    root an earlier run found."""

    url_state: dict[str, UrlState] = dataclasses.field(default_factory=dict)
    last_crawled: str | None = None
    wp_api: str | None = None
    profile: SiteProfile | None = None  # what the site's pages taught extraction (archive.extract.profile)


@dataclass(frozen=True)
class FetchDecision:
    """Whether to request a URL found in this run now; if not, why; if so, with which
    conditional-GET validators."""

    fetch: bool
    reason: str | None = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


def fetch_decision(state: UrlState | None, *, now: str, lastmod: str | None = None, recheck_all: bool = False,
                   budget: tuple[int, int] = (0, 1)) -> FetchDecision:
    """The decision for a URL a sitemap, feed, API listing or link gave this run: `state` is
    what the archive knows of it (None: nothing), `lastmod` what the listing says (UTC ISO),
    `budget` the pages requested so far and the site's max_pages.

    >>> known = UrlState("https://c.test/p/", "article", 0, '"v1"', None, None, "2026-05-01T00:00:00+00:00",
    ...                  "2026-05-02T00:00:00+00:00", None)
    >>> fetch_decision(known, now="2026-05-01T12:00:00+00:00").reason
    'not due: next check 2026-05-02T00:00:00+00:00'
    >>> fetch_decision(known, now="2026-05-01T12:00:00+00:00", lastmod="2026-05-01T06:00:00+00:00").headers
    {'If-None-Match': '"v1"'}
    """
    known = state is not None and not state.pending and state.kind not in (UrlKind.ERROR, UrlKind.SKIPPED)
    # in the same second as the last fetch is no proof the fetch saw the change: asked again
    if known and not recheck_all and lastmod and state.last_checked and lastmod < state.last_checked:
        return FetchDecision(False, f"lastmod: {lastmod} is before the last fetch")
    if known and not recheck_all and not lastmod and not state.due(now):
        return FetchDecision(False, f"not due: next check {state.next_check}")
    if budget[0] >= budget[1]:
        return FetchDecision(False, f"budget: the site's max_pages ({budget[1]}) is reached")
    return FetchDecision(True, headers=validators(state))


def _stored_validators(headers: dict[str, str]) -> dict[str, str | None]:
    """The urls columns a response's ETag and Last-Modified go to; validators() sends them back."""
    lowered = {k.lower(): v for k, v in headers.items()}
    return {"etag": lowered.get("etag"), "last_modified": lowered.get("last-modified")}


def validators(state: UrlState | None) -> dict[str, str]:
    """Conditional-GET headers from what the last fetch of the URL answered."""
    if state is None or state.pending:
        return {}
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def site_plan(db: sqlite_utils.Database, site: str) -> SitePlan:
    row = db.execute("select last_crawled, wp_api from sites where name = ?", [site]).fetchone()
    return SitePlan(crawl_state(db, site), *(row or (None, None)), load_profiles(db).get(site))


def reads_as_before(kind: str | None, stored_sha256: str | None, stored: CrawlEvidence | None,
                    evidence: CrawlEvidence | None, sha256: str) -> bool:
    """Whether a page fetched again with body hash `sha256` reads as the stored reading did,
    so there is nothing to extract: the same bytes, unless the site now lists as a post what
    was not read as one. `kind`, `stored_sha256` and `stored` are what the archive holds of it.

    >>> listed = CrawlEvidence(listed_in="wp-api")
    >>> reads_as_before("article", "ab", None, listed, "ab"), reads_as_before("other", "ab", None, listed, "ab")
    (True, False)
    """
    if kind is None or kind in NO_READING or stored_sha256 != sha256:
        return False
    newly_listed = bool(evidence and evidence != stored and evidence.listed_as_post and kind != UrlKind.ARTICLE)
    return not newly_listed


def _stored_kind(row: tuple | None, column: int) -> str | None:
    """A urls row's kind as the kinds.after_* transitions take it: None when there is no row
    (a row without a kind is a kind none of them name)."""
    return None if row is None else row[column] or ""


def crawl_state(db: sqlite_utils.Database, site: str) -> dict[str, UrlState]:
    rows = db.execute(
        "select url, kind, depth, etag, last_modified, content_sha256, last_checked, next_check, gone_since, "
        f"{', '.join(EVIDENCE_COLUMNS)} from urls where site = ?", [site])
    return {row[0]: UrlState(*row[:10], evidence=evidence_from_row(row[9:])) for row in rows}


def add_pending(db: sqlite_utils.Database, site: str, urls: list[str], depth: int, run_id: int | None) -> None:
    """Remember URLs a page links to, so a resumed crawl fetches them; known URLs stay as they are."""
    now = utc_now()
    sql.insert_many(db, "urls", ({"url": url, "site": site, "kind": UrlKind.PENDING, "depth": depth,
                                  "first_seen": now, "run_id": run_id} for url in urls), ignore=True)


def record_check(db: sqlite_utils.Database, url: str, site: str, *, unchanged: bool,
                 headers: dict[str, str] | None, sha256: str | None, recheck: Recheck,
                 requested_url: str | None = None, run_id: int | None = None) -> None:
    """After a fetch or a 304: validators, content hash, and the next time the page is due."""
    row = db.execute("select check_interval, unchanged_checks, kind from urls where url = ?", [url]).fetchone()
    previous_interval, unchanged_checks, _ = (row or (None, 0, None))
    interval = recheck.next_interval(previous_interval, unchanged)
    now = datetime.now(UTC)
    update = {
        "url": url, "site": site, "last_checked": now.isoformat(timespec="seconds"),
        "next_check": (now + timedelta(seconds=interval)).isoformat(timespec="seconds"),
        "check_interval": interval, "unchanged_checks": (unchanged_checks or 0) + 1 if unchanged else 0,
        "gone_since": None, "last_outcome": "unchanged" if unchanged else "fetched",
    }
    if headers is not None:
        update.update(_stored_validators(headers))
    if sha256 is not None:
        update["content_sha256"] = sha256
    if new_kind := after_check(_stored_kind(row, 2)):
        update.update(kind=new_kind, first_seen=update["last_checked"], run_id=run_id)
    sql.upsert(db, "urls", update, pk="url")
    db.execute("update articles set gone_since = null where id = (select article_id from urls where url = ?)",
               [url])
    if requested_url and requested_url != url:
        sql.upsert(db, "urls", {
            "url": requested_url, "site": site, "kind": UrlKind.REDIRECT, "reason": f"redirects to {url}",
            "last_checked": update["last_checked"], "next_check": update["next_check"],
            "check_interval": interval, "last_outcome": "redirected", "run_id": run_id,
        }, pk="url")


def record_gone(db: sqlite_utils.Database, url: str, site: str, status: int, run_id: int | None,
                recheck: Recheck) -> None:
    """A 404 or 410: the URL and its article are marked gone, never deleted."""
    now = utc_now()
    row = db.execute("select gone_since, check_interval, kind from urls where url = ?", [url]).fetchone()
    since = (row[0] if row and row[0] else None) or now
    interval = recheck.next_interval(row[1] if row else None, unchanged=True)
    next_check = (datetime.now(UTC) + timedelta(seconds=interval)).isoformat(timespec="seconds")
    update = {"url": url, "site": site, "gone_since": since, "status": status, "last_checked": now,
              "next_check": next_check, "check_interval": interval, "last_outcome": f"gone: HTTP {status}",
              "run_id": run_id}
    if new_kind := after_gone(_stored_kind(row, 2)):
        update.update(kind=new_kind, first_seen=now, reason=f"HTTP {status}")
    db["urls"].upsert(update, pk="url")
    db.execute("update articles set gone_since = coalesce(gone_since, ?) "
               "where id = (select article_id from urls where url = ?)", [since, url])


def record_skip(db: sqlite_utils.Database, url: str, site: str, reason: str, run_id: int | None) -> None:
    """A URL deliberately not fetched (robots.txt, budget): known URLs keep their kind and article."""
    now = utc_now()
    row = db.execute("select kind from urls where url = ?", [url]).fetchone()
    new_kind = after_skip(_stored_kind(row, 0))
    if row and not new_kind:
        db["urls"].update(url, {"last_outcome": f"skipped: {reason}", "run_id": run_id})
    elif row:
        db["urls"].update(url, {"kind": new_kind, "reason": reason, "last_outcome": f"skipped: {reason}",
                                "run_id": run_id})
    else:
        db["urls"].insert({"url": url, "site": site, "kind": new_kind, "reason": reason, "status": 0,
                           "first_seen": now, "last_outcome": f"skipped: {reason}", "run_id": run_id})


def record_fetch_error(db: sqlite_utils.Database, run_id: int | None, site: str, url: str,
                       status: int | None, reason: str, capture_id: int | None = None) -> None:
    """One failed fetch in one run; the URL row keeps its last good state and gets the reason.
    `capture_id`: a response that was kept but could not be read (over the extraction budget),
    for `reprocess` to read later."""
    now = utc_now()
    db["fetch_errors"].insert({"run_id": run_id, "site": site, "url": url, "status": status,
                               "reason": reason, "at": now})
    row = db.execute("select kind from urls where url = ?", [url]).fetchone()
    new_kind = after_fetch_error(_stored_kind(row, 0))
    if row and not new_kind:
        db["urls"].update(url, {"last_outcome": f"error: {reason}", "last_checked": now, "run_id": run_id})
    elif row:  # never fetched well: an error, which the next crawl tries again
        db["urls"].update(url, {"kind": new_kind, "reason": reason, "status": status or 0,
                                "last_outcome": f"error: {reason}", "last_checked": now, "run_id": run_id})
    else:
        db["urls"].insert({"url": url, "site": site, "kind": new_kind, "reason": reason, "status": status or 0,
                           "first_seen": now, "last_checked": now, "last_outcome": f"error: {reason}",
                           "run_id": run_id})
    if capture_id is not None:
        db["urls"].update(url, {"capture_id": capture_id})


def record_discovery_document(db: sqlite_utils.Database, url: str, site: str, kind: str,
                              run_id: int | None, headers: dict[str, str] | None = None) -> None:
    """A sitemap or feed read this run: kept in urls so the next crawl starts from it too,
    with its validators; `headers` None is a 304, which keeps the stored ones."""
    now = utc_now()
    row = db.execute("select 1 from urls where url = ?", [url]).fetchone()
    update = {"url": url, "site": site, "kind": kind, "reason": f"a {kind}, read for links", "status": 200,
              "last_checked": now, "last_outcome": "read for links" if headers is not None else "unchanged",
              "run_id": run_id}
    if headers is not None:
        update.update(_stored_validators(headers))
    if row is None:
        update["first_seen"] = now
    db["urls"].upsert(update, pk="url")


# urls columns holding a CrawlEvidence, in its fields' order; the lists are JSON
EVIDENCE_COLUMNS = ("listed_in", "site_modified", "site_modified_source", "site_published", "site_authors",
                    "site_categories", "site_tags")
_LISTS = ("authors", "categories", "tags")


def stored_evidence(db: sqlite_utils.Database, url: str) -> CrawlEvidence | None:
    """What earlier crawls learned of where the site lists `url` (see CrawlEvidence)."""
    row = db.execute(f"select {', '.join(EVIDENCE_COLUMNS)} from urls where url = ?", [url]).fetchone()
    return evidence_from_row(row) if row else None


def evidence_from_row(row) -> CrawlEvidence | None:
    """A CrawlEvidence from the EVIDENCE_COLUMNS of a urls row; None when all are empty."""
    if not any(row):
        return None
    fields = dict(zip(dataclasses.fields(CrawlEvidence), row))
    return CrawlEvidence.from_dict({f.name: json.loads(v) if f.name in _LISTS and v is not None else v
                                    for f, v in fields.items()})


def record_evidence(db: sqlite_utils.Database, url: str, evidence: CrawlEvidence | None) -> None:
    """Keep the evidence extraction weighed for `url`, so `reprocess` weighs the same."""
    if evidence is not None:
        values = [json.dumps(v) if isinstance(v, tuple) else v for v in dataclasses.astuple(evidence)]
        sql.update(db, "urls", url, dict(zip(EVIDENCE_COLUMNS, values)), pk="url")
