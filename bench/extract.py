"""Extraction speed: our extract() next to trafilatura.extract() on the same pages, same process.

Prints pages/s on the 23 bundled sample posts and on the first N pages of the
trafilatura evaluation set (../shared/datasets/trafilatura-eval), when it is present.

    .venv/bin/python bench/extract.py [N]
"""

from __future__ import annotations

import gzip
import json
import platform
import sys
import time
from pathlib import Path

import trafilatura

from archive.extract import extract

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "datasets" / "trafilatura-eval"


def bundled_posts() -> list[tuple[bytes, str]]:
    pages = []
    for golden in sorted((ROOT / "tests" / "golden").glob("*/*.json")):
        if not golden.name.startswith("_"):
            record = json.loads(golden.read_text())
            pages.append(((ROOT / record["file"]).read_bytes(), record["url"]))
    return pages


def eval_pages(limit: int) -> list[tuple[bytes, str]]:
    if not EVAL.exists():
        return []
    annotations = json.loads((EVAL / "annotations.json").read_text())
    return [(gzip.decompress((EVAL / "pages" / a["file"]).read_bytes()), url)
            for url, a in list(annotations.items())[:limit]]


def pages_per_second(function, pages) -> float:
    start = time.perf_counter()
    for html, url in pages:
        function(html, url)
    return len(pages) / (time.perf_counter() - start)


def ours(html, url):
    return extract(html, url)


def trafilatura_default(html, url):
    return trafilatura.extract(html, url=url)


def main(limit: int = 200) -> None:
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"trafilatura {trafilatura.__version__}")
    print(f"{'pages':32} {'n':>5} {'clinic-archive p/s':>19} {'trafilatura p/s':>16}")
    for label, pages in [("bundled sample posts", bundled_posts()),
                         (f"trafilatura-eval (first {limit})", eval_pages(limit))]:
        if not pages:
            print(f"{label:32} {'-':>5}   (not available)")
            continue
        for html, url in pages[:3]:  # warm imports and caches for both
            ours(html, url), trafilatura_default(html, url)
        print(f"{label:32} {len(pages):>5} {pages_per_second(ours, pages):>19.1f} "
              f"{pages_per_second(trafilatura_default, pages):>16.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
