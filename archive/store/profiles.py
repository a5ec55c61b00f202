"""Site profiles in the archive: what each site's pages taught extraction (see archive.extract.profile)."""

from __future__ import annotations

import json

import sqlite_utils

from archive.extract.profile import SiteProfile
from archive.store.kinds import PAGES
from archive.store.write import utc_now


def save_profile(db: sqlite_utils.Database, site: str, profile: SiteProfile, sample: str) -> None:
    post_templates = [t for t in profile.templates if profile.template_posts(t)]
    db["site_profiles"].upsert({
        "site": site, "learned_at": utc_now(), "pages": profile.pages, "posts": profile.posts,
        "boilerplate_blocks": len(profile.boilerplate), "post_templates": len(post_templates),
        "profile": json.dumps(profile.to_json()), "sample": sample,
    }, pk="site")


def learned_sample(db: sqlite_utils.Database, site: str) -> str | None:
    """Which captures the site's stored profile was learned from (a digest of their ids)."""
    row = db.execute("select sample from site_profiles where site = ?", [site]).fetchone()
    return row[0] if row else None


def load_profiles(db: sqlite_utils.Database) -> dict[str, SiteProfile]:
    return {site: SiteProfile.from_json(json.loads(data))
            for site, data in db.execute("select site, profile from site_profiles")}


def profile_sample(db: sqlite_utils.Database, site: str, limit: int) -> list[tuple[str, int]]:
    """(url, capture id) of the site's most recently fetched pages that have a capture."""
    return db.execute("select url, capture_id from urls where site = ? and capture_id is not null "
                      f"and kind in ({', '.join('?' * len(PAGES))}) order by last_fetched desc, url limit ?",
                      [site, *PAGES, limit]).fetchall()
