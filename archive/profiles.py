"""Learn each site's profile from the captures the archive holds (see archive.extract.profile).

Run at the end of every crawl run for the sites it crawled, and by `reprocess` before it
re-extracts; the next extraction of the site's pages uses what was learned.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from archive.extract import extract
from archive.extract.profile import LearnedPage, SiteProfile, body_blocks, learn_profile
from archive.records import Article
from archive.store import CaptureStore, profile_sample, save_profile

log = logging.getLogger(__name__)
SAMPLE_PAGES = 60  # the site's most recently fetched pages; enough to see its templates repeat


def learn_site_profiles(db, captures: CaptureStore, sites: Iterable[str]) -> dict[str, SiteProfile]:
    """Learn, save and return the profile of each site, from its latest captures extracted
    without a profile (so a block the last profile dropped is still seen, and kept out)."""
    learned = {}
    for site in sites:
        row = db.execute("select extract_selectors from sites where name = ?", [site]).fetchone()
        selectors = {k: v for k, v in json.loads((row[0] if row else None) or "{}").items() if k != "hooks"}
        pages = []
        for url, capture_id in profile_sample(db, site, SAMPLE_PAGES):
            result = extract(captures.load(capture_id).body, url, selectors)
            is_post = isinstance(result, Article)
            pages.append(LearnedPage(result.template, is_post, body_blocks(result.body_text) if is_post else ()))
        profile = learn_profile(pages)
        with db.atomic():
            save_profile(db, site, profile)
        log.info("%s: profile from %s pages (%s posts): %s repeated blocks", site, profile.pages,
                 profile.posts, len(profile.boilerplate))
        learned[site] = profile
    return learned
