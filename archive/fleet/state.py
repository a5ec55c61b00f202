"""Crawl state through Redis: the ingester publishes what the archive knows about each URL,
and crawlers, which have no archive, plan their run from it."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import sqlite_utils

from archive.extract.profile import SiteProfile
from archive.fleet.keys import FleetKeys
from archive.records import CrawlEvidence
from archive.store import SitePlan, UrlState, crawl_state, load_profiles

CHUNK = 1000


def publish_state(redis, keys: FleetKeys, db: sqlite_utils.Database) -> int:
    """Replace the published state with the archive's; returns the number of URLs published."""
    published = 0
    profiles = load_profiles(db)
    for name, last_crawled, wp_api in db.execute("select name, last_crawled, wp_api from sites").fetchall():
        state = crawl_state(db, name)
        pipe = redis.pipeline(transaction=True)  # a crawler reads all of a site's state or none of it
        pipe.delete(keys.url_state(name))
        rows = [(url, json.dumps(dataclasses.astuple(value))) for url, value in state.items()]
        for start in range(0, len(rows), CHUNK):
            pipe.hset(keys.url_state(name), mapping=dict(rows[start:start + CHUNK]))
        profile = profiles.get(name)
        pipe.hset(keys.sites, name, json.dumps({"last_crawled": last_crawled, "wp_api": wp_api,
                                                "profile": profile.to_json() if profile else None}))
        pipe.execute()
        published += len(rows)
    redis.set(keys.published, datetime.now(UTC).isoformat(timespec="seconds"))
    return published


def load_state(redis, keys: FleetKeys, site: str) -> SitePlan | None:
    """The published plan of a site, or None if none was published."""
    pipe = redis.pipeline(transaction=True)
    pipe.hget(keys.sites, site)
    pipe.hgetall(keys.url_state(site))
    site_row, rows = pipe.execute()
    if site_row is None:
        return None
    info = json.loads(site_row)
    states = {url.decode(): _url_state(json.loads(value)) for url, value in rows.items()}
    return SitePlan(states, info.get("last_crawled"), info.get("wp_api"), SiteProfile.from_json(info.get("profile")))


def _url_state(values: list) -> UrlState:
    """A UrlState from astuple() after JSON: its evidence comes back as a list of its fields."""
    *fields, evidence = values
    if evidence is not None:
        evidence = CrawlEvidence.from_dict(dict(zip((f.name for f in dataclasses.fields(CrawlEvidence)), evidence)))
    return UrlState(*fields, evidence=evidence)
