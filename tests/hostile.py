"""An archive holding a post from a compromised clinic site, built by the real ingest code.

tests/pages/hostile-post-v1.html and -v2.html carry script payloads in the title, the author's
name, the body and the references; each payload sets window.__pwned if it ever runs. v2 edits
a few body words and one reference, so the article has two versions and a word diff. A normal
post from the bundled sample sites sits beside it, so a search for "cartilage" finds both.
"""

from __future__ import annotations

from pathlib import Path

from archive import Archive, Capture
from archive.store import finish_run, save_site, start_run
from clinic_archive.sample_sites import SAMPLES_DIR

PAGES = Path(__file__).resolve().parent / "pages"
HOSTILE_SITE = "Hostile Clinic"
HOSTILE_URL = "https://hostile-clinic.test/blog/knee-cartilage-repair/"
NORMAL_SITE = "Front Range Spine"
NORMAL_URL = "https://frontrange-spine.test/blog/prp-vs-cortisone-knee-osteoarthritis/"
NORMAL_PAGE = SAMPLES_DIR / "frontrange-spine" / "blog" / "prp-vs-cortisone-knee-osteoarthritis" / "index.html"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def _capture(url: str, body: bytes, fetched_at: str, site: str, run_id: int) -> Capture:
    return Capture(url=url, final_url=url, status=200, headers=HTML, body=body,
                   fetched_at=fetched_at, site=site, run_id=run_id)


def build_hostile_archive(db_path: str | Path) -> str:
    """Ingest the hostile post twice (v1, then the edited v2) and one normal post.

    Returns the hostile article's id. Captures go to the store beside db_path
    (archive.db -> archive.captures.db), as a crawl would put them.
    """
    archive = Archive.open(db_path)
    try:
        save_site(archive.db, HOSTILE_SITE, ["https://hostile-clinic.test/blog/"], ["hostile-clinic.test"])
        save_site(archive.db, NORMAL_SITE, ["https://frontrange-spine.test/blog/"], ["frontrange-spine.test"])
        # Two runs, as two crawls would leave them, so the health page has runs to chart.
        first = start_run(archive.db, [NORMAL_SITE, HOSTILE_SITE])
        outcomes = [
            archive.ingest(_capture(NORMAL_URL, NORMAL_PAGE.read_bytes(), "2026-01-05T09:00:00+00:00",
                                    NORMAL_SITE, first)),
            archive.ingest(_capture(HOSTILE_URL, (PAGES / "hostile-post-v1.html").read_bytes(),
                                    "2026-01-05T10:00:00+00:00", HOSTILE_SITE, first)),
        ]
        finish_run(archive.db, first, "finished", {NORMAL_SITE: {"fetched": 1, "new": 1},
                                                   HOSTILE_SITE: {"fetched": 1, "new": 1}})
        second = start_run(archive.db, [HOSTILE_SITE])
        outcomes.append(archive.ingest(_capture(HOSTILE_URL, (PAGES / "hostile-post-v2.html").read_bytes(),
                                                "2026-01-12T10:00:00+00:00", HOSTILE_SITE, second)))
        finish_run(archive.db, second, "finished", {HOSTILE_SITE: {"fetched": 1, "changed": 1}})
        # A page the extractor stopped reading as a post would leave these tests proving nothing.
        assert outcomes == ["new", "new", "changed"], outcomes
        [(article_id,)] = archive.db.execute("select article_id from urls where url = ?", [HOSTILE_URL]).fetchall()
    finally:
        archive.close()
    return article_id
