"""Records on real pages nobody here wrote: WCXB's development split, ours beside trafilatura.

Prints, for both extractors on the same pages in one process: article pages kept, listing and
collection pages taken as articles, word F1 of the body on article pages (the benchmark's
metric; a dropped page scores 0), and title, author and date match rates on article pages.
Timing interleaves our `extract()` with `trafilatura.extract()` page by page after a warm-up;
trafilatura's fields come from an untimed `bare_extraction()` of each page.

    .venv/bin/python bench/wcxb.py [--limit N] [--json FILE] [--misses FILE]

`--fast` skips timing and trafilatura, running ours on every core, for trying a change:
its numbers are ours only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run from anywhere: the repo, not bench/, first

from archive.extract import extract  # noqa: E402
from archive.records import Article  # noqa: E402
from bench.scoring import WCXB_LISTING_TYPES, names_match, title_match, wcxb_samples, word_f1  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WCXB_DIR = ROOT.parent / "shared" / "datasets" / "wcxb-dev"
WARM_UP_PAGES = 30


def ours(sample) -> dict:
    result = extract(sample.html, sample.url)
    article = isinstance(result, Article)
    return {"kept": article, "reason": result.reason,
            "text": result.body_text if article else "",
            "title": result.title if article else None,
            "authors": [p.name for p in result.authors] if article else [],
            "date": result.published.value[:10] if article and result.published else None}


def theirs(sample, text: str | None) -> dict:
    document = trafilatura.bare_extraction(sample.html, url=sample.url, with_metadata=True)
    meta = document.as_dict() if document is not None else {}
    return {"kept": bool(text), "reason": None, "text": text or "",
            "title": meta.get("title"), "authors": [meta["author"]] if meta.get("author") else [],
            "date": (meta.get("date") or "")[:10] or None}


def score(samples, outputs) -> dict:
    articles = [(s, o) for s, o in zip(samples, outputs) if s.fields["type"] == "article"]
    listings = [o for s, o in zip(samples, outputs) if s.fields["type"] in WCXB_LISTING_TYPES]
    kept = [(s, o) for s, o in articles if o["kept"]]

    def rate(field, match):
        pairs = [(s.fields[field], o) for s, o in articles if s.fields[field]]
        return sum(1 for truth, o in pairs if o["kept"] and match(truth, o)) / len(pairs)

    return {
        "articles": len(articles), "listings_and_collections": len(listings),
        "articles_kept": len(kept) / len(articles),
        "listings_as_articles": sum(o["kept"] for o in listings) / len(listings) if listings else 0.0,
        "body_f1": statistics.mean(word_f1(s.body, o["text"]) for s, o in articles),
        "body_f1_kept": statistics.mean(word_f1(s.body, o["text"]) for s, o in kept) if kept else 0.0,
        "title": rate("title", lambda truth, o: title_match(truth, o["title"])),
        "author": rate("author", lambda truth, o: names_match(truth, o["authors"])),
        "date": rate("date", lambda truth, o: o["date"] == truth),
    }


def timed_run(samples) -> tuple[list, list, dict]:
    for sample in samples[:WARM_UP_PAGES]:
        ours(sample), trafilatura.extract(sample.html, url=sample.url)
    seconds = {"clinic-archive": 0.0, "trafilatura": 0.0}
    our_outputs, their_texts = [], []
    for index, sample in enumerate(samples):
        steps = [("clinic-archive", lambda s=sample: our_outputs.append(ours(s))),
                 ("trafilatura", lambda s=sample: their_texts.append(trafilatura.extract(s.html, url=s.url)))]
        for name, step in steps[index % 2:] + steps[:index % 2]:  # alternate who goes first
            start = time.perf_counter()
            step()
            seconds[name] += time.perf_counter() - start
    their_outputs = [theirs(s, t) for s, t in zip(samples, their_texts)]
    return our_outputs, their_outputs, {name: len(samples) / s for name, s in seconds.items()}


def write_misses(path: Path, samples, outputs) -> None:
    """One JSON line per article page we drop or get a field wrong on, for reading what moved."""
    with path.open("w", encoding="utf-8") as out:
        for s, o in zip(samples, outputs):
            if s.fields["type"] not in {"article", *WCXB_LISTING_TYPES}:
                continue
            row = {"id": s.name, "type": s.fields["type"], "kept": o["kept"], "reason": o["reason"],
                   "f1": round(word_f1(s.body, o["text"]), 3),
                   "title": [s.fields["title"], o["title"]], "author": [s.fields["author"], o["authors"]],
                   "date": [s.fields["date"], o["date"]]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


ROWS = [("article pages kept", "articles_kept", "{:.1%}"),
        ("listings/collections kept as articles", "listings_as_articles", "{:.1%}"),
        ("body word F1, article pages", "body_f1", "{:.3f}"),
        ("body word F1, kept article pages", "body_f1_kept", "{:.3f}"),
        ("title match", "title", "{:.3f}"), ("author match", "author", "{:.3f}"),
        ("date match", "date", "{:.3f}"), ("pages/s", "pages_per_s", "{:.1f}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--misses", type=Path, help="write our per-page outcomes (JSON lines) here")
    parser.add_argument("--fast", action="store_true", help="ours only, on every core, untimed")
    args = parser.parse_args()
    samples = list(wcxb_samples(WCXB_DIR, args.limit))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}, trafilatura {trafilatura.__version__}; WCXB dev, {len(samples)} pages "
          "(CC-BY-4.0, Murrough Foley)")
    if args.fast:
        with ProcessPoolExecutor() as pool:
            our_outputs = list(pool.map(ours, samples, chunksize=8))
        reports = {"clinic-archive": score(samples, our_outputs)}
    else:
        our_outputs, their_outputs, speed = timed_run(samples)
        reports = {"clinic-archive": {**score(samples, our_outputs), "pages_per_s": speed["clinic-archive"]},
                   "trafilatura": {**score(samples, their_outputs), "pages_per_s": speed["trafilatura"]}}
    first = next(iter(reports.values()))
    print(f"{first['articles']} article pages, {first['listings_and_collections']} listing and collection pages")
    print(f"{'':40}" + "".join(f"{name:>16}" for name in reports))
    for label, key, form in ROWS:
        if all(key in r for r in reports.values()):
            print(f"{label:40}" + "".join(f"{form.format(r[key]):>16}" for r in reports.values()))
    if "trafilatura" in reports:
        ratio = reports["clinic-archive"]["pages_per_s"] / reports["trafilatura"]["pages_per_s"]
        print(f"speed, ours vs trafilatura.extract: {ratio:.2f}x")
    if args.misses:
        write_misses(args.misses, samples, our_outputs)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
