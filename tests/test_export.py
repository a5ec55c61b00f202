"""Exports as analysts' tools read them: JSON Lines, CSV, Parquet, WARC and datapackage.json."""

import csv
import json

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.export import FIELDS
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def archive(crawled):
    return crawled["db"]


def export(archive, tmp_path, fmt, name, *args):
    output = tmp_path / name
    result = run_cli("export", "--db", str(archive), "--format", fmt, "--output", str(output), *args)
    assert result.returncode == 0, result.stderr
    return output, json.loads((tmp_path / "datapackage.json").read_text())


def test_jsonl_has_one_article_per_line_with_lists_as_lists(archive, tmp_path):
    output, package = export(archive, tmp_path, "jsonl", "articles.jsonl")
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert len(rows) == 23 and list(rows[0]) == [name for name, _, _ in FIELDS]
    seed = next(r for r in rows if r["title"].startswith("Harnessing the Healing Power"))
    assert seed["authors"] == ["James Leiber, DO"] and seed["reviewers"] == ["Ignatios Papas, DO"]
    assert seed["references"] and isinstance(seed["references"][0], str)
    resource = package["resources"][0]
    assert resource["path"] == "articles.jsonl" and resource["schema"]["primaryKey"] == ["id"]
    assert [f["name"] for f in resource["schema"]["fields"]] == [name for name, _, _ in FIELDS]


def test_csv_reads_back_and_filters_by_site(archive, tmp_path):
    output, _ = export(archive, tmp_path, "csv", "lakeside.csv", "--site", "Lakeside Integrative Medicine")
    with output.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8 and {r["site"] for r in rows} == {"Lakeside Integrative Medicine"}
    assert all(isinstance(json.loads(r["authors"]), list) for r in rows)


def test_parquet_has_the_documented_schema(archive, tmp_path):
    output, package = export(archive, tmp_path, "parquet", "articles.parquet")
    table = pq.read_table(output)
    assert table.num_rows == 23
    assert str(table.schema.field("authors").type) == "list<element: string>"
    assert str(table.schema.field("word_count").type) == "int64"
    assert package["resources"][0]["mediatype"] == "application/vnd.apache.parquet"


def test_since_keeps_only_articles_changed_on_or_after_the_date(archive, tmp_path):
    output, _ = export(archive, tmp_path, "jsonl", "future.jsonl", "--since", "2999-01-01")
    assert output.read_text() == ""


def test_warc_replays_the_original_responses(archive, tmp_path):
    output, package = export(archive, tmp_path, "warc", "articles.warc.gz")
    with output.open("rb") as handle:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode(),
                    r.http_headers.get_header("Content-Type"), r.content_stream().read())
                   for r in ArchiveIterator(handle) if r.rec_type == "response"]
    assert len(records) == 23
    url, status, content_type, body = records[0]
    assert status == "200" and content_type.startswith("text/html") and b"<html" in body.lower()
    assert package["resources"][0]["mediatype"] == "application/warc"
    check = run_cli("check", "--db", str(archive))  # export reads, never writes
    assert check.returncode == 0
