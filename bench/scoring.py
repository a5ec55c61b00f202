"""Scoring extraction against ground truth, for bench/quality.py and the quality gate.

Two metrics, each the convention of its dataset:
- shingle P/R/F1, the metric of the public article-extraction-benchmark (scrapinghub):
  4-token shingles of `\\w+` tokens, per-page counts normalised, precision and recall
  averaged over pages, F1 from the averages. Used where a full ground-truth body exists.
- snippet P/R/F1, the trafilatura evaluation corpus convention: whitespace-normalised
  substring tests of `with` and `without` snippets, counted over all pages.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass
class Sample:
    """A page with what a correct extraction contains."""

    name: str
    html: bytes
    url: str
    body: str | None = None  # full ground-truth body text, when known
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)  # expected metadata, by field name


def shingle_match(true: str, predicted: str, n: int = 4) -> tuple[float, float, float]:
    """(tp, fp, fn) over n-token shingles, normalised to sum to 1 so pages weigh equally."""
    true_counts, predicted_counts = _shingles(true, n), _shingles(predicted, n)
    tp = fp = fn = 0
    for key in true_counts.keys() | predicted_counts.keys():
        t, p = true_counts.get(key, 0), predicted_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_scores(matches: Iterable[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision and recall over pages (as the benchmark averages them) and their F1."""
    matches = list(matches)
    precision = statistics.mean([_ratio(tp, fp, fn, fp) for tp, fp, fn in matches if tp + fp > 0] or [0.0])
    recall = statistics.mean([_ratio(tp, fp, fn, fn) for tp, fp, fn in matches if tp + fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def snippet_scores(results: Iterable[tuple[str, list[str], list[str]]]) -> dict[str, float]:
    """(extracted text, with snippets, without snippets) per page -> P/R/F1 counted over all pages."""
    found_with = found_without = all_with = 0
    for text, with_snippets, without_snippets in results:
        text = " ".join((text or "").split())
        found_with += sum(1 for s in with_snippets if " ".join(s.split()) in text)
        found_without += sum(1 for s in without_snippets if " ".join(s.split()) in text)
        all_with += len(with_snippets)
    precision = found_with / (found_with + found_without) if found_with + found_without else 0.0
    recall = found_with / all_with if all_with else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def golden_field_matches(result, golden: dict) -> dict[str, bool]:
    """Which of a golden record's core fields an extraction result gets exactly right."""
    article = getattr(result, "kind", None) == "article"

    def people(found):
        return [{"name": p.name, "credentials": p.credentials} for p in found]

    return {
        "kind": article,
        "title": article and result.title == golden["title"],
        "authors": article and people(result.authors) == golden["authors"],
        "reviewers": article and people(result.reviewers) == golden["reviewers"],
        "published": article and bool(result.published) and result.published.value[:10] == golden["published"],
        "modified": article and (result.modified.value[:10] if result.modified else None) == golden["modified"],
    }


def golden_field_rates(samples, results) -> dict[str, float]:
    """Share of samples where each core field is exactly as the golden record says."""
    matches = [golden_field_matches(r, s.fields) for s, r in zip(samples, results)]
    return {name: sum(m[name] for m in matches) / len(matches) for name in matches[0]} if matches else {}


def bundled_samples(golden_dir: Path, repo_root: Path) -> Iterator[Sample]:
    """The bundled sample posts with their golden records and full body texts."""
    for path in sorted(golden_dir.glob("*/*.json")):
        if path.name.startswith("_"):
            continue
        golden = json.loads(path.read_text(encoding="utf-8"))
        body_path = path.with_suffix(".body.txt")
        yield Sample(
            name=f"{path.parent.name}/{path.stem}",
            html=(repo_root / golden["file"]).read_bytes(),
            url=golden["url"],
            body=body_path.read_text(encoding="utf-8") if body_path.exists() else None,
            with_snippets=golden.get("body_contains", []),
            without_snippets=golden.get("body_not_contains", []),
            fields=golden,
        )


def trafilatura_eval_samples(dataset_dir: Path, limit: int | None = None) -> Iterator[Sample]:
    """The annotated pages of trafilatura's evaluation corpus (see its README)."""
    annotations = json.loads((dataset_dir / "annotations.json").read_text(encoding="utf-8"))
    for url, annotation in list(annotations.items())[:limit]:
        yield Sample(
            name=annotation["file"],
            html=gzip.decompress((dataset_dir / "pages" / annotation["file"]).read_bytes()),
            url=url,
            with_snippets=annotation.get("with", []),
            without_snippets=annotation.get("without", []),
            fields={k: annotation[k] for k in ("title", "author", "date") if annotation.get(k)},
        )


def _shingles(text: str, n: int) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def _ratio(tp: float, fp: float, fn: float, miss: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == miss == 0:
        return 0.0
    return tp / (tp + miss)


# WCXB (../shared/datasets/wcxb-dev): bag-of-words F1 per page, and field matches.

WCXB_LISTING_TYPES = {"listing", "collection", "category"}
# MD, FAND, Ph.D., M.Ed., E-RYT 200: short capitals, dotted abbreviations, capitals with digits.
_CREDENTIAL = re.compile(r"^[A-Z]{2,5}$|^(?=.{2,8}$)(?:[A-Z][a-z]{0,2}\.)+(?:[A-Z][a-z]{0,2})?$|^(?=[^a-z]*\d)[^a-z]+$")
_NAME_SEPARATORS = re.compile(r",|;|&|\band\b|\bwith\b|\|", re.IGNORECASE)
_BYLINE_LEAD = re.compile(r"^\s*(?:written\s+by|posted\s+by|reviewed\s+by|by)\s*:?\s+", re.IGNORECASE)


def wcxb_samples(dataset_dir: Path, limit: int | None = None) -> Iterator[Sample]:
    """The WCXB development pages: main text in `body`, page type, title, author and date in `fields`."""
    for path in sorted((dataset_dir / "ground-truth").glob("*.json"))[:limit]:
        annotation = json.loads(path.read_text(encoding="utf-8"))
        truth = annotation["ground_truth"]
        page_type = annotation["_internal"]["page_type"]["primary"]
        yield Sample(
            name=path.stem,
            html=gzip.decompress((dataset_dir / "html" / f"{path.stem}.html.gz").read_bytes()),
            url=annotation.get("url") or "",
            body=truth.get("main_content") or "",
            with_snippets=truth.get("with") or [],
            without_snippets=truth.get("without") or [],
            fields={"type": page_type, "title": truth.get("title"), "author": truth.get("author"),
                    "date": truth.get("publish_date")},
        )


def word_f1(true: str, predicted: str) -> float:
    """The WCXB metric: F1 of lower-cased `\\w+` multisets; nothing extracted scores 0."""
    true_counts = Counter(t.lower() for t in _TOKEN.findall(true or ""))
    predicted_counts = Counter(t.lower() for t in _TOKEN.findall(predicted or ""))
    overlap = sum((true_counts & predicted_counts).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(predicted_counts.values()), overlap / sum(true_counts.values())
    return 2 * precision * recall / (precision + recall)


def byline_names(byline: str | None) -> set[str]:
    """The people a byline string names, lower-cased words only, credentials dropped:
    'Danielle DeSiato, Donna Enzmann, and Natalie Nguyen, MD' -> three names."""
    names = set()
    for part in _NAME_SEPARATORS.split(_BYLINE_LEAD.sub("", byline or "")):
        part = part.strip(" .:-")
        if not part or _CREDENTIAL.match(part):
            continue
        words = _TOKEN.findall(part.lower())
        if words:
            names.add(" ".join(words))
    return names


def names_match(true_byline: str, found: Iterable[str]) -> bool:
    """Whether the names found are the byline's people, no more and no fewer."""
    found_names = set()
    for name in found:
        found_names |= byline_names(name)
    return bool(found_names) and found_names == byline_names(true_byline)


def title_match(true: str, found: str | None) -> bool:
    """Same words in the same order, case and punctuation aside."""
    return bool(found) and _TOKEN.findall(true.lower()) == _TOKEN.findall(found.lower())
