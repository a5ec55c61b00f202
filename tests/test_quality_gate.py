"""Quality gate: scores may not drop below the floors pinned in quality_floors.json."""

import json
from pathlib import Path

import pytest

from archive.extract import extract
from bench.scoring import (
    WCXB_LISTING_TYPES,
    bundled_samples,
    golden_field_rates,
    shingle_match,
    shingle_scores,
    snippet_scores,
    trafilatura_eval_samples,
    wcxb_samples,
)
from tests.conftest import GOLDEN, ROOT

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text())
EVAL_DIR = ROOT.parent / "shared" / "datasets" / "trafilatura-eval"


@pytest.fixture(scope="module")
def bundled():
    samples = list(bundled_samples(GOLDEN, ROOT))
    return samples, [extract(s.html, s.url) for s in samples]


def test_bundled_posts_body_f1_holds_its_floor(bundled):
    samples, results = bundled
    scores = shingle_scores(shingle_match(s.body, r.body_text or "") for s, r in zip(samples, results))
    assert scores["f1"] >= FLOORS["bundled_shingle_f1"], scores


def test_bundled_posts_fields_hold_their_floors(bundled):
    samples, results = bundled
    rates = golden_field_rates(samples, results)
    below = {name: rate for name, rate in rates.items() if rate < FLOORS["bundled_field_rates"][name]}
    assert rates and below == {}


@pytest.mark.skipif(not EVAL_DIR.exists(), reason=f"development set not found at {EVAL_DIR}")
def test_development_set_f1_and_fields_hold_their_floors():
    from bench.quality import eval_field_rates  # the bench's own scoring, so gate and bench agree

    samples = list(trafilatura_eval_samples(EVAL_DIR, limit=300))
    results = [extract(s.html, s.url) for s in samples]
    scores = snippet_scores((r.body_text or "", s.with_snippets, s.without_snippets) for s, r in zip(samples, results))
    assert scores["f1"] >= FLOORS["trafilatura_eval_first_300_snippet_f1"], scores
    rates = eval_field_rates(samples, results)
    floors = FLOORS["trafilatura_eval_first_300_fields"]
    assert {k: v for k, v in rates.items() if v < floors[k]} == {}, rates


WCXB_DIR = ROOT.parent / "shared" / "datasets" / "wcxb-dev"


@pytest.mark.skipif(not WCXB_DIR.exists(), reason=f"development set not found at {WCXB_DIR}")
def test_wcxb_posts_are_kept_and_their_fields_hold_their_floors():
    from bench.wcxb import ours, score  # the bench's own scoring, so gate and bench agree

    samples = [s for s in wcxb_samples(WCXB_DIR) if s.fields["type"] in {"article", *WCXB_LISTING_TYPES}]
    scores = score(samples, [ours(s) for s in samples])
    floors = FLOORS["wcxb"]
    assert scores["listings_as_articles"] <= floors["listings_as_articles_at_most"], scores
    below = {k: v for k, v in scores.items() if k in floors and v < floors[k]}
    assert below == {}, scores
