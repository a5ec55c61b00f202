"""How the crawler does on a real WordPress (Debian's package), per theme.

For the block theme (twentytwentythree) and the classic one (twentytwentyone), starts the
private stack of tests/wordpress.py (MariaDB, php-fpm, nginx on 127.0.0.1, 42 clinic posts
whose authors, UTC dates, categories and tags are known), crawls it into a fresh archive with
`clinic-archive crawl` (politeness delay off), and compares the archive with WordPress's own
data. Then it edits 3 posts, trashes 1, publishes 1 and runs a plain revisit crawl (no
--recheck-all, as cron would), and one more with nothing changed. Requests are counted from
nginx's access log.

    PYTHONPATH=. .venv/bin/python bench/wordpress.py [--theme twentytwentyone]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run from anywhere: the repo (and its tests/ helpers), not bench/, first

from tests import wordpress_content as content  # noqa: E402
from tests.wordpress import THEMES, WordPress, install_hint, missing_parts  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=ERROR"]
EDITED, TRASHED = [5, 17, 30], 22  # indexes into the 42 posts


def crawl(wp: WordPress, tmp: Path) -> tuple[list[dict], float]:
    """One `clinic-archive crawl`; returns the requests nginx answered for it, and seconds."""
    sites = tmp / "sites.toml"
    sites.write_text(f'[[site]]\nname = "riverbend"\nstart_urls = ["{wp.origin}/"]\ndelay = 0\n')
    before = len(wp.access_log())
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", str(sites),
                           "--db", str(tmp / "archive.db"), *FAST], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"crawl failed ({done.returncode}): {done.stderr[-3000:]}")
    return wp.access_log()[before:], time.perf_counter() - start


def articles(tmp: Path) -> list[dict]:
    db = sqlite3.connect(tmp / "archive.db")
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute(
        "select a.*, (select count(*) from article_versions v where v.article_id = a.id) as versions "
        "from articles a")]
    db.close()
    return rows


def by_post_url(rows: list[dict]) -> dict[str, dict]:
    """Articles keyed by the post URL they stand for (canonical, else the fetched URL sans query)."""
    return {(r["canonical_url"] or r["url"].split("?")[0]): r for r in rows}


def same_moment(published: str | None, date_gmt: str) -> bool:
    """A timestamp is the same instant as WordPress's date_gmt; a bare day is the day the site
    shows, in its own zone (content.TIMEZONE)."""
    if not published:
        return False
    gmt = datetime.fromisoformat(date_gmt).replace(tzinfo=UTC)
    if "T" not in published:
        return published == gmt.astimezone(ZoneInfo(content.TIMEZONE)).date().isoformat()
    moment = datetime.fromisoformat(published)
    return moment.tzinfo is not None and moment == gmt


def is_feed(path: str) -> bool:
    return "/feed/" in path or path.split("?")[0].endswith("/feed") or "feed=" in path


def first_crawl_figures(wp: WordPress, rows: list[dict], requests: list[dict], seconds: float) -> dict:
    found = by_post_url(rows)
    posts = wp.posts
    hits = [(p, found[p["url"]]) for p in posts if p["url"] in found]
    n = len(posts)

    def count(check) -> str:
        return f"{sum(1 for p, r in hits if check(p, r))}/{n}"

    wanted = {p["url"] for p in posts}
    return {
        "posts archived": f"{len(hits)}/{n}",
        "pages/listings archived": str(sum(1 for url in found if url not in wanted)),
        "article url is ?replytocom=": str(sum(1 for r in rows if "replytocom=" in r["url"])),
        "versions beyond 1 (no edit yet)": str(sum(r["versions"] - 1 for r in rows)),
        "title right": count(lambda p, r: (r["title"] or "").replace("\u2019", "'") == p["title"]),
        "author = display name": count(lambda p, r: json.loads(r["authors"] or "[]")
                                       == [content.author_name(p["author"])]),
        "published = date_gmt": count(lambda p, r: same_moment(r["published"], p["date_gmt"])),
        "categories exact": count(lambda p, r: sorted(json.loads(r["categories"] or "[]"))
                                  == sorted(p["categories"])),
        "tags exact": count(lambda p, r: sorted(json.loads(r["tags"] or "[]")) == sorted(p["tags"])),
        "requests": str(len(requests)),
        "requests per article": f"{len(requests) / max(len(hits), 1):.1f}",
        "feeds read": str(sum(1 for e in requests if is_feed(e["path"]))),
        "first crawl seconds": f"{seconds:.1f}",
    }


def revisit_figures(wp: WordPress, tmp: Path, before: list[dict]) -> dict:
    edited = [wp.posts[i] for i in EDITED]
    trashed = wp.posts[TRASHED]
    for post in edited:
        wp.edit_post(post["url"], "Update: our clinic now offers evening appointments for this treatment.")
    wp.trash_post(trashed["url"])
    added = wp.add_post(content.new_post())
    trashed_status = _status(wp, trashed["url"])
    requests, seconds = crawl(wp, tmp)
    old, now = by_post_url(before), by_post_url(articles(tmp))
    new_versions = sum(1 for p in edited if p["url"] in now and now[p["url"]]["versions"] > old[p["url"]]["versions"])
    untouched = [url for url in old if url not in {p["url"] for p in edited} | {trashed["url"]}]
    quiet, _ = crawl(wp, tmp)  # and once more, with nothing changed
    return {
        "edited: new version": f"{new_versions}/3",
        "unchanged posts: new version": str(sum(1 for url in untouched if now[url]["versions"] > old[url]["versions"])),
        "new post archived": f"{int(added['url'] in now)}/1",
        "trashed post answers HTTP": str(trashed_status),
        "trashed marked gone": f"{int(bool(now.get(trashed['url'], {}).get('gone_since')))}/1",
        "revisit requests": str(len(requests)),
        "revisit feeds": str(sum(1 for e in requests if is_feed(e["path"]))),
        "revisit 304s": str(sum(1 for e in requests if e["status"] == 304)),
        "revisit seconds": f"{seconds:.1f}",
        "revisit, nothing changed: requests": str(len(quiet)),
        "revisit, nothing changed: 304s": str(sum(1 for e in quiet if e["status"] == 304)),
    }


def _status(wp: WordPress, url: str) -> int:
    """What WordPress answers for a URL now (no redirects followed), outside the crawl's count."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    try:
        return urllib.request.build_opener(NoRedirect).open(url).status
    except urllib.error.HTTPError as err:
        return err.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--theme", choices=THEMES, action="append", help="default: both")
    themes = parser.parse_args().theme or THEMES
    if missing_parts():
        sys.exit(f"missing {', '.join(missing_parts())}; run: {install_hint()}")
    columns: dict[str, dict] = {}
    for theme in themes:
        with WordPress(theme=theme) as wp, tempfile.TemporaryDirectory() as tmp:
            requests, seconds = crawl(wp, Path(tmp))
            rows = articles(Path(tmp))
            columns[theme] = {"startup seconds": f"{wp.startup_seconds:.1f}",
                              **first_crawl_figures(wp, rows, requests, seconds),
                              **revisit_figures(wp, Path(tmp), rows)}
    print(f"WordPress {_wp_version()} (Debian), {len(content.TOPICS)} posts, 2 pages; crawl delay 0")
    names = list(next(iter(columns.values())))
    print(f"{'':34}" + "".join(f"{t:>20}" for t in columns))
    for name in names:
        print(f"{name:34}" + "".join(f"{columns[t].get(name, '-'):>20}" for t in columns))


def _wp_version() -> str:
    text = Path("/usr/share/wordpress/wp-includes/version.php").read_text()
    return text.split("$wp_version = '")[1].split("'")[0]


if __name__ == "__main__":
    main()
