"""Every bundled post against its expected record (tests/golden/SITE/POST.json), one case each."""

import json
from pathlib import Path

import pytest

from archive.extract import extract
from archive.records import Article
from bench.scoring import shingle_match, shingle_scores
from tests.conftest import ROOT, golden_articles, golden_non_articles


def people(found):
    return [{"name": p.name, "credentials": p.credentials} for p in found]


def case_id(path):
    return f"{path.parent.name}/{path.stem}"


@pytest.fixture(scope="module")
def extracted():
    cache = {}

    def get(path, url):
        if path not in cache:
            cache[path] = extract((ROOT / path).read_bytes(), url)
        return cache[path]
    return get


@pytest.mark.parametrize("golden_path", golden_articles(), ids=case_id)
def test_post_matches_golden(golden_path, extracted):
    golden = json.loads(Path(golden_path).read_text())
    result = extracted(golden["file"], golden["url"])
    assert isinstance(result, Article), f"not an article: {result.kind}: {result.reason}"
    assert result.title == golden["title"]
    assert people(result.authors) == golden["authors"]
    assert people(result.reviewers) == golden["reviewers"]
    assert result.published and result.published.value[:10] == golden["published"]
    assert (result.modified.value[:10] if result.modified else None) == golden["modified"]
    body = " ".join(result.body_text.split())
    missing = [text for text in golden["body_contains"] if " ".join(text.split()) not in body]
    assert missing == []
    leaked = [text for text in golden["body_not_contains"] if text in body]
    assert leaked == []
    markdown_lines = [line.strip() for line in result.body_markdown.replace("\\", "").splitlines()]
    missing_md = [text for text in golden["markdown_contains"]
                  if not any(line.startswith(text) for line in markdown_lines)]
    assert missing_md == []


@pytest.mark.parametrize("golden_path", golden_articles(), ids=case_id)
def test_post_fields_match_golden(golden_path, extracted):
    golden = json.loads(Path(golden_path).read_text())
    result = extracted(golden["file"], golden["url"])
    assert isinstance(result, Article)
    assert result.categories == golden["categories"]
    assert result.tags == golden["tags"]
    assert result.image == golden["image"]
    assert (result.reviewed.value[:10] if result.reviewed else None) == golden["reviewed"]
    assert [{"heading": s.heading, "level": s.level} for s in result.sections if s.heading] == golden["sections"]
    assert [link.url for link in result.links if link.kind == "study"] == golden["study_links"]
    if golden["disclaimer_starts"] is None:
        assert result.disclaimer is None
    else:
        assert result.disclaimer and result.disclaimer.startswith(golden["disclaimer_starts"])
    assert result.ctas == golden["ctas"]


@pytest.mark.parametrize("golden_path", golden_articles(), ids=case_id)
def test_post_references_match_golden(golden_path, extracted):
    golden = json.loads(Path(golden_path).read_text())
    result = extracted(golden["file"], golden["url"])
    found = [{"position": r.position, "text_starts": r.text[: len(g["text_starts"])], "doi": r.doi,
              "pmid": r.pmid, "pmcid": r.pmcid, "url": r.url, "year": r.year}
             for r, g in zip(result.references, golden["references"])]
    assert len(result.references) == len(golden["references"])
    assert found == golden["references"]


@pytest.mark.parametrize("golden_path", golden_articles(), ids=case_id)
def test_post_body_matches_ground_truth_text(golden_path, extracted):
    golden = json.loads(Path(golden_path).read_text())
    result = extracted(golden["file"], golden["url"])
    truth = Path(golden_path).with_suffix(".body.txt").read_text()
    scores = shingle_scores([shingle_match(truth, result.body_text)])
    assert scores["f1"] >= 0.99, scores


@pytest.mark.parametrize("page", golden_non_articles(), ids=lambda p: p["file"].split("sample-clinics/")[-1])
def test_non_post_pages_are_not_articles(page, extracted):
    result = extracted(page["file"], page["url"])
    assert result.kind == page["kind"], getattr(result, "reason", "")
