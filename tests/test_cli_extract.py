"""`clinic-archive extract`: saved pages in, one JSON object per input line out."""

import gzip
import json

from tests.conftest import ROOT, run_cli

SEED = ROOT / "examples/sample-clinics/frontrange-spine/blog/bone-marrow-derived-cells-chronic-low-back-pain/index.html"
SEED_URL = "https://frontrange-spine.test/blog/bone-marrow-derived-cells-chronic-low-back-pain/"


def lines(result):
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_extract_prints_every_field_at_top_level(tmp_path):
    urls = tmp_path / "urls.tsv"
    urls.write_text(f"{SEED}\t{SEED_URL}\n")
    [record] = lines(run_cli("extract", str(SEED), "--urls", str(urls)))
    assert record["file"] == str(SEED) and record["url"] == SEED_URL and record["kind"] == "article"
    assert record["title"] == "Harnessing the Healing Power of Bone Marrow-Derived Cells for Chronic Low Back Pain"
    assert record["authors"][0]["name"] == "James Leiber" and record["reviewers"][0]["credentials"] == ["DO"]
    assert record["published"] == {"value": "2024-03-18T14:05:21+00:00", "source": "json-ld", "why": None}
    assert record["references"][0]["year"] == 2016
    assert "1. **Pain Reduction:**" in record["body_markdown"]
    for field in ("canonical_url", "site_name", "language", "modified", "reviewed", "categories", "tags",
                  "breadcrumbs", "description", "image", "images", "body_text", "sections", "word_count",
                  "links", "ctas", "disclaimer", "extractor_version"):
        assert field in record


def test_extract_reads_gzip_and_directories_and_reports_non_articles(tmp_path):
    (tmp_path / "post.html.gz").write_bytes(gzip.compress(SEED.read_bytes()))
    listing = ROOT / "examples/sample-clinics/frontrange-spine/blog/category/knee/index.html"
    (tmp_path / "listing.html").write_bytes(listing.read_bytes())
    records = lines(run_cli("extract", str(tmp_path)))
    by_file = {record["file"].rsplit("/", 1)[1]: record for record in records}
    assert by_file["post.html.gz"]["kind"] == "article"
    assert by_file["listing.html"]["kind"] == "listing" and by_file["listing.html"]["reason"]


def test_unreadable_file_gets_an_error_line_and_the_run_goes_on(tmp_path):
    (tmp_path / "a-broken.html.gz").write_bytes(b"not gzip at all")
    (tmp_path / "b-post.html").write_bytes(SEED.read_bytes())
    records = lines(run_cli("extract", str(tmp_path)))
    assert records[0]["kind"] == "error" and "gzip" in records[0]["error"].lower()
    assert records[1]["kind"] == "article"
