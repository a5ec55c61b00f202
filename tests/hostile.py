"""An archive holding a post from a compromised clinic site, built by the real ingest code.

tests/pages/hostile-post.html carries script payloads in the title, the author's name, the
body and the references; each payload sets window.__pwned if it ever runs. Version 2 is the
same page with the edits in EDITS (a modified date, a few body words and one reference), so
the article has two versions and a word diff. A normal
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
EDITS = [  # what the clinic changed between the two fetches
    ("2025-11-20T16:30:00+00:00", "2025-12-08T11:15:00+00:00"),
    ("heals slowly, if at all", "heals very slowly, and often not at all"),
    ("to show that text stays text", "to prove that text always stays text"),
    ("2021;13(1 suppl):364S-375S.", "2021;13(1_suppl):364S-375S. Epub 2020 Jun 17."),
]


def hostile_versions() -> tuple[bytes, bytes]:
    """The hostile post as first fetched, and after the clinic's edits."""
    first = (PAGES / "hostile-post.html").read_text(encoding="utf-8")
    second = first
    for old, new in EDITS:
        assert old in second, old  # an edit that no longer applies would leave one version
        second = second.replace(old, new)
    return first.encode(), second.encode()


def _capture(url: str, body: bytes, fetched_at: str, site: str, run_id: int) -> Capture:
    return Capture(url=url, final_url=url, status=200, headers=HTML, body=body,
                   fetched_at=fetched_at, site=site, run_id=run_id)


def build_hostile_archive(db_path: str | Path) -> str:
    """Ingest the hostile post twice (as first fetched, then edited) and one normal post.

    Returns the hostile article's id. Captures go to the store beside db_path
    (archive.db -> archive.captures.db), as a crawl would put them.
    """
    first_html, second_html = hostile_versions()
    archive = Archive.open(db_path)
    try:
        save_site(archive.db, HOSTILE_SITE, ["https://hostile-clinic.test/blog/"], ["hostile-clinic.test"])
        save_site(archive.db, NORMAL_SITE, ["https://frontrange-spine.test/blog/"], ["frontrange-spine.test"])
        # Two runs, as two crawls would leave them, so the health page has runs to chart.
        first = start_run(archive.db, [NORMAL_SITE, HOSTILE_SITE])
        outcomes = [
            archive.ingest(_capture(NORMAL_URL, NORMAL_PAGE.read_bytes(), "2026-01-05T09:00:00+00:00",
                                    NORMAL_SITE, first)),
            archive.ingest(_capture(HOSTILE_URL, first_html,
                                    "2026-01-05T10:00:00+00:00", HOSTILE_SITE, first)),
        ]
        finish_run(archive.db, first, "finished", {NORMAL_SITE: {"fetched": 1, "new": 1},
                                                   HOSTILE_SITE: {"fetched": 1, "new": 1}})
        second = start_run(archive.db, [HOSTILE_SITE])
        outcomes.append(archive.ingest(_capture(HOSTILE_URL, second_html,
                                                "2026-01-12T10:00:00+00:00", HOSTILE_SITE, second)))
        finish_run(archive.db, second, "finished", {HOSTILE_SITE: {"fetched": 1, "changed": 1}})
        # A page the extractor stopped reading as a post would leave these tests proving nothing.
        assert outcomes == ["new", "new", "changed"], outcomes
        [(article_id,)] = archive.db.execute("select article_id from urls where url = ?", [HOSTILE_URL]).fetchall()
    finally:
        archive.close()
    return article_id
