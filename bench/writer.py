"""The single writer alone: pre-extracted records stored the way a crawl's writer stores them.

Real sample posts are copied under distinct URLs with their paragraphs' words redrawn (so
copies are not duplicates) and extracted once, outside the timed part. The timed part is
what Archive.ingest does after extract(): capture, article, url, evidence, check, pending
links, marking the article for duplicate grouping (with the signature its worker made),
through ArchiveWriter so its batching counts, and settling its duplicate groups at each
commit. Then, for the next run of new articles, the groups kept as they come against a
full rebuild over the archive (what every crawl ended with before).

    .venv/bin/python bench/writer.py [--records 1000] [--new 100] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run from anywhere: the repo, not bench/, first

from archive.duplicates import body_signature, rebuild_duplicate_groups  # noqa: E402
from archive.extract import extract  # noqa: E402
from archive.records import Article, Capture  # noqa: E402
from archive.runs import ArchiveWriter, SiteSettings  # noqa: E402
from archive.store import (  # noqa: E402
    Fetch,
    add_pending,
    mark_for_grouping,
    record_check,
    record_evidence,
    record_url,
    save_article,
)

ROOT = Path(__file__).resolve().parent.parent
SITES = 8
WORDS = ("knee shoulder tendon platelet injection therapy patients study trial pain recovery cartilage "
         "inflammation exercise physical evidence results weeks months treatment dose ultrasound guided "
         "randomized controlled osteoarthritis rotator cuff ligament repair healing clinic doctor spine "
         "posture stretch mobility strength balance nerve disc sciatica massage needle acupuncture").split()
STORE_FUNCTIONS = ("save", "save_article", "record_url", "record_evidence", "record_check", "add_pending",
                   "mark_for_grouping")


def sample_posts() -> list[tuple[str, str]]:
    """(path, html) of the bundled sample posts."""
    paths = sorted((ROOT / "examples" / "sample-clinics").glob("*/blog/**/*.html"))
    return [(str(path.relative_to(ROOT / "examples" / "sample-clinics")), path.read_text()) for path in paths]


def redraw(html: str, rng: random.Random) -> str:
    """The page with each paragraph's words redrawn at random: a different post, same markup."""
    def words(match: re.Match) -> str:
        return match.group(1) + " ".join(rng.choice(WORDS) for _ in match.group(2).split())
    return re.sub(r"(<p\b[^>]*>)([^<]{40,})", words, html)


def prepared_records(count: int, seed: int = 7, first: int = 0) -> list[tuple[Capture, Article, bytes | None]]:
    """`count` distinct (capture, article, signature) triples, extracted (and signed, as a
    worker signs them) now so storing them is timed alone."""
    rng = random.Random(seed)
    posts = sample_posts()
    records: list[tuple[Capture, Article, bytes | None]] = []
    n = first
    while len(records) < count:
        path, html = posts[n % len(posts)]
        site = f"clinic{n % SITES}"
        url = f"https://{site}.test/{path.removesuffix('.html')}-{n}/"
        body = redraw(html, rng).encode()
        n += 1
        result = extract(body, url)
        if not isinstance(result, Article):
            continue
        links = tuple(f"https://{site}.test/blog/post-{n}-{i}/" for i in range(5))
        capture = Capture(url=url, final_url=url, status=200,
                          headers={"Content-Type": "text/html", "ETag": f'"{n}"'}, body=body,
                          fetched_at=datetime.now(UTC).isoformat(timespec="seconds"), site=site,
                          depth=1, discovered=links)
        records.append((capture, result, body_signature(result.body_text)))
    return records


