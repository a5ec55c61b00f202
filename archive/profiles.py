"""Learn each site's profile from the captures the archive holds (see archive.extract.profile).

Run at the end of every crawl run for the sites it crawled, and by `reprocess` before it
re-extracts; the next extraction of the site's pages uses what was learned.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable

from archive.extract import EXTRACTOR_VERSION, extract
from archive.extract.profile import LearnedPage, SiteProfile, body_blocks, learn_profile
from archive.records import Article
from archive.store import CaptureStore, learned_sample, profile_sample, save_profile

log = logging.getLogger(__name__)
SAMPLE_PAGES = 60  # the site's most recently fetched pages; enough to see its templates repeat


def learn_site_profiles(db, captures: CaptureStore, sites: Iterable[str]) -> dict[str, SiteProfile]:
    """Learn, save and return the profile of each site, from its latest captures extracted
    without a profile (so a block the last profile dropped is still seen, and kept out).
    A site whose latest captures are those its profile was learned from is not read again."""
    learned = {}
    for site in sites:
        sample = profile_sample(db, site, SAMPLE_PAGES)
        # what is learned depends on the pages and on the extractor that reads them
        ids = ",".join(str(capture_id) for _, capture_id in sample)
        digest = hashlib.sha1(f"{EXTRACTOR_VERSION}:{ids}".encode()).hexdigest()
        if digest == learned_sample(db, site):
            continue
        row = db.execute("select extract_selectors from sites where name = ?", [site]).fetchone()
        selectors = {k: v for k, v in json.loads((row[0] if row else None) or "{}").items() if k != "hooks"}
        pages = []
        for url, capture_id in sample:
            result = extract(captures.load(capture_id).body, url, selectors)
            is_post = isinstance(result, Article)
            pages.append(LearnedPage(result.template, is_post, body_blocks(result.body_text) if is_post else ()))
        profile = learn_profile(pages)
        with db.atomic():
            save_profile(db, site, profile, digest)
        log.info("%s: profile from %s pages (%s posts): %s repeated blocks", site, profile.pages,
                 profile.posts, len(profile.boilerplate))
        learned[site] = profile
    return learned
