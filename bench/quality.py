"""Extraction quality and speed: our extractor beside trafilatura, same pages, same process.

One table per dataset, each reported separately:
- bundled sample clinic posts (full ground-truth bodies: shingle metric; golden fields);
- trafilatura's evaluation corpus, ../shared/datasets/trafilatura-eval (snippet metric,
  its own convention; note trafilatura was tuned on it).

    .venv/bin/python bench/quality.py [--limit N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import trafilatura

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run from anywhere: the repo, not bench/, first

from archive.extract import extract  # noqa: E402
from archive.records import Article  # noqa: E402
from bench.scoring import (  # noqa: E402
    bundled_samples,
    golden_field_rates,
    shingle_match,
    shingle_scores,
    snippet_scores,
    trafilatura_eval_samples,
)

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "datasets" / "trafilatura-eval"
WARM_UP_PAGES = 30  # of trafilatura-eval, else of the bundled posts


EXTRACTORS = {
    "clinic-archive": lambda s: extract(s.html, s.url),
    "trafilatura": lambda s: trafilatura.extract(s.html, url=s.url),
    "trafilatura precision": lambda s: trafilatura.extract(s.html, url=s.url, favor_precision=True),
}


def warm_up(samples) -> None:
    """Every extractor on a few pages, untimed: one-time loads (our language model, trafilatura's
    stop lists) are start-up costs, not per-page ones, and would otherwise land on whichever page
    first needs them."""
    for sample in samples:
        for extractor in EXTRACTORS.values():
            extractor(sample)


def run_interleaved(samples) -> tuple[dict[str, list], dict[str, float]]:
    """Every extractor on each page in turn, so drift in machine speed (this box is noisy)
    hits all of them alike; returns outputs per extractor and pages/s per extractor."""
    outputs = {name: [] for name in EXTRACTORS}
    seconds = dict.fromkeys(EXTRACTORS, 0.0)
    for index, sample in enumerate(samples):
        names = list(EXTRACTORS)
        names = names[index % len(names):] + names[:index % len(names)]  # rotate who goes first
        for name in names:
            start = time.perf_counter()
            outputs[name].append(EXTRACTORS[name](sample))
            seconds[name] += time.perf_counter() - start
    return outputs, {name: len(samples) / seconds[name] for name in EXTRACTORS}


def body_scores(samples, texts) -> dict:
    scores = {f"snippet_{k}": v for k, v in snippet_scores(
        (t, s.with_snippets, s.without_snippets) for t, s in zip(texts, samples)).items()}
    with_body = [(s, t) for s, t in zip(samples, texts) if s.body is not None]
    if with_body:
        scores.update({f"shingle_{k}": v for k, v in shingle_scores(
            shingle_match(s.body, t) for s, t in with_body).items()})
    return scores


def _norm(text) -> str:
    return " ".join(str(text or "").casefold().split())


def eval_field_rates(samples, results) -> dict[str, float]:
    """Share of annotated pages whose title, author and date we match (normalised)."""
    rates = {}
    for field_name, ours in (
        ("title", lambda r: r.title),
        ("author", lambda r: "; ".join(p.name for p in r.authors)),
        ("date", lambda r: r.published.value[:10] if r.published else None),
    ):
        pairs = [(s.fields[field_name], r) for s, r in zip(samples, results) if field_name in s.fields]
        hits = sum(1 for expected, r in pairs if isinstance(r, Article) and _norm(ours(r)) == _norm(expected))
        rates[field_name] = hits / len(pairs) if pairs else None
    return rates


def trafilatura_field_rates(samples) -> dict[str, float]:
    rates = {}
    metadata = [trafilatura.extract_metadata(s.html, default_url=s.url) for s in samples]
    for field_name in ("title", "author", "date"):
        pairs = [(s.fields[field_name], m) for s, m in zip(samples, metadata) if field_name in s.fields]
        hits = sum(1 for expected, m in pairs if m is not None and _norm(getattr(m, field_name)) == _norm(expected))
        rates[field_name] = hits / len(pairs) if pairs else None
    return rates


def evaluate(label: str, samples: list) -> dict:
    outputs, speed = run_interleaved(samples)
    ours_results = outputs["clinic-archive"]
    texts = {"clinic-archive": [r.body_text or "" for r in ours_results],  # main text of posts and other pages
             **{name: [t or "" for t in outputs[name]] for name in EXTRACTORS if name != "clinic-archive"}}
    rows = {name: {**body_scores(samples, texts[name]), "pages_per_s": speed[name]} for name in EXTRACTORS}
    report = {"dataset": label, "pages": len(samples), "body": rows}
    if samples and "authors" in samples[0].fields:
        report["fields"] = {"clinic-archive": golden_field_rates(samples, ours_results)}
    else:
        report["fields"] = {"clinic-archive": eval_field_rates(samples, ours_results),
                            "trafilatura": trafilatura_field_rates(samples)}
    return report


def print_report(report: dict) -> None:
    print(f"\n== {report['dataset']} ({report['pages']} pages)")
    columns = [c for c in ("shingle_precision", "shingle_recall", "shingle_f1", "snippet_precision",
                           "snippet_recall", "snippet_f1", "pages_per_s")
               if c in report["body"]["clinic-archive"]]
    print(f"{'extractor':24}" + "".join(f"{c.replace('_', ' '):>19}" for c in columns))
    for name, row in report["body"].items():
        print(f"{name:24}" + "".join(f"{row[c]:>19.3f}" if c != "pages_per_s" else f"{row[c]:>19.1f}"
                                     for c in columns))
    for name, rates in report["fields"].items():
        print(f"fields, {name}: " + ", ".join(f"{k} {v:.3f}" if v is not None else f"{k} n/a (not annotated)"
                                              for k, v in rates.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="use only the first N pages of the eval corpus")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"trafilatura {trafilatura.__version__}; one process, pages held in memory, extractors "
          "interleaved page by page after an untimed warm-up")
    bundled = list(bundled_samples(ROOT / "tests" / "golden", ROOT))
    corpus = list(trafilatura_eval_samples(EVAL_DIR, args.limit)) if EVAL_DIR.exists() else []
    warm_up(corpus[:WARM_UP_PAGES] or bundled[:WARM_UP_PAGES])
    reports = [evaluate("bundled sample clinic posts", bundled)]
    if corpus:
        reports.append(evaluate("trafilatura-eval", corpus))
    else:
        print(f"(skipped trafilatura-eval: {EVAL_DIR} not found)", file=sys.stderr)
    for report in reports:
        print_report(report)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2))


if __name__ == "__main__":
    main()
