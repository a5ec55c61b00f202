"""Export articles as JSON Lines, CSV, Parquet or WARC, streaming, with a datapackage.json.

Rows are read with one cursor and written as they come (Parquet in fixed-size batches), so
memory stays flat however large the archive. WARC files are rebuilt from the stored raw
captures, as response records with their original headers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

from archive.store import CaptureStore, captures_path, open_archive

FORMATS = ("jsonl", "csv", "parquet", "warc")
BATCH = 1000
# (column, Frictionless type, is a JSON list in the archive); the order is the export's.
FIELDS = [
    ("id", "string", False), ("site", "string", False), ("url", "string", False),
    ("canonical_url", "string", False), ("title", "string", False), ("authors", "array", True),
    ("reviewers", "array", True), ("published", "string", False), ("published_source", "string", False),
    ("modified", "string", False), ("modified_source", "string", False), ("reviewed", "string", False),
    ("categories", "array", True), ("tags", "array", True), ("language", "string", False),
    ("description", "string", False), ("word_count", "integer", False), ("body_text", "string", False),
    ("body_markdown", "string", False), ("references", "array", True), ("content_hash", "string", False),
    ("extractor_version", "string", False), ("first_seen", "string", False), ("last_seen", "string", False),
    ("gone_since", "string", False), ("capture_id", "integer", False), ("capture_sha256", "string", False),
]
DESCRIPTIONS = {
    "authors": "people as 'Name, CRED, ...'", "reviewers": "medical reviewers as 'Name, CRED, ...'",
    "references": "the post's cited references, in order", "published": "ISO 8601",
    "modified": "ISO 8601", "gone_since": "set when the URL answered 404/410; the post is kept",
}


def export(db_path: str | Path, fmt: str, output: str | Path, site: str | None = None,
           since: str | None = None) -> int:
    """Write the articles (of one site; changed on or after `since`) to output; returns the count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    output = Path(output)
    db = open_archive(db_path)
    try:
        rows = _rows(db, site, since)
        count = {"jsonl": _jsonl, "csv": _csv, "parquet": _parquet, "warc": _warc}[fmt](rows, output, db_path)
    finally:
        db.close()
    _datapackage(output, fmt, site, since)
    return count


def _rows(db, site: str | None, since: str | None) -> Iterator[dict]:
    columns = ", ".join(f"a.[{name}]" for name, _, _ in FIELDS if name != "references")
    query = (f"select {columns}, (select json_group_array(text) from (select text from citations c "
             "where c.article_id = a.id order by position)) as [references] from articles a where 1")
    params: list = []
    if site:
        query += " and a.site = ?"
        params.append(site)
    if since:
        query += " and (select max(seen_at) from article_versions v where v.article_id = a.id) >= ?"
        params.append(since)
    cursor = db.execute(query + " order by a.site, a.id", params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        found = dict(zip(names, values))
        yield {name: json.loads(found[name] or "[]") if is_list else found[name] for name, _, is_list in FIELDS}


def _jsonl(rows, output: Path, db_path) -> int:
    count = 0
    with output.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _csv(rows, output: Path, db_path) -> int:
    count = 0
    with output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[name for name, _, _ in FIELDS])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                             for k, v in row.items()})
            count += 1
    return count


def parquet_schema():
    import pyarrow as pa

    kinds = {"string": pa.string(), "integer": pa.int64(), "array": pa.list_(pa.string())}
    return pa.schema([pa.field(name, kinds[kind]) for name, kind, _ in FIELDS])


def _parquet(rows, output: Path, db_path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(output, schema, compression="zstd") as writer:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _warc(rows, output: Path, db_path) -> int:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    store = CaptureStore(captures_path(db_path), read_only=True)
    count = 0
    try:
        with output.open("wb") as out:
            writer = WARCWriter(out, gzip=output.name.endswith(".gz"), warc_version="1.1")
            for row in rows:
                capture = store.get(row["capture_id"]) if row["capture_id"] is not None else None
                if capture is None:
                    continue
                url, status, body = capture.final_url, capture.status, capture.body
                # the stored body is decoded: drop the encodings that no longer describe it
                kept = [(k, v) for k, v in capture.headers.items()
                        if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
                kept.append(("Content-Length", str(len(body))))
                phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "OK"
                http_headers = StatusAndHeaders(f"{status} {phrase}", kept, protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                   http_headers=http_headers,
                                                   warc_headers_dict={"WARC-Date": _warc_date(capture.fetched_at)})
                writer.write_record(record)
                count += 1
    finally:
        store.close()
    return count


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z") if iso else iso


def _datapackage(output: Path, fmt: str, site: str | None, since: str | None) -> None:
    """A Frictionless Data Package beside the export describing what it holds."""
    resource = {"name": "articles", "path": output.name, "format": fmt,
                "description": "clinic-archive articles" + (f" of {site}" if site else "")
                + (f", changed on or after {since}" if since else "")}
    if fmt == "warc":
        resource.update(mediatype="application/warc", description=resource["description"]
                        + ": the raw HTTP responses each article was read from")
    else:
        resource["mediatype"] = {"jsonl": "application/x-ndjson", "csv": "text/csv",
                                 "parquet": "application/vnd.apache.parquet"}[fmt]
        resource["schema"] = {"fields": [
            {"name": name, "type": kind, **({"description": DESCRIPTIONS[name]} if name in DESCRIPTIONS else {})}
            for name, kind, _ in FIELDS], "primaryKey": ["id"]}
    package = {"name": "clinic-archive-export", "profile": "data-package", "resources": [resource]}
    (output.parent / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
