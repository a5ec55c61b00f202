"""Archive benchmarks, one table from one run (see issue "An archive that loses nothing").

1. write throughput: generated articles saved with their capture, people, references,
   versions and FTS, in batches of BATCH per transaction;
2. reprocess pages/s on 1 and on 2 worker processes over real sample-post captures;
3. export of the written archive to each format, each in its own process, with its peak
   RSS, at two archive sizes to show memory stays flat as rows grow.

    .venv/bin/python bench/storage.py [--articles 50000] [--reprocess-pages 1000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run from anywhere: the repo, not bench/, first

from archive import Archive  # noqa: E402
from archive.records import Article, Capture, DateValue, Person, Reference  # noqa: E402
from archive.reprocess import reprocess  # noqa: E402
from archive.store import Fetch, save_article, save_site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BATCH = 500
WORDS = ("knee shoulder tendon platelet injection therapy patients study trial pain recovery cartilage "
         "inflammation exercise physical evidence results weeks months treatment dose ultrasound guided "
         "randomized controlled osteoarthritis rotator cuff ligament repair healing clinic doctor").split()


def fake_article(rng: random.Random, n: int) -> Article:
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120))) for _ in range(rng.randint(4, 10))]
    return Article(
        url=f"https://clinic{n % 40}.test/blog/post-{n}/", title=f"Post {n}: " + " ".join(rng.sample(WORDS, 6)),
        body_text="\n\n".join(paragraphs), body_markdown="\n\n".join(paragraphs),
        authors=[Person(name=f"Author {n % 300}", credentials=["MD"])],
        reviewers=[Person(name=f"Reviewer {n % 50}", credentials=["DO"], role="reviewer")],
        published=DateValue(f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}", "json-ld"),
        references=[Reference(position=i, text=f"Study {n}-{i}. J Med. 2020.", year=2020) for i in range(1, 4)],
        extractor_version="bench",
    )


def bench_writes(db_path: Path, count: int) -> float:
    rng = random.Random(7)
    archive = Archive.open(db_path)
    for site in range(40):
        save_site(archive.db, f"clinic{site}", [f"https://clinic{site}.test/blog/"], [f"clinic{site}.test"])
    seconds = 0.0
    for first in range(0, count, BATCH):
        batch = []  # generated outside the timed part: the table reports the archive's cost
        for n in range(first, min(count, first + BATCH)):
            article = fake_article(rng, n)
            body = f"<html><body><h1>{article.title}</h1><p>{article.body_text}</p></body></html>".encode()
            batch.append((article, Capture(url=article.url, final_url=article.url, status=200,
                                           headers={"Content-Type": "text/html"}, body=body,
                                           fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                                           site=f"clinic{n % 40}")))
        start = time.perf_counter()
        with archive.db.atomic():
            for article, capture in batch:
                capture_id = archive.captures.save(capture)
                save_article(archive.db, article, Fetch(capture.final_url, capture.site, capture.status,
                                                        capture_id, capture.sha256))
        seconds += time.perf_counter() - start
    archive.close()
    return count / seconds


def bench_reprocess(tmp: Path, pages: int) -> dict[int, float]:
    """Real sample posts, ingested `pages` times under distinct URLs, then re-extracted."""
    posts = sorted((ROOT / "examples" / "sample-clinics").glob("*/blog/**/*.html"))
    posts = [p for p in posts if p.parent.name not in ("author", "category", "tag", "page")][:23]
    db_path = tmp / "reprocess.db"
    archive = Archive.open(db_path)
    save_site(archive.db, "samples", ["https://samples.test/"], ["samples.test"])
    for n in range(pages):
        url = f"https://samples.test/blog/post-{n}/"
        archive.ingest(Capture(url=url, final_url=url, status=200, headers={}, body=posts[n % len(posts)].read_bytes(),
                               fetched_at="2026-01-01T00:00:00+00:00", site="samples"))
    archive.close()
    speeds = {}
    for workers in (1, 2):
        start = time.perf_counter()
        reprocess(db_path, workers=workers)
        speeds[workers] = pages / (time.perf_counter() - start)
    return speeds


def export_rss(db_path: Path, fmt: str, output: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one export, run in its own process."""
    code = ("import resource, sys, time; from archive.export import export; t = time.perf_counter(); "
            f"export({str(db_path)!r}, {fmt!r}, {str(output)!r}); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    seconds, rss = out.stdout.split()
    return float(seconds), float(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--reprocess-pages", type=int, default=1000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        small = max(1, args.articles // 5)
        sizes = {}
        for label, count in (("small", small), ("full", args.articles)):
            db_path = tmp / f"{label}.db"
            speed = bench_writes(db_path, count)
            sizes[label] = (db_path, count)
            print(f"write {count:>6} articles (capture, people, references, version, FTS; {BATCH}/transaction): "
                  f"{speed:8.1f} articles/s")
        speeds = bench_reprocess(tmp, args.reprocess_pages)
        print(f"reprocess {args.reprocess_pages} sample-post captures: 1 worker {speeds[1]:.1f} pages/s, "
              f"2 workers {speeds[2]:.1f} pages/s, speed-up {speeds[2] / speeds[1]:.2f}x")
        print(f"{'export':8} " + "  ".join(f"{label + ' (' + str(count) + ')':>28}"
                                           for label, (_, count) in sizes.items()))
        for fmt, suffix in (("jsonl", "jsonl"), ("csv", "csv"), ("parquet", "parquet"), ("warc", "warc.gz")):
            cells = []
            for label, (db_path, _) in sizes.items():
                seconds, rss = export_rss(db_path, fmt, tmp / f"{label}.{suffix}")
                cells.append(f"{seconds:7.1f} s, peak RSS {rss:5.0f} MB")
            print(f"{fmt:8} " + "  ".join(f"{c:>28}" for c in cells))


if __name__ == "__main__":
    main()