def store(writer: ArchiveWriter, capture: Capture, article: Article, signature: bytes | None,
          timers: dict[str, float]) -> None:
    """Archive.ingest after extract(), each store function timed."""
    archive, db = writer.archive, writer.db

    def timed(name, function, *args, **kwargs):
        start = time.perf_counter()
        value = function(*args, **kwargs)
        timers[name] = timers.get(name, 0.0) + time.perf_counter() - start
        return value

    url = capture.final_url
    timed("lookup", db.execute, "select content_sha256, kind from urls where url = ?", [url])
    capture_id = timed("save", archive.captures.save, capture)
    fetch = Fetch(url, capture.site, capture.status, capture_id, capture.sha256, capture.run_id)
    with db.atomic():  # inside the writer's open batch, as in ingest: a savepoint
        identifier, outcome = timed("save_article", save_article, db, article, fetch)
        if outcome in ("new", "changed"):
            timed("mark_for_grouping", mark_for_grouping, db, identifier, signature)
        timed("record_url", record_url, db, fetch, article, identifier)
        timed("record_evidence", record_evidence, db, url, capture.evidence)
        timed("record_check", record_check, db, url, capture.site, unchanged=outcome == "unchanged",
              headers=capture.headers, sha256=capture.sha256, recheck=archive.recheck,
              requested_url=capture.url, run_id=capture.run_id)
        timed("add_pending", add_pending, db, capture.site, list(capture.discovered), capture.depth + 1,
              capture.run_id)


def store_run(writer: ArchiveWriter, records, timers: dict[str, float]) -> tuple[int, float]:
    run_id = writer.start_run([f"clinic{n}" for n in range(SITES)])
    start = time.perf_counter()
    batch = writer.batch
    settle = batch.before_commit

    def timed_settle():
        began = time.perf_counter()
        settle()
        timers["settle"] = timers.get("settle", 0.0) + time.perf_counter() - began

    batch.before_commit = timed_settle
    try:
        for capture, article, signature in records:
            batch.begin()
            store(writer, capture.__class__(**{**capture.__dict__, "run_id": run_id}), article, signature, timers)
            batch.added()
        writer.commit()
    finally:
        batch.before_commit = settle
    return run_id, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--new", type=int, default=100, help="new articles in the run after the first")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions too")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    start = time.perf_counter()
    records = prepared_records(args.records)
    later = prepared_records(args.new, seed=11, first=10 * args.records)
    print(f"extracted {len(records) + len(later)} records in {time.perf_counter() - start:.1f} s (not timed)")
    with tempfile.TemporaryDirectory() as tmp:
        writer = ArchiveWriter.open(Path(tmp) / "bench.db")
        with writer:
            writer.save_sites([SiteSettings(f"clinic{n}", [f"https://clinic{n}.test/"], [f"clinic{n}.test"], {})
                               for n in range(SITES)])
            timers: dict[str, float] = {}
            profiler = cProfile.Profile() if args.profile else None
            if profiler:
                profiler.enable()
            _, seconds = store_run(writer, records, timers)
            if profiler:
                profiler.disable()
            print(f"writer: {len(records)} records in {seconds:.2f} s = {len(records) / seconds:.0f} records/s")
            for name, spent in sorted(timers.items(), key=lambda item: -item[1]):
                print(f"  {name:16} {spent:6.2f} s  {100 * spent / seconds:5.1f}%")
            if profiler:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            settling = timers.get("settle", 0.0)
            print(f"  of which settling duplicate groups at each commit: {settling:.2f} s")
            grouping: dict[str, float] = {}
            _, seconds = store_run(writer, later, grouping)
            print(f"duplicates kept for {len(later)} new articles on {len(records)}: "
                  f"{grouping.get('mark_for_grouping', 0.0) + grouping.get('settle', 0.0):.3f} s "
                  f"(storing them in all: {seconds:.2f} s)")
            start = time.perf_counter()
            groups = rebuild_duplicate_groups(writer.db)
            print(f"duplicates rebuilt over all {len(records) + len(later)} articles, as each crawl ended "
                  f"before: {time.perf_counter() - start:.2f} s ({groups} groups)")


if __name__ == "__main__":
    main()
